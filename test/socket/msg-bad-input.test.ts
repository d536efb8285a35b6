// sendmsg, recvmsg, recvmsgInto, sendFds, recvFds, CMSG_LEN, CMSG_SPACE × every argument position ×
// the bad-value tables: the code docs/API.md names, never a crash, never a leaked fd. And the
// native layer's own safety net for msg.cc.
import { native } from '../../lib/native';
import { INT32_MAX } from '../../lib/limits';
import {
  AF_INET, AF_UNIX, CMSG_LEN, CMSG_SPACE, SCM_RIGHTS, SOCK_DGRAM, SOL_SOCKET, Socket, recvFds, sendFds, socket, socketpair,
} from '../../lib/socket';
import { BAD_FDS, BAD_INTS, NOT_NUMBERS, NOT_NUMBERS_DEFINED, codeOf, describeSocketRows, type SocketRow } from '../helpers/bad-input';
import { expectNoFdLeaks } from '../helpers/fds';

expectNoFdLeaks();

const buf = () => Buffer.alloc(8);
// Not an iterable of byte views: not iterable at all, a string, or one Buffer/TypedArray alone.
const NOT_ITERABLES: unknown[] = [undefined, null, 3, 'abc', '', {}, true, 3n, () => [], Buffer.from('x'), new Uint8Array(2), new DataView(new ArrayBuffer(2)), new ArrayBuffer(2)];
const NOT_ITERABLES_DEFINED = NOT_ITERABLES.filter((v) => v !== undefined);
// Iterables with an element that is no byte view.
const BAD_ELEMENTS: unknown[] = [[3], ['x'], [null], [undefined], [{}], [new ArrayBuffer(2)], [buf(), 'x'], new Set([1])];
const BAD_ITEMS_TYPE: unknown[] = [[1], [[1]], [[1, 2]], [[1, 2, buf(), 4]], [{}], [null], [[1, 1, 'x']], [[1, 1, null]], [['1', 1, buf()]], [[1, '1', buf()]], [[1, 1, [1]]]];
const BAD_ITEMS_RANGE: unknown[] = [[[1.5, 1, buf()]], [[NaN, 1, buf()]], [[2 ** 31, 1, buf()]], [[1, -(2 ** 31) - 1, buf()]], [[1, Infinity, buf()]]];
const MAX_FDS = Math.floor((INT32_MAX - CMSG_LEN(0)) / 4);

const rows: SocketRow[] = [
  ['sendmsg buffers', (s, v) => s.sendmsg(v as Buffer[]), [...NOT_ITERABLES, ...BAD_ELEMENTS], 'ERR_INVALID_ARG_TYPE'],
  ['sendmsg ancdata', (s, v) => s.sendmsg([buf()], v as []), [...NOT_ITERABLES_DEFINED, ...BAD_ITEMS_TYPE], 'ERR_INVALID_ARG_TYPE'],
  ['sendmsg ancdata', (s, v) => s.sendmsg([buf()], v as []), BAD_ITEMS_RANGE, 'ERR_OUT_OF_RANGE'],
  ['sendmsg flags', (s, v) => s.sendmsg([buf()], [], v as number), NOT_NUMBERS_DEFINED, 'ERR_INVALID_ARG_TYPE'],
  ['sendmsg flags', (s, v) => s.sendmsg([buf()], [], v as number), BAD_INTS, 'ERR_OUT_OF_RANGE'],
  ['sendmsg address', (s, v) => s.sendmsg([buf()], [], 0, v as [string, number]), [3, 'path', {}, [], ['127.0.0.1'], [1, 2], ['127.0.0.1', '80']], 'ERR_INVALID_ARG_TYPE'],
  ['sendmsg address', (s, v) => s.sendmsg([buf()], [], 0, v as [string, number]), [['127.0.0.1', -1], ['127.0.0.1', 65536], ['127.0.0.1', 1.5]], 'ERR_OUT_OF_RANGE'],
  ['sendmsg address', (s, v) => s.sendmsg([buf()], [], 0, v as [string, number]), [['127.0.0.1\0', 80]], 'ERR_INVALID_ARG_VALUE'],
  // Hosts go to the resolver as in CPython (its gaierror codes); these are refused without DNS.
  ['sendmsg address of the other family', (s, v) => s.sendmsg([buf()], [], 0, v as [string, number]), [['::1', 80]], 'EAI_ADDRFAMILY'],
  ['sendmsg address that is no name', (s, v) => s.sendmsg([buf()], [], 0, v as [string, number]), [[' 127.0.0.1', 80]], 'EAI_NONAME'],
  ['recvmsg bufsize', (s, v) => s.recvmsg(v as number), NOT_NUMBERS, 'ERR_INVALID_ARG_TYPE'],
  ['recvmsg bufsize', (s, v) => s.recvmsg(v as number), [-1, ...BAD_INTS], 'ERR_OUT_OF_RANGE'],
  ['recvmsg ancbufsize', (s, v) => s.recvmsg(1, v as number), NOT_NUMBERS_DEFINED, 'ERR_INVALID_ARG_TYPE'],
  ['recvmsg ancbufsize', (s, v) => s.recvmsg(1, v as number), [-1, ...BAD_INTS], 'ERR_OUT_OF_RANGE'],
  ['recvmsg flags', (s, v) => s.recvmsg(1, 0, v as number), NOT_NUMBERS_DEFINED, 'ERR_INVALID_ARG_TYPE'],
  ['recvmsg flags', (s, v) => s.recvmsg(1, 0, v as number), BAD_INTS, 'ERR_OUT_OF_RANGE'],
  ['recvmsgInto buffers', (s, v) => s.recvmsgInto(v as Buffer[]), [...NOT_ITERABLES, ...BAD_ELEMENTS], 'ERR_INVALID_ARG_TYPE'],
  ['recvmsgInto ancbufsize', (s, v) => s.recvmsgInto([buf()], v as number), NOT_NUMBERS_DEFINED, 'ERR_INVALID_ARG_TYPE'],
  ['recvmsgInto ancbufsize', (s, v) => s.recvmsgInto([buf()], v as number), [-1, ...BAD_INTS], 'ERR_OUT_OF_RANGE'],
  ['recvmsgInto flags', (s, v) => s.recvmsgInto([buf()], 0, v as number), NOT_NUMBERS_DEFINED, 'ERR_INVALID_ARG_TYPE'],
  ['recvmsgInto flags', (s, v) => s.recvmsgInto([buf()], 0, v as number), BAD_INTS, 'ERR_OUT_OF_RANGE'],
  ['sendFds sock', (_s, v) => sendFds(v as Socket, [buf()], [0]), [undefined, null, 3, 'x', {}, { fileno: () => 3 }, [], () => 0], 'ERR_INVALID_ARG_TYPE'],
  ['sendFds buffers', (s, v) => sendFds(s, v as Buffer[], [0]), [...NOT_ITERABLES, ...BAD_ELEMENTS], 'ERR_INVALID_ARG_TYPE'],
  // (a TypedArray of fds is an iterable of numbers, as Python's array.array('i'), so it is taken)
  ['sendFds fds', (s, v) => sendFds(s, [buf()], v as number[]), [...NOT_ITERABLES.filter((x) => !ArrayBuffer.isView(x) || x instanceof DataView), ['3'], [null], [undefined], [{}], [{ fileno: 3 }], [{ fileno: () => '3' }], [3n]], 'ERR_INVALID_ARG_TYPE'],
  ['sendFds fds', (s, v) => sendFds(s, [buf()], v as number[]), BAD_FDS.map((fd) => [fd]), 'ERR_INVALID_FD'],
  ['sendFds flags', (s, v) => sendFds(s, [buf()], [0], v as number), NOT_NUMBERS_DEFINED, 'ERR_INVALID_ARG_TYPE'],
  ['sendFds flags', (s, v) => sendFds(s, [buf()], [0], v as number), BAD_INTS, 'ERR_OUT_OF_RANGE'],
  ['sendFds address', (s, v) => sendFds(s, [buf()], [0], 0, v as [string, number]), [3, {}, ['127.0.0.1']], 'ERR_INVALID_ARG_TYPE'],
  ['sendFds address', (s, v) => sendFds(s, [buf()], [0], 0, v as [string, number]), [['127.0.0.1', -1]], 'ERR_OUT_OF_RANGE'],
  ['sendFds address', (s, v) => sendFds(s, [buf()], [0], 0, v as [string, number]), [[' 127.0.0.1', 1]], 'EAI_NONAME'],
  ['recvFds sock', (_s, v) => recvFds(v as Socket, 1, 1), [undefined, null, 3, 'x', {}, { fileno: () => 3 }], 'ERR_INVALID_ARG_TYPE'],
  ['recvFds bufsize', (s, v) => recvFds(s, v as number, 1), NOT_NUMBERS, 'ERR_INVALID_ARG_TYPE'],
  ['recvFds bufsize', (s, v) => recvFds(s, v as number, 1), [-1, ...BAD_INTS], 'ERR_OUT_OF_RANGE'],
  ['recvFds maxfds', (s, v) => recvFds(s, 1, v as number), NOT_NUMBERS, 'ERR_INVALID_ARG_TYPE'],
  ['recvFds maxfds', (s, v) => recvFds(s, 1, v as number), [-1, MAX_FDS + 1, ...BAD_INTS], 'ERR_OUT_OF_RANGE'],
  ['recvFds flags', (s, v) => recvFds(s, 1, 1, v as number), NOT_NUMBERS_DEFINED, 'ERR_INVALID_ARG_TYPE'],
  ['recvFds flags', (s, v) => recvFds(s, 1, 1, v as number), BAD_INTS, 'ERR_OUT_OF_RANGE'],
  ['CMSG_LEN length', (_s, v) => CMSG_LEN(v as number), NOT_NUMBERS, 'ERR_INVALID_ARG_TYPE'],
  ['CMSG_LEN length', (_s, v) => CMSG_LEN(v as number), [-1, ...BAD_INTS, INT32_MAX - CMSG_LEN(0) + 1, INT32_MAX], 'ERR_OUT_OF_RANGE'],
  ['CMSG_SPACE length', (_s, v) => CMSG_SPACE(v as number), NOT_NUMBERS, 'ERR_INVALID_ARG_TYPE'],
  ['CMSG_SPACE length', (_s, v) => CMSG_SPACE(v as number), [-1, ...BAD_INTS, 2147483624, INT32_MAX], 'ERR_OUT_OF_RANGE'],
];

// An AF_INET datagram socket, so that the address rows reach the address checks; the calls that
// pass checks never get that far with a good value in the bad one's place, so nothing is sent.
describeSocketRows('%s', rows);

test('CMSG_LEN and CMSG_SPACE take what CPython takes, up to the same bounds, with its values', () => {
  expect([CMSG_LEN(0), CMSG_LEN(1), CMSG_LEN(4), CMSG_SPACE(0), CMSG_SPACE(1), CMSG_SPACE(4)]).toEqual([16, 17, 20, 16, 24, 24]);
  expect(CMSG_LEN(INT32_MAX - CMSG_LEN(0))).toBe(INT32_MAX);
  expect(CMSG_SPACE(2147483623)).toBe(2147483640);
});

test('a closed (or detached) socket throws ERR_CLOSED from every new call, bad arguments or not', () => {
  const [a, b] = socketpair();
  a.close();
  const fd = b.detach();
  const calls: Array<(s: Socket) => unknown> = [
    (s) => s.sendmsg([buf()]), (s) => s.recvmsg(1), (s) => s.recvmsgInto([buf()]),
    (s) => sendFds(s, [buf()], [0]), (s) => recvFds(s, 1, 1),
    (s) => s.sendmsg('x' as unknown as Buffer[]), (s) => s.recvmsg(-1), (s) => recvFds(s, -1, -1), (s) => sendFds(s, [buf()], [-1]),
  ];
  try {
    for (const s of [a, b]) for (const call of calls) expect([String(call), codeOf(() => call(s))]).toEqual([String(call), 'ERR_CLOSED']);
  } finally {
    native.close(fd);
  }
});

test('OS refusals are SystemErrors naming sendmsg or recvmsg, not crashes', () => {
  const [a, b] = socketpair(AF_UNIX, SOCK_DGRAM);
  const u = socket(AF_INET, SOCK_DGRAM);
  try {
    // An ancillary item the kernel does not know, an address on a connected socket, no address at all.
    expect(codeOf(() => a.sendmsg([buf()], [[SOL_SOCKET, 999, buf()]]))).toBe('EINVAL');
    expect(codeOf(() => u.sendmsg([buf()]))).toBe('EDESTADDRREQ');
    expect(codeOf(() => a.sendmsg([buf()], [], 0, '/nonexistent/iomux-msg-test'))).toMatch(/^E(ISCONN|NOENT)$/);
    b.setblocking(false);
    expect(() => b.recvmsg(1)).toThrow(expect.objectContaining({ code: 'EAGAIN', syscall: 'recvmsg' }));
    expect(() => b.recvmsgInto([buf()])).toThrow(expect.objectContaining({ code: 'EAGAIN', syscall: 'recvmsg' }));
    // SCM_RIGHTS data that is not whole fds sends none (Linux takes it as no fds, as CPython shows).
    expect(a.sendmsg([buf()], [[SOL_SOCKET, SCM_RIGHTS, Buffer.from('abc')]])).toBe(8);
    expect(b.recvmsg(8, 64)[1]).toEqual([]);
  } finally {
    a.close();
    b.close();
    u.close();
  }
});

test('native msg calls given wrong types throw ERR_INVALID_ARG_TYPE / ERR_OUT_OF_RANGE, never crash', () => {
  const n = native as unknown as Record<string, (...args: unknown[]) => unknown>;
  const v = buf();
  for (const args of [
    [0, 'x', [], 0, 0, null, 0, 0, 0], [0, [3], [], 0, 0, null, 0, 0, 0], [0, [v], [[1, 2]], 0, 0, null, 0, 0, 0],
    [0, [v], [[1, 2, 'x']], 0, 0, null, 0, 0, 0], [0, [v], [3], 0, 0, null, 0, 0, 0], [0, [v], null, 0, 0, null, 0, 0, 0],
    ['0', [v], [], 0, 0, null, 0, 0, 0], [0, [v], [], 0, AF_INET, 3, 0, 0, 0], [0, [v], [], 0, AF_INET, '127.0.0.1', 'x', 0, 0],
  ]) expect([args, codeOf(() => n.sendmsg(...args))]).toEqual([args, 'ERR_INVALID_ARG_TYPE']);
  for (const args of [[0, 'x', 0, 0], [0, [3], 0, 0], [0, [v], 'x', 0], ['0', [v], 0, 0], [0, [v], 0]]) {
    expect([args, codeOf(() => n.recvmsg(...args))]).toEqual([args, 'ERR_INVALID_ARG_TYPE']);
  }
  expect(codeOf(() => n.recvmsg(0, [v], -1, 0))).toBe('ERR_OUT_OF_RANGE');
  expect(codeOf(() => n.cmsgLen('1'))).toBe('ERR_INVALID_ARG_TYPE');
  expect(codeOf(() => n.cmsgSpace(-1))).toBe('ERR_OUT_OF_RANGE');
  // OS errors are numbers: a closed fd, a bad host.
  expect(n.recvmsg(-1, [v], 0, 0)).toBe(-9);
  expect(n.sendmsg(-1, [v], [], 0, AF_INET, 'not-an-ip', 1, 0, 0)).toBe(-22);
});
