// PEP 475: a wait interrupted by a signal is retried with the time that is left. Each wait runs
// in its own node process (so the jest worker gets no signals) while python3 sends it a storm
// of SIGUSR2, which that process handles (a handled signal makes select/poll/epoll_wait fail
// with EINTR whatever SA_RESTART says: signal(7)).
import path from 'node:path';
import { run } from '../helpers/child';
import { everywhere, linuxOnly, type Gate } from '../helpers/platform';

const CHILD = path.join(__dirname, 'fixtures', 'eintr-child.js');
// python3 starts the waiting node process itself and sends the storm from the moment it reads
// "ready" until that process exits, so the signals land inside the wait however loaded the machine.
const STORM = `
import json, os, signal, subprocess, sys, time
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, text=True)
assert child.stdout.readline() == 'ready\\n'
sent = 0
while child.poll() is None:
    try:
        os.kill(child.pid, signal.SIGUSR2)
    except ProcessLookupError:
        break
    sent += 1
    time.sleep(0.002)
print(json.dumps({'sent': sent, 'code': child.wait(), 'out': child.stdout.read()}))
`;

interface Report { result: number; elapsed: number; signals: number }

async function runUnderStorm(mode: string): Promise<{ report: Report; sent: number }> {
  const py = await run('python3', ['-c', STORM, process.execPath, CHILD, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  if (py.status !== 0) throw new Error(`storm exited ${py.status ?? py.signal}`);
  const { sent, code: childCode, out: childOut } = py.json[0] as { sent: number; code: number; out: string };
  if (childCode !== 0) throw new Error(`child exited ${childCode}: ${childOut}`);
  const line = childOut.split('\n').find((l) => l.startsWith('{'));
  return { report: JSON.parse(line!) as Report, sent };
}

const modes: Array<[string, Gate]> = [['select', everywhere], ['poll', everywhere], ['epoll', linuxOnly]];

for (const [mode, gate] of modes) gate.test(`${mode}: a 1 s wait under a SIGUSR2 storm returns after >= 1 s with no error`, async () => {
  const { report, sent } = await runUnderStorm(mode);
  expect(sent).toBeGreaterThan(10);
  // The signals really arrived during the wait (their handler ran afterwards).
  expect(report.signals).toBeGreaterThan(10);
  expect(report.result).toBe(0);
  expect(report.elapsed).toBeGreaterThanOrEqual(1);
  // Retried with the remaining time, not the whole timeout again (that would pass 1.7 s).
  expect(report.elapsed).toBeLessThan(1.6);
});
