// EXPECT: Residual: the body's output shape differs from the shortcut's output shape
#include "../support/test_network.hpp"
using namespace facenn;
using namespace facenn::test;
// the stride-2 body halves the size but the shortcut keeps it
using Bad = Network<TensorSpec<Int8, Shape<5, 6, 8>, tiny::q_a1>,
    Residual<Sequential<DepthwiseConv<Int8, tiny::w_dw2, Stride<2>, Padding::Same>,
                        Conv<Int8, tiny::w_pw2, Stride<1>, Padding::Valid>>,
             Identity, Add<Int8, tiny::w_add2>>>;
constexpr auto bytes = Bad::arena_bytes;
