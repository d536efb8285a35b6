// Python-shaped addresses to the native call's (host, port, flowinfo, scopeId), checked here.
// A host that is not numeric is resolved as CPython's setipaddr does: '' is the wildcard, IPv4's
// '<broadcast>' the broadcast address, anything else goes to getaddrinfo with the socket's family
// and the first result is used. toNative does that on the thread (Socket.bind/connect/sendto block
// as Python's do); resolveAddress does it on libuv's thread pool (the loops, as asyncio's
// _ensure_resolved); toNumericNative resolves nothing (io_uring's prepConnect).
import { isIPv4, isIPv6 } from 'node:net';
import { invalidArgType, invalidArgValue } from '../errors';
import { UINT32_MAX } from '../limits';
import { validateInt } from '../validate';
import { AF_INET, AF_INET6, AF_UNIX } from './constants';
import { getaddrinfoAsync, lookupArgs, resolveHost } from './resolve';

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

// An IP address checked for its shape; `host` is numeric unless `name` is set (then it must be resolved).
interface Parsed {
  host: string;
  port: number;
  flowinfo: number;
  /** From the address's 4th element, or a numeric '%scope' suffix; undefined when neither. */
  scopeId: number | undefined;
  name: boolean;
}

function ipv4Host(host: string, name: string): [string, boolean] {
  if (host === '') return ['0.0.0.0', false];
  if (host === '<broadcast>') return ['255.255.255.255', false];
  if (host.includes('\0')) throw invalidArgValue(name, host, 'must not contain null characters');
  return isIPv4(host) ? [host, false] : [host, true];
}

// Returns [host, scopeId from a numeric '%scope' suffix, or undefined, whether it is a name].
function ipv6Host(host: string, name: string): [string, number | undefined, boolean] {
  if (host === '') return ['::', undefined, false];
  if (host === '<broadcast>') throw invalidArgValue(name, host, 'is for AF_INET only (address family mismatched)');
  if (host.includes('\0')) throw invalidArgValue(name, host, 'must not contain null characters');
  const pct = host.indexOf('%');
  const bare = pct < 0 ? host : host.slice(0, pct);
  const scope = pct < 0 ? undefined : host.slice(pct + 1);
  if (!isIPv6(bare)) return [host, undefined, true];
  if (scope !== undefined && !/^\d+$/.test(scope)) return [host, undefined, true]; // an interface name: getaddrinfo reads it
  const scopeId = scope === undefined ? undefined : Number(scope);
  if (scopeId !== undefined && scopeId > UINT32_MAX) throw invalidArgValue(name, host, 'has a scope id above 2**32-1');
  return [bare, scopeId, false];
}

// The shape checks of an AF_INET or AF_INET6 address; null for another family.
function parse(family: number, address: unknown, name: string): Parsed | null {
  if (family === AF_INET) {
    if (!Array.isArray(address) || address.length !== 2 || typeof address[0] !== 'string') {
      throw invalidArgType(name, 'a [host, port] pair for AF_INET', address);
    }
    const port = validateInt(address[1], `${name}[1]`, 0, 65535);
    const [host, isName] = ipv4Host(address[0], `${name}[0]`);
    return { host, port, flowinfo: 0, scopeId: undefined, name: isName };
  }
  if (family === AF_INET6) {
    if (!Array.isArray(address) || address.length < 2 || address.length > 4 || typeof address[0] !== 'string') {
      throw invalidArgType(name, 'a [host, port, flowinfo?, scopeId?] array for AF_INET6', address);
    }
    const port = validateInt(address[1], `${name}[1]`, 0, 65535);
    const flowinfo = address.length > 2 ? validateInt(address[2], `${name}[2]`, 0, FLOWINFO_MAX) : 0;
    const [host, hostScope, isName] = ipv6Host(address[0], `${name}[0]`);
    const scopeId = address.length > 3 ? validateInt(address[3], `${name}[3]`, 0, UINT32_MAX) : hostScope;
    return { host, port, flowinfo, scopeId, name: isName };
  }
  return null;
}

function unixPath(address: unknown, name: string): NativeAddress {
  if (typeof address !== 'string') throw invalidArgType(name, 'a string (an AF_UNIX path)', address);
  // A path may not hold NUL (as Node's fs); an abstract name (Linux: a leading NUL) may.
  if (address[0] !== '\0' && address.includes('\0')) throw invalidArgValue(name, address, 'must not contain null bytes (except as an abstract name\'s first byte)');
  return [address, 0, 0, 0];
}

/**
 * Checks `address` for a socket of `family` and returns the native arguments, resolving a host
 * name with getaddrinfo (this blocks the thread, as in Python). Wrong shapes are
 * `ERR_INVALID_ARG_TYPE` (as Python's TypeError), ports and IPv6 numbers out of range
 * `ERR_OUT_OF_RANGE` (Python's OverflowError), a NUL in a host `ERR_INVALID_ARG_VALUE`, a name
 * the resolver fails on its `EAI_*` error.
 */
export function toNative(family: number, address: unknown, name = 'address'): NativeAddress {
  if (family === AF_UNIX) return unixPath(address, name);
  const p = parse(family, address, name);
  // Another family (adopted with fromFd): the native call reports EAFNOSUPPORT.
  if (p === null) return ['', 0, 0, 0];
  if (!p.name) return [p.host, p.port, p.flowinfo, p.scopeId ?? 0];
  const first = resolveHost(p.host, family, `${name}[0]`);
  return [first[0], p.port, p.flowinfo, p.scopeId ?? first[3] ?? 0];
}

/**
 * As {@link toNative}, without resolving: a host must be numeric, `''`, IPv4's `'<broadcast>'` or
 * `'localhost'` (the family's loopback), else `ERR_INVALID_ARG_VALUE`. For calls that must not block.
 */
export function toNumericNative(family: number, address: unknown, name = 'address'): NativeAddress {
  if (family === AF_UNIX) return unixPath(address, name);
  const p = parse(family, address, name);
  if (p === null) return ['', 0, 0, 0];
  if (p.name) {
    if (p.host !== 'localhost') throw invalidArgValue(`${name}[0]`, p.host, 'must be a numeric IP address, \'\' or \'localhost\' here (no name resolution)');
    p.host = family === AF_INET6 ? '::1' : '127.0.0.1';
  }
  return [p.host, p.port, p.flowinfo, p.scopeId ?? 0];
}

/**
 * Checks the shape of `address` for a socket of `family` (throwing as {@link toNative} does,
 * resolving nothing) and says whether its host is a name that must be resolved first.
 */
export function needsResolution(family: number, address: unknown, name = 'address'): boolean {
  if (family === AF_UNIX) {
    unixPath(address, name);
    return false;
  }
  return parse(family, address, name)?.name ?? false;
}

/**
 * `address` with its host name resolved off the thread (asyncio's `_ensure_resolved`: getaddrinfo
 * with the socket's family, type and proto; the first result): the same address when its host is
 * already numeric. A given flowinfo and scope id are kept. Shape errors throw; resolver errors reject.
 */
export async function resolveAddress(family: number, type: number, proto: number, address: Address, signal?: AbortSignal): Promise<Address> {
  if (!needsResolution(family, address)) return address;
  const a = address as InetAddress;
  const p = parse(family, a, 'address')!;
  const first = (await getaddrinfoAsync(lookupArgs(p.host, p.port, family, type, proto, 0), signal))[0][4];
  if (family !== AF_INET6) return [first[0], p.port];
  return [first[0], p.port, p.flowinfo, p.scopeId ?? first[3] ?? 0];
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
