/* ftwin fatigue benchmark: where the time of the node x step loop goes, stage by stage.
 *
 *   gcc -O2 -std=c11 -I/work/main/kernels bench/fatigue/stage_bench.c \
 *       /work/main/kernels/cpu/ft_cpu_fatigue.c -lm -o stage_bench
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
 *   P  prototype, not in ftwin: B for signed von Mises with the sign test of
 *      ft_absmax_principal_sign multiplied through by p^3 (no divisions, no 2nd sqrt:
 *      p = sigma_vm / 3); the sign is checked against ft_signed_von_mises on every step
 *   P2 prototype, not in ftwin: max |principal| as ONE trigonometric eigenvalue (the sign
 *      test of P picks p1 or p3; one acos, one cos, no deflation refinement, no hypot); the
 *      largest difference to ft_max_abs_principal, relative to sigma_vm, is reported
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

/* prototype: ft_signed_von_mises without divisions (same value; the sign test
 *   r >= u (4u^2 - 3), u = q/p, r = det(D)/(2 p^3)   <=>   det(D)/2 >= q (4 q^2 - 3 p^2),
 * D = s - qI, p = sigma_vm / 3 since sigma_vm^2 = 3 J2 = 9 p^2) */
static inline double proto_svm(const double s[6])
{
    const double vm = ft_von_mises(s);
    const double q = (s[FT_XX] + s[FT_YY] + s[FT_ZZ]) * (1.0 / 3.0);
    const double d0 = s[FT_XX] - q, d1 = s[FT_YY] - q, d2 = s[FT_ZZ] - q;
    const double pp = vm * (1.0 / 3.0), p2 = pp * pp;
    const double det = d0 * (d1 * d2 - s[FT_YZ] * s[FT_YZ]) - s[FT_XY] * (s[FT_XY] * d2 - s[FT_YZ] * s[FT_XZ]) +
                       s[FT_XZ] * (s[FT_XY] * s[FT_YZ] - d1 * s[FT_XZ]);
    int pos;
    if (!(pp > 0.0)) pos = q >= 0.0;
    else if (q >= 0.5 * pp) pos = 1;
    else if (q <= -0.5 * pp) pos = 0;
    else pos = 0.5 * det >= q * (4.0 * q * q - 3.0 * p2);
    return pos ? vm : -vm;
}

static double run_proto(long *mismatch)
{
    double Sk[FT_FATIGUE_MAX_CHANNELS][6], sig[6], chk = 0.0;
    int i, t;
    double t0 = now(), dt;
    for (i = 0; i < nn; i++) {
        load_sk(i, Sk);
        for (t = 0; t < T; t++) {
            node_stress((const double(*)[6])Sk, L + (size_t)t * nchan, sig);
            chk += proto_svm(sig);
        }
    }
    dt = now() - t0;
    sink = chk;
    *mismatch = 0;
    for (i = 0; i < nn; i++) {
        load_sk(i, Sk);
        for (t = 0; t < T; t++) {
            node_stress((const double(*)[6])Sk, L + (size_t)t * nchan, sig);
            *mismatch += proto_svm(sig) != ft_signed_von_mises(sig);
        }
    }
    return dt;
}

/* prototype: max |principal| = p1 or p3 by the trigonometric formula alone */
static inline double proto_maxp(const double s[6])
{
    const double q = (s[FT_XX] + s[FT_YY] + s[FT_ZZ]) * (1.0 / 3.0);
    const double d0 = s[FT_XX] - q, d1 = s[FT_YY] - q, d2 = s[FT_ZZ] - q;
    const double off = s[FT_XY] * s[FT_XY] + s[FT_XZ] * s[FT_XZ] + s[FT_YZ] * s[FT_YZ];
    const double p2 = (d0 * d0 + d1 * d1 + d2 * d2 + 2.0 * off) * (1.0 / 6.0);
    const double pp = sqrt(p2);
    const double det = d0 * (d1 * d2 - s[FT_YZ] * s[FT_YZ]) - s[FT_XY] * (s[FT_XY] * d2 - s[FT_YZ] * s[FT_XZ]) +
                       s[FT_XZ] * (s[FT_XY] * s[FT_YZ] - d1 * s[FT_XZ]);
    double r, phi;
    int pos;
    if (!(pp > 0.0)) return q;
    if (q >= 0.5 * pp) pos = 1;
    else if (q <= -0.5 * pp) pos = 0;
    else pos = 0.5 * det >= q * (4.0 * q * q - 3.0 * p2);
    r = 0.5 * det / (p2 * pp);
    if (r < -1.0) r = -1.0;
    if (r > 1.0) r = 1.0;
    phi = acos(r) * (1.0 / 3.0);
    return pos ? q + 2.0 * pp * cos(phi) : q + 2.0 * pp * cos(phi + 2.0943951023931954923);
}

static double run_proto2(double *maxdiff)
{
    double Sk[FT_FATIGUE_MAX_CHANNELS][6], sig[6], chk = 0.0;
    int i, t;
    double t0 = now(), dt;
    for (i = 0; i < nn; i++) {
        load_sk(i, Sk);
        for (t = 0; t < T; t++) {
            node_stress((const double(*)[6])Sk, L + (size_t)t * nchan, sig);
            chk += proto_maxp(sig);
        }
    }
    dt = now() - t0;
    sink = chk;
    *maxdiff = 0.0;
    for (i = 0; i < nn; i++) {
        load_sk(i, Sk);
        for (t = 0; t < T; t++) {
            double d;
            node_stress((const double(*)[6])Sk, L + (size_t)t * nchan, sig);
            d = fabs(proto_maxp(sig) - ft_max_abs_principal(sig)) / ft_von_mises(sig);
            if (d > *maxdiff) *maxdiff = d;
        }
    }
    return dt;
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
        double tP = 1e300;
        long mis = 0;
        const double ns = 1e9 / ((double)nn * T);
        for (r = 0; r < reps; r++) tP = best(tP, run_proto(&mis));
        printf("P prototype signed von Mises without divisions: %.2f ns/node-step (equiv %.2f), "
               "%ld of %ld signs differ from ft_signed_von_mises\n",
               tP * ns, (tP - tA) * ns, mis, (long)nn * T);
    }
    {
        double tP = 1e300, md = 0.0;
        const double ns = 1e9 / ((double)nn * T);
        for (r = 0; r < reps; r++) tP = best(tP, run_proto2(&md));
        printf("P2 prototype max |principal|, one trigonometric eigenvalue: %.2f ns/node-step (equiv "
               "%.2f), largest difference to ft_max_abs_principal %.3g sigma_vm\n",
               tP * ns, (tP - tA) * ns, md);
    }
    return 0;
}
