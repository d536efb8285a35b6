// Every error iomux throws is built here (docs/API.md, "Errors").
import { constants as osConstants } from 'node:os';
import { getSystemErrorMap } from 'node:util';

const systemErrors = getSystemErrorMap();
// libuv's map lacks some errnos (EINPROGRESS, ETIME, ...): name those from os.constants.errno.
for (const [name, value] of Object.entries(osConstants.errno)) {
  if (!systemErrors.has(-value)) systemErrors.set(-value, [name, name]);
}

/**
 * An OS failure, in the shape of Node's own SystemErrors (`err.code === 'ECONNREFUSED'`):
 * what every iomux call throws when the OS refuses it (Python's `OSError`).
 */
export interface SystemError extends Error {
  /** The errno name, e.g. `EAGAIN`, `ECONNREFUSED`. */
  code: string;
  /** The errno, negative as in Node (`-os.constants.errno.ECONNREFUSED`). */
  errno: number;
  /** The system call that failed, e.g. `connect`, `epoll_ctl`. */
  syscall: string;
  /** For a failed connect: the host (or AF_UNIX path) it was connecting to, as node:net sets it. */
  address?: string;
  /** For a failed connect to an IP address: the port, as node:net sets it. */
  port?: number;
  /** For a resolver failure (`code` `EAI_*`): the host asked about, as node:dns sets it. */
  hostname?: string;
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

/**
 * A failed connect, with `address` and `port` as node:net's errors carry them (and in the
 * message: `ECONNREFUSED: connection refused, connect 127.0.0.1:1`). `target` is a Python address.
 */
export function connectError(negErrno: number, target: unknown): SystemError {
  const err = systemError(negErrno, 'connect');
  if (typeof target === 'string') {
    err.address = target;
    err.message += ` ${target.replace(/^\0/, '@')}`; // an abstract AF_UNIX name shown as ss(8) shows it
  } else if (Array.isArray(target) && typeof target[0] === 'string' && typeof target[1] === 'number') {
    err.address = target[0];
    err.port = target[1];
    err.message += ` ${target[0]}:${target[1]}`;
  }
  Error.captureStackTrace(err, connectError);
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

/**
 * `ERR_ALREADY_REGISTERED`. `byNumber`: the registered key holds a bare fd number, so whether that
 * fd was closed and its number reused cannot be known; the message says what to do then.
 */
export function alreadyRegistered(fd: number, byNumber = false) {
  const hint = byNumber
    ? ` (it was registered by fd number: if that fd was closed and the number reused without unregister, call unregister(${fd}) first, then register again)`
    : '';
  return coded(new Error(`fd ${fd} is already registered${hint}`), 'ERR_ALREADY_REGISTERED');
}

/** `ERR_NOT_REGISTERED`, naming the fd (and the object, when one was given). */
export function notRegistered(what: unknown, fd?: number) {
  const shown = typeof what === 'number' ? `fd ${what}` : `${describe(what).replace(/^an instance of /, '')} (fd ${fd ?? '?'})`;
  return coded(new Error(`${shown} is not registered`), 'ERR_NOT_REGISTERED');
}

/** Use after `close()`: `ERR_CLOSED`. */
export function closedError(what: string) {
  return coded(new Error(`I/O operation on closed ${what}`), 'ERR_CLOSED');
}

/** Backend missing on this OS or build: `ERR_NOT_SUPPORTED`. */
export function notSupported(what: string) {
  return coded(new Error(`${what} is not supported on this platform or build`), 'ERR_NOT_SUPPORTED');
}

/** io_uring refused by this kernel or environment: `ERR_NOT_SUPPORTED` saying why (`[who: ]io_uring is unavailable (reason)`). */
export function uringUnavailable(reason: string, who?: string) {
  return coded(new Error(`${who === undefined ? '' : `${who}: `}io_uring is unavailable (${reason})`), 'ERR_NOT_SUPPORTED');
}

/** `IOMUX_SELECTOR` names no backend this platform and build have: `ERR_NOT_SUPPORTED`, listing those it has. */
export function selectorNotAvailable(value: string, available: string[]) {
  return coded(
    new Error(`IOMUX_SELECTOR=${value} names no selector this platform or build has; available: ${available.join(', ')}`),
    'ERR_NOT_SUPPORTED',
  );
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

/**
 * A socket timeout ran out (Python's `socket.timeout`, which is `TimeoutError`): a SystemError
 * named `TimeoutError` with code `ETIMEDOUT`, the call that waited as `syscall`, and, for a
 * connect, its target as `address` and `port`.
 */
export function timeoutError(syscall: string, target?: unknown): SystemError {
  const err = syscall === 'connect' ? connectError(-osConstants.errno.ETIMEDOUT, target) : systemError(-osConstants.errno.ETIMEDOUT, syscall);
  err.name = 'TimeoutError';
  err.message = err.message.replace(/^ETIMEDOUT: [^,]*/, 'ETIMEDOUT: timed out');
  Error.captureStackTrace(err, timeoutError);
  return err;
}

/**
 * sendfile(2) cannot serve this file or socket (asyncio's `SendfileNotAvailableError`):
 * `ERR_NOT_SUPPORTED`, with the OS error (if any) as `cause`. `loop.sockSendfile` then falls back
 * to read + send unless `fallback` is false.
 */
export function sendfileNotAvailable(reason: string, cause?: unknown) {
  const err = coded(new Error(`sendfile is not available: ${reason}`, cause === undefined ? undefined : { cause }), 'ERR_NOT_SUPPORTED');
  err.name = 'SendfileNotAvailableError';
  return err;
}

/**
 * A resolver failure (Python's `socket.gaierror`): `code` is the EAI_* name, `errno` its value on
 * this platform (Python's `gaierror.errno`: negative on glibc, positive on macOS and the BSDs),
 * the message gai_strerror's, as Python's (`EAI_NONAME: Name or service not known, getaddrinfo
 * example.invalid`), and `hostname` the host asked about, as node:dns's errors carry it.
 */
export function gaiError(name: string, value: number, message: string, syscall: string, hostname?: string): SystemError {
  const err = new Error(`${name}: ${message}, ${syscall}${hostname === undefined ? '' : ` ${hostname}`}`) as SystemError;
  err.code = name;
  err.errno = value;
  err.syscall = syscall;
  if (hostname !== undefined) err.hostname = hostname;
  Error.captureStackTrace(err, gaiError);
  return err;
}
