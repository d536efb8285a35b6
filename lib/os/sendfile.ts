// Python's os.sendfile over native/sendfile.cc: validation here, the syscall there.
import { check } from '../errors';
import { native } from '../native';
import { validateFd, validateInt } from '../validate';

/** The largest file offset or count taken: JavaScript's largest exact integer. */
const MAX_BYTES = Number.MAX_SAFE_INTEGER;

/**
 * A file offset for the sendfile calls: `null`/`undefined` → -1 (the file's position, when
 * `allowNull`), else an integer 0 … 2⁵³−1 (`ERR_INVALID_ARG_TYPE`, `ERR_OUT_OF_RANGE`). @internal
 */
export function validateOffset(value: unknown, name: string, allowNull: boolean): number {
  if (allowNull && (value === null || value === undefined)) return -1;
  return validateInt(value, name, 0, MAX_BYTES);
}

/** A byte count 0 … 2⁵³−1 (`min` 1 where Python wants a positive count). @internal */
export function validateCount(value: unknown, name: string, min = 0): number {
  return validateInt(value, name, min, MAX_BYTES);
}

/**
 * Python's `os.sendfile(out_fd, in_fd, offset, count)`: copies up to `count` bytes from `inFd`,
 * starting at `offset`, to `outFd` inside the kernel (sendfile(2)), and returns how many were
 * copied (0 at end of file; may be fewer). With `offset` `null` it reads from `inFd`'s file
 * position and advances it; with a number the position is left alone. On Linux `outFd` may be any
 * fd; on macOS and FreeBSD it must be a stream socket.
 * @throws SystemError `EAGAIN` when `outFd` is non-blocking and full; `EINVAL` (an `inFd` that
 *   sendfile(2) cannot read, e.g. a socket), `ESPIPE` (an offset on a pipe), `ENOSYS` where the
 *   OS has no sendfile(2), `EBADF`, `EPIPE`
 * @throws `ERR_INVALID_ARG_TYPE`/`ERR_INVALID_FD` (fds), `ERR_INVALID_ARG_TYPE`/`ERR_OUT_OF_RANGE`
 *   (offset, count: negative or not an integer)
 */
export function sendfile(outFd: number, inFd: number, offset: number | null, count: number): number {
  const out = validateFd(outFd, 'outFd');
  const input = validateFd(inFd, 'inFd');
  const at = validateOffset(offset, 'offset', true);
  const n = validateCount(count, 'count');
  return check(native.sendfile(out, input, at, n), 'sendfile');
}
