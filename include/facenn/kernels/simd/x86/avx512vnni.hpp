// ISA primitives for x86-64 AVX-512 F/CD/DQ/BW/VL + VNNI (Intel Ice Lake+, AMD Zen 4+): 16 int32 lanes.
//
// Every facenn SIMD kernel (kernels/simd/*.hpp) is written once over an `Isa` struct like this one;
// this file holds the only AVX-512 intrinsics. xsimd 8.1 has no VNNI architecture, so the batch type
// is xsimd's avx512bw and the VNNI instruction (vpdpbusd) is used directly in dot4().
// Include only when the compiler targets AVX-512 VNNI (kernels/simd/backend.hpp decides).
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include <xsimd/xsimd.hpp>

namespace facenn::kernels::simd {

struct Avx512Vnni {
  using arch = xsimd::avx512bw;
  using arch16 = xsimd::sse4_1;  // 16-byte batches (max pool tails)
  using V = xsimd::batch<std::int32_t, arch>;
  static constexpr int lanes = 16;
  static constexpr const char* name = "avx512vnni";
  static constexpr bool native_dot4 = true;  // dot4 is one instruction

  static bool cpu_supported() noexcept {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
  }

  // 16 int8 -> 16 int32 (sign extended)
  static V load_s8(const std::int8_t* p) noexcept {
    return _mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  }
  static V load_s8_n(const std::int8_t* p, int n) noexcept {
    const auto m = static_cast<__mmask16>((1u << n) - 1u);
    return _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, p));
  }
  // 64 raw bytes (4 per lane) / the first n < 64 of them, the rest zero
  static V load_bytes(const std::int8_t* p) noexcept { return _mm512_loadu_si512(p); }
  static V load_bytes_n(const std::int8_t* p, int n) noexcept {
    return _mm512_maskz_loadu_epi8(static_cast<__mmask64>((std::uint64_t{1} << n) - 1u), p);
  }
  static V load_s32(const std::int32_t* p) noexcept { return _mm512_loadu_si512(p); }
  static V load_s32_n(const std::int32_t* p, int n) noexcept {
    return _mm512_maskz_loadu_epi32(static_cast<__mmask16>((1u << n) - 1u), p);
  }
  // values already within [-128, 127]
  static void store_s8(std::int8_t* p, V v) noexcept {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm512_cvtepi32_epi8(v));
  }
  // The narrowing goes to a register and a masked byte store writes it: the masked memory form of
  // vpmov[s]db is several times slower on AMD Zen 4/5 (BlazeFace's 24-, 28-, 36-channel conv outputs).
  static void store_s8_n(std::int8_t* p, V v, int n) noexcept {
    _mm_mask_storeu_epi8(p, static_cast<__mmask16>((1u << n) - 1u), _mm512_cvtepi32_epi8(v));
  }
  // any int32, saturated to [-128, 127]
  static void store_s8_sat(std::int8_t* p, V v) noexcept {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm512_cvtsepi32_epi8(v));
  }
  static void store_s8_sat_n(std::int8_t* p, V v, int n) noexcept {
    _mm_mask_storeu_epi8(p, static_cast<__mmask16>((1u << n) - 1u), _mm512_cvtsepi32_epi8(v));
  }

  // Pixel pairs of a half channel block (simd/conv.hpp, kHalf): lanes 0-7 of a, 8-15 of b; and the
  // saturated bytes of lanes 0..n-1 to p0, of lanes 8..8+n-1 to p1 (n <= 8).
  static V blend_halves(V a, V b) noexcept { return _mm512_mask_blend_epi32(static_cast<__mmask16>(0xFF00), a, b); }
  static void store_s8_sat_pair(std::int8_t* p0, std::int8_t* p1, V v, int n) noexcept {
    const __m128i b = _mm512_cvtsepi32_epi8(v);
    if (n == 8) {
      _mm_storel_epi64(reinterpret_cast<__m128i*>(p0), b);
      _mm_storeh_pi(reinterpret_cast<__m64*>(p1), _mm_castsi128_ps(b));
    } else {
      const auto m = static_cast<__mmask16>((1u << n) - 1u);
      _mm_mask_storeu_epi8(p0, m, b);
      _mm_mask_storeu_epi8(p1, m, _mm_srli_si128(b, 8));
    }
  }

  // Channel padding of whole pixels (simd/pad.hpp; in_c < out_c <= 64, no spatial padding: BlazeFace's
  // shortcuts 24 -> 28 ... 88 -> 96): per pixel one load merged into a vector of the fill byte and one
  // 64-byte store, overlapping the next pixels (rewritten by their own stores); the last pixels masked.
  static void pad_channels(std::size_t pixels, int in_c, int out_c, std::int8_t fill, const std::int8_t* in,
                           std::int8_t* out) noexcept {
    const __m512i f = _mm512_set1_epi8(fill);
    const auto mi = static_cast<__mmask64>((std::uint64_t{1} << in_c) - 1u);
    const auto mo = out_c == 64 ? ~__mmask64{0} : static_cast<__mmask64>((std::uint64_t{1} << out_c) - 1u);
    const auto ic = static_cast<std::size_t>(in_c), oc = static_cast<std::size_t>(out_c);
    const std::size_t full = pixels * oc >= 64 ? (pixels * oc - 64) / oc + 1 : 0;  // p * oc + 64 <= total
    std::size_t p = 0;
    for (; p < full; ++p) _mm512_storeu_si512(out + p * oc, _mm512_mask_loadu_epi8(f, mi, in + p * ic));
    for (; p < pixels; ++p) _mm512_mask_storeu_epi8(out + p * oc, mo, _mm512_mask_loadu_epi8(f, mi, in + p * ic));
  }

  // 2x2 stride-2 max pool without padding, channels <= 64 (simd/pool.hpp; BlazeFace's shortcuts): per
  // output pixel 4 masked loads, 3 max, one 64-byte store overlapping the next pixels (the last ones masked).
  static void max_pool_2x2(int out_h, int out_w, int in_w, int channels, const std::int8_t* in,
                           std::int8_t* out) noexcept {
    const auto mc = channels == 64 ? ~__mmask64{0} : static_cast<__mmask64>((std::uint64_t{1} << channels) - 1u);
    const auto c = static_cast<std::ptrdiff_t>(channels);
    const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(in_w) * c;
    const std::ptrdiff_t total = static_cast<std::ptrdiff_t>(out_h) * out_w * c;
    std::int8_t* o = out;
    for (int oy = 0; oy < out_h; ++oy) {
      const std::int8_t* p = in + 2 * oy * row;
      for (int ox = 0; ox < out_w; ++ox, p += 2 * c, o += c) {
        const __m512i m = _mm512_max_epi8(
            _mm512_max_epi8(_mm512_maskz_loadu_epi8(mc, p), _mm512_maskz_loadu_epi8(mc, p + c)),
            _mm512_max_epi8(_mm512_maskz_loadu_epi8(mc, p + row), _mm512_maskz_loadu_epi8(mc, p + row + c)));
        if (o + 64 <= out + total) _mm512_storeu_si512(o, m);
        else _mm512_mask_storeu_epi8(o, mc, m);
      }
    }
  }

  // (int64(a) * b + 2^30) >> 31, low 32 bits: SRDHM for every input except a == b == INT32_MIN.
  static V srdhm(V a, V b) noexcept {
    const __m512i nudge = _mm512_set1_epi64(std::int64_t{1} << 30);
    const __m512i even = _mm512_add_epi64(_mm512_mul_epi32(a, b), nudge);
    const __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(a, 32), _mm512_srli_epi64(b, 32)), nudge);
    return _mm512_mask_blend_epi32(static_cast<__mmask16>(0xAAAA), _mm512_srli_epi64(even, 31),
                                   _mm512_slli_epi64(odd, 1));
  }
  static V sra(V a, V n) noexcept { return _mm512_srav_epi32(a, n); }
  static V sll(V a, V n) noexcept { return _mm512_sllv_epi32(a, n); }

  // acc[l] += sum_{j<4} u8(x.byte[4l+j]) * s8(w.byte[4l+j])
  // GCC 12 allocates the intrinsic's accumulator apart from its input in loops and copies it twice per
  // instruction (vmovdqa64 in, vpdpbusd, vmovdqa64 out: 16 moves per 8 dot4 in the 4x2 conv tile, which
  // then issues at ~1/3 of its vpdpbusd rate); the asm form ties the accumulator to one register.
  static V dot4(V acc, V x_u8, V w_s8) noexcept {
#if defined(__GNUC__) && !defined(__clang__)
    __m512i a = acc;
    asm("vpdpbusd %2, %1, %0" : "+v"(a) : "v"(static_cast<__m512i>(x_u8)), "v"(static_cast<__m512i>(w_s8)));
    return a;
#else
    return _mm512_dpbusd_epi32(acc, x_u8, w_s8);
#endif
  }
  static V bcast4(const std::int8_t* p) noexcept {
    std::int32_t v;
    std::memcpy(&v, p, 4);
    return _mm512_set1_epi32(v);
  }
};

}  // namespace facenn::kernels::simd
