// Workers terminated at any moment while they load iomux, in a child process
// (fixtures/terminate-during-load.js): once a worker is being terminated, Node-API calls that may
// run JS fail, and the addon's start-up must let them fail quietly instead of aborting the process.
import path from 'node:path';
import { runSync } from '../helpers/child';

test('many workers terminated while they require the addon or the package leave the process running (no abort, exit 0)', () => {
  const r = runSync(process.execPath, [path.join(__dirname, 'fixtures', 'terminate-during-load.js'), '400', '6000'], { timeoutMs: 60000 });
  // An abort (FATAL ERROR from node-addon-api) shows as SIGABRT and a native stack on stderr.
  expect(r.stderr).toBe('');
  expect(r.signal).toBeNull();
  expect(r.status).toBe(0);
  expect(r.json).toHaveLength(1);
  const [report] = r.json as Array<{
    rounds: { addon: number; package: number };
    loaded: { addon: number; package: number };
    notWhole: number;
    errors: string[];
    leaked: number[] | null;
  }>;
  // Enough rounds for the terminations to have hit the addon's start-up: a build without the fix
  // aborted in every such run tried (most within 2 s), whatever the load on the machine.
  expect(report.rounds.addon).toBeGreaterThanOrEqual(20);
  expect(report.rounds.package).toBeGreaterThanOrEqual(4);
  // Workers the terminate missed (and the undisturbed ones that run first) loaded everything.
  expect(report.loaded.addon).toBeGreaterThanOrEqual(3);
  expect(report.loaded.package).toBeGreaterThanOrEqual(2);
  expect(report.notWhole).toBe(0);
  // A terminated worker emits no 'error', and leaves no fd open (checked where /proc/self/fd is).
  expect(report.errors).toEqual([]);
  expect(report.leaked ?? []).toEqual([]);
}, 90000);
