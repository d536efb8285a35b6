// Every exported function and method of iomux/select, each argument position × the bad values of
// test/helpers/bad-input.ts: the code of docs/API.md's error table, never a crash, no fd leaked, and
// nothing half-registered.
import { C, native } from '../../lib/native';
import { close as osClose, pipe } from '../../lib/os';
import * as sel from '../../lib/select';
import { BAD_FDS, NOT_FILEOBJS, NOT_NUMBERS, codeOf } from '../helpers/bad-input';
import { openFds } from '../helpers/fds';
import { whenEpoll, whenKqueue, withoutKqueue } from '../helpers/platform';

const haveKqueue = whenKqueue.runs;

const without = (values: unknown[], ...drop: unknown[]) => values.filter((v) => !drop.includes(v));
// Not iterable at all (arrays are iterables of file objects, so they are not here).
const NOT_ITERABLES = NOT_NUMBERS.filter((v) => !Array.isArray(v));
// Numbers that are not event masks.
const BAD_MASKS = [-1, 1.5, NaN, Infinity, -Infinity, 2 ** 32, 2 ** 40];
const BAD_TIMEOUT_TYPES = without(NOT_NUMBERS, undefined, null);

type Case = [string, () => unknown, string];

let r = -1;
let w = -1;
let fdsBefore: number[];
// The open fds once they stop changing (libkqueue closes a kqueue's internals from its own thread).
async function settledFds(): Promise<number[]> {
  let fds = openFds();
  for (let stable = 0, i = 0; haveKqueue && stable < 3 && i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const next = openFds();
    stable = JSON.stringify(next) === JSON.stringify(fds) ? stable + 1 : 0;
    fds = next;
  }
  return fds;
}

beforeAll(async () => {
  // libkqueue (Linux) opens fds of its own on first use: let that happen before counting.
  if (haveKqueue) sel.kqueue().close();
  fdsBefore = await settledFds();
  [r, w] = pipe();
});
afterAll(async () => {
  osClose(r);
  osClose(w);
  expect(await settledFds()).toEqual(fdsBefore);
});

function fdCases(label: string, call: (fd: unknown) => unknown): Case[] {
  return [
    ...NOT_FILEOBJS.map((v): Case => [`${label} fd=${String(v)}`, () => call(v), 'ERR_INVALID_ARG_TYPE']),
    ...BAD_FDS.map((v): Case => [`${label} fd=${v}`, () => call(v), 'ERR_INVALID_FD']),
    ...BAD_FDS.map((v): Case => [`${label} fd=fileno()→${v}`, () => call({ fileno: () => v }), Number.isInteger(v) ? 'ERR_INVALID_FD' : 'ERR_INVALID_ARG_TYPE']),
  ];
}

function maskCases(label: string, call: (mask: unknown) => unknown): Case[] {
  return [
    ...without(NOT_NUMBERS, undefined).map((v): Case => [`${label} mask=${String(v)}`, () => call(v), 'ERR_INVALID_ARG_TYPE']),
    ...BAD_MASKS.map((v): Case => [`${label} mask=${v}`, () => call(v), 'ERR_INVALID_ARG_VALUE']),
  ];
}

describe('select()', () => {
  const cases: Case[] = [];
  for (const pos of [0, 1, 2]) {
    const call = (v: unknown) => {
      const args: unknown[] = [[], [], [], 0];
      args[pos] = v;
      return (sel.select as (...a: unknown[]) => unknown)(...args);
    };
    for (const v of NOT_ITERABLES) cases.push([`list ${pos} = ${String(v)}`, () => call(v), 'ERR_INVALID_ARG_TYPE']);
    for (const v of NOT_FILEOBJS) cases.push([`list ${pos} entry ${String(v)}`, () => call([v]), 'ERR_INVALID_ARG_TYPE']);
    for (const v of BAD_FDS) cases.push([`list ${pos} entry ${v}`, () => call([v]), 'ERR_INVALID_FD']);
    cases.push([`list ${pos} entry FD_SETSIZE`, () => call([sel.FD_SETSIZE]), 'ERR_OUT_OF_RANGE']);
    cases.push([`list ${pos} too long`, () => call(new Array(sel.FD_SETSIZE + 1).fill(0)), 'ERR_OUT_OF_RANGE']);
    // each entry is converted before the count is held against FD_SETSIZE, as CPython's seq2set
    cases.push([`list ${pos} too long, a bad entry first`, () => call([{}, ...new Array(sel.FD_SETSIZE).fill(0)]), 'ERR_INVALID_ARG_TYPE']);
  }
  const t = (v: unknown) => (sel.select as (...a: unknown[]) => unknown)([r], [], [], v);
  for (const v of BAD_TIMEOUT_TYPES) cases.push([`timeout ${String(v)}`, () => t(v), 'ERR_INVALID_ARG_TYPE']);
  cases.push(['timeout NaN', () => t(NaN), 'ERR_INVALID_ARG_VALUE']);
  for (const v of [-1, -1e-9, -Infinity, 1e300, 2 ** 53]) cases.push([`timeout ${v}`, () => t(v), 'ERR_OUT_OF_RANGE']);

  test.each(cases)('%s', (_name, fn, code) => {
    expect(codeOf(fn)).toBe(code);
  });
});

describe('Poll', () => {
  const p = sel.poll() as unknown as Record<string, (...a: unknown[]) => unknown>;
  const cases: Case[] = [
    ...fdCases('register', (fd) => p.register(fd, sel.POLLIN)),
    ...maskCases('register', (m) => p.register(r, m)),
    ...fdCases('modify', (fd) => p.modify(fd, sel.POLLIN)),
    ...maskCases('modify', (m) => p.modify(r, m)),
    ...fdCases('unregister', (fd) => p.unregister(fd)),
    ...BAD_TIMEOUT_TYPES.map((v): Case => [`poll timeout=${String(v)}`, () => p.poll(v), 'ERR_INVALID_ARG_TYPE']),
    ['poll timeout=NaN', () => p.poll(NaN), 'ERR_INVALID_ARG_VALUE'],
    ['poll timeout=2^31', () => p.poll(2 ** 31), 'ERR_OUT_OF_RANGE'],
    ['poll timeout=1e300', () => p.poll(1e300), 'ERR_OUT_OF_RANGE'],
  ];

  test.each(cases)('%s', (_name, fn, code) => {
    expect(codeOf(fn)).toBe(code);
  });

  test('after every refused call, nothing was registered', () => {
    expect(p.poll(0)).toEqual([]);
    expect(codeOf(() => p.unregister(r))).toBe('ERR_NOT_REGISTERED');
  });
});

whenEpoll.describe('epoll', () => {
  const ctor: Case[] = [
    ...without(NOT_NUMBERS, undefined).map((v): Case => [`epoll sizehint=${String(v)}`, () => sel.epoll(v as number), 'ERR_INVALID_ARG_TYPE']),
    ...[0, -2, 1.5, NaN, Infinity, 2 ** 31].map((v): Case => [`epoll sizehint=${v}`, () => sel.epoll(v), 'ERR_OUT_OF_RANGE']),
    ...without(NOT_NUMBERS, undefined).map((v): Case => [`epoll flags=${String(v)}`, () => sel.epoll(-1, v as number), 'ERR_INVALID_ARG_TYPE']),
    ...[1, -1, 1.5, NaN, 2 ** 32].map((v): Case => [`epoll flags=${v}`, () => sel.epoll(-1, v), 'ERR_INVALID_ARG_VALUE']),
    ...NOT_NUMBERS.map((v): Case => [`fromfd fd=${String(v)}`, () => sel.Epoll.fromfd(v as number), 'ERR_INVALID_ARG_TYPE']),
    ...BAD_FDS.map((v): Case => [`fromfd fd=${v}`, () => sel.Epoll.fromfd(v), 'ERR_INVALID_FD']),
  ];
  test.each(ctor)('%s', (_name, fn, code) => {
    expect(codeOf(fn)).toBe(code);
  });

  describe('methods', () => {
    let ep: sel.Epoll;
    let e: Record<string, (...a: unknown[]) => unknown>;
    beforeAll(() => {
      ep = sel.epoll();
      e = ep as unknown as Record<string, (...a: unknown[]) => unknown>;
    });
    afterAll(() => ep.close());
    const call = (m: string, ...a: unknown[]) => () => e[m](...a);
    const cases = (): Case[] => [
      ...fdCases('register', (fd) => call('register', fd, sel.EPOLLIN)()),
      ...maskCases('register', (m) => call('register', r, m)()),
      ...fdCases('modify', (fd) => call('modify', fd, sel.EPOLLIN)()),
      ...maskCases('modify', (m) => call('modify', r, m)()),
      ...fdCases('unregister', (fd) => call('unregister', fd)()),
      ...BAD_TIMEOUT_TYPES.map((v): Case => [`poll timeout=${String(v)}`, call('poll', v), 'ERR_INVALID_ARG_TYPE']),
      ['poll timeout=NaN', call('poll', NaN), 'ERR_INVALID_ARG_VALUE'],
      ['poll timeout=2^31 s', call('poll', 2 ** 31), 'ERR_OUT_OF_RANGE'],
      ...without(NOT_NUMBERS, undefined).map((v): Case => [`poll maxevents=${String(v)}`, call('poll', 0, v), 'ERR_INVALID_ARG_TYPE']),
      ...[0, -2, 1.5, NaN, Infinity, 2 ** 31].map((v): Case => [`poll maxevents=${v}`, call('poll', 0, v), 'ERR_OUT_OF_RANGE']),
    ];
    // Built lazily so that `call` binds to the epoll made in beforeAll.
    test('every argument position × every bad value', () => {
      const got = cases().map(([name, fn]) => [name, codeOf(fn)]);
      expect(got).toEqual(cases().map(([name, , code]) => [name, code]));
    });

    test('after every refused call, nothing was registered', () => {
      expect(ep.poll(0)).toEqual([]);
      expect(codeOf(() => ep.unregister(r))).toBe('ENOENT');
    });

    test('after close, every method throws ERR_CLOSED whatever its arguments', () => {
      const closed = sel.epoll();
      closed.close();
      const c = closed as unknown as Record<string, (...a: unknown[]) => unknown>;
      for (const m of ['register', 'modify', 'unregister', 'poll', 'fileno']) {
        for (const v of [...NOT_FILEOBJS, ...BAD_FDS]) expect([m, codeOf(() => c[m](v, v))]).toEqual([m, 'ERR_CLOSED']);
      }
    });
  });
});

withoutKqueue.describe('kqueue where not built', () => {
  test('kqueue(), new Kqueue(), kevent() and Kqueue.fromfd throw ERR_NOT_SUPPORTED', () => {
    expect(codeOf(() => sel.kqueue())).toBe('ERR_NOT_SUPPORTED');
    expect(codeOf(() => new sel.Kqueue())).toBe('ERR_NOT_SUPPORTED');
    expect(codeOf(() => sel.kevent(0))).toBe('ERR_NOT_SUPPORTED');
    expect(codeOf(() => sel.Kqueue.fromfd(r))).toBe('ERR_NOT_SUPPORTED');
    expect(codeOf(() => sel.kqueue.fromfd(-1))).toBe('ERR_INVALID_FD');
  });
});

whenKqueue.describe('kqueue where built', () => {
  test('kevent and control: every argument position × every bad value', () => {
    const kq = sel.kqueue();
    try {
      const k = kq as unknown as Record<string, (...a: unknown[]) => unknown>;
      const kev = sel.kevent as unknown as (...a: unknown[]) => unknown;
      const cases: Case[] = [
        ...NOT_FILEOBJS.filter((v) => typeof v !== 'number').map((v): Case => [`kevent ident=${String(v)}`, () => kev(v), 'ERR_INVALID_ARG_TYPE']),
        ...[-1, 1.5, NaN, 2 ** 53].map((v): Case => [`kevent ident=${v}`, () => kev(v), 'ERR_OUT_OF_RANGE']),
        ...[1, 2, 3, 4, 5].flatMap((pos) => without(NOT_NUMBERS, undefined).map((v): Case => {
          const args: unknown[] = [r, sel.KQ_FILTER_READ, sel.KQ_EV_ADD, 0, 0, 0];
          args[pos] = v;
          return [`kevent arg ${pos}=${String(v)}`, () => kev(...args), 'ERR_INVALID_ARG_TYPE'];
        })),
        ...[1, 2, 3].flatMap((pos) => [1.5, NaN, 2 ** 40].map((v): Case => {
          const args: unknown[] = [r, sel.KQ_FILTER_READ, sel.KQ_EV_ADD, 0, 0, 0];
          args[pos] = v;
          return [`kevent arg ${pos}=${v}`, () => kev(...args), 'ERR_OUT_OF_RANGE'];
        })),
        ...[3, true, {}, () => 0].map((v): Case => [`control changelist=${String(v)}`, () => k.control(v, 0, 0), 'ERR_INVALID_ARG_TYPE']),
        ...[[3], [{}], [null]].map((v): Case => [`control changelist entry ${String(v)}`, () => k.control(v, 0, 0), 'ERR_INVALID_ARG_TYPE']),
        ...without(NOT_NUMBERS, undefined).map((v): Case => [`control maxevents=${String(v)}`, () => k.control(null, v, 0), 'ERR_INVALID_ARG_TYPE']),
        ...[-1, 1.5, NaN, 2 ** 31].map((v): Case => [`control maxevents=${v}`, () => k.control(null, v, 0), 'ERR_OUT_OF_RANGE']),
        ...BAD_TIMEOUT_TYPES.map((v): Case => [`control timeout=${String(v)}`, () => k.control(null, 0, v), 'ERR_INVALID_ARG_TYPE']),
        ['control timeout=NaN', () => k.control(null, 0, NaN), 'ERR_INVALID_ARG_VALUE'],
        ...[-1, 1e300].map((v): Case => [`control timeout=${v}`, () => k.control(null, 0, v), 'ERR_OUT_OF_RANGE']),
      ];
      const codeOrReturned = (fn: () => unknown) => {
        try {
          return codeOf(fn);
        } catch {
          return 'returned';
        }
      };
      expect(cases.map(([n, fn]) => [n, codeOrReturned(fn)])).toEqual(cases.map(([n, , c]) => [n, c]));
    } finally {
      kq.close();
    }
  });
});

describe('native layer: wrong types throw, never crash', () => {
  const i32 = () => new Int32Array(8);
  const bits = () => new Int32Array(C.FD_SETSIZE / 16); // two bitmaps of FD_SETSIZE bits
  const calls: Array<[string, (...a: unknown[]) => unknown, () => unknown[], number[]]> = [
    ['select', native.select as never, () => [i32(), 0, 0, 0, i32(), 0], [0, 4]],
    ['selectBits', native.selectBits as never, () => [bits(), i32(), 0], [0, 1]],
    ['poll', native.poll as never, () => [i32(), 0, i32(), 0], [0, 2]],
  ];
  if (native.epollWait) {
    calls.push(['epollCtl', native.epollCtl as never, () => [-1, 1, -1, 0], []]);
    calls.push(['epollWait', native.epollWait as never, () => [-1, i32(), 1, 0], [1]]);
  }
  const cases: Array<[string, () => unknown]> = [];
  for (const [name, fn, args, arrays] of calls) {
    const n = args().length;
    for (let pos = 0; pos < n; pos++) {
      const values = arrays.includes(pos) ? [...NOT_NUMBERS, 3, new Float64Array(8), new Uint8Array(32), Buffer.alloc(32)] : NOT_NUMBERS;
      for (const v of values) {
        cases.push([`${name} arg ${pos} = ${String(v)}`, () => {
          const a = args();
          a[pos] = v;
          return fn(...a);
        }]);
      }
    }
  }
  test.each(cases)('%s', (_name, fn) => {
    expect(codeOf(fn)).toBe('ERR_INVALID_ARG_TYPE');
  });

  test('counts beyond the arrays, and bitmaps of the wrong size, are ERR_OUT_OF_RANGE', () => {
    expect(codeOf(() => native.select(i32(), 5, 5, 0, i32(), 0))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => native.select(i32(), -1, 0, 0, i32(), 0))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => native.select(new Int32Array(4), 4, 0, 0, new Int32Array(2), 0))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => native.selectBits(i32(), i32(), 0))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => native.selectBits(new Int32Array(C.FD_SETSIZE / 16 + 1), i32(), 0))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => native.poll(i32(), 5, i32(), 0))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => native.poll(i32(), -1, i32(), 0))).toBe('ERR_OUT_OF_RANGE');
    if (native.epollWait) expect(codeOf(() => native.epollWait!(0, i32(), 5, 0))).toBe('ERR_OUT_OF_RANGE');
  });
});
