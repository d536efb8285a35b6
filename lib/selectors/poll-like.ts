// poll and epoll share this selector (CPython's _PollLikeSelector): they differ only in the
// kernel calls behind a Poller and in the bits that mean "readable" and "writable".
import { MAX_WAIT_MS } from '../limits';
import { MS, toWait } from '../timeout';
import type { FileLike } from '../validate';
import type { Wakeup } from './async';
import { BaseSelector, EVENT_READ, EVENT_WRITE, type SelectResult } from './base';

/** The kernel side of a poll-like selector. Errors are thrown as SystemErrors. */
export interface Poller {
  /** [fd, events] pairs written by the last wait. */
  readonly out: Int32Array;
  add(fd: number, mask: number): void;
  modify(fd: number, mask: number): void;
  /** Never throws: the fd may be closed or reused. */
  remove(fd: number): void;
  /** Waits up to `ms` (-1 forever) with `registered` fds in the set; returns pairs written to `out`. */
  wait(ms: number, registered: number): number;
  /** How to wait off the JS thread. */
  wakeup(): Wakeup;
  close(): void;
}

/** A selector over a poll-like Poller (internal base of PollSelector and EpollSelector). */
export abstract class PollLikeSelector<T = unknown, F extends FileLike = FileLike, P extends Poller = Poller> extends BaseSelector<T, F> {
  /** The kernel side, made once the base has checked that the backend is available. */
  protected readonly poller: P;
  readonly #read: number;
  readonly #write: number;

  protected constructor(makePoller: () => P, readBit: number, writeBit: number) {
    super();
    this.poller = makePoller();
    this.#read = readBit;
    this.#write = writeBit;
  }

  #mask(events: number): number {
    return (events & EVENT_READ ? this.#read : 0) | (events & EVENT_WRITE ? this.#write : 0);
  }

  protected override backendAdd(fd: number, events: number): void {
    this.poller.add(fd, this.#mask(events));
  }

  protected override backendModify(fd: number, _oldEvents: number, events: number): void {
    this.poller.modify(fd, this.#mask(events));
  }

  protected override backendRemove(fd: number): void {
    this.poller.remove(fd);
  }

  protected override backendClose(): void {
    this.poller.close();
  }

  protected override kernelObject(): Poller {
    return this.poller;
  }

  protected override createWakeup(): Wakeup {
    return this.poller.wakeup();
  }

  protected override wait(timeout: number | null | undefined): Array<SelectResult<T, F>> {
    const ms = toWait(timeout, MS, MAX_WAIT_MS, 'zero', 'timeoutSeconds');
    const n = this.poller.wait(ms, this.keys.size);
    const out = this.poller.out;
    const read = this.#read;
    const write = this.#write;
    const ready: Array<SelectResult<T, F>> = [];
    for (let i = 0; i < 2 * n; i += 2) {
      const key = this.keys.get(out[i]);
      if (key === undefined) continue; // no longer registered
      const bits = out[i + 1];
      // Anything but "readable" (writable, error, hang-up) wakes writers; anything but
      // "writable" wakes readers — as CPython does, so errors reach every registered direction.
      const events = key.events & ((bits & ~read ? EVENT_WRITE : 0) | (bits & ~write ? EVENT_READ : 0));
      if (events !== 0) ready.push([key, events]);
    }
    return ready;
  }
}
