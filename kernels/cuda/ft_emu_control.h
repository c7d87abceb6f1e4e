/* ftwin kernels: the controls of the CUDA emulation (ft_cuda_emu.h), callable from C tests linked
 * with ftwin_cuda_emu. Defined in kernels/cuda/ft_cuda_emu.cu (emulated builds only: a test uses
 * them under #ifdef FT_CUDA_EMULATION). */
#ifndef FT_EMU_CONTROL_H
#define FT_EMU_CONTROL_H
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif
/* The nth next cudaMalloc (1 = the next one) fails with cudaErrorMemoryAllocation; 0 disarms. */
void   ft_emu_fail_malloc(int nth);
/* The nth next kernel launch fails with cudaErrorLaunchFailure (the kernel does not run); 0 disarms. */
void   ft_emu_fail_launch(int nth);
/* The emulated device's memory (cudaMemGetInfo's total; allocations beyond it fail): forces chunking. */
void   ft_emu_set_device_memory(size_t bytes);
/* Bytes allocated on the emulated device now (a test's leak check). */
size_t ft_emu_device_memory_used(void);
#ifdef __cplusplus
}
#endif
#endif
