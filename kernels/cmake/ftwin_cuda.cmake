# CUDA: on by default when nvcc is found; -DFTWIN_CUDA=OFF gives the CPU-only build. Included by
# the top-level CMakeLists.txt and by kernels/CMakeLists.txt when kernels/ is built on its own.
include(CheckLanguage)
check_language(CUDA)
if(CMAKE_CUDA_COMPILER)
  set(_ftwin_cuda_default ON)
else()
  set(_ftwin_cuda_default OFF)
endif()
option(FTWIN_CUDA "Build the CUDA kernels (falls back to CPU when no device is visible)" ${_ftwin_cuda_default})
# The `cuda` backend in CPU emulation (kernels/cuda/ft_cuda_emu.h): the same .cu files compiled as
# C++, so that `ftwin ... --backend cuda` runs end to end where there is no GPU (CI). Not a GPU.
option(FTWIN_CUDA_EMULATION "Build the cuda backend as CUDA emulation on the CPU (tests only)" OFF)
if(FTWIN_CUDA_EMULATION)
  set(FTWIN_CUDA OFF CACHE BOOL "" FORCE)
endif()
if(FTWIN_CUDA)
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    set(CMAKE_CUDA_ARCHITECTURES 90)
  endif()
  enable_language(CUDA)
  find_package(CUDAToolkit REQUIRED)
endif()
