/* GPU conformance: the element conductivity kernel (thermal_batch of the backend table), the chunk
 * cap of the element wrappers (stiffness, stress, thermal) and the device binding, CPU loop vs the
 * `cuda` library this program is linked with (kernels/tests/gpu/CMakeLists.txt):
 *   gpu.elements_thermal.emulated  the .cu kernels in CPU emulation: results BIT-IDENTICAL to the
 *                                  CPU loops (same FT_HD code, same operation order, both compiled
 *                                  without FMA contraction: -ffp-contract=off for the emulation,
 *                                  and the C compiler emits no FMA for the x86-64 baseline)
 *   gpu.elements_thermal.cuda      a real GPU (exits 77 without one): nvcc contracts a*b+c into
 *                                  FMAs, so entries may differ in the last bits; tolerance
 *                                  TOL_GPU * max|K_e| per element (below)
 * What is checked:
 *   - P1 and P2 conductivity matrices of random well-shaped tetrahedra (random conductivities)
 *   - chunking forced by ft_cuda_set_max_chunk(1, 7, large) and by FTWIN_CUDA_MAX_CHUNK gives
 *     results identical to one chunk, for the thermal, stiffness and stress wrappers (chunking
 *     only moves whole elements between copies, never changes the arithmetic: exact equality on
 *     every backend); a malformed FTWIN_CUDA_MAX_CHUNK is refused with a message naming it
 *   - invalid arguments: non-zero return and a message; nelem == 0 a no-op
 *   - emulation only: the number of launches equals the number of chunks the cap implies
 *     (counted with injected launch failures); an injected cudaMalloc failure (each of the three buffers) and an injected
 *     launch failure return non-zero with a message, and the next call works; chunks sized by a
 *     small emulated device memory give identical results
 *   - ft_cuda_bind_device with local sizes 1..4: device local_rank % ndev, the sharing count, and
 *     (emulation) the free memory divided among the sharers
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "ft_batch.h"
#include "ft_elasticity.h"
#include "ft_tet.h"
#ifdef FT_CUDA_EMULATION
#include "ft_emu_control.h"
/* the emulated device's default capacity (ft_cuda_emu.h), restored after a test shrinks it */
#define EMU_DEFAULT_MEMORY ((size_t)16 << 30)
#endif
#define CHECK_RNG_SEED 0x7E4A1C0FFEE5EEDull
#include "../check.h"

/* Real GPU tolerance, relative to the largest entry of the element's matrix: each entry is a sum of
 * at most ~60 rounded products of the gradients (themselves ~20 operations from the coordinates),
 * so contraction changes each entry by a few hundred ulps of that largest entry at most for the
 * well-shaped elements used here (edge ratio < 2): 1e-12 ~ 4500 eps leaves a margin. */
#define TOL_GPU 1e-12

#define NELEM 300

static int emulated(void)
{
#ifdef FT_CUDA_EMULATION
    return 1;
#else
    return 0;
#endif
}

/* random well-shaped, positively oriented tet: perturbed regular tet, scaled, translated */
static void random_tet(double *X)
{
    const double reg[4][3] = {{1, 1, 1}, {1, -1, -1}, {-1, 1, -1}, {-1, -1, 1}};
    const double s = 0.01 + 2.0 * urand();
    double t[3], G[4][3];
    int a, i;
    for (i = 0; i < 3; i++) t[i] = 10.0 * (2.0 * urand() - 1.0);
    for (a = 0; a < 4; a++)
        for (i = 0; i < 3; i++) X[3 * a + i] = t[i] + s * (reg[a][i] + 0.25 * (2.0 * urand() - 1.0));
    if (ft_tet_geometry((const double(*)[3])X, G) < 0.0) {
        for (i = 0; i < 3; i++) {
            double tmp = X[i];
            X[i] = X[3 + i];
            X[3 + i] = tmp;
        }
    }
}

/* got == want entry by entry (emulation), or within TOL_GPU * max|want_e| per element (real GPU) */
static void compare_blocks(const double *got, const double *want, int nelem, int nk, const char *what)
{
    int e, k, bad = 0;
    if (emulated()) {
        CHECKF(memcmp(got, want, sizeof(double) * (size_t)nelem * (size_t)nk) == 0, "%s: not bit-identical to the CPU loop", what);
        return;
    }
    for (e = 0; e < nelem && bad < 5; e++) {
        double m = 0.0;
        for (k = 0; k < nk; k++) m = fmax(m, fabs(want[(size_t)e * nk + k]));
        for (k = 0; k < nk; k++) {
            const double d = fabs(got[(size_t)e * nk + k] - want[(size_t)e * nk + k]);
            if (!(d <= TOL_GPU * m)) {
                CHECKF(0, "%s: element %d entry %d: %.17g vs CPU %.17g", what, e, k, got[(size_t)e * nk + k], want[(size_t)e * nk + k]);
                bad++;
                break;
            }
        }
    }
    CHECK(bad == 0);
}

static double *X, *kc, *E, *nu, *alpha;

static void thermal_vs_cpu(void)
{
    for (int order = 1; order <= 2; order++) {
        const int n = ft_tet_num_nodes(order), nk = n * n;
        double *Kcpu = malloc(sizeof(double) * NELEM * nk), *Kgpu = malloc(sizeof(double) * NELEM * nk);
        char err[256] = "";
        CHECK_CONTEXT("thermal P%d vs CPU", order);
        CHECK(ft_cpu_thermal_batch(order, NELEM, X, kc, Kcpu) == 0);
        ft_cuda_set_max_chunk(0);
        CHECKF(ft_cuda_thermal_batch(order, NELEM, X, kc, Kgpu, err, sizeof err) == 0, "%s", err);
        compare_blocks(Kgpu, Kcpu, NELEM, nk, "thermal");
        /* the CPU values are the conductivity matrix: symmetric, constants in its null space
         * (row sums 0 up to rounding: ~n terms of size max|K|, so 64 n eps max|K|) */
        for (int e = 0; e < NELEM; e++) {
            const double *K = Kcpu + (size_t)e * nk;
            double m = 0.0;
            for (int k = 0; k < nk; k++) m = fmax(m, fabs(K[k]));
            for (int a = 0; a < n; a++) {
                double rs = 0.0;
                for (int b = 0; b < n; b++) {
                    rs += K[a * n + b];
                    if (K[a * n + b] != K[b * n + a]) CHECKF(0, "element %d not symmetric at (%d,%d)", e, a, b);
                }
                if (!(fabs(rs) <= 64.0 * n * 2.2e-16 * m)) CHECKF(0, "element %d row %d sums to %g (max %g)", e, a, rs, m);
            }
            CHECK(K[0] > 0.0);
        }
        free(Kcpu);
        free(Kgpu);
    }
}

/* The three wrappers under chunk caps 1, 7 and a large one (and, in emulation, chunks sized by a
 * small device memory): results equal to the single-chunk run, exactly. */
static void chunking(void)
{
    const long caps[] = {1, 7, 1000000};
    const int ncases = 2, npts = 4;
    double lam[4 * 4];
    double *ue = malloc(sizeof(double) * ncases * NELEM * 30), *dT = malloc(sizeof(double) * ncases * NELEM * 10);
    for (int p = 0; p < npts; p++) {
        double w;
        ft_tet_quad_point(2, p, lam + 4 * p, &w);
    }
    for (int i = 0; i < ncases * NELEM * 30; i++) ue[i] = 1e-3 * (2.0 * urand() - 1.0);
    for (int i = 0; i < ncases * NELEM * 10; i++) dT[i] = 100.0 * (2.0 * urand() - 1.0);
    for (int order = 1; order <= 2; order++) {
        const int n = ft_tet_num_nodes(order), nt = n * n, ns = 9 * n * n, nsig = ncases * npts * 6;
        double *T1 = malloc(sizeof(double) * NELEM * nt), *Tc = malloc(sizeof(double) * NELEM * nt);
        double *S1 = malloc(sizeof(double) * NELEM * ns), *Sc = malloc(sizeof(double) * NELEM * ns);
        double *G1 = malloc(sizeof(double) * NELEM * nsig), *Gc = malloc(sizeof(double) * NELEM * nsig);
        char err[256] = "";
        ft_cuda_set_max_chunk(0);
        CHECK_CONTEXT("chunking P%d, one chunk", order);
        CHECKF(ft_cuda_thermal_batch(order, NELEM, X, kc, T1, err, sizeof err) == 0, "%s", err);
        CHECKF(ft_cuda_stiffness_batch(order, NELEM, X, E, nu, S1, err, sizeof err) == 0, "%s", err);
        CHECKF(ft_cuda_stress_batch(order, NELEM, X, E, nu, alpha, ncases, ue, dT, npts, lam, G1, err, sizeof err) == 0, "%s", err);
        for (int k = 0; k < 3; k++) {
            CHECK_CONTEXT("chunking P%d, cap %ld", order, caps[k]);
            ft_cuda_set_max_chunk(caps[k]);
            CHECK(ft_cuda_max_chunk() == caps[k]);
            memset(Tc, 0, sizeof(double) * NELEM * nt);
            memset(Sc, 0, sizeof(double) * NELEM * ns);
            memset(Gc, 0, sizeof(double) * NELEM * nsig);
            CHECKF(ft_cuda_thermal_batch(order, NELEM, X, kc, Tc, err, sizeof err) == 0, "%s", err);
            CHECKF(ft_cuda_stiffness_batch(order, NELEM, X, E, nu, Sc, err, sizeof err) == 0, "%s", err);
            CHECKF(ft_cuda_stress_batch(order, NELEM, X, E, nu, alpha, ncases, ue, dT, npts, lam, Gc, err, sizeof err) == 0, "%s", err);
            CHECK(memcmp(Tc, T1, sizeof(double) * NELEM * nt) == 0);
            CHECK(memcmp(Sc, S1, sizeof(double) * NELEM * ns) == 0);
            CHECK(memcmp(Gc, G1, sizeof(double) * NELEM * nsig) == 0);
#ifdef FT_CUDA_EMULATION
            {
                /* the cap is obeyed: exactly ceil(NELEM / cap) launches (one per chunk), counted by
                 * arming the launch failure at that launch (fails) and one later (never reached) */
                const int L = (int)((NELEM + caps[k] - 1) / caps[k]);
                ft_emu_fail_launch(L);
                CHECK(ft_cuda_thermal_batch(order, NELEM, X, kc, Tc, err, sizeof err) != 0);
                ft_emu_fail_launch(L);
                CHECK(ft_cuda_stiffness_batch(order, NELEM, X, E, nu, Sc, err, sizeof err) != 0);
                ft_emu_fail_launch(L);
                CHECK(ft_cuda_stress_batch(order, NELEM, X, E, nu, alpha, ncases, ue, dT, npts, lam, Gc, err, sizeof err) != 0);
                ft_emu_fail_launch(L + 1);
                CHECKF(ft_cuda_thermal_batch(order, NELEM, X, kc, Tc, err, sizeof err) == 0, "%s", err);
                ft_emu_fail_launch(0);
                ft_emu_fail_launch(L + 1);
                CHECKF(ft_cuda_stiffness_batch(order, NELEM, X, E, nu, Sc, err, sizeof err) == 0, "%s", err);
                ft_emu_fail_launch(0);
                ft_emu_fail_launch(L + 1);
                CHECKF(ft_cuda_stress_batch(order, NELEM, X, E, nu, alpha, ncases, ue, dT, npts, lam, Gc, err, sizeof err) == 0, "%s", err);
                ft_emu_fail_launch(0);
                CHECK(memcmp(Tc, T1, sizeof(double) * NELEM * nt) == 0);
            }
#endif
        }
        ft_cuda_set_max_chunk(-5); /* negative: no cap */
        CHECK(ft_cuda_max_chunk() == 0);
#ifdef FT_CUDA_EMULATION
        /* chunks sized by the device memory: 64 KiB holds ~58 P1 / ~9 P2 stiffness elements */
        CHECK_CONTEXT("chunking P%d, 64 KiB of emulated device memory", order);
        ft_emu_set_device_memory(64 * 1024);
        memset(Tc, 0, sizeof(double) * NELEM * nt);
        memset(Sc, 0, sizeof(double) * NELEM * ns);
        memset(Gc, 0, sizeof(double) * NELEM * nsig);
        CHECKF(ft_cuda_thermal_batch(order, NELEM, X, kc, Tc, err, sizeof err) == 0, "%s", err);
        CHECKF(ft_cuda_stiffness_batch(order, NELEM, X, E, nu, Sc, err, sizeof err) == 0, "%s", err);
        CHECKF(ft_cuda_stress_batch(order, NELEM, X, E, nu, alpha, ncases, ue, dT, npts, lam, Gc, err, sizeof err) == 0, "%s", err);
        CHECK(memcmp(Tc, T1, sizeof(double) * NELEM * nt) == 0);
        CHECK(memcmp(Sc, S1, sizeof(double) * NELEM * ns) == 0);
        CHECK(memcmp(Gc, G1, sizeof(double) * NELEM * nsig) == 0);
        /* and it did take more than one chunk: a failure armed at the second launch is reached */
        ft_emu_fail_launch(2);
        CHECK(ft_cuda_thermal_batch(order, NELEM, X, kc, Tc, err, sizeof err) != 0);
        ft_emu_fail_launch(2);
        CHECK(ft_cuda_stiffness_batch(order, NELEM, X, E, nu, Sc, err, sizeof err) != 0);
        ft_emu_fail_launch(2);
        CHECK(ft_cuda_stress_batch(order, NELEM, X, E, nu, alpha, ncases, ue, dT, npts, lam, Gc, err, sizeof err) != 0);
        ft_emu_fail_launch(0);
        CHECK(ft_emu_device_memory_used() == 0); /* every failed call freed its buffers */
        ft_emu_set_device_memory(EMU_DEFAULT_MEMORY);
#endif
        free(T1); free(Tc); free(S1); free(Sc); free(G1); free(Gc);
    }
    free(ue);
    free(dT);
}

/* FTWIN_CUDA_MAX_CHUNK before any ft_cuda_set_max_chunk (a call overrides the variable for good). */
static void chunk_environment(void)
{
    double *K1 = malloc(sizeof(double) * NELEM * 100), *Kc = malloc(sizeof(double) * NELEM * 100);
    char err[256] = "";
    CHECK_CONTEXT("FTWIN_CUDA_MAX_CHUNK");
    unsetenv("FTWIN_CUDA_MAX_CHUNK");
    CHECK(ft_cuda_max_chunk() == 0);
    CHECKF(ft_cuda_thermal_batch(2, NELEM, X, kc, K1, err, sizeof err) == 0, "%s", err);
    setenv("FTWIN_CUDA_MAX_CHUNK", "7", 1);
    CHECK(ft_cuda_max_chunk() == 7);
    memset(Kc, 0, sizeof(double) * NELEM * 100);
    CHECKF(ft_cuda_thermal_batch(2, NELEM, X, kc, Kc, err, sizeof err) == 0, "%s", err);
    CHECK(memcmp(Kc, K1, sizeof(double) * NELEM * 100) == 0);
    setenv("FTWIN_CUDA_MAX_CHUNK", "12abc", 1);
    CHECK(ft_cuda_max_chunk() == -1);
    err[0] = '\0';
    CHECK(ft_cuda_thermal_batch(2, NELEM, X, kc, Kc, err, sizeof err) != 0);
    CHECK_CONTAINS(err, "FTWIN_CUDA_MAX_CHUNK='12abc'");
    err[0] = '\0';
    CHECK(ft_cuda_stiffness_batch(1, NELEM, X, E, nu, Kc, err, sizeof err) != 0);
    CHECK_CONTAINS(err, "FTWIN_CUDA_MAX_CHUNK");
    setenv("FTWIN_CUDA_MAX_CHUNK", "-3", 1);
    CHECK(ft_cuda_max_chunk() == -1);
    unsetenv("FTWIN_CUDA_MAX_CHUNK");
    free(K1);
    free(Kc);
}

static void invalid_arguments(void)
{
    double K[100];
    char err[256];
    CHECK_CONTEXT("invalid arguments");
    err[0] = '\0';
    CHECK(ft_cuda_thermal_batch(3, 1, X, kc, K, err, sizeof err) != 0);
    CHECK_CONTAINS(err, "order 3");
    err[0] = '\0';
    CHECK(ft_cuda_thermal_batch(1, -1, X, kc, K, err, sizeof err) != 0);
    CHECK_CONTAINS(err, "nelem -1");
    err[0] = '\0';
    CHECK(ft_cuda_thermal_batch(1, 1, NULL, kc, K, err, sizeof err) != 0);
    CHECK_CONTAINS(err, "NULL");
    err[0] = '\0';
    CHECK(ft_cuda_thermal_batch(2, 1, X, NULL, K, err, sizeof err) != 0);
    CHECK_CONTAINS(err, "NULL");
    CHECK(ft_cuda_thermal_batch(2, 1, X, kc, NULL, NULL, 0) != 0); /* no message buffer: no crash */
    CHECK(ft_cuda_thermal_batch(1, 0, NULL, NULL, NULL, err, sizeof err) == 0);
    CHECK(ft_cpu_thermal_batch(0, 1, X, kc, K) != 0);
    CHECK(ft_cpu_thermal_batch(1, -2, X, kc, K) != 0);
    CHECK(ft_cpu_thermal_batch(1, 1, X, kc, NULL) != 0);
    CHECK(ft_cpu_thermal_batch(2, 0, NULL, NULL, NULL) == 0);
}

#ifdef FT_CUDA_EMULATION
static void injected_failures(void)
{
    double *K = malloc(sizeof(double) * NELEM * 100), *Kref = malloc(sizeof(double) * NELEM * 100);
    char err[256];
    ft_cuda_set_max_chunk(0);
    CHECK(ft_cpu_thermal_batch(2, NELEM, X, kc, Kref) == 0);
    for (int nth = 1; nth <= 3; nth++) { /* the X, kcond and Ke buffers */
        CHECK_CONTEXT("cudaMalloc %d fails", nth);
        err[0] = '\0';
        ft_emu_fail_malloc(nth);
        CHECK(ft_cuda_thermal_batch(2, NELEM, X, kc, K, err, sizeof err) != 0);
        CHECK_CONTAINS(err, "cudaMalloc");
        ft_emu_fail_malloc(0);
    }
    CHECK_CONTEXT("launch fails");
    err[0] = '\0';
    ft_emu_fail_launch(1);
    CHECK(ft_cuda_thermal_batch(1, NELEM, X, kc, K, err, sizeof err) != 0);
    CHECKF(err[0] != '\0', "no message");
    ft_emu_fail_launch(0);
    CHECK_CONTEXT("after the failures");
    CHECKF(ft_cuda_thermal_batch(2, NELEM, X, kc, K, err, sizeof err) == 0, "%s", err);
    CHECK(memcmp(K, Kref, sizeof(double) * NELEM * 100) == 0);
    CHECK(ft_emu_device_memory_used() == 0); /* nothing leaked on the failure paths */
    free(K);
    free(Kref);
}
#endif

static void binding(void)
{
    const int ndev = ft_cuda_device_count();
    char desc[256], want[64];
    CHECK_CONTEXT("ft_cuda_bind_device");
    CHECK(ndev >= 1);
    for (int size = 1; size <= 4; size++)
        for (int rank = 0; rank < size; rank++) {
            const int dev = rank % ndev, share = size / ndev + (dev < size % ndev ? 1 : 0);
            CHECK_CONTEXT("bind local rank %d of %d (%d devices)", rank, size, ndev);
            CHECKF(ft_cuda_bind_device(rank, size, desc, sizeof desc) == 0, "%s", desc);
            snprintf(want, sizeof want, "rank %d -> device %d (%d rank", rank, dev, share);
            CHECKF(strstr(desc, want) != NULL, "'%s' lacks '%s'", desc, want);
            CHECK_LONG(ft_cuda_device_sharers(), share);
            if (ndev == 1) CHECK_LONG(ft_cuda_device_sharers(), size);
        }
    CHECK_CONTEXT("bind: invalid local ranks");
    desc[0] = '\0';
    CHECK(ft_cuda_bind_device(-1, 2, desc, sizeof desc) != 0);
    CHECK_CONTAINS(desc, "local rank -1");
    CHECK(ft_cuda_bind_device(2, 2, desc, sizeof desc) != 0);
    CHECK(ft_cuda_bind_device(0, 0, desc, sizeof desc) != 0);
    CHECK(ft_cuda_bind_device(0, 1, NULL, 0) == 0);
#ifdef FT_CUDA_EMULATION
    {
        /* one P2 stiffness element needs 8 (12 + 2 + 900) = 7312 bytes; 80% of 20000 bytes holds two
         * when alone, but a quarter of it (4 ranks share the device) holds none: refused, saying so */
        double K[900];
        char err[256] = "";
        CHECK_CONTEXT("bind: memory divided among the sharers");
        ft_emu_set_device_memory(20000);
        CHECK(ft_cuda_bind_device(0, 1, desc, sizeof desc) == 0);
        CHECKF(ft_cuda_stiffness_batch(2, 1, X, E, nu, K, err, sizeof err) == 0, "%s", err);
        CHECK(ft_cuda_bind_device(0, 4, desc, sizeof desc) == 0);
        CHECK(ft_cuda_stiffness_batch(2, 1, X, E, nu, K, err, sizeof err) != 0);
        CHECK_CONTAINS(err, "4 ranks share the device");
        ft_emu_set_device_memory(EMU_DEFAULT_MEMORY);
    }
#endif
    CHECK(ft_cuda_bind_device(0, 1, desc, sizeof desc) == 0); /* back to one rank per device */
}

int main(void)
{
    char desc[512];
    if (ft_cuda_device_count() == 0) {
        printf("no CUDA device: skipped\n");
        return 77;
    }
    ft_cuda_describe(desc, sizeof desc);
    printf("%s\n", desc);
    X = malloc(sizeof(double) * 12 * NELEM);
    kc = malloc(sizeof(double) * NELEM);
    E = malloc(sizeof(double) * NELEM);
    nu = malloc(sizeof(double) * NELEM);
    alpha = malloc(sizeof(double) * NELEM);
    for (int e = 0; e < NELEM; e++) {
        random_tet(X + 12 * e);
        kc[e] = 0.1 + 400.0 * urand();
        E[e] = 1e9 + 2e11 * urand();
        nu[e] = 0.05 + 0.4 * urand();
        alpha[e] = 1e-6 + 2e-5 * urand();
    }
    chunk_environment(); /* first: any ft_cuda_set_max_chunk call overrides the variable */
    thermal_vs_cpu();
    chunking();
    invalid_arguments();
#ifdef FT_CUDA_EMULATION
    injected_failures();
#endif
    binding();
    free(X); free(kc); free(E); free(nu); free(alpha);
    return check_summary();
}
