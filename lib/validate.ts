// Argument checks at the boundary: each returns the checked value or throws the error docs/API.md names.
import { invalidArgType, invalidArgValue, invalidFd, outOfRange } from './errors';
import { INT32_MAX, UINT32_MAX } from './limits';

/** Something with an fd: a number, or an object with `fileno()` (Python's file objects). */
export type FileLike =
  | number
  | {
      /** The object's fd (-1 once closed, for sockets). */
      fileno(): number;
    };

/** A non-negative int32 fd; otherwise `ERR_INVALID_ARG_TYPE` (not a number) or `ERR_INVALID_FD`. */
export function validateFd(fd: unknown, name = 'fd'): number {
  if (typeof fd !== 'number') throw invalidArgType(name, 'of type number', fd);
  if (!Number.isInteger(fd) || fd < 0 || fd > INT32_MAX) throw invalidFd(name, fd);
  return fd;
}

/** The fd of a file-like object, as Python's `_fileobj_to_fd`. */
export function fileobjToFd(fileobj: unknown, name = 'fileobj'): number {
  if (typeof fileobj === 'number') return validateFd(fileobj, name);
  const fileno = (fileobj as { fileno?: unknown } | null | undefined)?.fileno;
  if (typeof fileno !== 'function') throw invalidArgType(name, 'a number or an object with a fileno() method', fileobj);
  const fd: unknown = fileno.call(fileobj);
  if (typeof fd !== 'number' || !Number.isInteger(fd)) throw invalidArgType(`${name}.fileno()`, 'an integer', fd);
  return validateFd(fd, name);
}

/** An integer within [min, max]; otherwise `ERR_INVALID_ARG_TYPE` or `ERR_OUT_OF_RANGE`. */
export function validateInt(value: unknown, name: string, min = -(2 ** 31), max = INT32_MAX): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < min || value > max) throw outOfRange(name, `an integer >= ${min} and <= ${max}`, value);
  return value;
}

/** A bit mask made only of `allowed` bits (0 allowed only if `allowZero`); else `ERR_INVALID_ARG_VALUE`. */
export function validateMask(value: unknown, name: string, allowed: number, allowZero = true): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < 0 || value > UINT32_MAX || (value & ~allowed) !== 0 || (!allowZero && value === 0)) {
    throw invalidArgValue(name, value, 'is not a valid event mask');
  }
  return value;
}

/** A Buffer, TypedArray or DataView. */
export function validateBytes(value: unknown, name: string): ArrayBufferView {
  if (!ArrayBuffer.isView(value)) throw invalidArgType(name, 'an instance of Buffer, TypedArray, or DataView', value);
  return value;
}

/** Offset and length inside a buffer of `size` bytes; `length` defaults to the rest. */
export function validateWindow(size: number, offset: unknown = 0, length?: unknown): [number, number] {
  const off = validateInt(offset, 'offset', 0, size);
  const len = length === undefined ? size - off : validateInt(length, 'length', 0, size - off);
  return [off, len];
}

/** A boolean-ish flag, as Python's `bool(flag)` would read it — but only booleans and numbers. */
export function validateFlag(value: unknown, name: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && !Number.isNaN(value)) return value !== 0;
  throw invalidArgType(name, 'of type boolean', value);
}
