// SelectSelector: select(2) over two fd bitmaps (SelectBits) changed in place at each
// register/modify/unregister, so a wait walks no registered fd in JavaScript and gets back only
// the ready ones; select itself necessarily walks every registered fd in the kernel.
import { outOfRange } from '../errors';
import { SelectBits } from '../kernel/select-bits';
import { INT32_MAX } from '../limits';
import { C, native } from '../native';
import { msToUs, toWait, US } from '../timeout';
import type { FileLike } from '../validate';
import { ThreadWait, type Wakeup } from './async';
import { BaseSelector, EVENT_READ, EVENT_WRITE, type SelectResult } from './base';
import { assertOpenFd } from './open-fd';
import { refuseModes, type SelectorOptions } from './options';

// The largest timeout: 2^31-1 s, in µs (select's timeval takes far more; this keeps it exact).
const MAX_US = INT32_MAX * US;

/** A selector over select(2): every fd must be below `FD_SETSIZE` (checked at register). */
export class SelectSelector<T = unknown, F extends FileLike = FileLike> extends BaseSelector<T, F> {
  /** Whether select(2) is available (it is on every POSIX system). */
  static readonly available: boolean = typeof native.select === 'function';

  // The registered fds, as handed to select(2); the keys say which events each one wants.
  readonly #set = new SelectBits();

  /** @param options - accepted for `DefaultSelector`'s sake; select(2) has no opt-in mode (`ERR_NOT_SUPPORTED` if one is set). */
  constructor(options?: SelectorOptions) {
    super();
    refuseModes(options, 'SelectSelector');
  }

  protected override backendAdd(fd: number, events: number): void {
    if (fd >= C.FD_SETSIZE) throw outOfRange('fileobj', `an fd below FD_SETSIZE (${C.FD_SETSIZE}) for select()`, fd);
    assertOpenFd(fd);
    this.#watch(fd, events);
  }

  protected override backendModify(fd: number, _oldEvents: number, events: number): void {
    assertOpenFd(fd);
    this.#watch(fd, events);
  }

  protected override backendRemove(fd: number): void {
    this.#watch(fd, 0);
  }

  protected override backendClose(): void {
    this.#set.clear();
  }

  protected override createWakeup(): Wakeup {
    const set = this.#set; // not the selector: the wakeup must not keep it alive
    return new ThreadWait((handle, ms) => set.waitOnThread(handle, msToUs(ms)), 'select');
  }

  #watch(fd: number, events: number): void {
    this.#set.set(fd, (events & EVENT_READ) !== 0, (events & EVENT_WRITE) !== 0);
  }

  protected override wait(timeout: number | null | undefined): Array<SelectResult<T, F>> {
    const us = toWait(timeout, US, MAX_US, 'zero', 'timeoutSeconds');
    const set = this.#set;
    const n = set.wait(us);
    const out = set.out;
    const ready: Array<SelectResult<T, F>> = [];
    // One pair per ready fd, its bits EVENT_READ (1) and EVENT_WRITE (2).
    for (let i = 0; i < 2 * n; i += 2) {
      const key = this.keys.get(out[i]);
      const events = key === undefined ? 0 : key.events & out[i + 1];
      if (events !== 0) ready.push([key!, events]);
    }
    return ready;
  }
}
