// PollSelector: poll(2) over a struct pollfd array kept in an Int32Array and changed in place
// (O(1) per register/modify/unregister), so a wait passes it to the kernel untouched.
import { check } from '../errors';
import { C, native } from '../native';
import { ThreadWait, type Wakeup } from './async';
import { PollLikeSelector, type Poller } from './poll-like';
import { assertOpenFd } from './open-fd';

class PollSet implements Poller {
  // 8 bytes per record: int32 fd, int16 events, int16 revents (see lib/native.ts).
  #records = new Int32Array(16);
  #shorts = new Int16Array(this.#records.buffer);
  readonly #slot = new Map<number, number>();
  #count = 0;
  out = new Int32Array(16);

  add(fd: number, mask: number): void {
    assertOpenFd(fd);
    const n = this.#count;
    if (2 * (n + 1) > this.#records.length) this.#grow();
    this.#records[2 * n] = fd;
    this.#shorts[4 * n + 2] = mask;
    this.#shorts[4 * n + 3] = 0;
    this.#slot.set(fd, n);
    this.#count = n + 1;
  }

  modify(fd: number, mask: number): void {
    assertOpenFd(fd);
    this.#shorts[4 * this.#slot.get(fd)! + 2] = mask;
  }

  remove(fd: number): void {
    const slot = this.#slot.get(fd);
    if (slot === undefined) return;
    const last = --this.#count;
    if (slot !== last) {
      this.#records[2 * slot] = this.#records[2 * last];
      this.#records[2 * slot + 1] = this.#records[2 * last + 1];
      this.#slot.set(this.#records[2 * slot], slot);
    }
    this.#slot.delete(fd);
  }

  wait(ms: number): number {
    return check(native.poll(this.#records, this.#count, this.out, ms), 'poll');
  }

  wakeup(): Wakeup {
    return new ThreadWait((handle, ms) => native.waiterPoll(handle, this.#records, this.#count, ms));
  }

  close(): void {
    this.#slot.clear();
    this.#count = 0;
  }

  #grow(): void {
    const records = new Int32Array(this.#records.length * 2);
    records.set(this.#records);
    this.#records = records;
    this.#shorts = new Int16Array(records.buffer);
    this.out = new Int32Array(records.length);
  }
}

/** A selector over poll(2): no FD_SETSIZE limit, cost proportional to the registered fds. */
export class PollSelector<T = unknown> extends PollLikeSelector<T> {
  /** Whether poll(2) is available (it is on every POSIX system). */
  static readonly available: boolean = typeof native.poll === 'function';

  constructor() {
    super(() => new PollSet(), C.POLLIN, C.POLLOUT);
  }
}
