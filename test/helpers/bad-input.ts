// A table of bad values for the systematic bad-input tests: every exported function is called
// with each value in each argument position that takes it, and must throw the code docs/API.md names.
import { AF_INET, SOCK_DGRAM, socket, type Socket } from '../../lib/socket';

/** Values that are not numbers at all: `ERR_INVALID_ARG_TYPE` where a number is expected. */
export const NOT_NUMBERS: unknown[] = [undefined, null, '3', '', true, {}, [], [3], () => 3, 3n, Symbol('s'), new Date(0)];

/** Wrong types where an optional number is expected (undefined means "the default" there). */
export const NOT_NUMBERS_DEFINED: unknown[] = NOT_NUMBERS.filter((v) => v !== undefined);

/** Numbers that are no valid int32 argument: `ERR_OUT_OF_RANGE`. */
export const BAD_INTS: number[] = [1.5, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31) - 1, Number.MAX_VALUE];

/** Numbers that are not fds: `ERR_INVALID_FD`. */
export const BAD_FDS: number[] = [-1, -(2 ** 31), 1.5, -0.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 53, Number.MAX_VALUE];

/** Values that are not file objects: `ERR_INVALID_ARG_TYPE`. */
export const NOT_FILEOBJS: unknown[] = [undefined, null, '3', true, {}, [], () => 3, 3n, { fileno: 3 }, { fileno: () => '3' }, { fileno: () => 1.5 }, { fileno: () => null }];

/** Values that are not byte buffers: `ERR_INVALID_ARG_TYPE`. */
export const NOT_BUFFERS: unknown[] = [undefined, null, 'abc', 3, {}, [1, 2], new ArrayBuffer(4), () => 0];

/** Calls fn and returns the thrown error's code (fails the test when nothing is thrown). */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  throw new Error('expected a throw, but the call returned');
}

/** Awaits `p` and returns what it rejected with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<{ name?: string; code?: string }> {
  try {
    await p;
  } catch (err) {
    return err as { name?: string; code?: string };
  }
  throw new Error('expected a rejection');
}

/** Calls fn and returns the code of what it rejected with (or threw); fails the test when it resolves. */
export async function rejectCode(fn: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  throw new Error('expected a rejection');
}

/** [name, call with the bad value in one argument position of a Socket method, the values, the code]. */
export type SocketRow = [string, (s: Socket, v: unknown) => unknown, unknown[], string];

/**
 * A describe per row (`title`'s `%s`: the row's name), a test per value: the call on a fresh
 * AF_INET datagram socket, closed after, throws the row's code.
 */
export function describeSocketRows(title: string, rows: SocketRow[]): void {
  describe.each(rows)(title, (_name, call, values, code) => {
    test.each(values.map((v) => [v]))(`%p → ${code}`, (v) => {
      const s = socket(AF_INET, SOCK_DGRAM);
      try {
        expect(codeOf(() => call(s, v))).toBe(code);
      } finally {
        s.close();
      }
    });
  });
}
