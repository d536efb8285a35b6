// examples/level-vs-edge.ts: what a level- and an edge-triggered epoll report, step by step.
import { whenEpoll } from '../helpers/platform';
import { killAll, run, START_TIMEOUT_MS } from './harness';

afterEach(killAll);

whenEpoll.test('after a partial read, level-triggered reports again and edge-triggered stays quiet until new bytes arrive', async () => {
  const ex = await run('level-vs-edge', [], null);
  expect(await ex.exited).toEqual({ code: 0, signal: null });
  expect(ex.stderr()).toBe('');
  const table = ex.lines.map((line) => line.trim().split(/\s{2,}/));
  expect(table).toEqual([
    ['step', 'level-triggered', 'edge-triggered'],
    ['write 10 bytes (10 unread)', 'EPOLLIN', 'EPOLLIN'],
    ['read 4 bytes (6 unread)', 'EPOLLIN', '-'],
    ['wait again (6 unread)', 'EPOLLIN', '-'],
    ['write 3 bytes (9 unread)', 'EPOLLIN', 'EPOLLIN'],
    ['read 9 bytes (0 unread)', '-', '-'],
    ['wait again (0 unread)', '-', '-'],
  ]);
}, START_TIMEOUT_MS);
