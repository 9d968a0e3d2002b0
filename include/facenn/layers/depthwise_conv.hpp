// DepthwiseConv<T, W, Stride<s>, Padding>: per-channel 2-D convolution (depth multiplier 1) with fused
// bias, requantization and activation. Filter layout [1][KH][KW][C] (TFLite).
#pragma once

#include <cstddef>
#include <cstdint>

#include "../core/requant.hpp"
#include "../kernels/params.hpp"
#include "layer_checks.hpp"

namespace facenn {

template <class T, class W, class S = Stride<1>, Padding P = Padding::Same>
struct DepthwiseConv {
  static_assert(NetworkElement<T>, "DepthwiseConv<T, ...>: T must be Int8 or Float");
  static constexpr const char* name = "DepthwiseConv";
  using weights = W;

  template <class In>
  struct bound {
    static_assert(layers_detail::element_matches<T, In>,
                  "DepthwiseConv: the input tensor's element type differs from the layer's element type T");
    static_assert(W::in_channels == W::out_channels,
                  "DepthwiseConv: only depth multiplier 1 is supported (in_channels must equal out_channels)");
    static_assert(In::shape::c == W::in_channels,
                  "DepthwiseConv: the input tensor's channel count differs from the weights' channels");
    static_assert(W::stride_h == S::h && W::stride_w == S::w,
                  "DepthwiseConv: the stride written in the model header differs from the converted graph's stride");
    static constexpr int out_h = output_size(In::shape::h, W::kernel_h, S::h, P);
    static constexpr int out_w = output_size(In::shape::w, W::kernel_w, S::w, P);
    static_assert(out_h > 0 && out_w > 0, "DepthwiseConv: the input is smaller than the kernel (Padding::Valid)");
    static_assert(W::pad_top == padding_before(In::shape::h, W::kernel_h, S::h, P) &&
                      W::pad_left == padding_before(In::shape::w, W::kernel_w, S::w, P) &&
                      W::pad_bottom == padding_after(In::shape::h, W::kernel_h, S::h, P) &&
                      W::pad_right == padding_after(In::shape::w, W::kernel_w, S::w, P),
                  "DepthwiseConv: the padding mode written in the model header differs from the converted "
                  "graph's padding");
    static_assert(layers_detail::quant_matches<T, In, typename W::input_quant>(),
                  "DepthwiseConv: the input tensor's quantization differs from the one the weights were "
                  "converted for");
    using output = TensorSpec<T, Shape<out_h, out_w, W::out_channels>, typename W::output_quant>;
    static constexpr kernels::ConvGeometry geometry{In::shape::h, In::shape::w, In::shape::c, out_h, out_w,
                                                    W::out_channels, W::kernel_h, W::kernel_w, S::h, S::w,
                                                    W::pad_top, W::pad_left};
  };

  template <class In>
  using output_spec = typename bound<In>::output;
  template <class In>
  static constexpr std::size_t scratch_bytes = 0;

  template <class Backend, class In>
  static void run(const typename In::value_type* in, typename output_spec<In>::value_type* out,
                  std::byte*) noexcept {
    constexpr const kernels::ConvGeometry& g = bound<In>::geometry;
    if constexpr (std::is_same_v<T, Int8>) {
      static constexpr Int8OutputStage stage = int8_output_stage_per_channel<W>();
      Backend::template depthwise_conv2d_s8<W>(g, in, W::input_quant::zero_point, W::filter, W::bias, stage, out);
    } else {
      static constexpr FloatOutputStage stage = float_output_stage<W>();
      Backend::depthwise_conv2d_f32(g, in, W::filter_float, W::bias_float, stage, out);
    }
  }
};

}  // namespace facenn
