// EXPECT: Sequential: a layer produced several outputs but is not the last layer
#include "../support/test_network.hpp"
using namespace facenn;
using namespace facenn::test;
using Bad = Network<TensorSpec<Int8, Shape<3, 3, 12>, tiny::q_a2>,
    Branch<FullyConnected<Int8, tiny::w_fc1>, FullyConnected<Int8, tiny::w_fc1>>, Relu<Int8>>;
constexpr auto bytes = Bad::arena_bytes;
