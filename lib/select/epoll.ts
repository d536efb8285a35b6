// select.epoll(): a thin owner of one epoll fd; the kernel holds the registrations.
import { check, invalidArgType, invalidArgValue, notSupported, outOfRange } from '../errors';
import { C, native } from '../native';
import { toWait } from '../timeout';
import { fileobjToFd, validateInt, validateMask, type FileLike } from '../validate';
import { EPOLL_MASK } from './constants';
import { constructAdopting, KernelObject, takeAdopted } from './owner';

const INT32_MAX = 2 ** 31 - 1;
// An Int32Array of [fd, events] pairs is allocated up to this many events; a larger maxevents
// is served this many at a time (epoll returns ready fds round-robin, so none starve).
const MAX_BATCH = 1 << 16;

function epollNative() {
  const { epollCreate, epollCtl, epollWait } = native;
  if (!epollCreate || !epollCtl || !epollWait) throw notSupported('epoll');
  return { epollCreate, epollCtl, epollWait };
}

// `EPOLLIN | EPOLLET` is negative in JS (bitwise operators yield int32): read int32 masks as uint32.
function unsigned(mask: unknown): unknown {
  return typeof mask === 'number' && Number.isInteger(mask) && mask < 0 && mask >= -(2 ** 31) ? mask >>> 0 : mask;
}

/** Python's `select.epoll` object: owns one close-on-exec epoll fd. */
export class Epoll extends KernelObject {
  #out = new Int32Array(0);

  /**
   * A new epoll object (Python's `select.epoll(sizehint, flags)`). `sizehint` is -1 or positive
   * and otherwise ignored; `flags` may be 0 or `EPOLL_CLOEXEC` (the fd is close-on-exec either way).
   * `ERR_NOT_SUPPORTED` where epoll does not exist.
   */
  constructor(sizehint = -1, flags = 0) {
    const n = epollNative();
    const adopted = takeAdopted();
    if (adopted === undefined) {
      const hint = validateInt(sizehint, 'sizehint');
      if (hint !== -1 && hint <= 0) throw outOfRange('sizehint', '-1 or a positive integer', sizehint);
      if (typeof flags !== 'number') throw invalidArgType('flags', 'of type number', flags);
      if (flags !== 0 && flags !== C.EPOLL_CLOEXEC) throw invalidArgValue('flags', flags, 'must be 0 or EPOLL_CLOEXEC');
    }
    super(adopted ?? check(n.epollCreate(), 'epoll_create1'), 'epoll object');
  }

  /** Adopts an existing epoll fd (Python's `epoll.fromfd`): closing this object closes it. */
  static fromfd(fd: number): Epoll {
    return constructAdopting(fd, () => new Epoll());
  }

  /**
   * Watches a file object for `mask` (default `EPOLLIN | EPOLLPRI | EPOLLOUT`; `EPOLLET`,
   * `EPOLLONESHOT`, `EPOLLEXCLUSIVE` pass through). Registering twice throws `EEXIST`;
   * a regular file `EPERM`; bits that are not `EPOLL*` constants `ERR_INVALID_ARG_VALUE`.
   */
  register(fd: FileLike, mask: number = C.EPOLLIN | C.EPOLLPRI | C.EPOLLOUT): void {
    this.#ctl(C.EPOLL_CTL_ADD, fd, mask, 'epoll_ctl');
  }

  /** Changes the mask of a registered file object; an unregistered one throws `ENOENT`. */
  modify(fd: FileLike, mask: number): void {
    this.#ctl(C.EPOLL_CTL_MOD, fd, mask, 'epoll_ctl');
  }

  /** Stops watching a file object: `ENOENT` if not registered, `EBADF` if its fd was closed. */
  unregister(fd: FileLike): void {
    const epfd = this.live();
    const n = fileobjToFd(fd);
    check(epollNative().epollCtl(epfd, C.EPOLL_CTL_DEL, n, 0), 'epoll_ctl');
  }

  /**
   * Waits for events. `timeout` is in seconds, rounded up to ms; `null`, `undefined`, `Infinity`
   * or any negative value blocks. `maxevents` -1 means FD_SETSIZE - 1; otherwise it must be ≥ 1.
   * @returns `[fd, events]` for each ready fd, at most `maxevents`.
   */
  poll(timeout: number | null = -1, maxevents = -1): Array<[number, number]> {
    const epfd = this.live();
    const ms = toWait(timeout, 1e3, INT32_MAX, 'block');
    let max = validateInt(maxevents, 'maxevents');
    if (max === -1) max = C.FD_SETSIZE - 1;
    else if (max < 1) throw outOfRange('maxevents', 'greater than 0 (or -1)', maxevents);
    max = Math.min(max, MAX_BATCH);
    if (this.#out.length < 2 * max) this.#out = new Int32Array(2 * max);
    const out = this.#out;
    const count = check(epollNative().epollWait(epfd, out, max, ms), 'epoll_wait');
    const result: Array<[number, number]> = new Array(count);
    for (let i = 0; i < count; i++) result[i] = [out[2 * i], out[2 * i + 1] >>> 0];
    return result;
  }

  #ctl(op: number, fd: FileLike, mask: number, syscall: string): void {
    const epfd = this.live();
    const n = fileobjToFd(fd);
    const m = validateMask(unsigned(mask), 'mask', EPOLL_MASK);
    check(epollNative().epollCtl(epfd, op, n, m), syscall);
  }


}

/** Python's `select.epoll(sizehint = -1, flags = 0)`: a new {@link Epoll}. */
export function epoll(sizehint = -1, flags = 0): Epoll {
  return new Epoll(sizehint, flags);
}
/** Python's `select.epoll.fromfd(fd)`. */
epoll.fromfd = (fd: number): Epoll => Epoll.fromfd(fd);
