// select(2). OS quirks handled here:
// - FD_SET on an fd >= FD_SETSIZE writes past the fd_set (undefined behaviour, a classic overflow):
//   every fd is range-checked before any FD_SET and the call returns -EINVAL with nothing written.
//   https://man7.org/linux/man-pages/man2/select.2.html (BUGS: "FD_SETSIZE")
// - Linux updates the timeval to the time not slept; other systems do not. The timeout is rebuilt
//   from a monotonic Deadline on every try instead of trusting it.
//   https://man7.org/linux/man-pages/man2/select.2.html (NOTES: "On Linux, select() modifies timeout")
// - After EINTR the fd_sets' contents are unspecified, so they are rebuilt before the retry (PEP 475).
//   https://peps.python.org/pep-0475/
// - The timeout is rounded up to whole microseconds: wait at least what was asked, as CPython does.
// - selectBits (SelectSelector) keeps its fds as two bitmaps that JS changes in place, so a wait
//   costs no walk of the registered fds: the bitmaps are copied into the fd_sets (memcpy where an
//   fd_set is those same 32-bit words, probed once at load: glibc's longs on a little-endian
//   machine and macOS's int32s are; FD_SET bit by bit elsewhere), nfds is the highest bit set, and
//   the ready fds are found a word at a time (at most FD_SETSIZE / 32 words, then one step per
//   ready fd). A bitmap has room for FD_SETSIZE fds only: nothing to range-check.
// The bitmap wait (SelectBitsUntil, wait.h) is also the waiter thread's (waiter.cc), with its
// wakeup pipe as one more fd to read.
#include <limits.h>
#include <sys/select.h>

#include <cmath>
#include <cstring>

#include "util.h"
#include "wait.h"

namespace iomux {

namespace {

// One select(2) call with the time left on the deadline: its count, or -errno.
int SelectOnce(int nfds, fd_set* r, fd_set* w, fd_set* x, const Deadline& deadline) {
  timeval tv;
  timeval* ptv = nullptr;
  if (!deadline.forever()) {
    // Round up to whole microseconds: wait at least what was asked.
    double us = std::ceil(deadline.RemainingNs() / 1e3);
    tv.tv_sec = static_cast<time_t>(us / 1e6);
    tv.tv_usec = static_cast<suseconds_t>(us - static_cast<double>(tv.tv_sec) * 1e6);
    ptv = &tv;
  }
  int n = ::select(nfds, r, w, x, ptv);
  return n < 0 ? -errno : n;
}

// Whether an fd_set is exactly kFdWords 32-bit words with fd d at bit d % 32 of word d / 32 (the
// headers do not say; this asks FD_SET itself).
bool ProbeFdSetIsWords() {
  if (sizeof(fd_set) != kFdWords * sizeof(uint32_t)) return false;
  for (int d : {0, 1, 7, 8, 31, 32, 33, 63, 64, 65, 127, 128, FD_SETSIZE - 1}) {
    fd_set set;
    FD_ZERO(&set);
    FD_SET(d, &set);
    uint32_t words[kFdWords] = {};
    words[d / 32] = uint32_t{1} << (d % 32);
    if (std::memcmp(&set, words, sizeof set) != 0) return false;
  }
  return true;
}

const bool kFdSetIsWords = ProbeFdSetIsWords();

void WordsToFdSet(const uint32_t* words, fd_set* set) {
  if (kFdSetIsWords) {
    std::memcpy(set, words, sizeof *set);
    return;
  }
  FD_ZERO(set);
  for (size_t i = 0; i < kFdWords; i++)
    for (uint32_t m = words[i]; m != 0; m &= m - 1) FD_SET(static_cast<int>(32 * i + __builtin_ctz(m)), set);
}

// Word i of `set`, as far as `registered` (the same word of the bitmap that went in) goes.
uint32_t FdSetWord(const fd_set* set, size_t i, uint32_t registered) {
  if (kFdSetIsWords) {
    uint32_t word;
    std::memcpy(&word, reinterpret_cast<const char*>(set) + i * sizeof word, sizeof word);
    return word & registered;
  }
  uint32_t word = 0;
  for (uint32_t m = registered; m != 0; m &= m - 1) {
    int b = __builtin_ctz(m);
    if (FD_ISSET(static_cast<int>(32 * i + b), set)) word |= uint32_t{1} << b;
  }
  return word;
}

// The highest fd in either bitmap, plus one (select's nfds); 0 when both are empty.
int BitsNfds(const uint32_t* read, const uint32_t* write) {
  for (size_t i = kFdWords; i-- > 0;) {
    uint32_t m = read[i] | write[i];
    if (m != 0) return static_cast<int>(32 * i) + 32 - __builtin_clz(m);
  }
  return 0;
}

}  // namespace

bool FitsFdSet(const int32_t* fds, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (fds[i] < 0 || fds[i] >= FD_SETSIZE) return false;
  return true;
}

int SelectBitsUntil(const uint32_t* read, const uint32_t* write, int extraReadFd, fd_set sets[2],
                    const Deadline& deadline) {
  int nfds = BitsNfds(read, write);
  if (extraReadFd >= nfds) nfds = extraReadFd + 1;
  for (;;) {
    WordsToFdSet(read, &sets[0]);
    WordsToFdSet(write, &sets[1]);
    if (extraReadFd >= 0) FD_SET(extraReadFd, &sets[0]);
    int r = SelectOnce(nfds, &sets[0], &sets[1], nullptr, deadline);
    if (r != -EINTR) return r;
  }
}

namespace {

// select(2) until the deadline on fds[0..nr) for reading, the next nw for writing and the next nx
// for exceptional conditions (select.select's lists). Every fd must pass FitsFdSet. The sets are
// rebuilt for each try, EINTR is retried with the time left, and on return sets[0..2] hold what
// select left in them. select's count, or -errno.
int SelectUntil(const int32_t* fds, size_t nr, size_t nw, size_t nx, fd_set sets[3], const Deadline& deadline) {
  const size_t ends[3] = {nr, nr + nw, nr + nw + nx};
  int maxfd = -1;
  for (size_t i = 0; i < ends[2]; i++)
    if (fds[i] > maxfd) maxfd = fds[i];
  for (;;) {
    size_t i = 0;
    for (int s = 0; s < 3; s++) {
      FD_ZERO(&sets[s]);
      for (; i < ends[s]; i++) FD_SET(fds[i], &sets[s]);
    }
    int r = SelectOnce(maxfd + 1, &sets[0], &sets[1], &sets[2], deadline);
    if (r != -EINTR) return r;
  }
}

// select(fds, nr, nw, nx, ready, timeoutUs): see lib/native.ts.
Napi::Value Select(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t *fds = nullptr, *ready = nullptr;
  size_t nfds = 0, nready = 0;
  int32_t nr = 0, nw = 0, nx = 0;
  double timeoutUs = 0;
  if (!ArgInt32s(info, 0, &fds, &nfds) || !ArgInt(info, 1, &nr) || !ArgInt(info, 2, &nw) ||
      !ArgInt(info, 3, &nx) || !ArgInt32s(info, 4, &ready, &nready) || !ArgDouble(info, 5, &timeoutUs))
    return Napi::Value();
  if (nr < 0 || nw < 0 || nx < 0) return OutOfRange(env, "counts must not be negative");
  size_t total = static_cast<size_t>(nr) + static_cast<size_t>(nw) + static_cast<size_t>(nx);
  if (total > nfds || total > nready) return OutOfRange(env, "counts must lie within the fd and ready arrays");
  if (!FitsFdSet(fds, total)) return Num(env, -EINVAL);

  fd_set sets[3];
  int r = SelectUntil(fds, nr, nw, nx, sets, Deadline(timeoutUs / 1e3));
  if (r < 0) return Num(env, r);
  const size_t ends[3] = {static_cast<size_t>(nr), static_cast<size_t>(nr) + nw, total};
  size_t i = 0;
  for (int s = 0; s < 3; s++)
    for (; i < ends[s]; i++) ready[i] = FD_ISSET(fds[i], &sets[s]) ? 1 : 0;
  return Num(env, r);
}

// selectBits(bits, out, timeoutUs): see lib/native.ts.
Napi::Value SelectBits(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t *bits = nullptr, *out = nullptr;
  size_t bitsLen = 0, outLen = 0;
  double timeoutUs = 0;
  if (!ArgInt32s(info, 0, &bits, &bitsLen) || !ArgInt32s(info, 1, &out, &outLen) || !ArgDouble(info, 2, &timeoutUs))
    return Napi::Value();
  if (bitsLen != 2 * kFdWords) return OutOfRange(env, "bits must hold two bitmaps of FD_SETSIZE / 32 words");
  const auto* read = reinterpret_cast<const uint32_t*>(bits);
  const auto* write = read + kFdWords;
  fd_set sets[2];
  int r = SelectBitsUntil(read, write, -1, sets, Deadline(timeoutUs / 1e3));
  if (r <= 0) return Num(env, r);
  size_t cap = outLen / 2, k = 0;
  size_t words = (static_cast<size_t>(BitsNfds(read, write)) + 31) / 32;
  for (size_t i = 0; i < words && k < cap; i++) {
    uint32_t rw = FdSetWord(&sets[0], i, read[i]), ww = FdSetWord(&sets[1], i, write[i]);
    for (uint32_t m = rw | ww; m != 0 && k < cap; m &= m - 1) {
      int b = __builtin_ctz(m);
      out[2 * k] = static_cast<int32_t>(32 * i) + b;
      out[2 * k + 1] = static_cast<int32_t>(((rw >> b) & 1) | (((ww >> b) & 1) << 1));
      k++;
    }
  }
  return Num(env, static_cast<double>(k));
}

}  // namespace

void InitSelect(Napi::Env env, Napi::Object exports) {
  exports.Set("select", Napi::Function::New(env, Select, "select"));
  exports.Set("selectBits", Napi::Function::New(env, SelectBits, "selectBits"));
  Napi::Object c = Constants(exports);
  IOMUX_CONST(c, FD_SETSIZE);
  IOMUX_CONST(c, PIPE_BUF);
}

}  // namespace iomux
