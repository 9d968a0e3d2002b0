# The image must contain no allocator, no sbrk and no C++ exception runtime:
#   cmake -DNM=arm-none-eabi-nm -DELF=image.elf -P check_symbols.cmake
cmake_minimum_required(VERSION 3.20)
execute_process(COMMAND ${NM} ${ELF} RESULT_VARIABLE rc OUTPUT_VARIABLE syms ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} ${ELF} failed: ${err}")
endif()
string(REGEX MATCHALL "[^\n]+" lines "${syms}")
list(LENGTH lines count)
if(count LESS 10)
  message(FATAL_ERROR "${ELF}: only ${count} symbols — not the image expected")
endif()
set(forbidden
    malloc calloc realloc free _malloc_r _calloc_r _realloc_r _free_r memalign _memalign_r posix_memalign
    aligned_alloc _sbrk _sbrk_r sbrk end _end __heap_start __HeapBase
    _Znwj _Znaj _ZnwjRKSt9nothrow_t _ZnajRKSt9nothrow_t _ZnwjSt11align_val_t _ZnajSt11align_val_t
    _ZdlPv _ZdaPv _ZdlPvj _ZdaPvj
    __cxa_throw __cxa_allocate_exception __cxa_rethrow __cxa_begin_catch __cxa_end_catch
    __gxx_personality_v0 _Unwind_Resume _Unwind_RaiseException __cxa_guard_acquire __cxa_pure_virtual
    _write _read _open _close _fstat _isatty _lseek _kill _getpid)
set(found "")
foreach(line IN LISTS lines)
  if(line MATCHES "^[0-9a-fA-F ]+ [A-Za-z] (.+)$")
    set(name "${CMAKE_MATCH_1}")
    if(name IN_LIST forbidden OR name MATCHES "^__wrap_|^__real_")
      list(APPEND found "${name}")
    endif()
  endif()
endforeach()
if(found)
  message(FATAL_ERROR "${ELF} contains forbidden symbols: ${found}")
endif()
message("${ELF}: ${count} symbols, none of: ${forbidden}")
