// select.poll(): a registration map in TS; the struct pollfd array lives in one reused buffer.
import { check, notRegistered, systemError } from '../errors';
import { native } from '../native';
import { toWait } from '../timeout';
import { fileobjToFd, validateMask, type FileLike } from '../validate';
import { POLL_MASK } from './constants';
import { constants as os } from 'node:os';

const INT32_MAX = 2 ** 31 - 1;

/** Python's `select.poll` object: a set of fds and masks waited on with poll(2). */
export class Poll {
  readonly #masks = new Map<number, number>();
  #dirty = true;
  #fds = new Int32Array(0); // struct pollfd[]: int32 fd at [2i]; int16 events at #events[4i + 2]
  #events = new Int16Array(0);
  #out = new Int32Array(0);

  /**
   * Watches `fd` for the events in `mask` (default `POLLIN | POLLPRI | POLLOUT`); registering an
   * fd again replaces its mask. `ERR_INVALID_ARG_VALUE` for bits that are not `POLL*` constants.
   */
  register(fd: FileLike, mask: number = native.constants.POLLIN | native.constants.POLLPRI | native.constants.POLLOUT): void {
    const n = fileobjToFd(fd);
    this.#masks.set(n, validateMask(mask, 'mask', POLL_MASK));
    this.#dirty = true;
  }

  /** Changes the mask of a registered fd; an unregistered fd throws a SystemError `ENOENT`, as in CPython. */
  modify(fd: FileLike, mask: number): void {
    const n = fileobjToFd(fd);
    const m = validateMask(mask, 'mask', POLL_MASK);
    if (!this.#masks.has(n)) throw systemError(-os.errno.ENOENT, 'poll.modify');
    this.#masks.set(n, m);
    this.#dirty = true;
  }

  /** Stops watching `fd`; `ERR_NOT_REGISTERED` if it is not registered. */
  unregister(fd: FileLike): void {
    const n = fileobjToFd(fd);
    if (!this.#masks.delete(n)) throw notRegistered(n);
    this.#dirty = true;
  }

  /**
   * Waits for events. `timeoutMs` is in milliseconds (Python's unit here), rounded up;
   * `null`/`undefined`/`Infinity` or any negative value blocks.
   * @returns `[fd, revents]` for each ready fd (`POLLNVAL` for a closed fd, `POLLHUP`, `POLLERR`
   *   are reported whatever the mask).
   */
  poll(timeoutMs?: number | null): Array<[number, number]> {
    const ms = toWait(timeoutMs, 1, INT32_MAX, 'block', 'timeoutMs');
    if (this.#dirty) this.#rebuild();
    const n = this.#masks.size;
    const count = check(native.poll(this.#fds, n, this.#out, ms), 'poll');
    const result: Array<[number, number]> = new Array(count);
    for (let i = 0; i < count; i++) result[i] = [this.#out[2 * i], this.#out[2 * i + 1]];
    return result;
  }

  #rebuild(): void {
    const n = this.#masks.size;
    if (this.#fds.length < 2 * n) {
      this.#fds = new Int32Array(2 * n);
      this.#events = new Int16Array(this.#fds.buffer);
      this.#out = new Int32Array(2 * n);
    }
    let i = 0;
    for (const [fd, mask] of this.#masks) {
      this.#fds[2 * i] = fd;
      this.#events[4 * i + 2] = mask;
      this.#events[4 * i + 3] = 0;
      i++;
    }
    this.#dirty = false;
  }
}

/** Python's `select.poll()`: a new, empty {@link Poll}. */
export function poll(): Poll {
  return new Poll();
}
