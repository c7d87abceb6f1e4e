/* ftwin fatigue benchmark: the fused CPU fatigue kernel, scalar reference vs vector paths
 * (issue 13 item 1), in the same process on the same inputs.
 *
 *   gcc -O2 -std=c11 -Ikernels bench/fatigue/simd_bench.c kernels/cpu/ft_cpu_fatigue.c \
 *       kernels/cpu/ft_cpu_fatigue_simd.c -ffp-contract=off -lblas -lm -o /tmp/simd_bench
 *   simd_bench S.f64 NODES HISTORY.csv [REPEATS [KINDS [PATHS]]]
 *
 * S.f64 / HISTORY.csv as stage_bench.c (gen_inputs.py sdump / history; run.sh simd makes
 * them): unit stresses [nchan][NODES][6], the CSV history (time + nchan columns). The whole
 * kernel ft_cpu_fatigue_batch (stage D of stage_bench: superposition, equivalent, counting,
 * damage with the S355J2 knee curve with cut-off and Goodman, time chunks of 2048 steps),
 * one core (no OpenMP), CPU time of the process (other jobs share the machine), for each
 * equivalent kind (KINDS: comma list of svm, svm_trace, maxp, cp; default svm,maxp) and path:
 * scalar (FTWIN_SIMD=off, the reference) and every vector path the CPU has, run in turn
 * REPEATS times (default 5; best of each), so that all see the same load (PATHS: a comma
 * list of the vector paths to run, default all; scalar always runs). Prints node-steps/s
 * of each, the ratio to scalar, and whether the states, damage and cycles are bit-identical
 * to the scalar run's (they must be). */
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

static int nn, nchan, T;
static double *S, *L;

typedef struct {
    FtRainflowState *rf;
    FtDamageAcc *acc;
    double *D;
} Result;

static double run_full(int kind, const FtFatigueParams *par, Result *r)
{
    const int nc = ft_equivalent_channels(kind);
    double t0, dt;
    int t, rc = 0;
    ft_cpu_fatigue_init(nn * nc, 0.0, r->rf, r->acc);
    t0 = now();
    for (t = 0; t < T; t += 2048) {
        const int nt = T - t < 2048 ? T - t : 2048;
        rc |= ft_cpu_fatigue_batch(nn, nn, nchan, S, nt, L + (size_t)t * nchan, kind, par, r->rf,
                                   r->acc);
    }
    dt = now() - t0;
    rc |= ft_cpu_fatigue_damage(nn, nc, r->rf, r->acc, par, r->D, NULL);
    if (rc) fprintf(stderr, "ft_cpu_fatigue_batch failed (%d)\n", rc);
    return dt;
}

static int kind_of(const char *s)
{
    if (!strcmp(s, "svm")) return FT_EQ_SIGNED_VON_MISES;
    if (!strcmp(s, "svm_trace")) return FT_EQ_SIGNED_VON_MISES_TRACE;
    if (!strcmp(s, "maxp")) return FT_EQ_MAX_ABS_PRINCIPAL;
    if (!strcmp(s, "cp")) return FT_EQ_CRITICAL_PLANE;
    return -1;
}

int main(int argc, char **argv)
{
    static const char *const cand[3] = {"sse2", "avx2", "avx512"};
    const char *paths[4];
    int npaths = 0, reps = argc > 4 ? atoi(argv[4]) : 5, r, q, i;
    char kinds_arg[256];
    char *line = NULL, *tok, *save = NULL;
    size_t cap = 0;
    int capT = 0;
    long nS;
    FILE *fp;
    FtFatigueParams knee;
    if (argc < 4) {
        fprintf(stderr, "usage: %s S.f64 NODES HISTORY.csv [REPEATS [KINDS]]\n", argv[0]);
        return 2;
    }
    snprintf(kinds_arg, sizeof kinds_arg, "%s", argc > 5 ? argv[5] : "svm,maxp");
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

    /* S355J2 (inputs/materials.yaml), Goodman: as stage_bench.c stage D and the e2e runs */
    memset(&knee, 0, sizeof knee);
    ft_sn_init_knee(&knee.sn, 35.5e6, 2.0e6, 3.0, 26.15662364e6, 5.0, 0, 14.36731734e6);
    knee.msc = FT_MSC_GOODMAN;
    knee.mean_compr = FT_MEAN_COMPR_ZERO;
    knee.S_u = 470e6;
    knee.S_y = 355e6;

    paths[npaths++] = "scalar";
    for (q = 0; q < 3; q++) {
        if (argc > 6 && !strstr(argv[6], cand[q])) continue; /* PATHS: e.g. avx2,avx512 */
        ft_cpu_fatigue_set_simd_path(cand[q]);
        if (!strcmp(ft_cpu_fatigue_simd_name(), cand[q])) paths[npaths++] = cand[q];
    }
    printf("# simd_bench: %d nodes x %d steps x %d channels (%.3g node-steps), one core, CPU "
           "time, best of %d, paths run in turn\n",
           nn, T, nchan, (double)nn * T, reps);
    for (tok = strtok_r(kinds_arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        const int kind = kind_of(tok);
        const int nc = kind >= 0 ? ft_equivalent_channels(kind) : 0;
        Result res[4];
        double best[4], cyc = 0.0;
        if (nc == 0) {
            fprintf(stderr, "unknown kind %s\n", tok);
            return 2;
        }
        for (q = 0; q < npaths; q++) {
            res[q].rf = calloc((size_t)nn * nc, sizeof *res[q].rf);
            res[q].acc = calloc((size_t)nn * nc, sizeof *res[q].acc);
            res[q].D = calloc((size_t)nn, sizeof *res[q].D);
            best[q] = 1e300;
        }
        for (r = 0; r < reps; r++)
            for (q = 0; q < npaths; q++) {
                double dt;
                ft_cpu_fatigue_set_simd_path(paths[q]);
                dt = run_full(kind, &knee, res + q);
                if (dt < best[q]) best[q] = dt;
            }
        for (i = 0; i < nn * nc; i++) cyc += res[0].acc[i].cycles;
        printf("%-10s %.3g cycles per node-step and signal\n", tok, cyc / ((double)nn * nc * T));
        for (q = 0; q < npaths; q++) {
            const int same =
                !memcmp(res[q].rf, res[0].rf, sizeof *res[0].rf * (size_t)nn * nc) &&
                !memcmp(res[q].acc, res[0].acc, sizeof *res[0].acc * (size_t)nn * nc) &&
                !memcmp(res[q].D, res[0].D, sizeof *res[0].D * (size_t)nn);
            printf("  %-7s %.3g node-steps/s (%.2f ns per node-step), %.2fx scalar, states "
                   "damage cycles %s\n",
                   paths[q], (double)nn * T / best[q], 1e9 * best[q] / ((double)nn * T),
                   best[0] / best[q], q == 0 ? "(reference)" : same ? "bit-identical" : "DIFFER");
            if (q && !same) return 1;
        }
        for (q = 0; q < npaths; q++) {
            free(res[q].rf);
            free(res[q].acc);
            free(res[q].D);
        }
    }
    return 0;
}
