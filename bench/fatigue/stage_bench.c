/* ftwin fatigue benchmark: where the time of the node x step loop goes, stage by stage.
 *
 *   gcc -O2 -std=c11 -I/work/main/kernels bench/fatigue/stage_bench.c \
 *       /work/main/kernels/cpu/ft_cpu_fatigue.c /work/main/kernels/cpu/ft_cpu_fatigue_simd.c -lblas -lm -o stage_bench
 *   stage_bench S.f64 NODES HISTORY.csv [REPEATS]
 *
 * S.f64: unit stresses [nchan][NODES][6] float64 (gen_inputs.py sdump writes the first NODES
 * nodes of a basis); HISTORY.csv: the benchmark's CSV (time + nchan columns). One core, CPU
 * time (not wall: other jobs share the machine), the same per-node loop as
 * kernels/cpu/ft_cpu_fatigue.c (fatigue_node), cumulatively:
 *   A  superposition sigma = sum_k S_k L_k(t)                     (6 x nchan FMAs per step)
 *   B  A + the equivalent stress (signed von Mises, max |principal|, 25 plane normal stresses)
 *   C  B + rainflow counting (ft_rf_push with no accumulator: cycles formed, no damage)
 *   D  the real kernel ft_cpu_fatigue_batch (C + ft_damage_add_cycle per cycle; S355J2 knee
 *      curve with cut-off, Goodman, as in the end-to-end runs), in chunks of 2048 steps
 *   D' D with a plain Basquin curve without cut-off (a pow for EVERY cycle: the S355J2 cut-off
 *      at 14.4 MPa skips the pow of the many small cycles, the knee costs a 2nd pow below it)
 *   R  the equivalent stresses alone, reference vs new, in the same run: superposition +
 *      ft_signed_von_mises_ref / ft_max_abs_principal_ref (all three eigenvalues of
 *      ft_principal_stresses, the former implementation) vs ft_signed_von_mises /
 *      ft_max_abs_principal (division-free sign test, one cubic root); node-steps/s of each,
 *      the equivalent's own ns (minus A), the ratio, and on every step the sign differences
 *      (signed von Mises) and the largest value difference relative to sigma_vm (max principal);
 *      also the signed von Mises of ftwin before commit 2cc0de5 (divisions by p, 2nd sqrt)
 *   Q  damage per cycle, reference vs new, in the same run: the cycles that signed von Mises
 *      counts on these nodes (ft_rf_push_cycles) fed to ft_damage_add_cycle_ref (former code)
 *      and to ft_damage_add_cycle (per-material constants, no pow below the cut-off), for the
 *      S355J2 knee curve with Goodman (as the end-to-end runs), the same with Walker, and
 *      a Basquin curve without cut-off (a pow for every cycle); ns per cycle, ns per
 *      node-step (x cycles per node-step), the ratio and the relative difference of the sums
 * Differences B-A, C-B, D-C are the cost of the equivalent stress, the counting and the
 * damage. Prints ns per node-step (per node-step and plane for critical_plane, too) and the
 * counted cycles per node-step (per signal). Best of REPEATS (default 3). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ft_fatigue_batch.h"

static double now(void)
{
    struct timespec ts;
    /* CPU time of this process, not wall time: other jobs share the 2 cores of the benchmark
     * machine, and time slices given to them must not count (one thread, no I/O here) */
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int nn, nchan, T;
static double *S, *L;
static volatile double sink;

static inline void node_stress(const double (*Sk)[6], const double *l, double sig[6])
{
    int k, c;
    for (c = 0; c < 6; c++) sig[c] = Sk[0][c] * l[0];
    for (k = 1; k < nchan; k++)
        for (c = 0; c < 6; c++) sig[c] += Sk[k][c] * l[k];
}

static void load_sk(int i, double Sk[][6])
{
    int k, c;
    for (k = 0; k < nchan; k++)
        for (c = 0; c < 6; c++) Sk[k][c] = S[((size_t)k * nn + i) * 6 + c];
}

/* stage: 0 = A, 1 = B, 2 = C; kind = FT_EQ_* */
static double run_stage(int stage, int kind)
{
    double Sk[FT_FATIGUE_MAX_CHANNELS][6], sig[6], chk = 0.0, nrm[FT_CP_NPLANES][3];
    FtRainflowState rf[FT_CP_NPLANES];
    int i, t, j;
    double t0 = now();
    for (j = 0; j < FT_CP_NPLANES; j++) ft_critical_plane_normals(j, nrm[j]);
    for (i = 0; i < nn; i++) {
        load_sk(i, Sk);
        for (j = 0; j < FT_CP_NPLANES; j++) ft_rf_init(rf + j, 0.0);
        for (t = 0; t < T; t++) {
            node_stress((const double(*)[6])Sk, L + (size_t)t * nchan, sig);
            if (stage == 0) {
                chk += sig[0] + sig[1] + sig[2] + sig[3] + sig[4] + sig[5];
            } else if (kind == FT_EQ_CRITICAL_PLANE) {
                for (j = 0; j < FT_CP_NPLANES; j++) {
                    const double e = ft_normal_stress(sig, nrm[j]);
                    if (stage == 1) chk += e;
                    else ft_rf_push(rf + j, e, NULL, NULL);
                }
            } else {
                const double e = kind == FT_EQ_SIGNED_VON_MISES ? ft_signed_von_mises(sig)
                                                                 : ft_max_abs_principal(sig);
                if (stage == 1) chk += e;
                else ft_rf_push(rf, e, NULL, NULL);
            }
        }
        for (j = 0; j < FT_CP_NPLANES; j++) chk += (double)rf[j].nrev;
    }
    sink = chk;
    return now() - t0;
}

/* The signed von Mises of ftwin before commit 2cc0de5 (sign test with six divisions by p and a
 * second square root; the same test as kernels/tests/test_fatigue.c former_absmax_sign), for
 * the R comparison only. */
static inline double former_svm(const double s[6])
{
    const double vm = ft_von_mises(s);
    const double q = (s[FT_XX] + s[FT_YY] + s[FT_ZZ]) / 3.0;
    const double d0 = s[FT_XX] - q, d1 = s[FT_YY] - q, d2 = s[FT_ZZ] - q;
    const double off = s[FT_XY] * s[FT_XY] + s[FT_XZ] * s[FT_XZ] + s[FT_YZ] * s[FT_YZ];
    const double pp = sqrt((d0 * d0 + d1 * d1 + d2 * d2 + 2.0 * off) / 6.0);
    double u, r;
    if (!(pp > 0.0)) return (q >= 0.0) ? vm : -vm;
    u = q / pp;
    if (u >= 0.5) return vm;
    if (u <= -0.5) return -vm;
    {
        const double b00 = d0 / pp, b11 = d1 / pp, b22 = d2 / pp;
        const double b01 = s[FT_XY] / pp, b02 = s[FT_XZ] / pp, b12 = s[FT_YZ] / pp;
        r = 0.5 * (b00 * (b11 * b22 - b12 * b12) - b01 * (b01 * b22 - b12 * b02) +
                   b02 * (b01 * b12 - b11 * b02));
    }
    return (r >= u * (4.0 * u * u - 3.0)) ? vm : -vm;
}

/* R: superposition + one equivalent; which = 0 svm new, 1 svm ref, 2 maxp new, 3 maxp ref,
 * 4 svm before 2cc0de5 */
static double run_equiv(int which)
{
    double Sk[FT_FATIGUE_MAX_CHANNELS][6], sig[6], chk = 0.0;
    int i, t;
    double t0 = now();
    for (i = 0; i < nn; i++) {
        load_sk(i, Sk);
        for (t = 0; t < T; t++) {
            node_stress((const double(*)[6])Sk, L + (size_t)t * nchan, sig);
            switch (which) {
            case 0: chk += ft_signed_von_mises(sig); break;
            case 1: chk += ft_signed_von_mises_ref(sig); break;
            case 2: chk += ft_max_abs_principal(sig); break;
            case 3: chk += ft_max_abs_principal_ref(sig); break;
            default: chk += former_svm(sig); break;
            }
        }
    }
    sink = chk;
    return now() - t0;
}

/* R check on every node-step: sign differences of signed von Mises, largest |difference| of
 * max principal relative to sigma_vm */
static void check_equiv(long *sign_diff, double *maxdiff)
{
    double Sk[FT_FATIGUE_MAX_CHANNELS][6], sig[6];
    int i, t;
    *sign_diff = 0;
    *maxdiff = 0.0;
    for (i = 0; i < nn; i++) {
        load_sk(i, Sk);
        for (t = 0; t < T; t++) {
            double d;
            node_stress((const double(*)[6])Sk, L + (size_t)t * nchan, sig);
            *sign_diff += ft_signed_von_mises(sig) != ft_signed_von_mises_ref(sig);
            d = fabs(ft_max_abs_principal(sig) - ft_max_abs_principal_ref(sig)) / ft_von_mises(sig);
            if (d > *maxdiff) *maxdiff = d;
        }
    }
}

/* Q: the cycles signed von Mises counts on all nodes (their number in *n) */
static FtCycle *collect_cycles(long *n)
{
    double Sk[FT_FATIGUE_MAX_CHANNELS][6], sig[6];
    size_t cap = 1u << 16;
    FtCycle *cyc = malloc(sizeof *cyc * cap);
    int i, t, nc = 0;
    *n = 0;
    for (i = 0; i < nn; i++) {
        FtRainflowState rf;
        ft_rf_init(&rf, 0.0);
        load_sk(i, Sk);
        for (t = 0; t < T; t++) {
            node_stress((const double(*)[6])Sk, L + (size_t)t * nchan, sig);
            if ((size_t)*n + FT_RF_MAX_RESIDUE >= cap) {
                cap *= 2;
                cyc = realloc(cyc, sizeof *cyc * cap);
            }
            nc = 0;
            ft_rf_push_cycles(&rf, ft_signed_von_mises(sig), cyc + *n, FT_RF_MAX_RESIDUE, &nc);
            *n += nc;
        }
    }
    return cyc;
}

/* Q: time of ft_damage_add_cycle(_ref) over the cycles; the damage sum in *D */
static double run_damage(const FtCycle *cyc, long n, const FtFatigueParams *par, int ref,
                         double *D)
{
    FtDamageAcc a;
    long m;
    double t0;
    ft_damage_init(&a);
    t0 = now();
    if (ref)
        for (m = 0; m < n; m++) ft_damage_add_cycle_ref(&a, par, cyc[m].range, cyc[m].mean, cyc[m].count);
    else
        for (m = 0; m < n; m++) ft_damage_add_cycle(&a, par, cyc[m].range, cyc[m].mean, cyc[m].count);
    *D = ft_damage_value(&a);
    return now() - t0;
}

static double run_full(int kind, const FtFatigueParams *par, double *cyc_per_step)
{
    const int nc = ft_equivalent_channels(kind);
    FtRainflowState *rf = malloc(sizeof *rf * (size_t)nn * nc);
    FtDamageAcc *acc = malloc(sizeof *acc * (size_t)nn * nc);
    double t0, dt, cyc = 0.0;
    int t, m, rc = 0;
    ft_cpu_fatigue_init(nn * nc, 0.0, rf, acc);
    t0 = now();
    for (t = 0; t < T; t += 2048) {
        const int nt = T - t < 2048 ? T - t : 2048;
        rc |= ft_cpu_fatigue_batch(nn, nn, nchan, S, nt, L + (size_t)t * nchan, kind, par, rf, acc);
    }
    dt = now() - t0;
    if (rc) fprintf(stderr, "ft_cpu_fatigue_batch failed (%d)\n", rc);
    for (m = 0; m < nn * nc; m++) {
        FtDamageAcc a = acc[m];
        ft_rf_finish(rf + m, par, &a);
        cyc += a.cycles;
    }
    *cyc_per_step = cyc / ((double)nn * nc * T);
    free(rf);
    free(acc);
    return dt;
}

static double best(double a, double b) { return a < b ? a : b; }

int main(int argc, char **argv)
{
    FILE *fp;
    long nS;
    int reps = argc > 4 ? atoi(argv[4]) : 3, r, q;
    char *line = NULL;
    size_t cap = 0;
    int capT = 0;
    FtFatigueParams knee, basq;
    const int kinds[3] = {FT_EQ_SIGNED_VON_MISES, FT_EQ_MAX_ABS_PRINCIPAL, FT_EQ_CRITICAL_PLANE};
    const char *names[3] = {"signed_von_mises", "max_principal", "critical_plane"};
    double tA = 1e300;
    if (argc < 4) {
        fprintf(stderr, "usage: %s S.f64 NODES HISTORY.csv [REPEATS]\n", argv[0]);
        return 2;
    }
    nn = atoi(argv[2]);
    fp = fopen(argv[1], "rb");
    if (!fp) return perror(argv[1]), 2;
    fseek(fp, 0, SEEK_END);
    nS = ftell(fp) / (long)sizeof(double);
    rewind(fp);
    nchan = (int)(nS / (6L * nn));
    S = malloc((size_t)nS * sizeof *S);
    if (nchan < 1 || fread(S, sizeof *S, (size_t)nS, fp) != (size_t)nS) return 2;
    fclose(fp);
    fp = fopen(argv[3], "r");
    if (!fp) return perror(argv[3]), 2;
    T = 0;
    if (getline(&line, &cap, fp) < 0) return 2; /* header */
    while (getline(&line, &cap, fp) > 0) {
        char *p = line, *e;
        int k;
        if (T == capT) {
            capT = capT ? 2 * capT : 4096;
            L = realloc(L, sizeof *L * (size_t)capT * nchan);
        }
        strtod(p, &e); /* time */
        for (k = 0; k < nchan; k++) {
            p = e + 1;
            L[(size_t)T * nchan + k] = strtod(p, &e);
        }
        T++;
    }
    fclose(fp);
    free(line);

    /* S355J2 (inputs/materials.yaml): EN 1993-1-9 detail 71, knee at 5e6, cut-off at 1e8 */
    memset(&knee, 0, sizeof knee);
    ft_sn_init_knee(&knee.sn, 35.5e6, 2.0e6, 3.0, 26.15662364e6, 5.0, 0, 14.36731734e6);
    knee.msc = FT_MSC_GOODMAN;
    knee.mean_compr = FT_MEAN_COMPR_ZERO;
    knee.S_u = 470e6;
    knee.S_y = 355e6;
    basq = knee;
    ft_sn_init_basquin(&basq.sn, 35.5e6, 2.0e6, 3.0, 0.0);
    ft_fatigue_prepare(&knee); /* per-material constants (ft_batch prepares its own copy) */
    ft_fatigue_prepare(&basq);

    printf("stage_bench: %d nodes x %d steps x %d channels, best of %d\n", nn, T, nchan, reps);
    for (r = 0; r < reps; r++) tA = best(tA, run_stage(0, 0));
    printf("%-17s %9s %9s %9s %9s %9s | %8s %8s %8s %8s | %s\n", "kind", "A super", "B +equiv",
           "C +count", "D kernel", "D' basq", "equiv", "count", "damage", "pow-all", "cycles/step");
    for (q = 0; q < 3; q++) {
        double tB = 1e300, tC = 1e300, tD = 1e300, tE = 1e300, cps = 0, cpsb = 0;
        const double ns = 1e9 / ((double)nn * T);
        for (r = 0; r < reps; r++) {
            tB = best(tB, run_stage(1, kinds[q]));
            tC = best(tC, run_stage(2, kinds[q]));
            tD = best(tD, run_full(kinds[q], &knee, &cps));
            tE = best(tE, run_full(kinds[q], &basq, &cpsb));
        }
        printf("%-17s %9.2f %9.2f %9.2f %9.2f %9.2f | %8.2f %8.2f %8.2f %8.2f | %.4f\n", names[q],
               tA * ns, tB * ns, tC * ns, tD * ns, tE * ns, (tB - tA) * ns, (tC - tB) * ns,
               (tD - tC) * ns, (tE - tD) * ns, cps);
    }
    printf("(ns per node-step; critical_plane: all 25 planes per node-step; 'equiv' = B-A, "
           "'count' = C-B, 'damage' = D-C, 'pow-all' = D'-D: extra cost of a pow for every cycle)\n");
    {
        double tq[5] = {1e300, 1e300, 1e300, 1e300, 1e300}, md;
        long sd;
        const double ns = 1e9 / ((double)nn * T);
        const char *en[2] = {"signed_von_mises", "max_principal"};
        for (r = 0; r < reps; r++)
            for (q = 0; q < 5; q++) tq[q] = best(tq[q], run_equiv(q));
        check_equiv(&sd, &md);
        printf("R equivalent alone, reference vs new (same run; node-steps/s of A + equivalent, "
               "ns of the equivalent = minus A):\n");
        for (q = 0; q < 2; q++)
            printf("  %-17s ref %.3g/s (equiv %.2f ns)  new %.3g/s (equiv %.2f ns)  "
                   "speed-up %.2fx (equivalent alone %.2fx)\n",
                   en[q], 1.0 / (tq[2 * q + 1] * ns * 1e-9), (tq[2 * q + 1] - tA) * ns,
                   1.0 / (tq[2 * q] * ns * 1e-9), (tq[2 * q] - tA) * ns, tq[2 * q + 1] / tq[2 * q],
                   (tq[2 * q + 1] - tA) / (tq[2 * q] - tA));
        printf("  signed_von_mises before 2cc0de5 (divisions, 2nd sqrt) %.3g/s (equiv %.2f ns): "
               "new %.2fx (equivalent alone %.2fx)\n", 1.0 / (tq[4] * ns * 1e-9), (tq[4] - tA) * ns,
               tq[4] / tq[0], (tq[4] - tA) / (tq[0] - tA));
        printf("  check on all %ld node-steps: %ld signed von Mises sign differences, max "
               "principal max |new - ref| %.2g sigma_vm\n", (long)nn * T, sd, md);
    }
    {
        long nq;
        FtCycle *cyc = collect_cycles(&nq);
        FtFatigueParams walk = knee;
        const FtFatigueParams *ps[3] = {&knee, &walk, &basq};
        const char *pn[3] = {"S355J2 knee + cut-off, Goodman", "S355J2 knee + cut-off, Walker 0.5",
                             "Basquin m=3, no cut-off, Goodman"};
        walk.msc = FT_MSC_WALKER;
        walk.walker_gamma = 0.5;
        ft_fatigue_prepare(&walk);
        printf("Q damage per cycle, reference vs new (same run; %ld signed von Mises cycles, "
               "%.4f per node-step):\n", nq, (double)nq / ((double)nn * T));
        for (q = 0; q < 3; q++) {
            double tr = 1e300, tn = 1e300, Dr = 0.0, Dn = 0.0;
            for (r = 0; r < reps; r++) {
                tr = best(tr, run_damage(cyc, nq, ps[q], 1, &Dr));
                tn = best(tn, run_damage(cyc, nq, ps[q], 0, &Dn));
            }
            printf("  %-34s ref %6.2f ns/cycle (%5.2f ns/node-step)  new %6.2f ns/cycle (%5.2f "
                   "ns/node-step)  speed-up %.2fx  |D_new/D_ref - 1| = %.2g\n",
                   pn[q], 1e9 * tr / nq, 1e9 * tr / ((double)nn * T), 1e9 * tn / nq,
                   1e9 * tn / ((double)nn * T), tr / tn, fabs(Dn / Dr - 1.0));
        }
        free(cyc);
    }
    return 0;
}
