/* bench/gpu: what both GPU benchmarks share. Compiled by nvcc (the real CUDA runtime) or as C++ for
 * the CPU in CUDA emulation (FT_CUDA_EMULATION: every figure is then labelled "CPU emulation - not
 * a GPU measurement").
 *   - wall-clock timing, medians, a CPU thread pool for the all-cores CPU baseline;
 *   - the device's name, and the label of every figure;
 *   - a deterministic random generator (xorshift64*, as kernels/tests/check.h). */
#ifndef FT_BENCH_GPU_COMMON_H
#define FT_BENCH_GPU_COMMON_H

#include "ft_cuda_compat.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#ifdef FT_CUDA_EMULATION
static const bool kEmulated = true;
#define FT_BENCH_LABEL "CPU emulation — not a GPU measurement"
#else
static const bool kEmulated = false;
#define FT_BENCH_LABEL "GPU measurement"
#endif

static inline double wall_s()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

static inline double median(std::vector<double> v)
{
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Fails the benchmark (exit 1) with CUDA's message: a figure is printed only for runs whose every
 * call succeeded. */
#define BENCH_CU(call)                                                                              \
    do {                                                                                            \
        cudaError_t e_ = (call);                                                                    \
        if (e_ != cudaSuccess) {                                                                    \
            fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #call, cudaGetErrorString(e_)); \
            exit(1);                                                                                \
        }                                                                                           \
    } while (0)

static inline std::string device_name()
{
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess || n <= 0) return "no CUDA device";
    cudaDeviceProp p;
    if (cudaGetDeviceProperties(&p, 0) != cudaSuccess) return "CUDA device (properties unavailable)";
    char buf[400];
    snprintf(buf, sizeof buf, "%s (sm_%d%d, %d SMs, %.1f GiB)", p.name, p.major, p.minor,
             p.multiProcessorCount, (double)p.totalGlobalMem / (1024.0 * 1024.0 * 1024.0));
    return buf;
}

/* JSON string (quotes and backslashes escaped) */
static inline std::string jstr(const std::string &s)
{
    std::string o = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') o += '\\';
        o += (c >= 0 && c < 0x20) ? ' ' : c;
    }
    return o + "\"";
}

/* f(lo, hi) on nthreads CPU threads over [0, n) in contiguous slices */
static inline void cpu_parallel(long n, int nthreads, const std::function<void(long, long)> &f)
{
    std::vector<std::thread> pool;
    const long per = (n + nthreads - 1) / nthreads;
    for (int t = 0; t < nthreads; t++) {
        const long lo = t * per, hi = std::min(n, lo + per);
        if (lo >= hi) break;
        pool.emplace_back([=, &f] { f(lo, hi); });
    }
    for (auto &th : pool) th.join();
}

static inline int cpu_threads()
{
    const unsigned h = std::thread::hardware_concurrency();
    return h ? (int)h : 1;
}

struct BenchRng {
    unsigned long long s;
    explicit BenchRng(unsigned long long seed) : s(seed) {}
    unsigned long long u64()
    {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        return s * 2685821657736338717ull;
    }
    double uni() { return (double)(u64() >> 11) * (1.0 / 9007199254740992.0); } /* [0, 1) */
    double sym() { return 2.0 * uni() - 1.0; }                                    /* [-1, 1) */
    double normal()
    {
        const double u1 = 1.0 - uni(), u2 = uni();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
};

static inline long arg_long(int argc, char **argv, const char *name, long dflt)
{
    for (int i = 1; i + 1 < argc; i++)
        if (!strcmp(argv[i], name)) {
            char *end = nullptr;
            const long v = strtol(argv[i + 1], &end, 10);
            if (!end || *end || v < 0) {
                fprintf(stderr, "%s: %s must be a non-negative integer (got '%s')\n", argv[0], name, argv[i + 1]);
                exit(2);
            }
            return v;
        }
    return dflt;
}

#endif
