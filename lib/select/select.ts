// select.select(): CPython's semantics over native.select.
import { outOfRange } from '../errors';
import { SelectFds } from '../kernel/select-fds';
import { MAX_TIMEOUT_NS } from '../limits';
import { C } from '../native';
import { NS, toWait, US } from '../timeout';
import { fileobjToFd } from '../validate';
import { items } from './fdlist';

/** FD_SETSIZE: the first fd select() cannot watch, and the most entries one list may hold. */
const SETSIZE = C.FD_SETSIZE;
// CPython's timeout limit, in µs.
const MAX_US = MAX_TIMEOUT_NS / (NS / US);

// Reused across calls: three lists of at most FD_SETSIZE entries each.
const lists = new SelectFds();

function collect(list: unknown, name: string, objs: unknown[], fds: number[]): number {
  const entries = items(list, name);
  for (let i = 0; i < entries.length; i++) {
    const obj = entries[i];
    const fd = fileobjToFd(obj, name); // a bad entry before the count, as CPython's seq2set
    if (i >= SETSIZE) throw outOfRange(name, `at most ${SETSIZE} entries (FD_SETSIZE)`, entries.length);
    if (fd >= SETSIZE) throw outOfRange(`${name} fd`, `below FD_SETSIZE (${SETSIZE})`, fd);
    objs.push(obj);
    fds.push(fd);
  }
  return entries.length;
}

/**
 * Waits at most `timeoutSeconds` seconds until some of the file objects are ready, as Python's
 * `select.select`. Each result list has the type of its input's items.
 *
 * @param rlist - file objects (fds or objects with `fileno()`) to wait on for reading; any iterable.
 * @param wlist - file objects to wait on for writing.
 * @param xlist - file objects to wait on for exceptional conditions (out-of-band data).
 * @param timeoutSeconds - seconds (not milliseconds); `null`/`undefined`/`Infinity` block, 0 polls.
 *   Rounded up to µs.
 * @returns `[r, w, x]`: new arrays of the original objects that are ready, in input order,
 *   duplicates kept.
 * @throws `ERR_OUT_OF_RANGE` for a negative timeout, an fd ≥ `FD_SETSIZE` or a list longer than
 *   `FD_SETSIZE` (nothing is passed to the kernel); `ERR_INVALID_ARG_TYPE` for a list that is not
 *   iterable or an entry that is not a file object; a SystemError (e.g. `EBADF`) from select(2).
 */
export function select<R = unknown, W = unknown, X = unknown>(
  rlist: Iterable<R>,
  wlist: Iterable<W>,
  xlist: Iterable<X>,
  timeoutSeconds?: number | null,
): [R[], W[], X[]] {
  const us = toWait(timeoutSeconds, US, MAX_US, 'error', 'timeoutSeconds');
  const objs: unknown[] = [];
  const fds: number[] = [];
  const nr = collect(rlist, 'rlist', objs, fds);
  const nw = collect(wlist, 'wlist', objs, fds);
  const nx = collect(xlist, 'xlist', objs, fds);
  if (lists.fds.length < fds.length) lists.reserve(3 * SETSIZE);
  lists.fds.set(fds);
  lists.nr = nr;
  lists.nw = nw;
  lists.nx = nx;
  lists.wait(us);
  const readyBuf = lists.ready;
  const out: [unknown[], unknown[], unknown[]] = [[], [], []];
  // The objects of each list went in at its own positions, so each output list holds its input's items.
  for (let i = 0; i < fds.length; i++) {
    if (readyBuf[i]) out[i < nr ? 0 : i < nr + nw ? 1 : 2].push(objs[i]);
  }
  return out as [R[], W[], X[]];
}
