// asyncio's Server (base_events.Server): the listening sockets of createServer, whether they are
// serving, and when every connection they accepted has ended. How connections are accepted is
// the loop's (a readiness loop: a reader on each socket; a completion loop: accepts in flight).
import type { Socket } from '../socket/socket';
import type { ProtocolFactory } from './protocols';
import type { BaseEventLoop } from '../loop/base-loop';
import type { Transport } from './transport';

/** What a loop does for a Server: start and stop accepting on a listening socket. @internal */
export interface ServingLoop {
  /** Starts accepting on `sock` (listening), making a transport per connection. */
  startServing(sock: Socket, server: Server): void;
  /** Stops accepting on `sock` and closes it. */
  stopServing(sock: Socket): void;
}

/**
 * The listening sockets of `loop.createServer` (Python's `asyncio.Server`). `close()` stops
 * accepting; connections already made stay open, and `waitClosed()` resolves once the server is
 * closed and every one of them has ended.
 */
export class Server implements AsyncDisposable {
  readonly #loop: BaseEventLoop;
  readonly #serving: ServingLoop;
  #sockets: Socket[] | null;
  #isServing = false;
  readonly #clients = new Set<Transport>();
  #waiters: Array<() => void> = [];
  /** The factory of each accepted connection's protocol. @internal */
  readonly protocolFactory: ProtocolFactory;
  /** The listen backlog, also the most connections accepted per readiness. @internal */
  readonly backlog: number;

  /** @internal */
  constructor(loop: BaseEventLoop, serving: ServingLoop, sockets: Socket[], protocolFactory: ProtocolFactory, backlog: number) {
    this.#loop = loop;
    this.protocolFactory = protocolFactory;
    this.backlog = backlog;
    this.#serving = serving;
    this.#sockets = sockets;
  }

  /** The loop the server runs on (Python's `get_loop`). */
  getLoop(): BaseEventLoop {
    return this.#loop;
  }

  /** The listening sockets (an empty array once closed); do not accept on them yourself. */
  get sockets(): Socket[] {
    return this.#sockets === null ? [] : [...this.#sockets];
  }

  /** Whether the server is accepting connections (Python's `is_serving`). */
  isServing(): boolean {
    return this.#isServing;
  }

  /**
   * Listens and starts accepting, if not already (Python's `start_serving`, without awaiting):
   * before it, a server made with `startServing: false` is bound but refuses connections.
   * @throws what `listen` throws (`EADDRINUSE`, …)
   */
  startServing(): void {
    if (this.#isServing || this.#sockets === null) return;
    for (const sock of this.#sockets) sock.listen(this.backlog);
    this.#isServing = true;
    for (const sock of this.#sockets) this.#serving.startServing(sock, this);
  }

  /**
   * Stops accepting and closes the listening sockets (Python's `close`); accepted connections stay
   * open. Idempotent.
   */
  close(): void {
    const sockets = this.#sockets;
    if (sockets === null) return;
    this.#sockets = null;
    this.#isServing = false;
    for (const sock of sockets) this.#serving.stopServing(sock);
    if (this.#clients.size === 0) this.#wakeup();
  }

  /** Resolves once `close()` was called and every accepted connection has ended (Python 3.12's `wait_closed`). */
  waitClosed(): Promise<void> {
    if (this.#sockets === null && this.#clients.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** `close()` then `waitClosed()`, for `await using server = …`. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return this.waitClosed();
  }

  /** @internal */
  attach(transport: Transport): void {
    this.#clients.add(transport);
  }

  /** @internal */
  detach(transport: Transport): void {
    this.#clients.delete(transport);
    if (this.#clients.size === 0 && this.#sockets === null) this.#wakeup();
  }

  #wakeup(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }
}
