// Shared helpers: cheap argument checks (TypeScript validates first; these only keep a wrong
// type from crashing), results as numbers (-errno on failure), EINTR retries, deadlines.
//
// The one convention after a throw: a native function that has thrown returns Napi::Value(), the
// empty value, and nothing but the exception reaches JS. BadType and OutOfRange throw and return
// it (`return OutOfRange(env, "...")`); an Arg* helper that fails has already thrown, so its
// caller returns Napi::Value() itself (`if (!ArgInt(info, 0, &fd)) return Napi::Value();`).
#pragma once
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <climits>
#include <cmath>
#include <cstdint>
#include <string>

#include "addon.h"

namespace iomux {

inline Addon& State(Napi::Env env) { return *env.GetInstanceData<Addon>(); }

inline void ThrowCoded(Napi::Error err, const char* code) {
  // An Error that could not be made (the worker is being terminated) has no env to build on.
  if (err.IsEmpty()) return;
  err.Set("code", Napi::String::New(err.Env(), code));
  err.ThrowAsJavaScriptException();
}

// Throws TypeError ERR_INVALID_ARG_TYPE for argument i.
inline Napi::Value BadType(const Napi::CallbackInfo& info, size_t i, const char* what) {
  std::string msg = "argument " + std::to_string(i) + " must be " + what;
  ThrowCoded(Napi::TypeError::New(info.Env(), msg), "ERR_INVALID_ARG_TYPE");
  return Napi::Value();
}

// Throws RangeError ERR_OUT_OF_RANGE (a count or window outside its array).
inline Napi::Value OutOfRange(Napi::Env env, const char* msg) {
  ThrowCoded(Napi::RangeError::New(env, msg), "ERR_OUT_OF_RANGE");
  return Napi::Value();
}

// Each Arg* helper makes as few Node-API calls as it can (these run on every hot-path call): the
// getters themselves fail on a wrong type, so no separate type check is made first.
// Every Arg* helper writes its outputs even when it fails, so callers need no initializers.

// A number argument as int32 (fds, flags, counts). Non-numbers throw; fractions truncate.
inline bool ArgInt(const Napi::CallbackInfo& info, size_t i, int32_t* out) {
  *out = 0;
  if (napi_get_value_int32(info.Env(), info[i], out) == napi_ok) return true;
  BadType(info, i, "a number");
  return false;
}

inline bool ArgDouble(const Napi::CallbackInfo& info, size_t i, double* out) {
  *out = 0;
  if (napi_get_value_double(info.Env(), info[i], out) == napi_ok) return true;
  BadType(info, i, "a number");
  return false;
}

// A flag argument, truthy as in JS (TypeScript passes booleans); never throws. Not
// Napi::Value::ToBoolean(): in a worker being terminated the coercion fails, node-addon-api hands
// back an empty Boolean, and reading that (a null env) aborts the process.
inline bool ArgTruthy(const Napi::CallbackInfo& info, size_t i) {
  bool b = false;
  if (napi_get_value_bool(info.Env(), info[i], &b) == napi_ok) return b;
  napi_value v;
  if (napi_coerce_to_bool(info.Env(), info[i], &v) == napi_ok) napi_get_value_bool(info.Env(), v, &b);
  return b;
}

inline size_t ElementSize(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array:
    case napi_uint8_array:
    case napi_uint8_clamped_array:
      return 1;
    case napi_int16_array:
    case napi_uint16_array:
      return 2;
    case napi_int32_array:
    case napi_uint32_array:
    case napi_float32_array:
      return 4;
    default:
      return 8;
  }
}

// The bytes of a Buffer, TypedArray or DataView value; false, throwing nothing, if it is none.
inline bool BytesOf(napi_env env, napi_value v, uint8_t** data, size_t* len) {
  napi_typedarray_type type;
  size_t length;
  void* p = nullptr;
  if (napi_get_typedarray_info(env, v, &type, &length, &p, nullptr, nullptr) == napi_ok) {
    *data = static_cast<uint8_t*>(p);
    *len = length * ElementSize(type);
    return true;
  }
  if (napi_get_dataview_info(env, v, &length, &p, nullptr, nullptr) == napi_ok) {
    *data = static_cast<uint8_t*>(p);
    *len = length;
    return true;
  }
  return false;
}

// Bytes of a Buffer, TypedArray or DataView argument; throws a TypeError if it is none.
inline bool ArgBytes(const Napi::CallbackInfo& info, size_t i, uint8_t** data, size_t* len) {
  *data = nullptr;
  *len = 0;
  if (BytesOf(info.Env(), info[i], data, len)) return true;
  BadType(info, i, "a Buffer, TypedArray or DataView");
  return false;
}

// A window [off, off+len) of a byte argument at i, with off and len at i+1 and i+2.
inline bool ArgWindow(const Napi::CallbackInfo& info, size_t i, uint8_t** data, size_t* len) {
  uint8_t* base = nullptr;
  size_t size = 0;
  double off = 0, n = 0;
  *data = nullptr;
  *len = 0;
  if (!ArgBytes(info, i, &base, &size) || !ArgDouble(info, i + 1, &off) ||
      !ArgDouble(info, i + 2, &n))
    return false;
  if (!(off >= 0 && n >= 0 && off + n <= static_cast<double>(size))) {
    OutOfRange(info.Env(), "offset and length must lie within the buffer");
    return false;
  }
  *data = base + static_cast<size_t>(off);
  *len = static_cast<size_t>(n);
  return true;
}

// A typed array argument of one element type, as its data and element count.
template <typename T>
inline bool ArgTyped(const Napi::CallbackInfo& info, size_t i, napi_typedarray_type want, const char* what,
                     T** data, size_t* len) {
  *data = nullptr;
  *len = 0;
  napi_typedarray_type type;
  void* p = nullptr;
  if (napi_get_typedarray_info(info.Env(), info[i], &type, len, &p, nullptr, nullptr) != napi_ok ||
      type != want) {
    *len = 0;
    BadType(info, i, what);
    return false;
  }
  *data = static_cast<T*>(p);
  return true;
}

// An Int32Array argument (event, fd and pollfd arrays).
inline bool ArgInt32s(const Napi::CallbackInfo& info, size_t i, int32_t** data, size_t* len) {
  return ArgTyped(info, i, napi_int32_array, "an Int32Array", data, len);
}

// A Float64Array argument (kevent records, whose fields may exceed 32 bits).
inline bool ArgFloat64s(const Napi::CallbackInfo& info, size_t i, double** data, size_t* len) {
  return ArgTyped(info, i, napi_float64_array, "a Float64Array", data, len);
}

// Type-tags an External this module made (watch, waiter and ring handles) and records it in the
// thread's state for IsTagged; its finalizer calls UntagExternal.
inline void TagExternal(napi_env env, napi_value external, void* data, const napi_type_tag* tag) {
  napi_type_tag_object(env, external, tag);
  State(env).tagged[data] = tag;
}
inline void UntagExternal(napi_env env, void* data) { State(env).tagged.erase(data); }

// Whether v is an External carrying `tag`; its pointer in *data either way (nullptr if none).
inline bool IsTagged(napi_env env, napi_value v, const napi_type_tag* tag, void** data) {
  *data = nullptr;
  napi_valuetype type;
  if (napi_typeof(env, v, &type) != napi_ok || type != napi_external) return false;
  napi_get_value_external(env, v, data);
  bool ok = false;
  if (napi_check_object_type_tag(env, v, tag, &ok) == napi_ok) return ok;
  // In a worker being terminated the tag check fails (napi_pending_exception) while the worker's
  // JS may still run a moment. Closing or stopping a handle must work then too (a watch left
  // started on an fd that JS then closes makes libuv abort at teardown), so the thread's record
  // of what it tagged answers instead.
  auto& tagged = State(env).tagged;
  auto it = tagged.find(*data);
  return it != tagged.end() && it->second == tag;
}

// The pointer in an External carrying `tag` at argument i (watch, waiter and ring handles), or
// nullptr, having thrown a TypeError, for any other value.
inline void* ArgTagged(const Napi::CallbackInfo& info, size_t i, const napi_type_tag* tag, const char* what) {
  void* data;
  if (IsTagged(info.Env(), info[i], tag, &data)) return data;
  BadType(info, i, what);
  return nullptr;
}

inline Napi::Value Num(Napi::Env env, double v) { return Napi::Number::New(env, v); }
// The result of a libc call that returns -1 and sets errno: the value, or -errno.
inline Napi::Value Sys(Napi::Env env, long r) { return Num(env, r < 0 ? -errno : r); }

// A close-on-exec pipe (with O_NONBLOCK when `nonblock`) into fds: 0 or -errno. pipe2(2) is
// missing on macOS: there pipe(2), then the flags (a fork in between could leak the fds; nothing
// better exists there). https://man7.org/linux/man-pages/man2/pipe.2.html
inline int CloexecPipe(int fds[2], bool nonblock) {
#if defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__)
  return pipe2(fds, O_CLOEXEC | (nonblock ? O_NONBLOCK : 0)) < 0 ? -errno : 0;
#else
  if (pipe(fds) < 0) return -errno;
  for (int i = 0; i < 2; i++) {
    if (fcntl(fds[i], F_SETFD, FD_CLOEXEC) < 0 || (nonblock && fcntl(fds[i], F_SETFL, O_NONBLOCK) < 0)) {
      int err = errno;
      close(fds[0]);
      close(fds[1]);
      return -err;
    }
  }
  return 0;
#endif
}

// pipe(out) and signalPipe(out): a CloexecPipe into out[0] (read end), out[1] (write end); 0 or
// -errno.
inline Napi::Value PipeInto(const Napi::CallbackInfo& info, bool nonblock) {
  int32_t* out;
  size_t n;
  if (!ArgInt32s(info, 0, &out, &n)) return Napi::Value();
  if (n < 2) return OutOfRange(info.Env(), "the output array must hold 2 fds");
  int fds[2];
  int r = CloexecPipe(fds, nonblock);
  if (r < 0) return Num(info.Env(), r);
  out[0] = fds[0];
  out[1] = fds[1];
  return Num(info.Env(), 0);
}

// Retries a call interrupted by a signal (PEP 475). Not for waits with a timeout: see Deadline.
template <typename F>
inline auto NoIntr(F f) -> decltype(f()) {
  decltype(f()) r;
  do r = f();
  while (r == -1 && errno == EINTR);
  return r;
}

// A wait's end on the monotonic clock, so that an EINTR retry waits only the remaining time.
class Deadline {
 public:
  // ms < 0 or NaN: wait forever; so does one beyond 10^15 ms (31,000 years), so that every
  // conversion below stays in range of its integer type.
  explicit Deadline(double ms) : forever_(!(ms >= 0 && ms <= 1e15)), end_(forever_ ? 0 : Now() + ms * 1e6) {}
  bool forever() const { return forever_; }
  // Remaining nanoseconds, never negative.
  double RemainingNs() const { return forever_ ? -1 : std::fmax(0, end_ - Now()); }
  // Remaining milliseconds rounded up, for poll(2) and epoll_wait(2); -1 when forever.
  int RemainingMs() const {
    if (forever_) return -1;
    return static_cast<int>(std::fmin(std::ceil(RemainingNs() / 1e6), INT_MAX));
  }

 private:
  static double Now() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
  }
  bool forever_;
  double end_;
};

// The shared object of OS constants on the exports; IOMUX_CONST(obj, EPOLLIN) adds one.
// Always bound to the exports' env, even when it cannot be read: once a worker is being
// terminated, every Node-API call that may run JS fails with napi_pending_exception (and no
// exception to get), exports.Get would return an empty Value whose Env() is null, and the first
// IOMUX_CONST on that would hand node-addon-api a null env, which it cannot report (Error::New
// fails in napi_get_last_error_info) and so aborts the whole process. With the env kept, each Set
// on the missing object just fails and is dropped (NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS).
inline Napi::Object Constants(Napi::Object exports) {
  napi_value c = nullptr;
  napi_get_named_property(exports.Env(), exports, "constants", &c);
  return Napi::Object(exports.Env(), c);
}
#define IOMUX_CONST(obj, name) (obj).Set(#name, Napi::Number::New((obj).Env(), static_cast<double>(name)))

}  // namespace iomux
