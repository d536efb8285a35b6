// The waits of poll(2) and select(2), one each, shared by the blocking calls (poll.cc, select.cc)
// and the waiter thread (waiter.cc). Neither touches Node-API, so either runs on any thread.
// The OS quirks they handle are in the headers of poll.cc and select.cc.
#pragma once
#include <poll.h>
#include <sys/select.h>

#include <cstddef>
#include <cstdint>

#include "util.h"

namespace iomux {

// poll(2) until the deadline, EINTR retried with the time left. poll's count, or -errno.
int PollUntil(pollfd* fds, nfds_t n, const Deadline& deadline);

// Whether every fd may be put in an fd_set (0 <= fd < FD_SETSIZE); FD_SET on any other writes
// outside the set.
bool FitsFdSet(const int32_t* fds, size_t n);

// select(2) until the deadline on fds[0..nr) for reading, the next nw for writing and the next nx
// for exceptional conditions, plus extraReadFd (the waiter's wakeup pipe; -1 for none) for
// reading. Every fd must pass FitsFdSet. The sets are rebuilt for each try, EINTR is retried with
// the time left, and on return sets[0..2] hold what select left in them. select's count (the
// extra fd included), or -errno.
int SelectUntil(const int32_t* fds, size_t nr, size_t nw, size_t nx, int extraReadFd, fd_set sets[3],
                const Deadline& deadline);

}  // namespace iomux
