// Worker threads each with their own ProactorEventLoop, ended with operations in flight
// (fixtures/workers.js), or with transports mid-transfer (fixtures/transport-workers.js), each in
// its own process: a crash or an abort at teardown fails its exit code.
import path from 'node:path';
import { runSync } from '../helpers/child';
import { whenUring } from '../helpers/platform';

whenUring.test('workers with a running proactor and pending ops: terminated, returning, throwing — no crash, no fd leaked', () => {
  const res = runSync(process.execPath, [path.join(__dirname, 'fixtures', 'workers.js')], { timeoutMs: 400000 });
  expect(res.stderr).toBe('');
  expect([res.status, res.signal]).toEqual([0, null]);
  const lines = res.lines.map((l) => JSON.parse(l) as unknown);
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

whenUring.test('workers serving transports mid-transfer (multishot receives, provided buffers): terminated, returning, throwing — no crash, no fd leaked', () => {
  const res = runSync(process.execPath, [path.join(__dirname, 'fixtures', 'transport-workers.js')], { timeoutMs: 400000 });
  expect(res.stderr).toBe('');
  expect([res.status, res.signal]).toEqual([0, null]);
  const lines = res.lines.map((l) => JSON.parse(l) as unknown);
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
