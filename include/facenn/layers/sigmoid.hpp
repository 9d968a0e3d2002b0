// Sigmoid<T, W>: int8 through W::table (256 entries computed by the converter for the exact input and
// output quantization, indexed by x + 128); float through 1 / (1 + exp(-x)).
#pragma once

#include <cstddef>

#include "layer_checks.hpp"

namespace facenn {

template <class T, class W>
struct Sigmoid {
  static_assert(NetworkElement<T>, "Sigmoid<T, W>: T must be Int8 or Float");
  static constexpr const char* name = "Sigmoid";
  template <class In>
  struct bound {
    static_assert(layers_detail::element_matches<T, In>,
                  "Sigmoid: the input tensor's element type differs from the layer's element type T");
    static_assert(layers_detail::quant_matches<T, In, typename W::input_quant>(),
                  "Sigmoid: the input tensor's quantization differs from the one its table was built for");
    using output = TensorSpec<T, typename In::shape, typename W::output_quant>;
  };
  template <class In>
  using output_spec = typename bound<In>::output;
  template <class In>
  static constexpr std::size_t scratch_bytes = 0;
  template <class Backend, class In>
  static void run(const typename In::value_type* in, typename output_spec<In>::value_type* out,
                  std::byte*) noexcept {
    if constexpr (std::is_same_v<T, Int8>) Backend::lut_s8(In::size, W::table, in, out);
    else Backend::sigmoid_f32(In::size, in, out);
  }
};

}  // namespace facenn
