// poll(2). OS quirks handled here:
// - The caller's Int32Array IS the struct pollfd array (8 bytes: int fd, short events, short
//   revents), so nothing is copied in; the layout is checked at compile time.
//   https://man7.org/linux/man-pages/man2/poll.2.html
// - A negative fd is ignored by the kernel (revents 0); a closed fd reports POLLNVAL, which is
//   copied out like any other event. https://pubs.opengroup.org/onlinepubs/9799919799/functions/poll.html
// - nfds above RLIMIT_NOFILE fails with EINVAL (returned as -EINVAL).
// - EINTR is retried with the time left on a monotonic Deadline (PEP 475).
//   https://peps.python.org/pep-0475/
// The wait (PollUntil, wait.h) is also the waiter thread's (waiter.cc).
#include <poll.h>

#include <cstddef>

#include "util.h"
#include "wait.h"

namespace iomux {

static_assert(sizeof(pollfd) == 8, "struct pollfd must be 8 bytes");
static_assert(offsetof(pollfd, fd) == 0, "pollfd.fd at byte 0");
static_assert(offsetof(pollfd, events) == 4, "pollfd.events at byte 4");
static_assert(offsetof(pollfd, revents) == 6, "pollfd.revents at byte 6");
static_assert(sizeof(pollfd::events) == 2 && sizeof(pollfd::revents) == 2, "int16 events");

int PollUntil(pollfd* fds, nfds_t n, const Deadline& deadline) {
  int r;
  do r = ::poll(fds, n, deadline.RemainingMs());
  while (r < 0 && errno == EINTR);
  return r < 0 ? -errno : r;
}

namespace {

// poll(pollfds, n, out, timeoutMs): see lib/native.ts.
Napi::Value Poll(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t *raw = nullptr, *out = nullptr;
  size_t rawLen = 0, outLen = 0;
  int32_t n = 0;
  double timeoutMs = 0;
  if (!ArgInt32s(info, 0, &raw, &rawLen) || !ArgInt(info, 1, &n) || !ArgInt32s(info, 2, &out, &outLen) ||
      !ArgDouble(info, 3, &timeoutMs))
    return Napi::Value();
  if (n < 0 || static_cast<size_t>(n) * 2 > rawLen) return OutOfRange(env, "n must lie within the pollfd array");
  pollfd* fds = reinterpret_cast<pollfd*>(raw);
  int r = PollUntil(fds, static_cast<nfds_t>(n), Deadline(timeoutMs));
  if (r < 0) return Num(env, r);
  // poll's count is the records with revents set: the scan stops at the last one.
  size_t cap = outLen / 2, k = 0, found = static_cast<size_t>(r);
  for (int32_t i = 0; i < n && k < cap && k < found; i++) {
    if (fds[i].revents == 0) continue;
    out[2 * k] = fds[i].fd;
    out[2 * k + 1] = static_cast<uint16_t>(fds[i].revents);
    k++;
  }
  return Num(env, static_cast<double>(k));
}

}  // namespace

void InitPoll(Napi::Env env, Napi::Object exports) {
  exports.Set("poll", Napi::Function::New(env, Poll, "poll"));
  Napi::Object c = Constants(exports);
  IOMUX_CONST(c, POLLIN);
  IOMUX_CONST(c, POLLPRI);
  IOMUX_CONST(c, POLLOUT);
  IOMUX_CONST(c, POLLERR);
  IOMUX_CONST(c, POLLHUP);
  IOMUX_CONST(c, POLLNVAL);
#ifdef POLLRDNORM
  IOMUX_CONST(c, POLLRDNORM);
#endif
#ifdef POLLRDBAND
  IOMUX_CONST(c, POLLRDBAND);
#endif
#ifdef POLLWRNORM
  IOMUX_CONST(c, POLLWRNORM);
#endif
#ifdef POLLWRBAND
  IOMUX_CONST(c, POLLWRBAND);
#endif
#ifdef POLLMSG
  IOMUX_CONST(c, POLLMSG);
#endif
#ifdef POLLRDHUP
  IOMUX_CONST(c, POLLRDHUP);
#endif
}

}  // namespace iomux
