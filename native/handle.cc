// The shared life of watch and waiter handles (see handle.h for the quirks), and the two calls
// that take either kind: handleClose and handleRef.
#include "handle.h"

namespace iomux {

void Handle::ApplyRef() {
  if (keepAlive) uv_ref(UvHandle());
  else uv_unref(UvHandle());
}

void Handle::Call(double value) {
  Napi::HandleScope scope(env);
  napi_value global, fn, arg, result;
  napi_get_global(env, &global);
  napi_get_reference_value(env, callback.operator napi_ref(), &fn);
  napi_create_double(env, value, &arg);
  if (napi_make_callback(env, context, global, fn, 1, &arg, &result) != napi_pending_exception) return;
  napi_value exc;
  napi_valuetype type = napi_undefined;
  if (napi_get_and_clear_last_exception(env, &exc) == napi_ok) napi_typeof(env, exc, &type);
  if (type != napi_undefined) napi_fatal_exception(env, exc);
}

void Handle::Close() {
  if (closing) return;
  closing = true;
  Stop();
  uv_close(UvHandle(), [](uv_handle_t* h) {
    auto* self = static_cast<Handle*>(h->data);
    self->closed = true;
    self->callback.Reset();
    napi_remove_async_cleanup_hook(self->hook);
    if (!self->external) delete self;
  });
}

void Handle::Register() {
  napi_add_async_cleanup_hook(
      env, [](napi_async_cleanup_hook_handle, void* arg) { static_cast<Handle*>(arg)->Close(); }, this, &hook);
}

void Handle::Finalize(Napi::Env env, Handle* self) {
  UntagExternal(env, self);
  self->external = false;
  if (self->closed) delete self;
  else self->Close();
}

uv_loop_t* Loop(Napi::Env env) {
  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  return loop;
}

Napi::Value Wrap(Napi::Env env, Handle* handle, const napi_type_tag* tag) {
  auto external = Napi::External<Handle>::New(env, handle, Handle::Finalize);
  if (external.IsEmpty()) {
    // No External (a worker being terminated: Node-API calls fail), so no finalizer: close the
    // handle now and let its close free it.
    handle->external = false;
    handle->Close();
    return Napi::Value();
  }
  TagExternal(env, external, handle, tag);
  return external;
}

namespace {

// A watch or a waiter, else nullptr (having thrown a TypeError).
Handle* AnyHandle(const Napi::CallbackInfo& info) {
  void* data;
  if (IsTagged(info.Env(), info[0], &kWatchTag, &data) || IsTagged(info.Env(), info[0], &kWaiterTag, &data))
    return static_cast<Handle*>(data);
  BadType(info, 0, "a handle made by this module");
  return nullptr;
}

// handleClose(h): idempotent; a pending wait is abandoned without a callback.
Napi::Value HandleClose(const Napi::CallbackInfo& info) {
  Handle* h = AnyHandle(info);
  if (!h) return Napi::Value();
  h->Close();
  return info.Env().Undefined();
}

// handleRef(h, keepAlive): whether the handle, while active, keeps the loop alive.
Napi::Value HandleRef(const Napi::CallbackInfo& info) {
  Handle* h = AnyHandle(info);
  if (!h) return Napi::Value();
  h->keepAlive = ArgTruthy(info, 1);
  if (!h->closing) h->ApplyRef();
  return info.Env().Undefined();
}

}  // namespace

void InitHandle(Napi::Env env, Napi::Object exports) {
  exports.Set("handleClose", Napi::Function::New(env, HandleClose, "handleClose"));
  exports.Set("handleRef", Napi::Function::New(env, HandleRef, "handleRef"));
}

}  // namespace iomux
