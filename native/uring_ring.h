// One io_uring instance driven through raw syscalls (no liburing, as libuv does), so a prebuilt
// addon needs nothing installed. Linux only; knows nothing of JavaScript (native/uring.cc binds it).
// See native/uring_ring.cc for the kernel quirks handled.
#pragma once
#ifdef __linux__
#include <linux/io_uring.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace iomux {
namespace uring {

// user_data values at or above this are the ring's own (close-time cancels); user tags are below 2^32.
constexpr uint64_t kInternal = 1ull << 32;

class Ring {
 public:
  Ring() = default;
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;
  ~Ring() { Unmap(); }

  // io_uring_setup with the best flags this kernel takes (DEFER_TASKRUN only if asked: its ring fd
  // cannot be watched), then the mmaps. 0 or -errno; -EOPNOTSUPP when a required feature
  // (NODROP, EXT_ARG) is missing.
  int Setup(unsigned entries, unsigned cqEntries, bool deferTaskrun);
  int fd() const { return fd_; }
  // The setup flags the kernel accepted.
  unsigned flags() const { return flags_; }
  unsigned sqEntries() const { return sqEntries_; }
  unsigned cqEntries() const { return cqEntries_; }

  // A zeroed SQE to fill, or nullptr when the SQ is full even after one flush (Submit).
  io_uring_sqe* NextSqe();
  // SQEs written but not yet consumed by the kernel.
  unsigned Unsubmitted() const;
  // Hands every unsubmitted SQE to the kernel (one io_uring_enter; more only for a short submit).
  // Returns the number consumed, or -errno (-EBUSY / -EAGAIN: the rest stays queued).
  int Submit();
  // Submits, then waits until at least `minComplete` CQEs are ready or `timeoutNs` passes
  // (< 0: no limit). EINTR is retried with the time left. 0 (timeouts included) or -errno.
  // With minComplete 0 it enters the kernel only when something is queued or the kernel flags
  // deferred work or a CQ overflow, so an idle poll costs no syscall.
  int Wait(unsigned minComplete, double timeoutNs);
  // DEFER_TASKRUN rings only: registers an eventfd (IORING_REGISTER_EVENTFD) for the caller to
  // watch in place of the ring fd, which wakes no poller on such a ring. The kernel signals it
  // when deferred work arrives on an empty list and whenever CQEs are posted (by this thread's
  // own enters too), so it is cleared by ArmWakeFd just before the caller sleeps on it rather
  // than at every wait. The fd (close-on-exec, non-blocking), or -errno.
  int RegisterWakeFd();
  // Before sleeping on the wake fd: clears it, and signals it again if deferred work or CQEs are
  // already there, so that the sleep ends at once instead of missing them.
  void ArmWakeFd();
  bool deferred() const;
  // CQEs ready to harvest.
  unsigned Ready() const;
  // Hands up to `max` ready CQEs to f(const io_uring_cqe&), oldest first; returns how many.
  template <typename F>
  unsigned Harvest(unsigned max, F f) {
    unsigned head = *cqHead_;
    unsigned tail = __atomic_load_n(cqTail_, __ATOMIC_ACQUIRE);
    unsigned n = 0;
    while (head != tail && n < max) {
      f(cqes_[head & cqMask_]);
      head++;
      n++;
    }
    __atomic_store_n(cqHead_, head, __ATOMIC_RELEASE);
    return n;
  }
  // Takes back every SQE the kernel has not consumed; f(user_data) for each.
  template <typename F>
  void DropUnsubmitted(F f) {
    unsigned head = __atomic_load_n(sqHead_, __ATOMIC_ACQUIRE);
    for (unsigned i = head; i != sqeTail_; i++) f(sqes_[i & sqMask_].user_data);
    sqeTail_ = head;
    __atomic_store_n(sqTail_, head, __ATOMIC_RELEASE);
  }
  // IORING_REGISTER_SYNC_CANCEL of every request (Linux 6.0). 0, or -errno (-EINVAL: unsupported).
  int SyncCancelAll();
  // Unmaps the rings and closes the fd (the kernel then cancels whatever is left). Idempotent.
  void Unmap();

 private:
  int Enter(unsigned toSubmit, unsigned minComplete, unsigned flags, double timeoutNs);
  // The kernel flags work only an enter runs: deferred task work, or completions in its
  // overflow list.
  bool KernelWorkFlagged() const;

  int fd_ = -1;
  int wakeFd_ = -1;
  unsigned flags_ = 0;
  bool noSyncCancel_ = false;
  unsigned sqEntries_ = 0, cqEntries_ = 0;
  void* sqMap_ = nullptr;
  size_t sqMapLen_ = 0;
  void* cqMap_ = nullptr;
  size_t cqMapLen_ = 0;
  io_uring_sqe* sqes_ = nullptr;
  size_t sqesLen_ = 0;
  unsigned *sqHead_ = nullptr, *sqTail_ = nullptr, *sqFlags_ = nullptr, *sqArray_ = nullptr;
  unsigned sqMask_ = 0;
  unsigned sqeTail_ = 0;  // ours: SQEs written; published to *sqTail_ at Submit
  unsigned *cqHead_ = nullptr, *cqTail_ = nullptr;
  unsigned cqMask_ = 0;
  io_uring_cqe* cqes_ = nullptr;
};

// Whether io_uring is usable in this process, probed once (a ring of 4 entries is set up with the
// flags Setup uses, its features and opcodes checked, and closed): "" when usable, else the reason.
const std::string& Unavailable();

}  // namespace uring
}  // namespace iomux
#endif
