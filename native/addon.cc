// Registers each mechanism file's exports and keeps per-thread state.
#include "addon.h"

#include <unistd.h>

#include "uring.h"

namespace iomux {

// Runs to the end even in a worker terminated meanwhile: the registrations then fail quietly
// (see the Init declarations in addon.h), and this object still becomes the instance data
// (napi_set_instance_data needs no JS), so the destructor still runs at teardown.
Addon::Addon(Napi::Env env, Napi::Object exports) {
  // Every file adds its OS constants here (see Constants in util.h).
  exports.Set("constants", Napi::Object::New(env));
  InitSelect(env, exports);
  InitPoll(env, exports);
  InitEpoll(env, exports);
  InitKqueue(env, exports);
  InitFd(env, exports);
  InitSocket(env, exports);
  InitMsg(env, exports);
  InitHandle(env, exports);
  InitWatch(env, exports);
  InitWaiter(env, exports);
  InitSignals(env, exports);
  InitSendfile(env, exports);
  InitUring(env, exports);
  InitResolve(env, exports);
  InitErrno(env, exports);
}

Addon::~Addon() {
  for (int fd : owned) ::close(fd);
}

}  // namespace iomux

using IomuxAddon = iomux::Addon;
NODE_API_ADDON(IomuxAddon)
