// Per-thread state of the addon and the one entry point of each mechanism file.
#pragma once
#include <napi.h>

#include <unordered_set>
#include <vector>

namespace iomux {

// One instance per Node environment (main thread or worker_thread), via Napi::Addon.
class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports);
  // Closes every fd still owned when the environment ends (a terminated worker included).
  ~Addon();

  // fds that iomux objects created or adopted in this thread and have not closed or released.
  std::unordered_set<int> owned;
  // Reused buffer for kernel event arrays (epoll_event, kevent): grows, never shrinks.
  std::vector<unsigned char> scratch;
  template <typename T>
  T* Scratch(size_t count) {
    if (scratch.size() < count * sizeof(T)) scratch.resize(count * sizeof(T));
    return reinterpret_cast<T*>(scratch.data());
  }
};

// Each file below adds its functions and constants to the exports.
void InitSelect(Napi::Env env, Napi::Object exports);
void InitPoll(Napi::Env env, Napi::Object exports);
void InitEpoll(Napi::Env env, Napi::Object exports);
void InitKqueue(Napi::Env env, Napi::Object exports);
void InitFd(Napi::Env env, Napi::Object exports);
void InitSocket(Napi::Env env, Napi::Object exports);
void InitMsg(Napi::Env env, Napi::Object exports);
void InitHandle(Napi::Env env, Napi::Object exports);
void InitWatch(Napi::Env env, Napi::Object exports);
void InitWaiter(Napi::Env env, Napi::Object exports);
void InitSignals(Napi::Env env, Napi::Object exports);
void InitSendfile(Napi::Env env, Napi::Object exports);
void InitResolve(Napi::Env env, Napi::Object exports);
void InitErrno(Napi::Env env, Napi::Object exports);

}  // namespace iomux
