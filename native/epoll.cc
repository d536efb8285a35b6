#include "util.h"

namespace iomux {

void InitEpoll(Napi::Env env, Napi::Object exports) {}

}  // namespace iomux
