// A sockaddr from the (family, host, port, flowinfo, scopeId) of a Python-shaped address, shared
// by socket.cc (connect, bind, sendto) and uring.cc (IORING_OP_CONNECT). The quirks it handles are
// in socket.cc's header (AF_UNIX paths and abstract names, sin_len on BSDs, numeric hosts).
#pragma once
#include <arpa/inet.h>
#include <napi.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__) || \
    defined(__DragonFly__)
#define IOMUX_SA_LEN 1
#endif

namespace iomux {

// 0, or -errno: -EINVAL for a bad host, -ENAMETOOLONG for an AF_UNIX path that does not fit,
// -EAFNOSUPPORT for a family other than AF_INET, AF_INET6 and AF_UNIX.
inline int BuildAddress(int family, const std::string& host, int port, double flowinfo, double scopeId,
                        sockaddr_storage* ss, socklen_t* len) {
  std::memset(ss, 0, sizeof *ss);
  if (family == AF_INET) {
    auto* sin = reinterpret_cast<sockaddr_in*>(ss);
    if (host.find('\0') != std::string::npos || inet_pton(AF_INET, host.c_str(), &sin->sin_addr) != 1) return -EINVAL;
    sin->sin_family = AF_INET;
    sin->sin_port = htons(static_cast<uint16_t>(port));
    *len = sizeof *sin;
#ifdef IOMUX_SA_LEN
    sin->sin_len = sizeof *sin;
#endif
    return 0;
  }
  if (family == AF_INET6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(ss);
    if (host.find('\0') != std::string::npos || inet_pton(AF_INET6, host.c_str(), &sin6->sin6_addr) != 1)
      return -EINVAL;
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(static_cast<uint16_t>(port));
    sin6->sin6_flowinfo = htonl(static_cast<uint32_t>(flowinfo));
    sin6->sin6_scope_id = static_cast<uint32_t>(scopeId);
    *len = sizeof *sin6;
#ifdef IOMUX_SA_LEN
    sin6->sin6_len = sizeof *sin6;
#endif
    return 0;
  }
  if (family == AF_UNIX) {
    auto* sun = reinterpret_cast<sockaddr_un*>(ss);
    bool abstract = !host.empty() && host[0] == '\0';
    // A regular path must fit with its NUL and hold no other NUL (CPython: "AF_UNIX path too long").
    if (abstract ? host.size() > sizeof sun->sun_path : host.size() >= sizeof sun->sun_path) return -ENAMETOOLONG;
    if (!abstract && host.find('\0') != std::string::npos) return -EINVAL;
    sun->sun_family = AF_UNIX;
    std::memcpy(sun->sun_path, host.data(), host.size());
    *len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + host.size());
#ifdef IOMUX_SA_LEN
    sun->sun_len = static_cast<uint8_t>(*len);
#endif
    return 0;
  }
  return -EAFNOSUPPORT;
}

// The reverse, in socket.cc: a sockaddr as the Python-shaped Address (null for an unknown family).
Napi::Value MakeAddress(Napi::Env env, const sockaddr_storage* ss, socklen_t len);

}  // namespace iomux
