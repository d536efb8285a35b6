// The one wrapper of an epoll instance (Linux): select.epoll and EpollSelector both hold one.
// No validation here: callers check their arguments; results land in the caller's Int32Array.
import { check, notSupported } from '../errors';
import { C, native } from '../native';
import { KernelFd } from './kernel-fd';

const { epollCreate, epollCtl, epollWait } = native;

/** Whether this OS and build have epoll. */
export const EPOLL_AVAILABLE = typeof epollCreate === 'function';

/** An owned epoll fd: add, modify, remove and wait, each one syscall. */
export class EpollFd extends KernelFd {
  private constructor(fd: number, what: string) {
    super(fd, what);
  }

  /** epoll_create1(EPOLL_CLOEXEC). `ERR_NOT_SUPPORTED` without epoll; the OS error if it fails. */
  static create(what: string): EpollFd {
    if (!epollCreate) throw notSupported('epoll');
    return new EpollFd(check(epollCreate(), 'epoll_create1'), what);
  }

  /** Takes over an existing epoll fd (a checked fd number): closing this closes it. */
  static adopt(fd: number, what: string): EpollFd {
    if (!epollCreate) throw notSupported('epoll');
    native.own(fd);
    return new EpollFd(fd, what);
  }

  /** EPOLL_CTL_ADD; throws the OS error (`EEXIST`, `EPERM`, `EBADF`, …). */
  add(fd: number, events: number): void {
    check(epollCtl!(this.fd, C.EPOLL_CTL_ADD, fd, events), 'epoll_ctl');
  }

  /** EPOLL_CTL_MOD; throws the OS error (`ENOENT`, …). */
  modify(fd: number, events: number): void {
    check(epollCtl!(this.fd, C.EPOLL_CTL_MOD, fd, events), 'epoll_ctl');
  }

  /** EPOLL_CTL_DEL: 0 or -errno (`ENOENT`, `EBADF`), for the caller to throw or ignore. */
  remove(fd: number): number {
    return epollCtl!(this.fd, C.EPOLL_CTL_DEL, fd, 0);
  }

  /** epoll_wait into `out` as [fd, events] pairs (at most `max`); `ms` < 0 blocks. The count, or throws. */
  wait(out: Int32Array, max: number, ms: number): number {
    return check(epollWait!(this.fd, out, max, ms), 'epoll_wait');
  }
}
