/* ftwin fatigue benchmark: fused superposition (ft_cpu_fatigue_batch) vs GEMM superposition
 * (ft_cpu_fatigue_batch_gemm, BLAS dgemm / sgemm), node-steps per second on one core.
 *
 *   gcc -O2 -std=c11 [-DFT_GEMM_BLOCK_NODES=NB -DFT_GEMM_TCHUNK=TC] -I/work/main/kernels \
 *       bench/fatigue/gemm_bench.c /work/main/kernels/cpu/ft_cpu_fatigue.c /work/main/kernels/cpu/ft_cpu_fatigue_simd.c -lblas -lm -o gemm_bench
 *   gemm_bench S.f64 NODES HISTORY.csv [REPEATS [KINDS [NCHANS [PATHS]]]]
 *
 * S.f64: unit stresses [6][NODES][6] float64 (gen_inputs.py sdump); HISTORY.csv: the
 * benchmark's CSV (time + 6 columns). The 3-channel case uses the first 3 load cases and the
 * first 3 history columns. KINDS: comma list of svm,mp,cp (default svm,mp); NCHANS: e.g. 3,6
 * (default); PATHS: fused,gemm_d,gemm_s,super (default all four). Like ftwin's fatigue stage
 * (src/fatigue/fatigue.c) every call gets all nodes and 2048 time steps. CPU time of the
 * process (other jobs share the machine), best of REPEATS (default 3).
 *
 * Rows:
 *   fused    ft_cpu_fatigue_batch (superposition in registers, then equivalent + counting)
 *   gemm_d   ft_cpu_fatigue_batch_gemm, dgemm
 *   gemm_s   ft_cpu_fatigue_batch_gemm, sgemm
 *   super    the superposition alone, for the ns it costs per node-step: the fused loop's
 *            (6 x nchan multiply-adds per step, summed so that nothing is optimised away),
 *            dgemm and sgemm over the same blocks / chunks as ft_cpu_fatigue_batch_gemm
 * Every gemm row also prints its largest relative damage difference to the fused path and
 * the number of nodes whose cycle counts differ (a check that the timed work is right). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ft_fatigue_batch.h"

#ifndef FT_GEMM_BLOCK_NODES
#define FT_GEMM_BLOCK_NODES 32 /* must match the value ft_cpu_fatigue.c was compiled with */
#endif
#ifndef FT_GEMM_TCHUNK
#define FT_GEMM_TCHUNK 128
#endif
#define CALL_STEPS 2048

extern void dgemm_(const char *, const char *, const int *, const int *, const int *,
                   const double *, const double *, const int *, const double *, const int *,
                   const double *, double *, const int *, size_t, size_t);
extern void sgemm_(const char *, const char *, const int *, const int *, const int *,
                   const float *, const float *, const int *, const float *, const int *,
                   const float *, float *, const int *, size_t, size_t);

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int nn, T;
static double *S6, *L6;
static volatile double sink;

/* One full counting of nn nodes x T steps with `path` (0 fused, 1 dgemm, 2 sgemm); returns
 * CPU seconds; D[i] = damage per node (ft_cpu_fatigue_damage), cyc[i] = cycles of channel 0 */
static double run_count(int path, int nchan, const double *L, int kind, const FtFatigueParams *par,
                        double *D, double *cyc)
{
    const int nc = ft_equivalent_channels(kind);
    FtRainflowState *rf = malloc(sizeof *rf * (size_t)nn * nc);
    FtDamageAcc *acc = malloc(sizeof *acc * (size_t)nn * nc);
    double t0, dt;
    int t, i, rc = 0;
    ft_cpu_fatigue_init(nn * nc, 0.0, rf, acc);
    t0 = now();
    for (t = 0; t < T; t += CALL_STEPS) {
        const int nt = T - t < CALL_STEPS ? T - t : CALL_STEPS;
        const double *Lc = L + (size_t)t * nchan;
        if (path == 0)
            rc |= ft_cpu_fatigue_batch(nn, nn, nchan, S6, nt, Lc, kind, par, rf, acc);
        else
            rc |= ft_cpu_fatigue_batch_gemm(nn, nn, nchan, S6, nt, Lc, kind, par, path == 2, rf, acc);
    }
    dt = now() - t0;
    if (rc) fprintf(stderr, "gemm_bench: batch call failed (%d)\n", rc);
    ft_cpu_fatigue_damage(nn, nc, rf, acc, par, D, NULL);
    for (i = 0; i < nn; i++) {
        FtDamageAcc a = acc[(size_t)i * nc];
        ft_rf_finish(rf + (size_t)i * nc, par, &a);
        cyc[i] = a.cycles;
    }
    free(rf);
    free(acc);
    return dt;
}

/* superposition alone: 0 fused loop, 1 dgemm, 2 sgemm (with the float conversions) */
static double run_super(int how, int nchan, const double *L)
{
    double *hd = malloc(sizeof *hd * (size_t)FT_GEMM_TCHUNK * 6 * FT_GEMM_BLOCK_NODES);
    float *hf = malloc(sizeof *hf * (size_t)FT_GEMM_TCHUNK * 6 * FT_GEMM_BLOCK_NODES);
    float *sf = malloc(sizeof *sf * (size_t)nchan * 6 * FT_GEMM_BLOCK_NODES);
    float *lf = malloc(sizeof *lf * (size_t)FT_GEMM_TCHUNK * nchan);
    const double one = 1.0, zero = 0.0;
    const float onef = 1.0f, zerof = 0.0f;
    const int lds = 6 * nn;
    double chk = 0.0, t0 = now(), dt;
    int t, i, k, c, b, q;
    for (t = 0; t < T; t += CALL_STEPS) {
        const int nt = T - t < CALL_STEPS ? T - t : CALL_STEPS;
        const double *Lc = L + (size_t)t * nchan;
        if (how == 0) {
            for (i = 0; i < nn; i++) {
                double Sk[FT_FATIGUE_MAX_CHANNELS][6];
                int s;
                for (k = 0; k < nchan; k++)
                    for (c = 0; c < 6; c++) Sk[k][c] = S6[((size_t)k * nn + i) * 6 + c];
                for (s = 0; s < nt; s++) {
                    double sig[6];
                    for (c = 0; c < 6; c++) sig[c] = Sk[0][c] * Lc[(size_t)s * nchan];
                    for (k = 1; k < nchan; k++)
                        for (c = 0; c < 6; c++) sig[c] += Sk[k][c] * Lc[(size_t)s * nchan + k];
                    chk += sig[0] + sig[1] + sig[2] + sig[3] + sig[4] + sig[5];
                }
            }
            continue;
        }
        for (b = 0; b < nn; b += FT_GEMM_BLOCK_NODES) {
            const int nb = nn - b < FT_GEMM_BLOCK_NODES ? nn - b : FT_GEMM_BLOCK_NODES, m = 6 * nb;
            int s0;
            if (how == 2)
                for (k = 0; k < nchan; k++)
                    for (q = 0; q < m; q++)
                        sf[(size_t)k * m + q] = (float)S6[(size_t)k * lds + 6 * (size_t)b + q];
            for (s0 = 0; s0 < nt; s0 += FT_GEMM_TCHUNK) {
                const int tc = nt - s0 < FT_GEMM_TCHUNK ? nt - s0 : FT_GEMM_TCHUNK;
                if (how == 1) {
                    dgemm_("N", "N", &m, &tc, &nchan, &one, S6 + 6 * (size_t)b, &lds,
                           Lc + (size_t)s0 * nchan, &nchan, &zero, hd, &m, 1, 1);
                    chk += hd[0] + hd[(size_t)m * tc - 1];
                } else {
                    for (q = 0; q < tc * nchan; q++) lf[q] = (float)Lc[(size_t)s0 * nchan + q];
                    sgemm_("N", "N", &m, &tc, &nchan, &onef, sf, &m, lf, &nchan, &zerof, hf, &m, 1, 1);
                    chk += hf[0] + hf[(size_t)m * tc - 1];
                }
            }
        }
    }
    dt = now() - t0;
    sink = chk;
    free(hd);
    free(hf);
    free(sf);
    free(lf);
    return dt;
}

static int listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    const char *p = list;
    while ((p = strstr(p, name))) {
        if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0')) return 1;
        p += n;
    }
    return 0;
}

int main(int argc, char **argv)
{
    FILE *fp;
    long nS;
    int reps = argc > 4 ? atoi(argv[4]) : 3, r, q, nchan, capT = 0, w;
    const char *kinds_arg = argc > 5 ? argv[5] : "svm,mp";
    const char *nchans_arg = argc > 6 ? argv[6] : "3,6";
    const char *paths_arg = argc > 7 ? argv[7] : "fused,gemm_d,gemm_s,super";
    char *line = NULL;
    size_t cap = 0;
    FtFatigueParams par;
    const int kinds[3] = {FT_EQ_SIGNED_VON_MISES, FT_EQ_MAX_ABS_PRINCIPAL, FT_EQ_CRITICAL_PLANE};
    const char *knames[3] = {"svm", "mp", "cp"}, *pnames[3] = {"fused", "gemm_d", "gemm_s"};
    double *D0, *D1, *c0, *c1, *L;
    if (argc < 4) {
        fprintf(stderr, "usage: %s S.f64 NODES HISTORY.csv [REPEATS [KINDS [NCHANS [PATHS]]]]\n", argv[0]);
        return 2;
    }
    nn = atoi(argv[2]);
    fp = fopen(argv[1], "rb");
    if (!fp) return perror(argv[1]), 2;
    fseek(fp, 0, SEEK_END);
    nS = ftell(fp) / (long)sizeof(double);
    rewind(fp);
    if (nS != 36L * nn) {
        fprintf(stderr, "%s: %ld values, expected 6 x %d x 6\n", argv[1], nS, nn);
        return 2;
    }
    S6 = malloc((size_t)nS * sizeof *S6);
    if (fread(S6, sizeof *S6, (size_t)nS, fp) != (size_t)nS) return 2;
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
            L6 = realloc(L6, sizeof *L6 * (size_t)capT * 6);
        }
        strtod(p, &e); /* time */
        for (k = 0; k < 6; k++) {
            p = e + 1;
            L6[(size_t)T * 6 + k] = strtod(p, &e);
        }
        T++;
    }
    fclose(fp);
    free(line);
    L = malloc(sizeof *L * (size_t)T * 6);
    D0 = malloc(sizeof *D0 * nn);
    D1 = malloc(sizeof *D1 * nn);
    c0 = malloc(sizeof *c0 * nn);
    c1 = malloc(sizeof *c1 * nn);

    /* S355J2 (inputs/materials.yaml) as in stage_bench.c and the end-to-end runs */
    memset(&par, 0, sizeof par);
    ft_sn_init_knee(&par.sn, 35.5e6, 2.0e6, 3.0, 26.15662364e6, 5.0, 0, 14.36731734e6);
    par.msc = FT_MSC_GOODMAN;
    par.mean_compr = FT_MEAN_COMPR_ZERO;
    par.S_u = 470e6;
    par.S_y = 355e6;

    printf("gemm_bench: %d nodes x %d steps, block %d nodes x %d steps (scratch %.0f KiB double), "
           "calls of %d steps, best of %d, CPU time\n",
           nn, T, FT_GEMM_BLOCK_NODES, FT_GEMM_TCHUNK,
           FT_GEMM_TCHUNK * 6.0 * FT_GEMM_BLOCK_NODES * 8 / 1024, CALL_STEPS, reps);
    printf("%-4s %5s %-7s %10s %12s %12s %s\n", "kind", "nchan", "path", "ns/n-step", "n-steps/s",
           "vs fused", "check vs fused");
    for (nchan = 1; nchan <= 6; nchan++) {
        char nbuf[8];
        double tfused = 0.0;
        snprintf(nbuf, sizeof nbuf, "%d", nchan);
        if (!listed(nchans_arg, nbuf)) continue;
        for (q = 0; q < T; q++) /* the first nchan history columns */
            for (w = 0; w < nchan; w++) L[(size_t)q * nchan + w] = L6[(size_t)q * 6 + w];
        for (q = 0; q < 3; q++) {
            int path;
            if (!listed(kinds_arg, knames[q])) continue;
            for (path = 0; path < 3; path++) {
                double tbest = 1e300, dmax = 0.0;
                int ndiff = 0, i;
                if (!listed(paths_arg, pnames[path])) continue;
                for (r = 0; r < reps; r++) {
                    const double dt = run_count(path, nchan, L, kinds[q], &par, path ? D1 : D0, path ? c1 : c0);
                    if (dt < tbest) tbest = dt;
                }
                if (path == 0) tfused = tbest;
                printf("%-4s %5d %-7s %10.2f %12.3g ", knames[q], nchan, pnames[path],
                       1e9 * tbest / ((double)nn * T), (double)nn * T / tbest);
                if (path == 0 || tfused == 0.0) {
                    printf("%12s\n", "1");
                    continue;
                }
                for (i = 0; i < nn; i++) {
                    const double a = D0[i], b = D1[i];
                    if (c0[i] != c1[i]) ndiff++;
                    if (a > 1e-300 || b > 1e-300) {
                        const double rel = fabs(a - b) / (a > b ? a : b);
                        if (rel > dmax) dmax = rel;
                    }
                }
                printf("%11.2fx max rel damage diff %.2g, cycle counts differ at %d nodes\n",
                       tfused / tbest, dmax, ndiff);
            }
        }
        if (listed(paths_arg, "super")) {
            const char *sn[3] = {"super fused loop", "super dgemm", "super sgemm"};
            int how;
            for (how = 0; how < 3; how++) {
                double tbest = 1e300;
                for (r = 0; r < reps; r++) {
                    const double dt = run_super(how, nchan, L);
                    if (dt < tbest) tbest = dt;
                }
                printf("%-4s %5d %-17s %10.2f ns/node-step (superposition alone)\n", "-", nchan,
                       sn[how], 1e9 * tbest / ((double)nn * T));
            }
        }
    }
    return 0;
}
