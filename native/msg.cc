// sendmsg(2) and recvmsg(2) with ancillary data: Python's sendmsg, recvmsg and recvmsg_into, and
// through them fd passing (SCM_RIGHTS). OS quirks handled here:
// - The control buffer's layout (CMSG_ALIGN padding, header size) belongs to the platform, so it
//   is built and parsed only here, with the CMSG_* macros; JavaScript sees [level, type, bytes].
//   https://man7.org/linux/man-pages/man3/cmsg.3.html
// - Close-on-exec: every recvmsg passes MSG_CMSG_CLOEXEC where it exists (Linux, the BSDs), so a
//   received fd is never inherited by a child (CPython does not, and its fds are inheritable).
//   Linux echoes the flag in msg_flags; it is removed there unless the caller asked for it, so
//   msg_flags read as Python's. macOS has no such flag: FD_CLOEXEC is set on each received fd
//   right after (a fork in between could leak it; macOS offers no atomic way).
//   https://man7.org/linux/man-pages/man2/recvmsg.2.html
// - MSG_CTRUNC: the kernel installs the fds that fit in the control buffer and closes the rest
//   (Linux scm_detach_fds). The ones that did arrive are closed here too and their SCM_RIGHTS
//   items dropped: a caller that asked for too few fds must not be left holding some of them.
// - No fd leaks between recvmsg(2) and JavaScript: if the result cannot be built (a pending
//   exception), every received fd is closed before returning.
// - SIGPIPE: sendmsg passes MSG_NOSIGNAL where it exists (SO_NOSIGPIPE is set at creation on
//   macOS, see socket.cc). EINTR is retried (PEP 475). https://peps.python.org/pep-0475/
// - A SOCK_STREAM sendmsg of zero bytes sends nothing, its ancillary data included (Linux): the
//   caller's fds are not consumed, so nothing leaks, but nothing arrives either.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "address.h"
#include "util.h"

#ifndef MSG_NOSIGNAL
#define IOMUX_MSG_NOSIGNAL 0
#else
#define IOMUX_MSG_NOSIGNAL MSG_NOSIGNAL
#endif
#ifdef MSG_CMSG_CLOEXEC
#define IOMUX_MSG_CMSG_CLOEXEC MSG_CMSG_CLOEXEC
#else
#define IOMUX_MSG_CMSG_CLOEXEC 0
#endif

namespace iomux {

namespace {

// malloc'd memory freed at scope end: no exceptions in this build, so an allocation that fails
// must be a -ENOMEM result, never std::bad_alloc's terminate.
class Block {
 public:
  explicit Block(size_t bytes) : p_(bytes ? std::calloc(1, bytes) : nullptr), ok_(bytes == 0 || p_ != nullptr) {}
  ~Block() { std::free(p_); }
  Block(const Block&) = delete;
  Block& operator=(const Block&) = delete;
  bool ok() const { return ok_; }
  template <typename T>
  T* as() const { return static_cast<T*>(p_); }

 private:
  void* p_;
  bool ok_;
};

// The length of a JS array argument, or false (having thrown) when it is not one.
bool ArgArray(const Napi::CallbackInfo& info, size_t i, uint32_t* len) {
  *len = 0;
  if (info[i].IsArray()) {
    *len = info[i].As<Napi::Array>().Length();
    return true;
  }
  BadType(info, i, "an Array");
  return false;
}

// Fills iov from the array of byte views at argument i (count elements).
bool FillIov(const Napi::CallbackInfo& info, size_t i, iovec* iov, uint32_t count) {
  Napi::Array arr = info[i].As<Napi::Array>();
  for (uint32_t k = 0; k < count; k++) {
    uint8_t* data = nullptr;
    size_t len = 0;
    napi_value v;
    if (napi_get_element(info.Env(), arr, k, &v) != napi_ok || !BytesOf(info.Env(), v, &data, &len)) {
      BadType(info, i, "an Array of Buffers, TypedArrays or DataViews");
      return false;
    }
    iov[k].iov_base = data;
    iov[k].iov_len = len;
  }
  return true;
}

// One ancillary item to send: [level, type, bytes].
struct Item {
  int32_t level = 0, type = 0;
  uint8_t* data = nullptr;
  size_t len = 0;
};

bool GetItem(const Napi::CallbackInfo& info, size_t i, uint32_t k, Item* out) {
  napi_env env = info.Env();
  napi_value v, f0, f1, f2;
  bool isArray = false;
  if (napi_get_element(env, info[i], k, &v) == napi_ok && napi_is_array(env, v, &isArray) == napi_ok && isArray &&
      napi_get_element(env, v, 0, &f0) == napi_ok && napi_get_value_int32(env, f0, &out->level) == napi_ok &&
      napi_get_element(env, v, 1, &f1) == napi_ok && napi_get_value_int32(env, f1, &out->type) == napi_ok &&
      napi_get_element(env, v, 2, &f2) == napi_ok && BytesOf(env, f2, &out->data, &out->len))
    return true;
  BadType(info, i, "an Array of [level, type, bytes] items");
  return false;
}

// sendmsg(fd, buffers, ancdata, flags, family, host | null, port, flowinfo, scopeId) → bytes or -errno
Napi::Value Sendmsg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd = 0, flags = 0, family = 0, port = 0;
  double flowinfo = 0, scopeId = 0;
  uint32_t nbuf = 0, nanc = 0;
  if (!ArgInt(info, 0, &fd) || !ArgArray(info, 1, &nbuf) || !ArgArray(info, 2, &nanc) || !ArgInt(info, 3, &flags))
    return Napi::Value();
  bool hasAddress = !info[5].IsNull() && !info[5].IsUndefined();
  if (hasAddress && !info[5].IsString()) return BadType(info, 5, "a string or null");
  if (hasAddress && (!ArgInt(info, 4, &family) || !ArgInt(info, 6, &port) || !ArgDouble(info, 7, &flowinfo) ||
                     !ArgDouble(info, 8, &scopeId)))
    return Napi::Value();

  sockaddr_storage ss;
  socklen_t slen = 0;
  if (hasAddress) {
    int r = BuildAddress(family, info[5].As<Napi::String>().Utf8Value(), port, flowinfo, scopeId, &ss, &slen);
    if (r < 0) return Num(env, r);
  }

  Block iov(sizeof(iovec) * nbuf);
  if (!iov.ok()) return Num(env, -ENOMEM);
  if (!FillIov(info, 1, iov.as<iovec>(), nbuf)) return Napi::Value();

  // The items, then the control buffer: CMSG_SPACE each, as cmsg(3) lays them out.
  Block items(sizeof(Item) * nanc);
  if (!items.ok()) return Num(env, -ENOMEM);
  size_t space = 0;
  for (uint32_t k = 0; k < nanc; k++) {
    Item* it = items.as<Item>() + k;
    if (!GetItem(info, 2, k, it)) return Napi::Value();
    if (it->len > 0x7fffffff) return Num(env, -EINVAL);
    space += CMSG_SPACE(it->len);
  }
  if (space > 0x7fffffff) return Num(env, -EINVAL);
  Block control(space);
  if (!control.ok()) return Num(env, -ENOMEM);

  msghdr msg;
  std::memset(&msg, 0, sizeof msg);
  msg.msg_name = hasAddress ? &ss : nullptr;
  msg.msg_namelen = slen;
  msg.msg_iov = iov.as<iovec>();
  msg.msg_iovlen = nbuf;
  if (nanc > 0) {
    msg.msg_control = control.as<void>();
    msg.msg_controllen = space;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    for (uint32_t k = 0; k < nanc && c != nullptr; k++) {
      const Item& it = items.as<Item>()[k];
      c->cmsg_level = it.level;
      c->cmsg_type = it.type;
      c->cmsg_len = CMSG_LEN(it.len);
      if (it.len > 0) std::memcpy(CMSG_DATA(c), it.data, it.len);
      c = CMSG_NXTHDR(&msg, c);
    }
  }
  return Sys(env, NoIntr([&] { return ::sendmsg(fd, &msg, flags | IOMUX_MSG_NOSIGNAL); }));
}

// The data bytes of item c that lie inside the control buffer (a truncated item may claim more).
size_t DataLen(const msghdr* msg, const cmsghdr* c) {
  auto* base = static_cast<const unsigned char*>(msg->msg_control);
  auto* data = reinterpret_cast<const unsigned char*>(CMSG_DATA(c));
  size_t header = data - reinterpret_cast<const unsigned char*>(c);
  if (c->cmsg_len < header) return 0;
  size_t room = msg->msg_controllen - static_cast<size_t>(data - base);
  return std::min<size_t>(c->cmsg_len - header, room);
}

// Calls fn(fd) for every whole fd of every SCM_RIGHTS item inside the control buffer.
template <typename F>
void EachRight(msghdr* msg, F fn) {
  for (cmsghdr* c = CMSG_FIRSTHDR(msg); c != nullptr; c = CMSG_NXTHDR(msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const unsigned char* data = CMSG_DATA(c);
    size_t len = DataLen(msg, c);
    for (size_t at = 0; at + sizeof(int) <= len; at += sizeof(int)) {
      int fd;
      std::memcpy(&fd, data + at, sizeof fd);
      fn(fd);
    }
  }
}

// recvmsg(fd, buffers, ancbufsize, flags) → [bytes, [[level, type, Buffer]...], msgFlags, address | null] or -errno
Napi::Value Recvmsg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd = 0, ancbufsize = 0, flags = 0;
  uint32_t nbuf = 0;
  if (!ArgInt(info, 0, &fd) || !ArgArray(info, 1, &nbuf) || !ArgInt(info, 2, &ancbufsize) || !ArgInt(info, 3, &flags))
    return Napi::Value();
  if (ancbufsize < 0) return OutOfRange(env, "ancbufsize must not be negative");
  Block iov(sizeof(iovec) * nbuf);
  if (!iov.ok()) return Num(env, -ENOMEM);
  if (!FillIov(info, 1, iov.as<iovec>(), nbuf)) return Napi::Value();
  Block control(static_cast<size_t>(ancbufsize));
  if (!control.ok()) return Num(env, -ENOMEM);

  sockaddr_storage ss;
  msghdr msg;
  ssize_t n = NoIntr([&] {
    std::memset(&ss, 0, sizeof ss);
    std::memset(&msg, 0, sizeof msg);
    msg.msg_name = &ss;
    msg.msg_namelen = sizeof ss;
    msg.msg_iov = iov.as<iovec>();
    msg.msg_iovlen = nbuf;
    msg.msg_control = ancbufsize > 0 ? control.as<void>() : nullptr;
    msg.msg_controllen = static_cast<size_t>(ancbufsize);
    return ::recvmsg(fd, &msg, flags | IOMUX_MSG_CMSG_CLOEXEC);
  });
  if (n < 0) return Num(env, -errno);
  if (msg.msg_control == nullptr) msg.msg_controllen = 0;

  bool truncated = (msg.msg_flags & MSG_CTRUNC) != 0;
  EachRight(&msg, [&](int got) {
    if (truncated) {
      ::close(got);
      return;
    }
#ifndef MSG_CMSG_CLOEXEC
    fcntl(got, F_SETFD, FD_CLOEXEC);
#endif
  });

  // Linux echoes MSG_CMSG_CLOEXEC in msg_flags: keep it only when the caller passed it.
  int msgFlags = msg.msg_flags & ~(IOMUX_MSG_CMSG_CLOEXEC & ~flags);
  Napi::Array anc = Napi::Array::New(env);
  uint32_t count = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr && !env.IsExceptionPending(); c = CMSG_NXTHDR(&msg, c)) {
    if (truncated && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) continue;  // closed above
    Napi::Array item = Napi::Array::New(env, 3);
    item.Set(0u, Num(env, c->cmsg_level));
    item.Set(1u, Num(env, c->cmsg_type));
    item.Set(2u, Napi::Buffer<uint8_t>::Copy(env, CMSG_DATA(c), DataLen(&msg, c)));
    anc.Set(count++, item);
  }
  Napi::Array a = Napi::Array::New(env, 4);
  a.Set(0u, Num(env, static_cast<double>(n)));
  a.Set(1u, anc);
  a.Set(2u, Num(env, msgFlags));
  // No address (a connected socket, an unnamed AF_UNIX sender): null, as CPython's None.
  a.Set(3u, msg.msg_namelen == 0 ? env.Null() : MakeAddress(env, &ss, msg.msg_namelen));
  if (env.IsExceptionPending()) {
    if (!truncated) EachRight(&msg, [](int got) { ::close(got); });
    return Napi::Value();
  }
  return a;
}

// CMSG_LEN(n) and CMSG_SPACE(n) for 0 <= n (TypeScript checks the range of the result).
Napi::Value CmsgLen(const Napi::CallbackInfo& info) {
  double n = 0;
  if (!ArgDouble(info, 0, &n)) return Napi::Value();
  if (!(n >= 0 && n <= 0x7fffffff)) return OutOfRange(info.Env(), "length must be within 0 and 2**31-1");
  return Num(info.Env(), static_cast<double>(CMSG_LEN(static_cast<size_t>(n))));
}

Napi::Value CmsgSpace(const Napi::CallbackInfo& info) {
  double n = 0;
  if (!ArgDouble(info, 0, &n)) return Napi::Value();
  if (!(n >= 0 && n <= 0x7fffffff)) return OutOfRange(info.Env(), "length must be within 0 and 2**31-1");
  return Num(info.Env(), static_cast<double>(CMSG_SPACE(static_cast<size_t>(n))));
}

}  // namespace

void InitMsg(Napi::Env env, Napi::Object exports) {
  exports.Set("sendmsg", Napi::Function::New(env, Sendmsg, "sendmsg"));
  exports.Set("recvmsg", Napi::Function::New(env, Recvmsg, "recvmsg"));
  exports.Set("cmsgLen", Napi::Function::New(env, CmsgLen, "cmsgLen"));
  exports.Set("cmsgSpace", Napi::Function::New(env, CmsgSpace, "cmsgSpace"));
  Napi::Object c = Constants(exports);
  IOMUX_CONST(c, SCM_RIGHTS);
}

}  // namespace iomux
