// Worker threads each with their own ProactorEventLoop, ended with operations in flight
// (fixtures/workers.js, in its own process: a crash or an abort at teardown fails its exit code).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ProactorEventLoop } from '../../lib/proactor';
import { when } from '../helpers/platform';

const gate = when(ProactorEventLoop.available, `io_uring unavailable: ${ProactorEventLoop.unavailableReason}`);

gate.test('workers with a running proactor and pending ops: terminated, returning, throwing — no crash, no fd leaked', () => {
  const res = spawnSync(process.execPath, [path.join(__dirname, 'fixtures', 'workers.js')], { encoding: 'utf8', timeout: 400000 });
  expect(res.stderr).toBe('');
  expect([res.status, res.signal]).toEqual([0, null]);
  const lines = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown);
  const round = (mode: string, count: number, code: number, errorSeen: string | null) => ({ mode, count, codes: [code], errorSeen, leaked: [] });
  expect(lines).toEqual([
    round('terminate', 1, 1, null),
    round('return', 1, 0, null),
    round('throw', 1, 1, 'worker fails on purpose'),
    round('terminate', 6, 1, null),
    round('terminate', 6, 1, null),
    { done: true },
  ]);
}, 420000);
