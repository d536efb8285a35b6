// What util.inspect shows for a Socket: Python's repr, with the family and type by name
// (`<socket fd=5, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=('127.0.0.1', 8000)>`).
import { inspect } from 'node:util';
import { C } from '../native';

// The names preferred when two share a value (AF_UNIX = AF_LOCAL).
const FAMILIES = ['AF_INET', 'AF_INET6', 'AF_UNIX', 'AF_UNSPEC'];
const TYPES = ['SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_RAW', 'SOCK_SEQPACKET'];

function nameOf(value: number, preferred: string[], prefix: string): string {
  const name = preferred.find((n) => C[n] === value) ?? Object.keys(C).find((n) => n.startsWith(prefix) && C[n] === value);
  return name ?? String(value);
}

// Python's tuple repr: ('127.0.0.1', 8000); a path as a quoted string.
function pythonAddress(address: unknown): string {
  if (Array.isArray(address)) return `(${address.map((part) => inspect(part)).join(', ')})`;
  return inspect(address);
}

/** The fields of a socket's repr; `laddr`/`raddr` are read by the caller (undefined: not shown). */
export interface SocketFacts {
  fd: number;
  family: number;
  type: number;
  proto: number;
  laddr?: unknown;
  raddr?: unknown;
}

/** Python's socket repr for `facts`. */
export function describeSocket(facts: SocketFacts): string {
  const parts = [
    `fd=${facts.fd}`,
    `family=${nameOf(facts.family, FAMILIES, 'AF_')}`,
    `type=${nameOf(facts.type, TYPES, 'SOCK_')}`,
    `proto=${facts.proto}`,
  ];
  if (facts.laddr !== undefined && facts.laddr !== '') parts.push(`laddr=${pythonAddress(facts.laddr)}`);
  if (facts.raddr !== undefined && facts.raddr !== '') parts.push(`raddr=${pythonAddress(facts.raddr)}`);
  return `<socket ${facts.fd < 0 ? '[closed] ' : ''}${parts.join(', ')}>`;
}
