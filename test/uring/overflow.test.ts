// CQ overflow: a completion queue of 4 entries and bursts far larger. IORING_FEAT_NODROP keeps
// the surplus in the kernel's backlog; every completion must arrive exactly once, and waiting
// while the backlog drains must not spin.
import { C } from '../../lib/native';
import { socketpair, type Socket } from '../../lib/socket';
import { Ring, type Completion } from '../../lib/uring';
import { whenUring } from '../helpers/platform';

/** Preps with `prep(tag)` for every tag; when the kernel refuses a flush (EBUSY), harvests and retries. */
function prepAll(ring: Ring, tags: number, prep: (tag: number) => void, seen: Completion[]): void {
  for (let tag = 0; tag < tags; tag++) {
    for (;;) {
      try {
        prep(tag);
        break;
      } catch (err) {
        if ((err as { code?: string }).code !== 'EBUSY') throw err;
        seen.push(...ring.wait(0));
      }
    }
  }
}

whenUring.test('2,000 polls that complete at once through a 4-entry CQ: each tag exactly once', () => {
  const ring = new Ring(2, { cqEntries: 4 });
  const [a, b] = socketpair();
  try {
    const seen: Completion[] = [];
    prepAll(ring, 2000, (tag) => ring.prepPollAdd(a, C.POLLOUT, tag), seen);
    while (ring.pending > 0) seen.push(...ring.wait(1, 5));
    const tags = seen.map(([tag]) => tag).sort((x, y) => x - y);
    expect(tags).toEqual([...Array(2000).keys()]);
    expect(seen.every(([, res]) => res === C.POLLOUT)).toBe(true);
  } finally {
    ring.close();
    a.close();
    b.close();
  }
});

whenUring.test('64 receives, then data on all 64 sockets at once through a 4-entry CQ: no byte lost', () => {
  const ring = new Ring(4, { cqEntries: 4 });
  const pairs: Array<[Socket, Socket]> = Array.from({ length: 64 }, () => socketpair());
  const bufs = pairs.map(() => Buffer.alloc(8));
  try {
    const seen: Completion[] = [];
    prepAll(ring, 64, (tag) => ring.prepRecv(pairs[tag][0], bufs[tag], tag), seen);
    ring.submit();
    pairs.forEach(([, b], i) => b.send(Buffer.from(`msg${String(i).padStart(5, '0')}`)));
    while (ring.pending > 0) seen.push(...ring.wait(1, 5));
    expect(seen.map(([tag]) => tag).sort((x, y) => x - y)).toEqual([...Array(64).keys()]);
    expect(seen.every(([, res]) => res === 8)).toBe(true);
    expect(bufs.map((b) => b.toString())).toEqual(pairs.map((_, i) => `msg${String(i).padStart(5, '0')}`));
  } finally {
    ring.close();
    for (const [a, b] of pairs) {
      a.close();
      b.close();
    }
  }
});

whenUring.test('after an overflow, a wait with nothing to deliver sleeps (no spin): little CPU for 300 ms', () => {
  const ring = new Ring(2, { cqEntries: 4 });
  const [a, b] = socketpair();
  try {
    const seen: Completion[] = [];
    prepAll(ring, 200, (tag) => ring.prepPollAdd(a, C.POLLOUT, tag), seen);
    ring.prepRecv(a, Buffer.alloc(1), 1000); // never completes
    // Harvest only part of the backlog, so the CQ overflows again, then drain it.
    while (ring.pending > 1) seen.push(...ring.wait(1, 5));
    expect(seen).toHaveLength(200);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    expect(ring.wait(1, 0.3)).toEqual([]);
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    expect(wall).toBeGreaterThanOrEqual(290);
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(100);
  } finally {
    ring.close();
    a.close();
    b.close();
  }
});
