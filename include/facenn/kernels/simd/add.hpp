// Residual add with fused output stage (contract.md "Add"), element-wise over NHWC data:
//   a = MBQM((x1 - zp1) << left_shift, m1, s1);  b = MBQM((x2 - zp2) << left_shift, m2, s2);
//   out = stage(a + b, c)          (stage per channel only through PReLU's negative side)
// With AVX-512 VBMI (Isa::has_lut32) both input rescales are 256-entry int32 table lookups, built per call
// from the exact vector rescale below and read 64 elements at a time with vpermi2b (add_s8_lut); that
// kernel takes every flat stage and per-channel stages with 64 % C == 0 or C % 64 == 0.
// Otherwise the tile is Isa::lanes elements (add_s8_1xL). The input rescale with the converter's left shift of 20 uses
// an exact 32-bit form (AddInputSplit, no 64-bit products). Without PReLU the data is one flat array; with PReLU (or a
// per-channel stage) channel blocks are the outer loop so the block's parameters stay in registers.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "../params.hpp"
#include "output_stage.hpp"

namespace facenn::kernels::simd {

namespace detail {

// One input's rescale MBQM((x - zp) << ls, m, s), general form (any shift; only for parameters the split
// forms below do not take).
template <class Isa>
struct AddInputGeneral {
  using V = typename Isa::V;
  QuantParams<Isa, true> q;
  V zp;
  int ls;
  AddInputGeneral(std::int32_t zero_point, std::int32_t m, std::int32_t s, int left_shift) noexcept
      : q(QuantParams<Isa, true>::make(V(m), V(s))), zp(zero_point), ls(left_shift) {}
  FACENN_SIMD_INLINE V operator()(V x) const noexcept { return mbqm<Isa, true>((x - zp) << ls, q); }
};

// The same for 15 <= ls <= 23 and s <= 0 (the converter's ls = 20), in 32-bit lanes: with d = x - zp
// (|d| <= 255), m = mh * 2^16 + ml (ml in [0, 2^16)) and e = 31 - ls,
//   SRDHM(d * 2^ls, m) = floor((d*m + 2^(e-1)) / 2^e) = d*mh * 2^(16-e) + ((d*ml + 2^(e-1)) >> e)
// exactly (d*mh*2^16 is a multiple of 2^e; both terms fit in int32), then RDBPOT by -s.
template <class Isa>
struct AddInputSplit {
  using V = typename Isa::V;
  V zp, mh, ml, round, mask, half;
  int up, e, right;
  AddInputSplit(std::int32_t zero_point, std::int32_t m, std::int32_t s, int left_shift) noexcept
      : zp(zero_point), mh(m >> 16), ml(m & 0xFFFF), round(std::int32_t{1} << (30 - left_shift)),
        mask(static_cast<std::int32_t>((std::int64_t{1} << -s) - 1)),
        half(static_cast<std::int32_t>(((std::int64_t{1} << -s) - 1) >> 1)), up(left_shift - 15),
        e(31 - left_shift), right(-s) {}
  FACENN_SIMD_INLINE V operator()(V x) const noexcept {
    const V d = x - zp;
    const V s = ((d * mh) << up) + ((d * ml + round) >> e);
    const V r = s >> right;
    return xsimd::select((s & mask) > half - (s >> 31), r + V(1), r);
  }
};

// AddInputSplit with the zero point folded into the constants and RDBPOT as one add and one shift, when no
// intermediate can overflow (checked by split_fast_ok()): with A = mh * 2^up,
//   d*A + t = x*A - zp*A + t,   t = (d*ml + round) >> e = (x*ml + (round - zp*ml)) >> e,
//   RDBPOT(s, right) = (s + 2^(right-1) - [s < 0]) >> right          (ties away from zero, right >= 1),
// and u = s + 2^(right-1) is computed directly (s < 0 <=> u < 2^(right-1)). right = 0 (the converter's
// rescale of the larger-scale input: real multiplier 1/2, shift 0) is the identity: no nudge, and the
// comparison threshold INT32_MIN never fires. 9 vector ops instead of 13.
template <class Isa>
struct AddInputSplitFast {
  using V = typename Isa::V;
  V a, c, ml, r, threshold;
  int e, right;
  AddInputSplitFast(std::int32_t zero_point, std::int32_t m, std::int32_t s, int left_shift) noexcept
      : a(static_cast<std::int32_t>((m >> 16) * (std::int32_t{1} << (left_shift - 15)))),
        c(static_cast<std::int32_t>(-std::int64_t{zero_point} * ((m >> 16) * (std::int64_t{1} << (left_shift - 15))) +
                                    nudge(s))),
        ml(m & 0xFFFF), r((std::int32_t{1} << (30 - left_shift)) - zero_point * (m & 0xFFFF)),
        threshold(s == 0 ? std::numeric_limits<std::int32_t>::min() : nudge(s)), e(31 - left_shift), right(-s) {}
  static std::int32_t nudge(std::int32_t s) noexcept { return s == 0 ? 0 : std::int32_t{1} << (-s - 1); }
  FACENN_SIMD_INLINE V operator()(V x) const noexcept {
    const V u = (x * a + c) + ((x * ml + r) >> e);
    return xsimd::select(u < threshold, u - V(1), u) >> right;
  }
};

// AddInputSplitFast's preconditions: ls in [15, 23], s in [-31, 0], and |SRDHM(d << ls, m)| + 2^(-s-1) stays
// below 2^31 for every |d| <= 255.
inline bool split_fast_ok(std::int32_t m, std::int32_t s, int ls) noexcept {
  if (ls < 15 || ls > 23 || s > 0 || s < -31) return false;
  const std::int64_t mag = m < 0 ? -std::int64_t{m} : std::int64_t{m};
  const std::int64_t bound = ((255 * mag) << ls >> 31) + 2;  // >= |SRDHM| (ls <= 23: 255*2^31*2^23 < 2^63)
  return bound + (s == 0 ? 0 : std::int64_t{1} << (-s - 1)) < (std::int64_t{1} << 31);
}

// f1, f2 by value: int8 stores may alias anything reachable through a reference, which would make the
// compiler reload every parameter vector after each store.
template <class Isa, bool kPRelu, StageKind kStage, class In1, class In2>
inline void add_s8_impl(std::size_t n, int channels, const std::int8_t* in1, const std::int8_t* in2, const In1 f1,
                        const In2 f2, const Int8OutputStage& st, std::int8_t* out) noexcept {
  using V = typename Isa::V;
  constexpr int L = Isa::lanes;
  auto sum = [&](V x1, V x2) { return f1(x1) + f2(x2); };
  if (!kPRelu && !st.per_channel) {
    const auto stage = VecOutputStage<Isa, kPRelu, kStage>::make(st, 0, L);
    std::size_t i = 0;
    for (; i + L <= n; i += L) stage.store(out + i, sum(Isa::load_s8(in1 + i), Isa::load_s8(in2 + i)));
    if (i < n) {
      const int r = static_cast<int>(n - i);
      stage.store_n(out + i, sum(Isa::load_s8_n(in1 + i, r), Isa::load_s8_n(in2 + i, r)), r);
    }
    return;
  }
  const std::size_t pixels = n / static_cast<std::size_t>(channels);
  const auto C = static_cast<std::size_t>(channels);
  for (int c0 = 0; c0 < channels; c0 += L) {
    const int m = channels - c0 < L ? channels - c0 : L;
    const auto stage = VecOutputStage<Isa, kPRelu, kStage>::make(st, c0, m);
    std::size_t off = static_cast<std::size_t>(c0);
    if (m == L) {
      for (std::size_t px = 0; px < pixels; ++px, off += C) {
        stage.store(out + off, sum(Isa::load_s8(in1 + off), Isa::load_s8(in2 + off)));
      }
    } else {
      for (std::size_t px = 0; px < pixels; ++px, off += C) {
        stage.store_n(out + off, sum(Isa::load_s8_n(in1 + off, m), Isa::load_s8_n(in2 + off, m)), m);
      }
    }
  }
}

// The int8 -> int32 table of one input's rescale f (256 entries, exact: f is a function of the int8
// value alone), indexed by the value's bit pattern u (u = 0..255, so 255 is -1).
template <class Isa, class In>
inline typename Isa::Lut32 rescale_table(const In f) noexcept {
  constexpr int L = Isa::lanes;
  static constexpr auto values = [] {
    std::array<std::int32_t, 256> v{};
    for (int u = 0; u < 256; ++u) v[static_cast<std::size_t>(u)] = u < 128 ? u : u - 256;
    return v;
  }();
  alignas(64) std::int32_t table[256];
  for (int u = 0; u < 256; u += L) f(Isa::load_s32(values.data() + u)).store_unaligned(table + u);
  return Isa::lut32_make(table);
}

// Output stage parameters of the 4 vectors of a 64-element chunk in Isa::lut32_x64's unpack order
// (vector r, lane 4l + q = element 16l + 4r + q of the chunk), for chunks whose element e has channel
// (cbase + e) % channels.
template <class Isa, bool kPRelu, StageKind kStage>
inline void unpack_order_stages(const Int8OutputStage& st, int channels, int cbase,
                                VecOutputStage<Isa, kPRelu, kStage> (&stages)[4]) noexcept {
  constexpr int L = Isa::lanes;
  for (int r = 0; r < 4; ++r) {
    std::int32_t m[L], s[L], nm[L], ns[L];
    for (int lane = 0; lane < L; ++lane) {
      const int c = (cbase + 16 * (lane / 4) + 4 * r + lane % 4) % channels;
      const int i = st.per_channel ? c : 0;
      m[lane] = st.multiplier[i];
      s[lane] = st.shift[i];
      nm[lane] = kPRelu ? st.neg_multiplier[c] : 0;
      ns[lane] = kPRelu ? st.neg_shift[c] : 0;
    }
    Int8OutputStage lane_stage = st;
    lane_stage.multiplier = m;
    lane_stage.shift = s;
    lane_stage.per_channel = true;
    lane_stage.neg_multiplier = kPRelu ? nm : nullptr;
    lane_stage.neg_shift = kPRelu ? ns : nullptr;
    stages[r] = VecOutputStage<Isa, kPRelu, kStage>::make(lane_stage, 0, L);
  }
}

// add_s8_impl on 64 elements per step with both input rescales as table lookups (Isa::has_lut32:
// AVX-512 VBMI). Channel-dependent stages need a chunk's channel pattern to repeat: 64 % channels == 0
// (one flat loop) or channels % 64 == 0 (channel blocks of 64 outside, pixels inside); returns false
// for other channel counts.
template <class Isa, bool kPRelu, StageKind kStage, class In1, class In2>
inline bool add_s8_lut(std::size_t n, int channels, const std::int8_t* in1, const std::int8_t* in2, const In1 f1,
                       const In2 f2, const Int8OutputStage& st, std::int8_t* out) noexcept {
  using V = typename Isa::V;
  const bool uniform = !kPRelu && !st.per_channel;
  if (!uniform && 64 % channels != 0 && channels % 64 != 0) return false;
  const typename Isa::Lut32 t1 = rescale_table<Isa>(f1);
  const typename Isa::Lut32 t2 = rescale_table<Isa>(f2);
  VecOutputStage<Isa, kPRelu, kStage> stages[4];
  // pack_s8_x64 saturates, which is the clamp when the stage's range is all of int8 (PReLU / no activation)
  const bool unclamped = unclamped_ok(st, channels);
  auto chunk = [&](const std::int8_t* a, const std::int8_t* b, int count) FACENN_SIMD_INLINE_LAMBDA {
    V x1[4], x2[4];
    Isa::lut32_x64(t1, count == 64 ? Isa::load_bytes(a) : Isa::load_bytes_n(a, count), x1);
    Isa::lut32_x64(t2, count == 64 ? Isa::load_bytes(b) : Isa::load_bytes_n(b, count), x2);
    if (unclamped) {
      return Isa::pack_s8_x64(stages[0].apply_unclamped(x1[0] + x2[0]), stages[1].apply_unclamped(x1[1] + x2[1]),
                              stages[2].apply_unclamped(x1[2] + x2[2]), stages[3].apply_unclamped(x1[3] + x2[3]));
    }
    return Isa::pack_s8_x64(stages[0].apply(x1[0] + x2[0]), stages[1].apply(x1[1] + x2[1]),
                            stages[2].apply(x1[2] + x2[2]), stages[3].apply(x1[3] + x2[3]));
  };
  if (uniform || 64 % channels == 0) {
    if (uniform) {
      stages[0] = VecOutputStage<Isa, kPRelu, kStage>::make(st, 0, Isa::lanes);
      stages[1] = stages[2] = stages[3] = stages[0];
    } else {
      unpack_order_stages(st, channels, 0, stages);
    }
    std::size_t i = 0;
    for (; i + 64 <= n; i += 64) Isa::store_bytes(out + i, chunk(in1 + i, in2 + i, 64));
    if (i < n) {
      const int r = static_cast<int>(n - i);
      Isa::store_bytes_n(out + i, chunk(in1 + i, in2 + i, r), r);
    }
    return true;
  }
  const auto C = static_cast<std::size_t>(channels);
  const std::size_t pixels = n / C;
  for (int c0 = 0; c0 < channels; c0 += 64) {
    unpack_order_stages(st, channels, c0, stages);
    std::size_t off = static_cast<std::size_t>(c0);
    for (std::size_t px = 0; px < pixels; ++px, off += C) Isa::store_bytes(out + off, chunk(in1 + off, in2 + off, 64));
  }
  return true;
}

// The LUT kernel where the ISA has it and the channel count fits, else the 1xL kernel.
template <class Isa, bool kPRelu, StageKind kStage, class In1, class In2>
inline void add_s8_dispatch(std::size_t n, int channels, const std::int8_t* in1, const std::int8_t* in2, const In1 f1,
                            const In2 f2, const Int8OutputStage& st, std::int8_t* out) noexcept {
  if constexpr (requires { Isa::has_lut32; }) {
    if (add_s8_lut<Isa, kPRelu, kStage>(n, channels, in1, in2, f1, f2, st, out)) return;
  }
  add_s8_impl<Isa, kPRelu, kStage>(n, channels, in1, in2, f1, f2, st, out);
}

}  // namespace detail

template <class Isa>
inline bool add_s8(std::size_t n, int channels, const std::int8_t* in1, const std::int8_t* in2, const AddParams& p,
                   const Int8OutputStage& st, std::int8_t* out) noexcept {
  const StageTraits t = stage_traits(st, channels);
  if (!t.supported || p.input1_multiplier == std::numeric_limits<std::int32_t>::min() ||
      p.input2_multiplier == std::numeric_limits<std::int32_t>::min() || p.left_shift < 0 || p.left_shift > 23) {
    return false;
  }
  if ((t.prelu || st.per_channel) && (channels <= 0 || n % static_cast<std::size_t>(channels) != 0)) return false;
  const bool split = p.left_shift >= 15 && p.input1_shift <= 0 && p.input2_shift <= 0;
  const bool fast = detail::split_fast_ok(p.input1_multiplier, p.input1_shift, p.left_shift) &&
                    detail::split_fast_ok(p.input2_multiplier, p.input2_shift, p.left_shift);
  with_stage_variant(t, [&]<bool kPRelu, StageKind kStage>() {
    if (fast) {
      const detail::AddInputSplitFast<Isa> f1(p.input1_zero_point, p.input1_multiplier, p.input1_shift, p.left_shift);
      const detail::AddInputSplitFast<Isa> f2(p.input2_zero_point, p.input2_multiplier, p.input2_shift, p.left_shift);
      detail::add_s8_dispatch<Isa, kPRelu, kStage>(n, channels, in1, in2, f1, f2, st, out);
    } else if (split) {
      const detail::AddInputSplit<Isa> f1(p.input1_zero_point, p.input1_multiplier, p.input1_shift, p.left_shift);
      const detail::AddInputSplit<Isa> f2(p.input2_zero_point, p.input2_multiplier, p.input2_shift, p.left_shift);
      detail::add_s8_dispatch<Isa, kPRelu, kStage>(n, channels, in1, in2, f1, f2, st, out);
    } else {
      const detail::AddInputGeneral<Isa> f1(p.input1_zero_point, p.input1_multiplier, p.input1_shift,
                                                   p.left_shift);
      const detail::AddInputGeneral<Isa> f2(p.input2_zero_point, p.input2_multiplier, p.input2_shift,
                                                   p.left_shift);
      detail::add_s8_dispatch<Isa, kPRelu, kStage>(n, channels, in1, in2, f1, f2, st, out);
    }
  });
  return true;
}

// Standalone PReLU (contract.md "PRelu"): x' = x - zp_in; out = clamp(MBQM(x', m+ or m-[c]) + zp_out).
// It is the output stage applied to x' with a scalar positive side and per-channel negative side.
template <class Isa>
inline bool prelu_s8(std::size_t n, int channels, const std::int8_t* in, const PReluParams& p,
                     std::int8_t* out) noexcept {
  if (channels <= 0 || n % static_cast<std::size_t>(channels) != 0) return false;
  const Int8OutputStage st{&p.pos_multiplier, &p.pos_shift, false, p.neg_multiplier, p.neg_shift,
                           p.output_zero_point, -128, 127};
  const StageTraits t = stage_traits(st, channels);
  if (!t.supported) return false;
  using V = typename Isa::V;
  constexpr int L = Isa::lanes;
  const auto C = static_cast<std::size_t>(channels);
  const std::size_t pixels = n / C;
  const V zp(p.input_zero_point);
  with_stage_variant(t, [&]<bool kPRelu, StageKind kStage>() {
    for (int c0 = 0; c0 < channels; c0 += L) {
      const int m = channels - c0 < L ? channels - c0 : L;
      const auto stage = VecOutputStage<Isa, kPRelu, kStage>::make(st, c0, m);
      std::size_t off = static_cast<std::size_t>(c0);
      for (std::size_t px = 0; px < pixels; ++px, off += C) {
        if (m == L) stage.store(out + off, Isa::load_s8(in + off) - zp);
        else stage.store_n(out + off, Isa::load_s8_n(in + off, m) - zp, m);
      }
    }
  });
  return true;
}

}  // namespace facenn::kernels::simd
