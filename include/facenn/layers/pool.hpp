// Pooling layers: MaxPool, AvgPool (TFLite semantics: padding taps are ignored), GlobalAvgPool.
// Quantization passes through unchanged (max and mean of int8 values need no rescale).
#pragma once

#include <cstddef>

#include "../kernels/params.hpp"
#include "layer_checks.hpp"

namespace facenn {

namespace layers_detail {
template <class In, class Win, class S, Padding P>
struct pool_bound {
  static constexpr int out_h = output_size(In::shape::h, Win::h, S::h, P);
  static constexpr int out_w = output_size(In::shape::w, Win::w, S::w, P);
  static_assert(out_h > 0 && out_w > 0, "Pool: the input is smaller than the window (Padding::Valid)");
  using output = TensorSpec<typename In::element, Shape<out_h, out_w, In::shape::c>, typename In::quant>;
  static constexpr kernels::PoolGeometry geometry{In::shape::h, In::shape::w, In::shape::c, out_h, out_w,
                                                  Win::h, Win::w, S::h, S::w,
                                                  padding_before(In::shape::h, Win::h, S::h, P),
                                                  padding_before(In::shape::w, Win::w, S::w, P)};
};
}  // namespace layers_detail

template <class T, class Win = Window<2>, class S = Stride<2>, Padding P = Padding::Valid>
struct MaxPool {
  static_assert(NetworkElement<T>, "MaxPool<T, ...>: T must be Int8 or Float");
  static constexpr const char* name = "MaxPool";
  template <class In>
  struct bound : layers_detail::pool_bound<In, Win, S, P> {
    static_assert(layers_detail::element_matches<T, In>,
                  "MaxPool: the input tensor's element type differs from the layer's element type T");
  };
  template <class In>
  using output_spec = typename bound<In>::output;
  template <class In>
  static constexpr std::size_t scratch_bytes = 0;
  template <class Backend, class In>
  static void run(const typename In::value_type* in, typename output_spec<In>::value_type* out,
                  std::byte*) noexcept {
    Backend::max_pool(bound<In>::geometry, in, out);
  }
};

template <class T, class Win = Window<2>, class S = Stride<2>, Padding P = Padding::Valid>
struct AvgPool {
  static_assert(NetworkElement<T>, "AvgPool<T, ...>: T must be Int8 or Float");
  static constexpr const char* name = "AvgPool";
  template <class In>
  struct bound : layers_detail::pool_bound<In, Win, S, P> {
    static_assert(layers_detail::element_matches<T, In>,
                  "AvgPool: the input tensor's element type differs from the layer's element type T");
  };
  template <class In>
  using output_spec = typename bound<In>::output;
  template <class In>
  static constexpr std::size_t scratch_bytes = 0;
  template <class Backend, class In>
  static void run(const typename In::value_type* in, typename output_spec<In>::value_type* out,
                  std::byte*) noexcept {
    if constexpr (std::is_same_v<T, Int8>) Backend::avg_pool_s8(bound<In>::geometry, in, out);
    else Backend::avg_pool_f32(bound<In>::geometry, in, out);
  }
};

// Mean over height and width: output Shape<1, 1, C>.
template <class T>
struct GlobalAvgPool {
  static_assert(NetworkElement<T>, "GlobalAvgPool<T>: T must be Int8 or Float");
  static constexpr const char* name = "GlobalAvgPool";
  template <class In>
  using pool = AvgPool<T, Window<In::shape::h, In::shape::w>, Stride<1>, Padding::Valid>;
  template <class In>
  using output_spec = typename pool<In>::template output_spec<In>;
  template <class In>
  static constexpr std::size_t scratch_bytes = 0;
  template <class Backend, class In>
  static void run(const typename In::value_type* in, typename output_spec<In>::value_type* out,
                  std::byte* scratch) noexcept {
    pool<In>::template run<Backend, In>(in, out, scratch);
  }
};

}  // namespace facenn
