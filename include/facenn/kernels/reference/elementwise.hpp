// Reference element-wise kernels: int8 lookup tables (sigmoid and any other int8 -> int8 function),
// float sigmoid, clamps, and quantize / dequantize at network boundaries.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../../core/fixed_point.hpp"

namespace facenn::kernels::reference {

// out = table[x + 128]
inline void lut_s8(std::size_t n, const std::int8_t* table, const std::int8_t* input, std::int8_t* output) noexcept {
  for (std::size_t i = 0; i < n; ++i) output[i] = table[static_cast<int>(input[i]) + 128];
}

inline void sigmoid_f32(std::size_t n, const float* input, float* output) noexcept {
  for (std::size_t i = 0; i < n; ++i) output[i] = 1.0f / (1.0f + std::exp(-input[i]));
}

template <class T>
void clamp(std::size_t n, T lo, T hi, const T* input, T* output) noexcept {
  for (std::size_t i = 0; i < n; ++i) output[i] = input[i] < lo ? lo : (input[i] > hi ? hi : input[i]);
}

// q = clamp(round_half_away(x / scale) + zero_point, -128, 127); NaN maps to the zero point.
inline void quantize_s8(std::size_t n, float scale, std::int32_t zero_point, const float* input,
                        std::int8_t* output) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(input[i]) / static_cast<double>(scale);
    std::int64_t q = zero_point;
    if (v == v) {
      const double clamped = v > 1e6 ? 1e6 : (v < -1e6 ? -1e6 : v);
      q = fixed_point::round_half_away(clamped) + zero_point;
    }
    output[i] = static_cast<std::int8_t>(q < -128 ? -128 : (q > 127 ? 127 : q));
  }
}

inline void dequantize_s8(std::size_t n, float scale, std::int32_t zero_point, const std::int8_t* input,
                          float* output) noexcept {
  for (std::size_t i = 0; i < n; ++i) output[i] = static_cast<float>(input[i] - zero_point) * scale;
}

}  // namespace facenn::kernels::reference
