#include "util.h"

namespace iomux {

void InitKqueue(Napi::Env env, Napi::Object exports) {}

}  // namespace iomux
