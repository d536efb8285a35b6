// Per-thread state of the addon and the one entry point of each mechanism file.
#pragma once
#include <napi.h>

#include <unordered_map>
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
  // The Externals this thread made and type-tagged, by pointer (TagExternal in util.h).
  std::unordered_map<void*, const napi_type_tag*> tagged;
  // Reused buffer for kernel event arrays (epoll_event, kevent): grows, never shrinks.
  std::vector<unsigned char> scratch;
  template <typename T>
  T* Scratch(size_t count) {
    if (scratch.size() < count * sizeof(T)) scratch.resize(count * sizeof(T));
    return reinterpret_cast<T*>(scratch.data());
  }
};

// Each file below adds its functions and constants to the exports. An Init may run in a worker
// that is being terminated: then every Node-API call that may run JS (napi_create_function,
// napi_get/set_named_property, napi_define_properties) fails with napi_pending_exception and no
// exception, node-addon-api drops the failure, and loading goes on with exports left incomplete
// (no JS will run to see them). So an Init builds every value from `env` (or from Constants()),
// never from another value's Env(): a value whose creation failed is empty, its Env() is null,
// and node-addon-api aborts the process on a null env (test/workers/fixtures/terminate-during-load.js).
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
