// Resource errors injected by preload.c (EMFILE, ENFILE from socket, socketpair, pipe2 and
// accept4; ENOBUFS, ENOMEM from send; ECONNABORTED from accept4) reach the caller as SystemErrors
// with their code, negative errno and syscall; EventLoop.run() rejects with them; nothing crashes,
// no fd is left open, no rejection goes unhandled.
import path from 'node:path';
import { describeFaults, faultEnv, FIXTURES, injected, killAll, readFaultLog, startNode, whenFaults, type Faults } from './harness';

afterEach(killAll);

const CALLS = 'send:ENOBUFS:ENOMEM,accept4:EMFILE:ECONNABORTED,socket:EMFILE:ENFILE,socketpair:EMFILE,pipe2:EMFILE';

for (const seed of [1, 2, 3]) whenFaults.test(`every resource error carries its code, and no fd leaks (30% of calls fail, seed ${seed})`, async () => {
  const faults: Faults = { rate: 0.3, seed, calls: CALLS };
  const { env, logFile } = faultEnv(faults);
  const child = startNode(path.join(FIXTURES, 'errors.js'), ['60'], env);
  const exit = await child.exited;
  const why = `reproduce with ${describeFaults(faults)}`;
  expect({ why, status: exit.status, signal: exit.signal, stderr: exit.stderr }).toEqual({ why, status: 0, signal: null, stderr: '' });
  const r = exit.json.at(-1) as unknown as { seen: Record<string, Record<string, number>>; bad: unknown[]; before: number; after: number };
  expect({ why, bad: r.bad, fds: r.after }).toEqual({ why, bad: [], fds: r.before });
  // Each call failed with exactly the codes injected into it, and also succeeded.
  const codes = (where: string): string[] => Object.keys(r.seen[where] ?? {}).sort();
  expect({ why, socket: codes('socket'), pipe: codes('os.pipe'), send: codes('send'), sendall: codes('sendall'), trySend: codes('trySend') }).toEqual({
    why,
    socket: ['EMFILE', 'ENFILE', 'ok'],
    pipe: ['EMFILE', 'ok'],
    send: ['ENOBUFS', 'ENOMEM', 'ok'],
    sendall: ['ENOBUFS', 'ENOMEM', 'ok'],
    trySend: ['ENOBUFS', 'ENOMEM', 'ok'],
  });
  for (const loop of ['EventLoop(PollSelector).run', 'EventLoop(SelectSelector).run']) {
    expect(codes(loop).every((c) => c === 'ok' || c === 'EMFILE')).toBe(true);
  }
  expect(injected(readFaultLog(logFile), /./)).toBeGreaterThan(50);
}, 60_000);
