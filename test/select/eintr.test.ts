// PEP 475: a wait interrupted by a signal is retried with the time that is left. Each wait runs
// in its own node process (so the jest worker gets no signals) while python3 sends it a storm
// of SIGUSR2, which that process handles (a handled signal makes select/poll/epoll_wait fail
// with EINTR whatever SA_RESTART says: signal(7)).
import { spawn } from 'node:child_process';
import path from 'node:path';

const CHILD = path.join(__dirname, 'eintr-child.js');
const STORM = `
import os, signal, sys, time
pid = int(sys.argv[1])
end = time.monotonic() + 0.7
sent = 0
while time.monotonic() < end:
    try:
        os.kill(pid, signal.SIGUSR2)
    except ProcessLookupError:
        break
    sent += 1
    time.sleep(0.002)
print(sent)
`;

interface Report { result: number; elapsed: number; signals: number }

function runUnderStorm(mode: string): Promise<{ report: Report; sent: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let storm: Promise<number> | undefined;
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (!storm && out.includes('ready\n')) {
        storm = new Promise((res, rej) => {
          const py = spawn('python3', ['-c', STORM, String(child.pid)], { stdio: ['ignore', 'pipe', 'inherit'] });
          let sent = '';
          py.stdout.on('data', (d: Buffer) => {
            sent += d.toString();
          });
          py.on('error', rej);
          py.on('close', () => res(Number(sent)));
        });
      }
    });
    child.on('error', reject);
    child.on('close', async (code) => {
      try {
        if (code !== 0) throw new Error(`child exited ${code}: ${err}`);
        const sent = await storm!;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        resolve({ report: JSON.parse(line!) as Report, sent });
      } catch (e) {
        reject(e);
      }
    });
  });
}

const modes = ['select', 'poll', ...(process.platform === 'linux' ? ['epoll'] : [])];

test.each(modes)('%s: a 1 s wait under a SIGUSR2 storm returns after >= 1 s with no error', async (mode) => {
  const { report, sent } = await runUnderStorm(mode);
  expect(sent).toBeGreaterThan(10);
  // The signals really arrived during the wait (their handler ran afterwards).
  expect(report.signals).toBeGreaterThan(10);
  expect(report.result).toBe(0);
  expect(report.elapsed).toBeGreaterThanOrEqual(1);
  // Retried with the remaining time, not the whole timeout again (that would pass 1.7 s).
  expect(report.elapsed).toBeLessThan(1.6);
});
