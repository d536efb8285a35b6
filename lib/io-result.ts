// What os and socket do with the result of a read or write: the would-block → null rule of the
// hot-path calls, and the copy-out of a short read into a big allocation.
import { constants as osConstants } from 'node:os';
import { systemError } from './errors';

const EAGAIN = -osConstants.errno.EAGAIN;
const EWOULDBLOCK = -osConstants.errno.EWOULDBLOCK;
// Below this a short read keeps its view of the allocation; above it, a read that filled less
// than half is copied out, so that `read(fd, 1 << 20)` returning 10 bytes does not pin 1 MiB.
const SHRINK_ABOVE = 64 * 1024;

/** A byte count, `null` for a would-block (`EAGAIN`/`EWOULDBLOCK`), or the SystemError thrown. */
export function countOrNull(result: number, syscall: string): number | null {
  if (result >= 0) return result;
  if (result === EAGAIN || result === EWOULDBLOCK) return null;
  throw systemError(result, syscall);
}

/** The first `got` bytes of `buf` (allocated for `buf.length`): the buffer itself, a view, or a copy. */
export function filled(buf: Buffer, got: number): Buffer {
  const size = buf.length;
  if (got === size) return buf;
  return size > SHRINK_ABOVE && got < size / 2 ? Buffer.from(buf.subarray(0, got)) : buf.subarray(0, got);
}
