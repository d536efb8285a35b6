// EpollSelector: epoll(7). The kernel keeps the interest set, so a wait costs in proportion to
// the ready fds only; results land in an Int32Array sized to the registered count (grown, never per call).
import { notSupported } from '../errors';
import { EPOLL_AVAILABLE, EpollFd } from '../kernel/epoll';
import { C } from '../native';
import type { FileLike } from '../validate';
import { KernelWatch, type Wakeup } from './async';
import { readOptions, type SelectorOptions } from './options';
import { PollLikeSelector, type Poller } from './poll-like';

// The selector's side of the one epoll wrapper: its opt-in flags on every add and modify.
class EpollPoller implements Poller {
  readonly epoll: EpollFd;
  out = new Int32Array(16);
  readonly #flags: number;
  readonly #exclusive: boolean;

  constructor(options: unknown) {
    const { edgeTriggered, exclusive } = readOptions(options);
    if (exclusive && C.EPOLLEXCLUSIVE === undefined) throw notSupported('EPOLLEXCLUSIVE');
    this.#exclusive = exclusive;
    this.#flags = (edgeTriggered ? C.EPOLLET : 0) | (exclusive ? C.EPOLLEXCLUSIVE : 0);
    this.epoll = EpollFd.create('EpollSelector');
  }

  add(fd: number, mask: number): void {
    this.epoll.add(fd, mask | this.#flags);
  }

  modify(fd: number, mask: number): void {
    if (this.#exclusive) {
      // EPOLL_CTL_MOD is EINVAL on an EPOLLEXCLUSIVE entry: delete and add again.
      this.epoll.remove(fd);
      this.add(fd, mask);
    } else {
      this.epoll.modify(fd, mask | this.#flags);
    }
  }

  remove(fd: number): void {
    this.epoll.remove(fd); // EBADF/ENOENT: closed or reused, nothing to undo
  }

  wait(ms: number, registered: number): number {
    const max = Math.max(registered, 1);
    if (this.out.length < 2 * max) this.out = new Int32Array(2 * Math.max(max, this.out.length));
    return this.epoll.wait(this.out, max, ms);
  }

  wakeup(): Wakeup {
    return new KernelWatch(this.epoll.fd);
  }

  close(): void {
    this.epoll.close();
  }
}

/** A selector over Linux epoll(7); `fileno()` is the epoll fd. See {@link SelectorOptions} for the opt-in modes. */
export class EpollSelector<T = unknown, F extends FileLike = FileLike> extends PollLikeSelector<T, F, EpollPoller> {
  /** Whether epoll exists on this OS and build (Linux only). */
  static readonly available: boolean = EPOLL_AVAILABLE;

  /** @param options - `edgeTriggered` sets `EPOLLET`; `exclusive` sets `EPOLLEXCLUSIVE`. */
  constructor(options?: SelectorOptions) {
    super(() => new EpollPoller(options), C.EPOLLIN, C.EPOLLOUT);
  }

  /** The epoll fd. @throws `ERR_CLOSED` after `close()`. */
  fileno(): number {
    this.checkOpen();
    return this.poller.epoll.fd;
  }
}
