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
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <utility>

#include "../params.hpp"
#include "output_stage.hpp"

namespace facenn::kernels::simd {

inline constexpr int kMaxDepthwiseTaps = 49;  // 7x7; larger kernels go to the reference

namespace detail {

template <class Isa, int KH, int KW, bool kFull, bool kPRelu, StageKind kStage, bool kBorderOnly = false>
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
    if constexpr (!kBorderOnly) {
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
    }
    for (int ox = ox_hi; ox < g.out_w; ++ox) border_pixel(oy, ox);
  }
}

template <class Isa, int KH, int KW, bool kPRelu, StageKind kStage, bool kBorderOnly = false>
inline void dwconv_s8(const ConvGeometry& g, const std::int8_t* input, std::int32_t zp, const std::int8_t* filter,
                      const std::int32_t* bias, const Int8OutputStage& st, std::int8_t* output) noexcept {
  constexpr int L = Isa::lanes;
  int c0 = 0;
  for (; c0 + L <= g.out_c; c0 += L) {
    dwconv_s8_block<Isa, KH, KW, true, kPRelu, kStage, kBorderOnly>(g, input, zp, filter, bias, st, output, c0, L);
  }
  if (c0 < g.out_c && c0 > 0) {
    // the last channels as one full block overlapping the previous one (its outputs are recomputed
    // identically): full blocks take the VBMI rows and unmasked loads, a partial block cost as much
    dwconv_s8_block<Isa, KH, KW, true, kPRelu, kStage, kBorderOnly>(g, input, zp, filter, bias, st, output,
                                                                    g.out_c - L, L);
  } else if (c0 < g.out_c) {
    dwconv_s8_block<Isa, KH, KW, false, kPRelu, kStage, kBorderOnly>(g, input, zp, filter, bias, st, output, c0,
                                                                     g.out_c - c0);
  }
}

// ---- flat rows: 3x3, stride 1, SAME, 16 <= C <= 56 (AVX-512 VBMI) ----------------------------------
//
// In NHWC with in_w == out_w, output element e = (oy * W + ox) * C + c of an inside pixel reads input
// elements e + (ky - 1) * W * C + (kx - 1) * C: the tensor is one flat row, and a vector of 16 outputs
// can start at any element, not only at a pixel's channel 0. Vector k covers elements e_a + 16 k ..
// e_a + 16 k + 15 (e_a = the first inside pixel), whatever pixels and channels they fall on: channel
// blocks of 16 would run 32 lanes for 24 channels (BlazeFace's 64x64x24 layers) and 48 for 36; flat
// vectors run exactly 24 and 36 (rounded up once per image). Per kernel row, the 3 taps of the 16
// elements lie within 2C + 16 <= 128 consecutive bytes, which one or two loads and one vpermb /
// vpermi2b interleave into dot4 lanes (byte 4l + kx <- element l + kx * C). Lane l's channel is
// (16 k + l) mod C: it repeats with the period P = C / gcd(C, 16) vectors, so the vectors are visited
// phase by phase (k = p, p + P, ...), each phase with its weights, bias and stage parameters in
// registers, read from tables extended cyclically past C. Elements of border pixels computed this way
// wrap into the neighbouring row; the border pass (the block kernel, border pixels only) runs afterwards
// and overwrites them. Same sums as the reference (u8 = x ^ 0x80 with bias - (zp + 128) * sum(w)).
inline constexpr int kFlatDwMinChannels = 16, kFlatDwMaxChannels = 56;

template <class Isa>
concept FlatDepthwiseIsa = Isa::lanes == 16 && requires(typename Isa::V v, const std::int8_t* p) {
  Isa::permute_bytes(v, v);
  Isa::permute_bytes2(v, v, v);
  Isa::load_bytes_upto(p, 0);
  Isa::interleave3(p, p, p);
};

inline bool flat_dw_applies(const ConvGeometry& g) noexcept {
  return g.kernel_h == 3 && g.kernel_w == 3 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 1 &&
         g.pad_left == 1 && g.out_h == g.in_h && g.out_w == g.in_w && g.in_h >= 3 && g.in_w >= 3 &&
         g.out_c >= kFlatDwMinChannels && g.out_c <= kFlatDwMaxChannels &&
         // blocks of 16 would waste >= 20 % of their lanes (24: 32 lanes, 36: 48); below that the border
         // pass and the tables cost more than they save (BlazeFace's 16x16x48 / 56: +10 %)
         5 * ((g.out_c + 15) / 16 * 16 - g.out_c) >= g.out_c;
}

template <class Isa, bool kPRelu, StageKind kStage>
inline void dwconv_s8_flat3x3(const ConvGeometry& g, const std::int8_t* input, std::int32_t zp,
                              const std::int8_t* filter, const std::int32_t* bias, const Int8OutputStage& st,
                              std::int8_t* output) noexcept {
  using V = typename Isa::V;
  constexpr int L = 16;
  constexpr int kExt = kFlatDwMaxChannels + L;
  const int C = g.out_c, W = g.in_w, H = g.in_h;
  const int P = C / std::gcd(C, L);
  const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(W) * C;
  const std::ptrdiff_t total = static_cast<std::ptrdiff_t>(H) * row;  // input bytes = output bytes
  const std::ptrdiff_t e_a = row + C;                                   // pixel (1, 1)
  const std::ptrdiff_t e_b = (H - 1) * row - C;                         // past pixel (H - 2, W - 2)
  const std::ptrdiff_t n_vec = (e_b - e_a + L - 1) / L;
  const bool two = 2 * C + L > 64;      // the row window needs two registers
  const int load_len = two ? 128 : 64;  // bytes an unmasked window load reads
  // vectors whose three windows (the last reaches e0 + row - C + load_len) are inside the input
  const std::ptrdiff_t room = total - (e_a + row - C + load_len);
  const std::ptrdiff_t k_safe = room < 0 ? 0 : std::min<std::ptrdiff_t>(n_vec, room / L + 1);

  // tables extended cyclically: entry i is channel i mod C
  alignas(64) std::int8_t wext[9][kExt];
  alignas(64) std::int32_t bext[kExt], mext[kExt], sext[kExt], nmext[kExt], nsext[kExt];
  for (int i = 0; i < C + L; ++i) {
    const int c = i % C;
    std::int32_t sum = 0;
    for (int t = 0; t < 9; ++t) {
      wext[t][i] = filter[t * C + c];
      sum += filter[t * C + c];
    }
    bext[i] = (bias == nullptr ? 0 : bias[c]) - (zp + 128) * sum;
    if (st.per_channel) {
      mext[i] = st.multiplier[c];
      sext[i] = st.shift[c];
    }
    if constexpr (kPRelu) {
      nmext[i] = st.neg_multiplier[c];
      nsext[i] = st.neg_shift[c];
    }
  }
  Int8OutputStage ste = st;
  if (st.per_channel) {
    ste.multiplier = mext;
    ste.shift = sext;
  }
  if constexpr (kPRelu) {
    ste.neg_multiplier = nmext;
    ste.neg_shift = nsext;
  }
  // byte 4l + kx <- window byte l + kx * C (kx < 3); byte 4l + 3 <- byte l (its weight is zero)
  alignas(64) std::int8_t idx_bytes[64];
  for (int l = 0; l < L; ++l) {
    for (int k = 0; k < 4; ++k) idx_bytes[4 * l + k] = static_cast<std::int8_t>(l + (k < 3 ? k * C : 0));
  }
  const V idx = Isa::load_bytes(idx_bytes);
  const V flip(static_cast<std::int32_t>(0x80808080u));

  for (int p = 0; p < P && p < n_vec; ++p) {
    const int c0 = (p * L) % C;
    V w3[3];
    for (int ky = 0; ky < 3; ++ky) w3[ky] = Isa::interleave3(&wext[3 * ky][c0], &wext[3 * ky + 1][c0], &wext[3 * ky + 2][c0]);
    const V b = Isa::load_s32(bext + c0);
    const auto stage = VecOutputStage<Isa, kPRelu, kStage>::make(ste, c0, L);
    auto vec = [&]<bool kSafe>(std::ptrdiff_t k) FACENN_SIMD_INLINE_LAMBDA {
      const std::ptrdiff_t e0 = e_a + k * L;
      V acc = b;
      for (int ky = 0; ky < 3; ++ky) {
        const std::ptrdiff_t at = e0 + (ky - 1) * row - C;
        const std::int8_t* src = input + at;
        V x;
        if constexpr (kSafe) {
          x = two ? Isa::permute_bytes2(Isa::load_bytes(src), idx, Isa::load_bytes(src + 64))
                  : Isa::permute_bytes(idx, Isa::load_bytes(src));
        } else {
          const auto avail = static_cast<int>(std::min<std::ptrdiff_t>(total - at, 128));
          x = two ? Isa::permute_bytes2(Isa::load_bytes_upto(src, avail), idx, Isa::load_bytes_upto(src + 64, avail - 64))
                  : Isa::permute_bytes(idx, Isa::load_bytes_upto(src, avail));
        }
        acc = Isa::dot4(acc, x ^ flip, w3[ky]);
      }
      // 16 bytes from e0 <= e_b - 1: at most 15 past e_b, inside the output (C >= 16), in border pixels
      stage.store(output + e0, acc);
    };
    std::ptrdiff_t k = p;
    for (; k < k_safe; k += P) vec.template operator()<true>(k);
    for (; k < n_vec; k += P) vec.template operator()<false>(k);
  }
  dwconv_s8<Isa, 3, 3, kPRelu, kStage, true>(g, input, zp, filter, bias, st, output);
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
    if constexpr (detail::FlatDepthwiseIsa<Isa>) {
      if (detail::flat_dw_applies(g)) {
        detail::dwconv_s8_flat3x3<Isa, kPRelu, kStage>(g, input, zp, filter, bias, st, output);
        return;
      }
    }
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
