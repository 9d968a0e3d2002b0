// ISA primitives for x86-64 SSE4.1 (any x86-64 since ~2008): 4 int32 lanes. dot4() emulates vpdpbusd
// exactly with two pmaddwd on the even and odd bytes. Per-lane shifts go through xsimd's generic path.
// Include only when the compiler targets SSE4.1 (kernels/simd/backend.hpp decides).
#pragma once

#include <smmintrin.h>

#include <cstdint>
#include <cstring>

#include <xsimd/xsimd.hpp>

namespace facenn::kernels::simd {

struct Sse41 {
  using arch = xsimd::sse4_1;
  using arch16 = xsimd::sse4_1;  // 16-byte batches (max pool tails)
  using V = xsimd::batch<std::int32_t, arch>;
  static constexpr int lanes = 4;
  static constexpr const char* name = "sse4.1";
  static constexpr bool native_dot4 = false;

  static bool cpu_supported() noexcept { return __builtin_cpu_supports("sse4.1"); }

  static V load_s8(const std::int8_t* p) noexcept {
    std::int32_t v;
    std::memcpy(&v, p, 4);
    return _mm_cvtepi8_epi32(_mm_cvtsi32_si128(v));
  }
  static V load_s8_n(const std::int8_t* p, int n) noexcept {
    std::int8_t tmp[4] = {};
    std::memcpy(tmp, p, static_cast<std::size_t>(n));
    return load_s8(tmp);
  }
  // 16 raw bytes (4 per lane) / the first n < 16 of them, the rest zero
  static V load_bytes(const std::int8_t* p) noexcept { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
  static V load_bytes_n(const std::int8_t* p, int n) noexcept {
    alignas(16) std::int8_t tmp[16] = {};
    std::memcpy(tmp, p, static_cast<std::size_t>(n));
    return load_bytes(tmp);
  }
  static V load_s32(const std::int32_t* p) noexcept { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
  static V load_s32_n(const std::int32_t* p, int n) noexcept {
    std::int32_t tmp[4] = {};
    std::memcpy(tmp, p, static_cast<std::size_t>(n) * 4);
    return load_s32(tmp);
  }
  static std::int32_t narrow(V v) noexcept {
    return _mm_cvtsi128_si32(_mm_shuffle_epi8(v, _mm_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)));
  }
  // any int32, saturated to [-128, 127]
  static std::int32_t narrow_sat(V v) noexcept {
    const __m128i w = _mm_packs_epi32(v, v);
    return _mm_cvtsi128_si32(_mm_packs_epi16(w, w));
  }
  // 4 lanes -> 4 bytes: `narrow` expects values already in [-128, 127], `narrow_sat` saturates any int32
  static void store_s8(std::int8_t* p, V v) noexcept { store_bytes(p, narrow(v), 4); }
  static void store_s8_n(std::int8_t* p, V v, int n) noexcept { store_bytes(p, narrow(v), n); }
  static void store_s8_sat(std::int8_t* p, V v) noexcept { store_bytes(p, narrow_sat(v), 4); }
  static void store_s8_sat_n(std::int8_t* p, V v, int n) noexcept { store_bytes(p, narrow_sat(v), n); }
  static void store_bytes(std::int8_t* p, std::int32_t four_bytes, int n) noexcept {
    std::memcpy(p, &four_bytes, static_cast<std::size_t>(n));  // byte order: lane 0 first (little endian)
  }

  static V srdhm(V a, V b) noexcept {
    const __m128i nudge = _mm_set1_epi64x(std::int64_t{1} << 30);
    const __m128i even = _mm_add_epi64(_mm_mul_epi32(a, b), nudge);
    const __m128i odd = _mm_add_epi64(_mm_mul_epi32(_mm_srli_epi64(a, 32), _mm_srli_epi64(b, 32)), nudge);
    return _mm_blend_epi16(_mm_srli_epi64(even, 31), _mm_slli_epi64(odd, 1), 0xCC);
  }
  // per-lane shifts: four uniform shifts and blends (SSE has no variable shift)
  static V sra(V a, V n) noexcept {
    const __m128i n0 = _mm_cvtsi32_si128(_mm_extract_epi32(n, 0));
    const __m128i n1 = _mm_cvtsi32_si128(_mm_extract_epi32(n, 1));
    const __m128i n2 = _mm_cvtsi32_si128(_mm_extract_epi32(n, 2));
    const __m128i n3 = _mm_cvtsi32_si128(_mm_extract_epi32(n, 3));
    const __m128i r01 = _mm_blend_epi16(_mm_sra_epi32(a, n0), _mm_sra_epi32(a, n1), 0x0C);
    const __m128i r23 = _mm_blend_epi16(_mm_sra_epi32(a, n2), _mm_sra_epi32(a, n3), 0xC0);
    return _mm_blend_epi16(r01, r23, 0xF0);
  }
  static V sll(V a, V n) noexcept {
    const __m128i n0 = _mm_cvtsi32_si128(_mm_extract_epi32(n, 0));
    const __m128i n1 = _mm_cvtsi32_si128(_mm_extract_epi32(n, 1));
    const __m128i n2 = _mm_cvtsi32_si128(_mm_extract_epi32(n, 2));
    const __m128i n3 = _mm_cvtsi32_si128(_mm_extract_epi32(n, 3));
    const __m128i r01 = _mm_blend_epi16(_mm_sll_epi32(a, n0), _mm_sll_epi32(a, n1), 0x0C);
    const __m128i r23 = _mm_blend_epi16(_mm_sll_epi32(a, n2), _mm_sll_epi32(a, n3), 0xC0);
    return _mm_blend_epi16(r01, r23, 0xF0);
  }

  static V dot4(V acc, V x_u8, V w_s8) noexcept {
    const __m128i lo8 = _mm_set1_epi16(0x00FF);
    const __m128i x_even = _mm_and_si128(x_u8, lo8);
    const __m128i x_odd = _mm_srli_epi16(x_u8, 8);
    const __m128i w_even = _mm_srai_epi16(_mm_slli_epi16(w_s8, 8), 8);
    const __m128i w_odd = _mm_srai_epi16(w_s8, 8);
    return _mm_add_epi32(acc, _mm_add_epi32(_mm_madd_epi16(x_even, w_even), _mm_madd_epi16(x_odd, w_odd)));
  }
  static V bcast4(const std::int8_t* p) noexcept {
    std::int32_t v;
    std::memcpy(&v, p, 4);
    return _mm_set1_epi32(v);
  }
};

}  // namespace facenn::kernels::simd
