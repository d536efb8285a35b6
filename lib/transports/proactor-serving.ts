// A completion loop's side of serving (asyncio's BaseProactorEventLoop._start_serving /
// _stop_serving): one multishot accept per listening socket (Linux 5.19; one submission for as
// long as the server serves, one completion per connection, accepted non-blocking), or one
// accept at a time where the kernel has no multishot accept. Out of fds or memory, the accept is
// armed again after ACCEPT_RETRY_DELAY so that it does not spin; any other accept error too.
import { constants as osConstants } from 'node:os';
import { systemError } from '../errors';
import { CQE_F_MORE, type RingDriver } from '../loop/proactor-ring';
import type { Handle } from '../loop/handle';
import type { BaseEventLoop } from '../loop/base-loop';
import { native } from '../native';
import type { Address } from '../socket/address';
import { Socket } from '../socket/socket';
import type { Ring } from '../uring/ring';
import { makeProtocol, type TransportLoop } from './create';
import { ProactorSocketTransport, type CompletionLoop } from './proactor-transport';
import type { ProtocolLike } from './protocols';
import { socketExtra } from './selector-transport';
import type { Server } from './server';
import type { Transport, TransportOwner } from './transport';

// asyncio's constants.ACCEPT_RETRY_DELAY (seconds).
const ACCEPT_RETRY_DELAY = 1;
const { errno } = osConstants;
// accept found nothing, or a connection reset before it was accepted: accept again.
const ACCEPT_AGAIN = new Set([errno.EAGAIN, errno.EWOULDBLOCK, errno.EINTR, errno.ECONNABORTED].map((e) => -e));
const OUT_OF_RESOURCES = new Set([errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM].map((e) => -e));
const ECANCELED = -errno.ECANCELED;
const EINVAL = -errno.EINVAL;

/** A loop that serves on a ring. @internal */
export type ServingCompletionLoop = CompletionLoop;

// One listening socket being served: its accept in flight, the retry timer.
interface Listener {
  readonly sock: Socket;
  readonly fd: number;
  readonly server: Server;
  accept: Accept | undefined;
  retry: Handle | undefined;
  stopped: boolean;
}

// One accept submission (multishot: one per serving, until it ends): an object of its own, so
// that the end of a cancelled one cannot be taken for the end of its successor.
class Accept {
  tag: number | undefined;

  constructor(
    readonly serving: ProactorServing,
    readonly listener: Listener,
    readonly multi: boolean,
  ) {}

  prep(_ring: Ring, tag: number): void {
    const handle = this.serving.driver.handle;
    const fd = this.listener.fd;
    const r = this.multi ? native.uringPrepAcceptMulti!(handle, fd, tag) : native.uringPrepAccept!(handle, fd, tag);
    if (r < 0) throw systemError(r, 'io_uring_prep_accept');
  }

  complete(res: number, flags: number): void {
    if ((flags & CQE_F_MORE) === 0) {
      this.tag = undefined;
      if (this.listener.accept === this) this.listener.accept = undefined;
    }
    this.serving.accepted(this, res);
  }
}

/** Serving and transports for a completion loop. @internal */
export class ProactorServing {
  readonly #loop: ServingCompletionLoop;
  readonly #listeners = new Map<Socket, Listener>();
  /** Whether multishot accept may be tried (cleared when the kernel refuses it). */
  multishotAccept: boolean;

  constructor(loop: ServingCompletionLoop) {
    this.#loop = loop;
    this.multishotAccept = loop.driver.multishot;
  }

  get driver(): RingDriver {
    return this.#loop.driver;
  }

  makeSocketTransport(sock: Socket, protocol: ProtocolLike, extra: Record<string, unknown> | undefined, owner: TransportOwner | undefined, onMade?: () => void): Transport {
    return new ProactorSocketTransport(this.#loop, sock, protocol, { ...socketExtra(sock, extra?.peername), ...extra }, owner, onMade);
  }

  startServing(sock: Socket, server: Server): void {
    const old = this.#listeners.get(sock);
    if (old !== undefined && !old.stopped && (old.accept !== undefined || old.retry !== undefined)) return;
    const listener: Listener = { sock, fd: sock.fileno(), server, accept: undefined, retry: undefined, stopped: false };
    this.#listeners.set(sock, listener);
    this.#arm(listener);
  }

  stopServing(sock: Socket): void {
    const listener = this.#listeners.get(sock);
    this.#listeners.delete(sock);
    if (listener !== undefined) {
      listener.stopped = true;
      listener.retry?.cancel();
      listener.retry = undefined;
      const tag = listener.accept?.tag;
      if (tag !== undefined && !this.#loop.isClosed()) {
        this.driver.cancel(tag);
        try {
          this.driver.flush(); // before close(2): no accept naming this fd number stays queued
        } catch {
          // The ring refused the submit: its close cancels what is left.
        }
      }
    }
    sock.close();
  }

  #arm(listener: Listener): void {
    const accept = new Accept(this, listener, this.multishotAccept);
    try {
      accept.tag = this.driver.start(accept);
      listener.accept = accept;
    } catch (exception) {
      this.#loop.callExceptionHandler({ message: 'Error on accept()', exception, socket: listener.sock });
      this.#retryLater(listener);
    }
  }

  #retryLater(listener: Listener): void {
    listener.retry = this.#loop.callLater(ACCEPT_RETRY_DELAY, () => {
      listener.retry = undefined;
      if (!listener.stopped && listener.server.isServing()) this.#arm(listener);
    });
  }

  /** An accept completed (for Accept.complete). */
  accepted(accept: Accept, res: number): void {
    const listener = accept.listener;
    if (res >= 0) {
      const s = listener.sock;
      const conn = Socket._wrap(res, s.family, s.type, s.proto);
      if (listener.stopped || this.#loop.isClosed()) conn.close();
      else {
        if (!accept.multi) native.setBlocking(res, 0);
        // asyncio makes the transport in a task, one iteration later.
        this.#loop.callSoon(() => this.#made(conn, listener.server));
      }
    } else if (listener.stopped || res === ECANCELED) {
      return;
    } else if (res === EINVAL && accept.multi) {
      this.multishotAccept = false; // a kernel without multishot accept (before 5.19)
    } else if (!ACCEPT_AGAIN.has(res)) {
      const message = OUT_OF_RESOURCES.has(res) ? 'socket.accept() out of system resource' : 'Error on accept()';
      this.#loop.callExceptionHandler({ message, exception: systemError(res, 'accept'), socket: listener.sock });
      if (accept.tag !== undefined) this.driver.cancel(accept.tag);
      if (listener.accept === accept) listener.accept = undefined;
      if (listener.retry === undefined) this.#retryLater(listener);
      return;
    }
    if (listener.accept === undefined && listener.retry === undefined && !listener.stopped) this.#arm(listener);
  }

  // asyncio's _accept_connection2: the protocol, then the transport; a factory error is reported
  // and the connection closed.
  #made(conn: Socket, server: Server): void {
    let protocol: ProtocolLike;
    try {
      protocol = makeProtocol(server.protocolFactory);
    } catch (exception) {
      conn.close();
      this.#loop.callExceptionHandler({ message: 'Error on transport creation for incoming connection', exception });
      return;
    }
    this.makeSocketTransport(conn, protocol, undefined, server);
  }
}

/** A completion loop with sockConnect (ProactorEventLoop). @internal */
export interface CompletionStreamLoop extends ServingCompletionLoop {
  sockConnect(sock: Socket, address: Address): Promise<void>;
}

/** The TransportLoop of a completion loop: its own calls, plus proactor serving and transports. @internal */
export function proactorTransportLoop(loop: CompletionStreamLoop, eventLoop: BaseEventLoop): TransportLoop {
  const serving = new ProactorServing(loop);
  return {
    eventLoop,
    callSoon: (cb, ...args) => loop.callSoon(cb, ...args),
    callLater: (delay, cb, ...args) => loop.callLater(delay, cb, ...args),
    callExceptionHandler: (context) => loop.callExceptionHandler(context),
    isClosed: () => loop.isClosed(),
    sockConnect: (sock, address) => loop.sockConnect(sock, address),
    makeSocketTransport: (sock, protocol, extra, owner, onMade) => serving.makeSocketTransport(sock, protocol, extra, owner, onMade),
    startServing: (sock, server) => serving.startServing(sock, server),
    stopServing: (sock) => serving.stopServing(sock),
  };
}
