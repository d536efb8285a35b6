// Ring: the completion model (prepare, submit, wait for completions) over one io_uring instance.
// Validation and errors here; the ring, its op table and buffer custody in native/uring.cc.
import { constants as osConstants } from 'node:os';
import { check, closedError, invalidArgType, invalidArgValue, outOfRange, systemError, uringUnavailable } from '../errors';
import { MAX_TIMEOUT_NS as MAX_NS, UINT32_MAX } from '../limits';
import { native, type UringHandle } from '../native';
import { POLL_MASK } from '../select/masks';
import { familyOf, toNumericNative, type Address } from '../socket/address';
import { AF_INET, AF_INET6 } from '../socket/constants';
import { Socket } from '../socket/socket';
import { NS, toWait } from '../timeout';
import { fileobjToFd, validateBytes, validateFlag, validateInt, validateMask, type FileLike } from '../validate';
import { UNAVAILABLE } from './availability';

const MAX_ENTRIES = 32768; // IORING_MAX_ENTRIES
const MAX_CQ_ENTRIES = 65536; // IORING_MAX_CQ_ENTRIES
const TAG_MAX = UINT32_MAX;
const EEXIST = -osConstants.errno.EEXIST;
// Op kinds of native uringPrepBuffer.
const RECV = 0;
const SEND = 1;
const READ = 2;
const WRITE = 3;

/** One completion: the tag given at prep time, the kernel's result (a count, an fd, 0, or a negative errno) and the CQE flags. */
export type Completion = [tag: number, res: number, flags: number];

/** Options of {@link Ring}. */
export interface RingOptions {
  /** Completion queue size (the kernel rounds it up to a power of two); at least `entries`, at most 65536. Default: twice the submission queue. */
  cqEntries?: number;
  /**
   * Ask for `IORING_SETUP_DEFER_TASKRUN` (Linux 6.1): completions are posted only while this
   * thread is in {@link Ring.wait} or {@link Ring.submit}, with less kernel overhead, but then
   * nothing wakes a watcher of {@link Ring.fileno} — for rings only ever waited on with
   * `wait`/`waitInto`. Default false.
   */
  deferTaskrun?: boolean;
}

/** CQE flags: the result names a provided buffer (its id in the high 16 bits); more completions follow for this tag. @internal */
export const CQE_F_BUFFER = 1;
/** @internal */
export const CQE_F_MORE = 2;

// Ring's native handle, for the event loop's hot path (lib/loop/proactor-ring.ts), which calls
// the native functions with arguments it made itself, unvalidated (DESIGN.md).
let handleOf: (ring: Ring) => UringHandle;

/** The native handle of `ring` (not public API). @internal */
export function ringHandle(ring: Ring): UringHandle {
  return handleOf(ring);
}

function validateTag(tag: unknown, name = 'tag'): number {
  return validateInt(tag, name, 0, TAG_MAX);
}

function validateSeconds(seconds: unknown, name: string): number {
  if (typeof seconds !== 'number') throw invalidArgType(name, 'of type number', seconds);
  if (Number.isNaN(seconds)) throw invalidArgValue(name, seconds, 'must not be NaN');
  if (seconds < 0 || seconds * NS >= MAX_NS) throw outOfRange(name, `>= 0 and < ${MAX_NS / NS}`, seconds);
  return seconds;
}

function validateCapacity(view: unknown, name: string): ArrayBufferView {
  const buf = validateBytes(view, name);
  if (buf.byteLength > TAG_MAX) throw outOfRange(`${name}.byteLength`, `at most ${TAG_MAX}`, buf.byteLength);
  return buf;
}

/**
 * An io_uring instance (Linux ≥ 5.11): the asynchronous, completion-based I/O model. Each `prep*`
 * call queues one operation under a caller-chosen `tag` (an integer in [0, 2^32)) without a
 * syscall; {@link Ring.submit} hands the queue to the kernel in one `io_uring_enter`, and
 * {@link Ring.wait} returns `[tag, res, flags]` completions, `res` being what the syscall would
 * return or a negative errno (`-ECANCELED`, `-ETIME`, ...) as the kernel reports it.
 *
 * Buffers: a receive or read buffer is held until its completion is harvested, and filled then;
 * a send or write copies its bytes at prep time (the buffer may be reused at once).
 * Security: a ring runs requests with the credentials of the thread that created it, even after
 * a later `setuid()` (Node's CVE-2024-22017): create rings after dropping privileges.
 * One ring belongs to the thread that made it. Where io_uring is missing or forbidden
 * (kernel.io_uring_disabled, a container's seccomp profile, `IOMUX_URING=0`), {@link Ring.available}
 * is false and the constructor throws `ERR_NOT_SUPPORTED` with {@link Ring.unavailableReason}.
 */
export class Ring implements Disposable {
  /** Whether io_uring is usable in this process (probed once). */
  static readonly available: boolean = UNAVAILABLE === null;
  /** Why io_uring is unusable here (`null` when it is usable). */
  static readonly unavailableReason: string | null = UNAVAILABLE;

  static {
    handleOf = (ring) => ring.#handle;
  }

  readonly #handle: UringHandle;
  readonly #fd: number;
  readonly #cqEntries: number;
  #closed = false;
  #out = new Int32Array(3 * 64);

  /**
   * A new ring.
   * @param entries - submission queue size, 1 to 32768 (rounded up to a power of two)
   * @param options - `cqEntries`: completion queue size
   * @throws `ERR_NOT_SUPPORTED` where io_uring is unavailable (the reason in the message),
   *   `ERR_OUT_OF_RANGE` / `ERR_INVALID_ARG_TYPE` for bad sizes, a SystemError (`ENOMEM`, `EMFILE`) from the kernel.
   */
  constructor(entries = 256, options?: RingOptions) {
    if (UNAVAILABLE !== null) throw uringUnavailable(UNAVAILABLE);
    const sq = validateInt(entries, 'entries', 1, MAX_ENTRIES);
    if (options !== undefined && (typeof options !== 'object' || options === null)) throw invalidArgType('options', 'an object', options);
    const cqOption = options?.cqEntries;
    const cq = cqOption === undefined ? 0 : validateInt(cqOption, 'options.cqEntries', sq, MAX_CQ_ENTRIES);
    const deferOption = options?.deferTaskrun;
    const defer = deferOption === undefined ? false : validateFlag(deferOption, 'options.deferTaskrun');
    const handle = native.uringSetup!(sq, cq, defer);
    if (typeof handle === 'number') throw systemError(handle, 'io_uring_setup');
    this.#handle = handle;
    this.#fd = native.uringFd!(handle);
    this.#cqEntries = cq === 0 ? 2 * 2 ** Math.ceil(Math.log2(sq)) : 2 ** Math.ceil(Math.log2(cq));
  }

  /** Queues a `recv` into all of `buf`; `res` is the byte count (0: the peer closed). */
  prepRecv(fd: FileLike, buf: ArrayBufferView, tag: number): void {
    this.#buffer(RECV, fd, buf, 'buf', 0, tag, 'io_uring_prep_recv');
  }

  /** Queues a `send` of all of `data` (copied now; MSG_NOSIGNAL: a closed peer is `-EPIPE`); `res` is the byte count sent. */
  prepSend(fd: FileLike, data: ArrayBufferView, tag: number): void {
    this.#buffer(SEND, fd, data, 'data', 0, tag, 'io_uring_prep_send');
  }

  /** Queues an `accept4(SOCK_CLOEXEC)`; `res` is the new connection's fd (owned by the caller), whose peer `getpeername` gives. */
  prepAccept(fd: FileLike, tag: number): void {
    const n = this.#fdArg(fd);
    const t = validateTag(tag);
    this.#check(native.uringPrepAccept!(this.#handle, n, t), t, 'io_uring_prep_accept');
  }

  /** Queues a `connect` to a numeric address shaped as `socket.connect` takes it; `res` is 0 or a negative errno. */
  prepConnect(fd: FileLike, address: Address, tag: number): void {
    const n = this.#fdArg(fd);
    // An IP Socket's own family (an AF_INET6 socket connects to '' or 'localhost' over IPv6, as
    // its connect() does); otherwise the address's shape says.
    const family = fd instanceof Socket && Array.isArray(address) && (fd.family === AF_INET || fd.family === AF_INET6) ? fd.family : familyOf(address);
    const parts = toNumericNative(family, address);
    const t = validateTag(tag);
    this.#check(native.uringPrepConnect!(this.#handle, n, family, ...parts, t), t, 'io_uring_prep_connect');
  }

  /** Queues a `pread` into all of `buf` at `offset` (-1: the file's current position); `res` is the byte count (0: end of file). */
  prepRead(fd: FileLike, buf: ArrayBufferView, offset: number, tag: number): void {
    this.#buffer(READ, fd, buf, 'buf', offset, tag, 'io_uring_prep_read');
  }

  /** Queues a `pwrite` of all of `data` (copied now) at `offset` (-1: the current position); `res` is the byte count. */
  prepWrite(fd: FileLike, data: ArrayBufferView, offset: number, tag: number): void {
    this.#buffer(WRITE, fd, data, 'data', offset, tag, 'io_uring_prep_write');
  }

  /** Queues a one-shot poll for the `POLL*` bits of `mask`; `res` is the ready `POLL*` bits. */
  prepPollAdd(fd: FileLike, mask: number, tag: number): void {
    const n = this.#fdArg(fd);
    const m = validateMask(mask, 'mask', POLL_MASK);
    const t = validateTag(tag);
    this.#check(native.uringPrepPollAdd!(this.#handle, n, m, t), t, 'io_uring_prep_poll_add');
  }

  /**
   * Queues a cancellation of the operation tagged `targetTag`. That operation completes with
   * `-ECANCELED` (or with its result, if it finished first); this one with 0, `-ENOENT` (nothing
   * to cancel) or `-EALREADY` (too late to stop). The two completions may come in either order.
   */
  prepCancel(targetTag: number, tag: number): void {
    this.#open();
    const target = validateTag(targetTag, 'targetTag');
    const t = validateTag(tag);
    this.#check(native.uringPrepCancel!(this.#handle, target, t), t, 'io_uring_prep_cancel');
  }

  /** Queues a timer of `seconds`; it completes with `res` `-ETIME` when it expires (`-ECANCELED` if cancelled). */
  prepTimeout(seconds: number, tag: number): void {
    this.#open();
    const s = validateSeconds(seconds, 'seconds');
    const t = validateTag(tag);
    this.#check(native.uringPrepTimeout!(this.#handle, Math.ceil(s * NS), t), t, 'io_uring_prep_timeout');
  }

  /**
   * Hands every queued operation to the kernel in one `io_uring_enter`.
   * @returns how many the kernel took
   * @throws a SystemError from `io_uring_enter`, `ERR_CLOSED` after `close()`.
   */
  submit(): number {
    this.#open();
    return check(native.uringSubmit!(this.#handle), 'io_uring_enter');
  }

  /**
   * Submits what is queued and waits for completions (blocking the thread, as `select()` does).
   * @param minComplete - wait until at least this many are ready, 0 to `cqEntries` (0: do not wait)
   * @param timeoutSeconds - seconds; `null`/`undefined`/`Infinity` wait without limit; `<= 0` does not wait
   * @returns every completion ready, oldest first (`[]` on timeout)
   * @throws `ERR_OUT_OF_RANGE` for a bad `minComplete` or one above the operations pending with
   *   no timeout (a wait that could never end), `ERR_INVALID_ARG_VALUE` for NaN, a SystemError, `ERR_CLOSED`.
   */
  wait(minComplete = 1, timeoutSeconds: number | null = null): Completion[] {
    let n = this.#wait(this.#out, minComplete, timeoutSeconds);
    const result: Completion[] = [];
    for (;;) {
      const out = this.#out;
      for (let i = 0; i < 3 * n; i += 3) result.push([out[i] >>> 0, out[i + 1], out[i + 2] >>> 0]);
      if (3 * n < out.length) return result;
      n = check(native.uringWait!(this.#handle, 0, 0, this.#out), 'io_uring_enter');
    }
  }

  /**
   * {@link Ring.wait} without building arrays, for event loops: completions go to `out` as
   * `[tag, res, flags]` triples (read the tag as `out[i] >>> 0`), at most `out.length / 3`; call
   * again with `minComplete` 0 while it returns that many.
   * @returns the number of triples written
   */
  waitInto(out: Int32Array, minComplete = 1, timeoutSeconds: number | null = null): number {
    if (!(out instanceof Int32Array)) throw invalidArgType('out', 'an instance of Int32Array', out);
    if (out.length < 3) throw outOfRange('out.length', 'at least 3', out.length);
    return this.#wait(out, minComplete, timeoutSeconds);
  }

  /** Operations prepared and not yet harvested by `wait`. */
  get pending(): number {
    return this.#closed ? 0 : native.uringPending!(this.#handle);
  }

  /**
   * The ring fd (close-on-exec): readable while completions wait, so an event loop can watch it
   * (epoll, uv_poll) and harvest with `waitInto(out, 0)` — except on a `deferTaskrun` ring.
   * @throws `ERR_CLOSED` after `close()`.
   */
  fileno(): number {
    this.#open();
    return this.#fd;
  }

  /**
   * Cancels every operation in flight, waits until the kernel has let go of each (their
   * completions are dropped), then releases the ring. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    native.uringClose!(this.#handle);
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** `close()`, for `using ring = new Ring()`. */
  [Symbol.dispose](): void {
    this.close();
  }

  #open(): void {
    if (this.#closed) throw closedError('Ring');
  }

  #fdArg(fd: unknown): number {
    this.#open();
    return fileobjToFd(fd, 'fd');
  }

  #buffer(kind: number, fd: unknown, buf: unknown, name: string, offset: unknown, tag: unknown, syscall: string): void {
    const n = this.#fdArg(fd);
    const view = validateCapacity(buf, name);
    const off = kind === READ || kind === WRITE ? validateInt(offset, 'offset', -1, Number.MAX_SAFE_INTEGER) : 0;
    const t = validateTag(tag);
    this.#check(native.uringPrepBuffer!(this.#handle, kind, n, view, off, t), t, syscall);
  }

  #check(result: number, tag: number, syscall: string): void {
    this.#open(); // a fileno() or address getter may have closed the ring meanwhile
    if (result === EEXIST) throw invalidArgValue('tag', tag, 'is already pending on this ring');
    check(result, syscall);
  }

  #wait(out: Int32Array, minComplete: unknown, timeoutSeconds: unknown): number {
    this.#open();
    const min = validateInt(minComplete, 'minComplete', 0, this.#cqEntries);
    const ns = toWait(timeoutSeconds, NS, MAX_NS, 'zero', 'timeoutSeconds');
    if (ns < 0 && min > this.pending) {
      throw outOfRange('minComplete', `at most the ${this.pending} operations pending when there is no timeout`, min);
    }
    return check(native.uringWait!(this.#handle, min, ns, out), 'io_uring_enter');
  }
}
