# Compiles one translation unit and checks the outcome.
#   -DCOMPILER=... -DSOURCE=... -DINCLUDE_DIR=... -DSTD_FLAG=...
# The source's first line is "// EXPECT: <text>" (must fail with <text> in the diagnostics) or
# "// EXPECT-SUCCESS" (must compile).
file(STRINGS "${SOURCE}" first_line LIMIT_COUNT 1)
execute_process(
  COMMAND "${COMPILER}" ${STD_FLAG} -fsyntax-only -I "${INCLUDE_DIR}" "${SOURCE}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(first_line MATCHES "^// EXPECT-SUCCESS")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "expected ${SOURCE} to compile, it failed:\n${err}")
  endif()
  message(STATUS "compiled as expected")
  return()
endif()
string(REGEX REPLACE "^// EXPECT: " "" expected "${first_line}")
if(rc EQUAL 0)
  message(FATAL_ERROR "expected ${SOURCE} to fail to compile, it compiled")
endif()
string(FIND "${err}" "${expected}" pos)
if(pos EQUAL -1)
  message(FATAL_ERROR "compile failed but without the intended message '${expected}':\n${err}")
endif()
message(STATUS "failed with the intended message: ${expected}")
