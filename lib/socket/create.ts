// Python's socket factories: socket(), socketpair(), create_server(), create_connection().
import { isIPv4, isIPv6 } from 'node:net';
import { constants as osConstants } from 'node:os';
import { check, connectError, invalidArgType, invalidArgValue, notSupported, timeoutError } from '../errors';
import { pollOne } from '../kernel/pollfds';
import { MAX_WAIT_MS } from '../limits';
import { C, native } from '../native';
import { MS, toWait } from '../timeout';
import { validateFlag, validateInt } from '../validate';
import { familyOf, type Address, type InetAddress } from './address';
import { AF_INET, AF_INET6, AF_UNIX, SOCK_STREAM } from './constants';
import { getaddrinfo } from './resolve';
import { Socket } from './socket';

const EINPROGRESS = osConstants.errno.EINPROGRESS;

/**
 * Python's `socket.socket(family, type, proto)`: a new socket, close-on-exec and blocking (OR
 * `SOCK_NONBLOCK` into `type` for a non-blocking one, where the OS has it).
 * @throws SystemError `EAFNOSUPPORT`, `EPROTONOSUPPORT`, `EINVAL`, `EMFILE`.
 */
export function socket(): Socket<InetAddress>;
export function socket(family: number, type?: number, proto?: number): Socket;
export function socket(family = AF_INET, type = SOCK_STREAM, proto = 0): Socket {
  return new Socket(validateInt(family, 'family'), validateInt(type, 'type'), validateInt(proto, 'proto'));
}

/**
 * Python's `socket.socketpair(family, type, proto)`: two connected sockets, both close-on-exec.
 * @throws SystemError `EOPNOTSUPP`/`EAFNOSUPPORT` for a family without pairs (only AF_UNIX has them).
 */
export function socketpair(): [Socket<string>, Socket<string>];
export function socketpair(family: number, type?: number, proto?: number): [Socket, Socket];
export function socketpair(family = AF_UNIX, type = SOCK_STREAM, proto = 0): [Socket, Socket] {
  const fam = validateInt(family, 'family');
  const typ = validateInt(type, 'type');
  const pro = validateInt(proto, 'proto');
  const out = new Int32Array(2);
  check(native.socketpair(fam, typ, pro, out), 'socketpair');
  return [Socket._wrap(out[0], fam, typ, pro), Socket._wrap(out[1], fam, typ, pro)];
}

/** Options of {@link createServer}. */
export interface CreateServerOptions {
  /** The family; by default inferred from the address (a string: AF_UNIX; an IPv6 host: AF_INET6; else AF_INET). */
  family?: number;
  /** The listen backlog; default min(SOMAXCONN, 128). */
  backlog?: number;
  /** Set SO_REUSEPORT (`ERR_NOT_SUPPORTED` where the OS has none). */
  reusePort?: boolean;
  /** For AF_INET6: accept IPv4 too (clears IPV6_V6ONLY, which is set otherwise, as Python). */
  dualstackIpv6?: boolean;
}

/**
 * Python's `socket.create_server(address, family=…, backlog=…, reuse_port=…)`: a bound, listening
 * stream socket (blocking) with SO_REUSEADDR set (IP families). A host name is resolved as
 * {@link Socket.bind} does (blocking). On failure nothing is left open.
 * @throws SystemError `EADDRINUSE`, `EACCES`, …; `ERR_NOT_SUPPORTED` for `reusePort` without SO_REUSEPORT.
 */
export function createServer(address: InetAddress, options?: CreateServerOptions): Socket<InetAddress>;
export function createServer(address: string, options?: CreateServerOptions): Socket<string>;
export function createServer(address: Address, options?: CreateServerOptions): Socket;
export function createServer(address: Address, options: CreateServerOptions = {}): Socket {
  if (typeof options !== 'object' || options === null) throw invalidArgType('options', 'an object', options);
  const family = options.family === undefined ? familyOf(address) : validateInt(options.family, 'options.family');
  const reusePort = options.reusePort === undefined ? false : validateFlag(options.reusePort, 'options.reusePort');
  const dualstack = options.dualstackIpv6 === undefined ? false : validateFlag(options.dualstackIpv6, 'options.dualstackIpv6');
  const backlog = options.backlog === undefined ? undefined : validateInt(options.backlog, 'options.backlog');
  if (reusePort && C.SO_REUSEPORT === undefined) throw notSupported('SO_REUSEPORT');
  if (dualstack && family !== AF_INET6) throw invalidArgValue('options.dualstackIpv6', dualstack, 'needs family AF_INET6');
  const sock = new Socket(family, SOCK_STREAM, 0);
  try {
    if (family === AF_INET || family === AF_INET6) sock.setsockopt(C.SOL_SOCKET, C.SO_REUSEADDR, 1);
    if (reusePort) sock.setsockopt(C.SOL_SOCKET, C.SO_REUSEPORT, 1);
    if (family === AF_INET6) sock.setsockopt(C.IPPROTO_IPV6, C.IPV6_V6ONLY, dualstack ? 0 : 1);
    sock.bind(address);
    sock.listen(backlog);
    return sock;
  } catch (err) {
    sock.close();
    throw err;
  }
}

// The [family, address] pairs to try, in order: a numeric host as it is; a name, each
// getaddrinfo(host, port, 0, SOCK_STREAM) result (Python's create_connection).
function targetsFor(address: unknown): Array<[number, InetAddress]> {
  if (!Array.isArray(address) || address.length < 2 || address.length > 4 || typeof address[0] !== 'string') {
    throw invalidArgType('address', 'a [host, port] array', address);
  }
  const host = address[0];
  const target = address as InetAddress;
  if (address.length > 2 || isIPv6(host.split('%')[0])) return [[AF_INET6, target]];
  if (isIPv4(host) || host === '' || host === '<broadcast>') return [[AF_INET, target]];
  validateInt(address[1], 'address[1]', 0, 65535);
  return getaddrinfo(host, address[1] as number, 0, SOCK_STREAM).map(([family, , , , sockaddr]) => [family, sockaddr]);
}

// Connects sock, waiting at most waitMs (-1: forever) with a non-blocking connect and poll(2).
function connectWithin(sock: Socket<InetAddress>, address: InetAddress, waitMs: number): void {
  if (waitMs < 0) return sock.connect(address);
  sock.setblocking(false);
  const err = sock.connectEx(address);
  if (err === EINPROGRESS) {
    if (pollOne(sock.fileno(), C.POLLOUT, waitMs) === 0) throw timeoutError('connect', address); // as a connect() in timeout mode
    const soError = sock.getsockopt(C.SOL_SOCKET, C.SO_ERROR);
    if (soError !== 0) throw connectError(-soError, address);
  } else if (err !== 0) {
    throw connectError(-err, address);
  }
  sock.setblocking(true);
}

/**
 * Python's `socket.create_connection(address, timeout)`: a connected, blocking TCP socket, within
 * `timeoutSeconds` seconds if given.
 * Without `timeoutSeconds` (`null`: none) the connect blocks; with one it is a non-blocking
 * connect and a poll for writability, and running out of time throws `ETIMEDOUT`. A host name is
 * resolved with getaddrinfo (blocking) and each of its addresses tried in turn, as in Python.
 * @throws SystemError `ECONNREFUSED`, `ETIMEDOUT`, `ENETUNREACH`, …, with the target's
 *   `address` and `port` (as node:net's errors).
 */
export function createConnection(address: InetAddress, timeoutSeconds?: number | null): Socket<InetAddress> {
  const waitMs = toWait(timeoutSeconds, MS, MAX_WAIT_MS, 'error', 'timeoutSeconds');
  let last: unknown;
  for (const [family, target] of targetsFor(address)) {
    const sock = new Socket<InetAddress>(family, SOCK_STREAM, 0);
    try {
      connectWithin(sock, target, waitMs);
      return sock;
    } catch (err) {
      sock.close();
      last = err;
      if (typeof (err as { errno?: unknown }).errno !== 'number') throw err; // not an OS error: no other family helps
    }
  }
  throw last;
}
