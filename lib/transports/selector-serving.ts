// A readiness loop's side of serving and transports (asyncio's BaseSelectorEventLoop:
// _start_serving, _accept_connection, _stop_serving, _make_socket_transport): a reader on each
// listening socket accepts up to `backlog` connections per readiness; out of fds or memory it
// stops watching the socket for ACCEPT_RETRY_DELAY so that it does not spin.
import type { BaseEventLoop } from '../loop/base-loop';
import type { Handle } from '../loop/handle';
import type { Socket } from '../socket/socket';
import type { TransportLoop } from './create';
import type { ProtocolLike } from './protocols';
import { SelectorSocketTransport, type ReadinessLoop } from './selector-transport';
import type { Server } from './server';
import { ACCEPT_RETRY_DELAY, OUT_OF_RESOURCES, serveAccepted, servingTransportLoop, transportExtra, type Serving, type StreamLoop } from './serving';
import type { Transport, TransportOwner } from './transport';

// accept() found nothing (more) to accept: wait for the next readiness.
const ACCEPT_DONE = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR', 'ECONNABORTED']);

/**
 * Serving and transports for a readiness loop. @internal
 */
export class SelectorServing implements Serving {
  readonly #loop: ReadinessLoop;
  // Listening sockets waiting out ACCEPT_RETRY_DELAY, with the timer that re-adds their reader.
  readonly #retries = new Map<Socket, Handle>();

  constructor(loop: ReadinessLoop) {
    this.#loop = loop;
  }

  makeSocketTransport(sock: Socket, protocol: ProtocolLike, extra: Record<string, unknown> | undefined, owner: TransportOwner | undefined, onMade?: () => void): Transport {
    return new SelectorSocketTransport(this.#loop, sock, protocol, transportExtra(sock, extra), owner, onMade);
  }

  startServing(sock: Socket, server: Server): void {
    this.#retries.delete(sock);
    this.#loop.addReader(sock, () => this.#accept(sock, server));
  }

  stopServing(sock: Socket): void {
    this.#retries.get(sock)?.cancel();
    this.#retries.delete(sock);
    if (!this.#loop.isClosed() && !sock.closed) this.#loop.removeReader(sock);
    sock.close();
  }

  // asyncio's _accept_connection: up to `backlog` accepts per readiness.
  #accept(sock: Socket, server: Server): void {
    for (let i = 0; i < server.backlog; i++) {
      let conn: Socket;
      let address: unknown;
      try {
        [conn, address] = sock.accept();
        conn.setblocking(false);
      } catch (err) {
        const e = err as { code?: string; errno?: number };
        if (e.code !== undefined && ACCEPT_DONE.has(e.code)) return;
        // Out of a resource, the pending connection stays, and Linux keeps reporting the listener
        // readable: it is left unwatched for a while.
        if (e.errno !== undefined && OUT_OF_RESOURCES.has(e.errno)) {
          this.#loop.callExceptionHandler({ message: 'socket.accept() out of system resource', exception: err, socket: sock });
          this.#loop.removeReader(sock);
          this.#retries.set(sock, this.#loop.callLater(ACCEPT_RETRY_DELAY, () => {
            if (this.#retries.has(sock) && server.isServing()) this.startServing(sock, server);
          }));
          return;
        }
        throw err; // the loop's exception handler logs it; the server keeps serving
      }
      // asyncio makes the transport in a task, one iteration later.
      this.#loop.callSoon(() => serveAccepted(this, this.#loop, conn, server, { peername: address }));
    }
  }
}

/** A readiness loop with sockConnect (EventLoop). @internal */
export interface ReadinessStreamLoop extends ReadinessLoop, StreamLoop {}

/** The TransportLoop of a readiness loop: its own calls, plus selector serving and transports. @internal */
export function selectorTransportLoop(loop: ReadinessStreamLoop, eventLoop: BaseEventLoop): TransportLoop {
  return servingTransportLoop(loop, eventLoop, new SelectorServing(loop));
}
