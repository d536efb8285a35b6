// Waiting without blocking Node: how selectAsync() learns that a selector may have something to
// report; the TypeScript layer then harvests with a zero-timeout wait of the selector itself.
// - Watch: a uv_poll_t on the selector's own kernel fd. An epoll or kqueue fd is itself pollable,
//   readable while an event is pending, so user fds never enter libuv.
//   https://man7.org/linux/man-pages/man7/epoll.7.html (Q3); libuv's test-poll-nested-epoll.c
// - Waiter: poll(2) or select(2) on a thread of its own, beside a wakeup pipe, for the backends
//   that have no kernel object to watch. Writing the pipe ends the wait at once, so that
//   register/modify/unregister/close take effect. The thread blocks every signal: they belong to
//   Node's thread (libuv's threadpool does the same).
// Teardown: a uv handle left open when a worker's environment ends aborts the process, and
// closing one from a synchronous cleanup hook crashes (the loop never runs its close callback);
// so each handle registers napi_add_async_cleanup_hook and completes it from uv_close's callback.
// https://nodejs.org/api/n-api.html#napi_add_async_cleanup_hook
// A handle's memory is shared by its JS External and its uv handle; whichever lets go last frees it.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <unistd.h>
#include <uv.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "util.h"

namespace iomux {

namespace {

// Tells a watch or waiter External from any other value passed in its place.
constexpr napi_type_tag kWatchTag = {0x696f6d7578776174ULL, 0x6368000000000001ULL};
constexpr napi_type_tag kWaiterTag = {0x696f6d7578776169ULL, 0x7465720000000002ULL};

// What a Watch and a Waiter share: a callback into JS, the async cleanup hook, and the rule that
// the last of (External finalized, uv handle closed) frees the memory.
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
  virtual void ApplyRef() {
    if (keepAlive) uv_ref(UvHandle());
    else uv_unref(UvHandle());
  }

  // Calls the JS callback with one number; an exception becomes Node's uncaught exception.
  // Raw Node-API: while the environment is being torn down JS cannot run, the call fails with no
  // exception, and node-addon-api's wrapper would abort the process.
  void Call(double value) {
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

  void Close() {
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

  // Called once the uv handle is initialized with data = this.
  void Register() {
    napi_add_async_cleanup_hook(
        env, [](napi_async_cleanup_hook_handle, void* arg) { static_cast<Handle*>(arg)->Close(); }, this,
        &hook);
  }

  static void Finalize(Napi::Env, Handle* self) {
    self->external = false;
    if (self->closed) delete self;
    else self->Close();
  }
};

template <typename T>
Napi::Value Wrap(Napi::Env env, T* handle, const napi_type_tag* tag) {
  auto external = Napi::External<Handle>::New(env, handle, Handle::Finalize);
  napi_type_tag_object(env, external, tag);
  return external;
}

template <typename T>
T* Unwrap(const Napi::CallbackInfo& info, size_t i, const napi_type_tag* tag) {
  bool ok = false;
  if (info[i].IsExternal()) napi_check_object_type_tag(info.Env(), info[i], tag, &ok);
  if (!ok) {
    BadType(info, i, "a handle made by this module");
    return nullptr;
  }
  return static_cast<T*>(info[i].As<Napi::External<Handle>>().Data());
}

uv_loop_t* Loop(Napi::Env env) {
  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  return loop;
}

// ---- Watch: a kernel fd watched for readability on this thread's loop ----

struct Watch : Handle {
  uv_poll_t poll;
  Watch(Napi::Env env, Napi::Function cb) : Handle(env, cb, "iomux.watch") {}
  uv_handle_t* UvHandle() override { return reinterpret_cast<uv_handle_t*>(&poll); }
};

// watchOpen(fd, onReady): see lib/native.ts.
Napi::Value WatchOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd;
  if (!ArgInt(info, 0, &fd)) return env.Undefined();
  if (!info[1].IsFunction()) return BadType(info, 1, "a function"), env.Undefined();
  auto* w = new Watch(env, info[1].As<Napi::Function>());
  int r = uv_poll_init(Loop(env), &w->poll, fd);
  if (r < 0) {
    delete w;
    return Num(env, r);  // libuv errors are -errno on Unix
  }
  w->poll.data = static_cast<Handle*>(w);
  w->Register();
  return Wrap(env, w, &kWatchTag);
}

// watchStart(h): onReady() runs on each loop turn while the fd is readable.
Napi::Value WatchStart(const Napi::CallbackInfo& info) {
  Watch* w = Unwrap<Watch>(info, 0, &kWatchTag);
  if (!w) return info.Env().Undefined();
  if (w->closing) return Num(info.Env(), -EBADF);
  return Num(info.Env(), uv_poll_start(&w->poll, UV_READABLE, [](uv_poll_t* p, int status, int) {
               static_cast<Handle*>(p->data)->Call(status);
             }));
}

Napi::Value WatchStop(const Napi::CallbackInfo& info) {
  Watch* w = Unwrap<Watch>(info, 0, &kWatchTag);
  if (!w) return info.Env().Undefined();
  return Num(info.Env(), w->closing ? 0 : uv_poll_stop(&w->poll));
}

// ---- Waiter: poll(2) or select(2) on a thread of its own ----

struct Waiter : Handle {
  uv_async_t async;
  std::thread thread;
  std::mutex mu;
  std::condition_variable cv;
  enum { kIdle, kRequested, kDone, kQuit } state = kIdle;
  int wake[2] = {-1, -1};
  // The request, copied from JS so that JS may change its own arrays meanwhile.
  bool isSelect = false;
  std::vector<pollfd> pollfds;  // [0] is the wakeup pipe
  std::vector<int> fds;         // select: read, write, except
  int nr = 0, nw = 0, nx = 0;
  double timeout = -1;  // ms (poll) or µs (select); < 0 blocks
  int result = 0;

  Waiter(Napi::Env env, Napi::Function cb) : Handle(env, cb, "iomux.waiter") {}
  uv_handle_t* UvHandle() override { return reinterpret_cast<uv_handle_t*>(&async); }

  void Run() {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      cv.wait(lock, [this] { return state == kRequested || state == kQuit; });
      if (state == kQuit) return;
      lock.unlock();
      int r = isSelect ? Select() : Poll();
      char buf[64];
      while (read(wake[0], buf, sizeof buf) > 0) {
      }
      lock.lock();
      if (state == kQuit) return;
      result = r;
      state = kDone;
      uv_async_send(&async);
    }
  }

  // Ready user fds (the wakeup pipe not counted), or -errno.
  int Poll() {
    Deadline deadline(timeout);
    int r;
    do r = ::poll(pollfds.data(), pollfds.size(), deadline.RemainingMs());
    while (r < 0 && errno == EINTR);
    if (r < 0) return -errno;
    return r - (pollfds[0].revents ? 1 : 0);
  }

  int Select() {
    Deadline deadline(timeout < 0 ? -1 : timeout / 1e3);
    for (;;) {
      fd_set sets[3];
      for (auto& s : sets) FD_ZERO(&s);
      FD_SET(wake[0], &sets[0]);
      int maxfd = wake[0];
      for (size_t i = 0; i < fds.size(); i++) {
        int which = i < static_cast<size_t>(nr) ? 0 : i < static_cast<size_t>(nr + nw) ? 1 : 2;
        FD_SET(fds[i], &sets[which]);
        if (fds[i] > maxfd) maxfd = fds[i];
      }
      timeval tv, *tvp = nullptr;
      if (!deadline.forever()) {
        double us = std::ceil(deadline.RemainingNs() / 1e3);
        tv.tv_sec = static_cast<time_t>(us / 1e6);
        tv.tv_usec = static_cast<suseconds_t>(us - tv.tv_sec * 1e6);
        tvp = &tv;
      }
      int r = ::select(maxfd + 1, &sets[0], &sets[1], &sets[2], tvp);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return -errno;
      return r - (FD_ISSET(wake[0], &sets[0]) ? 1 : 0);
    }
  }

  // Runs on the loop thread after the thread finished a wait.
  void Done() {
    int r;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (state != kDone) return;
      state = kIdle;
      r = result;
    }
    ApplyRef();
    Call(r);
  }

  // An async handle is always active: it holds the loop only while a wait is in flight.
  void ApplyRef() override {
    bool pending;
    {
      std::lock_guard<std::mutex> lock(mu);
      pending = state != kIdle;
    }
    if (keepAlive && pending) uv_ref(UvHandle());
    else uv_unref(UvHandle());
  }

  void Wake() {
    char b = 1;
    (void)!write(wake[1], &b, 1);  // a full pipe is already a wakeup
  }

  void Stop() override {
    if (thread.joinable()) {
      {
        std::lock_guard<std::mutex> lock(mu);
        state = kQuit;
      }
      cv.notify_one();
      Wake();
      thread.join();
    }
    for (int fd : wake)
      if (fd >= 0) ::close(fd);
    wake[0] = wake[1] = -1;
  }

  // Hands a request to the thread; -EBUSY while one is in flight.
  int Start() {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (closing) return -EBADF;
      if (state != kIdle) return -EBUSY;
      state = kRequested;
    }
    ApplyRef();
    cv.notify_one();
    return 0;
  }
};

// waiterOpen(onDone): see lib/native.ts.
Napi::Value WaiterOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsFunction()) return BadType(info, 0, "a function"), env.Undefined();
  auto* w = new Waiter(env, info[0].As<Napi::Function>());
  if (int err = CloexecPipe(w->wake, true); err < 0) {
    delete w;
    return Num(env, err);
  }
  uv_async_init(Loop(env), &w->async, [](uv_async_t* a) {
    static_cast<Waiter*>(static_cast<Handle*>(a->data))->Done();
  });
  w->async.data = static_cast<Handle*>(w);
  uv_unref(w->UvHandle());
  w->Register();
  w->thread = std::thread([w] { w->Run(); });
  return Wrap(env, w, &kWaiterTag);
}

// waiterPoll(h, pollfds, n, timeoutMs): see lib/native.ts.
Napi::Value WaiterPoll(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Waiter* w = Unwrap<Waiter>(info, 0, &kWaiterTag);
  int32_t* records;
  size_t len;
  int32_t n;
  double timeoutMs;
  if (!w || !ArgInt32s(info, 1, &records, &len) || !ArgInt(info, 2, &n) || !ArgDouble(info, 3, &timeoutMs))
    return env.Undefined();
  if (n < 0 || static_cast<size_t>(n) * 2 > len) return OutOfRange(env, "n must fit in pollfds"), env.Undefined();
  {
    std::lock_guard<std::mutex> lock(w->mu);
    if (w->state != Waiter::kIdle) return Num(env, -EBUSY);
    const auto* src = reinterpret_cast<const pollfd*>(records);
    w->isSelect = false;
    w->pollfds.assign(1, pollfd{w->wake[0], POLLIN, 0});
    w->pollfds.insert(w->pollfds.end(), src, src + n);
    w->timeout = std::isnan(timeoutMs) ? -1 : timeoutMs;
  }
  return Num(env, w->Start());
}

// waiterSelect(h, fds, nr, nw, nx, timeoutUs): see lib/native.ts.
Napi::Value WaiterSelect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Waiter* w = Unwrap<Waiter>(info, 0, &kWaiterTag);
  int32_t* fds;
  size_t len;
  int32_t nr, nw, nx;
  double timeoutUs;
  if (!w || !ArgInt32s(info, 1, &fds, &len) || !ArgInt(info, 2, &nr) || !ArgInt(info, 3, &nw) ||
      !ArgInt(info, 4, &nx) || !ArgDouble(info, 5, &timeoutUs))
    return env.Undefined();
  if (nr < 0 || nw < 0 || nx < 0 || static_cast<size_t>(nr) + nw + nx > len)
    return OutOfRange(env, "counts must fit in fds"), env.Undefined();
  size_t total = static_cast<size_t>(nr) + nw + nx;
  for (size_t i = 0; i < total; i++)
    if (fds[i] < 0 || fds[i] >= FD_SETSIZE) return Num(env, -EINVAL);
  if (w->wake[0] >= FD_SETSIZE) return Num(env, -EINVAL);
  {
    std::lock_guard<std::mutex> lock(w->mu);
    if (w->state != Waiter::kIdle) return Num(env, -EBUSY);
    w->isSelect = true;
    w->fds.assign(fds, fds + total);
    w->nr = nr, w->nw = nw, w->nx = nx;
    w->timeout = std::isnan(timeoutUs) ? -1 : timeoutUs;
  }
  return Num(env, w->Start());
}

// waiterWake(h): ends the thread's current wait early (it then reports its count, maybe 0).
Napi::Value WaiterWake(const Napi::CallbackInfo& info) {
  Waiter* w = Unwrap<Waiter>(info, 0, &kWaiterTag);
  if (w && !w->closing) w->Wake();
  return info.Env().Undefined();
}

// ---- both ----

Handle* AnyHandle(const Napi::CallbackInfo& info) {
  bool ok = false;
  if (info[0].IsExternal()) {
    napi_check_object_type_tag(info.Env(), info[0], &kWatchTag, &ok);
    if (!ok) napi_check_object_type_tag(info.Env(), info[0], &kWaiterTag, &ok);
  }
  if (!ok) return BadType(info, 0, "a handle made by this module"), nullptr;
  return info[0].As<Napi::External<Handle>>().Data();
}

// handleClose(h): idempotent; a pending wait is abandoned without a callback.
Napi::Value HandleClose(const Napi::CallbackInfo& info) {
  if (Handle* h = AnyHandle(info)) h->Close();
  return info.Env().Undefined();
}

// handleRef(h, keepAlive): whether the handle, while active, keeps the loop alive.
Napi::Value HandleRef(const Napi::CallbackInfo& info) {
  Handle* h = AnyHandle(info);
  if (!h) return info.Env().Undefined();
  h->keepAlive = info[1].ToBoolean();
  if (!h->closing) h->ApplyRef();
  return info.Env().Undefined();
}

}  // namespace

void InitWatch(Napi::Env env, Napi::Object exports) {
  exports.Set("watchOpen", Napi::Function::New(env, WatchOpen, "watchOpen"));
  exports.Set("watchStart", Napi::Function::New(env, WatchStart, "watchStart"));
  exports.Set("watchStop", Napi::Function::New(env, WatchStop, "watchStop"));
  exports.Set("waiterOpen", Napi::Function::New(env, WaiterOpen, "waiterOpen"));
  exports.Set("waiterPoll", Napi::Function::New(env, WaiterPoll, "waiterPoll"));
  exports.Set("waiterSelect", Napi::Function::New(env, WaiterSelect, "waiterSelect"));
  exports.Set("waiterWake", Napi::Function::New(env, WaiterWake, "waiterWake"));
  exports.Set("handleClose", Napi::Function::New(env, HandleClose, "handleClose"));
  exports.Set("handleRef", Napi::Function::New(env, HandleRef, "handleRef"));
}

}  // namespace iomux
