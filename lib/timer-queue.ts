// EventLoop's timers: asyncio's `_scheduled` heap, ordered by deadline only and kept with the
// same algorithm as Python's heapq, so that timers with equal deadlines run in the order CPython
// runs them (heapq is not stable: not always the order they were scheduled in). Cancelled
// timers are dropped from the head lazily, and the whole heap is compacted when they are the
// majority, as in asyncio's _run_once.
import { TimerHandle } from './loop/handle';

export { TimerHandle };

// asyncio's _MIN_SCHEDULED_TIMER_HANDLES and _MIN_CANCELLED_TIMER_HANDLES_FRACTION.
const MIN_SCHEDULED_FOR_COMPACTION = 100;
const MIN_CANCELLED_FRACTION = 0.5;

function less(a: TimerHandle, b: TimerHandle): boolean {
  return a.when() < b.when();
}

/** A min-heap of timer handles by `when()`, with asyncio's cancellation bookkeeping. */
export class TimerQueue {
  #heap: TimerHandle[] = [];
  #cancelledCount = 0;

  get size(): number {
    return this.#heap.length;
  }

  /** heapq.heappush. */
  push(timer: TimerHandle): void {
    timer._scheduled = true;
    this.#heap.push(timer);
    this.#siftDown(0, this.#heap.length - 1);
  }

  /** A scheduled timer was cancelled (it stays in the heap until dropped). */
  cancelled(): void {
    this.#cancelledCount++;
  }

  /** The first step of asyncio's _run_once: compact, or drop cancelled timers from the head. */
  dropCancelled(): void {
    const heap = this.#heap;
    if (heap.length > MIN_SCHEDULED_FOR_COMPACTION && this.#cancelledCount / heap.length > MIN_CANCELLED_FRACTION) {
      const live: TimerHandle[] = [];
      for (const timer of heap) {
        if (timer.cancelled()) timer._scheduled = false;
        else live.push(timer);
      }
      this.#heap = live;
      for (let i = (live.length >> 1) - 1; i >= 0; i--) this.#siftUp(i); // heapq.heapify
      this.#cancelledCount = 0;
      return;
    }
    while (heap.length > 0 && heap[0].cancelled()) {
      this.#cancelledCount--;
      this.#pop()._scheduled = false;
    }
  }

  /** The deadline of the head (cancelled or not: call dropCancelled first), or undefined. */
  next(): number | undefined {
    return this.#heap[0]?.when();
  }

  /** Pops every timer due before `endTime` (cancelled ones too, as asyncio), in heap order. */
  popDue(endTime: number, into: (timer: TimerHandle) => void): void {
    const heap = this.#heap;
    while (heap.length > 0 && heap[0].when() < endTime) {
      const timer = this.#pop();
      timer._scheduled = false;
      into(timer);
    }
  }

  clear(): void {
    for (const timer of this.#heap) timer._scheduled = false;
    this.#heap = [];
    this.#cancelledCount = 0;
  }

  // heapq.heappop.
  #pop(): TimerHandle {
    const heap = this.#heap;
    const last = heap.pop()!;
    if (heap.length === 0) return last;
    const top = heap[0];
    heap[0] = last;
    this.#siftUp(0);
    return top;
  }

  // heapq._siftdown: moves the item at pos up towards startPos.
  #siftDown(startPos: number, pos: number): void {
    const heap = this.#heap;
    const item = heap[pos];
    while (pos > startPos) {
      const parentPos = (pos - 1) >> 1;
      const parent = heap[parentPos];
      if (!less(item, parent)) break;
      heap[pos] = parent;
      pos = parentPos;
    }
    heap[pos] = item;
  }

  // heapq._siftup: moves the smaller child up until a leaf, then sifts the item down.
  #siftUp(pos: number): void {
    const heap = this.#heap;
    const endPos = heap.length;
    const startPos = pos;
    const item = heap[pos];
    let child = 2 * pos + 1;
    while (child < endPos) {
      const right = child + 1;
      if (right < endPos && !less(heap[child], heap[right])) child = right;
      heap[pos] = heap[child];
      pos = child;
      child = 2 * pos + 1;
    }
    heap[pos] = item;
    this.#siftDown(startPos, pos);
  }
}
