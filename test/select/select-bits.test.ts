// native.selectBits, SelectSelector's wait: two fd bitmaps in, one [fd, ready] pair per ready fd
// out, in fd order.
import { constants as osConstants } from 'node:os';
import { C, native } from '../../lib/native';
import * as os from '../../lib/os';
import { expectNoFdLeaks, Resources } from '../helpers/fds';

const res = new Resources();
afterEach(() => res.closeAll()); // before the leak check below
expectNoFdLeaks({ exact: true });

const WORDS = C.FD_SETSIZE / 32;

/** The bitmaps of selectBits: `read` fds in the first, `write` fds in the second. */
function bitsOf(read: number[], write: number[]): Int32Array {
  const bits = new Int32Array(2 * WORDS);
  for (const fd of read) bits[fd >>> 5] |= 1 << (fd & 31);
  for (const fd of write) bits[WORDS + (fd >>> 5)] |= 1 << (fd & 31);
  return bits;
}

function pairs(out: Int32Array, n: number): Array<[number, number]> {
  return Array.from({ length: n }, (_, i) => [out[2 * i], out[2 * i + 1]]);
}

describe('native.selectBits', () => {
  test('one pair per ready fd in fd order: 1 readable, 2 writable, 3 both; unready fds absent', () => {
    const [r, w] = res.pipe();
    const [a, b] = res.socketpair();
    b.send(Buffer.from('x'));
    os.write(w, Buffer.from('x'));
    const [idleR] = res.pipe(); // nothing to read: absent
    const out = new Int32Array(16);
    const n = native.selectBits(bitsOf([r, a.fileno(), idleR], [w, a.fileno()]), out, 0);
    const expected: Array<[number, number]> = [[r, 1], [w, 2], [a.fileno(), 3]];
    expect(pairs(out, n)).toEqual(expected.sort((x, y) => x[0] - y[0]));
  });

  test('fds at every word edge, up to FD_SETSIZE - 1, are watched and reported', () => {
    const [r, w] = res.pipe();
    os.write(w, Buffer.from('x'));
    const edges: number[] = [];
    let fd = -1;
    while (fd < C.FD_SETSIZE - 1) {
      fd = res.fd(os.dup(w)); // dup takes the lowest free fd: every one up to FD_SETSIZE - 1 in turn
      if (fd % 32 === 0 || fd % 32 === 31) edges.push(fd);
    }
    expect(fd).toBe(C.FD_SETSIZE - 1);
    expect(edges.length).toBeGreaterThan(WORDS); // both edges of most words, and the top bit
    const out = new Int32Array(2 * C.FD_SETSIZE);
    const n = native.selectBits(bitsOf([r], edges), out, 0);
    const expected = [[r, 1], ...edges.map((e) => [e, 2])].sort((x, y) => x[0] - y[0]);
    expect(pairs(out, n)).toEqual(expected);
  });

  test('no more pairs than out holds', () => {
    const [, w1] = res.pipe();
    const [, w2] = res.pipe();
    const out = new Int32Array(2);
    expect(native.selectBits(bitsOf([], [w1, w2]), out, 0)).toBe(1);
    expect(out[0]).toBe(Math.min(w1, w2));
  });

  test('empty bitmaps with a zero timeout: 0; a closed fd: -EBADF', () => {
    const out = new Int32Array(4);
    expect(native.selectBits(bitsOf([], []), out, 0)).toBe(0);
    const [r, w] = os.pipe();
    os.close(r);
    os.close(w);
    expect(native.selectBits(bitsOf([r], []), out, 0)).toBe(-osConstants.errno.EBADF);
  });
});

describe('native waits with timeouts beyond any clock', () => {
  // A timeout too large to convert into the kernel's integer types waits as forever: with an fd
  // ready each returns it at once (no undefined float-to-int conversion: UBSan checks it).
  test.each([Infinity, 1e300, 2 ** 63, 1e16])('timeout %p: the ready fd comes back at once', (timeout) => {
    const [r, w] = res.pipe();
    os.write(w, Buffer.from('x'));
    const out = new Int32Array(8);
    expect(native.selectBits(bitsOf([r], []), out, timeout)).toBe(1);
    const pollfds = new Int32Array(2);
    pollfds[0] = r;
    new Int16Array(pollfds.buffer)[2] = C.POLLIN;
    expect(native.poll(pollfds, 1, out, timeout)).toBe(1);
  });
});
