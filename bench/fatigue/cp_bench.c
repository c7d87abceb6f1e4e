/* ftwin fatigue benchmark: the critical plane (25 planes) by coefficients (today's
 * ft_cpu_fatigue_batch) against the former direct loop, in the same run, one core.
 *
 *   gcc -O2 -std=c11 -Ikernels bench/fatigue/cp_bench.c kernels/cpu/ft_cpu_fatigue.c kernels/cpu/ft_cpu_fatigue_simd.c \
 *       -lblas -lm -o /tmp/cp_bench && /tmp/cp_bench [NODES] [STEPS] [NCHAN] [REPEATS] [PLANES]
 *
 * With the former kernel itself (ft_cpu_fatigue.c of a commit before the coefficients, its
 * global symbols renamed old_*; bench/fatigue/cp_bench.sh does all this):
 *   git archive 6009e54 kernels | tar -x -C /tmp/cp_old; cd /tmp/cp_old
 *   gcc -O2 -std=c11 -c -Ikernels kernels/cpu/ft_cpu_fatigue.c -o old.o
 *   nm --defined-only -g old.o | awk '{print $3" old_"$3}' > redef.txt
 *   objcopy --redefine-syms=redef.txt old.o old_renamed.o
 *   gcc -O2 -std=c11 -DCP_BENCH_OLD_KERNEL -Ikernels bench/fatigue/cp_bench.c \
 *       kernels/cpu/ft_cpu_fatigue.c kernels/cpu/ft_cpu_fatigue_simd.c /tmp/cp_old/old_renamed.o -lblas -lm -o /tmp/cp_bench
 *
 * Inputs (synthetic, deterministic): unit stresses uniform in [-100, 100] MPa per component,
 * NCHAN load channels (default 6, as the end-to-end benchmark), each a sine, a faster sine
 * and a random walk (the dense noisy kind of history of bench/fatigue/README.md: ~0.2 counted
 * cycles per node-step and plane), stresses of some 10-100 MPa. S355J2 knee curve with its
 * cut-off and Goodman, as stage_bench.c.
 * Paths, each timed as CPU time of this process (other jobs share the machine), best of
 * REPEATS, interleaved (old, new, old, new, ...):
 *   old      the former fatigue_node loop: sigma = sum_k S_k L_k(t), then n_j^T sigma n_j and
 *            ft_rf_push for each plane (a copy of the code before the coefficients, compiled
 *            in this file: its inlining may differ from the kernel's)
 *   old-k    (with -DCP_BENCH_OLD_KERNEL) the former ft_cpu_fatigue_batch itself
 *   new      ft_cpu_fatigue_batch (coefficients, planes in lockstep)
 *   old-eq   old without the counting (superposition + 25 normal stresses, summed)
 *   new-eq   new without the counting (coefficients x loads, summed)
 * and checks that old and new count the same cycles and damage (max relative difference). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ft_fatigue_batch.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static unsigned long long g_rng = 0x9E3779B97F4A7C15ull;
static double urand(void)
{
    g_rng ^= g_rng >> 12;
    g_rng ^= g_rng << 25;
    g_rng ^= g_rng >> 27;
    return (double)((g_rng * 2685821657736338717ull) >> 11) * (1.0 / 9007199254740992.0);
}

static int nn, nchan, T, np;
static double *S, *L;
static volatile double sink;

/* the former loop of kernels/cpu/ft_cpu_fatigue.c (fatigue_node, critical plane) */
static void old_node(int i, int count, FtRainflowState *rf, FtDamageAcc *acc,
                     const FtFatigueParams *par, const double (*nrm)[3], double *chk)
{
    double Sk[FT_FATIGUE_MAX_CHANNELS][6], sig[6];
    int k, c, t, j;
    for (k = 0; k < nchan; k++)
        for (c = 0; c < 6; c++) Sk[k][c] = S[((size_t)k * nn + i) * 6 + c];
    for (t = 0; t < T; t++) {
        const double *l = L + (size_t)t * nchan;
        for (c = 0; c < 6; c++) sig[c] = Sk[0][c] * l[0];
        for (k = 1; k < nchan; k++)
            for (c = 0; c < 6; c++) sig[c] += Sk[k][c] * l[k];
        if (count)
            for (j = 0; j < np; j++) ft_rf_push(rf + j, ft_normal_stress(sig, nrm[j]), par, acc + j);
        else
            for (j = 0; j < np; j++) *chk += ft_normal_stress(sig, nrm[j]);
    }
}

static double run_old(int count, FtRainflowState *rf, FtDamageAcc *acc, const FtFatigueParams *par)
{
    double nrm[FT_CP_MAX_PLANES][3], chk = 0.0, t0;
    int i, j;
    for (j = 0; j < np; j++) ft_cp_normal(np, j, nrm[j]);
    ft_cpu_fatigue_init(nn * np, 0.0, rf, acc);
    t0 = now();
    for (i = 0; i < nn; i++)
        old_node(i, count, rf + (size_t)i * np, acc + (size_t)i * np, par,
                 (const double(*)[3])nrm, &chk);
    sink = chk;
    return now() - t0;
}

static double run_new_eq(void)
{
    double nrm[FT_CP_MAX_PLANES][3], e[FT_CP_MAX_PLANES], chk = 0.0, t0;
    double *C = malloc(sizeof *C * (size_t)nchan * np);
    int i, j, k, t;
    for (j = 0; j < np; j++) ft_cp_normal(np, j, nrm[j]);
    t0 = now();
    for (i = 0; i < nn; i++) {
        for (k = 0; k < nchan; k++)
            ft_cp_coefficients(S + ((size_t)k * nn + i) * 6, np, (const double(*)[3])nrm,
                               C + (size_t)k * np);
        for (t = 0; t < T; t++) {
            ft_cp_normal_stresses(nchan, np, C, np, L + (size_t)t * nchan, e);
            for (j = 0; j < np; j++) chk += e[j];
        }
    }
    sink = chk;
    free(C);
    return now() - t0;
}

#ifdef CP_BENCH_OLD_KERNEL
int old_ft_cpu_fatigue_batch(int nnodes, int ld, int nchan, const double *S, int nsteps,
                             const double *L, int eq_kind, const FtFatigueParams *par,
                             FtRainflowState *rf, FtDamageAcc *acc);
static double run_old_kernel(FtRainflowState *rf, FtDamageAcc *acc, const FtFatigueParams *par)
{
    double t0;
    ft_cpu_fatigue_init(nn * np, 0.0, rf, acc);
    t0 = now();
    old_ft_cpu_fatigue_batch(nn, nn, nchan, S, T, L, FT_EQ_CRITICAL_PLANE, par, rf, acc);
    return now() - t0;
}
#endif

static double run_new(FtRainflowState *rf, FtDamageAcc *acc, const FtFatigueParams *par)
{
    double t0;
    ft_cpu_fatigue_init(nn * np, 0.0, rf, acc);
    t0 = now();
    ft_cpu_fatigue_batch(nn, nn, nchan, S, T, L, ft_eq_critical_plane(np), par, rf, acc);
    return now() - t0;
}

int main(int argc, char **argv)
{
    const int R = argc > 4 ? atoi(argv[4]) : 3;
    FtFatigueParams par;
    FtRainflowState *rf, *rf2;
    FtDamageAcc *acc, *acc2;
    double best[5] = {1e30, 1e30, 1e30, 1e30, 1e30}, maxrel = 0.0, cyc = 0.0;
    long cycdiff = 0;
    int r, i, k, t;
    nn = argc > 1 ? atoi(argv[1]) : 200;
    T = argc > 2 ? atoi(argv[2]) : 20000;
    nchan = argc > 3 ? atoi(argv[3]) : 6;
    np = argc > 5 ? atoi(argv[5]) : 25;
    if (nn < 1 || T < 1 || nchan < 1 || nchan > FT_FATIGUE_MAX_CHANNELS || !ft_cp_valid_count(np)) {
        fprintf(stderr, "usage: cp_bench [NODES] [STEPS] [NCHAN 1..64] [REPEATS] [PLANES]\n");
        return 2;
    }
    S = malloc(sizeof *S * (size_t)nchan * nn * 6);
    L = malloc(sizeof *L * (size_t)T * nchan);
    rf = malloc(sizeof *rf * (size_t)nn * np);
    rf2 = malloc(sizeof *rf2 * (size_t)nn * np);
    acc = malloc(sizeof *acc * (size_t)nn * np);
    acc2 = malloc(sizeof *acc2 * (size_t)nn * np);
    for (i = 0; i < nchan * nn * 6; i++) S[i] = 100e6 / 1e3 * (2.0 * urand() - 1.0); /* 0.1 MPa/unit */
    for (k = 0; k < nchan; k++) {
        double walk = 0.0;
        for (t = 0; t < T; t++) {
            walk = 0.98 * walk + 0.2 * (urand() - 0.5);
            L[(size_t)t * nchan + k] = 1e3 * (sin(0.013 * (k + 1) * t + k) + 0.3 * sin(0.171 / (k + 1) * t) + walk);
        }
    }
    /* S355J2 as stage_bench.c (inputs/materials.yaml): EN 1993-1-9 detail 71, knee at 5e6,
     * cut-off at 1e8 cycles, Goodman */
    memset(&par, 0, sizeof par);
    ft_sn_init_knee(&par.sn, 35.5e6, 2.0e6, 3.0, 26.15662364e6, 5.0, 0, 14.36731734e6);
    par.msc = FT_MSC_GOODMAN;
    par.mean_compr = FT_MEAN_COMPR_ZERO;
    par.S_u = 470e6;
    par.S_y = 355e6;
    if (ft_fatigue_validate(&par) != FT_FAT_OK) {
        fprintf(stderr, "cp_bench: invalid parameters\n");
        return 1;
    }
    for (r = 0; r < R; r++) {
        double d;
        if ((d = run_old(1, rf, acc, &par)) < best[0]) best[0] = d;
        if ((d = run_new(rf2, acc2, &par)) < best[1]) best[1] = d;
        if ((d = run_old(0, rf, acc, &par)) < best[2]) best[2] = d;
        if ((d = run_new_eq()) < best[3]) best[3] = d;
#ifdef CP_BENCH_OLD_KERNEL
        if (np == FT_CP_NPLANES && (d = run_old_kernel(rf, acc, &par)) < best[4]) best[4] = d;
#endif
    }
    run_old(1, rf, acc, &par);
    for (i = 0; i < nn * np; i++) {
        FtDamageAcc a = acc[i], b = acc2[i];
        double da, db;
        ft_rf_finish(rf + i, &par, &a);
        ft_rf_finish(rf2 + i, &par, &b);
        da = ft_damage_value(&a);
        db = ft_damage_value(&b);
        if (a.cycles != b.cycles) cycdiff++;
        if (da > 0.0 && fabs(da - db) / da > maxrel) maxrel = fabs(da - db) / da;
        cyc += a.cycles;
    }
    printf("cp_bench: %d nodes x %d steps, %d channels, %d planes, best of %d, one core (CPU time)\n",
           nn, T, nchan, np, R);
    printf("  counted cycles per node-step and plane %.3f; old vs new: %ld of %d signals with other "
           "cycle counts, damage max rel diff %.2g\n",
           cyc / ((double)nn * T * np), cycdiff, nn * np, maxrel);
    {
        const double ns = (double)nn * T;
        const char *names[4] = {"old (direct n^T sigma n + count)", "new (coefficients + count)",
                                "old, normal stresses only", "new, normal stresses only"};
        for (i = 0; i < 4; i++)
            printf("  %-34s %7.3f s  %9.3g node-steps/s  %6.1f ns/node-step\n", names[i], best[i],
                   ns / best[i], 1e9 * best[i] / ns);
        printf("  ratio new/old throughput: %.2f with counting, %.2f normal stresses only\n",
               best[0] / best[1], best[2] / best[3]);
        if (best[4] < 1e30)
            printf("  %-34s %7.3f s  %9.3g node-steps/s  %6.1f ns/node-step\n"
                   "  ratio new/old kernel throughput: %.2f\n",
                   "old kernel (former batch)", best[4], ns / best[4], 1e9 * best[4] / ns,
                   best[4] / best[1]);
    }
    free(S);
    free(L);
    free(rf);
    free(rf2);
    free(acc);
    free(acc2);
    return cycdiff ? 1 : 0;
}
