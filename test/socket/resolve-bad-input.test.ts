// Every export of name resolution and errno × every argument position × the bad-value tables:
// socket.getaddrinfo, getnameinfo, gethostname, loop.getaddrinfo / getnameinfo on both loops, and
// os.strerror — the code docs/API.md names, never a crash, no fd leaked; the native calls fed
// wrong types directly throw instead of crashing.
import { EventLoop } from '../../lib/loop';
import { native } from '../../lib/native';
import { strerror } from '../../lib/os';
import { ProactorEventLoop } from '../../lib/proactor';
import { getaddrinfo, gethostname, getnameinfo } from '../../lib/socket';
import { BAD_INTS, NOT_NUMBERS, NOT_NUMBERS_DEFINED, codeOf, rejectCode } from '../helpers/bad-input';
import { expectNoFdLeaks } from '../helpers/fds';
import { everywhere, whenUring, type Gate } from '../helpers/platform';

expectNoFdLeaks();

// Not a string (nor null, where null is allowed).
const NOT_HOSTS: unknown[] = [undefined, 3, true, {}, [], ['localhost'], () => 'x', 3n, Symbol('h'), new Date(0)];
// Strings no host can be: a NUL; an empty label or one longer than 63 (Python's idna codec refuses them).
const BAD_HOSTS = ['a\0b', 'localhost\0', 'a..b', '.x', `${'a'.repeat(64)}.com`, 'x.'.padStart(70, 'y')];
const NOT_PORTS: unknown[] = [true, {}, [], [80], () => 80, 80n, Symbol('p'), new Date(0)];
const BAD_PORTS: unknown[] = [-1, 65536, 1.5, NaN, Infinity];
const NOT_SOCKADDRS: unknown[] = [undefined, null, '127.0.0.1', 80, {}, [], ['127.0.0.1'], ['127.0.0.1', 80, 0, 0, 0], [80, '127.0.0.1'], [null, 80], [['127.0.0.1'], 80]];

// [position, value, code] for getaddrinfo(host, port, family, type, proto, flags).
const gaiRows: Array<[string, unknown[], string]> = [
  ...NOT_HOSTS.map((v): [string, unknown[], string] => ['host', [v, 80], 'ERR_INVALID_ARG_TYPE']),
  ...BAD_HOSTS.map((v): [string, unknown[], string] => ['host', [v, 80], 'ERR_INVALID_ARG_VALUE']),
  ...NOT_PORTS.map((v): [string, unknown[], string] => ['port', ['localhost', v], 'ERR_INVALID_ARG_TYPE']),
  ...BAD_PORTS.map((v): [string, unknown[], string] => ['port', ['localhost', v], 'ERR_OUT_OF_RANGE']),
  ['port', ['localhost', 'ht\0tp'], 'ERR_INVALID_ARG_VALUE'],
  ...[2, 3, 4, 5].flatMap((i) => [
    ...NOT_NUMBERS_DEFINED.map((v): [string, unknown[], string] => [`argument ${i}`, ['localhost', 80, 0, 0, 0, 0].map((x, j) => (j === i ? v : x)), 'ERR_INVALID_ARG_TYPE']),
    ...BAD_INTS.map((v): [string, unknown[], string] => [`argument ${i}`, ['localhost', 80, 0, 0, 0, 0].map((x, j) => (j === i ? v : x)), 'ERR_OUT_OF_RANGE']),
  ]),
];

// [position, sockaddr, flags, code] for getnameinfo(sockaddr, flags).
const gniRows: Array<[string, unknown, unknown, string]> = [
  ...NOT_SOCKADDRS.map((v): [string, unknown, unknown, string] => ['sockaddr', v, 0, 'ERR_INVALID_ARG_TYPE']),
  ...NOT_NUMBERS.map((v): [string, unknown, unknown, string] => ['sockaddr[1]', ['127.0.0.1', v], 0, 'ERR_INVALID_ARG_TYPE']),
  ...BAD_PORTS.map((v): [string, unknown, unknown, string] => ['sockaddr[1]', ['127.0.0.1', v], 0, 'ERR_OUT_OF_RANGE']),
  ...[-1, 2 ** 20, 1.5].map((v): [string, unknown, unknown, string] => ['sockaddr[2]', ['::1', 80, v, 0], 0, 'ERR_OUT_OF_RANGE']),
  ...[-1, 2 ** 32, 1.5].map((v): [string, unknown, unknown, string] => ['sockaddr[3]', ['::1', 80, 0, v], 0, 'ERR_OUT_OF_RANGE']),
  ['sockaddr[2]', ['::1', 80, '0', 0], 0, 'ERR_INVALID_ARG_TYPE'],
  ['sockaddr[0]', ['127.0.0.1\0', 80], 0, 'ERR_INVALID_ARG_VALUE'],
  ['sockaddr (an IPv4 host with flowinfo and scope id)', ['127.0.0.1', 80, 0, 0], 0, 'ERR_INVALID_ARG_VALUE'],
  ...NOT_NUMBERS.map((v): [string, unknown, unknown, string] => ['flags', ['127.0.0.1', 80], v, 'ERR_INVALID_ARG_TYPE']),
  ...BAD_INTS.map((v): [string, unknown, unknown, string] => ['flags', ['127.0.0.1', 80], v, 'ERR_OUT_OF_RANGE']),
];

describe('socket.getaddrinfo(host, port, family, type, proto, flags)', () => {
  test.each(gaiRows)('%s: %p → %s', (_pos, args, code) => {
    expect(codeOf(() => (getaddrinfo as (...a: unknown[]) => unknown)(...args))).toBe(code);
  });
});

describe('socket.getnameinfo(sockaddr, flags)', () => {
  test.each(gniRows)('%s: %p, %p → %s', (_pos, sockaddr, flags, code) => {
    expect(codeOf(() => getnameinfo(sockaddr as [string, number], flags as number))).toBe(code);
  });
});

test('socket.gethostname() takes no argument and ignores extra ones', () => {
  expect(typeof (gethostname as (...a: unknown[]) => string)(1, 'x', {})).toBe('string');
});

describe('os.strerror(code)', () => {
  test.each([...NOT_NUMBERS.map((v) => [v, 'ERR_INVALID_ARG_TYPE']), ...BAD_INTS.map((v) => [v, 'ERR_OUT_OF_RANGE'])])('%p → %s', (v, code) => {
    expect(codeOf(() => strerror(v as number))).toBe(code);
  });
});

const loops: Array<[string, () => EventLoop | ProactorEventLoop, Gate]> = [
  ['EventLoop', () => new EventLoop(), everywhere],
  ['ProactorEventLoop', () => new ProactorEventLoop(), whenUring],
];
for (const [name, make, gate] of loops) {
  gate.describe(`${name}.getaddrinfo(host, port, options) and getnameinfo(sockaddr, flags, options)`, () => {
    let loop: EventLoop | ProactorEventLoop;
    beforeAll(() => {
      loop = make();
    });
    afterAll(() => loop.close());

    test('getaddrinfo: every bad host and port rejects with the code of the blocking call', async () => {
      for (const [pos, args, code] of gaiRows.filter(([p]) => p === 'host' || p === 'port')) {
        expect([pos, args, await rejectCode(() => loop.getaddrinfo(args[0] as string, args[1] as number))]).toEqual([pos, args, code]);
      }
    });

    test('getaddrinfo: options and each of its fields', async () => {
      for (const o of [null, 3, 'x', true, () => 0]) expect([o, await rejectCode(() => loop.getaddrinfo('localhost', 80, o as never))]).toEqual([o, 'ERR_INVALID_ARG_TYPE']);
      for (const key of ['family', 'type', 'proto', 'flags']) {
        for (const v of NOT_NUMBERS_DEFINED) expect([key, v, await rejectCode(() => loop.getaddrinfo('localhost', 80, { [key]: v }))]).toEqual([key, v, 'ERR_INVALID_ARG_TYPE']);
        for (const v of BAD_INTS) expect([key, v, await rejectCode(() => loop.getaddrinfo('localhost', 80, { [key]: v }))]).toEqual([key, v, 'ERR_OUT_OF_RANGE']);
      }
      for (const s of [3, {}, null, 'signal']) expect([s, await rejectCode(() => loop.getaddrinfo('localhost', 80, { signal: s as never }))]).toEqual([s, 'ERR_INVALID_ARG_TYPE']);
    });

    test('getnameinfo: every bad sockaddr and flags, and options', async () => {
      // undefined flags is the default (0) here, as in Python's loop.getnameinfo.
      for (const [pos, sockaddr, flags, code] of gniRows.filter(([, , f]) => f !== undefined)) {
        expect([pos, sockaddr, flags, await rejectCode(() => loop.getnameinfo(sockaddr as [string, number], flags as number))]).toEqual([pos, sockaddr, flags, code]);
      }
      for (const o of [null, 3, 'x', { signal: 3 }]) expect([o, await rejectCode(() => loop.getnameinfo(['127.0.0.1', 80], 0, o as never))]).toEqual([o, 'ERR_INVALID_ARG_TYPE']);
    });
  });
}

describe('the native calls, given wrong types, throw instead of crashing', () => {
  const n = native as unknown as Record<string, (...a: unknown[]) => unknown>;
  const cb = (): void => {};
  test.each([
    ['getaddrinfo', [3, null, 0, 0, 0, 0]],
    ['getaddrinfo', ['localhost', 80, 0, 0, 0, 0]],
    ['getaddrinfo', ['localhost', null, 'x', 0, 0, 0]],
    ['getaddrinfo', ['localhost', null, 0, 0, 0]],
    ['getaddrinfoAsync', ['localhost', null, 0, 0, 0, 0, 'not a function']],
    ['getaddrinfoAsync', [{}, null, 0, 0, 0, 0, cb]],
    ['getnameinfo', [null, 80, 0, 0, true, 0]],
    ['getnameinfo', ['127.0.0.1', '80', 0, 0, true, 0]],
    ['getnameinfoAsync', ['127.0.0.1', 80, 0, 0, true, 0, null]],
    ['gaiStrerror', ['x']],
    ['strerror', [undefined]],
  ])('%s(%p)', (fn, args) => {
    expect(codeOf(() => n[fn](...(args as unknown[])))).toBe('ERR_INVALID_ARG_TYPE');
  });
});
