# doctest (header-only) for cross builds: see facenn_host_headers.cmake.
include(${CMAKE_CURRENT_LIST_DIR}/facenn_host_headers.cmake)
facenn_host_header_package(doctest doctest/doctest.h doctest::doctest)
