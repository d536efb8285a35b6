// Resources over many connections, in children: 10,000 connections opened and closed leave the
// fd count and the heap where they were (--expose-gc), and a server at the fd limit backs off
// (asyncio's ACCEPT_RETRY_DELAY) instead of spinning on accept() — on every loop of ./loops.
import path from 'node:path';
import { NODE_TS, runSync } from '../helpers/child';
import { linuxOnly } from '../helpers/platform';
import { LOOPS } from './loops';

const FIXTURES = path.join(__dirname, 'fixtures');

// The child's environment for a loop of ./loops (the one-at-a-time proactor turns multishot off).
function envFor(name: string): NodeJS.ProcessEnv {
  return name.includes('one operation at a time') ? { ...process.env, IOMUX_URING_NO_MULTISHOT: '1' } : process.env;
}

for (const [name, , gate] of LOOPS) describe(name, () => {
  (gate.runs ? linuxOnly : gate).test('10,000 connections opened and closed: fds and heap back at the start (/proc/self/fd)', () => {
    const r = runSync(process.execPath, ['--expose-gc', ...NODE_TS, path.join(FIXTURES, 'churn.ts'), '10000', name], { timeoutMs: 240000, env: envFor(name) });
    expect(r.stderr).toBe('');
    const { ok, fds0, fds1, heap0, heap1 } = r.json[0] as Record<string, number>;
    expect(ok).toBe(10000);
    expect(fds1).toBe(fds0);
    // A leak of one object per connection would be ≥ 10,000 × ~100 bytes = 1 MB.
    expect(heap1 - heap0).toBeLessThan(1 << 20);
  }, 300000);

  (gate.runs ? linuxOnly : gate).test('accept() at EMFILE: reported once a second and retried, not spun on; the waiting client is served after', () => {
    const script = `ulimit -n 64 && exec "$0" "$@"`;
    const r = runSync('sh', ['-c', script, process.execPath, ...NODE_TS, path.join(FIXTURES, 'emfile.ts'), name], { timeoutMs: 60000, env: envFor(name) });
    expect(r.stderr).toBe('');
    const out = r.json[0] as { atLimit: number; reports: string[]; cpuMs: number; servedAfterMs: number; reply: string; filled: number };
    expect(out.filled).toBeGreaterThan(0);
    expect(out.reports).toEqual(['socket.accept() out of system resource EMFILE']);
    // 2.5 s at the limit: the first try, then one retry per second (a spinning loop reports thousands).
    expect(out.atLimit).toBeGreaterThanOrEqual(2);
    expect(out.atLimit).toBeLessThanOrEqual(4);
    expect(out.cpuMs).toBeLessThan(1000);
    expect(out.servedAfterMs).toBeLessThan(2500);
    expect(out.reply).toBe('hi');
  }, 90000);
});
