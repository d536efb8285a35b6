#include "util.h"

namespace iomux {

void InitPoll(Napi::Env env, Napi::Object exports) {}

}  // namespace iomux
