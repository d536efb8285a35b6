// iomux/uring's native calls (native/uring.cc); on other OSes they are absent from the exports.
#pragma once
#include <napi.h>

namespace iomux {

void InitUring(Napi::Env env, Napi::Object exports);

}  // namespace iomux
