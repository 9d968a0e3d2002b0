// Cortex-M55 timing and stack helpers for the bare-metal image.
//
// Cycle counting: the DWT cycle counter (DEMCR.TRCENA, DWT_CTRL.CYCCNTENA, DWT_CYCCNT) when the core has
// one that counts; otherwise SysTick on the processor clock (24-bit down counter, wraps counted by its
// interrupt). On real silicon DWT CYCCNT gives core cycles. Under QEMU neither is a cycle count: QEMU does
// not model the DWT counter, and its SysTick follows QEMU's virtual clock (host time, or instructions
// with -icount), not the pipeline — see docs/constrained.md.
#pragma once

#include <cstdint>

namespace board {

inline constexpr std::uint32_t kStackPaint = 0x5AC4F00Du;

namespace reg {
inline volatile std::uint32_t& at(std::uintptr_t a) { return *reinterpret_cast<volatile std::uint32_t*>(a); }
inline volatile std::uint32_t& DEMCR() { return at(0xE000EDFC); }
inline volatile std::uint32_t& DWT_CTRL() { return at(0xE0001000); }
inline volatile std::uint32_t& DWT_CYCCNT() { return at(0xE0001004); }
inline volatile std::uint32_t& SYST_CSR() { return at(0xE000E010); }
inline volatile std::uint32_t& SYST_RVR() { return at(0xE000E014); }
inline volatile std::uint32_t& SYST_CVR() { return at(0xE000E018); }
}  // namespace reg

inline volatile std::uint32_t g_systick_wraps = 0;
inline void systick_wrapped() { g_systick_wraps = g_systick_wraps + 1; }

enum class Clock { Dwt, SysTick };

class CycleCounter {
 public:
  // Starts the DWT counter; falls back to SysTick if the counter does not move.
  CycleCounter() noexcept {
    reg::DEMCR() = reg::DEMCR() | (1u << 24);        // TRCENA
    if ((reg::DWT_CTRL() & (1u << 25)) == 0) {        // NOCYCCNT clear: a cycle counter exists
      reg::DWT_CYCCNT() = 0;
      reg::DWT_CTRL() = reg::DWT_CTRL() | 1u;          // CYCCNTENA
      const std::uint32_t a = reg::DWT_CYCCNT();
      for (int i = 0; i < 100; ++i) asm volatile("nop");
      if (reg::DWT_CYCCNT() != a) {
        clock_ = Clock::Dwt;
        return;
      }
    }
    clock_ = Clock::SysTick;
    reg::SYST_CSR() = 0;
    reg::SYST_RVR() = 0x00FFFFFFu;
    reg::SYST_CVR() = 0;
    reg::SYST_CSR() = 0x7u;  // CLKSOURCE = processor clock, TICKINT, ENABLE
    // Writing CVR cleared it to 0; the first reload (0 -> RVR) raises no interrupt, so start counting
    // only once it has happened.
    while (reg::SYST_CVR() == 0) {
    }
  }

  Clock clock() const noexcept { return clock_; }
  const char* clock_name() const noexcept { return clock_ == Clock::Dwt ? "DWT CYCCNT" : "SysTick"; }

  // A monotonically increasing 64-bit count.
  std::uint64_t now() const noexcept {
    if (clock_ == Clock::Dwt) return reg::DWT_CYCCNT();  // 32 bits: enough for ~4e9 cycles per measurement
    for (;;) {
      const std::uint32_t w0 = g_systick_wraps;
      const std::uint32_t v = reg::SYST_CVR();
      const std::uint32_t w1 = g_systick_wraps;
      if (w0 == w1) return (std::uint64_t{w0} << 24) + (0x00FFFFFFu - v);
    }
  }

 private:
  Clock clock_ = Clock::SysTick;
};

// Bytes of the main stack ever used (stack painted by the startup code, scanned from its limit up).
inline std::uint32_t stack_used_bytes(const std::uint32_t* limit, const std::uint32_t* top) noexcept {
  const std::uint32_t* p = limit;
  while (p < top && *static_cast<const volatile std::uint32_t*>(p) == kStackPaint) ++p;
  return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(top) - reinterpret_cast<std::uintptr_t>(p));
}

}  // namespace board
