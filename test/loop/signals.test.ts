// EventLoop.addSignalHandler / removeSignalHandler: real signals, sent by process.kill during
// run(), and by the parent or a shell child while a child process blocks in runSync(); Node's own
// process.on listeners keep running; removal restores the default action; bad input.
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { EventLoop } from '../../lib/loop';
import { killAll, NODE_TS, ROOT, start } from '../helpers/child';
import { when } from '../helpers/platform';
import { codeOf } from '../helpers/bad-input';

const CHILD = path.join(__dirname, 'fixtures/signal-child.js');

afterEach(killAll);

interface SignalChild {
  /** The child's JSON lines but `{"ready":true}`, once it has exited. */
  lines: Array<Record<string, unknown>>;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  /** Resolves once the child prints `{"ready":true}`. */
  ready(): Promise<string>;
  kill(sig: NodeJS.Signals): void;
  stderr(): string;
}

function startChild(mode: string, selector?: string): SignalChild {
  const env = selector === undefined ? process.env : { ...process.env, IOMUX_SELECTOR: selector };
  const child = start(process.execPath, [...NODE_TS, CHILD, mode], { env, timeoutMs: 30000 });
  const lines: Array<Record<string, unknown>> = [];
  const exited = child.exited.then((r): [number | null, NodeJS.Signals | null] => {
    lines.push(...r.json.filter((line) => !line.ready));
    return [r.status, r.signal];
  });
  return { lines, exited, ready: () => child.waitLine(/"ready":true/), kill: (sig) => child.process.kill(sig), stderr: child.stderr };
}

// The backends a child can be forced onto on this platform (the self-pipe wakes each kind of wait).
const SELECTORS = process.platform === 'linux' ? ['epoll', 'poll', 'select'] : ['poll', 'select'];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
when(process.platform !== 'win32', 'no POSIX signals on Windows').describe('EventLoop signal handlers', () => {
  test('during run() (in a child): process.kill(process.pid) runs the handler on the loop with its args, and a process.on listener too; after removal the listener alone', async () => {
    // A child, because jest's sandboxed `process` does not reach Node's signal wiring.
    const child = startChild('run');
    const [status, signal] = await child.exited;
    expect(child.stderr()).toBe('');
    expect([status, signal]).toEqual([0, null]);
    expect(child.lines).toEqual([{ first: ['handler x 2 running=true', 'listener'] }, { removed: true }, { second: ['listener'] }]);
  }, 40000);

  test('a number works as a signal; replacing a handler calls only the new one; close() removes them', async () => {
    const loop = new EventLoop();
    const seen: string[] = [];
    const before = process.listenerCount('SIGUSR2');
    loop.addSignalHandler(os12(), () => seen.push('old'));
    loop.addSignalHandler('SIGUSR2', () => {
      seen.push('new');
      loop.stop();
    });
    expect(process.listenerCount('SIGUSR2')).toBe(before + 1);
    loop.callSoon(() => process.kill(process.pid, 'SIGUSR2'));
    await loop.run();
    expect(seen).toEqual(['new']);
    loop.close();
    expect(process.listenerCount('SIGUSR2')).toBe(before);
  });

  test.each(SELECTORS)('during runSync() in a child (IOMUX_SELECTOR=%s): the parent\'s SIGINT wakes the blocked wait, the handler stops the loop, the process.on listener runs after, the process lives', async (selector) => {
    const child = startChild('runSync', selector);
    await child.ready();
    await sleep(300); // let it block in the selector wait
    child.kill('SIGINT');
    const [status, signal] = await child.exited;
    expect(child.stderr()).toBe('');
    expect([status, signal]).toEqual([0, null]);
    expect(child.lines.map((l) => l.event)).toEqual(['handler', 'returned', 'listener', 'done']);
    expect(child.lines[0]).toMatchObject({ tag: 'arg', running: true });
    expect(child.lines[1].waitedMs).toBeGreaterThanOrEqual(250); // it was blocked in the wait
  }, 40000);

  test('during runSync() in a child: a signal sent by its own child process (sh kill) ends the wait', async () => {
    const child = startChild('childKills');
    const [status, signal] = await child.exited;
    expect(child.stderr()).toBe('');
    expect([status, signal]).toEqual([0, null]);
    expect(child.lines.map((l) => l.event)).toEqual(['handler', 'returned', 'listener', 'done']);
    expect(child.lines[1].waitedMs).toBeGreaterThanOrEqual(250);
  }, 40000);

  test('removeSignalHandler restores the default action: SIGINT then kills the child', async () => {
    const child = startChild('removed');
    await child.ready();
    child.kill('SIGINT');
    const [status, signal] = await child.exited;
    expect([status, signal]).toEqual([null, 'SIGINT']);
    expect(child.lines).toEqual([{ removed: true, again: false }]);
  }, 40000);
});

function os12(): number {
  return osConstants.signals.SIGUSR2;
}

describe('EventLoop signal handlers: bad input', () => {
  test('sig: wrong type → ERR_INVALID_ARG_TYPE; unknown, realtime, SIGKILL, SIGSTOP → ERR_INVALID_ARG_VALUE; nothing installed', () => {
    const loop = new EventLoop();
    try {
      const before = process.listenerCount('SIGKILL');
      for (const sig of [undefined, null, {}, [], true, 2n, Symbol('s'), () => 2]) {
        expect(codeOf(() => loop.addSignalHandler(sig as never, () => {}))).toBe('ERR_INVALID_ARG_TYPE');
        expect(codeOf(() => loop.removeSignalHandler(sig as never))).toBe('ERR_INVALID_ARG_TYPE');
      }
      for (const sig of ['SIGFOO', 'sigint', 'INT', '', 0, -1, 1.5, NaN, Infinity, 40, 999, 'SIGKILL', 'SIGSTOP', 9, 19]) {
        expect(codeOf(() => loop.addSignalHandler(sig as never, () => {}))).toBe('ERR_INVALID_ARG_VALUE');
        expect(codeOf(() => loop.removeSignalHandler(sig as never))).toBe('ERR_INVALID_ARG_VALUE');
      }
      expect(process.listenerCount('SIGKILL')).toBe(before);
    } finally {
      loop.close();
    }
  });

  test('cb: not a function → ERR_INVALID_ARG_TYPE, nothing installed; a closed loop → ERR_CLOSED', () => {
    const loop = new EventLoop();
    const before = process.listenerCount('SIGUSR2');
    for (const cb of [undefined, null, 1, 'f', {}, [], Symbol('f'), 1n]) {
      expect(codeOf(() => loop.addSignalHandler('SIGUSR2', cb as never))).toBe('ERR_INVALID_ARG_TYPE');
    }
    expect(process.listenerCount('SIGUSR2')).toBe(before);
    loop.close();
    expect(codeOf(() => loop.addSignalHandler('SIGUSR2', () => {}))).toBe('ERR_CLOSED');
    expect(codeOf(() => loop.removeSignalHandler('SIGUSR2'))).toBe('ERR_CLOSED');
  });

  test('off the main thread → ERR_NOT_SUPPORTED (signal handlers are process-wide)', async () => {
    const code = `
      require(${JSON.stringify(path.join(ROOT, 'scripts/register-ts.js'))});
      const { EventLoop } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
      const { parentPort } = require('node:worker_threads');
      const loop = new EventLoop();
      try { loop.addSignalHandler('SIGUSR2', () => {}); parentPort.postMessage('no error'); }
      catch (e) { parentPort.postMessage(e.code); }
      finally { loop.close(); }`;
    const worker = new Worker(code, { eval: true });
    const message = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(message).toBe('ERR_NOT_SUPPORTED');
  }, 30000);
});
