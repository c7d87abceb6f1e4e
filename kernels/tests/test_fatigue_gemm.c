/* Unit tests of ft_cpu_fatigue_batch_gemm (kernels/cpu/ft_cpu_fatigue.c): the fatigue hot
 * loop with the stress history of a block of nodes formed by BLAS dgemm / sgemm, checked
 * against the fused loop ft_cpu_fatigue_batch. Checks: kernels/tests/check.h.
 *
 * Build and run (from the repository root):
 *   gcc -std=c11 -O2 -Wall -Wextra -Werror -Ikernels -Itests/unit kernels/tests/test_fatigue_gemm.c \
 *       kernels/cpu/ft_cpu_fatigue.c kernels/cpu/ft_cpu_fatigue_simd.c -lblas -lm -o /tmp/test_fatigue_gemm && /tmp/test_fatigue_gemm
 *
 * What is checked:
 *  1. dgemm vs fused, random S and L (3 and 6 channels, all four equivalent kinds, a node
 *     stride ld > nnodes, node counts and step counts that are not multiples of the internal
 *     block / chunk sizes, the whole call and several node x time chunkings of the caller):
 *     per (node, channel) equal cycle counts and damage relative difference <= 1e-12 where
 *     damage > 1e-300. The two paths sum sigma = sum_k S_k L_k in the same k order; they
 *     can differ only by the rounding of that sum inside BLAS (an FMA or a split sum in an
 *     optimised BLAS; Debian's reference BLAS gives the same bits). A rounding difference
 *     could change the counting only if two computed ranges (or two samples) tied to within
 *     a few ulps: on random continuous inputs that has probability ~1e-13 per comparison,
 *     and the fixed seeds below have none.
 *  2. sgemm vs dgemm on a history WITHOUT near-ties (construction in sidon_history): equal
 *     cycle counts per (node, channel) and damage relative difference <= 5e-5. Measured
 *     (printed): <= 2.7e-7 for the signed von Mises / max principal kinds, 1.5e-5 for
 *     critical-plane channels, whose normal stress may be as small as 1e-2 of the summed
 *     terms (float rounding u = 6e-8 of the terms, x 100 relative to the sample, x 3 = the
 *     S-N slope in the damage: ~2e-5). On random histories: 0 cycle counts differ and the
 *     damage differs by <= 9.2e-7 with these seeds (bound 1e-5); there float rounding could
 *     flip a near-tie decision of the counting (not seen), and the difference must be > 0
 *     (single precision really is used).
 *  3. Argument errors, as documented in kernels/ft_fatigue_batch.h.
 * The last line is "N passed, N failed"; the exit status is non-zero if anything failed. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ft_equivalent.h"
#include "ft_fatigue_batch.h"
#include "ft_rainflow.h"
#include "ft_sn.h"
#define CHECK_RNG_SEED 88172645463325252ULL
#include "check.h"

/* ---------------------------------------------------------------- inputs --------------- */

/* S355J2 as in inputs/materials.yaml (EN 1993-1-9 detail 71: knee at 5e6 cycles, cut-off
 * at 1e8), Goodman; and a plain Basquin curve without endurance limit (damage continuous in
 * the amplitude: no cut-off a rounding could switch on or off). */
static FtFatigueParams params(int basquin)
{
    FtFatigueParams p;
    memset(&p, 0, sizeof p);
    if (basquin) ft_sn_init_basquin(&p.sn, 35.5e6, 2.0e6, 3.0, 0.0);
    else ft_sn_init_knee(&p.sn, 35.5e6, 2.0e6, 3.0, 26.15662364e6, 5.0, 0, 14.36731734e6);
    p.msc = FT_MSC_GOODMAN;
    p.mean_compr = FT_MEAN_COMPR_ZERO;
    p.S_u = 470e6;
    p.S_y = 355e6;
    return p;
}

/* S [nchan][ld][6]: unit stresses, uniform in +-40 MPa (nodes >= nnodes of the stride are
 * filled too, with values that must never be read: NaN). */
static void random_S(int nnodes, int ld, int nchan, double *S)
{
    int k, i, c;
    for (k = 0; k < nchan; k++)
        for (i = 0; i < ld; i++)
            for (c = 0; c < 6; c++)
                S[((size_t)k * ld + i) * 6 + c] = i < nnodes ? 40e6 * (2.0 * urand() - 1.0) : NAN;
}

/* L [nsteps][nchan]: per channel a mean, a slow sinusoid and uniform noise, |L| < ~1 */
static void random_L(int nsteps, int nchan, double *L)
{
    int t, k;
    for (k = 0; k < nchan; k++) {
        const double mean = 0.3 * (2.0 * urand() - 1.0), amp = 0.4 * urand();
        const double per = 20.0 + 200.0 * urand(), ph = 6.283185307179586 * urand();
        for (t = 0; t < nsteps; t++)
            L[(size_t)t * nchan + k] =
                mean + amp * sin(6.283185307179586 * t / per + ph) + 0.3 * (2.0 * urand() - 1.0);
    }
}

/* ---------------------------------------------------------------- runners -------------- */
/* Result of one counting: per (node, channel) the finished damage and cycle count. */
typedef struct {
    double *D, *cyc;
} Result;

enum { PATH_FUSED, PATH_GEMM_D, PATH_GEMM_S };

/* Counts nodes [0, nnodes) over the whole history with the given path, the caller's work
 * split into node chunks (nodeparts: boundaries, ascending, ending at nnodes) and time
 * chunks (tparts, ending at nsteps); returns the first non-zero return code. */
static int run_path(int path, int nnodes, int ld, int nchan, const double *S, int nsteps,
                    const double *L, int kind, const FtFatigueParams *par, const int *nodeparts,
                    const int *tparts, Result *r)
{
    const int nc = ft_equivalent_channels(kind);
    const size_t n = (size_t)nnodes * nc;
    FtRainflowState *rf = malloc(n * sizeof *rf);
    FtDamageAcc *acc = malloc(n * sizeof *acc);
    int rc = 0, a, b, i0, i1, t0, t1;
    size_t m;
    ft_cpu_fatigue_init((int)n, 0.0, rf, acc);
    for (a = 0, i0 = 0; i0 < nnodes; i0 = i1, a++) {
        i1 = nodeparts[a];
        for (b = 0, t0 = 0; t0 < nsteps; t0 = t1, b++) {
            const double *Sc = S + 6 * (size_t)i0, *Lc = L + (size_t)t0 * nchan;
            FtRainflowState *rfc = rf + (size_t)i0 * nc;
            FtDamageAcc *accc = acc + (size_t)i0 * nc;
            int e;
            t1 = tparts[b];
            if (path == PATH_FUSED)
                e = ft_cpu_fatigue_batch(i1 - i0, ld, nchan, Sc, t1 - t0, Lc, kind, par, rfc, accc);
            else
                e = ft_cpu_fatigue_batch_gemm(i1 - i0, ld, nchan, Sc, t1 - t0, Lc, kind, par,
                                              path == PATH_GEMM_S, rfc, accc);
            if (e && !rc) rc = e;
        }
    }
    for (m = 0; m < n; m++) {
        FtDamageAcc snap = acc[m];
        ft_rf_finish(rf + m, par, &snap);
        r->D[m] = ft_damage_value(&snap);
        r->cyc[m] = snap.cycles;
    }
    free(rf);
    free(acc);
    return rc;
}

/* Compares two results: number of (node, channel) with different cycle counts, the largest
 * relative damage difference where either damage > 1e-300, the number of NaN damages and
 * the number of nonzero damages (ok[] != NULL: only where ok[m]). */
typedef struct {
    int cyc_differ, nan, nonzero, compared;
    double max_rel;
} Cmp;

static Cmp compare(const Result *x, const Result *y, size_t n, const unsigned char *ok)
{
    Cmp c;
    size_t m;
    memset(&c, 0, sizeof c);
    for (m = 0; m < n; m++) {
        const double a = x->D[m], b = y->D[m];
        if (ok && !ok[m]) continue;
        c.compared++;
        if (x->cyc[m] != y->cyc[m]) c.cyc_differ++;
        if (a != a || b != b) {
            c.nan++;
            continue;
        }
        if (fabs(a) > 1e-300 || fabs(b) > 1e-300) {
            const double rel = fabs(a - b) / fmax(fabs(a), fabs(b));
            c.nonzero++;
            if (rel > c.max_rel) c.max_rel = rel;
        }
    }
    return c;
}

static Result result_alloc(size_t n)
{
    Result r;
    r.D = calloc(n, sizeof *r.D);
    r.cyc = calloc(n, sizeof *r.cyc);
    return r;
}

static void result_free(Result *r)
{
    free(r->D);
    free(r->cyc);
}

static const char *kind_name(int kind)
{
    static const char *names[] = {"signed_von_mises", "signed_von_mises_trace",
                                  "max_principal", "critical_plane"};
    return names[kind];
}

/* ---------------------------------------------------------------- 1. dgemm vs fused ---- */
static void test_double_vs_fused(void)
{
    /* 150 nodes = 2 full internal blocks (64) + 22; 700 steps = 2 chunks (256) + 188 */
    enum { NN = 150, LD = 157, NT = 700 };
    const int nchans[2] = {3, 6};
    const int whole_n[1] = {NN}, whole_t[1] = {NT};
    const int split_n[3] = {37, 101, NN}, split_t[4] = {1, 100, 433, NT};
    const int fine_n[5] = {1, 2, 66, 130, NN}, fine_t[3] = {255, 257, NT};
    const FtFatigueParams par = params(0);
    int q, kind;
    for (q = 0; q < 2; q++) {
        const int nchan = nchans[q];
        double *S = malloc(sizeof *S * (size_t)nchan * LD * 6);
        double *L = malloc(sizeof *L * (size_t)NT * nchan);
        random_S(NN, LD, nchan, S);
        random_L(NT, nchan, L);
        for (kind = 0; kind < 4; kind++) {
            const size_t n = (size_t)NN * ft_equivalent_channels(kind);
            Result ref = result_alloc(n), g = result_alloc(n);
            Cmp c;
            int rc;
            CHECK_CONTEXT("nchan %d, %s, fused", nchan, kind_name(kind));
            rc = run_path(PATH_FUSED, NN, LD, nchan, S, NT, L, kind, &par, whole_n, whole_t, &ref);
            CHECK(rc == 0);
            /* the chunkings: whole call, coarse split, a split at the block / chunk edges */
            {
                const int *np[3] = {whole_n, split_n, fine_n}, *tp[3] = {whole_t, split_t, fine_t};
                int s;
                for (s = 0; s < 3; s++) {
                    CHECK_CONTEXT("nchan %d, %s, dgemm, chunking %d", nchan, kind_name(kind), s);
                    rc = run_path(PATH_GEMM_D, NN, LD, nchan, S, NT, L, kind, &par, np[s], tp[s], &g);
                    CHECK(rc == 0);
                    c = compare(&ref, &g, n, NULL);
                    CHECK(c.cyc_differ == 0);
                    CHECK(c.nan == 0);
                    CHECK(c.max_rel <= 1e-12);
                    /* the inputs must exercise the damage (not all cycles below the cut-off) */
                    CHECK(c.nonzero >= (int)(n / 10));
                    if (s == 0)
                        printf("dgemm vs fused, nchan %d, %-22s: %d (node, channel) with damage "
                               "> 0, max rel diff %.3g, cycle counts differ: %d\n",
                               nchan, kind_name(kind), c.nonzero, c.max_rel, c.cyc_differ);
                }
            }
            result_free(&ref);
            result_free(&g);
        }
        free(S);
        free(L);
    }
}

/* ---------------------------------------------------------------- 2. sgemm vs dgemm ---- */
/* A history without near-ties. With L(t) = a(t) v (one fixed vector v of channel factors)
 * the stress is sigma_i(t) = a(t) s_i, s_i = sum_k S_k(i) v_k, and every equivalent stress
 * used here is then e_j(t) = a(t) c_j with c_j = e_j(s_i) (all are odd and positively
 * homogeneous of degree 1 in sigma, away from their sign ties). The a(t) are drawn from a
 * Sidon set (Mian-Chowla sequence 1, 2, 4, 8, 13, 21, ...: all differences of two members
 * are distinct), so any two samples differ by >= 1 unit of a unless they are the same
 * member, and any two ranges |a(t) - a(t')| differ by >= 1 unit unless they join the same
 * two members, in which case they are computed from identical values and tie exactly in
 * float as in double (equal L rows give equal sums). Every comparison of the counting
 * (reversal filter, X >= Y of the rainflow stack) is thus decided by a margin of >= 1 unit
 * of a (1/238 of the largest |a|), while single precision perturbs the samples by ~6e-8
 * relative to the summed terms: the float and double counts are the same cycles, provided
 * |c_j| is not tiny against those terms and the node is not near a sign tie of its
 * equivalent stress (p1 + p3 ~ 0, trace ~ 0): such (node, channel) are excluded by
 * well_conditioned (a few per cent of random tensors). Consecutive equal members are
 * avoided (a flat step is no decision either, but keeps the history busy). */
static int sidon_history(int nsteps, int nchan, double *L, double *v)
{
    int members[24], nm = 0, t, k, prev = -1;
    while (nm < 20) { /* Mian-Chowla: the next integer keeping all differences distinct */
        int x = nm ? members[nm - 1] + 1 : 1, ok = 0;
        while (!ok) {
            int a, b, c;
            ok = 1;
            for (a = 0; a < nm && ok; a++) /* x - members[a] vs every existing difference */
                for (b = 0; b < nm && ok; b++)
                    for (c = 0; c < b && ok; c++)
                        if (x - members[a] == members[b] - members[c]) ok = 0;
            if (!ok) x++;
        }
        members[nm++] = x;
    }
    for (k = 0; k < nchan; k++) v[k] = 0.5 + urand();
    for (t = 0; t < nsteps; t++) {
        int j;
        double a;
        do j = (int)(urand() * nm);
        while (j == prev);
        prev = j;
        a = (members[j] - 0.5 * (members[0] + members[nm - 1])) /
            (0.5 * (members[nm - 1] - members[0])); /* in [-1, 1] */
        for (k = 0; k < nchan; k++) L[(size_t)t * nchan + k] = a * v[k];
    }
    return members[nm - 1] - members[0];
}

/* (node i, channel j) is away from ties of the float computation (see above): the sign of
 * the equivalent stress of s is decided with a margin (|p1 + p3| >= 1e-2 (p1 - p3), and
 * |trace| >= 1e-2 sigma_vm), and |c_j| >= 1e-2 x the sum of |terms|. */
static int well_conditioned(const double s[6], double sumabs, int kind, int j)
{
    double pr[3], e[FT_CP_NPLANES];
    const double vm = ft_von_mises(s);
    ft_principal_stresses(s, pr);
    if (fabs(pr[0] + pr[2]) < 1e-2 * (pr[0] - pr[2])) return 0;
    if (fabs(s[0] + s[1] + s[2]) < 1e-2 * vm) return 0;
    ft_equivalent_stress(kind, s, e);
    return fabs(e[j]) >= 1e-2 * sumabs;
}

static void test_single_vs_double(void)
{
    enum { NN = 150, LD = 150, NT = 700 };
    const int nchans[2] = {3, 6};
    const int whole_n[1] = {NN}, whole_t[1] = {NT};
    const int split_n[3] = {37, 101, NN}, split_t[4] = {1, 100, 433, NT};
    const FtFatigueParams basq = params(1);
    double worst_sidon = 0.0, worst_random = 0.0;
    int q, kind;
    for (q = 0; q < 2; q++) {
        const int nchan = nchans[q];
        double *S = malloc(sizeof *S * (size_t)nchan * LD * 6);
        double *L = malloc(sizeof *L * (size_t)NT * nchan);
        double *Lr = malloc(sizeof *Lr * (size_t)NT * nchan);
        double v[FT_FATIGUE_MAX_CHANNELS];
        random_S(NN, LD, nchan, S);
        sidon_history(NT, nchan, L, v);
        random_L(NT, nchan, Lr);
        for (kind = 0; kind < 4; kind++) {
            const int nc = ft_equivalent_channels(kind);
            const size_t n = (size_t)NN * nc;
            Result d = result_alloc(n), f = result_alloc(n), f2 = result_alloc(n);
            unsigned char *ok = calloc(n, 1);
            int i, j, c, k, nok = 0;
            Cmp cm;
            for (i = 0; i < NN; i++) { /* s_i = sum_k S_k(i) v_k and the sum of |terms| */
                double s[6], sumabs = 0.0;
                for (c = 0; c < 6; c++) {
                    s[c] = 0.0;
                    for (k = 0; k < nchan; k++) {
                        s[c] += S[((size_t)k * LD + i) * 6 + c] * v[k];
                        sumabs += fabs(S[((size_t)k * LD + i) * 6 + c] * v[k]);
                    }
                }
                for (j = 0; j < nc; j++) {
                    ok[(size_t)i * nc + j] = (unsigned char)well_conditioned(s, sumabs / 6.0, kind, j);
                    nok += ok[(size_t)i * nc + j];
                }
            }
            CHECK_CONTEXT("nchan %d, %s: Sidon history", nchan, kind_name(kind));
            CHECK(nok >= (int)(0.6 * n)); /* the exclusion must stay the exception */
            CHECK(run_path(PATH_GEMM_D, NN, LD, nchan, S, NT, L, kind, &basq, whole_n, whole_t, &d) == 0);
            CHECK(run_path(PATH_GEMM_S, NN, LD, nchan, S, NT, L, kind, &basq, whole_n, whole_t, &f) == 0);
            CHECK(run_path(PATH_GEMM_S, NN, LD, nchan, S, NT, L, kind, &basq, split_n, split_t, &f2) == 0);
            cm = compare(&d, &f, n, ok);
            CHECK(cm.cyc_differ == 0);
            CHECK(cm.nan == 0);
            CHECK(cm.nonzero == cm.compared); /* Basquin without limit: every cycle counts */
            CHECK(cm.max_rel <= 5e-5);
            if (cm.max_rel > worst_sidon) worst_sidon = cm.max_rel;
            printf("sgemm vs dgemm, Sidon history, nchan %d, %-22s: %d of %d (node, channel) "
                   "compared, max rel damage diff %.3g, cycle counts differ: %d\n",
                   nchan, kind_name(kind), cm.compared, (int)n, cm.max_rel, cm.cyc_differ);
            cm = compare(&f, &f2, n, NULL); /* single: chunking changes nothing */
            CHECK(cm.cyc_differ == 0);
            CHECK(cm.max_rel <= 1e-12);

            /* random history: measured, loosely bounded, and single must differ from double */
            CHECK_CONTEXT("nchan %d, %s: random history", nchan, kind_name(kind));
            CHECK(run_path(PATH_GEMM_D, NN, LD, nchan, S, NT, Lr, kind, &basq, whole_n, whole_t, &d) == 0);
            CHECK(run_path(PATH_GEMM_S, NN, LD, nchan, S, NT, Lr, kind, &basq, whole_n, whole_t, &f) == 0);
            cm = compare(&d, &f, n, NULL);
            CHECK(cm.nan == 0);
            CHECK(cm.max_rel > 0.0);
            CHECK(cm.max_rel <= 1e-5);
            if (cm.max_rel > worst_random) worst_random = cm.max_rel;
            printf("sgemm vs dgemm, random history, nchan %d, %-22s: max rel damage diff %.3g, "
                   "cycle counts differ at %d of %d\n",
                   nchan, kind_name(kind), cm.max_rel, cm.cyc_differ, (int)n);
            result_free(&d);
            result_free(&f);
            result_free(&f2);
            free(ok);
        }
        free(S);
        free(L);
        free(Lr);
    }
    printf("single vs double: largest relative damage difference %.3g (Sidon histories, no "
           "near-ties), %.3g (random histories)\n",
           worst_sidon, worst_random);
}

/* ---------------------------------------------------------------- 3. argument errors --- */
static void test_arguments(void)
{
    const FtFatigueParams par = params(0);
    FtFatigueParams bad = par;
    double S[2 * 4 * 6], L[3 * 2];
    FtRainflowState rf[4];
    FtDamageAcc acc[4];
    int s, m;
    memset(S, 0, sizeof S);
    for (m = 0; m < 6; m++) L[m] = 1.0 + m;
    for (m = 0; m < 2 * 4 * 6; m++) S[m] = 1e6 * m;
    bad.sn.m = -3.0; /* non-physical slope: ft_fatigue_validate fails */
    ft_cpu_fatigue_init(4, 0.0, rf, acc);
    for (s = 0; s < 2; s++) {
        CHECK_CONTEXT("single %d", s);
        CHECK(ft_cpu_fatigue_batch_gemm(-1, 4, 2, S, 3, L, 0, &par, s, rf, acc) == FT_BATCH_EARGS);
        CHECK(ft_cpu_fatigue_batch_gemm(4, 4, 2, S, -1, L, 0, &par, s, rf, acc) == FT_BATCH_EARGS);
        CHECK(ft_cpu_fatigue_batch_gemm(4, 3, 2, S, 3, L, 0, &par, s, rf, acc) == FT_BATCH_EARGS);
        CHECK(ft_cpu_fatigue_batch_gemm(4, 4, 0, S, 3, L, 0, &par, s, rf, acc) == FT_BATCH_EARGS);
        CHECK(ft_cpu_fatigue_batch_gemm(4, 4, FT_FATIGUE_MAX_CHANNELS + 1, S, 3, L, 0, &par, s,
                                        rf, acc) == FT_BATCH_EARGS);
        CHECK(ft_cpu_fatigue_batch_gemm(4, 4, 2, S, 3, L, 99, &par, s, rf, acc) == FT_BATCH_EARGS);
        CHECK(ft_cpu_fatigue_batch_gemm(4, 4, 2, NULL, 3, L, 0, &par, s, rf, acc) == FT_BATCH_EARGS);
        CHECK(ft_cpu_fatigue_batch_gemm(4, 4, 2, S, 3, NULL, 0, &par, s, rf, acc) == FT_BATCH_EARGS);
        CHECK(ft_cpu_fatigue_batch_gemm(4, 4, 2, S, 3, L, 0, NULL, s, rf, acc) == FT_BATCH_EARGS);
        CHECK(ft_cpu_fatigue_batch_gemm(4, 4, 2, S, 3, L, 0, &par, s, NULL, acc) == FT_BATCH_EARGS);
        CHECK(ft_cpu_fatigue_batch_gemm(4, 4, 2, S, 3, L, 0, &par, s, rf, NULL) == FT_BATCH_EARGS);
        /* BLAS dimensions are int: the leading dimension 6 ld must fit */
        CHECK(ft_cpu_fatigue_batch_gemm(1, INT_MAX / 6 + 1, 2, S, 3, L, 0, &par, s, rf, acc) ==
              FT_BATCH_EARGS);
        CHECK(ft_cpu_fatigue_batch_gemm(4, 4, 2, S, 3, L, 0, &bad, s, rf, acc) == FT_BATCH_EPARAMS);
        /* nothing to do: success, and the states stay untouched (still empty) */
        CHECK(ft_cpu_fatigue_batch_gemm(0, 4, 2, S, 3, L, 0, &par, s, rf, acc) == FT_BATCH_OK);
        CHECK(ft_cpu_fatigue_batch_gemm(4, 4, 2, S, 0, L, 0, &par, s, rf, acc) == FT_BATCH_OK);
        CHECK(ft_cpu_fatigue_batch_gemm(0, 0, 2, NULL, 0, NULL, 0, NULL, s, NULL, NULL) == FT_BATCH_OK);
        for (m = 0; m < 4; m++) CHECK(rf[m].rev.started == 0 && rf[m].n == 0 && acc[m].cycles == 0.0);
        /* a valid call does count (3 samples pushed into each node's state) */
        CHECK(ft_cpu_fatigue_batch_gemm(4, 4, 2, S, 3, L, 0, &par, s, rf, acc) == FT_BATCH_OK);
        for (m = 0; m < 4; m++) CHECK(rf[m].rev.started == 1);
        ft_cpu_fatigue_init(4, 0.0, rf, acc);
    }
}

int main(void)
{
    test_double_vs_fused();
    test_single_vs_double();
    test_arguments();
    return check_summary();
}
