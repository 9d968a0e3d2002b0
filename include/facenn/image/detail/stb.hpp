// Private: compiles stb_image / stb_image_write into every translation unit that includes it.
//
// How this stays header-only without ODR trouble:
//  * STB_IMAGE_STATIC / STB_IMAGE_WRITE_STATIC make every stb function (and stb's globals) `static`,
//    i.e. internal linkage: each translation unit gets its own private copy, nothing is exported, so
//    several TUs of one program (or a program that links its own stb elsewhere) never see duplicate
//    or mismatching symbols. Functions a TU does not call are not emitted at all.
//  * Only the formats facenn needs are compiled (JPEG, PNG, BMP, PNM): the others (TGA without a magic
//    number, PSD, HDR, PIC) would make more garbage files "decode", and stb 2.27's GIF loader has known
//    memory-safety bugs (GHSL-2023-148..152).
//  * The stb code is surrounded by diagnostic pragmas, so facenn's -Wall -Wextra -Wconversion
//    -Werror builds (and users' strict builds) stay clean.
//  * If a TU already included <stb_image.h> itself (with its own configuration), mixing the two is an
//    error we report clearly. Define FACENN_EXTERNAL_STB (and link one stb implementation yourself) to
//    make facenn use the declarations of your own stb instead.
#pragma once

#include <cassert>
#include <climits>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#if defined(__SSE2__) && !defined(STBI_NO_SIMD)
#include <emmintrin.h>  // stb's SSE2 JPEG paths; included here, outside the pragma regions below
#endif

#ifndef FACENN_EXTERNAL_STB

#if defined(STBI_INCLUDE_STB_IMAGE_H) || defined(INCLUDE_STB_IMAGE_WRITE_H)
#error "facenn/image: include facenn's image headers before <stb_image.h>/<stb_image_write.h>, or define FACENN_EXTERNAL_STB and link your own stb implementation"
#endif

#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wall"
#pragma clang diagnostic ignored "-Wextra"
#pragma clang diagnostic ignored "-Wconversion"
#pragma clang diagnostic ignored "-Wsign-conversion"
#pragma clang diagnostic ignored "-Wshadow"
#pragma clang diagnostic ignored "-Wunused-function"
#pragma clang diagnostic ignored "-Wunused-parameter"
#pragma clang diagnostic ignored "-Wmissing-field-initializers"
#pragma clang diagnostic ignored "-Wimplicit-fallthrough"
#pragma clang diagnostic ignored "-Wdouble-promotion"
#pragma clang diagnostic ignored "-Wold-style-cast"
#pragma clang diagnostic ignored "-Wcast-align"
#pragma clang diagnostic ignored "-Wcast-qual"
#pragma clang diagnostic ignored "-Wzero-as-null-pointer-constant"
#pragma clang diagnostic ignored "-Wcomma"
#pragma clang diagnostic ignored "-Wdisabled-macro-expansion"
#elif defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wall"
#pragma GCC diagnostic ignored "-Wextra"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wdouble-promotion"
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wuseless-cast"
#pragma GCC diagnostic ignored "-Wcast-align"
#pragma GCC diagnostic ignored "-Wcast-qual"
#pragma GCC diagnostic ignored "-Wzero-as-null-pointer-constant"
#pragma GCC diagnostic ignored "-Wduplicated-branches"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#pragma GCC diagnostic ignored "-Warray-bounds"
#endif

// stb's integer IDCT and Huffman arithmetic can overflow `int` on corrupt JPEG data. The values are
// garbage either way; give the overflow defined (wrapping) semantics so it is not undefined behaviour
// (and UBSan builds of facenn's tests do not stop on it).
#if defined(__clang__)
#pragma clang attribute push(__attribute__((no_sanitize("signed-integer-overflow"))), apply_to = function)
#elif defined(__GNUC__)
#pragma GCC push_options
#pragma GCC optimize("wrapv")
#endif

#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO          // facenn reads files itself (size checks, directories, clear errors)
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_ONLY_BMP
#define STBI_ONLY_PNM
#include <stb_image.h>

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO    // facenn writes through a callback and checks every fwrite
#include <stb_image_write.h>

#if defined(__clang__)
#pragma clang attribute pop
#elif defined(__GNUC__)
#pragma GCC pop_options
#endif

#if defined(__clang__)
#pragma clang diagnostic pop
#elif defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#else  // FACENN_EXTERNAL_STB
#include <stb_image.h>
#include <stb_image_write.h>
#endif
