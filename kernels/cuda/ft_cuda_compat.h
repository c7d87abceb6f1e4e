/* ftwin kernels: what every .cu file includes instead of <cuda_runtime.h>.
 *
 * Under nvcc it is the CUDA runtime and two macros; compiled as C++ for the CPU
 * (FT_CUDA_EMULATION, kernels/cmake/ftwin_cuda_emu.cmake) it is the emulation of
 * ft_cuda_emu.h, so that CI (no GPU) executes the very same kernel bodies:
 *
 *   FT_LAUNCH(kernel, grid, block, shmem_bytes, args...)
 *       kernel<<<grid, block, shmem_bytes>>>(args...) under nvcc; in emulation a
 *       synchronous launch (configuration errors go to cudaGetLastError, as on a GPU).
 *   FT_DYNAMIC_SHARED(type, name)
 *       the block's dynamic shared memory: extern __shared__ type name[] under nvcc.
 *
 * Static `__shared__` arrays in kernels are per block in both. */
#ifndef FT_CUDA_COMPAT_H
#define FT_CUDA_COMPAT_H

#if defined(__CUDACC__)
#include <cuda_runtime.h>
#define FT_LAUNCH(kernel, grid, block, shmem, ...) kernel<<<(grid), (block), (shmem)>>>(__VA_ARGS__)
#define FT_DYNAMIC_SHARED(type, name) extern __shared__ type name[]
#elif defined(FT_CUDA_EMULATION)
#include "ft_cuda_emu.h"
#else
#error "ft_cuda_compat.h: compile .cu files with nvcc, or as C++ with -DFT_CUDA_EMULATION (ftwin_cuda_emu)"
#endif

#endif
