// What only another process can show: close-on-exec of pipe() and dup(), and SIGIO delivery.
import path from 'node:path';
import * as os from '../../lib/os';
import { runSync } from '../helpers/child';
import { openFds } from '../helpers/fds';

// Reports, for each fd given as an argument, whether it is open in this (the child) process.
const PROBE = `
import os, sys
res = {}
for a in sys.argv[1:]:
    try:
        os.fstat(int(a)); res[a] = 'open'
    except OSError:
        res[a] = 'closed'
print(res)
`;

function openInChild(fds: number[], inherit: number): Record<string, string> {
  // `inherit` is passed on purpose as the child's fd 3 (dup2 clears close-on-exec): the control
  // showing that the probe does see an inherited fd.
  const res = runSync('python3', ['-c', PROBE, ...fds.map(String), '3'], { stdio: ['ignore', 'pipe', 'pipe', inherit] });
  expect(res.stderr).toBe('');
  expect(res.status).toBe(0);
  return JSON.parse(res.stdout.replace(/'/g, '"'));
}

test('pipe() and dup() fds are not inherited by a child process', () => {
  const before = openFds();
  const [r, w] = os.pipe();
  const d = os.dup(w);
  try {
    const seen = openInChild([r, w, d], r);
    expect(seen).toEqual({ [r]: 'closed', [w]: 'closed', [d]: 'closed', 3: 'open' });
  } finally {
    os.close(r);
    os.close(w);
    os.close(d);
  }
  expect(openFds()).toEqual(before);
});

test('O_ASYNC with this process as owner delivers SIGIO when a pipe becomes readable', () => {
  const res = runSync(process.execPath, [path.join(__dirname, 'fixtures', 'sigio.js')], { timeoutMs: 20000 });
  expect(res.stderr).toBe('');
  const out = JSON.parse(res.stdout.trim());
  expect(out).toEqual({ ok: true, data: 'ping', async: true, owner: out.pid, pid: out.pid });
  expect(res.status).toBe(0);
});
