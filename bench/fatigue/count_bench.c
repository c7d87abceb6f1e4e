/* ftwin fatigue benchmark: rainflow counting alone (kernels/ft_rainflow.h) on one history.
 *
 *   gcc -O2 -std=c11 -I/work/main/kernels bench/fatigue/count_bench.c \
 *       /work/main/kernels/cpu/ft_cpu_fatigue.c /work/main/kernels/cpu/ft_cpu_fatigue_simd.c -lblas -lm -o count_bench
 *   count_bench HISTORY.f64 [REPEATS] [PKG_EXTRACT.txt PKG_COUNT.txt]
 *
 * HISTORY.f64: raw little-endian float64 samples. Timed (best of REPEATS, default 5):
 *   cycles  ft_rf_init, ft_rf_push_cycles per sample, ft_rf_finish_cycles: every cycle stored
 *           (range, mean, count) in an array, as the `rainflow` package's extract_cycles
 *           produces them;
 *   count   ft_rf_push with no accumulator (acc = NULL): the counting state advances, cycles
 *           are formed and dropped (the cost of the counting itself).
 * PKG_EXTRACT.txt, PKG_COUNT.txt (optional): the `rainflow` package's extract_cycles output
 * ("range mean count" per line) and count_cycles output ("range count" per line), as
 * bench/fatigue/rainflow_bench.py writes them. The check: ftwin's cycles, aggregated by range,
 * are count_cycles' list (same multiset of ranges with the same counts), and ftwin's
 * (range, mean, count) triples are extract_cycles' (same multiset); ranges and means within
 * 1e-9 relative to the largest range (ranges closer than that are merged on both sides),
 * counts within 1e-9.
 * Exit status 0 when the check passes (or is not asked for), 1 when it fails. */
#define _POSIX_C_SOURCE 199309L
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

static int cmp_cycle(const void *pa, const void *pb)
{
    const FtCycle *a = pa, *b = pb;
    if (a->range != b->range) return a->range < b->range ? -1 : 1;
    if (a->mean != b->mean) return a->mean < b->mean ? -1 : 1;
    return (a->count > b->count) - (a->count < b->count);
}

/* (range, count) aggregated by range (ranges within tol merged), in place; returns the length */
static long aggregate(FtCycle *c, long n, double tol)
{
    long m = 0, i;
    for (i = 0; i < n; i++) {
        if (m > 0 && c[i].range - c[m - 1].range <= tol) {
            c[m - 1].count += c[i].count;
        } else {
            c[m] = c[i];
            c[m].mean = 0.0;
            m++;
        }
    }
    return m;
}

int main(int argc, char **argv)
{
    FILE *fp;
    long n, i, ncyc_total = 0;
    double *x, best_cyc = 1e300, best_cnt = 1e300, ncount = 0.0;
    int reps = 5, r, ncyc = 0;
    FtCycle *cyc;
    unsigned flags = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s HISTORY.f64 [REPEATS] [PKG_EXTRACT.txt PKG_COUNT.txt]\n",
                argv[0]);
        return 2;
    }
    if (argc > 2) reps = atoi(argv[2]);
    if (reps < 1) reps = 1;
    fp = fopen(argv[1], "rb");
    if (!fp) {
        perror(argv[1]);
        return 2;
    }
    fseek(fp, 0, SEEK_END);
    n = ftell(fp) / (long)sizeof(double);
    rewind(fp);
    x = malloc((size_t)n * sizeof *x);
    if (!x || fread(x, sizeof *x, (size_t)n, fp) != (size_t)n) {
        fprintf(stderr, "%s: read error\n", argv[1]);
        return 2;
    }
    fclose(fp);
    /* at most one cycle per sample, plus the residue at the end */
    cyc = malloc(((size_t)n + FT_RF_MAX_RESIDUE + 2) * sizeof *cyc);
    if (!cyc) return 2;

    for (r = 0; r < reps; r++) {
        FtRainflowState s;
        double t0 = now(), dt;
        int cap = (int)(n + FT_RF_MAX_RESIDUE + 2);
        ncyc = 0;
        ft_rf_init(&s, 0.0);
        for (i = 0; i < n; i++) ft_rf_push_cycles(&s, x[i], cyc, cap, &ncyc);
        ft_rf_finish_cycles(&s, cyc, cap, &ncyc);
        dt = now() - t0;
        if (dt < best_cyc) best_cyc = dt;
        flags = s.flags;
    }
    for (r = 0; r < reps; r++) {
        FtRainflowState s;
        double t0 = now(), dt;
        ft_rf_init(&s, 0.0);
        for (i = 0; i < n; i++) ft_rf_push(&s, x[i], NULL, NULL);
        dt = now() - t0;
        if (dt < best_cnt) best_cnt = dt;
        ncount = (double)s.nrev;
    }
    for (i = 0; i < ncyc; i++) ncyc_total += (cyc[i].count == 1.0);
    printf("samples %ld  reversals %.0f  cycle records %d (full %ld, half %ld)  flags %u\n", n,
           ncount, ncyc, ncyc_total, (long)ncyc - ncyc_total, flags);
    printf("ftwin ft_rf_push_cycles (cycles stored): best of %d %.4f s  %.4g samples/s\n", reps,
           best_cyc, (double)n / best_cyc);
    printf("ftwin ft_rf_push (count only, no damage): best of %d %.4f s  %.4g samples/s\n", reps,
           best_cnt, (double)n / best_cnt);

    if (argc > 4) {
        FILE *pf = fopen(argv[3], "r");
        FtCycle *pk = NULL;
        long np = 0, pcap = 0, na, npa, bad = 0;
        double rmax = 0.0, tol;
        FtCycle c;
        if (!pf) {
            perror(argv[3]);
            return 2;
        }
        while (fscanf(pf, "%lf %lf %lf", &c.range, &c.mean, &c.count) == 3) {
            if (np == pcap) {
                pcap = pcap ? 2 * pcap : 1 << 16;
                pk = realloc(pk, (size_t)pcap * sizeof *pk);
            }
            pk[np++] = c;
        }
        fclose(pf);
        for (i = 0; i < ncyc; i++)
            if (cyc[i].range > rmax) rmax = cyc[i].range;
        tol = 1e-9 * (rmax > 0.0 ? rmax : 1.0);
        qsort(cyc, (size_t)ncyc, sizeof *cyc, cmp_cycle);
        qsort(pk, (size_t)np, sizeof *pk, cmp_cycle);
        /* triples (range, mean, count) */
        if (np != ncyc) {
            printf("check triples: FAIL: package %ld cycle records, ftwin %d\n", np, ncyc);
            bad++;
        } else {
            long nbad = 0;
            for (i = 0; i < np; i++)
                if (fabs(pk[i].range - cyc[i].range) > tol || fabs(pk[i].mean - cyc[i].mean) > tol ||
                    pk[i].count != cyc[i].count) {
                    if (nbad < 5)
                        printf("  triple %ld: package (%.17g %.17g %g) ftwin (%.17g %.17g %g)\n", i,
                               pk[i].range, pk[i].mean, pk[i].count, cyc[i].range, cyc[i].mean,
                               cyc[i].count);
                    nbad++;
                }
            printf("check triples (range, mean, count): %s (%ld records, %ld differ)\n",
                   nbad ? "FAIL" : "ok", np, nbad);
            bad += nbad;
        }
        /* (range, count) aggregated by range vs the package's count_cycles list */
        pf = fopen(argv[4], "r");
        if (!pf) {
            perror(argv[4]);
            return 2;
        }
        np = 0;
        c.mean = 0.0;
        while (fscanf(pf, "%lf %lf", &c.range, &c.count) == 2) {
            if (np == pcap) {
                pcap = pcap ? 2 * pcap : 1 << 16;
                pk = realloc(pk, (size_t)pcap * sizeof *pk);
            }
            pk[np++] = c;
        }
        fclose(pf);
        qsort(pk, (size_t)np, sizeof *pk, cmp_cycle);
        na = aggregate(cyc, ncyc, tol);
        npa = aggregate(pk, np, tol);
        if (na != npa) {
            printf("check count_cycles (range -> count): FAIL: package %ld ranges, ftwin %ld\n", npa,
                   na);
            bad++;
        } else {
            long nbad = 0;
            double tot = 0.0;
            for (i = 0; i < na; i++) {
                tot += cyc[i].count;
                if (fabs(pk[i].range - cyc[i].range) > tol || fabs(pk[i].count - cyc[i].count) > 1e-9)
                    nbad++;
            }
            printf("check count_cycles (range -> count): %s (%ld ranges in the package's list, %ld "
                   "after merging ranges within tol, %.1f cycles, %ld differ)\n",
                   nbad ? "FAIL" : "ok", np, na, tot, nbad);
            bad += nbad;
        }
        free(pk);
        free(cyc);
        free(x);
        return bad ? 1 : 0;
    }
    free(cyc);
    free(x);
    return 0;
}
