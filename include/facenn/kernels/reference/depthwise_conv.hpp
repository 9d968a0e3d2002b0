// Reference depthwise 2-D convolution (depth multiplier 1), NHWC, filter [1][KH][KW][C].
// Same arithmetic as conv.hpp, one input channel per output channel.
#pragma once

#include <cstddef>
#include <cstdint>

#include "../../core/requant.hpp"
#include "../params.hpp"

namespace facenn::kernels::reference {

inline void depthwise_conv2d_s8(const ConvGeometry& g, const std::int8_t* input,
                                std::int32_t input_zero_point, const std::int8_t* filter,
                                const std::int32_t* bias, const Int8OutputStage& stage,
                                std::int8_t* output) noexcept {
  const int c_count = g.out_c;
  for (int oy = 0; oy < g.out_h; ++oy) {
    for (int ox = 0; ox < g.out_w; ++ox) {
      const int y0 = oy * g.stride_h - g.pad_top;
      const int x0 = ox * g.stride_w - g.pad_left;
      for (int c = 0; c < c_count; ++c) {
        std::int32_t acc = bias != nullptr ? bias[c] : 0;
        for (int ky = 0; ky < g.kernel_h; ++ky) {
          const int iy = y0 + ky;
          if (iy < 0 || iy >= g.in_h) continue;
          for (int kx = 0; kx < g.kernel_w; ++kx) {
            const int ix = x0 + kx;
            if (ix < 0 || ix >= g.in_w) continue;
            const std::int32_t x = input[(iy * g.in_w + ix) * g.in_c + c];
            const std::int32_t w = filter[(ky * g.kernel_w + kx) * c_count + c];
            acc += w * (x - input_zero_point);
          }
        }
        output[(oy * g.out_w + ox) * c_count + c] = stage.apply(acc, c);
      }
    }
  }
}

template <class FilterArray>
void depthwise_conv2d_f32(const ConvGeometry& g, const float* input, const FilterArray& filter,
                          const float* bias, const FloatOutputStage& stage, float* output) noexcept {
  const int c_count = g.out_c;
  for (int oy = 0; oy < g.out_h; ++oy) {
    for (int ox = 0; ox < g.out_w; ++ox) {
      const int y0 = oy * g.stride_h - g.pad_top;
      const int x0 = ox * g.stride_w - g.pad_left;
      for (int c = 0; c < c_count; ++c) {
        double acc = bias != nullptr ? double{bias[c]} : 0.0;
        for (int ky = 0; ky < g.kernel_h; ++ky) {
          const int iy = y0 + ky;
          if (iy < 0 || iy >= g.in_h) continue;
          for (int kx = 0; kx < g.kernel_w; ++kx) {
            const int ix = x0 + kx;
            if (ix < 0 || ix >= g.in_w) continue;
            const auto wi = static_cast<std::size_t>((ky * g.kernel_w + kx) * c_count + c);
            acc += double{filter[wi]} * double{input[(iy * g.in_w + ix) * g.in_c + c]};
          }
        }
        output[(oy * g.out_w + ox) * c_count + c] = stage.apply(static_cast<float>(acc), c);
      }
    }
  }
}

}  // namespace facenn::kernels::reference
