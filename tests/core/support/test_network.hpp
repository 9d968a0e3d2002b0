// A small network exercising every composition feature: strided conv with fused PReLU, a residual
// block with identity shortcut, a residual block whose shortcut pools and widens channels, max pool,
// and a two-headed Branch (fully connected + global pool head).
#pragma once

#include "synthetic_weights.hpp"

namespace facenn::test::tiny {

using q_in = Q<20000, -5>;   // scale 0.02
using q_c1 = Q<31000, -10>;
using q_d1 = Q<25000, -128>;
using q_p1 = Q<30000, 3>;
using q_a1 = Q<40000, -2>;
using q_d2 = Q<35000, -7>;
using q_p2 = Q<45000, 0>;
using q_a2 = Q<50000, 1>;
using q_f1 = Q<60000, 4>;
using q_f2 = Q<70000, -3>;

// 10x12x3 -> conv 3x3 s2 SAME (pad 0/0/1/1 for 10->5? computed below) -> 5x6x8
using w_conv1 = ConvW<11, 3, 3, 3, 8, 2, 2, 0, 0, 1, 1, Activation::PRelu, q_in, q_c1>;
using w_dw1 = DepthwiseW<12, 3, 3, 8, 1, 1, 1, 1, 1, 1, Activation::Relu, q_c1, q_d1>;
using w_pw1 = ConvW<13, 1, 1, 8, 8, 1, 1, 0, 0, 0, 0, Activation::None, q_d1, q_p1>;
using w_add1 = AddW<8, Activation::PRelu, q_p1, q_c1, q_a1>;
// stride-2 block 5x6x8 -> 3x3x12: depthwise s2 SAME on 5 rows: out 3, total pad (3-1)*2+3-5 = 2 -> 1/1;
// on 6 cols: out 3, total (3-1)*2+3-6 = 1 -> 0/1.
using w_dw2 = DepthwiseW<14, 3, 3, 8, 2, 2, 1, 0, 1, 1, Activation::None, q_a1, q_d2>;
using w_pw2 = ConvW<15, 1, 1, 8, 12, 1, 1, 0, 0, 0, 0, Activation::None, q_d2, q_p2>;
using w_add2 = AddW<12, Activation::Relu, q_p2, q_a1, q_a2>;
using w_fc1 = FullyConnectedW<16, 3 * 3 * 12, 5, Activation::None, q_a2, q_f1>;
using w_fc2 = FullyConnectedW<17, 12, 2, Activation::None, q_a2, q_f2>;

template <class T>
using Net = Network<TensorSpec<T, Shape<10, 12, 3>, q_in>,
    Conv<T, w_conv1, Stride<2>, Padding::Same>,                                   // 5x6x8
    Residual<Sequential<DepthwiseConv<T, w_dw1, Stride<1>, Padding::Same>,
                        Conv<T, w_pw1, Stride<1>, Padding::Valid>>,
             Identity, Add<T, w_add1>>,                                            // 5x6x8
    Residual<Sequential<DepthwiseConv<T, w_dw2, Stride<2>, Padding::Same>,
                        Conv<T, w_pw2, Stride<1>, Padding::Valid>>,
             Sequential<MaxPool<T, Window<2>, Stride<2>, Padding::Same>, PadChannels<T, 4>>,
             Add<T, w_add2>>,                                                      // 3x3x12
    Branch<FullyConnected<T, w_fc1>,                                                // 1x1x5
           Sequential<GlobalAvgPool<T>, FullyConnected<T, w_fc2>>>>;               // 1x1x2

}  // namespace facenn::test::tiny
