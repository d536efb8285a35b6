// Python's os.strerror over strerror(3) (native/errno.cc).
import { native } from '../native';
import { validateInt } from '../validate';

/**
 * Python's `os.strerror(code)`: the C library's message for a **positive** errno number (as
 * `iomux/errno` and `connectEx()` give them; for a thrown error's negative `errno`, pass
 * `-err.errno`). An unknown number gets the C library's "Unknown error N", as in Python.
 * @throws TypeError `ERR_INVALID_ARG_TYPE` when `code` is not a number; RangeError
 *   `ERR_OUT_OF_RANGE` when it is not an int32 integer.
 */
export function strerror(code: number): string {
  return native.strerror(validateInt(code, 'code'));
}
