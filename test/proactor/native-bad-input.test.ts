// The native calls behind the proactor's fast path (uringBufferRing, uringPrepAcceptMulti,
// uringPrepRecvMulti, and the recycled-buffer arguments of uringSubmit and uringWait), called
// with the bad-input tables at every argument position: a coded TypeError/RangeError or a
// negative errno, never a crash, and nothing left pending on the ring. The TypeScript layer
// calls them only with arguments it made (DESIGN.md: no validation on the hot path).
import { native, type UringHandle } from '../../lib/native';
import { codeOf, NOT_NUMBERS } from '../helpers/bad-input';
import { whenUring } from '../helpers/platform';

const any = (f: unknown) => f as (...args: unknown[]) => unknown;
const NOT_HANDLES: unknown[] = [undefined, null, 3, 'h', {}, [], () => 0, 3n, Symbol('s')];

// What a call did: 'ok' (a number, or an ArrayBuffer), or the code it threw.
function outcome(call: () => unknown): string {
  let r: unknown;
  try {
    r = call();
  } catch {
    return codeOf(call) ?? 'uncoded';
  }
  return typeof r === 'number' || Object.prototype.toString.call(r) === '[object ArrayBuffer]' || r === undefined ? 'ok' : `returned ${typeof r}`;
}

whenUring.test('fast-path native calls with bad arguments throw coded errors or return -errno, never crash', () => {
  const h = native.uringSetup!(8, 0, false) as UringHandle;
  try {
    const fns: Array<[string, (...args: unknown[]) => unknown, unknown[]]> = [
      ['uringBufferRing', any(native.uringBufferRing), [h, 8, 4096]],
      ['uringPrepAcceptMulti', any(native.uringPrepAcceptMulti), [h, -1, 1]],
      ['uringPrepRecvMulti', any(native.uringPrepRecvMulti), [h, -1, 2]],
      ['uringSubmit', any(native.uringSubmit), [h, new Int32Array(4), 0]],
      ['uringWait', any(native.uringWait), [h, 0, 0, new Int32Array(3), new Int32Array(4), 0]],
    ];
    const bad: string[] = [];
    for (const [name, fn, good] of fns) {
      for (let i = 0; i < good.length; i++) {
        const values = i === 0 ? NOT_HANDLES : [...NOT_NUMBERS, -1, 2 ** 40, NaN, new Uint8Array(4)];
        for (const v of values) {
          const args = [...good];
          args[i] = v;
          const got = outcome(() => fn(...args));
          if (got !== 'ok' && !/^ERR_/.test(got)) bad.push(`${name} arg ${i} ${String(v)}: ${got}`);
        }
      }
    }
    expect(bad).toEqual([]);
    // Whatever the bad calls queued (fd -1 and odd tags) completes with errors; nothing stays.
    native.uringWait!(h, 0, 0, new Int32Array(3 * 64));
    expect(native.uringPending!(h)).toBe(0);
    const made = native.uringBufferRing!(h, 8, 4096);
    expect(Object.prototype.toString.call(made)).toBe('[object ArrayBuffer]');
    expect((made as ArrayBuffer).byteLength).toBe(8 * 4096);
    expect(native.uringBufferRing!(h, 8, 4096)).toBe(-17); // -EEXIST: one buffer ring per ring
    // Ids out of range given back are ignored (a buffer's address is always the native side's own).
    expect(native.uringSubmit!(h, new Int32Array([-1, 8, 2 ** 30]), 3)).toBe(0);
  } finally {
    native.uringClose!(h);
  }
  expect(native.uringBufferRing!(h, 8, 4096)).toBe(-9); // -EBADF once closed
  expect(native.uringPrepRecvMulti!(h, 0, 1)).toBe(-9);
  expect(native.uringSubmit!(h, new Int32Array(1), 1)).toBe(-9);
});

whenUring.test('a buffer ring of a bad shape is refused with -EINVAL', () => {
  for (const [entries, size] of [[0, 4096], [3, 4096], [65536, 4096], [8, 0], [-8, 4096]]) {
    const h = native.uringSetup!(8, 0, false) as UringHandle;
    try {
      expect([entries, size, native.uringBufferRing!(h, entries, size)]).toEqual([entries, size, -22]);
      expect(native.uringPrepRecvMulti!(h, 0, 1)).toBe(-105); // -ENOBUFS: no buffer ring
    } finally {
      native.uringClose!(h);
    }
  }
});
