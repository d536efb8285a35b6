// poll and select ask the kernel nothing when an fd is registered, so a closed fd would only
// show up later (POLLNVAL, or select failing with EBADF). One fcntl makes them refuse it at
// register/modify like epoll and kqueue do (docs/API.md: "a closed fd: EBADF").
import { check } from '../errors';
import { native } from '../native';

/** Throws the EBADF SystemError (syscall "fcntl") unless `fd` is open. */
export function assertOpenFd(fd: number): void {
  check(native.getBlocking(fd), 'fcntl');
}
