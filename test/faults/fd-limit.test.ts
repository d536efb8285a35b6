// At the fd limit (`ulimit -n` small, in the child only), a flood of connections makes accept()
// fail with EMFILE while the listening socket stays readable. The selectors example and the
// EventLoop example must keep serving the clients they have, not spin the CPU on the readable
// listener (under 10% of one core, from /proc/PID/stat, while they wait for fds), not crash, and
// accept the queued clients once fds free up.
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuSeconds, fdCount, killAll, ROOT, start } from './harness';

afterEach(killAll);

const LIMIT = 64;
const QUEUED = 20; // connections beyond what the server can hold
const CPU_WINDOW_SECONDS = 2;

const conns: net.Socket[] = [];
afterEach(() => {
  for (const c of conns.splice(0)) c.destroy();
});

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1', () => resolve(c));
    c.on('error', reject);
    conns.push(c);
  });
}

// Sends `msg` and resolves with what comes back, or null if nothing does within `ms`.
function echo(c: net.Socket, msg: string, ms: number): Promise<string | null> {
  return new Promise((resolve) => {
    let got = '';
    const timer = setTimeout(() => done(null), ms);
    const onData = (d: Buffer): void => {
      got += d.toString();
      if (got.length >= msg.length) done(got);
    };
    const done = (v: string | null): void => {
      clearTimeout(timer);
      c.off('data', onData);
      resolve(v);
    };
    c.on('data', onData);
    c.write(msg);
  });
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) if (cond()) return true;
  return cond();
}

test.each(['selectors-echo', 'eventloop-beside-http'])('examples/%s at `ulimit -n 64`: keeps serving, waits for fds without spinning, accepts again', async (name) => {
  const file = path.join(ROOT, 'examples', `${name}.ts`);
  const ex = start('bash', ['-c', `ulimit -n ${LIMIT} && exec "$@"`, 'bash', process.execPath, '-r', './scripts/register-ts.js', file, '0']);
  const port = Number((await ex.waitLine(/listening on (\d+)/))[1]);
  const pid = ex.child.pid!;
  const room = LIMIT - fdCount(pid);
  expect(room).toBeGreaterThan(5);

  // Fill every free fd, and queue QUEUED more connections in the listen backlog.
  const first = await connect(port);
  expect(await echo(first, 'hello', 10000)).toBe('hello');
  for (let i = 1; i < room + QUEUED; i++) await connect(port);
  const full = await until(() => ex.child.exitCode !== null || fdCount(pid) >= LIMIT, 10000);
  expect({ full, exitCode: ex.child.exitCode, stderr: ex.stderr() }).toEqual({ full: true, exitCode: null, stderr: '' });
  await sleep(300); // past the first EMFILE: the server now waits for fds

  // Waiting for fds costs (almost) no CPU, and the clients it has are still served.
  const cpu0 = cpuSeconds(pid);
  await sleep(CPU_WINDOW_SECONDS * 1000);
  const cpuShare = (cpuSeconds(pid) - cpu0) / CPU_WINDOW_SECONDS;
  expect({ name, cpuShare, under10Percent: cpuShare < 0.1 }).toEqual({ name, cpuShare, under10Percent: true });
  expect(await echo(first, 'still here', 10000)).toBe('still here');
  expect(ex.child.exitCode).toBeNull();

  // Free fds: close most of the accepted clients; the queued ones are accepted and served.
  for (const c of conns.slice(1, room - 2)) c.destroy();
  const last = conns[conns.length - 1];
  expect(await echo(last, 'at last', 10000)).toBe('at last');
  expect(await echo(first, 'and you', 10000)).toBe('and you');
  expect(ex.stderr()).toBe('');
}, 60_000);
