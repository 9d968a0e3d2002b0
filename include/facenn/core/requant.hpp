// Output stages: how an int32 accumulator becomes an int8 activation (gemmlowp's idea: the
// requantization pipeline is its own small, testable piece, shared by every kernel).
//
//   Int8OutputStage::apply(acc, c) =
//     clamp( MBQM(acc, m, s) + output_zero_point, act_min, act_max )
//     where (m, s) = (neg_multiplier[c], neg_shift[c])  if PRelu and acc < 0,
//                    (multiplier[c'], shift[c'])         otherwise; c' = c if per channel, else 0.
//
// PRelu folds the slope into a second multiplier, so a fused conv+PReLU rounds once. Relu and Relu6
// are pure clamps (act_min = zero point, act_max = zero point + 6/scale), as in TFLite.
//
// FloatOutputStage is the same stage in the float reference: act(acc) with act in {none, relu,
// relu6, prelu(alpha[c])}.
#pragma once

#include <cstdint>

#include "fixed_point.hpp"
#include "weights.hpp"

namespace facenn {

struct Int8OutputStage {
  const std::int32_t* multiplier = nullptr;  // [channels] or [1]
  const std::int32_t* shift = nullptr;       // [channels] or [1]
  bool per_channel = true;
  const std::int32_t* neg_multiplier = nullptr;  // [channels]; null unless PRelu
  const std::int32_t* neg_shift = nullptr;
  std::int32_t output_zero_point = 0;
  std::int32_t act_min = -128;
  std::int32_t act_max = 127;

  constexpr std::int8_t apply(std::int32_t acc, int channel) const noexcept {
    std::int32_t v;
    if (neg_multiplier != nullptr && acc < 0) {
      v = fixed_point::multiply_by_quantized_multiplier(acc, neg_multiplier[channel], neg_shift[channel]);
    } else {
      const int i = per_channel ? channel : 0;
      v = fixed_point::multiply_by_quantized_multiplier(acc, multiplier[i], shift[i]);
    }
    // v + zero point cannot overflow: |v| is bounded by |acc| * multiplier scale and the clamp
    // happens in int64 to stay defined for any multiplier.
    const std::int64_t out = std::int64_t{v} + output_zero_point;
    return static_cast<std::int8_t>(out < act_min ? act_min : (out > act_max ? act_max : out));
  }
};

struct FloatOutputStage {
  Activation activation = Activation::None;
  const float* alpha = nullptr;  // [channels], PRelu only

  constexpr float apply(float v, int channel) const noexcept {
    switch (activation) {
      case Activation::None: return v;
      case Activation::Relu: return v > 0.0f ? v : 0.0f;
      case Activation::Relu6: return v > 0.0f ? (v < 6.0f ? v : 6.0f) : 0.0f;
      case Activation::PRelu: return v >= 0.0f ? v : v * alpha[channel];
    }
    return v;
  }
};

// Output stages built from a generated weights struct W (contract.md §3).
template <class W>
constexpr Int8OutputStage int8_output_stage_per_channel() noexcept {
  Int8OutputStage s{};
  s.multiplier = W::multiplier;
  s.shift = W::shift;
  s.per_channel = true;
  if constexpr (W::activation == Activation::PRelu) {
    s.neg_multiplier = W::neg_multiplier;
    s.neg_shift = W::neg_shift;
  }
  s.output_zero_point = W::output_quant::zero_point;
  s.act_min = W::act_min;
  s.act_max = W::act_max;
  return s;
}

template <class W>
constexpr FloatOutputStage float_output_stage() noexcept {
  FloatOutputStage s{};
  s.activation = W::activation;
  if constexpr (W::activation == Activation::PRelu) s.alpha = W::alpha_float;
  return s;
}

}  // namespace facenn
