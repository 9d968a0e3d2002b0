// ISA primitives for x86-64 AVX2 (Haswell+, Zen 1+): 8 int32 lanes. Without VNNI, dot4() emulates
// vpdpbusd exactly with two vpmaddwd on the even and odd bytes (vpmaddubsw would saturate int16).
// Include only when the compiler targets AVX2 (kernels/simd/backend.hpp decides).
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include <xsimd/xsimd.hpp>

namespace facenn::kernels::simd {

struct Avx2 {
  using arch = xsimd::avx2;
  using arch16 = xsimd::sse4_1;  // 16-byte batches (max pool tails)
  using V = xsimd::batch<std::int32_t, arch>;
  static constexpr int lanes = 8;
  static constexpr const char* name = "avx2";
  static constexpr bool native_dot4 = false;

  static bool cpu_supported() noexcept { return __builtin_cpu_supports("avx2"); }

  static V load_s8(const std::int8_t* p) noexcept {
    return _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
  }
  static V load_s8_n(const std::int8_t* p, int n) noexcept {
    std::int8_t tmp[8] = {};
    std::memcpy(tmp, p, static_cast<std::size_t>(n));
    return load_s8(tmp);
  }
  // 32 raw bytes (4 per lane) / the first n < 32 of them, the rest zero
  static V load_bytes(const std::int8_t* p) noexcept { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  static V load_bytes_n(const std::int8_t* p, int n) noexcept {
    alignas(32) std::int8_t tmp[32] = {};
    std::memcpy(tmp, p, static_cast<std::size_t>(n));
    return load_bytes(tmp);
  }
  static V load_s32(const std::int32_t* p) noexcept {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  }
  static V load_s32_n(const std::int32_t* p, int n) noexcept {
    std::int32_t tmp[8] = {};
    std::memcpy(tmp, p, static_cast<std::size_t>(n) * 4);
    return load_s32(tmp);
  }
  static __m128i narrow(V v) noexcept {  // 8 int32 in [-128, 127] -> 8 bytes in the low half
    const __m256i bytes = _mm256_shuffle_epi8(
        v, _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 4, 8, 12, -1, -1, -1, -1,
                            -1, -1, -1, -1, -1, -1, -1, -1));
    return _mm_unpacklo_epi32(_mm256_castsi256_si128(bytes), _mm256_extracti128_si256(bytes, 1));
  }
  static void store_s8(std::int8_t* p, V v) noexcept { _mm_storel_epi64(reinterpret_cast<__m128i*>(p), narrow(v)); }
  static void store_s8_n(std::int8_t* p, V v, int n) noexcept {
    std::int8_t tmp[16];
    _mm_storeu_si128(reinterpret_cast<__m128i*>(tmp), narrow(v));
    std::memcpy(p, tmp, static_cast<std::size_t>(n));
  }
  // any int32, saturated to [-128, 127]: 8 bytes in the low half (twice)
  static __m128i narrow_sat(V v) noexcept {
    const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    return _mm_packs_epi16(w, w);
  }
  static void store_s8_sat(std::int8_t* p, V v) noexcept {
    _mm_storel_epi64(reinterpret_cast<__m128i*>(p), narrow_sat(v));
  }
  static void store_s8_sat_n(std::int8_t* p, V v, int n) noexcept {
    std::int8_t tmp[16];
    _mm_storeu_si128(reinterpret_cast<__m128i*>(tmp), narrow_sat(v));
    std::memcpy(p, tmp, static_cast<std::size_t>(n));
  }

  static V srdhm(V a, V b) noexcept {
    const __m256i nudge = _mm256_set1_epi64x(std::int64_t{1} << 30);
    const __m256i even = _mm256_add_epi64(_mm256_mul_epi32(a, b), nudge);
    const __m256i odd =
        _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(b, 32)), nudge);
    return _mm256_blend_epi32(_mm256_srli_epi64(even, 31), _mm256_slli_epi64(odd, 1), 0xAA);
  }
  static V sra(V a, V n) noexcept { return _mm256_srav_epi32(a, n); }
  static V sll(V a, V n) noexcept { return _mm256_sllv_epi32(a, n); }

  static V dot4(V acc, V x_u8, V w_s8) noexcept {
    const __m256i lo8 = _mm256_set1_epi16(0x00FF);
    const __m256i x_even = _mm256_and_si256(x_u8, lo8);
    const __m256i x_odd = _mm256_srli_epi16(x_u8, 8);
    const __m256i w_even = _mm256_srai_epi16(_mm256_slli_epi16(w_s8, 8), 8);
    const __m256i w_odd = _mm256_srai_epi16(w_s8, 8);
    return _mm256_add_epi32(acc, _mm256_add_epi32(_mm256_madd_epi16(x_even, w_even), _mm256_madd_epi16(x_odd, w_odd)));
  }
  static V bcast4(const std::int8_t* p) noexcept {
    std::int32_t v;
    std::memcpy(&v, p, 4);
    return _mm256_set1_epi32(v);
  }
};

}  // namespace facenn::kernels::simd
