// What Python's select.epoll and select.kqueue objects share: the fd methods of the kernel object
// they hold (one KernelFd, the same wrapper the selectors use).
import type { KernelFd } from '../kernel/kernel-fd';

/** The base of Python's `select.epoll` and `select.kqueue` objects: one kernel fd, closed once. */
export abstract class KernelObject<K extends KernelFd = KernelFd> implements Disposable {
  /** The kernel object; methods check `core.live()` before using it. */
  protected readonly core: K;

  /** Holds `core`, created or adopted by the subclass. */
  protected constructor(core: K) {
    this.core = core;
  }

  /** True once `close()` has run. */
  get closed(): boolean {
    return this.core.closed;
  }

  /** The kernel object's fd. @throws `ERR_CLOSED` after `close()`. */
  fileno(): number {
    return this.core.live();
  }

  /** Closes the fd; later calls do nothing. Never throws, as CPython's (an adopted fd may be gone already). */
  close(): void {
    this.core.close();
  }

  /** Same as `close()`, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}
