/* ftwin kernels, CUDA host side: the one rule that sizes the chunks of the element wrappers
 * (ft_cuda_elements.cu, ft_cuda_thermal.cu). Internal to kernels/cuda (C++; not public API):
 * the public controls are ft_cuda_set_max_chunk and ft_cuda_bind_device (ft_batch.h). */
#ifndef FT_CUDA_CHUNK_H
#define FT_CUDA_CHUNK_H
#include <stddef.h>

/* Elements per chunk for a wrapper that needs `per_elem` device bytes per element plus `fixed`
 * bytes once:
 *   avail = 80% of (free device memory / ranks sharing the device)   (ft_cuda_bind_device)
 *   chunk = min(nelem, (avail - fixed) / per_elem, cap)              (cap: ft_cuda_max_chunk,
 *                                                                    0 = none)
 * at least 1. Returns 0, or 1 with a message naming `who` (cudaMemGetInfo failed, not even one
 * element fits, FTWIN_CUDA_MAX_CHUNK malformed). nelem > 0. */
int ft__cuda_chunk_elems(const char *who, int nelem, size_t per_elem, size_t fixed, char *err,
                         size_t errlen, int *chunk);

/* printf-style message into err[errlen] (nothing when err is NULL or errlen 0). */
void ft__cuda_set_err(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
#endif
