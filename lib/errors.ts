// Every error iomux throws is built here (API.md, "Errors").
import { constants as osConstants } from 'node:os';
import { getSystemErrorMap } from 'node:util';

const systemErrors = getSystemErrorMap();
// libuv's map lacks some errnos (EINPROGRESS, ETIME, ...): name those from os.constants.errno.
for (const [name, value] of Object.entries(osConstants.errno)) {
  if (!systemErrors.has(-value)) systemErrors.set(-value, [name, name]);
}

/** An OS failure in Node's SystemError shape: `code` (errno name), negative `errno`, `syscall`. */
export interface SystemError extends Error {
  code: string;
  errno: number;
  syscall: string;
}

/** Builds the error for a native call that returned -errno. */
export function systemError(negErrno: number, syscall: string): SystemError {
  const [code, description] = systemErrors.get(negErrno) ?? [`Unknown system error ${negErrno}`, 'unknown error'];
  const err = new Error(`${code}: ${description}, ${syscall}`) as SystemError;
  err.code = code;
  err.errno = negErrno;
  err.syscall = syscall;
  Error.captureStackTrace(err, systemError);
  return err;
}

/** Returns a native result, or throws its SystemError when it is -errno. */
export function check(result: number, syscall: string): number {
  if (result < 0) throw systemError(result, syscall);
  return result;
}

function coded<E extends Error>(err: E, code: string): E & { code: string } {
  return Object.assign(err, { code });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `function ${value.name || '<anonymous>'}`;
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'Object'}`;
  let shown = String(value);
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  if (typeof value === 'string') shown = `'${shown}'`;
  return `type ${typeof value} (${shown})`;
}

/** Wrong type: `TypeError`, `ERR_INVALID_ARG_TYPE`. */
export function invalidArgType(name: string, expected: string, actual: unknown) {
  return coded(new TypeError(`The "${name}" argument must be ${expected}. Received ${describe(actual)}`), 'ERR_INVALID_ARG_TYPE');
}

/** Negative or non-integer fd: `RangeError`, `ERR_INVALID_FD`. */
export function invalidFd(name: string, fd: unknown) {
  return coded(new RangeError(`The "${name}" argument must be a valid file descriptor (a non-negative int32). Received ${String(fd)}`), 'ERR_INVALID_FD');
}

/** Bad event mask, NaN timeout, bad flag: `RangeError`, `ERR_INVALID_ARG_VALUE`. */
export function invalidArgValue(name: string, value: unknown, reason: string) {
  return coded(new RangeError(`The "${name}" argument ${reason}. Received ${describe(value)}`), 'ERR_INVALID_ARG_VALUE');
}

/** A number outside what the call or buffer allows: `RangeError`, `ERR_OUT_OF_RANGE`. */
export function outOfRange(name: string, range: string, value: unknown) {
  return coded(new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${String(value)}`), 'ERR_OUT_OF_RANGE');
}

/** `ERR_ALREADY_REGISTERED`. */
export function alreadyRegistered(fd: number) {
  return coded(new Error(`fd ${fd} is already registered`), 'ERR_ALREADY_REGISTERED');
}

/** `ERR_NOT_REGISTERED`. */
export function notRegistered(what: unknown) {
  return coded(new Error(`${typeof what === 'number' ? `fd ${what}` : 'file object'} is not registered`), 'ERR_NOT_REGISTERED');
}

/** Use after `close()`: `ERR_CLOSED`. */
export function closedError(what: string) {
  return coded(new Error(`I/O operation on closed ${what}`), 'ERR_CLOSED');
}

/** Backend missing on this OS or build: `ERR_NOT_SUPPORTED`. */
export function notSupported(what: string) {
  return coded(new Error(`${what} is not supported on this platform or build`), 'ERR_NOT_SUPPORTED');
}

/** A second wait while one is in flight: `ERR_BUSY`. */
export function busy(what: string) {
  return coded(new Error(`concurrent wait on one ${what}`), 'ERR_BUSY');
}

/** An aborted wait: `AbortError` (`code` `ABORT_ERR`), as Node's own APIs reject; the signal's reason is the `cause`. */
export function abortError(reason: unknown) {
  const err = coded(new Error('The operation was aborted', { cause: reason }), 'ABORT_ERR');
  err.name = 'AbortError';
  return err;
}
