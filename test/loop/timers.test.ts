// EventLoop's clock and timers beyond the order scripts: time(), callAt, TimerHandle.when(),
// arguments, the seconds-unit warning, isRunning/isClosed, and bad input for callAt/callLater.
import { EventLoop } from '../../lib/loop';
import { NOT_NUMBERS, codeOf } from '../helpers/bad-input';

const loops: EventLoop[] = [];
afterEach(() => {
  for (const loop of loops.splice(0)) loop.close();
});
function newLoop(): EventLoop {
  const loop = new EventLoop();
  loops.push(loop);
  return loop;
}

describe('EventLoop timers and clock', () => {
  test('time() is in seconds and monotonic; callAt runs at its time; when() reports it; args are passed', () => {
    const loop = newLoop();
    const t0 = loop.time();
    expect(loop.time()).toBeGreaterThanOrEqual(t0);
    expect(Math.abs(t0 - performance.now() / 1000)).toBeLessThan(1);
    const seen: Array<[string, number]> = [];
    const h = loop.callAt(t0 + 0.05, (tag: string) => {
      seen.push([tag, loop.time() - t0]);
      loop.stop();
    }, 'at');
    expect(h.when()).toBe(t0 + 0.05);
    const later = loop.callLater(0.01, () => {});
    expect(later.when()).toBeGreaterThanOrEqual(t0 + 0.01);
    loop.runSync();
    expect(seen).toHaveLength(1);
    expect(seen[0][0]).toBe('at');
    expect(seen[0][1]).toBeGreaterThanOrEqual(0.05);
  });

  test('a TimerHandle shows when it is due, as asyncio\'s repr: <TimerHandle [cancelled] when=… name(args)>', () => {
    const loop = newLoop();
    const tick = (_n: number): void => {};
    const timer = loop.callAt(12.5, tick, 1);
    expect(String(timer)).toBe('<TimerHandle when=12.5 tick(1)>');
    timer.cancel();
    expect(String(timer)).toBe('<TimerHandle cancelled when=12.5 tick(1)>');
    loop.close();
  });

  test('a TimerHandle cancelled before it is due never runs; cancelled() says so; many cancelled timers are compacted away', () => {
    const loop = newLoop();
    const seen: number[] = [];
    const handles = Array.from({ length: 300 }, (_, i) => loop.callLater(0.001 * (i % 10), () => seen.push(i)));
    for (const [i, h] of handles.entries()) if (i % 3 !== 0) h.cancel();
    expect(handles[1].cancelled()).toBe(true);
    loop.callLater(0.03, () => loop.stop());
    loop.runSync();
    expect(seen.sort((a, b) => a - b)).toEqual(handles.map((_, i) => i).filter((i) => i % 3 === 0));
  });

  test('isRunning() during run() and runSync(); isClosed() after close()', async () => {
    const loop = newLoop();
    const states: boolean[] = [loop.isRunning()];
    loop.callSoon(() => {
      states.push(loop.isRunning());
      loop.stop();
    });
    await loop.run();
    loop.callSoon(() => {
      states.push(loop.isRunning());
      loop.stop();
    });
    loop.runSync();
    states.push(loop.isRunning());
    expect(states).toEqual([false, true, true, false]);
    expect(loop.isClosed()).toBe(false);
    loop.close();
    expect(loop.isClosed()).toBe(true);
  });

  test('a delay ≥ 1000 s warns once per process (IOMUX_TIMEOUT_UNIT), and the timer is still set', async () => {
    const loop = newLoop();
    // Watched through process.emitWarning (called through): jest's sandboxed process does not
    // deliver 'warning' events to listeners added here.
    const emit = jest.spyOn(process, 'emitWarning');
    try {
      const h = loop.callLater(1000, () => {});
      loop.callLater(5000, () => {});
      loop.callLater(Infinity, () => {});
      const ours = emit.mock.calls.filter((args) => (args[1] as { code?: string } | undefined)?.code === 'IOMUX_TIMEOUT_UNIT');
      expect(ours).toHaveLength(1);
      expect(String(ours[0][0])).toMatch(/delaySeconds.*1000.*seconds/);
      expect(h.when()).toBeGreaterThan(loop.time() + 999);
    } finally {
      emit.mockRestore();
    }
  });

  test('bad input: callAt/callLater times that are not numbers → ERR_INVALID_ARG_TYPE, NaN → ERR_INVALID_ARG_VALUE, callbacks → ERR_INVALID_ARG_TYPE; nothing is scheduled', () => {
    const loop = newLoop();
    for (const bad of NOT_NUMBERS) {
      expect(codeOf(() => loop.callAt(bad as never, () => {}))).toBe('ERR_INVALID_ARG_TYPE');
      expect(codeOf(() => loop.callLater(bad as never, () => {}))).toBe('ERR_INVALID_ARG_TYPE');
    }
    expect(codeOf(() => loop.callAt(NaN, () => {}))).toBe('ERR_INVALID_ARG_VALUE');
    // the types (time and callback) before NaN, the error table's order
    expect(codeOf(() => loop.callAt(NaN, 1 as never))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => loop.callLater(NaN, 1 as never))).toBe('ERR_INVALID_ARG_TYPE');
    for (const bad of [undefined, null, 1, 'f', {}, [], Symbol('f'), 1n]) {
      expect(codeOf(() => loop.callAt(0, bad as never))).toBe('ERR_INVALID_ARG_TYPE');
      expect(codeOf(() => loop.callSoon(bad as never))).toBe('ERR_INVALID_ARG_TYPE');
    }
    loop.close();
    expect(codeOf(() => loop.callAt(0, () => {}))).toBe('ERR_CLOSED');
  });
});
