// The fixed-point primitives against hand-computed values and against exact rational arithmetic.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <random>

#include <facenn/core/fixed_point.hpp>

using namespace facenn::fixed_point;

// Compile-time checks: the arithmetic is constexpr, so converters' constants can be verified statically.
static_assert(saturating_rounding_doubling_high_mul(1 << 30, 1 << 30) == 1 << 29);
static_assert(rounding_divide_by_pot(3, 1) == 2);
static_assert(quantize_multiplier(0.5) == QuantizedMultiplier{1 << 30, 0});

TEST_CASE("saturating_rounding_doubling_high_mul: hand-computed cases") {
  CHECK(saturating_rounding_doubling_high_mul(1 << 30, 1 << 30) == (1 << 29));
  CHECK(saturating_rounding_doubling_high_mul(kInt32Min, kInt32Min) == kInt32Max);  // the one overflow
  CHECK(saturating_rounding_doubling_high_mul(kInt32Min, kInt32Max) == -kInt32Max);
  CHECK(saturating_rounding_doubling_high_mul(3, 1 << 30) == 2);    // 1.5 -> 2
  CHECK(saturating_rounding_doubling_high_mul(-3, 1 << 30) == -1);  // -1.5 -> -1 (TFLite's tie rule)
  CHECK(saturating_rounding_doubling_high_mul(5, 1 << 30) == 3);    // 2.5 -> 3
  CHECK(saturating_rounding_doubling_high_mul(-5, 1 << 30) == -2);  // -2.5 -> -2
  CHECK(saturating_rounding_doubling_high_mul(0, kInt32Max) == 0);
  CHECK(saturating_rounding_doubling_high_mul(kInt32Max, kInt32Max) == 2147483646);
}

TEST_CASE("rounding_divide_by_pot: ties away from zero, exponents 0..31") {
  CHECK(rounding_divide_by_pot(3, 1) == 2);
  CHECK(rounding_divide_by_pot(-3, 1) == -2);
  CHECK(rounding_divide_by_pot(5, 2) == 1);
  CHECK(rounding_divide_by_pot(6, 2) == 2);
  CHECK(rounding_divide_by_pot(-6, 2) == -2);
  CHECK(rounding_divide_by_pot(-5, 2) == -1);
  CHECK(rounding_divide_by_pot(-7, 2) == -2);
  CHECK(rounding_divide_by_pot(12345, 0) == 12345);
  CHECK(rounding_divide_by_pot(kInt32Max, 31) == 1);
  CHECK(rounding_divide_by_pot(kInt32Min, 31) == -1);
  CHECK(rounding_divide_by_pot(1 << 30, 31) == 1);       // 0.5 -> 1
  CHECK(rounding_divide_by_pot(-(1 << 30), 31) == -1);   // -0.5 -> -1
  CHECK(rounding_divide_by_pot((1 << 30) - 1, 31) == 0);
  // exhaustive-ish against exact rounding for small values
  for (int e = 0; e <= 8; ++e) {
    for (int x = -1000; x <= 1000; ++x) {
      const double q = x / std::ldexp(1.0, e);
      const double expected = q >= 0 ? std::floor(q + 0.5) : -std::floor(-q + 0.5);
      REQUIRE(rounding_divide_by_pot(x, e) == static_cast<std::int32_t>(expected));
    }
  }
}

TEST_CASE("quantize_multiplier: representation, extremes, negative and near-one values") {
  CHECK(quantize_multiplier(0.0) == QuantizedMultiplier{0, 0});
  CHECK(quantize_multiplier(0.5) == QuantizedMultiplier{1 << 30, 0});
  CHECK(quantize_multiplier(1.0) == QuantizedMultiplier{1 << 30, 1});
  CHECK(quantize_multiplier(0.75) == QuantizedMultiplier{3 << 29, 0});
  CHECK(quantize_multiplier(-0.5) == QuantizedMultiplier{-(1 << 30), 0});
  CHECK(quantize_multiplier(std::ldexp(1.0, -31)) == QuantizedMultiplier{1 << 30, -30});
  CHECK(quantize_multiplier(std::ldexp(1.0, -32)) == QuantizedMultiplier{1 << 30, -31});
  CHECK(quantize_multiplier(std::ldexp(1.0, -33)) == QuantizedMultiplier{0, 0});  // below range: zero
  // just below one: the mantissa rounds up to 2^31 and is renormalized
  CHECK(quantize_multiplier(1.0 - std::ldexp(1.0, -40)) == QuantizedMultiplier{1 << 30, 1});
  // multiplier near 2^31 (largest mantissa that stays below it)
  const auto near = quantize_multiplier(1.0 - std::ldexp(1.0, -31));
  CHECK(near.multiplier == kInt32Max);
  CHECK(near.shift == 0);
  CHECK(quantize_multiplier(1e12).shift == 30);  // saturated
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> mant(0.5, 1.0);
  std::uniform_int_distribution<int> ex(-30, 20);
  for (int i = 0; i < 2000; ++i) {
    const double real = std::ldexp(mant(rng), ex(rng));
    const auto qm = quantize_multiplier(real);
    CHECK(std::abs(dequantize_multiplier(qm) - real) <= real * std::ldexp(1.0, -30));
  }
}

TEST_CASE("multiply_by_quantized_multiplier: hand cases, both shift signs, saturation") {
  CHECK(multiply_by_quantized_multiplier(100, 1 << 30, 0) == 50);
  CHECK(multiply_by_quantized_multiplier(100, 1 << 30, 1) == 100);
  CHECK(multiply_by_quantized_multiplier(100, 1 << 30, -1) == 25);
  CHECK(multiply_by_quantized_multiplier(-100, 1 << 30, -3) == -6);  // -6.25 -> -6
  CHECK(multiply_by_quantized_multiplier(-101, 1 << 30, -1) == -25);  // -25.25
  CHECK(multiply_by_quantized_multiplier(kInt32Max, kInt32Max, 30) == 2147483646);  // left shift saturates
  CHECK(multiply_by_quantized_multiplier(kInt32Min, kInt32Max, 30) == -kInt32Max);
  CHECK(multiply_by_quantized_multiplier(1 << 20, 1 << 30, -31) == 0);   // 2^19 / 2^31 -> 0
  CHECK(multiply_by_quantized_multiplier(3 << 29, 1 << 30, -30) == 1);   // 0.75 -> 1
}

TEST_CASE("multiply_by_quantized_multiplier approximates the real product within one unit") {
  std::mt19937 rng(42);
  std::uniform_int_distribution<std::int32_t> acc(-(1 << 22), 1 << 22);
  std::uniform_real_distribution<double> mant(0.5, 1.0);
  std::uniform_int_distribution<int> ex(-24, 2);
  for (int i = 0; i < 20000; ++i) {
    const double real = std::ldexp(mant(rng), ex(rng)) * (i % 3 == 0 ? -1.0 : 1.0);
    const auto qm = quantize_multiplier(real);
    const std::int32_t x = acc(rng);
    const double exact = x * dequantize_multiplier(qm);
    const std::int32_t got = multiply_by_quantized_multiplier(x, qm.multiplier, qm.shift);
    REQUIRE(std::abs(got - exact) <= 1.0);
  }
}
