/* The CUDA emulation itself (kernels/cuda/ft_cuda_emu.h): every thread of every block runs once
 * with its own indices; static and dynamic shared memory are per block; __syncthreads and
 * __syncwarp order the block's / warp's threads (also when some threads returned early);
 * atomics; launch configuration errors; cudaMemcpy's direction and bounds checks; injected
 * allocation and launch failures; the emulated capacity. The kernels below are written as in a
 * .cu file (ft_cuda_compat.h, FT_LAUNCH), so this is also what nvcc would compile. */
#include "ft_cuda_compat.h"

#include <vector>

#include "tests/check.h"

namespace {

/* each thread records (block, thread) once: out[b * nt + t] += 1 + b */
__global__ void k_ids(int *out)
{
    const unsigned nt = blockDim.x * blockDim.y * blockDim.z;
    const unsigned t = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
    const unsigned b = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
    out[b * nt + t] += 1 + (int)b;
}

/* block sum through static shared memory; threads t >= active return before the barrier */
__global__ void k_block_sum(const double *x, double *sums, int active)
{
    __shared__ double sh[256];
    const int t = (int)threadIdx.x;
    if (t >= active) return;
    sh[t] = x[blockIdx.x * blockDim.x + t];
    __syncthreads();
    if (t == 0) {
        double s = 0;
        for (int i = 0; i < active; i++) s += sh[i];
        sums[blockIdx.x] = s;
    }
}

/* warp exchange: lane l reads what lane 31 - l wrote (needs __syncwarp between) */
__global__ void k_warp_reverse(const int *in, int *out)
{
    __shared__ int sh[64];
    const int t = (int)threadIdx.x, w = t / 32, l = t % 32;
    sh[t] = in[blockIdx.x * 64 + t];
    __syncwarp();
    out[blockIdx.x * 64 + t] = sh[w * 32 + 31 - l];
}

/* dynamic shared memory: a block-local reversal */
__global__ void k_dyn_reverse(const float *in, float *out)
{
    FT_DYNAMIC_SHARED(float, buf);
    const int t = (int)threadIdx.x, n = (int)blockDim.x;
    buf[t] = in[blockIdx.x * n + t];
    __syncthreads();
    out[blockIdx.x * n + t] = buf[n - 1 - t];
}

__global__ void k_atomics(double *sum, int *mx)
{
    atomicAdd(sum, 1.0);
    atomicMax(mx, (int)(blockIdx.x * blockDim.x + threadIdx.x));
}

} // namespace

int main(void)
{
    /* ---- indices: a 3-D grid of 3-D blocks, every (block, thread) exactly once ---- */
    {
        const dim3 grid(3, 2, 2), block(8, 4, 3);
        const int nb = 12, nt = 96;
        int *d = nullptr;
        std::vector<int> h(nb * nt, 0);
        CHECK(cudaMalloc(&d, sizeof(int) * nb * nt) == cudaSuccess);
        CHECK(cudaMemcpy(d, h.data(), sizeof(int) * nb * nt, cudaMemcpyHostToDevice) == cudaSuccess);
        FT_LAUNCH(k_ids, grid, block, 0, d);
        CHECK(cudaGetLastError() == cudaSuccess);
        CHECK(cudaMemcpy(h.data(), d, sizeof(int) * nb * nt, cudaMemcpyDeviceToHost) == cudaSuccess);
        int bad = 0;
        for (int b = 0; b < nb; b++)
            for (int t = 0; t < nt; t++) bad += h[b * nt + t] != 1 + b;
        CHECKF(bad == 0, "%d of %d (block, thread) slots wrong", bad, nb * nt);
        CHECK(cudaFree(d) == cudaSuccess);
    }
    /* ---- static shared memory + __syncthreads, all threads and with early returns ---- */
    for (int active : {256, 100, 1}) {
        CHECK_CONTEXT("block sum, %d of 256 threads active", active);
        const int nb = 5;
        std::vector<double> x(nb * 256), sums(nb, -1);
        for (size_t i = 0; i < x.size(); i++) x[i] = (double)(i % 97) + 0.25;
        double *dx = nullptr, *ds = nullptr;
        CHECK(cudaMalloc(&dx, sizeof(double) * x.size()) == cudaSuccess);
        CHECK(cudaMalloc(&ds, sizeof(double) * nb) == cudaSuccess);
        CHECK(cudaMemcpy(dx, x.data(), sizeof(double) * x.size(), cudaMemcpyHostToDevice) == cudaSuccess);
        FT_LAUNCH(k_block_sum, nb, 256, 0, dx, ds, active);
        CHECK(cudaGetLastError() == cudaSuccess);
        CHECK(cudaMemcpy(sums.data(), ds, sizeof(double) * nb, cudaMemcpyDeviceToHost) == cudaSuccess);
        for (int b = 0; b < nb; b++) {
            double want = 0; /* same order as thread 0: exact */
            for (int i = 0; i < active; i++) want += x[b * 256 + i];
            CHECK(sums[b] == want);
        }
        cudaFree(dx);
        cudaFree(ds);
    }
    CHECK_CONTEXT("%s", "");
    /* ---- __syncwarp, and a block of a partial second warp's size ---- */
    {
        const int nb = 4;
        std::vector<int> in(nb * 64), out(nb * 64, -1);
        for (int i = 0; i < nb * 64; i++) in[i] = 1000 * i + 7;
        int *di = nullptr, *dout = nullptr;
        cudaMalloc(&di, sizeof(int) * in.size());
        cudaMalloc(&dout, sizeof(int) * in.size());
        cudaMemcpy(di, in.data(), sizeof(int) * in.size(), cudaMemcpyHostToDevice);
        FT_LAUNCH(k_warp_reverse, nb, 64, 0, di, dout);
        CHECK(cudaGetLastError() == cudaSuccess);
        cudaMemcpy(out.data(), dout, sizeof(int) * out.size(), cudaMemcpyDeviceToHost);
        int bad = 0;
        for (int b = 0; b < nb; b++)
            for (int t = 0; t < 64; t++) bad += out[b * 64 + t] != in[b * 64 + (t / 32) * 32 + 31 - t % 32];
        CHECKF(bad == 0, "warp reversal: %d wrong", bad);
        cudaFree(di);
        cudaFree(dout);
    }
    /* ---- dynamic shared memory ---- */
    {
        const int nb = 3, n = 40;
        std::vector<float> in(nb * n), out(nb * n);
        for (int i = 0; i < nb * n; i++) in[i] = (float)i;
        float *di = nullptr, *dout = nullptr;
        cudaMalloc(&di, sizeof(float) * in.size());
        cudaMalloc(&dout, sizeof(float) * in.size());
        cudaMemcpy(di, in.data(), sizeof(float) * in.size(), cudaMemcpyHostToDevice);
        FT_LAUNCH(k_dyn_reverse, nb, n, sizeof(float) * n, di, dout);
        CHECK(cudaGetLastError() == cudaSuccess);
        cudaMemcpy(out.data(), dout, sizeof(float) * out.size(), cudaMemcpyDeviceToHost);
        int bad = 0;
        for (int b = 0; b < nb; b++)
            for (int t = 0; t < n; t++) bad += out[b * n + t] != in[b * n + n - 1 - t];
        CHECKF(bad == 0, "dynamic shared reversal: %d wrong", bad);
        cudaFree(di);
        cudaFree(dout);
    }
    /* ---- atomics: 4 x 256 threads ---- */
    {
        double *ds = nullptr, zero = 0, sum = -1;
        int *dm = nullptr, m0 = -1, mx = 0;
        cudaMalloc(&ds, sizeof(double));
        cudaMalloc(&dm, sizeof(int));
        cudaMemcpy(ds, &zero, sizeof zero, cudaMemcpyHostToDevice);
        cudaMemcpy(dm, &m0, sizeof m0, cudaMemcpyHostToDevice);
        FT_LAUNCH(k_atomics, 4, 256, 0, ds, dm);
        cudaMemcpy(&sum, ds, sizeof sum, cudaMemcpyDeviceToHost);
        cudaMemcpy(&mx, dm, sizeof mx, cudaMemcpyDeviceToHost);
        CHECK(sum == 1024.0);
        CHECK_LONG(mx, 1023);
        cudaFree(ds);
        cudaFree(dm);
    }
    /* ---- launch configuration errors: the kernel does not run, the error is reported once ---- */
    {
        int *d = nullptr, h = 0;
        cudaMalloc(&d, sizeof(int) * 2048);
        std::vector<int> zeros(2048, 0), back(2048, 1);
        cudaMemcpy(d, zeros.data(), sizeof(int) * 2048, cudaMemcpyHostToDevice);
        FT_LAUNCH(k_ids, 1, 1025, 0, d);
        CHECK(cudaPeekAtLastError() == cudaErrorInvalidConfiguration);
        CHECK(cudaGetLastError() == cudaErrorInvalidConfiguration);
        CHECK(cudaGetLastError() == cudaSuccess); /* cleared */
        FT_LAUNCH(k_ids, 0, 32, 0, d);
        CHECK(cudaGetLastError() == cudaErrorInvalidConfiguration);
        FT_LAUNCH(k_dyn_reverse, 1, 32, (size_t)300 * 1024, (const float *)nullptr, (float *)nullptr);
        CHECK(cudaGetLastError() == cudaErrorInvalidConfiguration);
        cudaMemcpy(back.data(), d, sizeof(int) * 2048, cudaMemcpyDeviceToHost);
        for (int i = 0; i < 2048; i++) h += back[i];
        CHECKF(h == 0, "a refused launch ran (%d writes)", h);
        /* injected launch failure */
        ft_emu_fail_launch(2);
        FT_LAUNCH(k_ids, 1, 32, 0, d);
        CHECK(cudaGetLastError() == cudaSuccess);
        FT_LAUNCH(k_ids, 1, 32, 0, d);
        CHECK(cudaGetLastError() == cudaErrorLaunchFailure);
        cudaMemcpy(back.data(), d, sizeof(int) * 32, cudaMemcpyDeviceToHost);
        h = 0;
        for (int i = 0; i < 32; i++) h += back[i];
        CHECK_LONG(h, 32); /* the first launch only */
        cudaFree(d);
    }
    /* ---- cudaMemcpy: directions and bounds against the allocations ---- */
    {
        double *d = nullptr, h[8] = {0}, h2[8] = {0};
        CHECK(cudaMalloc(&d, sizeof(double) * 8) == cudaSuccess);
        CHECK(cudaMemcpy(h2, h, sizeof h, cudaMemcpyHostToDevice) == cudaErrorInvalidValue);        /* host dst */
        CHECK(cudaGetLastError() == cudaErrorInvalidValue);
        CHECK(cudaMemcpy(d, h, sizeof h, cudaMemcpyDeviceToHost) == cudaErrorInvalidValue);          /* reversed */
        CHECK(cudaMemcpy(h, d + 1, sizeof h, cudaMemcpyDeviceToHost) == cudaErrorInvalidValue);      /* past the end */
        CHECK(cudaMemcpy(d, h, sizeof h, cudaMemcpyHostToDevice) == cudaSuccess);
        CHECK(cudaMemcpy(d + 4, d, 4 * sizeof(double), cudaMemcpyDeviceToDevice) == cudaSuccess);
        CHECK(cudaMemcpy(h2, h, sizeof h, cudaMemcpyHostToHost) == cudaSuccess);
        CHECK(cudaMemset(d, 0, sizeof h) == cudaSuccess);
        CHECK(cudaMemset(d, 0, sizeof h + 1) == cudaErrorInvalidValue);
        CHECK(cudaFree(h) == cudaErrorInvalidValue); /* not a device pointer */
        CHECK(cudaFree(d) == cudaSuccess);
        (void)cudaGetLastError();
    }
    /* ---- injected allocation failure, capacity, accounting ---- */
    {
        void *a = nullptr, *b = nullptr, *c = nullptr;
        size_t fr = 0, tot = 0;
        ft_emu_fail_malloc(2);
        CHECK(cudaMalloc(&a, 64) == cudaSuccess);
        CHECK(cudaMalloc(&b, 64) == cudaErrorMemoryAllocation);
        CHECK(b == nullptr);
        CHECK(cudaMalloc(&c, 64) == cudaSuccess);
        cudaFree(a);
        cudaFree(c);
        CHECK_LONG((long)ft_emu_device_memory_used(), 0);
        ft_emu_set_device_memory(1000);
        CHECK(cudaMemGetInfo(&fr, &tot) == cudaSuccess);
        CHECK_LONG((long)tot, 1000);
        CHECK(cudaMalloc(&a, 600) == cudaSuccess);
        CHECK(cudaMemGetInfo(&fr, &tot) == cudaSuccess);
        CHECK_LONG((long)fr, 400);
        CHECK(cudaMalloc(&b, 600) == cudaErrorMemoryAllocation);
        cudaFree(a);
        (void)cudaGetLastError();
        CHECK_LONG((long)ft_emu_device_memory_used(), 0);
    }
    /* ---- device queries ---- */
    {
        int n = 0;
        cudaDeviceProp p;
        CHECK(cudaGetDeviceCount(&n) == cudaSuccess && n == 1);
        CHECK(cudaGetDeviceProperties(&p, 0) == cudaSuccess);
        CHECK_CONTAINS(p.name, "CUDA emulation on the CPU");
        CHECK(cudaSetDevice(1) == cudaErrorInvalidDevice);
        (void)cudaGetLastError();
    }
    return check_summary();
}
