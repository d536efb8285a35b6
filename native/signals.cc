// Signal wakeups for EventLoop.addSignalHandler, as CPython's signal.set_wakeup_fd: a C handler
// writes the signal number to a non-blocking pipe the loop watches, so that a loop blocked in a
// selector wait (runSync) wakes up, and then chains to the handler that was installed before it
// (libuv's, so Node's own process.on listeners still run).
// - Signal dispositions are process-wide: this state is global, not per Node environment; the TS
//   side allows it on the main thread only.
// - Only async-signal-safe calls in the handler: write(2); errno is saved and restored.
//   https://man7.org/linux/man-pages/man7/signal-safety.7.html
// - The wakeup fd of a signal is an atomic int, read by the handler at any time. It holds fd + 1
//   so that the zero-initialized table means "none" with no initialization step to race on
//   when several threads load the addon.
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>

#include "util.h"

namespace iomux {

namespace {

// Above every signal number of the supported systems (NSIG is 65 on Linux, 32/33 on BSDs).
constexpr int kMaxSignal = 128;

struct sigaction previous[kMaxSignal];
bool installed[kMaxSignal];
std::atomic<int> wakeFds[kMaxSignal];

void OnSignal(int sig, siginfo_t* info, void* context) {
  int savedErrno = errno;
  int slot = wakeFds[sig].load(std::memory_order_relaxed);
  if (slot > 0) {
    unsigned char byte = static_cast<unsigned char>(sig);
    // A full pipe drops the byte: the loop is already due to wake up.
    while (::write(slot - 1, &byte, 1) < 0 && errno == EINTR) {
    }
  }
  const struct sigaction& prev = previous[sig];
  if (prev.sa_flags & SA_SIGINFO) {
    if (prev.sa_sigaction != nullptr) prev.sa_sigaction(sig, info, context);
  } else if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN && prev.sa_handler != nullptr) {
    prev.sa_handler(sig);
  }
  errno = savedErrno;
}

bool ArgSignal(const Napi::CallbackInfo& info, int32_t* sig) {
  if (!ArgInt(info, 0, sig)) return false;
  if (*sig > 0 && *sig < kMaxSignal) return true;
  OutOfRange(info.Env(), "signal number out of range");
  return false;
}

// signalPipe(out): a close-on-exec pipe, both ends non-blocking, into out[0] (read), out[1] (write).
Napi::Value SignalPipe(const Napi::CallbackInfo& info) { return PipeInto(info, true); }

// signalInstall(signum, wakeFd): installs the chaining handler (once) and points it at wakeFd.
Napi::Value SignalInstall(const Napi::CallbackInfo& info) {
  int32_t sig, fd;
  if (!ArgSignal(info, &sig) || !ArgInt(info, 1, &fd)) return Napi::Value();
  if (fd < 0) return Num(info.Env(), -EBADF);
  if (installed[sig]) {
    wakeFds[sig].store(fd + 1);
    return Num(info.Env(), 0);
  }
  struct sigaction action = {};
  action.sa_sigaction = OnSignal;
  action.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
  sigfillset(&action.sa_mask);
  wakeFds[sig].store(fd + 1);
  if (sigaction(sig, &action, &previous[sig]) < 0) {
    int err = errno;
    wakeFds[sig].store(0);
    return Num(info.Env(), -err);
  }
  installed[sig] = true;
  return Num(info.Env(), 0);
}

// signalRestore(signum): puts back the handler found by signalInstall. 0 if none was installed.
Napi::Value SignalRestore(const Napi::CallbackInfo& info) {
  int32_t sig;
  if (!ArgSignal(info, &sig)) return Napi::Value();
  if (!installed[sig]) return Num(info.Env(), 0);
  if (sigaction(sig, &previous[sig], nullptr) < 0) return Num(info.Env(), -errno);
  installed[sig] = false;
  wakeFds[sig].store(0);
  return Num(info.Env(), 0);
}

}  // namespace

void InitSignals(Napi::Env env, Napi::Object exports) {
  exports.Set("signalPipe", Napi::Function::New(env, SignalPipe, "signalPipe"));
  exports.Set("signalInstall", Napi::Function::New(env, SignalInstall, "signalInstall"));
  exports.Set("signalRestore", Napi::Function::New(env, SignalRestore, "signalRestore"));
}

}  // namespace iomux
