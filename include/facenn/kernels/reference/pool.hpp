// Reference pooling, NHWC. Taps outside the input are ignored (TFLite semantics): a max pool takes
// the max of the valid taps, an average pool divides by the count of valid taps.
//
// int8 average: out = round_half_away(sum / n) computed as (sum +/- n/2) / n with C truncation;
// output quantization equals input quantization for both pools.
#pragma once

#include <cstdint>
#include <limits>

#include "../params.hpp"

namespace facenn::kernels::reference {

template <class T>
void max_pool(const PoolGeometry& g, const T* input, T* output) noexcept {
  for (int oy = 0; oy < g.out_h; ++oy) {
    for (int ox = 0; ox < g.out_w; ++ox) {
      const int y0 = oy * g.stride_h - g.pad_top;
      const int x0 = ox * g.stride_w - g.pad_left;
      for (int c = 0; c < g.channels; ++c) {
        T best = std::numeric_limits<T>::lowest();
        for (int ky = 0; ky < g.window_h; ++ky) {
          const int iy = y0 + ky;
          if (iy < 0 || iy >= g.in_h) continue;
          for (int kx = 0; kx < g.window_w; ++kx) {
            const int ix = x0 + kx;
            if (ix < 0 || ix >= g.in_w) continue;
            const T v = input[(iy * g.in_w + ix) * g.channels + c];
            if (v > best) best = v;
          }
        }
        output[(oy * g.out_w + ox) * g.channels + c] = best;
      }
    }
  }
}

inline void avg_pool_s8(const PoolGeometry& g, const std::int8_t* input, std::int8_t* output) noexcept {
  for (int oy = 0; oy < g.out_h; ++oy) {
    for (int ox = 0; ox < g.out_w; ++ox) {
      const int y0 = oy * g.stride_h - g.pad_top;
      const int x0 = ox * g.stride_w - g.pad_left;
      for (int c = 0; c < g.channels; ++c) {
        std::int32_t sum = 0;
        std::int32_t n = 0;
        for (int ky = 0; ky < g.window_h; ++ky) {
          const int iy = y0 + ky;
          if (iy < 0 || iy >= g.in_h) continue;
          for (int kx = 0; kx < g.window_w; ++kx) {
            const int ix = x0 + kx;
            if (ix < 0 || ix >= g.in_w) continue;
            sum += input[(iy * g.in_w + ix) * g.channels + c];
            ++n;
          }
        }
        std::int32_t avg = 0;
        if (n > 0) avg = sum >= 0 ? (sum + n / 2) / n : (sum - n / 2) / n;
        output[(oy * g.out_w + ox) * g.channels + c] =
            static_cast<std::int8_t>(avg < -128 ? -128 : (avg > 127 ? 127 : avg));
      }
    }
  }
}

inline void avg_pool_f32(const PoolGeometry& g, const float* input, float* output) noexcept {
  for (int oy = 0; oy < g.out_h; ++oy) {
    for (int ox = 0; ox < g.out_w; ++ox) {
      const int y0 = oy * g.stride_h - g.pad_top;
      const int x0 = ox * g.stride_w - g.pad_left;
      for (int c = 0; c < g.channels; ++c) {
        double sum = 0.0;
        int n = 0;
        for (int ky = 0; ky < g.window_h; ++ky) {
          const int iy = y0 + ky;
          if (iy < 0 || iy >= g.in_h) continue;
          for (int kx = 0; kx < g.window_w; ++kx) {
            const int ix = x0 + kx;
            if (ix < 0 || ix >= g.in_w) continue;
            sum += double{input[(iy * g.in_w + ix) * g.channels + c]};
            ++n;
          }
        }
        output[(oy * g.out_w + ox) * g.channels + c] = n > 0 ? static_cast<float>(sum / n) : 0.0f;
      }
    }
  }
}

}  // namespace facenn::kernels::reference
