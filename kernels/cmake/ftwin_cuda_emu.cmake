# ftwin_cuda_emulated_library(TARGET sources.cu...): the CUDA sources compiled as C++17 for the CPU
# with kernels/cuda/ft_cuda_emu.h (FT_CUDA_EMULATION defined). Each .cu is included by a generated
# .cpp in the build tree, so no compiler needs to know the .cu extension. Needs a C++ compiler and
# threads only: no nvcc, no driver. Sanitizer flags of the build apply as to any other target.
include_guard(GLOBAL)
# (CXX is enabled by the project() of the top level and of kernels/ alone)
find_package(Threads REQUIRED)
function(ftwin_cuda_emulated_library target)
  set(wrappers "")
  foreach(cu ${ARGN})
    get_filename_component(base ${cu} NAME_WE)
    set(w ${CMAKE_CURRENT_BINARY_DIR}/${target}/${base}_emu.cpp)
    file(CONFIGURE OUTPUT ${w} CONTENT "/* generated: ${cu} in CUDA emulation on the CPU */\n#include \"${cu}\"\n")
    list(APPEND wrappers ${w})
  endforeach()
  add_library(${target} STATIC ${wrappers})
  target_include_directories(${target} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/cuda)
  target_compile_definitions(${target} PUBLIC FT_CUDA_EMULATION)
  # no FMA contraction: the exact mode counts as the CPU loops do
  target_compile_options(${target} PRIVATE -ffp-contract=off -Wno-unknown-pragmas)
  target_link_libraries(${target} PUBLIC ftwin_kernels Threads::Threads)
  set_target_properties(${target} PROPERTIES CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON POSITION_INDEPENDENT_CODE ON LINKER_LANGUAGE CXX)
endfunction()
