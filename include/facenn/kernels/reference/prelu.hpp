// Reference standalone PReLU (per-channel slopes), for graphs where it cannot be fused into the
// producing conv/add. int8: x' = x - zp_in; out = clamp(MBQM(x', m+ or m-[c]) + zp_out).
#pragma once

#include <cstddef>
#include <cstdint>

#include "../../core/fixed_point.hpp"
#include "../params.hpp"

namespace facenn::kernels::reference {

inline void prelu_s8(std::size_t n, int channels, const std::int8_t* input, const PReluParams& p,
                     std::int8_t* output) noexcept {
  using fixed_point::multiply_by_quantized_multiplier;
  int c = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t x = std::int32_t{input[i]} - p.input_zero_point;
    const std::int32_t v = x >= 0 ? multiply_by_quantized_multiplier(x, p.pos_multiplier, p.pos_shift)
                                  : multiply_by_quantized_multiplier(x, p.neg_multiplier[c], p.neg_shift[c]);
    const std::int32_t out = v + p.output_zero_point;
    output[i] = static_cast<std::int8_t>(out < -128 ? -128 : (out > 127 ? 127 : out));
    if (++c == channels) c = 0;
  }
}

inline void prelu_f32(std::size_t n, int channels, const float* input, const float* alpha,
                      float* output) noexcept {
  int c = 0;
  for (std::size_t i = 0; i < n; ++i) {
    output[i] = input[i] >= 0.0f ? input[i] : input[i] * alpha[c];
    if (++c == channels) c = 0;
  }
}

}  // namespace facenn::kernels::reference
