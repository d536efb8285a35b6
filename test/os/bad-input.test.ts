// Every exported function × every argument position × the bad-value tables: the code docs/API.md
// names, thrown before any syscall, never a crash, no fd leaked. The native calls themselves are
// also fed wrong types directly: they must throw, not crash.
import { BAD_FDS, NOT_BUFFERS, NOT_NUMBERS, codeOf } from '../helpers/bad-input';
import { openFds } from '../helpers/fds';
import { native } from '../../lib/native';
import * as os from '../../lib/os';

type Call = (args: unknown[]) => unknown;
const call = (fn: unknown): Call => (args) => (fn as (...a: unknown[]) => unknown)(...args);

let r: number;
let w: number;
let before: number[];
beforeAll(() => {
  before = openFds();
  [r, w] = os.pipe();
  // Non-blocking, so that a bad value wrongly accepted fails with EAGAIN instead of hanging.
  os.setBlocking(r, false);
  os.setBlocking(w, false);
});
afterAll(() => {
  os.close(r);
  os.close(w);
  expect(openFds()).toEqual(before);
});

// [name, function, valid arguments (as a thunk: the fds exist only after beforeAll)]
const fns: Array<[string, Call, () => unknown[]]> = [
  ['read', call(os.read), () => [r, 1]],
  ['readInto', call(os.readInto), () => [r, Buffer.alloc(4), 0, 4]],
  ['tryReadInto', call(os.tryReadInto), () => [r, Buffer.alloc(4), 0, 4]],
  ['write', call(os.write), () => [w, Buffer.from('x')]],
  ['tryWrite', call(os.tryWrite), () => [w, Buffer.from('x')]],
  ['close', call(os.close), () => [r]],
  ['setBlocking', call(os.setBlocking), () => [r, false]],
  ['getBlocking', call(os.getBlocking), () => [r]],
  ['dup', call(os.dup), () => [r]],
  ['setAsync', call(os.setAsync), () => [r, false]],
  ['getAsync', call(os.getAsync), () => [r]],
  ['setOwner', call(os.setOwner), () => [r, 0]],
  ['getOwner', call(os.getOwner), () => [r]],
];

const NOT_FLAGS = NOT_NUMBERS.filter((v) => typeof v !== 'boolean');
const NOT_INTS = [-1, 1.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 53];

// [position kind] → [bad value, expected code] rows
function rowsFor(fnName: string, pos: number): Array<[unknown, string]> {
  const rows = (values: unknown[], code: string): Array<[unknown, string]> => values.map((v) => [v, code]);
  if (pos === 0) return [...rows(NOT_NUMBERS, 'ERR_INVALID_ARG_TYPE'), ...rows(BAD_FDS, 'ERR_INVALID_FD')];
  switch (`${fnName}:${pos}`) {
    case 'read:1':
      return [...rows(NOT_NUMBERS, 'ERR_INVALID_ARG_TYPE'), ...rows(NOT_INTS, 'ERR_OUT_OF_RANGE')];
    case 'readInto:1':
    case 'tryReadInto:1':
    case 'write:1':
    case 'tryWrite:1':
      return [...rows(NOT_BUFFERS, 'ERR_INVALID_ARG_TYPE'), ['abc', 'ERR_INVALID_ARG_TYPE'], [[0x61], 'ERR_INVALID_ARG_TYPE']];
    case 'readInto:2': // offset in a 4-byte buffer; undefined is the default
    case 'readInto:3': // length
    case 'tryReadInto:2':
    case 'tryReadInto:3':
      return [...rows(NOT_NUMBERS.filter((v) => v !== undefined), 'ERR_INVALID_ARG_TYPE'), ...rows([...NOT_INTS, 5], 'ERR_OUT_OF_RANGE')];
    case 'setBlocking:1':
    case 'setAsync:1':
      return rows(NOT_FLAGS, 'ERR_INVALID_ARG_TYPE');
    case 'setOwner:1':
      return [...rows(NOT_NUMBERS, 'ERR_INVALID_ARG_TYPE'), ...rows([1.5, NaN, Infinity, 2 ** 31, -(2 ** 31) - 1], 'ERR_OUT_OF_RANGE')];
    default:
      throw new Error(`no table for ${fnName} argument ${pos}`);
  }
}

const cases: Array<[string, number, Call, () => unknown[]]> = [];
for (const [name, fn, valid] of fns) {
  // The valid call's length is the arity (the fds in it are not open yet; only its length counts).
  const arity = valid().length;
  for (let pos = 0; pos < arity; pos++) cases.push([name, pos, fn, valid]);
}

test.each(cases)('%s: argument %i rejects every bad value with its code', (name, pos, fn, valid) => {
  const flagsBefore = [os.getBlocking(r), os.getAsync(r), os.getOwner(r)];
  for (const [value, code] of rowsFor(name, pos)) {
    const args = valid();
    args[pos] = value;
    let got: string | undefined;
    try {
      got = codeOf(() => fn(args));
    } catch (err) {
      throw new Error(`${name}(${String(args.map((a) => typeof a))}) with ${String(value)} at ${pos}: ${(err as Error).message}`);
    }
    if (got !== code) throw new Error(`${name}: argument ${pos} = ${typeof value} ${String(value)} gave ${got}, expected ${code}`);
  }
  // Nothing changed: a rejected call made no syscall.
  expect([os.getBlocking(r), os.getAsync(r), os.getOwner(r)]).toEqual(flagsBefore);
});

test('the error classes match docs/API.md', () => {
  const e1 = (() => { try { os.read('3' as unknown as number, 1); } catch (e) { return e; } })();
  expect(e1).toBeInstanceOf(TypeError);
  const e2 = (() => { try { os.read(-1, 1); } catch (e) { return e; } })();
  expect(e2).toBeInstanceOf(RangeError);
  const e3 = (() => { try { os.readInto(r, Buffer.alloc(2), 3); } catch (e) { return e; } })();
  expect(e3).toBeInstanceOf(RangeError);
  expect(e3).toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
});

test('the valid calls of the table work (the table is not rejecting everything)', () => {
  const d = os.dup(r);
  os.close(d);
  os.write(w, Buffer.from('ab'));
  expect(os.read(r, 1).toString()).toBe('a');
  expect(os.readInto(r, Buffer.alloc(4), 0, 4)).toBe(1);
  os.setOwner(r, 0);
  os.setAsync(r, false);
  expect(os.getOwner(r)).toBe(0);
});

describe('native fd calls given wrong types throw instead of crashing', () => {
  const buf = () => Buffer.alloc(4);
  const i32 = () => new Int32Array(2);
  const natives: Array<[string, () => unknown[]]> = [
    ['pipe', () => [i32()]],
    ['read', () => [r, buf(), 0, 4]],
    ['write', () => [w, buf(), 0, 0]],
    ['close', () => [-1]],
    ['dup', () => [-1]],
    ['setBlocking', () => [-1, 1]],
    ['getBlocking', () => [-1]],
    ['setAsync', () => [-1, 0]],
    ['getAsync', () => [-1]],
    ['setOwner', () => [-1, 0]],
    ['getOwner', () => [-1, i32()]],
    ['own', () => [-1]],
    ['release', () => [-1]],
  ];
  const wrong: unknown[] = [undefined, null, 'x', {}, [], 1n, Symbol('s'), new Float64Array(2), new ArrayBuffer(8)];
  test.each(natives)('%s', (name, valid) => {
    const fn = (native as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
    expect(typeof fn).toBe('function');
    const arity = valid().length;
    for (let pos = 0; pos < arity; pos++) {
      for (const value of wrong) {
        const args = valid();
        // Any TypedArray is valid where bytes are taken.
        if (Buffer.isBuffer(args[pos]) && ArrayBuffer.isView(value)) continue;
        args[pos] = value;
        let code: string | undefined;
        try {
          fn(...args);
        } catch (err) {
          code = (err as { code?: string }).code;
        }
        expect([name, pos, code]).toEqual([name, pos, 'ERR_INVALID_ARG_TYPE']);
      }
    }
    // Too few arguments: undefined in the missing positions, still a TypeError.
    if (arity > 0) expect(() => fn()).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

  test('windows past the buffer and short output arrays are ERR_OUT_OF_RANGE', () => {
    for (const [off, len] of [[-1, 1], [0, 5], [4, 1], [NaN, 1], [0, NaN], [0, Infinity], [2 ** 53, 0]]) {
      expect(() => native.read(r, Buffer.alloc(4), off, len)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
      expect(() => native.write(w, Buffer.alloc(4), off, len)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    }
    expect(() => native.pipe(new Int32Array(1))).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => native.getOwner(r, new Int32Array(0))).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });

  test('own and release of fds never close them', () => {
    const [a, b] = os.pipe();
    native.own(a);
    native.release(a);
    native.release(b); // not owned: a no-op
    expect(os.getBlocking(a)).toBe(true);
    os.close(a); // close also forgets ownership
    os.close(b);
  });
});
