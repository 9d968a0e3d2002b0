// Spatial + channel padding with a fill value (the input zero point): rows of fill are one memset,
// each inside pixel is one memcpy of its channels plus a memset of the appended channels (fixed 16-byte
// moves when both counts allow).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace facenn::kernels::simd {

template <class T>
inline void pad_bytes(int in_h, int in_w, int in_c, int top, int left, int out_h, int out_w, int out_c, T fill,
                      const T* input, T* output) noexcept {
  static_assert(sizeof(T) == 1, "pad_bytes: byte-sized elements only");
  const auto oc = static_cast<std::size_t>(out_c);
  const auto ic = static_cast<std::size_t>(in_c);
  const int fill_byte = static_cast<unsigned char>(fill);
  T fill16[16];
  std::memset(fill16, fill_byte, sizeof fill16);
  for (int y = 0; y < out_h; ++y) {
    T* o = output + static_cast<std::size_t>(y) * static_cast<std::size_t>(out_w) * oc;
    const int iy = y - top;
    if (iy < 0 || iy >= in_h) {
      std::memset(o, fill_byte, static_cast<std::size_t>(out_w) * oc);
      continue;
    }
    for (int x = 0; x < out_w; ++x, o += oc) {
      const int ix = x - left;
      if (ix < 0 || ix >= in_w) {
        std::memset(o, fill_byte, oc);
        continue;
      }
      const T* i = input + (static_cast<std::size_t>(iy) * static_cast<std::size_t>(in_w) + static_cast<std::size_t>(ix)) * ic;
      const std::size_t copy = ic < oc ? ic : oc;
      if (copy >= 16 && oc - copy <= 16) {
        // channel padding of >= 16 channels by <= 16 (BlazeFace's 24 -> 28 ... 88 -> 96): fixed 16-byte
        // moves instead of two variable-length library calls per pixel. The fill goes first (one vector
        // ending at the pixel's end), then the copy in 16-byte pieces, the last one overlapping.
        if (copy < oc) std::memcpy(o + oc - 16, fill16, 16);
        std::size_t k = 0;
        for (; k + 16 <= copy; k += 16) std::memcpy(o + k, i + k, 16);
        if (k < copy) std::memcpy(o + copy - 16, i + copy - 16, 16);
        continue;
      }
      std::memcpy(o, i, copy);
      if (copy < oc) std::memset(o + copy, fill_byte, oc - copy);
    }
  }
}

// pad_bytes with the ISA's whole-pixel channel padding where it has one (Isa::pad_channels).
template <class Isa, class T>
inline void pad_bytes_isa(int in_h, int in_w, int in_c, int top, int left, int out_h, int out_w, int out_c, T fill,
                          const T* input, T* output) noexcept {
  if constexpr (sizeof(T) == 1 && requires(const std::int8_t* i, std::int8_t* o) {
                  Isa::pad_channels(std::size_t{1}, 1, 2, std::int8_t{0}, i, o);
                }) {
    if (top == 0 && left == 0 && out_h == in_h && out_w == in_w && in_c > 0 && in_c < out_c && out_c <= 64) {
      Isa::pad_channels(static_cast<std::size_t>(in_h) * static_cast<std::size_t>(in_w), in_c, out_c,
                        static_cast<std::int8_t>(fill), reinterpret_cast<const std::int8_t*>(input),
                        reinterpret_cast<std::int8_t*>(output));
      return;
    }
  }
  pad_bytes(in_h, in_w, in_c, top, left, out_h, out_w, out_c, fill, input, output);
}

}  // namespace facenn::kernels::simd
