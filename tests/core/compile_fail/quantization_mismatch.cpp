// EXPECT: Conv: the input tensor's quantization differs from the one the weights were converted for
#include "../support/test_network.hpp"
using namespace facenn;
using namespace facenn::test;
// w_conv1 was calibrated for q_in; the network declares another input quantization
using Bad = Network<TensorSpec<Int8, Shape<10, 12, 3>, tiny::q_c1>, Conv<Int8, tiny::w_conv1, Stride<2>, Padding::Same>>;
constexpr auto bytes = Bad::arena_bytes;
