// ISA primitives for AArch64 NEON (every ARMv8-A core): 4 int32 lanes. SRDHM is one instruction
// (vqrdmulhq_s32 computes exactly (2ab + 2^31) >> 32 = (ab + 2^30) >> 31, saturating INT32_MIN^2);
// dot4() widens to int16 (u8 * s8 fits) and adds pairwise. Per-lane shifts are vshlq_s32.
// Include only when the compiler targets AArch64 with NEON (kernels/simd/backend.hpp decides).
#pragma once

#include <arm_neon.h>

#include <cstdint>
#include <cstring>

#include <xsimd/xsimd.hpp>

namespace facenn::kernels::simd {

struct Neon64 {
  using arch = xsimd::neon64;
  using arch16 = xsimd::neon64;  // 16-byte batches (max pool)
  using V = xsimd::batch<std::int32_t, arch>;
  static constexpr int lanes = 4;
  static constexpr const char* name = "neon64";
  static constexpr bool native_dot4 = false;

  static bool cpu_supported() noexcept { return true; }  // NEON is part of AArch64

  static V load_s8(const std::int8_t* p) noexcept {
    std::int32_t v;
    std::memcpy(&v, p, 4);
    const int8x8_t b = vreinterpret_s8_s32(vdup_n_s32(v));
    return vmovl_s16(vget_low_s16(vmovl_s8(b)));
  }
  static V load_s8_n(const std::int8_t* p, int n) noexcept {
    std::int8_t tmp[4] = {};
    std::memcpy(tmp, p, static_cast<std::size_t>(n));
    return load_s8(tmp);
  }
  // 16 raw bytes (4 per lane) / the first n < 16 of them, the rest zero
  static V load_bytes(const std::int8_t* p) noexcept { return vreinterpretq_s32_s8(vld1q_s8(p)); }
  static V load_bytes_n(const std::int8_t* p, int n) noexcept {
    std::int8_t tmp[16] = {};
    std::memcpy(tmp, p, static_cast<std::size_t>(n));
    return load_bytes(tmp);
  }
  static V load_s32(const std::int32_t* p) noexcept { return vld1q_s32(p); }
  static V load_s32_n(const std::int32_t* p, int n) noexcept {
    std::int32_t tmp[4] = {};
    std::memcpy(tmp, p, static_cast<std::size_t>(n) * 4);
    return load_s32(tmp);
  }
  static std::int32_t narrow(V v) noexcept {
    const int16x4_t h = vmovn_s32(v);
    const int8x8_t b = vmovn_s16(vcombine_s16(h, h));
    return vget_lane_s32(vreinterpret_s32_s8(b), 0);
  }
  // any int32, saturated to [-128, 127]
  static std::int32_t narrow_sat(V v) noexcept {
    const int16x4_t h = vqmovn_s32(v);
    const int8x8_t b = vqmovn_s16(vcombine_s16(h, h));
    return vget_lane_s32(vreinterpret_s32_s8(b), 0);
  }
  // 4 lanes -> 4 bytes: `narrow` expects values already in [-128, 127], `narrow_sat` saturates any int32
  static void store_s8(std::int8_t* p, V v) noexcept { store_bytes(p, narrow(v), 4); }
  static void store_s8_n(std::int8_t* p, V v, int n) noexcept { store_bytes(p, narrow(v), n); }
  static void store_s8_sat(std::int8_t* p, V v) noexcept { store_bytes(p, narrow_sat(v), 4); }
  static void store_s8_sat_n(std::int8_t* p, V v, int n) noexcept { store_bytes(p, narrow_sat(v), n); }
  static void store_bytes(std::int8_t* p, std::int32_t four_bytes, int n) noexcept {
    std::memcpy(p, &four_bytes, static_cast<std::size_t>(n));  // byte order: lane 0 first (little endian)
  }

  static V srdhm(V a, V b) noexcept { return vqrdmulhq_s32(a, b); }
  static V sra(V a, V n) noexcept { return vshlq_s32(a, vnegq_s32(n)); }
  static V sll(V a, V n) noexcept { return vshlq_s32(a, n); }

  static V dot4(V acc, V x_u8, V w_s8) noexcept {
    const uint8x16_t x = vreinterpretq_u8_s32(x_u8);
    const int8x16_t w = vreinterpretq_s8_s32(w_s8);
    const int16x8_t p_lo = vmulq_s16(vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(x))), vmovl_s8(vget_low_s8(w)));
    const int16x8_t p_hi = vmulq_s16(vreinterpretq_s16_u16(vmovl_high_u8(x)), vmovl_high_s8(w));
    return vaddq_s32(acc, vpaddq_s32(vpaddlq_s16(p_lo), vpaddlq_s16(p_hi)));
  }
  static V bcast4(const std::int8_t* p) noexcept {
    std::int32_t v;
    std::memcpy(&v, p, 4);
    return vdupq_n_s32(v);
  }
};

}  // namespace facenn::kernels::simd
