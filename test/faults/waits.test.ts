// Interrupted waits (EINTR from epoll_wait, poll, select, injected at 90% by preload.c, each after
// sleeping half its timeout) are retried with the time left: every blocking wait iomux offers
// still returns after its 0.4 s timeout, not later. A retry with the whole timeout again would
// take 0.6 s or more on the first interruption alone, and about 2 s at this rate.
import path from 'node:path';
import { describeFaults, faultEnv, FIXTURES, injected, killAll, readFaultLog, startNode, whenFaults, type Faults } from './harness';

afterEach(killAll);

const SLACK_SECONDS = 0.15; // a loaded machine's scheduling delay, well under the 0.2 s a full restart costs

for (const seed of [1, 2]) whenFaults.test(`every wait returns after its timeout, not later, with 90% of waits interrupted (seed ${seed})`, async () => {
  const faults: Faults = { rate: 0.9, seed, calls: 'epoll_wait,poll,select' };
  const { env, logFile } = faultEnv(faults);
  const child = startNode(path.join(FIXTURES, 'waits.js'), [], env);
  const exit = await child.exited;
  const why = `reproduce with ${describeFaults(faults)}`;
  expect({ why, status: exit.status, signal: exit.signal, stderr: exit.stderr }).toEqual({ why, status: 0, signal: null, stderr: '' });
  const waits = exit.json as unknown as Array<{ name: string; seconds: number }>;
  expect(waits.map((w) => w.name)).toEqual(expect.arrayContaining(['SelectSelector.select', 'PollSelector.selectAsync', 'select.select', 'select.poll().poll']));
  for (const w of waits) {
    expect({ why, ...w, inTime: w.seconds >= 0.4 - 0.002 && w.seconds < 0.4 + SLACK_SECONDS }).toEqual({ why, ...w, inTime: true });
  }
  const log = readFaultLog(logFile);
  expect(injected(log, /:EINTR$/)).toBeGreaterThan(20);
}, 60_000);
