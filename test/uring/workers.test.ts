// Rings in worker_threads ended with operations in flight (fixtures/workers.js, its own process:
// a crash or an abort at teardown fails the exit code, not jest).
import { whenUring } from '../helpers/platform';
import { runFixture } from './helpers';

whenUring.test('six workers with rings and pending ops: terminated, returning, throwing — no crash, no fd leaked', () => {
  // Slow under the sanitizers (each worker transpiles the sources): a generous limit.
  const { status, signal, json: lines, stderr } = runFixture('workers.js', [], process.env, 400000);
  expect(stderr).toBe('');
  expect([status, signal]).toEqual([0, null]);
  const round = (mode: string, count: number, code: number, errorSeen: string | null) => ({
    mode, count, pendingEach: [true], codes: [code], errorSeen, leaked: [],
  });
  expect(lines).toEqual([
    round('terminate', 1, 1, null),
    round('return', 1, 0, null),
    round('throw', 1, 1, 'worker fails on purpose'),
    round('terminate', 6, 1, null),
    round('terminate', 6, 1, null),
    { done: true },
  ]);
}, 420000);
