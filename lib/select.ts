/**
 * Python's `select` module for Node: `select()`, `poll()`, `epoll()`, `kqueue()`, `kevent`, and the
 * OS constants. Constants the OS does not define are absent from the module (check with `in`), as
 * in Python.
 * @packageDocumentation
 */
import { C } from './native';

export { select } from './select/select';
export { Poll, poll } from './select/poll';
export { Epoll, epoll } from './select/epoll';
export { KEvent, Kqueue, kevent, kqueue } from './select/kqueue';

/** The first fd `select()` cannot watch (and the most entries one of its lists may hold). */
export const FD_SETSIZE: number = C.FD_SETSIZE;
/** Writes to a pipe up to this many bytes are atomic. */
export const PIPE_BUF: number = C.PIPE_BUF;

// poll(2) events
/** `POLLIN` from the OS headers. */
export const POLLIN: number = C.POLLIN;
/** `POLLPRI` from the OS headers. */
export const POLLPRI: number = C.POLLPRI;
/** `POLLOUT` from the OS headers. */
export const POLLOUT: number = C.POLLOUT;
/** `POLLERR` from the OS headers. */
export const POLLERR: number = C.POLLERR;
/** `POLLHUP` from the OS headers. */
export const POLLHUP: number = C.POLLHUP;
/** `POLLNVAL` from the OS headers. */
export const POLLNVAL: number = C.POLLNVAL;
/** `POLLRDNORM` from the OS headers; absent where the OS lacks it. */
export const POLLRDNORM: number | undefined = C.POLLRDNORM;
/** `POLLRDBAND` from the OS headers; absent where the OS lacks it. */
export const POLLRDBAND: number | undefined = C.POLLRDBAND;
/** `POLLWRNORM` from the OS headers; absent where the OS lacks it. */
export const POLLWRNORM: number | undefined = C.POLLWRNORM;
/** `POLLWRBAND` from the OS headers; absent where the OS lacks it. */
export const POLLWRBAND: number | undefined = C.POLLWRBAND;
/** `POLLMSG` from the OS headers; absent where the OS lacks it. */
export const POLLMSG: number | undefined = C.POLLMSG;
/** `POLLRDHUP` from the OS headers; absent where the OS lacks it. */
export const POLLRDHUP: number | undefined = C.POLLRDHUP;

// epoll(7) events and epoll_create1 flags (Linux)
/** `EPOLLIN` from the OS headers; absent where the OS lacks it. */
export const EPOLLIN: number | undefined = C.EPOLLIN;
/** `EPOLLOUT` from the OS headers; absent where the OS lacks it. */
export const EPOLLOUT: number | undefined = C.EPOLLOUT;
/** `EPOLLPRI` from the OS headers; absent where the OS lacks it. */
export const EPOLLPRI: number | undefined = C.EPOLLPRI;
/** `EPOLLERR` from the OS headers; absent where the OS lacks it. */
export const EPOLLERR: number | undefined = C.EPOLLERR;
/** `EPOLLHUP` from the OS headers; absent where the OS lacks it. */
export const EPOLLHUP: number | undefined = C.EPOLLHUP;
/** `EPOLLRDHUP` from the OS headers; absent where the OS lacks it. */
export const EPOLLRDHUP: number | undefined = C.EPOLLRDHUP;
/** `EPOLLET` from the OS headers; absent where the OS lacks it. */
export const EPOLLET: number | undefined = C.EPOLLET;
/** `EPOLLONESHOT` from the OS headers; absent where the OS lacks it. */
export const EPOLLONESHOT: number | undefined = C.EPOLLONESHOT;
/** `EPOLLEXCLUSIVE` from the OS headers; absent where the OS lacks it. */
export const EPOLLEXCLUSIVE: number | undefined = C.EPOLLEXCLUSIVE;
/** `EPOLLWAKEUP` from the OS headers; absent where the OS lacks it. */
export const EPOLLWAKEUP: number | undefined = C.EPOLLWAKEUP;
/** `EPOLLRDNORM` from the OS headers; absent where the OS lacks it. */
export const EPOLLRDNORM: number | undefined = C.EPOLLRDNORM;
/** `EPOLLRDBAND` from the OS headers; absent where the OS lacks it. */
export const EPOLLRDBAND: number | undefined = C.EPOLLRDBAND;
/** `EPOLLWRNORM` from the OS headers; absent where the OS lacks it. */
export const EPOLLWRNORM: number | undefined = C.EPOLLWRNORM;
/** `EPOLLWRBAND` from the OS headers; absent where the OS lacks it. */
export const EPOLLWRBAND: number | undefined = C.EPOLLWRBAND;
/** `EPOLLMSG` from the OS headers; absent where the OS lacks it. */
export const EPOLLMSG: number | undefined = C.EPOLLMSG;
/** `EPOLL_CLOEXEC` from the OS headers; absent where the OS lacks it. */
export const EPOLL_CLOEXEC: number | undefined = C.EPOLL_CLOEXEC;

// kqueue filters
/** `EVFILT_READ` from the OS headers; absent where the OS lacks it. */
export const KQ_FILTER_READ: number | undefined = C.KQ_FILTER_READ;
/** `EVFILT_WRITE` from the OS headers; absent where the OS lacks it. */
export const KQ_FILTER_WRITE: number | undefined = C.KQ_FILTER_WRITE;
/** `EVFILT_AIO` from the OS headers; absent where the OS lacks it. */
export const KQ_FILTER_AIO: number | undefined = C.KQ_FILTER_AIO;
/** `EVFILT_VNODE` from the OS headers; absent where the OS lacks it. */
export const KQ_FILTER_VNODE: number | undefined = C.KQ_FILTER_VNODE;
/** `EVFILT_PROC` from the OS headers; absent where the OS lacks it. */
export const KQ_FILTER_PROC: number | undefined = C.KQ_FILTER_PROC;
/** `EVFILT_NETDEV` from the OS headers; absent where the OS lacks it. */
export const KQ_FILTER_NETDEV: number | undefined = C.KQ_FILTER_NETDEV;
/** `EVFILT_SIGNAL` from the OS headers; absent where the OS lacks it. */
export const KQ_FILTER_SIGNAL: number | undefined = C.KQ_FILTER_SIGNAL;
/** `EVFILT_TIMER` from the OS headers; absent where the OS lacks it. */
export const KQ_FILTER_TIMER: number | undefined = C.KQ_FILTER_TIMER;
/** `EVFILT_USER` from the OS headers; absent where the OS lacks it. */
export const KQ_FILTER_USER: number | undefined = C.KQ_FILTER_USER;

// kevent flags
/** `EV_ADD` from the OS headers; absent where the OS lacks it. */
export const KQ_EV_ADD: number | undefined = C.KQ_EV_ADD;
/** `EV_DELETE` from the OS headers; absent where the OS lacks it. */
export const KQ_EV_DELETE: number | undefined = C.KQ_EV_DELETE;
/** `EV_ENABLE` from the OS headers; absent where the OS lacks it. */
export const KQ_EV_ENABLE: number | undefined = C.KQ_EV_ENABLE;
/** `EV_DISABLE` from the OS headers; absent where the OS lacks it. */
export const KQ_EV_DISABLE: number | undefined = C.KQ_EV_DISABLE;
/** `EV_ONESHOT` from the OS headers; absent where the OS lacks it. */
export const KQ_EV_ONESHOT: number | undefined = C.KQ_EV_ONESHOT;
/** `EV_CLEAR` from the OS headers; absent where the OS lacks it. */
export const KQ_EV_CLEAR: number | undefined = C.KQ_EV_CLEAR;
/** `EV_EOF` from the OS headers; absent where the OS lacks it. */
export const KQ_EV_EOF: number | undefined = C.KQ_EV_EOF;
/** `EV_ERROR` from the OS headers; absent where the OS lacks it. */
export const KQ_EV_ERROR: number | undefined = C.KQ_EV_ERROR;
/** `EV_SYSFLAGS` from the OS headers; absent where the OS lacks it. */
export const KQ_EV_SYSFLAGS: number | undefined = C.KQ_EV_SYSFLAGS;
/** `EV_FLAG1` from the OS headers; absent where the OS lacks it. */
export const KQ_EV_FLAG1: number | undefined = C.KQ_EV_FLAG1;
/** `EV_RECEIPT` from the OS headers; absent where the OS lacks it. */
export const KQ_EV_RECEIPT: number | undefined = C.KQ_EV_RECEIPT;
/** `EV_DISPATCH` from the OS headers; absent where the OS lacks it. */
export const KQ_EV_DISPATCH: number | undefined = C.KQ_EV_DISPATCH;

// kevent filter flags
/** `NOTE_LOWAT` from the OS headers; absent where the OS lacks it. */
export const KQ_NOTE_LOWAT: number | undefined = C.KQ_NOTE_LOWAT;
/** `NOTE_DELETE` from the OS headers; absent where the OS lacks it. */
export const KQ_NOTE_DELETE: number | undefined = C.KQ_NOTE_DELETE;
/** `NOTE_WRITE` from the OS headers; absent where the OS lacks it. */
export const KQ_NOTE_WRITE: number | undefined = C.KQ_NOTE_WRITE;
/** `NOTE_EXTEND` from the OS headers; absent where the OS lacks it. */
export const KQ_NOTE_EXTEND: number | undefined = C.KQ_NOTE_EXTEND;
/** `NOTE_ATTRIB` from the OS headers; absent where the OS lacks it. */
export const KQ_NOTE_ATTRIB: number | undefined = C.KQ_NOTE_ATTRIB;
/** `NOTE_LINK` from the OS headers; absent where the OS lacks it. */
export const KQ_NOTE_LINK: number | undefined = C.KQ_NOTE_LINK;
/** `NOTE_RENAME` from the OS headers; absent where the OS lacks it. */
export const KQ_NOTE_RENAME: number | undefined = C.KQ_NOTE_RENAME;
/** `NOTE_REVOKE` from the OS headers; absent where the OS lacks it. */
export const KQ_NOTE_REVOKE: number | undefined = C.KQ_NOTE_REVOKE;
/** `NOTE_EXIT` from the OS headers; absent where the OS lacks it. */
export const KQ_NOTE_EXIT: number | undefined = C.KQ_NOTE_EXIT;
/** `NOTE_FORK` from the OS headers; absent where the OS lacks it. */
export const KQ_NOTE_FORK: number | undefined = C.KQ_NOTE_FORK;
/** `NOTE_EXEC` from the OS headers; absent where the OS lacks it. */
export const KQ_NOTE_EXEC: number | undefined = C.KQ_NOTE_EXEC;
/** `NOTE_PCTRLMASK` from the OS headers; absent where the OS lacks it. */
export const KQ_NOTE_PCTRLMASK: number | undefined = C.KQ_NOTE_PCTRLMASK;
/** `NOTE_PDATAMASK` from the OS headers; absent where the OS lacks it. */
export const KQ_NOTE_PDATAMASK: number | undefined = C.KQ_NOTE_PDATAMASK;
/** `NOTE_TRACK` from the OS headers; absent where the OS lacks it. */
export const KQ_NOTE_TRACK: number | undefined = C.KQ_NOTE_TRACK;
/** `NOTE_CHILD` from the OS headers; absent where the OS lacks it. */
export const KQ_NOTE_CHILD: number | undefined = C.KQ_NOTE_CHILD;
/** `NOTE_TRACKERR` from the OS headers; absent where the OS lacks it. */
export const KQ_NOTE_TRACKERR: number | undefined = C.KQ_NOTE_TRACKERR;
/** `NOTE_LINKUP` from the OS headers; absent where the OS lacks it. */
export const KQ_NOTE_LINKUP: number | undefined = C.KQ_NOTE_LINKUP;
/** `NOTE_LINKDOWN` from the OS headers; absent where the OS lacks it. */
export const KQ_NOTE_LINKDOWN: number | undefined = C.KQ_NOTE_LINKDOWN;
/** `NOTE_LINKINV` from the OS headers; absent where the OS lacks it. */
export const KQ_NOTE_LINKINV: number | undefined = C.KQ_NOTE_LINKINV;

// Python's select has no attribute for a constant the OS lacks; neither does this module.
for (const name of Object.keys(module.exports)) {
  if (module.exports[name] === undefined) delete module.exports[name];
}
