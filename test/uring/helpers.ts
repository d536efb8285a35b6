// Shared by the io_uring tests: tests that need io_uring skip, with the reason in their name,
// where it is unavailable (IOMUX_URING=0, kernel.io_uring_disabled, a seccomp profile, not Linux).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Ring } from '../../lib/uring';

const SKIP = Ring.available ? '' : ` [skipped: io_uring unavailable: ${Ring.unavailableReason}]`;

/** `test`, or `test.skip` with the reason appended to the name when io_uring is unavailable. */
export function ringTest(name: string, fn: () => unknown, timeoutMs?: number): void {
  (Ring.available ? test : test.skip)(name + SKIP, fn as () => void, timeoutMs);
}

export const ROOT = path.resolve(__dirname, '../..');

/** Runs test/uring/fixtures/<name> in a child node (extra node flags first); stdout parsed as JSON lines. */
export function runFixture(name: string, nodeArgs: string[] = [], env: NodeJS.ProcessEnv = process.env, timeoutMs = 120000) {
  const res = spawnSync(process.execPath, [...nodeArgs, path.join(__dirname, 'fixtures', name)], {
    encoding: 'utf8',
    timeout: timeoutMs,
    env,
  });
  const lines = res.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { status: res.status, signal: res.signal, lines, stderr: res.stderr };
}
