// Arm semihosting, the two calls this image needs: SYS_WRITE0 (print a NUL-terminated string on the
// host's console) and SYS_EXIT_EXTENDED (stop the simulation with an exit code). On M-profile a call is
// `bkpt 0xab` with the operation in r0 and its argument in r1 (Arm "Semihosting for AArch32 and
// AArch64", v2). QEMU handles it with `-semihosting`; on a board without a debugger attached the
// breakpoint would escalate to a HardFault, so only use this image under a debugger or a simulator.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mcu::semihosting {

enum Op : std::uint32_t {
  kWrite0 = 0x04,
  kExitExtended = 0x20,
};
inline constexpr std::uint32_t kApplicationExit = 0x20026;  // ADP_Stopped_ApplicationExit

inline std::uint32_t call(std::uint32_t op, const void* arg) noexcept {
  register std::uint32_t r0 asm("r0") = op;
  register const void* r1 asm("r1") = arg;
  asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

inline void write0(const char* s) noexcept { call(kWrite0, s); }

[[noreturn]] inline void exit(int code) noexcept {
  const std::uint32_t block[2] = {kApplicationExit, static_cast<std::uint32_t>(code)};
  call(kExitExtended, block);
  for (;;) asm volatile("wfi");
}

// A line buffer with the few formatters the image prints (no printf: newlib's pulls in malloc and
// file I/O syscalls).
class Line {
 public:
  Line& str(const char* s) noexcept {
    while (*s != '\0') put(*s++);
    return *this;
  }
  Line& dec(std::uint64_t v) noexcept {
    char tmp[21];
    int n = 0;
    do {
      tmp[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (n > 0) put(tmp[--n]);
    return *this;
  }
  Line& sdec(std::int64_t v) noexcept {
    if (v < 0) {
      put('-');
      return dec(static_cast<std::uint64_t>(-(v + 1)) + 1);
    }
    return dec(static_cast<std::uint64_t>(v));
  }
  Line& hex(std::uint32_t v, int digits = 8) noexcept {
    str("0x");
    for (int i = digits - 1; i >= 0; --i) put("0123456789abcdef"[(v >> (4 * i)) & 0xfu]);
    return *this;
  }
  // Ends the line and writes it out.
  void end() noexcept {
    put('\n');
    flush();
  }
  void flush() noexcept {
    buf_[n_] = '\0';
    if (n_ > 0) write0(buf_);
    n_ = 0;
  }

 private:
  void put(char c) noexcept {
    if (n_ == sizeof buf_ - 1) flush();
    buf_[n_++] = c;
  }
  char buf_[128];
  std::size_t n_ = 0;
};

}  // namespace mcu::semihosting
