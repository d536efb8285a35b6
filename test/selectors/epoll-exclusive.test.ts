// EPOLLEXCLUSIVE against the thundering herd: one listening socket, four worker threads each
// blocked in select() on an EpollSelector of its own (fixtures/exclusive-wakeups.ts), one
// connection (then a byte on a socketpair of each ends every wait, so no test waits out a
// timeout). Without the flag every waiter is woken; with it (`exclusive: true`) the kernel wakes
// one waiting epoll — more only if a thread was not blocked yet when the connection came, so the
// test asks for fewer than all, not for exactly one. Exclusive wakeup says nothing about spreading
// connections over the threads: the one woken may take them all.
import path from 'node:path';
import { C } from '../../lib/native';
import { NODE_TS, run } from '../helpers/child';
import { when } from '../helpers/platform';

const THREADS = 4;
const whenExclusive = when(process.platform === 'linux' && C.EPOLLEXCLUSIVE !== undefined, 'EPOLLEXCLUSIVE is Linux\'s (4.5 and later)');

async function wakeups(mode: 'exclusive' | 'shared'): Promise<boolean[]> {
  const r = await run(process.execPath, [...NODE_TS, path.join(__dirname, 'fixtures', 'exclusive-wakeups.ts'), String(THREADS), mode], { timeoutMs: 60000 });
  expect(r.stderr).toBe('');
  expect([r.status, r.signal]).toEqual([0, null]);
  const [out] = r.json as Array<{ woke: boolean[]; leaked: string[] }>;
  expect(out.leaked).toEqual([]);
  expect(out.woke).toHaveLength(THREADS);
  return out.woke;
}

whenExclusive.test(`without exclusive, one connection wakes all ${THREADS} threads waiting on the listening socket`, async () => {
  expect(await wakeups('shared')).toEqual(Array(THREADS).fill(true));
}, 70000);

whenExclusive.test(`with exclusive: true, one connection wakes at least one and fewer than all ${THREADS} waiting threads`, async () => {
  const woke = (await wakeups('exclusive')).filter(Boolean).length;
  expect(woke).toBeGreaterThanOrEqual(1);
  expect(woke).toBeLessThan(THREADS);
}, 70000);
