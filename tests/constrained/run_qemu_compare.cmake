# Runs the Cortex-M55 image under QEMU and the host reference, and requires the same int8 outputs:
#   cmake -DQEMU=qemu-system-arm -DELF=image.elf -DHOST=host_reference [-DTIMEOUT=s] [-DLOG=file] -P run_qemu_compare.cmake
# QEMU runs with -icount shift=0: its virtual clock advances exactly 1 ns per guest instruction, so the
# image's SysTick count (32 MHz on mps3-an547) gives the number of instructions executed (+-32), a
# deterministic figure. It is not a cycle count.
cmake_minimum_required(VERSION 3.20)
if(NOT DEFINED TIMEOUT)
  set(TIMEOUT 600)
endif()

execute_process(COMMAND ${HOST} RESULT_VARIABLE host_rc OUTPUT_VARIABLE host_out ERROR_VARIABLE host_err)
message("--- host reference (${HOST}):\n${host_out}${host_err}")
if(NOT host_rc EQUAL 0)
  message(FATAL_ERROR "host reference failed (exit ${host_rc})")
endif()

string(TIMESTAMP t0 "%s")
execute_process(
  COMMAND ${QEMU} -M mps3-an547 -nographic -monitor none -semihosting -icount shift=0 -kernel ${ELF}
  TIMEOUT ${TIMEOUT} RESULT_VARIABLE qemu_rc OUTPUT_VARIABLE qemu_out ERROR_VARIABLE qemu_err)
string(TIMESTAMP t1 "%s")
math(EXPR seconds "${t1} - ${t0}")
# Without a semihosting chardev QEMU writes the guest's SYS_WRITE0 text to its stderr: read both.
string(REPLACE "\r" "" qemu_out "${qemu_out}${qemu_err}")
if(qemu_out MATCHES "cycles: ([0-9]+) \\(SysTick")
  # SysTick ticks at 32 MHz of a virtual clock running 1 ns per instruction: 31.25 instructions a tick.
  math(EXPR instructions "${CMAKE_MATCH_1} * 1000 / 32")
  string(APPEND qemu_out "qemu_icount_instructions: ${instructions} (guest instructions executed during "
         "inference: SysTick ticks x 31.25 under -icount shift=0)\n")
endif()
message("--- Cortex-M55 image under QEMU (${seconds} s wall):\n${qemu_out}")
if(DEFINED LOG)
  file(WRITE ${LOG} "${qemu_out}")
endif()
if(NOT qemu_rc EQUAL 0)
  message(FATAL_ERROR "QEMU run failed: ${qemu_rc} (timeout ${TIMEOUT} s; exit 1 = inference status not ok, "
                      "3 = CPU fault)")
endif()

# Every line the two programs share (model, input, arena size, status, per-output checksums and first
# values, total checksum) must be identical.
foreach(key model input arena_bytes status "output [0-9]+" checksum)
  string(REGEX MATCHALL "(^|\n)${key}: [^\n]*" host_lines "${host_out}")
  string(REGEX MATCHALL "(^|\n)${key}: [^\n]*" qemu_lines "${qemu_out}")
  if(NOT host_lines)
    message(FATAL_ERROR "host output has no '${key}:' line")
  endif()
  if(NOT host_lines STREQUAL qemu_lines)
    message(FATAL_ERROR "'${key}' differs:\n  host: ${host_lines}\n  qemu: ${qemu_lines}")
  endif()
endforeach()
string(REGEX MATCH "checksum: (0x[0-9a-f]+)" _ "${qemu_out}")
message("bit-exact: Cortex-M55 (QEMU) and host int8 outputs agree, FNV-1a ${CMAKE_MATCH_1}")
