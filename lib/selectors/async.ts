// Waiting without blocking Node (docs/DESIGN.md principle 8). A Wakeup tells the selector that
// something may be ready; the selector then harvests with its own zero-timeout wait, so
// selectAsync() returns exactly what select(0) would. Two kinds:
// - KernelWatch (epoll, kqueue): one uv_poll_t on the selector's kernel fd, on this thread's loop.
// - ThreadWait (poll, select): the backend's own wait on a thread with a wakeup pipe; a change to
//   the registrations wakes it, and the selector starts it again over the new set.
import { check, systemError } from '../errors';
import { native, type WaiterHandle, type WatchHandle } from '../native';

/** The part of a selector that waits off the JS thread and calls back when it may have results. */
export interface Wakeup {
  /** Calls `onWake` once something may be ready, `ms` (-1: never) have passed, or the wait failed. */
  start(ms: number, onWake: (err?: Error) => void): void;
  /**
   * The registrations changed during a wait. `released`: an fd was unregistered, and the caller
   * may close it next, so the wait must hold no reference to its file when this returns.
   */
  changed(released?: boolean): void;
  /** Ends the current wait without calling back. */
  stop(): void;
  /** Whether a wait keeps the process alive. */
  keepAlive(on: boolean): void;
  close(): void;
}

/** Starts a thread wait over the backend's current set: see native waiterPoll / waiterSelect. */
export type StartThreadWait = (handle: WaiterHandle, ms: number) => number;

/** Watches an epoll or kqueue fd with uv_poll; the timeout is a Node timer. */
export class KernelWatch implements Wakeup {
  readonly #handle: WatchHandle;
  #onWake: ((err?: Error) => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #watching = false;
  #keepAlive = true;

  constructor(fd: number) {
    const handle = native.watchOpen(fd, (status) => this.#wake(status));
    if (typeof handle === 'number') check(handle, 'uv_poll_init');
    this.#handle = handle as WatchHandle;
  }

  start(ms: number, onWake: (err?: Error) => void): void {
    this.#onWake = onWake;
    // The watch stays on between waits, unreferenced: a loop that waits again at once costs no
    // epoll_ctl, and an idle selector does not keep the process alive.
    if (!this.#watching) check(native.watchStart(this.#handle), 'uv_poll_start');
    this.#watching = true;
    native.handleRef(this.#handle, this.#keepAlive);
    if (ms >= 0) {
      this.#timer = setTimeout(() => this.#wake(), ms);
      if (!this.#keepAlive) this.#timer.unref();
    }
  }

  #wake(status = 0): void {
    const onWake = this.#onWake;
    this.stop();
    if (onWake) onWake(status < 0 ? systemError(status, 'uv_poll') : undefined);
    else if (this.#watching) {
      // Readable with nobody waiting: stop until the next wait.
      native.watchStop(this.#handle);
      this.#watching = false;
    }
  }

  changed(): void {} // the kernel object already holds the new set

  stop(): void {
    this.#onWake = undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    native.handleRef(this.#handle, false);
  }

  keepAlive(on: boolean): void {
    this.#keepAlive = on;
    if (this.#onWake) native.handleRef(this.#handle, on);
    if (on) this.#timer?.ref();
    else this.#timer?.unref();
  }

  close(): void {
    this.stop();
    native.handleClose(this.#handle);
  }
}

/** Runs the backend's wait on a thread of its own; `changed()` wakes it to start over. */
export class ThreadWait implements Wakeup {
  readonly #handle: WaiterHandle;
  readonly #startWait: StartThreadWait;
  readonly #syscall: string;
  #onWake: ((err?: Error) => void) | undefined;
  // A stopped wait may still be running on the thread: its result is ignored, and the next
  // wait starts when it has ended.
  #running = false;
  #next: { ms: number; onWake: (err?: Error) => void } | undefined;
  // Set when the registrations changed during this wait: its error may be stale (select(2) fails
  // with EBADF for an fd unregistered and closed just before the thread entered the syscall), so
  // the selector's own select(0) decides whether it still stands.
  #changed = false;

  /** `syscall` ('poll' or 'select') names the wait in the errors it reports. */
  constructor(startWait: StartThreadWait, syscall: string) {
    const handle = native.waiterOpen((result) => this.#done(result));
    if (typeof handle === 'number') check(handle, 'pipe');
    this.#handle = handle as WaiterHandle;
    this.#startWait = startWait;
    this.#syscall = syscall;
  }

  start(ms: number, onWake: (err?: Error) => void): void {
    if (this.#running) {
      this.#next = { ms, onWake };
      return;
    }
    check(this.#startWait(this.#handle, ms), this.#syscall);
    this.#running = true;
    this.#changed = false;
    this.#onWake = onWake;
  }

  #done(result: number): void {
    this.#running = false;
    const stale = this.#changed;
    const onWake = this.#onWake;
    this.#onWake = undefined;
    const next = this.#next;
    this.#next = undefined;
    if (next) {
      try {
        this.start(next.ms, next.onWake);
      } catch (err) {
        next.onWake(err as Error);
      }
    } else onWake?.(result < 0 && !stale ? systemError(result, this.#syscall) : undefined);
  }

  changed(released = false): void {
    if (!this.#running) return;
    this.#changed = true;
    native.waiterWake(this.#handle, released);
  }

  stop(): void {
    this.#onWake = undefined;
    this.#next = undefined;
    if (this.#running) native.waiterWake(this.#handle);
  }

  keepAlive(on: boolean): void {
    native.handleRef(this.#handle, on);
  }

  close(): void {
    this.stop();
    native.handleClose(this.#handle);
  }
}
