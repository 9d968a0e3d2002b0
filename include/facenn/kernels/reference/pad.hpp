// Reference padding: spatial (top/bottom/left/right) and channel (zero channels appended), filled with
// `fill` (the input zero point for int8, 0 for float). Quantization passes through unchanged.
#pragma once

#include <cstddef>

namespace facenn::kernels::reference {

template <class T>
void pad(int in_h, int in_w, int in_c, int top, int left, int out_h, int out_w, int out_c, T fill,
         const T* input, T* output) noexcept {
  for (int y = 0; y < out_h; ++y) {
    const int iy = y - top;
    for (int x = 0; x < out_w; ++x) {
      const int ix = x - left;
      T* o = output + (static_cast<std::ptrdiff_t>(y) * out_w + x) * out_c;
      const bool inside = iy >= 0 && iy < in_h && ix >= 0 && ix < in_w;
      const T* i = inside ? input + (static_cast<std::ptrdiff_t>(iy) * in_w + ix) * in_c : nullptr;
      for (int c = 0; c < out_c; ++c) o[c] = (inside && c < in_c) ? i[c] : fill;
    }
  }
}

}  // namespace facenn::kernels::reference
