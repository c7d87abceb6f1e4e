/* bench/gpu: P2 element stiffness throughput, GPU vs the CPU loop of the same machine.
 *
 *   bench_elements [--nelem N] [--reps R] [--cpu-nelem M]
 *
 * Figures (elements per second, median of R runs):
 *   device    ft_cuda_stiffness_batch_device on device buffers already there: the kernel alone,
 *             timed with CUDA events around each launch (inputs uploaded once, not timed)
 *   host      ft_cuda_stiffness_batch on host arrays: upload, kernel, download (the 7.2 kB of Ke
 *             per element over PCIe dominate), wall clock, median of 3
 *   cpu1      ft_cpu_stiffness_batch on one core (M elements)
 *   cpuN      the same split over all cores (std::thread, contiguous slices)
 * plus the bandwidth the device figure implies (P2: 96 B of coordinates + 16 B of material in,
 * 7200 B of Ke out per element: the kernel is write-bound; at ~3 TB/s of an H100's HBM3 the floor
 * is ~4e8 elements/s) and the issue's target (P2 stiffness >= 1e8 elements/s on an H100).
 *
 * Correct first: the first min(N, 4096) device results are compared with the CPU loop (within
 * 1e-13 x the element's largest entry, the conformance suite's tolerance, derived in
 * kernels/tests/gpu/conformance_elements.c); a difference fails the benchmark (exit 1) and no
 * figure is reported as valid. The device output is poisoned (NaN bytes) before the first run.
 *
 * Built by bench/gpu/CMakeLists.txt with nvcc (FTWIN_CUDA=ON) or, without CUDA, as C++ against
 * the CUDA emulation: then every figure is labelled "CPU emulation - not a GPU measurement".
 * Last line: `JSON {...}` with every figure (bench/gpu/prove.sh collects it). */
#include "bench_common.h"

#include "ft_batch.h"
#include "ft_elasticity.h"
#include "ft_tet.h"

static const double kTargetElemPerS = 1e8; /* issue 14: P2 stiffness on an H100 */
static const double kTolerance = 1e-13;    /* x the element's largest entry (conformance suite) */

/* well-shaped, positively oriented tets: perturbed regular tets, rotated, scaled, translated */
static void random_tets(BenchRng &rng, long n, double *X)
{
    const double reg[4][3] = {{1, 1, 1}, {1, -1, -1}, {-1, 1, -1}, {-1, -1, 1}};
    for (long e = 0; e < n; e++) {
        double a[3], b[3], c[3], na = 0, nb = 0, d = 0, t[3], s = 0.1 + 2.0 * rng.uni(), G[4][3];
        double *x = X + 12 * e;
        do {
            na = 0;
            for (int i = 0; i < 3; i++) a[i] = rng.sym(), na += a[i] * a[i];
        } while (na < 0.04);
        na = std::sqrt(na);
        for (int i = 0; i < 3; i++) a[i] /= na;
        do {
            d = 0;
            nb = 0;
            for (int i = 0; i < 3; i++) b[i] = rng.sym(), d += a[i] * b[i];
            for (int i = 0; i < 3; i++) b[i] -= d * a[i], nb += b[i] * b[i];
        } while (nb < 0.04);
        nb = std::sqrt(nb);
        for (int i = 0; i < 3; i++) b[i] /= nb;
        c[0] = a[1] * b[2] - a[2] * b[1];
        c[1] = a[2] * b[0] - a[0] * b[2];
        c[2] = a[0] * b[1] - a[1] * b[0];
        for (int i = 0; i < 3; i++) t[i] = 5.0 * rng.sym();
        for (int v = 0; v < 4; v++) {
            double p[3];
            for (int i = 0; i < 3; i++) p[i] = reg[v][i] + 0.25 * rng.sym();
            for (int i = 0; i < 3; i++) x[3 * v + i] = t[i] + s * (a[i] * p[0] + b[i] * p[1] + c[i] * p[2]);
        }
        if (ft_tet_geometry((const double(*)[3])x, G) < 0.0)
            for (int i = 0; i < 3; i++) std::swap(x[i], x[3 + i]);
    }
}

int main(int argc, char **argv)
{
    const int order = 2, nk = 900;
    const long nelem = arg_long(argc, argv, "--nelem", kEmulated ? 2048 : 1L << 19);
    const int reps = (int)std::max(1L, arg_long(argc, argv, "--reps", kEmulated ? 3 : 20));
    const long ncpu = std::min(nelem, arg_long(argc, argv, "--cpu-nelem", kEmulated ? 2048 : 65536));
    const long ncheck = std::min(nelem, 4096L);
    const int nthr = cpu_threads();
    if (nelem < 1 || nelem > 0x7fffffffL) {
        fprintf(stderr, "bench_elements: --nelem must be in [1, 2^31) (got %ld)\n", nelem);
        return 2;
    }
    const std::string dev = device_name();
    printf("bench_elements: P2 element stiffness, %ld elements, %d repetitions\n", nelem, reps);
    printf("  device: %s  [%s]\n", dev.c_str(), FT_BENCH_LABEL);
    if (dev == "no CUDA device") {
        fprintf(stderr, "bench_elements: no CUDA device visible: nothing measured\n");
        return 1;
    }

    BenchRng rng(0x243F6A8885A308D3ull);
    std::vector<double> X(12 * (size_t)nelem), E(nelem), nu(nelem);
    random_tets(rng, nelem, X.data());
    for (long e = 0; e < nelem; e++) {
        E[e] = 2e5 * (0.5 + rng.uni());
        nu[e] = 0.05 + 0.4 * rng.uni();
    }

    /* ---- CPU: one core, then all cores ---- */
    std::vector<double> Kcpu((size_t)nk * ncpu);
    double t0 = 0, t1 = INFINITY;
    for (int r = 0; r < 2; r++) { /* the first pass also touches the output pages */
        t0 = wall_s();
        if (ft_cpu_stiffness_batch(order, (int)ncpu, X.data(), E.data(), nu.data(), Kcpu.data())) {
            fprintf(stderr, "bench_elements: ft_cpu_stiffness_batch failed\n");
            return 1;
        }
        t1 = std::min(t1, wall_s() - t0);
    }
    const double cpu1 = ncpu / t1;
    std::vector<double> tN;
    for (int r = 0; r < 3; r++) {
        t0 = wall_s();
        cpu_parallel(ncpu, nthr, [&](long lo, long hi) {
            ft_cpu_stiffness_batch(order, (int)(hi - lo), X.data() + 12 * lo, E.data() + lo, nu.data() + lo,
                                   Kcpu.data() + (size_t)nk * lo);
        });
        tN.push_back(wall_s() - t0);
    }
    const double cpuN = ncpu / median(tN);

    /* ---- device: the kernel alone ---- */
    double *dX = nullptr, *dE = nullptr, *dnu = nullptr, *dKe = nullptr;
    char err[512] = "";
    BENCH_CU(cudaMalloc((void **)&dX, sizeof(double) * 12 * nelem));
    BENCH_CU(cudaMalloc((void **)&dE, sizeof(double) * nelem));
    BENCH_CU(cudaMalloc((void **)&dnu, sizeof(double) * nelem));
    BENCH_CU(cudaMalloc((void **)&dKe, sizeof(double) * nk * (size_t)nelem));
    BENCH_CU(cudaMemcpy(dX, X.data(), sizeof(double) * 12 * nelem, cudaMemcpyHostToDevice));
    BENCH_CU(cudaMemcpy(dE, E.data(), sizeof(double) * nelem, cudaMemcpyHostToDevice));
    BENCH_CU(cudaMemcpy(dnu, nu.data(), sizeof(double) * nelem, cudaMemcpyHostToDevice));
    BENCH_CU(cudaMemset(dKe, 0xff, sizeof(double) * nk * (size_t)nelem)); /* NaN bytes: unwritten shows */
    cudaEvent_t ev0, ev1;
    BENCH_CU(cudaEventCreate(&ev0));
    BENCH_CU(cudaEventCreate(&ev1));
    std::vector<double> tdev;
    for (int r = -2; r < reps; r++) { /* two warm-up launches */
        BENCH_CU(cudaEventRecord(ev0, 0));
        if (ft_cuda_stiffness_batch_device(order, (int)nelem, dX, dE, dnu, dKe, err, sizeof err)) {
            fprintf(stderr, "bench_elements: %s\n", err);
            return 1;
        }
        BENCH_CU(cudaEventRecord(ev1, 0));
        BENCH_CU(cudaEventSynchronize(ev1));
        BENCH_CU(cudaGetLastError());
        float ms = 0;
        BENCH_CU(cudaEventElapsedTime(&ms, ev0, ev1));
        if (r >= 0) tdev.push_back(1e-3 * ms);
    }
    const double tdev_med = median(tdev), tdev_min = *std::min_element(tdev.begin(), tdev.end());
    const double devps = nelem / tdev_med;

    /* ---- correct first: device vs CPU on the first ncheck elements ---- */
    std::vector<double> Kdev((size_t)nk * ncheck);
    BENCH_CU(cudaMemcpy(Kdev.data(), dKe, sizeof(double) * nk * ncheck, cudaMemcpyDeviceToHost));
    double worst = 0.0;
    long nbits = 0;
    for (long e = 0; e < ncheck; e++) {
        double scale = 0.0;
        for (int i = 0; i < nk; i++) scale = std::max(scale, std::fabs(Kcpu[(size_t)nk * e + i]));
        for (int i = 0; i < nk; i++) {
            const double g = Kdev[(size_t)nk * e + i], c = Kcpu[(size_t)nk * e + i];
            const double rel = std::isnan(g) ? INFINITY : std::fabs(g - c) / scale;
            worst = std::max(worst, rel);
            if (std::memcmp(&g, &c, sizeof g)) nbits++;
        }
    }
    BENCH_CU(cudaFree(dX));
    BENCH_CU(cudaFree(dE));
    BENCH_CU(cudaFree(dnu));
    BENCH_CU(cudaFree(dKe));
    BENCH_CU(cudaEventDestroy(ev0));
    BENCH_CU(cudaEventDestroy(ev1));
    Kdev.clear();
    Kdev.shrink_to_fit();

    /* ---- host to host: copies included ---- */
    std::vector<double> Khost((size_t)nk * nelem);
    std::vector<double> th;
    for (int r = 0; r < 3; r++) {
        t0 = wall_s();
        if (ft_cuda_stiffness_batch(order, (int)nelem, X.data(), E.data(), nu.data(), Khost.data(), err, sizeof err)) {
            fprintf(stderr, "bench_elements: ft_cuda_stiffness_batch: %s\n", err);
            return 1;
        }
        th.push_back(wall_s() - t0);
    }
    const double hostps = nelem / median(th);
    const bool ok = worst <= kTolerance;
    const double bytes_per_elem = 8.0 * (12 + 2 + nk);

    printf("  correctness: first %ld elements vs the CPU loop: worst |gpu-cpu|/scale %.3g (tolerance %.0e), "
           "%ld entries not bit-identical: %s\n",
           ncheck, worst, kTolerance, nbits, ok ? "ok" : "FAILED");
    printf("  %-44s %12.4g elements/s  (median of %d; best %.4g)  [%s]\n", "device kernel alone (CUDA events)", devps, reps,
           nelem / tdev_min, FT_BENCH_LABEL);
    printf("  %-44s %12.4g GB/s written+read (%.0f B per element)\n", "  implied memory traffic", devps * bytes_per_elem * 1e-9,
           bytes_per_elem);
    printf("  %-44s %12.4g elements/s  (median of 3)  [%s]\n", "host to host (copies included)", hostps, FT_BENCH_LABEL);
    printf("  %-44s %12.4g elements/s  (%ld elements)\n", "CPU loop, 1 core", cpu1, ncpu);
    printf("  %-44s %12.4g elements/s  (%d threads)\n", "CPU loop, all cores", cpuN, nthr);
    printf("  %-44s %12.4g elements/s  (issue 14, on an H100)%s\n", "target: device kernel", kTargetElemPerS,
           kEmulated ? "  - not comparable: CPU emulation" : (devps >= kTargetElemPerS ? "  - met" : "  - NOT met"));
    printf("JSON {\"bench\":\"stiffness_p2\",\"device\":%s,\"emulated\":%s,\"label\":%s,\"nelem\":%ld,\"reps\":%d,"
           "\"device_elem_per_s\":%.6g,\"device_best_elem_per_s\":%.6g,\"device_gb_per_s\":%.6g,\"host_to_host_elem_per_s\":%.6g,"
           "\"cpu_1core_elem_per_s\":%.6g,\"cpu_all_elem_per_s\":%.6g,\"cpu_threads\":%d,\"cpu_nelem\":%ld,"
           "\"check_nelem\":%ld,\"max_rel_diff\":%.6g,\"not_bitwise\":%ld,\"tolerance\":%.3g,\"correct\":%s,"
           "\"target_elem_per_s\":%.6g,\"target_met\":%s}\n",
           jstr(dev).c_str(), kEmulated ? "true" : "false", jstr(FT_BENCH_LABEL).c_str(), nelem, reps, devps,
           nelem / tdev_min, devps * bytes_per_elem * 1e-9, hostps, cpu1, cpuN, nthr, ncpu, ncheck, worst, nbits,
           kTolerance, ok ? "true" : "false", kTargetElemPerS,
           kEmulated ? "null" : (devps >= kTargetElemPerS ? "true" : "false"));
    return ok ? 0 : 1;
}
