/* ftwin kernels, CUDA host side of the element wrappers (ft_cuda_elements.cu,
 * ft_cuda_thermal.cu): the one rule that sizes their chunks, their messages and the checks of
 * every CUDA call. Internal to kernels/cuda (C++; not public API):
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

/* Checks one CUDA call inside a wrapper with `int rc`, `char *err, size_t errlen` and a `done:`
 * cleanup label: on failure the message names the wrapper, the call and CUDA's error, rc = 1. */
#define FT_CU(call)                                                                                \
    do {                                                                                           \
        cudaError_t ft_e_ = (call);                                                                \
        if (ft_e_ != cudaSuccess) {                                                                \
            ft__cuda_set_err(err, errlen, "%s: %s failed: %s", __func__, #call, cudaGetErrorString(ft_e_)); \
            rc = 1;                                                                                \
            goto done;                                                                             \
        }                                                                                          \
    } while (0)

/* Frees a device buffer in the cleanup path; a failure is reported unless an earlier error
 * already was (the first message is kept). */
#define FT_CU_FREE(ptr)                                                                            \
    do {                                                                                           \
        if (ptr) {                                                                                 \
            cudaError_t ft_e_ = cudaFree(ptr);                                                     \
            if (ft_e_ != cudaSuccess && rc == 0) {                                                 \
                ft__cuda_set_err(err, errlen, "%s: cudaFree(%s) failed: %s", __func__, #ptr,       \
                                 cudaGetErrorString(ft_e_));                                       \
                rc = 1;                                                                            \
            }                                                                                      \
        }                                                                                          \
    } while (0)
#endif
