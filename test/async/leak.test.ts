// No leaks: 10,000 loopback TCP connections opened and closed through one EventLoop (in a child
// run with --expose-gc, per backend) leave the fd count and the heap where they were.
import path from 'node:path';
import { BACKENDS, FIXTURES, NODE_TS, runAsync, type ChildResult } from './helpers';

const CLASSES = BACKENDS.filter(([, cls]) => cls.available).map(([, cls]) => cls.name);
const results = new Map<string, ChildResult>();

beforeAll(async () => {
  for (const cls of CLASSES) {
    const env = cls.replace('Selector', '').replace('IoUring', 'uring').toLowerCase(); // IoUringSelector: uring
    // IOMUX_SELECTOR picks DefaultSelector's backend in the child (API.md).
    results.set(cls, await runAsync('/usr/bin/env', [`IOMUX_SELECTOR=${env}`, process.execPath, '--expose-gc', ...NODE_TS, path.join(FIXTURES, 'leak.js'), '10000'], 120000));
  }
}, 400000);

test.each(CLASSES)('10,000 connections through an EventLoop on %s: fds and heap back where they were', (cls) => {
  const r = results.get(cls)!;
  expect(r.stderr).toBe('');
  expect([r.status, r.signal]).toEqual([0, null]);
  expect(r.lines).toHaveLength(1);
  const { done, fdsBefore, fdsAfter, fdsAtStart, fdsAtEnd, heapBefore, heapAfter } = r.lines[0] as Record<string, number>;
  expect(done).toBe(10000);
  expect(fdsAfter).toBe(fdsBefore);
  expect(fdsAtEnd).toBe(fdsAtStart);
  // A leak of 100 bytes per connection would be 1 MB.
  expect(heapAfter - heapBefore).toBeLessThan(1024 * 1024);
});
