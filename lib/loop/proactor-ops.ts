// asyncio's sock_* for a completion loop (proactor_events.py / windows_events.py's roles): each
// operation is one submission entry on the loop's ring, completed by the kernel. Operations on
// one socket run one at a time per direction, in the order asked (so a sendall's bytes and two
// recvs stay in order); a recv and a send run together.
// Abort: a queued operation is dropped at once; one in flight is cancelled on the ring, and
// rejects with AbortError only if the cancel won. If the kernel finished it first (the bytes
// were received, the connection accepted), the promise resolves with that result: no byte is lost.
// A sendall with nothing of its socket queued or in flight tries send(2) at once (MSG_DONTWAIT, as
// asyncio's selector loop does): a round trip's answer then costs no submission entry, completion
// or Op, and only what the kernel did not take is submitted. Likewise a sockAccept takes a
// connection already waiting with accept4(2) (acceptNow).
// The hot path allocates one Op and one promise per operation, no closures, and prepares its
// entries with the addon directly (the arguments were checked once, in #start).
import { constants as osConstants } from 'node:os';
import { abortError, check, closedError, connectError, systemError } from '../errors';
import { INT32_MAX } from '../limits';
import { C, native } from '../native';
import { toNative, type Address } from '../socket/address';
import { Socket } from '../socket/socket';
import type { UringHandle } from '../native';
import type { Ring } from '../uring/ring';
import { validateBytes, validateInt } from '../validate';
import type { RingDriver } from './proactor-ring';
import type { SendfileProgress } from './sendfile';
import { validateOpenSocket, validateOptions, withResolved, type SockOptions } from './sock-ops';

const AGAIN = Symbol('again');
const ECANCELED = -osConstants.errno.ECANCELED;
const EINTR = -osConstants.errno.EINTR;
const EAGAIN = -osConstants.errno.EAGAIN;
const ECONNABORTED = -osConstants.errno.ECONNABORTED;
const MSG_DONTWAIT = C.MSG_DONTWAIT;
// For measuring (not public API, as the transports read it): IOMUX_PROACTOR_SEND=ring makes every
// sendall a submission, never a send(2) at once.
const RING_SEND = process.env.IOMUX_PROACTOR_SEND === 'ring';
// Kinds of native uringPrepBuffer.
const RECV = 0;
const SEND = 1;
// The most one receive or send entry carries (its length is 32 bits); a sendall sends the rest next.
const MAX_ENTRY_BYTES = 1 << 30;

function settleNothing(): void {}

function copyOf(view: ArrayBufferView, from: number): Buffer {
  return Buffer.from(Buffer.from(view.buffer, view.byteOffset + from, view.byteLength - from));
}

// The resolving functions of the promise being made: one executor for every operation, no closure each.
const captured = { resolve: settleNothing as (value: unknown) => void, reject: settleNothing as (err: unknown) => void };
function capture(resolve: (value: unknown) => void, reject: (err: unknown) => void): void {
  captured.resolve = resolve;
  captured.reject = reject;
}

const enum Kind { Recv, RecvInto, Recvfrom, Sendall, Sendto, Accept, Connect, Sendfile }
const READS = [true, true, true, false, false, true, false, false];

/** One socket's operations, per direction; the head of each is the one in flight. */
interface Queues {
  read: Op[];
  write: Op[];
}

// A sockAccept with no accept of its socket pending takes a connection already waiting at once
// (accept4(2), as asyncio's selector loop does): a burst of connections is then accepted in one
// turn, not one per submission and completion. Only on a non-blocking listening socket (an
// accept4 on a blocking one would block the thread; it goes to the ring). Undefined when no
// connection is waiting.
function acceptNow(sock: Socket, fd: number): [Socket, Address] | undefined {
  if (native.getBlocking(fd) !== 0) return undefined; // blocking (or refused: the ring reports it)
  const r = native.accept(fd);
  if (typeof r === 'number') {
    if (r === EAGAIN || r === ECONNABORTED || r === EINTR) return undefined;
    throw systemError(r, 'accept');
  }
  const conn = Socket._wrap(r[0], sock.family, sock.type, sock.proto);
  try {
    conn.setblocking(false);
  } catch (err) {
    conn.close();
    throw err;
  }
  return [conn, r[1]];
}

/** One sock* operation: what to submit, what its completion means, and its promise. */
class Op {
  tag: number | undefined = undefined;
  aborting = false;
  /** Set when the socket was closed under the operation: it rejects with this. */
  closed: Error | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  resolve: (value: unknown) => void = settleNothing;
  reject: (err: unknown) => void = settleNothing;
  sent = 0;
  /** A sendfile's state (Kind.Sendfile). */
  progress: SendfileProgress | undefined = undefined;

  constructor(
    readonly owner: ProactorOps,
    readonly kind: Kind,
    readonly sock: Socket,
    readonly fd: number,
    readonly queue: Op[],
    readonly signal: AbortSignal | undefined,
    readonly bytes: ArrayBufferView | undefined,
    readonly size: number,
    readonly address: Address | undefined,
  ) {}

  /** Writes the entry for the next try. */
  prep(ring: Ring, tag: number): void {
    switch (this.kind) {
      case Kind.Recv:
      case Kind.RecvInto:
        return this.#buffer(RECV, this.bytes!, 'recv', tag);
      case Kind.Sendall: {
        const bytes = this.bytes!;
        const rest = bytes.byteLength - this.sent;
        return this.#buffer(SEND, this.sent === 0 && rest <= MAX_ENTRY_BYTES ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset + this.sent, Math.min(rest, MAX_ENTRY_BYTES)), 'send', tag);
      }
      case Kind.Recvfrom:
        return ring.prepPollAdd(this.sock, C.POLLIN, tag);
      case Kind.Sendto:
      case Kind.Sendfile:
        return ring.prepPollAdd(this.sock, C.POLLOUT, tag);
      case Kind.Accept:
        return ring.prepAccept(this.sock, tag);
      case Kind.Connect:
        return ring.prepConnect(this.sock, this.address!, tag);
    }
  }

  // A receive or send entry straight through the addon: #start checked the socket and buffer.
  #buffer(kind: number, bytes: ArrayBufferView, syscall: string, tag: number): void {
    const view = bytes.byteLength <= MAX_ENTRY_BYTES ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, MAX_ENTRY_BYTES);
    const r = native.uringPrepBuffer!(this.owner.handle, kind, this.fd, view, 0, tag);
    if (r < 0) throw systemError(r, `io_uring_prep_${syscall}`);
  }

  /** The completion's meaning: a result, AGAIN (submit again), or a throw. */
  result(res: number): unknown {
    switch (this.kind) {
      case Kind.Recv: {
        if (res < 0) throw systemError(res, 'recv');
        const buf = this.bytes as Buffer;
        return res === this.size ? buf : Buffer.from(buf.subarray(0, res));
      }
      case Kind.RecvInto:
        if (res < 0) throw systemError(res, 'recv');
        return res;
      case Kind.Sendall:
        if (res < 0) throw systemError(res, 'send');
        this.sent += res;
        return this.sent >= this.bytes!.byteLength ? undefined : AGAIN;
      case Kind.Recvfrom:
        if (res < 0) throw systemError(res, 'poll');
        return this.#recvfromNow();
      case Kind.Sendto: {
        if (res < 0) throw systemError(res, 'poll');
        const bytes = this.bytes!;
        const r = native.sendto(this.fd, bytes, 0, bytes.byteLength, MSG_DONTWAIT, this.sock.family, ...toNative(this.sock.family, this.address!));
        return r === EAGAIN || r === EINTR ? AGAIN : check(r, 'sendto');
      }
      case Kind.Accept: {
        if (res === EAGAIN || res === ECONNABORTED || res === EINTR) return AGAIN;
        if (res < 0) throw systemError(res, 'accept');
        const s = this.sock;
        const conn = Socket._wrap(res, s.family, s.type, s.proto);
        try {
          conn.setblocking(false);
          return [conn, conn.getpeername()];
        } catch {
          conn.close(); // reset before its address could be read: as accept(2)'s ECONNABORTED
          return AGAIN;
        }
      }
      case Kind.Connect:
        if (res < 0) throw connectError(res, this.address);
        return undefined;
      case Kind.Sendfile:
        if (res < 0) throw systemError(res, 'poll');
        return this.progress!.step(this.sock.fileno()) ?? AGAIN;
    }
  }

  // After a poll said readable: MSG_DONTWAIT, since another reader may have taken the datagram
  // and the socket may be blocking (the thread must not wait in recvfrom(2)); EAGAIN polls again.
  #recvfromNow(): unknown {
    const buf = Buffer.allocUnsafe(this.size);
    const r = native.recvfrom(this.fd, buf, 0, this.size, MSG_DONTWAIT);
    if (r === EAGAIN || r === EINTR) return AGAIN;
    if (typeof r === 'number') throw systemError(r, 'recvfrom');
    const got = r[0];
    return [got === this.size ? buf : Buffer.from(buf.subarray(0, got)), r[1]];
  }

  complete(res: number): void {
    this.owner.completed(this, res);
  }

  discard(res: number): void {
    if (this.kind === Kind.Accept && res >= 0) native.close(res);
  }
}

/** The sock* operations of one ProactorEventLoop, and the operations pending on it. */
export class ProactorOps {
  readonly #driver: RingDriver;
  readonly #checkOpen: () => void;
  // Indexed by fd number (fds are small and dense, and an array indexes faster than a Map): kept
  // while the fd is open (dropped when a Socket closes it), so that a connection's recv after recv
  // does not make a new entry each time.
  readonly #queues: Array<Queues | undefined> = [];
  // Taken out of their queues by closing(): in flight until their cancel completes, and rejected
  // by close() if the loop closes first (the ring then drops that completion).
  readonly #cancelled = new Set<Op>();

  constructor(driver: RingDriver, checkOpen: () => void) {
    this.#driver = driver;
    this.#checkOpen = checkOpen;
  }

  /** `sock_recv`: one IORING_OP_RECV of at most `n` bytes; empty at end of stream. */
  recv(sock: Socket, n: number, options?: SockOptions): Promise<Buffer> {
    return this.#start(Kind.Recv, sock, options, n, undefined, undefined) as Promise<Buffer>;
  }

  /** `sock_recv_into`: one IORING_OP_RECV into `buf`; the count, 0 at end of stream. */
  recvInto(sock: Socket, buf: ArrayBufferView, options?: SockOptions): Promise<number> {
    return this.#start(Kind.RecvInto, sock, options, 0, buf, undefined) as Promise<number>;
  }

  /** `sock_recvfrom`: a poll on the ring, then recvfrom(2) (the ring prepares no recvmsg). */
  recvfrom(sock: Socket, n: number, options?: SockOptions): Promise<[Buffer, Address | null]> {
    return this.#start(Kind.Recvfrom, sock, options, n, undefined, undefined) as Promise<[Buffer, Address | null]>;
  }

  /** `sock_sendall`: send(2) at once if nothing of the socket is queued to send, then IORING_OP_SEND of what is left until all of `data` is sent. */
  sendall(sock: Socket, data: ArrayBufferView, options?: SockOptions): Promise<void> {
    return this.#start(Kind.Sendall, sock, options, 0, data, undefined) as Promise<void>;
  }

  /** `sock_sendto`: a poll on the ring, then sendto(2). */
  sendto(sock: Socket, data: ArrayBufferView, address: Address, options?: SockOptions): Promise<number> {
    return withResolved(() => this.#check(sock), address, options, (resolved) => this.#start(Kind.Sendto, sock, options, 0, data, resolved) as Promise<number>);
  }

  /** `sock_accept`: a connection already waiting at once (acceptNow), else one IORING_OP_ACCEPT; `[conn, address]`, `conn` non-blocking. */
  accept(sock: Socket, options?: SockOptions): Promise<[Socket, Address]> {
    return this.#start(Kind.Accept, sock, options, 0, undefined, undefined) as Promise<[Socket, Address]>;
  }

  /** `sock_connect`: one IORING_OP_CONNECT; resolves once connected, rejects with the OS error. */
  connect(sock: Socket, address: Address, options?: SockOptions): Promise<void> {
    return withResolved(() => this.#check(sock), address, options, (resolved) => this.#start(Kind.Connect, sock, options, 0, undefined, resolved) as Promise<void>);
  }

  #check(sock: unknown): Socket {
    this.#checkOpen();
    return validateOpenSocket(sock);
  }

  /** loop.sock_sendfile's sendfile(2) calls: a poll for writability on the ring, then sendfile(2), until `progress` is done. @internal */
  sendfileSteps(sock: Socket, progress: SendfileProgress, options?: SockOptions): Promise<number> {
    return this.#start(Kind.Sendfile, sock, options, 0, progress, undefined) as Promise<number>;
  }

  /** Whether an operation is queued or in flight on `fd`. */
  has(fd: number): boolean {
    const queues = this.#queues[fd];
    return queues !== undefined && (queues.read.length > 0 || queues.write.length > 0);
  }

  /**
   * `fd` is about to be closed: its operations in flight are cancelled (and reject with
   * `ERR_CLOSED`), its queued ones reject now. The caller flushes the ring before close(2), so
   * no entry naming the fd number can reach a new file that takes it.
   */
  closing(fd: number): void {
    const queues = this.#queues[fd];
    if (queues === undefined) return;
    this.#queues[fd] = undefined;
    for (const queue of [queues.read, queues.write]) {
      for (const op of queue.splice(0)) {
        const err = closedError('socket');
        if (op.tag !== undefined) {
          op.closed = err;
          this.#cancelled.add(op);
          this.#driver.cancel(op.tag);
        } else this.#fail(op, err);
      }
    }
  }

  /** Rejects every pending operation with `err` (the loop's close(), after the ring let go of them). */
  close(err: Error): void {
    const all = this.#queues.filter((queues) => queues !== undefined);
    this.#queues.length = 0;
    for (const queues of all) {
      for (const op of [...queues.read.splice(0), ...queues.write.splice(0)]) this.#fail(op, err);
    }
    for (const op of this.#cancelled) this.#fail(op, op.closed);
    this.#cancelled.clear();
  }

  /** An operation's completion was harvested (for Op.complete). @internal */
  completed(op: Op, res: number): void {
    op.tag = undefined;
    if (op.closed !== undefined) {
      // Already out of its queue: its socket was closed. An accepted connection goes with it.
      this.#cancelled.delete(op);
      op.discard(res);
      return this.#fail(op, op.closed);
    }
    if (op.aborting && (res === ECANCELED || res === EINTR)) return this.#finish(op, abortError(op.signal?.reason), true);
    let value: unknown;
    try {
      value = op.result(res);
    } catch (err) {
      return this.#finish(op, err, true);
    }
    if (value !== AGAIN) return this.#finish(op, value, false);
    // A sendall cut short by an abort stops here: what was sent stays sent (as in asyncio).
    if (op.aborting) return this.#finish(op, abortError(op.signal?.reason), true);
    this.#issue(op);
  }

  /** The ring's native handle, for Op.prep. @internal */
  get handle(): UringHandle {
    return this.#driver.handle;
  }

  // Checks the arguments (a throw rejects), then queues the operation in its direction, submitting
  // it at once if it is the only one; a sendall alone in its direction is tried with send(2) first.
  #start(kind: Kind, sock: unknown, options: unknown, n: number, data: unknown, address: Address | undefined): Promise<unknown> {
    let op: Op;
    try {
      this.#checkOpen();
      const s = validateOpenSocket(sock);
      let bytes: ArrayBufferView | undefined;
      let size = 0;
      if (kind === Kind.Recv || kind === Kind.Recvfrom) {
        size = validateInt(n, 'n', 0, INT32_MAX);
        if (kind === Kind.Recv) bytes = Buffer.allocUnsafe(size);
      } else if (kind === Kind.RecvInto || kind === Kind.Sendall || kind === Kind.Sendto) {
        bytes = validateBytes(data, kind === Kind.RecvInto ? 'buf' : 'data');
      }
      if (kind === Kind.Sendto || kind === Kind.Connect) toNative(s.family, address); // a bad address rejects now
      const signal = validateOptions(options);
      const fd = s.fileno();
      let queues = this.#queues[fd];
      if (queues === undefined) this.#queues[fd] = queues = { read: [], write: [] };
      const queue = READS[kind] ? queues.read : queues.write;
      if (kind === Kind.Accept && queue.length === 0) {
        const accepted = acceptNow(s, fd);
        if (accepted !== undefined) return Promise.resolve(accepted);
      }
      if (kind === Kind.Sendall) {
        let from = 0;
        if (queue.length === 0 && !RING_SEND) {
          const length = bytes!.byteLength;
          const r = native.send(fd, bytes!, 0, length, MSG_DONTWAIT);
          if (r === length) return Promise.resolve(undefined);
          if (r < 0 && r !== EAGAIN && r !== EINTR) throw systemError(r, 'send');
          if (r > 0) from = r;
        }
        // What goes through the ring is a copy (it may take several sends, each entry copying
        // its part when prepared): the caller may reuse data as soon as the call returns.
        bytes = copyOf(bytes!, from);
      }
      op = new Op(this, kind, s, fd, queue, signal, bytes, size, address);
      if (kind === Kind.Sendfile) op.progress = data as SendfileProgress;
    } catch (err) {
      return Promise.reject(err);
    }
    const promise = new Promise(capture);
    op.resolve = captured.resolve;
    op.reject = captured.reject;
    captured.resolve = captured.reject = settleNothing; // holds no promise past its call
    const queue = op.queue;
    queue.push(op);
    if (op.signal !== undefined) {
      op.onAbort = () => this.#abort(op);
      op.signal.addEventListener('abort', op.onAbort, { once: true });
    }
    if (queue.length === 1) this.#issue(op);
    return promise;
  }

  #issue(op: Op): void {
    // Nothing asked, nothing consumed (as CPython's recv(0)): a receive of 0 bytes would wait for
    // data, and take a whole datagram.
    if (op.bytes?.byteLength === 0 && (op.kind === Kind.Recv || op.kind === Kind.RecvInto)) return this.#finish(op, op.kind === Kind.Recv ? op.bytes : 0, false);
    try {
      op.tag = this.#driver.start(op);
    } catch (err) {
      this.#finish(op, err, true);
    }
  }

  #abort(op: Op): void {
    if (op.aborting) return;
    op.aborting = true;
    if (op.tag !== undefined) return this.#driver.cancel(op.tag);
    // Not yet submitted: still queued behind another operation.
    const i = op.queue.indexOf(op);
    if (i >= 0) op.queue.splice(i, 1);
    this.#fail(op, abortError(op.signal?.reason));
  }

  #fail(op: Op, err: unknown): void {
    if (op.onAbort !== undefined) op.signal!.removeEventListener('abort', op.onAbort);
    op.reject(err);
  }

  // The head operation is done: settle it, then start the next one in its direction.
  #finish(op: Op, value: unknown, failed: boolean): void {
    if (op.onAbort !== undefined) op.signal!.removeEventListener('abort', op.onAbort);
    if (failed) op.reject(value);
    else op.resolve(value);
    const queue = op.queue;
    if (queue[0] === op) queue.shift();
    if (queue.length > 0 && queue[0].tag === undefined) this.#issue(queue[0]);
  }
}
