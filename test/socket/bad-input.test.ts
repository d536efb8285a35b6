// Every exported function and Socket method × every argument position × the bad-value tables:
// the code docs/API.md names, never a crash, never a leaked fd.
import { close as osClose } from '../../lib/os';
import { BAD_FDS, BAD_INTS, NOT_BUFFERS, NOT_NUMBERS, NOT_NUMBERS_DEFINED, codeOf, describeSocketRows, type SocketRow } from '../helpers/bad-input';
import { expectNoFdLeaks } from '../helpers/fds';
import {
  AF_INET, AF_INET6, AF_UNIX, SOCK_DGRAM, SOL_SOCKET, SO_TYPE, Socket, createConnection, createServer, socket, socketpair,
} from '../../lib/socket';

expectNoFdLeaks();

const NOT_FLAGS = [undefined, null, '1', {}, [], NaN, () => true, 1n];
const buf = () => Buffer.alloc(8);

const socketRows: SocketRow[] = [
  ['recv n', (s, v) => s.recv(v as number), NOT_NUMBERS, 'ERR_INVALID_ARG_TYPE'],
  ['recv n', (s, v) => s.recv(v as number), [-1, ...BAD_INTS], 'ERR_OUT_OF_RANGE'],
  ['recv flags', (s, v) => s.recv(1, v as number), NOT_NUMBERS_DEFINED, 'ERR_INVALID_ARG_TYPE'],
  ['recv flags', (s, v) => s.recv(1, v as number), BAD_INTS, 'ERR_OUT_OF_RANGE'],
  ['recvInto buf', (s, v) => s.recvInto(v as Buffer), NOT_BUFFERS, 'ERR_INVALID_ARG_TYPE'],
  ['recvInto nbytes', (s, v) => s.recvInto(buf(), v as number), NOT_NUMBERS_DEFINED, 'ERR_INVALID_ARG_TYPE'],
  ['recvInto nbytes', (s, v) => s.recvInto(buf(), v as number), [-1, 9, 100, ...BAD_INTS], 'ERR_OUT_OF_RANGE'],
  ['recvInto flags', (s, v) => s.recvInto(buf(), 1, v as number), NOT_NUMBERS_DEFINED, 'ERR_INVALID_ARG_TYPE'],
  ['tryRecvInto buf', (s, v) => s.tryRecvInto(v as Buffer), NOT_BUFFERS, 'ERR_INVALID_ARG_TYPE'],
  ['tryRecvInto nbytes', (s, v) => s.tryRecvInto(buf(), v as number), NOT_NUMBERS_DEFINED, 'ERR_INVALID_ARG_TYPE'],
  ['tryRecvInto nbytes', (s, v) => s.tryRecvInto(buf(), v as number), [-1, 9, ...BAD_INTS], 'ERR_OUT_OF_RANGE'],
  ['tryRecvInto flags', (s, v) => s.tryRecvInto(buf(), 1, v as number), BAD_INTS, 'ERR_OUT_OF_RANGE'],
  ['recvfrom n', (s, v) => s.recvfrom(v as number), NOT_NUMBERS, 'ERR_INVALID_ARG_TYPE'],
  ['recvfrom n', (s, v) => s.recvfrom(v as number), [-1, ...BAD_INTS], 'ERR_OUT_OF_RANGE'],
  ['recvfromInto buf', (s, v) => s.recvfromInto(v as Buffer), NOT_BUFFERS, 'ERR_INVALID_ARG_TYPE'],
  ['recvfromInto nbytes', (s, v) => s.recvfromInto(buf(), v as number), [-1, 9], 'ERR_OUT_OF_RANGE'],
  ['send data', (s, v) => s.send(v as Buffer), NOT_BUFFERS, 'ERR_INVALID_ARG_TYPE'],
  ['send flags', (s, v) => s.send(buf(), v as number), NOT_NUMBERS_DEFINED, 'ERR_INVALID_ARG_TYPE'],
  ['send flags', (s, v) => s.send(buf(), v as number), BAD_INTS, 'ERR_OUT_OF_RANGE'],
  ['trySend data', (s, v) => s.trySend(v as Buffer), NOT_BUFFERS, 'ERR_INVALID_ARG_TYPE'],
  ['trySend flags', (s, v) => s.trySend(buf(), v as number), BAD_INTS, 'ERR_OUT_OF_RANGE'],
  ['sendall data', (s, v) => s.sendall(v as Buffer), NOT_BUFFERS, 'ERR_INVALID_ARG_TYPE'],
  ['sendall flags', (s, v) => s.sendall(buf(), v as number), NOT_NUMBERS_DEFINED, 'ERR_INVALID_ARG_TYPE'],
  ['sendto data', (s, v) => s.sendto(v as Buffer, ['127.0.0.1', 9]), NOT_BUFFERS, 'ERR_INVALID_ARG_TYPE'],
  ['sendto flags', (s, v) => s.sendto(buf(), v as number, ['127.0.0.1', 9]), NOT_NUMBERS, 'ERR_INVALID_ARG_TYPE'],
  ['sendto flags', (s, v) => s.sendto(buf(), v as number, ['127.0.0.1', 9]), BAD_INTS, 'ERR_OUT_OF_RANGE'],
  ['shutdown how', (s, v) => s.shutdown(v as number), NOT_NUMBERS, 'ERR_INVALID_ARG_TYPE'],
  ['shutdown how', (s, v) => s.shutdown(v as number), BAD_INTS, 'ERR_OUT_OF_RANGE'],
  ['listen backlog', (s, v) => s.listen(v as number), NOT_NUMBERS_DEFINED, 'ERR_INVALID_ARG_TYPE'],
  ['listen backlog', (s, v) => s.listen(v as number), BAD_INTS, 'ERR_OUT_OF_RANGE'],
  ['setBlocking flag', (s, v) => s.setBlocking(v as boolean), NOT_FLAGS, 'ERR_INVALID_ARG_TYPE'],
  ['setsockopt level', (s, v) => s.setsockopt(v as number, SO_TYPE, 1), NOT_NUMBERS, 'ERR_INVALID_ARG_TYPE'],
  ['setsockopt level', (s, v) => s.setsockopt(v as number, SO_TYPE, 1), BAD_INTS, 'ERR_OUT_OF_RANGE'],
  ['setsockopt option', (s, v) => s.setsockopt(SOL_SOCKET, v as number, 1), NOT_NUMBERS, 'ERR_INVALID_ARG_TYPE'],
  ['setsockopt option', (s, v) => s.setsockopt(SOL_SOCKET, v as number, 1), BAD_INTS, 'ERR_OUT_OF_RANGE'],
  ['setsockopt value', (s, v) => s.setsockopt(SOL_SOCKET, SO_TYPE, v as number), NOT_BUFFERS.filter((x) => typeof x !== 'number'), 'ERR_INVALID_ARG_TYPE'],
  ['setsockopt value', (s, v) => s.setsockopt(SOL_SOCKET, SO_TYPE, v as number), BAD_INTS, 'ERR_OUT_OF_RANGE'],
  ['getsockopt level', (s, v) => s.getsockopt(v as number, SO_TYPE), NOT_NUMBERS, 'ERR_INVALID_ARG_TYPE'],
  ['getsockopt option', (s, v) => s.getsockopt(SOL_SOCKET, v as number), BAD_INTS, 'ERR_OUT_OF_RANGE'],
  ['getsockopt buflen', (s, v) => s.getsockopt(SOL_SOCKET, SO_TYPE, v as number), NOT_NUMBERS_DEFINED, 'ERR_INVALID_ARG_TYPE'],
  ['getsockopt buflen', (s, v) => s.getsockopt(SOL_SOCKET, SO_TYPE, v as number), [0, -1, 1025, ...BAD_INTS], 'ERR_OUT_OF_RANGE'],
];

// Addresses for an AF_INET socket, by the code each must throw.
const INET_BAD_TYPE = [undefined, null, 3, 'path', {}, [], ['127.0.0.1'], ['127.0.0.1', 1, 2], [1, 2], ['127.0.0.1', '80'], ['127.0.0.1', null]];
const INET_BAD_RANGE = [['127.0.0.1', -1], ['127.0.0.1', 65536], ['127.0.0.1', 1.5], ['127.0.0.1', NaN]];
const INET_BAD_VALUE = [['127.0.0.1\0', 80], ['a\0b', 80]];
// Hosts the resolver refuses without asking DNS (glibc: a bad label, an address of the other family): EAI_*.
const INET_BAD_NAME = [['::1', 80], [' 127.0.0.1', 80], ['a..b', 80]];
const INET6_BAD_TYPE = [undefined, 'path', ['::1'], ['::1', 1, 0, 0, 0], [6, 1]];
const INET6_BAD_RANGE = [['::1', 1, -1], ['::1', 1, 2 ** 20], ['::1', 1, 0, -1], ['::1', 1, 0, 2 ** 32], ['::1', 70000]];
const INET6_BAD_VALUE = [['::1%99999999999', 80], ['<broadcast>', 80], ['::1\0', 80]];
const INET6_BAD_NAME = [['127.0.0.1', 80], ['::1%nosuchif0', 80], ['a..b', 80]];
const UNIX_BAD_TYPE = [undefined, null, 3, ['a', 1], {}, Buffer.from('x')];
const UNIX_BAD_VALUE = ['/tmp/a\0b', 'a\0'];

type AddrCall = [string, (s: Socket, a: unknown) => unknown];
const addressCalls: AddrCall[] = [
  ['bind', (s, a) => s.bind(a as string)],
  ['connect', (s, a) => s.connect(a as string)],
  ['connectEx', (s, a) => s.connectEx(a as string)],
  ['sendto(data, address)', (s, a) => s.sendto(buf(), a as string)],
  ['sendto(data, flags, address)', (s, a) => s.sendto(buf(), 0, a as string)],
];

describeSocketRows('Socket %s', socketRows);

describe.each(addressCalls)('address checks of %s', (_name, call) => {
  const cases: Array<[number, unknown[], string]> = [
    [AF_INET, INET_BAD_TYPE, 'ERR_INVALID_ARG_TYPE'],
    [AF_INET, INET_BAD_RANGE, 'ERR_OUT_OF_RANGE'],
    [AF_INET, INET_BAD_VALUE, 'ERR_INVALID_ARG_VALUE'],
    [AF_INET, INET_BAD_NAME, 'EAI'],
    [AF_INET6, INET6_BAD_TYPE, 'ERR_INVALID_ARG_TYPE'],
    [AF_INET6, INET6_BAD_RANGE, 'ERR_OUT_OF_RANGE'],
    [AF_INET6, INET6_BAD_VALUE, 'ERR_INVALID_ARG_VALUE'],
    [AF_INET6, INET6_BAD_NAME, 'EAI'],
    [AF_UNIX, UNIX_BAD_TYPE, 'ERR_INVALID_ARG_TYPE'],
    [AF_UNIX, UNIX_BAD_VALUE, 'ERR_INVALID_ARG_VALUE'],
  ];
  test.each(cases)('family %i: bad addresses → %#', (family, values, code) => {
    const s = socket(family, SOCK_DGRAM);
    try {
      for (const v of values) {
        const got = codeOf(() => call(s, v));
        expect([v, code === 'EAI' && got?.startsWith('EAI_') ? 'EAI' : got]).toEqual([v, code]);
      }
    } finally {
      s.close();
    }
  });
});

test('a closed (or detached) socket throws ERR_CLOSED from every method but close/detach/fileno/closed', () => {
  const [a, b] = socketpair();
  a.close();
  const detached = b.detach(); // the fd stays open: closed at the end
  const calls: Array<(s: Socket) => unknown> = [
    (s) => s.setBlocking(false), (s) => s.getBlocking(), (s) => s.bind('x'), (s) => s.listen(), (s) => s.accept(),
    (s) => s.connect('x'), (s) => s.connectEx('x'), (s) => s.recv(1), (s) => s.recvInto(buf()), (s) => s.tryRecvInto(buf()),
    (s) => s.recvfrom(1), (s) => s.recvfromInto(buf()), (s) => s.send(buf()), (s) => s.trySend(buf()), (s) => s.sendall(buf()),
    (s) => s.sendto(buf(), 'x'), (s) => s.shutdown(0), (s) => s.getsockname(), (s) => s.getpeername(),
    (s) => s.setsockopt(SOL_SOCKET, SO_TYPE, 1), (s) => s.getsockopt(SOL_SOCKET, SO_TYPE),
    // bad arguments too: closed wins
    (s) => s.recv(-1), (s) => s.send('x' as unknown as Buffer),
  ];
  try {
    for (const s of [a, b]) {
      for (const call of calls) expect([String(call), codeOf(() => call(s))]).toEqual([String(call), 'ERR_CLOSED']);
      expect(s.fileno()).toBe(-1);
      expect(s.closed).toBe(true);
      expect(s.detach()).toBe(-1);
      s.close();
      s[Symbol.dispose]();
    }
  } finally {
    osClose(detached);
  }
});

describe('factories', () => {
  test.each(NOT_NUMBERS_DEFINED.map((v) => [v]))('socket/socketpair family, type, proto %p → ERR_INVALID_ARG_TYPE', (v) => {
    expect(codeOf(() => socket(v as number))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => socket(AF_INET, v as number))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => socket(AF_INET, SOCK_DGRAM, v as number))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => socketpair(v as number))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => socketpair(AF_UNIX, v as number))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => socketpair(AF_UNIX, SOCK_DGRAM, v as number))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => new Socket(v as number))).toBe('ERR_INVALID_ARG_TYPE');
  });

  test.each(BAD_INTS.map((v) => [v]))('socket/socketpair family, type, proto %p → ERR_OUT_OF_RANGE', (v) => {
    expect(codeOf(() => socket(v))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => socket(AF_INET, v))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => socketpair(AF_UNIX, SOCK_DGRAM, v))).toBe('ERR_OUT_OF_RANGE');
  });

  test('unknown families and types are the OS error, not a crash', () => {
    expect(codeOf(() => socket(12345))).toMatch(/^E[A-Z]+$/);
    expect(codeOf(() => socket(AF_INET, 12345))).toMatch(/^E[A-Z]+$/);
    expect(codeOf(() => socketpair(AF_INET))).toMatch(/^E[A-Z]+$/);
  });

  test.each([...BAD_FDS.map((v) => [v, 'ERR_INVALID_FD']), ...NOT_NUMBERS.map((v) => [v, 'ERR_INVALID_ARG_TYPE'])])(
    'Socket.fromFd(%p) → %s', (v, code) => {
      expect(codeOf(() => Socket.fromFd(v as number))).toBe(code);
    });

  test('createServer: bad addresses and options', () => {
    // (a string is an AF_UNIX path; a 3-element array implies AF_INET6)
    for (const v of INET_BAD_TYPE.filter((x) => typeof x !== 'string' && !(Array.isArray(x) && x.length === 3))) {
      expect([v, codeOf(() => createServer(v as [string, number]))]).toEqual([v, 'ERR_INVALID_ARG_TYPE']);
    }
    for (const v of INET_BAD_RANGE) expect([v, codeOf(() => createServer(v as [string, number]))]).toEqual([v, 'ERR_OUT_OF_RANGE']);
    for (const v of INET_BAD_VALUE) expect([v, codeOf(() => createServer(v as [string, number]))]).toEqual([v, 'ERR_INVALID_ARG_VALUE']);
    for (const v of INET_BAD_NAME.filter((x) => x[0] !== '::1')) expect([v, codeOf(() => createServer(v as [string, number]))]).toEqual([v, 'EAI_NONAME']);
    const ok: [string, number] = ['127.0.0.1', 0];
    for (const v of [3, 'x', true] as unknown[]) expect(codeOf(() => createServer(ok, v as object))).toBe('ERR_INVALID_ARG_TYPE');
    for (const v of NOT_NUMBERS_DEFINED) expect(codeOf(() => createServer(ok, { family: v as number }))).toBe('ERR_INVALID_ARG_TYPE');
    for (const v of NOT_NUMBERS_DEFINED) expect(codeOf(() => createServer(ok, { backlog: v as number }))).toBe('ERR_INVALID_ARG_TYPE');
    for (const v of BAD_INTS) expect(codeOf(() => createServer(ok, { backlog: v }))).toBe('ERR_OUT_OF_RANGE');
    for (const v of NOT_FLAGS.filter((x) => x !== undefined)) {
      expect(codeOf(() => createServer(ok, { reusePort: v as boolean }))).toBe('ERR_INVALID_ARG_TYPE');
    }
    expect(codeOf(() => createServer(ok, { dualstackIpv6: true }))).toBe('ERR_INVALID_ARG_VALUE');
    // A family the address does not fit: the resolver's answer for that family, as Python's.
    expect(codeOf(() => createServer(ok, { family: AF_INET6 }))).toBe('EAI_ADDRFAMILY');
  });

  test('createConnection: bad addresses and timeouts, refused before any socket is made', () => {
    for (const v of [undefined, null, 3, 'path', {}, [], ['127.0.0.1'], [1, 2], ['127.0.0.1', '80']]) {
      expect([v, codeOf(() => createConnection(v as [string, number]))]).toEqual([v, 'ERR_INVALID_ARG_TYPE']);
    }
    for (const v of INET_BAD_RANGE) expect([v, codeOf(() => createConnection(v as [string, number]))]).toEqual([v, 'ERR_OUT_OF_RANGE']);
    expect(codeOf(() => createConnection(['a\0b', 80]))).toBe('ERR_INVALID_ARG_VALUE');
    expect(codeOf(() => createConnection(['a..b', 80]))).toBe('ERR_INVALID_ARG_VALUE'); // an empty label: Python's idna codec refuses it
    expect(codeOf(() => createConnection([' 127.0.0.1', 80]))).toBe('EAI_NONAME');
    expect(codeOf(() => createConnection([' 127.0.0.1', 1.5]))).toBe('ERR_OUT_OF_RANGE');
    const to: [string, number] = ['127.0.0.1', 9];
    for (const v of ['1', {}, true, 1n]) expect(codeOf(() => createConnection(to, v as number))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => createConnection(to, NaN))).toBe('ERR_INVALID_ARG_VALUE');
    expect(codeOf(() => createConnection(to, -1))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => createConnection(to, 1e10))).toBe('ERR_OUT_OF_RANGE');
  });
});
