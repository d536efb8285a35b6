// asyncio's sock_* for a completion loop (proactor_events.py / windows_events.py's roles): each
// operation is one submission entry on the loop's ring, completed by the kernel. Operations on
// one socket run one at a time per direction, in the order asked (so a sendall's bytes and two
// recvs stay in order); a recv and a send run together.
// Abort: a queued operation is dropped at once; one in flight is cancelled on the ring, and
// rejects with AbortError only if the cancel won. If the kernel finished it first (the bytes
// were received, the connection accepted), the promise resolves with that result: no byte is lost.
import { constants as osConstants } from 'node:os';
import { abortError, closedError, invalidArgType, systemError } from '../errors';
import { C, native } from '../native';
import { toNative, type Address } from '../socket/address';
import { Socket } from '../socket/socket';
import type { Ring } from '../uring/ring';
import { validateBytes, validateInt } from '../validate';
import type { RingDriver } from './proactor-ring';
import type { SockOptions } from './sock-ops';

const INT32_MAX = 2 ** 31 - 1;
const AGAIN = Symbol('again');
const ECANCELED = -osConstants.errno.ECANCELED;
const EINTR = -osConstants.errno.EINTR;
const EAGAIN = -osConstants.errno.EAGAIN;
const ECONNABORTED = -osConstants.errno.ECONNABORTED;

type Direction = 'read' | 'write';

interface Queues {
  read: Op[];
  write: Op[];
}

interface Op {
  sock: Socket;
  queues: Queues;
  direction: Direction;
  /** Writes the entry for the next try. */
  prep(ring: Ring, tag: number): void;
  /** The completion's meaning: a result, AGAIN (submit again), or a throw. */
  result(res: number): unknown;
  resolve(value: unknown): void;
  reject(err: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
  tag: number | undefined;
  aborting: boolean;
  /** Set when the socket was closed under the operation: it rejects with this. */
  closed: Error | undefined;
}

function validateSocket(sock: unknown): Socket {
  if (!(sock instanceof Socket)) throw invalidArgType('sock', 'an iomux Socket', sock);
  if (sock.closed) throw closedError('socket');
  return sock;
}

function validateOptions(options: unknown): AbortSignal | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) throw invalidArgType('options', 'an object', options);
  const signal = (options as SockOptions).signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalidArgType('options.signal', 'an AbortSignal', signal);
  if (signal?.aborted) throw abortError(signal.reason);
  return signal;
}

function failed(res: number, syscall: string): never {
  throw systemError(res, syscall);
}

type Setup = [Socket, Direction, SockOptions | undefined, (ring: Ring, tag: number) => void, (res: number) => unknown];

/** The sock* operations of one ProactorEventLoop, and the operations pending on it. */
export class ProactorOps {
  readonly #driver: RingDriver;
  readonly #checkOpen: () => void;
  readonly #queues = new Map<number, Queues>();

  constructor(driver: RingDriver, checkOpen: () => void) {
    this.#driver = driver;
    this.#checkOpen = checkOpen;
  }

  /** `sock_recv`: one IORING_OP_RECV of at most `n` bytes; empty at end of stream. */
  recv(sock: Socket, n: number, options?: SockOptions): Promise<Buffer> {
    return this.#start(() => {
      const s = validateSocket(sock);
      const size = validateInt(n, 'n', 0, INT32_MAX);
      const buf = Buffer.allocUnsafe(size);
      return [s, 'read', options, (ring, tag) => ring.prepRecv(s, buf, tag), (res) => {
        if (res < 0) failed(res, 'recv');
        return res === size ? buf : Buffer.from(buf.subarray(0, res));
      }];
    }) as Promise<Buffer>;
  }

  /** `sock_recv_into`: one IORING_OP_RECV into `buf`; the count, 0 at end of stream. */
  recvInto(sock: Socket, buf: ArrayBufferView, options?: SockOptions): Promise<number> {
    return this.#start(() => {
      const s = validateSocket(sock);
      const target = validateBytes(buf, 'buf');
      return [s, 'read', options, (ring, tag) => ring.prepRecv(s, target, tag), (res) => (res < 0 ? failed(res, 'recv') : res)];
    }) as Promise<number>;
  }

  /** `sock_recvfrom`: a poll on the ring, then recvfrom(2) (the ring has no recvmsg here). */
  recvfrom(sock: Socket, n: number, options?: SockOptions): Promise<[Buffer, Address | null]> {
    return this.#start(() => {
      const s = validateSocket(sock);
      const size = validateInt(n, 'n', 0, INT32_MAX);
      return [s, 'read', options, (ring, tag) => ring.prepPollAdd(s, C.POLLIN, tag), (res) => {
        if (res < 0) failed(res, 'poll');
        return this.#retrying(() => s.recvfrom(size));
      }];
    }) as Promise<[Buffer, Address | null]>;
  }

  /** `sock_sendall`: IORING_OP_SEND of what is left until all of `data` is sent. */
  sendall(sock: Socket, data: ArrayBufferView, options?: SockOptions): Promise<void> {
    return this.#start(() => {
      const s = validateSocket(sock);
      const view = validateBytes(data, 'data');
      const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
      let sent = 0;
      return [s, 'write', options, (ring, tag) => ring.prepSend(s, sent === 0 ? bytes : bytes.subarray(sent), tag), (res) => {
        if (res < 0) failed(res, 'send');
        sent += res;
        return sent >= bytes.length ? undefined : AGAIN;
      }];
    }) as Promise<void>;
  }

  /** `sock_sendto`: a poll on the ring, then sendto(2). */
  sendto(sock: Socket, data: ArrayBufferView, address: Address, options?: SockOptions): Promise<number> {
    return this.#start(() => {
      const s = validateSocket(sock);
      const bytes = validateBytes(data, 'data');
      toNative(s.family, address); // a bad address rejects now, not at a later try
      return [s, 'write', options, (ring, tag) => ring.prepPollAdd(s, C.POLLOUT, tag), (res) => {
        if (res < 0) failed(res, 'poll');
        return this.#retrying(() => s.sendto(bytes, address));
      }];
    }) as Promise<number>;
  }

  /** `sock_accept`: one IORING_OP_ACCEPT; `[conn, address]`, `conn` non-blocking. */
  accept(sock: Socket, options?: SockOptions): Promise<[Socket, Address]> {
    return this.#start(() => {
      const s = validateSocket(sock);
      return [s, 'read', options, (ring, tag) => ring.prepAccept(s, tag), (res) => {
        if (res === EAGAIN || res === ECONNABORTED || res === EINTR) return AGAIN;
        if (res < 0) failed(res, 'accept');
        const conn = Socket._wrap(res, s.family, s.type, s.proto);
        try {
          native.setBlocking(res, 0);
          return [conn, conn.getpeername()];
        } catch {
          conn.close(); // reset before we could ask its address: as accept(2)'s ECONNABORTED
          return AGAIN;
        }
      }];
    }) as Promise<[Socket, Address]>;
  }

  /** `sock_connect`: one IORING_OP_CONNECT; resolves once connected, rejects with the OS error. */
  connect(sock: Socket, address: Address, options?: SockOptions): Promise<void> {
    return this.#start(() => {
      const s = validateSocket(sock);
      toNative(s.family, address); // a bad address rejects now
      return [s, 'write', options, (ring, tag) => ring.prepConnect(s, address, tag), (res) => (res < 0 ? failed(res, 'connect') : undefined)];
    }) as Promise<void>;
  }

  /** Whether an operation is queued or in flight on `fd`. */
  has(fd: number): boolean {
    return this.#queues.has(fd);
  }

  /**
   * `fd` is about to be closed: its operations in flight are cancelled (and reject with
   * `ERR_CLOSED`), its queued ones reject now. The caller flushes the ring before close(2), so
   * no entry naming the fd number can reach a new file that takes it.
   */
  closing(fd: number): void {
    const queues = this.#queues.get(fd);
    if (queues === undefined) return;
    this.#queues.delete(fd);
    for (const queue of [queues.read, queues.write]) {
      const ops = queue.splice(0);
      for (const op of ops) {
        const err = closedError('socket');
        if (op.tag !== undefined) {
          op.closed = err;
          this.#driver.cancel(op.tag);
        } else this.#settle(op, err, true);
      }
    }
  }

  /** Rejects every pending operation with `err` (the loop's close(), after the ring let go of them). */
  close(err: Error): void {
    const all = [...this.#queues.values()];
    this.#queues.clear();
    for (const queues of all) {
      for (const op of [...queues.read.splice(0), ...queues.write.splice(0)]) this.#settle(op, err, true);
    }
  }

  // A poll said ready, but another reader may have taken it: EAGAIN means poll again.
  #retrying(syscall: () => unknown): unknown {
    try {
      return syscall();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'EAGAIN' || code === 'EWOULDBLOCK' || code === 'EINTR') return AGAIN;
      throw err;
    }
  }

  #start(setup: () => Setup): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#checkOpen();
      const [sock, direction, options, prep, result] = setup();
      const signal = validateOptions(options);
      const fd = sock.fileno();
      let queues = this.#queues.get(fd);
      if (queues === undefined) this.#queues.set(fd, (queues = { read: [], write: [] }));
      const op: Op = {
        sock, queues, direction, prep, result, resolve, reject, signal,
        onAbort: () => this.#abort(op),
        tag: undefined, aborting: false, closed: undefined,
      };
      const queue = queues[direction];
      queue.push(op);
      signal?.addEventListener('abort', op.onAbort, { once: true });
      if (queue.length === 1) this.#issue(op);
    });
  }

  #issue(op: Op): void {
    try {
      op.tag = this.#driver.start(op.prep, (res) => this.#completed(op, res));
    } catch (err) {
      this.#settle(op, err, true);
      this.#next(op);
    }
  }

  #completed(op: Op, res: number): void {
    op.tag = undefined;
    if (op.closed !== undefined) return this.#settle(op, op.closed, true); // already out of its queue
    if (op.aborting && (res === ECANCELED || res === EINTR)) {
      this.#settle(op, abortError(op.signal?.reason), true);
      return this.#next(op);
    }
    let value: unknown;
    try {
      value = op.result(res);
    } catch (err) {
      this.#settle(op, err, true);
      return this.#next(op);
    }
    if (value === AGAIN) {
      // A sendall cut short by an abort stops here: what was sent stays sent (as in asyncio).
      if (op.aborting) {
        this.#settle(op, abortError(op.signal?.reason), true);
        return this.#next(op);
      }
      return this.#issue(op);
    }
    this.#settle(op, value, false);
    this.#next(op);
  }

  #abort(op: Op): void {
    if (op.aborting) return;
    op.aborting = true;
    if (op.tag !== undefined) return this.#driver.cancel(op.tag);
    // Not yet submitted: still queued behind another operation.
    const queue = op.queues[op.direction];
    const i = queue.indexOf(op);
    if (i >= 0) queue.splice(i, 1);
    this.#settle(op, abortError(op.signal?.reason), true);
    this.#dropIfIdle(op);
  }

  #settle(op: Op, value: unknown, failed: boolean): void {
    op.signal?.removeEventListener('abort', op.onAbort);
    if (failed) op.reject(value);
    else op.resolve(value);
  }

  // The head operation finished: start the next one in its direction.
  #next(op: Op): void {
    const queue = op.queues[op.direction];
    if (queue[0] === op) queue.shift();
    if (queue.length > 0) this.#issue(queue[0]);
    else this.#dropIfIdle(op);
  }

  #dropIfIdle(op: Op): void {
    const { queues } = op;
    if (queues.read.length > 0 || queues.write.length > 0) return;
    const fd = op.sock.fileno();
    if (this.#queues.get(fd) === queues) this.#queues.delete(fd);
  }
}
