#include "util.h"

namespace iomux {

void InitSocket(Napi::Env env, Napi::Object exports) {}

}  // namespace iomux
