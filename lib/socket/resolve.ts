// Python's socket.getaddrinfo, getnameinfo and gethostname over native/resolve.cc: validation,
// the results in Python's shapes, and resolver failures as gaierror-like errors. The blocking
// forms block the thread as Python's do; the *Async forms (behind loop.getaddrinfo and
// loop.getnameinfo) run the same C call on libuv's thread pool.
import { domainToASCII } from 'node:url';
import { abortError, gaiError, invalidArgType, invalidArgValue, systemError } from '../errors';
import { UINT32_MAX } from '../limits';
import { C, native } from '../native';
import { validateInt } from '../validate';
import type { InetAddress } from './address';

/** getaddrinfo flag: results for binding (a null host is the wildcard address). */
export const AI_PASSIVE: number = C.AI_PASSIVE;
/** getaddrinfo flag: the first result carries the host's canonical name. */
export const AI_CANONNAME: number = C.AI_CANONNAME;
/** getaddrinfo flag: the host must be a numeric address (no lookup is made). */
export const AI_NUMERICHOST: number = C.AI_NUMERICHOST;
/** getaddrinfo flag: the port must be numeric (no service lookup). */
export const AI_NUMERICSERV: number = C.AI_NUMERICSERV;
/** getaddrinfo flag: only families configured on this host. */
export const AI_ADDRCONFIG: number = C.AI_ADDRCONFIG;
/** getaddrinfo flag: with AF_INET6, IPv4-mapped addresses when there is no IPv6 one. */
export const AI_V4MAPPED: number = C.AI_V4MAPPED;
/** getaddrinfo flag: with AI_V4MAPPED, both IPv6 and IPv4-mapped addresses. */
export const AI_ALL: number = C.AI_ALL;
/** getnameinfo flag: the numeric host instead of its name. */
export const NI_NUMERICHOST: number = C.NI_NUMERICHOST;
/** getnameinfo flag: the numeric port instead of its service name. */
export const NI_NUMERICSERV: number = C.NI_NUMERICSERV;
/** getnameinfo flag: only the host part of a local fully qualified name. */
export const NI_NOFQDN: number = C.NI_NOFQDN;
/** getnameinfo flag: fail (`EAI_NONAME`) when the host has no name. */
export const NI_NAMEREQD: number = C.NI_NAMEREQD;
/** getnameinfo flag: the service is a datagram one (UDP). */
export const NI_DGRAM: number = C.NI_DGRAM;
/** The longest host name getnameinfo returns, with its NUL. */
export const NI_MAXHOST: number = C.NI_MAXHOST;
/** The longest service name getnameinfo returns, with its NUL. */
export const NI_MAXSERV: number = C.NI_MAXSERV;
/** Resolver error: the address family is not supported for this host (glibc; undefined on macOS and FreeBSD). */
export const EAI_ADDRFAMILY: number = C.EAI_ADDRFAMILY;
/** Resolver error: a temporary failure; try again. */
export const EAI_AGAIN: number = C.EAI_AGAIN;
/** Resolver error: bad flags. */
export const EAI_BADFLAGS: number = C.EAI_BADFLAGS;
/** Resolver error: a permanent failure. */
export const EAI_FAIL: number = C.EAI_FAIL;
/** Resolver error: the family is not supported. */
export const EAI_FAMILY: number = C.EAI_FAMILY;
/** Resolver error: out of memory. */
export const EAI_MEMORY: number = C.EAI_MEMORY;
/** Resolver error: the host has no address (glibc; undefined on macOS and FreeBSD). */
export const EAI_NODATA: number = C.EAI_NODATA;
/** Resolver error: the host or service is not known. */
export const EAI_NONAME: number = C.EAI_NONAME;
/** Resolver error: an argument buffer overflowed. */
export const EAI_OVERFLOW: number = C.EAI_OVERFLOW;
/** Resolver error: the service is not supported for the socket type. */
export const EAI_SERVICE: number = C.EAI_SERVICE;
/** Resolver error: the socket type is not supported. */
export const EAI_SOCKTYPE: number = C.EAI_SOCKTYPE;
/** Resolver error: a system error (the thrown error is then the errno's SystemError). */
export const EAI_SYSTEM: number = C.EAI_SYSTEM;

/** One getaddrinfo result, as Python's 5-tuple: the sockaddr is `[host, port]` or `[host, port, flowinfo, scopeId]`. */
export type AddrInfo = [family: number, type: number, proto: number, canonname: string, sockaddr: InetAddress];

/** The options of `loop.getaddrinfo` (Python's keyword arguments) and its `signal`. */
export interface GetaddrinfoOptions {
  /** `AF_INET`, `AF_INET6` or 0 (`AF_UNSPEC`, the default: any). */
  family?: number;
  /** `SOCK_STREAM`, `SOCK_DGRAM`, … or 0 (the default: any). */
  type?: number;
  /** A protocol number, or 0 (the default). */
  proto?: number;
  /** `AI_*` flags, OR-ed. */
  flags?: number;
  /** Withdraws the lookup: the promise rejects with an `AbortError` (the lookup itself runs to its end). */
  signal?: AbortSignal;
}

const EAI_NAMES = new Map<number, string>();
for (const [name, value] of Object.entries(C)) if (name.startsWith('EAI_') && name !== 'EAI_MAX') EAI_NAMES.set(value, name);

type Lookup = [host: string | null, port: string | null, family: number, type: number, proto: number, flags: number];
type NameLookup = [host: string, port: number, flowinfo: number, scopeId: number, pair: boolean, flags: number];

// A host as the C resolver takes it: ASCII (non-ASCII names IDNA-encoded, as Python's 'idna' codec
// does), no NUL; null stays null (NULL: the wildcard or loopback address). As that codec, an ASCII
// name is refused when a label before the last is empty or longer than 63 characters, or the last
// is longer than 63 ('a..b'; a trailing dot is allowed). `idna`: 'labels' checks ASCII labels so
// (getaddrinfo's host), 'encode' only encodes non-ASCII (a socket address's host), 'none' neither
// (getnameinfo's numeric host): each as CPython does there.
function hostArg(host: unknown, name: string, nullable: boolean, idna: 'labels' | 'encode' | 'none'): string | null {
  if (host === null && nullable) return null;
  if (typeof host !== 'string') throw invalidArgType(name, nullable ? 'a string or null' : 'a string', host);
  if (host.includes('\0')) throw invalidArgValue(name, host, 'must not contain null characters');
  if (idna === 'none') return host;
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(host)) {
    if (idna === 'encode') return host;
    return checkLabels(host, host, name);
  }
  const ascii = domainToASCII(host);
  if (ascii === '') throw invalidArgValue(name, host, 'is not a valid internationalized domain name');
  return checkLabels(ascii, host, name); // the encoded labels, as Python's idna codec checks them
}

// Python's idna codec refuses an empty label (but a trailing dot) and one over 63 characters.
function checkLabels(ascii: string, host: string, name: string): string {
  const labels = ascii.split('.');
  if (ascii !== '' && (labels.slice(0, -1).some((l) => l.length === 0 || l.length > 63) || labels[labels.length - 1].length > 63)) {
    throw invalidArgValue(name, host, 'has an empty label or one longer than 63 characters');
  }
  return ascii;
}

// A port as Python's getaddrinfo takes it: an integer, a service name or numeric string, or null.
function portArg(port: unknown): string | null {
  if (port === null) return null;
  if (typeof port === 'number') return String(validateInt(port, 'port', 0, 65535));
  if (typeof port !== 'string') throw invalidArgType('port', 'a number, a string or null', port);
  if (port.includes('\0')) throw invalidArgValue('port', port, 'must not contain null characters');
  return port;
}

/** Validates Python's getaddrinfo arguments into the native call's. @internal */
export function lookupArgs(host: unknown, port: unknown, family: unknown = 0, type: unknown = 0, proto: unknown = 0, flags: unknown = 0): Lookup {
  return [
    hostArg(host, 'host', true, 'labels'),
    portArg(port),
    validateInt(family, 'family'),
    validateInt(type, 'type'),
    validateInt(proto, 'proto'),
    validateInt(flags, 'flags'),
  ];
}

function nameLookupArgs(sockaddr: unknown, flags: unknown): NameLookup {
  if (!Array.isArray(sockaddr) || sockaddr.length < 2 || sockaddr.length > 4) {
    throw invalidArgType('sockaddr', 'a [host, port] or [host, port, flowinfo?, scopeId?] array', sockaddr);
  }
  const host = hostArg(sockaddr[0], 'sockaddr[0]', false, 'none') as string;
  const port = validateInt(sockaddr[1], 'sockaddr[1]', 0, 65535);
  const flowinfo = sockaddr.length > 2 ? validateInt(sockaddr[2], 'sockaddr[2]', 0, 0xfffff) : 0;
  const scopeId = sockaddr.length > 3 ? validateInt(sockaddr[3], 'sockaddr[3]', 0, UINT32_MAX) : 0;
  return [host, port, flowinfo, scopeId, sockaddr.length === 2, validateInt(flags, 'flags')];
}

// A failed lookup's [code, errno] as the error Python raises: gaierror, or OSError for EAI_SYSTEM.
function failure(code: number, sysErrno: number, syscall: string, hostname: string | null): Error {
  if (code === C.EAI_SYSTEM && sysErrno > 0) return systemError(-sysErrno, syscall);
  const name = EAI_NAMES.get(code) ?? `EAI_${code}`;
  return gaiError(name, code, native.gaiStrerror(code), syscall, hostname ?? undefined);
}

function addrInfos(r: Array<number | string>, host: string | null): AddrInfo[] {
  if (r.length === 2) throw failure(r[0] as number, r[1] as number, 'getaddrinfo', host);
  const out: AddrInfo[] = [];
  for (let i = 0; i < r.length; i += 8) {
    const family = r[i] as number;
    const sockaddr: InetAddress = family === C.AF_INET6
      ? [r[i + 4] as string, r[i + 5] as number, r[i + 6] as number, r[i + 7] as number]
      : [r[i + 4] as string, r[i + 5] as number];
    out.push([family, r[i + 1] as number, r[i + 2] as number, r[i + 3] as string, sockaddr]);
  }
  return out;
}

function nameInfo(r: [string | number, string | number], args: NameLookup): [string, string] {
  if (typeof r[0] === 'number') {
    // The native call's marker for an IPv4 host given with flowinfo/scopeId (CPython: OSError).
    if (r[0] === C.EAI_FAMILY && !args[4]) throw invalidArgValue('sockaddr', args[0], 'is an IPv4 address: its sockaddr must be [host, port]');
    throw failure(r[0], r[1] as number, 'getnameinfo', args[0]);
  }
  return [r[0], r[1] as string];
}

/**
 * Python's `socket.getaddrinfo(host, port, family=0, type=0, proto=0, flags=0)`: the addresses of
 * `host` (a name, a numeric address, or null for the wildcard with `AI_PASSIVE`, else loopback)
 * and `port` (a number, a service name like `'http'`, or null), as `[family, type, proto,
 * canonname, sockaddr]` entries. Blocks the thread (use `loop.getaddrinfo` inside a server).
 * @throws Error with `code` `EAI_NONAME`, `EAI_SERVICE`, `EAI_FAMILY`, … (Python's gaierror; `errno` is the EAI value, `hostname` the host);
 *   `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` / `ERR_INVALID_ARG_VALUE` for bad arguments.
 */
export function getaddrinfo(host: string | null, port: number | string | null, family = 0, type = 0, proto = 0, flags = 0): AddrInfo[] {
  const args = lookupArgs(host, port, family, type, proto, flags);
  return addrInfos(native.getaddrinfo(...args), args[0]);
}

/**
 * Python's `socket.getnameinfo(sockaddr, flags)`: `[host, port]` for a numeric `[host, port]` or
 * `[host, port, flowinfo, scopeId]` — names, unless `NI_NUMERICHOST`/`NI_NUMERICSERV` ask for numbers.
 * Blocks the thread (use `loop.getnameinfo` inside a server).
 * @throws Error with `code` `EAI_NONAME`, … (Python's gaierror), e.g. for a host that is not numeric;
 *   `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` / `ERR_INVALID_ARG_VALUE` for bad arguments.
 */
export function getnameinfo(sockaddr: InetAddress, flags: number): [host: string, port: string] {
  const args = nameLookupArgs(sockaddr, flags);
  return nameInfo(native.getnameinfo(...args), args);
}

/** Python's `socket.gethostname()`: this machine's host name. @throws SystemError from gethostname(2). */
export function gethostname(): string {
  const r = native.gethostname();
  if (typeof r === 'number') throw systemError(r, 'gethostname');
  return r;
}

// Settles with the callback's result, or rejects at once when `signal` aborts (the C call itself
// cannot be stopped; its result is then dropped).
function offThread<T, R>(start: (cb: (r: T) => void) => void, signal: AbortSignal | undefined, settle: (r: T) => R): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal.reason));
    const onAbort = (): void => reject(abortError(signal!.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    start((r) => {
      signal?.removeEventListener('abort', onAbort);
      try {
        resolve(settle(r));
      } catch (err) {
        reject(err);
      }
    });
  });
}

/**
 * The first address of a socket address's host name for `family` (CPython's setipaddr: a blocking
 * getaddrinfo with only the family as hint). @internal
 */
export function resolveHost(host: string, family: number, name: string): InetAddress {
  const h = hostArg(host, name, false, 'encode');
  return addrInfos(native.getaddrinfo(h, null, family, 0, 0, 0), h)[0][4];
}

/** `getaddrinfo` on libuv's thread pool, for the loops. Validation errors throw (the caller rejects). @internal */
export function getaddrinfoAsync(args: Lookup, signal?: AbortSignal): Promise<AddrInfo[]> {
  return offThread((cb: (r: Array<number | string>) => void) => native.getaddrinfoAsync(...args, cb), signal, (r) => addrInfos(r, args[0]));
}

/** `getnameinfo` on libuv's thread pool, for the loops. Validation errors throw (the caller rejects). @internal */
export function getnameinfoAsync(sockaddr: unknown, flags: unknown, signal?: AbortSignal): Promise<[host: string, port: string]> {
  const args = nameLookupArgs(sockaddr, flags);
  return offThread((cb: (r: [string | number, string | number]) => void) => native.getnameinfoAsync(...args, cb), signal, (r) => nameInfo(r, args));
}
