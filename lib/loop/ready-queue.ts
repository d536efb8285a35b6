// The loop's ready queue (asyncio's `_ready` deque): append at the tail, take from the head.
import type { Handle } from './handle';

/** A FIFO of handles with O(1) push and shift. */
export class ReadyQueue {
  #items: Array<Handle | undefined> = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(handle: Handle): void {
    this.#items.push(handle);
  }

  shift(): Handle | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const handle = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    // Compact once the consumed part dominates, so the array does not grow forever.
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return handle;
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}
