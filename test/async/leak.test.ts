// No leaks: 10,000 loopback TCP connections opened and closed through one EventLoop (in a child
// run with --expose-gc, per backend) leave the fd count and the heap where they were.
import path from 'node:path';
import { AVAILABLE } from '../helpers/backends';
import { NODE_TS, run, type ChildResult } from '../helpers/child';

const CLASSES = AVAILABLE.map((cls) => cls.name);
const results = new Map<string, ChildResult>();

beforeAll(async () => {
  for (const cls of CLASSES) {
    const env = cls.replace('Selector', '').replace('IoUring', 'uring').toLowerCase(); // IoUringSelector: uring
    // IOMUX_SELECTOR picks DefaultSelector's backend in the child (docs/API.md).
    const args = ['--expose-gc', ...NODE_TS, path.join(__dirname, 'fixtures', 'leak.js'), '10000'];
    results.set(cls, await run(process.execPath, args, { env: { ...process.env, IOMUX_SELECTOR: env }, timeoutMs: 120000 }));
  }
}, 400000);

test.each(CLASSES)('10,000 connections through an EventLoop on %s: fds and heap back where they were', (cls) => {
  const r = results.get(cls)!;
  expect(r.stderr).toBe('');
  expect([r.status, r.signal]).toEqual([0, null]);
  expect(r.json).toHaveLength(1);
  const { done, fdsBefore, fdsAfter, fdsAtStart, fdsAtEnd, heapBefore, heapAfter } = r.json[0] as Record<string, number>;
  expect(done).toBe(10000);
  expect(fdsAfter).toBe(fdsBefore);
  expect(fdsAtEnd).toBe(fdsAtStart);
  // A leak of 100 bytes per connection would be 1 MB.
  expect(heapAfter - heapBefore).toBeLessThan(1024 * 1024);
});
