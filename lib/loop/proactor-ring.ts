// The ring side of ProactorEventLoop: one io_uring per loop, created at first use; operations
// queued under tags with a completion callback each; submissions flushed once per turn of
// Node's loop (a setImmediate) unless a wait flushes them first; completions harvested in one
// crossing per wakeup into a preallocated Int32Array of [tag, res, flags] triples. The ring fd
// is watched on Node's loop like an epoll fd (lib/selectors/async.ts's KernelWatch).
// A multishot operation keeps its tag while its completions say more are coming. The provided
// buffer ring of multishot receives is made at first use; the buffers a harvest hands out are
// given back to the kernel in the next crossing (a wait or a submit), not in one of their own.
import { systemError } from '../errors';
import { MAX_TIMEOUT_NS } from '../limits';
import { native, type UringHandle } from '../native';
import { KernelWatch } from '../selectors/async';
import { NS } from '../timeout';
import { CQE_F_BUFFER, CQE_F_MORE, Ring, ringHandle } from '../uring/ring';

/** What an operation's completion is handed to: its result (a count, an fd, 0 or -errno) and CQE flags. */
export interface Completer {
  complete(res: number, flags: number): void;
  /**
   * A completion that makes no new work by itself (a transport's send, a cancel): not counted
   * by `harvest`, so the loop does not poll once more just for it (it still runs its callbacks).
   */
  readonly quiet?: boolean;
  /** The completion came after the loop's close() let go of the operation: free what `res` holds (an accepted fd). */
  discard?(res: number): void;
}

// Sizes: the submission queue is flushed on the way when it fills, so it only bounds a batch;
// the completion queue is larger so that many connections' completions fit without the kernel's
// overflow list (which FEAT_NODROP keeps, more slowly).
const SQ_ENTRIES = 256;
const CQ_ENTRIES = 4096;
// Triples harvested per crossing; more are read by crossing again.
const HARVEST = 256;
// A wait with nothing in flight and no timeout (nothing could end it) waits this long, then the
// loop asks again: Ring.wait refuses an endless wait that nothing can complete.
const IDLE_WAIT_SECONDS = 24 * 3600;
const ignore: Completer = { complete() {}, quiet: true };
// The provided buffer ring: BUFFERS buffers of BUFFER_SIZE bytes (the most one completion of a
// multishot receive carries). 512 × 16 KiB = 8 MiB per loop.
const BUFFERS = 512;
/** Size in bytes of each provided buffer. */
export const BUFFER_SIZE = 16 * 1024;

/** One loop's ring, its operations in flight and the watch of its fd. */
export class RingDriver {
  #ring: Ring | undefined;
  #watch: KernelWatch | undefined;
  readonly #out = new Int32Array(3 * HARVEST);
  // The operations in flight by tag. Tags are small integers reused from a free list (an array
  // indexes faster than a Map); a tag is free again once its completion was harvested.
  #slots: Array<Completer | undefined> = [];
  readonly #free: number[] = [];
  #inFlight = 0;
  #flush: NodeJS.Immediate | undefined;
  #keepAlive = true;
  #handle: UringHandle | undefined;
  // The provided buffers: undefined until asked for, null where the kernel (or the runtime) has none.
  #arena: Buffer | null | undefined;
  readonly #recycled = new Int32Array(BUFFERS);
  #recycleCount = 0;
  // Entries prepared since the last crossing that submits (a flush with none costs no crossing).
  #unsubmitted = false;
  /** Completions in the harvest being handed out (0 outside a harvest): 1 means nothing else to batch with. */
  batch = 0;
  /** Whether multishot receive and accept may be tried (cleared when the kernel refuses one). */
  multishot = process.env.IOMUX_URING_NO_MULTISHOT !== '1';

  /** The ring, created at first use. */
  get ring(): Ring {
    return (this.#ring ??= new Ring(SQ_ENTRIES, { cqEntries: CQ_ENTRIES }));
  }

  /** The ring's native handle, for preps on the hot path. */
  get handle(): UringHandle {
    return (this.#handle ??= ringHandle(this.ring));
  }

  /**
   * The provided buffers as one Buffer (buffer `bid` at `bid * BUFFER_SIZE`), registered at
   * first use; null where the kernel has no buffer rings (before 5.19) or multishot is off.
   */
  get arena(): Buffer | null {
    if (this.#arena !== undefined) return this.#arena;
    // IOMUX_URING_NO_BUFFER_RING=1 (tests): as on a kernel without buffer rings (before 5.19).
    if (!this.multishot || process.env.IOMUX_URING_NO_BUFFER_RING === '1') return (this.#arena = null);
    const ab = native.uringBufferRing!(this.handle, BUFFERS, BUFFER_SIZE);
    return (this.#arena = typeof ab === 'number' ? null : Buffer.from(ab));
  }

  /** The provided buffers if made already (never makes them). */
  get arenaIfMade(): Buffer | null | undefined {
    return this.#arena;
  }

  /** Gives provided buffer `bid` back to the kernel (in the next wait or submit). */
  recycle(bid: number): void {
    this.#recycled[this.#recycleCount++] = bid;
  }

  /** Operations queued or in flight (cancellations included). */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Queues one operation: `op.prep(ring, tag)` writes its submission entry (no syscall), and
   * `op.complete` runs when its completion is harvested. Returns its tag.
   */
  start(op: Completer & { prep(ring: Ring, tag: number): void }): number {
    const ring = this.ring;
    const tag = this.#free.length > 0 ? this.#free.pop()! : this.#slots.length;
    op.prep(ring, tag); // throws before the tag is taken
    this.#slots[tag] = op;
    this.#inFlight++;
    this.#unsubmitted = true;
    this.#scheduleFlush();
    return tag;
  }

  /**
   * Queues a cancellation of the operation `tag` (if still in flight); it then completes with
   * -ECANCELED or its own result. Never throws (it runs inside completions): with the submission
   * queue full and the kernel refusing a flush (CQ overflow), the operation is left to end by
   * itself or by the ring's close.
   */
  cancel(tag: number): void {
    if (this.#slots[tag] === undefined || this.#ring === undefined || this.#ring.closed) return;
    try {
      this.start({ prep: (ring, cancelTag) => ring.prepCancel(tag, cancelTag), complete: ignore.complete, quiet: true });
    } catch {
      // see above
    }
  }

  /** Hands what is queued to the kernel now (one io_uring_enter, none if nothing is queued). */
  flush(): void {
    if (this.#flush !== undefined) clearImmediate(this.#flush);
    this.#flush = undefined;
    this.#submit();
  }

  /**
   * Submits what is queued, waits up to `timeoutSeconds` (0: not at all, null: no limit) for one
   * completion, and runs the callback of every completion ready. Returns how many there were
   * (quiet ones left out).
   */
  harvest(timeoutSeconds: number | null): number {
    if (this.#flush !== undefined) clearImmediate(this.#flush);
    this.#flush = undefined;
    const ring = this.ring;
    const handle = this.handle;
    const out = this.#out;
    let min = timeoutSeconds === 0 ? 0 : 1;
    let timeout = timeoutSeconds;
    if (min === 1 && timeout === null && ring.pending === 0) timeout = IDLE_WAIT_SECONDS;
    let ns = timeout === null ? -1 : timeout <= 0 ? 0 : Math.min(Math.ceil(timeout * NS), MAX_TIMEOUT_NS - 1);
    let total = 0;
    for (;;) {
      if (ring.closed) return total; // a callback closed the loop
      const count = this.#recycleCount;
      this.#recycleCount = 0;
      this.#unsubmitted = false;
      const n = native.uringWait!(handle, min, ns, out, this.#recycled, count);
      if (n < 0) throw systemError(n, 'io_uring_enter');
      this.batch = n;
      // close() replaces the slots: a callback that closes the loop leaves this batch's rest here.
      const slots = this.#slots;
      for (let i = 0; i < 3 * n; i += 3) {
        if (ring.closed) {
          slots[out[i] >>> 0]?.discard?.(out[i + 1]);
          continue;
        }
        const tag = out[i] >>> 0;
        const flags = out[i + 2] >>> 0;
        const op = slots[tag];
        if (op === undefined) {
          if ((flags & CQE_F_BUFFER) !== 0) this.recycle(flags >>> 16);
          continue;
        }
        if ((flags & CQE_F_MORE) === 0) {
          slots[tag] = undefined;
          this.#free.push(tag);
          this.#inFlight--;
        }
        if (op.quiet !== true) total++;
        op.complete(out[i + 1], flags);
      }
      this.batch = 0;
      if (3 * n < out.length) return total;
      min = 0;
      ns = 0;
    }
  }

  /** Flushes, then calls `onWake` once the ring fd is readable or `ms` (-1: never) passed. Returns how to stop waiting. */
  arm(ms: number, onWake: (err?: Error) => void): () => void {
    this.flush();
    const watch = (this.#watch ??= new KernelWatch(this.ring.fileno()));
    watch.keepAlive(this.#keepAlive);
    watch.start(ms, onWake);
    return () => watch.stop();
  }

  /** Whether a wait in progress keeps the process alive. */
  keepAlive(on: boolean): void {
    this.#keepAlive = on;
    this.#watch?.keepAlive(on);
    if (on) this.#flush?.ref();
    else this.#flush?.unref();
  }

  /**
   * Closes the ring: the kernel cancels and lets go of every operation (their completions are
   * dropped; those of a harvest this interrupts are discarded).
   */
  close(): void {
    if (this.#flush !== undefined) clearImmediate(this.#flush);
    this.#flush = undefined;
    this.#watch?.close();
    this.#watch = undefined;
    this.#ring?.close();
    this.#recycleCount = 0;
    this.#slots = [];
    this.#free.length = 0;
    this.#inFlight = 0;
  }

  // One flush per turn of Node's loop for operations queued outside a loop iteration (promise
  // continuations): the check phase of the same turn, before libuv polls again.
  #scheduleFlush(): void {
    if (this.#flush !== undefined) return;
    this.#flush = setImmediate(this.#flushNow);
    // An unreferenced loop (unref()) must not be kept alive by its own flushes: under steady
    // traffic there is one every turn.
    if (!this.#keepAlive) this.#flush.unref();
  }

  #flushNow = (): void => {
    this.#flush = undefined;
    try {
      this.#submit();
    } catch {
      // io_uring_enter refused (EBUSY under CQ pressure): the loop's next wait submits again.
    }
  };

  // One io_uring_enter for what is queued, giving back the buffers used meanwhile on the way.
  #submit(): void {
    if (this.#ring === undefined || this.#ring.closed || (!this.#unsubmitted && this.#recycleCount === 0)) return;
    this.#unsubmitted = false;
    const count = this.#recycleCount;
    this.#recycleCount = 0;
    const r = native.uringSubmit!(this.handle, this.#recycled, count);
    if (r < 0) throw systemError(r, 'io_uring_enter');
  }
}
