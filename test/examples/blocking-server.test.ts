// examples/blocking-server.ts: one client at a time, every byte echoed.
import { killAll, netConnect, netEcho, payload, pythonEcho, readBytes, run, START_TIMEOUT_MS } from './harness';

afterEach(killAll);

test('echoes every byte to a python client, then to a node client, and exits after --max-clients', async () => {
  const ex = await run('blocking-server', ['0', '--max-clients', '2']);
  expect(ex.port).toBeGreaterThan(0);
  const big = 1 << 20;
  expect((await pythonEcho(ex.port, big)).equals(payload(big))).toBe(true);
  const chunks = [Buffer.from('hello '), payload(5000, 1), Buffer.from(' bye')];
  expect((await netEcho(ex.port, chunks)).equals(Buffer.concat(chunks))).toBe(true);
  expect(await ex.exited).toEqual({ code: 0, signal: null });
  expect(ex.lines.filter((l) => l.startsWith('closed'))).toHaveLength(2);
}, START_TIMEOUT_MS + 20000);

test('serves one client at a time: the second is echoed only after the first has gone', async () => {
  const ex = await run('blocking-server', ['0', '--max-clients', '2']);
  const first = await netConnect(ex.port);
  first.write('first');
  expect((await readBytes(first, 5)).toString()).toBe('first');

  const second = await netConnect(ex.port); // the kernel completes the handshake: it sits in the backlog
  const secondEcho = readBytes(second, 6);
  let echoedEarly = false;
  void secondEcho.then(() => (echoedEarly = !first.closed));
  second.write('second');
  // The server is asleep in recv() on the first client; the second's bytes wait unread.
  first.write('again');
  expect((await readBytes(first, 5)).toString()).toBe('again');
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(echoedEarly).toBe(false);
  expect(ex.lines.filter((l) => l.startsWith('connected'))).toHaveLength(1);

  first.end();
  await new Promise((resolve) => first.on('close', resolve));
  expect((await secondEcho).toString()).toBe('second');
  second.end();
  expect(await ex.exited).toEqual({ code: 0, signal: null });
}, START_TIMEOUT_MS + 20000);

test('SIGTERM ends it at once, though it sleeps in accept() (no handler runs: the default action)', async () => {
  const ex = await run('blocking-server', ['0']);
  ex.child.kill('SIGTERM');
  expect(await ex.exited).toEqual({ code: null, signal: 'SIGTERM' });
}, START_TIMEOUT_MS + 10000);

test('a bad port is refused with a usage line and status 2', async () => {
  const ex = await run('blocking-server', ['70000'], null);
  expect(await ex.exited).toEqual({ code: 2, signal: null });
  expect(ex.stderr()).toMatch(/^usage: /);
}, START_TIMEOUT_MS);
