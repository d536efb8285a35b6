// Python's socket timeouts (socket.settimeout): null blocks, 0 is non-blocking, a positive number
// of seconds is timeout mode — the fd is O_NONBLOCK and each call that would block waits for
// readiness with poll(2) on that one fd (native, EINTR retried with the time left: PEP 475) until
// its deadline, then throws a TimeoutError. Only sockets in timeout mode are kept here; the hot
// path (a call that does not would-block, or a would-block on a socket not in timeout mode) looks
// nothing up: Socket consults this file only after EAGAIN.
import { constants as osConstants } from 'node:os';
import { performance } from 'node:perf_hooks';
import { check, outOfRange, timeoutError } from '../errors';
import { pollOne } from '../kernel/pollfds';
import { MAX_WAIT_MS } from '../limits';
import { C, native } from '../native';
import { MS, toWait } from '../timeout';

const EAGAIN = -osConstants.errno.EAGAIN;
const EINPROGRESS = -osConstants.errno.EINPROGRESS;
/** The longest socket timeout: what one poll(2) takes (a C int of ms, ≈ 24.8 days). */
export const MAX_SOCKET_TIMEOUT_SECONDS = MAX_WAIT_MS / 1000;

// Seconds, for the sockets in timeout mode only (a WeakMap: a collected socket leaves no entry).
const timeouts = new WeakMap<object, number>();
let defaultTimeout: number | null = null;

/**
 * A socket timeout as Python's `settimeout` takes it: `null` (or `undefined`) → `null`; a number
 * ≥ 0 of seconds. Not a number → `ERR_INVALID_ARG_TYPE`; NaN → `ERR_INVALID_ARG_VALUE`; negative,
 * `Infinity` or above {@link MAX_SOCKET_TIMEOUT_SECONDS} → `ERR_OUT_OF_RANGE` (Python: ValueError,
 * OverflowError). 1000 or more warns once per process (`IOMUX_TIMEOUT_UNIT`).
 */
export function validateSocketTimeout(value: unknown, name = 'timeoutSeconds'): number | null {
  // Elsewhere in iomux Infinity means "no limit"; CPython's settimeout raises OverflowError for it.
  if (value === Infinity) throw outOfRange(name, `>= 0 and <= ${MAX_SOCKET_TIMEOUT_SECONDS} seconds, or null`, value);
  // The one timeout translation (lib/timeout.ts): type, NaN, range and the unit warning.
  if (toWait(value, MS, MAX_WAIT_MS, 'error', name) < 0) return null;
  return (value as number) + 0; // -0 reads back as 0, as Python's 0.0
}

/** Puts `sock` (its open `fd`) in Python's mode for `seconds`: null blocking, 0 non-blocking, > 0 timeout mode. @internal */
export function setTimeoutMode(sock: object, fd: number, seconds: number | null): void {
  check(native.setBlocking(fd, seconds === null ? 1 : 0), 'fcntl');
  if (seconds !== null && seconds > 0) timeouts.set(sock, seconds);
  else timeouts.delete(sock);
}

/** Leaves timeout mode (setblocking sets the fd's mode itself). @internal */
export function clearTimeoutMode(sock: object): void {
  timeouts.delete(sock);
}

/** The timeout of a socket in timeout mode, else `undefined`. @internal */
export function timeoutOf(sock: object): number | undefined {
  return timeouts.get(sock);
}

/** Python's `gettimeout()`: the seconds of timeout mode, else `null` (blocking fd) or 0 (non-blocking fd). @internal */
export function gettimeoutOf(sock: object, fd: number): number | null {
  const seconds = timeouts.get(sock);
  if (seconds !== undefined) return seconds;
  return check(native.getBlocking(fd), 'fcntl') === 1 ? null : 0;
}

/**
 * Python's `socket.setdefaulttimeout(seconds)`: the timeout every Socket made afterwards starts
 * with (`socket()`, `socketpair()`, `accept()`, `Socket.fromfd`), except those created with
 * `SOCK_NONBLOCK` in the type, which start non-blocking. `null` (the default) leaves new sockets
 * as the OS made them (blocking, or an adopted fd's own mode).
 * @throws `ERR_INVALID_ARG_TYPE`, `ERR_INVALID_ARG_VALUE` (NaN), `ERR_OUT_OF_RANGE` as
 *   {@link Socket.settimeout}
 */
export function setdefaulttimeout(timeoutSeconds: number | null): void {
  defaultTimeout = validateSocketTimeout(timeoutSeconds);
}

/** Python's `socket.getdefaulttimeout()`: the timeout new sockets start with, `null` for none. */
export function getdefaulttimeout(): number | null {
  return defaultTimeout;
}

/** Applies the default timeout to a socket just made (`nonblockType`: created with SOCK_NONBLOCK, which keeps it at 0). @internal */
export function applyDefaultTimeout(sock: object, fd: number, type: number): void {
  if (defaultTimeout === null) return;
  const nonblockType = C.SOCK_NONBLOCK !== undefined && (type & C.SOCK_NONBLOCK) !== 0;
  setTimeoutMode(sock, fd, nonblockType ? 0 : defaultTimeout);
}

// Milliseconds left until `deadline` (performance.now() time), rounded up; 0 or less: none.
function msLeft(deadline: number): number {
  return Math.ceil(deadline - performance.now());
}

/**
 * After a call on `sock`'s `fd` returned `first`: if that was a would-block (`-EAGAIN`) and the
 * socket is in timeout mode, waits for `mask` (POLLIN/POLLOUT) and repeats `call` until it does
 * not would-block, or throws a TimeoutError (`syscall`) once the timeout has passed. Anything else
 * is returned unchanged. @internal
 */
export function retryWithin<T>(sock: object, fd: number, mask: number, first: T, call: () => T, syscall: string): T {
  const seconds = timeouts.get(sock);
  if (seconds === undefined || first !== EAGAIN) return first;
  const deadline = performance.now() + seconds * 1000;
  for (;;) {
    const ms = msLeft(deadline);
    if (ms <= 0 || pollOne(fd, mask, ms) === 0) throw timeoutError(syscall);
    const r = call();
    if (r !== EAGAIN) return r; // a false positive (readable, then nothing) polls again, as CPython
  }
}

/**
 * As {@link retryWithin}, for calls that throw their errors (sendmsg, recvmsg): a would-block
 * thrown in timeout mode waits for readiness up to the deadline and tries again. @internal
 */
export function callWithin<T>(sock: object, fd: number, mask: number, call: () => T, syscall: string): T {
  try {
    return call();
  } catch (err) {
    const seconds = timeouts.get(sock);
    if (seconds === undefined || (err as { errno?: number }).errno !== EAGAIN) throw err;
    const deadline = performance.now() + seconds * 1000;
    for (;;) {
      const ms = msLeft(deadline);
      if (ms <= 0 || pollOne(fd, mask, ms) === 0) throw timeoutError(syscall);
      try {
        return call();
      } catch (again) {
        if ((again as { errno?: number }).errno !== EAGAIN) throw again;
      }
    }
  }
}

/**
 * `sendall` in timeout mode: one deadline for the whole call, as CPython ≥ 3.5. What was sent
 * before the timeout stays sent. @internal
 */
export function sendallWithin(fd: number, seconds: number, data: ArrayBufferView, flags: number): void {
  const deadline = performance.now() + seconds * 1000;
  const total = data.byteLength;
  let off = 0;
  do {
    const r = native.send(fd, data, off, total - off, flags);
    if (r !== EAGAIN) {
      off += check(r, 'send');
      continue;
    }
    const ms = msLeft(deadline);
    if (ms <= 0 || pollOne(fd, C.POLLOUT, ms) === 0) throw timeoutError('send');
  } while (off < total);
}

/**
 * A non-blocking connect(2) that returned `r` on a socket in timeout mode: on `EINPROGRESS`,
 * waits for writability up to the timeout and returns `SO_ERROR` as 0 or -errno, or `null` when
 * the timeout passed. Anything else (and any socket not in timeout mode) returns `r`. @internal
 */
export function connectWithin(sock: object, fd: number, r: number): number | null {
  const seconds = timeouts.get(sock);
  if (seconds === undefined || r !== EINPROGRESS) return r;
  if (pollOne(fd, C.POLLOUT, Math.ceil(seconds * 1000)) === 0) return null;
  const out = new Int32Array(1);
  check(native.getsockoptInt(fd, C.SOL_SOCKET, C.SO_ERROR, out), 'getsockopt');
  return -out[0];
}
