// The addon in worker_threads, each scenario in its own node process (fixtures/*.js, plain JS
// on the native calls): a crash or an abort at worker teardown fails the exit code, not jest.
import path from 'node:path';
import { runSync, type ChildResult } from '../helpers/child';
import { linuxOnly } from '../helpers/platform';

function runFixture(name: string): ChildResult {
  const r = runSync(process.execPath, [path.join(__dirname, 'fixtures', name)], { timeoutMs: 60000 });
  // Every stdout line is a report: one that is not JSON fails the test.
  expect(r.lines.filter((l) => l !== '' && !l.startsWith('{'))).toEqual([]);
  return r;
}

linuxOnly.test('several workers use pipes, socketpairs and epoll at once (epoll, /proc/self/fd)', () => {
  const { status, signal, json: lines, stderr } = runFixture('many-workers.js');
  expect(stderr).toBe('');
  expect(signal).toBeNull();
  expect(lines).toHaveLength(1);
  const [report] = lines;
  expect(report.failed).toBeNull();
  expect(report.main).toEqual({ id: 'main', idle: 0, rounds: 20, allOk: true });
  expect(report.results).toEqual([0, 1, 2, 3, 4, 5].map((id) => ({ id, idle: 0, rounds: 20, allOk: true })));
  expect(report.leaked).toEqual([]);
  expect(status).toBe(0);
});

linuxOnly.test('a worker ending while it holds epoll fds and sockets closes what it owned, and only that (epoll, /proc/self/fd)', () => {
  const { status, signal, json: lines, stderr } = runFixture('terminate.js');
  expect(stderr).toBe('');
  expect(signal).toBeNull();
  const expected = (mode: string, exitCode: number, errorSeen: string | null) => ({
    mode, exitCode, errorSeen, openWhileHeld: true, ownedClosed: true, notOwnedOpen: true, leaked: [], owned: 11, notOwned: 2, ok: true,
  });
  expect(lines).toEqual([
    expected('terminate', 1, null),
    expected('return', 0, null),
    expected('throw', 1, 'worker fails on purpose'),
    expected('terminate', 1, null),
    { done: true },
  ]);
  expect(status).toBe(0);
});
