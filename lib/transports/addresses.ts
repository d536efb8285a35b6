// The hosts createServer binds and createConnection tries: numeric hosts and a server's '' as
// they are (no lookup), any name ('localhost' too) through the loop's getaddrinfo (asyncio's
// create_server and create_connection: SOCK_STREAM, AI_PASSIVE for a server; every result, in order).
import { isIPv4, isIPv6 } from 'node:net';
import { invalidArgType, invalidArgValue, outOfRange } from '../errors';
import { AF_INET, AF_INET6, SOCK_STREAM } from '../socket/constants';
import { AI_PASSIVE, type AddrInfo } from '../socket/resolve';

/** A host to bind or connect, with its family, and whether failing on it may be skipped. */
export interface HostAddress {
  family: number;
  host: string;
  /** Implied by `''`/`null` (the IPv6 half): skipped where IPv6 is not available. */
  optional: boolean;
}

/** Validates a TCP port: an integer 0–65535 (`null`/`undefined`: 0, any free port). */
export function validatePort(port: unknown): number {
  if (port === undefined || port === null) return 0;
  if (typeof port !== 'number') throw invalidArgType('port', 'of type number', port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw outOfRange('port', 'an integer from 0 to 65535', port);
  return port;
}

// The addresses of one host, or the host itself when it is a name to resolve.
function one(host: unknown, forServer: boolean): HostAddress[] | string {
  if (typeof host !== 'string') throw invalidArgType('host', 'a string, an array of strings, or null', host);
  if (host === '') {
    if (!forServer) throw invalidArgValue('host', host, 'must name a host to connect to');
    return [{ family: AF_INET, host: '0.0.0.0', optional: false }, { family: AF_INET6, host: '::', optional: true }];
  }
  if (isIPv4(host)) return [{ family: AF_INET, host, optional: false }];
  if (isIPv6(host.split('%')[0])) return [{ family: AF_INET6, host, optional: false }];
  if (host.includes('\0')) throw invalidArgValue('host', host, 'must not contain null characters');
  return host;
}

/**
 * Checks `host` without resolving anything: a numeric address; for a server `''`/`null`/`undefined`
 * (every interface: 0.0.0.0 and ::, as asyncio); a name (kept as a string, resolved by
 * {@link resolveHosts}); for a server, an array of those.
 */
export function parseHosts(host: unknown, forServer: boolean): Array<HostAddress[] | string> {
  if (host === undefined || host === null) {
    if (!forServer) throw invalidArgType('host', 'a string', host);
    return [one('', true)];
  }
  if (Array.isArray(host)) {
    if (!forServer) throw invalidArgType('host', 'a string', host);
    if (host.length === 0) throw invalidArgValue('host', host, 'must not be empty');
    return host.map((h: unknown) => one(h, true));
  }
  return [one(host, forServer)];
}

/** How a loop resolves: its `getaddrinfo(host, port, { type, flags })`. */
export type Lookup = (host: string, port: number, options: { type: number; flags: number }) => Promise<AddrInfo[]>;

/**
 * The addresses of {@link parseHosts}'s result, names resolved through `lookup` (SOCK_STREAM;
 * AI_PASSIVE for a server), each (family, host) once, in the resolver's order.
 */
export async function resolveHosts(parsed: Array<HostAddress[] | string>, port: number, forServer: boolean, lookup: Lookup): Promise<HostAddress[]> {
  const lists = await Promise.all(parsed.map(async (p) => {
    if (typeof p !== 'string') return p;
    const infos = await lookup(p, port, { type: SOCK_STREAM, flags: forServer ? AI_PASSIVE : 0 });
    return infos.map(([family, , , , sockaddr]) => ({ family, host: sockaddr[0], optional: false }));
  }));
  const seen = new Set<string>();
  return lists.flat().filter((a) => {
    const key = `${a.family} ${a.host}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
