// Python's socket object over the native socket calls: validation and errors here, syscalls in
// native/socket.cc. Would-block throws EAGAIN like Python; tryRecvInto/trySend are the hot path.
import { constants as osConstants } from 'node:os';
import { check, closedError, invalidArgType, outOfRange, systemError } from '../errors';
import { closeWhenCollected, forget } from '../finalize';
import { C, native } from '../native';
import { validateBytes, validateFd, validateFlag, validateInt } from '../validate';
import { Address, toNative } from './address';
import { AF_INET, SOCK_STREAM } from './constants';

const INT32_MAX = 2 ** 31 - 1;
const EAGAIN = -osConstants.errno.EAGAIN;
const EWOULDBLOCK = -osConstants.errno.EWOULDBLOCK;
const ECONNRESET = -osConstants.errno.ECONNRESET;
// Flags Python strips from `socket.type` (they are creation options, not the kind).
const TYPE_FLAGS = (C.SOCK_NONBLOCK ?? 0) | (C.SOCK_CLOEXEC ?? 0);
// A short recv() above this size is copied out, so that recv(1 << 20) returning 10 bytes does not pin 1 MiB.
const SHRINK_ABOVE = 64 * 1024;
// BSDs and macOS let an accepted socket inherit O_NONBLOCK; Linux and Python do not.
const ACCEPT_INHERITS_NONBLOCK = process.platform !== 'linux';
const scratchInt = new Int32Array(1);


function validateFlags(flags: unknown): number {
  return validateInt(flags, 'flags');
}

// Python's recv_into(buffer, nbytes=0): 0 means the whole buffer; more than it holds is refused.
function intoLength(buf: ArrayBufferView, nbytes: unknown): number {
  if (nbytes === undefined) return buf.byteLength;
  const n = validateInt(nbytes, 'nbytes', 0, INT32_MAX);
  if (n > buf.byteLength) throw outOfRange('nbytes', `at most the buffer's ${buf.byteLength} bytes`, n);
  return n === 0 ? buf.byteLength : n;
}

/**
 * Run with the fd just before a Socket closes it: a completion loop (ProactorEventLoop) submits
 * and cancels what it queued for that fd, so that no entry naming the number reaches a new file
 * that takes it. @internal
 */
export const beforeClose = new Set<(fd: number) => void>();

/**
 * Python's `socket.socket`: an OS socket owned by this object, created close-on-exec; writing to
 * a closed peer gives `EPIPE`, never SIGPIPE. Every method throws `ERR_CLOSED` after
 * {@link Socket.close} or {@link Socket.detach} (except `close`, `detach`, `fileno` and `closed`).
 * A socket that is garbage-collected unclosed has its fd closed.
 */
export class Socket implements Disposable {
  #fd: number;
  readonly #family: number;
  readonly #type: number;
  readonly #proto: number;

  /**
   * Python's `socket.socket(family, type, proto, fileno)`: a new socket, or, with `fileno`, one
   * that adopts an existing socket fd (its family and type are read from the fd when not given).
   * @throws SystemError from socket(2), e.g. `EAFNOSUPPORT`, `EPROTONOSUPPORT`, `EMFILE`;
   * `ENOTSOCK` when `fileno` is not a socket.
   */
  constructor(family?: number, type?: number, proto?: number, fileno?: number) {
    if (fileno === undefined || fileno === null) {
      const fam = family === undefined ? AF_INET : validateInt(family, 'family');
      const typ = type === undefined ? SOCK_STREAM : validateInt(type, 'type');
      const pro = proto === undefined ? 0 : validateInt(proto, 'proto');
      this.#fd = check(native.socket(fam, typ, pro), 'socket');
      this.#family = fam;
      this.#type = typ & ~TYPE_FLAGS;
      this.#proto = pro;
    } else {
      const fd = validateFd(fileno, 'fileno');
      const fam = family === undefined ? check(native.sockFamily(fd), 'getsockname') : validateInt(family, 'family');
      let typ: number;
      if (type === undefined) {
        check(native.getsockoptInt(fd, C.SOL_SOCKET, C.SO_TYPE, scratchInt), 'getsockopt');
        typ = scratchInt[0];
      } else {
        typ = validateInt(type, 'type');
      }
      const pro = proto === undefined ? 0 : validateInt(proto, 'proto');
      native.own(fd);
      this.#fd = fd;
      this.#family = fam;
      this.#type = typ & ~TYPE_FLAGS;
      this.#proto = pro;
    }
    closeWhenCollected(this, this.#fd);
  }

  /**
   * Adopts an open socket fd (Python's `socket.socket(fileno=fd)`; unlike Python's `fromfd` it
   * does not dup): the Socket now owns and will close it. Family and type are read from the fd.
   * @throws RangeError `ERR_INVALID_FD`; SystemError `ENOTSOCK` or `EBADF`.
   */
  static fromFd(fd: number): Socket {
    return new Socket(undefined, undefined, undefined, validateFd(fd));
  }

  /** Wraps an fd the addon already owns (socketpair, accept). @internal */
  static _wrap(fd: number, family: number, type: number, proto: number): Socket {
    return new Socket(family, type, proto, fd);
  }

  #open(): number {
    if (this.#fd < 0) throw closedError('socket');
    return this.#fd;
  }

  /** The address family (`AF_INET`, `AF_INET6`, `AF_UNIX`, …). */
  get family(): number {
    return this.#family;
  }

  /** The socket type (`SOCK_STREAM`, …), without `SOCK_NONBLOCK`/`SOCK_CLOEXEC`, as in Python. */
  get type(): number {
    return this.#type;
  }

  /** The protocol number given at creation (0 for the default). */
  get proto(): number {
    return this.#proto;
  }

  /** True after `close()` or `detach()`. */
  get closed(): boolean {
    return this.#fd < 0;
  }

  /** The fd, or -1 once closed or detached (as Python). */
  fileno(): number {
    return this.#fd;
  }

  /** Python's `setblocking(flag)`: false sets O_NONBLOCK (would-block then throws `EAGAIN`). */
  setBlocking(flag: boolean): void {
    const fd = this.#open();
    check(native.setBlocking(fd, validateFlag(flag, 'flag') ? 1 : 0), 'fcntl');
  }

  /** Python's `getblocking()`: false when O_NONBLOCK is set. */
  getBlocking(): boolean {
    return check(native.getBlocking(this.#open()), 'fcntl') === 1;
  }

  /**
   * Binds to `address`: `[host, port]`, `[host, port, flowinfo?, scopeId?]` or a path. Host `''`
   * is any address and `'localhost'` the family's loopback; other hosts must be numeric (unlike
   * Python, iomux resolves no names: `ERR_INVALID_ARG_VALUE`).
   * @throws SystemError e.g. `EADDRINUSE`, `EACCES`.
   */
  bind(address: Address): void {
    const fd = this.#open();
    check(native.bind(fd, this.#family, ...toNative(this.#family, address)), 'bind');
  }

  /** Listens; `backlog` defaults to min(SOMAXCONN, 128) as in Python; negative is 0. */
  listen(backlog?: number): void {
    const fd = this.#open();
    const n = backlog === undefined ? Math.min(C.SOMAXCONN, 128) : Math.max(0, validateInt(backlog, 'backlog'));
    check(native.listen(fd, n), 'listen');
  }

  /**
   * Accepts a connection: `[socket, peerAddress]`. The new socket is blocking and close-on-exec,
   * as Python's, whatever the listener's mode.
   * @throws SystemError `EAGAIN` on a non-blocking listener with no pending connection.
   */
  accept(): [Socket, Address] {
    const fd = this.#open();
    const r = native.accept(fd);
    if (typeof r === 'number') throw systemError(r, 'accept');
    if (ACCEPT_INHERITS_NONBLOCK) native.setBlocking(r[0], 1);
    return [Socket._wrap(r[0], this.#family, this.#type, this.#proto), r[1]];
  }

  /**
   * Connects; throws on failure. On a non-blocking socket an unfinished connect throws
   * `EINPROGRESS` (Python's BlockingIOError); {@link Socket.connectEx} reports it as a number instead.
   * @throws SystemError `ECONNREFUSED`, `EINPROGRESS`, `ENOENT` (AF_UNIX), …
   */
  connect(address: Address): void {
    const fd = this.#open();
    check(native.connect(fd, this.#family, ...toNative(this.#family, address)), 'connect');
  }

  /**
   * Python's `connect_ex`: connects and returns 0, or the positive errno of the failure (e.g.
   * `os.constants.errno.EINPROGRESS` on a non-blocking socket; wait for writability, then read
   * `SO_ERROR`). A bad address still throws.
   */
  connectEx(address: Address): number {
    const fd = this.#open();
    const r = native.connect(fd, this.#family, ...toNative(this.#family, address));
    return r < 0 ? -r : 0;
  }

  /**
   * Receives at most `n` bytes; an empty Buffer at end of stream (allocates; see
   * {@link Socket.tryRecvInto} for the hot path).
   * @throws SystemError `EAGAIN` when non-blocking and nothing is ready (Python's BlockingIOError).
   * @throws RangeError `ERR_OUT_OF_RANGE` for a negative or non-integer `n`.
   */
  recv(n: number, flags = 0): Buffer {
    const fd = this.#open();
    const size = validateInt(n, 'n', 0, INT32_MAX);
    const f = validateFlags(flags);
    const buf = Buffer.allocUnsafe(size);
    const got = check(native.recv(fd, buf, 0, size, f), 'recv');
    if (got === size) return buf;
    return size > SHRINK_ABOVE && got < size / 2 ? Buffer.from(buf.subarray(0, got)) : buf.subarray(0, got);
  }

  /**
   * Python's `recv_into`: receives into `buf` (its first `nbytes`; 0 or omitted: all of it) and
   * returns the count, 0 at end of stream.
   * @throws SystemError `EAGAIN` when non-blocking and nothing is ready.
   * @throws RangeError `ERR_OUT_OF_RANGE` when `nbytes` is negative or larger than `buf`.
   */
  recvInto(buf: ArrayBufferView, nbytes?: number, flags = 0): number {
    const fd = this.#open();
    validateBytes(buf, 'buf');
    const len = intoLength(buf, nbytes);
    return check(native.recv(fd, buf, 0, len, validateFlags(flags)), 'recv');
  }

  /**
   * The hot-path read: as {@link Socket.recvInto}, but a would-block returns `null` instead of
   * throwing (a thrown error costs microseconds; this allocates nothing). 0 still means end of
   * stream; every other OS error still throws.
   */
  tryRecvInto(buf: ArrayBufferView, nbytes?: number, flags = 0): number | null {
    const fd = this.#open();
    validateBytes(buf, 'buf');
    const len = intoLength(buf, nbytes);
    const r = native.recv(fd, buf, 0, len, validateFlags(flags));
    if (r >= 0) return r;
    if (r === EAGAIN || r === EWOULDBLOCK) return null;
    throw systemError(r, 'recv');
  }

  /**
   * Receives a datagram (or stream bytes): `[data, senderAddress]`; the address is `null` when the
   * kernel gives none (a connected stream, an unnamed AF_UNIX sender), as Python's `None`.
   * @throws SystemError `EAGAIN` when non-blocking and nothing is ready.
   */
  recvfrom(n: number, flags = 0): [Buffer, Address | null] {
    const fd = this.#open();
    const size = validateInt(n, 'n', 0, INT32_MAX);
    const f = validateFlags(flags);
    const buf = Buffer.allocUnsafe(size);
    const r = native.recvfrom(fd, buf, 0, size, f);
    if (typeof r === 'number') throw systemError(r, 'recvfrom');
    const got = r[0];
    return [got === size ? buf : Buffer.from(buf.subarray(0, got)), r[1]];
  }

  /** Python's `recvfrom_into`: `[count, senderAddress]` into `buf` (its first `nbytes`, 0: all). */
  recvfromInto(buf: ArrayBufferView, nbytes?: number, flags = 0): [number, Address | null] {
    const fd = this.#open();
    validateBytes(buf, 'buf');
    const len = intoLength(buf, nbytes);
    const r = native.recvfrom(fd, buf, 0, len, validateFlags(flags));
    if (typeof r === 'number') throw systemError(r, 'recvfrom');
    return r;
  }

  /**
   * Sends from `data` and returns the count, which may be less than its length.
   * @throws SystemError `EAGAIN` when non-blocking and the send buffer is full; `EPIPE` when the
   * peer has closed (no SIGPIPE is raised).
   */
  send(data: ArrayBufferView, flags = 0): number {
    const fd = this.#open();
    validateBytes(data, 'data');
    return check(native.send(fd, data, 0, data.byteLength, validateFlags(flags)), 'send');
  }

  /**
   * The hot-path write: as {@link Socket.send}, but a would-block returns `null` instead of
   * throwing, allocating nothing. Every other OS error (`EPIPE`, …) still throws.
   */
  trySend(data: ArrayBufferView, flags = 0): number | null {
    const fd = this.#open();
    validateBytes(data, 'data');
    const r = native.send(fd, data, 0, data.byteLength, validateFlags(flags));
    if (r >= 0) return r;
    if (r === EAGAIN || r === EWOULDBLOCK) return null;
    throw systemError(r, 'send');
  }

  /**
   * Sends all of `data`, looping over partial sends. On a non-blocking socket a full send buffer
   * part-way throws `EAGAIN` (as Python's with timeout 0), with an unknown amount already sent.
   */
  sendall(data: ArrayBufferView, flags = 0): void {
    const fd = this.#open();
    validateBytes(data, 'data');
    const f = validateFlags(flags);
    const total = data.byteLength;
    let off = 0;
    do off += check(native.send(fd, data, off, total - off, f), 'send');
    while (off < total);
  }

  /**
   * Python's `sendto(data, [flags,] address)`: sends a datagram to `address` and returns the count.
   * @throws SystemError `EAGAIN`, `EMSGSIZE`, …
   */
  sendto(data: ArrayBufferView, address: Address): number;
  sendto(data: ArrayBufferView, flags: number, address: Address): number;
  sendto(data: ArrayBufferView, flagsOrAddress: number | Address, address?: Address): number {
    const fd = this.#open();
    validateBytes(data, 'data');
    const threeArgs = arguments.length >= 3;
    const f = threeArgs ? validateFlags(flagsOrAddress) : 0;
    const to = toNative(this.#family, threeArgs ? address : flagsOrAddress);
    return check(native.sendto(fd, data, 0, data.byteLength, f, this.#family, ...to), 'sendto');
  }

  /** Shuts down reading (`SHUT_RD`), writing (`SHUT_WR`) or both (`SHUT_RDWR`). @throws SystemError `ENOTCONN`, `EINVAL`. */
  shutdown(how: number): void {
    const fd = this.#open();
    check(native.shutdown(fd, validateInt(how, 'how')), 'shutdown');
  }

  /** The local address (`''` for an unnamed AF_UNIX socket). */
  getsockname(): Address {
    const r = native.getsockname(this.#open());
    if (typeof r === 'number') throw systemError(r, 'getsockname');
    return r;
  }

  /** The peer's address. @throws SystemError `ENOTCONN` when not connected. */
  getpeername(): Address {
    const r = native.getpeername(this.#open());
    if (typeof r === 'number') throw systemError(r, 'getpeername');
    return r;
  }

  /**
   * Sets a socket option: a number (int32) or boolean is passed as a C int, a Buffer/TypedArray as
   * raw bytes (e.g. `struct linger`).
   * @throws SystemError `ENOPROTOOPT`, `EINVAL`.
   */
  setsockopt(level: number, option: number, value: number | boolean | ArrayBufferView): void {
    const fd = this.#open();
    const lvl = validateInt(level, 'level');
    const opt = validateInt(option, 'option');
    if (typeof value === 'boolean') {
      check(native.setsockoptInt(fd, lvl, opt, value ? 1 : 0), 'setsockopt');
    } else if (typeof value === 'number') {
      check(native.setsockoptInt(fd, lvl, opt, validateInt(value, 'value')), 'setsockopt');
    } else if (ArrayBuffer.isView(value)) {
      check(native.setsockoptBytes(fd, lvl, opt, value), 'setsockopt');
    } else {
      throw invalidArgType('value', 'a number, boolean, Buffer, TypedArray or DataView', value);
    }
  }

  /**
   * Reads a socket option: an int, or with `buflen` (1–1024, as Python) the raw bytes the kernel wrote.
   * @throws SystemError `ENOPROTOOPT`; RangeError `ERR_OUT_OF_RANGE` for a bad `buflen`.
   */
  getsockopt(level: number, option: number): number;
  getsockopt(level: number, option: number, buflen: number): Buffer;
  getsockopt(level: number, option: number, buflen?: number): number | Buffer {
    const fd = this.#open();
    const lvl = validateInt(level, 'level');
    const opt = validateInt(option, 'option');
    if (buflen === undefined) {
      const out = new Int32Array(1);
      check(native.getsockoptInt(fd, lvl, opt, out), 'getsockopt');
      return out[0];
    }
    const buf = Buffer.alloc(validateInt(buflen, 'buflen', 1, 1024));
    const n = check(native.getsockoptBytes(fd, lvl, opt, buf), 'getsockopt');
    return buf.subarray(0, n);
  }

  /**
   * Gives up the fd without closing it and returns it (-1 if already closed); the socket is then
   * closed. Hand it to Node: `new net.Socket({ fd: sock.detach() })`.
   */
  detach(): number {
    const fd = this.#fd;
    if (fd < 0) return -1;
    this.#fd = -1;
    forget(this);
    native.release(fd);
    return fd;
  }

  /**
   * Closes the socket; later calls do nothing. As Python, `ECONNRESET` from close(2) is ignored.
   * @throws SystemError other close(2) failures (e.g. `EBADF` if the fd was closed behind its back).
   */
  close(): void {
    const fd = this.#fd;
    if (fd < 0) return;
    this.#fd = -1;
    forget(this);
    for (const hook of beforeClose) hook(fd);
    const r = native.close(fd);
    if (r < 0 && r !== ECONNRESET) throw systemError(r, 'close');
  }

  /** `using sock = socket()` closes it at the end of the scope. */
  [Symbol.dispose](): void {
    this.close();
  }
}
