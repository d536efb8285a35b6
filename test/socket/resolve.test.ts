// socket.getaddrinfo / getnameinfo / gethostname, and hosts resolved by Socket.bind/connect/sendto
// and socket.createConnection, against CPython's socket module on this machine (a python3 child:
// fixtures/resolve_oracle.py). Only names the machine answers without DNS are used: 'localhost',
// numeric hosts, a null host, the machine's own name when /etc/hosts lists it, and names glibc
// refuses before asking DNS ('a..b', an address of the other family).
import { hostname as hostnameOfNode } from 'node:os';
import path from 'node:path';
import {
  AF_INET, AF_INET6, EAI_NONAME, AI_CANONNAME, AI_NUMERICHOST, AI_NUMERICSERV, AI_PASSIVE, AI_V4MAPPED, NI_DGRAM, NI_NUMERICHOST,
  NI_NUMERICSERV, SOCK_DGRAM, SOCK_STREAM, createConnection, createServer, getaddrinfo, gethostname, getnameinfo, socket,
  type Socket,
} from '../../lib/socket';
import { runSync, succeeded } from '../helpers/child';
import { expectNoFdLeaks } from '../helpers/fds';
import { inEtcHosts, when, whenCommand } from '../helpers/platform';
import { closeAfterEach } from '../helpers/tracked';

// (closeAfterEach first: its hook closes the tracked sockets before the leak check looks)
const { track } = closeAfterEach();
expectNoFdLeaks();
const python = whenCommand('python3');
const ORACLE = path.join(__dirname, 'fixtures', 'resolve_oracle.py');

const hostname = gethostname();
// The machine's own name is used only when /etc/hosts lists it (else resolving it would ask DNS).
const listed = inEtcHosts(hostname);
const withHostname = when(listed, `this machine's name (${hostname}) is not in /etc/hosts`);

type Case = { op: string; args?: unknown[]; family?: number; type?: number; address?: unknown[] };
type Outcome = { ok: unknown } | { gai: string; message: string } | { os: string } | { invalid: string };

function pythonOutcomes(cases: Case[]): Outcome[] {
  return JSON.parse(succeeded(runSync('python3', [ORACLE], { input: JSON.stringify(cases), timeoutMs: 30_000 }), 'resolve_oracle.py')) as Outcome[];
}

function ours(fn: () => unknown): Outcome {
  try {
    return { ok: fn() };
  } catch (err) {
    const e = err as { code?: string; message: string; name: string };
    if (e.code?.startsWith('EAI_')) return { gai: e.code, message: /^EAI_\w+: (.*), get(?:addr|name)info/.exec(e.message)![1] };
    if (e.code?.startsWith('ERR_')) return { invalid: e.name };
    return { os: e.code! };
  }
}

function runCase(c: Case): Outcome {
  const a = c.args ?? [];
  switch (c.op) {
    case 'getaddrinfo':
      return ours(() => (getaddrinfo as (...args: unknown[]) => unknown)(...a));
    case 'getnameinfo':
      return ours(() => getnameinfo(a[0] as [string, number], a[1] as number));
    case 'gethostname':
      return ours(() => gethostname());
    default: {
      const s = socket(c.family!, c.type!);
      try {
        return ours(() => {
          const to = c.address as [string, number];
          if (c.op === 'bind') {
            s.bind(to);
            return s.getsockname()[0];
          }
          if (c.op === 'connect') {
            s.connect(to);
            return s.getpeername();
          }
          return s.sendto(Buffer.from('x'), to);
        });
      } finally {
        s.close();
      }
    }
  }
}

// Python's 'invalid' outcomes (TypeError, ValueError, OSError without errno) are ERR_* here:
// compare that both refused, not the class.
function comparable(o: Outcome): Outcome {
  return 'invalid' in o ? { invalid: 'refused' } : o;
}

function expectSameAsPython(cases: Case[]): void {
  const theirs = pythonOutcomes(cases);
  const mine = cases.map(runCase);
  cases.forEach((c, i) => expect([c, comparable(mine[i])]).toEqual([c, comparable(theirs[i])]));
}

const gai = (...args: unknown[]): Case => ({ op: 'getaddrinfo', args });
const gni = (sockaddr: unknown[], flags: number): Case => ({ op: 'getnameinfo', args: [sockaddr, flags] });

python.describe('as CPython', () => {
  test('getaddrinfo: localhost, numeric IPv4 and IPv6, a null host (AI_PASSIVE and not), services and flags', () => {
    expectSameAsPython([
      gai('localhost', 80),
      gai('localhost', 80, 0, SOCK_STREAM),
      gai('localhost', 'http', AF_INET, SOCK_STREAM),
      gai('localhost', null, 0, 0, 0, AI_CANONNAME),
      gai('127.0.0.1', 80),
      gai('127.0.0.1', '8080', AF_INET, SOCK_DGRAM),
      gai('127.0.0.1', 80, 0, 0, 0, AI_NUMERICHOST | AI_NUMERICSERV),
      gai('1.2.3', 80), // inet_aton's short form: 1.2.0.3
      gai('::1', 443, AF_INET6),
      gai('::1', 443, 0, SOCK_DGRAM),
      gai('fe80::1%1', 80, AF_INET6, SOCK_STREAM),
      gai('127.0.0.1', 80, AF_INET6, 0, 0, AI_V4MAPPED),
      gai(null, 0, 0, SOCK_STREAM, 0, AI_PASSIVE),
      gai(null, 8080, AF_INET6, SOCK_STREAM, 0, AI_PASSIVE),
      gai(null, 80),
      gai(null, 'http', AF_INET, SOCK_STREAM),
    ]);
  });

  test('getaddrinfo failures: the same EAI code and gai_strerror message', () => {
    expectSameAsPython([
      gai('localhost', 80, 0, 0, 0, AI_NUMERICHOST),
      gai('127.0.0.1', 'no-such-service-x'),
      gai('127.0.0.1', 'http', 0, 0, 0, AI_NUMERICSERV),
      gai('127.0.0.1', 80, 12345),
      gai('127.0.0.1', 80, 0, 12345),
      gai('::1', 80, AF_INET),
      gai('127.0.0.1', 80, AF_INET6),
      gai('a..b', 80),
      gai('ü..invalid', 80), // non-ASCII: the encoded labels are checked as Python's idna codec does
      gai('.ü', 80),
      gai(`${'é'.repeat(60)}.invalid`, 80), // a label of 67 characters once encoded
      gai('127.0.0.1'), // no port
      gai(' 127.0.0.1', 80),
      gai(null, null),
      gai('127.0.0.1', 80, 0, 0, 0, 0x7fff0000),
    ]);
  });

  test('getnameinfo and gethostname', () => {
    expectSameAsPython([
      gni(['127.0.0.1', 80], 0),
      gni(['127.0.0.1', 80], NI_NUMERICHOST | NI_NUMERICSERV),
      gni(['127.0.0.1', 53], NI_DGRAM),
      gni(['::1', 22, 0, 0], 0),
      gni(['::1', 22], NI_NUMERICSERV),
      gni(['localhost', 80], 0), // the host must be numeric
      gni(['127.0.0.1', 80, 0, 0], 0), // an IPv4 sockaddr must be a pair
      gni(['a..b', 80], 0),
      { op: 'gethostname' },
    ]);
  });

  test('Socket.bind resolves as CPython: localhost, \'\', <broadcast>, names of the other family, inet_aton forms', () => {
    expectSameAsPython([
      { op: 'bind', family: AF_INET, type: SOCK_DGRAM, address: ['localhost', 0] },
      { op: 'bind', family: AF_INET, type: SOCK_STREAM, address: ['', 0] },
      { op: 'bind', family: AF_INET, type: SOCK_DGRAM, address: ['<broadcast>', 0] },
      { op: 'bind', family: AF_INET, type: SOCK_STREAM, address: ['::1', 0] },
      { op: 'bind', family: AF_INET, type: SOCK_STREAM, address: ['1.2.3', 0] },
      { op: 'bind', family: AF_INET, type: SOCK_STREAM, address: ['a..b', 0] },
      { op: 'bind', family: AF_INET6, type: SOCK_STREAM, address: ['localhost', 0] },
      { op: 'bind', family: AF_INET6, type: SOCK_STREAM, address: ['', 0] },
      { op: 'bind', family: AF_INET6, type: SOCK_STREAM, address: ['::1', 0] },
      { op: 'bind', family: AF_INET6, type: SOCK_STREAM, address: ['127.0.0.1', 0] },
      { op: 'bind', family: AF_INET6, type: SOCK_STREAM, address: ['<broadcast>', 0] },
    ]);
  });

  test('Socket.connect and sendto resolve localhost as CPython', () => {
    const server = track(createServer(['127.0.0.1', 0]));
    const port = server.getsockname()[1];
    const udp = track(socket(AF_INET, SOCK_DGRAM));
    udp.bind(['127.0.0.1', 0]);
    const udpPort = udp.getsockname()[1];
    expectSameAsPython([
      { op: 'connect', family: AF_INET, type: SOCK_STREAM, address: ['localhost', port] },
      { op: 'connect', family: AF_INET6, type: SOCK_STREAM, address: ['localhost', port] },
      { op: 'sendto', family: AF_INET, type: SOCK_DGRAM, address: ['localhost', udpPort] },
    ]);
  });

  withHostname.test('this machine\'s name, from /etc/hosts: getaddrinfo, AI_CANONNAME, bind and connect', () => {
    const server = track(createServer(['127.0.0.1', 0]));
    const port = server.getsockname()[1];
    expectSameAsPython([
      gai(hostname, 80),
      gai(hostname, null, 0, SOCK_STREAM, 0, AI_CANONNAME),
      gai(hostname, 80, AF_INET6),
      { op: 'bind', family: AF_INET, type: SOCK_STREAM, address: [hostname, 0] },
      { op: 'connect', family: AF_INET, type: SOCK_STREAM, address: [hostname, port] },
    ]);
  });
});

test('gethostname is what the OS says (os.hostname)', () => {
  expect(gethostname()).toBe(hostnameOfNode());
});

test('a resolver failure is an Error with the EAI name as code, the EAI value as errno, the syscall and the hostname', () => {
  let err: Record<string, unknown> = {};
  try {
    getaddrinfo(' 127.0.0.1', 80);
  } catch (e) {
    err = e as Record<string, unknown>;
  }
  expect(err).toBeInstanceOf(Error);
  expect(err).toMatchObject({ code: 'EAI_NONAME', syscall: 'getaddrinfo', hostname: ' 127.0.0.1' });
  expect(err.errno).toBe(EAI_NONAME);
  expect(err.message).toMatch(/^EAI_NONAME: .+, getaddrinfo {2}127\.0\.0\.1$/);
});

test('createConnection connects to a name\'s address; a name that does not resolve throws its EAI error', () => {
  const server = track(createServer(['127.0.0.1', 0]));
  const port = server.getsockname()[1];
  const c = track(createConnection(['localhost', port], 5) as Socket);
  expect(c.getpeername()).toEqual(['127.0.0.1', port]);
  expect(() => createConnection(['a..b', port])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' })); // Python: UnicodeError
  expect(() => createConnection([' 127.0.0.1', port])).toThrow(expect.objectContaining({ code: 'EAI_NONAME' }));
});

test('a non-ASCII name is IDNA-encoded before the resolver sees it (it then fails as the ASCII name would)', () => {
  const codeOf = (host: string): string | undefined => {
    try {
      getaddrinfo(host, 80, 0, 0, 0, AI_NUMERICHOST);
    } catch (err) {
      return (err as { code?: string }).code;
    }
    return undefined;
  };
  expect(codeOf('bücher.example')).toBe(codeOf('xn--bcher-kva.example'));
  expect(codeOf('bücher.example')).toBe('EAI_NONAME');
});
