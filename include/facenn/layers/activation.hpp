// Standalone activations: PRelu<T, W> (per-channel slopes), Relu<T>, Relu6<T>.
// The converters fuse activations into the producing Conv/DepthwiseConv/Add whenever they can; these
// layers serve graphs where the activation has several producers or consumers.
#pragma once

#include <cstddef>
#include <cstdint>

#include "../core/fixed_point.hpp"
#include "../kernels/params.hpp"
#include "../kernels/reference/elementwise.hpp"
#include "layer_checks.hpp"

namespace facenn {

template <class T, class W>
struct PRelu {
  static_assert(NetworkElement<T>, "PRelu<T, W>: T must be Int8 or Float");
  static constexpr const char* name = "PRelu";
  using weights = W;

  template <class In>
  struct bound {
    static_assert(layers_detail::element_matches<T, In>,
                  "PRelu: the input tensor's element type differs from the layer's element type T");
    static_assert(In::shape::c == W::channels, "PRelu: the input tensor's channel count differs from the weights' channels");
    static_assert(layers_detail::quant_matches<T, In, typename W::input_quant>(),
                  "PRelu: the input tensor's quantization differs from the one the weights were converted for");
    using output = TensorSpec<T, typename In::shape, typename W::output_quant>;
  };
  template <class In>
  using output_spec = typename bound<In>::output;
  template <class In>
  static constexpr std::size_t scratch_bytes = 0;

  template <class Backend, class In>
  static void run(const typename In::value_type* in, typename output_spec<In>::value_type* out,
                  std::byte*) noexcept {
    if constexpr (std::is_same_v<T, Int8>) {
      static constexpr kernels::PReluParams p{W::input_quant::zero_point, W::pos_multiplier, W::pos_shift,
                                              W::neg_multiplier, W::neg_shift, W::output_quant::zero_point};
      Backend::prelu_s8(In::size, W::channels, in, p, out);
    } else {
      Backend::prelu_f32(In::size, W::channels, in, W::alpha_float, out);
    }
  }
};

namespace layers_detail {
// Clamp activation with bounds expressed in real values (hi < 0: unbounded above).
template <class T, int HiReal>
struct ClampActivation {
  static_assert(NetworkElement<T>, "Relu<T> / Relu6<T>: T must be Int8 or Float");

  template <class In>
  using output_spec = In;
  template <class In>
  static constexpr std::size_t scratch_bytes = 0;

  template <class Backend, class In>
  static void run(const typename In::value_type* in, typename In::value_type* out, std::byte*) noexcept {
    static_assert(element_matches<T, In>, "Relu/Relu6: the input tensor's element type differs from T");
    if constexpr (std::is_same_v<T, Int8>) {
      constexpr std::int32_t zp = In::quant::zero_point;
      constexpr std::int32_t lo = zp > -128 ? zp : -128;
      constexpr std::int64_t hi_q =
          HiReal < 0 ? 127 : zp + fixed_point::round_half_away(static_cast<double>(HiReal) / In::quant::scale);
      constexpr std::int32_t hi = hi_q < 127 ? static_cast<std::int32_t>(hi_q) : 127;
      kernels::reference::clamp<std::int8_t>(In::size, static_cast<std::int8_t>(lo), static_cast<std::int8_t>(hi),
                                             in, out);
    } else {
      constexpr float hi = HiReal < 0 ? 3.4e38f : static_cast<float>(HiReal);
      kernels::reference::clamp<float>(In::size, 0.0f, hi, in, out);
    }
  }
};
}  // namespace layers_detail

template <class T>
struct Relu : layers_detail::ClampActivation<T, -1> {
  static constexpr const char* name = "Relu";
};

template <class T>
struct Relu6 : layers_detail::ClampActivation<T, 6> {
  static constexpr const char* name = "Relu6";
};

}  // namespace facenn
