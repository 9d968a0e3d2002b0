// landmarks35_60 — a 35-point face landmark regressor in the form of OpenVINO's facial-landmarks-35-adas,
// trained in this repository, as a facenn static type.
//
// Model card
//   Source     trained here: models/landmarks35_60/train.py (fp32, then QAT with facenn's int8 arithmetic as
//              fake quantization), exported by models/landmarks35_60/export.py -> <facenn/weights/landmarks35_60.hpp>
//   Data       ../shared/data/train68: 909 faces of the HELEN training set and the LFPW training set with the
//              300-W (iBUG) 68-point annotation, 35-point labels derived from the 68 (models/common/train_utils.py
//              to35). The photos belong to their authors and the annotations to the 300-W / HELEN / LFPW authors;
//              they are published for research only. Like dlib's 68-point predictor trained on iBUG 300-W, these
//              weights inherit that restriction: research / non-commercial use unless you have your own rights
//              to the training data. (The code is the project's licence.)
//   Input      60x60x3 RGB crop of the face square: centre = centre of the tight box of the face's 68 points,
//              side = 1.25 x max(box width, box height), axis-aligned, corner-to-corner bilinear
//              (facenn::crop_rotated_rect with RotatedRect{cx, cy, side, side, 0}). Float: (pixel - 128) / 255.
//              Int8: q = pixel - 128 (scale 1/255, zero point 0: every pixel maps exactly).
//   Output     1x1x70: 35 (x, y) interleaved, normalized to the crop's outer edges (0 = left / top edge of the
//              crop, 1 = right / bottom edge), OpenVINO facial-landmarks-35-adas order (see docs/models/landmarks35_60.md).
//              Int8: dequantize with q_fc2. Image point = rect_normalized_to_image(rect) applied to (x, y).
//   Size       see docs/models/landmarks35_60.md: 5 convolutions 3x3 (ReLU), 4 max pools, 2 FC
//   Accuracy   LFPW test (13 scored points, inter-ocular NME): docs/models/landmarks35_60.md, docs/quantization.md
//
// Graph (SAME padding everywhere):
//   input 60x60x3
//   conv1 3x3 + ReLU 60x60x16,  max pool 2x2/2  30x30x16
//   conv2 3x3 + ReLU 30x30x24,  max pool 2x2/2  15x15x24
//   conv3 3x3 + ReLU 15x15x48,  max pool 2x2/2   8x8x48
//   conv4 3x3 + ReLU  8x8x64,   max pool 2x2/2   4x4x64
//   conv5 3x3 + ReLU  4x4x128
//   fc1 2048 -> 256 + ReLU, fc2 256 -> 70
#pragma once

#include <facenn/core.hpp>
#include <facenn/weights/landmarks35_60.hpp>

namespace facenn::models {

namespace landmarks35_60_graph {
namespace W = facenn::weights::landmarks35_60;

template <class T, class CW>
using ConvPool = Sequential<Conv<T, CW, Stride<1>, Padding::Same>, MaxPool<T, Window<2>, Stride<2>, Padding::Same>>;

}  // namespace landmarks35_60_graph

template <class T>
using Landmarks35Net = Network<TensorSpec<T, Shape<60, 60, 3>, weights::landmarks35_60::q_input>,
                               landmarks35_60_graph::ConvPool<T, weights::landmarks35_60::conv1>,   // 30x30x16
                               landmarks35_60_graph::ConvPool<T, weights::landmarks35_60::conv2>,   // 15x15x24
                               landmarks35_60_graph::ConvPool<T, weights::landmarks35_60::conv3>,   // 8x8x48
                               landmarks35_60_graph::ConvPool<T, weights::landmarks35_60::conv4>,   // 4x4x64
                               Conv<T, weights::landmarks35_60::conv5, Stride<1>, Padding::Same>,   // 4x4x128
                               FullyConnected<T, weights::landmarks35_60::fc1>,                     // 256, ReLU
                               FullyConnected<T, weights::landmarks35_60::fc2>>;                    // 70

// The crop rule (shared with models/common/train_utils.py face_rect): the square around a face box
// (x0, y0, x1, y1), side = kLandmarks35CropScale x the longer box side. Trained and evaluated with the tight box of
// the 68 labelled points; from a BlazeFace detection use models::trained_crop_from_detection
// (<facenn/models/trained_crop.hpp>, a map fitted on the training set).
inline constexpr float kLandmarks35CropScale = 1.25f;

}  // namespace facenn::models
