// Glue between images and networks: fill a network's input tensor from RGB8 pixels, and read any
// output tensor back as floats. Works for both instantiations of a network (Int8: quantize with the
// input spec's scale / zero point, dequantize outputs; Float: normalize / copy).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <tuple>
#include <type_traits>

#include <facenn/core/network.hpp>
#include <facenn/core/status.hpp>
#include <facenn/core/tensor.hpp>
#include <facenn/image/quantize.hpp>

namespace facenn::pipeline {

// RGB8 bytes (tightly packed, H * W * 3 of them) -> the input tensor of `Spec`.
template <class Spec>
class InputEncoder {
 public:
  // int8_pixel_offset: if set, int8 inputs are q = p + offset instead of quantizing the normalized value
  // with the spec's (scale, zero_point).
  explicit InputEncoder(PixelNormalization norm, std::optional<int> int8_pixel_offset = std::nullopt) noexcept
      : norm_(norm) {
    if constexpr (std::is_same_v<typename Spec::element, Int8>)
      quant_ = int8_pixel_offset ? PixelQuantizer::offset(*int8_pixel_offset)
                                 : PixelQuantizer::for_quant<typename Spec::quant>(norm);
  }
  Status operator()(std::span<const std::uint8_t> rgb, TensorView<Spec> out) const noexcept {
    if (rgb.size() != Spec::size || out.data() == nullptr) return Status::InvalidArgument;
    if constexpr (std::is_same_v<typename Spec::element, Int8>) {
      return quant_.apply(rgb, std::span<std::int8_t>(out.data(), Spec::size));
    } else if constexpr (std::is_same_v<typename Spec::element, Float>) {
      return normalize_pixels(rgb, std::span<float>(out.data(), Spec::size), norm_);
    } else {
      static_assert(std::is_same_v<typename Spec::element, Float>, "InputEncoder: Int8 or Float inputs only");
    }
  }
  [[nodiscard]] const PixelQuantizer& quantizer() const noexcept { return quant_; }

 private:
  PixelNormalization norm_;
  PixelQuantizer quant_{};
};

// An output tensor as floats: (q - zero_point) * scale for quantized tensors, a copy for Float.
template <class Spec>
Status dequantize(ConstTensorView<Spec> in, std::span<float> out) noexcept {
  if (out.size() != Spec::size || in.data() == nullptr) return Status::InvalidArgument;
  using E = typename Spec::element;
  if constexpr (std::is_same_v<E, Float>) {
    for (std::size_t i = 0; i < Spec::size; ++i) out[i] = in[i];
  } else {
    const float scale = static_cast<float>(Spec::quant::scale);
    const auto zp = static_cast<std::int32_t>(Spec::quant::zero_point);
    for (std::size_t i = 0; i < Spec::size; ++i)
      out[i] = static_cast<float>(static_cast<std::int32_t>(in[i]) - zp) * scale;
  }
  return Status::Ok;
}

// Calls f(ConstTensorView<S>) for every output buffer of a network, in output order.
template <class Net, class F>
void for_each_output(OutputBuffers<Net>& bufs, F&& f) {
  std::apply([&f](const auto&... b) { (f(b.view()), ...); }, bufs.buffers);
}

}  // namespace facenn::pipeline
