// EXPECT: Conv: the input tensor's element type differs from the layer's element type T
#include "../support/test_network.hpp"
using namespace facenn;
using namespace facenn::test;
// a Float layer inside an Int8 network
using Bad = Network<TensorSpec<Int8, Shape<10, 12, 3>, tiny::q_in>, Conv<Float, tiny::w_conv1, Stride<2>, Padding::Same>>;
constexpr auto bytes = Bad::arena_bytes;
