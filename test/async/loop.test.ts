// EventLoop: readers and writers, callSoon, callLater, run() inside Node's loop, runSync(),
// stop, close, ref/unref (child processes), `using`, and bad input.
import path from 'node:path';
import { EventLoop } from '../../lib/loop';
import { DefaultSelector, EVENT_READ, EVENT_WRITE, EpollSelector, PollSelector, type BaseSelector } from '../../lib/selectors';
import type { Socket } from '../../lib/socket';
import { BAD_FDS, NOT_FILEOBJS, NOT_NUMBERS, codeOf } from '../helpers/bad-input';
import { AVAILABLE, SELECTORS } from '../helpers/backends';
import { NODE_TS, run, type ChildResult } from '../helpers/child';
import { openFds, Resources } from '../helpers/fds';
import { writeLater } from '../helpers/io';
import { whenAvailable } from '../helpers/platform';

const res = new Resources();
afterEach(() => res.closeAll());

const NOT_FUNCTIONS: unknown[] = [undefined, null, 1, 'f', {}, [], Symbol('f'), 1n];

/** Runs the loop until `done` says so (checked after every callback of the test), with a safety stop. */
function stopAfter(loop: EventLoop, ms: number): NodeJS.Timeout {
  return setTimeout(() => loop.stop(), ms);
}

for (const Selector of SELECTORS) {
  whenAvailable(Selector).describe(`EventLoop over ${Selector.name}`, () => {
    const make = (): [EventLoop, BaseSelector] => {
      const sel = res.add(new Selector());
      return [res.add(new EventLoop(sel)), sel];
    };

    test('addReader / removeReader / addWriter / removeWriter return values and the registrations they leave', () => {
      const [loop, sel] = make();
      const [a] = res.socketpair();
      const cb = (): void => {};
      expect(loop.removeReader(a)).toBe(false);
      expect(loop.removeWriter(a)).toBe(false);
      expect(loop.addReader(a, cb)).toBeUndefined();
      expect(sel.getKey(a).events).toBe(EVENT_READ);
      expect(loop.removeWriter(a)).toBe(false);
      expect(loop.addWriter(a, cb)).toBeUndefined();
      expect(sel.getKey(a).events).toBe(EVENT_READ | EVENT_WRITE);
      expect(loop.removeReader(a)).toBe(true);
      expect(sel.getKey(a).events).toBe(EVENT_WRITE);
      expect(loop.removeReader(a)).toBe(false);
      expect(loop.removeWriter(a)).toBe(true);
      expect(sel.getMap().size).toBe(0);
      expect(loop.removeWriter(a)).toBe(false);
      // By fd as well as by object.
      loop.addReader(a.fileno(), cb);
      expect(loop.removeReader(a)).toBe(true);
    });

    test('a reader gets (fileobj, mask); replacing it calls only the new one', async () => {
      const [loop] = make();
      const [a, b] = res.socketpair();
      const calls: string[] = [];
      loop.addReader(a, () => calls.push('old'));
      loop.addReader(a, (fileobj, mask) => {
        expect(fileobj).toBe(a);
        expect(mask & EVENT_READ).toBe(EVENT_READ);
        calls.push(a.recv(10).toString());
        loop.stop();
      });
      b.send(Buffer.from('hi'));
      await loop.run();
      expect(calls).toEqual(['hi']);
    });

    test('reader and writer on one fd both run; removing one keeps the other', async () => {
      const [loop] = make();
      const [a, b] = res.socketpair();
      const seen: string[] = [];
      loop.addReader(a, () => {
        seen.push('r:' + a.recv(10).toString());
        if (seen.filter((s) => s.startsWith('r:')).length === 2) loop.stop();
        else b.send(Buffer.from('2'));
      });
      loop.addWriter(a, () => {
        seen.push('w');
        expect(loop.removeWriter(a)).toBe(true);
      });
      b.send(Buffer.from('1'));
      await loop.run();
      expect(seen).toEqual(['r:1', 'w', 'r:2']);
    });

    test('callSoon runs in order; what a callback queues runs on a later iteration', async () => {
      const [loop] = make();
      const order: string[] = [];
      loop.callSoon(() => {
        order.push('1');
        loop.callSoon(() => {
          order.push('4');
          loop.stop();
        });
      });
      loop.callSoon(() => order.push('2'));
      loop.callSoon(() => order.push('3'));
      await loop.run();
      expect(order).toEqual(['1', '2', '3', '4']);
    });

    test('callLater runs by due time, ties in scheduling order; cancel() stops one', async () => {
      const [loop] = make();
      const order: string[] = [];
      loop.callLater(0.06, () => order.push('60'));
      loop.callLater(0.02, () => order.push('20a'));
      const cancelled = loop.callLater(0.03, () => order.push('30-cancelled'));
      loop.callLater(0.02, () => order.push('20b'));
      loop.callLater(-5, () => order.push('now'));
      loop.callLater(0.04, () => order.push('40'));
      loop.callLater(0.08, () => loop.stop());
      cancelled.cancel();
      cancelled.cancel(); // twice is harmless
      const t0 = performance.now();
      await loop.run();
      expect(order).toEqual(['now', '20a', '20b', '40', '60']);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(80);
    });

    test('a timer waits at least its delay; cancelling after it ran does nothing', async () => {
      const [loop] = make();
      const t0 = performance.now();
      let at = 0;
      const h = loop.callLater(0.05, () => {
        at = performance.now() - t0;
        loop.stop();
      });
      await loop.run();
      expect(at).toBeGreaterThanOrEqual(50);
      h.cancel();
    });

    test('run() never blocks the thread: a setInterval keeps ticking while it serves a ping-pong', async () => {
      const [loop] = make();
      const [a, b] = res.socketpair();
      let ticks = 0;
      const interval = setInterval(() => ticks++, 5);
      let rounds = 0;
      const pong = (me: Socket) => (): void => {
        const got = me.recv(64);
        expect(got.length).toBeGreaterThan(0);
        if (++rounds === 2000) return loop.stop();
        me.send(got);
      };
      loop.addReader(a, pong(a));
      loop.addReader(b, pong(b));
      a.send(Buffer.from('ping'));
      const ticksBefore = ticks;
      const t0 = performance.now();
      await loop.run();
      const elapsed = performance.now() - t0;
      clearInterval(interval);
      expect(rounds).toBe(2000);
      if (elapsed > 50) expect(ticks - ticksBefore).toBeGreaterThan(0);
      // While the loop only waits, Node's timers run freely.
      let waitTicks = 0;
      const i2 = setInterval(() => waitTicks++, 5);
      setTimeout(() => loop.stop(), 100);
      await loop.run();
      clearInterval(i2);
      expect(waitTicks).toBeGreaterThan(0);
    });

    test('stop() from outside while the loop waits with nothing to do resolves run()', async () => {
      const [loop] = make();
      setTimeout(() => loop.stop(), 20);
      await expect(loop.run()).resolves.toBeUndefined();
      // run() again works.
      loop.callSoon(() => loop.stop());
      await loop.run();
    });

    test('a reader added and callSoon queued from outside during a wait take effect', async () => {
      const [loop] = make();
      const [a, b] = res.socketpair();
      const seen: string[] = [];
      const p = loop.run();
      setTimeout(() => {
        loop.callSoon(() => seen.push('soon'));
        loop.addReader(a, () => {
          seen.push(a.recv(10).toString());
          loop.stop();
        });
        setTimeout(() => b.send(Buffer.from('late')), 10);
      }, 10);
      const guard = stopAfter(loop, 10000);
      await p;
      clearTimeout(guard);
      expect(seen).toEqual(['soon', 'late']);
    });

    test('a throwing reader or timer goes to the exception handler and run() goes on', async () => {
      const [loop] = make();
      const [a, b] = res.socketpair();
      const boom = new Error('boom');
      const seen: unknown[] = [];
      loop.setExceptionHandler((_loop, context) => seen.push(context.exception));
      loop.addReader(a, () => {
        loop.removeReader(a);
        throw boom;
      });
      b.send(Buffer.from('x'));
      loop.callLater(0.001, () => {
        throw boom;
      });
      loop.callLater(0.02, () => loop.stop());
      await loop.run();
      expect(seen).toEqual([boom, boom]);
    });

    test('run() twice at once: the second rejects ERR_BUSY; runSync() during run() throws ERR_BUSY', async () => {
      const [loop] = make();
      const p = loop.run();
      await expect(loop.run()).rejects.toMatchObject({ code: 'ERR_BUSY' });
      expect(() => loop.runSync()).toThrow(expect.objectContaining({ code: 'ERR_BUSY' }));
      loop.stop();
      await p;
    });

    test('runSync() blocks the thread until stop(): timers fire in order, Node timers wait', () => {
      const [loop] = make();
      const [a, b] = res.socketpair();
      let nodeTimerRan = false;
      const t = setTimeout(() => (nodeTimerRan = true), 0);
      const order: string[] = [];
      const t0 = performance.now(); // before the timers are scheduled: their deadlines count from here
      loop.callLater(0.03, () => order.push('30'));
      loop.callLater(0.01, () => {
        order.push('10');
        b.send(Buffer.from('x'));
      });
      loop.addReader(a, () => {
        order.push('read:' + a.recv(4).toString());
        loop.callLater(0.05, () => loop.stop());
      });
      loop.callSoon(() => order.push('soon'));
      loop.runSync();
      expect(performance.now() - t0).toBeGreaterThanOrEqual(60);
      expect(order).toEqual(['soon', '10', 'read:x', '30']);
      expect(nodeTimerRan).toBe(false);
      clearTimeout(t);
    });

    test('runSync() with nothing due blocks in select(null) instead of polling with a negative timeout', () => {
      class Counting extends (Selector as unknown as typeof PollSelector) {
        readonly timeouts: Array<number | null | undefined> = [];
        override select(timeout?: number | null) {
          this.timeouts.push(timeout);
          return super.select(timeout);
        }
      }
      const sel = res.add(new Counting());
      const loop = res.add(new EventLoop(sel));
      const [a, b] = res.socketpair();
      // The peer is written by another process while this thread is blocked in runSync().
      writeLater(b.fileno(), 200);
      loop.addReader(a, () => {
        a.recv(4);
        loop.stop();
      });
      loop.runSync();
      expect(sel.timeouts.filter((t) => t !== null && t !== undefined && t <= 0)).toEqual([]);
      expect(sel.timeouts.length).toBeLessThan(10);
    });

    test('runSync(): stop() from a reader ends it; a throwing callback goes to the exception handler; it runs again afterwards', () => {
      const [loop] = make();
      const [a, b] = res.socketpair();
      b.send(Buffer.from('x'));
      loop.addReader(a, () => {
        a.recv(4);
        loop.stop();
      });
      loop.runSync();
      const boom = new Error('sync boom');
      const seen: unknown[] = [];
      loop.setExceptionHandler((_loop, context) => seen.push(context.exception));
      loop.callSoon(() => {
        throw boom;
      });
      loop.callSoon(() => loop.stop());
      loop.runSync();
      expect(seen).toEqual([boom]);
      loop.callSoon(() => loop.stop());
      loop.runSync();
      expect(() => loop.callSoon(() => {})).not.toThrow();
    });

    test('close() while run() waits resolves it and leaves a passed-in selector open and idle', async () => {
      const [loop, sel] = make();
      const p = loop.run();
      setTimeout(() => loop.close(), 10);
      await p;
      expect(sel.closed).toBe(false);
      expect(await sel.selectAsync(0)).toEqual([]); // no wait left pending on it
    });

    test('close() from a callback ends run(); a passed-in selector is left open and idle', async () => {
      const [loop, sel] = make();
      const [a, b] = res.socketpair();
      b.send(Buffer.from('x'));
      loop.addReader(a, () => loop.close());
      await loop.run();
      expect(sel.closed).toBe(false);
      expect(await sel.selectAsync(0)).toHaveLength(1); // not ERR_BUSY: no wait left pending on it
    });

    test('close() from a callback ends runSync() as stop() does', () => {
      const [loop, sel] = make();
      const [a, b] = res.socketpair();
      b.send(Buffer.from('x'));
      loop.addReader(a, () => loop.close());
      expect(() => loop.runSync()).not.toThrow();
      expect(sel.closed).toBe(false);
    });
  });
}

describe('EventLoop without a selector given', () => {
  test('makes a DefaultSelector and close() closes it (its fd is released)', () => {
    const before = openFds();
    const loop = new EventLoop();
    const [a, b] = res.socketpair();
    loop.addReader(a, () => {});
    loop.close();
    loop.close(); // idempotent
    a.close();
    b.close();
    expect(openFds()).toEqual(before);
  });

  test('`using` closes the loop at the end of the scope', () => {
    const sel = res.add(new DefaultSelector());
    let outer: EventLoop;
    {
      using loop = new EventLoop(sel);
      outer = loop;
      loop.callSoon(() => {});
    }
    expect(() => outer.callSoon(() => {})).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }));
    expect(sel.closed).toBe(false); // not the loop's to close
  });

  test('a callLater beyond setTimeout range neither warns nor spins (TimeoutOverflowWarning)', async () => {
    for (const sel of [res.add(new EpollSelector()), res.add(new PollSelector())]) {
      const loop = res.add(new EventLoop(sel));
      const warnings: string[] = [];
      // IOMUX_TIMEOUT_UNIT (seconds ≥ 1000) is expected here; Node's TimeoutOverflowWarning is not.
      const onWarning = (w: Error & { code?: string }): void => void (w.code === 'IOMUX_TIMEOUT_UNIT' || warnings.push(w.name));
      process.on('warning', onWarning);
      let ran = false;
      loop.callLater(1e7, () => (ran = true));
      loop.callLater(Infinity, () => (ran = true));
      setTimeout(() => loop.stop(), 100);
      await loop.run();
      await new Promise((r) => setImmediate(r));
      process.off('warning', onWarning);
      expect(warnings).toEqual([]);
      expect(ran).toBe(false);
    }
  });
});

describe('EventLoop bad input', () => {
  test('constructor: anything but an iomux selector is ERR_INVALID_ARG_TYPE', () => {
    for (const bad of [null, 1, 'sel', {}, [], { select: () => [] }, () => {}]) {
      expect(codeOf(() => new EventLoop(bad as unknown as BaseSelector))).toBe('ERR_INVALID_ARG_TYPE');
    }
  });

  test('non-function callbacks are ERR_INVALID_ARG_TYPE and register nothing', () => {
    const sel = res.add(new DefaultSelector());
    const loop = res.add(new EventLoop(sel));
    const [a] = res.socketpair();
    for (const bad of NOT_FUNCTIONS) {
      expect(codeOf(() => loop.addReader(a, bad as () => void))).toBe('ERR_INVALID_ARG_TYPE');
      expect(codeOf(() => loop.addWriter(a, bad as () => void))).toBe('ERR_INVALID_ARG_TYPE');
      expect(codeOf(() => loop.callSoon(bad as () => void))).toBe('ERR_INVALID_ARG_TYPE');
      expect(codeOf(() => loop.callLater(0, bad as () => void))).toBe('ERR_INVALID_ARG_TYPE');
    }
    expect(sel.getMap().size).toBe(0);
    // A bad callback for a second direction leaves the first as it was.
    loop.addReader(a, () => {});
    expect(codeOf(() => loop.addWriter(a, null as unknown as () => void))).toBe('ERR_INVALID_ARG_TYPE');
    expect(sel.getKey(a).events).toBe(EVENT_READ);
  });

  test('callLater: NaN is ERR_INVALID_ARG_VALUE, a non-number ERR_INVALID_ARG_TYPE', () => {
    const loop = res.add(new EventLoop(res.add(new DefaultSelector())));
    expect(codeOf(() => loop.callLater(NaN, () => {}))).toBe('ERR_INVALID_ARG_VALUE');
    for (const bad of NOT_NUMBERS) expect(codeOf(() => loop.callLater(bad as number, () => {}))).toBe('ERR_INVALID_ARG_TYPE');
  });

  test('bad file objects: ERR_INVALID_ARG_TYPE / ERR_INVALID_FD from add and remove alike', () => {
    const sel = res.add(new DefaultSelector());
    const loop = res.add(new EventLoop(sel));
    const cb = (): void => {};
    for (const bad of NOT_FILEOBJS) {
      for (const call of [() => loop.addReader(bad as number, cb), () => loop.addWriter(bad as number, cb), () => loop.removeReader(bad as number), () => loop.removeWriter(bad as number)]) {
        expect(codeOf(call)).toBe('ERR_INVALID_ARG_TYPE');
      }
    }
    for (const bad of BAD_FDS) {
      for (const call of [() => loop.addReader(bad, cb), () => loop.addWriter(bad, cb), () => loop.removeReader(bad), () => loop.removeWriter(bad)]) {
        expect(codeOf(call)).toBe('ERR_INVALID_FD');
      }
    }
    expect(sel.getMap().size).toBe(0);
  });

  test('a closed socket that is registered is still found by removeReader (identity), as the selector does', () => {
    const sel = res.add(new DefaultSelector());
    const loop = res.add(new EventLoop(sel));
    const [a] = res.socketpair();
    loop.addReader(a, () => {});
    a.close();
    expect(loop.removeReader(a)).toBe(true);
    expect(sel.getMap().size).toBe(0);
  });

  test('a closed loop: every method but close/stop/ref/unref is ERR_CLOSED', async () => {
    const loop = new EventLoop();
    const [a] = res.socketpair();
    loop.close();
    const cb = (): void => {};
    for (const call of [
      () => loop.addReader(a, cb),
      () => loop.addWriter(a, cb),
      // ERR_CLOSED is checked before the callback (the error table's order)
      () => loop.addReader(a, 5 as never),
      () => loop.addWriter(a, 5 as never),
      () => loop.removeReader(a),
      () => loop.removeWriter(a),
      () => loop.callSoon(cb),
      () => loop.callLater(1, cb),
      () => loop.runSync(),
    ]) {
      expect(codeOf(call)).toBe('ERR_CLOSED');
    }
    await expect(loop.run()).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    expect(() => {
      loop.stop();
      loop.close();
      loop.ref();
      loop.unref();
      loop[Symbol.dispose]();
    }).not.toThrow();
  });
});

describe('EventLoop ref/unref (child processes)', () => {
  const SCENARIOS = ['unref-idle', 'unref-timer', 'ref-until-stop', 'unref-then-ref'];
  const CLASSES = AVAILABLE.map((cls) => cls.name);
  const results = new Map<string, ChildResult>();
  beforeAll(async () => {
    const runs = CLASSES.flatMap((cls) => SCENARIOS.map((s) => [s, cls]));
    await Promise.all(runs.map(async ([s, cls]) => results.set(`${s} ${cls}`, await run(process.execPath, [...NODE_TS, path.join(__dirname, 'fixtures', 'loop-ref.js'), s, cls], { timeoutMs: 40000 }))));
  }, 90000);

  test.each(CLASSES)('an unref()d running loop with nothing else lets the process exit; run() never settles (%s)', (cls) => {
    for (const s of ['unref-idle', 'unref-timer']) {
      const r = results.get(`${s} ${cls}`)!;
      expect(r.stderr).toBe('');
      expect(r.json).toEqual([{ scenario: s, started: true }, { scenario: s, exit: true, settled: false }]);
      expect([r.status, r.signal]).toEqual([0, null]);
    }
  });

  test.each(CLASSES)('a ref()d loop keeps the process alive until stop() (%s)', (cls) => {
    for (const s of ['ref-until-stop', 'unref-then-ref']) {
      const r = results.get(`${s} ${cls}`)!;
      expect(r.stderr).toBe('');
      expect(r.json).toEqual([
        { scenario: s, started: true },
        { scenario: s, stopped: true, reads: 3 },
        { scenario: s, exit: true, settled: true },
      ]);
      expect([r.status, r.signal]).toEqual([0, null]);
    }
  });
});
