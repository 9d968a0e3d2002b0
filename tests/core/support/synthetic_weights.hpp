// Synthetic, deterministic weights structs in the generated-header format (contract.md §3), built by
// constant evaluation from a seed. Tests use them to instantiate layers of any shape; the float
// reference weights are the exact dequantized int8 weights, so the Float instantiation of a test
// network is the real-valued version of its Int8 instantiation.
#pragma once

#include <array>
#include <cstdint>

#include <facenn/core.hpp>

namespace facenn::test {

constexpr std::uint32_t lcg(std::uint32_t& s) {
  s = s * 1664525u + 1013904223u;
  return s >> 8;
}
constexpr double csqrt(double x) {
  double r = x > 1 ? x : 1.0;
  for (int i = 0; i < 40; ++i) r = 0.5 * (r + x / r);
  return r;
}
// uniform int in [lo, hi]
constexpr int uniform(std::uint32_t& s, int lo, int hi) {
  return lo + static_cast<int>(lcg(s) % static_cast<std::uint32_t>(hi - lo + 1));
}

template <int ScaleMicro, int ZeroPoint>
struct Q {
  static constexpr float scale = static_cast<float>(ScaleMicro) * 1e-6f;
  static constexpr std::int32_t zero_point = ZeroPoint;
};

template <std::size_t N>
struct Int8Data {
  std::array<std::int8_t, N> v{};
};

// Conv / depthwise / FC weights. Kind: 0 conv (OHWI), 1 depthwise ([1][kh][kw][c]), 2 fully connected.
template <std::uint32_t Seed, int Kind, int KH, int KW, int CIN, int COUT, int SH, int SW, int PT, int PL, int PB,
          int PR, Activation Act, class InQ, class OutQ>
struct SyntheticConvWeights {
  static constexpr int kernel_h = KH, kernel_w = KW, in_channels = CIN, out_channels = COUT;
  static constexpr int stride_h = SH, stride_w = SW;
  static constexpr int pad_top = PT, pad_left = PL, pad_bottom = PB, pad_right = PR;
  static constexpr Activation activation = Act;
  using input_quant = InQ;
  using output_quant = OutQ;
  static constexpr int taps = Kind == 1 ? KH * KW : KH * KW * CIN;
  static constexpr std::size_t filter_size = static_cast<std::size_t>(Kind == 1 ? KH * KW * COUT : KH * KW * CIN * COUT);

  static constexpr auto filter_data = [] {
    Int8Data<filter_size> d{};
    std::uint32_t s = Seed;
    for (auto& x : d.v) x = static_cast<std::int8_t>(uniform(s, -127, 127));
    return d;
  }();
  static constexpr const std::int8_t* filter = filter_data.v.data();

  // per-channel weight scales chosen so the real output stays within a few output LSB ranges
  static constexpr std::array<double, COUT> w_scale = [] {
    std::array<double, COUT> a{};
    std::uint32_t s = Seed ^ 0x9e3779b9u;
    for (auto& x : a) {
      const double target_out_range = 25.0 * OutQ::scale;  // ~25 output LSB of signal
      const double per_tap = target_out_range / (127.0 * 64.0 * InQ::scale);
      x = per_tap * (0.5 + uniform(s, 0, 1000) / 1000.0) / csqrt(double(taps));
    }
    return a;
  }();

  static constexpr std::array<std::int32_t, COUT> bias = [] {
    std::array<std::int32_t, COUT> a{};
    std::uint32_t s = Seed ^ 0x1234567u;
    for (auto& x : a) x = uniform(s, -300, 300);
    return a;
  }();
  static constexpr std::array<float, COUT> alpha_float = [] {
    std::array<float, COUT> a{};
    std::uint32_t s = Seed ^ 0x55aa55aau;
    for (auto& x : a) x = static_cast<float>(uniform(s, -300, 900)) / 1000.0f;  // includes negative slopes
    return a;
  }();
  static constexpr auto make_mult(bool negative) {
    std::array<fixed_point::QuantizedMultiplier, COUT> a{};
    for (int c = 0; c < COUT; ++c) {
      double real = InQ::scale * w_scale[static_cast<std::size_t>(c)] / OutQ::scale;
      if (negative) real *= alpha_float[static_cast<std::size_t>(c)];
      a[static_cast<std::size_t>(c)] = fixed_point::quantize_multiplier(real);
    }
    return a;
  }
  static constexpr auto qm = make_mult(false);
  static constexpr auto qm_neg = make_mult(true);
  static constexpr auto split_m(const std::array<fixed_point::QuantizedMultiplier, COUT>& a) {
    std::array<std::int32_t, COUT> r{};
    for (std::size_t i = 0; i < r.size(); ++i) r[i] = a[i].multiplier;
    return r;
  }
  static constexpr auto split_s(const std::array<fixed_point::QuantizedMultiplier, COUT>& a) {
    std::array<std::int32_t, COUT> r{};
    for (std::size_t i = 0; i < r.size(); ++i) r[i] = a[i].shift;
    return r;
  }
  static constexpr auto multiplier_arr = split_m(qm);
  static constexpr auto shift_arr = split_s(qm);
  static constexpr auto neg_multiplier_arr = split_m(qm_neg);
  static constexpr auto neg_shift_arr = split_s(qm_neg);
  static constexpr const std::int32_t* multiplier = multiplier_arr.data();
  static constexpr const std::int32_t* shift = shift_arr.data();
  static constexpr const std::int32_t* neg_multiplier = neg_multiplier_arr.data();
  static constexpr const std::int32_t* neg_shift = neg_shift_arr.data();
  static constexpr std::int32_t act_min =
      Act == Activation::Relu || Act == Activation::Relu6 ? (OutQ::zero_point > -128 ? OutQ::zero_point : -128) : -128;
  static constexpr std::int32_t act_max = [] {
    if constexpr (Act == Activation::Relu6) {
      const auto hi = OutQ::zero_point + fixed_point::round_half_away(6.0 / OutQ::scale);
      return hi < 127 ? static_cast<std::int32_t>(hi) : 127;
    } else {
      return 127;
    }
  }();

  // float reference: the dequantized weights and bias
  static constexpr auto filter_float_arr = [] {
    std::array<float, filter_size> f{};
    for (std::size_t i = 0; i < filter_size; ++i) {
      const std::size_t c = Kind == 1 ? i % COUT : i / static_cast<std::size_t>(taps);
      f[i] = static_cast<float>(filter_data.v[i] * w_scale[c]);
    }
    return f;
  }();
  static constexpr FloatPtrArray filter_float{filter_float_arr.data(), filter_size};
  static constexpr auto bias_float_arr = [] {
    std::array<float, COUT> f{};
    for (std::size_t c = 0; c < COUT; ++c) f[c] = static_cast<float>(static_cast<double>(bias[c]) * InQ::scale * w_scale[c]);
    return f;
  }();
  static constexpr const float* bias_float = bias_float_arr.data();
  static constexpr const std::int32_t* bias_ptr = bias.data();
};

// Adapter exposing `bias` as a pointer-like member (generated headers use arrays; both index the same).
template <class W>
struct AsWeights : W {
  static constexpr const std::int32_t* bias = W::bias.data();
  static constexpr const float* alpha_float = W::alpha_float.data();
};

template <std::uint32_t Seed, int KH, int KW, int CIN, int COUT, int SH, int SW, int PT, int PL, int PB, int PR,
          Activation Act, class InQ, class OutQ>
using ConvW = AsWeights<SyntheticConvWeights<Seed, 0, KH, KW, CIN, COUT, SH, SW, PT, PL, PB, PR, Act, InQ, OutQ>>;
template <std::uint32_t Seed, int KH, int KW, int C, int SH, int SW, int PT, int PL, int PB, int PR, Activation Act,
          class InQ, class OutQ>
using DepthwiseW = AsWeights<SyntheticConvWeights<Seed, 1, KH, KW, C, C, SH, SW, PT, PL, PB, PR, Act, InQ, OutQ>>;
template <std::uint32_t Seed, int IN, int OUT, Activation Act, class InQ, class OutQ>
using FullyConnectedW = AsWeights<SyntheticConvWeights<Seed, 2, 1, 1, IN, OUT, 1, 1, 0, 0, 0, 0, Act, InQ, OutQ>>;

// Residual add weights.
template <int C, Activation Act, class Q1, class Q2, class OutQ, int AlphaMilli = 250>
struct AddW {
  static constexpr int channels = C;
  static constexpr Activation activation = Act;
  using input1_quant = Q1;
  using input2_quant = Q2;
  using output_quant = OutQ;
  static constexpr int left_shift = 20;
  static constexpr double twice_max = 2.0 * (Q1::scale > Q2::scale ? Q1::scale : Q2::scale);
  static constexpr auto m1 = fixed_point::quantize_multiplier(Q1::scale / twice_max);
  static constexpr auto m2 = fixed_point::quantize_multiplier(Q2::scale / twice_max);
  static constexpr double out_real = twice_max / ((1 << left_shift) * static_cast<double>(OutQ::scale));
  static constexpr auto mo = fixed_point::quantize_multiplier(out_real);
  static constexpr std::int32_t input1_multiplier = m1.multiplier, input1_shift = m1.shift;
  static constexpr std::int32_t input2_multiplier = m2.multiplier, input2_shift = m2.shift;
  static constexpr std::int32_t output_multiplier = mo.multiplier, output_shift = mo.shift;
  static constexpr std::array<float, C> alpha_arr = [] {
    std::array<float, C> a{};
    for (int c = 0; c < C; ++c) a[static_cast<std::size_t>(c)] = static_cast<float>(AlphaMilli + 10 * c) / 1000.0f;
    return a;
  }();
  static constexpr auto qneg = [] {
    std::array<fixed_point::QuantizedMultiplier, C> a{};
    for (std::size_t c = 0; c < C; ++c) a[c] = fixed_point::quantize_multiplier(out_real * alpha_arr[c]);
    return a;
  }();
  static constexpr auto neg_m = [] {
    std::array<std::int32_t, C> a{};
    for (std::size_t c = 0; c < C; ++c) a[c] = qneg[c].multiplier;
    return a;
  }();
  static constexpr auto neg_s = [] {
    std::array<std::int32_t, C> a{};
    for (std::size_t c = 0; c < C; ++c) a[c] = qneg[c].shift;
    return a;
  }();
  static constexpr const std::int32_t* neg_multiplier = neg_m.data();
  static constexpr const std::int32_t* neg_shift = neg_s.data();
  static constexpr const float* alpha_float = alpha_arr.data();
  static constexpr std::int32_t act_min = Act == Activation::Relu ? (OutQ::zero_point > -128 ? OutQ::zero_point : -128) : -128;
  static constexpr std::int32_t act_max = 127;
};

}  // namespace facenn::test
