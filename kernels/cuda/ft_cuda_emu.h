/* ftwin kernels: CUDA emulation on the CPU, so that CI (no GPU) executes the very kernel
 * bodies of the kernels/cuda .cu files. Included through ft_cuda_compat.h when a .cu file is compiled
 * as C++17 with -DFT_CUDA_EMULATION (kernels/cmake/ftwin_cuda_emu.cmake). Not a GPU.
 *
 * Execution model (../shared/notes/gpu-without-a-gpu.md):
 *  - a launch is synchronous; its blocks run one after another;
 *  - each CUDA thread of a block is a real std::thread (one pool per launch, reused from
 *    block to block), so __syncthreads / __syncwarp are real barriers and a missing barrier
 *    is a real data race (ThreadSanitizer sees it);
 *  - a thread that returns leaves the barriers (as an exited thread on a GPU), so kernels
 *    whose idle threads return early still synchronise the others;
 *  - static `__shared__` arrays are function-static storage shared by the block's threads
 *    (blocks run in turn, so one copy serves them all; like shared memory it is not
 *    cleared between blocks); dynamic shared memory is one buffer per launch;
 *  - __syncwarp(mask) synchronises the live threads of the calling thread's warp (32
 *    consecutive threads); the mask is not checked. No warp shuffles or votes.
 *  - device memory is host memory from malloc, registered, so that cudaMemcpy checks the
 *    copy direction and bounds against the allocations (a wrong kind is
 *    cudaErrorInvalidValue) and cudaMemGetInfo reports an emulated capacity;
 *  - failures can be injected: the nth next cudaMalloc or launch fails
 *    (ft_emu_fail_malloc, ft_emu_fail_launch of ft_emu_control.h, env FT_EMU_FAIL_MALLOC /
 *    FT_EMU_FAIL_LAUNCH),
 *    and the capacity set (ft_emu_set_device_memory, env FT_EMU_DEVICE_MEMORY, bytes) to
 *    force chunking.
 * What it proves: indexing, bounds (with ASan), synchronisation (with TSan), host-side logic
 * and error paths. What it cannot: speed, occupancy, FMA contraction and libdevice numerics,
 * warp-synchronous behaviour without barriers. Those need the GPU (bench/gpu/prove.sh). */
#ifndef FT_CUDA_EMU_H
#define FT_CUDA_EMU_H

/* From C (a test linked with ftwin_cuda_emu) only the controls are visible. */
#include "ft_emu_control.h"
#ifdef __cplusplus

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

/* ---- language ------------------------------------------------------------------------------ */
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __shared__ static
#define __ldg(p) (*(p))

struct dim3 {
    unsigned x, y, z;
    dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};

/* ---- runtime types ------------------------------------------------------------------------- */
enum cudaError_t {
    cudaSuccess = 0,
    cudaErrorInvalidValue = 1,
    cudaErrorMemoryAllocation = 2,
    cudaErrorInvalidConfiguration = 9,
    cudaErrorInvalidDevice = 101,
    cudaErrorNoDevice = 100,
    cudaErrorLaunchFailure = 719,
};
enum cudaMemcpyKind {
    cudaMemcpyHostToHost = 0,
    cudaMemcpyHostToDevice = 1,
    cudaMemcpyDeviceToHost = 2,
    cudaMemcpyDeviceToDevice = 3,
    cudaMemcpyDefault = 4,
};
typedef void *cudaStream_t;
struct ft_emu_event {
    std::chrono::steady_clock::time_point t;
};
typedef ft_emu_event *cudaEvent_t;
struct cudaDeviceProp {
    char name[256];
    size_t totalGlobalMem;
    size_t sharedMemPerBlock;
    int multiProcessorCount, major, minor, maxThreadsPerBlock, warpSize;
};

namespace ft_emu {

/* ---- barrier: generation counter; a leaving thread lowers the count ---------------------- */
class Barrier {
  public:
    void reset(int n)
    {
        std::lock_guard<std::mutex> l(m_);
        expected_ = n;
        arrived_ = 0;
    }
    /* waits for the others; the last to arrive runs `last` (if any) before releasing them */
    void wait(const std::function<void()> &last = nullptr)
    {
        std::unique_lock<std::mutex> l(m_);
        const unsigned long g = gen_;
        if (++arrived_ >= expected_) {
            if (last) last();
            arrived_ = 0;
            ++gen_;
            cv_.notify_all();
        } else {
            cv_.wait(l, [&] { return gen_ != g; });
        }
    }
    void leave()
    {
        std::lock_guard<std::mutex> l(m_);
        --expected_;
        if (arrived_ > 0 && arrived_ >= expected_) {
            arrived_ = 0;
            ++gen_;
            cv_.notify_all();
        }
    }

  private:
    std::mutex m_;
    std::condition_variable cv_;
    int expected_ = 0, arrived_ = 0;
    unsigned long gen_ = 0;
};

struct BlockSync {
    Barrier block;
    std::vector<Barrier> warps;
};

inline thread_local dim3 t_threadIdx, t_blockIdx;
inline thread_local BlockSync *t_sync = nullptr;
inline thread_local unsigned t_warp = 0;
inline dim3 g_blockDim, g_gridDim;
inline unsigned char *g_dynamic_shared = nullptr;

/* ---- device state: allocations, last error, injected failures ------------------------------ */
struct State {
    std::mutex m;
    std::map<uintptr_t, size_t> allocs; /* start -> bytes */
    size_t used = 0, capacity = (size_t)16 << 30;
    cudaError_t last = cudaSuccess;
    int fail_malloc = 0, fail_launch = 0; /* countdowns: 0 off, 1 the next call fails */
    int device = 0;
    State()
    {
        const char *s;
        if ((s = getenv("FT_EMU_DEVICE_MEMORY")) && atoll(s) > 0) capacity = (size_t)atoll(s);
        if ((s = getenv("FT_EMU_FAIL_MALLOC"))) fail_malloc = atoi(s);
        if ((s = getenv("FT_EMU_FAIL_LAUNCH"))) fail_launch = atoi(s);
    }
};
inline State &state()
{
    static State s;
    return s;
}
inline cudaError_t fail(cudaError_t e)
{
    state().last = e;
    return e;
}
/* true when [p, p + n) lies inside one allocation (caller holds the lock) */
inline bool on_device(const void *p, size_t n)
{
    State &S = state();
    const uintptr_t a = (uintptr_t)p;
    auto it = S.allocs.upper_bound(a);
    if (it == S.allocs.begin()) return false;
    --it;
    return a >= it->first && a - it->first + n <= it->second && (n > 0 || a < it->first + it->second);
}
inline bool countdown(int &c)
{
    if (c <= 0) return false;
    return --c == 0;
}

/* ---- launch ---------------------------------------------------------------------------------- */
inline void launch(dim3 grid, dim3 block, size_t shmem, const std::function<void()> &body)
{
    State &S = state();
    {
        std::lock_guard<std::mutex> l(S.m);
        if (countdown(S.fail_launch)) {
            S.last = cudaErrorLaunchFailure;
            return;
        }
    }
    const unsigned long long nthreads = (unsigned long long)block.x * block.y * block.z;
    const unsigned long long nblocks = (unsigned long long)grid.x * grid.y * grid.z;
    if (nthreads == 0 || nthreads > 1024 || block.z > 64 || nblocks == 0 || grid.y > 65535 ||
        grid.z > 65535 || shmem > (size_t)227 * 1024) {
        fail(cudaErrorInvalidConfiguration);
        return;
    }
    const unsigned nt = (unsigned)nthreads, nwarps = (nt + 31) / 32;
    std::vector<unsigned char> dyn(shmem + 16);
    g_blockDim = block;
    g_gridDim = grid;
    g_dynamic_shared = dyn.data();
    BlockSync sync;
    sync.warps = std::vector<Barrier>(nwarps);
    Barrier end; /* all threads, after the block's body: resets the block's barriers */
    auto reset = [&] {
        sync.block.reset((int)nt);
        for (unsigned w = 0; w < nwarps; w++) sync.warps[w].reset((int)(w + 1 < nwarps ? 32 : nt - 32 * w));
    };
    reset();
    end.reset((int)nt);
    std::vector<std::thread> pool;
    pool.reserve(nt);
    for (unsigned i = 0; i < nt; i++) {
        pool.emplace_back([&, i] {
            t_threadIdx = dim3(i % block.x, (i / block.x) % block.y, i / (block.x * block.y));
            t_sync = &sync;
            t_warp = i / 32;
            for (unsigned long long b = 0; b < nblocks; b++) {
                t_blockIdx = dim3((unsigned)(b % grid.x), (unsigned)((b / grid.x) % grid.y),
                                  (unsigned)(b / ((unsigned long long)grid.x * grid.y)));
                body();
                sync.block.leave();
                sync.warps[t_warp].leave();
                end.wait(reset);
            }
            t_sync = nullptr;
        });
    }
    for (auto &t : pool) t.join();
    g_dynamic_shared = nullptr;
}

} /* namespace ft_emu */

#define threadIdx (::ft_emu::t_threadIdx)
#define blockIdx (::ft_emu::t_blockIdx)
#define blockDim (::ft_emu::g_blockDim)
#define gridDim (::ft_emu::g_gridDim)
#define FT_LAUNCH(kernel, grid, block, shmem, ...)                                                 \
    ::ft_emu::launch(dim3(grid), dim3(block), (size_t)(shmem), [&]() { kernel(__VA_ARGS__); })
#define FT_DYNAMIC_SHARED(type, name) type *name = reinterpret_cast<type *>(::ft_emu::g_dynamic_shared)

/* ---- device-side intrinsics ------------------------------------------------------------------ */
inline void __syncthreads() { ::ft_emu::t_sync->block.wait(); }
inline void __syncwarp(unsigned mask = 0xffffffffu)
{
    (void)mask;
    ::ft_emu::t_sync->warps[::ft_emu::t_warp].wait();
}
inline void __trap() { abort(); }
inline int atomicAdd(int *p, int v) { return __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }
inline unsigned long long atomicAdd(unsigned long long *p, unsigned long long v)
{
    return __atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}
inline double atomicAdd(double *p, double v)
{
    uint64_t *q = reinterpret_cast<uint64_t *>(p), old = __atomic_load_n(q, __ATOMIC_RELAXED), nw;
    double o, n;
    do {
        memcpy(&o, &old, sizeof o);
        n = o + v;
        memcpy(&nw, &n, sizeof nw);
    } while (!__atomic_compare_exchange_n(q, &old, nw, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
    return o;
}
inline int atomicMax(int *p, int v)
{
    int old = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (old < v && !__atomic_compare_exchange_n(p, &old, v, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
    return old;
}
inline int atomicMin(int *p, int v)
{
    int old = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (old > v && !__atomic_compare_exchange_n(p, &old, v, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
    return old;
}

/* ---- runtime API ----------------------------------------------------------------------------- */
inline const char *cudaGetErrorString(cudaError_t e)
{
    switch (e) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument";
    case cudaErrorMemoryAllocation: return "out of memory";
    case cudaErrorInvalidConfiguration: return "invalid configuration argument";
    case cudaErrorInvalidDevice: return "invalid device ordinal";
    case cudaErrorNoDevice: return "no CUDA-capable device is detected";
    case cudaErrorLaunchFailure: return "unspecified launch failure";
    }
    return "unknown error";
}
inline cudaError_t cudaGetLastError()
{
    ft_emu::State &S = ft_emu::state();
    std::lock_guard<std::mutex> l(S.m);
    cudaError_t e = S.last;
    S.last = cudaSuccess;
    return e;
}
inline cudaError_t cudaPeekAtLastError()
{
    ft_emu::State &S = ft_emu::state();
    std::lock_guard<std::mutex> l(S.m);
    return S.last;
}
inline cudaError_t cudaMalloc(void **p, size_t n)
{
    ft_emu::State &S = ft_emu::state();
    std::lock_guard<std::mutex> l(S.m);
    if (!p) return ft_emu::fail(cudaErrorInvalidValue);
    *p = nullptr;
    if (ft_emu::countdown(S.fail_malloc) || n > S.capacity - S.used) return ft_emu::fail(cudaErrorMemoryAllocation);
    void *q = malloc(n ? n : 1);
    if (!q) return ft_emu::fail(cudaErrorMemoryAllocation);
    S.allocs[(uintptr_t)q] = n;
    S.used += n;
    *p = q;
    return cudaSuccess;
}
template <class T> inline cudaError_t cudaMalloc(T **p, size_t n) { return cudaMalloc(reinterpret_cast<void **>(p), n); }
inline cudaError_t cudaFree(void *p)
{
    ft_emu::State &S = ft_emu::state();
    std::lock_guard<std::mutex> l(S.m);
    if (!p) return cudaSuccess;
    auto it = S.allocs.find((uintptr_t)p);
    if (it == S.allocs.end()) return ft_emu::fail(cudaErrorInvalidValue);
    S.used -= it->second;
    S.allocs.erase(it);
    free(p);
    return cudaSuccess;
}
inline cudaError_t cudaMemcpy(void *dst, const void *src, size_t n, cudaMemcpyKind kind)
{
    ft_emu::State &S = ft_emu::state();
    std::lock_guard<std::mutex> l(S.m);
    if (n == 0) return cudaSuccess;
    if (!dst || !src) return ft_emu::fail(cudaErrorInvalidValue);
    const bool dd = ft_emu::on_device(dst, n), sd = ft_emu::on_device(src, n);
    bool ok;
    switch (kind) {
    case cudaMemcpyHostToHost: ok = !dd && !sd; break;
    case cudaMemcpyHostToDevice: ok = dd && !sd; break;
    case cudaMemcpyDeviceToHost: ok = !dd && sd; break;
    case cudaMemcpyDeviceToDevice: ok = dd && sd; break;
    case cudaMemcpyDefault: ok = true; break;
    default: ok = false;
    }
    if (!ok) {
        fprintf(stderr, "CUDA emulation: cudaMemcpy of %zu bytes with kind %d: destination %s, source %s\n", n,
                (int)kind, dd ? "device" : "host (or beyond an allocation)", sd ? "device" : "host (or beyond an allocation)");
        return ft_emu::fail(cudaErrorInvalidValue);
    }
    memmove(dst, src, n);
    return cudaSuccess;
}
inline cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t n, cudaMemcpyKind kind, cudaStream_t = nullptr)
{
    return cudaMemcpy(dst, src, n, kind);
}
inline cudaError_t cudaMemset(void *p, int v, size_t n)
{
    ft_emu::State &S = ft_emu::state();
    std::lock_guard<std::mutex> l(S.m);
    if (n == 0) return cudaSuccess;
    if (!ft_emu::on_device(p, n)) return ft_emu::fail(cudaErrorInvalidValue);
    memset(p, v, n);
    return cudaSuccess;
}
inline cudaError_t cudaMemGetInfo(size_t *freeb, size_t *totalb)
{
    ft_emu::State &S = ft_emu::state();
    std::lock_guard<std::mutex> l(S.m);
    if (!freeb || !totalb) return ft_emu::fail(cudaErrorInvalidValue);
    *totalb = S.capacity;
    *freeb = S.capacity - S.used;
    return cudaSuccess;
}
inline cudaError_t cudaGetDeviceCount(int *n)
{
    if (!n) return ft_emu::fail(cudaErrorInvalidValue);
    *n = 1;
    return cudaSuccess;
}
inline cudaError_t cudaSetDevice(int d)
{
    if (d != 0) return ft_emu::fail(cudaErrorInvalidDevice);
    ft_emu::state().device = d;
    return cudaSuccess;
}
inline cudaError_t cudaGetDevice(int *d)
{
    if (!d) return ft_emu::fail(cudaErrorInvalidValue);
    *d = ft_emu::state().device;
    return cudaSuccess;
}
inline cudaError_t cudaGetDeviceProperties(cudaDeviceProp *p, int d)
{
    if (!p) return ft_emu::fail(cudaErrorInvalidValue);
    if (d != 0) return ft_emu::fail(cudaErrorInvalidDevice);
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "CUDA emulation on the CPU");
    p->totalGlobalMem = ft_emu::state().capacity;
    p->sharedMemPerBlock = 48 * 1024;
    p->multiProcessorCount = 1;
    p->maxThreadsPerBlock = 1024;
    p->warpSize = 32;
    return cudaSuccess;
}
inline cudaError_t cudaDeviceSynchronize() { return cudaSuccess; } /* launches are synchronous */
inline cudaError_t cudaStreamSynchronize(cudaStream_t) { return cudaSuccess; }
inline cudaError_t cudaEventCreate(cudaEvent_t *e)
{
    if (!e) return ft_emu::fail(cudaErrorInvalidValue);
    *e = new ft_emu_event();
    return cudaSuccess;
}
inline cudaError_t cudaEventDestroy(cudaEvent_t e)
{
    delete e;
    return cudaSuccess;
}
inline cudaError_t cudaEventRecord(cudaEvent_t e, cudaStream_t = nullptr)
{
    if (!e) return ft_emu::fail(cudaErrorInvalidValue);
    e->t = std::chrono::steady_clock::now();
    return cudaSuccess;
}
inline cudaError_t cudaEventSynchronize(cudaEvent_t) { return cudaSuccess; }
inline cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t a, cudaEvent_t b)
{
    if (!ms || !a || !b) return ft_emu::fail(cudaErrorInvalidValue);
    *ms = std::chrono::duration<float, std::milli>(b->t - a->t).count();
    return cudaSuccess;
}

/* fault injection and capacity: ft_emu_control.h (C entry points, kernels/cuda/ft_cuda_emu.cu) */

#endif /* __cplusplus */
#endif
