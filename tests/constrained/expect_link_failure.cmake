# Builds a target of the Cortex-M55 project that must NOT link, and requires the linker to say why:
#   cmake -DBUILD_DIR=<mcu build> -DTARGET=mcu_guard_malloc -DEXPECT=__wrap_malloc -P expect_link_failure.cmake
cmake_minimum_required(VERSION 3.20)
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "${TARGET} linked, but it pulls in ${EXPECT}: the no-heap/no-exceptions guard is broken")
endif()
if(NOT "${out}${err}" MATCHES "undefined reference to `${EXPECT}'")
  message(FATAL_ERROR "${TARGET} failed, but not with \"undefined reference to `${EXPECT}'\":\n${out}${err}")
endif()
message("${TARGET}: link refused as intended (undefined reference to `${EXPECT}')")
