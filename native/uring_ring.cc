// io_uring through raw syscalls (Linux only). Kernel quirks handled here:
// - Setup flags are tried best first, EINVAL meaning "this kernel lacks the flag": on request
//   SINGLE_ISSUER|DEFER_TASKRUN (6.1: completions are posted only when this thread asks), else
//   SINGLE_ISSUER|COOP_TASKRUN (6.0), COOP_TASKRUN (5.19), none. TASKRUN_FLAG makes the kernel
//   raise IORING_SQ_TASKRUN while deferred work waits, so an idle poll need not enter the kernel.
//   https://man7.org/linux/man-pages/man2/io_uring_setup.2.html, io_uring_setup_flags(7)
// - FEAT_NODROP (5.5) is required: a full CQ backlogs completions instead of dropping them;
//   io_uring_enter then says -EBUSY until the CQ is drained (never spin on it: harvest first), and
//   -EBADR if the kernel had to drop some under memory pressure. FEAT_EXT_ARG (5.11) is required
//   for a wait with a timeout in the same io_uring_enter. https://man7.org/linux/man-pages/man2/io_uring_enter.2.html
// - DEFER_TASKRUN: CQEs appear only after io_uring_enter(GETEVENTS), and no poller of the ring fd
//   is woken meanwhile (see kWatchable). Every wait here passes GETEVENTS.
// - A short submit (a failing SQE stops the batch) returns fewer than asked and skips the wait:
//   Submit and Wait loop until everything is consumed.
// - The ring fd is created close-on-exec by the kernel; FD_CLOEXEC is set again for old kernels.
// - Newer constants are #ifndef-defined so older <linux/io_uring.h> copies still build.
#ifdef __linux__
#include "uring_ring.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <mutex>

#include "util.h"

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif
#ifndef __NR_io_uring_enter
#define __NR_io_uring_enter 426
#endif
#ifndef __NR_io_uring_register
#define __NR_io_uring_register 427
#endif
#ifndef IORING_SETUP_CQSIZE
#define IORING_SETUP_CQSIZE (1U << 3)
#endif
#ifndef IORING_SETUP_COOP_TASKRUN
#define IORING_SETUP_COOP_TASKRUN (1U << 8)
#endif
#ifndef IORING_SETUP_TASKRUN_FLAG
#define IORING_SETUP_TASKRUN_FLAG (1U << 9)
#endif
#ifndef IORING_SETUP_SINGLE_ISSUER
#define IORING_SETUP_SINGLE_ISSUER (1U << 12)
#endif
#ifndef IORING_SETUP_DEFER_TASKRUN
#define IORING_SETUP_DEFER_TASKRUN (1U << 13)
#endif
#ifndef IORING_FEAT_SINGLE_MMAP
#define IORING_FEAT_SINGLE_MMAP (1U << 0)
#endif
#ifndef IORING_FEAT_NODROP
#define IORING_FEAT_NODROP (1U << 1)
#endif
#ifndef IORING_FEAT_EXT_ARG
#define IORING_FEAT_EXT_ARG (1U << 8)
#endif
#ifndef IORING_ENTER_GETEVENTS
#define IORING_ENTER_GETEVENTS (1U << 0)
#endif
#ifndef IORING_ENTER_EXT_ARG
#define IORING_ENTER_EXT_ARG (1U << 3)
#endif
#ifndef IORING_SQ_CQ_OVERFLOW
#define IORING_SQ_CQ_OVERFLOW (1U << 1)
#endif
#ifndef IORING_SQ_TASKRUN
#define IORING_SQ_TASKRUN (1U << 2)
#endif
#ifndef IORING_ASYNC_CANCEL_ALL
#define IORING_ASYNC_CANCEL_ALL (1U << 0)
#endif
#ifndef IORING_ASYNC_CANCEL_ANY
#define IORING_ASYNC_CANCEL_ANY (1U << 2)
#endif

namespace iomux {
namespace uring {

namespace {

// Register opcodes are an enum in the header (no #ifdef possible): the stable numbers.
constexpr unsigned kRegisterEventfd = 4;      // 5.2
constexpr unsigned kRegisterProbe = 8;        // 5.6
constexpr unsigned kRegisterSyncCancel = 24;  // 6.0

// Own copies of structs that old headers lack (layouts fixed by the kernel ABI).
struct GeteventsArg {
  uint64_t sigmask;
  uint32_t sigmaskSz;
  uint32_t pad;
  uint64_t ts;
};
struct KernelTimespec {
  int64_t tv_sec;
  long long tv_nsec;
};
struct SyncCancelReg {
  uint64_t addr;
  int32_t fd;
  uint32_t flags;
  KernelTimespec timeout;
  uint8_t opcode;
  uint8_t pad[7];
  uint64_t pad2[3];
};
struct ProbeOp {
  uint8_t op;
  uint8_t resv;
  uint16_t flags;
  uint32_t resv2;
};
struct Probe {
  uint8_t lastOp;
  uint8_t opsLen;
  uint16_t resv;
  uint32_t resv2[3];
  ProbeOp ops[256];
};
constexpr uint16_t kOpSupported = 1;

int SysSetup(unsigned entries, io_uring_params* p) {
  return static_cast<int>(syscall(__NR_io_uring_setup, entries, p));
}
int SysEnter(int fd, unsigned toSubmit, unsigned minComplete, unsigned flags, const void* arg, size_t argsz) {
  return static_cast<int>(syscall(__NR_io_uring_enter, fd, toSubmit, minComplete, flags, arg, argsz));
}
int SysRegister(int fd, unsigned op, void* arg, unsigned nr) {
  return static_cast<int>(syscall(__NR_io_uring_register, fd, op, arg, nr));
}

// Best first. DEFER_TASKRUN only when asked: with it the kernel wakes no poller of the ring fd
// when a request finishes (the fd reads as ready only when polled), so epoll or uv_poll watching
// the fd would sleep through completions (measured on 6.18: epoll_wait ran to its timeout while
// poll(2) said readable). COOP_TASKRUN does wake the thread (its epoll_wait returns EINTR, the
// completion is posted, then the ring fd is readable), so the default ring can be watched.
constexpr unsigned kWatchable[] = {
    IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
    IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
    0,
};
constexpr unsigned kDeferred[] = {
    IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
    IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
    IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
    0,
};

// The opcodes iomux/uring prepares, with their names for the unavailability reason.
struct NeededOp {
  uint8_t op;
  const char* name;
};
constexpr NeededOp kNeededOps[] = {
    {IORING_OP_POLL_ADD, "POLL_ADD"}, {IORING_OP_TIMEOUT, "TIMEOUT"}, {IORING_OP_ACCEPT, "ACCEPT"},
    {IORING_OP_ASYNC_CANCEL, "ASYNC_CANCEL"}, {IORING_OP_CONNECT, "CONNECT"}, {IORING_OP_READ, "READ"},
    {IORING_OP_WRITE, "WRITE"}, {IORING_OP_SEND, "SEND"}, {IORING_OP_RECV, "RECV"},
};

std::string ProbeOnce() {
  io_uring_params p;
  int fd = -1;
  for (unsigned flags : kWatchable) {
    std::memset(&p, 0, sizeof p);
    p.flags = flags;
    fd = SysSetup(4, &p);
    if (fd >= 0 || errno != EINVAL) break;
  }
  if (fd < 0) {
    int err = errno;
    if (err == ENOSYS) return "io_uring_setup failed with ENOSYS: this kernel has no io_uring (before Linux 5.1, or built without CONFIG_IO_URING)";
    if (err == EPERM) {
      std::string why = "io_uring_setup failed with EPERM: io_uring is disabled ";
      FILE* f = std::fopen("/proc/sys/kernel/io_uring_disabled", "r");
      int level = 0;
      if (f) {
        if (std::fscanf(f, "%d", &level) != 1) level = 0;
        std::fclose(f);
      }
      if (level != 0) return why + "by the sysctl kernel.io_uring_disabled=" + std::to_string(level);
      return why + "for this process (a seccomp profile, such as a container runtime's default, or kernel.io_uring_group)";
    }
    return std::string("io_uring_setup failed with ") + std::strerror(err);
  }
  std::string reason;
  if (!(p.features & IORING_FEAT_NODROP)) reason = "the kernel lacks IORING_FEAT_NODROP (Linux 5.5)";
  else if (!(p.features & IORING_FEAT_EXT_ARG)) reason = "the kernel lacks IORING_FEAT_EXT_ARG (Linux 5.11)";
  if (reason.empty()) {
    static Probe probe;  // 2 KiB: not on the stack of a worker thread
    std::memset(&probe, 0, sizeof probe);
    if (SysRegister(fd, kRegisterProbe, &probe, 256) < 0) {
      reason = std::string("IORING_REGISTER_PROBE failed with ") + std::strerror(errno);
    } else {
      for (const NeededOp& need : kNeededOps) {
        if (need.op > probe.lastOp || !(probe.ops[need.op].flags & kOpSupported)) {
          reason = std::string("the kernel lacks the io_uring opcode IORING_OP_") + need.name;
          break;
        }
      }
    }
  }
  ::close(fd);
  return reason;
}

// One region of the ring shared with the kernel; nullptr (errno set) if mmap(2) fails.
void* MapRegion(int fd, size_t len, off_t offset) {
  void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, offset);
  return p == MAP_FAILED ? nullptr : p;
}

}  // namespace

const std::string& Unavailable() {
  static std::once_flag once;
  static std::string reason;
  std::call_once(once, [] { reason = ProbeOnce(); });
  return reason;
}

int Ring::Setup(unsigned entries, unsigned cqEntries, bool deferTaskrun) {
  io_uring_params p;
  const unsigned* choices = deferTaskrun ? kDeferred : kWatchable;
  size_t count = deferTaskrun ? std::size(kDeferred) : std::size(kWatchable);
  // For tests of the fallbacks: IOMUX_URING_SETUP_FLAGS=<n> tries exactly these setup flags (what
  // an older kernel would leave), IOMUX_URING_NO_SYNC_CANCEL=1 pretends SYNC_CANCEL is missing.
  unsigned forced = 0;
  if (const char* env = std::getenv("IOMUX_URING_SETUP_FLAGS"); env && *env) {
    forced = static_cast<unsigned>(std::strtoul(env, nullptr, 0));
    choices = &forced;
    count = 1;
  }
  const char* noSync = std::getenv("IOMUX_URING_NO_SYNC_CANCEL");
  noSyncCancel_ = noSync && std::strcmp(noSync, "1") == 0;
  for (size_t i = 0; i < count; i++) {
    std::memset(&p, 0, sizeof p);
    p.flags = choices[i] | (cqEntries ? IORING_SETUP_CQSIZE : 0);
    p.cq_entries = cqEntries;
    fd_ = SysSetup(entries, &p);
    if (fd_ >= 0 || errno != EINVAL) break;
  }
  if (fd_ < 0) return -errno;
  fcntl(fd_, F_SETFD, FD_CLOEXEC);
  flags_ = p.flags;
  if (!(p.features & IORING_FEAT_NODROP) || !(p.features & IORING_FEAT_EXT_ARG)) {
    Unmap();
    return -EOPNOTSUPP;
  }
  sqEntries_ = p.sq_entries;
  cqEntries_ = p.cq_entries;
  sqMapLen_ = p.sq_off.array + p.sq_entries * sizeof(unsigned);
  cqMapLen_ = p.cq_off.cqes + p.cq_entries * sizeof(io_uring_cqe);
  bool single = p.features & IORING_FEAT_SINGLE_MMAP;
  if (single && cqMapLen_ > sqMapLen_) sqMapLen_ = cqMapLen_;
  // A failed mapping stays nullptr, so Unmap releases only what was mapped.
  auto fail = [this] {
    int err = errno;
    Unmap();
    return -err;
  };
  sqMap_ = MapRegion(fd_, sqMapLen_, IORING_OFF_SQ_RING);
  if (!sqMap_) return fail();
  if (single) {
    cqMap_ = sqMap_;
    cqMapLen_ = 0;  // one mapping: unmapped once
  } else {
    cqMap_ = MapRegion(fd_, cqMapLen_, IORING_OFF_CQ_RING);
    if (!cqMap_) return fail();
  }
  sqesLen_ = p.sq_entries * sizeof(io_uring_sqe);
  sqes_ = static_cast<io_uring_sqe*>(MapRegion(fd_, sqesLen_, IORING_OFF_SQES));
  if (!sqes_) return fail();
  auto* sq = static_cast<char*>(sqMap_);
  auto* cq = static_cast<char*>(cqMap_);
  sqHead_ = reinterpret_cast<unsigned*>(sq + p.sq_off.head);
  sqTail_ = reinterpret_cast<unsigned*>(sq + p.sq_off.tail);
  sqMask_ = *reinterpret_cast<unsigned*>(sq + p.sq_off.ring_mask);
  sqFlags_ = reinterpret_cast<unsigned*>(sq + p.sq_off.flags);
  sqArray_ = reinterpret_cast<unsigned*>(sq + p.sq_off.array);
  cqHead_ = reinterpret_cast<unsigned*>(cq + p.cq_off.head);
  cqTail_ = reinterpret_cast<unsigned*>(cq + p.cq_off.tail);
  cqMask_ = *reinterpret_cast<unsigned*>(cq + p.cq_off.ring_mask);
  cqes_ = reinterpret_cast<io_uring_cqe*>(cq + p.cq_off.cqes);
  // The index array maps slot i to SQE i once and for all.
  for (unsigned i = 0; i < sqEntries_; i++) sqArray_[i] = i;
  sqeTail_ = *sqTail_;
  return 0;
}

void Ring::Unmap() {
  if (sqes_) munmap(sqes_, sqesLen_);
  if (cqMap_ && cqMap_ != sqMap_) munmap(cqMap_, cqMapLen_);
  if (sqMap_) munmap(sqMap_, sqMapLen_);
  sqes_ = nullptr;
  sqMap_ = cqMap_ = nullptr;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (wakeFd_ >= 0) ::close(wakeFd_);
  wakeFd_ = -1;
}

bool Ring::deferred() const { return flags_ & IORING_SETUP_DEFER_TASKRUN; }

bool Ring::KernelWorkFlagged() const {
  return __atomic_load_n(sqFlags_, __ATOMIC_ACQUIRE) & (IORING_SQ_TASKRUN | IORING_SQ_CQ_OVERFLOW);
}

int Ring::RegisterWakeFd() {
  if (wakeFd_ >= 0) return wakeFd_;
  if (!deferred()) return -EINVAL;
  int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (efd < 0) return -errno;
  if (NoIntr([&] { return SysRegister(fd_, kRegisterEventfd, &efd, 1); }) < 0) {
    int err = errno;
    ::close(efd);
    return -err;
  }
  wakeFd_ = efd;
  return efd;
}

unsigned Ring::Unsubmitted() const { return sqeTail_ - __atomic_load_n(sqHead_, __ATOMIC_ACQUIRE); }

unsigned Ring::Ready() const { return __atomic_load_n(cqTail_, __ATOMIC_ACQUIRE) - *cqHead_; }

io_uring_sqe* Ring::NextSqe() {
  if (Unsubmitted() >= sqEntries_) {
    Submit();
    if (Unsubmitted() >= sqEntries_) return nullptr;
  }
  io_uring_sqe* sqe = &sqes_[sqeTail_ & sqMask_];
  std::memset(sqe, 0, sizeof *sqe);
  sqeTail_++;
  return sqe;
}

int Ring::Enter(unsigned toSubmit, unsigned minComplete, unsigned flags, double timeoutNs) {
  if (timeoutNs < 0) return SysEnter(fd_, toSubmit, minComplete, flags, nullptr, 0);
  KernelTimespec ts;
  ts.tv_sec = static_cast<int64_t>(timeoutNs / 1e9);
  ts.tv_nsec = static_cast<long long>(timeoutNs - static_cast<double>(ts.tv_sec) * 1e9);
  GeteventsArg arg{};
  arg.ts = reinterpret_cast<uint64_t>(&ts);
  return SysEnter(fd_, toSubmit, minComplete, flags | IORING_ENTER_EXT_ARG, &arg, sizeof arg);
}

int Ring::Submit() {
  __atomic_store_n(sqTail_, sqeTail_, __ATOMIC_RELEASE);
  // On a DEFER_TASKRUN ring a cancel only queues the work that ends its target, and the target
  // keeps its file open until that work runs: GETEVENTS (waiting for none) runs it in the same
  // enter, so a caller may close(2) the fd after Submit as on any other ring.
  unsigned flags = deferred() ? IORING_ENTER_GETEVENTS : 0;
  int total = 0;
  for (;;) {
    unsigned n = Unsubmitted();
    if (n == 0) return total;
    int r = SysEnter(fd_, n, 0, flags, nullptr, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return total > 0 ? total : -errno;
    if (r == 0) return total;
    total += r;
  }
}

// Enters in a row for deferred work, at most: a bound, for a ring whose work keeps coming.
constexpr unsigned kWorkRounds = 64;

int Ring::Wait(unsigned minComplete, double timeoutNs) {
  __atomic_store_n(sqTail_, sqeTail_, __ATOMIC_RELEASE);
  if (minComplete > cqEntries_) minComplete = cqEntries_;
  Deadline deadline(timeoutNs < 0 ? -1 : timeoutNs / 1e6);
  unsigned rounds = 0;
  for (;;) {
    unsigned queued = Unsubmitted();
    unsigned ready = Ready();
    bool flush = KernelWorkFlagged();
    // Deferred work is run even with CQEs ready: on a DEFER_TASKRUN ring nothing else runs it,
    // and running it now batches it with what is harvested.
    if (queued == 0 && ready >= minComplete && !(flush && (ready == 0 || deferred()))) return 0;
    unsigned min = ready >= minComplete ? 0 : minComplete;
    double left = deadline.RemainingNs();
    if (!deadline.forever() && left <= 0) min = 0;
    int r = Enter(queued, min, IORING_ENTER_GETEVENTS, min == 0 ? -1 : left);
    if (r < 0) {
      int err = errno;
      if (err == EINTR) {
        if (!deadline.forever() && deadline.RemainingNs() <= 0) return 0;
        continue;
      }
      if (err == ETIME) return 0;
      // CQ overflow backlog (EBUSY) or no memory for a request (EAGAIN): the caller harvests, the
      // next wait flushes. Returning rather than retrying is what keeps this from spinning.
      if (err == EBUSY || err == EAGAIN) return 0;
      return -err;
    }
    if (static_cast<unsigned>(r) < queued) continue;  // short submit: the wait was skipped
    // An enter runs a bounded share of the deferred work (20 items on 6.13+): while the kernel
    // flags more, enter again, so that a wait takes in what is ready now as epoll_wait does.
    if (deferred() && KernelWorkFlagged() && ++rounds < kWorkRounds && Ready() < cqEntries_) continue;
    if (min == 0 || Ready() >= minComplete) return 0;
    if (!deadline.forever() && deadline.RemainingNs() <= 0) return 0;
  }
}

void Ring::ArmWakeFd() {
  if (wakeFd_ < 0) return;
  // Clear what was signalled while nobody slept on the fd (the enters of the last turn posted
  // CQEs, and each post signals). Then, if work is deferred or CQEs are ready, signal it again:
  // the kernel signals only when deferred work arrives on an empty list, so a sleep now could
  // miss what is already there. With neither, the list is empty and the next arrival signals.
  uint64_t count;
  while (read(wakeFd_, &count, sizeof count) < 0 && errno == EINTR) {
  }
  if (KernelWorkFlagged() || Ready() > 0) {
    count = 1;
    while (write(wakeFd_, &count, sizeof count) < 0 && errno == EINTR) {
    }
  }
}

int Ring::SyncCancelAll() {
  if (noSyncCancel_) return -EINVAL;
  SyncCancelReg reg{};
  reg.fd = -1;
  reg.flags = IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL;
  reg.timeout.tv_sec = -1;
  reg.timeout.tv_nsec = -1;
  int r = NoIntr([&] { return SysRegister(fd_, kRegisterSyncCancel, &reg, 1); });
  return r < 0 ? -errno : r;
}

}  // namespace uring
}  // namespace iomux
#endif
