// IoUringSelector: readiness through io_uring (docs/DESIGN.md). Each registered fd has one
// one-shot POLL_ADD in flight. The addon parks a reported fd's poll under its tag and the next
// select's io_uring_enter (or any submit) queues it again, so an fd that stays ready is reported
// again (level-triggered, as EpollSelector), with no call into the addon per re-arm. register and
// modify only queue SQEs (until fileno() was given out: then they submit); unregister submits its
// cancel at once, because a pending poll holds a reference to the file and would keep a socket the
// caller then closes open (the peer would see no EOF). register and modify take a fresh tag: a
// completion whose tag is no longer the fd's current one (after a modify or unregister) is dropped.
// The ring is DEFER_TASKRUN where the kernel has it: a poll that fires queues its completion work
// until this thread's next io_uring_enter instead of interrupting the thread, and select() runs
// it batched inside the enter that waits. Such a ring fd wakes no poller, so what is watched (the
// async wakeup, and the fd fileno() gives out) is the eventfd the kernel signals instead; on other
// rings it is the ring fd itself.
import { constants as osConstants } from 'node:os';
import { check } from '../errors';
import { C, native, type UringHandle } from '../native';
import { MS, NS } from '../timeout';
import { CQE_F_MORE, Ring, ringHandle } from '../uring/ring';
import type { FileLike } from '../validate';
import { KernelWatch, type Wakeup } from './async';
import { assertOpenFd } from './open-fd';
import { refuseModes, type SelectorOptions } from './options';
import { PollLikeSelector, type Poller } from './poll-like';

const ECANCELED = -osConstants.errno.ECANCELED;
const EBADF = -osConstants.errno.EBADF;
const EINVAL = -osConstants.errno.EINVAL;
const BATCH = 256;

// #owner's values besides an fd: the tag is a cancel's, or not in flight.
const CANCEL = -1;
const FREE = -2;
// What uringPrepCancel returns when its target was a parked poll, dropped with no cancel queued.
const PARKED_DROPPED = 1;

class RingPoller implements Poller {
  readonly ring: Ring;
  readonly #h: UringHandle;
  out: Int32Array = new Int32Array(2 * BATCH);
  readonly #cqes = new Int32Array(3 * BATCH);
  // Indexed by fd and by tag (both small integers): a Map lookup per poll cost more than the rest
  // of a hop's JavaScript.
  #masks: Int32Array = new Int32Array(64); // fd → POLL* mask, 0 when not registered
  #armed: Int32Array = new Int32Array(64).fill(-1); // fd → tag of its poll in flight, -1 for none
  #owner: Int32Array = new Int32Array(64).fill(FREE); // tag → fd, CANCEL or FREE
  // Tags whose completion was harvested, for reuse: tags stay small, so the addon keeps its ops
  // in its array rather than its hash map. A tag is reused only after its completion arrived, so
  // no late completion can be taken for the new op's.
  readonly #freeTags: number[] = [];
  #nextTag = 0;
  // The fd that becomes readable when a wait would find something, once asked for: the eventfd
  // registered on a DEFER_TASKRUN ring, else the ring fd.
  #wakeFd: number | undefined;
  // Set once fileno() gave the wake fd out: its owner may watch it at any time, not only while an
  // async wait is armed, so every change reaches the kernel at once and every wait ends settled.
  #watched = false;
  // Tags of re-arms handed to the kernel before the caller saw the report (see #settleRearms).
  readonly #provisional = new Set<number>();
  // Pairs the last wait reported (their re-arms are queued unless the selector is watched).
  #reported = 0;

  constructor() {
    this.ring = new Ring(BATCH, { deferTaskrun: true });
    this.#h = ringHandle(this.ring);
  }

  #tag(fd: number): number {
    const tag = this.#freeTags.length > 0 ? this.#freeTags.pop()! : this.#nextTag++;
    if (tag >= this.#owner.length) this.#owner = grown(this.#owner, tag, FREE);
    this.#owner[tag] = fd;
    return tag;
  }

  // The fd is valid and open (the selector checked it), the tag is free: the addon is called as
  // the event loop calls it, without the public Ring's argument checks.
  #arm(fd: number): void {
    const tag = this.#tag(fd);
    check(native.uringPrepPollAdd!(this.#h, fd, this.#masks[fd], tag, true), 'io_uring_prep_poll_add'); // level: parked when harvested
    this.#armed[fd] = tag;
  }

  #disarm(fd: number): void {
    const tag = fd < this.#armed.length ? this.#armed[fd] : -1;
    if (tag < 0) return;
    this.#armed[fd] = -1;
    const cancel = this.#tag(CANCEL);
    if (check(native.uringPrepCancel!(this.#h, tag, cancel), 'io_uring_prep_cancel') === PARKED_DROPPED) {
      this.#free(tag);
      this.#free(cancel);
    }
  }

  #free(tag: number): void {
    this.#owner[tag] = FREE;
    this.#freeTags.push(tag);
  }

  #setMask(fd: number, mask: number): void {
    if (fd >= this.#masks.length) {
      this.#masks = grown(this.#masks, fd, 0);
      this.#armed = grown(this.#armed, fd, -1);
    }
    this.#masks[fd] = mask;
  }

  add(fd: number, mask: number): void {
    assertOpenFd(fd); // refuse a closed fd with EBADF now, as every selector does
    this.#setMask(fd, mask);
    this.#arm(fd);
    if (this.#watched) this.ring.submit();
  }

  modify(fd: number, mask: number): void {
    assertOpenFd(fd);
    this.#disarm(fd);
    this.#setMask(fd, mask);
    this.#arm(fd);
    if (this.#watched) this.ring.submit();
  }

  remove(fd: number): void {
    if (fd >= this.#masks.length) return;
    this.#masks[fd] = 0;
    if (this.#armed[fd] < 0) return;
    this.#disarm(fd);
    this.ring.submit();
  }

  wait(ms: number, _registered: number): number {
    const end = ms > 0 ? performance.now() + ms : 0;
    let left = ms;
    let pairs = this.#harvest(left);
    // Only rechecks (none still ready) or completions with nothing to report (an unregister's
    // cancel, a stale poll) were found: a wait that may block goes on with the time left.
    while (pairs < 0 && left !== 0) {
      if (left > 0 && (left = Math.ceil(end - performance.now())) <= 0) break;
      pairs = this.#harvest(left);
    }
    if (pairs < 0) pairs = 0;
    // Re-arm what was reported and the addon did not (an error): level-triggered.
    for (let i = 0; i < 2 * pairs; i += 2) {
      const fd = this.out[i];
      if (this.#masks[fd] !== 0 && this.#armed[fd] < 0) this.#arm(fd);
    }
    if (this.#watched) this.#settleRearms(pairs);
    this.#reported = pairs;
    return pairs;
  }

  // One wait of up to `ms` and its harvest into `out`: the number of pairs, or -1 if there were
  // none though the wait ended on completions (rechecked ones, see #settleRearms; cancels; stale).
  #harvest(ms: number): number {
    const cqes = this.#cqes;
    const provisional = this.#provisional;
    let pairs = 0;
    let rechecks = 0;
    let rechecked = false;
    let n = this.#wait(ms === 0 ? 0 : 1, ms < 0 ? -1 : ms * (NS / MS), true);
    const woke = n > 0;
    for (;;) {
      for (let i = 0; i < 3 * n; i += 3) {
        const tag = cqes[i];
        const res = cqes[i + 1];
        const parked = (cqes[i + 2] & CQE_F_MORE) !== 0; // still pending: the next select re-arms it
        const fd = this.#owner[tag];
        if (!parked) this.#free(tag);
        const recheck = provisional.size > 0 && provisional.delete(tag);
        if (fd < 0 || this.#armed[fd] !== tag) continue; // a cancel, or stale
        if (!parked) this.#armed[fd] = -1;
        if (res === EBADF || res === ECANCELED) continue; // closed while registered: nothing to watch
        if (recheck) {
          if (parked) this.#disarm(fd); // dropped at once, to be queued afresh and submitted by this harvest
          this.#arm(fd);
          rechecks++;
          rechecked = true;
          continue;
        }
        if (2 * pairs === this.out.length) this.out = grown(this.out, this.out.length, 0);
        this.out[2 * pairs] = fd;
        this.out[2 * pairs + 1] = res < 0 ? C.POLLERR : res;
        pairs++;
      }
      if (n < BATCH && rechecks === 0) break;
      // More to harvest, or rechecks to submit: a poll of an fd still ready completes inside this enter.
      rechecks = 0;
      n = this.#wait(0, 0, false); // what this harvest parked stays parked: it would report again
    }
    return pairs === 0 && (rechecked || woke) ? -1 : pairs;
  }

  // Every completion here is one of this poller's tags (< 2^31, owned until harvested). With
  // nothing registered and no timeout, the wait blocks until a signal, as epoll_wait does.
  #wait(min: number, ns: number, unpark: boolean): number {
    return check(native.uringWait!(this.#h, min, ns, this.#cqes, undefined, 0, unpark), 'io_uring_enter');
  }

  // A watched selector's wait ends with its re-arms in the kernel, so that the wake fd is readable
  // while a reported fd stays ready. Such a re-arm mostly completes inside that very submit (the
  // caller has not yet read what was reported), and would then be reported once more after the
  // caller drained the fd: its completion is provisional, and the next wait polls the fd again
  // in a second enter instead of reporting it (the wake fd meanwhile reads as ready once for nothing).
  #settleRearms(pairs: number): void {
    for (let i = 0; i < 2 * pairs; i += 2) {
      const tag = this.#armed[this.out[i]];
      if (tag >= 0) this.#provisional.add(tag);
    }
    this.#settle();
  }

  /** The wake fd, for a caller that may watch it from now on (the selector's public fileno()). */
  watchedFd(): number {
    const fd = this.#wakeFdOf();
    if (!this.#watched) {
      this.#watched = true;
      this.#settleRearms(this.#reported); // the last wait's re-arms, still queued
    }
    return fd;
  }

  /** The fd fileno() gave out, else the ring fd (never makes the eventfd). */
  shownFd(): number {
    return this.#watched ? this.#wakeFd! : this.ring.fileno();
  }

  // The fd that becomes readable when there is something to harvest (made at first use).
  #wakeFdOf(): number {
    if (this.#wakeFd !== undefined) return this.#wakeFd;
    const fd = native.uringWakeFd!(ringHandle(this.ring));
    if (fd === EINVAL) return (this.#wakeFd = this.ring.fileno()); // not DEFER_TASKRUN: the ring fd wakes pollers
    return (this.#wakeFd = check(fd, 'io_uring_register'));
  }

  // Before the wake fd may be slept on: what is queued goes to the kernel (a poll of an fd that is
  // still ready completes inside this submit), and the eventfd of a DEFER_TASKRUN ring is cleared
  // of what this thread's own enters signalled, then signalled again if work or completions are
  // already waiting (the kernel signals only when deferred work arrives on an empty list).
  #settle(): void {
    this.ring.submit();
    native.uringArmWake!(ringHandle(this.ring)); // nothing to do where no eventfd was registered
  }

  // The wake fd is watched like an epoll fd; a registration made during an async wait must reach
  // the kernel at once, so a change submits.
  wakeup(): Wakeup {
    const watch = new KernelWatch(this.#wakeFdOf());
    const ring = this.ring;
    return {
      start: (ms, onWake) => {
        this.#settle();
        watch.start(ms, onWake);
      },
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

// A copy of `a` long enough to hold index `i`, the new slots set to `fill`.
function grown(a: Int32Array, i: number, fill: number): Int32Array {
  const bigger = new Int32Array(Math.max(2 * a.length, i + 1)).fill(fill);
  bigger.set(a);
  return bigger;
}

/**
 * A selector over io_uring (Linux ≥ 5.11): each registered fd has one one-shot `POLL_ADD` in
 * flight, re-armed in the same `io_uring_enter` that waits, so it behaves as a level-triggered
 * {@link EpollSelector}. `register` and `modify` make no io_uring syscall until `fileno()` was
 * called (only an `fcntl` that refuses a closed fd); `unregister` cancels the poll at once. The ring is `DEFER_TASKRUN` where
 * the kernel has it (Linux 6.1). `selectAsync` and `EventLoop` work as with epoll. Where io_uring
 * is unavailable, `IoUringSelector.available` is false and the constructor throws `ERR_NOT_SUPPORTED`.
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

  /**
   * An fd to watch with epoll, poll or an event loop: readable whenever `select()` would report
   * something (and at times when it would not). It is the ring fd, or on a `DEFER_TASKRUN` ring
   * (whose fd wakes no poller) an eventfd the kernel signals — only read by the selector itself.
   * From the first call on, `register` and `modify` submit at once and each `select()` ends
   * with one more `io_uring_enter` (and a `read` of the eventfd), so that the fd stays true.
   * @throws `ERR_CLOSED` after `close()`, a SystemError if the kernel refuses the eventfd.
   */
  fileno(): number {
    this.checkOpen();
    return this.poller.watchedFd();
  }

  /** For util.inspect, which must not change how the selector waits: the fd fileno() gave out, else the ring fd. */
  protected override inspectedFd(): number {
    return this.poller.shownFd();
  }
}
