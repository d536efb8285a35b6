// select.epoll(): Python's epoll object, validation in front of the one epoll wrapper (EpollFd).
import { check, invalidArgType, invalidArgValue, outOfRange } from '../errors';
import { EpollFd } from '../kernel/epoll';
import { MAX_WAIT_MS } from '../limits';
import { C } from '../native';
import { MS, toWait } from '../timeout';
import { fileobjToFd, validateFd, validateInt, validateMask, type FileLike } from '../validate';
import { EPOLL_MASK } from './masks';
import { KernelObject } from './kernel-object';

// An Int32Array of [fd, events] pairs is allocated up to this many events; a larger maxevents
// is served this many at a time (epoll returns ready fds round-robin, so none starve).
const MAX_BATCH = 1 << 16;
const WHAT = 'epoll object';

// `EPOLLIN | EPOLLET` is negative in JS (bitwise operators yield int32): read int32 masks as uint32.
function unsigned(mask: unknown): unknown {
  return typeof mask === 'number' && Number.isInteger(mask) && mask < 0 && mask >= -(2 ** 31) ? mask >>> 0 : mask;
}

/** Python's `select.epoll` object: owns one close-on-exec epoll fd. */
export class Epoll extends KernelObject<EpollFd> {
  #out = new Int32Array(0);

  /**
   * A new epoll object (Python's `select.epoll(sizehint, flags)`). `sizehint` is -1 or positive
   * and otherwise ignored; `flags` may be 0 or `EPOLL_CLOEXEC` (the fd is close-on-exec either way).
   * `ERR_NOT_SUPPORTED` where epoll does not exist.
   */
  constructor(sizehint?: number, flags?: number);
  // Internally (fromfd), as CPython's newPyEpoll_Object(type, sizehint, fd): the fd comes adopted.
  constructor(sizehint: unknown = -1, flags: unknown = 0, adopted?: unknown) {
    if (adopted instanceof EpollFd) {
      super(adopted);
      return;
    }
    const hint = validateInt(sizehint, 'sizehint');
    if (hint !== -1 && hint <= 0) throw outOfRange('sizehint', '-1 or a positive integer', sizehint);
    if (typeof flags !== 'number') throw invalidArgType('flags', 'of type number', flags);
    if (flags !== 0 && flags !== C.EPOLL_CLOEXEC) throw invalidArgValue('flags', flags, 'must be 0 or EPOLL_CLOEXEC');
    super(EpollFd.create(WHAT));
  }

  /** Adopts an existing epoll fd (Python's `epoll.fromfd`): closing this object closes it. */
  static fromfd(fd: number): Epoll {
    const adopt = Epoll as unknown as new (sizehint: number, flags: number, adopted: EpollFd) => Epoll;
    return new adopt(-1, 0, EpollFd.adopt(validateFd(fd), WHAT));
  }

  /**
   * Watches a file object for `mask` (default `EPOLLIN | EPOLLPRI | EPOLLOUT`; `EPOLLET`,
   * `EPOLLONESHOT`, `EPOLLEXCLUSIVE` pass through). Registering twice throws `EEXIST`;
   * a regular file `EPERM`; bits that are not `EPOLL*` constants `ERR_INVALID_ARG_VALUE`.
   */
  register(fd: FileLike, mask: number = C.EPOLLIN | C.EPOLLPRI | C.EPOLLOUT): void {
    this.core.live();
    this.core.add(fileobjToFd(fd), validateMask(unsigned(mask), 'mask', EPOLL_MASK));
  }

  /** Changes the mask of a registered file object; an unregistered one throws `ENOENT`. */
  modify(fd: FileLike, mask: number): void {
    this.core.live();
    this.core.modify(fileobjToFd(fd), validateMask(unsigned(mask), 'mask', EPOLL_MASK));
  }

  /** Stops watching a file object: `ENOENT` if not registered, `EBADF` if its fd was closed. */
  unregister(fd: FileLike): void {
    this.core.live();
    check(this.core.remove(fileobjToFd(fd)), 'epoll_ctl');
  }

  /**
   * Waits for events, at most `timeoutSeconds` seconds, rounded up to ms; `null`, `undefined`,
   * `Infinity` or any negative value blocks. `maxevents` -1 means FD_SETSIZE - 1; otherwise it
   * must be ≥ 1.
   * @param timeoutSeconds - seconds (as Python's `epoll.poll`), not milliseconds
   * @returns `[fd, events]` for each ready fd, at most `maxevents`.
   */
  poll(timeoutSeconds: number | null = -1, maxevents = -1): Array<[number, number]> {
    this.core.live();
    const ms = toWait(timeoutSeconds, MS, MAX_WAIT_MS, 'block', 'timeoutSeconds');
    let max = validateInt(maxevents, 'maxevents');
    if (max === -1) max = C.FD_SETSIZE - 1;
    else if (max < 1) throw outOfRange('maxevents', 'greater than 0 (or -1)', maxevents);
    max = Math.min(max, MAX_BATCH);
    if (this.#out.length < 2 * max) this.#out = new Int32Array(2 * max);
    const out = this.#out;
    const count = this.core.wait(out, max, ms);
    const result: Array<[number, number]> = new Array(count);
    for (let i = 0; i < count; i++) result[i] = [out[2 * i], out[2 * i + 1] >>> 0];
    return result;
  }
}

/** Python's `select.epoll(sizehint = -1, flags = 0)`: a new {@link Epoll}. */
export function epoll(sizehint = -1, flags = 0): Epoll {
  return new Epoll(sizehint, flags);
}
/** Python's `select.epoll.fromfd(fd)`. */
epoll.fromfd = (fd: number): Epoll => Epoll.fromfd(fd);
