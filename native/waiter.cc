// Waiter: poll(2) or select(2) on a thread of its own, for the backends that have no kernel object
// for watch.cc to watch; the TypeScript layer harvests with a zero-timeout wait once it reports.
// OS quirks handled here:
// - A wakeup pipe (close-on-exec, non-blocking) sits beside the user's fds: writing it ends the
//   wait at once, so that register/modify/unregister/close take effect. It is drained after each
//   wait and is not counted in the result.
// - The thread blocks every signal: they belong to Node's thread (libuv's threadpool does the
//   same), and the waits retry EINTR anyway (wait.h).
// - The request is copied from JS, so JS may change its own arrays while the thread waits.
// - A uv_async_t is always active: it is ref'd only while a wait is in flight, or it would keep
//   the process alive forever.
// The handle's teardown with a worker is in handle.h; the waits themselves in poll.cc and
// select.cc (wait.h).
#include <signal.h>
#include <unistd.h>

#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "handle.h"
#include "wait.h"

namespace iomux {

namespace {

struct Waiter : Handle {
  uv_async_t async;
  std::thread thread;
  std::mutex mu;
  std::condition_variable cv;
  std::condition_variable finished;  // a wait ended (for WakeAndSettle)
  enum { kIdle, kRequested, kDone, kQuit } state = kIdle;
  int wake[2] = {-1, -1};
  // The request.
  bool isSelect = false;
  std::vector<pollfd> pollfds;  // poll: [0] is the wakeup pipe
  uint32_t bits[2][kFdWords] = {};  // select: the read and write bitmaps (wait.h)
  double timeoutMs = -1;  // < 0 blocks
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
      int r = Wait();
      char buf[64];
      while (read(wake[0], buf, sizeof buf) > 0) {
      }
      lock.lock();
      if (state == kQuit) return;
      result = r;
      state = kDone;
      finished.notify_all();
      uv_async_send(&async);
    }
  }

  // Ready user fds (the wakeup pipe not counted), or -errno.
  int Wait() {
    Deadline deadline(timeoutMs);
    if (!isSelect) {
      int r = PollUntil(pollfds.data(), pollfds.size(), deadline);
      return r < 0 ? r : r - (pollfds[0].revents ? 1 : 0);
    }
    fd_set sets[2];
    int r = SelectBitsUntil(bits[0], bits[1], wake[0], sets, deadline);
    return r < 0 ? r : r - (FD_ISSET(wake[0], &sets[0]) ? 1 : 0);
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

  // Wakes the thread and returns once its wait has ended: the kernel's poll table of a sleeping
  // poll(2)/select(2) holds a reference to every file in its set, so a socket closed during the
  // wait would stay open (a listener would still take connections) until the wait returned.
  void WakeAndSettle() {
    Wake();
    std::unique_lock<std::mutex> lock(mu);
    finished.wait(lock, [this] { return state != kRequested; });
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

  // Hands the request to the thread; -EBUSY while one is in flight.
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
  if (!info[0].IsFunction()) return BadType(info, 0, "a function");
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
    return Napi::Value();
  if (n < 0 || static_cast<size_t>(n) * 2 > len) return OutOfRange(env, "n must fit in pollfds");
  {
    std::lock_guard<std::mutex> lock(w->mu);
    if (w->state != Waiter::kIdle) return Num(env, -EBUSY);
    const auto* src = reinterpret_cast<const pollfd*>(records);
    w->isSelect = false;
    w->pollfds.assign(1, pollfd{w->wake[0], POLLIN, 0});
    w->pollfds.insert(w->pollfds.end(), src, src + n);
    w->timeoutMs = timeoutMs;
  }
  return Num(env, w->Start());
}

// waiterSelect(h, bits, timeoutUs): see lib/native.ts.
Napi::Value WaiterSelect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Waiter* w = Unwrap<Waiter>(info, 0, &kWaiterTag);
  int32_t* bits;
  size_t len;
  double timeoutUs;
  if (!w || !ArgInt32s(info, 1, &bits, &len) || !ArgDouble(info, 2, &timeoutUs)) return Napi::Value();
  if (len != 2 * kFdWords) return OutOfRange(env, "bits must hold two bitmaps of FD_SETSIZE / 32 words");
  if (!FitsFdSet(&w->wake[0], 1)) return Num(env, -EINVAL);
  {
    std::lock_guard<std::mutex> lock(w->mu);
    if (w->state != Waiter::kIdle) return Num(env, -EBUSY);
    w->isSelect = true;
    std::memcpy(w->bits, bits, sizeof w->bits);
    w->timeoutMs = timeoutUs / 1e3;
  }
  return Num(env, w->Start());
}

// waiterWake(h, settle?): ends the thread's current wait early (it then reports its count, maybe
// 0); with settle, returns only once that wait has ended.
Napi::Value WaiterWake(const Napi::CallbackInfo& info) {
  Waiter* w = Unwrap<Waiter>(info, 0, &kWaiterTag);
  if (!w) return Napi::Value();
  if (w->closing) return info.Env().Undefined();
  if (ArgTruthy(info, 1)) w->WakeAndSettle();
  else w->Wake();
  return info.Env().Undefined();
}

}  // namespace

void InitWaiter(Napi::Env env, Napi::Object exports) {
  exports.Set("waiterOpen", Napi::Function::New(env, WaiterOpen, "waiterOpen"));
  exports.Set("waiterPoll", Napi::Function::New(env, WaiterPoll, "waiterPoll"));
  exports.Set("waiterSelect", Napi::Function::New(env, WaiterSelect, "waiterSelect"));
  exports.Set("waiterWake", Napi::Function::New(env, WaiterWake, "waiterWake"));
}

}  // namespace iomux
