// Reference 2-D convolution, NHWC, filter OHWI: the specification the SIMD kernels must match.
//
// int8: acc = bias[oc] + sum w[oc][ky][kx][ic] * (x[iy][ix][ic] - input_zero_point) over taps inside
// the input (taps in the padding are skipped, which equals padding with the zero point), then the
// output stage. Headroom: |w| <= 127, |x - zp| <= 255, so each tap is < 2^15 and int32 holds
// 2^16 taps (e.g. 3x3x7281 channels) plus the bias: far beyond any face network.
#pragma once

#include <cstdint>

#include "../../core/requant.hpp"
#include "../params.hpp"

namespace facenn::kernels::reference {

inline void conv2d_s8(const ConvGeometry& g, const std::int8_t* input, std::int32_t input_zero_point,
                      const std::int8_t* filter, const std::int32_t* bias, const Int8OutputStage& stage,
                      std::int8_t* output) noexcept {
  for (int oy = 0; oy < g.out_h; ++oy) {
    for (int ox = 0; ox < g.out_w; ++ox) {
      const int y0 = oy * g.stride_h - g.pad_top;
      const int x0 = ox * g.stride_w - g.pad_left;
      for (int oc = 0; oc < g.out_c; ++oc) {
        std::int32_t acc = bias != nullptr ? bias[oc] : 0;
        for (int ky = 0; ky < g.kernel_h; ++ky) {
          const int iy = y0 + ky;
          if (iy < 0 || iy >= g.in_h) continue;
          for (int kx = 0; kx < g.kernel_w; ++kx) {
            const int ix = x0 + kx;
            if (ix < 0 || ix >= g.in_w) continue;
            const std::int8_t* x = input + (iy * g.in_w + ix) * g.in_c;
            const std::int8_t* w = filter + ((oc * g.kernel_h + ky) * g.kernel_w + kx) * g.in_c;
            for (int ic = 0; ic < g.in_c; ++ic) {
              acc += std::int32_t{w[ic]} * (std::int32_t{x[ic]} - input_zero_point);
            }
          }
        }
        output[(oy * g.out_w + ox) * g.out_c + oc] = stage.apply(acc, oc);
      }
    }
  }
}

// float reference; accumulates in double (it is the reference, not the fast path).
template <class FilterArray>
void conv2d_f32(const ConvGeometry& g, const float* input, const FilterArray& filter, const float* bias,
                const FloatOutputStage& stage, float* output) noexcept {
  for (int oy = 0; oy < g.out_h; ++oy) {
    for (int ox = 0; ox < g.out_w; ++ox) {
      const int y0 = oy * g.stride_h - g.pad_top;
      const int x0 = ox * g.stride_w - g.pad_left;
      for (int oc = 0; oc < g.out_c; ++oc) {
        double acc = bias != nullptr ? double{bias[oc]} : 0.0;
        for (int ky = 0; ky < g.kernel_h; ++ky) {
          const int iy = y0 + ky;
          if (iy < 0 || iy >= g.in_h) continue;
          for (int kx = 0; kx < g.kernel_w; ++kx) {
            const int ix = x0 + kx;
            if (ix < 0 || ix >= g.in_w) continue;
            const float* x = input + (iy * g.in_w + ix) * g.in_c;
            const auto wbase = static_cast<std::size_t>(((oc * g.kernel_h + ky) * g.kernel_w + kx) * g.in_c);
            for (int ic = 0; ic < g.in_c; ++ic) {
              acc += double{filter[wbase + static_cast<std::size_t>(ic)]} * double{x[ic]};
            }
          }
        }
        output[(oy * g.out_w + ox) * g.out_c + oc] = stage.apply(static_cast<float>(acc), oc);
      }
    }
  }
}

}  // namespace facenn::kernels::reference
