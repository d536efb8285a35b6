// Worker threads each with their own ProactorEventLoop, ended with operations in flight
// (fixtures/workers.js), or with transports mid-transfer (fixtures/transport-workers.js), each in
// its own process: a crash or an abort at teardown fails its exit code.
import path from 'node:path';
import { runSync } from '../helpers/child';
import { whenUring } from '../helpers/platform';
import { expectedRounds } from '../helpers/worker-rounds';

function expectCleanRounds(fixture: string): void {
  const res = runSync(process.execPath, [path.join(__dirname, 'fixtures', fixture)], { timeoutMs: 400000 });
  expect(res.stderr).toBe('');
  expect([res.status, res.signal]).toEqual([0, null]);
  const lines = res.lines.map((l) => JSON.parse(l) as unknown);
  expect(lines).toEqual(expectedRounds());
}

whenUring.test('workers with a running proactor and pending ops: terminated, returning, throwing — no crash, no fd leaked', () => {
  expectCleanRounds('workers.js');
}, 420000);

whenUring.test('workers serving transports mid-transfer (multishot receives, provided buffers): terminated, returning, throwing — no crash, no fd leaked', () => {
  expectCleanRounds('transport-workers.js');
}, 420000);
