// A completion loop's side of serving (asyncio's BaseProactorEventLoop._start_serving /
// _stop_serving): one multishot accept per listening socket (Linux 5.19; one submission for as
// long as the server serves, one completion per connection, accepted non-blocking), or one
// accept at a time where the kernel has no multishot accept. Out of fds or memory, the accept is
// armed again after ACCEPT_RETRY_DELAY so that it does not spin; any other accept error too.
import { constants as osConstants } from 'node:os';
import { systemError } from '../errors';
import type { RingDriver } from '../loop/proactor-ring';
import type { Handle } from '../loop/handle';
import type { BaseEventLoop } from '../loop/base-loop';
import { native } from '../native';
import { Socket } from '../socket/socket';
import { CQE_F_MORE, type Ring } from '../uring/ring';
import type { TransportLoop } from './create';
import { ProactorSocketTransport, type CompletionLoop } from './proactor-transport';
import type { ProtocolLike } from './protocols';
import type { Server } from './server';
import { ACCEPT_RETRY_DELAY, OUT_OF_RESOURCES, serveAccepted, servingTransportLoop, transportExtra, type Serving, type StreamLoop } from './serving';
import type { Transport, TransportOwner } from './transport';

const { errno } = osConstants;
// accept found nothing, or a connection reset before it was accepted: accept again.
const ACCEPT_AGAIN = new Set([errno.EAGAIN, errno.EWOULDBLOCK, errno.EINTR, errno.ECONNABORTED].map((e) => -e));
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

  discard(res: number): void {
    if (res >= 0) native.close(res);
  }
}

/** Serving and transports for a completion loop. @internal */
export class ProactorServing implements Serving {
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
    return new ProactorSocketTransport(this.#loop, sock, protocol, transportExtra(sock, extra), owner, onMade);
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
        this.#loop.callSoon(() => serveAccepted(this, this.#loop, conn, listener.server, undefined));
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
}

/** A completion loop with sockConnect (ProactorEventLoop). @internal */
export interface CompletionStreamLoop extends ServingCompletionLoop, StreamLoop {}

/** The TransportLoop of a completion loop: its own calls, plus proactor serving and transports. @internal */
export function proactorTransportLoop(loop: CompletionStreamLoop, eventLoop: BaseEventLoop): TransportLoop {
  return servingTransportLoop(loop, eventLoop, new ProactorServing(loop));
}
