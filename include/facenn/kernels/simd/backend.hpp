// kernels::Simd — the optimized backend: xsimd kernels for the operators that dominate face networks,
// bit-exact to kernels::Reference (tests/kernels/ checks every kernel on every ISA the CPU runs).
//
//   Net{}.infer<facenn::kernels::Simd>(input, outputs, arena);
//
// The ISA is chosen at compile time from the target flags (-mavx512vnni [-mavx512vbmi] ..., -mavx2,
// -msse4.1, aarch64);
// this file holds the only #if of the SIMD code. Kernels are written once over an `Isa` struct of
// primitives (x86/avx512vnni.hpp, x86/avx2.hpp, x86/sse41.hpp, arm/neon64.hpp), so SimdBackend<Isa>
// can also be instantiated for a lower ISA than the best one (the tests do, to cover every ISA).
//
// Accelerated: conv2d_s8 (packed at compile time when the layer passes its weights struct: the
// conv2d_s8<W> / fully_connected_s8<W> entry points), depthwise_conv2d_s8, fully_connected_s8, add_s8
// (fused PReLU/ReLU), prelu_s8, max_pool<int8>, pad<int8>. Everything else (float path, avg pool, LUT)
// is inherited from Reference. A case a kernel does not cover (e.g. a multiplier of INT32_MIN) falls
// back to the reference kernel at run time.
//
// To make Simd the default of Network::infer, compile with -DFACENN_DEFAULT_BACKEND=facenn::kernels::Simd
// and include this header (or <facenn/facenn.hpp>) before instantiating infer().
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../reference/backend.hpp"

// GCC 12 reports its own _mm512_undefined_*() operands (inside the intrinsics headers, inlined through
// xsimd) as maybe-uninitialized at -O3; the diagnostic is silenced where those headers are first read.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#if defined(FACENN_HAVE_XSIMD)
#include <xsimd/xsimd.hpp>
#if defined(__AVX512F__) && defined(__AVX512CD__) && defined(__AVX512DQ__) && defined(__AVX512BW__) && \
    defined(__AVX512VL__) && defined(__AVX512VNNI__)
#include "x86/avx512vnni.hpp"
#define FACENN_SIMD_AVX512VNNI 1
#if defined(__AVX512VBMI__)
#include "x86/avx512vnni_vbmi.hpp"
#define FACENN_SIMD_AVX512VNNI_VBMI 1
#endif
#endif
#if defined(__AVX2__)
#include "x86/avx2.hpp"
#define FACENN_SIMD_AVX2 1
#endif
#if defined(__SSE4_1__)
#include "x86/sse41.hpp"
#define FACENN_SIMD_SSE41 1
#endif
#if defined(__aarch64__) && defined(__ARM_NEON)
#include "arm/neon64.hpp"
#define FACENN_SIMD_NEON64 1
#endif
#endif

#if defined(FACENN_SIMD_AVX512VNNI) || defined(FACENN_SIMD_AVX2) || defined(FACENN_SIMD_SSE41) || \
    defined(FACENN_SIMD_NEON64)
#define FACENN_SIMD_ANY 1
#include "add.hpp"
#include "conv.hpp"
#include "depthwise_conv.hpp"
#include "pad.hpp"
#include "pool.hpp"
#endif
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace facenn::kernels {

namespace simd {
template <class... I>
struct IsaList {};
// Every ISA this translation unit was compiled for, best first.
using CompiledIsas = IsaList<
#if defined(FACENN_SIMD_AVX512VNNI_VBMI)
    Avx512VnniVbmi,
#endif
#if defined(FACENN_SIMD_AVX512VNNI)
    Avx512Vnni,
#endif
#if defined(FACENN_SIMD_AVX2)
    Avx2,
#endif
#if defined(FACENN_SIMD_SSE41)
    Sse41,
#endif
#if defined(FACENN_SIMD_NEON64)
    Neon64,
#endif
    void>;
}  // namespace simd

#if defined(FACENN_SIMD_ANY)

template <class Isa>
struct SimdBackend : Reference {
  static constexpr const char* name = Isa::name;
  using isa = Isa;

  static void conv2d_s8(const ConvGeometry& g, const std::int8_t* in, std::int32_t in_zp, const std::int8_t* w,
                        const std::int32_t* bias, const Int8OutputStage& st, std::int8_t* out) noexcept {
    if (!simd::conv2d_s8_unpacked<Isa>(g, in, in_zp, w, bias, st, out)) {
      reference::conv2d_s8(g, in, in_zp, w, bias, st, out);
    }
  }
  // Per-layer entry point: W's filter is packed at compile time for this ISA.
  template <class W>
  static void conv2d_s8(const ConvGeometry& g, const std::int8_t* in, std::int32_t in_zp, const std::int8_t* w,
                        const std::int32_t* bias, const Int8OutputStage& st, std::int8_t* out) noexcept {
    if constexpr (simd::packable_conv<W>) {
      if (w == W::filter && simd::conv2d_s8_packed<Isa, W>(g, in, in_zp, st, out)) return;
    }
    conv2d_s8(g, in, in_zp, w, bias, st, out);
  }

  static void depthwise_conv2d_s8(const ConvGeometry& g, const std::int8_t* in, std::int32_t in_zp,
                                  const std::int8_t* w, const std::int32_t* bias, const Int8OutputStage& st,
                                  std::int8_t* out) noexcept {
    if (!simd::depthwise_conv2d_s8<Isa>(g, in, in_zp, w, bias, st, out)) {
      reference::depthwise_conv2d_s8(g, in, in_zp, w, bias, st, out);
    }
  }
  template <class W>
  static void depthwise_conv2d_s8(const ConvGeometry& g, const std::int8_t* in, std::int32_t in_zp,
                                  const std::int8_t* w, const std::int32_t* bias, const Int8OutputStage& st,
                                  std::int8_t* out) noexcept {
    depthwise_conv2d_s8(g, in, in_zp, w, bias, st, out);
  }

  static void fully_connected_s8(int n_in, int n_out, const std::int8_t* in, std::int32_t in_zp,
                                 const std::int8_t* w, const std::int32_t* bias, const Int8OutputStage& st,
                                 std::int8_t* out) noexcept {
    const ConvGeometry g{1, 1, n_in, 1, 1, n_out, 1, 1, 1, 1, 0, 0};
    if (!simd::conv2d_s8_unpacked<Isa>(g, in, in_zp, w, bias, st, out)) {
      reference::fully_connected_s8(n_in, n_out, in, in_zp, w, bias, st, out);
    }
  }
  template <class W>
  static void fully_connected_s8(int n_in, int n_out, const std::int8_t* in, std::int32_t in_zp,
                                 const std::int8_t* w, const std::int32_t* bias, const Int8OutputStage& st,
                                 std::int8_t* out) noexcept {
    if constexpr (simd::packable_conv<W>) {
      const ConvGeometry g{1, 1, n_in, 1, 1, n_out, 1, 1, 1, 1, 0, 0};
      if (w == W::filter && simd::conv2d_s8_packed<Isa, W>(g, in, in_zp, st, out)) return;
    }
    fully_connected_s8(n_in, n_out, in, in_zp, w, bias, st, out);
  }

  static void add_s8(std::size_t n, int channels, const std::int8_t* a, const std::int8_t* b, const AddParams& p,
                     const Int8OutputStage& st, std::int8_t* out) noexcept {
    if (!simd::add_s8<Isa>(n, channels, a, b, p, st, out)) reference::add_s8(n, channels, a, b, p, st, out);
  }
  static void prelu_s8(std::size_t n, int channels, const std::int8_t* in, const PReluParams& p,
                       std::int8_t* out) noexcept {
    if (!simd::prelu_s8<Isa>(n, channels, in, p, out)) reference::prelu_s8(n, channels, in, p, out);
  }
  template <class T>
  static void max_pool(const PoolGeometry& g, const T* in, T* out) noexcept {
    if constexpr (std::is_same_v<T, std::int8_t>) simd::max_pool_s8<Isa>(g, in, out);
    else reference::max_pool(g, in, out);
  }
  template <class T>
  static void pad(int in_h, int in_w, int in_c, int top, int left, int out_h, int out_w, int out_c, T fill,
                  const T* in, T* out) noexcept {
    if constexpr (sizeof(T) == 1) simd::pad_bytes_isa<Isa>(in_h, in_w, in_c, top, left, out_h, out_w, out_c, fill, in, out);
    else reference::pad(in_h, in_w, in_c, top, left, out_h, out_w, out_c, fill, in, out);
  }
};

template <class List>
struct SimdBackendOfBest;
template <class First, class... Rest>
struct SimdBackendOfBest<simd::IsaList<First, Rest...>> {
  using type = SimdBackend<First>;
};

// The best ISA of this build.
struct Simd : SimdBackendOfBest<simd::CompiledIsas>::type {};

#else

// No SIMD ISA in this build (no xsimd, or a target below SSE4.1): Simd is the reference.
struct Simd : Reference {
  static constexpr const char* name = "reference (no SIMD ISA compiled in)";
};

#endif

}  // namespace facenn::kernels
