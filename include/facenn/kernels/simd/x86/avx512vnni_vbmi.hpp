// AVX-512 VNNI + VBMI (Ice Lake+, Zen 4+): everything of avx512vnni.hpp, plus gather3(), which lets the
// depthwise 3-wide kernel rows run on vpdpbusd (vpermb interleaves three pixels' channels per lane).
// Include only when the compiler targets AVX-512 VBMI as well (kernels/simd/backend.hpp decides).
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "avx512vnni.hpp"

// The table lookup runs once per 64 elements: GCC leaves it out of line in large translation units
// (whole networks), which costs a call and a round trip of the four result vectors through memory.
#define FACENN_VBMI_INLINE __attribute__((always_inline)) inline

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
  // Flat depthwise rows (simd/depthwise_conv.hpp, dwconv_s8_flat3x3): byte i of the result is byte
  // idx[i] of a (low 6 bits) / of the 128 bytes lo:hi (low 7 bits), and a load of the first n (0..64)
  // bytes at p, the rest zero (masked: nothing past p + n is touched).
  static V permute_bytes(V idx, V a) noexcept { return _mm512_permutexvar_epi8(idx, a); }
  static V permute_bytes2(V lo, V idx, V hi) noexcept { return _mm512_permutex2var_epi8(lo, idx, hi); }
  static V load_bytes_upto(const std::int8_t* p, int n) noexcept {
    const __mmask64 m = n >= 64 ? ~__mmask64{0} : (n <= 0 ? __mmask64{0} : (__mmask64{1} << n) - 1u);
    return _mm512_maskz_loadu_epi8(m, p);
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

  // 64-wide lookup of a 256-entry int32 table indexed by an int8 value (the residual add's input
  // rescale, simd/add.hpp). The table is kept as 4 byte planes (bits 8k..8k+7 of every entry) of 256
  // bytes; a plane is read with two vpermi2b (entries 0..127 and 128..255 by the index byte's low 7
  // bits) and a blend on the index's sign bit, and the planes are interleaved back into int32 by
  // unpacks, which leaves the 64 results in "unpack order": vector r, lane 4l + q holds the entry of
  // byte 16l + 4r + q. pack_s8_x64 is the exact inverse of that order.
  static constexpr bool has_lut32 = true;
  struct Lut32 {
    __m512i lo[4], hi[4], lo2[4], hi2[4];  // plane k: bytes 0-63, 64-127, 128-191, 192-255
  };
  // table[u] = entry of the int8 value whose bit pattern is u (u = 0..255, so 255 is -1)
  static Lut32 lut32_make(const std::int32_t* table) noexcept {
    alignas(64) std::int8_t planes[4][256];
    for (int i = 0; i < 16; ++i) {
      const __m512i v = _mm512_loadu_si512(table + 16 * i);
      for (int k = 0; k < 4; ++k) {
        _mm_store_si128(reinterpret_cast<__m128i*>(&planes[k][16 * i]),
                        _mm512_cvtepi32_epi8(_mm512_srlv_epi32(v, _mm512_set1_epi32(8 * k))));
      }
    }
    Lut32 t;
    for (int k = 0; k < 4; ++k) {
      t.lo[k] = _mm512_load_si512(&planes[k][0]);
      t.hi[k] = _mm512_load_si512(&planes[k][64]);
      t.lo2[k] = _mm512_load_si512(&planes[k][128]);
      t.hi2[k] = _mm512_load_si512(&planes[k][192]);
    }
    return t;
  }
  FACENN_VBMI_INLINE static void lut32_x64(const Lut32& t, __m512i x, V (&out)[4]) noexcept {
    const __mmask64 neg = _mm512_movepi8_mask(x);
    __m512i p[4];
    for (int k = 0; k < 4; ++k) {
      p[k] = _mm512_mask_blend_epi8(neg, _mm512_permutex2var_epi8(t.lo[k], x, t.hi[k]),
                                    _mm512_permutex2var_epi8(t.lo2[k], x, t.hi2[k]));
    }
    const __m512i w01l = _mm512_unpacklo_epi8(p[0], p[1]), w01h = _mm512_unpackhi_epi8(p[0], p[1]);
    const __m512i w23l = _mm512_unpacklo_epi8(p[2], p[3]), w23h = _mm512_unpackhi_epi8(p[2], p[3]);
    out[0] = _mm512_unpacklo_epi16(w01l, w23l);
    out[1] = _mm512_unpackhi_epi16(w01l, w23l);
    out[2] = _mm512_unpacklo_epi16(w01h, w23h);
    out[3] = _mm512_unpackhi_epi16(w01h, w23h);
  }
  // four vectors in unpack order, values within [-128, 127] -> 64 bytes in memory order
  FACENN_VBMI_INLINE static __m512i pack_s8_x64(V o0, V o1, V o2, V o3) noexcept {
    return _mm512_packs_epi16(_mm512_packs_epi32(o0, o1), _mm512_packs_epi32(o2, o3));
  }
  FACENN_VBMI_INLINE static void store_bytes(std::int8_t* p, __m512i v) noexcept { _mm512_storeu_si512(p, v); }
  FACENN_VBMI_INLINE static void store_bytes_n(std::int8_t* p, __m512i v, int n) noexcept {
    _mm512_mask_storeu_epi8(p, static_cast<__mmask64>((std::uint64_t{1} << n) - 1u), v);
  }
};

}  // namespace facenn::kernels::simd

#undef FACENN_VBMI_INLINE
