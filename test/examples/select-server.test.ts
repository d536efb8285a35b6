// examples/select-server.ts: select.select() multiplexes many clients on one thread.
import { checkConcurrentEcho, killAll, run, START_TIMEOUT_MS } from './harness';

afterEach(killAll);

test('serves clients at once, echoing every byte, and exits after --max-clients', async () => {
  const ex = await run('select-server', ['0', '--max-clients', '4']);
  await checkConcurrentEcho(ex.port, 1 << 20);
  expect(await ex.exited).toEqual({ code: 0, signal: null });
  expect(ex.lines.filter((l) => l.startsWith('connected'))).toHaveLength(4);
  expect(ex.lines).toContain('closed, clients served: 4');
}, START_TIMEOUT_MS + 30000);

test('SIGTERM ends it while it sleeps in select() (no handler runs: the default action)', async () => {
  const ex = await run('select-server', ['0']);
  ex.child.kill('SIGTERM');
  expect(await ex.exited).toEqual({ code: null, signal: 'SIGTERM' });
}, START_TIMEOUT_MS + 10000);
