# Bare-metal Arm Cortex-M55 (Armv8.1-M, FPU double precision, MVE) with Debian's gcc-arm-none-eabi +
# libnewlib-arm-none-eabi (+ libstdc++-arm-none-eabi-newlib for the C++ standard headers).
#
#   cmake -S examples/mcu_bare -B _build/mcu -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/arm-none-eabi-cortex-m55.cmake
#
# Only compiler flags live here; the image's memory layout, startup code and link-time guards are the
# example's own (examples/mcu_bare/).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR cortex-m55)

set(FACENN_ARM_PREFIX "arm-none-eabi-" CACHE STRING "Prefix of the arm-none-eabi tools")
find_program(CMAKE_C_COMPILER ${FACENN_ARM_PREFIX}gcc REQUIRED)
find_program(CMAKE_CXX_COMPILER ${FACENN_ARM_PREFIX}g++ REQUIRED)
set(CMAKE_ASM_COMPILER ${CMAKE_C_COMPILER})
find_program(CMAKE_OBJCOPY ${FACENN_ARM_PREFIX}objcopy)
find_program(CMAKE_SIZE ${FACENN_ARM_PREFIX}size)
find_program(CMAKE_NM ${FACENN_ARM_PREFIX}nm)

# try_compile() cannot link without a linker script and startup code: check a static library instead.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(FACENN_CM55_CPU_FLAGS "-mcpu=cortex-m55 -mthumb -mfloat-abi=hard")
set(CMAKE_C_FLAGS_INIT "${FACENN_CM55_CPU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT
    "${FACENN_CM55_CPU_FLAGS} -ffunction-sections -fdata-sections -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit")
set(CMAKE_ASM_FLAGS_INIT "${FACENN_CM55_CPU_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${FACENN_CM55_CPU_FLAGS} -Wl,--gc-sections")

# Never pick up host headers, libraries or packages.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
