// The only file that loads the addon, and the contract of every native call.
// Conventions: fds and flags are numbers; a call that fails returns -errno (never throws for an
// OS error); results are written into caller-owned typed arrays. Native code throws only for a
// wrong argument type (TypeError, ERR_INVALID_ARG_TYPE) or a buffer window out of range
// (RangeError, ERR_OUT_OF_RANGE) — TypeScript validates before calling, so those are a safety net.
import path from 'node:path';
import type { Address } from './socket/address';

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
  /**
   * select(2) over two fd bitmaps in `bits` (FD_SETSIZE / 32 words each, fd d at bit d % 32 of
   * word d / 32: the fds to read, then those to write; any other length is ERR_OUT_OF_RANGE).
   * Writes an [fd, ready] pair per ready fd to `out` in fd order (at most out.length / 2), ready
   * being 1 (readable), 2 (writable) or 3. timeoutUs < 0 blocks; EINTR is retried with the
   * remaining time. Returns pairs written, or -errno.
   */
  selectBits(bits: Int32Array, out: Int32Array, timeoutUs: number): number;

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

  // socket.cc — host strings are numeric (inet_pton); the TypeScript layer maps '' and resolves names.
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

  // sendfile.cc — os.sendfile, Socket.sendfile, loop.sockSendfile and their read + send fallback.
  /** sendfile(2) of at most `count` bytes from inFd (at `offset`; < 0: its file position, which then advances) to outFd. Bytes, or -errno (-ENOSYS where the OS has none). EINTR retried. */
  sendfile(outFd: number, inFd: number, offset: number, count: number): number;
  /** pread(2) into buf[off, off+len) from file `position`. Bytes, or -errno. EINTR retried. */
  pread(fd: number, buf: ArrayBufferView, off: number, len: number, position: number): number;
  /** lseek(2): the new position, or -errno. */
  lseek(fd: number, position: number, whence: number): number;
  /** fstat(2)'s st_size of a regular file; -EINVAL for anything else (a pipe, a socket), or -errno. */
  regularFileSize(fd: number): number;
  // msg.cc — sendmsg/recvmsg with ancillary data (fd passing).
  /**
   * sendmsg(2) with MSG_NOSIGNAL of the views in `buffers` (one iovec each) and the ancillary items
   * of `ancdata` (the control buffer laid out with CMSG_SPACE each); with `host` null, no address.
   * Bytes, or -errno (-EINVAL: bad host).
   */
  sendmsg(fd: number, buffers: ArrayBufferView[], ancdata: Array<[number, number, ArrayBufferView]>, flags: number,
    family: number, host: string | null, port: number, flowinfo: number, scopeId: number): number;
  /**
   * recvmsg(2) with MSG_CMSG_CLOEXEC into the views in `buffers`, with a control buffer of
   * `ancbufsize` bytes: [bytes, [level, type, data copy] items, msgFlags (MSG_CMSG_CLOEXEC only
   * when asked), sender address or null], or -errno. Received fds are close-on-exec and not
   * owned; under MSG_CTRUNC they are closed and their SCM_RIGHTS items left out.
   */
  recvmsg(fd: number, buffers: ArrayBufferView[], ancbufsize: number, flags: number):
    [number, Array<[number, number, Buffer]>, number, Address | null] | number;
  /** CMSG_LEN(n) for 0 <= n <= 2**31-1. */
  cmsgLen(n: number): number;
  /** CMSG_SPACE(n) for 0 <= n <= 2**31-1. */
  cmsgSpace(n: number): number;

  // signals.cc — EventLoop.addSignalHandler (process-wide state: main thread only).
  /** A close-on-exec pipe with both ends non-blocking into out[0] (read), out[1] (write). 0 or -errno. Not owned. */
  signalPipe(out: Int32Array): number;
  /** Installs (once per signal) a handler that writes the signal number to `wakeFd`, then calls the handler it replaced. 0 or -errno. */
  signalInstall(signum: number, wakeFd: number): number;
  /** Puts back the handler signalInstall replaced (0 when none is installed), or -errno. */
  signalRestore(signum: number): number;

  // resolve.cc — name resolution. A lookup fails with [code, errno]: an EAI_* code, and errno for EAI_SYSTEM.
  /**
   * getaddrinfo(3) with the hints; host and port null for NULL. Success: a flat array of 8 values
   * per result, [family, type, proto, canonname, host, port, flowinfo, scopeId, ...] (AF_INET and
   * AF_INET6 only; host numeric). Blocks the thread.
   */
  getaddrinfo(host: string | null, port: string | null, family: number, type: number, proto: number, flags: number): Array<number | string>;
  /** The same on libuv's thread pool; `cb` gets the result on this thread. */
  getaddrinfoAsync(host: string | null, port: string | null, family: number, type: number, proto: number, flags: number, cb: (result: Array<number | string>) => void): void;
  /**
   * CPython's getnameinfo: the numeric host (and port) through getaddrinfo(AI_NUMERICHOST,
   * SOCK_DGRAM), flowinfo and scopeId set for IPv6, then getnameinfo(3) with `flags`. `pair`:
   * the sockaddr had 2 elements (an IPv4 result of a longer one fails with EAI_FAMILY).
   * Success: [host, serv]. Blocks the thread.
   */
  getnameinfo(host: string, port: number, flowinfo: number, scopeId: number, pair: boolean, flags: number): [string | number, string | number];
  /** The same on libuv's thread pool. */
  getnameinfoAsync(host: string, port: number, flowinfo: number, scopeId: number, pair: boolean, flags: number, cb: (result: [string | number, string | number]) => void): void;
  /** gethostname(2): the name, or -errno. */
  gethostname(): string | number;
  /** gai_strerror(3). */
  gaiStrerror(code: number): string;

  // errno.cc
  /** Every errno name <errno.h> defines here → its value, aliases before the name errorcode keeps. */
  readonly errnoCodes: Readonly<Record<string, number>>;
  /** strerror(3). */
  strerror(code: number): string;

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
  /** Starts a select(2) wait over a copy of the bitmaps (layout as in `selectBits`). 0, -EBUSY, or -EINVAL if the wakeup pipe is not below FD_SETSIZE. */
  waiterSelect(handle: WaiterHandle, bits: Int32Array, timeoutUs: number): number;
  /** Ends the current wait early; with `settle`, returns only once it has ended (the kernel then holds none of its files). */
  waiterWake(handle: WaiterHandle, settle?: boolean): void;
  /** Closes a watch or waiter (idempotent); a pending wait is dropped without its callback. */
  handleClose(handle: WatchHandle | WaiterHandle): void;
  /** Whether an active watch or pending waiter keeps the loop (and so the process) alive. */
  handleRef(handle: WatchHandle | WaiterHandle, keepAlive: boolean): void;

  // uring.cc (Linux only: absent elsewhere). A ring handle is an opaque External bound to this thread.
  /** Whether io_uring is usable in this process (probed once per process): '' if so, else the reason. */
  uringProbe?(): string;
  /**
   * io_uring_setup with the best flags the kernel takes (SINGLE_ISSUER|COOP_TASKRUN, COOP_TASKRUN,
   * none; SINGLE_ISSUER|DEFER_TASKRUN first when deferTaskrun, whose ring fd wakes no poller, so
   * it cannot be watched); cqEntries 0 keeps the kernel's default. A handle, or -errno
   * (-EOPNOTSUPP: the kernel lacks FEAT_NODROP or FEAT_EXT_ARG). Closed by uringClose, the
   * handle's finalizer or the thread's teardown, each cancelling and draining every op first.
   */
  uringSetup?(entries: number, cqEntries: number, deferTaskrun: boolean): UringHandle | number;
  /** The ring fd (close-on-exec), or -EBADF once closed. */
  uringFd?(ring: UringHandle): number;
  /** Operations prepared and not yet harvested. */
  uringPending?(ring: UringHandle): number;
  /**
   * The IORING_SETUP_* flags the kernel accepted. For tests: IOMUX_URING_SETUP_FLAGS=<n> in the
   * environment makes setup try exactly those flags, IOMUX_URING_NO_SYNC_CANCEL=1 makes close()
   * cancel op by op as before Linux 6.0.
   */
  uringFlags?(ring: UringHandle): number;
  /**
   * Queues (no syscall) a receive (kind 0), send (1), read (2), write (3) or send with MSG_WAITALL
   * (4: the kernel retries a short send until all is sent or it fails, Linux 5.18) of all of buf; offset
   * is the file offset of read/write (-1: the current position). Sends and writes copy buf now; a
   * receive or read is copied into buf when harvested (buf is held until then). 0, or -EEXIST
   * (tag pending), -EBUSY (SQ full and the kernel refused a flush), -EBADF (ring closed), -EINVAL.
   */
  uringPrepBuffer?(ring: UringHandle, kind: number, fd: number, buf: ArrayBufferView, offset: number, tag: number): number;
  /** Queues an accept4(SOCK_CLOEXEC); the fd of a harvested accept is owned by the thread. 0 or -errno as above. */
  uringPrepAccept?(ring: UringHandle, fd: number, tag: number): number;
  /** Queues a connect to a numeric address (as socket's connect takes it). 0 or -errno as above (-EINVAL: bad host). */
  uringPrepConnect?(ring: UringHandle, fd: number, family: number, host: string, port: number, flowinfo: number, scopeId: number, tag: number): number;
  /**
   * Queues a one-shot poll for the POLL* bits of mask. With level (IoUringSelector's polls), a
   * completion that reports readiness parks it instead of ending it, with IORING_CQE_F_MORE in its
   * flags: its tag stays pending, and uringSubmit or a uringWait told to unpark queues it again.
   * 0 or -errno as above.
   */
  uringPrepPollAdd?(ring: UringHandle, fd: number, mask: number, tag: number, level?: boolean): number;
  /** Queues an ASYNC_CANCEL of the op tagged targetTag: 0, or 1 when it was a parked level poll, dropped at once (no cancel queued, neither tag pending), or -errno as above. */
  uringPrepCancel?(ring: UringHandle, targetTag: number, tag: number): number;
  /** Queues a timeout that completes with -ETIME after ns nanoseconds. 0 or -errno as above. */
  uringPrepTimeout?(ring: UringHandle, ns: number, tag: number): number;
  /** Hands every queued SQE, and the parked level polls, to the kernel (one io_uring_enter; more only for a short submit). Count, or -errno. */
  uringSubmit?(ring: UringHandle, recycled?: Int32Array, count?: number): number;
  /**
   * Submits what is queued, waits until minComplete completions are ready or timeoutNs passes
   * (< 0: no limit; EINTR retried with the time left; minComplete 0 enters the kernel only when
   * something is queued or deferred), then harvests up to out.length / 3 completions into out as
   * [tag (uint32 bits), res (-errno on failure), flags] triples. Count, or -errno (-EBADR: the
   * kernel dropped completions under memory pressure). With unpark, the parked level polls are
   * queued first.
   */
  uringWait?(ring: UringHandle, minComplete: number, timeoutNs: number, out: Int32Array, recycled?: Int32Array, count?: number, unpark?: boolean): number;
  /**
   * On a DEFER_TASKRUN ring (whose fd wakes no poller), registers an eventfd to watch instead
   * and returns it (the same one on every call; closed with the ring), or -errno (-EINVAL: not a
   * DEFER_TASKRUN ring). Call uringArmWake before each sleep on it.
   */
  uringWakeFd?(ring: UringHandle): number;
  /** Before sleeping on uringWakeFd's fd: clears it, and makes it readable again if work is already waiting. */
  uringArmWake?(ring: UringHandle): void;
  /**
   * Registers the ring's provided buffer ring (IORING_REGISTER_PBUF_RING, 5.19): entries (a power
   * of two) buffers of size bytes, all given to the kernel. Returns an ArrayBuffer over them
   * (buffer bid at bid * size; it stays valid even after the ring closes), or -errno (-EINVAL: no
   * buffer rings here, or a bad shape; -EEXIST: made already; -ENOTSUP: the runtime forbids
   * external buffers). Buffers named by harvested CQEs (flags >>> 16) are the caller's until it
   * passes their ids as `recycled` (the first `count` of them) to uringSubmit or uringWait.
   */
  uringBufferRing?(ring: UringHandle, entries: number, size: number): ArrayBuffer | number;
  /** Queues a multishot accept4(SOCK_CLOEXEC | SOCK_NONBLOCK) (5.19): one CQE per connection, IORING_CQE_F_MORE while it goes on. 0 or -errno. */
  uringPrepAcceptMulti?(ring: UringHandle, fd: number, tag: number): number;
  /** Queues a multishot recv into the provided buffers (6.0); -ENOBUFS if there is no buffer ring. 0 or -errno. */
  uringPrepRecvMulti?(ring: UringHandle, fd: number, tag: number): number;
  /** Cancels and drains every op, then unmaps and closes the ring. Idempotent. */
  uringClose?(ring: UringHandle): void;
}

/** Opaque handles from watch.cc and waiter.cc. */
export type WatchHandle = { readonly __brand: 'iomux.watch' };
export type WaiterHandle = { readonly __brand: 'iomux.waiter' };
/** Opaque ring handle from uring.cc. */
export type UringHandle = { readonly __brand: 'iomux.uring' };

// The addon: what node-gyp-build picks (build/Release, else a fitting prebuilds/ file), or the file
// IOMUX_ADDON names, a path resolved against the working directory. IOMUX_ADDON exists to run the
// suite against another build of the same native/ sources: the sanitizer build
// (scripts/sanitize.sh) and the cmake-js build (.ci/run); child processes and workers inherit it.
// It loads whatever binary it names, with no check: it grants nothing that NODE_OPTIONS=--require
// does not, and like NODE_OPTIONS it must not come from untrusted input. Documented in docs/API.md.
function load(): Native {
  const override = process.env.IOMUX_ADDON;
  if (override) {
    // Absolute from now on: a child or a worker started in another directory loads the same file.
    process.env.IOMUX_ADDON = path.resolve(override);
    return require(process.env.IOMUX_ADDON) as Native;
  }
  return require('node-gyp-build')(path.join(__dirname, '..')) as Native;
}

// A plain copy: the addon's exports object is in dictionary mode (85 properties set one by one),
// where every `native.x` on a hot path is a hash lookup; a spread copy has fast properties
// (trySend + tryRecvInto on a socketpair: 2.63 → 2.39 µs, medians of 7 × 200,000).
/** The addon of this thread. */
export const native: Native = { ...load() };
/** OS constants from the addon. */
export const C: Readonly<Record<string, number>> = { ...native.constants }; // fast properties, as native
