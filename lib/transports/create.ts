// asyncio's create_server, create_connection and connect_accepted_socket, for any loop that can
// make a stream transport and serve a listening socket: validation, binding, connecting, and
// the order in which the protocol factory, the transport and the caller's promise are settled.
import { constants as osConstants } from 'node:os';
import { closedError, invalidArgType, invalidArgValue, notSupported } from '../errors';
import type { BaseEventLoop } from '../loop/base-loop';
import { C } from '../native';
import type { Address } from '../socket/address';
import { AF_INET6, IPPROTO_IPV6, IPV6_V6ONLY, SO_REUSEADDR, SO_REUSEPORT, SOCK_STREAM, SOL_SOCKET } from '../socket/constants';
import { Socket } from '../socket/socket';
import { validateFlag, validateInt } from '../validate';
import { parseHosts, resolveHosts, validatePort, type HostAddress, type Lookup } from './addresses';
import type { ProtocolFactory, ProtocolLike } from './protocols';
import { Server, type ServingLoop } from './server';
import type { LoopCalls, Transport, TransportOwner } from './transport';

// asyncio's default listen backlog for create_server.
const DEFAULT_BACKLOG = 100;
// Errors on an implied IPv6 address (from '') that mean "no IPv6 here".
const NO_IPV6 = new Set([-osConstants.errno.EAFNOSUPPORT, -osConstants.errno.EADDRNOTAVAIL, -(osConstants.errno.EPROTONOSUPPORT ?? 93)]);

/** What a loop gives createServer / createConnection: its transport class and how it serves. @internal */
export interface TransportLoop extends LoopCalls, ServingLoop {
  /** The loop itself, as `server.getLoop()` gives it. */
  readonly eventLoop: BaseEventLoop;
  /** Makes the loop's stream transport over a connected non-blocking socket; `onMade` runs after `connectionMade`. */
  makeSocketTransport(sock: Socket, protocol: ProtocolLike, extra: Record<string, unknown> | undefined, owner: TransportOwner | undefined, onMade?: () => void): Transport;
  /** Connects a non-blocking socket (the loop's `sockConnect`). */
  sockConnect(sock: Socket, address: Address): Promise<void>;
}

/** Options of `loop.createServer`. */
export interface CreateServerOptions {
  /** The listen backlog (default 100, as asyncio); also how many connections one readiness accepts at most. */
  backlog?: number;
  /** Set SO_REUSEADDR (default true, as asyncio on Unix). */
  reuseAddress?: boolean;
  /**
   * Set SO_REUSEPORT before bind (`ERR_NOT_SUPPORTED` where the OS has none), so that several
   * sockets — one per thread or process, each with this option — can listen on the same port.
   */
  reusePort?: boolean;
  /** Serve this listening (or bound) stream socket instead of binding `host`/`port`, which must then be left out. */
  sock?: Socket;
  /** Start accepting at once (default true); else call `server.startServing()`. */
  startServing?: boolean;
}

/** Options of `loop.createConnection`. */
export interface CreateConnectionOptions {
  /** Use this connected stream socket instead of connecting to `host`/`port`, which must then be left out. */
  sock?: Socket;
}

function validateFactory(factory: unknown): ProtocolFactory {
  if (typeof factory !== 'function') throw invalidArgType('protocolFactory', 'a function', factory);
  return factory as ProtocolFactory;
}

function validateOptions<T extends object>(options: unknown): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null) throw invalidArgType('options', 'an object', options);
  return options as T;
}

function validateStreamSocket(sock: unknown, name: string): Socket {
  if (!(sock instanceof Socket)) throw invalidArgType(name, 'an iomux Socket', sock);
  if (sock.closed) throw invalidArgValue(name, sock, 'is closed');
  if (sock.type !== SOCK_STREAM) throw invalidArgValue(name, sock, 'must be a SOCK_STREAM socket');
  return sock;
}

/** Calls the protocol factory and checks that it made an object. */
export function makeProtocol(factory: ProtocolFactory): ProtocolLike {
  const protocol = factory();
  if (typeof protocol !== 'object' || protocol === null) throw invalidArgType('protocolFactory()', 'to return a protocol object', protocol);
  return protocol;
}

function isOSError(err: unknown): err is { errno: number } {
  return typeof (err as { errno?: unknown })?.errno === 'number';
}

// The loop's getaddrinfo, for the names among the hosts.
function lookupOf(loop: TransportLoop): Lookup {
  return (host, port, options) => loop.eventLoop.getaddrinfo(host, port, options);
}

function bindOne(addr: HostAddress, port: number, reuseAddress: boolean, reusePort: boolean): Socket {
  const sock = new Socket(addr.family, SOCK_STREAM, 0);
  try {
    if (reuseAddress) sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
    if (reusePort) sock.setsockopt(SOL_SOCKET, SO_REUSEPORT as number, 1);
    // As asyncio: an IPv6 socket serves IPv6 only, so '' can also bind 0.0.0.0 on the same port.
    if (addr.family === AF_INET6) sock.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, 1);
    sock.bind([addr.host, port]);
    return sock;
  } catch (err) {
    sock.close();
    throw err;
  }
}

function bindAll(addrs: HostAddress[], port: number, reuseAddress: boolean, reusePort: boolean): Socket[] {
  const sockets: Socket[] = [];
  try {
    for (const addr of addrs) {
      try {
        sockets.push(bindOne(addr, port, reuseAddress, reusePort));
      } catch (err) {
        if (!(addr.optional && isOSError(err) && NO_IPV6.has(err.errno))) throw err;
      }
    }
    return sockets;
  } catch (err) {
    for (const s of sockets) s.close();
    throw err;
  }
}

/** asyncio's `create_server`, over any TransportLoop. @internal */
export async function createServer(loop: TransportLoop, protocolFactory: unknown, host: unknown, port: unknown, options: unknown): Promise<Server> {
  validateFactory(protocolFactory);
  const opts = validateOptions<CreateServerOptions>(options);
  const backlog = opts.backlog === undefined ? DEFAULT_BACKLOG : Math.max(1, validateInt(opts.backlog, 'options.backlog'));
  const reuseAddress = opts.reuseAddress === undefined ? true : validateFlag(opts.reuseAddress, 'options.reuseAddress');
  const reusePort = opts.reusePort === undefined ? false : validateFlag(opts.reusePort, 'options.reusePort');
  const start = opts.startServing === undefined ? true : validateFlag(opts.startServing, 'options.startServing');
  if (reusePort && C.SO_REUSEPORT === undefined) throw notSupported('SO_REUSEPORT');
  let sockets: Socket[];
  if (opts.sock !== undefined) {
    if ((host !== undefined && host !== null) || (port !== undefined && port !== null)) {
      throw invalidArgValue('host', host, 'and port must be left out when options.sock is given');
    }
    sockets = [validateStreamSocket(opts.sock, 'options.sock')];
    if (loop.isClosed()) throw closedError(loop.constructor.name);
  } else {
    const hosts = parseHosts(host, true);
    const p = validatePort(port);
    if (loop.isClosed()) throw closedError(loop.constructor.name);
    const addrs = await resolveHosts(hosts, p, true, lookupOf(loop));
    sockets = bindAll(addrs, p, reuseAddress, reusePort);
  }
  // As asyncio, the sockets listen from startServing() on: until then a client is refused.
  const server = new Server(loop.eventLoop, loop, sockets, protocolFactory as ProtocolFactory, backlog);
  try {
    for (const sock of sockets) sock.setblocking(false);
    if (start) server.startServing();
  } catch (err) {
    if (opts.sock === undefined) for (const s of sockets) s.close();
    throw err;
  }
  return server;
}

// Makes the transport of a connected socket and resolves once connectionMade has run
// (asyncio's _create_connection_transport and its waiter).
function transportFor<P extends ProtocolLike>(loop: TransportLoop, sock: Socket, factory: ProtocolFactory<P>): Promise<[Transport, P]> {
  sock.setblocking(false);
  const protocol = makeProtocol(factory) as P;
  return new Promise((resolve) => {
    const transport = loop.makeSocketTransport(sock, protocol, undefined, undefined, () => resolve([transport, protocol]));
  });
}

/** asyncio's `create_connection`: each address of the host, from the loop's getaddrinfo, in turn. @internal */
export async function createConnection<P extends ProtocolLike>(loop: TransportLoop, protocolFactory: ProtocolFactory<P>, host: unknown, port: unknown, options: unknown): Promise<[Transport, P]> {
  validateFactory(protocolFactory);
  const opts = validateOptions<CreateConnectionOptions>(options);
  if (opts.sock !== undefined) {
    if ((host !== undefined && host !== null) || (port !== undefined && port !== null)) {
      throw invalidArgValue('host', host, 'and port must be left out when options.sock is given');
    }
    return connectAcceptedSocket(loop, protocolFactory, opts.sock);
  }
  const hosts = parseHosts(host, false);
  const p = validatePort(port);
  if (p === 0) throw invalidArgValue('port', p, 'must not be 0 to connect');
  const addrs = await resolveHosts(hosts, p, false, lookupOf(loop));
  let last: unknown;
  for (const addr of addrs) {
    const sock = new Socket(addr.family, SOCK_STREAM, 0);
    try {
      sock.setblocking(false);
      await loop.sockConnect(sock, [addr.host, p]);
    } catch (err) {
      sock.close();
      last = err;
      if (!isOSError(err)) throw err;
      continue;
    }
    try {
      return await transportFor(loop, sock, protocolFactory);
    } catch (err) {
      sock.close();
      throw err;
    }
  }
  throw last;
}

/** asyncio's `connect_accepted_socket`: a transport over a socket connected by other means. @internal */
export async function connectAcceptedSocket<P extends ProtocolLike>(loop: TransportLoop, protocolFactory: ProtocolFactory<P>, sock: unknown): Promise<[Transport, P]> {
  validateFactory(protocolFactory);
  const s = validateStreamSocket(sock, 'sock');
  if (loop.isClosed()) throw closedError(loop.constructor.name);
  return transportFor(loop, s, protocolFactory);
}
