/* ftwin kernels: CUDA batched element routines (host wrappers + kernels).
 *
 * The math is the FT_HD code of ft_tet.h / ft_elasticity.h, shared with the CPU loops in
 * kernels/cpu/ft_cpu_elements.c (which the unit tests check). Build:
 *   nvcc -std=c++17 -O3 -arch=sm_90 -Ikernels -c kernels/cuda/ft_cuda_elements.cu
 *
 * Also compiled as C++ in CUDA emulation on the CPU (ft_cuda_compat.h, ft_cuda_emu.h), where
 * the GPU conformance suite (kernels/tests/gpu) runs these very kernels against the CPU loops;
 * not yet run on a GPU (bench/gpu/prove.sh is the prepared proof).
 *
 * Host wrappers take HOST pointers, copy to the device in chunks that fit the free device
 * memory (shared among the ranks bound to the device; capped by ft_cuda_set_max_chunk),
 * launch, check every CUDA call and cudaGetLastError() after each launch, copy back,
 * and return 0 on success or 1 with a message in err[errlen].
 *
 * Stiffness kernel: one thread per element. Each warp handles 32 elements; for every node
 * row-block i a thread computes its element's 3 x 3n strip (rows 3i..3i+2, contiguous in
 * Ke) into shared memory with ft_tet_stiffness_rows, then the warp writes the 32 strips
 * with coalesced stores (lane = consecutive doubles), instead of 32 threads scattering
 * 8-byte stores 7.2 KB apart.
 *
 * Stress kernel: one thread per (element, case) pair, t = case * nelem + element.
 */
#include "ft_cuda_compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../ft_batch.h"
#include "../ft_elasticity.h"
#include "../ft_tet.h"
#include "ft_cuda_chunk.h"

namespace {

constexpr int kStiffWarps = 2;                 /* warps per block in the stiffness kernel */
constexpr int kStiffThreads = 32 * kStiffWarps;
constexpr int kStressThreads = 128;

void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* strip of rows 3i..3i+2: 3 * 3n doubles; odd shared-memory stride avoids bank conflicts */
template <int ORDER> struct StiffShape {
    static constexpr int n = ORDER == 1 ? 4 : 10;
    static constexpr int nd = 3 * n;
    static constexpr int nk = nd * nd;
    static constexpr int strip = 3 * nd;
    static constexpr int stride = strip | 1;
};

template <int ORDER>
__global__ void __launch_bounds__(kStiffThreads)
    ft_stiffness_kernel(int nelem, const double *__restrict__ X, const double *__restrict__ E,
                        const double *__restrict__ nu, double *__restrict__ Ke)
{
    typedef StiffShape<ORDER> SS;
    __shared__ double sh[kStiffThreads * SS::stride];
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    const long long e0 = (long long)blockIdx.x * kStiffThreads + (long long)warp * 32;
    const long long e = e0 + lane;
    const bool active = e < (long long)nelem;
    double G[4][3], V = 0.0, lmb = 0.0, mu = 0.0;
    double *mine = sh + threadIdx.x * SS::stride;
    const double *wsh = sh + warp * 32 * SS::stride;
    const int nw = (nelem - e0 < 32) ? (int)(nelem - e0) : 32; /* elements of this warp */

    if (e0 >= (long long)nelem) return; /* whole warp idle (no block-level sync used) */
    if (active) {
        double Xl[4][3];
        const double *xe = X + 12 * e;
        for (int a = 0; a < 4; a++)
            for (int c = 0; c < 3; c++) Xl[a][c] = xe[3 * a + c];
        V = fabs(ft_tet_geometry((const double(*)[3])Xl, G)) / 6.0;
        ft_iso_lame(E[e], nu[e], &lmb, &mu);
    }
#pragma unroll 1
    for (int i = 0; i < SS::n; i++) {
        if (active) ft_tet_stiffness_rows(ORDER, (const double(*)[3])G, V, lmb, mu, i, mine, SS::nd);
        __syncwarp();
        for (int t = 0; t < nw; t++) {
            double *dst = Ke + (size_t)(e0 + t) * SS::nk + (size_t)(3 * i * SS::nd);
            const double *src = wsh + t * SS::stride;
            for (int c = lane; c < SS::strip; c += 32) dst[c] = src[c];
        }
        __syncwarp();
    }
}

__global__ void __launch_bounds__(kStressThreads)
    ft_stress_kernel(int order, int nelem, int ncases, const double *__restrict__ X,
                     const double *__restrict__ E, const double *__restrict__ nu,
                     const double *__restrict__ alpha, const double *__restrict__ ue,
                     const double *__restrict__ dTe, int npts, const double *__restrict__ lam,
                     double *__restrict__ sigma)
{
    const long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (t >= (long long)nelem * ncases) return;
    const long long e = t % nelem; /* t = c * nelem + e, so ce == t */
    const int n = ft_tet_num_nodes(order);
    double Xl[4][3], G[4][3];
    const double *xe = X + 12 * e;
    for (int a = 0; a < 4; a++)
        for (int c = 0; c < 3; c++) Xl[a][c] = xe[3 * a + c];
    ft_tet_geometry((const double(*)[3])Xl, G);
    for (int p = 0; p < npts; p++) {
        double s[6] = {0, 0, 0, 0, 0, 0}; /* set by ft_tet_stress_at_geom (order checked by the wrapper) */
        const double l4[4] = {lam[4 * p], lam[4 * p + 1], lam[4 * p + 2], lam[4 * p + 3]};
        ft_tet_stress_at_geom(order, (const double(*)[3])G, E[e], nu[e], alpha[e],
                              ue + (size_t)t * 3 * n, dTe ? dTe + (size_t)t * n : nullptr, l4, s);
        double *out = sigma + ((size_t)t * npts + p) * 6;
        for (int k = 0; k < 6; k++) out[k] = s[k];
    }
}

/* Elements per chunk: the one sizing rule of kernels/cuda (ft_cuda_chunk.h): ~80% of the free
 * device memory divided among the ranks sharing the device (ft_cuda_bind_device), capped by
 * ft_cuda_set_max_chunk / FTWIN_CUDA_MAX_CHUNK; at least 1, at most nelem. */
int chunk_elems(const char *who, int nelem, size_t per_elem, size_t fixed, char *err, size_t errlen, int *chunk)
{
    return ft__cuda_chunk_elems(who, nelem, per_elem, fixed, err, errlen, chunk);
}

} /* namespace */

/* FT_CU, FT_CU_FREE: ft_cuda_chunk.h */

extern "C" int ft_cuda_device_count(void)
{
    int n = 0;
    cudaError_t ce = cudaGetDeviceCount(&n);
    if (ce != cudaSuccess) {
        (void)cudaGetLastError(); /* clear: no driver / no device is not an error here */
        return 0;
    }
    return n;
}

extern "C" void ft_cuda_describe(char *buf, size_t len)
{
    if (!buf || len == 0) return;
#if defined(FT_CUDA_EMULATION)
    snprintf(buf, len, "1 CUDA device: [0] CUDA emulation on the CPU (not a GPU: the .cu kernels compiled as C++, "
                       "each CUDA thread a CPU thread)");
    return;
#endif
    int n = 0;
    cudaError_t ce = cudaGetDeviceCount(&n);
    if (ce != cudaSuccess || n <= 0) {
        if (ce != cudaSuccess) {
            (void)cudaGetLastError();
            snprintf(buf, len, "no CUDA device: CPU kernels (cudaGetDeviceCount: %s)", cudaGetErrorString(ce));
        } else {
            snprintf(buf, len, "no CUDA device: CPU kernels");
        }
        return;
    }
    size_t used = (size_t)snprintf(buf, len, "%d CUDA device%s:", n, n == 1 ? "" : "s");
    for (int d = 0; d < n && used < len; d++) {
        cudaDeviceProp prop;
        if (cudaGetDeviceProperties(&prop, d) != cudaSuccess) {
            (void)cudaGetLastError();
            used += (size_t)snprintf(buf + used, len - used, " [%d] (properties unavailable)", d);
            continue;
        }
        used += (size_t)snprintf(buf + used, len - used, " [%d] %s (sm_%d%d, %.1f GiB)", d,
                                 prop.name, prop.major, prop.minor,
                                 (double)prop.totalGlobalMem / (1024.0 * 1024.0 * 1024.0));
    }
}

/* Launches the stiffness kernel on DEVICE pointers (no copies, no synchronization; launch
 * errors are reported). Used by ft_cuda_stiffness_batch; also callable directly to keep
 * data on the device (e.g. to time the kernel alone). */
extern "C" int ft_cuda_stiffness_batch_device(int order, int nelem, const double *dX,
                                              const double *dE, const double *dnu, double *dKe,
                                              char *err, size_t errlen)
{
    if (order != 1 && order != 2) {
        set_err(err, errlen, "ft_cuda_stiffness_batch: order must be 1 or 2 (got %d)", order);
        return 1;
    }
    if (nelem < 0) {
        set_err(err, errlen, "ft_cuda_stiffness_batch: nelem < 0");
        return 1;
    }
    if (nelem == 0) return 0;
    const unsigned blocks = (unsigned)((nelem + kStiffThreads - 1) / kStiffThreads);
    if (order == 1)
        FT_LAUNCH(ft_stiffness_kernel<1>, blocks, kStiffThreads, 0, nelem, dX, dE, dnu, dKe);
    else
        FT_LAUNCH(ft_stiffness_kernel<2>, blocks, kStiffThreads, 0, nelem, dX, dE, dnu, dKe);
    cudaError_t ce = cudaGetLastError();
    if (ce != cudaSuccess) {
        set_err(err, errlen, "ft_stiffness_kernel launch failed: %s", cudaGetErrorString(ce));
        return 1;
    }
    return 0;
}

extern "C" int ft_cuda_stiffness_batch(int order, int nelem, const double *X, const double *E,
                                       const double *nu, double *Ke, char *err, size_t errlen)
{
    int rc = 0, chunk = 0;
    const int n = ft_tet_num_nodes(order);
    const size_t nk = (size_t)(3 * n) * (size_t)(3 * n);
    double *dX = nullptr, *dE = nullptr, *dnu = nullptr, *dKe = nullptr;
    if (err && errlen) err[0] = '\0';
    if (n == 0 || nelem < 0) {
        set_err(err, errlen, "ft_cuda_stiffness_batch: bad arguments (order %d, nelem %d)", order, nelem);
        return 1;
    }
    if (nelem == 0) return 0;
    if (!X || !E || !nu || !Ke) {
        set_err(err, errlen, "ft_cuda_stiffness_batch: NULL array");
        return 1;
    }
    if (chunk_elems("ft_cuda_stiffness_batch", nelem, sizeof(double) * (12 + 2 + nk), 0, err, errlen, &chunk)) return 1;
    FT_CU(cudaMalloc((void **)&dX, sizeof(double) * 12 * (size_t)chunk));
    FT_CU(cudaMalloc((void **)&dE, sizeof(double) * (size_t)chunk));
    FT_CU(cudaMalloc((void **)&dnu, sizeof(double) * (size_t)chunk));
    FT_CU(cudaMalloc((void **)&dKe, sizeof(double) * nk * (size_t)chunk));
    for (int e0 = 0; e0 < nelem; e0 += chunk) {
        const int cnt = (nelem - e0 < chunk) ? nelem - e0 : chunk;
        FT_CU(cudaMemcpy(dX, X + 12 * (size_t)e0, sizeof(double) * 12 * (size_t)cnt, cudaMemcpyHostToDevice));
        FT_CU(cudaMemcpy(dE, E + e0, sizeof(double) * (size_t)cnt, cudaMemcpyHostToDevice));
        FT_CU(cudaMemcpy(dnu, nu + e0, sizeof(double) * (size_t)cnt, cudaMemcpyHostToDevice));
        if (ft_cuda_stiffness_batch_device(order, cnt, dX, dE, dnu, dKe, err, errlen)) {
            rc = 1;
            goto done;
        }
        FT_CU(cudaDeviceSynchronize()); /* surfaces faults inside the kernel */
        FT_CU(cudaMemcpy(Ke + nk * (size_t)e0, dKe, sizeof(double) * nk * (size_t)cnt, cudaMemcpyDeviceToHost));
    }
done:
    FT_CU_FREE(dX);
    FT_CU_FREE(dE);
    FT_CU_FREE(dnu);
    FT_CU_FREE(dKe);
    return rc;
}

extern "C" int ft_cuda_stress_batch(int order, int nelem, const double *X, const double *E,
                                    const double *nu, const double *alpha, int ncases,
                                    const double *ue, const double *dTe, int npts,
                                    const double *lam, double *sigma, char *err, size_t errlen)
{
    int rc = 0, chunk = 0;
    const int n = ft_tet_num_nodes(order);
    double *dX = nullptr, *dE = nullptr, *dnu = nullptr, *dal = nullptr, *due = nullptr,
           *ddT = nullptr, *dlam = nullptr, *dsig = nullptr;
    size_t per = 0;
    if (err && errlen) err[0] = '\0';
    if (n == 0 || nelem < 0 || ncases < 0 || npts < 0) {
        set_err(err, errlen, "ft_cuda_stress_batch: bad arguments (order %d, nelem %d, ncases %d, npts %d)",
                order, nelem, ncases, npts);
        return 1;
    }
    if (nelem == 0 || ncases == 0 || npts == 0) return 0;
    if (!X || !E || !nu || !alpha || !ue || !lam || !sigma) {
        set_err(err, errlen, "ft_cuda_stress_batch: NULL array");
        return 1;
    }
    per = sizeof(double) * (12 + 3 + (size_t)ncases * ((size_t)3 * n + (dTe ? (size_t)n : 0) + (size_t)npts * 6));
    if (chunk_elems("ft_cuda_stress_batch", nelem, per, sizeof(double) * 4 * (size_t)npts, err, errlen, &chunk)) return 1;
    if ((long long)chunk * ncases > 0x7fffffffLL) chunk = (int)(0x7fffffffLL / ncases);
    FT_CU(cudaMalloc((void **)&dX, sizeof(double) * 12 * (size_t)chunk));
    FT_CU(cudaMalloc((void **)&dE, sizeof(double) * (size_t)chunk));
    FT_CU(cudaMalloc((void **)&dnu, sizeof(double) * (size_t)chunk));
    FT_CU(cudaMalloc((void **)&dal, sizeof(double) * (size_t)chunk));
    FT_CU(cudaMalloc((void **)&due, sizeof(double) * (size_t)ncases * (size_t)chunk * 3 * n));
    if (dTe) FT_CU(cudaMalloc((void **)&ddT, sizeof(double) * (size_t)ncases * (size_t)chunk * n));
    FT_CU(cudaMalloc((void **)&dlam, sizeof(double) * 4 * (size_t)npts));
    FT_CU(cudaMalloc((void **)&dsig, sizeof(double) * (size_t)ncases * (size_t)chunk * (size_t)npts * 6));
    FT_CU(cudaMemcpy(dlam, lam, sizeof(double) * 4 * (size_t)npts, cudaMemcpyHostToDevice));
    for (int e0 = 0; e0 < nelem; e0 += chunk) {
        const int cnt = (nelem - e0 < chunk) ? nelem - e0 : chunk;
        const long long nthreads = (long long)cnt * ncases;
        FT_CU(cudaMemcpy(dX, X + 12 * (size_t)e0, sizeof(double) * 12 * (size_t)cnt, cudaMemcpyHostToDevice));
        FT_CU(cudaMemcpy(dE, E + e0, sizeof(double) * (size_t)cnt, cudaMemcpyHostToDevice));
        FT_CU(cudaMemcpy(dnu, nu + e0, sizeof(double) * (size_t)cnt, cudaMemcpyHostToDevice));
        FT_CU(cudaMemcpy(dal, alpha + e0, sizeof(double) * (size_t)cnt, cudaMemcpyHostToDevice));
        /* [ncases][nelem][..] on the host -> [ncases][cnt][..] on the device, case by case */
        for (int c = 0; c < ncases; c++) {
            const size_t hce = (size_t)c * (size_t)nelem + (size_t)e0, dce = (size_t)c * (size_t)cnt;
            FT_CU(cudaMemcpy(due + dce * 3 * n, ue + hce * 3 * n, sizeof(double) * 3 * n * (size_t)cnt,
                             cudaMemcpyHostToDevice));
            if (dTe)
                FT_CU(cudaMemcpy(ddT + dce * n, dTe + hce * n, sizeof(double) * n * (size_t)cnt,
                                 cudaMemcpyHostToDevice));
        }
        {
            const unsigned blocks = (unsigned)((nthreads + kStressThreads - 1) / kStressThreads);
            FT_LAUNCH(ft_stress_kernel, blocks, kStressThreads, 0, order, cnt, ncases, dX, dE, dnu, dal,
                      due, ddT, npts, dlam, dsig);
            FT_CU(cudaGetLastError());
            FT_CU(cudaDeviceSynchronize());
        }
        for (int c = 0; c < ncases; c++) {
            const size_t hce = (size_t)c * (size_t)nelem + (size_t)e0, dce = (size_t)c * (size_t)cnt;
            FT_CU(cudaMemcpy(sigma + hce * (size_t)npts * 6, dsig + dce * (size_t)npts * 6,
                             sizeof(double) * (size_t)npts * 6 * (size_t)cnt, cudaMemcpyDeviceToHost));
        }
    }
done:
    FT_CU_FREE(dX);
    FT_CU_FREE(dE);
    FT_CU_FREE(dnu);
    FT_CU_FREE(dal);
    FT_CU_FREE(due);
    FT_CU_FREE(ddT);
    FT_CU_FREE(dlam);
    FT_CU_FREE(dsig);
    return rc;
}
