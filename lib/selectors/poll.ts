// PollSelector: poll(2) over the one struct pollfd array (PollFds), changed in place (O(1) per
// register/modify/unregister), so a wait passes it to the kernel untouched.
import { PollFds } from '../kernel/pollfds';
import { C, native } from '../native';
import type { FileLike } from '../validate';
import { ThreadWait, type Wakeup } from './async';
import { assertOpenFd } from './open-fd';
import { refuseModes, type SelectorOptions } from './options';
import { PollLikeSelector, type Poller } from './poll-like';

// The selector's side of the pollfd array: poll asks the kernel nothing at register, so an fd
// is checked open there (as epoll and kqueue would refuse a closed one).
class PollPoller implements Poller {
  readonly #fds = new PollFds(8);

  get out(): Int32Array {
    return this.#fds.out;
  }

  add(fd: number, mask: number): void {
    assertOpenFd(fd);
    this.#fds.set(fd, mask);
  }

  modify(fd: number, mask: number): void {
    assertOpenFd(fd);
    this.#fds.set(fd, mask);
  }

  remove(fd: number): void {
    this.#fds.delete(fd);
  }

  wait(ms: number): number {
    return this.#fds.wait(ms);
  }

  wakeup(): Wakeup {
    return new ThreadWait((handle, ms) => this.#fds.waitOnThread(handle, ms), 'poll');
  }

  close(): void {
    this.#fds.clear();
  }
}

/** A selector over poll(2): no FD_SETSIZE limit, cost proportional to the registered fds. */
export class PollSelector<T = unknown, F extends FileLike = FileLike> extends PollLikeSelector<T, F, PollPoller> {
  /** Whether poll(2) is available (it is on every POSIX system). */
  static readonly available: boolean = typeof native.poll === 'function';

  /** @param options - accepted for `DefaultSelector`'s sake; poll(2) has no opt-in mode (`ERR_NOT_SUPPORTED` if one is set). */
  constructor(options?: SelectorOptions) {
    super(() => {
      refuseModes(options, 'PollSelector');
      return new PollPoller();
    }, C.POLLIN, C.POLLOUT);
  }
}
