// epoll (Linux only; elsewhere these functions are absent from the exports). OS quirks handled here:
// - The epoll fd is created close-on-exec (epoll_create1(EPOLL_CLOEXEC)) so a child never inherits
//   it, and is owned by the thread's state so a forgotten one is closed at teardown.
//   https://man7.org/linux/man-pages/man2/epoll_create.2.html
// - Kernels before 2.6.9 require a non-null event pointer even for EPOLL_CTL_DEL.
//   https://man7.org/linux/man-pages/man2/epoll_ctl.2.html (BUGS)
// - Registration is per open file description, not per fd: a closed fd stays registered while a
//   dup of it lives, and epoll_ctl on the closed number is EBADF. The TS layer handles that policy.
//   https://man7.org/linux/man-pages/man7/epoll.7.html (Q6)
// - epoll_wait's timeout is in ms; EINTR is retried with the time left on a monotonic Deadline
//   (PEP 475). Events go to a reused per-thread buffer, then as [fd, events] pairs to the caller.
//   https://peps.python.org/pep-0475/
#include "util.h"

#ifdef __linux__
#include <sys/epoll.h>
#endif

namespace iomux {

#ifdef __linux__
namespace {

Napi::Value EpollCreate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) return Num(env, -errno);
  State(env).owned.insert(fd);
  return Num(env, fd);
}

// epollCtl(epfd, op, fd, events): see lib/native.ts.
Napi::Value EpollCtl(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t epfd = 0, op = 0, fd = 0, events = 0;
  if (!ArgInt(info, 0, &epfd) || !ArgInt(info, 1, &op) || !ArgInt(info, 2, &fd) || !ArgInt(info, 3, &events))
    return Napi::Value();
  epoll_event ev{};
  ev.events = static_cast<uint32_t>(events);
  ev.data.fd = fd;
  return Sys(env, ::epoll_ctl(epfd, op, fd, &ev));
}

// epollWait(epfd, out, maxevents, timeoutMs): see lib/native.ts.
Napi::Value EpollWait(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t epfd = 0, maxevents = 0;
  int32_t* out = nullptr;
  size_t outLen = 0;
  double timeoutMs = 0;
  if (!ArgInt(info, 0, &epfd) || !ArgInt32s(info, 1, &out, &outLen) || !ArgInt(info, 2, &maxevents) ||
      !ArgDouble(info, 3, &timeoutMs))
    return Napi::Value();
  if (maxevents <= 0) return Num(env, -EINVAL);
  if (static_cast<size_t>(maxevents) > outLen / 2) return OutOfRange(env, "maxevents must be at most out.length / 2");
  epoll_event* events = State(env).Scratch<epoll_event>(static_cast<size_t>(maxevents));
  Deadline deadline(timeoutMs);
  int r;
  do r = ::epoll_wait(epfd, events, maxevents, deadline.RemainingMs());
  while (r < 0 && errno == EINTR);
  if (r < 0) return Num(env, -errno);
  for (int i = 0; i < r; i++) {
    out[2 * i] = events[i].data.fd;
    out[2 * i + 1] = static_cast<int32_t>(events[i].events);
  }
  return Num(env, r);
}

}  // namespace
#endif

void InitEpoll(Napi::Env env, Napi::Object exports) {
#ifdef __linux__
  exports.Set("epollCreate", Napi::Function::New(env, EpollCreate, "epollCreate"));
  exports.Set("epollCtl", Napi::Function::New(env, EpollCtl, "epollCtl"));
  exports.Set("epollWait", Napi::Function::New(env, EpollWait, "epollWait"));
  Napi::Object c = Constants(exports);
  IOMUX_CONST(c, EPOLLIN);
  IOMUX_CONST(c, EPOLLOUT);
  IOMUX_CONST(c, EPOLLPRI);
  IOMUX_CONST(c, EPOLLERR);
  IOMUX_CONST(c, EPOLLHUP);
  IOMUX_CONST(c, EPOLLRDHUP);
  IOMUX_CONST(c, EPOLLET);
  IOMUX_CONST(c, EPOLLONESHOT);
#ifdef EPOLLEXCLUSIVE
  IOMUX_CONST(c, EPOLLEXCLUSIVE);
#endif
#ifdef EPOLLWAKEUP
  IOMUX_CONST(c, EPOLLWAKEUP);
#endif
  IOMUX_CONST(c, EPOLLRDNORM);
  IOMUX_CONST(c, EPOLLRDBAND);
  IOMUX_CONST(c, EPOLLWRNORM);
  IOMUX_CONST(c, EPOLLWRBAND);
  IOMUX_CONST(c, EPOLLMSG);
  IOMUX_CONST(c, EPOLL_CLOEXEC);
  IOMUX_CONST(c, EPOLL_CTL_ADD);
  IOMUX_CONST(c, EPOLL_CTL_MOD);
  IOMUX_CONST(c, EPOLL_CTL_DEL);
#endif
}

}  // namespace iomux
