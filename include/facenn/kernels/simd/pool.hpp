// int8 max pool, NHWC, any window / stride / padding (taps in the padding are ignored, as in the
// reference). Tile: one output pixel x 64, 16 or 1 channels (max_pool_s8_1x64 / 1x16 / 1x1), using
// xsimd int8 batches: the wide one of the ISA, then 16-byte ones, then one 16-byte vector overlapping the
// last channels (scalars only when there are fewer than 16 channels).
#pragma once

#include <cstdint>

#include "../params.hpp"

namespace facenn::kernels::simd {

template <class Isa>
inline void max_pool_s8(const PoolGeometry& g, const std::int8_t* input, std::int8_t* output) noexcept {
  using Wide = xsimd::batch<std::int8_t, typename Isa::arch>;
  using Narrow = xsimd::batch<std::int8_t, typename Isa::arch16>;
  const int C = g.channels;
  if constexpr (requires(const std::int8_t* i, std::int8_t* o) { Isa::max_pool_2x2(1, 1, 2, 1, i, o); }) {
    if (g.window_h == 2 && g.window_w == 2 && g.stride_h == 2 && g.stride_w == 2 && g.pad_top == 0 &&
        g.pad_left == 0 && 2 * g.out_h <= g.in_h && 2 * g.out_w <= g.in_w && C > 0 && C <= 64) {
      Isa::max_pool_2x2(g.out_h, g.out_w, g.in_w, C, input, output);
      return;
    }
  }
  for (int oy = 0; oy < g.out_h; ++oy) {
    const int y0 = oy * g.stride_h - g.pad_top;
    const int ky0 = y0 < 0 ? -y0 : 0;
    const int ky1 = y0 + g.window_h > g.in_h ? g.in_h - y0 : g.window_h;
    for (int ox = 0; ox < g.out_w; ++ox) {
      const int x0 = ox * g.stride_w - g.pad_left;
      const int kx0 = x0 < 0 ? -x0 : 0;
      const int kx1 = x0 + g.window_w > g.in_w ? g.in_w - x0 : g.window_w;
      std::int8_t* o = output + (oy * g.out_w + ox) * C;
      int c = 0;
      auto pass = [&]<class B>(B) {
        for (; c + static_cast<int>(B::size) <= C; c += static_cast<int>(B::size)) {
          B best(std::int8_t{-128});
          for (int ky = ky0; ky < ky1; ++ky) {
            const std::int8_t* row = input + ((y0 + ky) * g.in_w + x0) * C + c;
            for (int kx = kx0; kx < kx1; ++kx) best = xsimd::max(best, B::load_unaligned(row + kx * C));
          }
          best.store_unaligned(o + c);
        }
      };
      pass(Wide{});
      pass(Narrow{});
      if (c < C && C >= static_cast<int>(Narrow::size)) {
        // the last channels (BlazeFace's 28, 42, 88): one 16-wide vector ending at C, overlapping channels
        // already done (max is idempotent: they are written again with the same values)
        c = C - static_cast<int>(Narrow::size);
        pass(Narrow{});
      }
      for (; c < C; ++c) {
        std::int8_t best = -128;
        for (int ky = ky0; ky < ky1; ++ky) {
          const std::int8_t* row = input + ((y0 + ky) * g.in_w + x0) * C + c;
          for (int kx = kx0; kx < kx1; ++kx) best = row[kx * C] > best ? row[kx * C] : best;
        }
        o[c] = best;
      }
    }
  }
}

}  // namespace facenn::kernels::simd
