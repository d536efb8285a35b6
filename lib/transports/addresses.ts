// The hosts createServer binds and createConnection tries, without resolving names (iomux
// resolves none): asyncio's getaddrinfo results for the hosts iomux accepts.
import { isIPv4, isIPv6 } from 'node:net';
import { invalidArgType, invalidArgValue, outOfRange } from '../errors';
import { AF_INET, AF_INET6 } from '../socket/constants';

/** A host to bind or connect, with its family, and whether failing on it may be skipped. */
export interface HostAddress {
  family: number;
  host: string;
  /** Implied by `''`/`null`/`'localhost'` (the IPv6 half): skipped where IPv6 is not available. */
  optional: boolean;
}

/** Validates a TCP port: an integer 0–65535 (`null`/`undefined`: 0, any free port). */
export function validatePort(port: unknown): number {
  if (port === undefined || port === null) return 0;
  if (typeof port !== 'number') throw invalidArgType('port', 'of type number', port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw outOfRange('port', 'an integer from 0 to 65535', port);
  return port;
}

function one(host: unknown, forServer: boolean): HostAddress[] {
  if (typeof host !== 'string') throw invalidArgType('host', 'a string, an array of strings, or null', host);
  if (host === '') {
    if (!forServer) throw invalidArgValue('host', host, 'must name a host to connect to');
    return [{ family: AF_INET, host: '0.0.0.0', optional: false }, { family: AF_INET6, host: '::', optional: true }];
  }
  if (host === 'localhost') return [{ family: AF_INET, host: '127.0.0.1', optional: false }, { family: AF_INET6, host: '::1', optional: true }];
  if (isIPv4(host)) return [{ family: AF_INET, host, optional: false }];
  if (isIPv6(host.split('%')[0])) return [{ family: AF_INET6, host, optional: false }];
  throw invalidArgValue('host', host, 'must be a numeric IP address, \'localhost\' or \'\' (iomux resolves no names)');
}

/**
 * The addresses for `host`: a numeric address; `'localhost'` (127.0.0.1, then ::1); for a server
 * `''`/`null`/`undefined` (every interface: 0.0.0.0 and ::, as asyncio); or an array of those.
 */
export function hostAddresses(host: unknown, forServer: boolean): HostAddress[] {
  if (host === undefined || host === null) {
    if (!forServer) throw invalidArgType('host', 'a string', host);
    return one('', true);
  }
  if (Array.isArray(host)) {
    if (!forServer) throw invalidArgType('host', 'a string', host);
    if (host.length === 0) throw invalidArgValue('host', host, 'must not be empty');
    return host.flatMap((h: unknown) => one(h, true));
  }
  return one(host, forServer);
}
