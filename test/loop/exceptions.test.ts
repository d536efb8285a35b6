// EventLoop keeps serving when callbacks throw (asyncio's exception handler): the context each
// source gives, the default handler's log, a throwing handler, and a healthy connection served
// beside a reader that throws on every readiness.
import { EventLoop, Handle } from '../../lib/loop';
import type { ExceptionContext } from '../../lib/loop';
import { socketpair, type Socket } from '../../lib/socket';
import { codeOf } from '../helpers/bad-input';

const open: Array<{ close(): void }> = [];
afterEach(() => {
  for (const thing of open.splice(0)) thing.close();
  jest.restoreAllMocks();
});
function pair(): [Socket, Socket] {
  const [a, b] = socketpair();
  open.push(a, b);
  return [a, b];
}
function newLoop(): EventLoop {
  const loop = new EventLoop();
  open.push(loop);
  return loop;
}

describe('EventLoop exception handler', () => {
  for (const mode of ['run', 'runSync'] as const) {
    test(`${mode}(): a reader that throws on every readiness does not stop a healthy connection from being served`, async () => {
      const loop = newLoop();
      const [bad, badPeer] = pair();
      const [srv, cli] = pair();
      const contexts: ExceptionContext[] = [];
      loop.setExceptionHandler((l, context) => {
        expect(l).toBe(loop);
        contexts.push(context);
      });
      const boom = new Error('bad reader');
      function badReader(): void {
        throw boom; // never reads: level-triggered, so it fires again every iteration
      }
      loop.addReader(bad, badReader);
      badPeer.send(Buffer.from('x'));
      let pongs = 0;
      loop.addReader(srv, () => srv.send(srv.recv(16))); // echo
      loop.addReader(cli, () => {
        cli.recv(16);
        if (++pongs === 5) loop.stop();
        else cli.send(Buffer.from('ping'));
      });
      cli.send(Buffer.from('ping'));
      if (mode === 'run') await loop.run();
      else loop.runSync();
      expect(pongs).toBe(5);
      expect(contexts.length).toBeGreaterThanOrEqual(4);
      const [first] = contexts;
      expect(Object.keys(first).sort()).toEqual(['exception', 'handle', 'message']);
      expect(first.exception).toBe(boom);
      expect(first.message).toMatch(/^Exception in callback badReader\(/);
      expect(first.handle).toBeInstanceOf(Handle);
      expect(first.handle!.cancelled()).toBe(false);
    });

    test(`${mode}(): errors from callSoon, callLater, a writer and a signal-free callAt all reach the handler, in order, and the loop goes on`, async () => {
      const loop = newLoop();
      const [a] = pair();
      const seen: string[] = [];
      loop.setExceptionHandler((_l, context) => seen.push((context.exception as Error).message));
      loop.callSoon(() => {
        throw new Error('soon');
      });
      loop.addWriter(a, () => {
        loop.removeWriter(a);
        throw new Error('writer');
      });
      loop.callLater(0, () => {
        throw new Error('later');
      });
      loop.callAt(loop.time() + 0.01, () => {
        throw new Error('at');
      });
      loop.callLater(0.03, () => loop.stop());
      if (mode === 'run') await loop.run();
      else loop.runSync();
      expect(seen).toEqual(['soon', 'writer', 'later', 'at']);
    });
  }

  test('the default handler logs one console.error: the message, the other keys sorted, then the stack', async () => {
    const loop = newLoop();
    const logged: string[] = [];
    jest.spyOn(console, 'error').mockImplementation((text: string) => void logged.push(text));
    function failing(x: number): void {
      throw new Error(`failing ${x}`);
    }
    loop.callSoon(failing, 7);
    loop.callSoon(() => loop.stop());
    await loop.run();
    expect(logged).toHaveLength(1);
    const lines = logged[0].split('\n');
    expect(lines[0]).toBe('Exception in callback failing(7)');
    expect(lines[1]).toBe('handle: <Handle failing(7)>');
    expect(lines[2]).toBe('Error: failing 7');
    expect(lines[3]).toMatch(/^\s+at failing /);
  });

  test('a handler that throws is reported by the default handler ("Unhandled error in exception handler", with the context)', () => {
    const loop = newLoop();
    const logged: string[] = [];
    jest.spyOn(console, 'error').mockImplementation((text: string) => void logged.push(text));
    loop.setExceptionHandler(() => {
      throw new Error('handler broke');
    });
    loop.callSoon(() => {
      throw new Error('original');
    });
    loop.callSoon(() => loop.stop());
    loop.runSync();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^Unhandled error in exception handler\ncontext: \{\s+message: 'Exception in callback/);
    expect(logged[0]).toContain('Error: handler broke');
  });

  test('a non-Error thrown value and a context without message are logged too', () => {
    const loop = newLoop();
    const logged: string[] = [];
    jest.spyOn(console, 'error').mockImplementation((text: string) => void logged.push(text));
    loop.callExceptionHandler({ exception: 42, extra: 'x' });
    expect(logged).toEqual(["Unhandled exception in event loop\nextra: 'x'\nUncaught 42"]);
  });

  test('setExceptionHandler / getExceptionHandler / callExceptionHandler; defaultExceptionHandler callable from a custom one', () => {
    const loop = newLoop();
    expect(loop.getExceptionHandler()).toBeNull();
    const got: ExceptionContext[] = [];
    const handler = (_l: EventLoop, c: ExceptionContext): void => void got.push(c);
    loop.setExceptionHandler(handler);
    expect(loop.getExceptionHandler()).toBe(handler);
    const context = { message: 'm', socket: 'the socket' };
    loop.callExceptionHandler(context);
    expect(got).toEqual([context]);
    loop.setExceptionHandler(null);
    expect(loop.getExceptionHandler()).toBeNull();
    const logged: string[] = [];
    jest.spyOn(console, 'error').mockImplementation((text: string) => void logged.push(text));
    loop.defaultExceptionHandler({ message: 'direct' });
    expect(logged).toEqual(['direct']);
  });

  test('bad input: a handler that is not a function or null, a context that is not an object (callExceptionHandler, defaultExceptionHandler) → ERR_INVALID_ARG_TYPE', () => {
    const loop = newLoop();
    for (const bad of [undefined, 1, 'f', {}, [], Symbol('h'), 1n, true]) {
      expect(codeOf(() => loop.setExceptionHandler(bad as never))).toBe('ERR_INVALID_ARG_TYPE');
    }
    expect(loop.getExceptionHandler()).toBeNull();
    for (const bad of [undefined, null, 1, 'c', Symbol('c'), 1n, true]) {
      expect(codeOf(() => loop.callExceptionHandler(bad as never))).toBe('ERR_INVALID_ARG_TYPE');
      expect(codeOf(() => loop.defaultExceptionHandler(bad as never))).toBe('ERR_INVALID_ARG_TYPE');
    }
  });

  test('callSoon returns a Handle; cancel() before its turn keeps it from running; extra arguments are passed', () => {
    const loop = newLoop();
    const seen: unknown[] = [];
    const h = loop.callSoon((a: number, b: string) => seen.push([a, b]), 1, 'two');
    const cancelled = loop.callSoon(() => seen.push('cancelled'));
    cancelled.cancel();
    expect([h.cancelled(), cancelled.cancelled()]).toEqual([false, true]);
    loop.callSoon(() => loop.stop());
    loop.runSync();
    expect(seen).toEqual([[1, 'two']]);
    expect(String(cancelled)).toMatch(/^<Handle cancelled /);
  });
});
