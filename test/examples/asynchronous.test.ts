// examples/asynchronous.ts: the echo server on ProactorEventLoop (io_uring), the same program on
// EventLoop with --loop=selector, and the fallback line where io_uring is unavailable; real node
// and python3 clients, every byte checked.
import { ProactorEventLoop } from '../../lib/index';
import { when } from '../helpers/platform';
import { checkConcurrentEcho, killAll, netEcho, payload, run, START_TIMEOUT_MS } from './harness';

afterEach(killAll);

const proactor = when(ProactorEventLoop.available, `io_uring unavailable: ${ProactorEventLoop.unavailableReason}`);

proactor.test('on ProactorEventLoop: echoes every byte to concurrent node and python3 clients, exits after --max-clients', async () => {
  const ex = await run('asynchronous', ['0', '--max-clients', '5']);
  expect(ex.lines[0]).toMatch(/^loop: ProactorEventLoop \(completion/);
  await checkConcurrentEcho(ex.port, 1 << 20);
  const hello = Buffer.from('hello');
  expect(await netEcho(ex.port, [hello])).toEqual(hello);
  expect(await ex.exited).toEqual({ code: 0, signal: null });
  expect(ex.lines.filter((l) => /^accepted \d+ from \[ '127\.0\.0\.1', \d+ \]$/.test(l))).toHaveLength(5);
  expect(ex.stderr()).toBe('');
}, START_TIMEOUT_MS + 60000);

test('--loop=selector: the same program on EventLoop (epoll or the platform default) echoes every byte', async () => {
  const ex = await run('asynchronous', ['0', '--max-clients', '5', '--loop=selector']);
  expect(ex.lines[0]).toMatch(/^loop: EventLoop \(readiness/);
  await checkConcurrentEcho(ex.port, 1 << 20);
  const data = payload(50000, 3);
  expect((await netEcho(ex.port, [data])).equals(data)).toBe(true);
  expect(await ex.exited).toEqual({ code: 0, signal: null });
}, START_TIMEOUT_MS + 60000);

test('IOMUX_URING=0: says io_uring is unavailable and why, then serves on EventLoop', async () => {
  // Without io_uring, a forced IOMUX_SELECTOR=uring could not serve either: the default backend.
  const ex = await run('asynchronous', ['0', '--max-clients', '1'], undefined, { IOMUX_URING: '0', IOMUX_SELECTOR: '' });
  expect(ex.lines[0]).toBe('loop: EventLoop, because io_uring is unavailable here (IOMUX_URING=0 is set in the environment)');
  const data = payload(30000, 9);
  expect((await netEcho(ex.port, [data])).equals(data)).toBe(true);
  expect(await ex.exited).toEqual({ code: 0, signal: null });
}, START_TIMEOUT_MS + 30000);

proactor.test('SIGTERM stops the loop through its signal handler: a clean exit', async () => {
  const ex = await run('asynchronous', ['0']);
  ex.child.kill('SIGTERM');
  expect(await ex.exited).toEqual({ code: 0, signal: null });
}, START_TIMEOUT_MS + 10000);
