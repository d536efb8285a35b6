// IoUringSelector: readiness through io_uring (docs/DESIGN.md). Each registered fd has one
// one-shot POLL_ADD in flight; a reported fd is re-armed by the next wait's own io_uring_enter, so
// an fd that stays ready is reported again (level-triggered, as EpollSelector). register and modify
// only queue SQEs; unregister submits its cancel at once, because a pending poll holds a reference
// to the file and would keep a socket the caller then closes open (the peer would see no EOF).
// Every poll has a fresh tag: a completion whose tag is no longer the fd's current one (after a
// modify or unregister) is dropped.
import { constants as osConstants } from 'node:os';
import { UINT32_MAX } from '../limits';
import { C } from '../native';
import { MS } from '../timeout';
import { Ring } from '../uring/ring';
import type { FileLike } from '../validate';
import { KernelWatch, type Wakeup } from './async';
import { assertOpenFd } from './open-fd';
import { refuseModes, type SelectorOptions } from './options';
import { PollLikeSelector, type Poller } from './poll-like';

const ECANCELED = -osConstants.errno.ECANCELED;
const EBADF = -osConstants.errno.EBADF;
const TAGS = UINT32_MAX + 1;
const BATCH = 256;

class RingPoller implements Poller {
  readonly ring: Ring;
  out: Int32Array = new Int32Array(2 * BATCH);
  readonly #cqes = new Int32Array(3 * BATCH);
  readonly #masks = new Map<number, number>(); // fd → POLL* mask
  readonly #armed = new Map<number, number>(); // fd → tag of its poll in flight
  readonly #owner = new Map<number, number>(); // tag in flight → fd (-1: a cancel)
  #nextTag = 0;

  constructor() {
    this.ring = new Ring(BATCH);
  }

  #tag(fd: number): number {
    while (this.#owner.has(this.#nextTag)) this.#nextTag = (this.#nextTag + 1) % TAGS;
    const tag = this.#nextTag;
    this.#nextTag = (tag + 1) % TAGS;
    this.#owner.set(tag, fd);
    return tag;
  }

  #arm(fd: number): void {
    const tag = this.#tag(fd);
    this.ring.prepPollAdd(fd, this.#masks.get(fd)!, tag);
    this.#armed.set(fd, tag);
  }

  #disarm(fd: number): void {
    const tag = this.#armed.get(fd);
    if (tag === undefined) return;
    this.#armed.delete(fd);
    this.ring.prepCancel(tag, this.#tag(-1));
  }

  add(fd: number, mask: number): void {
    assertOpenFd(fd); // refuse a closed fd with EBADF now, as every selector does
    this.#masks.set(fd, mask);
    this.#arm(fd);
  }

  modify(fd: number, mask: number): void {
    assertOpenFd(fd);
    this.#disarm(fd);
    this.#masks.set(fd, mask);
    this.#arm(fd);
  }

  remove(fd: number): void {
    this.#masks.delete(fd);
    if (!this.#armed.has(fd)) return;
    this.#disarm(fd);
    this.ring.submit();
  }

  wait(ms: number, _registered: number): number {
    const cqes = this.#cqes;
    let pairs = 0;
    let n = this.ring.waitInto(cqes, ms === 0 ? 0 : 1, ms < 0 ? null : ms / MS);
    for (;;) {
      for (let i = 0; i < 3 * n; i += 3) {
        const tag = cqes[i] >>> 0;
        const res = cqes[i + 1];
        const fd = this.#owner.get(tag);
        this.#owner.delete(tag);
        if (fd === undefined || fd < 0 || this.#armed.get(fd) !== tag) continue; // a cancel, or stale
        this.#armed.delete(fd);
        if (res === EBADF || res === ECANCELED) continue; // closed while registered: nothing to watch
        if (2 * pairs === this.out.length) this.out = grow(this.out);
        this.out[2 * pairs] = fd;
        this.out[2 * pairs + 1] = res < 0 ? C.POLLERR : res;
        pairs++;
      }
      if (n < BATCH) break;
      n = this.ring.waitInto(cqes, 0, 0);
    }
    // Re-arm what was reported (queued now, submitted by the next wait): level-triggered.
    for (let i = 0; i < 2 * pairs; i += 2) if (this.#masks.has(this.out[i])) this.#arm(this.out[i]);
    return pairs;
  }

  // The ring fd is watched like an epoll fd; a registration made during an async wait must reach
  // the kernel at once, so a change submits.
  wakeup(): Wakeup {
    const watch = new KernelWatch(this.ring.fileno());
    const ring = this.ring;
    return {
      start: (ms, onWake) => watch.start(ms, onWake),
      changed: () => void ring.submit(),
      stop: () => watch.stop(),
      keepAlive: (on) => watch.keepAlive(on),
      close: () => watch.close(),
    };
  }

  close(): void {
    this.ring.close();
  }
}

function grow(out: Int32Array): Int32Array {
  const bigger = new Int32Array(2 * out.length);
  bigger.set(out);
  return bigger;
}

/**
 * A selector over io_uring (Linux ≥ 5.11): each registered fd has one one-shot `POLL_ADD` in
 * flight, re-armed in the same `io_uring_enter` that waits, so it behaves as a level-triggered
 * {@link EpollSelector}. `register` and `modify` make no io_uring syscall (only an `fcntl` that
 * refuses a closed fd); `unregister` cancels the poll at once. `fileno()` is the ring fd, so
 * `selectAsync` and `EventLoop` work as with epoll. Where io_uring is unavailable,
 * `IoUringSelector.available` is false and the constructor throws `ERR_NOT_SUPPORTED`.
 */
export class IoUringSelector<T = unknown, F extends FileLike = FileLike> extends PollLikeSelector<T, F, RingPoller> {
  /** Whether io_uring is usable in this process (see `Ring.unavailableReason` in iomux/uring). */
  static readonly available: boolean = Ring.available;

  /** @param options - no opt-in mode exists here: one turned on throws `ERR_NOT_SUPPORTED`. */
  constructor(options?: SelectorOptions) {
    super(() => {
      refuseModes(options, 'IoUringSelector');
      return new RingPoller();
    }, C.POLLIN, C.POLLOUT);
  }

  /** The ring fd. @throws `ERR_CLOSED` after `close()`. */
  fileno(): number {
    this.checkOpen();
    return this.poller.ring.fileno();
  }
}
