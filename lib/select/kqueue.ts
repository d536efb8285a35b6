// select.kqueue() and select.kevent: present where the addon was built with kqueue (macOS, BSD,
// Linux with a system libkqueue); elsewhere both throw ERR_NOT_SUPPORTED.
import { invalidArgType, notSupported } from '../errors';
import { KEVENT_FIELDS as FIELDS, KQUEUE_AVAILABLE, KqueueFd } from '../kernel/kqueue';
import { MAX_TIMEOUT_NS, UINT32_MAX } from '../limits';
import { C } from '../native';
import { NS, toWait } from '../timeout';
import { fileobjToFd, validateFd, validateInt, type FileLike } from '../validate';
import { KernelObject } from './kernel-object';

const SAFE = Number.MAX_SAFE_INTEGER;
const WHAT = 'kqueue object';

/** Python's `select.kevent`: one change or one event of a kqueue. */
export class KEvent {
  /** The fd (or pid, signal, timer id) the filter watches. */
  ident: number;
  /** `KQ_FILTER_*`. */
  filter: number;
  /** `KQ_EV_*`. */
  flags: number;
  /** Filter-specific flags (`KQ_NOTE_*`). */
  fflags: number;
  /** Filter-specific data (bytes readable, exit status, ...). */
  data: number;
  /** An opaque integer passed back with the event. */
  udata: number;

  /**
   * Python's `select.kevent(ident, filter=KQ_FILTER_READ, flags=KQ_EV_ADD, fflags=0, data=0, udata=0)`.
   * `ident` is a non-negative integer or an object with `fileno()`.
   */
  constructor(ident: FileLike, filter?: number, flags?: number, fflags = 0, data = 0, udata = 0) {
    if (!KQUEUE_AVAILABLE) throw notSupported('kqueue');
    this.ident = typeof ident === 'number' ? validateInt(ident, 'ident', 0, SAFE) : fileobjToFd(ident, 'ident');
    this.filter = validateInt(filter === undefined ? C.KQ_FILTER_READ : filter, 'filter', -(2 ** 15), 2 ** 15 - 1);
    this.flags = validateInt(flags === undefined ? C.KQ_EV_ADD : flags, 'flags', 0, 2 ** 16 - 1);
    this.fflags = validateInt(fflags, 'fflags', 0, UINT32_MAX);
    this.data = validateInt(data, 'data', -SAFE, SAFE);
    this.udata = validateInt(udata, 'udata', -SAFE, SAFE);
  }
}

/** Python's `select.kevent(...)`: a new {@link KEvent}. */
export function kevent(ident: FileLike, filter?: number, flags?: number, fflags = 0, data = 0, udata = 0): KEvent {
  return new KEvent(ident, filter, flags, fflags, data, udata);
}

/** Python's `select.kqueue` object: owns one close-on-exec kqueue fd. */
export class Kqueue extends KernelObject<KqueueFd> {
  #changes = new Float64Array(0);
  #out = new Float64Array(0);

  /** A new kqueue; `ERR_NOT_SUPPORTED` where kqueue was not built. */
  constructor();
  // Internally (fromfd), as CPython's newKqueue_Object(type, fd): the fd comes adopted.
  constructor(adopted?: unknown) {
    super(adopted instanceof KqueueFd ? adopted : KqueueFd.create(WHAT));
  }

  /** Adopts an existing kqueue fd (Python's `kqueue.fromfd`): closing this object closes it. */
  static fromfd(fd: number): Kqueue {
    const adopt = Kqueue as unknown as new (adopted: KqueueFd) => Kqueue;
    return new adopt(KqueueFd.adopt(validateFd(fd), WHAT));
  }

  /**
   * Applies `changelist` (an iterable of {@link KEvent}, or null) and waits for up to `maxevents`
   * events, at most `timeoutSeconds` seconds (rounded up to ns); `null`/`undefined`/`Infinity` block, a
   * negative one is `ERR_OUT_OF_RANGE`. A failed change comes back as an event with `KQ_EV_ERROR`
   * and the errno in `data` when `maxevents` leaves room, as kevent(2) does.
   */
  control(changelist: Iterable<KEvent> | null | undefined, maxevents: number, timeoutSeconds?: number | null): KEvent[] {
    this.core.live();
    const changes: KEvent[] = [];
    for (const ch of changelist == null ? [] : iterable(changelist)) {
      if (!(ch instanceof KEvent)) throw invalidArgType('changelist', 'an iterable of kevent objects', ch);
      changes.push(ch);
    }
    const max = validateInt(maxevents, 'maxevents', 0);
    const ns = toWait(timeoutSeconds, NS, MAX_TIMEOUT_NS, 'error', 'timeoutSeconds');
    if (this.#changes.length < changes.length * FIELDS) this.#changes = new Float64Array(changes.length * FIELDS);
    if (this.#out.length < max * FIELDS) this.#out = new Float64Array(max * FIELDS);
    changes.forEach((ch, i) => this.#changes.set([ch.ident, ch.filter, ch.flags, ch.fflags, ch.data, ch.udata], i * FIELDS));
    const count = this.core.control(this.#changes, changes.length, this.#out, max, ns);
    const out = this.#out;
    const result: KEvent[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const o = i * FIELDS;
      const ev: KEvent = Object.create(KEvent.prototype);
      Object.assign(ev, { ident: out[o], filter: out[o + 1], flags: out[o + 2], fflags: out[o + 3], data: out[o + 4], udata: out[o + 5] });
      result[i] = ev;
    }
    return result;
  }
}

function iterable(value: unknown): Iterable<unknown> {
  if (typeof (value as { [Symbol.iterator]?: unknown })?.[Symbol.iterator] !== 'function' || typeof value === 'string') {
    throw invalidArgType('changelist', 'an iterable of kevent objects or null', value);
  }
  return value as Iterable<unknown>;
}

/** Python's `select.kqueue()`: a new {@link Kqueue}; `ERR_NOT_SUPPORTED` where not built. */
export function kqueue(): Kqueue {
  return new Kqueue();
}
/** Python's `select.kqueue.fromfd(fd)`. */
kqueue.fromfd = (fd: number): Kqueue => Kqueue.fromfd(fd);
