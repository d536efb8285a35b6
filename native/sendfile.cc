// sendfile(2) and the positional file calls its fallback needs (pread, lseek, fstat's size), for
// os.sendfile, Socket.sendfile and loop.sockSendfile. OS quirks handled here:
// - Linux: sendfile(out, in, &offset, count) with any in fd that supports mmap-like reads and any
//   out fd; a NULL offset reads from (and advances) in's file position.
//   https://man7.org/linux/man-pages/man2/sendfile.2.html
// - macOS: sendfile(in, sock, offset, &len, hdtr, flags), out must be a stream socket and the
//   offset is required; on a non-blocking socket it fails with EAGAIN *after* sending len bytes,
//   so a partial send is a count here, not an error. https://www.unix.com/man-page/osx/2/sendfile/
// - FreeBSD: sendfile(in, sock, offset, nbytes, hdtr, &sbytes, flags), EAGAIN with sbytes as on
//   macOS. https://man.freebsd.org/cgi/man.cgi?query=sendfile&sektion=2
// - Elsewhere: -ENOSYS, and the TypeScript side falls back to read + send, as Python does.
// - EINTR is retried (PEP 475); a partial send before EINTR is returned as a count on the BSDs.
#include <errno.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/sendfile.h>
#elif defined(__APPLE__) || defined(__FreeBSD__)
#include <sys/socket.h>
#include <sys/uio.h>
#endif

#include "util.h"

namespace iomux {

namespace {

// A file offset or count from a double: NaN or negative is -1 ("none").
off_t AsOffset(double v) { return v >= 0 ? static_cast<off_t>(v) : -1; }

// sendfile(2) of at most count bytes from in (at offset, or its position when offset < 0) to out:
// the count sent, or -errno.
double SendfileOnce(int out, int in, off_t offset, size_t count) {
#if defined(__linux__)
  off_t at = offset;
  ssize_t r = NoIntr([&] { return ::sendfile(out, in, offset < 0 ? nullptr : &at, count); });
  return r < 0 ? -errno : static_cast<double>(r);
#elif defined(__APPLE__) || defined(__FreeBSD__)
  bool fromPosition = offset < 0;
  off_t at = fromPosition ? lseek(in, 0, SEEK_CUR) : offset;
  if (at < 0) return -errno;
  off_t sent = 0;
  int r;
  do {
#if defined(__APPLE__)
    sent = static_cast<off_t>(count);
    r = ::sendfile(in, out, at, &sent, nullptr, 0);
#else
    r = ::sendfile(in, out, at, count, nullptr, &sent, 0);
#endif
  } while (r < 0 && errno == EINTR && sent == 0);
  if (r < 0 && !((errno == EAGAIN || errno == EINTR) && sent > 0)) return -errno;
  if (fromPosition && sent > 0 && lseek(in, at + sent, SEEK_SET) < 0) return -errno;
  return static_cast<double>(sent);
#else
  return -ENOSYS;
#endif
}

// sendfile(outFd, inFd, offset, count): offset < 0 means in's file position.
Napi::Value Sendfile(const Napi::CallbackInfo& info) {
  int32_t out = 0, in = 0;
  double offset = 0, count = 0;
  if (!ArgInt(info, 0, &out) || !ArgInt(info, 1, &in) || !ArgDouble(info, 2, &offset) || !ArgDouble(info, 3, &count))
    return Napi::Value();
  if (!(count >= 0)) return OutOfRange(info.Env(), "count must be non-negative");
  return Num(info.Env(), SendfileOnce(out, in, AsOffset(offset), static_cast<size_t>(count)));
}

// pread(fd, buf, off, len, position): bytes read into buf[off, off+len), or -errno.
Napi::Value Pread(const Napi::CallbackInfo& info) {
  int32_t fd = 0;
  uint8_t* data = nullptr;
  size_t len = 0;
  double position = 0;
  if (!ArgInt(info, 0, &fd) || !ArgWindow(info, 1, &data, &len) || !ArgDouble(info, 4, &position)) return Napi::Value();
  off_t at = AsOffset(position);
  if (at < 0) return Num(info.Env(), -EINVAL);
  return Sys(info.Env(), NoIntr([&] { return ::pread(fd, data, len, at); }));
}

// lseek(fd, position, whence): the new position, or -errno.
Napi::Value Lseek(const Napi::CallbackInfo& info) {
  int32_t fd = 0, whence = 0;
  double position = 0;
  if (!ArgInt(info, 0, &fd) || !ArgDouble(info, 1, &position) || !ArgInt(info, 2, &whence)) return Napi::Value();
  return Sys(info.Env(), ::lseek(fd, static_cast<off_t>(position), whence));
}

// fstat(fd)'s st_size for a regular file, -EINVAL ("not a regular file") for anything else, or -errno.
Napi::Value RegularFileSize(const Napi::CallbackInfo& info) {
  int32_t fd = 0;
  if (!ArgInt(info, 0, &fd)) return Napi::Value();
  struct stat st;
  if (fstat(fd, &st) < 0) return Num(info.Env(), -errno);
  if (!S_ISREG(st.st_mode)) return Num(info.Env(), -EINVAL);
  return Num(info.Env(), static_cast<double>(st.st_size));
}

}  // namespace

void InitSendfile(Napi::Env env, Napi::Object exports) {
  exports.Set("sendfile", Napi::Function::New(env, Sendfile, "sendfile"));
  exports.Set("pread", Napi::Function::New(env, Pread, "pread"));
  exports.Set("lseek", Napi::Function::New(env, Lseek, "lseek"));
  exports.Set("regularFileSize", Napi::Function::New(env, RegularFileSize, "regularFileSize"));
}

}  // namespace iomux
