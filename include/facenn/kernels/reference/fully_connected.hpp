// Reference fully connected layer: out[o] = stage(bias[o] + sum_i w[o][i] * (x[i] - zp)).
// Weights [out][in]; the input is the flattened NHWC tensor.
#pragma once

#include <cstddef>
#include <cstdint>

#include "../../core/requant.hpp"

namespace facenn::kernels::reference {

inline void fully_connected_s8(int in_count, int out_count, const std::int8_t* input,
                               std::int32_t input_zero_point, const std::int8_t* weights,
                               const std::int32_t* bias, const Int8OutputStage& stage,
                               std::int8_t* output) noexcept {
  for (int o = 0; o < out_count; ++o) {
    std::int32_t acc = bias != nullptr ? bias[o] : 0;
    const std::int8_t* w = weights + static_cast<std::ptrdiff_t>(o) * in_count;
    for (int i = 0; i < in_count; ++i) acc += std::int32_t{w[i]} * (std::int32_t{input[i]} - input_zero_point);
    output[o] = stage.apply(acc, o);
  }
}

template <class WeightArray>
void fully_connected_f32(int in_count, int out_count, const float* input, const WeightArray& weights,
                         const float* bias, const FloatOutputStage& stage, float* output) noexcept {
  for (int o = 0; o < out_count; ++o) {
    double acc = bias != nullptr ? double{bias[o]} : 0.0;
    const auto base = static_cast<std::size_t>(o) * static_cast<std::size_t>(in_count);
    for (int i = 0; i < in_count; ++i) acc += double{weights[base + static_cast<std::size_t>(i)]} * double{input[i]};
    output[o] = stage.apply(static_cast<float>(acc), o);
  }
}

}  // namespace facenn::kernels::reference
