// loop.getaddrinfo in worker_threads, in a node process of its own (fixtures/resolve-workers.js):
// lookups from several workers at once, and workers terminated with lookups pending on the
// thread pool — a crash or an abort at teardown fails the exit status, not jest.
import path from 'node:path';
import { runSync } from '../helpers/child';

test('workers resolve at once, and a worker terminated with lookups pending leaves the process well', () => {
  const r = runSync(process.execPath, [path.join(__dirname, 'fixtures', 'resolve-workers.js')], { timeoutMs: 60_000 });
  expect(r.lines.filter((l) => l !== '' && !l.startsWith('{'))).toEqual([]);
  expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
  expect(r.json).toEqual([
    { scenario: 'resolve', same: true, count: 4 },
    { scenario: 'terminate', terminated: 5, after: true },
  ]);
});
