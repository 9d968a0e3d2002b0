// Runtime parameter blocks shared by the reference and SIMD kernels.
//
// Kernels take plain dimensions at run time (not template parameters) so one compiled kernel serves
// every layer of a network: on a microcontroller, code size matters more than the last percent.
// Layers fill these blocks from compile-time constants, so the compiler still sees them as constants
// wherever it inlines.
#pragma once

#include <cstdint>

namespace facenn::kernels {

struct ConvGeometry {
  int in_h, in_w, in_c;
  int out_h, out_w, out_c;
  int kernel_h, kernel_w;
  int stride_h, stride_w;
  int pad_top, pad_left;  // bottom/right padding is implied by the output size
};

struct PoolGeometry {
  int in_h, in_w, channels;
  int out_h, out_w;
  int window_h, window_w;
  int stride_h, stride_w;
  int pad_top, pad_left;
};

// Residual add (contract.md, "Add"): both inputs rescaled to a common scale with `left_shift` bits
// of headroom, summed, then sent through the output stage.
struct AddParams {
  std::int32_t input1_zero_point, input2_zero_point;
  std::int32_t input1_multiplier, input1_shift;
  std::int32_t input2_multiplier, input2_shift;
  int left_shift;
};

struct PReluParams {
  std::int32_t input_zero_point;
  std::int32_t pos_multiplier, pos_shift;
  const std::int32_t* neg_multiplier;  // [channels]
  const std::int32_t* neg_shift;       // [channels]
  std::int32_t output_zero_point;
};

}  // namespace facenn::kernels
