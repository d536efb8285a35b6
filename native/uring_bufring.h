// A provided buffer ring (IORING_REGISTER_PBUF_RING, Linux 5.19): a pool of equal buffers the
// kernel picks from for a receive that selects its buffer (IOSQE_BUFFER_SELECT), so a multishot
// receive needs no buffer per connection. Linux only; knows nothing of JavaScript.
#pragma once
#ifdef __linux__
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace iomux {
namespace uring {

// The buffers' memory, shared by the kernel registration and a JS ArrayBuffer over it: freed
// when both let go (Release twice), so that neither a closed ring nor a collected (or
// detached) ArrayBuffer can free memory the other still uses.
struct Arena {
  uint8_t* mem = nullptr;
  size_t len = 0;
  std::atomic<int> refs{2};
  void Release();
};

class BufRing {
 public:
  BufRing() = default;
  BufRing(const BufRing&) = delete;
  BufRing& operator=(const BufRing&) = delete;
  ~BufRing();

  // Maps `entries` (a power of two, at most 32768) buffers of `size` bytes and registers them as
  // group `bgid` on the ring fd, all handed to the kernel. 0 or -errno (-EINVAL: the kernel has
  // no buffer rings).
  int Setup(int ringFd, unsigned entries, unsigned size, uint16_t bgid);
  // Gives buffer `bid` back to the kernel; published by Publish (one store for a batch).
  void Add(unsigned bid);
  void Publish();
  // Unregisters (the kernel must have let go of every request using the group) and drops the
  // ring's hold on the arena. Idempotent.
  void Close();
  // Forgets the ring and the arena without unregistering or freeing: for a ring whose requests
  // would not end, so that the kernel never writes into memory given back to the system.
  void Abandon() {
    ring_ = nullptr;
    arena_ = nullptr;
  }

  Arena* arena() const { return arena_; }
  unsigned entries() const { return entries_; }
  unsigned size() const { return size_; }
  uint16_t bgid() const { return bgid_; }
  bool active() const { return ring_ != nullptr; }

 private:
  int ringFd_ = -1;
  void* ring_ = nullptr;
  size_t ringLen_ = 0;
  Arena* arena_ = nullptr;
  unsigned entries_ = 0, size_ = 0, mask_ = 0;
  uint16_t bgid_ = 0;
  uint16_t tail_ = 0;  // ours: buffers added; published to the shared tail by Publish
};

}  // namespace uring
}  // namespace iomux
#endif
