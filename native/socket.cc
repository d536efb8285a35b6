// Socket calls and address conversion. OS quirks handled here:
// - close-on-exec at creation: SOCK_CLOEXEC in the type (socket, socketpair) and accept4 where
//   they exist (Linux, FreeBSD, OpenBSD, NetBSD); macOS has neither, so FD_CLOEXEC is set right
//   after (a fork in between can still leak it; macOS offers no atomic way).
//   https://man7.org/linux/man-pages/man2/socket.2.html, https://man7.org/linux/man-pages/man2/accept.2.html
// - SIGPIPE: Linux has no per-socket switch, so every send/sendto passes MSG_NOSIGNAL; macOS has
//   no MSG_NOSIGNAL but SO_NOSIGPIPE per socket, set on every socket created or accepted here.
//   Either way a write to a closed peer is -EPIPE. https://man7.org/linux/man-pages/man2/send.2.html
// - EINTR: recv/send/recvfrom/sendto/accept are retried (PEP 475); connect is not, because a
//   retried connect after EINTR fails with EALREADY/EISCONN while the first attempt goes on in
//   the background. https://peps.python.org/pep-0475/#modified-functions
// - AF_UNIX: a path of exactly sun_path's size has no terminating NUL; a name starting with '\0'
//   is Linux's abstract namespace (its length is the address length, no NUL); an empty path binds
//   to an autobound abstract name on Linux; an unnamed socket's address has length
//   offsetof(sun_path) (or 0 on macOS) and reads as ''. https://man7.org/linux/man-pages/man7/unix.7.html
// - BSDs and macOS want sin_len/sin6_len/sun_len set. https://man.freebsd.org/cgi/man.cgi?query=unix&sektion=4
// - Hosts are numeric only (inet_pton); a bad one is -EINVAL, like a bad family is -EAFNOSUPPORT.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <string>

#include "address.h"
#include "util.h"

#ifndef MSG_NOSIGNAL
#define IOMUX_MSG_NOSIGNAL 0
#else
#define IOMUX_MSG_NOSIGNAL MSG_NOSIGNAL
#endif

namespace iomux {

namespace {

// Marks a new fd close-on-exec where the type flag is missing, stops SIGPIPE where the flag is a
// socket option, and owns it. Returns the fd, or -errno (having closed it).
int Adopt(Napi::Env env, int fd) {
#ifndef SOCK_CLOEXEC
  if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
    int e = errno;
    ::close(fd);
    return -e;
  }
#endif
#ifdef SO_NOSIGPIPE
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
  State(env).owned.insert(fd);
  return fd;
}

int CloexecType(int type) {
#ifdef SOCK_CLOEXEC
  return type | SOCK_CLOEXEC;
#else
  return type;
#endif
}

// Builds a sockaddr from the address arguments at info[i..i+5): family, host, port, flowinfo,
// scopeId. Returns 0, or -errno (-EINVAL for a bad host, -EAFNOSUPPORT for a bad family), or 1
// when a JS exception was thrown for a wrong argument type.
int ArgAddress(const Napi::CallbackInfo& info, size_t i, sockaddr_storage* ss, socklen_t* len) {
  int32_t family = 0, port = 0;
  double flowinfo = 0, scopeId = 0;
  if (!ArgInt(info, i, &family)) return 1;
  if (!info[i + 1].IsString()) {
    BadType(info, i + 1, "a string");
    return 1;
  }
  if (!ArgInt(info, i + 2, &port) || !ArgDouble(info, i + 3, &flowinfo) || !ArgDouble(info, i + 4, &scopeId))
    return 1;
  return BuildAddress(family, info[i + 1].As<Napi::String>().Utf8Value(), port, flowinfo, scopeId, ss, len);
}

}  // namespace

// A sockaddr as the Python-shaped Address, or null for an unknown family or an empty address.
// Declared in address.h: msg.cc's recvmsg returns addresses too.
Napi::Value MakeAddress(Napi::Env env, const sockaddr_storage* ss, socklen_t len) {
  char buf[INET6_ADDRSTRLEN];
  if (len >= sizeof(sa_family_t) && ss->ss_family == AF_INET) {
    auto* sin = reinterpret_cast<const sockaddr_in*>(ss);
    inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof buf);
    Napi::Array a = Napi::Array::New(env, 2);
    a.Set(0u, Napi::String::New(env, buf));
    a.Set(1u, Num(env, ntohs(sin->sin_port)));
    return a;
  }
  if (len >= sizeof(sa_family_t) && ss->ss_family == AF_INET6) {
    auto* sin6 = reinterpret_cast<const sockaddr_in6*>(ss);
    inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof buf);
    Napi::Array a = Napi::Array::New(env, 4);
    a.Set(0u, Napi::String::New(env, buf));
    a.Set(1u, Num(env, ntohs(sin6->sin6_port)));
    a.Set(2u, Num(env, ntohl(sin6->sin6_flowinfo)));
    a.Set(3u, Num(env, sin6->sin6_scope_id));
    return a;
  }
  // An unnamed AF_UNIX socket may come back with length 0 (macOS) or just the family (Linux).
  if (len == 0 || ss->ss_family == AF_UNIX) {
    auto* sun = reinterpret_cast<const sockaddr_un*>(ss);
    size_t off = offsetof(sockaddr_un, sun_path);
    if (len <= off) return Napi::String::New(env, "");
    size_t n = std::min<size_t>(len - off, sizeof sun->sun_path);
    if (sun->sun_path[0] != '\0') n = strnlen(sun->sun_path, n);  // a path: up to its NUL
    return Napi::String::New(env, sun->sun_path, n);
  }
  return env.Null();
}

namespace {

// socket(family, type, proto)
Napi::Value Socket(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t family = 0, type = 0, proto = 0;
  if (!ArgInt(info, 0, &family) || !ArgInt(info, 1, &type) || !ArgInt(info, 2, &proto)) return Napi::Value();
  int fd = ::socket(family, CloexecType(type), proto);
  if (fd < 0) return Num(env, -errno);
  return Num(env, Adopt(env, fd));
}

// socketpair(family, type, proto, out)
Napi::Value Socketpair(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t family = 0, type = 0, proto = 0, *out = nullptr;
  size_t outLen = 0;
  if (!ArgInt(info, 0, &family) || !ArgInt(info, 1, &type) || !ArgInt(info, 2, &proto) ||
      !ArgInt32s(info, 3, &out, &outLen))
    return Napi::Value();
  if (outLen < 2) return OutOfRange(env, "out must hold 2 fds");
  int sv[2];
  if (::socketpair(family, CloexecType(type), proto, sv) < 0) return Num(env, -errno);
  int a = Adopt(env, sv[0]);
  if (a < 0) {
    ::close(sv[1]);
    return Num(env, a);
  }
  int b = Adopt(env, sv[1]);
  if (b < 0) {
    State(env).owned.erase(a);
    ::close(a);
    return Num(env, b);
  }
  out[0] = a;
  out[1] = b;
  return Num(env, 0);
}

// bind(fd, family, host, port, flowinfo, scopeId) and connect(...): same arguments.
template <bool kConnect>
Napi::Value BindOrConnect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd = 0;
  sockaddr_storage ss;
  socklen_t len = 0;
  if (!ArgInt(info, 0, &fd)) return Napi::Value();
  int r = ArgAddress(info, 1, &ss, &len);
  if (r == 1) return Napi::Value();
  if (r < 0) return Num(env, r);
  auto* sa = reinterpret_cast<sockaddr*>(&ss);
  return Sys(env, kConnect ? ::connect(fd, sa, len) : ::bind(fd, sa, len));
}

Napi::Value Listen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd = 0, backlog = 0;
  if (!ArgInt(info, 0, &fd) || !ArgInt(info, 1, &backlog)) return Napi::Value();
  return Sys(env, ::listen(fd, backlog));
}

// accept(fd) → [fd, address] or -errno
Napi::Value Accept(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd = 0;
  if (!ArgInt(info, 0, &fd)) return Napi::Value();
  sockaddr_storage ss;
  socklen_t len;
  int c = NoIntr([&] {
    len = sizeof ss;
    std::memset(&ss, 0, sizeof ss);
#ifdef SOCK_CLOEXEC
    return ::accept4(fd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_CLOEXEC);
#else
    return ::accept(fd, reinterpret_cast<sockaddr*>(&ss), &len);
#endif
  });
  if (c < 0) return Num(env, -errno);
  c = Adopt(env, c);
  if (c < 0) return Num(env, c);
  Napi::Array a = Napi::Array::New(env, 2);
  a.Set(0u, Num(env, c));
  a.Set(1u, MakeAddress(env, &ss, len));
  return a;
}

// The leading arguments of recv, send, recvfrom and sendto: (fd, buf, off, len, flags).
struct IoArgs {
  int32_t fd = 0, flags = 0;
  uint8_t* data = nullptr;
  size_t len = 0;
};

bool ArgIo(const Napi::CallbackInfo& info, IoArgs* a) {
  return ArgInt(info, 0, &a->fd) && ArgWindow(info, 1, &a->data, &a->len) && ArgInt(info, 4, &a->flags);
}

// recv(fd, buf, off, len, flags)
Napi::Value Recv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  IoArgs io;
  if (!ArgIo(info, &io)) return Napi::Value();
  return Sys(env, NoIntr([&] { return ::recv(io.fd, io.data, io.len, io.flags); }));
}

// send(fd, buf, off, len, flags)
Napi::Value Send(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  IoArgs io;
  if (!ArgIo(info, &io)) return Napi::Value();
  return Sys(env, NoIntr([&] { return ::send(io.fd, io.data, io.len, io.flags | IOMUX_MSG_NOSIGNAL); }));
}

// recvfrom(fd, buf, off, len, flags) → [bytes, address | null] or -errno
Napi::Value Recvfrom(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  IoArgs io;
  if (!ArgIo(info, &io)) return Napi::Value();
  sockaddr_storage ss;
  socklen_t slen;
  ssize_t r = NoIntr([&] {
    slen = sizeof ss;
    std::memset(&ss, 0, sizeof ss);
    return ::recvfrom(io.fd, io.data, io.len, io.flags, reinterpret_cast<sockaddr*>(&ss), &slen);
  });
  if (r < 0) return Num(env, -errno);
  Napi::Array a = Napi::Array::New(env, 2);
  a.Set(0u, Num(env, static_cast<double>(r)));
  // No address (a connected stream socket): null, as CPython's makesockaddr gives None.
  a.Set(1u, slen == 0 ? env.Null() : MakeAddress(env, &ss, slen));
  return a;
}

// sendto(fd, buf, off, len, flags, family, host, port, flowinfo, scopeId)
Napi::Value Sendto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  IoArgs io;
  if (!ArgIo(info, &io)) return Napi::Value();
  sockaddr_storage ss;
  socklen_t slen = 0;
  int r = ArgAddress(info, 5, &ss, &slen);
  if (r == 1) return Napi::Value();
  if (r < 0) return Num(env, r);
  return Sys(env, NoIntr([&] {
               return ::sendto(io.fd, io.data, io.len, io.flags | IOMUX_MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&ss), slen);
             }));
}

Napi::Value Shutdown(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd = 0, how = 0;
  if (!ArgInt(info, 0, &fd) || !ArgInt(info, 1, &how)) return Napi::Value();
  return Sys(env, ::shutdown(fd, how));
}

template <bool kPeer>
Napi::Value Name(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd = 0;
  if (!ArgInt(info, 0, &fd)) return Napi::Value();
  sockaddr_storage ss;
  std::memset(&ss, 0, sizeof ss);
  socklen_t len = sizeof ss;
  auto* sa = reinterpret_cast<sockaddr*>(&ss);
  if ((kPeer ? ::getpeername(fd, sa, &len) : ::getsockname(fd, sa, &len)) < 0) return Num(env, -errno);
  return MakeAddress(env, &ss, len);
}

Napi::Value SockFamily(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd = 0;
  if (!ArgInt(info, 0, &fd)) return Napi::Value();
  sockaddr_storage ss;
  std::memset(&ss, 0, sizeof ss);
  socklen_t len = sizeof ss;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) < 0) return Num(env, -errno);
  // macOS reports an unnamed AF_UNIX socket with length 0 and family 0.
  return Num(env, ss.ss_family == AF_UNSPEC ? AF_UNIX : ss.ss_family);
}

Napi::Value SetsockoptInt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd = 0, level = 0, name = 0, value = 0;
  if (!ArgInt(info, 0, &fd) || !ArgInt(info, 1, &level) || !ArgInt(info, 2, &name) || !ArgInt(info, 3, &value))
    return Napi::Value();
  int v = value;
  return Sys(env, ::setsockopt(fd, level, name, &v, sizeof v));
}

Napi::Value SetsockoptBytes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd = 0, level = 0, name = 0;
  uint8_t* data = nullptr;
  size_t len = 0;
  if (!ArgInt(info, 0, &fd) || !ArgInt(info, 1, &level) || !ArgInt(info, 2, &name) || !ArgBytes(info, 3, &data, &len))
    return Napi::Value();
  return Sys(env, ::setsockopt(fd, level, name, data, static_cast<socklen_t>(len)));
}

Napi::Value GetsockoptInt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd = 0, level = 0, name = 0, *out = nullptr;
  size_t outLen = 0;
  if (!ArgInt(info, 0, &fd) || !ArgInt(info, 1, &level) || !ArgInt(info, 2, &name) ||
      !ArgInt32s(info, 3, &out, &outLen))
    return Napi::Value();
  if (outLen < 1) return OutOfRange(env, "out must hold 1 value");
  int v = 0;
  socklen_t len = sizeof v;
  if (::getsockopt(fd, level, name, &v, &len) < 0) return Num(env, -errno);
  out[0] = v;
  return Num(env, 0);
}

Napi::Value GetsockoptBytes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd = 0, level = 0, name = 0;
  uint8_t* data = nullptr;
  size_t len = 0;
  if (!ArgInt(info, 0, &fd) || !ArgInt(info, 1, &level) || !ArgInt(info, 2, &name) || !ArgBytes(info, 3, &data, &len))
    return Napi::Value();
  socklen_t slen = static_cast<socklen_t>(len);
  if (::getsockopt(fd, level, name, data, &slen) < 0) return Num(env, -errno);
  return Num(env, slen);
}

void AddConstants(Napi::Object c) {
  IOMUX_CONST(c, AF_INET);
  IOMUX_CONST(c, AF_INET6);
  IOMUX_CONST(c, AF_UNIX);
  IOMUX_CONST(c, AF_UNSPEC);
  IOMUX_CONST(c, SOCK_STREAM);
  IOMUX_CONST(c, SOCK_DGRAM);
  IOMUX_CONST(c, SOCK_RAW);
  IOMUX_CONST(c, SOCK_SEQPACKET);
#ifdef SOCK_NONBLOCK
  IOMUX_CONST(c, SOCK_NONBLOCK);
#endif
#ifdef SOCK_CLOEXEC
  IOMUX_CONST(c, SOCK_CLOEXEC);
#endif
  IOMUX_CONST(c, SOL_SOCKET);
  IOMUX_CONST(c, SO_REUSEADDR);
#ifdef SO_REUSEPORT
  IOMUX_CONST(c, SO_REUSEPORT);
#endif
  IOMUX_CONST(c, SO_KEEPALIVE);
  IOMUX_CONST(c, SO_BROADCAST);
  IOMUX_CONST(c, SO_LINGER);
  IOMUX_CONST(c, SO_RCVBUF);
  IOMUX_CONST(c, SO_SNDBUF);
  IOMUX_CONST(c, SO_RCVLOWAT);
  IOMUX_CONST(c, SO_SNDLOWAT);
  IOMUX_CONST(c, SO_RCVTIMEO);
  IOMUX_CONST(c, SO_SNDTIMEO);
  IOMUX_CONST(c, SO_ERROR);
  IOMUX_CONST(c, SO_TYPE);
  IOMUX_CONST(c, SO_ACCEPTCONN);
  IOMUX_CONST(c, SO_OOBINLINE);
  IOMUX_CONST(c, SO_DONTROUTE);
#ifdef SO_DOMAIN
  IOMUX_CONST(c, SO_DOMAIN);
#endif
#ifdef SO_PROTOCOL
  IOMUX_CONST(c, SO_PROTOCOL);
#endif
#ifdef SO_NOSIGPIPE
  IOMUX_CONST(c, SO_NOSIGPIPE);
#endif
  IOMUX_CONST(c, IPPROTO_IP);
  IOMUX_CONST(c, IPPROTO_TCP);
  IOMUX_CONST(c, IPPROTO_UDP);
  IOMUX_CONST(c, IPPROTO_IPV6);
  IOMUX_CONST(c, IPPROTO_ICMP);
  IOMUX_CONST(c, IPPROTO_RAW);
  IOMUX_CONST(c, TCP_NODELAY);
#ifdef TCP_MAXSEG
  IOMUX_CONST(c, TCP_MAXSEG);
#endif
#ifdef TCP_KEEPIDLE
  IOMUX_CONST(c, TCP_KEEPIDLE);
#endif
#ifdef TCP_KEEPALIVE
  IOMUX_CONST(c, TCP_KEEPALIVE);
#endif
#ifdef TCP_KEEPINTVL
  IOMUX_CONST(c, TCP_KEEPINTVL);
#endif
#ifdef TCP_KEEPCNT
  IOMUX_CONST(c, TCP_KEEPCNT);
#endif
#ifdef TCP_CORK
  IOMUX_CONST(c, TCP_CORK);
#endif
#ifdef TCP_QUICKACK
  IOMUX_CONST(c, TCP_QUICKACK);
#endif
#ifdef TCP_USER_TIMEOUT
  IOMUX_CONST(c, TCP_USER_TIMEOUT);
#endif
#ifdef TCP_FASTOPEN
  IOMUX_CONST(c, TCP_FASTOPEN);
#endif
#ifdef TCP_NOTSENT_LOWAT
  IOMUX_CONST(c, TCP_NOTSENT_LOWAT);
#endif
  IOMUX_CONST(c, IP_TOS);
  IOMUX_CONST(c, IP_TTL);
  IOMUX_CONST(c, IP_MULTICAST_TTL);
  IOMUX_CONST(c, IP_MULTICAST_LOOP);
  IOMUX_CONST(c, IPV6_V6ONLY);
  IOMUX_CONST(c, IPV6_UNICAST_HOPS);
  IOMUX_CONST(c, SHUT_RD);
  IOMUX_CONST(c, SHUT_WR);
  IOMUX_CONST(c, SHUT_RDWR);
  IOMUX_CONST(c, MSG_PEEK);
  IOMUX_CONST(c, MSG_OOB);
  IOMUX_CONST(c, MSG_WAITALL);
  IOMUX_CONST(c, MSG_DONTWAIT);
  IOMUX_CONST(c, MSG_TRUNC);
  IOMUX_CONST(c, MSG_CTRUNC);
  IOMUX_CONST(c, MSG_EOR);
  IOMUX_CONST(c, MSG_DONTROUTE);
#ifdef MSG_NOSIGNAL
  IOMUX_CONST(c, MSG_NOSIGNAL);
#endif
#ifdef MSG_CMSG_CLOEXEC
  IOMUX_CONST(c, MSG_CMSG_CLOEXEC);
#endif
#ifdef MSG_CONFIRM
  IOMUX_CONST(c, MSG_CONFIRM);
#endif
#ifdef MSG_ERRQUEUE
  IOMUX_CONST(c, MSG_ERRQUEUE);
#endif
#ifdef MSG_MORE
  IOMUX_CONST(c, MSG_MORE);
#endif
  IOMUX_CONST(c, SOMAXCONN);
}

}  // namespace

void InitSocket(Napi::Env env, Napi::Object exports) {
  exports.Set("socket", Napi::Function::New(env, Socket, "socket"));
  exports.Set("socketpair", Napi::Function::New(env, Socketpair, "socketpair"));
  exports.Set("bind", Napi::Function::New(env, BindOrConnect<false>, "bind"));
  exports.Set("connect", Napi::Function::New(env, BindOrConnect<true>, "connect"));
  exports.Set("listen", Napi::Function::New(env, Listen, "listen"));
  exports.Set("accept", Napi::Function::New(env, Accept, "accept"));
  exports.Set("recv", Napi::Function::New(env, Recv, "recv"));
  exports.Set("send", Napi::Function::New(env, Send, "send"));
  exports.Set("recvfrom", Napi::Function::New(env, Recvfrom, "recvfrom"));
  exports.Set("sendto", Napi::Function::New(env, Sendto, "sendto"));
  exports.Set("shutdown", Napi::Function::New(env, Shutdown, "shutdown"));
  exports.Set("getsockname", Napi::Function::New(env, Name<false>, "getsockname"));
  exports.Set("getpeername", Napi::Function::New(env, Name<true>, "getpeername"));
  exports.Set("sockFamily", Napi::Function::New(env, SockFamily, "sockFamily"));
  exports.Set("setsockoptInt", Napi::Function::New(env, SetsockoptInt, "setsockoptInt"));
  exports.Set("setsockoptBytes", Napi::Function::New(env, SetsockoptBytes, "setsockoptBytes"));
  exports.Set("getsockoptInt", Napi::Function::New(env, GetsockoptInt, "getsockoptInt"));
  exports.Set("getsockoptBytes", Napi::Function::New(env, GetsockoptBytes, "getsockoptBytes"));
  AddConstants(Constants(exports));
}

}  // namespace iomux
