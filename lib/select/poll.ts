// select.poll(): Python's poll object, validation in front of the one struct pollfd array (PollFds).
import { notRegistered, systemError } from '../errors';
import { C } from '../native';
import { PollFds } from '../kernel/pollfds';
import { MAX_WAIT_MS } from '../limits';
import { toWait } from '../timeout';
import { fileobjToFd, validateMask, type FileLike } from '../validate';
import { POLL_MASK } from './masks';
import { constants as os } from 'node:os';

/** Python's `select.poll` object: a set of fds and masks waited on with poll(2). */
export class Poll {
  readonly #fds = new PollFds();

  /**
   * Watches `fd` for the events in `mask` (default `POLLIN | POLLPRI | POLLOUT`); registering an
   * fd again replaces its mask. `ERR_INVALID_ARG_VALUE` for bits that are not `POLL*` constants.
   */
  register(fd: FileLike, mask: number = C.POLLIN | C.POLLPRI | C.POLLOUT): void {
    const n = fileobjToFd(fd);
    this.#fds.set(n, validateMask(mask, 'mask', POLL_MASK));
  }

  /** Changes the mask of a registered fd; an unregistered fd throws a SystemError `ENOENT`, as in CPython. */
  modify(fd: FileLike, mask: number): void {
    const n = fileobjToFd(fd);
    const m = validateMask(mask, 'mask', POLL_MASK);
    if (!this.#fds.has(n)) throw systemError(-os.errno.ENOENT, 'poll.modify');
    this.#fds.set(n, m);
  }

  /** Stops watching `fd`; `ERR_NOT_REGISTERED` if it is not registered. */
  unregister(fd: FileLike): void {
    const n = fileobjToFd(fd);
    if (!this.#fds.delete(n)) throw notRegistered(n);
  }

  /**
   * Waits for events, at most `timeoutMs` milliseconds (Python's unit for poll), rounded up;
   * `null`/`undefined`/`Infinity` or any negative value blocks.
   * @param timeoutMs - milliseconds, unlike every other timeout in iomux (seconds), as in Python
   * @returns `[fd, revents]` for each ready fd (`POLLNVAL` for a closed fd, `POLLHUP`, `POLLERR`
   *   are reported whatever the mask).
   */
  poll(timeoutMs?: number | null): Array<[number, number]> {
    const ms = toWait(timeoutMs, 1, MAX_WAIT_MS, 'block', 'timeoutMs');
    const fds = this.#fds;
    const count = fds.wait(ms);
    const out = fds.out;
    const result: Array<[number, number]> = new Array(count);
    for (let i = 0; i < count; i++) result[i] = [out[2 * i], out[2 * i + 1]];
    return result;
  }
}

/** Python's `select.poll()`: a new, empty {@link Poll}. */
export function poll(): Poll {
  return new Poll();
}
