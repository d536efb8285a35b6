// Python's socket.send_fds and socket.recv_fds: fd passing over an AF_UNIX socket, on sendmsg and
// recvmsg (msg.ts). The fds received are plain numbers owned by the caller, as os.pipe()'s.
import { endianness } from 'node:os';
import { closedError, invalidArgType } from '../errors';
import { INT32_MAX } from '../limits';
import { fileobjToFd, validateInt, type FileLike } from '../validate';
import type { Address } from './address';
import { SOL_SOCKET } from './constants';
import { CMSG_LEN, MAX_FDS, SCM_RIGHTS, elementsOf } from './msg';
import { Socket } from './socket';

const LITTLE_ENDIAN = endianness() === 'LE';

function openSocket<A extends Address>(sock: Socket<A>): Socket<A> {
  if (!(sock instanceof Socket)) throw invalidArgType('sock', 'an iomux Socket', sock);
  if (sock.closed) throw closedError('socket');
  return sock;
}

/**
 * Python's `socket.send_fds(sock, buffers, fds, flags=0, address=None)`: sends the bytes of
 * `buffers` with the fds of `fds` (numbers, or objects with `fileno()` such as a Socket) as one
 * `SCM_RIGHTS` item, and returns the count of bytes sent. The receiver gets its own copies of the
 * fds; the caller's stay open and still its own (close them when no longer needed). On a
 * `SOCK_STREAM` socket send at least one byte: Linux sends no ancillary data with an empty message.
 * *Ours*: `flags` and `address` are passed on (CPython 3.11's `send_fds` drops them).
 * @throws TypeError `ERR_INVALID_ARG_TYPE` (`sock` not a Socket, `fds` not an iterable of fds);
 * RangeError `ERR_INVALID_FD`; then what {@link Socket.sendmsg} throws (`EAGAIN` when
 * non-blocking and full, `EBADF` for an fd that is not open, `ETOOMANYREFS`, …).
 */
export function sendFds<A extends Address>(
  sock: Socket<A>, buffers: Iterable<ArrayBufferView>, fds: Iterable<FileLike>, flags?: number, address?: A | null,
): number {
  const s = openSocket(sock);
  const numbers = Int32Array.from(elementsOf(fds, 'fds', 'fds (numbers or objects with fileno())', true), (fd, i) => fileobjToFd(fd, `fds[${i}]`));
  return s.sendmsg(buffers, [[SOL_SOCKET, SCM_RIGHTS, numbers]], flags, address);
}

/**
 * Python's `socket.recv_fds(sock, bufsize, maxfds, flags=0)`: receives at most `bufsize` bytes and
 * at most `maxfds` fds: `[data, fds, msgFlags, address]`.
 *
 * The fds are numbers, as in Python, close-on-exec (`MSG_CMSG_CLOEXEC`), and **owned by the
 * caller** as `os.pipe()`'s are: close each with `os.close(fd)`, or adopt it with
 * `Socket.fromfd(fd)`, whose Socket then closes it (also when garbage-collected unclosed). A
 * number is never closed behind the caller's back.
 *
 * When more fds were sent than `maxfds` allows, `msgFlags` has `MSG_CTRUNC` and `fds` is empty:
 * the kernel closes the fds that did not fit and iomux those that did (*ours*: Python hands back
 * the ones that fit). `data` is still what arrived.
 * @throws TypeError `ERR_INVALID_ARG_TYPE`; RangeError `ERR_OUT_OF_RANGE` (`bufsize`, `maxfds`);
 * `ERR_CLOSED`; SystemError `EAGAIN` when non-blocking and nothing is ready.
 */
export function recvFds<A extends Address>(sock: Socket<A>, bufsize: number, maxfds: number, flags?: number): [data: Buffer, fds: number[], msgFlags: number, address: A | null] {
  const s = openSocket(sock);
  validateInt(bufsize, 'bufsize', 0, INT32_MAX);
  const ancbufsize = CMSG_LEN(validateInt(maxfds, 'maxfds', 0, MAX_FDS) * 4);
  const [data, ancdata, msgFlags, address] = s.recvmsg(bufsize, ancbufsize, flags);
  const fds: number[] = [];
  for (const [level, type, bytes] of ancdata) {
    if (level !== SOL_SOCKET || type !== SCM_RIGHTS) continue;
    for (let at = 0; at + 4 <= bytes.length; at += 4) fds.push(LITTLE_ENDIAN ? bytes.readInt32LE(at) : bytes.readInt32BE(at));
  }
  return [data, fds, msgFlags, address];
}
