// The only file that loads the addon, and the contract of every native call.
// Conventions: fds and flags are numbers; a call that fails returns -errno (never throws for an
// OS error); results are written into caller-owned typed arrays. Native code throws only for a
// wrong argument type (TypeError, ERR_INVALID_ARG_TYPE) or a buffer window out of range
// (RangeError, ERR_OUT_OF_RANGE) — TypeScript validates before calling, so those are a safety net.
import path from 'node:path';

/** An address as Python shapes it: [host, port] (IPv4), [host, port, flowinfo, scopeId] (IPv6), a path (AF_UNIX). */
export type Address = [string, number] | [string, number, number, number] | string;

export interface Native {
  /** OS constants added by each native file (POLL*, EPOLL*, AF_*, SO_*, FD_SETSIZE, ...). */
  readonly constants: Record<string, number>;

  // select.cc
  /**
   * select(2). fds[0..nr) are watched for reading, the next nw for writing, the next nx for
   * exceptional conditions; ready[i] is set to 1 or 0 for each entry. Every fd must be below
   * FD_SETSIZE (else -EINVAL, nothing written). timeoutUs < 0 blocks. EINTR is retried with the
   * remaining time. Returns select's count, or -errno.
   */
  select(fds: Int32Array, nr: number, nw: number, nx: number, ready: Int32Array, timeoutUs: number): number;

  // poll.cc
  /**
   * poll(2) on n records of struct pollfd laid out in `pollfds` (8 bytes each: int32 fd at byte
   * 8i, int16 events at 8i+4, int16 revents at 8i+6 — write them through views on one buffer).
   * Writes [fd, revents] pairs of the ready records to `out` (at most out.length / 2).
   * timeoutMs < 0 blocks; EINTR is retried with the remaining time. Returns pairs written, or -errno.
   */
  poll(pollfds: Int32Array, n: number, out: Int32Array, timeoutMs: number): number;

  // epoll.cc (Linux only: absent elsewhere)
  /** epoll_create1(EPOLL_CLOEXEC); the fd is owned (closed at thread teardown until closed). */
  epollCreate?(): number;
  /** epoll_ctl(epfd, op, fd, {events, data.fd = fd}). Returns 0 or -errno. */
  epollCtl?(epfd: number, op: number, fd: number, events: number): number;
  /**
   * epoll_wait into `out` as [fd, events] pairs, at most maxevents (≤ out.length / 2).
   * timeoutMs < 0 blocks; EINTR is retried with the remaining time. Returns pairs, or -errno.
   */
  epollWait?(epfd: number, out: Int32Array, maxevents: number, timeoutMs: number): number;

  // kqueue.cc (macOS/BSD, or Linux with a system libkqueue: absent otherwise)
  /** kqueue(), close-on-exec; owned. */
  kqueueCreate?(): number;
  /**
   * kevent(2). `changes` holds nchanges records of 6 numbers [ident, filter, flags, fflags, data,
   * udata]; results go to `out` in the same layout, at most maxevents. timeoutNs < 0 blocks; EINTR
   * is retried with the remaining time. Returns the number of results, or -errno.
   */
  kevent?(kq: number, changes: Float64Array, nchanges: number, out: Float64Array, maxevents: number, timeoutNs: number): number;

  // fd.cc
  /** pipe2(O_CLOEXEC) into out[0] (read end), out[1] (write end). Returns 0 or -errno. Not owned. */
  pipe(out: Int32Array): number;
  /** read(2) into buf[off, off+len). Returns bytes read, or -errno. EINTR retried. */
  read(fd: number, buf: ArrayBufferView, off: number, len: number): number;
  /** write(2) from buf[off, off+len). Returns bytes written, or -errno. EINTR retried. */
  write(fd: number, buf: ArrayBufferView, off: number, len: number): number;
  /** close(2), once (never retried on EINTR); also stops owning the fd. Returns 0 or -errno. */
  close(fd: number): number;
  /** Clears (blocking = 1) or sets (blocking = 0) O_NONBLOCK. Returns 0 or -errno. */
  setBlocking(fd: number, blocking: number): number;
  /** 1 if blocking, 0 if O_NONBLOCK is set, or -errno. */
  getBlocking(fd: number): number;
  /** fcntl(F_DUPFD_CLOEXEC): the new fd, or -errno. Not owned. */
  dup(fd: number): number;
  /** Sets or clears O_ASYNC (signal-driven I/O). Returns 0 or -errno. */
  setAsync(fd: number, on: number): number;
  /** 1 if O_ASYNC is set, 0 if not, or -errno. */
  getAsync(fd: number): number;
  /** fcntl(F_SETOWN, pid): the process (or, negative, group) that gets SIGIO. 0 or -errno. */
  setOwner(fd: number, pid: number): number;
  /** fcntl(F_GETOWN) into out[0]. Returns 0 or -errno. */
  getOwner(fd: number, out: Int32Array): number;
  /** Owns an fd (closed at thread teardown unless closed or released first). */
  own(fd: number): void;
  /** Stops owning an fd without closing it (detach). */
  release(fd: number): void;

  // socket.cc — host strings are numeric (inet_pton); the TypeScript layer maps '' and 'localhost'.
  /** socket(2) with SOCK_CLOEXEC (and SO_NOSIGPIPE where it exists); owned. fd or -errno. */
  socket(family: number, type: number, proto: number): number;
  /** socketpair(2) with SOCK_CLOEXEC into out[0], out[1]; both owned. 0 or -errno. */
  socketpair(family: number, type: number, proto: number, out: Int32Array): number;
  /** bind(2). For AF_UNIX `host` is the path and the numbers are ignored. 0 or -errno (-EINVAL: bad host). */
  bind(fd: number, family: number, host: string, port: number, flowinfo: number, scopeId: number): number;
  /** connect(2), not retried on EINTR. 0 or -errno (-EINPROGRESS when non-blocking). */
  connect(fd: number, family: number, host: string, port: number, flowinfo: number, scopeId: number): number;
  listen(fd: number, backlog: number): number;
  /** accept4(2) with SOCK_CLOEXEC; the new fd is owned. [fd, peer address] or -errno. */
  accept(fd: number): [number, Address] | number;
  /** recv(2) into buf[off, off+len). Bytes, or -errno. */
  recv(fd: number, buf: ArrayBufferView, off: number, len: number, flags: number): number;
  /** send(2) with MSG_NOSIGNAL (a closed peer is -EPIPE, never SIGPIPE). Bytes, or -errno. */
  send(fd: number, buf: ArrayBufferView, off: number, len: number, flags: number): number;
  /** recvfrom(2): [bytes, sender address, or null when the kernel gave none], or -errno. */
  recvfrom(fd: number, buf: ArrayBufferView, off: number, len: number, flags: number): [number, Address | null] | number;
  /** sendto(2) with MSG_NOSIGNAL. Bytes, or -errno. */
  sendto(fd: number, buf: ArrayBufferView, off: number, len: number, flags: number,
    family: number, host: string, port: number, flowinfo: number, scopeId: number): number;
  shutdown(fd: number, how: number): number;
  getsockname(fd: number): Address | number;
  getpeername(fd: number): Address | number;
  /** The socket's address family (from getsockname), or -errno. */
  sockFamily(fd: number): number;
  /** setsockopt with an int value. 0 or -errno. */
  setsockoptInt(fd: number, level: number, name: number, value: number): number;
  /** setsockopt with raw bytes. 0 or -errno. */
  setsockoptBytes(fd: number, level: number, name: number, value: ArrayBufferView): number;
  /** getsockopt of an int into out[0]. 0 or -errno. */
  getsockoptInt(fd: number, level: number, name: number, out: Int32Array): number;
  /** getsockopt of raw bytes into buf. Length written, or -errno. */
  getsockoptBytes(fd: number, level: number, name: number, buf: ArrayBufferView): number;

  // watch.cc, waiter.cc, handle.cc — waiting without blocking Node (selectAsync). A handle is an opaque External.
  /**
   * Watches a kernel fd (an epoll or kqueue fd) for readability on this thread's libuv loop:
   * once started, onReady(status) runs on each loop turn while the fd is readable. A handle or -errno.
   */
  watchOpen(fd: number, onReady: (status: number) => void): WatchHandle | number;
  watchStart(handle: WatchHandle): number;
  watchStop(handle: WatchHandle): number;
  /**
   * A thread of its own for poll(2)/select(2) waits beside a wakeup pipe; onDone(result) runs on
   * this thread's loop when a wait ends, with the count of ready fds (0: timeout or woken) or -errno.
   */
  waiterOpen(onDone: (result: number) => void): WaiterHandle | number;
  /** Starts a poll(2) wait over a copy of n pollfd records (layout as in `poll`). 0, or -EBUSY while one is in flight. */
  waiterPoll(handle: WaiterHandle, pollfds: Int32Array, n: number, timeoutMs: number): number;
  /** Starts a select(2) wait over a copy of fds (layout as in `select`). 0, -EBUSY, or -EINVAL for an fd >= FD_SETSIZE. */
  waiterSelect(handle: WaiterHandle, fds: Int32Array, nr: number, nw: number, nx: number, timeoutUs: number): number;
  /** Ends the current wait early. */
  waiterWake(handle: WaiterHandle): void;
  /** Closes a watch or waiter (idempotent); a pending wait is dropped without its callback. */
  handleClose(handle: WatchHandle | WaiterHandle): void;
  /** Whether an active watch or pending waiter keeps the loop (and so the process) alive. */
  handleRef(handle: WatchHandle | WaiterHandle, keepAlive: boolean): void;
}

/** Opaque handles from watch.cc and waiter.cc. */
export type WatchHandle = { readonly __brand: 'iomux.watch' };
export type WaiterHandle = { readonly __brand: 'iomux.waiter' };

// The addon: what node-gyp-build picks (build/Release, else a fitting prebuilds/ file), or the file
// IOMUX_ADDON names, a path resolved against the working directory. IOMUX_ADDON exists to run the
// suite against another build of the same native/ sources: the sanitizer build
// (scripts/sanitize.sh) and the cmake-js build (.ci/run); child processes and workers inherit it.
// It loads whatever binary it names, with no check: it grants nothing that NODE_OPTIONS=--require
// does not, and like NODE_OPTIONS it must not come from untrusted input. Documented in docs/API.md.
function load(): Native {
  const override = process.env.IOMUX_ADDON;
  if (override) return require(path.resolve(override)) as Native;
  return require('node-gyp-build')(path.join(__dirname, '..')) as Native;
}

/** The addon of this thread. */
export const native: Native = load();
/** OS constants from the addon. */
export const C: Readonly<Record<string, number>> = native.constants;
