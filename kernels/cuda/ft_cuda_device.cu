/* ftwin kernels, CUDA host side: which device this process uses, how many local ranks share it,
 * and how large the chunks of the element wrappers are (ft_batch.h: ft_cuda_bind_device,
 * ft_cuda_set_max_chunk; ft_cuda_chunk.h: the sizing rule).
 *
 * NOTE: written and compiled (nvcc 13) on a machine WITHOUT a GPU; run in CPU emulation only
 * (kernels/tests/gpu/conformance_elements_thermal.c). */
#include "ft_cuda_compat.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "../ft_batch.h"
#include "ft_cuda_chunk.h"

namespace {
long g_max_chunk     = 0; /* ft_cuda_set_max_chunk's value */
bool g_max_chunk_set = false;
int  g_sharers       = 1; /* local ranks on this process's device (ft_cuda_bind_device) */
} /* namespace */

void ft__cuda_set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

extern "C" void ft_cuda_set_max_chunk(long elements)
{
    g_max_chunk     = elements > 0 ? elements : 0;
    g_max_chunk_set = true;
}

extern "C" long ft_cuda_max_chunk(void)
{
    if (g_max_chunk_set) return g_max_chunk;
    const char *s = getenv("FTWIN_CUDA_MAX_CHUNK");
    if (!s || !*s) return 0;
    char *end = nullptr;
    errno = 0;
    const long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < 0) return -1;
    return v > 0x7fffffffLL ? 0x7fffffffL : (long)v;
}

extern "C" int ft_cuda_device_sharers(void) { return g_sharers; }

extern "C" int ft_cuda_bind_device(int local_rank, int local_size, char *desc, size_t len)
{
    if (desc && len) desc[0] = '\0';
    if (local_size < 1 || local_rank < 0 || local_rank >= local_size) {
        ft__cuda_set_err(desc, len, "ft_cuda_bind_device: local rank %d outside [0, %d)", local_rank, local_size);
        return 1;
    }
    int ndev = 0;
    cudaError_t ce = cudaGetDeviceCount(&ndev);
    if (ce != cudaSuccess || ndev <= 0) {
        if (ce != cudaSuccess) (void)cudaGetLastError(); /* no driver / no device: not an error */
        ft__cuda_set_err(desc, len, "rank %d: no CUDA device to bind", local_rank);
        return 0;
    }
    const int dev = local_rank % ndev;
    ce = cudaSetDevice(dev);
    if (ce != cudaSuccess) {
        ft__cuda_set_err(desc, len, "rank %d: cudaSetDevice(%d) failed: %s", local_rank, dev, cudaGetErrorString(ce));
        return 1;
    }
    /* local ranks r with r % ndev == dev: the exact count, not the ceiling */
    g_sharers = local_size / ndev + (dev < local_size % ndev ? 1 : 0);
    ft__cuda_set_err(desc, len, "rank %d -> device %d (%d %s it)", local_rank, dev, g_sharers,
                     g_sharers == 1 ? "rank uses" : "ranks share");
    return 0;
}

int ft__cuda_chunk_elems(const char *who, int nelem, size_t per_elem, size_t fixed, char *err,
                         size_t errlen, int *chunk)
{
    const long cap = ft_cuda_max_chunk();
    if (cap < 0) {
        ft__cuda_set_err(err, errlen, "%s: FTWIN_CUDA_MAX_CHUNK='%s' is not a non-negative integer", who,
                         getenv("FTWIN_CUDA_MAX_CHUNK"));
        return 1;
    }
    size_t freeb = 0, totalb = 0;
    cudaError_t ce = cudaMemGetInfo(&freeb, &totalb);
    if (ce != cudaSuccess) {
        ft__cuda_set_err(err, errlen, "%s: cudaMemGetInfo failed: %s", who, cudaGetErrorString(ce));
        return 1;
    }
    const size_t share = freeb / (size_t)(g_sharers > 0 ? g_sharers : 1);
    const size_t avail = share / 10 * 8;
    if (avail <= fixed + per_elem) {
        ft__cuda_set_err(err, errlen,
                         "%s: not enough free device memory (%zu bytes free, %d rank%s share the device; "
                         "%zu bytes needed for one element)",
                         who, freeb, g_sharers, g_sharers == 1 ? "" : "s", fixed + per_elem);
        return 1;
    }
    size_t c = (avail - fixed) / per_elem;
    if (c > (size_t)nelem) c = (size_t)nelem;
    if (cap > 0 && c > (size_t)cap) c = (size_t)cap;
    *chunk = (int)c;
    return 0;
}
