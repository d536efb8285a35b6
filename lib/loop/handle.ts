// Handles: a callback with its arguments, as asyncio's Handle and TimerHandle. A loop runs a
// handle from its ready queue; an error it throws goes to the loop's exception handler.
import { inspect } from 'node:util';
import type { ExceptionContext } from './exceptions';

/** What a handle needs from its loop: where errors go, and (timers) where a cancel is counted. */
export interface HandleOwner {
  /** The loop's `callExceptionHandler`. */
  callExceptionHandler(context: ExceptionContext): void;
}

/** Python's `format_helpers._format_callback`: `name(arg, …)`. */
export function formatCallback(callback: (...args: never[]) => unknown, args: readonly unknown[]): string {
  const shown = args.map((a) => inspect(a, { depth: 0, breakLength: Infinity })).join(', ');
  return `${callback.name || '<anonymous>'}(${shown})`;
}

/** A callback queued on a loop (Python's `asyncio.Handle`); `cancel()` keeps it from running. */
export class Handle {
  readonly #callback: (...args: never[]) => unknown;
  readonly #args: readonly unknown[];
  readonly #owner: HandleOwner;
  #cancelled = false;

  /** @internal */
  constructor(callback: (...args: never[]) => unknown, args: readonly unknown[], owner: HandleOwner) {
    this.#callback = callback;
    this.#args = args;
    this.#owner = owner;
  }

  /** Keeps the callback from running (no effect once it ran). */
  cancel(): void {
    this.#cancelled = true;
  }

  /** Whether `cancel()` was called. */
  cancelled(): boolean {
    return this.#cancelled;
  }

  /**
   * Calls the callback; what it throws goes to the owner's exception handler, with asyncio's
   * context (`message`, `exception`, `handle`).
   * @internal
   */
  _run(): void {
    try {
      const callback = this.#callback as (...args: unknown[]) => unknown;
      callback(...this.#args); // called plainly: `this` is not the handle
    } catch (exception) {
      this.#owner.callExceptionHandler({
        message: `Exception in callback ${formatCallback(this.#callback, this.#args)}`,
        exception,
        handle: this,
      });
    }
  }

  /** As asyncio's repr: `<Handle [cancelled] name(args)>`. */
  toString(): string {
    return `<${this.constructor.name}${this.#cancelled ? ' cancelled' : ''}${this.reprExtra()} ${formatCallback(this.#callback, this.#args)}>`;
  }

  /** What a subclass adds to the repr after the state (` when=…` for a timer). @internal */
  protected reprExtra(): string {
    return '';
  }

  /** @internal */
  [inspect.custom](): string {
    return this.toString();
  }
}

/** What a timer handle tells its queue when cancelled (asyncio's `_timer_handle_cancelled`). */
export interface TimerOwner extends HandleOwner {
  /** A scheduled timer was cancelled. */
  timerCancelled(): void;
}

/** A callback scheduled for a time (Python's `asyncio.TimerHandle`). */
export class TimerHandle extends Handle {
  readonly #when: number;
  readonly #timerOwner: TimerOwner;
  /** Whether it is in the loop's timer heap. @internal */
  _scheduled = false;

  /** @internal */
  constructor(whenSeconds: number, callback: (...args: never[]) => unknown, args: readonly unknown[], owner: TimerOwner) {
    super(callback, args, owner);
    this.#when = whenSeconds;
    this.#timerOwner = owner;
  }

  /** When it is due, in seconds on the loop's clock (`loop.time()`). */
  when(): number {
    return this.#when;
  }

  /** @internal */
  protected override reprExtra(): string {
    return ` when=${this.#when}`;
  }

  /** Keeps the callback from running (no effect once it ran). */
  override cancel(): void {
    if (this.cancelled()) return;
    if (this._scheduled) this.#timerOwner.timerCancelled();
    super.cancel();
  }
}

/** A reader or writer: called with the file object and the events that were ready. @internal */
export class IOHandle extends Handle {
  readonly #callArgs: [unknown, number];
  /** The callback as given (to tell whose reader it is). */
  readonly callback: (...args: never[]) => unknown;

  constructor(callback: (...args: never[]) => unknown, fileobj: unknown, owner: HandleOwner) {
    const callArgs: [unknown, number] = [fileobj, 0];
    super(callback, callArgs, owner);
    this.#callArgs = callArgs;
    this.callback = callback;
  }

  /** Sets the mask the next run passes. */
  setMask(mask: number): void {
    this.#callArgs[1] = mask;
  }
}
