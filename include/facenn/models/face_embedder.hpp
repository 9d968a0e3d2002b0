// Face embedder: face-api's FaceRecognitionNet (dlib's ResNet-34-like face descriptor) as a facenn static type.
//
// Model card
//   Source     @vladmandic/face-api@1.7.15 (npm), model/face_recognition_model-weights_manifest.json
//              (sha256 cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b) +
//              model/face_recognition_model.bin (sha256 b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589);
//              graph as defined in face-api's src/faceRecognitionNet
//   License    MIT (@vladmandic/face-api; face-api.js by Vincent Muehler). The weights are dlib's
//              dlib_face_recognition_resnet_model_v1 (Davis King), released into the public domain by the
//              davisking/dlib-models README. See docs/models/face_embedder.md.
//   Converter  models/face_embedder/convert.py -> <facenn/weights/face_embedder.hpp> (layer data) +
//              models/face_embedder/weights/*.bin (the weight blobs, turned into
//              <facenn/weights/face_embedder_blobs.hpp> by the build: models/face_embedder/face_embedder.cmake)
//   Input      150x150x3 RGB face chip (dlib: 5-point alignment, get_face_chip_details(150, 0.25); face-api.js:
//              box of the 68 landmarks + 20 %, zero-padded to a square, resized).
//              Float: pixels 0..255. Int8: q = pixel - 128 (q_input: scale 1, zero point -128; exact).
//              (x - [122.782, 117.001, 104.298]) / 255 is folded into the first conv (VALID: exact).
//   Output     1x1x128 face descriptor, not normalised (dlib's metric: L2 distance < 0.6 = same person;
//              cosine similarity works as well). Int8: dequantize with q_fc.
//   Size       5,614,592 parameters (5,607,616 after folding the scale layers), 270.9 M MACs; 29 convolutions
//              (each conv + bias + per-channel scale + shift folded into one), 14 residual adds, max pool,
//              4 average pools, mean, FC 256 -> 128 (no bias)
//   Accuracy   Float vs the original TFJS model: relative error ~1e-6. Int8 vs float: cosine >= 0.998
//              (docs/models/face_embedder.md).
//
// Graph:
//   input 150x150x3
//   conv32_down 7x7/2 VALID + ReLU                                      72x72x32
//   max pool 3x3/2 VALID                                                35x35x32
//   3 x ResBlock  ReLU(x + conv3x3(ReLU(conv3x3(x))))                   35x35x32
//   DownBlock 32 -> 64   main: conv3x3/2 VALID + ReLU, conv3x3;         17x17x64
//                        shortcut: avg pool 2x2/2 + 32 zero channels
//   3 x ResBlock                                                        17x17x64
//   DownBlock 64 -> 128, 2 x ResBlock                                   8x8x128
//   DownBlock 128 -> 256 (main path 3x3 gets a zero row / column at the bottom / right: 4x4)  4x4x256
//   2 x ResBlock                                                        4x4x256
//   DownBlock 256 -> 256 (main 1x1 padded to 2x2, no channel padding)   2x2x256
//   global_mean (2x2 depthwise 1/4: face-api's mean over H, W)          1x1x256
//   fc 256 -> 128                                                       1x1x128
#pragma once

#include <facenn/core.hpp>
#include <facenn/weights/face_embedder.hpp>

namespace facenn::models {

namespace face_embedder_graph {
namespace W = facenn::weights::face_embedder;

// ReLU(x + conv2(ReLU(conv1(x)))), 3x3 SAME convs (ReLUs fused into conv1 and the Add)
template <class T, class C1, class C2, class AddW>
using ResBlock = Residual<Sequential<Conv<T, C1, Stride<1>, Padding::Same>,  //
                                     Conv<T, C2, Stride<1>, Padding::Same>>,
                          Identity, Add<T, AddW>>;

// Halves H and W: main path conv 3x3/2 VALID + ReLU, conv 3x3 SAME (+ a zero row and column at the bottom /
// right when face-api's shape adjustment applies: PadH = 1); shortcut average pool 2x2/2 (+ Extra zero channels).
template <class T, class C1, class C2, class AddW, int Extra, int PadH>
using DownBlock = Residual<Sequential<Conv<T, C1, Stride<2>, Padding::Valid>,  //
                                      Conv<T, C2, Stride<1>, Padding::Same>,   //
                                      PadSpatial<T, 0, PadH, 0, PadH>>,
                           Sequential<AvgPool<T, Window<2>, Stride<2>, Padding::Valid>, PadChannels<T, Extra>>,
                           Add<T, AddW>>;

// 150x150x3 -> 35x35x32
template <class T>
using Stem = Sequential<Conv<T, W::conv32_down, Stride<2>, Padding::Valid>,           // 72x72x32, ReLU
                        MaxPool<T, Window<3>, Stride<2>, Padding::Valid>,             // 35x35x32
                        ResBlock<T, W::conv32_1_conv1, W::conv32_1_conv2, W::conv32_1_add>,
                        ResBlock<T, W::conv32_2_conv1, W::conv32_2_conv2, W::conv32_2_add>,
                        ResBlock<T, W::conv32_3_conv1, W::conv32_3_conv2, W::conv32_3_add>>;

// 35x35x32 -> 17x17x64 -> 8x8x128
template <class T>
using Middle = Sequential<
    DownBlock<T, W::conv64_down_conv1, W::conv64_down_conv2, W::conv64_down_add, 32, 0>,         // 17x17x64
    ResBlock<T, W::conv64_1_conv1, W::conv64_1_conv2, W::conv64_1_add>,                          //
    ResBlock<T, W::conv64_2_conv1, W::conv64_2_conv2, W::conv64_2_add>,                          //
    ResBlock<T, W::conv64_3_conv1, W::conv64_3_conv2, W::conv64_3_add>,                          //
    DownBlock<T, W::conv128_down_conv1, W::conv128_down_conv2, W::conv128_down_add, 64, 0>,      // 8x8x128
    ResBlock<T, W::conv128_1_conv1, W::conv128_1_conv2, W::conv128_1_add>,                       //
    ResBlock<T, W::conv128_2_conv1, W::conv128_2_conv2, W::conv128_2_add>>;                      //

// 8x8x128 -> 4x4x256 -> 2x2x256
template <class T>
using Tail = Sequential<
    DownBlock<T, W::conv256_down_conv1, W::conv256_down_conv2, W::conv256_down_add, 128, 1>,     // 4x4x256
    ResBlock<T, W::conv256_1_conv1, W::conv256_1_conv2, W::conv256_1_add>,                       //
    ResBlock<T, W::conv256_2_conv1, W::conv256_2_conv2, W::conv256_2_add>,                       //
    DownBlock<T, W::conv256_down_out_conv1, W::conv256_down_out_conv2, W::conv256_down_out_add, 0, 1>>;  // 2x2x256

}  // namespace face_embedder_graph

// The pixel offset of the int8 input: q = pixel + kFaceEmbedderInt8PixelOffset.
inline constexpr int kFaceEmbedderInt8PixelOffset = -128;

// 150x150x3 RGB face chip -> 1x1x128 descriptor
template <class T>
using FaceEmbedderNet =
    Network<TensorSpec<T, Shape<150, 150, 3>, weights::face_embedder::q_input>,
            face_embedder_graph::Stem<T>,                                                       // 35x35x32
            face_embedder_graph::Middle<T>,                                                     // 8x8x128
            face_embedder_graph::Tail<T>,                                                       // 2x2x256
            DepthwiseConv<T, weights::face_embedder::global_mean, Stride<1>, Padding::Valid>,  // 1x1x256 mean
            FullyConnected<T, weights::face_embedder::fc>>;                                     // 1x1x128

}  // namespace facenn::models
