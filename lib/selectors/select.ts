// SelectSelector: select(2). The fd list handed to the kernel is rebuilt only when the
// registrations change; select itself necessarily walks every registered fd.
import { check, outOfRange } from '../errors';
import { C, native } from '../native';
import { INT32_MAX } from '../limits';
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

  // [readers..., writers...] as handed to native.select, and its ready flags.
  #fds = new Int32Array(0);
  #ready = new Int32Array(0);
  #readers = 0;
  #total = 0;
  #dirty = false;

  /** @param options - accepted for `DefaultSelector`'s sake; select(2) has no opt-in mode (`ERR_NOT_SUPPORTED` if one is set). */
  constructor(options?: SelectorOptions) {
    super();
    refuseModes(options, 'SelectSelector');
  }

  protected override backendAdd(fd: number, _events: number): void {
    if (fd >= C.FD_SETSIZE) throw outOfRange('fileobj', `an fd below FD_SETSIZE (${C.FD_SETSIZE}) for select()`, fd);
    assertOpenFd(fd);
    this.#dirty = true;
  }

  protected override backendModify(fd: number): void {
    assertOpenFd(fd);
    this.#dirty = true;
  }

  protected override backendRemove(): void {
    this.#dirty = true;
  }

  protected override backendClose(): void {
    this.#fds = new Int32Array(0);
    this.#ready = this.#fds;
    this.#readers = this.#total = 0;
  }

  protected override createWakeup(): Wakeup {
    return new ThreadWait((handle, ms) => {
      if (this.#dirty) this.#rebuild();
      const nr = this.#readers;
      return native.waiterSelect(handle, this.#fds, nr, this.#total - nr, 0, msToUs(ms));
    }, 'select');
  }

  #rebuild(): void {
    let readers = 0;
    let total = 0;
    for (const key of this.keys.values()) {
      if (key.events & EVENT_READ) readers++;
      if (key.events & EVENT_WRITE) total++;
    }
    total += readers;
    if (this.#fds.length < total || this.#fds.length > 4 * total + 64) {
      this.#fds = new Int32Array(total);
      this.#ready = new Int32Array(total);
    }
    let r = 0;
    let w = readers;
    for (const key of this.keys.values()) {
      if (key.events & EVENT_READ) this.#fds[r++] = key.fd;
      if (key.events & EVENT_WRITE) this.#fds[w++] = key.fd;
    }
    this.#readers = readers;
    this.#total = total;
    this.#dirty = false;
  }

  protected override wait(timeout: number | null | undefined): Array<SelectResult<T, F>> {
    const us = toWait(timeout, US, MAX_US, 'zero', 'timeoutSeconds');
    if (this.#dirty) this.#rebuild();
    const nr = this.#readers;
    const total = this.#total;
    const n = check(native.select(this.#fds, nr, total - nr, 0, this.#ready, us), 'select');
    const ready: Array<SelectResult<T, F>> = [];
    if (n === 0) return ready;
    const fds = this.#fds;
    const flags = this.#ready;
    // One entry per fd: a fd ready both ways is found first among the readers and merged there.
    let merged: Map<number, number> | undefined;
    for (let i = 0; i < nr; i++) {
      if (flags[i] === 0) continue;
      const key = this.keys.get(fds[i])!;
      if (key.events & EVENT_WRITE) (merged ??= new Map()).set(key.fd, ready.length);
      ready.push([key, EVENT_READ]);
    }
    for (let i = nr; i < total; i++) {
      if (flags[i] === 0) continue;
      const key = this.keys.get(fds[i])!;
      const at = merged?.get(key.fd);
      if (at === undefined) ready.push([key, EVENT_WRITE]);
      else ready[at] = [key, EVENT_READ | EVENT_WRITE];
    }
    return ready;
  }
}
