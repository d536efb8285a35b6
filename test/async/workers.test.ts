// selectAsync and EventLoop in several worker_threads at once, and workers terminated with a wait
// pending (epoll: uv_poll; poll/select: the waiter thread): no abort, no leaked fd. One child
// process runs it all (fixtures/workers.js), so a crash fails its exit status, not jest.
import path from 'node:path';
import { BACKENDS, FIXTURES, NODE_TS, runAsync } from './helpers';

const CLASSES = BACKENDS.filter(([, cls]) => cls.available && cls.name !== 'KqueueSelector').map(([, cls]) => cls.name);
const linuxOnly = process.platform === 'linux' ? test : test.skip;

linuxOnly('workers use selectAsync and EventLoop at once; terminated with waits pending they neither abort nor leak fds (Linux: /proc/self/fd)', async () => {
  const r = await runAsync(process.execPath, [...NODE_TS, path.join(FIXTURES, 'workers.js')], 120000);
  expect(r.stderr).toBe('');
  expect([r.status, r.signal]).toEqual([0, null]);
  const both = [...CLASSES, ...CLASSES];
  expect(r.lines).toEqual([
    { phase: 'work', leaked: 0, results: both.map((cls) => ({ mode: 'work', cls, code: 0, result: { cls, ok: 100, rounds: 100 } })) },
    { phase: 'terminate', leaked: 0, results: both.map((cls) => ({ mode: 'pending', cls, code: 1 })) },
  ]);
}, 150000);
