/* ftwin kernels: the fast CUDA fatigue kernel: ft_cuda_fatigue.cu's counting kernel compiled
 * with FMA contraction allowed (nvcc's default --fmad=true), under the names *_fast; the
 * session (host side) lives in ft_cuda_fatigue.cu only and picks this kernel when opened with
 * fast != 0 (case key fatigue.cuda_mode: fast). In CPU emulation it is compiled without
 * contraction like everything else, so there it computes exactly what the exact kernel does;
 * its differences from the CPU are measured on a real GPU only. */
#define FT_CUDA_FATIGUE_FAST 1
#include "ft_cuda_fatigue.cu"
