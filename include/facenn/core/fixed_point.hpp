// Integer fixed-point primitives of the int8 arithmetic: facenn's numeric specification.
//
// These follow the TensorFlow Lite quantization spec in its "classic" double-rounding form:
// SaturatingRoundingDoublingHighMul (round to nearest; its nudge + truncating division sends ties of
// negative products toward zero, exactly as TFLite and gemmlowp do) followed by RoundingDivideByPOT
// (round to nearest, ties away from zero). One deliberate difference: a positive shift is applied with saturation instead of silent
// int32 overflow. docs/internal/contract.md restates the formulas; the converters' numpy emulation
// (models/common/int8_ops.py) implements the same functions and is tested against these.
//
// Sign convention (the one trap in TFLite, where ConvParams flips it): `shift` > 0 multiplies by
// 2^shift, `shift` < 0 divides by 2^-shift. Real multiplier = multiplier * 2^(shift - 31).
#pragma once

#include <cstdint>
#include <limits>

namespace facenn::fixed_point {

inline constexpr std::int32_t kInt32Min = std::numeric_limits<std::int32_t>::min();
inline constexpr std::int32_t kInt32Max = std::numeric_limits<std::int32_t>::max();

// a * b / 2^31 rounded to nearest (ties: positive up, negative toward zero), saturating the single
// overflow case INT32_MIN * INT32_MIN.
constexpr std::int32_t saturating_rounding_doubling_high_mul(std::int32_t a, std::int32_t b) noexcept {
  if (a == kInt32Min && b == kInt32Min) return kInt32Max;
  const std::int64_t ab = std::int64_t{a} * std::int64_t{b};
  const std::int64_t nudge = ab >= 0 ? (std::int64_t{1} << 30) : (1 - (std::int64_t{1} << 30));
  return static_cast<std::int32_t>((ab + nudge) / (std::int64_t{1} << 31));
}

// round(x / 2^exponent), rounding half away from zero; 0 <= exponent <= 31.
constexpr std::int32_t rounding_divide_by_pot(std::int32_t x, int exponent) noexcept {
  const auto mask = static_cast<std::int32_t>((std::int64_t{1} << exponent) - 1);
  const std::int32_t remainder = x & mask;
  const std::int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

constexpr std::int32_t saturate_to_int32(std::int64_t x) noexcept {
  return x > kInt32Max ? kInt32Max : (x < kInt32Min ? kInt32Min : static_cast<std::int32_t>(x));
}

// x * multiplier * 2^(shift - 31), with shift in [-31, 30].
constexpr std::int32_t multiply_by_quantized_multiplier(std::int32_t x, std::int32_t multiplier,
                                                        int shift) noexcept {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  const std::int32_t shifted = saturate_to_int32(std::int64_t{x} * (std::int64_t{1} << left));
  return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(shifted, multiplier), right);
}

struct QuantizedMultiplier {
  std::int32_t multiplier = 0;
  std::int32_t shift = 0;
  friend constexpr bool operator==(QuantizedMultiplier, QuantizedMultiplier) = default;
};

// round half away from zero, for doubles within the int64 range.
constexpr std::int64_t round_half_away(double x) noexcept {
  return x >= 0 ? static_cast<std::int64_t>(x + 0.5) : -static_cast<std::int64_t>(-x + 0.5);
}

// Represent a real multiplier as (Q0.31 multiplier, shift) such that
// real ~= multiplier * 2^(shift - 31), |multiplier| in [2^30, 2^31). constexpr (std::frexp is not).
constexpr QuantizedMultiplier quantize_multiplier(double real) noexcept {
  if (real == 0.0 || real != real) return {};
  const bool negative = real < 0;
  double q = negative ? -real : real;
  int exponent = 0;
  while (q >= 1.0) {
    q *= 0.5;
    ++exponent;
  }
  while (q < 0.5) {
    q *= 2.0;
    --exponent;
  }
  std::int64_t m = round_half_away(q * 2147483648.0);  // q * 2^31
  if (m == (std::int64_t{1} << 31)) {
    m /= 2;
    ++exponent;
  }
  if (exponent < -31) return {};
  if (exponent > 30) return {negative ? -kInt32Max : kInt32Max, 30};
  const auto mm = static_cast<std::int32_t>(m);
  return {negative ? -mm : mm, exponent};
}

// The real value a quantized multiplier stands for (for tests and diagnostics).
constexpr double dequantize_multiplier(QuantizedMultiplier qm) noexcept {
  double v = static_cast<double>(qm.multiplier) / 2147483648.0;
  for (int i = 0; i < qm.shift; ++i) v *= 2.0;
  for (int i = 0; i > qm.shift; --i) v *= 0.5;
  return v;
}

}  // namespace facenn::fixed_point
