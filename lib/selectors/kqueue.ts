// KqueueSelector: kqueue(2)/kevent(2). READ and WRITE are separate filters in the kernel;
// their results for one fd are merged into one entry. Changes go one filter per kevent call so
// that a refused second filter can be rolled back.
import { check, notSupported } from '../errors';
import { KEVENT_FIELDS as RECORD, KQUEUE_AVAILABLE, KqueueFd } from '../kernel/kqueue';
import { INT32_MAX } from '../limits';
import { C } from '../native';
import { NS, toWait } from '../timeout';
import type { FileLike } from '../validate';
import { KernelWatch, type Wakeup } from './async';
import { BaseSelector, EVENT_READ, EVENT_WRITE, type SelectResult } from './base';
import { readOptions, type SelectorOptions } from './options';
import { assertOpenFd } from './open-fd';

// Undefined where kqueue was not built; the class then refuses to construct.
const FILTER_READ = C.KQ_FILTER_READ;
const FILTER_WRITE = C.KQ_FILTER_WRITE;
const EV_ADD = C.KQ_EV_ADD;
const EV_DELETE = C.KQ_EV_DELETE;
const EV_CLEAR = C.KQ_EV_CLEAR;

const MAX_NS = INT32_MAX * NS;

/** A selector over kqueue (macOS, BSD; Linux with libkqueue); `fileno()` is the kqueue fd. */
export class KqueueSelector<T = unknown, F extends FileLike = FileLike> extends BaseSelector<T, F> {
  /** Whether kqueue exists on this OS and build. */
  static readonly available: boolean = KQUEUE_AVAILABLE;

  readonly #kq: KqueueFd;
  readonly #addFlags: number;
  #out = new Float64Array(2 * RECORD);
  readonly #merge = new Map<number, number>();

  /** @param options - `edgeTriggered` sets `EV_CLEAR`; `exclusive` is not supported by kqueue. */
  constructor(options?: SelectorOptions) {
    super();
    const { edgeTriggered, exclusive } = readOptions(options);
    if (exclusive) throw notSupported('exclusive wakeup on kqueue');
    this.#addFlags = EV_ADD | (edgeTriggered ? EV_CLEAR : 0);
    this.#kq = KqueueFd.create('KqueueSelector');
  }

  /** The kqueue fd. @throws `ERR_CLOSED` after `close()`. */
  fileno(): number {
    this.checkOpen();
    return this.#kq.fd;
  }

  #control(fd: number, filter: number, flags: number): number {
    return this.#kq.change(fd, filter, flags);
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
    return new KernelWatch(this.#kq.fd);
  }

  protected override kernelObject(): { close(): unknown } {
    return this.#kq;
  }

  protected override backendClose(): void {
    this.#kq.close();
  }

  protected override wait(timeout: number | null | undefined): Array<SelectResult<T, F>> {
    const ns = toWait(timeout, NS, MAX_NS, 'zero', 'timeoutSeconds');
    // At least one slot: kevent with no room returns at once, ignoring the timeout (bpo-29255).
    const max = Math.max(2 * this.keys.size, 1);
    if (this.#out.length < max * RECORD) this.#out = new Float64Array(RECORD * Math.max(max, 2 * this.#out.length / RECORD));
    const n = this.#kq.wait(this.#out, max, ns);
    const out = this.#out;
    const ready: Array<SelectResult<T, F>> = [];
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
