// Startup for a bare-metal Cortex-M55 image (QEMU mps3-an547 / MPS3 AN547): the vector table, the reset
// handler (FPU + MVE on, stack limit, .data copy, .bss zero, stack paint, static constructors, main,
// semihosting exit), fault reporting and the SysTick wrap counter. Written for this project from the
// Armv8-M Architecture Reference Manual; the symbols come from mps3_an547.ld.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "board.hpp"
#include "semihosting.hpp"

extern "C" {
// Linker-script symbols (addresses only).
extern std::uint32_t __data_start[], __data_end[], __data_load[];
extern std::uint32_t __bss_start[], __bss_end[];
extern std::uint32_t __stack_limit[], __stack_top[];
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();

int main();
[[noreturn]] void Reset_Handler();
[[noreturn]] void start_c();
[[noreturn]] void Fault_Handler();
[[noreturn]] void fault_report(const std::uint32_t* frame, std::uint32_t exc_return);
void SysTick_Handler();
[[noreturn]] void Unexpected_Handler();
}

namespace {
using Handler = void (*)();

// Armv8-M vector table: initial main stack pointer, then the 15 system exceptions. No external interrupt
// is enabled by this image, so the table stops there (VTOR alignment: 128 bytes is enough for 16 entries).
struct VectorTable {
  const void* initial_sp;
  Handler handlers[15];
};

__attribute__((section(".vectors"), used)) const VectorTable g_vectors = {
    __stack_top,
    {
        Reset_Handler,       // 1  Reset
        Unexpected_Handler,  // 2  NMI
        Fault_Handler,       // 3  HardFault
        Fault_Handler,       // 4  MemManage
        Fault_Handler,       // 5  BusFault
        Fault_Handler,       // 6  UsageFault (incl. stack overflow: MSPLIM)
        Fault_Handler,       // 7  SecureFault
        nullptr,             // 8  reserved
        nullptr,             // 9  reserved
        nullptr,             // 10 reserved
        Unexpected_Handler,  // 11 SVCall
        Unexpected_Handler,  // 12 DebugMonitor
        nullptr,             // 13 reserved
        Unexpected_Handler,  // 14 PendSV
        SysTick_Handler,     // 15 SysTick
    },
};
}  // namespace

// The first instructions must not touch the FPU/MVE (CPACR still denies them) and the stack limit is
// set before any C++ code runs, so everything after can be ordinary compiled code.
extern "C" [[noreturn]] __attribute__((naked)) void Reset_Handler() {
  asm volatile(
      "ldr   r0, =0xE000ED88   \n"  // CPACR
      "ldr   r1, [r0]          \n"
      "orr   r1, r1, #0xF00000 \n"  // CP10 + CP11 full access: FPU and MVE
      "str   r1, [r0]          \n"
      "dsb                     \n"
      "isb                     \n"
      "ldr   r0, =__stack_limit\n"
      "msr   msplim, r0        \n"  // a stack overflow now faults instead of corrupting .bss
      "b     start_c           \n");
}

extern "C" [[noreturn]] void start_c() {
  const std::size_t data_bytes =
      static_cast<std::size_t>(reinterpret_cast<char*>(__data_end) - reinterpret_cast<char*>(__data_start));
  std::memcpy(__data_start, __data_load, data_bytes);
  const std::size_t bss_bytes =
      static_cast<std::size_t>(reinterpret_cast<char*>(__bss_end) - reinterpret_cast<char*>(__bss_start));
  std::memset(__bss_start, 0, bss_bytes);

  // Paint the unused stack so main can report its high-water mark (board::stack_used_bytes).
  std::uint32_t sp;
  asm volatile("mov %0, sp" : "=r"(sp));
  for (std::uint32_t* p = __stack_limit; reinterpret_cast<std::uintptr_t>(p) + 256 < sp; ++p) {
    *static_cast<volatile std::uint32_t*>(p) = board::kStackPaint;
  }

  // Report MemManage, BusFault, UsageFault (stack overflow, division by zero if enabled) and SecureFault
  // as themselves instead of escalating them to HardFault.
  constexpr std::uintptr_t SHCSR = 0xE000ED24;
  *reinterpret_cast<volatile std::uint32_t*>(SHCSR) |= (1u << 16) | (1u << 17) | (1u << 18) | (1u << 19);
  asm volatile("dsb\n isb" ::: "memory");

  for (auto* f = __init_array_start; f != __init_array_end; ++f) (*f)();
  mcu::semihosting::exit(main());
}

// The fault reporter runs on a stack of its own: after a stack overflow (MSPLIM) the main stack has no
// room left, and below it lies .bss or the end of DTCM.
extern "C" {
alignas(8) std::uint32_t g_fault_stack[256];
}

extern "C" [[noreturn]] __attribute__((naked)) void Fault_Handler() {
  asm volatile(
      "tst   lr, #4            \n"
      "ite   eq                \n"
      "mrseq r0, msp           \n"  // r0: the exception frame
      "mrsne r0, psp           \n"
      "mov   r1, lr            \n"  // r1: EXC_RETURN
      "ldr   r2, =g_fault_stack \n"
      "msr   msplim, r2        \n"
      "ldr   r2, =g_fault_stack + 1024\n"
      "mov   sp, r2            \n"
      "b     fault_report      \n");
}

extern "C" [[noreturn]] void fault_report(const std::uint32_t* frame, std::uint32_t exc_return) {
  auto reg = [](std::uintptr_t a) { return *reinterpret_cast<volatile const std::uint32_t*>(a); };
  std::uint32_t ipsr;
  asm volatile("mrs %0, ipsr" : "=r"(ipsr));
  mcu::semihosting::Line line;
  line.str("FAULT: exception ").dec(ipsr & 0x1ffu);
  line.str(" pc ").hex(frame[6]).str(" lr ").hex(frame[5]).str(" exc_return ").hex(exc_return);
  line.str(" CFSR ").hex(reg(0xE000ED28)).str(" HFSR ").hex(reg(0xE000ED2C));
  line.str(" MMFAR ").hex(reg(0xE000ED34)).str(" BFAR ").hex(reg(0xE000ED38));
  line.str(" SFSR ").hex(reg(0xE000EDE4));
  if ((reg(0xE000ED28) & (1u << 20)) != 0) line.str(" (UsageFault STKOF: main stack overflow; frame not stacked)");
  line.end();
  mcu::semihosting::exit(3);
}

extern "C" [[noreturn]] void Unexpected_Handler() {
  std::uint32_t ipsr;
  asm volatile("mrs %0, ipsr" : "=r"(ipsr));
  mcu::semihosting::Line().str("FAULT: unexpected exception ").dec(ipsr & 0x1ffu).end();
  mcu::semihosting::exit(3);
}

extern "C" void SysTick_Handler() { board::systick_wrapped(); }
