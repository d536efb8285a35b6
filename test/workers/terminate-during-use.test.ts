// Workers terminated while they call the addon in a tight loop, in a child process
// (fixtures/terminate-during-use.js): Node-API calls begin to fail while the worker's JS still runs
// a moment, and no native function may then read an empty value or return an unset one.
import path from 'node:path';
import { runSync } from '../helpers/child';

test('many workers terminated in the middle of native calls (rings, watch and waiter handles, fds) leave the process running (no abort, exit 0)', () => {
  const r = runSync(process.execPath, [path.join(__dirname, 'fixtures', 'terminate-during-use.js'), '300', '6000'], { timeoutMs: 60000 });
  // An abort (FATAL ERROR from node-addon-api) or a crash shows as a signal and output on stderr.
  expect(r.stderr).toBe('');
  expect(r.signal).toBeNull();
  expect(r.status).toBe(0);
  expect(r.json).toHaveLength(1);
  const [report] = r.json as Array<{ rounds: number; loaded: number; errors: string[]; leaked: number[] | null }>;
  // Enough rounds to catch the aborts this guards against: builds that read an empty Boolean in
  // uringSetup, or whose handles failed their tag check while fds still closed, aborted in 4 or
  // 5 runs out of 5.
  expect(report.rounds).toBeGreaterThanOrEqual(20);
  // Every worker loaded the addon before it was terminated (the terminate waits for that).
  expect(report.loaded).toBe(report.rounds);
  // A terminated worker emits no 'error', and leaves no fd open (checked where /proc/self/fd is).
  expect(report.errors).toEqual([]);
  expect(report.leaked ?? []).toEqual([]);
}, 90000);
