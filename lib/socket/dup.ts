// Python's module-level socket.dup(fd).
import { check } from '../errors';
import { native } from '../native';
import { validateFd } from '../validate';

/**
 * Python's `socket.dup(fd)`: a duplicate of the socket fd `fd`, close-on-exec (non-inheritable, as
 * Python's). The caller owns it: wrap it with `Socket.fromfd`, or close it with `os.close`.
 * @throws `ERR_INVALID_ARG_TYPE`, `ERR_INVALID_FD`; SystemError `EBADF`, `EMFILE`
 */
export function dup(fd: number): number {
  return check(native.dup(validateFd(fd)), 'dup');
}
