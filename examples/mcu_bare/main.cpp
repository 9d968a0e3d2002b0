// facenn on a bare-metal Cortex-M55 (QEMU mps3-an547): one int8 inference of mcu::Net (model.hpp) on an
// embedded input, from weights in flash (QSPI) into a static arena in SRAM sized by Net::arena_bytes, with
// no heap, no exceptions, no RTTI. Prints the output checksum, a cycle count and the stack high-water mark
// over semihosting, then exits QEMU with status 0 (inference ok) or 1.
#include <cstdint>

#include "board.hpp"
#include "run.hpp"
#include "semihosting.hpp"

extern "C" std::uint32_t __stack_limit[], __stack_top[];

namespace {
using Line = mcu::semihosting::Line;

// The arena: a .bss.arena section, which the linker script places in ISRAM (not zeroed: it needs no
// initial value). The outputs are ordinary .bss in DTCM.
__attribute__((section(".bss.arena"))) mcu::Net::Arena g_arena;
facenn::OutputBuffers<mcu::Net> g_outputs;
}  // namespace

int main() {
  Line().str("facenn mcu_bare: Cortex-M55, QEMU mps3-an547").end();
  board::CycleCounter counter;

  const std::uint64_t t0 = counter.now();
  const mcu::RunResult r = mcu::run(g_arena, g_outputs);
  const std::uint64_t t1 = counter.now();

  mcu::print_result<Line>(r);
  Line().str("clock: ").str(counter.clock_name()).end();
  // On silicon both clocks count core cycles. Under QEMU they do not: SysTick follows QEMU's virtual
  // clock (host time; with -icount shift=0, exactly 1 ns per guest instruction).
  Line().str("cycles: ").dec(t1 - t0).str(" (").str(counter.clock_name())
      .str(", processor clock; under QEMU not cycles: see docs/constrained.md)").end();
  const std::uint32_t stack_total = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(__stack_top) -
                                                               reinterpret_cast<std::uintptr_t>(__stack_limit));
  Line().str("stack_used: ").dec(board::stack_used_bytes(__stack_limit, __stack_top)).str(" of ").dec(stack_total).end();
  return r.status == facenn::Status::Ok ? 0 : 1;
}
