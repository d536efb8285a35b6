// The operations of one ring in flight, by tag. The event loops tag with small integers reused
// from a free list, so tags below kDirect index a vector; other tags (a Ring's caller may pick any
// 32-bit tag) go to a hash map. An op that ended is kept for the next one (up to kSpare of them):
// an event loop starts and ends one per receive, and a malloc and free each time cost more than
// the op's own work in the addon once many are in flight (glibc's per-thread cache holds 7 per size).
#ifndef IOMUX_URING_OPS_H
#define IOMUX_URING_OPS_H

#ifdef __linux__
#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

namespace iomux {

template <typename Op>
class OpTable {
 public:
  static constexpr uint32_t kDirect = 1u << 16;
  static constexpr size_t kSpare = 1024;

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }

  Op* Find(uint32_t tag) const {
    if (tag < kDirect) return tag < direct_.size() ? direct_[tag].get() : nullptr;
    auto it = other_.find(tag);
    return it == other_.end() ? nullptr : it->second.get();
  }

  // A blank op (reused if one is spare), not yet in the table.
  std::unique_ptr<Op> Make() {
    if (spare_.empty()) return std::make_unique<Op>();
    std::unique_ptr<Op> op = std::move(spare_.back());
    spare_.pop_back();
    return op;
  }

  // Adds `op` under `tag`, which must not be in the table.
  Op* Insert(uint32_t tag, std::unique_ptr<Op> op) {
    Op* p = op.get();
    if (tag < kDirect) {
      if (tag >= direct_.size()) direct_.resize(tag < 64 ? 64 : NextSize(tag));
      direct_[tag] = std::move(op);
    } else {
      other_.emplace(tag, std::move(op));
    }
    count_++;
    return p;
  }

  // Removes the op of `tag` and keeps it for reuse (reset by `Op::Reset`).
  void Erase(uint32_t tag) {
    std::unique_ptr<Op> op = Take(tag);
    if (!op || spare_.size() >= kSpare) return;
    op->Reset();
    spare_.push_back(std::move(op));
  }

  // Removes the op of `tag` and hands it over (nullptr if there is none).
  std::unique_ptr<Op> Take(uint32_t tag) {
    std::unique_ptr<Op> op;
    if (tag < kDirect) {
      if (tag < direct_.size()) op = std::move(direct_[tag]);
    } else {
      auto it = other_.find(tag);
      if (it != other_.end()) {
        op = std::move(it->second);
        other_.erase(it);
      }
    }
    if (op) count_--;
    return op;
  }

  // Calls f(tag, op) for every op (f must not change the table).
  template <typename F>
  void ForEach(F f) const {
    for (size_t i = 0; i < direct_.size(); i++) {
      if (direct_[i]) f(static_cast<uint32_t>(i), *direct_[i]);
    }
    for (auto& entry : other_) f(entry.first, *entry.second);
  }

 private:
  static size_t NextSize(uint32_t tag) {
    size_t n = 64;
    while (n <= tag) n *= 2;
    return n;
  }

  std::vector<std::unique_ptr<Op>> direct_;
  std::unordered_map<uint32_t, std::unique_ptr<Op>> other_;
  std::vector<std::unique_ptr<Op>> spare_;
  size_t count_ = 0;
};

}  // namespace iomux

#endif  // __linux__
#endif  // IOMUX_URING_OPS_H
