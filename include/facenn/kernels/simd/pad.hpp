// Spatial + channel padding with a fill value (the input zero point): rows of fill are one memset,
// each inside pixel is one memcpy of its channels plus a memset of the appended channels (fixed 16-byte
// moves when both counts allow).
#pragma once

#include <cstddef>
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

}  // namespace facenn::kernels::simd
