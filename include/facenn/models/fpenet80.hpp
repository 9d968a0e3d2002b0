// fpenet80 — a 68-point face keypoint network in the form of NVIDIA's FPENet (grayscale crop -> keypoint
// heatmaps + per-keypoint confidence), trained in this repository, as a facenn static type.
//
// Model card
//   Source     trained here: models/fpenet80/train.py (fp32, then QAT with facenn's int8 arithmetic as fake
//              quantization), exported by models/fpenet80/export.py -> <facenn/weights/fpenet80.hpp>
//   Data       ../shared/data/train68: 909 faces of the HELEN training set and the LFPW training set with the
//              300-W (iBUG) 68-point annotation. The photos belong to their authors and the annotations to the
//              300-W / HELEN / LFPW authors; they are published for research only. Like dlib's 68-point predictor
//              trained on iBUG 300-W, these weights inherit that restriction: research / non-commercial use unless
//              you have your own rights to the training data. (The code is the project's licence.)
//   Input      80x80x1 grey crop (luma 0.299 R + 0.587 G + 0.114 B of the RGB crop) of the face square:
//              centre = centre of the tight box of the face's 68 points, side = 1.25 x max(box width, height),
//              axis-aligned, corner-to-corner bilinear (facenn::crop_rotated_rect). Float: (pixel - 128) / 255.
//              Int8: q = pixel - 128 (scale 1/255, zero point 0: exact).
//   Output     20x20x68 heatmap logits (HWC; one channel per iBUG 68-point keypoint), 1/4 of the input
//              resolution. fpenet80_decode turns them into 68 points (soft-argmax: the expectation of the cell
//              centres under softmax(logits), normalized to the crop's outer edges) and a confidence per point
//              from the spread of that distribution (Spearman rho with -error: docs/models/fpenet80.md).
//   Accuracy   LFPW test (68 points, inter-ocular NME): docs/models/fpenet80.md, docs/quantization.md
//
// Graph: an encoder / decoder in the spirit of Recombinator networks (coarse features brought back to the fine
// resolution and merged with it), with facenn ops only. 2x upsampling is a learned sub-pixel convolution (Up2):
// two 1x1 convs give the even and odd output rows, each with 2C channels that a Reshape turns into pairs of
// neighbouring columns; PadSpatial + Add put the two side by side and a last Reshape stacks them as rows.
//
//   input 80x80x1
//   conv1 3x3/2 + ReLU                                     40x40x16
//   enc40: depthwise 3x3 + ReLU, 1x1 + ReLU                 40x40x32
//   down20: depthwise 3x3/2 + ReLU, 1x1 + ReLU              20x20x64
//   enc20: Block (x + 1x1(dw 3x3(x)), ReLU)                 20x20x64
//   merge20 = ReLU(lat20 1x1 (20x20x48) + Up2(                                         <- decoder from 10x10
//       down10 (dw 3x3/2, 1x1 -> 96), enc10 Block           10x10x96
//       merge10 = ReLU(lat10 1x1 (10x10x64) + Up2(down5 (dw 3x3/2, 1x1 -> 128), conv5 3x3 (5x5x128)))
//       dec10 Block                                         10x10x64
//     ))                                                    20x20x48
//   dec20 Block, head depthwise 3x3 + ReLU                  20x20x48
//   heatmap 1x1                                             20x20x68 logits
#pragma once

#include <cmath>
#include <cstdint>

#include <facenn/core.hpp>
#include <facenn/weights/fpenet80.hpp>

namespace facenn::models {

namespace fpenet80_graph {
namespace W = facenn::weights::fpenet80;

template <class T, class DW, class PW, int S>
using SeparableConv = Sequential<DepthwiseConv<T, DW, Stride<S>, Padding::Same>,  //
                                 Conv<T, PW, Stride<1>, Padding::Same>>;

// x -> ReLU(x + pw(dw(x)))
template <class T, class DW, class PW, class AddW>
using Block = Residual<SeparableConv<T, DW, PW, 1>, Identity, Add<T, AddW>>;

// Learned 2x upsampling, H x W x Cin -> 2H x 2W x C (models/common/train_utils.py up2).
template <class T, class EvenW, class OddW, class AddW, int H, int Wd, int C>
using Up2 = Sequential<
    Residual<Sequential<Conv<T, EvenW, Stride<1>, Padding::Same>, Reshape<T, Shape<H, 2 * Wd, C>>,
                        PadSpatial<T, 0, 0, 0, 2 * Wd>>,                                  // [even rows | 0]
             Sequential<Conv<T, OddW, Stride<1>, Padding::Same>, Reshape<T, Shape<H, 2 * Wd, C>>,
                        PadSpatial<T, 0, 0, 2 * Wd, 0>>,                                  // [0 | odd rows]
             Add<T, AddW>>,                                                               // H x 4W x C
    Reshape<T, Shape<2 * H, 2 * Wd, C>>>;

// 10x10x96 -> 10x10x64: the 5x5 bottleneck and back
template <class T>
using Merge10 = Residual<Sequential<SeparableConv<T, W::down5_dw, W::down5_pw, 2>,          // 5x5x128
                                    Conv<T, W::conv5, Stride<1>, Padding::Same>,              // 5x5x128
                                    Up2<T, W::up10_even, W::up10_odd, W::up10, 5, 5, 64>>,    // 10x10x64
                         Conv<T, W::lat10, Stride<1>, Padding::Same>,                         // 10x10x64
                         Add<T, W::merge10>>;

// 20x20x64 -> 20x20x48: the 10x10 stage and back
template <class T>
using Merge20 = Residual<Sequential<SeparableConv<T, W::down10_dw, W::down10_pw, 2>,        // 10x10x96
                                    Block<T, W::enc10_dw, W::enc10_pw, W::enc10_add>,         //
                                    Merge10<T>,                                               // 10x10x64
                                    Block<T, W::dec10_dw, W::dec10_pw, W::dec10_add>,         //
                                    Up2<T, W::up20_even, W::up20_odd, W::up20, 10, 10, 48>>,  // 20x20x48
                         Conv<T, W::lat20, Stride<1>, Padding::Same>,                         // 20x20x48
                         Add<T, W::merge20>>;

}  // namespace fpenet80_graph

template <class T>
using Fpenet80Net = Network<
    TensorSpec<T, Shape<80, 80, 1>, weights::fpenet80::q_input>,
    Conv<T, weights::fpenet80::conv1, Stride<2>, Padding::Same>,                                              // 40x40x16
    fpenet80_graph::SeparableConv<T, weights::fpenet80::enc40_dw, weights::fpenet80::enc40_pw, 1>,           // 40x40x32
    fpenet80_graph::SeparableConv<T, weights::fpenet80::down20_dw, weights::fpenet80::down20_pw, 2>,         // 20x20x64
    fpenet80_graph::Block<T, weights::fpenet80::enc20_dw, weights::fpenet80::enc20_pw, weights::fpenet80::enc20_add>,
    fpenet80_graph::Merge20<T>,                                                                               // 20x20x48
    fpenet80_graph::Block<T, weights::fpenet80::dec20_dw, weights::fpenet80::dec20_pw, weights::fpenet80::dec20_add>,
    DepthwiseConv<T, weights::fpenet80::head_dw, Stride<1>, Padding::Same>,                                  // 20x20x48
    Conv<T, weights::fpenet80::heatmap, Stride<1>, Padding::Same>>;                                          // 20x20x68

inline constexpr int kFpenet80Heatmap = 20;      // heatmap side (cells of 4 input pixels)
inline constexpr int kFpenet80Keypoints = 68;
// The crop is the landmarks35_60 one (side = 1.25 x the longer side of the 68 points' box); from a BlazeFace
// detection use models::trained_crop_from_detection (<facenn/models/trained_crop.hpp>).
inline constexpr float kFpenet80CropScale = 1.25f;

// A decoded keypoint: x, y normalized to the crop's outer edges (0 = left / top edge, 1 = right / bottom edge;
// image point = rect_normalized_to_image(rect) applied to (x, y)); spread = sqrt(var x + var y) of the softmax
// distribution in pixels of the 80 px crop (its uncertainty); confidence = exp(-spread / 4 px), in (0, 1].
struct Fpenet80Keypoint {
  float x = 0.0f;
  float y = 0.0f;
  float confidence = 0.0f;
  float spread = 0.0f;
};

inline constexpr double kFpenet80SpreadRefPx = 4.0;   // one heatmap cell

namespace fpenet80_graph {
// Soft-argmax of one keypoint's channel; logit(i) returns the float logit of cell i (row-major 20x20).
// Double accumulation, the max logit subtracted (the numpy decoder in models/fpenet80/export.py, same formulas).
template <class Logit>
inline Fpenet80Keypoint soft_argmax(Logit logit) noexcept {
  constexpr int H = kFpenet80Heatmap;
  double m = logit(0);
  for (int i = 1; i < H * H; ++i) m = logit(i) > m ? logit(i) : m;
  double z = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0;
  for (int r = 0; r < H; ++r) {
    const double cy = (r + 0.5) / H;
    for (int c = 0; c < H; ++c) {
      const double cx = (c + 0.5) / H;
      const double e = std::exp(logit(r * H + c) - m);
      z += e;
      sx += e * cx;
      sy += e * cy;
      sxx += e * cx * cx;
      syy += e * cy * cy;
    }
  }
  const double x = sx / z, y = sy / z;
  const double var = sxx / z - x * x + syy / z - y * y;
  const double spread = std::sqrt(var > 0.0 ? var : 0.0) * 80.0;
  return {static_cast<float>(x), static_cast<float>(y), static_cast<float>(std::exp(-spread / kFpenet80SpreadRefPx)),
          static_cast<float>(spread)};
}
}  // namespace fpenet80_graph

// Decodes the float network's output (20x20x68 HWC logits) into 68 keypoints.
inline void fpenet80_decode(const float* logits, Fpenet80Keypoint* out) noexcept {
  for (int k = 0; k < kFpenet80Keypoints; ++k)
    out[k] = fpenet80_graph::soft_argmax(
        [&](int i) { return static_cast<double>(logits[i * kFpenet80Keypoints + k]); });
}

// Decodes the int8 network's output (dequantized with q_heatmap on the fly; no buffer) into 68 keypoints.
inline void fpenet80_decode(const std::int8_t* logits, Fpenet80Keypoint* out) noexcept {
  using Q = weights::fpenet80::q_heatmap;
  for (int k = 0; k < kFpenet80Keypoints; ++k)
    out[k] = fpenet80_graph::soft_argmax([&](int i) {
      const float v = static_cast<float>(logits[i * kFpenet80Keypoints + k] - Q::zero_point) * Q::scale;
      return static_cast<double>(v);
    });
}

}  // namespace facenn::models
