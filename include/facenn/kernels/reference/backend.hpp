// kernels::Reference: the backend made of the plain scalar kernels. Layers call kernels only through
// a backend type, so an optimized backend (kernels/simd/) can replace any subset of operators by
// deriving from Reference and hiding the functions it accelerates — without touching the layers.
#pragma once

#include "add.hpp"
#include "conv.hpp"
#include "depthwise_conv.hpp"
#include "elementwise.hpp"
#include "fully_connected.hpp"
#include "pad.hpp"
#include "pool.hpp"
#include "prelu.hpp"

namespace facenn::kernels {

struct Reference {
  static constexpr const char* name = "reference";

  static void conv2d_s8(const ConvGeometry& g, const std::int8_t* in, std::int32_t in_zp, const std::int8_t* w,
                        const std::int32_t* bias, const Int8OutputStage& st, std::int8_t* out) noexcept {
    reference::conv2d_s8(g, in, in_zp, w, bias, st, out);
  }
  template <class F>
  static void conv2d_f32(const ConvGeometry& g, const float* in, const F& w, const float* bias,
                         const FloatOutputStage& st, float* out) noexcept {
    reference::conv2d_f32(g, in, w, bias, st, out);
  }
  static void depthwise_conv2d_s8(const ConvGeometry& g, const std::int8_t* in, std::int32_t in_zp,
                                  const std::int8_t* w, const std::int32_t* bias, const Int8OutputStage& st,
                                  std::int8_t* out) noexcept {
    reference::depthwise_conv2d_s8(g, in, in_zp, w, bias, st, out);
  }
  // Per-layer entry points: the same operation, with the layer's generated weights struct W as a template
  // argument so that a backend can use a layout packed from W at compile time (kernels/simd/conv.hpp).
  // The reference ignores W. A backend that redeclares conv2d_s8 (or the others) hides both overloads
  // and must declare both.
  template <class W>
  static void conv2d_s8(const ConvGeometry& g, const std::int8_t* in, std::int32_t in_zp, const std::int8_t* w,
                        const std::int32_t* bias, const Int8OutputStage& st, std::int8_t* out) noexcept {
    reference::conv2d_s8(g, in, in_zp, w, bias, st, out);
  }
  template <class W>
  static void depthwise_conv2d_s8(const ConvGeometry& g, const std::int8_t* in, std::int32_t in_zp,
                                  const std::int8_t* w, const std::int32_t* bias, const Int8OutputStage& st,
                                  std::int8_t* out) noexcept {
    reference::depthwise_conv2d_s8(g, in, in_zp, w, bias, st, out);
  }
  template <class W>
  static void fully_connected_s8(int n_in, int n_out, const std::int8_t* in, std::int32_t in_zp,
                                 const std::int8_t* w, const std::int32_t* bias, const Int8OutputStage& st,
                                 std::int8_t* out) noexcept {
    reference::fully_connected_s8(n_in, n_out, in, in_zp, w, bias, st, out);
  }
  template <class F>
  static void depthwise_conv2d_f32(const ConvGeometry& g, const float* in, const F& w, const float* bias,
                                   const FloatOutputStage& st, float* out) noexcept {
    reference::depthwise_conv2d_f32(g, in, w, bias, st, out);
  }
  static void fully_connected_s8(int n_in, int n_out, const std::int8_t* in, std::int32_t in_zp,
                                 const std::int8_t* w, const std::int32_t* bias, const Int8OutputStage& st,
                                 std::int8_t* out) noexcept {
    reference::fully_connected_s8(n_in, n_out, in, in_zp, w, bias, st, out);
  }
  template <class F>
  static void fully_connected_f32(int n_in, int n_out, const float* in, const F& w, const float* bias,
                                  const FloatOutputStage& st, float* out) noexcept {
    reference::fully_connected_f32(n_in, n_out, in, w, bias, st, out);
  }
  static void add_s8(std::size_t n, int channels, const std::int8_t* a, const std::int8_t* b, const AddParams& p,
                     const Int8OutputStage& st, std::int8_t* out) noexcept {
    reference::add_s8(n, channels, a, b, p, st, out);
  }
  static void add_f32(std::size_t n, int channels, const float* a, const float* b, const FloatOutputStage& st,
                      float* out) noexcept {
    reference::add_f32(n, channels, a, b, st, out);
  }
  static void prelu_s8(std::size_t n, int channels, const std::int8_t* in, const PReluParams& p,
                       std::int8_t* out) noexcept {
    reference::prelu_s8(n, channels, in, p, out);
  }
  static void prelu_f32(std::size_t n, int channels, const float* in, const float* alpha, float* out) noexcept {
    reference::prelu_f32(n, channels, in, alpha, out);
  }
  template <class T>
  static void max_pool(const PoolGeometry& g, const T* in, T* out) noexcept {
    reference::max_pool(g, in, out);
  }
  static void avg_pool_s8(const PoolGeometry& g, const std::int8_t* in, std::int8_t* out) noexcept {
    reference::avg_pool_s8(g, in, out);
  }
  static void avg_pool_f32(const PoolGeometry& g, const float* in, float* out) noexcept {
    reference::avg_pool_f32(g, in, out);
  }
  template <class T>
  static void pad(int in_h, int in_w, int in_c, int top, int left, int out_h, int out_w, int out_c, T fill,
                  const T* in, T* out) noexcept {
    reference::pad(in_h, in_w, in_c, top, left, out_h, out_w, out_c, fill, in, out);
  }
  static void lut_s8(std::size_t n, const std::int8_t* table, const std::int8_t* in, std::int8_t* out) noexcept {
    reference::lut_s8(n, table, in, out);
  }
  static void sigmoid_f32(std::size_t n, const float* in, float* out) noexcept { reference::sigmoid_f32(n, in, out); }
};

// Declared here so that -DFACENN_DEFAULT_BACKEND=facenn::kernels::Simd names a known type; defined in
// kernels/simd/backend.hpp, which must be included before infer() is instantiated.
struct Simd;

// The backend a network uses when the caller does not name one. kernels/simd/ redefines the choice
// (FACENN_DEFAULT_BACKEND) once optimized kernels exist for the target.
#ifndef FACENN_DEFAULT_BACKEND
using DefaultBackend = Reference;
#else
using DefaultBackend = FACENN_DEFAULT_BACKEND;
#endif

}  // namespace facenn::kernels
