// Vocabulary of generated weight headers (include/facenn/weights/*.hpp): activation kinds and the
// read-only views over the float reference weights.
//
// Int8 filters are plain `const std::int8_t*` into a string-literal blob (fast to compile, lands in
// .rodata / flash). The float reference weights keep the upstream encoding, so they are lossless and
// compact: fp16 for MediaPipe models, affine uint8 (value = q * scale + min) for TFJS manifests.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

namespace facenn {

// The activation fused into a layer's output stage (see requant.hpp).
enum class Activation : std::uint8_t { None, Relu, Relu6, PRelu };

namespace detail {
// IEEE 754 binary16 -> binary32, exact for every input (subnormals, infinities, NaN).
constexpr float half_to_float(std::uint16_t h) noexcept {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  std::uint32_t exponent = (h >> 10) & 0x1fu;
  std::uint32_t mantissa = h & 0x3ffu;
  std::uint32_t bits = 0;
  if (exponent == 0x1f) {  // inf / nan
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else if (exponent != 0) {  // normal
    bits = sign | ((exponent + 112u) << 23) | (mantissa << 13);
  } else if (mantissa != 0) {  // subnormal: renormalize
    exponent = 113;
    while ((mantissa & 0x400u) == 0) {
      mantissa <<= 1;
      --exponent;
    }
    bits = sign | (exponent << 23) | ((mantissa & 0x3ffu) << 13);
  } else {
    bits = sign;
  }
  return std::bit_cast<float>(bits);
}

constexpr std::uint32_t load_le32(const unsigned char* p) noexcept {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
         (std::uint32_t{p[3]} << 24);
}
}  // namespace detail

// Little-endian fp16 values.
struct Fp16Array {
  const unsigned char* bytes;
  std::size_t count;
  constexpr float operator[](std::size_t i) const noexcept {
    const auto lo = static_cast<std::uint16_t>(bytes[2 * i]);
    const auto hi = static_cast<std::uint16_t>(bytes[2 * i + 1]);
    return detail::half_to_float(static_cast<std::uint16_t>(lo | (hi << 8)));
  }
  constexpr std::size_t size() const noexcept { return count; }
};

// TFJS-style affine uint8: value = float(q * scale + min), computed in double as TFJS does.
struct AffineU8Array {
  const unsigned char* bytes;
  std::size_t count;
  double min;
  double scale;
  constexpr float operator[](std::size_t i) const noexcept {
    return static_cast<float>(static_cast<double>(bytes[i]) * scale + min);
  }
  constexpr std::size_t size() const noexcept { return count; }
};

// Little-endian fp32 values (byte order handled explicitly, so big-endian hosts read them right).
struct F32Array {
  const unsigned char* bytes;
  std::size_t count;
  constexpr float operator[](std::size_t i) const noexcept {
    return std::bit_cast<float>(detail::load_le32(bytes + 4 * i));
  }
  constexpr std::size_t size() const noexcept { return count; }
};

// A plain array of floats (hand-written weights in tests and examples).
struct FloatPtrArray {
  const float* values;
  std::size_t count;
  constexpr float operator[](std::size_t i) const noexcept { return values[i]; }
  constexpr std::size_t size() const noexcept { return count; }
};

}  // namespace facenn
