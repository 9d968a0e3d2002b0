// Compile-time memory planning: where every intermediate tensor and scratch buffer of a network
// lives inside one caller-owned arena.
//
// Algorithm (TFLite Micro's greedy planner, moved to constant evaluation): each buffer has a size
// and a lifetime [first, last] in execution steps. Buffers are placed largest first; each goes to
// the lowest 64-byte-aligned offset where it overlaps no already-placed buffer whose lifetime
// intersects its own. The arena size is the highest end of a buffer's actual bytes (offsets are
// aligned, sizes are not padded at the end), so it equals exactly what inference writes. Everything is constexpr, so
// `Network::arena_bytes` is a compile-time constant a firmware can `static_assert` on.
#pragma once

#include <array>
#include <cstddef>

#include "types.hpp"

namespace facenn {

struct BufferRequest {
  std::size_t bytes = 0;  // 0 = no buffer (placed at offset 0, occupies nothing)
  int first = 0;          // first step that writes it
  int last = 0;           // last step that reads it
};

template <std::size_t N>
struct MemoryPlan {
  std::array<std::size_t, N> offsets{};
  std::size_t total_bytes = 0;
};

template <std::size_t N>
constexpr MemoryPlan<N> plan_memory(const std::array<BufferRequest, N>& requests) noexcept {
  MemoryPlan<N> plan{};
  if constexpr (N == 0) {
    return plan;
  } else {
    // Order: larger first, then earlier first (stable and deterministic).
    std::array<std::size_t, N> order{};
    for (std::size_t i = 0; i < N; ++i) order[i] = i;
    for (std::size_t i = 1; i < N; ++i) {
      for (std::size_t j = i; j > 0; --j) {
        const auto& a = requests[order[j - 1]];
        const auto& b = requests[order[j]];
        const bool swap = a.bytes < b.bytes || (a.bytes == b.bytes && a.first > b.first);
        if (!swap) break;
        const std::size_t t = order[j - 1];
        order[j - 1] = order[j];
        order[j] = t;
      }
    }
    std::array<bool, N> placed{};
    // Does [offset, offset + size) collide with a placed buffer that is alive at the same time as r?
    auto collides = [&](const BufferRequest& r, std::size_t offset, std::size_t size) {
      for (std::size_t j = 0; j < N; ++j) {
        if (!placed[j] || requests[j].bytes == 0) continue;
        const BufferRequest& o = requests[j];
        if (o.last < r.first || r.last < o.first) continue;  // lifetimes do not intersect
        const std::size_t o_begin = plan.offsets[j];
        const std::size_t o_end = o_begin + align_up(o.bytes);
        if (offset < o_end && o_begin < offset + size) return true;
      }
      return false;
    };
    for (std::size_t k = 0; k < N; ++k) {
      const std::size_t i = order[k];
      const BufferRequest& r = requests[i];
      const std::size_t size = align_up(r.bytes);
      placed[i] = true;
      if (size == 0) continue;
      placed[i] = false;
      // Candidates: offset 0 and the end of every placed buffer; take the lowest that fits.
      std::size_t best = collides(r, 0, size) ? static_cast<std::size_t>(-1) : 0;
      for (std::size_t j = 0; j < N; ++j) {
        if (!placed[j] || requests[j].bytes == 0) continue;
        const std::size_t candidate = plan.offsets[j] + align_up(requests[j].bytes);
        if (candidate < best && !collides(r, candidate, size)) best = candidate;
      }
      plan.offsets[i] = best;
      placed[i] = true;
      if (best + r.bytes > plan.total_bytes) plan.total_bytes = best + r.bytes;
    }
    return plan;
  }
}

}  // namespace facenn
