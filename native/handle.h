// What the uv handles of watch.cc (a uv_poll_t) and waiter.cc (a uv_async_t and a thread) share:
// a callback into JS, teardown with the environment, and a JS External that owns them.
// OS and Node quirks handled here:
// - A uv handle left open when a worker's environment ends aborts the process, and closing one
//   from a synchronous cleanup hook crashes (the loop never runs its close callback); so each
//   handle registers napi_add_async_cleanup_hook and completes it from uv_close's callback.
//   https://nodejs.org/api/n-api.html#napi_add_async_cleanup_hook
// - A handle's memory is shared by its JS External and its uv handle; whichever lets go last
//   frees it.
// - While an environment is torn down JS cannot run: a callback then fails with no exception,
//   and node-addon-api's wrapper would abort the process, so Call uses raw Node-API.
// - Externals are type-tagged, so a handle of the other kind or any other External passed in its
//   place is a TypeError, not a wild pointer. https://nodejs.org/api/n-api.html#object-type-tagging
// - Once a worker is being terminated, Node-API calls that may run JS fail while its JS still runs
//   a moment: the tag check then falls back to the thread's record of what it tagged (IsTagged in
//   util.h), so that stopping and closing still work, and a handle whose External cannot be made
//   is closed at once (Wrap).
#pragma once
#include <uv.h>

#include "util.h"

namespace iomux {

// Tell a watch or waiter External from any other value passed in its place.
constexpr napi_type_tag kWatchTag = {0x696f6d7578776174ULL, 0x6368000000000001ULL};
constexpr napi_type_tag kWaiterTag = {0x696f6d7578776169ULL, 0x7465720000000002ULL};

struct Handle {
  napi_env env;
  Napi::FunctionReference callback;
  Napi::AsyncContext context;
  napi_async_cleanup_hook_handle hook = nullptr;
  bool closing = false;
  bool closed = false;
  bool external = true;  // the JS External still exists
  bool keepAlive = true;

  Handle(Napi::Env e, Napi::Function cb, const char* name)
      : env(e), callback(Napi::Persistent(cb)), context(e, name) {}
  virtual ~Handle() = default;
  virtual uv_handle_t* UvHandle() = 0;
  // Stops whatever runs (a thread) before the uv handle closes.
  virtual void Stop() {}
  // Whether the uv handle now keeps the loop alive, from keepAlive and the handle's own state.
  virtual void ApplyRef();

  // Calls the JS callback with one number; an exception becomes Node's uncaught exception.
  void Call(double value);
  // Idempotent; the memory goes once the External is gone too.
  void Close();
  // Called once the uv handle is initialized with data = this.
  void Register();
  // The External's finalizer.
  static void Finalize(Napi::Env, Handle* self);
};

// The uv loop of this thread (the main thread's, or a worker's own).
uv_loop_t* Loop(Napi::Env env);

// A tagged External owning the handle.
Napi::Value Wrap(Napi::Env env, Handle* handle, const napi_type_tag* tag);

// The handle behind argument i if it carries the tag, else nullptr (having thrown a TypeError).
template <typename T>
T* Unwrap(const Napi::CallbackInfo& info, size_t i, const napi_type_tag* tag) {
  return static_cast<T*>(static_cast<Handle*>(ArgTagged(info, i, tag, "a handle made by this module")));
}

}  // namespace iomux
