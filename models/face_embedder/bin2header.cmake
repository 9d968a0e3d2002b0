# cmake -DOUT=<header> -DNAMESPACE=<ns> -DARCHIVE=<ns>_weights.tar.xz [-DSHA_INT8=..] [-DSHA_FLOAT=..]
#       -P bin2header.cmake
# Extracts <ns>_int8.bin (kInt8Blob) and <ns>_float.bin (kFloatBlob) from the converter's archive and writes
# them as string literals (every byte a \xHH escape, so an escape always ends at the next backslash or quote),
# ~4 KB per source line, after checking their sha256 against the values the converter recorded.
foreach(v OUT NAMESPACE ARCHIVE)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "bin2header.cmake: -D${v}=... is required")
  endif()
endforeach()

function(facenn_blob_literal file var decl sha)
  if(sha)
    file(SHA256 "${file}" got)
    if(NOT got STREQUAL sha)
      message(FATAL_ERROR "${file}: sha256 ${got}, expected ${sha} (regenerate with the converter)")
    endif()
  endif()
  file(SIZE "${file}" size)
  get_filename_component(base "${file}" NAME)
  file(APPEND "${OUT}.tmp" "// ${size} bytes (${base})\n${decl} =\n")
  set(block_bytes 262144)  # read + convert 256 KB at a time (64 source lines)
  set(pos 0)
  while(pos LESS size)
    file(READ "${file}" hex OFFSET ${pos} LIMIT ${block_bytes} HEX)
    string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" esc "${hex}")
    string(LENGTH "${esc}" n)
    set(text "")
    set(i 0)
    while(i LESS n)  # one source line per 4096 bytes (16384 characters of \xHH)
      string(SUBSTRING "${esc}" ${i} 16384 piece)
      string(APPEND text "    \"${piece}\"\n")
      math(EXPR i "${i} + 16384")
    endwhile()
    file(APPEND "${OUT}.tmp" "${text}")
    math(EXPR pos "${pos} + ${block_bytes}")
  endwhile()
  file(APPEND "${OUT}.tmp" "    ;\n\n")
endfunction()

set(work "${OUT}.d")
file(REMOVE_RECURSE "${work}")
file(ARCHIVE_EXTRACT INPUT "${ARCHIVE}" DESTINATION "${work}")
set(INT8 "${work}/${NAMESPACE}_int8.bin")
set(FLOAT "${work}/${NAMESPACE}_float.bin")

file(WRITE "${OUT}.tmp"
  "// Generated at build time by models/face_embedder/bin2header.cmake from models/${NAMESPACE}/weights/${NAMESPACE}_weights.tar.xz.\n"
  "// Do not edit. Included by <facenn/weights/${NAMESPACE}.hpp>.\n"
  "#pragma once\n\nnamespace facenn::weights::${NAMESPACE} {\n\n")
facenn_blob_literal("${INT8}" kInt8Blob "alignas(64) inline constexpr signed char kInt8Blob[]" "${SHA_INT8}")
facenn_blob_literal("${FLOAT}" kFloatBlob "alignas(64) inline constexpr unsigned char kFloatBlob[]" "${SHA_FLOAT}")
file(APPEND "${OUT}.tmp" "}  // namespace facenn::weights::${NAMESPACE}\n")
file(RENAME "${OUT}.tmp" "${OUT}")
file(REMOVE_RECURSE "${work}")
