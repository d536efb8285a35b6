// Iterables of file objects, as CPython's select() reads its sequences.
import { invalidArgType } from '../errors';

/** The items of an iterable argument (`ERR_INVALID_ARG_TYPE` if it is not one). */
export function items(value: unknown, name: string): unknown[] {
  const it = (value as { [Symbol.iterator]?: unknown } | null | undefined)?.[Symbol.iterator];
  if (typeof value === 'string' || typeof it !== 'function') {
    throw invalidArgType(name, 'an iterable of file objects', value);
  }
  return Array.from(value as Iterable<unknown>);
}
