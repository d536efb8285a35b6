// ProactorEventLoop: asyncio's proactor event loop without coroutines — the completion model
// (asynchronous I/O) on io_uring. Each sock* operation is a submission entry on the loop's ring;
// the kernel does the I/O and posts a completion, which settles the operation's promise.
// Readers and writers are one-shot IORING_OP_POLL_ADD polls re-armed while registered
// (level-triggered, as EventLoop). The policy — callback order, timers, exception handler,
// run/runSync — is BaseEventLoop's, shared with EventLoop.
import { check, closedError, uringUnavailable } from './errors';
import { MAX_WAIT_MS } from './limits';
import { BaseEventLoop } from './loop/base-loop';
import { IOHandle } from './loop/handle';
import { ProactorOps } from './loop/proactor-ops';
import { RingDriver } from './loop/proactor-ring';
import { SignalHandlers } from './loop/signals';
import { C, native } from './native';
import { EVENT_READ, type FileLike } from './selectors/base';
import { beforeClose } from './socket/socket';
import { MS, toWait } from './timeout';
import { Ring } from './uring/ring';
import { fileobjToFd } from './validate';
import type { IOCallback } from './loop';
import type { TransportLoop } from './transports/create';
import { proactorTransportLoop } from './transports/proactor-serving';

// A reader or writer: its handle, and the poll in flight for it (undefined between polls).
interface Watcher {
  fd: number;
  /** What addReader/addWriter was given for the fd. */
  fileobj: FileLike;
  event: number;
  handle: IOHandle;
  tag: number | undefined;
  // The fd was closed under the poll: it stays registered but is no longer watched (as an fd
  // closed while in an epoll set).
  dead: boolean;
}

// Open loops, for the Socket.close hook. Weakly: a loop forgotten unclosed can still be
// collected (and its ring closed by the ring's finalizer).
const openLoops = new Set<WeakRef<ProactorEventLoop>>();
function onSocketClose(fd: number): void {
  for (const ref of openLoops) {
    const loop = ref.deref();
    if (loop === undefined) openLoops.delete(ref);
    else loop._socketClosing(fd);
  }
}

/**
 * The completion-based event loop on Linux io_uring (Python's asyncio `ProactorEventLoop`,
 * without coroutines): the same API as {@link EventLoop} — timers, callSoon, readers and
 * writers, signal handlers, the sock* operations — but each sock* operation is queued on the
 * loop's ring and done by the kernel, its result harvested when it completes. Submissions are
 * flushed once per turn of Node's loop; completions are harvested in one crossing per wakeup.
 * `run()` watches the ring fd on Node's loop and never blocks the thread; `runSync()` blocks in
 * the ring's wait. One ring per loop, created at first use.
 */
export class ProactorEventLoop extends BaseEventLoop {
  /** Whether io_uring is usable in this process (probed once; `IOMUX_URING=0` turns it off). */
  static readonly available: boolean = Ring.available;
  /** Why io_uring is unusable here (`null` when it is usable). */
  static readonly unavailableReason: string | null = Ring.unavailableReason;

  readonly #driver = new RingDriver();
  protected readonly sockOps: ProactorOps;
  protected readonly signals: SignalHandlers;
  readonly #readers = new Map<number, Watcher>();
  readonly #writers = new Map<number, Watcher>();
  // Readers and writers that fired: polled again at the start of the next iteration, after
  // their callbacks ran (so a callback that drains the fd is not called twice).
  #rearm: Watcher[] = [];
  readonly #self = new WeakRef(this);

  /**
   * A new loop; its ring is created at first use.
   * @throws `ERR_NOT_SUPPORTED` where io_uring cannot be used (the reason in the message:
   *   not Linux, kernel.io_uring_disabled, a seccomp profile, an old kernel, `IOMUX_URING=0`)
   */
  constructor() {
    super();
    if (!Ring.available) throw uringUnavailable(Ring.unavailableReason!, 'ProactorEventLoop');
    this.sockOps = new ProactorOps(this.#driver, () => this.checkOpen());
    this.signals = new SignalHandlers({
      watch: (fd, onReadable) => this.#add(fd, onReadable, EVENT_READ),
      unwatch: (fd) => this.#detach(fd, EVENT_READ),
      enqueue: (handle) => this.enqueue(handle),
    });
    if (openLoops.size === 0) beforeClose.add(onSocketClose);
    openLoops.add(this.#self);
  }

  protected watchIO(fileobj: FileLike, cb: IOCallback, event: number): void {
    this.#add(fileobj, cb, event);
  }

  protected unwatchIO(fileobj: FileLike, event: number): boolean {
    return this.#remove(fileobj, event);
  }

  /** @internal */
  protected makeTransportLoop(): TransportLoop {
    return proactorTransportLoop({
      driver: this.#driver,
      callSoon: (cb, ...args) => this.callSoon(cb, ...args),
      callLater: (delay, cb, ...args) => this.callLater(delay, cb, ...args),
      callExceptionHandler: (context) => this.callExceptionHandler(context),
      isClosed: () => this.isClosed(),
      sockConnect: (sock, address) => this.sockConnect(sock, address),
    }, this as unknown as BaseEventLoop);
  }

  protected pollIO(timeoutSeconds: number | null): number {
    this.#rearmFired();
    return this.#driver.harvest(timeoutSeconds);
  }

  protected armIO(timeoutSeconds: number | null, onWake: (err?: Error) => void): () => void {
    this.#rearmFired();
    return this.#driver.arm(toWait(timeoutSeconds, MS, MAX_WAIT_MS, 'zero'), onWake);
  }

  protected keepAliveIO(on: boolean): void {
    this.#driver.keepAlive(on);
  }

  protected closeIO(): void {
    openLoops.delete(this.#self);
    if (openLoops.size === 0) beforeClose.delete(onSocketClose);
    this.signals.close();
    // The ring cancels every operation and waits for the kernel to let go of each; then the
    // promises settle (an accepted connection never harvested is closed by the ring).
    this.#driver.close();
    this.sockOps.close(closedError('ProactorEventLoop'));
    for (const w of this.#readers.values()) w.handle.cancel();
    for (const w of this.#writers.values()) w.handle.cancel();
    this.#readers.clear();
    this.#writers.clear();
    this.#rearm = [];
  }

  #add(fileobj: FileLike, cb: (...args: never[]) => unknown, event: number): void {
    this.checkOpen();
    const fd = fileobjToFd(fileobj);
    const watchers = event === EVENT_READ ? this.#readers : this.#writers;
    const handle = new IOHandle(cb, fileobj, this);
    const old = watchers.get(fd);
    // The same object: only the callback changes. Another one (or a bare fd number) may name a
    // file that took a closed fd's number, so its poll is made again, on the file it names now.
    if (old !== undefined && !old.dead && old.fileobj === fileobj) {
      old.handle.cancel(); // asyncio: a replaced handle already queued does not run
      old.handle = handle;
      return;
    }
    check(native.getBlocking(fd), 'fcntl'); // a closed fd is refused now, as epoll_ctl would
    const w: Watcher = { fd, fileobj, event, handle, tag: undefined, dead: false };
    if (old !== undefined) this.#detach(fd, event);
    watchers.set(fd, w);
    this.#poll(w);
  }

  #remove(fileobj: FileLike, event: number): boolean {
    this.checkOpen();
    return this.#detach(fileobjToFd(fileobj), event);
  }

  #detach(fd: number, event: number): boolean {
    const watchers = event === EVENT_READ ? this.#readers : this.#writers;
    const w = watchers.get(fd);
    if (w === undefined) return false;
    watchers.delete(fd);
    w.handle.cancel();
    if (w.tag !== undefined) this.#driver.cancel(w.tag);
    return true;
  }

  #poll(w: Watcher): void {
    const mask = w.event === EVENT_READ ? C.POLLIN : C.POLLOUT;
    w.tag = this.#driver.start({ prep: (ring, tag) => ring.prepPollAdd(w.fd, mask, tag), complete: (res) => this.#polled(w, res) });
  }

  #polled(w: Watcher, res: number): void {
    w.tag = undefined;
    const watchers = w.event === EVENT_READ ? this.#readers : this.#writers;
    if (watchers.get(w.fd) !== w) return; // removed or replaced meanwhile
    if (res < 0 || (res & C.POLLNVAL) !== 0) {
      w.dead = true;
      return;
    }
    w.handle.setMask(w.event);
    this.enqueue(w.handle);
    this.#rearm.push(w);
  }

  #rearmFired(): void {
    if (this.#rearm.length === 0) return;
    const fired = this.#rearm;
    this.#rearm = [];
    for (const w of fired) {
      const watchers = w.event === EVENT_READ ? this.#readers : this.#writers;
      if (watchers.get(w.fd) === w && w.tag === undefined && !w.dead) this.#poll(w);
    }
  }

  /**
   * A Socket is about to close `fd`: its operations and polls are cancelled, and what is queued
   * is submitted first, so that no entry naming the number reaches a new file that takes it.
   * @internal
   */
  _socketClosing(fd: number): void {
    const reader = this.#readers.get(fd);
    const writer = this.#writers.get(fd);
    if (!this.sockOps.has(fd) && reader === undefined && writer === undefined) return;
    this.sockOps.closing(fd);
    for (const w of [reader, writer]) {
      if (w === undefined) continue;
      w.dead = true;
      if (w.tag !== undefined) this.#driver.cancel(w.tag);
    }
    try {
      this.#driver.flush();
    } catch {
      // Nothing more can be done before close(2); the ring's close cancels what is left.
    }
  }
}

