/* GPU conformance, element family: the batched stiffness and stress kernels of the `cuda` backend
 * (ft_cuda_stiffness_batch, ft_cuda_stress_batch, ft_cuda_stiffness_batch_device) against the CPU
 * loops (ft_cpu_stiffness_batch, ft_cpu_stress_batch), kernels/ft_batch.h.
 *
 * Built twice (kernels/tests/gpu/CMakeLists.txt):
 *   gpu.elements.emulated  the .cu kernels compiled as C++ and run on the CPU (FT_CUDA_EMULATION)
 *   gpu.elements.cuda      the real kernels on a CUDA device; exit 77 (skipped) without one
 *
 * What is compared: P1 and P2, random well-shaped tetrahedra (rotated, scaled, translated perturbed
 * regular tets), element counts 0, 1, 31, 32, 33 (the warp edges of the stiffness kernel: 32
 * elements per warp, each warp writes its elements' strips together), 63, 64, 65 (its block edges:
 * 64 threads per block) and 1000; stresses with 1 and 2 load cases, with and without thermal
 * strain, at 1 point (centroid) and at 15 points (4 vertices, 6 edge midpoints, centroid, 4 random
 * interior points). Every GPU output is poisoned (NaN) before the call so an entry never written
 * fails, and one element (or case-point block) past the end is a canary that must stay untouched.
 *
 * Tolerances:
 *  - Emulation (x86-64 without FMA in the C flags): BIT-IDENTICAL. Both paths call the same FT_HD
 *    routines with the same operations in the same order (ft_tet_stiffness_rows and ft_tet_stiffness
 *    share ft__tet_pair_S and ft__stiff_kblock; the stress kernel and loop both call
 *    ft_tet_geometry + ft_tet_stress_at_geom), the emulated library is compiled with
 *    -ffp-contract=off and baseline x86-64 has no FMA instruction for the C library to contract to.
 *    Elsewhere (aarch64 contracts by default, or -march with FMA) the device tolerance below applies.
 *  - Real device: nvcc contracts a*b+c into FMA (one rounding instead of two) everywhere, so entries
 *    differ by rounding. The longest chain from inputs to an entry is ~30 roundings (3x3 inverse
 *    of the Jacobian ~10, the pair integral ~5, the 3x3 block ~3, Lame constants ~4, and for the
 *    stress the sum over 3n dofs ~30), each at most half an ulp of a quantity bounded by the entry
 *    scale times the element's conditioning (< 10 for these well-shaped tets). Hence
 *        |K_gpu - K_cpu| <= 1e-13 * max_ij |K_cpu[e]|          (about 450 ulps of the scale)
 *        |s_gpu - s_cpu| <= 1e-13 * sigma_scale(e, case)
 *    with sigma_scale = (lambda + 2 mu) * (4 max|G| * sum|u| + 3 alpha max|dT|), a bound of |D eps|
 *    that does not shrink when the components cancel (|grad N| <= 4 max|G| for P1 and P2 nodes).
 * Also: invalid arguments (non-zero with a message, never a crash), and in emulation the error paths
 * of injected cudaMalloc and launch failures and of too little device memory, and chunking (a small
 * device memory forces many chunks: still bit-identical). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ft_batch.h"
#include "ft_elasticity.h"
#include "ft_tet.h"
#define CHECK_RNG_SEED 0x6A09E667F3BCC909ull /* this program's own stream */
#include "../check.h"

#ifdef FT_CUDA_EMULATION
#include "ft_cuda_emu.h" /* from C: ft_emu_control.h (fail_malloc/launch, device memory) */
#endif

#if defined(FT_CUDA_EMULATION) && defined(__x86_64__) && !defined(__FMA__)
#define EXPECT_BITWISE 1
#else
#define EXPECT_BITWISE 0
#endif

/* the device tolerance relative to the entry scale (derivation in the header comment) */
#define DEVICE_REL_TOL 1e-13

/* ---------------------------------------------------------------- inputs ------------ */
static double srand1(void) { return 2.0 * urand() - 1.0; }

static void random_rotation(double R[3][3])
{
    double a[3], b[3], n, d;
    int i;
    do {
        for (i = 0; i < 3; i++) a[i] = srand1();
        n = sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
    } while (n < 0.2);
    for (i = 0; i < 3; i++) a[i] /= n;
    do {
        for (i = 0; i < 3; i++) b[i] = srand1();
        d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
        for (i = 0; i < 3; i++) b[i] -= d * a[i];
        n = sqrt(b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
    } while (n < 0.2);
    for (i = 0; i < 3; i++) b[i] /= n;
    for (i = 0; i < 3; i++) {
        R[i][0] = a[i];
        R[i][1] = b[i];
    }
    R[0][2] = a[1] * b[2] - a[2] * b[1];
    R[1][2] = a[2] * b[0] - a[0] * b[2];
    R[2][2] = a[0] * b[1] - a[1] * b[0];
}

/* well-shaped, positively oriented tet: perturbed regular tet, rotated, scaled, translated */
static void random_tet(double *X /* [4][3] */)
{
    const double reg[4][3] = {{1, 1, 1}, {1, -1, -1}, {-1, 1, -1}, {-1, -1, 1}};
    double R[3][3], s = 0.1 + 2.0 * urand(), t[3], G[4][3];
    int a, i, j;
    random_rotation(R);
    for (i = 0; i < 3; i++) t[i] = 5.0 * srand1();
    for (a = 0; a < 4; a++) {
        double p[3];
        for (i = 0; i < 3; i++) p[i] = reg[a][i] + 0.25 * srand1();
        for (i = 0; i < 3; i++) {
            X[3 * a + i] = t[i];
            for (j = 0; j < 3; j++) X[3 * a + i] += s * R[i][j] * p[j];
        }
    }
    if (ft_tet_geometry((const double(*)[3])X, G) < 0.0)
        for (i = 0; i < 3; i++) {
            const double tmp = X[i];
            X[i] = X[3 + i];
            X[3 + i] = tmp;
        }
}

/* the batch of one test: nelem elements (+1 spare for the canaries) and ncases load cases */
typedef struct {
    int nelem, ncases;
    double *X, *E, *nu, *alpha, *ue, *dTe;
} Batch;

static void batch_make(Batch *b, int nelem, int ncases)
{
    const size_t ne = (size_t)nelem + 1, nc = (size_t)ncases;
    size_t i;
    b->nelem = nelem;
    b->ncases = ncases;
    b->X = malloc(sizeof(double) * 12 * ne);
    b->E = malloc(sizeof(double) * ne);
    b->nu = malloc(sizeof(double) * ne);
    b->alpha = malloc(sizeof(double) * ne);
    b->ue = malloc(sizeof(double) * nc * ne * 30);
    b->dTe = malloc(sizeof(double) * nc * ne * 10);
    if (!b->X || !b->E || !b->nu || !b->alpha || !b->ue || !b->dTe) {
        fprintf(stderr, "conformance_elements: out of memory\n");
        exit(1);
    }
    for (i = 0; i < ne; i++) {
        random_tet(b->X + 12 * i);
        b->E[i] = 2e5 * (0.5 + urand());
        b->nu[i] = 0.05 + 0.4 * urand();
        b->alpha[i] = 1e-5 * (0.5 + urand());
    }
    /* displacements ~1e-3 of the element size, temperatures ~100 K: comparable strain parts */
    for (i = 0; i < nc * ne * 30; i++) b->ue[i] = 1e-3 * srand1();
    for (i = 0; i < nc * ne * 10; i++) b->dTe[i] = 100.0 * srand1();
}

static void batch_free(Batch *b)
{
    free(b->X);
    free(b->E);
    free(b->nu);
    free(b->alpha);
    free(b->ue);
    free(b->dTe);
}

static double *poisoned(size_t n)
{
    double *v = malloc(sizeof(double) * (n ? n : 1));
    size_t i;
    if (!v) {
        fprintf(stderr, "conformance_elements: out of memory\n");
        exit(1);
    }
    for (i = 0; i < n; i++) v[i] = NAN;
    return v;
}

/* evaluation points: centroid, 4 vertices, 6 edge midpoints, 4 random interior points */
enum { NPTS_MAX = 15 };
static void make_points(double lam[NPTS_MAX][4])
{
    int p = 0, a, b;
    for (a = 0; a < 4; a++) lam[p][a] = 0.25;
    p++;
    for (a = 0; a < 4; a++, p++)
        for (b = 0; b < 4; b++) lam[p][b] = a == b ? 1.0 : 0.0;
    for (a = 0; a < 4; a++)
        for (b = a + 1; b < 4; b++, p++) {
            int k;
            for (k = 0; k < 4; k++) lam[p][k] = (k == a || k == b) ? 0.5 : 0.0;
        }
    while (p < NPTS_MAX) {
        double l0 = urand(), l1 = urand() * (1 - l0), l2 = urand() * (1 - l0 - l1);
        lam[p][0] = l0;
        lam[p][1] = l1;
        lam[p][2] = l2;
        lam[p][3] = 1.0 - l0 - l1 - l2;
        p++;
    }
}

/* ---------------------------------------------------------------- comparison -------- */
/* Compares got[0..n) with want[0..n), scale[i / per_scale] the entry scale of each block of
 * per_scale entries. Bitwise when EXPECT_BITWISE, else within DEVICE_REL_TOL * scale. Reports
 * the worst entry once (not one failure per entry). */
static void compare(const char *what, const double *got, const double *want, size_t n,
                    const double *scale, size_t per_scale)
{
    size_t i, nbits = 0, worst = 0, nbad = 0;
    double wrel = -1.0;
    for (i = 0; i < n; i++) {
        const double s = scale[i / per_scale], d = fabs(got[i] - want[i]);
        const double rel = isnan(d) ? INFINITY : (s > 0 ? d / s : d);
        if (memcmp(&got[i], &want[i], sizeof(double)) != 0) nbits++;
        if (!(rel <= DEVICE_REL_TOL)) nbad++;
        if (rel > wrel) {
            wrel = rel;
            worst = i;
        }
    }
    if (EXPECT_BITWISE)
        CHECKF(nbits == 0, "%s: %zu of %zu entries not bit-identical (entry %zu: got %.17g, cpu %.17g)",
               what, nbits, n, worst, n ? got[worst] : 0.0, n ? want[worst] : 0.0);
    else
        CHECKF(nbad == 0, "%s: %zu of %zu entries beyond %.0e x scale (worst entry %zu: got %.17g, cpu %.17g, %.3g x scale)",
               what, nbad, n, DEVICE_REL_TOL, worst, n ? got[worst] : 0.0, n ? want[worst] : 0.0, wrel);
}

static int canary_intact(const double *v, size_t from, size_t n)
{
    size_t i;
    for (i = from; i < from + n; i++)
        if (!isnan(v[i])) return 0;
    return 1;
}

static double maxabs(const double *v, size_t n)
{
    double m = 0.0;
    size_t i;
    for (i = 0; i < n; i++) m = fmax(m, fabs(v[i]));
    return m;
}

/* worst difference seen on this machine, printed at the end (informative on a real device) */
static double g_worst_stiff, g_worst_stress;

/* ---------------------------------------------------------------- stiffness --------- */
static void check_stiffness(int order, const Batch *b)
{
    const int n = ft_tet_num_nodes(order);
    const size_t nk = (size_t)(9 * n * n), ne = (size_t)b->nelem;
    double *Kc = poisoned(nk * ne), *Kg = poisoned(nk * (ne + 1)), *scale = poisoned(ne + 1);
    char err[512] = "";
    size_t e, i;
    CHECK_CONTEXT("P%d stiffness, %d elements", order, b->nelem);
    CHECK(ft_cpu_stiffness_batch(order, b->nelem, b->X, b->E, b->nu, Kc) == 0);
    CHECKF(ft_cuda_stiffness_batch(order, b->nelem, b->X, b->E, b->nu, Kg, err, sizeof err) == 0, "%s", err);
    for (e = 0; e < ne; e++) scale[e] = maxabs(Kc + e * nk, nk);
    compare("stiffness", Kg, Kc, nk * ne, scale, nk);
    CHECKF(canary_intact(Kg, nk * ne, nk), "the stiffness of element %zu (past the end) was written", ne);
    for (i = 0; i < nk * ne; i++) {
        const double r = fabs(Kg[i] - Kc[i]) / scale[i / nk];
        if (r > g_worst_stiff) g_worst_stiff = r;
    }
    free(Kc);
    free(Kg);
    free(scale);
}

/* ---------------------------------------------------------------- stress ------------ */
static void check_stress(int order, const Batch *b, int thermal, int npts, const double *lam)
{
    const int n = ft_tet_num_nodes(order);
    const size_t ne = (size_t)b->nelem, nc = (size_t)b->ncases, blk = (size_t)npts * 6;
    const size_t nsig = nc * ne * blk;
    double *sc = poisoned(nsig), *sg = poisoned(nsig + blk), *scale = poisoned(nc * ne + 1);
    const double *dTe = thermal ? b->dTe : NULL;
    char err[512] = "";
    size_t c, e, i;
    CHECK_CONTEXT("P%d stress, %d elements, %d cases, %d points, %s", order, b->nelem, b->ncases, npts,
                  thermal ? "thermal" : "no thermal strain");
    CHECK(ft_cpu_stress_batch(order, b->nelem, b->X, b->E, b->nu, b->alpha, b->ncases, b->ue, dTe, npts, lam, sc) == 0);
    CHECKF(ft_cuda_stress_batch(order, b->nelem, b->X, b->E, b->nu, b->alpha, b->ncases, b->ue, dTe, npts, lam, sg,
                                err, sizeof err) == 0,
           "%s", err);
    for (c = 0; c < nc; c++)
        for (e = 0; e < ne; e++) {
            const size_t ce = c * ne + e;
            double G[4][3], lmb, mu, gmax, usum = 0.0, tmax = 0.0;
            ft_tet_geometry((const double(*)[3])(b->X + 12 * e), G);
            gmax = maxabs(&G[0][0], 12);
            ft_iso_lame(b->E[e], b->nu[e], &lmb, &mu);
            for (i = 0; i < (size_t)(3 * n); i++) usum += fabs(b->ue[ce * 3 * n + i]);
            if (dTe) tmax = maxabs(dTe + ce * n, (size_t)n);
            scale[ce] = (fabs(lmb) + 2 * mu) * (4 * gmax * usum + 3 * b->alpha[e] * tmax);
        }
    compare("stress", sg, sc, nsig, scale, blk);
    CHECKF(canary_intact(sg, nsig, blk), "stresses past the end of the output were written");
    for (i = 0; i < nsig; i++) {
        const double r = fabs(sg[i] - sc[i]) / scale[i / blk];
        if (r > g_worst_stress) g_worst_stress = r;
    }
    free(sc);
    free(sg);
    free(scale);
}

/* ---------------------------------------------------------------- invalid arguments - */
static void check_invalid_arguments(void)
{
    Batch b;
    double lam[NPTS_MAX][4], K[900 * 2], sig[2 * 2 * 6];
    char err[512];
    batch_make(&b, 2, 2);
    make_points(lam);
    CHECK_CONTEXT("invalid arguments");
#define BAD(call, fragment)                                                                         \
    do {                                                                                            \
        err[0] = '\0';                                                                              \
        CHECKF((call) != 0, "%s returned 0", #call);                                                \
        CHECKF(err[0] != '\0', "no message from %s", #call);                                        \
        CHECK_CONTAINS(err, fragment);                                                              \
    } while (0)
    BAD(ft_cuda_stiffness_batch(0, 2, b.X, b.E, b.nu, K, err, sizeof err), "order");
    BAD(ft_cuda_stiffness_batch(3, 2, b.X, b.E, b.nu, K, err, sizeof err), "order");
    BAD(ft_cuda_stiffness_batch(2, -1, b.X, b.E, b.nu, K, err, sizeof err), "-1");
    BAD(ft_cuda_stiffness_batch(2, 2, NULL, b.E, b.nu, K, err, sizeof err), "NULL");
    BAD(ft_cuda_stiffness_batch(1, 2, b.X, b.E, b.nu, NULL, err, sizeof err), "NULL");
    BAD(ft_cuda_stiffness_batch_device(3, 2, NULL, NULL, NULL, NULL, err, sizeof err), "order");
    BAD(ft_cuda_stiffness_batch_device(1, -5, NULL, NULL, NULL, NULL, err, sizeof err), "nelem");
    BAD(ft_cuda_stress_batch(3, 2, b.X, b.E, b.nu, b.alpha, 2, b.ue, NULL, 1, &lam[0][0], sig, err, sizeof err), "order");
    BAD(ft_cuda_stress_batch(1, -1, b.X, b.E, b.nu, b.alpha, 2, b.ue, NULL, 1, &lam[0][0], sig, err, sizeof err), "-1");
    BAD(ft_cuda_stress_batch(1, 2, b.X, b.E, b.nu, b.alpha, -2, b.ue, NULL, 1, &lam[0][0], sig, err, sizeof err), "-2");
    BAD(ft_cuda_stress_batch(1, 2, b.X, b.E, b.nu, b.alpha, 2, b.ue, NULL, -3, &lam[0][0], sig, err, sizeof err), "-3");
    BAD(ft_cuda_stress_batch(1, 2, b.X, b.E, b.nu, b.alpha, 2, NULL, NULL, 1, &lam[0][0], sig, err, sizeof err), "NULL");
    BAD(ft_cuda_stress_batch(1, 2, b.X, b.E, b.nu, NULL, 2, b.ue, NULL, 1, &lam[0][0], sig, err, sizeof err), "NULL");
    BAD(ft_cuda_stress_batch(1, 2, b.X, b.E, b.nu, b.alpha, 2, b.ue, NULL, 1, NULL, sig, err, sizeof err), "NULL");
#undef BAD
    /* no room for a message: still an error, and nothing written anywhere */
    CHECK(ft_cuda_stiffness_batch(5, 2, b.X, b.E, b.nu, K, NULL, 0) != 0);
    CHECK(ft_cuda_stress_batch(5, 2, b.X, b.E, b.nu, b.alpha, 2, b.ue, NULL, 1, &lam[0][0], sig, NULL, 0) != 0);
    /* empty batches are successful no-ops, whatever the pointers */
    CHECK(ft_cuda_stiffness_batch(2, 0, NULL, NULL, NULL, NULL, err, sizeof err) == 0);
    CHECK(ft_cuda_stiffness_batch_device(2, 0, NULL, NULL, NULL, NULL, err, sizeof err) == 0);
    CHECK(ft_cuda_stress_batch(2, 0, NULL, NULL, NULL, NULL, 1, NULL, NULL, 1, NULL, NULL, err, sizeof err) == 0);
    CHECK(ft_cuda_stress_batch(2, 2, b.X, b.E, b.nu, b.alpha, 0, NULL, NULL, 1, &lam[0][0], NULL, err, sizeof err) == 0);
    CHECK(ft_cuda_stress_batch(2, 2, b.X, b.E, b.nu, b.alpha, 2, b.ue, NULL, 0, NULL, NULL, err, sizeof err) == 0);
    batch_free(&b);
}

#ifdef FT_CUDA_EMULATION
/* ---------------------------------------------------------------- injected faults --- */
/* Every cudaMalloc of each wrapper fails in turn, then its launch: non-zero, a message naming
 * the failed call, no crash, no leak (the sanitizer builds check that), and the next call works
 * and gives the CPU's result (no error left behind in the runtime). */
static void check_injected_failures(void)
{
    enum { NE = 70, NC = 2, NP = 3 };
    Batch b;
    double lam[NPTS_MAX][4];
    double *K = poisoned(900 * NE), *Kc = poisoned(900 * NE), *sig = poisoned(NC * NE * NP * 6),
           *sigc = poisoned(NC * NE * NP * 6), one = 1.0;
    char err[512];
    int k, thermal;
    batch_make(&b, NE, NC);
    make_points(lam);
    CHECK(ft_cpu_stiffness_batch(2, NE, b.X, b.E, b.nu, Kc) == 0);
    CHECK(ft_cpu_stress_batch(2, NE, b.X, b.E, b.nu, b.alpha, NC, b.ue, b.dTe, NP, &lam[0][0], sigc) == 0);
    /* stiffness: 4 device buffers (X, E, nu, Ke) */
    for (k = 1; k <= 4; k++) {
        CHECK_CONTEXT("stiffness, cudaMalloc %d of 4 fails", k);
        err[0] = '\0';
        ft_emu_fail_malloc(k);
        CHECK(ft_cuda_stiffness_batch(2, NE, b.X, b.E, b.nu, K, err, sizeof err) != 0);
        CHECK_CONTAINS(err, "cudaMalloc");
        CHECK_LONG(ft_emu_device_memory_used(), 0); /* what was allocated before is freed */
    }
    CHECK_CONTEXT("stiffness, launch fails");
    err[0] = '\0';
    ft_emu_fail_launch(1);
    CHECK(ft_cuda_stiffness_batch(2, NE, b.X, b.E, b.nu, K, err, sizeof err) != 0);
    CHECKF(err[0] != '\0', "no message");
    CHECK_LONG(ft_emu_device_memory_used(), 0);
    CHECK_CONTEXT("stiffness after the injected failures");
    CHECKF(ft_cuda_stiffness_batch(2, NE, b.X, b.E, b.nu, K, err, sizeof err) == 0, "%s", err);
    compare("stiffness after failures", K, Kc, (size_t)900 * NE, &one, (size_t)900 * NE * 2);
    /* stress: 7 device buffers, 8 with thermal strain (X, E, nu, alpha, ue, [dTe,] lam, sigma) */
    for (thermal = 0; thermal <= 1; thermal++)
        for (k = 1; k <= 7 + thermal; k++) {
            CHECK_CONTEXT("stress, cudaMalloc %d of %d fails", k, 7 + thermal);
            err[0] = '\0';
            ft_emu_fail_malloc(k);
            CHECK(ft_cuda_stress_batch(2, NE, b.X, b.E, b.nu, b.alpha, NC, b.ue, thermal ? b.dTe : NULL, NP,
                                       &lam[0][0], sig, err, sizeof err) != 0);
            CHECK_CONTAINS(err, "cudaMalloc");
            CHECK_LONG(ft_emu_device_memory_used(), 0);
        }
    CHECK_CONTEXT("stress, launch fails");
    err[0] = '\0';
    ft_emu_fail_launch(1);
    CHECK(ft_cuda_stress_batch(2, NE, b.X, b.E, b.nu, b.alpha, NC, b.ue, b.dTe, NP, &lam[0][0], sig, err, sizeof err) != 0);
    CHECKF(err[0] != '\0', "no message");
    CHECK_LONG(ft_emu_device_memory_used(), 0);
    CHECK_CONTEXT("stress after the injected failures");
    CHECKF(ft_cuda_stress_batch(2, NE, b.X, b.E, b.nu, b.alpha, NC, b.ue, b.dTe, NP, &lam[0][0], sig, err, sizeof err) == 0,
           "%s", err);
    {
        /* bitwise in emulation; the stress scale does not matter for that */
        const double big = 1e300;
        if (EXPECT_BITWISE) compare("stress after failures", sig, sigc, (size_t)NC * NE * NP * 6, &big, (size_t)NC * NE * NP * 6 * 2);
    }
    free(K);
    free(Kc);
    free(sig);
    free(sigc);
    batch_free(&b);
}

/* A small device memory: the wrappers split the work into many chunks (still the CPU's result,
 * bit for bit), and one too small for a single element is an error with a message. Run last: it
 * leaves the emulated device small. */
static void check_chunking(void)
{
    enum { NE = 1000, NC = 2 };
    Batch b;
    double lam[NPTS_MAX][4];
    double *K = poisoned((size_t)900 * NE), *Kc = poisoned((size_t)900 * NE);
    double *sig = poisoned((size_t)NC * NE * NPTS_MAX * 6), *sigc = poisoned((size_t)NC * NE * NPTS_MAX * 6);
    const double huge = 1e300;
    char err[512];
    batch_make(&b, NE, NC);
    make_points(lam);
    CHECK(ft_cpu_stiffness_batch(2, NE, b.X, b.E, b.nu, Kc) == 0);
    CHECK(ft_cpu_stress_batch(2, NE, b.X, b.E, b.nu, b.alpha, NC, b.ue, b.dTe, NPTS_MAX, &lam[0][0], sigc) == 0);
    /* 80% of 200 kB over 7.3 kB per P2 element: 21 elements per chunk, 48 chunks */
    ft_emu_set_device_memory(200000);
    CHECK_CONTEXT("P2 stiffness in chunks (200 kB of device memory)");
    CHECKF(ft_cuda_stiffness_batch(2, NE, b.X, b.E, b.nu, K, err, sizeof err) == 0, "%s", err);
    if (EXPECT_BITWISE) compare("chunked stiffness", K, Kc, (size_t)900 * NE, &huge, (size_t)900 * NE * 2);
    CHECK_CONTEXT("P2 stress in chunks (200 kB of device memory)");
    CHECKF(ft_cuda_stress_batch(2, NE, b.X, b.E, b.nu, b.alpha, NC, b.ue, b.dTe, NPTS_MAX, &lam[0][0], sig, err, sizeof err) == 0,
           "%s", err);
    if (EXPECT_BITWISE) compare("chunked stress", sig, sigc, (size_t)NC * NE * NPTS_MAX * 6, &huge, (size_t)NC * NE * NPTS_MAX * 6 * 2);
    /* less than one element: P2 stiffness needs 7.3 kB, the stress here 2.2 kB per element */
    ft_emu_set_device_memory(1024);
    CHECK_CONTEXT("too little device memory");
    err[0] = '\0';
    CHECK(ft_cuda_stiffness_batch(2, NE, b.X, b.E, b.nu, K, err, sizeof err) != 0);
    CHECK_CONTAINS(err, "memory");
    err[0] = '\0';
    CHECK(ft_cuda_stress_batch(2, NE, b.X, b.E, b.nu, b.alpha, NC, b.ue, b.dTe, NPTS_MAX, &lam[0][0], sig, err, sizeof err) != 0);
    CHECK_CONTAINS(err, "memory");
    free(K);
    free(Kc);
    free(sig);
    free(sigc);
    batch_free(&b);
}
#endif

int main(void)
{
    static const int counts[] = {0, 1, 31, 32, 33, 63, 64, 65, 1000};
    /* FT_CONFORMANCE_SMALL=1 (bench/gpu/prove.sh under compute-sanitizer, which slows kernels
     * down 10-100x): the warp and block edges only, without the 1000-element batch */
    const char *small = getenv("FT_CONFORMANCE_SMALL");
    const int ncounts = (int)(sizeof counts / sizeof counts[0]) - (small && *small && *small != '0' ? 1 : 0);
    double lam[NPTS_MAX][4];
    char desc[512];
    int order, ic, nc, thermal;
    if (ft_cuda_device_count() == 0) {
        printf("conformance_elements: no CUDA device visible: skipped\n");
        return 77;
    }
    ft_cuda_describe(desc, sizeof desc);
    printf("conformance_elements on %s (%s)\n", desc,
           EXPECT_BITWISE ? "expecting bit-identical results" : "tolerance 1e-13 x entry scale");
    make_points(lam);
    for (ic = 0; ic < ncounts; ic++)
        for (nc = 1; nc <= 2; nc++) {
            Batch b;
            batch_make(&b, counts[ic], nc);
            for (order = 1; order <= 2; order++) {
                if (nc == 1) check_stiffness(order, &b);
                for (thermal = 0; thermal <= 1; thermal++) {
                    check_stress(order, &b, thermal, 1, &lam[0][0]);
                    check_stress(order, &b, thermal, NPTS_MAX, &lam[0][0]);
                }
            }
            batch_free(&b);
        }
    check_invalid_arguments();
#ifdef FT_CUDA_EMULATION
    check_injected_failures();
    check_chunking();
#endif
    printf("worst |gpu - cpu| / entry scale: stiffness %.3g, stress %.3g (tolerance %s)\n", g_worst_stiff,
           g_worst_stress, EXPECT_BITWISE ? "0: bit-identical" : "1e-13");
    return check_summary();
}
