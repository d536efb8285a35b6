// Rings in worker_threads ended with operations in flight (fixtures/workers.js, its own process:
// a crash or an abort at teardown fails the exit code, not jest).
import { whenUring } from '../helpers/platform';
import { expectedRounds } from '../helpers/worker-rounds';
import { runFixture } from './helpers';

whenUring.test('six workers with rings and pending ops: terminated, returning, throwing — no crash, no fd leaked', () => {
  // Slow under the sanitizers (each worker transpiles the sources): a generous limit.
  const { status, signal, json: lines, stderr } = runFixture('workers.js', [], process.env, 400000);
  expect(stderr).toBe('');
  expect([status, signal]).toEqual([0, null]);
  expect(lines).toEqual(expectedRounds({ pendingEach: [true] }));
}, 420000);
