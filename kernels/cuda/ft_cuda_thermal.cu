/* ftwin kernels: CUDA element conductivity matrices (steady heat conduction), host wrapper +
 * kernel, the `cuda` entry `thermal_batch` of the backend table (src/runtime/backend.c).
 *
 * Math (the FT_HD routine ft_tet_conductivity of ft_elasticity.h, shared with the CPU loop
 * ft_cpu_thermal_batch in kernels/cpu/ft_cpu_elements.c):
 *   Kc[a][b] = int_T k grad N_a . grad N_b dV
 *     P1: k V G_a . G_b                        (G = gradients of the barycentric coordinates)
 *     P2: k trace(S_ab), S_ab = int grad N_a grad N_b^T dV in closed form (ft__tet2_pair_S)
 * Kc is symmetric: the upper triangle is computed and mirrored, so Kc == Kc^T exactly.
 *
 * Kernel: one thread per element, writing its n*n block (n = 4 or 10) straight to global
 * memory. The stores of a warp are 128 / 800 bytes apart (not coalesced); the matrix is
 * 9 times smaller than the stiffness one, so the staged-store scheme of the stiffness kernel
 * is not used here (a possible later optimisation; correctness first).
 *
 * Host wrapper: HOST pointers in and out; chunks sized by ft__cuda_chunk_elems (free device
 * memory / ranks sharing the device, capped by ft_cuda_set_max_chunk); every CUDA call checked,
 * cudaGetLastError after the launch, cudaDeviceSynchronize per chunk; returns 0, or 1 with a
 * message in err[errlen]; device buffers freed on every path.
 *
 * NOTE: written and compiled (nvcc 13, -std=c++17) on a machine WITHOUT a GPU; it has run in
 * CPU emulation only (kernels/tests/gpu/conformance_elements_thermal.c, tests/gpu/run_backend.cmake).
 */
#include "ft_cuda_compat.h"

#include <stdio.h>

#include "../ft_batch.h"
#include "../ft_elasticity.h"
#include "../ft_tet.h"
#include "ft_cuda_chunk.h"

namespace {

constexpr int kThermalThreads = 128;

template <int ORDER>
__global__ void __launch_bounds__(kThermalThreads)
    ft_thermal_kernel(int nelem, const double *__restrict__ X, const double *__restrict__ kcond,
                      double *__restrict__ Ke)
{
    constexpr int n = ORDER == 1 ? 4 : 10;
    const long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (e >= (long long)nelem) return;
    double Xl[4][3];
    const double *xe = X + 12 * e;
    for (int a = 0; a < 4; a++)
        for (int c = 0; c < 3; c++) Xl[a][c] = xe[3 * a + c];
    ft_tet_conductivity(ORDER, (const double(*)[3])Xl, kcond[e], Ke + (size_t)e * (size_t)(n * n));
}

} /* namespace */

/* FT_CU, FT_CU_FREE: ft_cuda_chunk.h */

extern "C" int ft_cuda_thermal_batch(int order, int nelem, const double *X, const double *kcond,
                                     double *Ke, char *err, size_t errlen)
{
    int rc = 0, chunk = 0;
    const int n = ft_tet_num_nodes(order);
    const size_t nk = (size_t)n * (size_t)n;
    double *dX = nullptr, *dk = nullptr, *dKe = nullptr;
    if (err && errlen) err[0] = '\0';
    if (n == 0 || nelem < 0) {
        ft__cuda_set_err(err, errlen, "ft_cuda_thermal_batch: bad arguments (order %d, must be 1 or 2; nelem %d)",
                         order, nelem);
        return 1;
    }
    if (nelem == 0) return 0;
    if (!X || !kcond || !Ke) {
        ft__cuda_set_err(err, errlen, "ft_cuda_thermal_batch: NULL array (X %p, kcond %p, Ke %p)", (const void *)X,
                         (const void *)kcond, (const void *)Ke);
        return 1;
    }
    if (ft__cuda_chunk_elems("ft_cuda_thermal_batch", nelem, sizeof(double) * (12 + 1 + nk), 0, err, errlen, &chunk))
        return 1;
    FT_CU(cudaMalloc((void **)&dX, sizeof(double) * 12 * (size_t)chunk));
    FT_CU(cudaMalloc((void **)&dk, sizeof(double) * (size_t)chunk));
    FT_CU(cudaMalloc((void **)&dKe, sizeof(double) * nk * (size_t)chunk));
    for (int e0 = 0; e0 < nelem; e0 += chunk) {
        const int cnt = (nelem - e0 < chunk) ? nelem - e0 : chunk;
        const unsigned blocks = (unsigned)((cnt + kThermalThreads - 1) / kThermalThreads);
        FT_CU(cudaMemcpy(dX, X + 12 * (size_t)e0, sizeof(double) * 12 * (size_t)cnt, cudaMemcpyHostToDevice));
        FT_CU(cudaMemcpy(dk, kcond + e0, sizeof(double) * (size_t)cnt, cudaMemcpyHostToDevice));
        if (order == 1) {
            FT_LAUNCH(ft_thermal_kernel<1>, blocks, kThermalThreads, 0, cnt, dX, dk, dKe);
        } else {
            FT_LAUNCH(ft_thermal_kernel<2>, blocks, kThermalThreads, 0, cnt, dX, dk, dKe);
        }
        FT_CU(cudaGetLastError());      /* launch configuration */
        FT_CU(cudaDeviceSynchronize()); /* faults inside the kernel */
        FT_CU(cudaMemcpy(Ke + nk * (size_t)e0, dKe, sizeof(double) * nk * (size_t)cnt, cudaMemcpyDeviceToHost));
    }
done:
    FT_CU_FREE(dX);
    FT_CU_FREE(dk);
    FT_CU_FREE(dKe);
    return rc;
}
