# The face embedder's weights (5.6 M parameters) are committed as two raw blobs in one .tar.xz (7.9 MB,
# models/face_embedder/weights/), not as a 48 MB header: this build step turns them into <facenn/weights/face_embedder_blobs.hpp> in the build
# tree (and installs it next to the other weights headers), so consumers keep `find_package(facenn)` +
# `#include <facenn/models/face_embedder.hpp>`. See docs/models/face_embedder.md.
#
#   include(models/face_embedder/face_embedder.cmake)    # from the top-level CMakeLists.txt
#   target_link_libraries(app PRIVATE facenn::core facenn::face_embedder_weights)   # in-tree users
include_guard(GLOBAL)

set(FACENN_FACE_EMBEDDER_DIR ${CMAKE_CURRENT_LIST_DIR})
set(FACENN_GENERATED_INCLUDE_DIR ${PROJECT_BINARY_DIR}/facenn_generated/include)
set(_facenn_fe_header ${FACENN_GENERATED_INCLUDE_DIR}/facenn/weights/face_embedder_blobs.hpp)

# sha256 of the blobs, as the converter recorded them (models/face_embedder/manifest.json, "weights")
file(READ ${FACENN_FACE_EMBEDDER_DIR}/manifest.json _facenn_fe_manifest)
string(JSON _facenn_fe_sha_int8 GET "${_facenn_fe_manifest}" weights int8_sha256)
string(JSON _facenn_fe_sha_float GET "${_facenn_fe_manifest}" weights float_sha256)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${FACENN_FACE_EMBEDDER_DIR}/manifest.json)

add_custom_command(
  OUTPUT ${_facenn_fe_header}
  COMMAND ${CMAKE_COMMAND} -DOUT=${_facenn_fe_header} -DNAMESPACE=face_embedder
          -DARCHIVE=${FACENN_FACE_EMBEDDER_DIR}/weights/face_embedder_weights.tar.xz
          -DSHA_INT8=${_facenn_fe_sha_int8} -DSHA_FLOAT=${_facenn_fe_sha_float}
          -P ${FACENN_FACE_EMBEDDER_DIR}/bin2header.cmake
  DEPENDS ${FACENN_FACE_EMBEDDER_DIR}/weights/face_embedder_weights.tar.xz
          ${FACENN_FACE_EMBEDDER_DIR}/manifest.json
          ${FACENN_FACE_EMBEDDER_DIR}/bin2header.cmake
  COMMENT "Generating facenn/weights/face_embedder_blobs.hpp from models/face_embedder/weights/face_embedder_weights.tar.xz"
  VERBATIM)
add_custom_target(facenn_face_embedder_blobs ALL DEPENDS ${_facenn_fe_header})

add_library(facenn_face_embedder_weights INTERFACE)
add_library(facenn::face_embedder_weights ALIAS facenn_face_embedder_weights)
target_include_directories(facenn_face_embedder_weights INTERFACE $<BUILD_INTERFACE:${FACENN_GENERATED_INCLUDE_DIR}>)
add_dependencies(facenn_face_embedder_weights facenn_face_embedder_blobs)

if(NOT FACENN_FACE_EMBEDDER_NO_INSTALL)
  include(GNUInstallDirs)
  install(FILES ${_facenn_fe_header} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/facenn/weights)
endif()
