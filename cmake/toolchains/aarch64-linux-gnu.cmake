# Linux on aarch64 with Debian's cross toolchain (g++-aarch64-linux-gnu + libc6-dev-arm64-cross); test
# binaries run under qemu-user (qemu-aarch64 -L /usr/aarch64-linux-gnu).
#
#   cmake -S . -B _build/aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
#   (scripts/constrained/aarch64_tests.sh does this and runs the core/kernel tests)
#
# Target libraries come only from the cross sysroot. facenn's header-only dependencies are
# architecture-independent, so they are taken from the build machine — but never by adding /usr/include
# itself to the include path (it would shadow the cross C library's headers): Eigen3 and stb have
# dedicated directories, doctest and xsimd get a private include directory holding only themselves
# (host-headers/*Config.cmake).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(FACENN_AARCH64_PREFIX "aarch64-linux-gnu-" CACHE STRING "Prefix of the aarch64 cross tools")
set(FACENN_AARCH64_SYSROOT "/usr/aarch64-linux-gnu" CACHE PATH "Cross C library (libc6-dev-arm64-cross)")
find_program(CMAKE_C_COMPILER ${FACENN_AARCH64_PREFIX}gcc REQUIRED)
find_program(CMAKE_CXX_COMPILER ${FACENN_AARCH64_PREFIX}g++ REQUIRED)

set(CMAKE_FIND_ROOT_PATH ${FACENN_AARCH64_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Header-only dependencies from the build machine (explicit locations bypass the root path above).
if(EXISTS /usr/share/eigen3/cmake/Eigen3Config.cmake)
  set(Eigen3_DIR /usr/share/eigen3/cmake CACHE PATH "Eigen3 (header-only) from the build machine")
endif()
if(EXISTS /usr/include/stb/stb_image.h)
  set(FACENN_STB_INCLUDE_DIR /usr/include/stb CACHE PATH "stb (header-only) from the build machine")
endif()
set(doctest_DIR ${CMAKE_CURRENT_LIST_DIR}/host-headers CACHE PATH "doctest (header-only), private include dir")
set(xsimd_DIR ${CMAKE_CURRENT_LIST_DIR}/host-headers CACHE PATH "xsimd (header-only), private include dir")

# ctest / add_test run target executables through qemu-user unless told otherwise.
if(NOT CMAKE_CROSSCOMPILING_EMULATOR)
  find_program(FACENN_QEMU_AARCH64 qemu-aarch64)
  if(FACENN_QEMU_AARCH64)
    set(CMAKE_CROSSCOMPILING_EMULATOR "${FACENN_QEMU_AARCH64};-L;${FACENN_AARCH64_SYSROOT}" CACHE STRING
        "Runs aarch64 test binaries on the build machine")
  endif()
endif()
