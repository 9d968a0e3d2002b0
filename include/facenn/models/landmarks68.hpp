// face-api 68-point landmarks (FaceLandmark68Net) as a facenn static type.
//
// Model card
//   Source     @vladmandic/face-api@1.7.15 (npm), model/face_landmark_68_model-weights_manifest.json
//              (sha256 ca4886639f86e99b39fed0c155f81b63317225773bd9616716e887b0153389c9) +
//              model/face_landmark_68_model.bin (sha256 4611ef65c87d836d03d684b30eec4d195d8b219fa1dd58fc58945831c6b9299b);
//              graph as defined in face-api's src/faceFeatureExtractor + src/faceLandmarkNet
//   License    MIT (@vladmandic/face-api; original face-api.js by Vincent Muehler)
//   Converter  models/landmarks68/convert.py -> <facenn/weights/landmarks68.hpp>; docs/models/landmarks68.md
//   Input      112x112x3 RGB, a square face crop (face-api: box around the face, zero padding to a square,
//              bilinear resize to 112).
//              Float: pixels 0..255 (the network normalises: input_norm = (x - [122.782, 117.001, 104.298]) / 255).
//              Int8:  q = pixel - 128 (q_input: scale 1, zero point -128; exact). The normalisation stays a layer
//                     (1x1 depthwise conv) because the first conv pads with zeros *after* normalising: folding the
//                     mean into that conv would be wrong on its bottom row / right column.
//   Output     1x1x136: 68 points, (x, y) interleaved, in 0..1 of the input crop (iBUG 300-W order:
//              0-16 jaw, 17-26 brows, 27-35 nose, 36-47 eyes, 48-67 mouth). Int8: dequantize with q_fc.
//              Crop coordinates: x_px = out[2i] * 112 (or * crop side in the source image).
//   Size       356,840 parameters, 51.6 M MACs; 16 convolutions (1 full 3x3, 15 depthwise-separable), 12 adds,
//              4 dense blocks, mean, FC 256 -> 136
//   Accuracy   Float vs the original TFJS model: relative error ~1e-7. Int8 vs float: docs/models/landmarks68.md.
//
// Graph (each dense block halves H and W):
//
//   input 112x112x3 -> input_norm (1x1 depthwise)                                      112x112x3
//   dense0: out1 = ReLU(conv 3x3/2)                                                    56x56x32
//           s2 = out1 + sep(out1); s3 = s2 + sep(ReLU(s2)); y = ReLU(s3 + sep(ReLU(s3)))
//   dense1: out1 = ReLU(sep/2), then the same three skips                              28x28x64
//   dense2:                                                                            14x14x128
//   dense3:                                                                            7x7x256
//   global_mean (7x7 depthwise 1/49: face-api's avgPool 7x7)                           1x1x256
//   fc                                                                                 1x1x136
//   sep(x) = pointwise 1x1 + bias (depthwise 3x3 SAME, no bias, no activation (x)).
//   face-api writes the skips as out1 + out2 + out3 + out4 with ReLU'd partial sums feeding the next conv;
//   s_k is that partial sum before its ReLU.
#pragma once

#include <facenn/core.hpp>
#include <facenn/weights/landmarks68.hpp>

namespace facenn::models {

namespace faceapi_dense {

// face-api's separable conv: depthwise 3x3 (SAME, no bias) then pointwise 1x1 with bias
// (the pointwise conv of a block's first layer also carries the block's ReLU).
template <class T, class DW, class PW, int S>
using SeparableConv = Sequential<DepthwiseConv<T, DW, Stride<S>, Padding::Same>,  //
                                 Conv<T, PW, Stride<1>, Padding::Valid>>;

// s2 = out1 + sep(out1): out1 is already ReLU'd
template <class T, class DW, class PW, class AddW>
using Skip = Residual<SeparableConv<T, DW, PW, 1>, Identity, Add<T, AddW>>;

// s_{k+1} = s_k + sep(ReLU(s_k)); the last one of a block fuses the block's output ReLU into its Add
template <class T, class DW, class PW, class AddW>
using SkipRelu = Residual<Sequential<Relu<T>, SeparableConv<T, DW, PW, 1>>, Identity, Add<T, AddW>>;

}  // namespace faceapi_dense

namespace landmarks68_graph {
namespace W = facenn::weights::landmarks68;
using faceapi_dense::SeparableConv;
using faceapi_dense::Skip;
using faceapi_dense::SkipRelu;

// 112x112x3 -> 56x56x32
template <class T>
using Dense0 = Sequential<Conv<T, W::dense0_conv0, Stride<2>, Padding::Same>,           // out1 = ReLU(conv 3x3/2)
                          Skip<T, W::dense0_conv1_dw, W::dense0_conv1_pw, W::dense0_add1>,        // s2
                          SkipRelu<T, W::dense0_conv2_dw, W::dense0_conv2_pw, W::dense0_add2>,    // s3
                          SkipRelu<T, W::dense0_conv3_dw, W::dense0_conv3_pw, W::dense0_add3>>;   // ReLU(s4)

// 56x56x32 -> 28x28x64
template <class T>
using Dense1 = Sequential<SeparableConv<T, W::dense1_conv0_dw, W::dense1_conv0_pw, 2>,  // out1 = ReLU(sep/2)
                          Skip<T, W::dense1_conv1_dw, W::dense1_conv1_pw, W::dense1_add1>,
                          SkipRelu<T, W::dense1_conv2_dw, W::dense1_conv2_pw, W::dense1_add2>,
                          SkipRelu<T, W::dense1_conv3_dw, W::dense1_conv3_pw, W::dense1_add3>>;

// 28x28x64 -> 14x14x128
template <class T>
using Dense2 = Sequential<SeparableConv<T, W::dense2_conv0_dw, W::dense2_conv0_pw, 2>,
                          Skip<T, W::dense2_conv1_dw, W::dense2_conv1_pw, W::dense2_add1>,
                          SkipRelu<T, W::dense2_conv2_dw, W::dense2_conv2_pw, W::dense2_add2>,
                          SkipRelu<T, W::dense2_conv3_dw, W::dense2_conv3_pw, W::dense2_add3>>;

// 14x14x128 -> 7x7x256
template <class T>
using Dense3 = Sequential<SeparableConv<T, W::dense3_conv0_dw, W::dense3_conv0_pw, 2>,
                          Skip<T, W::dense3_conv1_dw, W::dense3_conv1_pw, W::dense3_add1>,
                          SkipRelu<T, W::dense3_conv2_dw, W::dense3_conv2_pw, W::dense3_add2>,
                          SkipRelu<T, W::dense3_conv3_dw, W::dense3_conv3_pw, W::dense3_add3>>;

}  // namespace landmarks68_graph

// The pixel offset of the int8 input: q = pixel + kLandmarks68Int8PixelOffset.
inline constexpr int kLandmarks68Int8PixelOffset = -128;

// 112x112x3 RGB -> 1x1x136 (68 interleaved (x, y) in 0..1 of the crop)
template <class T>
using Landmarks68Net =
    Network<TensorSpec<T, Shape<112, 112, 3>, weights::landmarks68::q_input>,
            DepthwiseConv<T, weights::landmarks68::input_norm, Stride<1>, Padding::Valid>,    // (x - mean) / 255
            landmarks68_graph::Dense0<T>,                                                      // 56x56x32
            landmarks68_graph::Dense1<T>,                                                      // 28x28x64
            landmarks68_graph::Dense2<T>,                                                      // 14x14x128
            landmarks68_graph::Dense3<T>,                                                      // 7x7x256
            DepthwiseConv<T, weights::landmarks68::global_mean, Stride<1>, Padding::Valid>,   // 1x1x256 mean
            FullyConnected<T, weights::landmarks68::fc>>;                                      // 1x1x136

}  // namespace facenn::models
