// The bounce buffers of a ring's receives and sends, kept for reuse once their op ended: an event
// loop's recv after recv on each of many connections would otherwise malloc and free the same
// size each time (and past glibc's per-thread cache of 7 per size, that costs more than the op's
// own work in the addon). Buffers up to kPooledMax are made in power-of-two sizes, one free list
// per size (a take is O(1)), and at most kKeptBytes of them are kept; larger ones are made to
// measure and freed when done.
#ifndef IOMUX_URING_BOUNCE_H
#define IOMUX_URING_BOUNCE_H

#ifdef __linux__
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace iomux {

class BouncePool {
 public:
  static constexpr unsigned kMinClass = 6;  // 64 bytes
  static constexpr unsigned kMaxClass = 20;  // 1 MiB
  static constexpr size_t kPooledMax = size_t(1) << kMaxClass;
  static constexpr size_t kKeptBytes = size_t(8) << 20;

  // A buffer of at least *len bytes; *len becomes its size.
  std::unique_ptr<uint8_t[]> Take(size_t* len) {
    if (*len <= kPooledMax) {
      unsigned k = ClassOf(*len);
      *len = size_t(1) << k;
      std::vector<std::unique_ptr<uint8_t[]>>& list = free_[k - kMinClass];
      if (!list.empty()) {
        std::unique_ptr<uint8_t[]> buf = std::move(list.back());
        list.pop_back();
        kept_ -= *len;
        return buf;
      }
    }
    return std::unique_ptr<uint8_t[]>(new uint8_t[*len]);
  }

  // Keeps `buf` (of `len` bytes, as Take gave it) for a later Take, or frees it.
  void Give(std::unique_ptr<uint8_t[]> buf, size_t len) {
    if (!buf || len > kPooledMax || len < (size_t(1) << kMinClass) || kept_ + len > kKeptBytes) return;
    unsigned k = ClassOf(len);
    if ((size_t(1) << k) != len) return;  // not one of ours
    free_[k - kMinClass].push_back(std::move(buf));
    kept_ += len;
  }

 private:
  // The smallest class whose size holds len.
  static unsigned ClassOf(size_t len) {
    unsigned k = kMinClass;
    while ((size_t(1) << k) < len) k++;
    return k;
  }

  std::vector<std::unique_ptr<uint8_t[]>> free_[kMaxClass - kMinClass + 1];
  size_t kept_ = 0;
};

}  // namespace iomux

#endif  // __linux__
#endif  // IOMUX_URING_BOUNCE_H
