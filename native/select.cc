// select(2). OS quirks handled here:
// - FD_SET on an fd >= FD_SETSIZE writes past the fd_set (undefined behaviour, a classic overflow):
//   every fd is range-checked before any FD_SET and the call returns -EINVAL with nothing written.
//   https://man7.org/linux/man-pages/man2/select.2.html (BUGS: "FD_SETSIZE")
// - Linux updates the timeval to the time not slept; other systems do not. The timeout is rebuilt
//   from a monotonic Deadline on every try instead of trusting it.
//   https://man7.org/linux/man-pages/man2/select.2.html (NOTES: "On Linux, select() modifies timeout")
// - After EINTR the fd_sets' contents are unspecified, so they are rebuilt before the retry (PEP 475).
//   https://peps.python.org/pep-0475/
// - The timeout is rounded up to whole microseconds: wait at least what was asked, as CPython does.
// The wait (SelectUntil, wait.h) is also the waiter thread's (waiter.cc), with its wakeup pipe as
// one more fd to read.
#include <limits.h>
#include <sys/select.h>

#include <cmath>

#include "util.h"
#include "wait.h"

namespace iomux {

bool FitsFdSet(const int32_t* fds, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (fds[i] < 0 || fds[i] >= FD_SETSIZE) return false;
  return true;
}

int SelectUntil(const int32_t* fds, size_t nr, size_t nw, size_t nx, int extraReadFd, fd_set sets[3],
                const Deadline& deadline) {
  const size_t ends[3] = {nr, nr + nw, nr + nw + nx};
  int maxfd = extraReadFd;
  for (size_t i = 0; i < ends[2]; i++)
    if (fds[i] > maxfd) maxfd = fds[i];
  for (;;) {
    size_t i = 0;
    for (int s = 0; s < 3; s++) {
      FD_ZERO(&sets[s]);
      for (; i < ends[s]; i++) FD_SET(fds[i], &sets[s]);
    }
    if (extraReadFd >= 0) FD_SET(extraReadFd, &sets[0]);
    timeval tv;
    timeval* ptv = nullptr;
    if (!deadline.forever()) {
      // Round up to whole microseconds: wait at least what was asked.
      double us = std::ceil(deadline.RemainingNs() / 1e3);
      tv.tv_sec = static_cast<time_t>(us / 1e6);
      tv.tv_usec = static_cast<suseconds_t>(us - static_cast<double>(tv.tv_sec) * 1e6);
      ptv = &tv;
    }
    int r = ::select(maxfd + 1, &sets[0], &sets[1], &sets[2], ptv);
    if (r >= 0) return r;
    if (errno != EINTR) return -errno;
  }
}

namespace {

// select(fds, nr, nw, nx, ready, timeoutUs): see lib/native.ts.
Napi::Value Select(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t *fds = nullptr, *ready = nullptr;
  size_t nfds = 0, nready = 0;
  int32_t nr = 0, nw = 0, nx = 0;
  double timeoutUs = 0;
  if (!ArgInt32s(info, 0, &fds, &nfds) || !ArgInt(info, 1, &nr) || !ArgInt(info, 2, &nw) ||
      !ArgInt(info, 3, &nx) || !ArgInt32s(info, 4, &ready, &nready) || !ArgDouble(info, 5, &timeoutUs))
    return Napi::Value();
  if (nr < 0 || nw < 0 || nx < 0) return OutOfRange(env, "counts must not be negative");
  size_t total = static_cast<size_t>(nr) + static_cast<size_t>(nw) + static_cast<size_t>(nx);
  if (total > nfds || total > nready) return OutOfRange(env, "counts must lie within the fd and ready arrays");
  if (!FitsFdSet(fds, total)) return Num(env, -EINVAL);

  fd_set sets[3];
  int r = SelectUntil(fds, nr, nw, nx, -1, sets, Deadline(timeoutUs / 1e3));
  if (r < 0) return Num(env, r);
  const size_t ends[3] = {static_cast<size_t>(nr), static_cast<size_t>(nr) + nw, total};
  size_t i = 0;
  for (int s = 0; s < 3; s++)
    for (; i < ends[s]; i++) ready[i] = FD_ISSET(fds[i], &sets[s]) ? 1 : 0;
  return Num(env, r);
}

}  // namespace

void InitSelect(Napi::Env env, Napi::Object exports) {
  exports.Set("select", Napi::Function::New(env, Select, "select"));
  Napi::Object c = Constants(exports);
  IOMUX_CONST(c, FD_SETSIZE);
  IOMUX_CONST(c, PIPE_BUF);
}

}  // namespace iomux
