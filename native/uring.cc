// iomux/uring's native calls: a Ring (native/uring_ring.h) behind a JS External, and the table of
// operations in flight, keyed by the caller's tag. Buffer policy, the reason for each choice:
// - The kernel never touches JS memory. A receive or read lands in a native bounce buffer and is
//   copied into the caller's buffer when its completion is harvested; a send or write copies the
//   caller's bytes at prep time. JS memory can move out from under a pending operation in ways
//   Node-API cannot prevent (ArrayBuffer transfer or postMessage detaches it, and the new owner may
//   be collected), so zero-copy into JS memory could let the kernel write into freed memory.
// - The caller's receive buffer is held by a strong napi_ref per tag until its completion is
//   harvested, whatever the caller drops; a buffer detached meanwhile gets -EFAULT.
// - close() (and the finalizer, and worker teardown through an env cleanup hook) takes back the
//   SQEs not yet submitted, cancels everything in flight (IORING_REGISTER_SYNC_CANCEL, or one
//   ASYNC_CANCEL per op before Linux 6.0) and harvests until nothing is left, so no bounce buffer
//   is freed while the kernel may still write to it; if a request refuses to end within 2 s its
//   bounce buffer is leaked rather than freed.
// - A ring keeps its creator's credentials for the requests it runs (Node's CVE-2024-22017): one
//   ring per creation, bound to the thread (an External cannot cross to another worker), and
//   SINGLE_ISSUER where the kernel has it.
// - An accepted fd is close-on-exec (SOCK_CLOEXEC) and owned by the thread's state once harvested.
#include "uring.h"

#include "util.h"

#ifdef __linux__
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <climits>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "address.h"
#include "uring_bounce.h"
#include "uring_bufring.h"
#include "uring_ops.h"
#include "uring_ring.h"
#endif

namespace iomux {

#ifdef __linux__
namespace {

constexpr napi_type_tag kRingTag = {0x696f6d7578757269ULL, 0x6e67000000000003ULL};

// kPollLevel: IoUringSelector's level-triggered POLL_ADD. A harvest that reports it parks it (the
// op stays, its tag pending) and the next wait asked to, or submit, queues it again; a cancel of
// a parked one just drops it.
enum Kind : uint8_t { kRecv, kSend, kRead, kWrite, kAccept, kConnect, kPollAdd, kPollLevel, kCancel, kTimeout, kAcceptMulti, kRecvMulti };

#ifndef IORING_CQE_F_MORE
#define IORING_CQE_F_MORE (1U << 1)
#endif
#ifndef IORING_RECV_MULTISHOT
#define IORING_RECV_MULTISHOT (1U << 1)
#endif
#ifndef IORING_ACCEPT_MULTISHOT
#define IORING_ACCEPT_MULTISHOT (1U << 0)
#endif
// The buffer group of a ring's provided buffer ring (one per ring).
constexpr uint16_t kBufferGroup = 0;

struct Op {
  Kind kind;
  napi_ref target = nullptr;            // receive/read: the caller's buffer, filled at harvest
  std::unique_ptr<uint8_t[]> bounce;    // what the kernel reads or writes
  size_t bounceLen = 0;                 // its size, to reuse it for a later op (RingObj::spare)
  sockaddr_storage addr;                // connect: read by the kernel at submit
  struct {
    int64_t tv_sec;
    long long tv_nsec;
  } ts;                                 // timeout: read by the kernel at submit
  int32_t fd = -1;                      // kPollLevel: what its next SQE polls
  uint32_t pollEvents = 0;
  bool parked = false;                  // kPollLevel: harvested, not yet queued again

  // Blank again for the next op (OpTable keeps ended ops; addr and ts are written before use).
  void Reset() {
    target = nullptr;
    bounce.reset();
    bounceLen = 0;
    parked = false;
  }
};

struct RingObj {
  napi_env env;
  uring::Ring ring;
  OpTable<Op> ops;
  unsigned internal = 0;  // close-time cancels in flight
  bool closed = false;
  bool hooked = false;
  // Bounce buffers of harvested receives and sends, reused by the next ones.
  BouncePool spare;
  // The provided buffer ring of multishot receives (uringBufferRing), if one was made.
  uring::BufRing bufs;
  // Tags of parked kPollLevel ops (a tag whose op is no longer parked is skipped).
  std::vector<uint32_t> parked;

  std::unique_ptr<uint8_t[]> TakeBounce(size_t* len) { return spare.Take(len); }

  void Recycle(Op& op) {
    if (op.bounce && op.bounceLen > 0) spare.Give(std::move(op.bounce), op.bounceLen);
  }

  explicit RingObj(napi_env e) : env(e) {}

  static void CleanupHook(void* arg) {
    auto* self = static_cast<RingObj*>(arg);
    self->hooked = false;
    self->Close(true);
  }

  // The CQE of a user op: copies a receive into the caller's buffer, owns an accepted fd, drops
  // the op. Returns the result to report (-EFAULT if the caller's buffer shrank meanwhile).
  // A multishot op's CQE with IORING_CQE_F_MORE leaves the op in place for the next ones.
  // A level-triggered poll that reports readiness is parked instead: IORING_CQE_F_MORE is set in
  // *flags, as for a multishot op.
  int32_t Complete(uint32_t tag, int32_t res, uint32_t* flags, bool teardown) {
    Op* found = ops.Find(tag);
    if (!found) return res;
    Op& op = *found;
    if (op.kind == kPollLevel && res >= 0) {
      op.parked = true;
      parked.push_back(tag);
      *flags |= IORING_CQE_F_MORE;
      return res;
    }
    if (op.kind == kAcceptMulti || op.kind == kRecvMulti) {
      if (op.kind == kAcceptMulti && res >= 0 && !teardown) State(Napi::Env(env)).owned.insert(res);
      if (!(*flags & IORING_CQE_F_MORE)) ops.Erase(tag);
      return res;
    }
    if ((op.kind == kRecv || op.kind == kRead) && res > 0 && !teardown) {
      napi_value v;
      uint8_t* data = nullptr;
      size_t len = 0;
      if (napi_get_reference_value(env, op.target, &v) == napi_ok && BytesOf(env, v, &data, &len) &&
          len >= static_cast<size_t>(res)) {
        std::memcpy(data, op.bounce.get(), static_cast<size_t>(res));
      } else {
        res = -EFAULT;
      }
    }
    if (op.kind == kAccept && res >= 0 && !teardown) State(Napi::Env(env)).owned.insert(res);
    if (op.target && !teardown) napi_delete_reference(env, op.target);
    if (!teardown) Recycle(op);
    ops.Erase(tag);
    return res;
  }

  // Queues every parked poll again. One that finds the SQ full stays parked for the next call.
  void Unpark() {
    size_t done = 0;
    for (; done < parked.size(); done++) {
      Op* op = ops.Find(parked[done]);
      if (!op || !op->parked) continue;
      io_uring_sqe* sqe = ring.NextSqe();
      if (!sqe) break;
      sqe->opcode = IORING_OP_POLL_ADD;
      sqe->fd = op->fd;
      sqe->poll32_events = op->pollEvents;
      sqe->user_data = parked[done];
      op->parked = false;
    }
    parked.erase(parked.begin(), parked.begin() + static_cast<std::ptrdiff_t>(done));
  }

  void Close(bool teardown) {
    if (closed) return;
    closed = true;
    if (hooked) napi_remove_env_cleanup_hook(env, CleanupHook, this);
    hooked = false;
    for (uint32_t tag : parked) {  // not in the kernel: nothing to cancel
      if (Op* op = ops.Find(tag); op && op->parked) ops.Take(tag);
    }
    parked.clear();
    ring.DropUnsubmitted([&](uint64_t ud) {
      if (ud < uring::kInternal) Forget(static_cast<uint32_t>(ud), teardown, false, -1, 0);
      else internal--;
    });
    if (!ops.empty()) {
      if (ring.SyncCancelAll() < 0) CancelEach();
      Deadline giveUp(2000);
      while (!ops.empty() || internal > 0) {
        ring.Wait(1, 50e6);
        ring.Harvest(UINT_MAX, [&](const io_uring_cqe& cqe) {
          if (cqe.user_data < uring::kInternal) Forget(static_cast<uint32_t>(cqe.user_data), teardown, false, cqe.res, cqe.flags);
          else internal--;
        });
        if (giveUp.RemainingNs() <= 0) break;
      }
    }
    // Whatever did not end: the kernel may still write to its bounce buffer, so leak that (and
    // the provided buffers, which a multishot receive may still fill).
    bool leaked = !ops.empty();
    std::vector<uint32_t> left;
    ops.ForEach([&](uint32_t tag, Op&) { left.push_back(tag); });
    for (uint32_t tag : left) Forget(tag, teardown, true, -1, 0);
    if (leaked) bufs.Abandon();
    else bufs.Close();
    ring.Unmap();
  }

  // Before Linux 6.0: one ASYNC_CANCEL per op in flight.
  void CancelEach() {
    bool full = false;
    ops.ForEach([&](uint32_t tag, Op&) {
      io_uring_sqe* sqe = full ? nullptr : ring.NextSqe();
      if (!sqe) {
        full = true;
        return;
      }
      sqe->opcode = IORING_OP_ASYNC_CANCEL;
      sqe->fd = -1;
      sqe->addr = tag;
      sqe->user_data = uring::kInternal;
      internal++;
    });
    ring.Submit();
  }

  // Drops an op whose completion nobody will see; a connection it accepted is closed. A
  // multishot op stays while its CQEs say more are coming (`flags` has IORING_CQE_F_MORE).
  void Forget(uint32_t tag, bool teardown, bool leak, int32_t res, uint32_t flags) {
    Op* op = ops.Find(tag);
    if (!op) return;
    Kind kind = op->kind;
    if ((kind == kAccept || kind == kAcceptMulti) && res >= 0) ::close(res);
    if (kind == kAcceptMulti || kind == kRecvMulti) {
      if (flags & IORING_CQE_F_MORE) return;
    }
    if (op->target && !teardown) napi_delete_reference(env, op->target);
    if (leak) op->bounce.release();
    ops.Take(tag);
  }
};

void Finalize(napi_env env, void* data, void*) {
  UntagExternal(env, data);
  auto* r = static_cast<RingObj*>(data);
  r->Close(false);
  delete r;
}

RingObj* Unwrap(const Napi::CallbackInfo& info) {
  return static_cast<RingObj*>(ArgTagged(info, 0, &kRingTag, "a ring handle made by this module"));
}

// A tag argument: an integer in [0, 2^32). Throws ERR_OUT_OF_RANGE otherwise (TS checks first).
bool ArgTag(const Napi::CallbackInfo& info, size_t i, uint32_t* tag) {
  double d;
  *tag = 0;
  if (!ArgDouble(info, i, &d)) return false;
  if (!(d >= 0 && d < 4294967296.0) || d != static_cast<double>(static_cast<uint32_t>(d))) {
    OutOfRange(info.Env(), "a tag must be an integer >= 0 and < 2 ** 32");
    return false;
  }
  *tag = static_cast<uint32_t>(d);
  return true;
}

// What every prep shares: a live ring, a tag not already pending, a free SQE. Returns the SQE
// (user_data set, the op recorded) or a -errno in *err.
io_uring_sqe* Begin(RingObj* r, uint32_t tag, std::unique_ptr<Op> op, int* err) {
  *err = 0;
  if (r->closed) return *err = -EBADF, nullptr;
  if (r->ops.Find(tag)) return *err = -EEXIST, nullptr;
  io_uring_sqe* sqe = r->ring.NextSqe();
  if (!sqe) return *err = -EBUSY, nullptr;
  sqe->user_data = tag;
  r->ops.Insert(tag, std::move(op));
  return sqe;
}

// Begin, then the opcode and fd every prep sets.
io_uring_sqe* BeginOp(RingObj* r, uint32_t tag, std::unique_ptr<Op> op, uint8_t opcode, int32_t fd, int* err) {
  io_uring_sqe* sqe = Begin(r, tag, std::move(op), err);
  if (sqe) {
    sqe->opcode = opcode;
    sqe->fd = fd;
  }
  return sqe;
}

// BeginOp for an op that keeps nothing but its kind (the kernel reads no memory of it).
io_uring_sqe* BeginOp(RingObj* r, uint32_t tag, Kind kind, uint8_t opcode, int32_t fd, int* err) {
  auto op = r->ops.Make();
  op->kind = kind;
  return BeginOp(r, tag, std::move(op), opcode, fd, err);
}

// The arguments of a prep called (h, fd, tag): false when one was refused (the error is thrown).
bool FdTagArgs(const Napi::CallbackInfo& info, RingObj** r, int32_t* fd, uint32_t* tag) {
  *r = Unwrap(info);
  return *r && ArgInt(info, 1, fd) && ArgTag(info, 2, tag);
}

Napi::Value Probe(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), uring::Unavailable());
}

// uringSetup(entries, cqEntries, deferTaskrun): see lib/native.ts.
Napi::Value Setup(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t entries, cq;
  if (!ArgInt(info, 0, &entries) || !ArgInt(info, 1, &cq)) return Napi::Value();
  bool defer = ArgTruthy(info, 2);
  if (entries <= 0 || cq < 0) return Num(env, -EINVAL);
  auto* r = new RingObj(env);
  if (int err = r->ring.Setup(static_cast<unsigned>(entries), static_cast<unsigned>(cq), defer); err < 0) {
    r->closed = true;
    delete r;
    return Num(env, err);
  }
  napi_value external = nullptr;
  // In a worker being terminated this fails (JS may still run a moment, so an unset value must not
  // reach it), and no finalizer would ever free the ring: free it now.
  if (napi_create_external(env, r, Finalize, nullptr, &external) != napi_ok) {
    r->closed = true;
    delete r;
    return Napi::Value();
  }
  TagExternal(env, external, r, &kRingTag);
  if (napi_add_env_cleanup_hook(env, RingObj::CleanupHook, r) == napi_ok) r->hooked = true;
  return Napi::Value(env, external);
}

Napi::Value Fd(const Napi::CallbackInfo& info) {
  RingObj* r = Unwrap(info);
  if (!r) return info.Env().Undefined();
  return Num(info.Env(), r->closed ? -EBADF : r->ring.fd());
}

// uringFlags(h): the setup flags in use (for tests and diagnostics).
Napi::Value Flags(const Napi::CallbackInfo& info) {
  RingObj* r = Unwrap(info);
  if (!r) return info.Env().Undefined();
  return Num(info.Env(), r->ring.flags());
}

Napi::Value Pending(const Napi::CallbackInfo& info) {
  RingObj* r = Unwrap(info);
  if (!r) return info.Env().Undefined();
  return Num(info.Env(), static_cast<double>(r->ops.size()));
}

// uringPrepBuffer(h, kind, fd, buf, offset, tag): receive, send, read, write.
Napi::Value PrepBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RingObj* r = Unwrap(info);
  int32_t kind, fd;
  uint8_t* data;
  size_t len;
  double offset;
  uint32_t tag;
  if (!r || !ArgInt(info, 1, &kind) || !ArgInt(info, 2, &fd) || !ArgBytes(info, 3, &data, &len) ||
      !ArgDouble(info, 4, &offset) || !ArgTag(info, 5, &tag))
    return Napi::Value();
  // Kind 4: a send with MSG_WAITALL, which the kernel (5.18) retries until all is sent or it fails.
  bool waitAll = kind == 4;
  if (waitAll) kind = kSend;
  if (kind < kRecv || kind > kWrite || len > UINT32_MAX) return Num(env, -EINVAL);
  auto op = r->ops.Make();
  op->kind = static_cast<Kind>(kind);
  op->bounceLen = len ? len : 1;
  op->bounce = r->TakeBounce(&op->bounceLen);
  bool in = kind == kRecv || kind == kRead;
  if (in) napi_create_reference(env, info[3], 1, &op->target);
  else std::memcpy(op->bounce.get(), data, len);
  uint8_t* bounce = op->bounce.get();
  napi_ref target = op->target;
  static const uint8_t kOpcodes[] = {IORING_OP_RECV, IORING_OP_SEND, IORING_OP_READ, IORING_OP_WRITE};
  int err;
  io_uring_sqe* sqe = BeginOp(r, tag, std::move(op), kOpcodes[kind], fd, &err);
  if (!sqe) {
    if (target) napi_delete_reference(env, target);
    return Num(env, err);
  }
  sqe->addr = reinterpret_cast<uint64_t>(bounce);
  sqe->len = static_cast<uint32_t>(len);
  if (kind == kSend) sqe->msg_flags = MSG_NOSIGNAL | (waitAll ? MSG_WAITALL : 0);
  if (kind == kRead || kind == kWrite) sqe->off = offset < 0 ? ~0ull : static_cast<uint64_t>(offset);
  return Num(env, 0);
}

// uringPrepAccept(h, fd, tag): accept4(SOCK_CLOEXEC); uringPrepAcceptMulti(h, fd, tag): a
// multishot accept4(SOCK_CLOEXEC | SOCK_NONBLOCK) (5.19).
Napi::Value PrepAcceptOf(const Napi::CallbackInfo& info, bool multi) {
  Napi::Env env = info.Env();
  RingObj* r;
  int32_t fd;
  uint32_t tag;
  if (!FdTagArgs(info, &r, &fd, &tag)) return Napi::Value();
  int err;
  io_uring_sqe* sqe = BeginOp(r, tag, multi ? kAcceptMulti : kAccept, IORING_OP_ACCEPT, fd, &err);
  if (!sqe) return Num(env, err);
  sqe->accept_flags = multi ? SOCK_CLOEXEC | SOCK_NONBLOCK : SOCK_CLOEXEC;
  if (multi) sqe->ioprio = IORING_ACCEPT_MULTISHOT;
  return Num(env, 0);
}

Napi::Value PrepAccept(const Napi::CallbackInfo& info) {
  return PrepAcceptOf(info, false);
}

Napi::Value PrepAcceptMulti(const Napi::CallbackInfo& info) {
  return PrepAcceptOf(info, true);
}

// uringPrepConnect(h, fd, family, host, port, flowinfo, scopeId, tag)
Napi::Value PrepConnect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RingObj* r = Unwrap(info);
  int32_t fd, family, port;
  double flowinfo, scopeId;
  uint32_t tag;
  if (!r || !ArgInt(info, 1, &fd) || !ArgInt(info, 2, &family)) return Napi::Value();
  if (!info[3].IsString()) return BadType(info, 3, "a string");
  if (!ArgInt(info, 4, &port) || !ArgDouble(info, 5, &flowinfo) || !ArgDouble(info, 6, &scopeId) ||
      !ArgTag(info, 7, &tag))
    return Napi::Value();
  auto op = r->ops.Make();
  op->kind = kConnect;
  socklen_t len = 0;
  if (int e = BuildAddress(family, info[3].As<Napi::String>().Utf8Value(), port, flowinfo, scopeId, &op->addr, &len);
      e < 0)
    return Num(env, e);
  sockaddr_storage* addr = &op->addr;
  int err;
  io_uring_sqe* sqe = BeginOp(r, tag, std::move(op), IORING_OP_CONNECT, fd, &err);
  if (!sqe) return Num(env, err);
  sqe->addr = reinterpret_cast<uint64_t>(addr);
  sqe->off = len;
  return Num(env, 0);
}

// uringPrepPollAdd(h, fd, mask, tag): a one-shot poll.
Napi::Value PrepPollAdd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RingObj* r = Unwrap(info);
  int32_t fd, mask;
  uint32_t tag;
  if (!r || !ArgInt(info, 1, &fd) || !ArgInt(info, 2, &mask) || !ArgTag(info, 3, &tag)) return Napi::Value();
  uint32_t events = static_cast<uint32_t>(mask);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  events = (events << 16) | (events >> 16);  // poll32_events is word-swapped on big-endian hosts
#endif
  auto op = r->ops.Make();
  op->kind = ArgTruthy(info, 4) ? kPollLevel : kPollAdd;
  op->fd = fd;
  op->pollEvents = events;
  int err;
  io_uring_sqe* sqe = BeginOp(r, tag, std::move(op), IORING_OP_POLL_ADD, fd, &err);
  if (!sqe) return Num(env, err);
  sqe->poll32_events = events;
  return Num(env, 0);
}

// uringPrepCancel(h, targetTag, tag)
Napi::Value PrepCancel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RingObj* r = Unwrap(info);
  uint32_t target, tag;
  if (!r || !ArgTag(info, 1, &target) || !ArgTag(info, 2, &tag)) return Napi::Value();
  int err;
  // A parked poll is not in the kernel: dropped here, it needs no cancel (1 says so). One in
  // flight that completes before the cancel reaches it is not parked.
  if (Op* polled = r->ops.Find(target); polled && polled->kind == kPollLevel) {
    if (polled->parked) {
      r->ops.Erase(target);
      return Num(env, 1);
    }
    polled->kind = kPollAdd;
  }
  io_uring_sqe* sqe = BeginOp(r, tag, kCancel, IORING_OP_ASYNC_CANCEL, -1, &err);
  if (!sqe) return Num(env, err);
  sqe->addr = target;
  return Num(env, 0);
}

// uringPrepTimeout(h, ns, tag)
Napi::Value PrepTimeout(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RingObj* r = Unwrap(info);
  double ns;
  uint32_t tag;
  if (!r || !ArgDouble(info, 1, &ns) || !ArgTag(info, 2, &tag)) return Napi::Value();
  if (!(ns >= 0 && ns < 9.2e18)) return Num(env, -EINVAL);
  auto op = r->ops.Make();
  op->kind = kTimeout;
  op->ts.tv_sec = static_cast<int64_t>(ns / 1e9);
  op->ts.tv_nsec = static_cast<long long>(ns - static_cast<double>(op->ts.tv_sec) * 1e9);
  void* ts = &op->ts;
  int err;
  io_uring_sqe* sqe = BeginOp(r, tag, std::move(op), IORING_OP_TIMEOUT, -1, &err);
  if (!sqe) return Num(env, err);
  sqe->addr = reinterpret_cast<uint64_t>(ts);
  sqe->len = 1;
  return Num(env, 0);
}

// Optional arguments (recycled, count) of uringSubmit and uringWait: provided buffers the caller
// is done with, given back to the kernel before the submit, in the same crossing.
bool Recycle(const Napi::CallbackInfo& info, size_t i, RingObj* r) {
  if (info.Length() <= i || info[i].IsUndefined()) return true;
  int32_t* bids;
  size_t len;
  int32_t count;
  if (!ArgInt32s(info, i, &bids, &len) || !ArgInt(info, i + 1, &count)) return false;
  if (count <= 0 || !r->bufs.active()) return true;
  size_t n = static_cast<size_t>(count) < len ? static_cast<size_t>(count) : len;
  for (size_t k = 0; k < n; k++) r->bufs.Add(static_cast<unsigned>(bids[k]));
  r->bufs.Publish();
  return true;
}

// uringSubmit(h, recycled?, count?)
Napi::Value Submit(const Napi::CallbackInfo& info) {
  RingObj* r = Unwrap(info);
  if (!r) return info.Env().Undefined();
  if (r->closed) return Num(info.Env(), -EBADF);
  if (!Recycle(info, 1, r)) return Napi::Value();
  r->Unpark();
  return Num(info.Env(), r->ring.Submit());
}

// uringBufferRing(h, entries, size): registers the ring's provided buffer ring (group 0) and
// returns an ArrayBuffer over its buffers (buffer `bid` at bid * size), or -errno (-EINVAL: the
// kernel has none; -EEXIST: made already).
Napi::Value BufferRing(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RingObj* r = Unwrap(info);
  int32_t entries, size;
  if (!r || !ArgInt(info, 1, &entries) || !ArgInt(info, 2, &size)) return Napi::Value();
  if (r->closed) return Num(env, -EBADF);
  if (r->bufs.active()) return Num(env, -EEXIST);
  if (entries <= 0 || size <= 0) return Num(env, -EINVAL);
  if (int e = r->bufs.Setup(r->ring.fd(), static_cast<unsigned>(entries), static_cast<unsigned>(size), kBufferGroup); e < 0)
    return Num(env, e);
  uring::Arena* arena = r->bufs.arena();
  napi_value ab;
  napi_status st = napi_create_external_arraybuffer(
      env, arena->mem, arena->len, [](napi_env, void*, void* hint) { static_cast<uring::Arena*>(hint)->Release(); },
      arena, &ab);
  if (st != napi_ok) {  // e.g. a runtime that forbids external buffers: no buffer ring then
    r->bufs.Close();
    arena->Release();  // the JavaScript side's hold, never taken
    return Num(env, -ENOTSUP);
  }
  return Napi::Value(env, ab);
}

// uringPrepRecvMulti(h, fd, tag): a multishot recv into the ring's provided buffers (6.0); each
// CQE's flags carry the buffer id (flags >>> 16). -ENOBUFS without a buffer ring.
Napi::Value PrepRecvMulti(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RingObj* r;
  int32_t fd;
  uint32_t tag;
  if (!FdTagArgs(info, &r, &fd, &tag)) return Napi::Value();
  if (!r->closed && !r->bufs.active()) return Num(env, -ENOBUFS);
  int err;
  io_uring_sqe* sqe = BeginOp(r, tag, kRecvMulti, IORING_OP_RECV, fd, &err);
  if (!sqe) return Num(env, err);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = r->bufs.bgid();
  sqe->ioprio = IORING_RECV_MULTISHOT;
  return Num(env, 0);
}

// uringWakeFd(h): see lib/native.ts.
Napi::Value WakeFd(const Napi::CallbackInfo& info) {
  RingObj* r = Unwrap(info);
  if (!r) return info.Env().Undefined();
  if (r->closed) return Num(info.Env(), -EBADF);
  return Num(info.Env(), r->ring.RegisterWakeFd());
}

// uringArmWake(h): see lib/native.ts.
Napi::Value ArmWake(const Napi::CallbackInfo& info) {
  RingObj* r = Unwrap(info);
  if (r && !r->closed) r->ring.ArmWakeFd();
  return info.Env().Undefined();
}

// uringWait(h, minComplete, timeoutNs, out, recycled?, count?, unpark?): see lib/native.ts.
Napi::Value Wait(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RingObj* r = Unwrap(info);
  int32_t min;
  double ns;
  int32_t* out;
  size_t outLen;
  if (!r || !ArgInt(info, 1, &min) || !ArgDouble(info, 2, &ns) || !ArgInt32s(info, 3, &out, &outLen))
    return Napi::Value();
  if (r->closed) return Num(env, -EBADF);
  if (!Recycle(info, 4, r)) return Napi::Value();
  if (min < 0) return Num(env, -EINVAL);
  if (std::isnan(ns)) ns = -1;
  if (ArgTruthy(info, 6)) r->Unpark();
  if (int e = r->ring.Wait(static_cast<unsigned>(min), ns); e < 0) return Num(env, e);
  unsigned n = 0;
  unsigned cap = static_cast<unsigned>(outLen / 3);
  r->ring.Harvest(cap, [&](const io_uring_cqe& cqe) {
    if (cqe.user_data >= uring::kInternal) return;
    uint32_t tag = static_cast<uint32_t>(cqe.user_data);
    out[3 * n] = static_cast<int32_t>(tag);
    uint32_t flags = cqe.flags;
    out[3 * n + 1] = r->Complete(tag, cqe.res, &flags, false);
    out[3 * n + 2] = static_cast<int32_t>(flags);
    n++;
  });
  return Num(env, n);
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  RingObj* r = Unwrap(info);
  if (r) r->Close(false);
  return info.Env().Undefined();
}

}  // namespace
#endif

void InitUring(Napi::Env env, Napi::Object exports) {
#ifdef __linux__
  exports.Set("uringProbe", Napi::Function::New(env, Probe, "uringProbe"));
  exports.Set("uringSetup", Napi::Function::New(env, Setup, "uringSetup"));
  exports.Set("uringFd", Napi::Function::New(env, Fd, "uringFd"));
  exports.Set("uringPending", Napi::Function::New(env, Pending, "uringPending"));
  exports.Set("uringFlags", Napi::Function::New(env, Flags, "uringFlags"));
  exports.Set("uringPrepBuffer", Napi::Function::New(env, PrepBuffer, "uringPrepBuffer"));
  exports.Set("uringPrepAccept", Napi::Function::New(env, PrepAccept, "uringPrepAccept"));
  exports.Set("uringPrepConnect", Napi::Function::New(env, PrepConnect, "uringPrepConnect"));
  exports.Set("uringPrepPollAdd", Napi::Function::New(env, PrepPollAdd, "uringPrepPollAdd"));
  exports.Set("uringPrepCancel", Napi::Function::New(env, PrepCancel, "uringPrepCancel"));
  exports.Set("uringPrepTimeout", Napi::Function::New(env, PrepTimeout, "uringPrepTimeout"));
  exports.Set("uringSubmit", Napi::Function::New(env, Submit, "uringSubmit"));
  exports.Set("uringWait", Napi::Function::New(env, Wait, "uringWait"));
  exports.Set("uringWakeFd", Napi::Function::New(env, WakeFd, "uringWakeFd"));
  exports.Set("uringArmWake", Napi::Function::New(env, ArmWake, "uringArmWake"));
  exports.Set("uringClose", Napi::Function::New(env, Close, "uringClose"));
  exports.Set("uringBufferRing", Napi::Function::New(env, BufferRing, "uringBufferRing"));
  exports.Set("uringPrepAcceptMulti", Napi::Function::New(env, PrepAcceptMulti, "uringPrepAcceptMulti"));
  exports.Set("uringPrepRecvMulti", Napi::Function::New(env, PrepRecvMulti, "uringPrepRecvMulti"));
#endif
}

}  // namespace iomux
