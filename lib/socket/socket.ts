// Python's socket object over the native socket calls: validation and errors here, syscalls in
// native/socket.cc. Would-block throws EAGAIN like Python; tryRecvInto/trySend are the hot path.
import { constants as osConstants } from 'node:os';
import { inspect } from 'node:util';
import { check, closedError, connectError, invalidArgType, outOfRange, systemError } from '../errors';
import { closeWhenCollected, forget } from '../finalize';
import { countOrNull, filled } from '../io-result';
import { pollOne } from '../kernel/pollfds';
import { INT32_MAX } from '../limits';
import { C, native } from '../native';
import { validateBytes, validateFd, validateFlag, validateInt } from '../validate';
import { toNative, type Address } from './address';
import { AF_INET, SOCK_STREAM } from './constants';
import { describeSocket } from './describe';

const ECONNRESET = -osConstants.errno.ECONNRESET;
const EINTR = -osConstants.errno.EINTR;
// Flags Python strips from `socket.type` (they are creation options, not the kind).
const TYPE_FLAGS = (C.SOCK_NONBLOCK ?? 0) | (C.SOCK_CLOEXEC ?? 0);
// BSDs and macOS let an accepted socket inherit O_NONBLOCK; Linux and Python do not.
const ACCEPT_INHERITS_NONBLOCK = process.platform !== 'linux';
const scratchInt = new Int32Array(1);

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
export class Socket<A extends Address = Address> implements Disposable {
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
  static fromfd(fd: number): Socket {
    return new Socket(undefined, undefined, undefined, validateFd(fd));
  }

  /**
   * The old name of {@link Socket.fromfd}.
   * @deprecated Use `Socket.fromfd` (Python's one-word name, docs/API.md "Naming").
   */
  static fromFd(fd: number): Socket {
    return Socket.fromfd(fd);
  }

  /** Wraps an fd the addon already owns (socketpair, accept). @internal */
  static _wrap<A extends Address>(fd: number, family: number, type: number, proto: number): Socket<A> {
    return new Socket(family, type, proto, fd) as Socket<A>;
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
  setblocking(flag: boolean): void {
    const fd = this.#open();
    check(native.setBlocking(fd, validateFlag(flag, 'flag') ? 1 : 0), 'fcntl');
  }

  /** Python's `getblocking()`: false when O_NONBLOCK is set. */
  getblocking(): boolean {
    return check(native.getBlocking(this.#open()), 'fcntl') === 1;
  }

  /**
   * The old name of {@link Socket.setblocking}.
   * @deprecated Use `setblocking` (Python's one-word name, docs/API.md "Naming").
   */
  setBlocking(flag: boolean): void {
    this.setblocking(flag);
  }

  /**
   * The old name of {@link Socket.getblocking}.
   * @deprecated Use `getblocking` (Python's one-word name, docs/API.md "Naming").
   */
  getBlocking(): boolean {
    return this.getblocking();
  }

  /**
   * Binds to `address`: `[host, port]`, `[host, port, flowinfo?, scopeId?]` or a path. Host `''`
   * is any address; a name is resolved with getaddrinfo for the socket's family, blocking the
   * thread, as in Python (`EAI_NONAME`, … when it fails).
   * @throws SystemError e.g. `EADDRINUSE`, `EACCES`.
   */
  bind(address: A): void {
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
  accept(): [Socket<A>, A] {
    const fd = this.#open();
    const r = native.accept(fd);
    if (typeof r === 'number') throw systemError(r, 'accept');
    if (ACCEPT_INHERITS_NONBLOCK) native.setBlocking(r[0], 1);
    return [Socket._wrap<A>(r[0], this.#family, this.#type, this.#proto), r[1] as A];
  }

  /**
   * Connects; throws on failure. On a non-blocking socket an unfinished connect throws
   * `EINPROGRESS` (Python's BlockingIOError); {@link Socket.connectEx} reports it as a number instead.
   * @throws SystemError `ECONNREFUSED`, `EINPROGRESS`, `ENOENT` (AF_UNIX), …, carrying the
   *   target as `address` and `port` (as node:net's errors do).
   */
  connect(address: A): void {
    const r = this.#connect(address);
    if (r < 0) throw connectError(r, address);
  }

  /**
   * Python's `connect_ex`: connects and returns 0, or the positive errno of the failure (e.g.
   * `EINPROGRESS` on a non-blocking socket, `constants.errno.EINPROGRESS` of `node:os` — not of
   * iomux's `os`; wait for writability, then read
   * `SO_ERROR`). A bad address still throws.
   */
  connectEx(address: A): number {
    const r = this.#connect(address);
    return r < 0 ? -r : 0;
  }

  // connect(2) as 0 or -errno. A blocking connect interrupted by a signal goes on in the kernel
  // (calling connect again would fail with EALREADY), so, as CPython does for PEP 475, wait for
  // it to finish and take its result from SO_ERROR. A non-blocking socket keeps the EINTR.
  #connect(address: A): number {
    const fd = this.#open();
    const r = native.connect(fd, this.#family, ...toNative(this.#family, address));
    if (r !== EINTR || !this.getblocking()) return r;
    pollOne(fd, C.POLLOUT, -1);
    return -this.getsockopt(C.SOL_SOCKET, C.SO_ERROR);
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
    const f = validateInt(flags, 'flags');
    const buf = Buffer.allocUnsafe(size);
    return filled(buf, check(native.recv(fd, buf, 0, size, f), 'recv'));
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
    return check(native.recv(fd, buf, 0, len, validateInt(flags, 'flags')), 'recv');
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
    return countOrNull(native.recv(fd, buf, 0, len, validateInt(flags, 'flags')), 'recv');
  }

  /**
   * Receives a datagram (or stream bytes): `[data, senderAddress]`; the address is `null` when the
   * kernel gives none (a connected stream, an unnamed AF_UNIX sender), as Python's `None`.
   * @throws SystemError `EAGAIN` when non-blocking and nothing is ready.
   */
  recvfrom(n: number, flags = 0): [Buffer, A | null] {
    const fd = this.#open();
    const size = validateInt(n, 'n', 0, INT32_MAX);
    const f = validateInt(flags, 'flags');
    const buf = Buffer.allocUnsafe(size);
    const r = native.recvfrom(fd, buf, 0, size, f);
    if (typeof r === 'number') throw systemError(r, 'recvfrom');
    const got = r[0];
    return [got === size ? buf : Buffer.from(buf.subarray(0, got)), r[1] as A | null];
  }

  /** Python's `recvfrom_into`: `[count, senderAddress]` into `buf` (its first `nbytes`, 0: all). */
  recvfromInto(buf: ArrayBufferView, nbytes?: number, flags = 0): [number, A | null] {
    const fd = this.#open();
    validateBytes(buf, 'buf');
    const len = intoLength(buf, nbytes);
    const r = native.recvfrom(fd, buf, 0, len, validateInt(flags, 'flags'));
    if (typeof r === 'number') throw systemError(r, 'recvfrom');
    return r as [number, A | null];
  }

  /**
   * Sends from `data` and returns the count, which may be less than its length.
   * @throws SystemError `EAGAIN` when non-blocking and the send buffer is full; `EPIPE` when the
   * peer has closed (no SIGPIPE is raised).
   */
  send(data: ArrayBufferView, flags = 0): number {
    const fd = this.#open();
    validateBytes(data, 'data');
    return check(native.send(fd, data, 0, data.byteLength, validateInt(flags, 'flags')), 'send');
  }

  /**
   * The hot-path write: as {@link Socket.send}, but a would-block returns `null` instead of
   * throwing, allocating nothing. Every other OS error (`EPIPE`, …) still throws.
   */
  trySend(data: ArrayBufferView, flags = 0): number | null {
    const fd = this.#open();
    validateBytes(data, 'data');
    return countOrNull(native.send(fd, data, 0, data.byteLength, validateInt(flags, 'flags')), 'send');
  }

  /**
   * Sends all of `data`, looping over partial sends. On a non-blocking socket a full send buffer
   * part-way throws `EAGAIN` (as Python's with timeout 0), with an unknown amount already sent.
   */
  sendall(data: ArrayBufferView, flags = 0): void {
    const fd = this.#open();
    validateBytes(data, 'data');
    const f = validateInt(flags, 'flags');
    const total = data.byteLength;
    let off = 0;
    do off += check(native.send(fd, data, off, total - off, f), 'send');
    while (off < total);
  }

  /**
   * Python's `sendto(data, [flags,] address)`: sends a datagram to `address` and returns the count.
   * @throws SystemError `EAGAIN`, `EMSGSIZE`, …
   */
  sendto(data: ArrayBufferView, address: A): number;
  sendto(data: ArrayBufferView, flags: number, address: A): number;
  sendto(data: ArrayBufferView, flagsOrAddress: number | A, address?: A): number {
    const fd = this.#open();
    validateBytes(data, 'data');
    const threeArgs = arguments.length >= 3;
    const f = threeArgs ? validateInt(flagsOrAddress, 'flags') : 0;
    const to = toNative(this.#family, threeArgs ? address : flagsOrAddress);
    return check(native.sendto(fd, data, 0, data.byteLength, f, this.#family, ...to), 'sendto');
  }

  /** Shuts down reading (`SHUT_RD`), writing (`SHUT_WR`) or both (`SHUT_RDWR`). @throws SystemError `ENOTCONN`, `EINVAL`. */
  shutdown(how: number): void {
    const fd = this.#open();
    check(native.shutdown(fd, validateInt(how, 'how')), 'shutdown');
  }

  /** The local address (`''` for an unnamed AF_UNIX socket). */
  getsockname(): A {
    const r = native.getsockname(this.#open());
    if (typeof r === 'number') throw systemError(r, 'getsockname');
    return r as A;
  }

  /** The peer's address. @throws SystemError `ENOTCONN` when not connected. */
  getpeername(): A {
    const r = native.getpeername(this.#open());
    if (typeof r === 'number') throw systemError(r, 'getpeername');
    return r as A;
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

  /**
   * What `util.inspect` and `console.log` show: Python's repr, e.g.
   * `<socket fd=5, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=('127.0.0.1', 8000)>`,
   * `<socket [closed] fd=-1, …>` once closed.
   */
  [inspect.custom](): string {
    const fd = this.#fd;
    const address = (get: typeof native.getsockname): unknown => {
      if (fd < 0) return undefined;
      const r = get(fd);
      return typeof r === 'number' ? undefined : r;
    };
    return describeSocket({
      fd,
      family: this.#family,
      type: this.#type,
      proto: this.#proto,
      laddr: address(native.getsockname),
      raddr: address(native.getpeername),
    });
  }
}
