// What serving does the same whether readiness or completions accept the connections: asyncio's
// accept retry delay and resource errors, its _accept_connection2 (protocol, then transport), and
// the TransportLoop a loop hands to createServer / createConnection.
import { constants as osConstants } from 'node:os';
import type { BaseEventLoop } from '../loop/base-loop';
import type { Address } from '../socket/address';
import type { Socket } from '../socket/socket';
import { makeProtocol, type TransportLoop } from './create';
import type { ProtocolLike } from './protocols';
import { socketExtra } from './selector-transport';
import type { Server } from './server';
import type { LoopCalls, Transport, TransportOwner } from './transport';

const { errno } = osConstants;

/** asyncio's constants.ACCEPT_RETRY_DELAY (seconds). @internal */
export const ACCEPT_RETRY_DELAY = 1;

/** accept ran out of a resource (negative errno): waiting ACCEPT_RETRY_DELAY beats spinning. @internal */
export const OUT_OF_RESOURCES = new Set([errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM].map((e) => -e));

/** A loop's serving: its transports and the accepting on its listening sockets. @internal */
export interface Serving {
  makeSocketTransport(sock: Socket, protocol: ProtocolLike, extra: Record<string, unknown> | undefined, owner: TransportOwner | undefined, onMade?: () => void): Transport;
  startServing(sock: Socket, server: Server): void;
  stopServing(sock: Socket): void;
}

/** A loop that connects sockets (EventLoop, ProactorEventLoop). @internal */
export interface StreamLoop extends LoopCalls {
  sockConnect(sock: Socket, address: Address): Promise<void>;
}

/** A transport's extra info: the socket and its addresses, then what the caller gives. @internal */
export function transportExtra(sock: Socket, extra: Record<string, unknown> | undefined): Record<string, unknown> {
  return { ...socketExtra(sock, extra?.peername), ...extra };
}

/**
 * asyncio's _accept_connection2: the protocol, then the transport; a factory error is reported
 * and the connection closed. @internal
 */
export function serveAccepted(serving: Serving, loop: LoopCalls, conn: Socket, server: Server, extra: Record<string, unknown> | undefined): void {
  let protocol: ProtocolLike;
  try {
    protocol = makeProtocol(server.protocolFactory);
  } catch (exception) {
    conn.close();
    loop.callExceptionHandler({ message: 'Error on transport creation for incoming connection', exception });
    return;
  }
  serving.makeSocketTransport(conn, protocol, extra, server);
}

/** The TransportLoop of a loop: its own calls, plus its serving and transports. @internal */
export function servingTransportLoop(loop: StreamLoop, eventLoop: BaseEventLoop, serving: Serving): TransportLoop {
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
