// Reference residual add (contract.md "Add"), element count n over NHWC data with `channels`
// innermost (the output stage may be per channel for a fused PReLU).
//
// int8: a = MBQM((x1 - zp1) << left_shift, m1, s1); b = likewise; out = stage(a + b).
// |x - zp| <= 255 and left_shift <= 20, so the shifted value fits in int32; a and b are each below
// 2^30 for real multipliers <= 1/2 (the converter's twice-max rescale guarantees that).
#pragma once

#include <cstddef>
#include <cstdint>

#include "../../core/fixed_point.hpp"
#include "../../core/requant.hpp"
#include "../params.hpp"

namespace facenn::kernels::reference {

inline void add_s8(std::size_t n, int channels, const std::int8_t* input1, const std::int8_t* input2,
                   const AddParams& p, const Int8OutputStage& stage, std::int8_t* output) noexcept {
  using fixed_point::multiply_by_quantized_multiplier;
  int c = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t x1 = (std::int32_t{input1[i]} - p.input1_zero_point) * (std::int32_t{1} << p.left_shift);
    const std::int32_t x2 = (std::int32_t{input2[i]} - p.input2_zero_point) * (std::int32_t{1} << p.left_shift);
    const std::int32_t a = multiply_by_quantized_multiplier(x1, p.input1_multiplier, p.input1_shift);
    const std::int32_t b = multiply_by_quantized_multiplier(x2, p.input2_multiplier, p.input2_shift);
    output[i] = stage.apply(a + b, c);
    if (++c == channels) c = 0;
  }
}

inline void add_f32(std::size_t n, int channels, const float* input1, const float* input2,
                    const FloatOutputStage& stage, float* output) noexcept {
  int c = 0;
  for (std::size_t i = 0; i < n; ++i) {
    output[i] = stage.apply(input1[i] + input2[i], c);
    if (++c == channels) c = 0;
  }
}

}  // namespace facenn::kernels::reference
