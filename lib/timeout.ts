// Timeouts are translated here and nowhere else: Python's units in, the backend's unit out,
// rounded up so that a wait lasts at least what was asked (CPython's _PyTime_ROUND_TIMEOUT).
// lib/loop.ts still converts its timer delays itself (its own file, to be moved here).
import { invalidArgType, invalidArgValue, outOfRange } from './errors';

/** What a caller does with a negative timeout: block (epoll.poll, poll.poll), not wait (selectors), or refuse (select.select). */
export type NegativeTimeout = 'block' | 'zero' | 'error';

/** Backend units per second. */
export const MS = 1e3;
export const US = 1e6;
export const NS = 1e9;

/** A seconds timeout at least this large is probably milliseconds: warned about once per process. */
export const SUSPICIOUS_SECONDS = 1000;
let warned = false;

// docs/API.md, "Units": every timeout is in seconds as in Python (poll.poll's in ms); a Node
// habit of passing milliseconds would wait 1000 times too long, so say so once.
function warnUnit(seconds: number, name: string): void {
  if (warned) return;
  warned = true;
  process.emitWarning(
    `iomux: "${name}" is ${seconds} seconds (${(seconds / 3600).toFixed(1)} h). Timeouts are in seconds, as in Python; pass ${seconds / 1000} for ${seconds} ms.`,
    { code: 'IOMUX_TIMEOUT_UNIT' },
  );
}

/**
 * A timeout in `unitsPerInput` backend units (e.g. seconds → ms: 1000), rounded up; -1 means block.
 * `null`, `undefined` and `Infinity` block. NaN → `ERR_INVALID_ARG_VALUE`; a result above `max` →
 * `ERR_OUT_OF_RANGE`; not a number → `ERR_INVALID_ARG_TYPE`. A seconds timeout (`unitsPerInput`
 * > 1) of {@link SUSPICIOUS_SECONDS} or more warns once per process (code `IOMUX_TIMEOUT_UNIT`).
 */
export function toWait(timeout: unknown, unitsPerInput: number, max: number, negative: NegativeTimeout, name = 'timeout'): number {
  if (timeout === null || timeout === undefined) return -1;
  if (typeof timeout !== 'number') throw invalidArgType(name, 'a number, null or undefined', timeout);
  if (Number.isNaN(timeout)) throw invalidArgValue(name, timeout, 'must not be NaN');
  if (timeout === Infinity) return -1;
  if (timeout < 0) {
    if (negative === 'block') return -1;
    if (negative === 'zero') return 0;
    throw outOfRange(name, 'non-negative', timeout);
  }
  const units = Math.ceil(timeout * unitsPerInput);
  if (units > max) throw outOfRange(name, `at most ${max / unitsPerInput}`, timeout);
  if (timeout >= SUSPICIOUS_SECONDS && unitsPerInput > 1) warnUnit(timeout, name);
  return units;
}

/**
 * The one warning per process for a seconds value of {@link SUSPICIOUS_SECONDS} or more (likely
 * milliseconds by mistake), for callers that do not go through {@link toWait} (timer delays).
 * `Infinity` (wait forever) is not warned about.
 */
export function warnTimeoutUnit(seconds: number, name: string): void {
  if (seconds >= SUSPICIOUS_SECONDS && seconds !== Infinity) warnUnit(seconds, name);
}

/** An internal wait in ms (-1: forever) as µs for select(2). */
export function msToUs(ms: number): number {
  return ms < 0 ? -1 : ms * (US / MS);
}
