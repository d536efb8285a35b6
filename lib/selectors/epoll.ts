// EpollSelector: epoll(7). The kernel keeps the interest set, so a wait costs in proportion to
// the ready fds only; results land in an Int32Array sized to the registered count (grown, never per call).
import { readFileSync } from 'node:fs';
import { notSupported } from '../errors';
import { EPOLL_AVAILABLE, EpollFd } from '../kernel/epoll';
import { PollFds, pollOne } from '../kernel/pollfds';
import { C } from '../native';
import type { FileLike } from '../validate';
import { KernelWatch, type Wakeup } from './async';
import { readOptions, type SelectorOptions } from './options';
import { PollLikeSelector, type Poller } from './poll-like';

// Whether the epoll set `epfd` holds a registration under fd number `fd` (its /proc fdinfo lists
// one "tfd: N" line per registration); true when that cannot be read.
function listsFd(epfd: number, fd: number): boolean {
  let info: string;
  try {
    info = readFileSync(`/proc/self/fdinfo/${epfd}`, 'utf8');
  } catch {
    return true;
  }
  return new RegExp(`^tfd:\\s+${fd}\\s`, 'm').test(info);
}

// The selector's side of the one epoll wrapper: its opt-in flags on every add and modify.
//
// Ghosts: epoll keys a registration by (fd number, open file) and drops it only when the file's
// last fd closes. A registered fd closed while a dup of it stays open (in this process or a
// child) cannot be removed any more (EPOLL_CTL_DEL on the number reaches whatever file has it
// now), and keeps reporting the old file's readiness under the old number — which a new file may
// now have and register. Such numbers are "haunted": each of their reports is checked with a
// poll(2) of the fd itself (what the file now at that number is ready for), once per wait.
class EpollPoller implements Poller {
  readonly epoll: EpollFd;
  out = new Int32Array(16);
  readonly #flags: number;
  readonly #exclusive: boolean;
  readonly #masks = new Map<number, number>(); // fd → EPOLLIN/EPOLLOUT of its registration
  readonly #haunted = new Set<number>();

  constructor(options: unknown) {
    const { edgeTriggered, exclusive } = readOptions(options);
    if (exclusive && C.EPOLLEXCLUSIVE === undefined) throw notSupported('EPOLLEXCLUSIVE');
    this.#exclusive = exclusive;
    this.#flags = (edgeTriggered ? C.EPOLLET : 0) | (exclusive ? C.EPOLLEXCLUSIVE : 0);
    this.epoll = EpollFd.create('EpollSelector');
  }

  add(fd: number, mask: number): void {
    // Not yet registered: a "tfd" line for this number now can only be a ghost.
    if (this.#haunted.has(fd) && !listsFd(this.epoll.fd, fd)) this.#haunted.delete(fd);
    this.epoll.add(fd, mask | this.#flags);
    this.#masks.set(fd, mask);
  }

  modify(fd: number, mask: number): void {
    if (this.#exclusive) {
      // EPOLL_CTL_MOD is EINVAL on an EPOLLEXCLUSIVE entry: delete and add again (add records the mask).
      this.epoll.remove(fd);
      this.add(fd, mask);
      return;
    }
    this.epoll.modify(fd, mask | this.#flags);
    this.#masks.set(fd, mask);
  }

  remove(fd: number): void {
    this.#masks.delete(fd);
    // EBADF/ENOENT: closed (or closed and reused): the old file's registration is gone with it,
    // unless a dup keeps it alive: then it is a ghost (the set still lists the number).
    if (this.epoll.remove(fd) < 0 && listsFd(this.epoll.fd, fd)) this.#haunted.add(fd);
  }

  wait(ms: number, registered: number): number {
    // Room for a ghost's report besides each registration's.
    const max = Math.max(registered + this.#haunted.size, 1);
    if (this.out.length < 2 * max) this.out = new Int32Array(2 * Math.max(max, this.out.length));
    const started = ms > 0 ? performance.now() : 0;
    const n = this.epoll.wait(this.out, max, ms);
    if (this.#haunted.size === 0) return n;
    const kept = this.#exorcise(n);
    if (kept > 0 || n === 0 || ms === 0) return kept;
    // Only a ghost ended the wait (and it stays ready: level-triggered): wait out the rest with
    // poll(2) on the registered fds themselves, which no ghost reaches, instead of returning early.
    return this.#pollRegistered(ms < 0 ? -1 : Math.max(0, Math.ceil(ms - (performance.now() - started))));
  }

  #pollRegistered(ms: number): number {
    const fds = new PollFds(Math.max(this.#masks.size, 1));
    for (const [fd, mask] of this.#masks) fds.set(fd, mask);
    const n = fds.wait(ms);
    if (this.out.length < 2 * n) this.out = new Int32Array(2 * n);
    this.out.set(fds.out.subarray(0, 2 * n));
    return n;
  }

  // Replaces each report of a haunted number by what poll(2) says of the file it names now (at
  // most one per number, none if not ready or not registered); compacts `out`.
  #exorcise(n: number): number {
    const out = this.out;
    const seen = new Set<number>();
    let kept = 0;
    for (let i = 0; i < 2 * n; i += 2) {
      const fd = out[i];
      let bits = out[i + 1];
      if (this.#haunted.has(fd)) {
        const mask = this.#masks.get(fd);
        if (seen.has(fd) || mask === undefined) continue;
        seen.add(fd);
        bits = pollOne(fd, mask, 0);
        if (bits === 0) continue;
      }
      out[2 * kept] = fd;
      out[2 * kept + 1] = bits;
      kept++;
    }
    return kept;
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
