// AVX-512 VNNI + VBMI (Ice Lake+, Zen 4+): everything of avx512vnni.hpp, plus gather3(), which lets the
// depthwise 3-wide kernel rows run on vpdpbusd (vpermb interleaves three pixels' channels per lane).
// Include only when the compiler targets AVX-512 VBMI as well (kernels/simd/backend.hpp decides).
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "avx512vnni.hpp"

namespace facenn::kernels::simd {

struct Avx512VnniVbmi : Avx512Vnni {
  static constexpr const char* name = "avx512vnni+vbmi";
  static bool cpu_supported() noexcept { return Avx512Vnni::cpu_supported() && __builtin_cpu_supports("avx512vbmi"); }

  // lane j (0..15) = bytes (p[j], p[stride + j], p[2*stride + j], 0): three taps of channel j, ready for
  // dot4 against (w0[j], w1[j], w2[j], 0). Reads exactly 3 x 16 bytes.
  static V gather3(const std::int8_t* p, int stride) noexcept {
    __m512i v;
    if (stride == 16) {
      v = _mm512_maskz_loadu_epi8(static_cast<__mmask64>(0x0000FFFFFFFFFFFFull), p);
    } else {
      v = _mm512_zextsi128_si512(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
      v = _mm512_inserti32x4(v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + stride)), 1);
      v = _mm512_inserti32x4(v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 2 * stride)), 2);
    }
    // byte 4j + k <- byte 16k + j (k < 3); byte 4j + 3 <- byte 48 (a zero of the masked load, or any byte:
    // its weight is zero)
    const __m512i idx = _mm512_set_epi8(
        48, 47, 31, 15, 48, 46, 30, 14, 48, 45, 29, 13, 48, 44, 28, 12, 48, 43, 27, 11, 48, 42, 26, 10, 48, 41, 25, 9,
        48, 40, 24, 8, 48, 39, 23, 7, 48, 38, 22, 6, 48, 37, 21, 5, 48, 36, 20, 4, 48, 35, 19, 3, 48, 34, 18, 2, 48, 33,
        17, 1, 48, 32, 16, 0);
    return _mm512_permutexvar_epi8(idx, v);
  }
  // interleave three rows of 16 weights the same way (once per channel block)
  static V interleave3(const std::int8_t* w0, const std::int8_t* w1, const std::int8_t* w2) noexcept {
    alignas(16) std::int8_t tmp[64] = {};
    for (int j = 0; j < 16; ++j) {
      tmp[4 * j] = w0[j];
      tmp[4 * j + 1] = w1[j];
      tmp[4 * j + 2] = w2[j];
    }
    return _mm512_loadu_si512(tmp);
  }
};

}  // namespace facenn::kernels::simd
