// The policy every iomux event loop shares, whatever its I/O mechanism (readiness or completion):
// asyncio's callback order (_run_once), callSoon / callLater / callAt, the exception handler,
// stop, and the two ways to run (inside Node's loop, or blocking the thread). A subclass says
// how to poll for I/O (queuing the callbacks that became ready) and how to wait off the thread.
import { busy, closedError, invalidArgType, invalidArgValue } from '../errors';
import { MS, warnTimeoutUnit } from '../timeout';
import { callExceptionHandler, defaultExceptionHandler, type ExceptionContext, type ExceptionHandler } from './exceptions';
import { Handle, TimerHandle } from './handle';
import type { IOCallback } from '../loop';
import { EVENT_READ, EVENT_WRITE, type FileLike } from '../selectors/base';
import type { Address, InetAddress } from '../socket/address';
import type { Socket } from '../socket/socket';
import { toSignal, type SignalHandlers } from './signals';
import { validateOptions, type SockOptions } from './sock-ops';
import { sockSendfile, type SendfileLoop, type SendfileOptions, type SendfileProgress } from './sendfile';
import { getaddrinfoAsync, getnameinfoAsync, lookupArgs, type AddrInfo, type GetaddrinfoOptions } from '../socket/resolve';
import { ReadyQueue } from './ready-queue';
import { TimerQueue } from '../timer-queue';
import { connectAcceptedSocket, createConnection, createServer, type CreateConnectionOptions, type CreateServerOptions, type TransportLoop } from '../transports/create';
import type { ProtocolFactory, ProtocolLike } from '../transports/protocols';
import type { Server } from '../transports/server';
import type { Transport } from '../transports/transport';

// asyncio's MAXIMUM_SELECT_TIMEOUT (one day): a later timer is waited for in steps.
const MAX_WAIT_SECONDS = 24 * 3600;
// Timers due within this of now run now (asyncio's clock resolution: time.monotonic's 1 ns).
const CLOCK_RESOLUTION = 1e-9;
// run() does at most this many iterations in one turn of Node's loop, so that a loop that keeps
// finding work still yields to Node.
const ITERATIONS_PER_TURN = 64;

// Throws ERR_INVALID_ARG_TYPE unless `cb` is a function.
function validateCallback(cb: unknown, name = 'callback'): void {
  if (typeof cb !== 'function') throw invalidArgType(name, 'a function', cb);
}

function validateSeconds(value: unknown, name: string): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (Number.isNaN(value)) throw invalidArgValue(name, value, 'must not be NaN');
  return value;
}

/** A loop's sock* operations: tried on readiness (EventLoop) or queued on a ring (ProactorEventLoop). @internal */
export interface SockOperations {
  recv(sock: Socket, n: number, options?: SockOptions): Promise<Buffer>;
  recvInto(sock: Socket, buf: ArrayBufferView, options?: SockOptions): Promise<number>;
  recvfrom(sock: Socket, n: number, options?: SockOptions): Promise<[Buffer, Address | null]>;
  sendall(sock: Socket, data: ArrayBufferView, options?: SockOptions): Promise<void>;
  sendto(sock: Socket, data: ArrayBufferView, address: Address, options?: SockOptions): Promise<number>;
  accept(sock: Socket, options?: SockOptions): Promise<[Socket, Address]>;
  connect(sock: Socket, address: Address, options?: SockOptions): Promise<void>;
  sendfileSteps(sock: Socket, progress: SendfileProgress, options?: SockOptions): Promise<number>;
}

/**
 * What every iomux event loop shares: asyncio's callback order, timers, the exception handler,
 * signal handlers, the sock* operations, `run()` / `runSync()` / `stop()` / `close()`.
 * Subclasses provide the I/O.
 */
export abstract class BaseEventLoop implements Disposable {
  readonly #ready = new ReadyQueue();
  readonly #timers = new TimerQueue();
  #exceptionHandler: ExceptionHandler<this> | null = null;
  #running: 'async' | 'sync' | undefined;
  #stopping = false;
  #closed = false;
  #keepAlive = true;
  #cancelWait: (() => void) | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #settle: ((err?: unknown) => void) | undefined;

  /**
   * Polls for I/O for up to `timeoutSeconds` (0: do not wait; null: no limit), blocking the
   * thread, and queues (with `enqueue`) the callbacks of what became ready. Returns how many fds
   * were ready.
   */
  protected abstract pollIO(timeoutSeconds: number | null): number;
  /** Arms one wait of up to `timeoutSeconds` (null: no limit) off the thread; `onWake` runs when `pollIO(0)` may find something. Returns how to cancel it. */
  protected abstract armIO(timeoutSeconds: number | null, onWake: (err?: Error) => void): () => void;
  /** Whether a wait in progress keeps the process alive. */
  protected abstract keepAliveIO(on: boolean): void;
  /** Makes, before `run()` starts, what waiting off the thread will need (default: nothing). */
  protected prepareIO(): void {}
  /** Releases the I/O side; called once by `close()`, after the loop stopped. */
  protected abstract closeIO(): void;
  /** Watches `fileobj` for `event` (EVENT_READ or EVENT_WRITE), replacing that direction's earlier callback; `cb` is already validated. */
  protected abstract watchIO(fileobj: FileLike, cb: IOCallback, event: number): void;
  /** Stops watching `fileobj` for `event`; returns whether a callback was registered. */
  protected abstract unwatchIO(fileobj: FileLike, event: number): boolean;
  /** The sock* operations, made by the subclass's constructor. */
  protected abstract readonly sockOps: SockOperations;
  /** The signal handlers, made by the subclass's constructor over a reader of its own. */
  protected abstract readonly signals: SignalHandlers;
  /** The serving and transports of createServer / createConnection, made once, on first use. */
  protected abstract makeTransportLoop(): TransportLoop;
  #transports: TransportLoop | undefined;

  /**
   * Serves TCP connections (Python's `create_server`): binds `host`/`port` (a numeric address, a
   * name — every address `getaddrinfo` gives it —, `''` or null for every interface, or an array
   * of them; port 0 picks one),
   * listens, and for each accepted connection calls `protocolFactory()` and makes a transport.
   * ProactorEventLoop: `ProactorSocketTransport`s, one multishot accept per listening
   * socket, a multishot receive per connection into the loop's provided buffers, sends batched
   * per turn.
   * @param options - `backlog` (100), `reuseAddress` (true), `reusePort`, `sock` (serve this
   *   socket instead of binding), `startServing` (true)
   * @throws (rejects with) `ERR_INVALID_ARG_TYPE` / `ERR_INVALID_ARG_VALUE` / `ERR_OUT_OF_RANGE`
   *   for bad arguments, `ERR_CLOSED` when the loop is closed, the OS error (`EADDRINUSE`, …)
   */
  createServer(protocolFactory: ProtocolFactory, host?: string | string[] | null, port?: number | null, options?: CreateServerOptions): Promise<Server> {
    return createServer(this.#transportLoop(), protocolFactory, host, port, options);
  }

  /**
   * Connects to `host`/`port` (Python's `create_connection`: a name is resolved with
   * `loop.getaddrinfo`, off the thread, and each address tried in turn; on a ProactorEventLoop one
   * IORING_OP_CONNECT per address tried) and resolves to `[transport, protocol]` once
   * `connectionMade` ran.
   * @param options - `sock`: use this connected socket instead (leave host and port out)
   * @throws (rejects with) bad arguments as `createServer`, the OS error (`ECONNREFUSED`, …)
   */
  createConnection<P extends ProtocolLike>(protocolFactory: ProtocolFactory<P>, host?: string | null, port?: number | null, options?: CreateConnectionOptions): Promise<[Transport, P]> {
    return createConnection(this.#transportLoop(), protocolFactory, host, port, options);
  }

  /**
   * Makes a transport over a stream socket connected by other means (Python's
   * `connect_accepted_socket`); resolves to `[transport, protocol]` once `connectionMade` ran.
   * @throws (rejects with) `ERR_INVALID_ARG_TYPE` (not an iomux Socket), `ERR_INVALID_ARG_VALUE`
   *   (closed, not a stream socket), `ERR_CLOSED` when the loop is closed
   */
  connectAcceptedSocket<P extends ProtocolLike>(protocolFactory: ProtocolFactory<P>, sock: Socket): Promise<[Transport, P]> {
    return connectAcceptedSocket(this.#transportLoop(), protocolFactory, sock);
  }

  #transportLoop(): TransportLoop {
    return (this.#transports ??= this.makeTransportLoop());
  }

  /**
   * Calls `cb(fileobj, mask)` whenever `fileobj` is readable; replaces an earlier reader of the
   * same fd. EventLoop: if the fd's registration belongs to an object that provably no longer owns
   * it (closed without `removeReader`/`removeWriter`: its `fileno()` is -1 or another number), that
   * stale registration and its reader and writer are dropped and `fileobj` is registered afresh.
   * ProactorEventLoop: a poll on the ring, re-armed after each callback.
   * @throws `ERR_CLOSED`, `ERR_INVALID_ARG_TYPE` (cb), what `register` throws
   */
  addReader(fileobj: FileLike, cb: IOCallback): void {
    this.checkOpen();
    validateCallback(cb);
    this.watchIO(fileobj, cb, EVENT_READ);
  }

  /** Stops watching `fileobj` for reading (on a ProactorEventLoop its poll is cancelled). @returns whether a reader was registered */
  removeReader(fileobj: FileLike): boolean {
    return this.unwatchIO(fileobj, EVENT_READ);
  }

  /** Calls `cb(fileobj, mask)` whenever `fileobj` is writable; replaces an earlier writer. Stale registrations and ring polls: as {@link BaseEventLoop.addReader}. */
  addWriter(fileobj: FileLike, cb: IOCallback): void {
    this.checkOpen();
    validateCallback(cb);
    this.watchIO(fileobj, cb, EVENT_WRITE);
  }

  /** Stops watching `fileobj` for writing. @returns whether a writer was registered */
  removeWriter(fileobj: FileLike): boolean {
    return this.unwatchIO(fileobj, EVENT_WRITE);
  }

  /**
   * Runs `cb(...args)` on the loop each time `sig` arrives (Python's `add_signal_handler`),
   * replacing an earlier handler of this signal; it also wakes a `runSync()` blocked in its wait.
   * Node's own `process.on(sig)` listeners keep running, and the signal's default action (exit on
   * SIGINT, SIGTERM, …) is off until `removeSignalHandler`. Main thread only.
   * @param sig - a name (`'SIGINT'`) or number from `os.constants.signals`
   * @throws `ERR_INVALID_ARG_TYPE` (sig not a string or number, cb not a function),
   *   `ERR_INVALID_ARG_VALUE` (unknown signal, `SIGKILL`, `SIGSTOP`), `ERR_NOT_SUPPORTED` off the
   *   main thread, `ERR_CLOSED` after `close()`
   */
  addSignalHandler<A extends unknown[]>(sig: NodeJS.Signals | number, cb: (...args: A) => unknown, ...args: A): void {
    this.checkOpen();
    const [signum, signame] = toSignal(sig);
    validateCallback(cb);
    this.signals.add(signum, signame, new Handle(cb as (...args: never[]) => unknown, args, this));
  }

  /**
   * Removes the handler of `sig` and restores the signal's previous disposition (Python's
   * `remove_signal_handler`).
   * @returns whether a handler was set
   * @throws what `addSignalHandler` throws for a bad `sig`, `ERR_CLOSED` after `close()`
   */
  removeSignalHandler(sig: NodeJS.Signals | number): boolean {
    this.checkOpen();
    const [signum, signame] = toSignal(sig);
    return this.signals.remove(signum, signame);
  }

  /**
   * Receives at most `n` bytes (Python's `sock_recv`); an empty Buffer at end of stream. On
   * `EventLoop` the socket must be non-blocking, and the recv is tried at once, else when the
   * socket is readable; on `ProactorEventLoop` it is one IORING_OP_RECV.
   * @param options - `signal`: withdraws the operation; it rejects with an `AbortError` and no
   *   byte is lost (on the proactor, bytes that had already arrived resolve it instead)
   * @throws (rejects with) `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` for bad arguments,
   *   `ERR_INVALID_ARG_VALUE` for a blocking socket on `EventLoop`, `ERR_CLOSED` (closed socket,
   *   or the loop closed while pending), the OS error
   */
  sockRecv(sock: Socket, n: number, options?: SockOptions): Promise<Buffer> {
    return this.sockOps.recv(sock, n, options);
  }

  /** Receives into `buf` (Python's `sock_recv_into`); resolves to the count, 0 at end of stream. Rejections as {@link BaseEventLoop.sockRecv}. */
  sockRecvInto(sock: Socket, buf: ArrayBufferView, options?: SockOptions): Promise<number> {
    return this.sockOps.recvInto(sock, buf, options);
  }

  /** Receives a datagram of at most `n` bytes (Python's `sock_recvfrom`): `[data, senderAddress]`. Rejections as {@link BaseEventLoop.sockRecv}. */
  sockRecvfrom(sock: Socket, n: number, options?: SockOptions): Promise<[Buffer, Address | null]> {
    return this.sockOps.recvfrom(sock, n, options);
  }

  /**
   * Sends all of `data` (Python's `sock_sendall`): one send now, then one each time the socket is
   * writable (on the proactor: IORING_OP_SEND of what is left). Aborted or failed midway, what was
   * sent stays sent (as in asyncio). Rejections as {@link BaseEventLoop.sockRecv}, plus `EPIPE`,
   * `ECONNRESET`, ….
   */
  sockSendall(sock: Socket, data: ArrayBufferView, options?: SockOptions): Promise<void> {
    return this.sockOps.sendall(sock, data, options);
  }

  /** Sends one datagram to `address` (Python's `sock_sendto`; a host name resolved first, off the thread, as {@link BaseEventLoop.sockConnect}); resolves to the count sent. Rejections as {@link BaseEventLoop.sockRecv}. */
  sockSendto(sock: Socket, data: ArrayBufferView, address: Address, options?: SockOptions): Promise<number> {
    return this.sockOps.sendto(sock, data, address, options);
  }

  /** Accepts a connection (Python's `sock_accept`): `[conn, address]`, `conn` non-blocking. Rejections as {@link BaseEventLoop.sockRecv}. */
  sockAccept(sock: Socket, options?: SockOptions): Promise<[Socket, Address]> {
    return this.sockOps.accept(sock, options);
  }

  /**
   * Connects (Python's `sock_connect`): resolves once connected, rejects with the OS error
   * (`ECONNREFUSED`, …). A host name is first resolved with {@link BaseEventLoop.getaddrinfo}, off
   * the thread (asyncio's `_ensure_resolved`). Rejections as {@link BaseEventLoop.sockRecv}, plus `EAI_*`.
   */
  sockConnect(sock: Socket, address: Address, options?: SockOptions): Promise<void> {
    return this.sockOps.connect(sock, address, options);
  }

  /**
   * Sends a file over a non-blocking stream socket (Python's `sock_sendfile`): `file` is an fd or
   * an object with `fileno()`, from `offset` (0), `count` bytes (`null`: to the end); resolves to
   * the bytes sent and leaves the file's position just past them. sendfile(2), one call per
   * writability (EventLoop: a writer; ProactorEventLoop: a POLL_ADD on the ring); where it cannot
   * serve the file (not a regular file, or refused before any byte went) it reads and
   * `sockSendall`s 256 KiB blocks, unless `options.fallback` is false: then it rejects with
   * `ERR_NOT_SUPPORTED` (asyncio's SendfileNotAvailableError).
   * @throws (rejects with) `ERR_INVALID_ARG_TYPE`/`ERR_INVALID_FD` (sock, file, options),
   *   `ERR_INVALID_ARG_VALUE` (a blocking or timeout-mode socket, not SOCK_STREAM),
   *   `ERR_OUT_OF_RANGE` (offset negative, count not positive), `ERR_NOT_SUPPORTED`,
   *   `ERR_CLOSED`, `AbortError`, the OS error (`EPIPE`, …)
   */
  sockSendfile(sock: Socket, file: FileLike, offset?: number, count?: number | null, options?: SendfileOptions): Promise<number> {
    return sockSendfile(this.#sendfileLoop, sock, file, offset, count, options);
  }

  readonly #sendfileLoop: SendfileLoop = {
    sendfileSteps: (sock, progress, options) => this.sockOps.sendfileSteps(sock, progress, options),
    sockSendall: (sock, data, options) => this.sockSendall(sock, data, options),
    addReader: (fd, cb) => this.addReader(fd, cb),
    removeReader: (fd) => this.removeReader(fd),
  };

  /**
   * Python's `loop.getaddrinfo(host, port, *, family=0, type=0, proto=0, flags=0)`: as
   * `socket.getaddrinfo`, resolved on libuv's thread pool, so the loop and Node go on meanwhile.
   * `options.signal` withdraws it (the promise rejects with `AbortError`; the C call runs to its end).
   * @throws (rejects with) what `socket.getaddrinfo` throws (`EAI_NONAME`, …, bad arguments),
   *   `ERR_CLOSED` when the loop is closed, `AbortError`
   */
  getaddrinfo(host: string | null, port: number | string | null, options?: GetaddrinfoOptions): Promise<AddrInfo[]> {
    return new Promise<AddrInfo[]>((resolve) => {
      this.checkOpen();
      if (options !== undefined && (typeof options !== 'object' || options === null)) throw invalidArgType('options', 'an object', options);
      const { family = 0, type = 0, proto = 0, flags = 0 } = options ?? {};
      const args = lookupArgs(host, port, family, type, proto, flags);
      resolve(getaddrinfoAsync(args, validateOptions(options)));
    });
  }

  /**
   * Python's `loop.getnameinfo(sockaddr, flags=0)`: as `socket.getnameinfo`, on libuv's thread
   * pool. `options.signal` withdraws it.
   * @throws (rejects with) what `socket.getnameinfo` throws, `ERR_CLOSED` when the loop is closed, `AbortError`
   */
  getnameinfo(sockaddr: InetAddress, flags = 0, options?: SockOptions): Promise<[host: string, port: string]> {
    return new Promise<[string, string]>((resolve) => {
      this.checkOpen();
      resolve(getnameinfoAsync(sockaddr, flags, validateOptions(options)));
    });
  }

  /** The loop's clock in seconds (Python's `loop.time()`), the one `callAt` and `TimerHandle.when()` use. */
  time(): number {
    return performance.now() / MS;
  }

  /**
   * Runs `cb(...args)` on the next iteration (Python's `call_soon`): callbacks run in the order
   * they were queued, each iteration running those queued before it started.
   * @returns a handle whose `cancel()` keeps it from running
   */
  callSoon<A extends unknown[]>(cb: (...args: A) => unknown, ...args: A): Handle {
    this.checkOpen();
    validateCallback(cb);
    const handle = new Handle(cb as (...args: never[]) => unknown, args, this);
    this.enqueue(handle);
    return handle;
  }

  /**
   * Runs `cb(...args)` once, `delaySeconds` seconds from now or later (Python's `call_later`);
   * a negative delay is 0. A delay ≥ 1000 warns once per process (likely milliseconds by mistake).
   * @returns a handle whose `cancel()` keeps it from running
   * @throws `ERR_INVALID_ARG_TYPE` for a non-number delay or callback, `ERR_INVALID_ARG_VALUE` for NaN
   */
  callLater<A extends unknown[]>(delaySeconds: number, cb: (...args: A) => unknown, ...args: A): TimerHandle {
    this.checkOpen();
    validateCallback(cb); // with the types, before a NaN delay (the error table's order; as asyncio)
    const delay = validateSeconds(delaySeconds, 'delaySeconds');
    warnTimeoutUnit(delay, 'delaySeconds');
    return this.#schedule(this.time() + delay, cb as (...args: never[]) => unknown, args);
  }

  /**
   * Runs `cb(...args)` once at `whenSeconds` on the loop's clock ({@link BaseEventLoop.time}),
   * or later (Python's `call_at`).
   * @throws `ERR_INVALID_ARG_TYPE` for a non-number time or callback, `ERR_INVALID_ARG_VALUE` for NaN
   */
  callAt<A extends unknown[]>(whenSeconds: number, cb: (...args: A) => unknown, ...args: A): TimerHandle {
    this.checkOpen();
    validateCallback(cb);
    const when = validateSeconds(whenSeconds, 'whenSeconds');
    return this.#schedule(when, cb as (...args: never[]) => unknown, args);
  }

  #schedule(when: number, cb: (...args: never[]) => unknown, args: unknown[]): TimerHandle {
    const timer = new TimerHandle(when, cb, args, this);
    this.#timers.push(timer);
    this.#wakeForWork();
    return timer;
  }

  /** A scheduled timer was cancelled (for its TimerHandle). @internal */
  timerCancelled(): void {
    this.#timers.cancelled();
  }

  /**
   * Sets the handler for errors thrown by callbacks (Python's `set_exception_handler`); `null`
   * restores the default, which logs with `console.error`.
   * @param handler - called as `handler(loop, context)`
   * @throws `ERR_INVALID_ARG_TYPE` unless a function or null
   */
  setExceptionHandler(handler: ExceptionHandler<this> | null): void {
    if (handler !== null && typeof handler !== 'function') throw invalidArgType('handler', 'a function or null', handler);
    this.#exceptionHandler = handler;
  }

  /** The handler set by `setExceptionHandler`, or `null` (Python's `get_exception_handler`). */
  getExceptionHandler(): ExceptionHandler<this> | null {
    return this.#exceptionHandler;
  }

  /**
   * The default handler (Python's `default_exception_handler`): one `console.error` with the
   * message, the other context keys (sorted, as `key: value`) and the exception's stack. A custom
   * handler may call it.
   * @throws `ERR_INVALID_ARG_TYPE` when `context` is not an object
   */
  defaultExceptionHandler(context: ExceptionContext): void {
    if (typeof context !== 'object' || context === null) throw invalidArgType('context', 'an object', context);
    defaultExceptionHandler(context);
  }

  /**
   * Reports an error through the current handler (Python's `call_exception_handler`); an error
   * the handler throws is logged by the default handler. Never throws.
   * @param context - `message`, and optionally `exception`, `handle` and anything else
   * @throws `ERR_INVALID_ARG_TYPE` when `context` is not an object
   */
  callExceptionHandler(context: ExceptionContext): void {
    if (typeof context !== 'object' || context === null) throw invalidArgType('context', 'an object', context);
    callExceptionHandler(this, this.#exceptionHandler, (c) => this.defaultExceptionHandler(c), context);
  }

  /**
   * Runs the loop inside Node's event loop until `stop()`; the thread is never blocked.
   * @returns a promise that resolves after `stop()` (or `close()`); callback errors go to the
   *   exception handler and do not end it; it rejects only when polling for I/O fails
   * @throws (rejects with) `ERR_CLOSED` after `close()`, `ERR_BUSY` if already running
   */
  run(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.#closed && this.#running === undefined) this.prepareIO();
      this.#startRunning('async');
      this.#settle = (err) => (err === undefined ? resolve() : reject(err));
      this.#tick();
    });
  }

  /**
   * Runs the loop on this thread, blocking it, until `stop()` (Python's `run_forever()`).
   * Callback errors go to the exception handler; an error polling for I/O is thrown.
   * @throws `ERR_CLOSED` after `close()`, `ERR_BUSY` if already running
   */
  runSync(): void {
    this.#startRunning('sync');
    try {
      for (;;) {
        this.#timers.dropCancelled();
        this.#runOnce(this.#timeout());
        if (this.#stopping || this.#closed) break;
      }
    } finally {
      this.#running = undefined;
      this.#stopping = false;
    }
  }

  /** Ends `run()` / `runSync()` after the current iteration (asyncio's `stop()`). */
  stop(): void {
    if (this.#running === undefined) return;
    this.#stopping = true;
    this.#wakeForWork();
  }

  /** Whether `run()` or `runSync()` is in progress (Python's `is_running()`). */
  isRunning(): boolean {
    return this.#running !== undefined;
  }

  /** Whether `close()` was called (Python's `is_closed()`). */
  isClosed(): boolean {
    return this.#closed;
  }

  /**
   * Stops the loop, drops queued callbacks and timers, and releases the loop's resources
   * (subclasses: pending operations reject with `ERR_CLOSED`). Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    if (this.#running === 'async') this.#finish();
    else if (this.#running === 'sync') this.#stopping = true;
    this.#closed = true;
    this.#ready.clear();
    this.#timers.clear();
    this.closeIO();
  }

  /** Lets a running loop keep the process alive (the default). */
  ref(): void {
    this.#keepAlive = true;
    this.keepAliveIO(true);
    this.#immediate?.ref();
  }

  /** Lets the process exit while the loop runs, if nothing else keeps it alive. */
  unref(): void {
    this.#keepAlive = false;
    this.keepAliveIO(false);
    this.#immediate?.unref();
  }

  /** `close()`, for `using loop = …`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Throws `ERR_CLOSED` once closed. */
  protected checkOpen(): void {
    if (this.#closed) throw closedError(this.constructor.name);
  }

  /** Appends a handle to the ready queue (asyncio's `_add_callback`); wakes a waiting run(). */
  protected enqueue(handle: Handle): void {
    if (handle.cancelled()) return;
    this.#ready.push(handle);
    this.#wakeForWork();
  }

  #startRunning(mode: 'async' | 'sync'): void {
    this.checkOpen();
    if (this.#running !== undefined) throw busy(this.constructor.name);
    this.#running = mode;
    this.#stopping = false;
  }

  // asyncio's timeout in seconds: 0 with callbacks ready or stopping, until the head timer
  // (at most a day), or null (none).
  #timeout(): number | null {
    if (this.#ready.length > 0 || this.#stopping) return 0;
    const next = this.#timers.next();
    if (next === undefined) return null;
    return Math.min(MAX_WAIT_SECONDS, Math.max(0, next - this.time()));
  }

  // asyncio's _run_once after the timeout is known: poll, queue the due timers, then run exactly
  // the callbacks queued at this point; what they queue waits for the next iteration.
  #runOnce(timeoutSeconds: number | null): number {
    const found = this.pollIO(timeoutSeconds);
    const endTime = this.time() + CLOCK_RESOLUTION;
    this.#timers.popDue(endTime, (timer) => this.#ready.push(timer));
    for (let todo = this.#ready.length; todo > 0; todo--) {
      const handle = this.#ready.shift();
      if (handle === undefined) break; // close() from a callback emptied the queue
      if (!handle.cancelled()) handle._run();
    }
    return found;
  }

  // run(): iterations that do not wait, then a wait off the thread for the next one. The wait
  // is the one asyncio's next select() would do; pollIO(0) after it gathers what it found.
  // After an iteration that found ready fds, the next one polls again at once instead of arming
  // a wait: callbacks often make more fds ready (a reply, the next link of a chain), and this
  // saves a turn of libuv (asyncio's select would return at once too).
  #tick = (): void => {
    this.#immediate = undefined;
    this.#cancelWait = undefined;
    if (this.#running !== 'async') return;
    try {
      for (let i = 0; i < ITERATIONS_PER_TURN; i++) {
        this.#timers.dropCancelled();
        const found = this.#runOnce(0);
        if (this.#running !== 'async') return; // a callback closed the loop
        if (this.#stopping) return this.#finish();
        this.#timers.dropCancelled();
        const timeout = this.#timeout();
        if (timeout !== 0 && found === 0) {
          this.#cancelWait = this.armIO(timeout, this.#onWake);
          return;
        }
      }
      this.#yieldThenTick();
    } catch (err) {
      this.#finish(err);
    }
  };

  #onWake = (err?: Error): void => {
    this.#cancelWait = undefined;
    if (err) this.#finish(err);
    else this.#tick();
  };

  #yieldThenTick(): void {
    this.#immediate = setImmediate(this.#tick);
    if (!this.#keepAlive) this.#immediate.unref();
  }

  // New work while run() waits: end the wait so that the timeout is computed again.
  #wakeForWork(): void {
    if (this.#cancelWait === undefined) return;
    this.#cancelWait();
    this.#cancelWait = undefined;
    this.#yieldThenTick();
  }

  #finish(err?: unknown): void {
    this.#cancelWait?.();
    this.#cancelWait = undefined;
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#immediate = undefined;
    this.#running = undefined;
    this.#stopping = false;
    const settle = this.#settle;
    this.#settle = undefined;
    settle?.(err);
  }
}
