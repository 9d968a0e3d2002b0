// RGB8 pixels -> a network's int8 input tensor.
//
// A network input is described by (1) how a pixel value p in 0..255 maps to the float the model was
// trained on, x = p * norm_scale + norm_offset (FaceMesh: p / 255; BlazeFace: p / 127.5 - 1), and
// (2) the input tensor's quantization (scale, zero_point) chosen by the converter. The quantized
// value is q = clamp(round_half_away(x / scale) + zero_point, -128, 127) (contract.md, "Quantize").
// Both are folded into a 256-entry table once, so converting a crop is one lookup per byte and the
// result does not depend on how the compiler evaluates the float expression per pixel.
// For FaceMesh (scale 1/255, zero point -128) the table is exactly q = p - 128.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include <facenn/core/status.hpp>

namespace facenn {

struct PixelNormalization {
  double scale = 1.0 / 255.0;  // x = p * scale + offset
  double offset = 0.0;
};

inline constexpr PixelNormalization kPixelsToUnit{1.0 / 255.0, 0.0};          // [0, 1]
inline constexpr PixelNormalization kPixelsToSymmetric{1.0 / 127.5, -1.0};    // [-1, 1]

class PixelQuantizer {
 public:
  PixelQuantizer() noexcept : PixelQuantizer(kPixelsToUnit, 1.0 / 255.0, -128) {}
  PixelQuantizer(PixelNormalization norm, double scale, std::int32_t zero_point) noexcept {
    for (int p = 0; p < 256; ++p) {
      const double x = p * norm.scale + norm.offset;
      const double r = (scale > 0.0 && std::isfinite(scale)) ? x / scale : 0.0;
      // round half away from zero; the tiny epsilon keeps ties that the float representation of
      // `scale` pushed just below .5 rounding away from zero, as the exact ratio would
      const double a = std::floor(std::fabs(r) + 0.5 + 1e-9);
      const double rounded = r < 0.0 ? -a : a;
      double q = rounded + zero_point;
      q = q < -128.0 ? -128.0 : (q > 127.0 ? 127.0 : q);
      table_[static_cast<std::size_t>(p)] = static_cast<std::int8_t>(q);
    }
  }
  // A plain offset, q = clamp(p + offset): for inputs whose converter chose the int8 code directly
  // (BlazeFace128: q = p - 128 stands for (q + 0.5) * 2/255, see its model card).
  static PixelQuantizer offset(int offset) noexcept {
    PixelQuantizer q;
    for (int p = 0; p < 256; ++p) {
      const int v = p + offset;
      q.table_[static_cast<std::size_t>(p)] = static_cast<std::int8_t>(v < -128 ? -128 : (v > 127 ? 127 : v));
    }
    return q;
  }
  // From a TensorSpec-like quantization type with static `scale` and `zero_point`.
  template <class Quant>
  static PixelQuantizer for_quant(PixelNormalization norm) noexcept {
    return PixelQuantizer(norm, static_cast<double>(Quant::scale), static_cast<std::int32_t>(Quant::zero_point));
  }

  [[nodiscard]] std::int8_t operator()(std::uint8_t p) const noexcept { return table_[p]; }
  [[nodiscard]] const std::array<std::int8_t, 256>& table() const noexcept { return table_; }

  // Converts n bytes; in and out must have the same size.
  Status apply(std::span<const std::uint8_t> in, std::span<std::int8_t> out) const noexcept {
    if (in.size() != out.size()) return Status::InvalidArgument;
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = table_[in[i]];
    return Status::Ok;
  }

 private:
  std::array<std::int8_t, 256> table_{};
};

// Float input (the Float reference instantiation of a network): x = p * scale + offset.
inline Status normalize_pixels(std::span<const std::uint8_t> in, std::span<float> out,
                               PixelNormalization norm) noexcept {
  if (in.size() != out.size()) return Status::InvalidArgument;
  for (std::size_t i = 0; i < in.size(); ++i)
    out[i] = static_cast<float>(in[i] * norm.scale + norm.offset);
  return Status::Ok;
}

}  // namespace facenn
