// int8 2-D convolution and fully connected layers, NHWC, with the output stage fused. Two kernels:
//
// 1. conv2d_s8_packed (microkernels 4x4Lc4, 4x2Lc4, 6xLc4): weights packed at compile time
//    (PackedConvWeights<W, L>, keyed by the generated weights struct W). Tile: 4 output pixels x 4 blocks
//    of L output channels on AVX-512 (4x4Lc4, 16 accumulators), 4 x 2 blocks (4x2Lc4), or 6 pixels x 1
//    block for the last one (6xLc4); each activation broadcast feeds every block of the tile. L =
//    Isa::lanes (16 on AVX-512); input channels in groups of 4 (the "c4"):
//      packed block b (channels b*L .. b*L+L-1), for each tap (ky, kx), for each group g of 4 input channels:
//        L x 4 int8: lane j holds w[b*L + j][ky][kx][4g .. 4g+3] (zero past in_c / out_c)
//      bias'[oc] = bias[oc] - (in_zp + 128) * sum(w[oc])       (int32, one per padded channel)
//    Activations enter the dot product as u8 = x ^ 0x80 = x + 128 (vpdpbusd is u8 x s8), so
//    sum(w * u8) + bias' = bias + sum(w * (x - zp)). Taps in the padding feed u8(zp), which cancels
//    their share of the correction: the result equals the reference's "skip padded taps".
//    A 1x1 stride-1 unpadded convolution is run as one row of H*W pixels (a plain GEMM). Pixels with taps in
//    the padding run through the same tiles on a zero-point-padded copy of their input rows (a strip on
//    the stack, <= 8 KB; wider ones take a per-pixel border path).
// 2. conv2d_s8_dot_1xL: raw OHWI weights (the runtime-pointer entry point and very large layers,
//    whose packing would strain constant evaluation). Per output pixel and output channel, dot
//    products over the contiguous input runs (kw * in_c bytes per kernel row), 4*L bytes per step, and
//    sum(w) over the same runs for the zero-point correction; lanes reduced with xsimd::hadd.
// Both are bit-exact: the int32 sums are the reference's, in another order (integer addition is exact).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../params.hpp"
#include "output_stage.hpp"

namespace facenn::kernels::simd {

// ---- compile-time packing ---------------------------------------------------------------------------

// Largest filter (bytes) packed by constant evaluation; bigger layers (FaceMesh's 404 KB output conv)
// use the unpacked kernel. The default limits: GCC -fconstexpr-ops-limit = 2^25 operations (~80 per
// packed byte here), clang -fconstexpr-steps = 2^20 steps per constant.
#if defined(__clang__)
inline constexpr std::size_t kMaxPackedFilterBytes = 96 * 1024;
#else
inline constexpr std::size_t kMaxPackedFilterBytes = 256 * 1024;
#endif

// Row layout (first layers with 1-3 input channels, e.g. BlazeFace's 5x5x3): the kw * cin bytes of one kernel
// row are contiguous in NHWC input, so they are grouped by 4 across taps ("row groups") instead of per tap:
// 5x5x3 takes 5 x 4 groups instead of 25 x 1 (a quarter of each per-tap group is zero padding).
template <int KH, int KW, int CIN>
inline constexpr bool use_row_groups = CIN < 4 && KH * ((KW * CIN + 3) / 4) < KH * KW * ((CIN + 3) / 4);

template <class W, int L>
struct PackedConvWeights {
  static constexpr int kh = W::kernel_h, kw = W::kernel_w, cin = W::in_channels, cout = W::out_channels;
  static constexpr int taps = kh * kw;
  static constexpr bool rows = use_row_groups<kh, kw, cin>;
  static constexpr int row_bytes = kw * cin;
  static constexpr int groups = rows ? (row_bytes + 3) / 4 : (cin + 3) / 4;  // per kernel row / per tap
  static constexpr int steps = rows ? kh : taps;                              // rows / taps of `groups` each
  static constexpr int blocks = (cout + L - 1) / L;
  static constexpr std::size_t block_bytes = static_cast<std::size_t>(steps) * groups * L * 4;
  static constexpr std::size_t bytes = block_bytes * static_cast<std::size_t>(blocks);
  static constexpr std::int32_t in_zp = W::input_quant::zero_point;
  // "Half" last block (16 lanes, cout % 16 in 1..8: BlazeFace's 24, 56, 72, 88 outputs): lanes 8.. repeat
  // lanes 0.. (instead of zero padding), so that one vector can hold the block for two pixels
  // (conv_tile_interior's kHalf); the other paths store only the block's valid lanes.
  static constexpr int half_n = cout % L;
  static constexpr bool half = L == 16 && half_n != 0 && half_n <= L / 2;

  struct Data {
    alignas(64) std::int8_t w[bytes];
    alignas(64) std::int32_t bias[static_cast<std::size_t>(blocks) * L];
  };
  static constexpr Data make() {
    Data d{};
    for (int oc_lane = 0; oc_lane < blocks * L; ++oc_lane) {
      const int b = oc_lane / L, j = oc_lane % L;
      const bool dup = half && b == blocks - 1 && j >= L / 2 && j - L / 2 < half_n;
      const int oc = dup ? oc_lane - L / 2 : oc_lane;  // the output channel this lane computes
      std::int32_t sum = 0;
      // step t (tap, or kernel row), byte i of its groups * 4: lane j of group i / 4, byte i % 4
      for (int t = 0; t < steps; ++t) {
        for (int i = 0; i < groups * 4; ++i) {
          std::int8_t v = 0;
          if (rows) {  // OHWI: row t's bytes are contiguous, kx * cin + ic
            if (oc < cout && i < row_bytes) v = W::filter[(static_cast<std::size_t>(oc) * kh + t) * row_bytes + i];
          } else {
            if (oc < cout && i < cin) v = W::filter[(static_cast<std::size_t>(oc) * taps + t) * cin + i];
          }
          sum += v;
          d.w[static_cast<std::size_t>(b) * block_bytes +
              ((static_cast<std::size_t>(t) * groups + i / 4) * L + j) * 4 + i % 4] = v;
        }
      }
      std::int32_t bias = 0;
      if constexpr (requires { W::bias[0]; }) {
        if (oc < cout) bias = W::bias[oc];
      }
      d.bias[oc_lane] = oc < cout ? bias - (in_zp + 128) * sum : 0;
    }
    return d;
  }
  static constexpr Data data = make();
};

template <class W>
inline constexpr bool packable_conv = static_cast<std::size_t>(W::kernel_h) * W::kernel_w * W::in_channels *
                                          W::out_channels <= kMaxPackedFilterBytes;

namespace detail {

inline std::int32_t splat4(std::int32_t byte) noexcept {
  return static_cast<std::int32_t>((static_cast<std::uint32_t>(byte) & 0xFFu) * 0x01010101u);
}
inline std::int32_t load4_n(const std::int8_t* p, int n) noexcept {  // n in 1..4 bytes, rest zero
  std::int32_t v = 0;
  std::memcpy(&v, p, static_cast<std::size_t>(n));
  return v;
}

// MR pixels whose every tap is inside the input; px[m] points at each pixel's top-left tap. NB blocks
// of L output channels share each activation broadcast (block k's weights are block_bytes further).
// kK: the kernel is kK x kK (known at compile time: 1 for pointwise layers), 0 = from g.
// kHalf: the last of the NB blocks is a half block (PackedConvWeights::half) run for pixel pairs: acc[NB-1][q]
// holds pixel 2q in lanes 0-7 and pixel 2q+1 in lanes 8-15 (activations blended per half), so 24 output
// channels take 3 vectors per 2 pixels instead of 4 (a quarter fewer dot4 and output stages).
template <class Isa, int MR, int NB, bool kSafeTail, int kK = 0, bool kHalf = false>
FACENN_SIMD_INLINE void conv_tile_interior(const ConvGeometry& g, const std::int8_t* const* px,
                                           const std::int8_t* wb, std::size_t block_bytes, int groups,
                                           const typename Isa::V* bias, typename Isa::V (*acc)[MR]) noexcept {
  using V = typename Isa::V;
  constexpr int L = Isa::lanes;
  const V flip(static_cast<std::int32_t>(0x80808080u));
  const int tail = g.in_c - (groups - 1) * 4;  // bytes in the last group
  for (int nb = 0; nb < NB; ++nb) {
    for (int m = 0; m < MR; ++m) acc[nb][m] = bias[nb];
  }
  const std::int8_t* w = wb;
  const int kh = kK > 0 ? kK : g.kernel_h, kw = kK > 0 ? kK : g.kernel_w;
  for (int ky = 0; ky < kh; ++ky) {
    for (int kx = 0; kx < kw; ++kx) {
      const int off = (ky * g.in_w + kx) * g.in_c;
      for (int gi = 0; gi < groups; ++gi, w += L * 4) {
        V wv[NB];
        for (int nb = 0; nb < NB; ++nb) wv[nb] = Isa::load_bytes(w + nb * block_bytes);
        V xs[MR];
        for (int m = 0; m < MR; ++m) {
          const std::int8_t* p = px[m] + off + gi * 4;
          V x;
          if (kSafeTail && gi == groups - 1) x = V(load4_n(p, tail));
          else x = Isa::bcast4(p);
          x ^= flip;
          xs[m] = x;
          for (int nb = 0; nb < NB - (kHalf ? 1 : 0); ++nb) acc[nb][m] = Isa::dot4(acc[nb][m], x, wv[nb]);
        }
        if constexpr (kHalf) {
          for (int q = 0; q < MR / 2; ++q) {
            acc[NB - 1][q] = Isa::dot4(acc[NB - 1][q], Isa::blend_halves(xs[2 * q], xs[2 * q + 1]), wv[NB - 1]);
          }
        }
      }
    }
  }
}

// One pixel with taps in the padding: those taps feed u8(zp).
template <class Isa, int NB, bool kSafeTail>
inline void conv_pixel_border(const ConvGeometry& g, const std::int8_t* input, int y0, int x0, const std::int8_t* wb,
                              std::size_t block_bytes, int groups, const typename Isa::V* bias,
                              typename Isa::V zp_u8, typename Isa::V* acc) noexcept {
  using V = typename Isa::V;
  constexpr int L = Isa::lanes;
  const V flip(static_cast<std::int32_t>(0x80808080u));
  const int tail = g.in_c - (groups - 1) * 4;
  for (int nb = 0; nb < NB; ++nb) acc[nb] = bias[nb];
  const std::int8_t* w = wb;
  for (int ky = 0; ky < g.kernel_h; ++ky) {
    const int iy = y0 + ky;
    for (int kx = 0; kx < g.kernel_w; ++kx) {
      const int ix = x0 + kx;
      const bool outside = iy < 0 || iy >= g.in_h || ix < 0 || ix >= g.in_w;
      const std::int8_t* p = outside ? nullptr : input + (iy * g.in_w + ix) * g.in_c;
      for (int gi = 0; gi < groups; ++gi, w += L * 4) {
        V x = zp_u8;
        if (!outside) {
          if (kSafeTail && gi == groups - 1) x = V(load4_n(p + gi * 4, tail));
          else x = Isa::bcast4(p + gi * 4);
          x ^= flip;
        }
        for (int nb = 0; nb < NB; ++nb) acc[nb] = Isa::dot4(acc[nb], x, Isa::load_bytes(w + nb * block_bytes));
      }
    }
  }
}

// Row-group forms of the two functions above (PackedConvWeights::rows): per kernel row, `groups` broadcasts of
// 4 consecutive input bytes (taps kx and channels mixed), the last one possibly reaching past the row's
// kw * in_c bytes into bytes whose weights are zero.
// kKH / kG: kernel rows and groups per row when known at compile time (0: from g), so that the first
// layer's 5 x 4 steps unroll and the 8 accumulators stay in registers (a run-time row loop kept them in
// memory between rows).
template <class Isa, int MR, int NB, bool kSafeTail, int kKH = 0, int kG = 0, bool kHalf = false>
FACENN_SIMD_INLINE void conv_tile_interior_rows(const ConvGeometry& g, const std::int8_t* const* px,
                                                const std::int8_t* wb, std::size_t block_bytes, int groups,
                                                const typename Isa::V* bias, typename Isa::V (*acc)[MR]) noexcept {
  using V = typename Isa::V;
  constexpr int L = Isa::lanes;
  const V flip(static_cast<std::int32_t>(0x80808080u));
  const int kh = kKH > 0 ? kKH : g.kernel_h;
  const int gn = kG > 0 ? kG : groups;
  const int tail = g.kernel_w * g.in_c - (gn - 1) * 4;  // bytes of the row in its last group
  for (int nb = 0; nb < NB; ++nb) {
    for (int m = 0; m < MR; ++m) acc[nb][m] = bias[nb];
  }
  const std::int8_t* w = wb;
  FACENN_SIMD_UNROLL
  for (int ky = 0; ky < kh; ++ky) {
    const int off = ky * g.in_w * g.in_c;
    FACENN_SIMD_UNROLL
    for (int gi = 0; gi < gn; ++gi, w += L * 4) {
      V wv[NB];
      for (int nb = 0; nb < NB; ++nb) wv[nb] = Isa::load_bytes(w + nb * block_bytes);
      V xs[MR];
      for (int m = 0; m < MR; ++m) {
        const std::int8_t* p = px[m] + off + gi * 4;
        V x;
        if (kSafeTail && gi == gn - 1) x = V(load4_n(p, tail));
        else x = Isa::bcast4(p);
        x ^= flip;
        xs[m] = x;
        for (int nb = 0; nb < NB - (kHalf ? 1 : 0); ++nb) acc[nb][m] = Isa::dot4(acc[nb][m], x, wv[nb]);
      }
      if constexpr (kHalf) {
        for (int q = 0; q < MR / 2; ++q) {
          acc[NB - 1][q] = Isa::dot4(acc[NB - 1][q], Isa::blend_halves(xs[2 * q], xs[2 * q + 1]), wv[NB - 1]);
        }
      }
    }
  }
}

template <class Isa, int NB>
inline void conv_pixel_border_rows(const ConvGeometry& g, const std::int8_t* input, int y0, int x0,
                                   const std::int8_t* wb, std::size_t block_bytes, int groups,
                                   const typename Isa::V* bias, std::int32_t zp, typename Isa::V* acc) noexcept {
  using V = typename Isa::V;
  constexpr int L = Isa::lanes;
  const int row_bytes = g.kernel_w * g.in_c;
  const auto pad_u8 = static_cast<std::uint32_t>(zp + 128) & 0xFFu;
  for (int nb = 0; nb < NB; ++nb) acc[nb] = bias[nb];
  const std::int8_t* w = wb;
  for (int ky = 0; ky < g.kernel_h; ++ky) {
    const int iy = y0 + ky;
    for (int gi = 0; gi < groups; ++gi, w += L * 4) {
      std::uint32_t bytes = 0;
      for (int k = 0; k < 4; ++k) {
        const int i = gi * 4 + k;
        std::uint32_t u = 0;  // past the row: zero weights
        if (i < row_bytes) {
          const int ix = x0 + i / g.in_c;
          const bool outside = iy < 0 || iy >= g.in_h || ix < 0 || ix >= g.in_w;
          u = outside ? pad_u8
                      : (static_cast<std::uint32_t>(input[(iy * g.in_w + ix) * g.in_c + i % g.in_c]) ^ 0x80u) & 0xFFu;
        }
        bytes |= u << (8 * k);
      }
      const V x(static_cast<std::int32_t>(bytes));
      for (int nb = 0; nb < NB; ++nb) acc[nb] = Isa::dot4(acc[nb], x, Isa::load_bytes(w + nb * block_bytes));
    }
  }
}

// Stack bytes for the padded input strip of border pixels (conv2d_s8_packed_blocks); larger strips take the
// per-pixel border path.
inline constexpr std::size_t kConvStripBytes = 8192;

// kKH, kG: see conv_tile_interior_rows (kRows) and conv_tile_interior (kK = kKH)
template <class Isa, int NB, bool kPRelu, StageKind kStage, bool kRows, int kKH = 0, int kG = 0, bool kHalf = false>
inline void conv2d_s8_packed_blocks(const ConvGeometry& g, const std::int8_t* input, std::int32_t zp,
                                    const std::int8_t* packed_w, const std::int32_t* packed_bias,
                                    const Int8OutputStage& st, std::int8_t* __restrict output, int b0) noexcept {
  using V = typename Isa::V;
  constexpr int L = Isa::lanes;
  constexpr int MR = NB == 1 ? 6 : 4;
  const int groups = kRows ? (g.kernel_w * g.in_c + 3) / 4 : (g.in_c + 3) / 4;
  const bool exact_groups = kRows ? (g.kernel_w * g.in_c) % 4 == 0 : g.in_c % 4 == 0;
  const std::size_t block_bytes =
      static_cast<std::size_t>(kRows ? g.kernel_h : g.kernel_h * g.kernel_w) * groups * L * 4;
  const std::int8_t* in_end = input + static_cast<std::size_t>(g.in_h) * g.in_w * g.in_c;
  // start of the last group read, relative to the pixel's first tap
  const std::ptrdiff_t last_tap = kRows ? static_cast<std::ptrdiff_t>(g.kernel_h - 1) * g.in_w * g.in_c + (groups - 1) * 4
                                        : (static_cast<std::ptrdiff_t>(g.kernel_h - 1) * g.in_w + (g.kernel_w - 1)) * g.in_c +
                                              (groups - 1) * 4;
  const V zp_u8(splat4(zp + 128));
  auto x_first = [&](int ox) { return ox * g.stride_w - g.pad_left; };
  const int ox_lo = std::min(g.out_w, (g.pad_left + g.stride_w - 1) / g.stride_w);
  const int ox_hi = std::max(ox_lo, std::min(g.out_w, (g.in_w - g.kernel_w + g.pad_left) < 0
                                                          ? 0
                                                          : (g.in_w - g.kernel_w + g.pad_left) / g.stride_w + 1));
  VecOutputStage<Isa, kPRelu, kStage> stage[NB];
  V bias[NB];
  int oc0[NB], n[NB];
  for (int nb = 0; nb < NB; ++nb) {
    oc0[nb] = (b0 + nb) * L;
    n[nb] = std::min(L, g.out_c - oc0[nb]);
    stage[nb] = VecOutputStage<Isa, kPRelu, kStage>::make(st, oc0[nb], n[nb]);
    bias[nb] = Isa::load_s32(packed_bias + oc0[nb]);
  }
  // the half block's stage: lanes 8.. repeat the parameters of lanes 0..
  VecOutputStage<Isa, kPRelu, kStage> stage_pair;
  if constexpr (kHalf) {
    std::int32_t m[L], s[L], nm[L], ns[L];
    for (int lane = 0; lane < L; ++lane) {
      const int c = oc0[NB - 1] + std::min(lane % (L / 2), n[NB - 1] - 1);
      m[lane] = st.multiplier[st.per_channel ? c : 0];
      s[lane] = st.shift[st.per_channel ? c : 0];
      nm[lane] = kPRelu ? st.neg_multiplier[c] : 0;
      ns[lane] = kPRelu ? st.neg_shift[c] : 0;
    }
    Int8OutputStage pair_stage = st;
    pair_stage.multiplier = m;
    pair_stage.shift = s;
    pair_stage.per_channel = true;
    pair_stage.neg_multiplier = kPRelu ? nm : nullptr;
    pair_stage.neg_shift = kPRelu ? ns : nullptr;
    stage_pair = VecOutputStage<Isa, kPRelu, kStage>::make(pair_stage, 0, L);
  }
  const std::int8_t* wb = packed_w + static_cast<std::size_t>(b0) * block_bytes;
  auto store = [&](int oy, int ox, const V* acc, int blocks = NB) {
    std::int8_t* o = output + (static_cast<std::ptrdiff_t>(oy) * g.out_w + ox) * g.out_c;
    for (int nb = 0; nb < blocks; ++nb) {
      if (n[nb] == L) stage[nb].store(o + oc0[nb], acc[nb]);
      else stage[nb].store_n(o + oc0[nb], acc[nb], n[nb]);
    }
  };
  // R pixels' accumulators of a tile (R even: the half block in pairs)
  auto store_tile = [&]<int R, bool kPairs>(int oy, int ox, V (*acc)[R]) FACENN_SIMD_INLINE_LAMBDA {
    for (int m = 0; m < R; ++m) {
      V a[NB];
      for (int nb = 0; nb < NB; ++nb) a[nb] = acc[nb][m];
      store(oy, ox + m, a, kPairs ? NB - 1 : NB);
    }
    if constexpr (kHalf) {  // (kHalf first: clang resolves Isa:: names of a generic lambda eagerly)
      if constexpr (kPairs) {
        for (int q = 0; q < R / 2; ++q) {
          std::int8_t* o = output + (static_cast<std::ptrdiff_t>(oy) * g.out_w + ox + 2 * q) * g.out_c + oc0[NB - 1];
          Isa::store_s8_sat_pair(o, o + g.out_c, stage_pair.apply(acc[NB - 1][q]), n[NB - 1]);
        }
      }
    }
  };
  auto safe = [&](const std::int8_t* p) { return exact_groups || p + last_tap + 4 <= in_end; };
  auto border = [&](int oy, int ox) {
    const int y0 = oy * g.stride_h - g.pad_top, x0 = x_first(ox);
    V acc[NB];
    if constexpr (kRows) {
      conv_pixel_border_rows<Isa, NB>(g, input, y0, x0, wb, block_bytes, groups, bias, zp, acc);
    } else {
      const std::int8_t* p = input + (std::max(y0, 0) * g.in_w + std::max(x0, 0)) * g.in_c;
      if (safe(p)) conv_pixel_border<Isa, NB, false>(g, input, y0, x0, wb, block_bytes, groups, bias, zp_u8, acc);
      else conv_pixel_border<Isa, NB, true>(g, input, y0, x0, wb, block_bytes, groups, bias, zp_u8, acc);
    }
    store(oy, ox, acc);
  };
  auto tile = [&]<int R>(const std::int8_t* row, int oy, int ox) FACENN_SIMD_INLINE_LAMBDA {
    const std::int8_t* px[R];
    for (int m = 0; m < R; ++m) px[m] = row + static_cast<std::ptrdiff_t>(x_first(ox + m)) * g.in_c;
    V acc[NB][R];
    constexpr bool kPairs = kHalf && R % 2 == 0;
    if constexpr (kRows) {
      if (safe(px[R - 1])) conv_tile_interior_rows<Isa, R, NB, false, kKH, kG, kPairs>(g, px, wb, block_bytes, groups, bias, acc);
      else conv_tile_interior_rows<Isa, R, NB, true, kKH, kG, kPairs>(g, px, wb, block_bytes, groups, bias, acc);
    } else {
      if (safe(px[R - 1])) conv_tile_interior<Isa, R, NB, false, kKH, kPairs>(g, px, wb, block_bytes, groups, bias, acc);
      else conv_tile_interior<Isa, R, NB, true, kKH, kPairs>(g, px, wb, block_bytes, groups, bias, acc);
    }
    store_tile.template operator()<R, kPairs>(oy, ox, acc);
  };
  // Pixels with taps in the padding, output pixels [ox_a, ox_b) of row oy: their kernel_h input rows
  // (columns x_first(ox_a) .. x_first(ox_b - 1) + kernel_w - 1) are copied into a strip on the stack with
  // the padding filled with zp, and the strip runs through the interior tiles (the per-pixel border
  // path costs several times an interior pixel: it was 44 % of BlazeFace's 5x5x3 first conv, 96 -> 64 us).
  // Out of line, so that the 8 KB strip stays out of the interior loop's frame.
  auto border_range = [&](int oy, int ox_a, int ox_b) FACENN_SIMD_NOINLINE_LAMBDA {
    alignas(64) std::int8_t strip[kConvStripBytes];
    const int cols = (ox_b - 1 - ox_a) * g.stride_w + g.kernel_w;
    const int row_bytes = cols * g.in_c;
    if (static_cast<std::size_t>(g.kernel_h) * row_bytes + 4 > sizeof strip) {
      for (int ox = ox_a; ox < ox_b; ++ox) border(oy, ox);
      return;
    }
    const int y0 = oy * g.stride_h - g.pad_top, xa = x_first(ox_a);
    const int in_lo = std::clamp(xa, 0, g.in_w), in_hi = std::clamp(xa + cols, 0, g.in_w);
    const auto pad = static_cast<unsigned char>(zp);
    for (int ky = 0; ky < g.kernel_h; ++ky) {
      std::int8_t* dst = strip + static_cast<std::ptrdiff_t>(ky) * row_bytes;
      const int iy = y0 + ky;
      if (iy < 0 || iy >= g.in_h || in_lo >= in_hi) {
        std::memset(dst, pad, static_cast<std::size_t>(row_bytes));
        continue;
      }
      const int left = (in_lo - xa) * g.in_c, mid = (in_hi - in_lo) * g.in_c;
      std::memset(dst, pad, static_cast<std::size_t>(left));
      std::memcpy(dst + left, input + (static_cast<std::ptrdiff_t>(iy) * g.in_w + in_lo) * g.in_c,
                  static_cast<std::size_t>(mid));
      std::memset(dst + left + mid, pad, static_cast<std::size_t>(row_bytes - left - mid));
    }
    std::memset(strip + static_cast<std::ptrdiff_t>(g.kernel_h) * row_bytes, pad, 4);  // last group's overrun
    ConvGeometry gs = g;
    gs.in_w = cols;
    auto strip_tile = [&]<int R>(int ox) {
      const std::int8_t* px[R];
      for (int m = 0; m < R; ++m) px[m] = strip + static_cast<std::ptrdiff_t>(ox + m - ox_a) * g.stride_w * g.in_c;
      V acc[NB][R];
      constexpr bool kPairs = kHalf && R % 2 == 0;
      if constexpr (kRows) conv_tile_interior_rows<Isa, R, NB, false, kKH, kG, kPairs>(gs, px, wb, block_bytes, groups, bias, acc);
      else conv_tile_interior<Isa, R, NB, false, kKH, kPairs>(gs, px, wb, block_bytes, groups, bias, acc);
      store_tile.template operator()<R, kPairs>(oy, ox, acc);
    };
    int ox = ox_a;
    for (; ox + MR <= ox_b; ox += MR) strip_tile.template operator()<MR>(ox);
    for (; ox < ox_b; ++ox) strip_tile.template operator()<1>(ox);
  };
  for (int oy = 0; oy < g.out_h; ++oy) {
    const int y0 = oy * g.stride_h - g.pad_top;
    if (y0 < 0 || y0 + g.kernel_h > g.in_h) {
      border_range(oy, 0, g.out_w);
      continue;
    }
    if (ox_lo > 0) border_range(oy, 0, ox_lo);
    const std::int8_t* row = input + static_cast<std::ptrdiff_t>(y0) * g.in_w * g.in_c;
    int ox = ox_lo;
    for (; ox + MR <= ox_hi; ox += MR) tile.template operator()<MR>(row, oy, ox);
    for (; ox < ox_hi; ++ox) tile.template operator()<1>(row, oy, ox);
    if (ox_hi < g.out_w) border_range(oy, ox_hi, g.out_w);
  }
}

// kHalf: the packed weights' last block is a half block (PackedConvWeights::half)
template <class Isa, bool kPRelu, StageKind kStage, bool kRows, int kKH = 0, int kG = 0, bool kHalf = false>
inline void conv2d_s8_packed_tiles(const ConvGeometry& g0, const std::int8_t* input, std::int32_t zp,
                                 const std::int8_t* packed_w, const std::int32_t* packed_bias,
                                 const Int8OutputStage& st, std::int8_t* output) noexcept {
  constexpr int L = Isa::lanes;
  ConvGeometry g = g0;
  if (g.kernel_h == 1 && g.kernel_w == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 &&
      g.pad_left == 0 && g.out_h == g.in_h && g.out_w == g.in_w) {
    g = ConvGeometry{1, g0.in_h * g0.in_w, g0.in_c, 1, g0.out_h * g0.out_w, g0.out_c, 1, 1, 1, 1, 0, 0};
  }
  const int blocks = (g.out_c + L - 1) / L;
  // the group of blocks holding a half last block runs it in pixel pairs
  constexpr bool kPairs = kHalf && requires(typename Isa::V v, std::int8_t* p) {
    Isa::blend_halves(v, v);
    Isa::store_s8_sat_pair(p, p, v, 1);
  };
  auto run = [&]<int NB>(int b0) {
    if (kPairs && b0 + NB == blocks) {
      conv2d_s8_packed_blocks<Isa, NB, kPRelu, kStage, kRows, kKH, kG, kPairs>(g, input, zp, packed_w, packed_bias, st,
                                                                              output, b0);
    } else {
      conv2d_s8_packed_blocks<Isa, NB, kPRelu, kStage, kRows, kKH, kG>(g, input, zp, packed_w, packed_bias, st, output,
                                                                      b0);
    }
  };
  int b = 0;
  if constexpr (L >= 16) {  // 4 px x 4 blocks = 16 accumulators: fits AVX-512's 32 registers
    for (; b + 4 <= blocks; b += 4) run.template operator()<4>(b);
  }
  for (; b + 2 <= blocks; b += 2) run.template operator()<2>(b);
  if (b < blocks) run.template operator()<1>(b);
}

// ---- unpacked kernel ---------------------------------------------------------------------------------

template <class Isa, bool kPRelu, StageKind kStage>
inline void conv2d_s8_dot_1xL(const ConvGeometry& g, const std::int8_t* input, std::int32_t zp,
                              const std::int8_t* filter, const std::int32_t* bias, const Int8OutputStage& st,
                              std::int8_t* output) noexcept {
  using V = typename Isa::V;
  constexpr int L = Isa::lanes;
  constexpr int B = 4 * L;  // bytes per step
  constexpr int NO = 4;     // output channels per inner loop
  const V flip(static_cast<std::int32_t>(0x80808080u));
  const V ones(0x01010101);
  const std::int32_t corr = zp + 128;
  const std::ptrdiff_t K = static_cast<std::ptrdiff_t>(g.kernel_h) * g.kernel_w * g.in_c;

  struct Run {
    const std::int8_t* x;
    std::ptrdiff_t w_off;
    int len;
  };
  Run runs[64];  // one per kernel row inside the input (kernel_h <= 64, checked by the dispatcher)

  for (int oy = 0; oy < g.out_h; ++oy) {
    for (int ox = 0; ox < g.out_w; ++ox) {
      const int y0 = oy * g.stride_h - g.pad_top, x0 = ox * g.stride_w - g.pad_left;
      const int kx0 = std::max(0, -x0), kx1 = std::min(g.kernel_w, g.in_w - x0);
      int nr = 0;
      for (int ky = 0; ky < g.kernel_h && kx1 > kx0; ++ky) {
        const int iy = y0 + ky;
        if (iy < 0 || iy >= g.in_h) continue;
        runs[nr++] = Run{input + (static_cast<std::ptrdiff_t>(iy) * g.in_w + x0 + kx0) * g.in_c,
                         (static_cast<std::ptrdiff_t>(ky) * g.kernel_w + kx0) * g.in_c, (kx1 - kx0) * g.in_c};
      }
      std::int8_t* out_px = output + (static_cast<std::ptrdiff_t>(oy) * g.out_w + ox) * g.out_c;
      for (int oc0 = 0; oc0 < g.out_c; oc0 += L) {
        const int n = std::min(L, g.out_c - oc0);
        alignas(64) std::int32_t sums[L] = {};
        for (int j0 = 0; j0 < n; j0 += NO) {
          const int nj = std::min(NO, n - j0);
          V acc[NO], ws[NO];
          for (int j = 0; j < NO; ++j) acc[j] = ws[j] = V(0);
          for (int r = 0; r < nr; ++r) {
            const Run& run = runs[r];
            int k = 0;
            for (; k + B <= run.len; k += B) {
              const V x = Isa::load_bytes(run.x + k) ^ flip;
              for (int j = 0; j < nj; ++j) {
                const V w = Isa::load_bytes(filter + (oc0 + j0 + j) * K + run.w_off + k);
                acc[j] = Isa::dot4(acc[j], x, w);
                ws[j] = Isa::dot4(ws[j], ones, w);
              }
            }
            if (k < run.len) {
              const int rest = run.len - k;
              const V x = Isa::load_bytes_n(run.x + k, rest) ^ flip;
              for (int j = 0; j < nj; ++j) {
                const V w = Isa::load_bytes_n(filter + (oc0 + j0 + j) * K + run.w_off + k, rest);
                acc[j] = Isa::dot4(acc[j], x, w);
                ws[j] = Isa::dot4(ws[j], ones, w);
              }
            }
          }
          // zero-filled tail bytes of x became 0x80 after the flip, but their weights are zero
          for (int j = 0; j < nj; ++j) {
            const std::int32_t b = bias != nullptr ? bias[oc0 + j0 + j] : 0;
            sums[j0 + j] = b + xsimd::hadd(acc[j]) - corr * xsimd::hadd(ws[j]);
          }
        }
        const auto stage = VecOutputStage<Isa, kPRelu, kStage>::make(st, oc0, n);
        const V acc = Isa::load_s32(sums);
        if (n == L) stage.store(out_px + oc0, acc);
        else stage.store_n(out_px + oc0, acc, n);
      }
    }
  }
}

}  // namespace detail

// Entry points; false = not covered (the caller runs the reference).
template <class Isa>
inline bool conv2d_s8_unpacked(const ConvGeometry& g, const std::int8_t* input, std::int32_t zp,
                               const std::int8_t* filter, const std::int32_t* bias, const Int8OutputStage& st,
                               std::int8_t* output) noexcept {
  if (g.kernel_h > 64) return false;
  const StageTraits t = stage_traits(st, g.out_c);
  if (!t.supported) return false;
  with_stage_variant(t, [&]<bool kPRelu, StageKind kStage>() {
    detail::conv2d_s8_dot_1xL<Isa, kPRelu, kStage>(g, input, zp, filter, bias, st, output);
  });
  return true;
}

template <class Isa, class W>
inline bool conv2d_s8_packed(const ConvGeometry& g, const std::int8_t* input, std::int32_t zp,
                             const Int8OutputStage& st, std::int8_t* output) noexcept {
  using P = PackedConvWeights<W, Isa::lanes>;
  if (zp != P::in_zp || g.in_c != P::cin || g.out_c != P::cout || g.kernel_h != P::kh || g.kernel_w != P::kw) {
    return false;
  }
  const StageTraits t = stage_traits(st, g.out_c);
  if (!t.supported) return false;
  with_stage_variant(t, [&]<bool kPRelu, StageKind kStage>() {
    // row-group layers (first layers, 1-3 input channels: few) get their loop bounds as constants,
    // pointwise layers their 1x1 kernel (kKH = kernel size for per-tap layers, when 1)
    constexpr int kKH = P::rows ? P::kh : (P::kh == 1 && P::kw == 1 ? 1 : 0);
    // (half blocks in pixel pairs: pointwise 64x64x24 -18 %, but the 5x5x3 first conv +12 %: per tap only)
    detail::conv2d_s8_packed_tiles<Isa, kPRelu, kStage, P::rows, kKH, P::rows ? P::groups : 0, P::half && !P::rows>(
        g, input, zp, P::data.w, P::data.bias, st, output);
  });
  return true;
}

}  // namespace facenn::kernels::simd
