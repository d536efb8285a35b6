// Python's sendmsg, recvmsg and recvmsg_into over native/msg.cc, and CMSG_LEN/CMSG_SPACE. The
// Socket methods pass their fd and family in (lib/socket/socket.ts); fd passing on top is fds.ts.
// Validation here; the control buffer's layout is native's (it is the platform's).
import { invalidArgType, outOfRange, systemError } from '../errors';
import { filled } from '../io-result';
import { INT32_MAX } from '../limits';
import { C, native } from '../native';
import { validateBytes, validateInt } from '../validate';
import { toNative, type Address } from './address';

/**
 * One item of ancillary data as received: `[level, type, data]` (Python's `(cmsg_level,
 * cmsg_type, cmsg_data)`), e.g. `[SOL_SOCKET, SCM_RIGHTS, <the fds as native-endian int32s>]`.
 */
export type AncillaryItem = [level: number, type: number, data: Buffer];

/** One item of ancillary data to send: `[level, type, data]`, `data` any Buffer, TypedArray or DataView. */
export type AncillaryInput = [level: number, type: number, data: ArrayBufferView];

/**
 * What `recvmsg` returns: `[data, ancdata, msgFlags, address]` (Python's 4-tuple); `address` is
 * `null` when the kernel gives none (a connected socket, an unnamed AF_UNIX sender).
 */
export type RecvmsgResult<A extends Address = Address> = [data: Buffer, ancdata: AncillaryItem[], msgFlags: number, address: A | null];

/** What `recvmsgInto` returns: `[nbytes, ancdata, msgFlags, address]`, as {@link RecvmsgResult}. */
export type RecvmsgIntoResult<A extends Address = Address> = [nbytes: number, ancdata: AncillaryItem[], msgFlags: number, address: A | null];

/** Ancillary data type of passed fds (level `SOL_SOCKET`): the data is an array of native-endian int32 fds. */
export const SCM_RIGHTS: number = C.SCM_RIGHTS;
/**
 * A `recvmsg` flag: received fds are close-on-exec. iomux passes it on every receive anyway; given
 * explicitly it also shows in the returned `msgFlags`, as Linux reports it. Linux and BSDs:
 * `undefined` on macOS.
 */
export const MSG_CMSG_CLOEXEC: number = C.MSG_CMSG_CLOEXEC;

// CMSG_LEN(0): the header before an item's data.
const CMSG_HEADER = native.cmsgLen(0);
// CPython's bound for CMSG_SPACE: room for the padding before and after the data (CMSG_SPACE(1)).
const CMSG_SPACE_MAX = INT32_MAX - native.cmsgSpace(1);

/** The largest `maxfds` a receive can ask for: CMSG_LEN(maxfds * 4) must fit a socklen_t, as in CPython. */
export const MAX_FDS = Math.floor((INT32_MAX - CMSG_HEADER) / 4);

/**
 * Python's `socket.CMSG_LEN(length)`: the `cmsg_len` of an item carrying `length` bytes of data
 * (its header plus the data, no trailing padding). For a receive buffer of one item, e.g.
 * `CMSG_LEN(4 * nfds)` for `nfds` fds.
 * @throws RangeError `ERR_OUT_OF_RANGE` when `length` is negative, not an integer, or so large that
 * the result exceeds 2**31-1 (Python's OverflowError).
 */
export function CMSG_LEN(length: number): number {
  const r = native.cmsgLen(validateInt(length, 'length', 0, INT32_MAX));
  if (r > INT32_MAX) throw outOfRange('length', `an integer >= 0 and <= ${INT32_MAX - CMSG_HEADER}`, length);
  return r;
}

/**
 * Python's `socket.CMSG_SPACE(length)`: the bytes an item carrying `length` bytes of data takes
 * in a control buffer, padding included; a buffer for several items is the sum of theirs.
 * @throws RangeError `ERR_OUT_OF_RANGE` when `length` is negative, not an integer, or above
 * 2**31-1 - CMSG_SPACE(1), CPython's bound (its OverflowError).
 */
export function CMSG_SPACE(length: number): number {
  return native.cmsgSpace(validateInt(length, 'length', 0, CMSG_SPACE_MAX));
}

/**
 * The elements of an iterable argument: not a string, and, unless `views` allows it, not one
 * Buffer or TypedArray either (`sendmsg(Buffer.from('x'))` for `sendmsg([Buffer.from('x')])`).
 */
export function elementsOf(value: unknown, name: string, expected: string, views = false): unknown[] {
  const iterable = value !== null && typeof value === 'object' && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function';
  if (!iterable || (!views && ArrayBuffer.isView(value))) throw invalidArgType(name, `an iterable of ${expected}`, value);
  return [...(value as Iterable<unknown>)];
}

function viewsOf(buffers: unknown): ArrayBufferView[] {
  return elementsOf(buffers, 'buffers', 'Buffers, TypedArrays or DataViews (wrap a single Buffer in an array)')
    .map((v, i) => validateBytes(v, `buffers[${i}]`));
}

function itemsOf(ancdata: unknown): Array<[number, number, ArrayBufferView]> {
  return elementsOf(ancdata, 'ancdata', '[level, type, data] items').map((item, i) => {
    if (!Array.isArray(item) || item.length !== 3) throw invalidArgType(`ancdata[${i}]`, 'a [level, type, data] array', item);
    const level = validateInt(item[0], `ancdata[${i}][0]`);
    const type = validateInt(item[1], `ancdata[${i}][1]`);
    return [level, type, validateBytes(item[2], `ancdata[${i}][2]`)];
  });
}

function flagsOf(flags: unknown): number {
  return flags === undefined ? 0 : validateInt(flags, 'flags');
}

function ancbufsizeOf(ancbufsize: unknown): number {
  return ancbufsize === undefined ? 0 : validateInt(ancbufsize, 'ancbufsize', 0, INT32_MAX);
}

/** sendmsg on an open fd of `family`: the checks in argument order, then the call. @internal */
export function sendmsgOn(fd: number, family: number, buffers: unknown, ancdata: unknown, flags: unknown, address: unknown): number {
  const views = viewsOf(buffers);
  const items = ancdata === undefined ? [] : itemsOf(ancdata);
  const f = flagsOf(flags);
  const r = address === undefined || address === null
    ? native.sendmsg(fd, views, items, f, family, null, 0, 0, 0)
    : native.sendmsg(fd, views, items, f, family, ...toNative(family, address));
  if (r < 0) throw systemError(r, 'sendmsg');
  return r;
}

function received<A extends Address>(r: ReturnType<typeof native.recvmsg>): [number, AncillaryItem[], number, A | null] {
  if (typeof r === 'number') throw systemError(r, 'recvmsg');
  return r as [number, AncillaryItem[], number, A | null];
}

/** recvmsg on an open fd into a new Buffer of `bufsize` bytes. @internal */
export function recvmsgOn<A extends Address>(fd: number, bufsize: unknown, ancbufsize: unknown, flags: unknown): RecvmsgResult<A> {
  const size = validateInt(bufsize, 'bufsize', 0, INT32_MAX);
  const anc = ancbufsizeOf(ancbufsize);
  const f = flagsOf(flags);
  const buf = Buffer.allocUnsafe(size);
  const [n, items, msgFlags, address] = received<A>(native.recvmsg(fd, [buf], anc, f));
  return [filled(buf, Math.min(n, size)), items, msgFlags, address];
}

/** recvmsg on an open fd into the caller's buffers, filled in order. @internal */
export function recvmsgIntoOn<A extends Address>(fd: number, buffers: unknown, ancbufsize: unknown, flags: unknown): RecvmsgIntoResult<A> {
  const views = viewsOf(buffers);
  const anc = ancbufsizeOf(ancbufsize);
  return received<A>(native.recvmsg(fd, views, anc, flagsOf(flags)));
}
