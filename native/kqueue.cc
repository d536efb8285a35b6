// kqueue/kevent: macOS and the BSDs, or Linux with a system libkqueue (IOMUX_HAVE_KQUEUE);
// otherwise these functions are absent from the exports. OS quirks handled here:
// - kqueue() has no close-on-exec flag on macOS (kqueue1/kqueuex are not portable), so FD_CLOEXEC
//   is set right after creation. https://man.freebsd.org/cgi/man.cgi?query=kqueue&sektion=2
// - When kevent(2) fails with EINTR the changelist has already been applied (changes are
//   registered before the wait), so the retry passes no changes: re-applying EV_DELETE would
//   fail with ENOENT. https://man.freebsd.org/cgi/man.cgi?query=kevent&sektion=2 (ERRORS: EINTR)
// - ident is uintptr_t, data intptr_t and udata a pointer: all cross as doubles, exact up to 2^53.
// - The timeout is a timespec rebuilt from a monotonic Deadline on each try (PEP 475).
//   https://peps.python.org/pep-0475/
#include "util.h"

#ifdef IOMUX_HAVE_KQUEUE
#include <fcntl.h>
#include <sys/event.h>
#include <sys/types.h>
#include <unistd.h>
#endif

namespace iomux {

#ifdef IOMUX_HAVE_KQUEUE
namespace {

constexpr size_t kFields = 6;  // [ident, filter, flags, fflags, data, udata]

Napi::Value KqueueCreate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ::kqueue();
  if (fd < 0) return Num(env, -errno);
  if (::fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
    int err = errno;
    ::close(fd);
    return Num(env, -err);
  }
  State(env).owned.insert(fd);
  return Num(env, fd);
}

// kevent(kq, changes, nchanges, out, maxevents, timeoutNs): see lib/native.ts.
Napi::Value Kevent(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t kq = 0, nchanges = 0, maxevents = 0;
  double *changes = nullptr, *out = nullptr, timeoutNs = 0;
  size_t changesLen = 0, outLen = 0;
  if (!ArgInt(info, 0, &kq) || !ArgFloat64s(info, 1, &changes, &changesLen) || !ArgInt(info, 2, &nchanges) ||
      !ArgFloat64s(info, 3, &out, &outLen) || !ArgInt(info, 4, &maxevents) || !ArgDouble(info, 5, &timeoutNs))
    return Napi::Value();
  if (nchanges < 0 || static_cast<size_t>(nchanges) * kFields > changesLen)
    return OutOfRange(env, "nchanges must lie within the changes array");
  if (maxevents < 0 || static_cast<size_t>(maxevents) * kFields > outLen)
    return OutOfRange(env, "maxevents must lie within the out array");
  struct kevent* buf = State(env).Scratch<struct kevent>(static_cast<size_t>(nchanges) + maxevents + 1);
  struct kevent* chl = buf;
  struct kevent* evl = buf + nchanges;
  for (int32_t i = 0; i < nchanges; i++) {
    const double* f = changes + i * kFields;
    EV_SET(&chl[i], static_cast<uintptr_t>(f[0]), static_cast<int16_t>(f[1]), static_cast<uint16_t>(f[2]),
           static_cast<uint32_t>(f[3]), static_cast<intptr_t>(f[4]),
           reinterpret_cast<void*>(static_cast<intptr_t>(f[5])));
  }
  Deadline deadline(timeoutNs / 1e6);
  int r;
  int pending = nchanges;
  for (;;) {
    timespec ts;
    timespec* pts = nullptr;
    if (!deadline.forever()) {
      double ns = deadline.RemainingNs();
      ts.tv_sec = static_cast<time_t>(ns / 1e9);
      ts.tv_nsec = static_cast<long>(ns - static_cast<double>(ts.tv_sec) * 1e9);
      pts = &ts;
    }
    r = ::kevent(kq, chl, pending, evl, maxevents, pts);
    if (r >= 0 || errno != EINTR) break;
    pending = 0;  // already applied
  }
  if (r < 0) return Num(env, -errno);
  for (int i = 0; i < r; i++) {
    double* f = out + i * kFields;
    f[0] = static_cast<double>(evl[i].ident);
    f[1] = evl[i].filter;
    f[2] = evl[i].flags;
    f[3] = evl[i].fflags;
    f[4] = static_cast<double>(evl[i].data);
    f[5] = static_cast<double>(reinterpret_cast<intptr_t>(evl[i].udata));
  }
  return Num(env, r);
}

}  // namespace
#endif

void InitKqueue(Napi::Env env, Napi::Object exports) {
#ifdef IOMUX_HAVE_KQUEUE
  exports.Set("kqueueCreate", Napi::Function::New(env, KqueueCreate, "kqueueCreate"));
  exports.Set("kevent", Napi::Function::New(env, Kevent, "kevent"));
  Napi::Object c = Constants(exports);
#define KQ(js, os) c.Set(js, Napi::Number::New(env, static_cast<double>(os)))
  KQ("KQ_FILTER_READ", EVFILT_READ);
  KQ("KQ_FILTER_WRITE", EVFILT_WRITE);
#ifdef EVFILT_AIO
  KQ("KQ_FILTER_AIO", EVFILT_AIO);
#endif
#ifdef EVFILT_VNODE
  KQ("KQ_FILTER_VNODE", EVFILT_VNODE);
#endif
#ifdef EVFILT_PROC
  KQ("KQ_FILTER_PROC", EVFILT_PROC);
#endif
#ifdef EVFILT_NETDEV
  KQ("KQ_FILTER_NETDEV", EVFILT_NETDEV);
#endif
#ifdef EVFILT_SIGNAL
  KQ("KQ_FILTER_SIGNAL", EVFILT_SIGNAL);
#endif
#ifdef EVFILT_TIMER
  KQ("KQ_FILTER_TIMER", EVFILT_TIMER);
#endif
#ifdef EVFILT_USER
  KQ("KQ_FILTER_USER", EVFILT_USER);
#endif
  KQ("KQ_EV_ADD", EV_ADD);
  KQ("KQ_EV_DELETE", EV_DELETE);
  KQ("KQ_EV_ENABLE", EV_ENABLE);
  KQ("KQ_EV_DISABLE", EV_DISABLE);
  KQ("KQ_EV_ONESHOT", EV_ONESHOT);
  KQ("KQ_EV_CLEAR", EV_CLEAR);
  KQ("KQ_EV_EOF", EV_EOF);
  KQ("KQ_EV_ERROR", EV_ERROR);
#ifdef EV_SYSFLAGS
  KQ("KQ_EV_SYSFLAGS", EV_SYSFLAGS);
#endif
#ifdef EV_FLAG1
  KQ("KQ_EV_FLAG1", EV_FLAG1);
#endif
#ifdef EV_RECEIPT
  KQ("KQ_EV_RECEIPT", EV_RECEIPT);
#endif
#ifdef EV_DISPATCH
  KQ("KQ_EV_DISPATCH", EV_DISPATCH);
#endif
#ifdef NOTE_LOWAT
  KQ("KQ_NOTE_LOWAT", NOTE_LOWAT);
#endif
#ifdef NOTE_DELETE
  KQ("KQ_NOTE_DELETE", NOTE_DELETE);
#endif
#ifdef NOTE_WRITE
  KQ("KQ_NOTE_WRITE", NOTE_WRITE);
#endif
#ifdef NOTE_EXTEND
  KQ("KQ_NOTE_EXTEND", NOTE_EXTEND);
#endif
#ifdef NOTE_ATTRIB
  KQ("KQ_NOTE_ATTRIB", NOTE_ATTRIB);
#endif
#ifdef NOTE_LINK
  KQ("KQ_NOTE_LINK", NOTE_LINK);
#endif
#ifdef NOTE_RENAME
  KQ("KQ_NOTE_RENAME", NOTE_RENAME);
#endif
#ifdef NOTE_REVOKE
  KQ("KQ_NOTE_REVOKE", NOTE_REVOKE);
#endif
#ifdef NOTE_EXIT
  KQ("KQ_NOTE_EXIT", NOTE_EXIT);
#endif
#ifdef NOTE_FORK
  KQ("KQ_NOTE_FORK", NOTE_FORK);
#endif
#ifdef NOTE_EXEC
  KQ("KQ_NOTE_EXEC", NOTE_EXEC);
#endif
#ifdef NOTE_PCTRLMASK
  KQ("KQ_NOTE_PCTRLMASK", NOTE_PCTRLMASK);
#endif
#ifdef NOTE_PDATAMASK
  KQ("KQ_NOTE_PDATAMASK", NOTE_PDATAMASK);
#endif
#ifdef NOTE_TRACK
  KQ("KQ_NOTE_TRACK", NOTE_TRACK);
#endif
#ifdef NOTE_CHILD
  KQ("KQ_NOTE_CHILD", NOTE_CHILD);
#endif
#ifdef NOTE_TRACKERR
  KQ("KQ_NOTE_TRACKERR", NOTE_TRACKERR);
#endif
#ifdef NOTE_LINKUP
  KQ("KQ_NOTE_LINKUP", NOTE_LINKUP);
#endif
#ifdef NOTE_LINKDOWN
  KQ("KQ_NOTE_LINKDOWN", NOTE_LINKDOWN);
#endif
#ifdef NOTE_LINKINV
  KQ("KQ_NOTE_LINKINV", NOTE_LINKINV);
#endif
#undef KQ
#endif
}

}  // namespace iomux
