// The one wrapper of a kqueue (macOS, BSD; Linux with a system libkqueue): select.kqueue and
// KqueueSelector both hold one. No validation here; records are 6 float64s per kevent.
import { check, notSupported } from '../errors';
import { native } from '../native';
import { KernelFd } from './kernel-fd';

const { kqueueCreate, kevent } = native;

/** Whether this OS and build have kqueue. */
export const KQUEUE_AVAILABLE = typeof kqueueCreate === 'function';

/** Numbers per kevent record: [ident, filter, flags, fflags, data, udata] (see lib/native.ts). */
export const KEVENT_FIELDS = 6;

const NONE = new Float64Array(0);

/** An owned kqueue fd: kevent(2) with a change list, one change, or a wait. */
export class KqueueFd extends KernelFd {
  readonly #change = new Float64Array(KEVENT_FIELDS);

  private constructor(fd: number, what: string) {
    super(fd, what);
  }

  /** kqueue(), close-on-exec. `ERR_NOT_SUPPORTED` where kqueue was not built; the OS error if it fails. */
  static create(what: string): KqueueFd {
    if (!kqueueCreate) throw notSupported('kqueue');
    return new KqueueFd(check(kqueueCreate(), 'kqueue'), what);
  }

  /** Takes over an existing kqueue fd (a checked fd number): closing this closes it. */
  static adopt(fd: number, what: string): KqueueFd {
    if (!kqueueCreate) throw notSupported('kqueue');
    native.own(fd);
    return new KqueueFd(fd, what);
  }

  /** kevent(2) with `nchanges` records of `changes` and room for `max` in `out`: the count, or throws. */
  control(changes: Float64Array, nchanges: number, out: Float64Array, max: number, ns: number): number {
    return check(kevent!(this.fd, changes, nchanges, out, max, ns), 'kevent');
  }

  /** Applies one change (fflags, data, udata 0) without waiting: 0 or -errno, for the caller to throw or ignore. */
  change(ident: number, filter: number, flags: number): number {
    const c = this.#change;
    c[0] = ident;
    c[1] = filter;
    c[2] = flags;
    c[3] = c[4] = c[5] = 0;
    return kevent!(this.fd, c, 1, NONE, 0, 0);
  }

  /** Waits for up to `max` events into `out` (`ns` < 0 blocks): the count, or throws. */
  wait(out: Float64Array, max: number, ns: number): number {
    return check(kevent!(this.fd, NONE, 0, out, max, ns), 'kevent');
  }
}
