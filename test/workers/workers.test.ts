// The addon in worker_threads, each scenario in its own node process (fixtures/*.js, plain JS
// on the compiled addon): a crash or an abort at worker teardown fails the exit code, not jest.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

function runFixture(name: string): { status: number | null; signal: string | null; lines: Array<Record<string, unknown>>; stderr: string } {
  const res = spawnSync(process.execPath, [path.join(__dirname, 'fixtures', name)], { encoding: 'utf8', timeout: 60000 });
  const lines = res.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { status: res.status, signal: res.signal, lines, stderr: res.stderr };
}

const linuxOnly = process.platform === 'linux' ? test : test.skip;

linuxOnly('several workers use pipes, socketpairs and epoll at once (Linux: epoll, /proc/self/fd)', () => {
  const { status, signal, lines, stderr } = runFixture('many-workers.js');
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

linuxOnly('a worker ending while it holds epoll fds and sockets closes what it owned, and only that (Linux: epoll, /proc/self/fd)', () => {
  const { status, signal, lines, stderr } = runFixture('terminate.js');
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
