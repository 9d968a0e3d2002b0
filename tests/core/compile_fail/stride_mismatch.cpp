// EXPECT: Conv: the stride written in the model header differs from the converted graph's stride
#include "../support/test_network.hpp"
using namespace facenn;
using namespace facenn::test;
// w_conv1 was converted with stride 2
using Bad = Network<TensorSpec<Int8, Shape<10, 12, 3>, tiny::q_in>, Conv<Int8, tiny::w_conv1, Stride<1>, Padding::Same>>;
constexpr auto bytes = Bad::arena_bytes;
