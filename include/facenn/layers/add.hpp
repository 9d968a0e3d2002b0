// Add<T, W>: element-wise sum of two tensors of the same shape (the merge of a Residual block), with
// both inputs rescaled to a common scale (contract.md "Add") and a fused activation (Relu / PRelu).
#pragma once

#include <cstddef>
#include <cstdint>

#include "../core/requant.hpp"
#include "../kernels/params.hpp"
#include "layer_checks.hpp"

namespace facenn {

template <class T, class W>
struct Add {
  static_assert(NetworkElement<T>, "Add<T, W>: T must be Int8 or Float");
  static constexpr const char* name = "Add";
  using weights = W;

  template <class A, class B>
  struct bound {
    static_assert(layers_detail::element_matches<T, A> && layers_detail::element_matches<T, B>,
                  "Add: an input tensor's element type differs from the layer's element type T");
    static_assert(std::is_same_v<typename A::shape, typename B::shape>, "Add: the two inputs differ in shape");
    static_assert(A::shape::c == W::channels, "Add: the inputs' channel count differs from the weights' channels");
    static_assert(layers_detail::quant_matches<T, A, typename W::input1_quant>(),
                  "Add: the main path's quantization differs from the converted graph's input1_quant");
    static_assert(layers_detail::quant_matches<T, B, typename W::input2_quant>(),
                  "Add: the shortcut's quantization differs from the converted graph's input2_quant");
    using output = TensorSpec<T, typename A::shape, typename W::output_quant>;
  };

  template <class A, class B>
  using output_spec = typename bound<A, B>::output;
  template <class A, class B>
  static constexpr std::size_t scratch_bytes = 0;

  template <class Backend, class A, class B>
  static void run(const typename A::value_type* a, const typename B::value_type* b,
                  typename output_spec<A, B>::value_type* out, std::byte*) noexcept {
    if constexpr (std::is_same_v<T, Int8>) {
      static constexpr kernels::AddParams p{W::input1_quant::zero_point, W::input2_quant::zero_point,
                                            W::input1_multiplier,        W::input1_shift,
                                            W::input2_multiplier,        W::input2_shift,
                                            W::left_shift};
      static constexpr Int8OutputStage stage = [] {
        Int8OutputStage s{};
        s.multiplier = &W::output_multiplier;
        s.shift = &W::output_shift;
        s.per_channel = false;
        if constexpr (W::activation == Activation::PRelu) {
          s.neg_multiplier = W::neg_multiplier;
          s.neg_shift = W::neg_shift;
        }
        s.output_zero_point = W::output_quant::zero_point;
        s.act_min = W::act_min;
        s.act_max = W::act_max;
        return s;
      }();
      Backend::add_s8(A::size, W::channels, a, b, p, stage, out);
    } else {
      static constexpr FloatOutputStage stage = float_output_stage<W>();
      Backend::add_f32(A::size, W::channels, a, b, stage, out);
    }
  }
};

}  // namespace facenn
