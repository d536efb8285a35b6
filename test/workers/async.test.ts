// selectAsync and EventLoop in several worker_threads at once, and workers terminated with a wait
// pending (epoll: uv_poll; poll/select: the waiter thread): no abort, no leaked fd. One child
// process runs it all (fixtures/async-workers.js), so a crash fails its exit status, not jest.
import path from 'node:path';
import { KqueueSelector } from '../../lib/selectors';
import { AVAILABLE } from '../helpers/backends';
import { NODE_TS, run } from '../helpers/child';
import { linuxOnly } from '../helpers/platform';

const CLASSES = AVAILABLE.filter((cls) => cls !== KqueueSelector).map((cls) => cls.name);

linuxOnly.test('workers use selectAsync and EventLoop at once; terminated with waits pending they neither abort nor leak fds (/proc/self/fd)', async () => {
  const r = await run(process.execPath, [...NODE_TS, path.join(__dirname, 'fixtures', 'async-workers.js')], { timeoutMs: 120000 });
  expect(r.stderr).toBe('');
  expect([r.status, r.signal]).toEqual([0, null]);
  const both = [...CLASSES, ...CLASSES];
  expect(r.json).toEqual([
    { phase: 'work', leaked: 0, results: both.map((cls) => ({ mode: 'work', cls, code: 0, result: { cls, ok: 100, rounds: 100 } })) },
    { phase: 'terminate', leaked: 0, results: both.map((cls) => ({ mode: 'pending', cls, code: 1 })) },
  ]);
}, 150000);
