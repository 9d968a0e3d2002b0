// FaceMesh-468 — MediaPipe's face landmark network (face_landmark.tflite) as a facenn static type.
//
// Model card
//   Source     @mediapipe/face_mesh@0.4.1633559619 (npm), face_mesh_solution_packed_assets.data ->
//              face_landmark.tflite, sha256 c603fa6149219a3e9487dc9abd7a0c24474c77263273d24868378cdf40aa26d1
//   License    Apache-2.0 (Google LLC / MediaPipe authors)
//   Converter  models/facemesh468/convert.py (converter v1) -> <facenn/weights/facemesh468.hpp>
//   Input      192x192x3 RGB crop of the face ROI (rotated so the eyes are level, side 1.5 x the detection
//              box). Float: pixel / 255 in [0, 1]. Int8: q = pixel - 128 (scale 1/255, zero point -128: every
//              pixel maps exactly, the pipeline's PixelQuantizer builds exactly this table).
//   Outputs    0: mesh   1x1x1404 = 468 landmarks x (x, y, z); x, y in crop pixels, z in the same unit,
//                        relative to the face's centre plane (negative = towards the camera)
//              1: flag   1x1x1 face-presence logit; score = sigmoid(flag)
//   Size       604,685 parameters (fp16 in the source), 35.0 M MACs; 45 convolutions, 20 residual adds,
//              23 PReLU (fused into the producing conv / add), 6 max pools, 3 channel pads
//   Accuracy   Float: max |diff| vs the upstream model (ONNX Runtime fp32) 7e-5 px.
//              Int8 vs Float: see docs/models/facemesh468.md (measured on held-out real crops).
//
// Graph (layer names are the TFLite tensor names; activations fused by the converter):
//
//   input 192x192x3
//   conv2d_1  3x3/2 + PReLU                                  96x96x16
//   2 x  Block      (depthwise 3x3 -> conv 1x1) + x, PReLU   96x96x16
//   DownBlock  16 -> 32   (stride-2 body, shortcut: max pool 2x2 + 16 zero channels)   48x48x32
//   2 x  Block                                               48x48x32
//   DownBlock  32 -> 64                                      24x24x64
//   2 x  Block                                               24x24x64
//   DownBlock  64 -> 128                                     12x12x128
//   2 x  Block                                               12x12x128
//   PoolBlock  128 (stride 2, shortcut: max pool only)       6x6x128
//   2 x  Block                                               6x6x128
//   +- mesh head: PoolBlock, 2 x Block (3x3x128) | conv2d_19 1x1 + PReLU (3x3x32), Block, conv2d_21 3x3/3 -> 1x1x1404
//   +- flag head: PoolBlock (3x3x128)            | conv2d_29 1x1 + PReLU (3x3x32), Block, conv2d_31 3x3/3 -> 1x1x1
//                                                ^ where FaceMesh468HybridNet switches to float
//
// Two instantiations, one graph:
//   FaceMesh468Net<Int8>   all int8 (contract arithmetic, bit-exact to the converter's numpy emulation)
//   FaceMesh468Net<Float>  the float reference (fp16 source weights, float activations)
// and a mixed variant:
//   FaceMesh468HybridNet   int8 input and trunk; each head dequantizes its 3x3x128 tensor (add_17 / add_23)
//                          and runs its tail in float: conv 1x1 + PReLU, one residual block, the output conv
//                          (0.5 M of the 35 M MACs). Outputs are float. It removes the int8 rounding of the mesh
//                          output (one step of q_conv2d_21 is ~1 px) and of the small, sensitive 3x3x32 tensors:
//                          the most accurate int8 deployment (see docs/models/facemesh468.md).
#pragma once

#include <facenn/core.hpp>
#include <facenn/weights/facemesh468.hpp>

namespace facenn::models {

namespace facemesh468_graph {
namespace W = facenn::weights::facemesh468;

// x -> PReLU(x + conv1x1(depthwise3x3(x)))  (the PReLU is fused into the Add)
template <class T, class DW, class PW, class AddW>
using Block = Residual<Sequential<DepthwiseConv<T, DW, Stride<1>, Padding::Same>,  //
                                  Conv<T, PW, Stride<1>, Padding::Valid>>,
                       Identity, Add<T, AddW>>;

// Halves H and W and widens the channels: the shortcut max-pools and appends `Extra` zero channels.
template <class T, class DW, class PW, class AddW, int Extra>
using DownBlock = Residual<Sequential<DepthwiseConv<T, DW, Stride<2>, Padding::Same>,  //
                                      Conv<T, PW, Stride<1>, Padding::Valid>>,
                           Sequential<MaxPool<T, Window<2>, Stride<2>, Padding::Valid>, PadChannels<T, Extra>>,
                           Add<T, AddW>>;

// Halves H and W at constant width: the shortcut only max-pools.
template <class T, class DW, class PW, class AddW>
using PoolBlock = Residual<Sequential<DepthwiseConv<T, DW, Stride<2>, Padding::Same>,  //
                                      Conv<T, PW, Stride<1>, Padding::Valid>>,
                           MaxPool<T, Window<2>, Stride<2>, Padding::Valid>, Add<T, AddW>>;

// The shared trunk: 192x192x3 -> 6x6x128.
template <class T>
using Trunk = Sequential<
    Conv<T, W::conv2d_1, Stride<2>, Padding::Same>,                              // 96x96x16, PReLU
    Block<T, W::depthwise_conv2d_1, W::conv2d_2, W::add_1>,                      // 96x96x16
    Block<T, W::depthwise_conv2d_2, W::conv2d_3, W::add_2>,                      //
    DownBlock<T, W::depthwise_conv2d_3, W::conv2d_4, W::add_3, 16>,              // 48x48x32
    Block<T, W::depthwise_conv2d_4, W::conv2d_5, W::add_4>,                      //
    Block<T, W::depthwise_conv2d_5, W::conv2d_6, W::add_5>,                      //
    DownBlock<T, W::depthwise_conv2d_6, W::conv2d_7, W::add_6, 32>,              // 24x24x64
    Block<T, W::depthwise_conv2d_7, W::conv2d_8, W::add_7>,                      //
    Block<T, W::depthwise_conv2d_8, W::conv2d_9, W::add_8>,                      //
    DownBlock<T, W::depthwise_conv2d_9, W::conv2d_10, W::add_9, 64>,             // 12x12x128
    Block<T, W::depthwise_conv2d_10, W::conv2d_11, W::add_10>,                   //
    Block<T, W::depthwise_conv2d_11, W::conv2d_12, W::add_11>,                   //
    PoolBlock<T, W::depthwise_conv2d_12, W::conv2d_13, W::add_12>,               // 6x6x128
    Block<T, W::depthwise_conv2d_13, W::conv2d_14, W::add_13>,                   //
    Block<T, W::depthwise_conv2d_14, W::conv2d_15, W::add_14>>;                  //

// Mesh head, 6x6x128 -> 1x1x1404: three residual blocks at 3x3x128, then the tail.
template <class T>
using MeshHeadBlocks = Sequential<
    PoolBlock<T, W::depthwise_conv2d_15, W::conv2d_16, W::add_15>,               // 3x3x128
    Block<T, W::depthwise_conv2d_16, W::conv2d_17, W::add_16>,                   //
    Block<T, W::depthwise_conv2d_17, W::conv2d_18, W::add_17>>;                  //
template <class T>
using MeshHeadTail = Sequential<
    Conv<T, W::conv2d_19, Stride<1>, Padding::Valid>,                            // 3x3x32, PReLU
    Block<T, W::depthwise_conv2d_18, W::conv2d_20, W::add_18>,                   //
    Conv<T, W::conv2d_21, Stride<3>, Padding::Valid>>;                           // 1x1x1404 (3x3 window, stride 3)

// Face-flag head, 6x6x128 -> 1x1x1.
template <class T>
using FlagHeadBlocks = PoolBlock<T, W::depthwise_conv2d_23, W::conv2d_28, W::add_23>;  // 3x3x128
template <class T>
using FlagHeadTail = Sequential<
    Conv<T, W::conv2d_29, Stride<1>, Padding::Valid>,                            // 3x3x32, PReLU
    Block<T, W::depthwise_conv2d_24, W::conv2d_30, W::add_24>,                   //
    Conv<T, W::conv2d_31, Stride<3>, Padding::Valid>>;                           // 1x1x1 (logit)

}  // namespace facemesh468_graph

template <class T>
using FaceMesh468Net = Network<TensorSpec<T, Shape<192, 192, 3>, weights::facemesh468::q_input_1>,
                               facemesh468_graph::Trunk<T>,
                               Branch<Sequential<facemesh468_graph::MeshHeadBlocks<T>, facemesh468_graph::MeshHeadTail<T>>,
                                      Sequential<facemesh468_graph::FlagHeadBlocks<T>, facemesh468_graph::FlagHeadTail<T>>>>;

// Int8 up to the 3x3x128 tensor of each head, float after it (the same weights' float reference).
using FaceMesh468HybridNet = Network<
    TensorSpec<Int8, Shape<192, 192, 3>, weights::facemesh468::q_input_1>, facemesh468_graph::Trunk<Int8>,
    Branch<Sequential<facemesh468_graph::MeshHeadBlocks<Int8>, Dequantize, facemesh468_graph::MeshHeadTail<Float>>,
           Sequential<facemesh468_graph::FlagHeadBlocks<Int8>, Dequantize, facemesh468_graph::FlagHeadTail<Float>>>>;

}  // namespace facenn::models
