// The ring side of ProactorEventLoop: one io_uring per loop, created at first use; operations
// queued under tags with a completion callback each; submissions flushed once per turn of
// Node's loop (a setImmediate) unless a wait flushes them first; completions harvested in one
// crossing per wakeup into a preallocated Int32Array of [tag, res, flags] triples. The ring fd
// is watched on Node's loop like an epoll fd (lib/selectors/async.ts's KernelWatch).
import { KernelWatch } from '../selectors/async';
import { Ring } from '../uring/ring';

/** What an operation's completion is handed to: its result (a count, an fd, 0 or -errno) and CQE flags. */
export interface Completer {
  complete(res: number, flags: number): void;
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
const ignore: Completer = { complete() {} };

/** One loop's ring, its operations in flight and the watch of its fd. */
export class RingDriver {
  #ring: Ring | undefined;
  #watch: KernelWatch | undefined;
  readonly #out = new Int32Array(3 * HARVEST);
  // The operations in flight by tag. Tags are small integers reused from a free list (an array
  // indexes faster than a Map); a tag is free again once its completion was harvested.
  readonly #slots: Array<Completer | undefined> = [];
  readonly #free: number[] = [];
  #inFlight = 0;
  #flush: NodeJS.Immediate | undefined;
  #keepAlive = true;

  /** The ring, created at first use. */
  get ring(): Ring {
    return (this.#ring ??= new Ring(SQ_ENTRIES, { cqEntries: CQ_ENTRIES }));
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
    this.#scheduleFlush();
    return tag;
  }

  /** Queues a cancellation of the operation `tag` (if still in flight); it then completes with -ECANCELED or its own result. */
  cancel(tag: number): void {
    if (this.#slots[tag] === undefined || this.#ring === undefined) return;
    this.start({ prep: (ring, cancelTag) => ring.prepCancel(tag, cancelTag), complete: ignore.complete });
  }

  /** Hands what is queued to the kernel now (one io_uring_enter, none if nothing is queued). */
  flush(): void {
    if (this.#flush !== undefined) clearImmediate(this.#flush);
    this.#flush = undefined;
    if (this.#ring !== undefined && !this.#ring.closed) this.#ring.submit();
  }

  /**
   * Submits what is queued, waits up to `timeoutSeconds` (0: not at all, null: no limit) for one
   * completion, and runs the callback of every completion ready. Returns how many there were.
   */
  harvest(timeoutSeconds: number | null): number {
    if (this.#flush !== undefined) clearImmediate(this.#flush);
    this.#flush = undefined;
    const ring = this.ring;
    const out = this.#out;
    let min = timeoutSeconds === 0 ? 0 : 1;
    let timeout = timeoutSeconds;
    if (min === 1 && timeout === null && ring.pending === 0) timeout = IDLE_WAIT_SECONDS;
    let total = 0;
    for (;;) {
      const n = ring.waitInto(out, min, timeout);
      for (let i = 0; i < 3 * n; i += 3) {
        const tag = out[i] >>> 0;
        const op = this.#slots[tag];
        if (op === undefined) continue;
        this.#slots[tag] = undefined;
        this.#free.push(tag);
        this.#inFlight--;
        op.complete(out[i + 1], out[i + 2] >>> 0);
      }
      total += n;
      if (3 * n < out.length) return total;
      min = 0;
      timeout = 0;
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
  }

  /** Closes the ring: the kernel cancels and lets go of every operation (their completions are dropped). */
  close(): void {
    if (this.#flush !== undefined) clearImmediate(this.#flush);
    this.#flush = undefined;
    this.#watch?.close();
    this.#watch = undefined;
    this.#ring?.close();
    this.#slots.length = 0;
    this.#free.length = 0;
    this.#inFlight = 0;
  }

  // One flush per turn of Node's loop for operations queued outside a loop iteration (promise
  // continuations): the check phase of the same turn, before libuv polls again.
  #scheduleFlush(): void {
    if (this.#flush === undefined) this.#flush = setImmediate(this.#flushNow);
  }

  #flushNow = (): void => {
    this.#flush = undefined;
    try {
      if (this.#ring !== undefined && !this.#ring.closed) this.#ring.submit();
    } catch {
      // io_uring_enter refused (EBUSY under CQ pressure): the loop's next wait submits again.
    }
  };
}
