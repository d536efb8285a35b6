// SelectSelector: select(2). The fd list handed to the kernel is rebuilt only when the
// registrations change; select itself necessarily walks every registered fd.
import { outOfRange } from '../errors';
import { SelectFds } from '../kernel/select-fds';
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

  // [readers..., writers...] as handed to select(2), rebuilt from the keys when they change.
  readonly #set = new SelectFds();
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
    this.#set.reserve(0);
    this.#set.nr = this.#set.nw = 0;
  }

  protected override createWakeup(): Wakeup {
    return new ThreadWait((handle, ms) => {
      if (this.#dirty) this.#rebuild();
      return this.#set.waitOnThread(handle, msToUs(ms));
    }, 'select');
  }

  #rebuild(): void {
    let readers = 0;
    let writers = 0;
    for (const key of this.keys.values()) {
      if (key.events & EVENT_READ) readers++;
      if (key.events & EVENT_WRITE) writers++;
    }
    const set = this.#set;
    set.reserve(readers + writers);
    let r = 0;
    let w = readers;
    for (const key of this.keys.values()) {
      if (key.events & EVENT_READ) set.fds[r++] = key.fd;
      if (key.events & EVENT_WRITE) set.fds[w++] = key.fd;
    }
    set.nr = readers;
    set.nw = writers;
    this.#dirty = false;
  }

  protected override wait(timeout: number | null | undefined): Array<SelectResult<T, F>> {
    const us = toWait(timeout, US, MAX_US, 'zero', 'timeoutSeconds');
    if (this.#dirty) this.#rebuild();
    const set = this.#set;
    const n = set.wait(us);
    const ready: Array<SelectResult<T, F>> = [];
    if (n === 0) return ready;
    const nr = set.nr;
    const total = nr + set.nw;
    const fds = set.fds;
    const flags = set.ready;
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
