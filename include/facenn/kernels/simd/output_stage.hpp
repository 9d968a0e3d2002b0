// Vector form of the int8 output stage (core/requant.hpp, contract.md §1), bit-exact for every lane:
//
//   v   = MBQM(acc, m, shift)      with (m, shift) = neg_* if PRelu and acc < 0, else the positive pair
//   out = clamp(v + zp, act_min, act_max)
//
// MBQM(x, m, s) = RDBPOT(SRDHM(sat(x << max(s, 0)), m), max(-s, 0)), where
//   SRDHM(a, b)   = (int64(a) * b + 2^30) >> 31     (the reference's nudge-and-truncate, rewritten as one
//                                                    floor: identical for every a, b except a = b = INT32_MIN)
//   RDBPOT(x, e)  = (x >> e) + ((x & mask) > (mask >> 1) + (x < 0)),  mask = 2^e - 1.
//
// Two compiled forms (StageKind), chosen per call from the parameters by stage_traits():
//   General  any shift in [-31, 30] (saturating left shift), any clamp: clamp(v, act_min - zp,
//            act_max - zp) + zp (no overflow), stored by truncating narrowing.
//   Short    every shift in [-31, -2] (or its multiplier 0), act_min = -128, act_max = 127, |zp| <= 2^24
//            (what converted face networks have: ReLU outputs have zero point -128). With s = SRDHM(...), r = -shift and u = s - [s < 0]:
//              RDBPOT(s, r) = floor(u / 2^r) + bit (r-1) of u  = (floor(u / 2^(r-1)) + 1) >> 1
//            (ties away from zero: for s < 0 the decrement moves an exact half below the rounding bit),
//            and the zero point rides in the last shift: v + zp = (floor(u / 2^(r-1)) + 2 zp + 1) >> 1
//            (|floor(u / 2^(r-1))| <= 2^30 for r >= 2, so nothing overflows). The clamp and the cast are
//            a saturating narrowing store. Per PReLU lane, 2 parameters are selected instead of 4: ~16
//            vector ops per vector of outputs instead of ~22, and 2 (4 with PReLU) parameter vectors per
//            channel block instead of 7 (11), which keeps the 4-block conv tile within the registers.
//            (A lower clamp, act_min > -128, would be one max; measured: its register costs BlazeFace's
//            4-block pointwise tiles ~10 %, so such stages take the General form.)
// Preconditions checked once per call by the dispatcher: no multiplier equals INT32_MIN, act_min <= act_max.
#pragma once

#include <cstdint>
#include <limits>

#include "../../core/requant.hpp"

// Forced inlining for the small vector helpers that every kernel calls per vector (GCC otherwise
// sometimes outlines mbqm, costing a call and spills per vector).
#if defined(__GNUC__)
#define FACENN_SIMD_INLINE inline __attribute__((always_inline))
#define FACENN_SIMD_INLINE_LAMBDA __attribute__((always_inline))
#define FACENN_SIMD_NOINLINE_LAMBDA __attribute__((noinline))
#else
#define FACENN_SIMD_INLINE inline
#define FACENN_SIMD_INLINE_LAMBDA
#define FACENN_SIMD_NOINLINE_LAMBDA
#endif
// Complete unrolling of a loop with a small compile-time trip count (GCC's own limit stops short of
// the first conv's 5 x 4 steps).
#if defined(__GNUC__) && !defined(__clang__)
#define FACENN_SIMD_UNROLL _Pragma("GCC unroll 8")
#else
#define FACENN_SIMD_UNROLL
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

enum class StageKind { General, Short };

// The output stage for one block of Isa::lanes channels starting at c0 (n of them valid).
template <class Isa, bool kPRelu, StageKind K>
struct VecOutputStage;

template <class Isa, bool kPRelu>
struct VecOutputStage<Isa, kPRelu, StageKind::General> {
  using V = typename Isa::V;
  using Q = QuantParams<Isa, true>;
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
  FACENN_SIMD_INLINE V mbqm_of(V acc) const noexcept {
    if constexpr (kPRelu) return mbqm<Isa, true>(acc, Q::select(acc < V(0), neg, pos));
    else return mbqm<Isa, true>(acc, pos);
  }
  // the outputs, within [act_min, act_max]
  FACENN_SIMD_INLINE V apply(V acc) const noexcept { return xsimd::min(xsimd::max(mbqm_of(acc), lo), hi) + zp; }
  // apply() without the clamp, for a saturating narrowing (pack) when unclamped_ok(): then
  // |MBQM| <= 2^30 (a right shift of at least 1), so v + zp cannot overflow, and the clamp to the full
  // int8 range is the saturation.
  FACENN_SIMD_INLINE V apply_unclamped(V acc) const noexcept { return mbqm_of(acc) + zp; }
  FACENN_SIMD_INLINE void store(std::int8_t* p, V acc) const noexcept { Isa::store_s8(p, apply(acc)); }
  FACENN_SIMD_INLINE void store_n(std::int8_t* p, V acc, int n) const noexcept { Isa::store_s8_n(p, apply(acc), n); }
};

template <class Isa, bool kPRelu>
struct VecOutputStage<Isa, kPRelu, StageKind::Short> {
  using V = typename Isa::V;
  V pm, pr, nm, nr;  // multiplier and r - 1 (r = -shift; 0 where the multiplier is 0) per side
  V zp2;             // 2 zp + 1

  static V load_param(const std::int32_t* p, bool per_channel, int c0, int n) noexcept {
    return VecOutputStage<Isa, kPRelu, StageKind::General>::load_param(p, per_channel, c0, n);
  }
  static V shift_param(V m, V shift) noexcept {  // -shift - 1, or 0 for a zero multiplier (then any works)
    return xsimd::select(m == V(0), V(0), V(-1) - shift);
  }
  static VecOutputStage make(const Int8OutputStage& st, int c0, int n) noexcept {
    VecOutputStage s;
    s.pm = load_param(st.multiplier, st.per_channel, c0, n);
    s.pr = shift_param(s.pm, load_param(st.shift, st.per_channel, c0, n));
    if constexpr (kPRelu) {
      s.nm = load_param(st.neg_multiplier, true, c0, n);
      s.nr = shift_param(s.nm, load_param(st.neg_shift, true, c0, n));
    }
    s.zp2 = V(2 * st.output_zero_point + 1);
    return s;
  }
  // v + zp, whose int8 saturation is the output
  FACENN_SIMD_INLINE V apply(V acc) const noexcept {
    V s, t;
    if constexpr (kPRelu) {
      const auto neg = acc < V(0);
      s = Isa::srdhm(acc, xsimd::select(neg, nm, pm));
      t = Isa::sra(s + (s >> 31), xsimd::select(neg, nr, pr));
    } else {
      s = Isa::srdhm(acc, pm);
      t = Isa::sra(s + (s >> 31), pr);
    }
    return (t + zp2) >> 1;
  }
  FACENN_SIMD_INLINE V apply_unclamped(V acc) const noexcept { return apply(acc); }
  FACENN_SIMD_INLINE void store(std::int8_t* p, V acc) const noexcept { Isa::store_s8_sat(p, apply(acc)); }
  FACENN_SIMD_INLINE void store_n(std::int8_t* p, V acc, int n) const noexcept {
    Isa::store_s8_sat_n(p, apply(acc), n);
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
  StageKind kind;
};

inline StageTraits stage_traits(const Int8OutputStage& st, int channels) noexcept {
  StageTraits t{st.act_min <= st.act_max, st.neg_multiplier != nullptr, StageKind::General};
  constexpr std::int32_t kMaxShortZp = std::int32_t{1} << 24;
  bool short_ok = st.act_max == 127 && st.act_min == -128 && st.output_zero_point >= -kMaxShortZp &&
                  st.output_zero_point <= kMaxShortZp;
  auto check = [&](std::int32_t m, std::int32_t s) {
    if (m == std::numeric_limits<std::int32_t>::min()) t.supported = false;
    if (m != 0 && (s > -2 || s < -31)) short_ok = false;
  };
  const int n = st.per_channel ? channels : 1;
  for (int c = 0; c < n; ++c) check(st.multiplier[c], st.shift[c]);
  if (t.prelu) {
    for (int c = 0; c < channels; ++c) check(st.neg_multiplier[c], st.neg_shift[c]);
  }
  if (short_ok) t.kind = StageKind::Short;
  return t;
}

// Calls f.template operator()<kPRelu, K>() for the variant a stage needs.
template <class F>
inline void with_stage_variant(const StageTraits& t, F&& f) noexcept {
  if (t.prelu) {
    if (t.kind == StageKind::Short) f.template operator()<true, StageKind::Short>();
    else f.template operator()<true, StageKind::General>();
  } else {
    if (t.kind == StageKind::Short) f.template operator()<false, StageKind::Short>();
    else f.template operator()<false, StageKind::General>();
  }
}

}  // namespace facenn::kernels::simd
