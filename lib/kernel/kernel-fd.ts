// The owner of one kernel object's fd (an epoll or kqueue instance): created or adopted, closed
// once, and closed by the finalizer if its owner is collected first (docs/DESIGN.md principle 7).
import { closedError } from '../errors';
import { closeWhenCollected, forget } from '../finalize';
import { native } from '../native';

/** One owned, close-on-exec kernel fd. Internal: the public objects and the selectors hold one. */
export abstract class KernelFd {
  /**
   * The fd, -1 once closed; only `close()` changes it. A plain field, unchecked: the wait reads it
   * on every call, behind the holder's own closed check.
   */
  fd: number;
  readonly #what: string;

  /** Owns `fd`, created by the subclass or adopted (and then owned by the addon, `native.own`). */
  protected constructor(fd: number, what: string) {
    this.fd = fd;
    this.#what = what;
    closeWhenCollected(this, fd);
  }

  /** True once `close()` has run. */
  get closed(): boolean {
    return this.fd < 0;
  }

  /** The fd, or `ERR_CLOSED` naming what this is. */
  live(): number {
    if (this.fd < 0) throw closedError(this.#what);
    return this.fd;
  }

  /** Closes the fd once: 0, or -errno from close(2); later calls return 0 and do nothing. */
  close(): number {
    if (this.fd < 0) return 0;
    const fd = this.fd;
    this.fd = -1;
    forget(this);
    return native.close(fd);
  }
}
