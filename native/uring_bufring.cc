// Provided buffer rings through raw io_uring_register (no liburing). Kernel ABI notes:
// - The ring is an array of `struct io_uring_buf {u64 addr; u32 len; u16 bid; u16 resv}`, page
//   aligned; the shared tail is the u16 at byte 14 (the first entry's resv). The kernel consumes
//   from its head, we add at the tail and publish it with a release store.
// - IORING_REGISTER_PBUF_RING is 22 (5.19); a kernel without it says EINVAL. Unregister (23) is
//   done after the ring has let go of every request (close cancels and drains first).
#ifdef __linux__
#include "uring_bufring.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#ifndef __NR_io_uring_register
#define __NR_io_uring_register 427
#endif

namespace iomux {
namespace uring {

namespace {

constexpr unsigned kRegisterPbufRing = 22;
constexpr unsigned kUnregisterPbufRing = 23;

struct Buf {
  uint64_t addr;
  uint32_t len;
  uint16_t bid;
  uint16_t resv;
};
struct BufReg {
  uint64_t ringAddr;
  uint32_t ringEntries;
  uint16_t bgid;
  uint16_t flags;
  uint64_t resv[3];
};

int Register(int fd, unsigned op, void* arg) {
  return static_cast<int>(syscall(__NR_io_uring_register, fd, op, arg, 1));
}

void* MapAnon(size_t len) {
  void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

}  // namespace

void Arena::Release() {
  if (refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  if (mem) munmap(mem, len);
  delete this;
}

BufRing::~BufRing() { Close(); }

int BufRing::Setup(int ringFd, unsigned entries, unsigned size, uint16_t bgid) {
  if (entries == 0 || entries > 32768 || (entries & (entries - 1)) || size == 0) return -EINVAL;
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  ringLen_ = (entries * sizeof(Buf) + page - 1) / page * page;
  ring_ = MapAnon(ringLen_);
  if (!ring_) return -errno;
  auto* arena = new Arena();
  arena->len = static_cast<size_t>(entries) * size;
  arena->mem = static_cast<uint8_t*>(MapAnon(arena->len));
  if (!arena->mem) {
    int err = errno;
    delete arena;
    munmap(ring_, ringLen_);
    ring_ = nullptr;
    return -err;
  }
  BufReg reg{};
  reg.ringAddr = reinterpret_cast<uint64_t>(ring_);
  reg.ringEntries = entries;
  reg.bgid = bgid;
  if (Register(ringFd, kRegisterPbufRing, &reg) < 0) {
    int err = errno;
    munmap(arena->mem, arena->len);
    delete arena;
    munmap(ring_, ringLen_);
    ring_ = nullptr;
    return -err;
  }
  ringFd_ = ringFd;
  arena_ = arena;
  entries_ = entries;
  size_ = size;
  mask_ = entries - 1;
  bgid_ = bgid;
  tail_ = 0;
  for (unsigned i = 0; i < entries; i++) Add(i);
  Publish();
  return 0;
}

void BufRing::Add(unsigned bid) {
  if (!ring_ || bid >= entries_) return;
  Buf& b = static_cast<Buf*>(ring_)[tail_ & mask_];
  b.addr = reinterpret_cast<uint64_t>(arena_->mem + static_cast<size_t>(bid) * size_);
  b.len = size_;
  b.bid = static_cast<uint16_t>(bid);
  tail_++;
}

void BufRing::Publish() {
  if (!ring_) return;
  auto* tail = reinterpret_cast<uint16_t*>(static_cast<uint8_t*>(ring_) + 14);
  __atomic_store_n(tail, tail_, __ATOMIC_RELEASE);
}

void BufRing::Close() {
  if (!ring_) return;
  if (ringFd_ >= 0) {
    BufReg reg{};
    reg.bgid = bgid_;
    Register(ringFd_, kUnregisterPbufRing, &reg);
  }
  munmap(ring_, ringLen_);
  ring_ = nullptr;
  arena_->Release();
  arena_ = nullptr;
}

}  // namespace uring
}  // namespace iomux
#endif
