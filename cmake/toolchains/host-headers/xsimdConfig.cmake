# xsimd (header-only) for cross builds: see facenn_host_headers.cmake. Target name as upstream: xsimd.
include(${CMAKE_CURRENT_LIST_DIR}/facenn_host_headers.cmake)
facenn_host_header_package(xsimd xsimd/xsimd.hpp xsimd)
