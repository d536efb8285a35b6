// select.select's select(2) argument list (SelectSelector keeps bitmaps instead: select-bits.ts).
// No validation here: callers keep every fd below FD_SETSIZE (native.select refuses the call otherwise).
import { check } from '../errors';
import { native } from '../native';

/** Fds to watch as `[readers…, writers…, exceptional…]` in one Int32Array, and their ready flags. */
export class SelectFds {
  /** The fds, readers first, then writers, then exceptional conditions. */
  fds = new Int32Array(0);
  /** After a wait: 1 for each ready entry of `fds`, 0 for the others. */
  ready = new Int32Array(0);
  /** Entries watched for reading. */
  nr = 0;
  /** Entries watched for writing. */
  nw = 0;
  /** Entries watched for exceptional conditions. */
  nx = 0;

  /** Makes room for `n` entries, reallocating only to grow or when far too large. */
  reserve(n: number): void {
    if (this.fds.length < n || this.fds.length > 4 * n + 64) {
      this.fds = new Int32Array(n);
      this.ready = new Int32Array(n);
    }
  }

  /** select(2) over the lists, `us` < 0 blocking: the count of ready fds, or throws. */
  wait(us: number): number {
    return check(native.select(this.fds, this.nr, this.nw, this.nx, this.ready, us), 'select');
  }
}
