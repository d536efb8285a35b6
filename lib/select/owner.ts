// What select.epoll and select.kqueue objects share: one owned, close-on-exec kernel fd.
import { check, closedError } from '../errors';
import { closeWhenCollected, forget } from '../finalize';
import { native } from '../native';
import { validateFd } from '../validate';

/** The base of Python's `select.epoll` and `select.kqueue` objects: one kernel fd, closed once. */
export abstract class KernelObject implements Disposable {
  #fd: number;
  readonly #what: string;

  /** Owns `fd` (made by the subclass, or adopted by `fromfd`). */
  protected constructor(fd: number, what: string) {
    this.#fd = fd;
    this.#what = what;
    closeWhenCollected(this, fd);
  }

  /** True once `close()` has run. */
  get closed(): boolean {
    return this.#fd < 0;
  }

  /** The kernel object's fd. @throws `ERR_CLOSED` after `close()`. */
  fileno(): number {
    return this.live();
  }

  /** Closes the fd; later calls do nothing. */
  close(): void {
    if (this.#fd < 0) return;
    const fd = this.#fd;
    this.#fd = -1;
    forget(this);
    check(native.close(fd), 'close');
  }

  /** Same as `close()`, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** The fd, or `ERR_CLOSED`. */
  protected live(): number {
    if (this.#fd < 0) throw closedError(this.#what);
    return this.#fd;
  }
}

// Set by fromfd for the next constructor to adopt instead of create (private fields need a real `new`).
let adopting: number | undefined;

/** Runs `construct` so that it adopts `fd` (see {@link takeAdopted}): Python's `fromfd`. */
export function constructAdopting<T>(fd: unknown, construct: () => T): T {
  adopting = validateFd(fd);
  try {
    return construct();
  } finally {
    adopting = undefined;
  }
}

/** In a constructor: the fd `fromfd` hands over (now owned by this thread), or undefined. */
export function takeAdopted(): number | undefined {
  const fd = adopting;
  adopting = undefined;
  if (fd !== undefined) native.own(fd);
  return fd;
}
