// Compile-time vocabulary of facenn: element types, shapes, strides, windows, padding.
//
// Tensors are NHWC with batch 1. Everything here is a type or a constexpr value so that a network's
// tensor shapes, and mistakes in them, are known to the compiler.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace facenn {

// ---- element types --------------------------------------------------------------------------------
// Tags, not the C++ types themselves, so that a network template can be instantiated "as Int8" or
// "as Float" and a diagnostic prints a readable name.
struct Int8 final {
  using type = std::int8_t;
  static constexpr bool is_quantized = true;
};
struct UInt8 final {
  using type = std::uint8_t;
  static constexpr bool is_quantized = true;
};
struct Int32 final {
  using type = std::int32_t;
  static constexpr bool is_quantized = true;
};
struct Float final {
  using type = float;
  static constexpr bool is_quantized = false;
};

template <class E>
concept ElementType = std::is_same_v<E, Int8> || std::is_same_v<E, UInt8> ||
                      std::is_same_v<E, Int32> || std::is_same_v<E, Float>;

// The two element types a network can be instantiated with: int8 for deployment, float as the
// numerical reference.
template <class E>
concept NetworkElement = std::is_same_v<E, Int8> || std::is_same_v<E, Float>;

// ---- shapes -------------------------------------------------------------------------------------
template <int H, int W, int C>
struct Shape final {
  static_assert(H > 0 && W > 0 && C > 0, "Shape<H, W, C>: every dimension must be positive");
  static constexpr int h = H;
  static constexpr int w = W;
  static constexpr int c = C;
  static constexpr std::size_t size = std::size_t{H} * std::size_t{W} * std::size_t{C};
};

template <class S>
struct is_shape : std::false_type {};
template <int H, int W, int C>
struct is_shape<Shape<H, W, C>> : std::true_type {};
template <class S>
concept ShapeType = is_shape<S>::value;

template <int SH, int SW = SH>
struct Stride final {
  static_assert(SH > 0 && SW > 0, "Stride<SH, SW>: strides must be positive");
  static constexpr int h = SH;
  static constexpr int w = SW;
};

template <int KH, int KW = KH>
struct Window final {
  static_assert(KH > 0 && KW > 0, "Window<KH, KW>: window sizes must be positive");
  static constexpr int h = KH;
  static constexpr int w = KW;
};

// TensorFlow padding semantics: Same gives ceil(in / stride) outputs and puts the odd padding
// pixel at the bottom/right; Valid uses only full windows.
enum class Padding { Same, Valid };

constexpr int output_size(int in, int kernel, int stride, Padding padding) noexcept {
  return padding == Padding::Same ? (in + stride - 1) / stride
                                  : (in >= kernel ? (in - kernel) / stride + 1 : 0);
}

constexpr int same_padding_total(int in, int kernel, int stride) noexcept {
  const int out = (in + stride - 1) / stride;
  const int total = (out - 1) * stride + kernel - in;
  return total > 0 ? total : 0;
}

// Padding before (top/left) and after (bottom/right) for one spatial axis.
constexpr int padding_before(int in, int kernel, int stride, Padding padding) noexcept {
  return padding == Padding::Same ? same_padding_total(in, kernel, stride) / 2 : 0;
}
constexpr int padding_after(int in, int kernel, int stride, Padding padding) noexcept {
  return padding == Padding::Same
             ? same_padding_total(in, kernel, stride) - same_padding_total(in, kernel, stride) / 2
             : 0;
}

// Alignment of every buffer the memory planner places in an arena (one cache line, one AVX-512 vector).
inline constexpr std::size_t kArenaAlignment = 64;

constexpr std::size_t align_up(std::size_t n, std::size_t a = kArenaAlignment) noexcept {
  return (n + a - 1) / a * a;
}

}  // namespace facenn
