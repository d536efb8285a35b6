// Python's socket object over the native socket calls: validation and errors here, syscalls in
// native/socket.cc. Would-block throws EAGAIN like Python; tryRecvInto/trySend are the hot path.
import { constants as osConstants } from 'node:os';
import { inspect } from 'node:util';
import { check, closedError, connectError, invalidArgType, outOfRange, systemError, timeoutError } from '../errors';
import { closeWhenCollected, forget } from '../finalize';
import { countOrNull, filled } from '../io-result';
import { pollOne } from '../kernel/pollfds';
import { INT32_MAX } from '../limits';
import { C, native } from '../native';
import { validateBytes, validateFd, validateFlag, validateInt, type FileLike } from '../validate';
import { toNative, type Address } from './address';
import { AF_INET, AF_UNIX, SOCK_STREAM } from './constants';
import { describeSocket } from './describe';
import { sendfileOf } from './sendfile';
import {
  applyDefaultTimeout, callWithin, clearTimeoutMode, connectWithin, gettimeoutOf, retryWithin, sendallWithin, setTimeoutMode, timeoutOf, validateSocketTimeout,
} from './timeout-mode';
import { recvmsgIntoOn, recvmsgOn, sendmsgOn, type AncillaryInput, type RecvmsgIntoResult, type RecvmsgResult } from './msg';

const ECONNRESET = -osConstants.errno.ECONNRESET;
const EINTR = -osConstants.errno.EINTR;
const EAGAIN = -osConstants.errno.EAGAIN;
const EINPROGRESS = -osConstants.errno.EINPROGRESS;
const ENAMETOOLONG = -osConstants.errno.ENAMETOOLONG;
// Flags Python strips from `socket.type` (they are creation options, not the kind).
const TYPE_FLAGS = (C.SOCK_NONBLOCK ?? 0) | (C.SOCK_CLOEXEC ?? 0);
// BSDs and macOS let an accepted socket inherit O_NONBLOCK; Linux and Python do not.
const ACCEPT_INHERITS_NONBLOCK = process.platform !== 'linux';
const scratchInt = new Int32Array(1);
// Set while _wrap adopts an fd the addon just made (a socket for sure): no SO_TYPE check then.
let wrapping = false;

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
    let rawType: number;
    if (fileno === undefined || fileno === null) {
      const fam = family === undefined ? AF_INET : validateInt(family, 'family');
      const typ = type === undefined ? SOCK_STREAM : validateInt(type, 'type');
      const pro = proto === undefined ? 0 : validateInt(proto, 'proto');
      this.#fd = check(native.socket(fam, typ, pro), 'socket');
      rawType = typ;
      this.#family = fam;
      this.#type = typ & ~TYPE_FLAGS;
      this.#proto = pro;
    } else {
      const fd = validateFd(fileno, 'fileno');
      const fam = family === undefined ? check(native.sockFamily(fd), 'getsockname') : validateInt(family, 'family');
      let typ = type === undefined ? undefined : validateInt(type, 'type');
      let pro = proto === undefined ? undefined : validateInt(proto, 'proto');
      // As CPython, a given family and type do not skip the check: an fd that is no open socket
      // (ENOTSOCK, EBADF) is refused before it is owned. Only fds the addon just made skip it.
      if (typ === undefined || !wrapping) {
        check(native.getsockoptInt(fd, C.SOL_SOCKET, C.SO_TYPE, scratchInt), 'getsockopt');
        typ ??= scratchInt[0];
      }
      // As CPython, the protocol too is read from the fd when not given (where the OS says it).
      if (pro === undefined) pro = C.SO_PROTOCOL !== undefined && native.getsockoptInt(fd, C.SOL_SOCKET, C.SO_PROTOCOL, scratchInt) === 0 ? scratchInt[0] : 0;
      native.own(fd);
      rawType = typ;
      this.#fd = fd;
      this.#family = fam;
      this.#type = typ & ~TYPE_FLAGS;
      this.#proto = pro;
    }
    closeWhenCollected(this, this.#fd);
    applyDefaultTimeout(this, this.#fd, rawType);
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
    wrapping = true;
    try {
      return new Socket(family, type, proto, fd) as Socket<A>;
    } finally {
      wrapping = false;
    }
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
    const blocking = validateFlag(flag, 'flag');
    clearTimeoutMode(this);
    check(native.setBlocking(fd, blocking ? 1 : 0), 'fcntl');
  }

  /** Python's `getblocking()`: false when non-blocking (`gettimeout() === 0`); true when blocking or in timeout mode. */
  getblocking(): boolean {
    if (timeoutOf(this) !== undefined) return true;
    return check(native.getBlocking(this.#open()), 'fcntl') === 1;
  }

  /**
   * Python's `settimeout(seconds)`, in seconds: `null` blocks (as `setblocking(true)`), 0 is
   * non-blocking (as `setblocking(false)`), a positive number is timeout mode — the fd is
   * non-blocking and `recv`, `recvInto`, `recvfrom`, `recvfromInto`, `send`, `sendall`, `sendto`,
   * `accept` and `connect` wait for readiness up to that long, then throw a `TimeoutError` (code
   * `ETIMEDOUT`). `tryRecvInto`/`trySend` never wait. Values of 1000 or more warn once per
   * process (`IOMUX_TIMEOUT_UNIT`): the unit is seconds, as in Python.
   * @throws `ERR_INVALID_ARG_TYPE`, `ERR_INVALID_ARG_VALUE` (NaN), `ERR_OUT_OF_RANGE` (negative,
   *   `Infinity`, above 2147483.647 s)
   */
  settimeout(timeoutSeconds: number | null): void {
    const fd = this.#open();
    setTimeoutMode(this, fd, validateSocketTimeout(timeoutSeconds));
  }

  /** Python's `gettimeout()`: the timeout in seconds, `null` when blocking, 0 when non-blocking. */
  gettimeout(): number | null {
    return gettimeoutOf(this, this.#open());
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
    let r = native.accept(fd);
    if (r === EAGAIN) r = retryWithin(this, fd, C.POLLIN, r, () => native.accept(fd), 'accept');
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
    if (r === null) throw timeoutError('connect', address);
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
    if (r === null) return -EAGAIN; // Python's connect_ex on a timeout: EWOULDBLOCK
    // An AF_UNIX path too long for sun_path is the address's fault, not connect(2)'s (which never
    // says ENAMETOOLONG for a path this short): thrown, as Python raises "AF_UNIX path too long".
    if (r === ENAMETOOLONG && this.#family === AF_UNIX) throw connectError(r, address);
    return r < 0 ? -r : 0;
  }

  // connect(2) as 0 or -errno. A blocking connect interrupted by a signal goes on in the kernel
  // (calling connect again would fail with EALREADY), so, as CPython does for PEP 475, wait for
  // it to finish and take its result from SO_ERROR. A non-blocking socket keeps the EINTR.
  #connect(address: A): number | null {
    const fd = this.#open();
    const r = native.connect(fd, this.#family, ...toNative(this.#family, address));
    if (r === EINPROGRESS) return connectWithin(this, fd, r); // null: timeout mode ran out of time
    if (r !== EINTR || check(native.getBlocking(fd), 'fcntl') !== 1) return r; // the fd's own mode: O_NONBLOCK in timeout mode too
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
    if (size === 0) return Buffer.alloc(0); // nothing asked, nothing consumed: no syscall (as CPython)
    const buf = Buffer.allocUnsafe(size);
    let r = native.recv(fd, buf, 0, size, f);
    if (r === EAGAIN) r = retryWithin(this, fd, C.POLLIN, r, () => native.recv(fd, buf, 0, size, f), 'recv');
    return filled(buf, check(r, 'recv'));
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
    const f = validateInt(flags, 'flags');
    if (len === 0) return 0; // as recv(0)
    let r = native.recv(fd, buf, 0, len, f);
    if (r === EAGAIN) r = retryWithin(this, fd, C.POLLIN, r, () => native.recv(fd, buf, 0, len, f), 'recv');
    return check(r, 'recv');
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
    let r = native.recvfrom(fd, buf, 0, size, f);
    if (r === EAGAIN) r = retryWithin(this, fd, C.POLLIN, r, () => native.recvfrom(fd, buf, 0, size, f), 'recvfrom');
    if (typeof r === 'number') throw systemError(r, 'recvfrom');
    const got = r[0];
    return [got === size ? buf : Buffer.from(buf.subarray(0, got)), r[1] as A | null];
  }

  /** Python's `recvfrom_into`: `[count, senderAddress]` into `buf` (its first `nbytes`, 0: all). */
  recvfromInto(buf: ArrayBufferView, nbytes?: number, flags = 0): [number, A | null] {
    const fd = this.#open();
    validateBytes(buf, 'buf');
    const len = intoLength(buf, nbytes);
    const f = validateInt(flags, 'flags');
    let r = native.recvfrom(fd, buf, 0, len, f);
    if (r === EAGAIN) r = retryWithin(this, fd, C.POLLIN, r, () => native.recvfrom(fd, buf, 0, len, f), 'recvfrom');
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
    const f = validateInt(flags, 'flags');
    let r = native.send(fd, data, 0, data.byteLength, f);
    if (r === EAGAIN) r = retryWithin(this, fd, C.POLLOUT, r, () => native.send(fd, data, 0, data.byteLength, f), 'send');
    return check(r, 'send');
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
    const seconds = timeoutOf(this);
    if (seconds !== undefined) return sendallWithin(fd, seconds, data, f);
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
    let r = native.sendto(fd, data, 0, data.byteLength, f, this.#family, ...to);
    if (r === EAGAIN) r = retryWithin(this, fd, C.POLLOUT, r, () => native.sendto(fd, data, 0, data.byteLength, f, this.#family, ...to), 'sendto');
    return check(r, 'sendto');
  }

  /**
   * Python's `sendfile(file, offset=0, count=None)`: sends `file` (an fd, or an object with
   * `fileno()`) from `offset` — `count` bytes, or to its end — with sendfile(2), else (not a
   * regular file, or sendfile(2) refused it before any byte went) by read + send, and returns the
   * bytes sent; the file's position is left just past them. Blocking or timeout-mode stream
   * sockets only (in timeout mode each wait for writability has the whole timeout, as CPython).
   * @throws `ERR_INVALID_ARG_VALUE` (a non-blocking socket, not `SOCK_STREAM`), bad `file`
   *   (`ERR_INVALID_ARG_TYPE`/`ERR_INVALID_FD`), `ERR_INVALID_ARG_TYPE`/`ERR_OUT_OF_RANGE`
   *   (offset negative, count not positive), a `TimeoutError`, SystemError (`EPIPE`, …)
   */
  sendfile(file: FileLike, offset?: number, count?: number | null): number {
    this.#open();
    return sendfileOf(this, file, offset, count);
  }

  /**
   * Python's `dup()`: a new Socket over a duplicate of the fd (close-on-exec), with the same
   * family, type, protocol and timeout. The two share the open file (and its O_NONBLOCK flag).
   * @throws SystemError `EMFILE`
   */
  dup(): Socket<A> {
    const fd = this.#open();
    const timeout = this.gettimeout();
    const copy = check(native.dup(fd), 'dup');
    let sock: Socket<A>;
    try {
      sock = new Socket<A>(this.#family, this.#type, this.#proto, copy);
    } catch (err) {
      native.close(copy);
      throw err;
    }
    sock.settimeout(timeout);
    return sock;
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
   * Python's `sendmsg(buffers, ancdata=(), flags=0, address=None)`: sends the bytes of every view
   * in `buffers` (gathered, one iovec each) with ancillary data, `[level, type, data]` items (e.g.
   * `[SOL_SOCKET, SCM_RIGHTS, Int32Array.of(fd)]`; `socket.sendFds` does that one), to `address` when
   * given. Returns the count of bytes sent, which may be short on a stream socket.
   * @throws SystemError `EAGAIN` when non-blocking and the send buffer is full (`TimeoutError` in
   * timeout mode, after waiting); `EPIPE` (never SIGPIPE); `EBADF` for a passed fd that is not open; `EINVAL` for an item the kernel refuses.
   */
  sendmsg(buffers: Iterable<ArrayBufferView>, ancdata?: Iterable<AncillaryInput>, flags?: number, address?: A | null): number {
    const fd = this.#open();
    return callWithin(this, fd, C.POLLOUT, () => sendmsgOn(fd, this.#family, buffers, ancdata, flags, address), 'sendmsg');
  }

  /**
   * Python's `recvmsg(bufsize, ancbufsize=0, flags=0)`: `[data, ancdata, msgFlags, address]`, with
   * room for `ancbufsize` bytes of ancillary data (size it with `socket.CMSG_SPACE`). Received fds
   * (`SCM_RIGHTS`) are close-on-exec and the caller's, as `socket.recvFds` says; under `MSG_CTRUNC`
   * they are closed and their items left out (*ours*).
   * @throws SystemError `EAGAIN` when non-blocking and nothing is ready (`TimeoutError` in timeout
   * mode, after waiting).
   */
  recvmsg(bufsize: number, ancbufsize?: number, flags?: number): RecvmsgResult<A> {
    const fd = this.#open();
    return callWithin(this, fd, C.POLLIN, () => recvmsgOn<A>(fd, bufsize, ancbufsize, flags), 'recvmsg');
  }

  /**
   * Python's `recvmsg_into(buffers, ancbufsize=0, flags=0)`: as {@link Socket.recvmsg}, scattering
   * the bytes over the views of `buffers` in order; `[nbytes, ancdata, msgFlags, address]`.
   * @throws SystemError `EAGAIN` when non-blocking and nothing is ready (`TimeoutError` in timeout
   * mode, after waiting).
   */
  recvmsgInto(buffers: Iterable<ArrayBufferView>, ancbufsize?: number, flags?: number): RecvmsgIntoResult<A> {
    const fd = this.#open();
    return callWithin(this, fd, C.POLLIN, () => recvmsgIntoOn<A>(fd, buffers, ancbufsize, flags), 'recvmsg');
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
