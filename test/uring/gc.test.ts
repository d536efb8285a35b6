// Buffers of pending operations under garbage collection, in a child with --expose-gc
// (fixtures/gc-buffers.js): the ring keeps every receive buffer alive until its completion is
// harvested, and a buffer detached meanwhile gets -EFAULT instead of a write into freed memory.
import { constants as osConstants } from 'node:os';
import { whenUring } from '../helpers/platform';
import { runFixture } from './helpers';

whenUring.test('1,000 pending receives into dropped buffers survive gc() and heavy allocation, then get their bytes', () => {
  const { status, signal, json: lines, stderr } = runFixture('gc-buffers.js', ['--expose-gc']);
  expect(stderr).toBe('');
  expect([status, signal]).toEqual([0, null]);
  expect(lines).toEqual([
    {
      alive: 1000,
      controlAlive: 0, // the same gc rounds do collect buffers nobody holds
      matched: 1000,
      checksumOk: true,
      detachedResults: [-osConstants.errno.EFAULT],
      detachedLengths: [0],
    },
  ]);
}, 120000);
