// Python's os.sendfile over native/sendfile.cc: validation here, the syscall there. Also what
// socket.sendfile and loop.sock_sendfile share: their argument checks and the file's final position.
import { constants as osConstants } from 'node:os';
import { check, systemError } from '../errors';
import { native } from '../native';
import { fileobjToFd, validateFd, validateInt } from '../validate';

const SEEK_SET = 0;

/** The largest file offset or count taken: JavaScript's largest exact integer. */
const MAX_BYTES = Number.MAX_SAFE_INTEGER;

// A file offset for the sendfile calls: null/undefined → -1 (the file's position, when
// `allowNull`), else an integer 0 … 2⁵³−1 (ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE).
function validateOffset(value: unknown, name: string, allowNull: boolean): number {
  if (allowNull && value === null) return -1;
  return validateInt(value, name, 0, MAX_BYTES);
}

// A byte count 0 … 2⁵³−1 (`min` 1 where Python wants a positive count).
function validateCount(value: unknown, name: string, min = 0): number {
  return validateInt(value, name, min, MAX_BYTES);
}

/**
 * The `file, offset=0, count=None` of socket.sendfile and loop.sock_sendfile, checked:
 * [file fd, offset, count (0: to the end of the file)]. @internal
 */
export function validateFileRange(file: unknown, offset: unknown, count: unknown): [number, number, number] {
  const fd = fileobjToFd(file, 'file');
  const off = offset === undefined ? 0 : validateOffset(offset, 'offset', false);
  const n = count === undefined || count === null ? 0 : validateCount(count, 'count', 1);
  return [fd, off, n];
}

/**
 * Moves the file's position to `position`, just past what socket.sendfile or loop.sock_sendfile
 * sent (CPython's `file.seek(offset)` in `finally`); a pipe has none: nothing to move. @internal
 */
export function seekTo(fd: number, position: number): void {
  const r = native.lseek(fd, position, SEEK_SET);
  if (r < 0 && r !== -osConstants.errno.ESPIPE) throw systemError(r, 'lseek');
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
