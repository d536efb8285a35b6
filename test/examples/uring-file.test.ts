// examples/uring-file.ts: a file written and read back through iomux/uring, run as a child.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NODE_TS, ROOT, runSync } from '../helpers/child';
import { whenUring } from '../helpers/platform';
import { START_TIMEOUT_MS } from './harness';

const run = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  runSync(process.execPath, [...NODE_TS, path.join(ROOT, 'examples/uring-file.ts'), ...args], { env, timeoutMs: START_TIMEOUT_MS + 20000 });

whenUring.test('uring-file writes 64 KiB in one batch and reads it back intact', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'iomux-example-'));
  try {
    const file = path.join(dir, 'data');
    const r = run([file]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      'submitted 16 writes in one io_uring_enter',
      'wrote 65536 bytes',
      'submitted 16 reads in one io_uring_enter',
      'read back 65536 bytes',
      'match: true',
    ]);
    expect(readFileSync(file).length).toBe(65536);
  } finally {
    rmSync(dir, { recursive: true });
  }
}, START_TIMEOUT_MS + 20000);

test('uring-file where io_uring is unavailable (IOMUX_URING=0): says why and exits 1', () => {
  const r = run([], { ...process.env, IOMUX_URING: '0' });
  expect(r.status).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim()).toBe(`io_uring is unavailable here: ${process.platform === 'linux' ? 'IOMUX_URING=0 is set in the environment' : `io_uring exists only on Linux (this is ${process.platform})`}`);
}, START_TIMEOUT_MS + 20000);
