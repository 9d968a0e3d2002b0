#!/usr/bin/env bash
# Installs the Debian 12 packages facenn's build, tests, tools and converters use. Idempotent and quick
# when everything is already there.
set -euo pipefail
packages=(
  cmake make g++ clang libclang-rt-14-dev            # toolchains (clang + sanitizer runtimes)
  libeigen3-dev libxsimd-dev libstb-dev               # library dependencies
  doctest-dev libbenchmark-dev                        # tests, benchmarks
  libopencv-dev                                       # test-only: cv::solvePnP as the pose reference
  python3-numpy                                       # test helpers and converters
  gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm  # Cortex-M55 image
  g++-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user                                      # aarch64 tests
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
