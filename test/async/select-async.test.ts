// selectAsync() on every backend: the results of select(0), timeouts, changes during a wait,
// abort, ERR_BUSY, close(), and what a pending wait does to the process's lifetime.
import path from 'node:path';
import { EVENT_READ, EVENT_WRITE } from '../../lib/selectors';
import * as os from '../../lib/os';
import { SELECTORS } from '../helpers/backends';
import { NODE_TS, run, type ChildResult } from '../helpers/child';
import { EventLoop } from '../../lib/loop';
import { openFds, Resources } from '../helpers/fds';
import { collectUntil } from '../helpers/gc';
import { whenAvailable } from '../helpers/platform';

const res = new Resources();
afterEach(() => res.closeAll());

/** [fd, events] pairs of select results, sorted by fd: comparable across calls. */
export function summary(results: Array<[{ fd: number }, number]>): Array<[number, number]> {
  return results.map(([key, ev]): [number, number] => [key.fd, ev]).sort((x, y) => x[0] - y[0]);
}

/** Whether a promise has settled by the time already-queued macrotasks ran (setImmediate). */
export async function settledAtOnce(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((r) => setImmediate(r));
  return settled;
}

const codeOf = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => 'resolved',
    (err: { code?: string; name?: string }) => err.code ?? err.name,
  );

for (const Selector of SELECTORS) {
  whenAvailable(Selector).describe(`selectAsync on ${Selector.name}`, () => {
    const make = () => res.add(new Selector());

    test('a selector garbage-collected unclosed after selectAsync lets go of every fd it opened; a new selector (given the same numbers) waits, and an EventLoop runs', async () => {
      const before = openFds();
      await (async () => {
        await new Selector().selectAsync(0.001); // dropped unclosed, its wakeup made
      })();
      await collectUntil(() => openFds().filter((fd) => !before.includes(fd)).length === 0);
      expect(openFds().filter((fd) => !before.includes(fd))).toEqual([]);
      const sel = make();
      expect(await sel.selectAsync(0.01)).toEqual([]);
      const loop = new EventLoop(make());
      loop.callLater(0.01, () => loop.stop());
      await loop.run();
      loop.close();
    });

    test('resolves with exactly what select(0) reports, for a mix of ready and idle fds', async () => {
      const sel = make();
      const pairs = Array.from({ length: 6 }, () => res.socketpair());
      const [pr, pw] = res.pipe();
      // 0: read, data waiting; 1: read, idle; 2: write (always writable); 3: read|write with data;
      // 4: read on a hung-up peer; 5: read|write, idle; pipe read end: write only (never ready).
      pairs[0][1].send(Buffer.from('a'));
      pairs[3][1].send(Buffer.from('b'));
      pairs[4][1].close();
      sel.register(pairs[0][0], EVENT_READ, 'r-data');
      sel.register(pairs[1][0], EVENT_READ, 'r-idle');
      sel.register(pairs[2][0], EVENT_WRITE, 'w');
      sel.register(pairs[3][0], EVENT_READ | EVENT_WRITE, 'rw-data');
      sel.register(pairs[4][0], EVENT_READ, 'hup');
      sel.register(pairs[5][0], EVENT_READ | EVENT_WRITE, 'rw-idle');
      sel.register(pr, EVENT_WRITE, 'pipe-r');
      const expected = summary(sel.select(0));
      expect(expected).toHaveLength(5);
      const got = await sel.selectAsync(5);
      expect(summary(got)).toEqual(expected);
      for (const [key] of got) expect(sel.getKey(key.fd)).toBe(key);
      expect(await sel.selectAsync(null)).toHaveLength(5);
      expect(pw).toBeGreaterThan(0);
    });

    test('a wait that becomes ready later resolves with the same results as select(0) then', async () => {
      const sel = make();
      const [a, b] = res.socketpair();
      const [c, d] = res.socketpair();
      sel.register(a, EVENT_READ, 'a');
      sel.register(c, EVENT_READ, 'c');
      const p = sel.selectAsync(10);
      expect(await settledAtOnce(p)).toBe(false);
      setTimeout(() => {
        b.send(Buffer.from('x'));
        d.send(Buffer.from('y'));
      }, 20);
      const got = await p;
      expect(got.length).toBeGreaterThanOrEqual(1);
      for (const [key, ev] of got) {
        expect(ev).toBe(EVENT_READ);
        expect(key.data).toMatch(/^[ac]$/);
      }
      // Both are readable now: select(0) and selectAsync agree.
      expect(summary(await sel.selectAsync(1))).toEqual(summary(sel.select(0)));
    });

    test('a timeout is honoured: waits at least that long and resolves []', async () => {
      const sel = make();
      const [a] = res.socketpair();
      sel.register(a, EVENT_READ);
      const t0 = performance.now();
      expect(await sel.selectAsync(0.15)).toEqual([]);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
    });

    test('an empty selector still waits for the timeout', async () => {
      const sel = make();
      const t0 = performance.now();
      expect(await sel.selectAsync(0.1)).toEqual([]);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(100);
    });

    test.each([0, -1, -Infinity, -0.5])('timeout %p does not wait: settled before the next macrotask', async (t) => {
      const sel = make();
      const [a] = res.socketpair();
      sel.register(a, EVENT_READ);
      const p = sel.selectAsync(t);
      expect(await settledAtOnce(p)).toBe(true);
      expect(await p).toEqual([]);
    });

    test('register during a pending wait (10 s) takes effect at once', async () => {
      const sel = make();
      const [a, b] = res.socketpair();
      const [c] = res.socketpair();
      sel.register(c, EVENT_READ);
      b.send(Buffer.from('ready'));
      const p = sel.selectAsync(10);
      expect(await settledAtOnce(p)).toBe(false);
      const key = sel.register(a, EVENT_READ, 'late');
      const t0 = performance.now();
      expect(await p).toEqual([[key, EVENT_READ]]);
      expect(performance.now() - t0).toBeLessThan(5000);
    });

    test('register into an empty selector during an endless wait takes effect at once', async () => {
      const sel = make();
      const [a, b] = res.socketpair();
      b.send(Buffer.from('ready'));
      const p = sel.selectAsync();
      expect(await settledAtOnce(p)).toBe(false);
      const key = sel.register(a, EVENT_READ);
      expect(await p).toEqual([[key, EVENT_READ]]);
    });

    test('modify during a pending wait takes effect at once', async () => {
      const sel = make();
      const [r, w] = res.pipe();
      os.write(w, Buffer.from('data'));
      sel.register(r, EVENT_WRITE, 'w'); // a pipe's read end is never writable
      const p = sel.selectAsync(10);
      expect(await settledAtOnce(p)).toBe(false);
      const key = sel.modify(r, EVENT_READ, 'r');
      expect(await p).toEqual([[key, EVENT_READ]]);
    });

    test('unregister during a pending wait takes effect at once: the fd no longer wakes it', async () => {
      const sel = make();
      const [a, b] = res.socketpair();
      sel.register(a, EVENT_READ);
      const p = sel.selectAsync(0.3);
      expect(await settledAtOnce(p)).toBe(false);
      sel.unregister(a);
      b.send(Buffer.from('too late'));
      expect(await p).toEqual([]);
    });

    test('unregister and close an fd at once after the wait started: no error, the wait goes on over the rest', async () => {
      const sel = make();
      const [c] = res.socketpair();
      sel.register(c, EVENT_READ, 'c');
      for (let i = 0; i < 20; i++) {
        const [a] = res.socketpair();
        sel.register(a, EVENT_READ);
        const p = sel.selectAsync(0.02);
        // Before the wait thread (poll/select) may have entered its syscall with a's fd.
        sel.unregister(a);
        a.close();
        expect(await codeOf(p)).toBe('resolved');
        expect(await p).toEqual([]);
      }
    });

    test('abort rejects with an AbortError, and the selector works afterwards', async () => {
      const sel = make();
      const [a, b] = res.socketpair();
      sel.register(a, EVENT_READ);
      const ac = new AbortController();
      const p = sel.selectAsync(null, { signal: ac.signal });
      expect(await settledAtOnce(p)).toBe(false);
      const reason = new Error('stop waiting');
      ac.abort(reason);
      const err = await p.then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(err!.name).toBe('AbortError');
      expect(err!.cause).toBe(reason);
      b.send(Buffer.from('x'));
      expect(summary(await sel.selectAsync(5))).toEqual([[a.fileno(), EVENT_READ]]);
    });

    test('an already-aborted signal rejects at once, even with fds ready', async () => {
      const sel = make();
      const [a, b] = res.socketpair();
      b.send(Buffer.from('x'));
      sel.register(a, EVENT_READ);
      const p = sel.selectAsync(10, { signal: AbortSignal.abort() });
      expect(await settledAtOnce(p)).toBe(true);
      await expect(p).rejects.toMatchObject({ name: 'AbortError' });
      // Nothing stays pending: another wait is not busy.
      expect(await sel.selectAsync(0)).toHaveLength(1);
    });

    test('aborting after the wait resolved changes nothing', async () => {
      const sel = make();
      const [a, b] = res.socketpair();
      sel.register(a, EVENT_READ);
      const ac = new AbortController();
      const p = sel.selectAsync(10, { signal: ac.signal });
      b.send(Buffer.from('x'));
      expect(await p).toHaveLength(1);
      ac.abort();
      const p2 = sel.selectAsync(10);
      expect(await p2).toHaveLength(1);
    });

    test('a second concurrent wait is ERR_BUSY, and so is select() during a pending wait', async () => {
      const sel = make();
      const [a, b] = res.socketpair();
      sel.register(a, EVENT_READ);
      const p = sel.selectAsync(10);
      expect(await codeOf(sel.selectAsync(10))).toBe('ERR_BUSY');
      expect(await codeOf(sel.selectAsync(0))).toBe('ERR_BUSY');
      expect(() => sel.select(0)).toThrow(expect.objectContaining({ code: 'ERR_BUSY' }));
      b.send(Buffer.from('x'));
      expect(await p).toHaveLength(1);
      expect(sel.select(0)).toHaveLength(1);
    });

    test('close() settles a pending wait at once with []', async () => {
      const sel = make();
      const [a] = res.socketpair();
      sel.register(a, EVENT_READ);
      const p = sel.selectAsync();
      expect(await settledAtOnce(p)).toBe(false);
      sel.close();
      expect(await settledAtOnce(p)).toBe(true);
      expect(await p).toEqual([]);
      expect(await codeOf(sel.selectAsync(0))).toBe('ERR_CLOSED');
    });

    test('bad arguments reject with the codes of docs/API.md', async () => {
      const sel = make();
      expect(await codeOf(sel.selectAsync(NaN))).toBe('ERR_INVALID_ARG_VALUE');
      expect(await codeOf(sel.selectAsync('1' as unknown as number))).toBe('ERR_INVALID_ARG_TYPE');
      expect(await codeOf(sel.selectAsync(2 ** 40))).toBe('ERR_OUT_OF_RANGE');
      expect(await codeOf(sel.selectAsync(0, { signal: {} as AbortSignal }))).toBe('ERR_INVALID_ARG_TYPE');
      // None of them left a wait pending.
      expect(await sel.selectAsync(0)).toEqual([]);
    });

    test('many waits in a row (ping-pong over a socketpair) all see the right fd', async () => {
      const sel = make();
      const [a, b] = res.socketpair();
      sel.register(a, EVENT_READ, 'a');
      sel.register(b, EVENT_READ, 'b');
      b.send(Buffer.from('0'));
      let turn = 'a';
      for (let i = 0; i < 300; i++) {
        const got = await sel.selectAsync(5);
        expect(got.map(([k]) => k.data)).toEqual([turn]);
        const me = turn === 'a' ? a : b;
        expect(me.recv(16).toString()).toBe(String(i));
        me.send(Buffer.from(String(i + 1)));
        turn = turn === 'a' ? 'b' : 'a';
      }
    });

    describe('process lifetime (child processes)', () => {
      const SCENARIOS = ['peer-ref-timer', 'peer-unref-timer', 'timeout-only', 'resolved', 'timed-out', 'aborted', 'unregistered'];
      const results = new Map<string, ChildResult>();
      // The children run at once (each spends seconds transpiling the sources).
      beforeAll(async () => {
        await Promise.all(
          SCENARIOS.map(async (scenario) => {
            results.set(scenario, await run(process.execPath, [...NODE_TS, path.join(__dirname, 'fixtures', 'lifetime.js'), Selector.name, scenario], { timeoutMs: 30000 }));
          }),
        );
      }, 60000);

      test.each(['peer-ref-timer', 'peer-unref-timer'])('a pending wait keeps the process alive until it resolves (%s)', (scenario) => {
        const r = results.get(scenario)!;
        expect(r.stderr).toBe('');
        expect(r.json).toEqual([{ scenario, result: [['peer', EVENT_READ]] }]);
        expect([r.status, r.signal]).toEqual([0, null]);
      });

      test('a wait with only a 300 ms timeout to end it still waits for it', () => {
        const r = results.get('timeout-only')!;
        expect(r.stderr).toBe('');
        expect(r.json).toEqual([{ scenario: 'timeout-only', result: [], waitedEnough: true }]);
        expect([r.status, r.signal]).toEqual([0, null]);
      });

      test.each(['resolved', 'timed-out', 'aborted', 'unregistered'])('once no wait is pending the process exits by itself (%s, selector left open)', (scenario) => {
        const r = results.get(scenario)!;
        expect(r.stderr).toBe('');
        expect(r.json).toEqual([{ scenario, done: true }]);
        expect([r.status, r.signal]).toEqual([0, null]);
      });
    });
  });
}
