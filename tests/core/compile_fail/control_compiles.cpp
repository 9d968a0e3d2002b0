// EXPECT-SUCCESS
// The control case: the same harness compiles a correct network, so the failures above are the
// intended diagnostics and not a broken harness.
#include "../support/test_network.hpp"
using Good = facenn::test::tiny::Net<facenn::Int8>;
constexpr auto bytes = Good::arena_bytes;
static_assert(bytes > 0);
