// Shared compile-time checks of the layers. Each check is a named constant so the static_assert that
// uses it can say, in the layer's own words, what is wrong; the compiler's "in instantiation of"
// context then shows the layer type and the input TensorSpec (its Shape) next to the message.
#pragma once

#include <type_traits>

#include "../core/graph.hpp"
#include "../core/tensor.hpp"
#include "../core/types.hpp"
#include "../core/weights.hpp"

namespace facenn::layers_detail {

template <class T, class In>
inline constexpr bool element_matches = std::is_same_v<typename In::element, T>;

// Int8 layers must see the quantization they were converted for; the float reference ignores it.
template <class T, class In, class Q>
constexpr bool quant_matches() noexcept {
  if constexpr (std::is_same_v<T, Int8>) return detail::same_quant_params<typename In::quant, Q>();
  else return true;
}

}  // namespace facenn::layers_detail
