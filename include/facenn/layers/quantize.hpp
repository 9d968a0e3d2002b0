// Network boundaries: Quantize<Q> turns a float tensor into int8 with quantization Q; Dequantize turns
// an int8 tensor back into float (real = (q - zero_point) * scale).
#pragma once

#include <cstddef>

#include "../kernels/reference/elementwise.hpp"
#include "layer_checks.hpp"

namespace facenn {

template <class Q>
struct Quantize {
  static_assert(QuantType<Q>, "Quantize<Q>: Q must have static `scale` and `zero_point`");
  static constexpr const char* name = "Quantize";
  template <class In>
  struct bound {
    static_assert(std::is_same_v<typename In::element, Float>, "Quantize: the input must be a Float tensor");
    using output = TensorSpec<Int8, typename In::shape, Q>;
  };
  template <class In>
  using output_spec = typename bound<In>::output;
  template <class In>
  static constexpr std::size_t scratch_bytes = 0;
  template <class Backend, class In>
  static void run(const float* in, std::int8_t* out, std::byte*) noexcept {
    kernels::reference::quantize_s8(In::size, Q::scale, Q::zero_point, in, out);
  }
};

struct Dequantize {
  static constexpr const char* name = "Dequantize";
  template <class In>
  struct bound {
    static_assert(std::is_same_v<typename In::element, Int8>, "Dequantize: the input must be an Int8 tensor");
    using output = TensorSpec<Float, typename In::shape, NoQuant>;
  };
  template <class In>
  using output_spec = typename bound<In>::output;
  template <class In>
  static constexpr std::size_t scratch_bytes = 0;
  template <class Backend, class In>
  static void run(const std::int8_t* in, float* out, std::byte*) noexcept {
    kernels::reference::dequantize_s8(In::size, In::quant::scale, In::quant::zero_point, in, out);
  }
};

}  // namespace facenn
