#include "util.h"

namespace iomux {

void InitFd(Napi::Env env, Napi::Object exports) {}

}  // namespace iomux
