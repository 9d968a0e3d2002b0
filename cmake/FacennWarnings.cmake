# facenn_warnings: the project's own strictness (-Wall -Wextra -Werror), applied to tests, tools,
# examples and benchmarks, never exported to consumers.
add_library(facenn_warnings INTERFACE)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(facenn_warnings INTERFACE -Wall -Wextra -Werror -Wshadow -Wconversion -Wno-sign-conversion)
endif()
if(FACENN_SANITIZE)
  target_compile_options(facenn_warnings INTERFACE -fsanitize=${FACENN_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(facenn_warnings INTERFACE -fsanitize=${FACENN_SANITIZE})
endif()

# facenn_add_test(NAME name SOURCES a.cpp ... [LIBS ...] [ARGS ...])
# A doctest executable registered in CTest; FACENN_SOURCE_DIR / FACENN_SHARED_DIR are compiled in so tests
# find golden files in the repo and the evaluation data in ../shared.
find_package(doctest QUIET)
function(facenn_add_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS;ARGS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE facenn_warnings ${T_LIBS})
  if(TARGET doctest::doctest)
    target_link_libraries(${T_NAME} PRIVATE doctest::doctest)
  endif()
  target_compile_definitions(${T_NAME} PRIVATE
    FACENN_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    FACENN_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
  add_test(NAME ${T_NAME} COMMAND ${T_NAME} ${T_ARGS})
endfunction()
