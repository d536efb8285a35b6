// asyncio's sock_* coroutines for a readiness loop (selector_events.py): each operation is tried
// at once and otherwise completed by a reader or writer on the socket, one syscall per
// readiness. Operations on one socket wait in a queue per direction, so a recv and a sendall can
// run together and two recvs complete in the order they were asked for.
import { abortError, closedError, connectError, invalidArgType, invalidArgValue } from '../errors';
import { INT32_MAX } from '../limits';
import { C } from '../native';
import { needsResolution, resolveAddress, toNative, type Address } from '../socket/address';
import { Socket } from '../socket/socket';
import { validateBytes, validateInt } from '../validate';
import type { SendfileProgress } from './sendfile';

const WOULD_BLOCK = Symbol('would block');
type Step<T> = () => T | typeof WOULD_BLOCK;
// connect(2) still in progress: wait for writability (EINTR included: bpo-23618).
const CONNECT_PENDING = new Set(['EINPROGRESS', 'EAGAIN', 'EWOULDBLOCK', 'EINTR', 'EALREADY']);
const RETRY_CODES = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);

/** Options of every sock* operation. */
export interface SockOptions {
  /** Withdraws the operation: it rejects with an `AbortError`, and no byte is consumed after the abort. */
  signal?: AbortSignal;
}

/** What the sock* operations need from a readiness loop: one reader and one writer per socket. */
export interface ReadinessHooks {
  /** Throws `ERR_CLOSED` once the loop is closed. */
  checkOpen(): void;
  /** Calls `cb` whenever `sock` is readable (replacing any other reader; nothing to do if `cb` is the reader). */
  addReader(sock: Socket, cb: () => void): void;
  /** Removes the reader of `sock` if it is still `cb`. */
  removeReader(sock: Socket, cb: () => void): void;
  /** Calls `cb` whenever `sock` is writable (replacing any other writer; nothing to do if `cb` is the writer). */
  addWriter(sock: Socket, cb: () => void): void;
  /** Removes the writer of `sock` if it is still `cb`. */
  removeWriter(sock: Socket, cb: () => void): void;
}

interface PendingOp {
  /** One try: true once settled (resolved or rejected). */
  attempt(): boolean;
  fail(err: unknown): void;
}

interface Waiters {
  read: PendingOp[];
  write: PendingOp[];
  onReadable: () => void;
  onWritable: () => void;
}

type Direction = 'read' | 'write';

/** Whether a syscall's error only means "not now" (EAGAIN, EWOULDBLOCK, EINTR): try again on the next readiness. @internal */
export function retriable(err: unknown): boolean {
  return RETRY_CODES.has((err as { code?: unknown })?.code as string);
}

/** The `sock` of a sock* operation: an open iomux Socket, else `ERR_INVALID_ARG_TYPE` / `ERR_CLOSED`. @internal */
export function validateOpenSocket(sock: unknown): Socket {
  if (!(sock instanceof Socket)) throw invalidArgType('sock', 'an iomux Socket', sock);
  if (sock.closed) throw closedError('socket');
  return sock;
}

function validateSocket(value: unknown): Socket {
  const sock = validateOpenSocket(value);
  // Python checks this only in debug mode; a blocking socket would block the whole thread here.
  // gettimeout() is 0 only when non-blocking: a socket in timeout mode would wait inside a try.
  if (sock.gettimeout() !== 0) throw invalidArgValue('sock', sock, 'must be non-blocking (setblocking(false))');
  return sock;
}

/** The `{ signal }` of a sock* operation; an already aborted one throws its `AbortError`. @internal */
export function validateOptions(options: unknown): AbortSignal | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) throw invalidArgType('options', 'an object', options);
  const signal = (options as SockOptions).signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalidArgType('options.signal', 'an AbortSignal', signal);
  if (signal?.aborted) throw abortError(signal.reason);
  return signal;
}

/**
 * asyncio's `_ensure_resolved` before `sock_connect`/`sock_sendto`: the loop, the socket (`check`),
 * the address's shape and the options are checked first; a numeric address goes straight to
 * `then`, a host name is resolved on libuv's thread pool first (getaddrinfo with the socket's
 * family, type and proto; the first result), abortable through `options.signal`. @internal
 */
export function withResolved<T>(check: () => Socket, address: unknown, options: unknown, then: (address: Address) => Promise<T>): Promise<T> {
  let sock: Socket;
  try {
    sock = check();
    if (!needsResolution(sock.family, address)) return then(address as Address);
    validateOptions(options);
  } catch (err) {
    return Promise.reject(err);
  }
  return resolveAddress(sock.family, sock.type, sock.proto, address as Address, (options as SockOptions | undefined)?.signal).then(then);
}

function bytesOf(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The sock* operations of one loop, and the operations still pending on it. */
export class SockOps {
  readonly #hooks: ReadinessHooks;
  readonly #waiters = new Map<Socket, Waiters>();

  constructor(hooks: ReadinessHooks) {
    this.#hooks = hooks;
  }

  /** Python's `sock_recv`: at most `n` bytes; empty at end of stream. */
  recv(sock: Socket, n: number, options?: SockOptions): Promise<Buffer> {
    return this.#start(() => {
      const s = validateSocket(sock);
      const size = validateInt(n, 'n', 0, INT32_MAX);
      let buf: Buffer | undefined;
      return [s, 'read', options, () => {
        if (size === 0) return Buffer.alloc(0); // as CPython's recv(0): nothing asked, no syscall
        buf ??= Buffer.allocUnsafe(size);
        const got = s.tryRecvInto(buf, size);
        if (got === null) return WOULD_BLOCK;
        return got === size ? buf : Buffer.from(buf.subarray(0, got));
      }];
    });
  }

  /** Python's `sock_recv_into`: receives into `buf`, resolves to the count (0 at end of stream). */
  recvInto(sock: Socket, buf: ArrayBufferView, options?: SockOptions): Promise<number> {
    return this.#start(() => {
      const s = validateSocket(sock);
      const target = validateBytes(buf, 'buf');
      return [s, 'read', options, () => (target.byteLength === 0 ? 0 : s.tryRecvInto(target) ?? WOULD_BLOCK)];
    });
  }

  /** Python's `sock_recvfrom`: `[data, address]`. */
  recvfrom(sock: Socket, n: number, options?: SockOptions): Promise<[Buffer, Address | null]> {
    return this.#start(() => {
      const s = validateSocket(sock);
      const size = validateInt(n, 'n', 0, INT32_MAX);
      return [s, 'read', options, () => {
        try {
          return s.recvfrom(size);
        } catch (err) {
          if (retriable(err)) return WOULD_BLOCK;
          throw err;
        }
      }];
    });
  }

  /** Python's `sock_sendall`: one send now, then one per writability, until all of `data` is sent. */
  sendall(sock: Socket, data: ArrayBufferView, options?: SockOptions): Promise<void> {
    return this.#start(() => {
      const s = validateSocket(sock);
      const bytes = bytesOf(validateBytes(data, 'data'));
      let sent = 0;
      return [s, 'write', options, () => {
        const n = s.trySend(sent === 0 ? bytes : bytes.subarray(sent));
        if (n !== null) sent += n;
        return sent === bytes.length ? undefined : WOULD_BLOCK;
      }];
    });
  }

  /** Python's `sock_sendto`: one datagram to `address`; resolves to the count sent. */
  sendto(sock: Socket, data: ArrayBufferView, address: Address, options?: SockOptions): Promise<number> {
    return withResolved(() => this.#check(sock), address, options, (resolved) => this.#sendto(sock, data, resolved, options));
  }

  #sendto(sock: Socket, data: ArrayBufferView, address: Address, options?: SockOptions): Promise<number> {
    return this.#start(() => {
      const s = validateSocket(sock);
      const bytes = validateBytes(data, 'data');
      toNative(s.family, address); // a bad address rejects now, not on a later try
      return [s, 'write', options, () => {
        try {
          return s.sendto(bytes, address);
        } catch (err) {
          if (retriable(err)) return WOULD_BLOCK;
          throw err;
        }
      }];
    });
  }

  /** Python's `sock_accept`: `[conn, address]`, `conn` non-blocking. */
  accept(sock: Socket, options?: SockOptions): Promise<[Socket, Address]> {
    return this.#start(() => {
      const s = validateSocket(sock);
      return [s, 'read', options, () => {
        let pair: [Socket, Address];
        try {
          pair = s.accept();
        } catch (err) {
          if (retriable(err) || (err as { code?: string }).code === 'ECONNABORTED') return WOULD_BLOCK;
          throw err;
        }
        pair[0].setblocking(false);
        return pair;
      }];
    });
  }

  /** Python's `sock_connect`: connect at once, or wait for writability and read `SO_ERROR`. */
  connect(sock: Socket, address: Address, options?: SockOptions): Promise<void> {
    return withResolved(() => this.#check(sock), address, options, (resolved) => this.#connect(sock, resolved, options));
  }

  #connect(sock: Socket, address: Address, options?: SockOptions): Promise<void> {
    return this.#start(() => {
      const s = validateSocket(sock);
      toNative(s.family, address); // a bad address rejects now, not on a later try
      let started = false;
      return [s, 'write', options, () => {
        if (!started) {
          started = true;
          const errno = s.connectEx(address);
          if (errno === 0) return undefined;
          const err = connectError(-errno, address);
          if (CONNECT_PENDING.has(err.code)) return WOULD_BLOCK;
          throw err;
        }
        const soError = s.getsockopt(C.SOL_SOCKET, C.SO_ERROR);
        if (soError === 0) return undefined;
        const err = connectError(-soError, address);
        if (CONNECT_PENDING.has(err.code)) return WOULD_BLOCK;
        throw err;
      }];
    });
  }

  /** loop.sock_sendfile's sendfile(2) calls: one now, then one per writability, until `progress` is done. @internal */
  sendfileSteps(sock: Socket, progress: SendfileProgress, options?: SockOptions): Promise<number> {
    return this.#start(() => {
      const s = validateSocket(sock);
      return [s, 'write', options, () => progress.step(s.fileno()) ?? WOULD_BLOCK];
    });
  }

  #check(sock: unknown): Socket {
    this.#hooks.checkOpen();
    return validateSocket(sock);
  }

  /** Rejects every pending operation with `err` and removes their readers and writers (the loop's close()). */
  close(err: Error): void {
    for (const [sock, waiters] of this.#waiters) {
      const ops = [...waiters.read, ...waiters.write];
      waiters.read.length = 0;
      waiters.write.length = 0;
      this.#unwatch(sock, waiters, 'read');
      this.#unwatch(sock, waiters, 'write');
      for (const op of ops) op.fail(err);
    }
    this.#waiters.clear();
  }

  // Validates (setup throws → the promise rejects), tries once unless others are queued in that
  // direction (bytes stay in order), else queues the operation until readiness settles it.
  #start<T>(setup: () => [Socket, Direction, SockOptions | undefined, Step<T>]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#hooks.checkOpen();
      const [sock, direction, options, step] = setup();
      const signal = validateOptions(options);
      const queued = this.#waiters.get(sock)?.[direction];
      if (queued === undefined || queued.length === 0) {
        const result = step();
        if (result !== WOULD_BLOCK) return resolve(result);
      }
      const onAbort = (): void => {
        this.#withdraw(sock, direction, op);
        reject(abortError(signal!.reason));
      };
      const op: PendingOp = {
        attempt: () => {
          let result: T | typeof WOULD_BLOCK;
          try {
            result = step();
          } catch (err) {
            signal?.removeEventListener('abort', onAbort);
            reject(err);
            return true;
          }
          if (result === WOULD_BLOCK) return false;
          signal?.removeEventListener('abort', onAbort);
          resolve(result);
          return true;
        },
        fail: (err) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      this.#enqueue(sock, direction, op);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #enqueue(sock: Socket, direction: Direction, op: PendingOp): void {
    let waiters = this.#waiters.get(sock);
    if (waiters === undefined) {
      const w: Waiters = { read: [], write: [], onReadable: () => this.#serve(sock, w, 'read'), onWritable: () => this.#serve(sock, w, 'write') };
      waiters = w;
    }
    // Also when others are queued: a replacing addReader/addWriter may have taken their reader or
    // writer since, and this new operation is what gives it back (the hooks keep one of theirs).
    if (direction === 'read') this.#hooks.addReader(sock, waiters.onReadable);
    else this.#hooks.addWriter(sock, waiters.onWritable);
    waiters[direction].push(op);
    this.#waiters.set(sock, waiters);
  }

  // Readiness: settle queued operations in order until one would block.
  #serve(sock: Socket, waiters: Waiters, direction: Direction): void {
    const queue = waiters[direction];
    while (queue.length > 0 && queue[0].attempt()) queue.shift();
    if (queue.length === 0) this.#done(sock, waiters, direction);
  }

  #withdraw(sock: Socket, direction: Direction, op: PendingOp): void {
    const waiters = this.#waiters.get(sock);
    if (waiters === undefined) return;
    const queue = waiters[direction];
    const i = queue.indexOf(op);
    if (i < 0) return;
    queue.splice(i, 1);
    if (queue.length === 0) this.#done(sock, waiters, direction);
  }

  #done(sock: Socket, waiters: Waiters, direction: Direction): void {
    this.#unwatch(sock, waiters, direction);
    if (waiters.read.length === 0 && waiters.write.length === 0) this.#waiters.delete(sock);
  }

  #unwatch(sock: Socket, waiters: Waiters, direction: Direction): void {
    try {
      if (direction === 'read') this.#hooks.removeReader(sock, waiters.onReadable);
      else this.#hooks.removeWriter(sock, waiters.onWritable);
    } catch {
      // The socket was closed since (its fd is gone from the selector too) or the loop is closing.
    }
  }
}
