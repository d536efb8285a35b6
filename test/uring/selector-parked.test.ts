// IoUringSelector's parked polls: a poll that select() reported stays pending in the addon, not in
// the kernel, until the next select() queues it again. What must hold meanwhile: the fd is
// reported again while it stays ready (and not before the next select), unregister and modify of a
// parked poll take effect at once, and close() releases everything without waiting on the kernel.
import { EVENT_READ, EVENT_WRITE, IoUringSelector } from '../../lib/selectors';
import type { Socket } from '../../lib/socket';
import { Resources } from '../helpers/fds';
import { whenUring } from '../helpers/platform';

const res = new Resources();
afterEach(() => res.closeAll());

/** Operations of the selector's ring not yet harvested (parked polls count). */
const pending = (sel: IoUringSelector): number => (sel as unknown as { poller: { ring: { pending: number } } }).poller.ring.pending;

function readyPairs(count: number): Array<[Socket, Socket]> {
  return Array.from({ length: count }, () => {
    const pair = res.socketpair();
    pair[1].sendall(Buffer.from('x'));
    return pair;
  });
}

whenUring.test('a reported fd that stays ready is reported by every select, and once per select', () => {
  const sel = res.add(new IoUringSelector());
  const pairs = readyPairs(300); // more than one harvest's batch of 256
  const keys = pairs.map(([a]) => sel.register(a, EVENT_READ));
  for (let round = 0; round < 3; round++) {
    const got = sel.select(0);
    expect(got.length).toBe(keys.length);
    expect(new Set(got.map(([k]) => k)).size).toBe(keys.length);
  }
  expect(pending(sel)).toBe(keys.length); // parked, each under its tag
});

whenUring.test('30 waiting polls made ready at once are all reported by one select(0), and none once drained (the kernel runs deferred work in shares of 20)', () => {
  const sel = res.add(new IoUringSelector());
  const pairs = Array.from({ length: 30 }, () => res.socketpair());
  for (const [a] of pairs) a.setblocking(false);
  const keys = pairs.map(([a]) => sel.register(a, EVENT_READ));
  expect(sel.select(0)).toEqual([]); // every poll now waits in the kernel
  for (const [, b] of pairs) b.sendall(Buffer.from('x'));
  expect(new Set(sel.select(0).map(([k]) => k))).toEqual(new Set(keys));
  for (const [a] of pairs) a.recv(1);
  expect(sel.select(0)).toEqual([]);
});

whenUring.test('an fd drained after its report is not reported again', () => {
  const sel = res.add(new IoUringSelector());
  const [[a], [c]] = readyPairs(2);
  const ka = sel.register(a, EVENT_READ);
  const kc = sel.register(c, EVENT_READ);
  expect(sel.select(0).map(([k]) => k).sort((x, y) => x.fd - y.fd)).toEqual([ka, kc].sort((x, y) => x.fd - y.fd));
  a.recv(10);
  expect(sel.select(0)).toEqual([[kc, EVENT_READ]]);
});

whenUring.test('unregister of a parked poll drops it at once: nothing pending, the peer sees EOF after close', () => {
  const sel = res.add(new IoUringSelector());
  const [[a, b]] = readyPairs(1);
  sel.register(a, EVENT_READ);
  expect(sel.select(0)).toHaveLength(1);
  sel.unregister(a);
  expect(pending(sel)).toBe(0);
  a.recv(1); // unread data would make the close a reset
  a.close();
  b.setblocking(false);
  expect(b.recv(1).length).toBe(0);
});

whenUring.test('modify of a parked poll: the next select reports the new events only', () => {
  const sel = res.add(new IoUringSelector());
  const [[a]] = readyPairs(1);
  sel.register(a, EVENT_READ, 'read');
  expect(sel.select(0)).toHaveLength(1);
  const key = sel.modify(a, EVENT_WRITE, 'write');
  const got = sel.select(0);
  expect(got).toEqual([[key, EVENT_WRITE]]);
  expect(got[0][0].data).toBe('write');
  expect(pending(sel)).toBe(1);
});

whenUring.test('close() with parked and in-flight polls returns at once and leaves nothing open', () => {
  const sel = new IoUringSelector();
  const ring = (sel as unknown as { poller: { ring: { closed: boolean } } }).poller.ring;
  for (const [a] of readyPairs(50)) sel.register(a, EVENT_READ);
  for (const [a] of [res.socketpair(), res.socketpair()]) sel.register(a, EVENT_READ); // idle: in flight
  expect(sel.select(0)).toHaveLength(50);
  const t0 = performance.now();
  sel.close();
  // The addon gives up on ops that never end after 2 s: a parked poll, never in the kernel, must
  // not be waited for.
  expect(performance.now() - t0).toBeLessThan(1500);
  expect(ring.closed).toBe(true);
});
