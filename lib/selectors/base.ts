// What every selector shares: keys, the fd → key map, validation, errors and the close policy.
// A backend only says how to add, change and remove one fd in the kernel, and how to wait.
import { abortError, alreadyRegistered, busy, closedError, invalidArgType, notRegistered, notSupported } from '../errors';
import { inspect, type InspectOptions } from 'node:util';
import { MAX_WAIT_MS } from '../limits';
import { MS, toWait } from '../timeout';
import { fileobjToFd, validateMask, type FileLike } from '../validate';
import type { Wakeup } from './async';

export type { FileLike };

/** Readiness for reading (Python's `selectors.EVENT_READ`). */
export const EVENT_READ = 1;
/** Readiness for writing (Python's `selectors.EVENT_WRITE`). */
export const EVENT_WRITE = 2;
const ALL_EVENTS = EVENT_READ | EVENT_WRITE;

// A selector collected unclosed after an async wait: its wakeup (a uv_poll on the kernel fd, or a
// waiter thread with its pipe) is closed, then its kernel object. The wakeup's native callback
// keeps the wakeup alive by itself, so nothing else would close it; and the held kernel object
// cannot be collected first, so libuv lets go of the fd number before the fd is closed (a new
// selector given that number would otherwise be refused by uv_poll_init, EEXIST).
const abandoned = new FinalizationRegistry<{ wakeup: Wakeup; kernel: { close(): unknown } | undefined }>(({ wakeup, kernel }) => {
  wakeup.close();
  kernel?.close();
});

/** For EventLoop: arms one wait off the JS thread; `onWake` runs when a `select(0)` may find something. */
export const armWait: unique symbol = Symbol('iomux.armWait');
/** @internal Creates what waiting off the thread needs (a waiter's pipe), for EventLoop.run(). */
export const prepareWait: unique symbol = Symbol('iomux.prepareWait');
/** For EventLoop: whether a wait in progress keeps the process alive (default true). */
export const keepAlive: unique symbol = Symbol('iomux.keepAlive');

/**
 * One registration: the object, its fd, the events watched and the user's data. Frozen.
 * `T` is the type of `data`, `F` the type of `fileobj` (e.g. `socket.Socket`).
 */
export class SelectorKey<T = unknown, F extends FileLike = FileLike> {
  /** The file object as registered (an fd, or an object with `fileno()`). */
  readonly fileobj: F;
  /** Its fd at registration. */
  readonly fd: number;
  /** The events watched: `EVENT_READ`, `EVENT_WRITE` or both. */
  readonly events: number;
  /** The data given to `register`/`modify`. */
  readonly data: T;

  /** A key; selectors make them (`register`, `modify`). */
  constructor(fileobj: F, fd: number, events: number, data: T) {
    this.fileobj = fileobj;
    this.fd = fd;
    this.events = events;
    this.data = data;
    Object.freeze(this);
  }

  /**
   * What `util.inspect` shows, as Python's repr:
   * `SelectorKey(fileobj=<socket fd=5, …>, fd=5, events=EVENT_READ, data='x')`.
   */
  [inspect.custom](_depth: number, options: InspectOptions): string {
    const events = [this.events & EVENT_READ ? 'EVENT_READ' : '', this.events & EVENT_WRITE ? 'EVENT_WRITE' : ''].filter(Boolean).join('|');
    const show = (value: unknown): string => inspect(value, { ...options, depth: 1 });
    return `SelectorKey(fileobj=${show(this.fileobj)}, fd=${this.fd}, events=${events || this.events}, data=${show(this.data)})`;
  }
}

/**
 * Whether a key's file object provably no longer owns the key's fd: it has a `fileno()` that now
 * returns -1 (a closed iomux Socket) or another number. Such a key is stale: its fd was closed
 * (and maybe reused) without unregister. A key registered by fd number, or whose `fileno()`
 * throws, cannot be judged: never stale. @internal
 */
export function isStale(key: SelectorKey<unknown, FileLike>): boolean {
  const fileobj = key.fileobj as { fileno?: unknown };
  if (typeof fileobj !== 'object' || fileobj === null || typeof fileobj.fileno !== 'function') return false;
  let fd: unknown;
  try {
    fd = (fileobj.fileno as () => unknown)();
  } catch {
    return false;
  }
  return typeof fd === 'number' && fd !== key.fd;
}

/** One result of `select()`: the key and the events ready on it (always within `key.events`). */
export type SelectResult<T = unknown, F extends FileLike = FileLike> = [SelectorKey<T, F>, number];

/** The read-only live view `getMap()` returns: keyed by fd, and `get`/`has` also take file objects. */
export interface SelectorMap<T = unknown, F extends FileLike = FileLike> extends ReadonlyMap<number, SelectorKey<T, F>> {
  /** The key of an fd or file object; `undefined` for anything not registered (never throws). */
  get(fileobj: FileLike): SelectorKey<T, F> | undefined;
  /** Whether an fd or file object is registered (never throws). */
  has(fileobj: FileLike): boolean;
}

class MapView<T, F extends FileLike> implements SelectorMap<T, F> {
  readonly #lookup: (fileobj: unknown) => number | undefined;
  readonly #keys: Map<number, SelectorKey<T, F>>;

  constructor(lookup: (fileobj: unknown) => number | undefined, keys: Map<number, SelectorKey<T, F>>) {
    this.#lookup = lookup;
    this.#keys = keys;
  }

  get size(): number {
    return this.#keys.size;
  }

  get(fileobj: FileLike): SelectorKey<T, F> | undefined {
    const fd = this.#lookup(fileobj);
    return fd === undefined ? undefined : this.#keys.get(fd);
  }

  has(fileobj: FileLike): boolean {
    return this.get(fileobj) !== undefined;
  }

  forEach(cb: (key: SelectorKey<T, F>, fd: number, map: ReadonlyMap<number, SelectorKey<T, F>>) => void, thisArg?: unknown): void {
    for (const [fd, key] of this.#keys) cb.call(thisArg, key, fd, this);
  }

  keys(): MapIterator<number> {
    return this.#keys.keys();
  }

  values(): MapIterator<SelectorKey<T, F>> {
    return this.#keys.values();
  }

  entries(): MapIterator<[number, SelectorKey<T, F>]> {
    return this.#keys.entries();
  }

  [Symbol.iterator](): MapIterator<[number, SelectorKey<T, F>]> {
    return this.#keys.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'SelectorMap';
  }
}

/**
 * The contract every selector keeps (Python's `selectors.BaseSelector`): register file objects
 * for `EVENT_READ` and/or `EVENT_WRITE` with optional data, then `select()` the ready ones.
 * A file object is an fd or anything with a `fileno()` method. After `close()` every method but
 * `close`, `closed` and `getMap` throws `ERR_CLOSED`.
 */
export abstract class BaseSelector<T = unknown, F extends FileLike = FileLike> implements Disposable {
  /** fd → key: the only registry (backends never keep their own copy of keys). */
  protected readonly keys = new Map<number, SelectorKey<T, F>>();
  readonly #view: MapView<T, F>;
  #closed = false;
  #wakeup: Wakeup | undefined;
  #keepAlive = true;
  // The wait in flight (selectAsync or EventLoop): how close() ends it.
  #pending: (() => void) | undefined;

  protected constructor() {
    const ctor = new.target as unknown as { available?: boolean; name: string };
    if (ctor.available === false) throw notSupported(ctor.name);
    const lookup = (fileobj: unknown): number | undefined => {
      try {
        return this.fdOf(fileobj);
      } catch {
        return undefined;
      }
    };
    this.#view = new MapView(lookup, this.keys);
  }

  /**
   * Registers a file object.
   * @param fileobj - an fd, or an object with a `fileno()` method
   * @param events - `EVENT_READ`, `EVENT_WRITE` or both
   * @param data - anything, kept on the key (default `undefined`)
   * @returns the new, frozen key
   * @throws `ERR_INVALID_ARG_VALUE` for bad events (checked first), `ERR_INVALID_ARG_TYPE` /
   *   `ERR_INVALID_FD` for a bad file object, `ERR_ALREADY_REGISTERED` if its fd is registered
   *   (unless the registered object is provably closed: see below), the OS error (e.g. `EBADF`,
   *   `EPERM`) if the kernel refuses it — no key is then left —, `ERR_CLOSED` after `close()`.
   *
   * A registered object closed without `unregister` whose fd number a new file now has: if the
   * old key's object provably no longer owns the fd (its `fileno()` returns -1, as a closed
   * Socket's does, or another number), that stale key is dropped first (its kernel registration
   * removed, errors ignored) and the new registration is made. A key registered by fd number
   * cannot be judged, so that fd stays `ERR_ALREADY_REGISTERED`.
   */
  register(fileobj: F, events: number, data?: T): SelectorKey<T, F> {
    this.checkOpen();
    validateMask(events, 'events', ALL_EVENTS, false);
    const fd = this.fdOf(fileobj);
    this.checkOpen(); // a fileno() may have closed the selector
    const old = this.keys.get(fd);
    if (old !== undefined) {
      if (old.fileobj === fileobj || !isStale(old)) throw alreadyRegistered(fd, typeof old.fileobj === 'number');
      this.keys.delete(fd);
      this.backendRemove(fd, old.events); // the old file's registration, if the kernel still has it
    }
    this.backendAdd(fd, events);
    const key = new SelectorKey(fileobj, fd, events, data as T);
    this.keys.set(fd, key);
    this.#wakeup?.changed();
    return key;
  }

  /**
   * Unregisters a file object. Never throws an OS error: the fd may have been closed or reused
   * since; a closed object whose `fileno()` is -1 is found by identity among the keys.
   * @param fileobj - as given to `register`, or its fd
   * @returns the removed key
   * @throws `ERR_NOT_REGISTERED` if unknown, `ERR_INVALID_FD` / `ERR_INVALID_ARG_TYPE` for a bad file
   *   object that is not registered, `ERR_CLOSED` after `close()`.
   */
  unregister(fileobj: FileLike): SelectorKey<T, F> {
    this.checkOpen();
    const fd = this.fdOf(fileobj);
    const key = this.keys.get(fd);
    if (key === undefined) throw notRegistered(fileobj, fd);
    this.keys.delete(fd);
    this.backendRemove(fd, key.events);
    this.#wakeup?.changed(true);
    return key;
  }

  /**
   * Changes the events and/or data of a registration. Same events and data (`Object.is`) → the
   * same key; only data changed → a new key, no syscall; events changed → one backend call, and
   * if that fails the registration is removed and the error rethrown (bpo-30014).
   * @param fileobj - a registered file object or fd
   * @param events - the new events (validated before anything changes)
   * @param data - the new data (default `undefined`, which replaces the old data)
   * @returns the key now registered (the original `fileobj` is kept)
   * @throws `ERR_INVALID_ARG_VALUE` for bad events, `ERR_NOT_REGISTERED` if unknown, the OS error
   *   of a failing backend call, `ERR_CLOSED` after `close()`.
   */
  modify(fileobj: FileLike, events: number, data?: T): SelectorKey<T, F> {
    this.checkOpen();
    validateMask(events, 'events', ALL_EVENTS, false);
    const fd = this.fdOf(fileobj);
    const key = this.keys.get(fd);
    if (key === undefined) throw notRegistered(fileobj, fd);
    if (events !== key.events) {
      try {
        this.backendModify(fd, key.events, events);
      } catch (err) {
        this.keys.delete(fd);
        this.backendRemove(fd, key.events);
        throw err;
      } finally {
        this.#wakeup?.changed();
      }
    } else if (Object.is(data, key.data)) {
      return key;
    }
    const updated = new SelectorKey(key.fileobj, fd, events, data as T);
    this.keys.set(fd, updated);
    return updated;
  }

  /**
   * Waits at most `timeoutSeconds` seconds until at least one registered file object is ready.
   * Blocks the calling thread. A signal does not end the wait early (EINTR is retried).
   * @param timeoutSeconds - seconds, as in Python (not milliseconds); `null`, `undefined` or
   *   `Infinity` wait forever; `<= 0` polls without waiting; positive values are rounded up to the
   *   backend's granularity
   * @returns one `[key, events]` per ready fd, `events` within `key.events`; an error or
   *   hang-up reports every registered direction
   * @throws `ERR_INVALID_ARG_VALUE` for NaN, `ERR_OUT_OF_RANGE` for a timeout too large for the
   *   backend, `ERR_INVALID_ARG_TYPE` for a non-number, `ERR_CLOSED` after `close()`.
   */
  select(timeoutSeconds?: number | null): Array<SelectResult<T, F>> {
    this.checkOpen();
    if (this.#pending) throw busy(this.constructor.name);
    return this.wait(timeoutSeconds);
  }

  /**
   * `select()` without blocking the thread, waiting at most `timeoutSeconds` seconds: the same
   * results, delivered when ready. epoll and
   * kqueue watch their kernel fd on Node's loop; poll and select wait on a thread of their own,
   * woken by `register`, `modify` and `unregister` so that changes take effect at once.
   * While pending it keeps the process alive.
   * @param timeoutSeconds - seconds, as for `select()`; positive values are rounded up to milliseconds
   * @param options - `signal`: an AbortSignal that ends the wait
   * @returns a promise of one `[key, events]` per ready fd; `[]` on timeout, or when `close()` ends the wait
   * @throws (rejects with) an `AbortError` on abort, `ERR_BUSY` while another wait is pending, and
   *   what `select()` throws.
   */
  selectAsync(timeoutSeconds?: number | null, options?: { signal?: AbortSignal }): Promise<Array<SelectResult<T, F>>> {
    return new Promise((resolve, reject) => {
      this.checkOpen();
      if (this.#pending) throw busy(this.constructor.name);
      const ms = toWait(timeoutSeconds, MS, MAX_WAIT_MS, 'zero', 'timeoutSeconds');
      const signal = options?.signal;
      if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalidArgType('options.signal', 'an AbortSignal', signal);
      if (signal?.aborted) throw abortError(signal.reason);
      const first = this.wait(0);
      if (first.length > 0 || ms === 0) return resolve(first);

      const deadline = ms < 0 ? Infinity : performance.now() + ms;
      const settle = (err: unknown, results?: Array<SelectResult<T, F>>): void => {
        signal?.removeEventListener('abort', onAbort);
        this.#pending = undefined;
        if (err) reject(err);
        else resolve(results!);
      };
      const onAbort = (): void => {
        this.#wakeup!.stop();
        settle(abortError(signal!.reason));
      };
      const onWake = (err?: Error): void => {
        if (err) return settle(err);
        let results: Array<SelectResult<T, F>>;
        try {
          results = this.wait(0);
        } catch (e) {
          return settle(e);
        }
        const left = deadline - performance.now();
        if (results.length > 0 || left <= 0) return settle(undefined, results);
        this.#arm(left === Infinity ? -1 : Math.ceil(left), onWake);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending = () => settle(undefined, []);
      try {
        this.#arm(ms, onWake);
      } catch (err) {
        settle(err);
      }
    });
  }

  #arm(ms: number, onWake: (err?: Error) => void): void {
    this[prepareWait]();
    this.#wakeup!.start(ms, onWake);
  }

  /**
   * Creates the wakeup (a waiter thread's pipe for poll and select) if there is none yet, so that
   * a loop can make it while fds are still to be had: a server that first waits once it has run
   * out of fds could not make it then.
   * @internal
   */
  [prepareWait](): void {
    this.checkOpen();
    if (this.#wakeup !== undefined) return;
    this.#wakeup = this.createWakeup();
    abandoned.register(this, { wakeup: this.#wakeup, kernel: this.kernelObject() }, this);
    if (!this.#keepAlive) this.#wakeup.keepAlive(false);
  }

  /**
   * Arms one wait of up to `ms` milliseconds (-1: no limit) off the JS thread, for EventLoop;
   * `onWake` runs once a `select(0)` may find something. Returns how to cancel it.
   * @internal
   */
  [armWait](ms: number, onWake: (err?: Error) => void): () => void {
    this.checkOpen();
    if (this.#pending) throw busy(this.constructor.name);
    const cancel = (): void => {
      this.#pending = undefined;
      this.#wakeup?.stop();
    };
    this.#pending = cancel;
    this.#arm(ms, (err) => {
      this.#pending = undefined;
      onWake(err);
    });
    return cancel;
  }

  /**
   * Whether a wait in progress keeps the process alive (EventLoop's ref/unref).
   * @internal
   */
  [keepAlive](on: boolean): void {
    this.#keepAlive = on;
    this.#wakeup?.keepAlive(on);
  }

  /**
   * The key of a registered file object or fd.
   * @throws `ERR_NOT_REGISTERED` if unknown, `ERR_CLOSED` after `close()`.
   */
  getKey(fileobj: FileLike): SelectorKey<T, F> {
    this.checkOpen();
    const fd = this.fdOf(fileobj);
    const key = this.keys.get(fd);
    if (key === undefined) throw notRegistered(fileobj, fd);
    return key;
  }

  /** A read-only live view of the registrations keyed by fd (empty after `close()`). */
  getMap(): SelectorMap<T, F> {
    return this.#view;
  }

  /** Closes the selector and its kernel object, dropping every key. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.keys.clear();
    this.#wakeup?.stop();
    this.#pending?.();
    this.#wakeup?.close();
    abandoned.unregister(this);
    this.backendClose();
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** `close()`, for `using sel = new DefaultSelector()`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** What `util.inspect` shows: `<EpollSelector fd=6, keys=2>`, `<PollSelector keys=0>`, `<EpollSelector [closed]>`. */
  [inspect.custom](): string {
    const name = this.constructor.name;
    if (this.#closed) return `<${name} [closed]>`;
    const fd = this.inspectedFd();
    return `<${name} ${fd === undefined ? '' : `fd=${fd}, `}keys=${this.keys.size}>`;
  }

  /** The kernel object's fd that `util.inspect` shows (`fileno()` where there is one). */
  protected inspectedFd(): number | undefined {
    const fileno = (this as { fileno?: () => number }).fileno;
    return typeof fileno === 'function' ? fileno.call(this) : undefined;
  }

  /** Throws `ERR_CLOSED` once closed. */
  protected checkOpen(): void {
    if (this.#closed) throw closedError(this.constructor.name);
  }

  /**
   * The fd of a file object, as CPython's `_fileobj_lookup`: an object whose `fileno()` fails
   * (a closed socket returns -1) is searched by identity among the keys before the error is rethrown.
   */
  protected fdOf(fileobj: unknown): number {
    try {
      return fileobjToFd(fileobj);
    } catch (err) {
      if (typeof fileobj === 'object' || typeof fileobj === 'function') {
        for (const key of this.keys.values()) if (key.fileobj === fileobj) return key.fd;
      }
      throw err;
    }
  }

  /** Adds an fd to the kernel object; throws the OS error if refused (nothing is then added). */
  protected abstract backendAdd(fd: number, events: number): void;
  /** Changes a registered fd's events; throws the OS error on failure. */
  protected abstract backendModify(fd: number, oldEvents: number, events: number): void;
  /** Removes an fd; never throws (the fd may be closed or reused). */
  protected abstract backendRemove(fd: number, events: number): void;
  /** Waits (the selector is open) and maps ready fds to keys. */
  protected abstract wait(timeout: number | null | undefined): Array<SelectResult<T, F>>;
  /** Releases the kernel object; called once. */
  protected abstract backendClose(): void;
  /** How this backend waits off the JS thread (made on the first async wait); it must not reference the selector. */
  protected abstract createWakeup(): Wakeup;
  /** What backendClose releases, closed after the wakeup if the selector is collected unclosed (none: nothing). */
  protected kernelObject(): { close(): unknown } | undefined {
    return undefined;
  }
}
