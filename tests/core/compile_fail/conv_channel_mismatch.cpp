// EXPECT: Conv: the input tensor's channel count differs from the weights' in_channels
#include "../support/test_network.hpp"
using namespace facenn;
using namespace facenn::test;
// w_conv1 expects 3 input channels; feed it 4.
using Bad = Network<TensorSpec<Int8, Shape<10, 12, 4>, tiny::q_in>, Conv<Int8, tiny::w_conv1, Stride<2>, Padding::Same>>;
constexpr auto bytes = Bad::arena_bytes;
