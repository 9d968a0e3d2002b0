// Padding layers. PadSpatial adds rows/columns; PadChannels appends channels (the residual shortcut of
// a block that widens its channels). The fill is the real value 0: the zero point for int8.
#pragma once

#include <cstddef>

#include "layer_checks.hpp"

namespace facenn {

template <class T, int Top, int Bottom, int Left, int Right>
struct PadSpatial {
  static_assert(NetworkElement<T>, "PadSpatial<T, ...>: T must be Int8 or Float");
  static_assert(Top >= 0 && Bottom >= 0 && Left >= 0 && Right >= 0, "PadSpatial: paddings must be >= 0");
  static constexpr const char* name = "PadSpatial";
  template <class In>
  struct bound {
    static_assert(layers_detail::element_matches<T, In>,
                  "PadSpatial: the input tensor's element type differs from the layer's element type T");
    using output = TensorSpec<T, Shape<In::shape::h + Top + Bottom, In::shape::w + Left + Right, In::shape::c>,
                              typename In::quant>;
  };
  template <class In>
  using output_spec = typename bound<In>::output;
  template <class In>
  static constexpr std::size_t scratch_bytes = 0;
  template <class Backend, class In>
  static void run(const typename In::value_type* in, typename output_spec<In>::value_type* out,
                  std::byte*) noexcept {
    using V = typename In::value_type;
    using O = typename output_spec<In>::shape;
    Backend::template pad<V>(In::shape::h, In::shape::w, In::shape::c, Top, Left, O::h, O::w, O::c,
                             static_cast<V>(In::quant::zero_point * (std::is_same_v<T, Int8> ? 1 : 0)), in, out);
  }
};

template <class T, int ExtraChannels>
struct PadChannels {
  static_assert(NetworkElement<T>, "PadChannels<T, N>: T must be Int8 or Float");
  static_assert(ExtraChannels >= 0, "PadChannels: the channel padding must be >= 0");
  static constexpr const char* name = "PadChannels";
  template <class In>
  struct bound {
    static_assert(layers_detail::element_matches<T, In>,
                  "PadChannels: the input tensor's element type differs from the layer's element type T");
    using output = TensorSpec<T, Shape<In::shape::h, In::shape::w, In::shape::c + ExtraChannels>, typename In::quant>;
  };
  template <class In>
  using output_spec = typename bound<In>::output;
  template <class In>
  static constexpr std::size_t scratch_bytes = 0;
  template <class Backend, class In>
  static void run(const typename In::value_type* in, typename output_spec<In>::value_type* out,
                  std::byte*) noexcept {
    using V = typename In::value_type;
    Backend::template pad<V>(In::shape::h, In::shape::w, In::shape::c, 0, 0, In::shape::h, In::shape::w,
                             In::shape::c + ExtraChannels,
                             static_cast<V>(In::quant::zero_point * (std::is_same_v<T, Int8> ? 1 : 0)), in, out);
  }
};

}  // namespace facenn
