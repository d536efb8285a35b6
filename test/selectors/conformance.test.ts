// The conformance suite: every test here runs against every available backend and against
// DefaultSelector. Each test of CPython's Lib/test/test_selectors.py has a counterpart, named
// after it; tests beyond CPython's guard the semantics docs/API.md adds.
import path from 'node:path';
import * as os from '../../lib/os';
import { EVENT_READ, EVENT_WRITE, KqueueSelector, SelectorKey, type BaseSelector } from '../../lib/selectors';
import { codeOf } from '../helpers/bad-input';
import { AVAILABLE_AND_DEFAULT, scalable } from '../helpers/backends';
import { start } from '../helpers/child';
import { closedFd, fdLimit, openFds, Resources } from '../helpers/fds';
import { when } from '../helpers/platform';

const RW = EVENT_READ | EVENT_WRITE;

/** Milliseconds spent in fn. */
function timed<R>(fn: () => R): [R, number] {
  const t0 = performance.now();
  const result = fn();
  return [result, performance.now() - t0];
}

// kqueue on Linux is libkqueue (kqueue over epoll): it opens fds of its own on first use and keeps
// them, and frees a closed kqueue's fds from its monitor thread a moment later. So it is warmed up
// before the fds are counted, and they are given a moment to settle before each count.
const libkqueue = KqueueSelector.available && process.platform === 'linux';
async function settledFds(done: (fds: number[]) => boolean): Promise<number[]> {
  let fds = openFds();
  for (let i = 0; libkqueue && !done(fds) && i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    fds = openFds();
  }
  return fds;
}

let fdsBefore: number[];
beforeAll(async () => {
  if (libkqueue) new KqueueSelector().close();
  let last: number[] = [];
  fdsBefore = await settledFds((fds) => {
    const same = JSON.stringify(fds) === JSON.stringify(last);
    last = fds;
    return same;
  });
});
afterAll(async () => {
  // nothing opened here is left open (fds jest itself closed meanwhile do not matter)
  const opened = (fds: number[]): number[] => fds.filter((fd) => !fdsBefore.includes(fd));
  expect(opened(await settledFds((fds) => opened(fds).length === 0))).toEqual([]);
});

describe.each(AVAILABLE_AND_DEFAULT)('%s', (_label, Selector) => {
  const res = new Resources();
  afterEach(() => res.closeAll());
  const make = (): BaseSelector<unknown> => res.add(new Selector());

  test('register (test_register)', () => {
    const s = make();
    const [rd] = res.socketpair();
    const key = s.register(rd, EVENT_READ, 'data');
    expect(key).toBeInstanceOf(SelectorKey);
    expect(key.fileobj).toBe(rd);
    expect(key.fd).toBe(rd.fileno());
    expect(key.events).toBe(EVENT_READ);
    expect(key.data).toBe('data');
    expect(Object.isFrozen(key)).toBe(true);
    // an unknown event, then an invalid fd, then twice, then the same fd through another object
    expect(codeOf(() => s.register(0, 999999))).toBe('ERR_INVALID_ARG_VALUE');
    expect(codeOf(() => s.register(-10, EVENT_READ))).toBe('ERR_INVALID_FD');
    expect(codeOf(() => s.register(rd, EVENT_READ))).toBe('ERR_ALREADY_REGISTERED');
    expect(codeOf(() => s.register(rd.fileno(), EVENT_READ))).toBe('ERR_ALREADY_REGISTERED');
    expect(codeOf(() => s.register({ fileno: () => rd.fileno() }, EVENT_WRITE))).toBe('ERR_ALREADY_REGISTERED');
    expect(s.getMap().size).toBe(1);
  });

  test('register checks events, then the file object, then duplicates', () => {
    const s = make();
    const [rd] = res.socketpair();
    s.register(rd, EVENT_READ);
    for (const events of [0, 4, 1.5, -1, NaN, 2 ** 32 + 1]) {
      expect(codeOf(() => s.register({} as never, events))).toBe('ERR_INVALID_ARG_VALUE');
      expect(codeOf(() => s.register(rd, events))).toBe('ERR_INVALID_ARG_VALUE');
    }
    expect(codeOf(() => s.register(rd, '1' as never))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => s.register({} as never, EVENT_READ))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => s.register(1.5, EVENT_READ))).toBe('ERR_INVALID_FD');
    expect(codeOf(() => s.register(rd, EVENT_WRITE))).toBe('ERR_ALREADY_REGISTERED');
    expect(s.getKey(rd).events).toBe(EVENT_READ);
  });

  test('register: data defaults to undefined; a plain fd is its own fileobj', () => {
    const s = make();
    const [r, w] = res.pipe();
    const key = s.register(r, EVENT_READ);
    expect(key.data).toBeUndefined();
    expect(key.fileobj).toBe(r);
    expect(s.register(w, EVENT_WRITE, null).data).toBeNull();
  });

  test('register of a bad fd (test_register_bad_fd): EBADF, no key left', () => {
    const s = make();
    const bad = closedFd();
    const err = (() => {
      try {
        s.register(bad, EVENT_READ);
      } catch (e) {
        return e as NodeJS.ErrnoException;
      }
      throw new Error('register of a closed fd did not throw');
    })();
    expect(err.code).toBe('EBADF');
    expect(err.errno).toBeLessThan(0);
    expect(typeof err.syscall).toBe('string');
    expect(codeOf(() => s.getKey(bad))).toBe('ERR_NOT_REGISTERED');
    expect(s.getMap().size).toBe(0);
  });

  test('unregister (test_unregister)', () => {
    const s = make();
    const [rd] = res.socketpair();
    const key = s.register(rd, EVENT_READ);
    expect(s.unregister(rd)).toBe(key);
    expect(codeOf(() => s.unregister(999999))).toBe('ERR_NOT_REGISTERED');
    expect(codeOf(() => s.unregister(rd))).toBe('ERR_NOT_REGISTERED');
    expect(s.getMap().size).toBe(0);
    // registrable again afterwards
    expect(s.register(rd, EVENT_WRITE).events).toBe(EVENT_WRITE);
  });

  test('unregister after fd close (test_unregister_after_fd_close)', () => {
    const s = make();
    const [rd, wr] = res.socketpair();
    const [r, w] = [rd.fileno(), wr.fileno()];
    s.register(r, EVENT_READ);
    s.register(w, EVENT_WRITE);
    rd.close();
    wr.close();
    expect(s.unregister(r).fd).toBe(r);
    expect(s.unregister(w).fd).toBe(w);
    expect(s.getMap().size).toBe(0);
  });

  test('unregister after fd close and reuse (test_unregister_after_fd_close_and_reuse)', () => {
    const s = make();
    const [rd, wr] = res.socketpair();
    const [r, w] = [rd.fileno(), wr.fileno()];
    s.register(r, EVENT_READ);
    s.register(w, EVENT_WRITE);
    const [rd2, wr2] = res.socketpair();
    rd.close();
    wr.close();
    // dup until the kernel hands out r and w again (it gives the lowest free numbers)
    const spare: number[] = [];
    const want = new Set([r, w]);
    while (want.size > 0 && spare.length < 64) {
      const fd = res.fd(os.dup(want.size === 2 ? rd2.fileno() : wr2.fileno()));
      want.delete(fd);
      spare.push(fd);
    }
    expect(spare).toEqual(expect.arrayContaining([r, w]));
    expect(s.unregister(r).fd).toBe(r);
    expect(s.unregister(w).fd).toBe(w);
    expect(s.getMap().size).toBe(0);
  });

  test('unregister after socket close (test_unregister_after_socket_close)', () => {
    const s = make();
    const [rd, wr] = res.socketpair();
    const rkey = s.register(rd, EVENT_READ);
    const wkey = s.register(wr, EVENT_WRITE);
    rd.close();
    wr.close();
    expect(rd.fileno()).toBe(-1);
    // found by identity among the keys
    expect(s.getKey(rd)).toBe(rkey);
    expect(s.getMap().get(rd)).toBe(rkey);
    expect(s.getMap().has(wr)).toBe(true);
    expect(s.unregister(rd)).toBe(rkey);
    expect(s.unregister(wr)).toBe(wkey);
    // an unregistered closed socket is an invalid fd, as in CPython
    expect(codeOf(() => s.unregister(rd))).toBe('ERR_INVALID_FD');
    expect(codeOf(() => s.getKey(rd))).toBe('ERR_INVALID_FD');
    expect(s.getMap().has(rd)).toBe(false);
  });

  test('modify (test_modify)', () => {
    const s = make();
    const [rd] = res.socketpair();
    const key = s.register(rd, EVENT_READ);
    // modify events
    const key2 = s.modify(rd, EVENT_WRITE);
    expect(key2.events).not.toBe(key.events);
    expect(s.getKey(rd)).toBe(key2);
    s.unregister(rd);
    // modify data
    const d1 = {};
    const d2 = {};
    const key3 = s.register(rd, EVENT_READ, d1);
    const key4 = s.modify(rd, EVENT_READ, d2);
    expect(key4.events).toBe(key3.events);
    expect(key4).not.toBe(key3);
    expect(s.getKey(rd)).toBe(key4);
    expect(key4.data).toBe(d2);
    // modify an unknown file object
    expect(codeOf(() => s.modify(999999, EVENT_READ))).toBe('ERR_NOT_REGISTERED');
    // the shortcut: same events and data give the very same key
    expect(s.modify(rd, EVENT_READ, d2)).toBe(key4);
    expect(s.modify(rd.fileno(), EVENT_READ, d2)).toBe(key4);
  });

  test('modify: data defaults to undefined, NaN data equals NaN, the original fileobj is kept', () => {
    const s = make();
    const [rd] = res.socketpair();
    s.register(rd, EVENT_READ, 'x');
    const k1 = s.modify(rd.fileno(), EVENT_READ);
    expect(k1.data).toBeUndefined();
    expect(k1.fileobj).toBe(rd);
    const k2 = s.modify(rd, EVENT_READ, NaN);
    expect(s.modify(rd, EVENT_READ, NaN)).toBe(k2);
    const k3 = s.modify(rd.fileno(), RW, 7);
    expect(k3.fileobj).toBe(rd);
    expect(k3).toEqual(new SelectorKey(rd, rd.fileno(), RW, 7));
  });

  test('modify of data only makes no syscall (works on a closed fd)', () => {
    const s = make();
    const [r, w] = res.pipe();
    s.register(r, EVENT_READ, 1);
    os.close(r);
    os.close(w);
    expect(s.modify(r, EVENT_READ, 2).data).toBe(2);
    expect(s.unregister(r).data).toBe(2);
  });

  test('modify validates events before anything changes (ours)', () => {
    const s = make();
    const [rd] = res.socketpair();
    const key = s.register(rd, EVENT_READ, 'd');
    for (const events of [0, 4, 1.5, -1]) expect(codeOf(() => s.modify(rd, events, 'other'))).toBe('ERR_INVALID_ARG_VALUE');
    expect(codeOf(() => s.modify(rd, 'x' as never))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => s.modify(999999, 0))).toBe('ERR_INVALID_ARG_VALUE');
    expect(s.getKey(rd)).toBe(key);
    expect(s.select(0)).toEqual([]);
  });

  test('modify whose backend call fails removes the key (test_modify_unregister, bpo-30014)', () => {
    const s = make();
    const [rd] = res.socketpair();
    s.register(rd, EVENT_READ);
    expect(s.getMap().size).toBe(1);
    rd.close(); // the kernel now refuses any change for this fd: EBADF
    expect(codeOf(() => s.modify(rd, EVENT_WRITE))).toBe('EBADF');
    expect(s.getMap().size).toBe(0);
    expect(codeOf(() => s.getKey(rd))).toBe('ERR_INVALID_FD');
  });

  test('close (test_close)', () => {
    const s = make();
    const mapping = s.getMap();
    const [rd, wr] = res.socketpair();
    s.register(rd, EVENT_READ);
    s.register(wr, EVENT_WRITE);
    expect(s.closed).toBe(false);
    s.close();
    expect(s.closed).toBe(true);
    expect(codeOf(() => s.getKey(rd))).toBe('ERR_CLOSED');
    expect(codeOf(() => s.getKey(wr))).toBe('ERR_CLOSED');
    expect(mapping.get(rd)).toBeUndefined();
    expect(mapping.get(wr.fileno())).toBeUndefined();
    expect(mapping.size).toBe(0);
    expect(s.getMap()).toBe(mapping);
  });

  test('after close every method but close, closed and getMap throws ERR_CLOSED; close is idempotent', () => {
    const s = make();
    const [rd] = res.socketpair();
    s.register(rd, EVENT_READ);
    s.close();
    s.close();
    s[Symbol.dispose]();
    expect(codeOf(() => s.register(rd, EVENT_READ))).toBe('ERR_CLOSED');
    expect(codeOf(() => s.unregister(rd))).toBe('ERR_CLOSED');
    expect(codeOf(() => s.modify(rd, EVENT_WRITE))).toBe('ERR_CLOSED');
    expect(codeOf(() => s.select(0))).toBe('ERR_CLOSED');
    expect(codeOf(() => s.getKey(rd))).toBe('ERR_CLOSED');
    const withFileno = s as unknown as { fileno?: () => number };
    if (withFileno.fileno) expect(codeOf(() => withFileno.fileno!())).toBe('ERR_CLOSED');
    expect([...s.getMap()]).toEqual([]);
    expect(s.closed).toBe(true);
  });

  test('getKey (test_get_key)', () => {
    const s = make();
    const [rd] = res.socketpair();
    const key = s.register(rd, EVENT_READ, 'data');
    expect(s.getKey(rd)).toBe(key);
    expect(s.getKey(rd.fileno())).toBe(key);
    expect(codeOf(() => s.getKey(999999))).toBe('ERR_NOT_REGISTERED');
    expect(codeOf(() => s.getKey(-1))).toBe('ERR_INVALID_FD');
  });

  test('getMap (test_get_map)', () => {
    const s = make();
    const [rd] = res.socketpair();
    const keys = s.getMap();
    expect(keys.size).toBe(0);
    expect([...keys]).toEqual([]);
    const key = s.register(rd, EVENT_READ, 'data');
    expect(keys.has(rd)).toBe(true);
    expect(keys.has(rd.fileno())).toBe(true);
    expect(keys.get(rd)).toBe(key);
    expect(keys.size).toBe(1);
    expect([...keys.keys()]).toEqual([rd.fileno()]);
    expect([...keys.values()]).toEqual([key]);
    expect([...keys.entries()]).toEqual([[rd.fileno(), key]]);
    const seen: unknown[] = [];
    keys.forEach((k, fd, m) => seen.push([k, fd, m]));
    expect(seen).toEqual([[key, rd.fileno(), keys]]);
    // unknown and invalid file objects: undefined / false, never a throw
    expect(keys.get(999999)).toBeUndefined();
    for (const bad of [-1, 1.5, {}, null, 'x']) {
      expect(keys.get(bad as never)).toBeUndefined();
      expect(keys.has(bad as never)).toBe(false);
    }
    // read-only
    const mutable = keys as unknown as Record<string, unknown>;
    expect(mutable.set).toBeUndefined();
    expect(mutable.delete).toBeUndefined();
    expect(mutable.clear).toBeUndefined();
    expect(() => (mutable.delete as (k: unknown) => void)(rd)).toThrow(TypeError);
    // live
    s.unregister(rd);
    expect(keys.size).toBe(0);
  });

  test('select (test_select)', () => {
    const s = make();
    const [rd, wr] = res.socketpair();
    s.register(rd, EVENT_READ);
    const wrKey = s.register(wr, EVENT_WRITE);
    const result = s.select();
    for (const [key, events] of result) {
      expect(key).toBeInstanceOf(SelectorKey);
      expect(events).toBeTruthy();
      expect(events & ~RW).toBe(0);
    }
    expect(result).toEqual([[wrKey, EVENT_WRITE]]);
  });

  test('select_read_write: one entry per fd ready both ways (test_select_read_write, gh-110038)', () => {
    const s = make();
    const [sock1, sock2] = res.socketpair();
    sock2.send(Buffer.from('foo'));
    const myKey = s.register(sock1, RW);
    const result = s.select();
    expect(result).toHaveLength(1);
    expect(result[0][0]).toBe(myKey);
    expect(result[0][1]).toBe(RW);
  });

  test('context manager: using closes the selector (test_context_manager)', () => {
    const [rd, wr] = res.socketpair();
    let outer: BaseSelector<unknown>;
    {
      using sel = new Selector();
      outer = sel;
      sel.register(rd, EVENT_READ);
      sel.register(wr, EVENT_WRITE);
      expect(sel.closed).toBe(false);
    }
    expect(outer.closed).toBe(true);
    expect(codeOf(() => outer.getKey(rd))).toBe('ERR_CLOSED');
    expect(codeOf(() => outer.getKey(wr))).toBe('ERR_CLOSED');
  });

  test('fileno (test_fileno)', () => {
    const s = make() as BaseSelector<unknown> & { fileno?: () => number };
    const hasFileno = /Epoll|Kqueue|IoUring/.test(s.constructor.name);
    expect(typeof s.fileno === 'function').toBe(hasFileno);
    if (!s.fileno) return;
    const fd = s.fileno();
    expect(Number.isInteger(fd)).toBe(true);
    expect(fd).toBeGreaterThanOrEqual(0);
    expect(typeof os.getBlocking(fd)).toBe('boolean'); // open
    s.close();
    expect(codeOf(() => os.getBlocking(fd))).toBe('EBADF');
  });

  test('12 socketpairs, one message each (test_selector)', () => {
    const s = make();
    const MSG = Buffer.from(' This is a test.');
    const writers = new Set<ReturnType<Resources['socketpair']>[1]>();
    const w2r = new Map();
    const r2w = new Map();
    for (let i = 0; i < 12; i++) {
      const [rd, wr] = res.socketpair();
      s.register(rd, EVENT_READ);
      s.register(wr, EVENT_WRITE);
      writers.add(wr);
      w2r.set(wr, rd);
      r2w.set(rd, wr);
    }
    const bufs: Buffer[] = [];
    while (writers.size) {
      const readyWriters = s.select().filter(([, ev]) => ev & EVENT_WRITE).map(([k]) => k.fileobj);
      expect(readyWriters.length).toBeGreaterThan(0);
      const wr = readyWriters[Math.floor(Math.random() * readyWriters.length)] as typeof writers extends Set<infer W> ? W : never;
      wr.send(MSG);
      const readyReaders = s.select().filter(([, ev]) => ev & EVENT_READ).map(([k]) => k.fileobj);
      expect(readyReaders).toEqual([w2r.get(wr)]);
      const rd = readyReaders[0] as typeof wr;
      const buf = rd.recv(MSG.length);
      expect(buf.length).toBe(MSG.length);
      bufs.push(buf);
      s.unregister(r2w.get(rd));
      s.unregister(rd);
      writers.delete(r2w.get(rd));
    }
    expect(bufs).toEqual(Array(12).fill(MSG));
    expect(s.getMap().size).toBe(0);
  });

  test('empty select (test_empty_select, bpo-23009)', () => {
    const s = make();
    expect(s.select(0)).toEqual([]);
    expect(s.select(-1)).toEqual([]);
  });

  test('an empty selector still sleeps for the timeout (test_empty_select_timeout, bpo-29255)', () => {
    const s = make();
    const [result, ms] = timed(() => s.select(0.3));
    expect(result).toEqual([]);
    expect(ms).toBeGreaterThanOrEqual(299);
  });

  test('a fileno() that closes the selector during register: ERR_CLOSED, and the closed selector holds no key', () => {
    const s = make();
    const [a] = res.socketpair();
    expect(codeOf(() => s.register({ fileno: () => (s.close(), a.fileno()) }, EVENT_READ))).toBe('ERR_CLOSED');
    expect(s.getMap().size).toBe(0);
  });

  test('a selector whose last change was an unregister or a modify still sleeps for the timeout', () => {
    const s = make();
    const [idle] = res.socketpair();
    const [a] = res.socketpair();
    s.register(idle, EVENT_READ);
    s.register(a, EVENT_READ);
    s.unregister(a);
    let [result, ms] = timed(() => s.select(0.2));
    expect([result, ms >= 199]).toEqual([[], true]);
    s.register(a, EVENT_WRITE);
    s.modify(a, EVENT_READ);
    [result, ms] = timed(() => s.select(0.2));
    expect([result, ms >= 199]).toEqual([[], true]);
  });

  test('timeout (test_timeout)', () => {
    const s = make();
    const [rd, wr] = res.socketpair();
    s.register(wr, EVENT_WRITE);
    let [, ms] = timed(() => {
      expect(s.select(0)).toHaveLength(1);
      expect(s.select(-1)).toHaveLength(1);
      expect(s.select(null)).toHaveLength(1);
      expect(s.select(Infinity)).toHaveLength(1);
    });
    expect(ms).toBeLessThan(500);
    s.unregister(wr);
    s.register(rd, EVENT_READ);
    [, ms] = timed(() => {
      expect(s.select(0)).toEqual([]);
      expect(s.select(-1)).toEqual([]);
      expect(s.select(-Infinity)).toEqual([]);
    });
    expect(ms).toBeLessThan(500);
    [, ms] = timed(() => expect(s.select(1)).toEqual([]));
    expect(ms).toBeGreaterThanOrEqual(999);
    expect(ms).toBeLessThanOrEqual(2000);
  });

  test('a positive timeout is rounded up: the wait lasts at least what was asked', () => {
    const s = make();
    for (const t of [0.0001, 0.0015, 0.02]) {
      const [, ms] = timed(() => s.select(t));
      expect(ms).toBeGreaterThanOrEqual(t * 1000 - 0.05);
    }
  });

  test('bad timeouts: NaN, too large, not a number', () => {
    const s = make();
    expect(codeOf(() => s.select(NaN))).toBe('ERR_INVALID_ARG_VALUE');
    expect(codeOf(() => s.select(1e10))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => s.select(Number.MAX_VALUE))).toBe('ERR_OUT_OF_RANGE');
    for (const bad of ['1', true, {}, 1n]) expect(codeOf(() => s.select(bad as never))).toBe('ERR_INVALID_ARG_TYPE');
  });

  test('a signal during select neither ends it early nor throws (test_select_interrupt_noraise)', async () => {
    const child = start(process.execPath, [path.join(__dirname, 'fixtures', 'signal-child.js'), Selector.name], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await child.waitLine(/^waiting$/);
    let sent = 0;
    // three signals well inside the 1.5 s wait, each one an EINTR to retry
    const timer = setInterval(() => {
      child.process.kill('SIGUSR2');
      if (++sent === 3) clearInterval(timer);
    }, 200);
    const { status, lines } = await child.exited;
    clearInterval(timer);
    expect(sent).toBe(3);
    expect(status).toBe(0);
    const report = JSON.parse(lines.at(-1)!);
    expect(report).toMatchObject({ result: [], signals: 3 });
    expect(report.ms).toBeGreaterThanOrEqual(1500);
  });

  test('select(null) with nothing registered waits, neither returning nor throwing', async () => {
    const child = start(process.execPath, [path.join(__dirname, 'fixtures', 'wait-forever-child.js'), Selector.name], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await child.waitLine(/^waiting$/);
    const early = await Promise.race([child.exited, new Promise((resolve) => setTimeout(resolve, 300, 'still waiting'))]);
    child.process.kill('SIGKILL');
    expect(early).toBe('still waiting');
    expect((await child.exited).lines).toEqual(['waiting']);
  });

  test('error and hang-up conditions report every registered direction', () => {
    const s = make();
    const [a, b] = res.socketpair();
    const [c, d] = res.socketpair();
    const [e, f] = res.socketpair();
    const ka = s.register(a, RW);
    const kc = s.register(c, EVENT_READ);
    const ke = s.register(e, EVENT_WRITE);
    b.close();
    d.close();
    f.close();
    const got = new Map(s.select(0).map(([k, ev]) => [k, ev]));
    expect(got).toEqual(new Map([[ka, RW], [kc, EVENT_READ], [ke, EVENT_WRITE]]));
  });

  test('pipes: a closed writer wakes the reader, a closed reader wakes the writer', () => {
    const s = make();
    const [r1, w1] = res.pipe();
    const [r2, w2] = res.pipe();
    const k1 = s.register(r1, EVENT_READ);
    const k2 = s.register(w2, EVENT_WRITE);
    expect(s.select(0)).toEqual([[k2, EVENT_WRITE]]);
    os.close(w1);
    os.close(r2);
    const got = new Map(s.select(0).map(([k, ev]) => [k, ev]));
    expect(got).toEqual(new Map([[k1, EVENT_READ], [k2, EVENT_WRITE]]));
  });

  test('results are masked by key.events and follow modify', () => {
    const s = make();
    const [rd, wr] = res.socketpair();
    wr.send(Buffer.from('x'));
    const k1 = s.register(rd, EVENT_WRITE);
    expect(s.select(0)).toEqual([[k1, EVENT_WRITE]]);
    const k2 = s.modify(rd, EVENT_READ);
    expect(s.select(0)).toEqual([[k2, EVENT_READ]]);
    const k3 = s.modify(rd, EVENT_READ, 'data');
    expect(s.select(0)).toEqual([[k3, EVENT_READ]]);
    s.unregister(rd);
    expect(s.select(0)).toEqual([]);
  });

  // libkqueue returns at most 512 events per kevent call (a real kqueue has no such cap; the rest
  // come with the next select: test/selectors/kqueue.test.ts).
  const capped = libkqueue && Selector === KqueueSelector;
  const why = capped ? 'under libkqueue: at most 512 events per kevent call' : 'select(2) is limited to FD_SETSIZE';
  when(scalable(Selector) && !capped, why).test('more fds than FD_SETSIZE (test_above_fd_setsize)', () => {
    const s = make();
    const numFds = Math.min(fdLimit(), 2 ** 16) - openFds().length - 32;
    const pairs = Math.floor(numFds / 2);
    for (let i = 0; i < pairs; i++) {
      const [rd, wr] = res.socketpair();
      s.register(rd, EVENT_READ);
      s.register(wr, EVENT_WRITE);
    }
    expect(pairs).toBeGreaterThan(1024);
    const ready = s.select();
    expect(ready).toHaveLength(pairs);
    expect(ready.every(([k, ev]) => ev === EVENT_WRITE && k.events === EVENT_WRITE)).toBe(true);
  }, 120000);
});
