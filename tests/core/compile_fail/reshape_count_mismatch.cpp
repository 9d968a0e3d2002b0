// EXPECT: Reshape: the new shape has a different element count
#include <facenn/core.hpp>
using namespace facenn;
using Bad = Network<TensorSpec<Float, Shape<2, 3, 4>>, Reshape<Float, Shape<1, 1, 25>>>;
constexpr auto bytes = Bad::arena_bytes;
