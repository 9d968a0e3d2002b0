// Reshape<T, Shape<h, w, c>>: same elements, new shape (NHWC order is kept, so it is a copy).
#pragma once

#include <cstddef>
#include <cstring>

#include "layer_checks.hpp"

namespace facenn {

template <class T, class NewShape>
struct Reshape {
  static_assert(NetworkElement<T>, "Reshape<T, Shape>: T must be Int8 or Float");
  static_assert(ShapeType<NewShape>, "Reshape<T, Shape>: the second argument must be a Shape<h, w, c>");
  static constexpr const char* name = "Reshape";
  template <class In>
  struct bound {
    static_assert(layers_detail::element_matches<T, In>,
                  "Reshape: the input tensor's element type differs from the layer's element type T");
    static_assert(In::shape::size == NewShape::size, "Reshape: the new shape has a different element count");
    using output = TensorSpec<T, NewShape, typename In::quant>;
  };
  template <class In>
  using output_spec = typename bound<In>::output;
  template <class In>
  static constexpr std::size_t scratch_bytes = 0;
  template <class Backend, class In>
  static void run(const typename In::value_type* in, typename output_spec<In>::value_type* out,
                  std::byte*) noexcept {
    std::memcpy(out, in, In::bytes);
  }
};

}  // namespace facenn
