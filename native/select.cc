#include "util.h"

namespace iomux {

void InitSelect(Napi::Env env, Napi::Object exports) {}

}  // namespace iomux
