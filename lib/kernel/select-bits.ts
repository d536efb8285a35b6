// SelectSelector's select(2) argument: two fd bitmaps (reading, writing) changed in place, O(1)
// per register/modify/unregister, so a wait hands them to the kernel as they are and gets back
// only the ready fds. No validation here: callers keep every fd in [0, FD_SETSIZE).
import { check } from '../errors';
import { C, native, type WaiterHandle } from '../native';

// Words per bitmap: fd d is bit d % 32 of word d / 32 (native/wait.h, kFdWords).
const WORDS = C.FD_SETSIZE / 32;

/** The fds a select(2) wait watches, as a read and a write bitmap in one Int32Array. */
export class SelectBits {
  // [read words…, write words…]
  readonly #bits = new Int32Array(2 * WORDS);
  /** [fd, ready] pairs written by the last {@link SelectBits.wait}: ready is 1 (read), 2 (write) or 3. */
  readonly out = new Int32Array(2 * C.FD_SETSIZE);

  /** Watches `fd` for reading if `read`, for writing if `write` (either may be off). */
  set(fd: number, read: boolean, write: boolean): void {
    const word = fd >>> 5;
    const bit = 1 << (fd & 31);
    const bits = this.#bits;
    bits[word] = read ? bits[word] | bit : bits[word] & ~bit;
    bits[WORDS + word] = write ? bits[WORDS + word] | bit : bits[WORDS + word] & ~bit;
  }

  /** Empties both bitmaps. */
  clear(): void {
    this.#bits.fill(0);
  }

  /** select(2) over the bitmaps, `us` < 0 blocking: the pairs written to `out`, or throws. */
  wait(us: number): number {
    return check(native.selectBits(this.#bits, this.out, us), 'select');
  }

  /** Starts a wait over a copy of the bitmaps on a waiter thread (see native.waiterSelect). */
  waitOnThread(handle: WaiterHandle, us: number): number {
    return native.waiterSelect(handle, this.#bits, us);
  }
}
