// EpollSelector: epoll(7). The kernel keeps the interest set, so a wait costs in proportion to
// the ready fds only; results land in an Int32Array sized to the registered count (grown, never per call).
import { check, notSupported } from '../errors';
import { C, native } from '../native';
import { KernelWatch, type Wakeup } from './async';
import { closeWhenCollected, forget } from '../finalize';
import { readOptions, type SelectorOptions } from './options';
import { PollLikeSelector, type Poller } from './poll-like';

class EpollSet implements Poller {
  readonly fd: number;
  out = new Int32Array(16);
  readonly #flags: number;
  readonly #exclusive: boolean;

  constructor(edgeTriggered: boolean, exclusive: boolean) {
    this.#exclusive = exclusive;
    this.#flags = (edgeTriggered ? C.EPOLLET : 0) | (exclusive ? C.EPOLLEXCLUSIVE : 0);
    this.fd = check(native.epollCreate!(), 'epoll_create1');
    closeWhenCollected(this, this.fd);
  }

  add(fd: number, mask: number): void {
    check(native.epollCtl!(this.fd, C.EPOLL_CTL_ADD, fd, mask | this.#flags), 'epoll_ctl');
  }

  modify(fd: number, mask: number): void {
    if (this.#exclusive) {
      // EPOLL_CTL_MOD is EINVAL on an EPOLLEXCLUSIVE entry: delete and add again.
      check(native.epollCtl!(this.fd, C.EPOLL_CTL_DEL, fd, 0), 'epoll_ctl');
      this.add(fd, mask);
    } else {
      check(native.epollCtl!(this.fd, C.EPOLL_CTL_MOD, fd, mask | this.#flags), 'epoll_ctl');
    }
  }

  remove(fd: number): void {
    native.epollCtl!(this.fd, C.EPOLL_CTL_DEL, fd, 0); // EBADF/ENOENT: closed or reused, nothing to undo
  }

  wait(ms: number, registered: number): number {
    const max = Math.max(registered, 1);
    if (this.out.length < 2 * max) this.out = new Int32Array(2 * Math.max(max, this.out.length));
    return check(native.epollWait!(this.fd, this.out, max, ms), 'epoll_wait');
  }

  wakeup(): Wakeup {
    return new KernelWatch(this.fd);
  }

  close(): void {
    forget(this);
    native.close(this.fd);
  }
}

/** A selector over Linux epoll(7); `fileno()` is the epoll fd. See {@link SelectorOptions} for the opt-in modes. */
export class EpollSelector<T = unknown> extends PollLikeSelector<T> {
  /** Whether epoll exists on this OS and build (Linux only). */
  static readonly available: boolean = typeof native.epollCreate === 'function';
  readonly #set: EpollSet;

  constructor(options?: SelectorOptions) {
    let set: EpollSet | undefined;
    super(() => {
      const { edgeTriggered, exclusive } = readOptions(options);
      if (exclusive && C.EPOLLEXCLUSIVE === undefined) throw notSupported('EPOLLEXCLUSIVE');
      return (set = new EpollSet(edgeTriggered, exclusive));
    }, C.EPOLLIN, C.EPOLLOUT);
    this.#set = set!;
  }

  /** The epoll fd. @throws `ERR_CLOSED` after `close()`. */
  fileno(): number {
    this.checkOpen();
    return this.#set.fd;
  }
}
