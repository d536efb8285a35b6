// Numeric limits shared by the modules: one definition each.

/** The largest int32: the upper bound of fds, sizes and flags handed to native calls. */
export const INT32_MAX = 2 ** 31 - 1;

/** The largest uint32: the upper bound of masks, fflags, scope ids and io_uring tags. */
export const UINT32_MAX = 2 ** 32 - 1;

/** The longest timeout a Python-level call takes, in ns: CPython's limit (its time type is int64 ns). */
export const MAX_TIMEOUT_NS = 9.2e18;

/** The longest wait poll(2) and epoll_wait(2) take, in ms (their timeout is a C int). */
export const MAX_WAIT_MS = INT32_MAX;
