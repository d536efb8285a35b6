// Watch: how selectAsync() learns without blocking Node that an epoll or kqueue selector may have
// something to report; the TypeScript layer then harvests with a zero-timeout wait of the
// selector itself. OS quirks handled here:
// - An epoll or kqueue fd is itself pollable, readable while an event is pending, so one
//   uv_poll_t on the selector's own kernel fd stands for all its fds, and user fds never enter
//   libuv. https://man7.org/linux/man-pages/man7/epoll.7.html (Q3); libuv's test-poll-nested-epoll.c
// - libuv's errors are -errno on Unix, so they are returned as they are.
// The handle's teardown with a worker is in handle.h; the backends without a kernel object to
// watch (poll, select) use waiter.cc instead.
#include "handle.h"

namespace iomux {

namespace {

struct Watch : Handle {
  uv_poll_t poll;
  Watch(Napi::Env env, Napi::Function cb) : Handle(env, cb, "iomux.watch") {}
  uv_handle_t* UvHandle() override { return reinterpret_cast<uv_handle_t*>(&poll); }
};

// watchOpen(fd, onReady): see lib/native.ts.
Napi::Value WatchOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd;
  if (!ArgInt(info, 0, &fd)) return Napi::Value();
  if (!info[1].IsFunction()) return BadType(info, 1, "a function");
  auto* w = new Watch(env, info[1].As<Napi::Function>());
  int r = uv_poll_init(Loop(env), &w->poll, fd);
  if (r < 0) {
    delete w;
    return Num(env, r);
  }
  w->poll.data = static_cast<Handle*>(w);
  w->Register();
  return Wrap(env, w, &kWatchTag);
}

// watchStart(h): onReady() runs on each loop turn while the fd is readable.
Napi::Value WatchStart(const Napi::CallbackInfo& info) {
  Watch* w = Unwrap<Watch>(info, 0, &kWatchTag);
  if (!w) return Napi::Value();
  if (w->closing) return Num(info.Env(), -EBADF);
  return Num(info.Env(), uv_poll_start(&w->poll, UV_READABLE, [](uv_poll_t* p, int status, int) {
               static_cast<Handle*>(p->data)->Call(status);
             }));
}

Napi::Value WatchStop(const Napi::CallbackInfo& info) {
  Watch* w = Unwrap<Watch>(info, 0, &kWatchTag);
  if (!w) return Napi::Value();
  return Num(info.Env(), w->closing ? 0 : uv_poll_stop(&w->poll));
}

}  // namespace

void InitWatch(Napi::Env env, Napi::Object exports) {
  exports.Set("watchOpen", Napi::Function::New(env, WatchOpen, "watchOpen"));
  exports.Set("watchStart", Napi::Function::New(env, WatchStart, "watchStart"));
  exports.Set("watchStop", Napi::Function::New(env, WatchStop, "watchStop"));
}

}  // namespace iomux
