/**
 * Python's `select` module for Node: `select()`, `poll()`, `epoll()`, `kqueue()`, `kevent`, and the
 * OS constants.
 *
 * Constants are typed `number`. Those of one mechanism exist only where the OS has it: the
 * `EPOLL*` ones on Linux, the `KQ_*` ones where kqueue was built, some `POLL*` ones on some
 * systems; elsewhere they are `undefined` (test with `select.EPOLLIN !== undefined`, as Python's
 * `hasattr(select, 'EPOLLIN')`).
 * @packageDocumentation
 */
import { C } from './native';

export { select } from './select/select';
export { Poll, poll } from './select/poll';
export { Epoll, epoll } from './select/epoll';
export { KEvent, Kqueue, kevent, kqueue } from './select/kqueue';

// Each group is read from the addon in one statement; a constant the OS lacks is undefined.

export const {
  /** The first fd `select()` cannot watch (and the most entries one of its lists may hold). */ FD_SETSIZE,
  /** Writes to a pipe up to this many bytes are atomic. */ PIPE_BUF,
} = C;

// poll(2) events: the first six exist everywhere.
export const {
  /** Data to read. */ POLLIN,
  /** Urgent data to read (TCP out-of-band). */ POLLPRI,
  /** Writing will not block. */ POLLOUT,
  /** An error condition (reported whatever the mask). */ POLLERR,
  /** Hang-up (reported whatever the mask). */ POLLHUP,
  /** The fd is not open (reported whatever the mask). */ POLLNVAL,
  /** Normal data to read. Where the OS defines it. */ POLLRDNORM,
  /** Priority band data to read. Where the OS defines it. */ POLLRDBAND,
  /** Normal data may be written. Where the OS defines it. */ POLLWRNORM,
  /** Priority data may be written. Where the OS defines it. */ POLLWRBAND,
  /** A message is available (unused by Linux). Where the OS defines it. */ POLLMSG,
  /** The peer closed its writing end (Linux). */ POLLRDHUP,
} = C;

// epoll(7) events and epoll_create1 flags: Linux only.
export const {
  /** Data to read. */ EPOLLIN,
  /** Writing will not block. */ EPOLLOUT,
  /** Urgent data to read. */ EPOLLPRI,
  /** An error condition (always reported). */ EPOLLERR,
  /** Hang-up (always reported). */ EPOLLHUP,
  /** The peer closed its writing end. */ EPOLLRDHUP,
  /** Edge-triggered: reported once per change of readiness. */ EPOLLET,
  /** Disabled after one event, until modified again. */ EPOLLONESHOT,
  /** Only one of several epoll instances watching the fd is woken (Linux ≥ 4.5). */ EPOLLEXCLUSIVE,
  /** Keeps the system awake while the event is pending (needs CAP_BLOCK_SUSPEND). */ EPOLLWAKEUP,
  /** Normal data to read (as EPOLLIN). */ EPOLLRDNORM,
  /** Priority band data to read. */ EPOLLRDBAND,
  /** Normal data may be written (as EPOLLOUT). */ EPOLLWRNORM,
  /** Priority data may be written. */ EPOLLWRBAND,
  /** Unused by Linux. */ EPOLLMSG,
  /** `epoll_create1` flag: close-on-exec (iomux sets it always). */ EPOLL_CLOEXEC,
} = C;

// kqueue filters (Python's names for EVFILT_*): where kqueue was built.
export const {
  /** `EVFILT_READ`: data to read (or a connection to accept). */ KQ_FILTER_READ,
  /** `EVFILT_WRITE`: writing will not block. */ KQ_FILTER_WRITE,
  /** `EVFILT_AIO`: asynchronous I/O completions. */ KQ_FILTER_AIO,
  /** `EVFILT_VNODE`: changes to a file (see the `KQ_NOTE_*` file flags). */ KQ_FILTER_VNODE,
  /** `EVFILT_PROC`: events of a process (see the `KQ_NOTE_*` process flags). */ KQ_FILTER_PROC,
  /** `EVFILT_NETDEV`: network device events (where the OS has them). */ KQ_FILTER_NETDEV,
  /** `EVFILT_SIGNAL`: a signal was delivered to the process. */ KQ_FILTER_SIGNAL,
  /** `EVFILT_TIMER`: a timer expired. */ KQ_FILTER_TIMER,
  /** `EVFILT_USER`: triggered by the program itself. */ KQ_FILTER_USER,
} = C;

// kevent flags (Python's names for EV_*): where kqueue was built.
export const {
  /** `EV_ADD`: add (or modify) the event. */ KQ_EV_ADD,
  /** `EV_DELETE`: remove the event. */ KQ_EV_DELETE,
  /** `EV_ENABLE`: report the event again. */ KQ_EV_ENABLE,
  /** `EV_DISABLE`: keep the event but do not report it. */ KQ_EV_DISABLE,
  /** `EV_ONESHOT`: delete the event after its first report. */ KQ_EV_ONESHOT,
  /** `EV_CLEAR`: reset the state after each report (edge-triggered). */ KQ_EV_CLEAR,
  /** `EV_EOF`: on a result, end of file (or the peer closed). */ KQ_EV_EOF,
  /** `EV_ERROR`: on a result, a change failed; the errno is in `data`. */ KQ_EV_ERROR,
  /** `EV_SYSFLAGS`: flags reserved for the system. */ KQ_EV_SYSFLAGS,
  /** `EV_FLAG1`: a filter-specific flag. */ KQ_EV_FLAG1,
  /** `EV_RECEIPT`: return each change as a result, without waiting. */ KQ_EV_RECEIPT,
  /** `EV_DISPATCH`: disable the event after each report. */ KQ_EV_DISPATCH,
} = C;

// kevent filter flags (Python's names for NOTE_*): where kqueue was built.
export const {
  /** `NOTE_LOWAT` (read/write filters): `data` is the low-water mark. */ KQ_NOTE_LOWAT,
  /** `NOTE_DELETE` (vnode): the file was deleted. */ KQ_NOTE_DELETE,
  /** `NOTE_WRITE` (vnode): the file was written. */ KQ_NOTE_WRITE,
  /** `NOTE_EXTEND` (vnode): the file grew. */ KQ_NOTE_EXTEND,
  /** `NOTE_ATTRIB` (vnode): its attributes changed. */ KQ_NOTE_ATTRIB,
  /** `NOTE_LINK` (vnode): its link count changed. */ KQ_NOTE_LINK,
  /** `NOTE_RENAME` (vnode): it was renamed. */ KQ_NOTE_RENAME,
  /** `NOTE_REVOKE` (vnode): access was revoked. */ KQ_NOTE_REVOKE,
  /** `NOTE_EXIT` (proc): the process exited. */ KQ_NOTE_EXIT,
  /** `NOTE_FORK` (proc): the process forked. */ KQ_NOTE_FORK,
  /** `NOTE_EXEC` (proc): the process exec'd. */ KQ_NOTE_EXEC,
  /** `NOTE_PCTRLMASK` (proc): the mask of the control flags. */ KQ_NOTE_PCTRLMASK,
  /** `NOTE_PDATAMASK` (proc): the mask of the pid in `data`. */ KQ_NOTE_PDATAMASK,
  /** `NOTE_TRACK` (proc): follow across forks. */ KQ_NOTE_TRACK,
  /** `NOTE_CHILD` (proc): on a result, a child of a tracked process. */ KQ_NOTE_CHILD,
  /** `NOTE_TRACKERR` (proc): on a result, tracking a child failed. */ KQ_NOTE_TRACKERR,
  /** `NOTE_LINKUP` (netdev): the link went up. */ KQ_NOTE_LINKUP,
  /** `NOTE_LINKDOWN` (netdev): the link went down. */ KQ_NOTE_LINKDOWN,
  /** `NOTE_LINKINV` (netdev): the link state is unknown. */ KQ_NOTE_LINKINV,
} = C;
