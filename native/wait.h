// The waits of poll(2) and select(2), shared by the blocking calls (poll.cc, select.cc) and the
// waiter thread (waiter.cc). None touches Node-API, so any runs on any thread.
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

// The words of one fd bitmap: fd d is bit d % 32 of word d / 32, for every fd below FD_SETSIZE.
// Any such bitmap is a valid select argument (nothing to range-check).
constexpr size_t kFdWords = FD_SETSIZE / 32;
static_assert(FD_SETSIZE % 32 == 0, "FD_SETSIZE is a multiple of 32");

// select(2) until the deadline on the fds of two bitmaps (kFdWords words each: reading, writing),
// plus extraReadFd (the waiter's wakeup pipe, below FD_SETSIZE; -1 for none) for reading. The
// sets are rebuilt for each try, EINTR is retried with the time left, and on return sets[0..1]
// hold what select left in them. select's count (the extra fd included), or -errno.
int SelectBitsUntil(const uint32_t* read, const uint32_t* write, int extraReadFd, fd_set sets[2],
                    const Deadline& deadline);

}  // namespace iomux
