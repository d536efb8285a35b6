// With every fd taken (a real `ulimit -n 64` in a child, no preload), each iomux call that makes
// an fd (socket, socketpair, os.pipe, os.dup, accept, new EpollSelector, the thread wait's wakeup
// pipe behind selectAsync and EventLoop.run on poll and select) fails with EMFILE as a coded
// SystemError, and each works again once fds are free; the fd count ends where it began.
import path from 'node:path';
import { killAll, NODE_TS, start } from '../helpers/child';
import { FIXTURES } from './harness';

afterEach(killAll);

test('at `ulimit -n 64` with every fd taken: EMFILE with its code from every fd-making call; all work again once freed; no fd leaked', async () => {
  const child = start('bash', ['-c', 'ulimit -n 64 && exec "$@"', 'bash', process.execPath, ...NODE_TS, path.join(FIXTURES, 'exhaust.js')]);
  const exit = await child.exited;
  expect({ status: exit.status, signal: exit.signal, stderr: exit.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
  const r = JSON.parse(exit.stdout.trim()) as { full: Record<string, string>; freed: Record<string, string>; bad: unknown[]; before: number; after: number };
  const calls = Object.keys(r.full);
  expect(calls).toEqual(expect.arrayContaining(['socket', 'socketpair', 'os.pipe', 'os.dup', 'accept', 'PollSelector.selectAsync', 'EventLoop(SelectSelector).run']));
  expect(r.full).toEqual(Object.fromEntries(calls.map((c) => [c, 'EMFILE'])));
  expect(r.freed).toEqual(Object.fromEntries(calls.map((c) => [c, 'ok'])));
  expect(r.bad).toEqual([]);
  expect(r.after).toBe(r.before);
}, 30_000);
