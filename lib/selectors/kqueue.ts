// KqueueSelector: kqueue(2)/kevent(2). READ and WRITE are separate filters in the kernel;
// their results for one fd are merged into one entry. Changes go one filter per kevent call so
// that a refused second filter can be rolled back.
import { check, notSupported } from '../errors';
import { C, native } from '../native';
import { NS, toWait } from '../timeout';
import { KernelWatch, type Wakeup } from './async';
import { BaseSelector, EVENT_READ, EVENT_WRITE, type SelectResult } from './base';
import { readOptions, type SelectorOptions } from './options';
import { closeWhenCollected, forget } from '../finalize';
import { assertOpenFd } from './open-fd';

// Python's names first, then the OS's, then the values every BSD, macOS and libkqueue share.
const k = (py: string, os: string, value: number): number => C[py] ?? C[os] ?? value;
const FILTER_READ = k('KQ_FILTER_READ', 'EVFILT_READ', -1);
const FILTER_WRITE = k('KQ_FILTER_WRITE', 'EVFILT_WRITE', -2);
const EV_ADD = k('KQ_EV_ADD', 'EV_ADD', 0x1);
const EV_DELETE = k('KQ_EV_DELETE', 'EV_DELETE', 0x2);
const EV_CLEAR = k('KQ_EV_CLEAR', 'EV_CLEAR', 0x20);

const RECORD = 6; // [ident, filter, flags, fflags, data, udata]
const MAX_NS = (2 ** 31 - 1) * NS;

/** A selector over kqueue (macOS, BSD; Linux with libkqueue); `fileno()` is the kqueue fd. */
export class KqueueSelector<T = unknown> extends BaseSelector<T> {
  /** Whether kqueue exists on this OS and build. */
  static readonly available: boolean = typeof native.kqueueCreate === 'function';

  readonly #kq: number;
  readonly #addFlags: number;
  readonly #change = new Float64Array(RECORD);
  readonly #none = new Float64Array(0);
  #out = new Float64Array(2 * RECORD);
  readonly #merge = new Map<number, number>();

  /** @param options - `edgeTriggered` sets `EV_CLEAR`; `exclusive` is not supported by kqueue. */
  constructor(options?: SelectorOptions) {
    super();
    const { edgeTriggered, exclusive } = readOptions(options);
    if (exclusive) throw notSupported('exclusive wakeup on kqueue');
    this.#addFlags = EV_ADD | (edgeTriggered ? EV_CLEAR : 0);
    this.#kq = check(native.kqueueCreate!(), 'kqueue');
    closeWhenCollected(this, this.#kq);
  }

  /** The kqueue fd. @throws `ERR_CLOSED` after `close()`. */
  fileno(): number {
    this.checkOpen();
    return this.#kq;
  }

  #control(fd: number, filter: number, flags: number): number {
    const c = this.#change;
    c[0] = fd;
    c[1] = filter;
    c[2] = flags;
    c[3] = c[4] = c[5] = 0;
    return native.kevent!(this.#kq, c, 1, this.#none, 0, 0);
  }

  protected override backendAdd(fd: number, events: number): void {
    this.#apply(fd, 0, events);
  }

  protected override backendModify(fd: number, oldEvents: number, events: number): void {
    this.#apply(fd, oldEvents, events);
  }

  // Adds the filters in `events` but not in `old`, then deletes those in `old` but not in
  // `events`; a refused add undoes the adds before it and throws.
  #apply(fd: number, old: number, events: number): void {
    // A change that only deletes filters cannot fail (their errors are ignored: the fd may be
    // gone), so a closed fd would keep its key. Checked as poll and select do: EBADF on every kernel.
    assertOpenFd(fd);
    const added: number[] = [];
    for (const [bit, filter] of [[EVENT_READ, FILTER_READ], [EVENT_WRITE, FILTER_WRITE]]) {
      if (events & bit && !(old & bit)) {
        const r = this.#control(fd, filter, this.#addFlags);
        if (r < 0) {
          for (const f of added) this.#control(fd, f, EV_DELETE);
          check(r, 'kevent');
        }
        added.push(filter);
      }
    }
    if (old & EVENT_READ && !(events & EVENT_READ)) this.#control(fd, FILTER_READ, EV_DELETE);
    if (old & EVENT_WRITE && !(events & EVENT_WRITE)) this.#control(fd, FILTER_WRITE, EV_DELETE);
  }

  protected override backendRemove(fd: number, events: number): void {
    // Errors mean the fd was closed (its filters went with it) or reused: nothing to undo.
    if (events & EVENT_READ) this.#control(fd, FILTER_READ, EV_DELETE);
    if (events & EVENT_WRITE) this.#control(fd, FILTER_WRITE, EV_DELETE);
  }

  protected override createWakeup(): Wakeup {
    return new KernelWatch(this.#kq);
  }

  protected override backendClose(): void {
    forget(this);
    native.close(this.#kq);
  }

  protected override wait(timeout: number | null | undefined): Array<SelectResult<T>> {
    const ns = toWait(timeout, NS, MAX_NS, 'zero');
    // At least one slot: kevent with no room returns at once, ignoring the timeout (bpo-29255).
    const max = Math.max(2 * this.keys.size, 1);
    if (this.#out.length < max * RECORD) this.#out = new Float64Array(RECORD * Math.max(max, 2 * this.#out.length / RECORD));
    const n = check(native.kevent!(this.#kq, this.#none, 0, this.#out, max, ns), 'kevent');
    const out = this.#out;
    const ready: Array<SelectResult<T>> = [];
    const merge = this.#merge;
    for (let i = 0; i < n; i++) {
      const key = this.keys.get(out[RECORD * i]);
      if (key === undefined) continue; // no longer registered
      const filter = out[RECORD * i + 1];
      const events = key.events & (filter === FILTER_READ ? EVENT_READ : filter === FILTER_WRITE ? EVENT_WRITE : 0);
      if (events === 0) continue;
      const at = merge.get(key.fd);
      if (at === undefined) {
        merge.set(key.fd, ready.length);
        ready.push([key, events]);
      } else {
        ready[at] = [key, ready[at][1] | events];
      }
    }
    merge.clear();
    return ready;
  }
}
