// examples/signal-driven.ts: O_ASYNC + F_SETOWN, and the work done in the SIGIO handler.
import { os } from '../../lib/index';
import { when } from '../helpers/platform';
import { checkConcurrentEcho, killAll, run, START_TIMEOUT_MS } from './harness';

afterEach(killAll);

// SIGIO exists on Linux and the BSDs; elsewhere the example has nothing to show.
when(os.SIGIO !== undefined, 'this OS defines no SIGIO').describe('signal-driven', () => {
  test('serves clients at once from the SIGIO handler, echoing every byte, and exits after --max-clients', async () => {
    const ex = await run('signal-driven', ['0', '--max-clients', '4']);
    await checkConcurrentEcho(ex.port, 1 << 20);
    expect(await ex.exited).toEqual({ code: 0, signal: null });
    expect(ex.lines.filter((l) => l.startsWith('connected'))).toHaveLength(4);
    expect(ex.lines).toContain('closed, clients served: 4');
    const sigios = Number(/^SIGIO received (\d+) times$/.exec(ex.lines.at(-1)!)?.[1]);
    expect(sigios).toBeGreaterThanOrEqual(1);
  }, START_TIMEOUT_MS + 30000);

  test('with no client, no SIGIO comes; SIGTERM closes its sockets and exits with status 0', async () => {
    const ex = await run('signal-driven', ['0']);
    ex.child.kill('SIGTERM');
    expect(await ex.exited).toEqual({ code: 0, signal: null });
    expect(ex.lines.at(-1)).toBe('SIGIO received 0 times');
    expect(ex.stderr()).toBe('');
  }, START_TIMEOUT_MS + 10000);
});
