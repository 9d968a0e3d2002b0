// Vector form of the int8 output stage (core/requant.hpp, contract.md §1), bit-exact for every lane:
//
//   v   = MBQM(acc, m, shift)      with (m, shift) = neg_* if PRelu and acc < 0, else the positive pair
//   out = clamp(v, act_min - zp, act_max - zp) + zp        (== the reference's int64 clamp, no overflow)
//
// MBQM(x, m, s) = RDBPOT(SRDHM(sat(x << max(s, 0)), m), max(-s, 0)), where
//   SRDHM(a, b)   = (int64(a) * b + 2^30) >> 31     (the reference's nudge-and-truncate, rewritten as one
//                                                    floor: identical for every a, b except a = b = INT32_MIN)
//   RDBPOT(x, e)  = (x >> e) + ((x & mask) > (mask >> 1) + (x < 0)),  mask = 2^e - 1.
// Preconditions checked once per call by the dispatcher (simd/dispatch.hpp): no multiplier equals
// INT32_MIN, act_min <= act_max. kLeft = some shift is positive (the saturating left shift is compiled in
// only then: converted face networks have none).
#pragma once

#include <cstdint>
#include <limits>

#include "../../core/requant.hpp"

// Forced inlining for the small vector helpers that every kernel calls per vector (GCC otherwise
// sometimes outlines mbqm, costing a call and spills per vector).
#if defined(__GNUC__)
#define FACENN_SIMD_INLINE inline __attribute__((always_inline))
#define FACENN_SIMD_INLINE_LAMBDA __attribute__((always_inline))
#else
#define FACENN_SIMD_INLINE inline
#define FACENN_SIMD_INLINE_LAMBDA
#endif

namespace facenn::kernels::simd {

template <class Isa, bool kLeft>
struct QuantParams {
  using V = typename Isa::V;
  V m, right, mask, half;
  V left, hi, lo;  // used only when kLeft

  static QuantParams make(V multiplier, V shift) noexcept {
    QuantParams q;
    const V zero(0);
    q.m = multiplier;
    q.right = xsimd::max(zero - shift, zero);
    q.mask = Isa::sll(V(1), q.right) - V(1);
    q.half = q.mask >> 1;
    if constexpr (kLeft) {
      q.left = xsimd::max(shift, zero);
      q.hi = Isa::sra(V(std::numeric_limits<std::int32_t>::max()), q.left);
      q.lo = Isa::sra(V(std::numeric_limits<std::int32_t>::min()), q.left);
    }
    return q;
  }
  FACENN_SIMD_INLINE static QuantParams select(typename V::batch_bool_type b, const QuantParams& t, const QuantParams& f) noexcept {
    QuantParams q;
    q.m = xsimd::select(b, t.m, f.m);
    q.right = xsimd::select(b, t.right, f.right);
    q.mask = xsimd::select(b, t.mask, f.mask);
    q.half = xsimd::select(b, t.half, f.half);
    if constexpr (kLeft) {
      q.left = xsimd::select(b, t.left, f.left);
      q.hi = xsimd::select(b, t.hi, f.hi);
      q.lo = xsimd::select(b, t.lo, f.lo);
    }
    return q;
  }
};

template <class Isa, bool kLeft>
FACENN_SIMD_INLINE typename Isa::V mbqm(typename Isa::V x, const QuantParams<Isa, kLeft>& q) noexcept {
  using V = typename Isa::V;
  if constexpr (kLeft) {
    x = xsimd::select(x > q.hi, V(std::numeric_limits<std::int32_t>::max()),
                      xsimd::select(x < q.lo, V(std::numeric_limits<std::int32_t>::min()), Isa::sll(x, q.left)));
  }
  const V s = Isa::srdhm(x, q.m);
  const V r = Isa::sra(s, q.right);
  const V threshold = q.half - (s >> 31);
  return xsimd::select((s & q.mask) > threshold, r + V(1), r);
}

// The output stage for one block of Isa::lanes channels starting at c0 (n of them valid).
template <class Isa, bool kPRelu, bool kLeft>
struct VecOutputStage {
  using V = typename Isa::V;
  using Q = QuantParams<Isa, kLeft>;
  Q pos, neg;
  V lo, hi, zp;

  static V load_param(const std::int32_t* p, bool per_channel, int c0, int n) noexcept {
    if (!per_channel) return V(p[0]);
    return n == Isa::lanes ? Isa::load_s32(p + c0) : Isa::load_s32_n(p + c0, n);
  }
  static VecOutputStage make(const Int8OutputStage& st, int c0, int n) noexcept {
    VecOutputStage s;
    s.pos = Q::make(load_param(st.multiplier, st.per_channel, c0, n), load_param(st.shift, st.per_channel, c0, n));
    if constexpr (kPRelu) {
      s.neg = Q::make(load_param(st.neg_multiplier, true, c0, n), load_param(st.neg_shift, true, c0, n));
    }
    s.lo = V(st.act_min - st.output_zero_point);
    s.hi = V(st.act_max - st.output_zero_point);
    s.zp = V(st.output_zero_point);
    return s;
  }
  FACENN_SIMD_INLINE V apply(V acc) const noexcept {
    V v;
    if constexpr (kPRelu) {
      v = mbqm<Isa, kLeft>(acc, Q::select(acc < V(0), neg, pos));
    } else {
      v = mbqm<Isa, kLeft>(acc, pos);
    }
    return xsimd::min(xsimd::max(v, lo), hi) + zp;
  }
  // apply() without the clamp, for a saturating narrowing store when unclamped_ok(): then
  // |MBQM| <= 2^30 (a right shift of at least 1), so v + zp cannot overflow, and the clamp to the full
  // int8 range is the store's saturation.
  FACENN_SIMD_INLINE V apply_unclamped(V acc) const noexcept {
    if constexpr (kPRelu) {
      return mbqm<Isa, kLeft>(acc, Q::select(acc < V(0), neg, pos)) + zp;
    } else {
      return mbqm<Isa, kLeft>(acc, pos) + zp;
    }
  }
};

// The stage clamps to the whole int8 range and every (positive and PReLU) shift is <= -1 (or its
// multiplier is 0: MBQM = 0).
inline bool unclamped_ok(const Int8OutputStage& st, int channels) noexcept {
  if (st.act_min != -128 || st.act_max != 127) return false;
  const int n = st.per_channel ? channels : 1;
  for (int c = 0; c < n; ++c) {
    if (st.shift[c] > -1 && st.multiplier[c] != 0) return false;
  }
  if (st.neg_multiplier != nullptr) {
    for (int c = 0; c < channels; ++c) {
      if (st.neg_shift[c] > -1 && st.neg_multiplier[c] != 0) return false;
    }
  }
  return true;
}

// Per-call facts about a stage that select the kernel variant (or the reference fallback).
struct StageTraits {
  bool supported;  // no INT32_MIN multiplier, act_min <= act_max
  bool prelu;
  bool left;  // some shift > 0
};

inline StageTraits stage_traits(const Int8OutputStage& st, int channels) noexcept {
  StageTraits t{st.act_min <= st.act_max, st.neg_multiplier != nullptr, false};
  const int n = st.per_channel ? channels : 1;
  for (int c = 0; c < n; ++c) {
    if (st.multiplier[c] == std::numeric_limits<std::int32_t>::min()) t.supported = false;
    if (st.shift[c] > 0) t.left = true;
  }
  if (t.prelu) {
    for (int c = 0; c < channels; ++c) {
      if (st.neg_multiplier[c] == std::numeric_limits<std::int32_t>::min()) t.supported = false;
      if (st.neg_shift[c] > 0) t.left = true;
    }
  }
  return t;
}

// Calls f.template operator()<kPRelu, kLeft>() for the variant a stage needs.
template <class F>
inline void with_stage_variant(const StageTraits& t, F&& f) noexcept {
  if (t.prelu) {
    if (t.left) f.template operator()<true, true>();
    else f.template operator()<true, false>();
  } else {
    if (t.left) f.template operator()<false, true>();
    else f.template operator()<false, false>();
  }
}

}  // namespace facenn::kernels::simd
