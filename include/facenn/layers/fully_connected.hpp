// FullyConnected<T, W>: dense layer over the flattened NHWC input; output Shape<1, 1, out_channels>.
#pragma once

#include <cstddef>
#include <cstdint>

#include "../core/requant.hpp"
#include "layer_checks.hpp"

namespace facenn {

template <class T, class W>
struct FullyConnected {
  static_assert(NetworkElement<T>, "FullyConnected<T, W>: T must be Int8 or Float");
  static constexpr const char* name = "FullyConnected";
  using weights = W;

  template <class In>
  struct bound {
    static_assert(layers_detail::element_matches<T, In>,
                  "FullyConnected: the input tensor's element type differs from the layer's element type T");
    static_assert(In::size == static_cast<std::size_t>(W::in_channels),
                  "FullyConnected: the flattened input size differs from the weights' in_channels");
    static_assert(layers_detail::quant_matches<T, In, typename W::input_quant>(),
                  "FullyConnected: the input tensor's quantization differs from the one the weights were "
                  "converted for");
    using output = TensorSpec<T, Shape<1, 1, W::out_channels>, typename W::output_quant>;
  };

  template <class In>
  using output_spec = typename bound<In>::output;
  template <class In>
  static constexpr std::size_t scratch_bytes = 0;

  template <class Backend, class In>
  static void run(const typename In::value_type* in, typename output_spec<In>::value_type* out,
                  std::byte*) noexcept {
    if constexpr (std::is_same_v<T, Int8>) {
      static constexpr Int8OutputStage stage = int8_output_stage_per_channel<W>();
      Backend::template fully_connected_s8<W>(W::in_channels, W::out_channels, in, W::input_quant::zero_point, W::filter,
                                  W::bias, stage, out);
    } else {
      static constexpr FloatOutputStage stage = float_output_stage<W>();
      Backend::fully_connected_f32(W::in_channels, W::out_channels, in, W::filter_float, W::bias_float, stage,
                                   out);
    }
  }
};

}  // namespace facenn
