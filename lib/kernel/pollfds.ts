// The one struct pollfd array: select.poll, PollSelector and the one-fd waits (pollOne) all use it.
// Records live in an Int32Array changed in place (O(1) add/modify/remove), so a wait hands the
// array to the kernel untouched. No validation here: callers check fds and masks.
import { check } from '../errors';
import { native, type WaiterHandle } from '../native';

/** A set of struct pollfd records (8 bytes each: int32 fd, int16 events, int16 revents). */
export class PollFds {
  #records: Int32Array;
  #shorts: Int16Array;
  readonly #slot = new Map<number, number>();
  #count = 0;
  /** [fd, revents] pairs written by the last {@link PollFds.wait}. */
  out: Int32Array;

  /** Room for `capacity` records at first; it grows by doubling. */
  constructor(capacity = 8) {
    this.#records = new Int32Array(2 * capacity);
    this.#shorts = new Int16Array(this.#records.buffer);
    this.out = new Int32Array(2 * capacity);
  }

  /** How many fds are in the set. */
  get size(): number {
    return this.#count;
  }

  /** Whether `fd` is in the set. */
  has(fd: number): boolean {
    return this.#slot.has(fd);
  }

  /** Adds `fd` with `mask`, or replaces its mask if it is in the set already. */
  set(fd: number, mask: number): void {
    let at = this.#slot.get(fd);
    if (at === undefined) {
      at = this.#count++;
      if (2 * this.#count > this.#records.length) this.#grow();
      this.#records[2 * at] = fd;
      this.#slot.set(fd, at);
    }
    this.#shorts[4 * at + 2] = mask;
    this.#shorts[4 * at + 3] = 0;
  }

  /** Removes `fd` (the last record takes its slot); false if it was not in the set. */
  delete(fd: number): boolean {
    const at = this.#slot.get(fd);
    if (at === undefined) return false;
    const last = --this.#count;
    if (at !== last) {
      this.#records[2 * at] = this.#records[2 * last];
      this.#records[2 * at + 1] = this.#records[2 * last + 1];
      this.#slot.set(this.#records[2 * at], at);
    }
    this.#slot.delete(fd);
    return true;
  }

  /** Empties the set. */
  clear(): void {
    this.#slot.clear();
    this.#count = 0;
  }

  /** poll(2) over the set, `ms` < 0 blocking: the pairs written to `out`, or throws. */
  wait(ms: number): number {
    return check(native.poll(this.#records, this.#count, this.out, ms), 'poll');
  }

  /** Starts a wait over a copy of the set on a waiter thread (see native.waiterPoll). */
  waitOnThread(handle: WaiterHandle, ms: number): number {
    return native.waiterPoll(handle, this.#records, this.#count, ms);
  }

  #grow(): void {
    const records = new Int32Array(this.#records.length * 2);
    records.set(this.#records);
    this.#records = records;
    this.#shorts = new Int16Array(records.buffer);
    this.out = new Int32Array(records.length);
  }
}

// Reused by pollOne: native.poll is synchronous, so one scratch record serves every caller.
const one = new PollFds(1);

/** poll(2) on one fd for `mask`, `ms` < 0 blocking: its revents, 0 if the time ran out; or throws. */
export function pollOne(fd: number, mask: number, ms: number): number {
  one.clear();
  one.set(fd, mask);
  return one.wait(ms) === 1 ? one.out[1] : 0;
}
