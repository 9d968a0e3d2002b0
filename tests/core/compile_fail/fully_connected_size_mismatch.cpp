// EXPECT: FullyConnected: the flattened input size differs from the weights' in_channels
#include "../support/test_network.hpp"
using namespace facenn;
using namespace facenn::test;
// w_fc1 expects 3*3*12 = 108 inputs; give it 2*3*12
using Bad = Network<TensorSpec<Int8, Shape<2, 3, 12>, tiny::q_a2>, FullyConnected<Int8, tiny::w_fc1>>;
constexpr auto bytes = Bad::arena_bytes;
