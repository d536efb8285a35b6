// fd functions of Python's os module: pipe, read, write, close, dup, O_NONBLOCK, O_ASYNC, owner.
// OS quirks handled here:
// - pipe2(2) is missing on macOS: see CloexecPipe in util.h.
// - close(2) is never retried on EINTR: Linux frees the fd even then, and a retry could close an
//   fd another thread just got. https://man7.org/linux/man-pages/man2/close.2.html ("Dealing with
//   error returns from close()").
// - read/write are retried on EINTR (PEP 475). https://peps.python.org/pep-0475/
// - dup via fcntl(F_DUPFD_CLOEXEC): Python's os.dup makes a non-inheritable copy (PEP 446), and
//   dup(2) + FD_CLOEXEC would race with fork. https://man7.org/linux/man-pages/man2/fcntl.2.html
// - O_ASYNC is spelled FASYNC on some systems; F_SETOWN with a negative value names a process
//   group. https://man7.org/linux/man-pages/man2/fcntl.2.html ("Managing signals")
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "util.h"

#if !defined(O_ASYNC) && defined(FASYNC)
#define O_ASYNC FASYNC
#endif

namespace iomux {

namespace {

Napi::Value Pipe(const Napi::CallbackInfo& info) { return PipeInto(info, false); }

Napi::Value Read(const Napi::CallbackInfo& info) {
  int32_t fd;
  uint8_t* data;
  size_t len;
  if (!ArgInt(info, 0, &fd) || !ArgWindow(info, 1, &data, &len)) return Napi::Value();
  return Sys(info.Env(), NoIntr([&] { return ::read(fd, data, len); }));
}

Napi::Value Write(const Napi::CallbackInfo& info) {
  int32_t fd;
  uint8_t* data;
  size_t len;
  if (!ArgInt(info, 0, &fd) || !ArgWindow(info, 1, &data, &len)) return Napi::Value();
  return Sys(info.Env(), NoIntr([&] { return ::write(fd, data, len); }));
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  int32_t fd;
  if (!ArgInt(info, 0, &fd)) return Napi::Value();
  // Forget it first: after close(2) the number may be reused by another thread at once.
  State(info.Env()).owned.erase(fd);
  return Sys(info.Env(), ::close(fd));
}

Napi::Value Dup(const Napi::CallbackInfo& info) {
  int32_t fd;
  if (!ArgInt(info, 0, &fd)) return Napi::Value();
  return Sys(info.Env(), fcntl(fd, F_DUPFD_CLOEXEC, 0));
}

// Sets or clears one bit of the file status flags.
long SetFlag(int fd, int bit, bool on) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return -1;
  int next = on ? (flags | bit) : (flags & ~bit);
  if (next == flags) return 0;
  return fcntl(fd, F_SETFL, next);
}

long GetFlag(int fd, int bit) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return -1;
  return (flags & bit) ? 1 : 0;
}

Napi::Value SetBlocking(const Napi::CallbackInfo& info) {
  int32_t fd, blocking;
  if (!ArgInt(info, 0, &fd) || !ArgInt(info, 1, &blocking)) return Napi::Value();
  return Sys(info.Env(), SetFlag(fd, O_NONBLOCK, blocking == 0));
}

Napi::Value GetBlocking(const Napi::CallbackInfo& info) {
  int32_t fd;
  if (!ArgInt(info, 0, &fd)) return Napi::Value();
  long r = GetFlag(fd, O_NONBLOCK);
  return Sys(info.Env(), r < 0 ? r : 1 - r);
}

Napi::Value SetAsync(const Napi::CallbackInfo& info) {
  int32_t fd, on;
  if (!ArgInt(info, 0, &fd) || !ArgInt(info, 1, &on)) return Napi::Value();
  return Sys(info.Env(), SetFlag(fd, O_ASYNC, on != 0));
}

Napi::Value GetAsync(const Napi::CallbackInfo& info) {
  int32_t fd;
  if (!ArgInt(info, 0, &fd)) return Napi::Value();
  return Sys(info.Env(), GetFlag(fd, O_ASYNC));
}

Napi::Value SetOwner(const Napi::CallbackInfo& info) {
  int32_t fd, pid;
  if (!ArgInt(info, 0, &fd) || !ArgInt(info, 1, &pid)) return Napi::Value();
  return Sys(info.Env(), fcntl(fd, F_SETOWN, pid));
}

Napi::Value GetOwner(const Napi::CallbackInfo& info) {
  int32_t fd;
  int32_t* out;
  size_t n;
  if (!ArgInt(info, 0, &fd) || !ArgInt32s(info, 1, &out, &n)) return Napi::Value();
  if (n < 1) return OutOfRange(info.Env(), "the output array must hold 1 value");
  // F_GETOWN returns the owner itself, and a negative owner (a process group) looks like an
  // error: clear errno to tell them apart (fcntl(2), BUGS).
  errno = 0;
  int owner = fcntl(fd, F_GETOWN);
  if (owner == -1 && errno != 0) return Num(info.Env(), -errno);
  out[0] = owner;
  return Num(info.Env(), 0);
}

Napi::Value Own(const Napi::CallbackInfo& info) {
  int32_t fd;
  if (!ArgInt(info, 0, &fd)) return Napi::Value();
  if (fd >= 0) State(info.Env()).owned.insert(fd);
  return info.Env().Undefined();
}

Napi::Value Release(const Napi::CallbackInfo& info) {
  int32_t fd;
  if (!ArgInt(info, 0, &fd)) return Napi::Value();
  State(info.Env()).owned.erase(fd);
  return info.Env().Undefined();
}

}  // namespace

void InitFd(Napi::Env env, Napi::Object exports) {
  exports.Set("pipe", Napi::Function::New(env, Pipe, "pipe"));
  exports.Set("read", Napi::Function::New(env, Read, "read"));
  exports.Set("write", Napi::Function::New(env, Write, "write"));
  exports.Set("close", Napi::Function::New(env, Close, "close"));
  exports.Set("dup", Napi::Function::New(env, Dup, "dup"));
  exports.Set("setBlocking", Napi::Function::New(env, SetBlocking, "setBlocking"));
  exports.Set("getBlocking", Napi::Function::New(env, GetBlocking, "getBlocking"));
  exports.Set("setAsync", Napi::Function::New(env, SetAsync, "setAsync"));
  exports.Set("getAsync", Napi::Function::New(env, GetAsync, "getAsync"));
  exports.Set("setOwner", Napi::Function::New(env, SetOwner, "setOwner"));
  exports.Set("getOwner", Napi::Function::New(env, GetOwner, "getOwner"));
  exports.Set("own", Napi::Function::New(env, Own, "own"));
  exports.Set("release", Napi::Function::New(env, Release, "release"));

  Napi::Object c = Constants(exports);
  IOMUX_CONST(c, O_NONBLOCK);
  IOMUX_CONST(c, O_ASYNC);
  IOMUX_CONST(c, O_CLOEXEC);
  IOMUX_CONST(c, FD_CLOEXEC);
  IOMUX_CONST(c, F_GETFL);
  IOMUX_CONST(c, F_SETFL);
  IOMUX_CONST(c, F_GETFD);
  IOMUX_CONST(c, F_SETFD);
  IOMUX_CONST(c, F_GETOWN);
  IOMUX_CONST(c, F_SETOWN);
  IOMUX_CONST(c, F_DUPFD_CLOEXEC);
#ifdef SIGIO
  IOMUX_CONST(c, SIGIO);
#endif
}

}  // namespace iomux
