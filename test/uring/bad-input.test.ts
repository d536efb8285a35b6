// Every method of Ring, each argument position × the bad values of test/helpers/bad-input.ts:
// the code of the error table, never a crash, nothing half-queued, no fd leaked. Then the native
// calls themselves with wrong types (their safety net).
import { native } from '../../lib/native';
import { socketpair, type Socket } from '../../lib/socket';
import { Ring } from '../../lib/uring';
import { BAD_FDS, NOT_BUFFERS, NOT_FILEOBJS, NOT_NUMBERS, codeOf } from '../helpers/bad-input';
import { openFds } from '../helpers/fds';
import { whenUring } from '../helpers/platform';

type Case = [string, (ring: Ring) => unknown, string];

const without = (values: unknown[], ...drop: unknown[]) => values.filter((v) => !drop.includes(v));
const BAD_TAGS = [-1, -0.5, 1.5, NaN, Infinity, -Infinity, 2 ** 32, 2 ** 53];
const BAD_OFFSETS = [-2, 1.5, NaN, Infinity, -Infinity, 2 ** 53];
const BAD_MASKS = [-1, 1.5, NaN, Infinity, 2 ** 32, 0x40000000];

let a: Socket;
let b: Socket;

function fdCases(label: string, call: (ring: Ring, fd: unknown) => unknown): Case[] {
  return [
    ...NOT_FILEOBJS.map((v): Case => [`${label} fd=${String(v)}`, (r) => call(r, v), 'ERR_INVALID_ARG_TYPE']),
    ...BAD_FDS.map((v): Case => [`${label} fd=${v}`, (r) => call(r, v), 'ERR_INVALID_FD']),
  ];
}

function tagCases(label: string, call: (ring: Ring, tag: unknown) => unknown, name = 'tag'): Case[] {
  return [
    ...NOT_NUMBERS.map((v): Case => [`${label} ${name}=${String(v)}`, (r) => call(r, v), 'ERR_INVALID_ARG_TYPE']),
    ...BAD_TAGS.map((v): Case => [`${label} ${name}=${v}`, (r) => call(r, v), 'ERR_OUT_OF_RANGE']),
  ];
}

function bufferCases(label: string, call: (ring: Ring, buf: unknown) => unknown): Case[] {
  return NOT_BUFFERS.map((v): Case => [`${label} buf=${String(v)}`, (r) => call(r, v), 'ERR_INVALID_ARG_TYPE']);
}

function offsetCases(label: string, call: (ring: Ring, off: unknown) => unknown): Case[] {
  return [
    ...NOT_NUMBERS.map((v): Case => [`${label} offset=${String(v)}`, (r) => call(r, v), 'ERR_INVALID_ARG_TYPE']),
    ...BAD_OFFSETS.map((v): Case => [`${label} offset=${v}`, (r) => call(r, v), 'ERR_OUT_OF_RANGE']),
  ];
}

const any = (f: unknown) => f as (...args: unknown[]) => unknown;
const buf = () => Buffer.alloc(4);

const CASES: Case[] = [
  ...fdCases('prepRecv', (r, fd) => any(r.prepRecv).call(r, fd, buf(), 1)),
  ...bufferCases('prepRecv', (r, v) => any(r.prepRecv).call(r, a, v, 1)),
  ...tagCases('prepRecv', (r, t) => any(r.prepRecv).call(r, a, buf(), t)),
  ...fdCases('prepSend', (r, fd) => any(r.prepSend).call(r, fd, buf(), 1)),
  ...bufferCases('prepSend', (r, v) => any(r.prepSend).call(r, a, v, 1)),
  ...tagCases('prepSend', (r, t) => any(r.prepSend).call(r, a, buf(), t)),
  ...fdCases('prepRead', (r, fd) => any(r.prepRead).call(r, fd, buf(), 0, 1)),
  ...bufferCases('prepRead', (r, v) => any(r.prepRead).call(r, a, v, 0, 1)),
  ...offsetCases('prepRead', (r, o) => any(r.prepRead).call(r, a, buf(), o, 1)),
  ...tagCases('prepRead', (r, t) => any(r.prepRead).call(r, a, buf(), 0, t)),
  ...fdCases('prepWrite', (r, fd) => any(r.prepWrite).call(r, fd, buf(), 0, 1)),
  ...bufferCases('prepWrite', (r, v) => any(r.prepWrite).call(r, a, v, 0, 1)),
  ...offsetCases('prepWrite', (r, o) => any(r.prepWrite).call(r, a, buf(), o, 1)),
  ...tagCases('prepWrite', (r, t) => any(r.prepWrite).call(r, a, buf(), 0, t)),
  ...fdCases('prepAccept', (r, fd) => any(r.prepAccept).call(r, fd, 1)),
  ...tagCases('prepAccept', (r, t) => any(r.prepAccept).call(r, a, t)),
  ...fdCases('prepConnect', (r, fd) => any(r.prepConnect).call(r, fd, ['127.0.0.1', 1], 1)),
  ...[undefined, null, 3, {}, ['127.0.0.1'], [3, 80], () => 0].map((v): Case => [`prepConnect address=${JSON.stringify(v)}`, (r) => any(r.prepConnect).call(r, a, v, 1), 'ERR_INVALID_ARG_TYPE']),
  ['prepConnect address=[999.1.1.1, 80]', (r) => r.prepConnect(a, ['999.1.1.1', 80], 1), 'ERR_INVALID_ARG_VALUE'],
  ['prepConnect address=[example.com, 80] (no name resolution)', (r) => r.prepConnect(a, ['example.com', 80], 1), 'ERR_INVALID_ARG_VALUE'],
  ['prepConnect address=[127.0.0.1, 70000]', (r) => r.prepConnect(a, ['127.0.0.1', 70000], 1), 'ERR_OUT_OF_RANGE'],
  ...tagCases('prepConnect', (r, t) => any(r.prepConnect).call(r, a, ['127.0.0.1', 1], t)),
  ...fdCases('prepPollAdd', (r, fd) => any(r.prepPollAdd).call(r, fd, 1, 1)),
  ...NOT_NUMBERS.map((v): Case => [`prepPollAdd mask=${String(v)}`, (r) => any(r.prepPollAdd).call(r, a, v, 1), 'ERR_INVALID_ARG_TYPE']),
  ...BAD_MASKS.map((v): Case => [`prepPollAdd mask=${v}`, (r) => any(r.prepPollAdd).call(r, a, v, 1), 'ERR_INVALID_ARG_VALUE']),
  ...tagCases('prepPollAdd', (r, t) => any(r.prepPollAdd).call(r, a, 1, t)),
  ...tagCases('prepCancel', (r, t) => any(r.prepCancel).call(r, t, 1), 'targetTag'),
  ...tagCases('prepCancel', (r, t) => any(r.prepCancel).call(r, 1, t)),
  ...NOT_NUMBERS.map((v): Case => [`prepTimeout seconds=${String(v)}`, (r) => any(r.prepTimeout).call(r, v, 1), 'ERR_INVALID_ARG_TYPE']),
  ['prepTimeout seconds=NaN', (r) => r.prepTimeout(NaN, 1), 'ERR_INVALID_ARG_VALUE'],
  ...[-1, -1e-9, Infinity, -Infinity, 1e10].map((v): Case => [`prepTimeout seconds=${v}`, (r) => r.prepTimeout(v, 1), 'ERR_OUT_OF_RANGE']),
  ...tagCases('prepTimeout', (r, t) => any(r.prepTimeout).call(r, 1, t)),
  ...without(NOT_NUMBERS, undefined).map((v): Case => [`wait minComplete=${String(v)}`, (r) => any(r.wait).call(r, v, 0), 'ERR_INVALID_ARG_TYPE']),
  ...[-1, 1.5, NaN, Infinity, 17].map((v): Case => [`wait minComplete=${v}`, (r) => r.wait(v, 0), 'ERR_OUT_OF_RANGE']),
  ['wait minComplete=1 with nothing pending and no timeout (would never end)', (r) => r.wait(1), 'ERR_OUT_OF_RANGE'],
  ...without(NOT_NUMBERS, undefined, null).map((v): Case => [`wait timeoutSeconds=${String(v)}`, (r) => any(r.wait).call(r, 0, v), 'ERR_INVALID_ARG_TYPE']),
  ['wait timeoutSeconds=NaN', (r) => r.wait(0, NaN), 'ERR_INVALID_ARG_VALUE'],
  ...[undefined, null, [0, 0, 0], new Uint32Array(3), new Float64Array(3), Buffer.alloc(12), 3].map((v): Case => [`waitInto out=${String(v)}`, (r) => any(r.waitInto).call(r, v, 0, 0), 'ERR_INVALID_ARG_TYPE']),
  ['waitInto out=Int32Array(2)', (r) => r.waitInto(new Int32Array(2), 0, 0), 'ERR_OUT_OF_RANGE'],
  ...without(NOT_NUMBERS, undefined).map((v): Case => [`waitInto minComplete=${String(v)}`, (r) => any(r.waitInto).call(r, new Int32Array(3), v, 0), 'ERR_INVALID_ARG_TYPE']),
];

const CTOR_CASES: Array<[string, () => unknown, string]> = [
  ...without(NOT_NUMBERS, undefined).map((v): [string, () => unknown, string] => [`entries=${String(v)}`, () => new Ring(v as number), 'ERR_INVALID_ARG_TYPE']),
  ...[0, -1, 1.5, NaN, Infinity, 32769, 2 ** 31].map((v): [string, () => unknown, string] => [`entries=${v}`, () => new Ring(v), 'ERR_OUT_OF_RANGE']),
  ...[null, 3, 'x', true, () => 0].map((v): [string, () => unknown, string] => [`options=${String(v)}`, () => new Ring(8, v as never), 'ERR_INVALID_ARG_TYPE']),
  ...without(NOT_NUMBERS, undefined).map((v): [string, () => unknown, string] => [`cqEntries=${String(v)}`, () => new Ring(8, { cqEntries: v as number }), 'ERR_INVALID_ARG_TYPE']),
  ...[7, 0, -1, 1.5, NaN, 65537].map((v): [string, () => unknown, string] => [`cqEntries=${v} (entries 8)`, () => new Ring(8, { cqEntries: v }), 'ERR_OUT_OF_RANGE']),
  ...['yes', {}, null, NaN].map((v): [string, () => unknown, string] => [`deferTaskrun=${String(v)}`, () => new Ring(8, { deferTaskrun: v as boolean }), 'ERR_INVALID_ARG_TYPE']),
];

let fdsBefore: number[];
let ring: Ring;
beforeAll(() => {
  fdsBefore = openFds();
  [a, b] = socketpair();
});
afterAll(() => {
  a.close();
  b.close();
  expect(openFds()).toEqual(fdsBefore);
});

describe('Ring methods', () => {
  beforeAll(() => {
    if (Ring.available) ring = new Ring(8); // cqEntries 16
  });
  afterAll(() => ring?.close());

  whenUring.test(`${CASES.length} bad calls each throw their code and leave nothing queued`, () => {
    const wrong: string[] = [];
    for (const [label, call, code] of CASES) {
      const got = codeOf(() => call(ring));
      if (got !== code) wrong.push(`${label}: ${got} (expected ${code})`);
      if (ring.pending !== 0) wrong.push(`${label}: left ${ring.pending} queued`);
    }
    expect(wrong).toEqual([]);
  });

  whenUring.test('a duplicate pending tag: ERR_INVALID_ARG_VALUE, the first op untouched', () => {
    ring.prepTimeout(0, 42);
    expect(codeOf(() => ring.prepRecv(a, buf(), 42))).toBe('ERR_INVALID_ARG_VALUE');
    expect(ring.pending).toBe(1);
    expect(ring.wait(1, 5).map(([tag]) => tag)).toEqual([42]);
  });
});

whenUring.test(`constructor: ${CTOR_CASES.length} bad arguments each throw their code, no fd opened`, () => {
  const before = openFds();
  const wrong = CTOR_CASES.map(([label, call, code]) => [label, codeOf(call), code]).filter(([, got, code]) => got !== code);
  expect(wrong).toEqual([]);
  expect(openFds()).toEqual(before);
});

whenUring.test('the native calls with wrong types throw ERR_INVALID_ARG_TYPE (never crash)', () => {
  const h = native.uringSetup!(4, 0, false);
  expect(typeof h).toBe('object');
  try {
    const calls: Array<() => unknown> = [
      () => any(native.uringFd)({}),
      () => any(native.uringPending)(3),
      () => any(native.uringSubmit)(null),
      () => any(native.uringClose)(undefined),
      () => any(native.uringPrepBuffer)(h, 0, 'x', buf(), 0, 1),
      () => any(native.uringPrepBuffer)(h, 0, 1, 'x', 0, 1),
      () => any(native.uringPrepAccept)(h, 1, 'x'),
      () => any(native.uringPrepConnect)(h, 1, 2, 3, 80, 0, 0, 1),
      () => any(native.uringPrepPollAdd)(h, {}, 1, 1),
      () => any(native.uringPrepCancel)(h, 'x', 1),
      () => any(native.uringPrepTimeout)(h, 'x', 1),
      () => any(native.uringWait)(h, 0, 0, new Uint8Array(3)),
      () => any(native.uringSetup)('x', 0),
    ];
    expect(calls.map((c) => codeOf(c))).toEqual(calls.map(() => 'ERR_INVALID_ARG_TYPE'));
    expect(codeOf(() => any(native.uringPrepTimeout)(h, 1, -1))).toBe('ERR_OUT_OF_RANGE');
    expect(native.uringPending!(h as never)).toBe(0);
  } finally {
    native.uringClose!(h as never);
  }
});

whenUring.test('a fileno() that closes the ring: ERR_CLOSED, as any call after close()', () => {
  const [x, y] = socketpair();
  try {
    const closing = (ring: Ring) => ({ fileno: () => (ring.close(), x.fileno()) });
    const calls: Array<(ring: Ring) => unknown> = [
      (r) => r.prepRecv(closing(r), Buffer.alloc(4), 1),
      (r) => r.prepSend(closing(r), Buffer.alloc(4), 1),
      (r) => r.prepAccept(closing(r), 1),
      (r) => r.prepPollAdd(closing(r), 1, 1),
      (r) => r.prepConnect(closing(r), '/nonexistent', 1),
    ];
    for (const call of calls) {
      const ring = new Ring(4);
      expect(codeOf(() => call(ring))).toBe('ERR_CLOSED');
      ring.close();
    }
  } finally {
    x.close();
    y.close();
  }
});
