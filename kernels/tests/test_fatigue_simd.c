/* Unit test of the vector paths of the fused CPU fatigue kernel (kernels/cpu/
 * ft_cpu_fatigue_simd.c) against the scalar reference kernel (FTWIN_SIMD=off path of the same
 * ft_cpu_fatigue_batch / _spill): every vector path the CPU has (sse2, avx2, avx512) must
 * leave bit-identical rainflow states, spills, damage accumulators (damage, cycles, flags)
 * and per-node damage, on random inputs: all equivalent kinds that have a vector path (signed
 * von Mises, its trace variant, max |principal|, the critical plane with 3..64 planes, whose
 * lanes are planes), all mean-stress corrections x both compressive-mean conventions x all S-N
 * forms, 1..64 load channels, node counts that are not multiples of the width (1..40), the same
 * history in 1, 2 and odd chunks (states compared after every chunk), hysteresis gates,
 * NaN samples (a whole step) and lane-specific infinities (overflowing nodes), and ring-up,
 * ring-down (400 > 2 FT_RF_MAX_RESIDUE reversals), ring-up histories with and without spills
 * (the spill filled, then drained back by the growing ranges).
 * Identity is exact (memcmp), since every lane does the scalar kernel's operations in its
 * order; no tolerance is involved.
 *
 * Under FTWIN_SIMD=<path> (ctest unit.fatigue_simd_scalar sets off) only that path is run and
 * the test asserts that ft_cpu_fatigue_simd_name() reports it, i.e. that the path it thinks
 * it ran is the one that ran; unset, all the CPU's paths are compared with scalar.
 *
 *   gcc -std=c11 -O2 -Ikernels kernels/tests/test_fatigue_simd.c kernels/cpu/ft_cpu_fatigue.c \
 *       kernels/cpu/ft_cpu_fatigue_simd.c -ffp-contract=off -lblas -lm -o /tmp/tfs && /tmp/tfs
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ft_fatigue_batch.h"
#include "check.h"

enum { MAXN = 40, MAXCH = FT_FATIGUE_MAX_CHANNELS, MAXT = 1400, MAXNC = 64, MAXSIG = MAXN * MAXNC };

static double S_in[MAXCH * MAXN * 6], L_in[MAXT * MAXCH];

typedef struct {
    FtRainflowState rf[MAXSIG]; /* [node][channel] */
    FtRfSpill sp[MAXSIG];
    FtDamageAcc acc[MAXSIG];
    double D[MAXN];
    int worst[MAXN];
} Run;


static void params(FtFatigueParams *p, int sn, int msc, int compr)
{
    static const double tS[4] = {400.0, 150.0, 60.0, 25.0}, tN[4] = {1e3, 1e5, 2e6, 1e8};
    memset(p, 0, sizeof *p);
    switch (sn) {
    case 0: ft_sn_init_basquin(&p->sn, 100.0, 1e6, 5.0, 20.0); break;
    case 1: ft_sn_init_knee(&p->sn, 100.0, 2e6, 3.0, 50.0, 5.0, 0, 10.0); break;
    case 2: ft_sn_init_knee(&p->sn, 100.0, 2e6, 3.0, 50.0, 0.0, 1, 0.0); break;
    default: ft_sn_init_table(&p->sn, 4, tS, tN); break;
    }
    p->msc = msc;
    p->mean_compr = compr;
    p->S_u = 900.0; /* means of the larger cycles reach it: invalid cycles counted, too */
    p->S_y = 700.0;
    p->sigma_f = 1500.0;
    p->walker_gamma = 0.6;
}

static void free_spills(Run *r, int n)
{
    int i;
    for (i = 0; i < n; i++) ft_rf_spill_free(r->sp + i);
}

/* One chunk [t0, t1) of the history into run r, the node range split in two calls at
 * `split` (a block boundary anywhere). */
static int run_chunk(Run *r, int nn, int ld, int nch, int t0, int t1, int kind,
                     const FtFatigueParams *p, int spill, int split)
{
    const double *L = L_in + (size_t)t0 * nch;
    const int o = split * ft_equivalent_channels(kind);
    int rc = ft_cpu_fatigue_batch_spill(split, ld, nch, S_in, t1 - t0, L, kind, p, r->rf,
                                        spill ? r->sp : NULL, r->acc);
    rc |= ft_cpu_fatigue_batch_spill(nn - split, ld, nch, S_in + 6 * split, t1 - t0, L, kind, p,
                                     r->rf + o, spill ? r->sp + o : NULL, r->acc + o);
    return rc;
}

/* bit-identical results of two runs (states incl. the unused residue slots, spills, accs of
 * the nsig signals; with_D: the per-node damage of the nn nodes too) */
static int same_runs(const Run *a, const Run *b, int nn, int nsig, int spill, int with_D,
                     char *why, size_t len)
{
    int i;
    for (i = 0; i < nn; i++)
        if (with_D &&
            (memcmp(a->D + i, b->D + i, sizeof a->D[i]) || a->worst[i] != b->worst[i])) {
            snprintf(why, len, "node %d: damage %.17g/%.17g", i, a->D[i], b->D[i]);
            return 0;
        }
    for (i = 0; i < nsig; i++) {
        if (memcmp(a->rf + i, b->rf + i, sizeof a->rf[i])) {
            snprintf(why, len, "node %d: rainflow state (n %d/%d, nrev %lld/%lld, flags %u/%u, "
                     "dir %d/%d, cand %.17g/%.17g)", i, a->rf[i].n, b->rf[i].n, a->rf[i].nrev,
                     b->rf[i].nrev, a->rf[i].flags, b->rf[i].flags, a->rf[i].rev.dir,
                     b->rf[i].rev.dir, a->rf[i].rev.cand, b->rf[i].rev.cand);
            return 0;
        }
        if (memcmp(a->acc + i, b->acc + i, sizeof a->acc[i])) {
            snprintf(why, len, "node %d: damage accumulator (damage %.17g/%.17g, cycles %g/%g)",
                     i, a->acc[i].damage, b->acc[i].damage, a->acc[i].cycles, b->acc[i].cycles);
            return 0;
        }
        if (spill && (a->sp[i].n != b->sp[i].n || a->sp[i].cap != b->sp[i].cap ||
                      (a->sp[i].n > 0 &&
                       memcmp(a->sp[i].v, b->sp[i].v, (size_t)a->sp[i].n * sizeof(double))))) {
            snprintf(why, len, "node %d: spill (n %lld/%lld, cap %lld/%lld)", i, a->sp[i].n,
                     b->sp[i].n, a->sp[i].cap, b->sp[i].cap);
            return 0;
        }
    }
    return 1;
}

static const char *paths[3] = {"sse2", "avx2", "avx512"};
static int npaths_run; /* paths compared with scalar */
static const char *run_paths[3];
static Run run_ref, run_vec[3];
static long long ncases, nsteps_total, nrev_total, nspilled, noverflow, nnan;

/* One comparison: the scalar kernel and every path under test on the same inputs, chunk by
 * chunk (ends cuts[0..ncuts)), the states compared after every chunk, then the damage. */
static void compare(const char *what, int nn, int ld, int nch, int nt, int kind,
                    const FtFatigueParams *p, double gate, int spill, const int *cuts,
                    int ncuts, int split)
{
    const int nc = ft_equivalent_channels(kind), nsig = nn * nc;
    int q, i, c, ok = 1, rc = 0, t0 = 0;
    char why[256] = "";
    const char *bad = "";
    memset(&run_ref, 0, sizeof run_ref);
    ft_cpu_fatigue_init(nsig, gate, run_ref.rf, run_ref.acc);
    for (q = 0; q < npaths_run; q++) run_vec[q] = run_ref;
    for (c = 0; c < ncuts && ok; c++) {
        CHECK(ft_cpu_fatigue_set_simd(0) == 0);
        rc |= run_chunk(&run_ref, nn, ld, nch, t0, cuts[c], kind, p, spill, split);
        for (q = 0; q < npaths_run && ok; q++) {
            ft_cpu_fatigue_set_simd_path(run_paths[q]);
            rc |= run_chunk(run_vec + q, nn, ld, nch, t0, cuts[c], kind, p, spill, split);
            ok = same_runs(&run_ref, run_vec + q, nn, nsig, spill, 0, why, sizeof why);
            if (!ok) bad = run_paths[q];
        }
        t0 = cuts[c];
    }
    CHECK(rc == 0);
    rc = ft_cpu_fatigue_damage_spill(nn, nc, run_ref.rf, spill ? run_ref.sp : NULL, run_ref.acc,
                                     p, run_ref.D, run_ref.worst);
    for (q = 0; q < npaths_run; q++) {
        CHECK_STR(ft_cpu_fatigue_set_simd_path(run_paths[q]) == 0 ? ft_cpu_fatigue_simd_name()
                                                                  : "?",
                  run_paths[q]);
        rc |= ft_cpu_fatigue_damage_spill(nn, nc, run_vec[q].rf, spill ? run_vec[q].sp : NULL,
                                          run_vec[q].acc, p, run_vec[q].D, run_vec[q].worst);
        if (ok && !same_runs(&run_ref, run_vec + q, nn, nsig, spill, 1, why, sizeof why)) {
            ok = 0;
            bad = run_paths[q];
        }
    }
    CHECK(rc == 0);
    CHECKF(ok, "%s, path %s, kind %d, %d nodes, %d steps in %d chunks (chunk %d), gate %g, "
               "spill %d, sn %d, msc %d, compr %d: %s",
           what, bad, kind, nn, nt, ncuts, c - 1, gate, spill, p->sn.kind, p->msc,
           p->mean_compr, why);
    ncases++;
    nsteps_total += (long long)nn * nt;
    for (i = 0; i < nsig; i++) {
        nrev_total += run_ref.rf[i].nrev;
        if (spill && run_ref.sp[i].cap > 0) nspilled++;
        if (run_ref.rf[i].flags & FT_RF_ERR_OVERFLOW) noverflow++;
        if (run_ref.rf[i].flags & FT_RF_ERR_NAN) nnan++;
    }
    free_spills(&run_ref, nsig);
    for (q = 0; q < npaths_run; q++) free_spills(run_vec + q, nsig);
}

/* chunk ends for a history of nt steps: pattern 0 whole, 1 two, 2 random odd lengths, 3
 * lengths 1 and 2 (every step the last one of a call) */
static int make_cuts(int nt, int pattern, int *cuts)
{
    int n = 0, t = 0;
    if (pattern == 0) {
        cuts[n++] = nt;
    } else if (pattern == 1) {
        cuts[n++] = nt / 2 + 1;
        cuts[n++] = nt;
    } else {
        while (t < nt) {
            int len = pattern == 3 ? irand(1, 2) : 2 * irand(0, 48) + 1;
            if (t + len > nt) len = nt - t;
            t += len;
            cuts[n++] = t;
        }
    }
    return n;
}

/* random unit stresses; a few nodes scaled by 1e150 (their stresses overflow to inf at the
 * load spikes: non-finite samples in some lanes only) */
static void fill_S(int nn, int ld, int nch, int huge)
{
    int k, i, c;
    for (k = 0; k < nch; k++)
        for (i = 0; i < ld; i++)
            for (c = 0; c < 6; c++) {
                double v = 120.0 * (2.0 * urand() - 1.0);
                if (huge && i < nn && i % 7 == 3) v *= 1e150;
                S_in[((size_t)k * ld + i) * 6 + c] = v;
            }
}

/* random loads: a walk plus sines; nan: some whole steps NaN, and spikes of 1e10 */
static void fill_L(int nt, int nch, int nan)
{
    int t, k;
    for (k = 0; k < nch; k++) {
        double walk = 0.0;
        const double w = 0.05 + 0.3 * urand();
        for (t = 0; t < nt; t++) {
            walk = 0.95 * walk + 0.3 * (urand() - 0.5);
            L_in[(size_t)t * nch + k] = sin(w * t + k) + 0.5 * walk;
        }
    }
    if (nan) {
        for (t = 0; t < nt; t++) {
            const double u = urand();
            if (u < 0.02) L_in[(size_t)t * nch + irand(0, nch - 1)] = NAN;
            else if (u < 0.04) L_in[(size_t)t * nch] = 1e10 * (urand() - 0.5);
        }
        if (irand(0, 1)) L_in[0] = NAN; /* the very first sample, or only later ones */
    }
}

static void test_random(void)
{
    static const int nns[6] = {1, 3, 5, 7, 9, 37};
    static const int kinds[3] = {FT_EQ_SIGNED_VON_MISES, FT_EQ_SIGNED_VON_MISES_TRACE,
                                 FT_EQ_MAX_ABS_PRINCIPAL};
    int sn, msc, compr, q, cuts[MAXT];
    for (sn = 0; sn < 4; sn++)
        for (msc = 0; msc <= FT_MSC_WALKER; msc++)
            for (compr = 0; compr < 2; compr++)
                for (q = 0; q < 3; q++) {
                    FtFatigueParams p;
                    const int nn = nns[irand(0, 5)], ld = nn + irand(0, 3);
                    const int nch = irand(1, 6), nt = irand(200, 700);
                    const int nan = irand(0, 2) == 0, pattern = irand(0, 2);
                    const double gate = irand(0, 2) == 0 ? 30.0 * urand() : 0.0;
                    const int ncuts = make_cuts(nt, pattern, cuts);
                    params(&p, sn, msc, compr);
                    fill_S(nn, ld, nch, nan);
                    fill_L(nt, nch, nan);
                    compare("random", nn, ld, nch, nt, kinds[q], &p, gate, irand(0, 1), cuts,
                            ncuts, irand(0, nn));
                }
}

/* every node count 1..MAXN, all chunk patterns, the three kinds (Goodman, knee curve) */
static void test_node_counts(void)
{
    int nn, pat, q, cuts[MAXT];
    FtFatigueParams p;
    params(&p, 1, FT_MSC_GOODMAN, FT_MEAN_COMPR_ZERO);
    for (nn = 1; nn <= MAXN; nn++)
        for (pat = 0; pat < 3; pat++)
            for (q = 0; q < 3; q++) {
                const int nt = 301, ncuts = make_cuts(nt, pat, cuts);
                fill_S(nn, nn, 3, 0);
                fill_L(nt, 3, 0);
                compare("node counts", nn, nn, 3, nt, q, &p, q == 1 ? 5.0 : 0.0, pat == 2,
                        cuts, ncuts, nn);
            }
}

/* Amplitude of reversal r of the ring histories: ring-up (100 reversals), ring-down (400 >
 * 2 FT_RF_MAX_RESIDUE reversals of decreasing range: the residue grows by one per reversal
 * and spills), ring-up again (180: the growing ranges close the residue down to the spill and
 * refill it from there, again and again) */
enum { RING_NREV = 680 };
static double ring_amp(int r)
{
    if (r < 100) return 0.2 + 0.008 * r;
    if (r < 500) return 1.0 - 0.001 * (r - 100);
    return 0.6 + 0.005 * (r - 500);
}

/* ring-up, ring-down, ring-up (ring_amp) of the equivalent, with a spill (exact) and without
 * (bounded, FT_RF_ERR_OVERFLOW), in one, odd and length-1/2 chunks (a call may end between
 * the reversal that fills the residue and the next sample, where the scalar push grows the
 * spill); a sample half way between extremes (no reversal), a small second channel varies
 * the lanes */
static void test_ring(void)
{
    const int nrev = RING_NREV, nch = 2, nt = 2 * nrev;
    int t, q, spill, pat, cuts[MAXT];
    FtFatigueParams p;
    params(&p, 0, FT_MSC_NONE, FT_MEAN_COMPR_ZERO);
    for (t = 0; t < nt; t++) {
        const int r = t / 2;
        const double a = ring_amp(r);
        const double peak = (r % 2 ? -1.0 : 1.0) * a + 0.3;
        L_in[(size_t)t * nch] = (t % 2) ? 0.3 : peak;
        L_in[(size_t)t * nch + 1] = 1e-4 * sin(0.37 * t);
    }
    for (q = 0; q < 3; q++)
        for (spill = 0; spill < 2; spill++)
            for (pat = 0; pat < 4; pat++) {
                const int nn = 13, ncuts = make_cuts(nt, pat, cuts);
                fill_S(nn, nn, nch, 0);
                compare("ring-up + ring-down", nn, nn, nch, nt, q, &p, 0.0, spill, cuts, ncuts,
                        nn);
            }
}

/* quantised inputs (integer unit stresses, loads on a 1/8 grid held for random numbers of
 * steps): repeated samples and exact ties between a sample and the pending extreme, where
 * the filter's strict compares matter */
static void test_plateaus(void)
{
    int q, rep, i, t, k, cuts[MAXT];
    FtFatigueParams p;
    params(&p, 3, FT_MSC_GERBER, FT_MEAN_COMPR_ASIS);
    for (rep = 0; rep < 6; rep++)
        for (q = 0; q < 3; q++) {
            const int nn = 37, nch = 3, nt = 900, ncuts = make_cuts(nt, rep % 4, cuts);
            for (i = 0; i < nch * nn * 6; i++) S_in[i] = (double)irand(-100, 100);
            for (k = 0; k < nch; k++) {
                double v = 0.0;
                for (t = 0; t < nt; t++) {
                    if (irand(0, 2) == 0) v = 0.125 * irand(-16, 16);
                    L_in[(size_t)t * nch + k] = v;
                }
            }
            compare("plateaus", nn, nn, nch, nt, q, &p, rep % 2 ? 0.0 : 50.0, rep % 3 == 0, cuts,
                    ncuts, irand(0, nn));
        }
}

/* the critical plane: lanes are the planes of a node (W at a time), the np % W planes left
 * over of W nodes together (lanes = nodes), those of the nnodes % W nodes left over by the
 * scalar loop: plane counts below, at and above the widths, node counts below and above
 * them, random inputs with NaN / overflowing nodes, gates, chunks, spills, every S-N form */
static void test_critical_plane(void)
{
    static const int nps[7] = {3, 7, 9, 16, 25, 40, 64};
    int r, cuts[MAXT];
    for (r = 0; r < 28; r++) {
        FtFatigueParams p;
        const int np = nps[r % 7];
        const int kind = np == 25 ? FT_EQ_CRITICAL_PLANE : ft_eq_critical_plane(np);
        const int nn = irand(1, 20), nch = irand(1, 6), nt = irand(100, 400);
        const int nan = r % 3 == 0, ncuts = make_cuts(nt, r % 4, cuts);
        params(&p, r % 4, r % 7, r % 2);
        fill_S(nn, nn, nch, nan);
        fill_L(nt, nch, nan);
        compare("critical plane", nn, nn, nch, nt, kind, &p, r % 5 == 1 ? 10.0 : 0.0, r % 2,
                cuts, ncuts, irand(0, nn));
    }
    /* the ring histories on every plane of 13 nodes (spill and bounded overflow) */
    {
        const int nrev = RING_NREV, nt = 2 * nrev;
        int t, spill;
        FtFatigueParams p;
        params(&p, 0, FT_MSC_NONE, FT_MEAN_COMPR_ZERO);
        for (t = 0; t < nt; t++) {
            const int rr = t / 2;
            const double a = ring_amp(rr);
            L_in[(size_t)t * 2] = (t % 2) ? 0.3 : (rr % 2 ? -1.0 : 1.0) * a + 0.3;
            L_in[(size_t)t * 2 + 1] = 1e-4 * sin(0.37 * t);
        }
        for (spill = 0; spill < 2; spill++) {
            const int ncuts = make_cuts(nt, 2, cuts);
            fill_S(13, 13, 2, 0);
            compare("critical plane ring", 13, 13, 2, nt, FT_EQ_CRITICAL_PLANE, &p, 0.0,
                    spill, cuts, ncuts, 6);
        }
    }
}

/* many load channels (up to FT_FATIGUE_MAX_CHANNELS: the block's transposed unit stresses) */
static void test_many_channels(void)
{
    static const int nchs[3] = {7, 17, FT_FATIGUE_MAX_CHANNELS};
    int r, q, cuts[MAXT];
    FtFatigueParams p;
    params(&p, 1, FT_MSC_SWT, FT_MEAN_COMPR_ZERO);
    for (r = 0; r < 3; r++)
        for (q = 0; q < 4; q++) {
            const int nn = 11, nt = 250, ncuts = make_cuts(nt, 2, cuts);
            fill_S(nn, nn, nchs[r], 0);
            fill_L(nt, nchs[r], 1);
            compare("many channels", nn, nn, nchs[r], nt, q, &p, 0.0, 1, cuts, ncuts, 5);
        }
}

int main(void)
{
    const char *env = getenv("FTWIN_SIMD");
    const char *first = ft_cpu_fatigue_simd_name(); /* the path chosen from the environment */
    int q;
    printf("test_fatigue_simd: vector paths of the fused fatigue kernel vs the scalar kernel\n");
    printf("  FTWIN_SIMD=%s: path %s\n", env ? env : "(unset)", first);
    if (env && *env) {
        /* only the path the environment asks for; assert it is the one used */
        if (!strcmp(env, "off") || !strcmp(env, "scalar")) {
            CHECK_STR(first, "scalar");
        } else {
            for (q = 0; q < 3; q++)
                if (!strcmp(env, paths[q])) CHECK_STR(first, env);
            run_paths[npaths_run++] = first;
        }
        if (!strcmp(first, "scalar")) {
            /* scalar forced: the kernel vs itself is trivial; the reference counts are
             * checked by unit.fatigue(_scalar); here the calls must not switch paths */
            run_paths[npaths_run++] = "scalar";
        }
    } else {
        for (q = 0; q < 3; q++) {
            CHECK(ft_cpu_fatigue_set_simd_path(paths[q]) == 0);
            if (!strcmp(ft_cpu_fatigue_simd_name(), paths[q])) run_paths[npaths_run++] = paths[q];
            else printf("  %s: not on this CPU, skipped\n", paths[q]);
        }
#if defined(__x86_64__) && !defined(FT_NO_SIMD)
        CHECK(npaths_run >= 1); /* sse2 at least on any x86-64 */
#else
        CHECK_STR(ft_cpu_fatigue_simd_name(), "scalar"); /* the portable build: scalar only */
#endif
    }
    CHECK(ft_cpu_fatigue_set_simd_path("no-such-path") == -1);
    for (q = 0; q < npaths_run; q++) printf("  comparing path %s with scalar\n", run_paths[q]);
    test_random();
    test_node_counts();
    test_ring();
    test_plateaus();
    test_critical_plane();
    test_many_channels();
    printf("  %lld cases, %lld node-steps, %lld reversals, %lld signals spilled, %lld with "
           "bounded overflow, %lld with NaN samples\n",
           ncases, nsteps_total, nrev_total, nspilled, noverflow, nnan);
    CHECK(nspilled > 0 && noverflow > 0 && nnan > 0); /* the cases did reach those paths */
    if (env && *env) { /* still the path the environment chose */
        if (!strcmp(first, "scalar")) CHECK_STR(ft_cpu_fatigue_simd_name(), "scalar");
    }
    return check_summary();
}
