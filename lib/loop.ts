// EventLoop: the article's selectors example packaged — callbacks on readiness, timers and
// callSoon, run either inside Node's own loop (run) or blocking the thread (runSync).
// One iteration, as asyncio's _run_once: harvest ready fds, run their callbacks, then the timers
// that are due, then what callSoon queued. run() yields to Node between iterations.
import { closedError, invalidArgType, invalidArgValue } from './errors';
import { armWait, EVENT_READ, EVENT_WRITE, keepAlive, type BaseSelector, type FileLike, type SelectResult } from './selectors/base';
import { DefaultSelector } from './selectors/default';
import { TimerQueue, type TimerHandle } from './timer-queue';
import { fileobjToFd } from './validate';

// The longest single wait, in ms: what setTimeout and poll(2) take. A later timer is waited for
// in several steps (the timeout is computed again on each wakeup).
const MAX_WAIT_MS = 2 ** 31 - 1;

// One turn of Node's loop harvests again while callbacks keep making fds ready (see #tick), up
// to these bounds, so that a busy loop still yields to Node often.
const HARVESTS_PER_TURN = 64;
const EVENTS_PER_TURN = 256;

/** A reader or writer callback: the file object as registered, and the ready events. */
export type IOCallback = (fileobj: FileLike, mask: number) => void;

interface Handlers {
  reader: IOCallback | undefined;
  writer: IOCallback | undefined;
}

function validateCallback(cb: unknown, name = 'callback'): void {
  if (typeof cb !== 'function') throw invalidArgType(name, 'a function', cb);
}

/**
 * Callbacks on readiness, with timers, over a selector (Python's asyncio loop without coroutines).
 * `run()` works inside Node's event loop and never blocks the thread; `runSync()` blocks like
 * Python's `run_forever()`.
 */
export class EventLoop implements Disposable {
  readonly #selector: BaseSelector<Handlers>;
  readonly #ownsSelector: boolean;
  readonly #timers = new TimerQueue();
  #soon: Array<() => void> = [];
  #running: 'async' | 'sync' | undefined;
  #stopping = false;
  #closed = false;
  #keepAlive = true;
  #cancelWait: (() => void) | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #settle: ((err?: unknown) => void) | undefined;

  /** @param selector - the selector to use (default: a new `DefaultSelector`, closed by `close()`) */
  constructor(selector?: BaseSelector) {
    if (selector !== undefined && (typeof selector !== 'object' || selector === null || typeof (selector as BaseSelector)[armWait] !== 'function')) {
      throw invalidArgType('selector', 'an iomux selector', selector);
    }
    this.#ownsSelector = selector === undefined;
    this.#selector = (selector ?? new DefaultSelector()) as BaseSelector<Handlers>;
  }

  /** Calls `cb(fileobj, mask)` whenever `fileobj` is readable; replaces an earlier reader. */
  addReader(fileobj: FileLike, cb: IOCallback): void {
    this.#add(fileobj, cb, EVENT_READ);
  }

  /** Stops watching `fileobj` for reading. @returns whether a reader was registered */
  removeReader(fileobj: FileLike): boolean {
    return this.#remove(fileobj, EVENT_READ);
  }

  /** Calls `cb(fileobj, mask)` whenever `fileobj` is writable; replaces an earlier writer. */
  addWriter(fileobj: FileLike, cb: IOCallback): void {
    this.#add(fileobj, cb, EVENT_WRITE);
  }

  /** Stops watching `fileobj` for writing. @returns whether a writer was registered */
  removeWriter(fileobj: FileLike): boolean {
    return this.#remove(fileobj, EVENT_WRITE);
  }

  #add(fileobj: FileLike, cb: IOCallback, event: number): void {
    this.#checkOpen();
    validateCallback(cb);
    const key = this.#selector.getMap().get(fileobj);
    if (key === undefined) {
      const handlers: Handlers = { reader: undefined, writer: undefined };
      handlers[event === EVENT_READ ? 'reader' : 'writer'] = cb;
      this.#selector.register(fileobj, event, handlers);
      return;
    }
    key.data[event === EVENT_READ ? 'reader' : 'writer'] = cb;
    if ((key.events & event) === 0) this.#selector.modify(fileobj, key.events | event, key.data);
  }

  #remove(fileobj: FileLike, event: number): boolean {
    this.#checkOpen();
    const key = this.#selector.getMap().get(fileobj);
    if (key === undefined) {
      fileobjToFd(fileobj); // a bad file object throws, as in add
      return false;
    }
    if ((key.events & event) === 0) return false;
    key.data[event === EVENT_READ ? 'reader' : 'writer'] = undefined;
    if (key.events === event) this.#selector.unregister(fileobj);
    else this.#selector.modify(fileobj, key.events & ~event, key.data);
    return true;
  }

  /** Runs `cb` on the next iteration, after the I/O callbacks and timers of this one. */
  callSoon(cb: () => void): void {
    this.#checkOpen();
    validateCallback(cb);
    this.#soon.push(cb);
    this.#wakeForWork();
  }

  /**
   * Runs `cb` once, at least `delaySeconds` from now (Python's `call_later`).
   * @returns a handle whose `cancel()` stops it
   * @throws `ERR_INVALID_ARG_VALUE` for NaN, `ERR_INVALID_ARG_TYPE` for a non-number delay
   */
  callLater(delaySeconds: number, cb: () => void): TimerHandle {
    this.#checkOpen();
    if (typeof delaySeconds !== 'number') throw invalidArgType('delaySeconds', 'of type number', delaySeconds);
    if (Number.isNaN(delaySeconds)) throw invalidArgValue('delaySeconds', delaySeconds, 'must not be NaN');
    validateCallback(cb);
    const handle = this.#timers.add(performance.now() + Math.max(0, delaySeconds) * 1e3, cb);
    this.#wakeForWork();
    return handle;
  }

  /**
   * Runs the loop inside Node's event loop until `stop()`; the thread is never blocked.
   * @returns a promise that resolves after `stop()`, or rejects with the first error a callback throws
   * @throws (rejects with) `ERR_CLOSED` after `close()`, `ERR_BUSY` if already running
   */
  run(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#startRunning('async');
      this.#settle = (err) => (err === undefined ? resolve() : reject(err));
      this.#tick();
    });
  }

  /** Runs the loop on this thread, blocking it, until `stop()` (Python's `run_forever()`). A throwing callback's error propagates. */
  runSync(): void {
    this.#startRunning('sync');
    try {
      while (!this.#stopping) {
        const ms = this.#timeoutMs(performance.now());
        this.#dispatch(this.#selector.select(ms < 0 ? null : ms / 1e3));
        this.#runDue();
      }
    } finally {
      this.#running = undefined;
      this.#stopping = false;
    }
  }

  /** Ends `run()` / `runSync()` after the current iteration (at once if the loop is waiting). */
  stop(): void {
    if (this.#running === undefined) return;
    this.#stopping = true;
    if (this.#running === 'async' && this.#cancelWait !== undefined) this.#finish();
  }

  /** Stops the loop and closes the selector it created. Idempotent. */
  close(): void {
    if (this.#closed) return;
    if (this.#running === 'async') this.#finish();
    else if (this.#running === 'sync') this.#stopping = true;
    this.#closed = true;
    this.#soon = [];
    this.#timers.clear();
    if (this.#ownsSelector) this.#selector.close();
  }

  /** Lets a running loop keep the process alive (the default). */
  ref(): void {
    this.#keepAlive = true;
    this.#selector[keepAlive](true);
    this.#immediate?.ref();
  }

  /** Lets the process exit while the loop runs, if nothing else keeps it alive. */
  unref(): void {
    this.#keepAlive = false;
    this.#selector[keepAlive](false);
    this.#immediate?.unref();
  }

  /** `close()`, for `using loop = new EventLoop()`. */
  [Symbol.dispose](): void {
    this.close();
  }

  #checkOpen(): void {
    if (this.#closed) throw closedError('EventLoop');
  }

  #startRunning(mode: 'async' | 'sync'): void {
    this.#checkOpen();
    if (this.#running !== undefined) throw Object.assign(new Error('EventLoop is already running'), { code: 'ERR_BUSY' });
    this.#running = mode;
    this.#stopping = false;
  }

  // How long the next wait may last, in ms: 0 with work queued, until the next timer, or -1.
  #timeoutMs(now: number): number {
    if (this.#soon.length > 0 || this.#stopping) return 0;
    const next = this.#timers.next();
    return next === undefined ? -1 : Math.min(MAX_WAIT_MS, Math.max(0, Math.ceil(next - now)));
  }

  #dispatch(events: Array<SelectResult<Handlers>>): void {
    for (const [key, mask] of events) {
      const handlers = key.data;
      if (mask & EVENT_READ) handlers.reader?.(key.fileobj, mask);
      if (mask & EVENT_WRITE) handlers.writer?.(key.fileobj, mask);
    }
  }

  // Timers due now, then what callSoon queued before this point (later ones wait a turn).
  #runDue(): void {
    if (this.#timers.size > 0) for (const cb of this.#timers.takeDue(performance.now())) cb();
    const soon = this.#soon;
    if (soon.length === 0) return;
    this.#soon = [];
    for (const cb of soon) cb();
  }

  // One iteration of run(): harvest without blocking, run callbacks, then wait off the thread.
  #tick = (): void => {
    this.#immediate = undefined;
    this.#cancelWait = undefined;
    if (this.#running !== 'async') return;
    try {
      // Callbacks often make more fds ready (a reply, the next link of a chain): harvest again
      // before yielding to Node, a bounded number of times, which saves libuv a round trip.
      for (let round = 0, dispatched = 0; round < HARVESTS_PER_TURN && dispatched < EVENTS_PER_TURN; round++) {
        const events = this.#selector.select(0);
        this.#dispatch(events);
        this.#runDue();
        if (this.#running !== 'async') return; // a callback closed the loop: arm no wait
        if (events.length === 0 || this.#stopping || this.#soon.length > 0) break;
        dispatched += events.length;
      }
      if (this.#stopping) return this.#finish();
      const ms = this.#timeoutMs(performance.now());
      if (ms === 0) this.#yieldThenTick();
      else this.#cancelWait = this.#selector[armWait](ms, this.#onWake);
    } catch (err) {
      this.#finish(err);
    }
  };

  #onWake = (err?: Error): void => {
    this.#cancelWait = undefined;
    if (err) this.#finish(err);
    else this.#tick();
  };

  #yieldThenTick(): void {
    this.#immediate = setImmediate(this.#tick);
    if (!this.#keepAlive) this.#immediate.unref();
  }

  // New work while run() waits: wake it so that the timeout is computed again.
  #wakeForWork(): void {
    if (this.#cancelWait === undefined) return;
    this.#cancelWait();
    this.#cancelWait = undefined;
    this.#yieldThenTick();
  }

  #finish(err?: unknown): void {
    this.#cancelWait?.();
    this.#cancelWait = undefined;
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#immediate = undefined;
    this.#running = undefined;
    this.#stopping = false;
    const settle = this.#settle;
    this.#settle = undefined;
    settle?.(err);
  }
}
