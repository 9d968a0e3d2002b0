// Depthwise 2-D convolution (depth multiplier 1), NHWC, filter [1][KH][KW][C], any kernel size, stride
// and padding; the output stage (bias, requantization, PReLU/ReLU clamp) is fused.
//
// Tile: one output pixel x Isa::lanes channels (dwconv_s8_1xL). Channel blocks are the outer loop, so the
// block's KH*KW weight vectors, bias and requantization parameters stay in registers for the whole image.
// Interior pixels (every tap inside the input) use raw activations and bias' = bias - zp * sum(w),
// with the loops fully unrolled for 3x3 and 5x5; border pixels skip the taps in the padding and subtract
// the zero point explicitly, exactly like the reference. int32 arithmetic throughout (the products and
// sums are the reference's, so the result is bit-exact; the sum of <= 49 taps of |w*(x-zp)| < 2^15 fits).
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>

#include "../params.hpp"
#include "output_stage.hpp"

namespace facenn::kernels::simd {

inline constexpr int kMaxDepthwiseTaps = 49;  // 7x7; larger kernels go to the reference

namespace detail {

template <class Isa, int KH, int KW, bool kFull, bool kPRelu, StageKind kStage>
inline void dwconv_s8_block(const ConvGeometry& g, const std::int8_t* input, std::int32_t zp,
                            const std::int8_t* filter, const std::int32_t* bias, const Int8OutputStage& st,
                            std::int8_t* output, int c0, int n) noexcept {
  using V = typename Isa::V;
  const int kh = KH > 0 ? KH : g.kernel_h;
  const int kw = KW > 0 ? KW : g.kernel_w;
  const int taps = kh * kw;
  const int C = g.out_c;
  auto load = [&](const std::int8_t* p) { return kFull ? Isa::load_s8(p) : Isa::load_s8_n(p, n); };

  V w[kMaxDepthwiseTaps];
  V wsum(0);
  for (int t = 0; t < taps; ++t) {
    w[t] = load(filter + t * C + c0);
    wsum += w[t];
  }
  const V b = bias == nullptr ? V(0) : (kFull ? Isa::load_s32(bias + c0) : Isa::load_s32_n(bias + c0, n));
  const V vzp(zp);
  // 3-wide rows on dot4 where the ISA can interleave three pixels' channels (AVX-512 VBMI): activations
  // as u8 = x ^ 0x80, so the interior bias is bias - (zp + 128) * sum(w)
  constexpr bool kRows3 = KH == 3 && KW == 3 && kFull && requires(const std::int8_t* p) { Isa::gather3(p, 0); };
  const V flip(static_cast<std::int32_t>(0x80808080u));
  V w3[3];
  if constexpr (kRows3) {
    for (int ky = 0; ky < 3; ++ky) {
      w3[ky] = Isa::interleave3(filter + (ky * 3) * C + c0, filter + (ky * 3 + 1) * C + c0,
                                            filter + (ky * 3 + 2) * C + c0);
    }
  }
  const V b_interior = kRows3 ? b - (vzp + V(128)) * wsum : b - vzp * wsum;
  const auto stage = VecOutputStage<Isa, kPRelu, kStage>::make(st, c0, n);

  // interior output range: every tap inside the input
  auto first_inside = [](int pad, int stride) { return (pad + stride - 1) / stride; };
  auto end_inside = [](int in, int k, int pad, int stride, int out) {
    const int e = in - k + pad;  // o*stride - pad + k <= in  <=>  o <= (in - k + pad) / stride
    return e < 0 ? 0 : std::min(out, e / stride + 1);
  };
  const int ox_lo = std::min(first_inside(g.pad_left, g.stride_w), g.out_w);
  const int ox_hi = std::max(ox_lo, end_inside(g.in_w, kw, g.pad_left, g.stride_w, g.out_w));
  const int oy_lo = std::min(first_inside(g.pad_top, g.stride_h), g.out_h);
  const int oy_hi = std::max(oy_lo, end_inside(g.in_h, kh, g.pad_top, g.stride_h, g.out_h));
  const int row_stride = g.in_w * C;
  const int tap_stride = g.stride_w * C;

  auto border_pixel = [&](int oy, int ox) {
    const int y0 = oy * g.stride_h - g.pad_top;
    const int x0 = ox * g.stride_w - g.pad_left;
    V acc = b;
    for (int ky = 0; ky < kh; ++ky) {
      const int iy = y0 + ky;
      if (iy < 0 || iy >= g.in_h) continue;
      for (int kx = 0; kx < kw; ++kx) {
        const int ix = x0 + kx;
        if (ix < 0 || ix >= g.in_w) continue;
        acc += w[ky * kw + kx] * (load(input + (iy * g.in_w + ix) * C + c0) - vzp);
      }
    }
    std::int8_t* o = output + (oy * g.out_w + ox) * C + c0;
    if constexpr (kFull) stage.store(o, acc);
    else stage.store_n(o, acc, n);
  };

  for (int oy = 0; oy < g.out_h; ++oy) {
    if (oy < oy_lo || oy >= oy_hi) {
      for (int ox = 0; ox < g.out_w; ++ox) border_pixel(oy, ox);
      continue;
    }
    for (int ox = 0; ox < ox_lo; ++ox) border_pixel(oy, ox);
    const std::int8_t* row = input + ((oy * g.stride_h - g.pad_top) * g.in_w + (ox_lo * g.stride_w - g.pad_left)) * C + c0;
    std::int8_t* o = output + (oy * g.out_w + ox_lo) * C + c0;
    for (int ox = ox_lo; ox < ox_hi; ++ox, row += tap_stride, o += C) {
      V acc = b_interior;
      if constexpr (kRows3) {
        for (int ky = 0; ky < 3; ++ky) acc = Isa::dot4(acc, Isa::gather3(row + ky * row_stride, C) ^ flip, w3[ky]);
      } else if constexpr (KH > 0 && KW > 0) {
        [&]<int... T>(std::integer_sequence<int, T...>) {
          ((acc += w[T] * load(row + (T / KW) * row_stride + (T % KW) * C)), ...);
        }(std::make_integer_sequence<int, KH * KW>{});
      } else {
        for (int ky = 0; ky < kh; ++ky) {
          for (int kx = 0; kx < kw; ++kx) acc += w[ky * kw + kx] * load(row + ky * row_stride + kx * C);
        }
      }
      if constexpr (kFull) stage.store(o, acc);
      else stage.store_n(o, acc, n);
    }
    for (int ox = ox_hi; ox < g.out_w; ++ox) border_pixel(oy, ox);
  }
}

template <class Isa, int KH, int KW, bool kPRelu, StageKind kStage>
inline void dwconv_s8(const ConvGeometry& g, const std::int8_t* input, std::int32_t zp, const std::int8_t* filter,
                      const std::int32_t* bias, const Int8OutputStage& st, std::int8_t* output) noexcept {
  constexpr int L = Isa::lanes;
  int c0 = 0;
  for (; c0 + L <= g.out_c; c0 += L) {
    dwconv_s8_block<Isa, KH, KW, true, kPRelu, kStage>(g, input, zp, filter, bias, st, output, c0, L);
  }
  if (c0 < g.out_c && c0 > 0) {
    // the last channels as one full block overlapping the previous one (its outputs are recomputed
    // identically): full blocks take the VBMI rows and unmasked loads, a partial block cost as much
    dwconv_s8_block<Isa, KH, KW, true, kPRelu, kStage>(g, input, zp, filter, bias, st, output, g.out_c - L, L);
  } else if (c0 < g.out_c) {
    dwconv_s8_block<Isa, KH, KW, false, kPRelu, kStage>(g, input, zp, filter, bias, st, output, c0, g.out_c - c0);
  }
}

}  // namespace detail

// Returns false (and does nothing) when the case is outside what this kernel covers; the caller then
// runs the reference.
template <class Isa>
inline bool depthwise_conv2d_s8(const ConvGeometry& g, const std::int8_t* input, std::int32_t zp,
                                const std::int8_t* filter, const std::int32_t* bias, const Int8OutputStage& st,
                                std::int8_t* output) noexcept {
  if (g.in_c != g.out_c || g.kernel_h * g.kernel_w > kMaxDepthwiseTaps) return false;
  const StageTraits t = stage_traits(st, g.out_c);
  if (!t.supported) return false;
  with_stage_variant(t, [&]<bool kPRelu, StageKind kStage>() {
    if (g.kernel_h == 3 && g.kernel_w == 3) {
      detail::dwconv_s8<Isa, 3, 3, kPRelu, kStage>(g, input, zp, filter, bias, st, output);
    } else if (g.kernel_h == 5 && g.kernel_w == 5) {
      detail::dwconv_s8<Isa, 5, 5, kPRelu, kStage>(g, input, zp, filter, bias, st, output);
    } else {
      detail::dwconv_s8<Isa, 0, 0, kPRelu, kStage>(g, input, zp, filter, bias, st, output);
    }
  });
  return true;
}

}  // namespace facenn::kernels::simd
