// Python's os fd functions over the native fd calls: validation here, syscalls in native/fd.cc.
import { check } from './errors';
import { countOrNull, filled } from './io-result';
import { INT32_MAX } from './limits';
import { C, native } from './native';
import { validateBytes, validateFd, validateFlag, validateInt, validateWindow } from './validate';

/** Set on an fd that does not block (`getBlocking(fd) === false`). */
export const O_NONBLOCK: number = C.O_NONBLOCK;
/** Signal-driven I/O: the owner (see {@link setOwner}) gets `SIGIO` when the fd becomes ready. */
export const O_ASYNC: number = C.O_ASYNC;
/** Close-on-exec at open time. */
export const O_CLOEXEC: number = C.O_CLOEXEC;
/** The signal number of `SIGIO`. Platform-only: `undefined` where the OS has no SIGIO. */
export const SIGIO: number = C.SIGIO;

/**
 * Python's `os.pipe()`: a new pipe as `[readEnd, writeEnd]`, both blocking and close-on-exec (as
 * in Python: an exec'd program does not inherit them by accident). The caller owns both fds and
 * closes them with {@link close}.
 *
 * A child process can still be given either end on purpose: name the fd in `stdio`, and Node dups
 * it onto the child's fd 0, 1 or 2 (the dup is not close-on-exec):
 * ```ts
 * const [r, w] = os.pipe();
 * const child = spawn('ls', [], { stdio: ['ignore', w, 'inherit'] }); // child's stdout → w
 * os.close(w); // the parent's copy: the reader then sees end of file when the child exits
 * os.read(r, 4096);
 * ```
 * @throws SystemError (`EMFILE`, `ENFILE`) when no fd is left.
 */
export function pipe(): [number, number] {
  const out = new Int32Array(2);
  check(native.pipe(out), 'pipe');
  return [out[0], out[1]];
}

/**
 * Python's `os.read(fd, n)`: reads at most `n` bytes; an empty Buffer means end of file.
 * @throws SystemError `EAGAIN` when `fd` is non-blocking and nothing is ready (Python's
 * `BlockingIOError`); `EBADF` for a closed fd.
 * @throws RangeError `ERR_OUT_OF_RANGE` when `n` is negative or not an integer.
 */
export function read(fd: number, n: number): Buffer {
  validateFd(fd);
  const size = validateInt(n, 'n', 0, INT32_MAX);
  const buf = Buffer.allocUnsafe(size);
  return filled(buf, check(native.read(fd, buf, 0, size), 'read'));
}

/**
 * Python's `os.readinto(fd, buffer)` (3.14), with an optional window: reads into
 * `buf[offset, offset + length)` (default: from `offset` to the end) and returns the count, 0 at
 * end of file. Allocates nothing, for hot paths.
 * @throws SystemError `EAGAIN` on a non-blocking fd with nothing ready.
 * @throws RangeError `ERR_OUT_OF_RANGE` when the window does not lie within `buf`.
 */
export function readInto(fd: number, buf: ArrayBufferView, offset?: number, length?: number): number {
  validateFd(fd);
  const bytes = validateBytes(buf, 'buf');
  const [off, len] = validateWindow(bytes.byteLength, offset, length);
  return check(native.read(fd, bytes, off, len), 'read');
}

/**
 * The hot-path read: as {@link readInto}, but a would-block returns `null` instead of throwing
 * (an error costs microseconds, the read itself less). 0 still means end of file; every other
 * OS error still throws.
 */
export function tryReadInto(fd: number, buf: ArrayBufferView, offset?: number, length?: number): number | null {
  validateFd(fd);
  const bytes = validateBytes(buf, 'buf');
  const [off, len] = validateWindow(bytes.byteLength, offset, length);
  return countOrNull(native.read(fd, bytes, off, len), 'read');
}

/**
 * Python's `os.write(fd, data)`: writes bytes of a Buffer, TypedArray or DataView (a string is
 * refused, as Python refuses `str`) and returns how many were written, which may be fewer.
 * @throws SystemError `EAGAIN` when a non-blocking fd cannot take any; `EPIPE` when no reader
 * is left (Node ignores SIGPIPE, so this is an error, not a signal).
 */
export function write(fd: number, data: ArrayBufferView): number {
  validateFd(fd);
  const bytes = validateBytes(data, 'data');
  return check(native.write(fd, bytes, 0, bytes.byteLength), 'write');
}

/**
 * The hot-path write: as {@link write}, but a would-block returns `null` instead of throwing;
 * every other OS error (`EPIPE` included) still throws.
 */
export function tryWrite(fd: number, data: ArrayBufferView): number | null {
  validateFd(fd);
  const bytes = validateBytes(data, 'data');
  return countOrNull(native.write(fd, bytes, 0, bytes.byteLength), 'write');
}

/**
 * Python's `os.close(fd)`. Called once: never retried on `EINTR`, since the fd is gone anyway.
 * @throws SystemError `EBADF` when `fd` is not open.
 */
export function close(fd: number): void {
  validateFd(fd);
  check(native.close(fd), 'close');
}

/**
 * Python's `os.set_blocking(fd, blocking)`: clears `O_NONBLOCK` when `blocking` is true, sets it
 * when false. Affects every fd sharing the open file (dups included).
 */
export function setBlocking(fd: number, blocking: boolean): void {
  validateFd(fd);
  const flag = validateFlag(blocking, 'blocking');
  check(native.setBlocking(fd, flag ? 1 : 0), 'fcntl');
}

/** Python's `os.get_blocking(fd)`: false when `O_NONBLOCK` is set. */
export function getBlocking(fd: number): boolean {
  validateFd(fd);
  return check(native.getBlocking(fd), 'fcntl') === 1;
}

/**
 * Python's `os.dup(fd)`: a new fd for the same open file, close-on-exec (non-inheritable, as in
 * Python). Closing one leaves the other open; file status flags such as `O_NONBLOCK` are shared.
 */
export function dup(fd: number): number {
  validateFd(fd);
  return check(native.dup(fd), 'dup');
}

/**
 * Signal-driven I/O: sets (`true`) or clears `O_ASYNC` on `fd`. With an owner set by
 * {@link setOwner}, the kernel then sends `SIGIO` to the owner each time the fd becomes readable
 * or writable (`process.on('SIGIO', …)` receives it). Works on pipes, sockets, terminals; Linux
 * and the BSDs. Python spells it `fcntl.fcntl(fd, F_SETFL, flags | O_ASYNC)`.
 */
export function setAsync(fd: number, on: boolean): void {
  validateFd(fd);
  const flag = validateFlag(on, 'on');
  check(native.setAsync(fd, flag ? 1 : 0), 'fcntl');
}

/** Whether `O_ASYNC` (signal-driven I/O) is set on `fd`. */
export function getAsync(fd: number): boolean {
  validateFd(fd);
  return check(native.getAsync(fd), 'fcntl') === 1;
}

/**
 * `fcntl(fd, F_SETOWN, pid)`: the process that receives `SIGIO` for an `O_ASYNC` fd (usually
 * `process.pid`); a negative value names a process group; 0 stops signalling.
 * @throws SystemError `ESRCH` when no such process exists.
 */
export function setOwner(fd: number, pid: number): void {
  validateFd(fd);
  const owner = validateInt(pid, 'pid');
  check(native.setOwner(fd, owner), 'fcntl');
}

/** `fcntl(fd, F_GETOWN)`: the pid (or, negative, process group) that gets `SIGIO` for `fd`; 0 if none. */
export function getOwner(fd: number): number {
  validateFd(fd);
  const out = new Int32Array(1);
  check(native.getOwner(fd, out), 'fcntl');
  return out[0];
}

export { sendfile } from './os/sendfile';
export { strerror } from './os/strerror';
