// face-api 68-point landmarks, tiny variant (FaceLandmark68TinyNet) as a facenn static type.
//
// Model card
//   Source     @vladmandic/face-api@1.7.15 (npm), model/face_landmark_68_tiny_model-weights_manifest.json
//              (sha256 9a1a5dd19fd814fd5095c3cb58f8e0d3193b8c5b9a6715b30a69d559aea31ad4) +
//              model/face_landmark_68_tiny_model.bin (sha256 b98e9f2f7da76f8a6dda9741a36ed485b224b889d552de2b2c1bb16217f67bfc);
//              graph as defined in face-api's src/faceFeatureExtractor/TinyFaceFeatureExtractor + denseBlock3
//   License    MIT (@vladmandic/face-api; original face-api.js by Vincent Muehler)
//   Converter  models/landmarks68_tiny/convert.py -> <facenn/weights/landmarks68_tiny.hpp>; docs/models/landmarks68.md
//   Input      112x112x3 RGB face crop, as Landmarks68Net (<facenn/models/landmarks68.hpp>):
//              Float: pixels 0..255; Int8: q = pixel - 128 (scale 1, zero point -128).
//   Output     1x1x136: 68 (x, y) interleaved in 0..1 of the crop (iBUG 300-W order). Int8: dequantize with q_fc.
//   Size       77,224 parameters, 28.8 M MACs; 9 convolutions (1 full 3x3, 8 depthwise-separable), 6 adds,
//              3 dense blocks of 3 convs, mean, FC 128 -> 136
//   Accuracy   Float vs the original TFJS model: relative error ~1e-7. Int8 vs float: docs/models/landmarks68.md.
//
// Graph:
//   input 112x112x3 -> input_norm (1x1 depthwise, (x - mean) / 255)                   112x112x3
//   dense0: out1 = ReLU(conv 3x3/2); s2 = out1 + sep(out1); y = ReLU(s2 + sep(ReLU(s2)))   56x56x32
//   dense1: out1 = ReLU(sep/2), then the same two skips                                 28x28x64
//   dense2:                                                                             14x14x128
//   global_mean (14x14 depthwise 1/196: face-api's avgPool 14x14)                       1x1x128
//   fc                                                                                  1x1x136
#pragma once

#include <facenn/core.hpp>
#include <facenn/weights/landmarks68_tiny.hpp>

namespace facenn::models {

namespace landmarks68_tiny_graph {
namespace W = facenn::weights::landmarks68_tiny;

// the building blocks of <facenn/models/landmarks68.hpp> (repeated so that this header does not pull the
// full model's weights): depthwise 3x3 + pointwise 1x1 (+ bias), and the two kinds of dense skip
template <class T, class DW, class PW, int S>
using SeparableConv = Sequential<DepthwiseConv<T, DW, Stride<S>, Padding::Same>,  //
                                 Conv<T, PW, Stride<1>, Padding::Valid>>;
template <class T, class DW, class PW, class AddW>
using Skip = Residual<SeparableConv<T, DW, PW, 1>, Identity, Add<T, AddW>>;                          // s + sep(s)
template <class T, class DW, class PW, class AddW>
using SkipRelu = Residual<Sequential<Relu<T>, SeparableConv<T, DW, PW, 1>>, Identity, Add<T, AddW>>;  // s + sep(ReLU(s))

// 112x112x3 -> 56x56x32
template <class T>
using Dense0 = Sequential<Conv<T, W::dense0_conv0, Stride<2>, Padding::Same>,            // out1 = ReLU(conv 3x3/2)
                          Skip<T, W::dense0_conv1_dw, W::dense0_conv1_pw, W::dense0_add1>,         // s2
                          SkipRelu<T, W::dense0_conv2_dw, W::dense0_conv2_pw, W::dense0_add2>>;    // ReLU(s3)

// 56x56x32 -> 28x28x64
template <class T>
using Dense1 = Sequential<SeparableConv<T, W::dense1_conv0_dw, W::dense1_conv0_pw, 2>,   // out1 = ReLU(sep/2)
                          Skip<T, W::dense1_conv1_dw, W::dense1_conv1_pw, W::dense1_add1>,
                          SkipRelu<T, W::dense1_conv2_dw, W::dense1_conv2_pw, W::dense1_add2>>;

// 28x28x64 -> 14x14x128
template <class T>
using Dense2 = Sequential<SeparableConv<T, W::dense2_conv0_dw, W::dense2_conv0_pw, 2>,
                          Skip<T, W::dense2_conv1_dw, W::dense2_conv1_pw, W::dense2_add1>,
                          SkipRelu<T, W::dense2_conv2_dw, W::dense2_conv2_pw, W::dense2_add2>>;

}  // namespace landmarks68_tiny_graph

// 112x112x3 RGB -> 1x1x136 (68 interleaved (x, y) in 0..1 of the crop); int8 input q = pixel - 128
template <class T>
using Landmarks68TinyNet =
    Network<TensorSpec<T, Shape<112, 112, 3>, weights::landmarks68_tiny::q_input>,
            DepthwiseConv<T, weights::landmarks68_tiny::input_norm, Stride<1>, Padding::Valid>,   // (x - mean) / 255
            landmarks68_tiny_graph::Dense0<T>,                                                     // 56x56x32
            landmarks68_tiny_graph::Dense1<T>,                                                     // 28x28x64
            landmarks68_tiny_graph::Dense2<T>,                                                     // 14x14x128
            DepthwiseConv<T, weights::landmarks68_tiny::global_mean, Stride<1>, Padding::Valid>,  // 1x1x128 mean
            FullyConnected<T, weights::landmarks68_tiny::fc>>;                                     // 1x1x136

}  // namespace facenn::models
