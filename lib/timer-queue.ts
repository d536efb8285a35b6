// EventLoop's timers: a binary min-heap on (when, order of scheduling), with lazy cancellation.

/** A scheduled callback; `cancel()` makes it never run. */
export interface TimerHandle {
  /** Stops the callback from running (no effect once it ran). */
  cancel(): void;
}

interface Timer extends TimerHandle {
  readonly when: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

function before(a: Timer, b: Timer): boolean {
  return a.when < b.when || (a.when === b.when && a.seq < b.seq);
}

export class TimerQueue {
  readonly #heap: Timer[] = [];
  #seq = 0;

  get size(): number {
    return this.#heap.length;
  }

  /** Schedules `callback` at `when` (ms on performance.now()'s clock). */
  add(when: number, callback: () => void): TimerHandle {
    const timer: Timer = {
      when,
      seq: this.#seq++,
      callback,
      cancelled: false,
      cancel() {
        timer.cancelled = true;
      },
    };
    const heap = this.#heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
    return timer;
  }

  /** When the earliest live timer is due, or undefined when none is left. */
  next(): number | undefined {
    this.#dropCancelled();
    return this.#heap[0]?.when;
  }

  /** Removes and returns the callbacks of live timers due at `now`, in order. */
  takeDue(now: number): Array<() => void> {
    const due: Array<() => void> = [];
    for (;;) {
      this.#dropCancelled();
      const top = this.#heap[0];
      if (top === undefined || top.when > now) return due;
      this.#pop();
      due.push(top.callback);
    }
  }

  clear(): void {
    this.#heap.length = 0;
  }

  #dropCancelled(): void {
    while (this.#heap.length > 0 && this.#heap[0].cancelled) this.#pop();
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < heap.length && before(heap[l], heap[min])) min = l;
      if (r < heap.length && before(heap[r], heap[min])) min = r;
      if (min === i) return;
      [heap[i], heap[min]] = [heap[min], heap[i]];
      i = min;
    }
  }
}
