#!/usr/bin/env bash
# Builds the bare-metal Cortex-M55 image (examples/mcu_bare), runs it under QEMU's mps3-an547 and prints
# the size report. The bit-exact comparison with the host is the CTest constrained_mcu_qemu_matches_host.
#   scripts/constrained/mcu_run.sh [build-dir] [-- extra cmake args, e.g. -DFACENN_MCU_MODEL=tiny]
# Env: FACENN_JOBS (default 2), FACENN_QEMU_TIMEOUT (seconds, default 600).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/_build/mcu
if [ $# -gt 0 ] && [ "$1" != "--" ]; then out=$1; shift; fi
[ "${1:-}" = "--" ] && shift
jobs=${FACENN_JOBS:-2}
for tool in arm-none-eabi-g++ qemu-system-arm python3; do
  command -v "$tool" > /dev/null || { echo "mcu_run: $tool not found (see scripts/constrained/packages.txt)" >&2; exit 1; }
done

cmake -S "$root/examples/mcu_bare" -B "$out" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchains/arm-none-eabi-cortex-m55.cmake" "$@" > "$out.configure.log" 2>&1 \
  || { cat "$out.configure.log"; exit 1; }
cmake --build "$out" -j "$jobs"

echo "== qemu-system-arm -M mps3-an547 -nographic -semihosting -icount shift=0 -kernel $out/image.elf"
set +e
timeout "${FACENN_QEMU_TIMEOUT:-600}" qemu-system-arm -M mps3-an547 -nographic -monitor none -semihosting \
  -icount shift=0 -kernel "$out/image.elf" > "$out/qemu_output.txt" 2>&1
rc=$?
set -e
tr -d '\r' < "$out/qemu_output.txt" > "$out/qemu_output.tmp" && mv "$out/qemu_output.tmp" "$out/qemu_output.txt"
ticks=$(sed -n 's/^cycles: \([0-9]*\) (SysTick.*/\1/p' "$out/qemu_output.txt")
if [ -n "$ticks" ]; then
  echo "qemu_icount_instructions: $((ticks * 1000 / 32)) (guest instructions executed during inference: SysTick ticks x 31.25 under -icount shift=0)" >> "$out/qemu_output.txt"
fi
cat "$out/qemu_output.txt"
[ $rc -eq 0 ] || { echo "mcu_run: QEMU exited with $rc (124 = timeout, 1 = inference failed, 3 = CPU fault)" >&2; exit $rc; }
echo
python3 "$root/scripts/constrained/size_report.py" "$out" --log "$out/qemu_output.txt"
