// Python's socket timeouts (settimeout/gettimeout, the default timeout): the modes checked against
// CPython on this machine, every waiting call's TimeoutError, sendall's one deadline, PEP 475, and
// the hot path that never waits.
import { performance } from 'node:perf_hooks';
import { getBlocking } from '../../lib/os';
import {
  AF_INET, AF_UNIX, SOCK_DGRAM, SOCK_NONBLOCK, SOCK_STREAM, type InetAddress, type Socket, createServer, getdefaulttimeout, setdefaulttimeout, socket, socketpair,
} from '../../lib/socket';
import { EventLoop } from '../../lib/loop';
import { NODE_TS, run, runSync, start } from '../helpers/child';
import { Resources, expectNoFdLeaks } from '../helpers/fds';

const res = new Resources();
afterEach(() => {
  res.closeAll();
  setdefaulttimeout(null);
});
expectNoFdLeaks(); // after closeAll: hooks run in the order they were added

// The mode after each step: [gettimeout(), getblocking(), os.get_blocking(fd)].
type Mode = [number | null, boolean, boolean];

function timedOut(fn: () => unknown, syscall: string): number {
  const t0 = performance.now();
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT', syscall, errno: expect.any(Number) });
  expect((err as Error).message).toMatch(/timed out/);
  return (performance.now() - t0) / 1000;
}

// A listener whose accept queue is full: a connect to it hangs (Linux drops the SYN).
function fullListener(): Socket<InetAddress> {
  const l = res.add(socket());
  l.bind(['127.0.0.1', 0]);
  l.listen(0);
  for (let i = 0; i < 3; i++) {
    const c = res.add(socket());
    c.setblocking(false);
    c.connectEx(l.getsockname());
  }
  runSync('sleep', ['0.05']);
  return l;
}

test('the modes match CPython step by step (settimeout, setblocking, gettimeout, getblocking)', () => {
  const python = `
import socket, os, json
s = socket.socket()
out = []
def rec(): out.append([s.gettimeout(), s.getblocking(), os.get_blocking(s.fileno())])
rec()
for step in [('t', 2.5), ('t', 0), ('t', None), ('b', False), ('b', True), ('t', 3), ('b', True), ('t', 3), ('b', False), ('t', -0.0), ('t', 1e-3)]:
    (s.settimeout if step[0] == 't' else s.setblocking)(step[1]); rec()
print(json.dumps(out))`;
  const expected = JSON.parse(runSync('python3', ['-c', python]).stdout) as Mode[];
  const s = res.add(socket());
  const got: Mode[] = [];
  const rec = () => got.push([s.gettimeout(), s.getblocking(), getBlocking(s.fileno())]);
  rec();
  const steps: Array<['t', number | null] | ['b', boolean]> = [
    ['t', 2.5], ['t', 0], ['t', null], ['b', false], ['b', true], ['t', 3], ['b', true], ['t', 3], ['b', false], ['t', -0], ['t', 1e-3],
  ];
  for (const [kind, v] of steps) {
    if (kind === 't') s.settimeout(v);
    else s.setblocking(v);
    rec();
  }
  expect(got).toEqual(expected);
});

test('recv, recvInto, recvfrom, recvfromInto wait up to the timeout, then TimeoutError', () => {
  const [a] = res.socketpair();
  a.settimeout(0.15);
  for (const [call, name] of [
    [() => a.recv(1), 'recv'], [() => a.recvInto(Buffer.alloc(4)), 'recv'],
    [() => a.recvfrom(1), 'recvfrom'], [() => a.recvfromInto(Buffer.alloc(4)), 'recvfrom'],
  ] as const) {
    const s = timedOut(call, name);
    expect(s).toBeGreaterThanOrEqual(0.149);
    expect(s).toBeLessThan(5);
  }
});

test('a recv in timeout mode returns the data that arrives while it waits (a python3 child writes it later)', async () => {
  const [a, b] = res.socketpair();
  a.settimeout(10);
  const child = start('python3', ['-c', 'import os, time; time.sleep(0.2); os.write(3, b"late")'], { stdio: ['ignore', 'pipe', 'pipe', b.fileno()] });
  expect(a.recv(10).toString()).toBe('late');
  expect((await child.exited).status).toBe(0);
});

test('recvmsg, recvmsgInto and sendmsg wait up to the timeout too, then TimeoutError', () => {
  const [a, b] = res.socketpair();
  a.settimeout(0.15);
  for (const [call, name] of [[() => a.recvmsg(1), 'recvmsg'], [() => a.recvmsgInto([Buffer.alloc(4)]), 'recvmsg']] as const) {
    expect(timedOut(call, name)).toBeGreaterThanOrEqual(0.149);
  }
  b.setblocking(false);
  const chunk = Buffer.alloc(65536);
  while (a.trySend(chunk) !== null); // fill the send buffer: b never reads
  expect(timedOut(() => a.sendmsg([chunk]), 'sendmsg')).toBeGreaterThanOrEqual(0.149);
});

test('a recvmsg in timeout mode returns the data that arrives while it waits (a python3 child writes it later)', async () => {
  const [a, b] = res.socketpair();
  a.settimeout(10);
  const child = start('python3', ['-c', 'import os, time; time.sleep(0.2); os.write(3, b"late")'], { stdio: ['ignore', 'pipe', 'pipe', b.fileno()] });
  const [data] = a.recvmsg(10);
  expect(data.toString()).toBe('late');
  expect((await child.exited).status).toBe(0);
});

test('a signal during the wait does not end it (PEP 475): the data still arrives (in a child with a SIGUSR2 listener)', async () => {
  const script = `
const { socketpair } = require('./lib/socket');
const { spawn } = require('node:child_process');
let signalled = 0;
process.on('SIGUSR2', () => signalled++);
const [a, b] = socketpair();
a.settimeout(10);
const py = 'import os, signal, time; time.sleep(0.1); os.kill(' + process.pid + ', signal.SIGUSR2); time.sleep(0.2); os.write(3, b"ok")';
const child = spawn('python3', ['-c', py], { stdio: ['ignore', 'inherit', 'inherit', b.fileno()] });
const got = a.recv(2).toString();
child.on('exit', () => setImmediate(() => console.log(JSON.stringify({ got, signalled }))));`;
  const r = await run(process.execPath, [...NODE_TS, '-e', script]);
  expect({ stderr: r.stderr, json: r.json }).toEqual({ stderr: '', json: [{ got: 'ok', signalled: 1 }] });
}, 30_000);

test('accept waits up to the timeout; an accepted socket takes the default timeout (null: blocking), as CPython', () => {
  const l = res.add(createServer(['127.0.0.1', 0]));
  l.settimeout(0.1);
  timedOut(() => l.accept(), 'accept');
  const c = res.add(socket());
  c.connect(l.getsockname());
  const [conn] = l.accept();
  res.add(conn);
  expect(conn.gettimeout()).toBe(null);
  expect(getBlocking(conn.fileno())).toBe(true);
});

test('connect in timeout mode: TimeoutError with the target; connectEx returns EAGAIN (CPython: EWOULDBLOCK)', () => {
  const l = fullListener();
  const target = l.getsockname();
  const s = res.add(socket());
  s.settimeout(0.15);
  let err: unknown;
  try {
    s.connect(target);
  } catch (e) {
    err = e;
  }
  expect(err).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT', syscall: 'connect', address: '127.0.0.1', port: target[1] });
  const s2 = res.add(socket());
  s2.settimeout(0.1);
  expect(s2.connectEx(target)).toBe(11);
});

test('connect in timeout mode to a listener that answers connects at once', () => {
  const l = res.add(createServer(['127.0.0.1', 0]));
  const s = res.add(socket());
  s.settimeout(5);
  s.connect(l.getsockname());
  expect(s.getpeername()).toEqual(l.getsockname());
  expect(s.gettimeout()).toBe(5);
});

test('send and sendto wait for room up to the timeout', () => {
  const [a] = res.socketpair();
  a.settimeout(0.1);
  const big = Buffer.alloc(1 << 20);
  timedOut(() => {
    for (;;) a.send(big);
  }, 'send');
  const [d, e] = socketpair(AF_UNIX, SOCK_DGRAM);
  res.add(d);
  res.add(e);
  d.settimeout(0.1);
  // An unconnected datagram socket of the pair: sendto with its peer's (unnamed) address is refused
  // by the kernel, so fill it with send through the same wait instead.
  timedOut(() => {
    for (;;) d.send(Buffer.alloc(1024));
  }, 'send');
  const u = res.add(socket(AF_INET, SOCK_DGRAM));
  u.bind(['127.0.0.1', 0]);
  u.settimeout(0.1);
  timedOut(() => u.recvfrom(10), 'recvfrom');
  const v = res.add(socket(AF_INET, SOCK_DGRAM));
  v.settimeout(1);
  expect(v.sendto(Buffer.from('x'), u.getsockname())).toBe(1);
  expect(u.recvfrom(10)[0].toString()).toBe('x');
});

test('sendall has one deadline for the whole call (CPython >= 3.5): a slow reader does not extend it', async () => {
  const [a, b] = res.socketpair();
  const reader = start('python3', ['-c', 'import os, time\nwhile os.read(3, 65536): time.sleep(0.05)'], { stdio: ['ignore', 'pipe', 'pipe', b.fileno()] });
  a.settimeout(0.5);
  const seconds = timedOut(() => a.sendall(Buffer.alloc(64 << 20)), 'send');
  expect(seconds).toBeGreaterThanOrEqual(0.49);
  expect(seconds).toBeLessThan(10); // a per-send timeout would go on for minutes
  a.close();
  b.close();
  reader.process.kill();
  await reader.exited;
});

test('tryRecvInto and trySend never wait, even in timeout mode', () => {
  const [a] = res.socketpair();
  a.settimeout(30);
  const t0 = performance.now();
  expect(a.tryRecvInto(Buffer.alloc(4))).toBe(null);
  const big = Buffer.alloc(1 << 20);
  while (a.trySend(big) !== null);
  expect(performance.now() - t0).toBeLessThan(5000);
});

test('setdefaulttimeout: new sockets start with it (socket, socketpair, accept), SOCK_NONBLOCK ones at 0, as CPython', () => {
  expect(getdefaulttimeout()).toBe(null);
  setdefaulttimeout(7);
  expect(getdefaulttimeout()).toBe(7);
  const s = res.add(socket());
  expect(s.gettimeout()).toBe(7);
  expect(getBlocking(s.fileno())).toBe(false);
  const [p] = res.socketpair();
  expect(p.gettimeout()).toBe(7);
  expect(res.add(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK)).gettimeout()).toBe(0);
  const l = res.add(createServer(['127.0.0.1', 0]));
  l.settimeout(null);
  const c = res.add(socket());
  c.connect(l.getsockname());
  const [conn] = l.accept();
  res.add(conn);
  expect(conn.gettimeout()).toBe(7);
  setdefaulttimeout(0);
  expect(res.add(socket()).gettimeout()).toBe(0);
  setdefaulttimeout(null);
  expect(res.add(socket()).gettimeout()).toBe(null);
});

test('dup keeps the timeout', () => {
  const [a] = res.socketpair();
  a.settimeout(1.5);
  const d = res.add(a.dup());
  expect(d.gettimeout()).toBe(1.5);
  expect([d.family, d.type, d.proto]).toEqual([a.family, a.type, a.proto]);
});

test('a loop refuses a socket in timeout mode (it would wait inside the loop), as asyncio in debug mode', async () => {
  const [a] = res.socketpair();
  a.settimeout(1);
  const loop = res.add(new EventLoop());
  await expect(loop.sockRecv(a, 1)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  a.setblocking(false);
  await expect(loop.sockSendall(a, Buffer.from('x'))).resolves.toBeUndefined();
});

test('a timeout of 1000 s or more warns once (IOMUX_TIMEOUT_UNIT) and is still used (in a child: once per process)', async () => {
  const script = `
const warnings = [];
process.on('warning', (w) => warnings.push(w.code));
const { socket, setdefaulttimeout } = require('./lib/socket');
const s = socket();
s.settimeout(1500);
setdefaulttimeout(2000);
setdefaulttimeout(null);
const t = s.gettimeout();
s.close();
setImmediate(() => console.log(JSON.stringify({ t, warnings })));`;
  const r = await run(process.execPath, [...NODE_TS, '-e', script]);
  expect(r.json).toEqual([{ t: 1500, warnings: ['IOMUX_TIMEOUT_UNIT'] }]);
});
