// Timeouts are translated here and nowhere else: Python's units in, the backend's unit out,
// rounded up so that a wait lasts at least what was asked (CPython's _PyTime_ROUND_TIMEOUT).
import { invalidArgType, invalidArgValue, outOfRange } from './errors';

/** What a caller does with a negative timeout: block (epoll.poll, poll.poll), not wait (selectors), or refuse (select.select). */
export type NegativeTimeout = 'block' | 'zero' | 'error';

/** Backend units per second. */
export const MS = 1e3;
export const US = 1e6;
export const NS = 1e9;

/**
 * A timeout in `unitsPerInput` backend units (e.g. seconds → ms: 1000), rounded up; -1 means block.
 * `null`, `undefined` and `Infinity` block. NaN → `ERR_INVALID_ARG_VALUE`; a result above `max` →
 * `ERR_OUT_OF_RANGE`; not a number → `ERR_INVALID_ARG_TYPE`.
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
  return units;
}

let unitWarned = false;

/**
 * The one warning per process for a seconds value ≥ 1000 (likely milliseconds by mistake); the
 * value is still used. `Infinity` (wait forever) is not warned about.
 */
export function warnTimeoutUnit(seconds: number, name: string): void {
  if (unitWarned || !(seconds >= 1000) || seconds === Infinity) return;
  unitWarned = true;
  process.emitWarning(`The "${name}" argument is ${seconds}: iomux timeouts are in seconds, as in Python`, { code: 'IOMUX_TIMEOUT_UNIT' });
}
