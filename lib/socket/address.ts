// Python-shaped addresses to the native call's (host, port, flowinfo, scopeId), checked here.
// Hosts are numeric: iomux resolves no names (a resolver would block or need libuv's thread pool);
// only '' (any address) and 'localhost' (the family's loopback) are mapped, plus IPv4's '<broadcast>'.
import { isIPv4, isIPv6 } from 'node:net';
import { invalidArgType, invalidArgValue } from '../errors';
import { UINT32_MAX } from '../limits';
import { validateInt } from '../validate';
import { AF_INET, AF_INET6, AF_UNIX } from './constants';

/**
 * An IP address as Python shapes it: `[host, port]` (IPv4) or `[host, port, flowinfo, scopeId]`
 * (IPv6). Either way `[1]` is the port: what `getsockname()` of an AF_INET or AF_INET6 socket returns.
 */
export type InetAddress = [host: string, port: number] | [host: string, port: number, flowinfo: number, scopeId: number];

/** An address as Python shapes it: an {@link InetAddress}, or a path string (AF_UNIX). */
export type Address = InetAddress | string;

/** What the native address calls take after the family. */
export type NativeAddress = [host: string, port: number, flowinfo: number, scopeId: number];

const FLOWINFO_MAX = 0xfffff;

function ipv4Host(host: string, name: string): string {
  if (host === '') return '0.0.0.0';
  if (host === 'localhost') return '127.0.0.1';
  if (host === '<broadcast>') return '255.255.255.255';
  if (!isIPv4(host)) throw invalidArgValue(name, host, 'must be a numeric IPv4 address, \'\' or \'localhost\' (iomux resolves no names)');
  return host;
}

// Returns [host, scopeId from a numeric '%scope' suffix, or undefined].
function ipv6Host(host: string, name: string): [string, number | undefined] {
  if (host === '') return ['::', undefined];
  if (host === 'localhost') return ['::1', undefined];
  const pct = host.indexOf('%');
  const bare = pct < 0 ? host : host.slice(0, pct);
  const scope = pct < 0 ? undefined : host.slice(pct + 1);
  if (!isIPv6(bare) || (scope !== undefined && !/^\d{1,10}$/.test(scope))) {
    throw invalidArgValue(name, host, 'must be a numeric IPv6 address (a scope as a number after %), \'\' or \'localhost\' (iomux resolves no names)');
  }
  const scopeId = scope === undefined ? undefined : Number(scope);
  if (scopeId !== undefined && scopeId > UINT32_MAX) throw invalidArgValue(name, host, 'has a scope id above 2**32-1');
  return [bare, scopeId];
}

/**
 * Checks `address` for a socket of `family` and returns the native arguments. Wrong shapes are
 * `ERR_INVALID_ARG_TYPE` (as Python's TypeError), non-numeric hosts `ERR_INVALID_ARG_VALUE`,
 * ports and IPv6 numbers out of range `ERR_OUT_OF_RANGE` (Python's OverflowError).
 */
export function toNative(family: number, address: unknown, name = 'address'): NativeAddress {
  if (family === AF_UNIX) {
    if (typeof address !== 'string') throw invalidArgType(name, 'a string (an AF_UNIX path)', address);
    // A path may not hold NUL (as Node's fs); an abstract name (Linux: a leading NUL) may.
    if (address[0] !== '\0' && address.includes('\0')) throw invalidArgValue(name, address, 'must not contain null bytes (except as an abstract name\'s first byte)');
    return [address, 0, 0, 0];
  }
  if (family === AF_INET) {
    if (!Array.isArray(address) || address.length !== 2 || typeof address[0] !== 'string') {
      throw invalidArgType(name, 'a [host, port] pair for AF_INET', address);
    }
    const port = validateInt(address[1], `${name}[1]`, 0, 65535);
    return [ipv4Host(address[0], `${name}[0]`), port, 0, 0];
  }
  if (family === AF_INET6) {
    if (!Array.isArray(address) || address.length < 2 || address.length > 4 || typeof address[0] !== 'string') {
      throw invalidArgType(name, 'a [host, port, flowinfo?, scopeId?] array for AF_INET6', address);
    }
    const port = validateInt(address[1], `${name}[1]`, 0, 65535);
    const flowinfo = address.length > 2 ? validateInt(address[2], `${name}[2]`, 0, FLOWINFO_MAX) : 0;
    const [host, hostScope] = ipv6Host(address[0], `${name}[0]`);
    const scopeId = address.length > 3 ? validateInt(address[3], `${name}[3]`, 0, UINT32_MAX) : hostScope ?? 0;
    return [host, port, flowinfo, scopeId];
  }
  // Another family (adopted with fromFd): the native call reports EAFNOSUPPORT.
  return ['', 0, 0, 0];
}

/** The family an address implies: a string is AF_UNIX, an IPv6 host or a 3–4 element array AF_INET6, else AF_INET. */
export function familyOf(address: unknown): number {
  if (typeof address === 'string') return AF_UNIX;
  if (Array.isArray(address)) {
    const host: unknown = address[0];
    if (address.length > 2) return AF_INET6;
    if (typeof host === 'string' && isIPv6(host.split('%')[0])) return AF_INET6;
  }
  return AF_INET;
}
