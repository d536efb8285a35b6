// Name resolution: getaddrinfo(3), getnameinfo(3), gethostname(2), gai_strerror(3), and the AI_*,
// NI_*, EAI_* constants. Each lookup exists twice: a blocking call (Python's socket.getaddrinfo,
// and the synchronous resolution of Socket.connect/bind/sendto) and an asynchronous one that runs
// the same function on libuv's thread pool (Napi::AsyncWorker), so a loop never blocks on it
// (docs/DESIGN.md principle 8). OS quirks handled here:
// - EAI_* values differ by platform (negative on glibc, positive on macOS and the BSDs), so they
//   are exported as constants and never assumed. https://man7.org/linux/man-pages/man3/getaddrinfo.3.html
// - EAI_SYSTEM means "look at errno": errno is captured right after the call, on the thread that
//   made it (errno is per thread).
// - EAI_ADDRFAMILY and EAI_NODATA are glibc extensions (absent on macOS and FreeBSD, and removed
//   from RFC 3493); they are exported only where defined.
// - getnameinfo takes the numeric host through getaddrinfo(AI_NUMERICHOST, SOCK_DGRAM) first, as
//   CPython's socket_getnameinfo does, so '127.1' and 'fe80::1%lo' read as they do there.
//   https://man7.org/linux/man-pages/man3/getnameinfo.3.html
// - A result of a family other than AF_INET/AF_INET6 (none is expected from the resolvers) is
//   skipped rather than half-converted.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <climits>
#include <string>
#include <utility>
#include <vector>

#include "util.h"

#ifndef HOST_NAME_MAX
#define HOST_NAME_MAX 255
#endif

namespace iomux {

namespace {

// What a lookup was asked: strings that may be absent (null in JS) and the hints.
struct GaiRequest {
  bool hasHost = false, hasPort = false;
  std::string host, port;
  int family = 0, socktype = 0, protocol = 0, flags = 0;
};

struct GaiEntry {
  int family, socktype, protocol;
  std::string canonname, host;
  int port;
  double flowinfo, scopeId;
};

// A lookup's outcome: entries, or an EAI code (with errno for EAI_SYSTEM).
struct GaiResult {
  int code = 0, sysErrno = 0;
  std::vector<GaiEntry> entries;
};

// getnameinfo's request: the sockaddr tuple as Python gives it, and whether it was a 2-tuple.
struct GniRequest {
  std::string host;
  int port = 0, flags = 0;
  double flowinfo = 0, scopeId = 0;
  bool pair = true;
};

struct GniResult {
  int code = 0, sysErrno = 0;
  std::string host, serv;
};

GaiResult Lookup(const GaiRequest& req) {
  GaiResult out;
  addrinfo hints{};
  hints.ai_family = req.family;
  hints.ai_socktype = req.socktype;
  hints.ai_protocol = req.protocol;
  hints.ai_flags = req.flags;
  addrinfo* res = nullptr;
  errno = 0;
  out.code = ::getaddrinfo(req.hasHost ? req.host.c_str() : nullptr, req.hasPort ? req.port.c_str() : nullptr, &hints, &res);
  out.sysErrno = errno;
  if (out.code != 0) return out;
  char buf[INET6_ADDRSTRLEN];
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    GaiEntry e{ai->ai_family, ai->ai_socktype, ai->ai_protocol, ai->ai_canonname ? ai->ai_canonname : "", "", 0, 0, 0};
    if (ai->ai_family == AF_INET) {
      auto* sin = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
      inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof buf);
      e.port = ntohs(sin->sin_port);
    } else if (ai->ai_family == AF_INET6) {
      auto* sin6 = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
      inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof buf);
      e.port = ntohs(sin6->sin6_port);
      e.flowinfo = ntohl(sin6->sin6_flowinfo);
      e.scopeId = sin6->sin6_scope_id;
    } else {
      continue;
    }
    e.host = buf;
    out.entries.push_back(std::move(e));
  }
  freeaddrinfo(res);
  return out;
}

GniResult NameInfo(const GniRequest& req) {
  GniResult out;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICHOST;
  addrinfo* res = nullptr;
  std::string port = std::to_string(req.port);
  errno = 0;
  out.code = ::getaddrinfo(req.host.c_str(), port.c_str(), &hints, &res);
  out.sysErrno = errno;
  if (out.code != 0) return out;
  if (res->ai_family == AF_INET && !req.pair) {
    // CPython: "IPv4 sockaddr must be 2 tuple". Reported as EAI_FAMILY, which AF_UNSPEC hints never produce.
    freeaddrinfo(res);
    out.code = EAI_FAMILY;
    return out;
  }
  if (res->ai_family == AF_INET6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(res->ai_addr);
    sin6->sin6_flowinfo = htonl(static_cast<uint32_t>(req.flowinfo));
    // As CPython: the tuple's scope id (0 when left out) replaces one parsed from a '%scope' suffix.
    sin6->sin6_scope_id = static_cast<uint32_t>(req.scopeId);
  }
  char host[NI_MAXHOST], serv[NI_MAXSERV];
  errno = 0;
  out.code = ::getnameinfo(res->ai_addr, res->ai_addrlen, host, sizeof host, serv, sizeof serv, req.flags);
  out.sysErrno = errno;
  freeaddrinfo(res);
  if (out.code == 0) {
    out.host = host;
    out.serv = serv;
  }
  return out;
}

Napi::Value Failure(Napi::Env env, int code, int sysErrno) {
  Napi::Array a = Napi::Array::New(env, 2);
  a.Set(0u, Num(env, code));
  a.Set(1u, Num(env, sysErrno));
  return a;
}

// Success: a flat array of 8 values per entry; failure: [code, errno].
Napi::Value ToJs(Napi::Env env, const GaiResult& r) {
  if (r.code != 0) return Failure(env, r.code, r.sysErrno);
  Napi::Array a = Napi::Array::New(env, r.entries.size() * 8);
  uint32_t i = 0;
  for (const GaiEntry& e : r.entries) {
    a.Set(i++, Num(env, e.family));
    a.Set(i++, Num(env, e.socktype));
    a.Set(i++, Num(env, e.protocol));
    a.Set(i++, Napi::String::New(env, e.canonname));
    a.Set(i++, Napi::String::New(env, e.host));
    a.Set(i++, Num(env, e.port));
    a.Set(i++, Num(env, e.flowinfo));
    a.Set(i++, Num(env, e.scopeId));
  }
  return a;
}

Napi::Value ToJs(Napi::Env env, const GniResult& r) {
  if (r.code != 0) return Failure(env, r.code, r.sysErrno);
  Napi::Array a = Napi::Array::New(env, 2);
  a.Set(0u, Napi::String::New(env, r.host));
  a.Set(1u, Napi::String::New(env, r.serv));
  return a;
}

// A string or null argument.
bool ArgOptString(const Napi::CallbackInfo& info, size_t i, bool* has, std::string* out) {
  *has = false;
  out->clear();
  if (info[i].IsNull()) return true;
  if (!info[i].IsString()) {
    BadType(info, i, "a string or null");
    return false;
  }
  *has = true;
  *out = info[i].As<Napi::String>().Utf8Value();
  return true;
}

// (host, port, family, type, proto, flags) at info[0..6).
bool ArgGai(const Napi::CallbackInfo& info, GaiRequest* req) {
  int32_t family = 0, type = 0, proto = 0, flags = 0;
  if (!ArgOptString(info, 0, &req->hasHost, &req->host) || !ArgOptString(info, 1, &req->hasPort, &req->port) ||
      !ArgInt(info, 2, &family) || !ArgInt(info, 3, &type) || !ArgInt(info, 4, &proto) || !ArgInt(info, 5, &flags))
    return false;
  req->family = family;
  req->socktype = type;
  req->protocol = proto;
  req->flags = flags;
  return true;
}

// (host, port, flowinfo, scopeId, pair, flags) at info[0..6).
bool ArgGni(const Napi::CallbackInfo& info, GniRequest* req) {
  int32_t port = 0, flags = 0;
  if (!info[0].IsString()) {
    BadType(info, 0, "a string");
    return false;
  }
  req->host = info[0].As<Napi::String>().Utf8Value();
  if (!ArgInt(info, 1, &port) || !ArgDouble(info, 2, &req->flowinfo) || !ArgDouble(info, 3, &req->scopeId) ||
      !ArgInt(info, 5, &flags))
    return false;
  req->pair = info[4].ToBoolean().Value();
  req->port = port;
  req->flags = flags;
  return true;
}

// Runs Run(request) on libuv's thread pool and calls back with ToJs(result) on the JS thread.
template <typename Req, typename Res, Res (*Run)(const Req&)>
class LookupWorker : public Napi::AsyncWorker {
 public:
  LookupWorker(Napi::Function cb, const char* name, Req req) : Napi::AsyncWorker(cb, name), req_(std::move(req)) {}
  void Execute() override { res_ = Run(req_); }
  void OnOK() override {
    Napi::HandleScope scope(Env());
    Callback().Call({ToJs(Env(), res_)});
  }

 private:
  Req req_;
  Res res_;
};

// getaddrinfo(host | null, port | null, family, type, proto, flags) → flat entries or [code, errno]
Napi::Value Getaddrinfo(const Napi::CallbackInfo& info) {
  GaiRequest req;
  if (!ArgGai(info, &req)) return Napi::Value();
  return ToJs(info.Env(), Lookup(req));
}

// getaddrinfoAsync(host, port, family, type, proto, flags, callback): the same, off the thread.
Napi::Value GetaddrinfoAsync(const Napi::CallbackInfo& info) {
  GaiRequest req;
  if (!ArgGai(info, &req)) return Napi::Value();
  if (!info[6].IsFunction()) return BadType(info, 6, "a function");
  (new LookupWorker<GaiRequest, GaiResult, Lookup>(info[6].As<Napi::Function>(), "iomux.getaddrinfo", std::move(req)))->Queue();
  return info.Env().Undefined();
}

// getnameinfo(host, port, flowinfo, scopeId, pair, flags) → [host, serv] or [code, errno]
Napi::Value Getnameinfo(const Napi::CallbackInfo& info) {
  GniRequest req;
  if (!ArgGni(info, &req)) return Napi::Value();
  return ToJs(info.Env(), NameInfo(req));
}

// getnameinfoAsync(host, port, flowinfo, scopeId, pair, flags, callback): the same, off the thread.
Napi::Value GetnameinfoAsync(const Napi::CallbackInfo& info) {
  GniRequest req;
  if (!ArgGni(info, &req)) return Napi::Value();
  if (!info[6].IsFunction()) return BadType(info, 6, "a function");
  (new LookupWorker<GniRequest, GniResult, NameInfo>(info[6].As<Napi::Function>(), "iomux.getnameinfo", std::move(req)))->Queue();
  return info.Env().Undefined();
}

// gethostname() → the name, or -errno
Napi::Value Gethostname(const Napi::CallbackInfo& info) {
  char name[HOST_NAME_MAX + 1];
  if (::gethostname(name, sizeof name) < 0) return Num(info.Env(), -errno);
  name[HOST_NAME_MAX] = '\0';  // POSIX leaves truncation unterminated
  return Napi::String::New(info.Env(), name);
}

// gaiStrerror(code) → gai_strerror's message
Napi::Value GaiStrerror(const Napi::CallbackInfo& info) {
  int32_t code = 0;
  if (!ArgInt(info, 0, &code)) return Napi::Value();
  return Napi::String::New(info.Env(), ::gai_strerror(code));
}

void AddConstants(Napi::Object c) {
  IOMUX_CONST(c, AI_PASSIVE);
  IOMUX_CONST(c, AI_CANONNAME);
  IOMUX_CONST(c, AI_NUMERICHOST);
  IOMUX_CONST(c, AI_NUMERICSERV);
  IOMUX_CONST(c, AI_ADDRCONFIG);
  IOMUX_CONST(c, AI_V4MAPPED);
  IOMUX_CONST(c, AI_ALL);
#ifdef AI_DEFAULT
  IOMUX_CONST(c, AI_DEFAULT);
#endif
#ifdef AI_MASK
  IOMUX_CONST(c, AI_MASK);
#endif
  IOMUX_CONST(c, NI_NUMERICHOST);
  IOMUX_CONST(c, NI_NUMERICSERV);
  IOMUX_CONST(c, NI_NOFQDN);
  IOMUX_CONST(c, NI_NAMEREQD);
  IOMUX_CONST(c, NI_DGRAM);
  IOMUX_CONST(c, NI_MAXHOST);
  IOMUX_CONST(c, NI_MAXSERV);
#ifdef EAI_ADDRFAMILY
  IOMUX_CONST(c, EAI_ADDRFAMILY);
#endif
  IOMUX_CONST(c, EAI_AGAIN);
  IOMUX_CONST(c, EAI_BADFLAGS);
  IOMUX_CONST(c, EAI_FAIL);
  IOMUX_CONST(c, EAI_FAMILY);
  IOMUX_CONST(c, EAI_MEMORY);
#ifdef EAI_NODATA
  IOMUX_CONST(c, EAI_NODATA);
#endif
  IOMUX_CONST(c, EAI_NONAME);
#ifdef EAI_OVERFLOW
  IOMUX_CONST(c, EAI_OVERFLOW);
#endif
  IOMUX_CONST(c, EAI_SERVICE);
  IOMUX_CONST(c, EAI_SOCKTYPE);
  IOMUX_CONST(c, EAI_SYSTEM);
#ifdef EAI_BADHINTS
  IOMUX_CONST(c, EAI_BADHINTS);
#endif
#ifdef EAI_PROTOCOL
  IOMUX_CONST(c, EAI_PROTOCOL);
#endif
#ifdef EAI_MAX
  IOMUX_CONST(c, EAI_MAX);
#endif
}

}  // namespace

void InitResolve(Napi::Env env, Napi::Object exports) {
  exports.Set("getaddrinfo", Napi::Function::New(env, Getaddrinfo, "getaddrinfo"));
  exports.Set("getaddrinfoAsync", Napi::Function::New(env, GetaddrinfoAsync, "getaddrinfoAsync"));
  exports.Set("getnameinfo", Napi::Function::New(env, Getnameinfo, "getnameinfo"));
  exports.Set("getnameinfoAsync", Napi::Function::New(env, GetnameinfoAsync, "getnameinfoAsync"));
  exports.Set("gethostname", Napi::Function::New(env, Gethostname, "gethostname"));
  exports.Set("gaiStrerror", Napi::Function::New(env, GaiStrerror, "gaiStrerror"));
  AddConstants(Constants(exports));
}

}  // namespace iomux
