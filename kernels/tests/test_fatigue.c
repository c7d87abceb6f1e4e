/* Unit tests of the ftwin fatigue kernels (kernels/ft_rainflow.h, ft_sn.h, ft_equivalent.h,
 * ft_fatigue_batch.h + kernels/cpu/ft_cpu_fatigue.c). Checks: kernels/tests/check.h.
 *
 * Build and run (from the repository root):
 *   gcc -std=c11 -O2 -Wall -Wextra -Werror -Ikernels -Itests/unit kernels/tests/test_fatigue.c \
 *       kernels/cpu/ft_cpu_fatigue.c kernels/cpu/ft_cpu_fatigue_simd.c -lblas -lm -o /tmp/test_fatigue && /tmp/test_fatigue
 *
 * Every failed CHECK prints file:line and the values; the last line is exactly
 * "N passed, N failed" and the exit status is non-zero if anything failed.
 * The throughput of ft_cpu_fatigue_batch (one core unless built with -fopenmp) is
 * printed, not asserted.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ft_equivalent.h"
#include "ft_fatigue_batch.h"
#include "ft_rainflow.h"
#include "ft_sn.h"
#include "check.h"

/* ---------------------------------------------------------------- helpers ------------ */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Counts the whole history x[0..n) in one go (push all, then finish). Returns the number of
 * cycles written to cyc (cap entries), -1 on overflow of the array. */
static int count_whole(const double *x, int n, double gate, FtCycle *cyc, int cap,
                       FtRainflowState *out_state)
{
    FtRainflowState s;
    int nc = 0, t, lost = 0;
    ft_rf_init(&s, gate);
    for (t = 0; t < n; t++) lost += ft_rf_push_cycles(&s, x[t], cyc, cap, &nc);
    lost += ft_rf_finish_cycles(&s, cyc, cap, &nc);
    if (out_state) *out_state = s;
    return lost ? -1 : nc;
}

/* Same history in random chunks (the state carried between chunks). */
static int count_chunked(const double *x, int n, double gate, FtCycle *cyc, int cap)
{
    FtRainflowState s;
    int nc = 0, t = 0, lost = 0;
    ft_rf_init(&s, gate);
    while (t < n) {
        const int len = irand(0, 1 + n / 3), end = (t + len < n) ? t + len : n;
        for (; t < end; t++) lost += ft_rf_push_cycles(&s, x[t], cyc, cap, &nc);
    }
    lost += ft_rf_finish_cycles(&s, cyc, cap, &nc);
    return lost ? -1 : nc;
}

static int same_cycles(const FtCycle *a, int na, const FtCycle *b, int nb)
{
    int i;
    if (na != nb) return 0;
    for (i = 0; i < na; i++)
        if (a[i].range != b[i].range || a[i].mean != b[i].mean || a[i].count != b[i].count)
            return 0;
    return 1;
}

/* reversals by the streaming filter: confirmed ones + the pending end point */
static int stream_reversals(const double *x, int n, double gate, double *rev)
{
    FtReversalFilter f;
    int nr = 0, t;
    double r;
    ft_rev_init(&f, gate);
    for (t = 0; t < n; t++)
        if (ft_rev_push(&f, x[t], &r)) rev[nr++] = r;
    if (ft_rev_pending(&f, &r)) rev[nr++] = r;
    return nr;
}

static void params_basquin(FtFatigueParams *p, double S_ref, double N_ref, double m,
                           double S_e)
{
    memset(p, 0, sizeof *p);
    ft_sn_init_basquin(&p->sn, S_ref, N_ref, m, S_e);
    p->msc = FT_MSC_NONE;
    p->mean_compr = FT_MEAN_COMPR_ZERO;
    p->S_u = 500.0;
    p->S_y = 300.0;
    p->sigma_f = 900.0;
    p->walker_gamma = 0.6;
}

/* ---------------------------------------------------------------- ASTM E1049 --------- */
/* ASTM E1049-85 (reapproved 2017), sec. 5.4.4, Fig. 6: reversals -2 1 -3 5 -1 3 -4 4 -2.
 * Counts of the standard: range 3: 0.5, 4: 1.5, 6: 0.5, 8: 1.0, 9: 0.5 (1, 2, 5, 7, 10: 0).
 * The individual cycles in counting order with their means (the same table is printed by
 * MATLAB's rainflow() documentation example for this history):
 *   step 5 (half, S = -2 -> 1):     range 3, mean -0.5
 *   step 5 (half, S = 1 -> -3):     range 4, mean -1
 *   step 4 (full, -1..3):           range 4, mean  1
 *   step 5 (half, S = -3 -> 5):     range 8, mean  1
 *   step 6 (residue 5 -4 4 -2):     ranges 9, 8, 6, means 0.5, 0, 1 (halves). */
static void test_astm_example(void)
{
    const double rev[9] = {-2, 1, -3, 5, -1, 3, -4, 4, -2};
    const FtCycle want[7] = {{3, -0.5, 0.5}, {4, -1, 0.5}, {4, 1, 1.0}, {8, 1, 0.5},
                             {9, 0.5, 0.5},  {8, 0, 0.5},  {6, 1, 0.5}};
    const double want_hist[11] = {0, 0, 0, 0.5, 1.5, 0, 0.5, 0, 1.0, 0.5, 0}; /* range 0..10 */
    FtCycle cyc[64], cyc2[64];
    double hist[11] = {0}, dense[200];
    int n, n2, i, split, nd = 0;
    FtRainflowState s, s_copy;

    CHECK_CONTEXT("ASTM E1049 Fig. 6, whole history");
    n = count_whole(rev, 9, 0.0, cyc, 64, &s);
    CHECK(n == 7);
    CHECK(same_cycles(cyc, n, want, 7));
    for (i = 0; i < n; i++) {
        const int r = (int)cyc[i].range;
        CHECK((double)r == cyc[i].range && r >= 0 && r <= 10);
        if (r >= 0 && r <= 10) hist[r] += cyc[i].count;
    }
    for (i = 0; i <= 10; i++) CHECK(hist[i] == want_hist[i]);
    CHECK(s.nrev == 8); /* -2 ... 4 confirmed, the end point -2 is pending */

    CHECK_CONTEXT("ASTM E1049 Fig. 6, finish leaves the state unchanged");
    s_copy = s;
    n2 = 0;
    ft_rf_finish_cycles(&s, cyc2, 64, &n2);
    CHECK(memcmp(&s, &s_copy, sizeof s) == 0);
    n2 = 0;
    ft_rf_finish_cycles(&s, cyc2, 64, &n2); /* the residue part again, identical */
    CHECK(n2 == 3 && same_cycles(cyc2, n2, want + 4, 3));

    CHECK_CONTEXT("ASTM E1049 Fig. 6, literal reference implementation");
    n2 = ft_rainflow_reference(rev, 9, 0.0, cyc2, 64);
    CHECK(same_cycles(cyc2, n2, want, 7));

    CHECK_CONTEXT("ASTM E1049 Fig. 6, every 2-chunk split");
    for (split = 0; split <= 9; split++) {
        FtRainflowState a;
        int m = 0, t;
        ft_rf_init(&a, 0.0);
        for (t = 0; t < split; t++) ft_rf_push_cycles(&a, rev[t], cyc2, 64, &m);
        for (t = split; t < 9; t++) ft_rf_push_cycles(&a, rev[t], cyc2, 64, &m);
        ft_rf_finish_cycles(&a, cyc2, 64, &m);
        CHECK(same_cycles(cyc2, m, want, 7));
    }

    CHECK_CONTEXT("ASTM E1049 Fig. 6 sampled densely (intermediate points, repeated values)");
    for (i = 0; i + 1 < 9; i++) {
        const int steps = 4 + i % 3;
        int j;
        for (j = 0; j < steps; j++) {
            const double v = rev[i] + (rev[i + 1] - rev[i]) * j / steps;
            dense[nd++] = v;
            if (j % 2 == 0) dense[nd++] = v; /* repeats are skipped */
        }
    }
    dense[nd++] = rev[8];
    dense[nd++] = rev[8];
    n = count_whole(dense, nd, 0.0, cyc, 64, NULL);
    CHECK(same_cycles(cyc, n, want, 7));

    CHECK_CONTEXT("ASTM E1049 Fig. 6 with gate 3.5: the range-3 start is filtered out");
    {
        /* filtered reversals 1 -3 5 -1 3 -4 4 -2 (the band [-3, 1] of width 4 > 3.5 is
         * left downwards at -3, so 1 is the starting point), counted by hand as above */
        const FtCycle wg[6] = {{4, -1, 0.5}, {4, 1, 1.0}, {8, 1, 0.5},
                               {9, 0.5, 0.5}, {8, 0, 0.5}, {6, 1, 0.5}};
        double r[16];
        const double wr[8] = {1, -3, 5, -1, 3, -4, 4, -2};
        const int nr = stream_reversals(rev, 9, 3.5, r);
        CHECK(nr == 8 && memcmp(r, wr, sizeof wr) == 0);
        n = count_whole(rev, 9, 3.5, cyc, 64, NULL);
        CHECK(same_cycles(cyc, n, wg, 6));
        n2 = ft_rainflow_reference(rev, 9, 3.5, cyc2, 64);
        CHECK(same_cycles(cyc2, n2, wg, 6));
    }

    CHECK_CONTEXT("ASTM E1049 Fig. 6, damage through ft_rf_push / ft_rf_finish");
    {
        FtFatigueParams p;
        FtDamageAcc acc, snap;
        FtRainflowState a;
        double want_d = 0.0;
        int t;
        params_basquin(&p, 1.0, 1000.0, 3.0, 0.0); /* N = 1000 S_a^-3 */
        for (i = 0; i < 7; i++) want_d += want[i].count * pow(0.5 * want[i].range, 3.0) / 1000.0;
        ft_rf_init(&a, 0.0);
        ft_damage_init(&acc);
        for (t = 0; t < 9; t++) ft_rf_push(&a, rev[t], &p, &acc);
        snap = acc;
        ft_rf_finish(&a, &p, &snap);
        CHECK_REL(ft_damage_value(&snap), want_d, 1e-14);
        CHECK(snap.cycles == 4.0 && snap.max_range == 9.0 && snap.flags == 0u); /* sum of counts */
    }
}

/* ---------------------------------------------------------------- properties --------- */
/* What is conserved (exact in real arithmetic, exact in doubles for integer samples):
 * let R_0..R_K be the reversals (start, peaks/valleys, end point), TV = sum |R_i+1 - R_i|.
 *  - a full cycle (step 4) on retained points q, a, b, c with |a-b| <= |b-c| and (stack
 *    invariant) |a-b| < |q-a| has b strictly between q and a, and a between q and c, so
 *    |q-c| = |q-a| - |a-b| + |b-c|: the retained path loses exactly 2 |a-b| = 2 count range;
 *  - a half cycle (step 5, or the overflow rule) drops the first range: the path loses
 *    |Y| = 2 * 0.5 * range;  step 6 counts each remaining range once with count 0.5.
 * Hence  sum over cycles of 2 count range == TV  and  sum of 2 count == K (number of
 * ranges between reversals). Both are checked exactly on integer-valued histories. */
static void test_rainflow_properties(void)
{
    enum { NMAX = 4000 };
    static double x[NMAX], r1[NMAX], r2[NMAX], r3[NMAX];
    static FtCycle cw[NMAX], cc[NMAX], cr[NMAX];
    int trial, max_res = 0;
    for (trial = 0; trial < 300; trial++) {
        const int n = irand(1, NMAX);
        const int kind = trial % 3; /* 0: small integers (many repeats), 1: random walk, 2: real */
        const double gate = (trial % 5 == 4) ? (double)irand(1, 12) + 0.5 * (trial % 2) : 0.0;
        int t, nw, nch, nref, nr, nr2, nr3, i, ok;
        FtRainflowState s;
        double tv = 0.0, sum_rng = 0.0, sum_cnt = 0.0;
        for (t = 0; t < n; t++) {
            if (kind == 0) x[t] = (double)irand(-20, 20);
            else if (kind == 1) x[t] = (t ? x[t - 1] : 0.0) + (double)irand(-9, 9);
            else x[t] = 200.0 * urand() - 100.0 + 30.0 * sin(0.01 * t);
        }
        CHECK_CONTEXT("random history %d (n %d, kind %d, gate %g)", trial, n, kind, gate);
        nw = count_whole(x, n, gate, cw, NMAX, &s);
        nch = count_chunked(x, n, gate, cc, NMAX);
        nref = ft_rainflow_reference(x, n, gate, cr, NMAX);
        CHECK(nw >= 0);
        CHECK(same_cycles(cw, nw, cc, nch));  /* chunked == whole, bit for bit, same order */
        CHECK(same_cycles(cw, nw, cr, nref)); /* streaming == literal ASTM on the array */
        CHECK(s.flags == 0u);
        if (s.n > max_res) max_res = s.n;
        /* residue invariant: strictly decreasing ranges */
        ok = 1;
        for (i = 0; i + 2 < s.n; i++)
            if (!(fabs(s.res[i + 2] - s.res[i + 1]) < fabs(s.res[i + 1] - s.res[i]))) ok = 0;
        CHECK(ok);
        /* reversal extraction: streaming == offline, and idempotent */
        nr = stream_reversals(x, n, gate, r1);
        nr2 = ft_reversals_reference(x, n, gate, r2);
        CHECK(nr == nr2 && memcmp(r1, r2, (size_t)nr * sizeof *r1) == 0);
        nr3 = stream_reversals(r1, nr, gate, r3);
        CHECK(nr3 == nr && memcmp(r1, r3, (size_t)nr * sizeof *r1) == 0);
        CHECK((long long)nr == s.nrev + (nr > 0 ? 1 : 0)); /* + the pending end point */
        /* reversals strictly alternate and every range exceeds the gate */
        ok = 1;
        for (i = 0; i + 1 < nr; i++) {
            if (!(fabs(r1[i + 1] - r1[i]) > gate)) ok = 0;
            if (i + 2 < nr && !((r1[i + 1] - r1[i]) * (r1[i + 2] - r1[i + 1]) < 0.0)) ok = 0;
        }
        CHECK(ok);
        for (i = 0; i < nw; i++) {
            sum_rng += 2.0 * cw[i].count * cw[i].range;
            sum_cnt += 2.0 * cw[i].count;
            if (!(cw[i].range > gate)) ok = 0;
        }
        CHECK(ok);
        for (i = 0; i + 1 < nr; i++) tv += fabs(r1[i + 1] - r1[i]);
        CHECK(sum_cnt == (double)(nr > 0 ? nr - 1 : 0));
        if (kind != 2) CHECK(sum_rng == tv);        /* exact for integers */
        else CHECK_REL(sum_rng, tv, 1e-12);
    }
    printf("  random histories: largest residue %d points (capacity %d)\n", max_res,
           FT_RF_MAX_RESIDUE);

    /* a long stationary random history: the residue stays short */
    {
        FtRainflowState s;
        int t, big = 0;
        double v = 0.0;
        ft_rf_init(&s, 0.0);
        for (t = 0; t < 2000000; t++) {
            v = 0.95 * v + (urand() - 0.5);
            ft_rf_push(&s, v, NULL, NULL);
            if (s.n > big) big = s.n;
        }
        CHECK_CONTEXT("2e6-sample AR(1) history");
        CHECK(s.flags == 0u);
        printf("  2e6-sample AR(1) history: %lld reversals, largest residue %d points\n",
               s.nrev, big);
    }

    /* non-finite samples are ignored and flagged */
    {
        FtRainflowState s;
        FtCycle c[16];
        int m = 0;
        const double xs[5] = {0.0, 2.0, NAN, -1.0, INFINITY};
        int t;
        char msg[512];
        ft_rf_init(&s, 0.0);
        for (t = 0; t < 5; t++) ft_rf_push_cycles(&s, xs[t], c, 16, &m);
        ft_rf_finish_cycles(&s, c, 16, &m);
        CHECK_CONTEXT("NaN / inf samples");
        CHECK(s.flags == FT_RF_ERR_NAN);
        CHECK(m == 2 && c[0].range == 2.0 && c[1].range == 3.0);
        CHECK(ft_fatigue_status_message(s.flags, NULL, NULL, msg, sizeof msg) == 1);
        CHECK(strstr(msg, "non-finite") != NULL);
    }

    /* a cycle array too small is reported, never overrun */
    {
        FtRainflowState s;
        FtCycle c[3];
        const double xs[9] = {-2, 1, -3, 5, -1, 3, -4, 4, -2};
        int m = 0, t, lost = 0;
        ft_rf_init(&s, 0.0);
        for (t = 0; t < 9; t++) lost += ft_rf_push_cycles(&s, xs[t], c, 3, &m);
        lost += ft_rf_finish_cycles(&s, c, 3, &m);
        CHECK_CONTEXT("cycle array of 3 for 7 cycles");
        CHECK(m == 3 && lost == 4 && (s.flags & FT_RF_ERR_CYCLES_FULL));
    }
}

/* A slowly decaying ring-down 100, -99.5, 99, ... is a converging sequence: ASTM keeps every
 * point in the residue. With more points than FT_RF_MAX_RESIDUE the overflow rule kicks in:
 * flagged, never out of bounds, conservation (sum 2 count range == TV) still exact. */
static void test_residue_overflow(void)
{
    enum { NP = 3 * FT_RF_MAX_RESIDUE };
    double x[NP], tv = 0.0, sr = 0.0, sc = 0.0;
    FtCycle c[2 * NP];
    FtRainflowState s;
    int t, m = 0, lost = 0;
    char msg[512];
    for (t = 0; t < NP; t++) x[t] = (t % 2 ? -1.0 : 1.0) * (100.0 - 0.5 * t);
    for (t = 0; t + 1 < NP; t++) tv += fabs(x[t + 1] - x[t]);
    ft_rf_init(&s, 0.0);
    for (t = 0; t < NP; t++) {
        lost += ft_rf_push_cycles(&s, x[t], c, 2 * NP, &m);
        if (s.n > FT_RF_MAX_RESIDUE) break;
    }
    lost += ft_rf_finish_cycles(&s, c, 2 * NP, &m);
    CHECK_CONTEXT("ring-down of %d reversals", NP);
    CHECK(lost == 0);
    CHECK(s.n <= FT_RF_MAX_RESIDUE);
    CHECK(s.flags & FT_RF_ERR_OVERFLOW);
    for (t = 0; t < m; t++) {
        sr += 2.0 * c[t].count * c[t].range;
        sc += 2.0 * c[t].count;
    }
    CHECK(sr == tv);
    CHECK(sc == (double)(NP - 1));
    CHECK(ft_fatigue_status_message(s.flags, NULL, NULL, msg, sizeof msg) == 1);
    CHECK(strstr(msg, "residue") != NULL);
    /* a ring-down that fits keeps the exact count: every range a half cycle */
    {
        const int np = FT_RF_MAX_RESIDUE - 1;
        int nw;
        nw = count_whole(x, np, 0.0, c, 2 * NP, &s);
        CHECK_CONTEXT("ring-down of %d reversals (fits)", np);
        CHECK(s.flags == 0u && nw == np - 1);
        CHECK(c[0].count == 0.5 && c[nw - 1].count == 0.5);
    }
}

/* ---------------------------------------------------------------- exact with a spill - */
/* Independent reference: the plain three-point algorithm of ASTM E1049 5.4.4 on an
 * unbounded array of reversals (no inline/spill split, no streaming), with the starting
 * point tracked by its index. rev[0..n) must alternate (every point a reversal). */
static int ref_unbounded(const double *rev, int n, FtCycle *out)
{
    double *p = (double *)malloc((size_t)(n + 1) * sizeof *p);
    int *id = (int *)malloc((size_t)(n + 1) * sizeof *id);
    int cnt = 0, S = 0, r, m = 0;
    if (!p || !id) {
        free(p);
        free(id);
        return -1;
    }
    for (r = 0; r < n; r++) {
        p[cnt] = rev[r];
        id[cnt++] = r;
        while (cnt >= 3) {
            const double X = fabs(p[cnt - 1] - p[cnt - 2]), Y = fabs(p[cnt - 2] - p[cnt - 3]);
            if (X < Y) break;
            out[m].range = Y;
            out[m].mean = 0.5 * (p[cnt - 3] + p[cnt - 2]);
            if (id[cnt - 3] == S) { /* Y contains S: half cycle, S moves on */
                out[m++].count = 0.5;
                S = id[cnt - 2];
                p[cnt - 3] = p[cnt - 2];
                id[cnt - 3] = id[cnt - 2];
                p[cnt - 2] = p[cnt - 1];
                id[cnt - 2] = id[cnt - 1];
                cnt--;
            } else {
                out[m++].count = 1.0;
                p[cnt - 3] = p[cnt - 1];
                id[cnt - 3] = id[cnt - 1];
                cnt -= 2;
            }
        }
    }
    for (r = 0; r + 1 < cnt; r++) {
        out[m].range = fabs(p[r + 1] - p[r]);
        out[m].mean = 0.5 * (p[r] + p[r + 1]);
        out[m++].count = 0.5;
    }
    free(p);
    free(id);
    return m;
}

/* A spill "saved and restored": copied into a fresh array of exactly its live length
 * (cap = n: the next full residue must grow it again), the old one freed. */
static void spill_roundtrip(FtRfSpill *sp)
{
    FtRfSpill cp;
    cp.n = cp.cap = sp->n;
    cp.v = (double *)malloc((size_t)(sp->n + 1) * sizeof *cp.v);
    CHECK(cp.v != NULL);
    if (!cp.v) return;
    if (sp->n) memcpy(cp.v, sp->v, (size_t)sp->n * sizeof *cp.v);
    ft_rf_spill_free(sp);
    *sp = cp;
}

/* Streams x[0..n) with a spill, whole (chunked == 0) or in chunks of random length with
 * the state and spill saved / restored at every boundary. Cycles to cyc[cap] (returns
 * their number, -1 if cap too small); *max_spill = largest spill length seen. */
static int count_spill(const double *x, int n, int chunked, FtCycle *cyc, int cap,
                       long long *max_spill, unsigned *flags)
{
    FtRainflowState s, saved;
    FtRfSpill sp = {NULL, 0, 0};
    int t = 0, nc = 0, lost = 0;
    ft_rf_init(&s, 0.0);
    *max_spill = 0;
    while (t < n) {
        const int len = chunked ? irand(1, 1 + n / 7) : n, end = (t + len < n) ? t + len : n;
        for (; t < end; t++) {
            if (s.n == FT_RF_MAX_RESIDUE) CHECK(ft_rf_spill_reserve(&sp) == 0);
            lost += ft_rf_push_cycles_spill(&s, &sp, x[t], cyc, cap, &nc);
            if (sp.n > *max_spill) *max_spill = sp.n;
        }
        if (chunked) {
            saved = s; /* the POD state by value, as the counting state file does */
            memset(&s, 0xA5, sizeof s);
            s = saved;
            spill_roundtrip(&sp);
        }
    }
    lost += ft_rf_finish_cycles_spill(&s, &sp, cyc, cap, &nc);
    *flags = s.flags;
    ft_rf_spill_free(&sp);
    return lost ? -1 : nc;
}

/* The damage of x[0..n) with a spill (ft_cpu_rf_push_spill), whole or chunked as above. */
static FtDamageAcc damage_spill(const double *x, int n, int chunked, const FtFatigueParams *p)
{
    FtRainflowState s;
    FtRfSpill sp = {NULL, 0, 0};
    FtDamageAcc acc, tail;
    int t = 0;
    ft_rf_init(&s, 0.0);
    ft_damage_init(&acc);
    while (t < n) {
        const int len = chunked ? irand(1, 1 + n / 5) : n, end = (t + len < n) ? t + len : n;
        for (; t < end; t++) ft_cpu_rf_push_spill(&s, &sp, x[t], p, &acc);
        if (chunked) spill_roundtrip(&sp);
    }
    tail = acc;
    ft_rf_finish_spill(&s, &sp, p, &tail);
    ft_rf_spill_free(&sp);
    return tail;
}

/* Histories whose residue outgrows FT_RF_MAX_RESIDUE: the count with a spill equals the
 * unbounded reference cycle by cycle (same ranges, means, counts, same order: exact
 * equality, the same double operations), with no flag; chunked with the spill saved and
 * restored at random boundaries equals whole, bit for bit; the damage equals the sum of
 * the reference's cycles in order, bit for bit. Values are multiples of 2^-4 below 2^20
 * (ring-downs) so every range and mean is exact. */
static void test_spill_exact(void)
{
    static const int NR[] = {200, 201, 500, 2000};
    FtFatigueParams p;
    size_t q;
    params_basquin(&p, 100.0, 1e6, 5.0, 0.0);
    for (q = 0; q < sizeof NR / sizeof NR[0] + 40; q++) {
        const int cap = 20000;
        double *x = (double *)malloc(cap * sizeof *x);
        FtCycle *cr = (FtCycle *)malloc(cap * sizeof *cr), *cw = (FtCycle *)malloc(cap * sizeof *cw);
        FtCycle *cc = (FtCycle *)malloc(cap * sizeof *cc);
        int n = 0, nref, nw, nch, t, ok;
        long long msw, msc;
        unsigned fw, fc;
        FtDamageAcc dref, dw, dc;
        if (!x || !cr || !cw || !cc) {
            CHECK(0);
            return;
        }
        if (q < sizeof NR / sizeof NR[0]) { /* ring-down of N reversals, then ring-up */
            const int N = NR[q];
            for (t = 0; t < N; t++, n++) x[n] = (n % 2 ? -1.0 : 1.0) * (1000.0 - 0.25 * t);
            for (t = N - 1; t >= 0; t--, n++) x[n] = (n % 2 ? -1.0 : 1.0) * (1000.0 - 0.25 * t + 0.125);
            CHECK_CONTEXT("ring-down of %d reversals then ring-up", N);
        } else { /* random: noise, long ring-downs / ring-ups, mixed */
            double v = 0.0;
            int sign = 1;
            while (n < cap - 3000) {
                const int kind = irand(0, 2), len = irand(50, 2500);
                const double a0 = 200.0 + 800.0 * urand(), d = 0.5 * a0 / len * urand();
                for (t = 0; t < len && n < cap - 1; t++) {
                    if (kind == 0) v = sign * (50.0 + 500.0 * urand());        /* noise */
                    else if (kind == 1) v = sign * (a0 - d * t); /* ring-down */
                    else v = sign * (a0 * 0.2 + d * t);                        /* ring-up */
                    x[n++] = v;
                    sign = -sign;
                }
            }
            CHECK_CONTEXT("random history %d with long ring-downs (%d reversals)", (int)q, n);
        }
        nref = ref_unbounded(x, n, cr);
        nw = count_spill(x, n, 0, cw, cap, &msw, &fw);
        nch = count_spill(x, n, 1, cc, cap, &msc, &fc);
        CHECK(nref > 0 && nw == nref);
        CHECK(same_cycles(cw, nw, cr, nref)); /* exact ASTM, cycle by cycle */
        CHECK(same_cycles(cc, nch, cw, nw));  /* pieces == whole, bit for bit */
        CHECK(fw == 0u && fc == 0u);
        if (q < sizeof NR / sizeof NR[0]) CHECK(msw >= NR[q] - FT_RF_MAX_RESIDUE);
        /* the damage: the reference's cycles summed in order == streamed, whole and chunked */
        ft_damage_init(&dref);
        for (t = 0; t < nref; t++) ft_damage_add_cycle(&dref, &p, cr[t].range, cr[t].mean, cr[t].count);
        dw = damage_spill(x, n, 0, &p);
        dc = damage_spill(x, n, 1, &p);
        CHECK(memcmp(&dw, &dref, sizeof dw) == 0);
        CHECK(memcmp(&dc, &dref, sizeof dc) == 0);
        /* without a spill the same history is flagged (bounded count) when it outgrows res */
        {
            FtRainflowState s;
            int m = 0;
            ft_rf_init(&s, 0.0);
            for (t = 0; t < n; t++) ft_rf_push_cycles(&s, x[t], cc, cap, &m);
            ok = (msw > 0) == ((s.flags & FT_RF_ERR_OVERFLOW) != 0);
            CHECK(ok);
        }
        /* a spill that cannot grow (one block of room, never reserved again): the bounded
         * count past it, flagged; every range still counted once in all (sum of 2 count range
         * = total variation, sum of 2 count = reversals - 1: exact for these multiples of
         * 2^-4 in the ring-down cases) */
        if (q < sizeof NR / sizeof NR[0] && NR[q] > 2 * FT_RF_MAX_RESIDUE) {
            FtRainflowState s;
            FtRfSpill sp;
            double buf[FT_RF_SPILL_BLOCK], tv = 0.0, sr = 0.0, sc = 0.0;
            int m = 0;
            sp.v = buf;
            sp.n = 0;
            sp.cap = FT_RF_SPILL_BLOCK;
            ft_rf_init(&s, 0.0);
            for (t = 0; t < n; t++) ft_rf_push_cycles_spill(&s, &sp, x[t], cc, cap, &m);
            ft_rf_finish_cycles_spill(&s, &sp, cc, cap, &m);
            for (t = 0; t + 1 < n; t++) tv += fabs(x[t + 1] - x[t]);
            for (t = 0; t < m; t++) {
                sr += 2.0 * cc[t].count * cc[t].range;
                sc += 2.0 * cc[t].count;
            }
            CHECK((s.flags & FT_RF_ERR_OVERFLOW) && sp.n <= sp.cap && s.n <= FT_RF_MAX_RESIDUE);
            CHECK(sr == tv && sc == (double)(n - 1));
        }
        if (q == sizeof NR / sizeof NR[0] - 1)
            printf("  ring-down of %d + ring-up: %d cycles exact, largest spill %lld points\n",
                   NR[q], nw, msw);
        free(x);
        free(cr);
        free(cw);
        free(cc);
    }
}

/* ---------------------------------------------------------------- S-N curves --------- */
/* Constant amplitude: history A, -A, A, ... (2n+1 points) = 2n ranges of 2A, every one a
 * half cycle (step 5 each time, residue one range): n cycles at amplitude A, mean 0. */
static double ca_damage(const FtFatigueParams *p, double A, int ncyc)
{
    FtRainflowState s;
    FtDamageAcc acc;
    int t;
    ft_rf_init(&s, 0.0);
    ft_damage_init(&acc);
    for (t = 0; t <= 2 * ncyc; t++) ft_rf_push(&s, (t % 2) ? -A : A, p, &acc);
    ft_rf_finish(&s, p, &acc);
    CHECK(acc.cycles == (double)ncyc);
    return ft_damage_value(&acc);
}

static void test_sn_curves(void)
{
    FtFatigueParams p;
    FtSNCurve *c = &p.sn;

    /* Basquin: N = 1e6 (S/100)^-5, endurance 50 */
    params_basquin(&p, 100.0, 1e6, 5.0, 50.0);
    CHECK_CONTEXT("Basquin");
    CHECK(ft_sn_validate(c) == FT_FAT_OK);
    CHECK_REL(ft_sn_cycles(c, 200.0), 31250.0, 1e-14); /* 1e6 / 2^5 */
    CHECK_REL(ft_sn_cycles(c, 100.0), 1e6, 1e-14);
    CHECK_REL(ft_sn_cycles(c, 50.0), 3.2e7, 1e-14);    /* at the limit: finite */
    CHECK(ft_sn_cycles(c, 49.999) == INFINITY);         /* below: infinite life */
    CHECK(ft_sn_cycles(c, 0.0) == INFINITY);
    CHECK(ft_sn_damage_per_cycle(c, 49.0) == 0.0);
    CHECK_REL(ft_sn_damage_per_cycle(c, 200.0), 1.0 / 31250.0, 1e-14);
    CHECK_REL(ca_damage(&p, 150.0, 1000), 1000.0 / (1e6 * pow(1.5, -5.0)), 1e-12);
    CHECK(ca_damage(&p, 40.0, 1000) == 0.0);
    /* Marin: k = 0.8 * 0.9 = 0.72: amplitude 72 acts as 100 */
    c->marin[0] = 0.8;
    c->marin[4] = 0.9;
    CHECK_REL(ft_sn_cycles(c, 72.0), 1e6, 1e-14);
    CHECK_REL(ca_damage(&p, 108.0, 500), 500.0 / (1e6 * pow(1.5, -5.0)), 1e-12);

    /* knee: upper line N = 2e6 (S/100)^-3, knee at 50 (N_k = 1.6e7), Haibach m2 = 5 */
    memset(&p, 0, sizeof p);
    ft_sn_init_knee(c, 100.0, 2e6, 3.0, 50.0, 0.0, 1, 30.0);
    CHECK_CONTEXT("knee (Haibach)");
    CHECK(ft_sn_validate(c) == FT_FAT_OK);
    CHECK(ft_sn_m2(c) == 5.0);
    CHECK_REL(ft_sn_cycles(c, 200.0), 2.5e5, 1e-14);
    CHECK_REL(ft_sn_cycles(c, 50.0), 1.6e7, 1e-14);
    CHECK_REL(ft_sn_cycles(c, 40.0), 1.6e7 * pow(0.8, -5.0), 1e-14); /* 48828125 */
    CHECK_REL(ft_sn_cycles(c, 40.0), 48828125.0, 1e-13);
    CHECK(ft_sn_cycles(c, 29.0) == INFINITY); /* cut-off */
    CHECK_REL(ca_damage(&p, 120.0, 2000), 2000.0 / (2e6 * pow(1.2, -3.0)), 1e-12);
    CHECK_REL(ca_damage(&p, 40.0, 2000), 2000.0 / 48828125.0, 1e-12);
    c->haibach = 0; /* given m2 = 7 */
    c->m2 = 7.0;
    CHECK_CONTEXT("knee (m2 = 7)");
    CHECK_REL(ft_sn_cycles(c, 40.0), 1.6e7 * pow(0.8, -7.0), 1e-14);
    CHECK_REL(ca_damage(&p, 45.0, 700), 700.0 / (1.6e7 * pow(0.9, -7.0)), 1e-12);

    /* table: (400, 1e4) (200, 1e5) (100, 1e7) */
    {
        const double S[3] = {400.0, 200.0, 100.0}, N[3] = {1e4, 1e5, 1e7};
        memset(&p, 0, sizeof p);
        ft_sn_init_table(c, 3, S, N);
        CHECK_CONTEXT("table");
        CHECK(ft_sn_validate(c) == FT_FAT_OK);
        CHECK(ft_sn_cycles(c, 200.0) == 1e5);
        CHECK(ft_sn_cycles(c, 100.0) == 1e7);
        /* 300: 1e4 * 10^(log(3/4)/log(1/2)) = 26003.84... */
        CHECK_REL(ft_sn_cycles(c, 300.0), 26003.840843650378, 1e-13);
        CHECK_REL(ft_sn_cycles(c, 100.0 * sqrt(2.0)), 1e6, 1e-13); /* t = 1/2 */
        CHECK_REL(ft_sn_cycles(c, 800.0), 1e3, 1e-13);              /* extrapolated */
        CHECK(ft_sn_cycles(c, 99.0) == INFINITY);                    /* below the last */
        CHECK_REL(ca_damage(&p, 300.0, 1234), 1234.0 / 26003.840843650378, 1e-12);
        CHECK_REL(ca_damage(&p, 150.0, 99), 99.0 / (1e5 * pow(100.0, log(0.75) / log(0.5))),
                  1e-12);
    }
}

/* ---------------------------------------------------------------- mean stress -------- */
/* Worked by hand, S_a = 100, S_m = 50, S_u = 500, S_y = 300, sigma_f' = 900, gamma = 0.6:
 *   Goodman    100 / (1 - 50/500)       = 100 / 0.9      = 111.111111...
 *   Gerber     100 / (1 - (50/500)^2)   = 100 / 0.99     = 101.010101...
 *   Soderberg  100 / (1 - 50/300)       = 100 / (5/6)    = 120
 *   Morrow     100 / (1 - 50/900)       = 100 / (17/18)  = 105.882352941...
 *   SWT        sqrt(150 * 100)          = sqrt(15000)    = 122.474487139...
 *   Walker     150^0.4 * 100^0.6 = e^(0.4 * 5.0106353) * 10^1.2 = 7.4205 * 15.8489 = 117.6079...
 * Compressive mean S_m = -50 (convention "as is"):
 *   Goodman 100/1.1 = 90.90909..., Soderberg 100/(7/6) = 85.714285...,
 *   Morrow 100/(19/18) = 94.736842..., Gerber 101.0101... (symmetric);
 * convention "zero" (default): 100 for all four. SWT / Walker with S_m = -150, S_a = 100:
 * S_max = -50 <= 0 -> 0 (no damage). */
static void test_mean_stress(void)
{
    FtFatigueParams p;
    params_basquin(&p, 100.0, 1e6, 5.0, 0.0);
    CHECK_CONTEXT("mean-stress corrections, S_a 100, S_m 50");
    p.msc = FT_MSC_NONE;
    CHECK(ft_msc_equivalent(&p, 100.0, 50.0) == 100.0);
    p.msc = FT_MSC_GOODMAN;
    CHECK(ft_fatigue_validate(&p) == FT_FAT_OK);
    CHECK_REL(ft_msc_equivalent(&p, 100.0, 50.0), 111.11111111111111, 1e-15);
    p.msc = FT_MSC_GERBER;
    CHECK_REL(ft_msc_equivalent(&p, 100.0, 50.0), 101.01010101010101, 1e-15);
    p.msc = FT_MSC_SODERBERG;
    CHECK_REL(ft_msc_equivalent(&p, 100.0, 50.0), 120.0, 1e-15);
    p.msc = FT_MSC_MORROW;
    CHECK_REL(ft_msc_equivalent(&p, 100.0, 50.0), 105.88235294117648, 1e-15);
    p.msc = FT_MSC_SWT;
    CHECK_REL(ft_msc_equivalent(&p, 100.0, 50.0), 122.47448713915891, 1e-15);
    p.msc = FT_MSC_WALKER;
    CHECK_REL(ft_msc_equivalent(&p, 100.0, 50.0), 117.60790225246735, 1e-14);
    p.walker_gamma = 0.5; /* Walker with gamma 1/2 is SWT */
    CHECK_REL(ft_msc_equivalent(&p, 100.0, 50.0), 122.47448713915891, 1e-14);
    p.walker_gamma = 0.6;

    CHECK_CONTEXT("compressive mean, convention zero (default)");
    p.msc = FT_MSC_GOODMAN;
    CHECK(ft_msc_equivalent(&p, 100.0, -50.0) == 100.0);
    p.msc = FT_MSC_GERBER;
    CHECK(ft_msc_equivalent(&p, 100.0, -50.0) == 100.0);
    p.msc = FT_MSC_SODERBERG;
    CHECK(ft_msc_equivalent(&p, 100.0, -50.0) == 100.0);
    p.msc = FT_MSC_MORROW;
    CHECK(ft_msc_equivalent(&p, 100.0, -50.0) == 100.0);
    p.msc = FT_MSC_SWT;
    CHECK(ft_msc_equivalent(&p, 100.0, -150.0) == 0.0);
    CHECK_REL(ft_msc_equivalent(&p, 100.0, -50.0), sqrt(50.0 * 100.0), 1e-15);
    p.msc = FT_MSC_WALKER;
    CHECK(ft_msc_equivalent(&p, 100.0, -150.0) == 0.0);
    CHECK_CONTEXT("compressive mean, convention as is");
    p.mean_compr = FT_MEAN_COMPR_ASIS;
    p.msc = FT_MSC_GOODMAN;
    CHECK_REL(ft_msc_equivalent(&p, 100.0, -50.0), 90.909090909090907, 1e-15);
    p.msc = FT_MSC_GERBER;
    CHECK_REL(ft_msc_equivalent(&p, 100.0, -50.0), 101.01010101010101, 1e-15);
    p.msc = FT_MSC_SODERBERG;
    CHECK_REL(ft_msc_equivalent(&p, 100.0, -50.0), 85.714285714285708, 1e-15);
    p.msc = FT_MSC_MORROW;
    CHECK_REL(ft_msc_equivalent(&p, 100.0, -50.0), 94.736842105263150, 1e-15);

    CHECK_CONTEXT("undefined regimes -> NaN and an error code");
    p.mean_compr = FT_MEAN_COMPR_ZERO;
    p.msc = FT_MSC_GOODMAN;
    CHECK(isnan(ft_msc_equivalent(&p, 10.0, 500.0)));
    CHECK(ft_msc_check(&p, 10.0, 500.0) == FT_FAT_ERR_MEAN_SU);
    CHECK(ft_msc_check(&p, 10.0, 499.0) == FT_FAT_OK);
    p.msc = FT_MSC_GERBER;
    CHECK(ft_msc_check(&p, 10.0, 600.0) == FT_FAT_ERR_MEAN_SU);
    CHECK(ft_msc_check(&p, 10.0, -600.0) == FT_FAT_OK); /* clamped to 0 */
    p.mean_compr = FT_MEAN_COMPR_ASIS;
    CHECK(ft_msc_check(&p, 10.0, -600.0) == FT_FAT_ERR_MEAN_SU);
    CHECK(isnan(ft_msc_equivalent(&p, 10.0, -600.0)));
    p.mean_compr = FT_MEAN_COMPR_ZERO;
    p.msc = FT_MSC_SODERBERG;
    CHECK(ft_msc_check(&p, 10.0, 300.0) == FT_FAT_ERR_MEAN_SY);
    p.msc = FT_MSC_MORROW;
    CHECK(ft_msc_check(&p, 10.0, 950.0) == FT_FAT_ERR_MEAN_SIGF);
    CHECK(ft_msc_check(&p, -1.0, 0.0) == FT_FAT_ERR_INPUT);
    CHECK(ft_msc_check(&p, 1.0, NAN) == FT_FAT_ERR_INPUT);

    CHECK_CONTEXT("an invalid cycle poisons the accumulator (flag + NaN), with a clear message");
    {
        FtDamageAcc a;
        char msg[512];
        p.msc = FT_MSC_GOODMAN;
        ft_damage_init(&a);
        ft_damage_add_cycle(&a, &p, 200.0, 0.0, 1.0);
        CHECK(a.flags == 0u && ft_damage_value(&a) > 0.0);
        ft_damage_add_cycle(&a, &p, 60.0, 600.0, 0.5);
        CHECK(a.flags == FT_DMG_INVALID_MEAN);
        CHECK(isnan(ft_damage_value(&a)));
        CHECK(a.invalid_cycles == 0.5 && a.cycles == 1.5 && a.err_code == FT_FAT_ERR_MEAN_SU);
        CHECK(ft_fatigue_status_message(0u, &a, &p, msg, sizeof msg) == 1);
        CHECK(strstr(msg, "Goodman") && strstr(msg, "600") && strstr(msg, "500"));
    }

    CHECK_CONTEXT("mean correction inside the damage: Goodman, S_a 100, S_m 50");
    {
        FtDamageAcc a;
        p.msc = FT_MSC_GOODMAN;
        ft_damage_init(&a);
        ft_damage_add_cycle(&a, &p, 200.0, 50.0, 1.0);
        CHECK_REL(ft_damage_value(&a), 1.0 / (1e6 * pow(111.11111111111111 / 100.0, -5.0)),
                  1e-14);
    }
}

/* ---------------------------------------------------------------- Miner -------------- */
/* Two-level block: n1 = 1000 cycles at S_a = 200, then n2 = 5000 at S_a = 150, Basquin
 * N = 1e6 (S/100)^-5:  N1 = 1e6/2^5 = 31250, N2 = 1e6/1.5^5 = 1e6/7.59375.
 * Miner by hand: D = 1000/31250 + 5000 * 7.59375e-6 = 0.032 + 0.03796875 = 0.06996875.
 * Through rainflow the history 200 (-200 200)x1000 (-150 150)x5000 -150 also closes the
 * transition: block 1 gives 2000 half cycles of range 400; block 2 gives 5000 full cycles
 * of range 300 (each -150..150 inside the 200..-150 excursion); the residue is
 * -200 200 -150: halves of ranges 400 (already one of the 2000) and 350 (S_a 175, mean
 * 25): D = 0.06996875 + 0.5 * 1.75^5 / 1e6 = 0.06996875 + 8.20654296875e-6
 *        = 0.06997695654296875. */
static void test_two_level_miner(void)
{
    FtFatigueParams p;
    FtDamageAcc a;
    FtRainflowState s;
    int i;
    params_basquin(&p, 100.0, 1e6, 5.0, 0.0);
    CHECK_CONTEXT("two-level block, direct Miner");
    ft_damage_init(&a);
    for (i = 0; i < 1000; i++) ft_damage_add_cycle(&a, &p, 400.0, 0.0, 1.0);
    for (i = 0; i < 5000; i++) ft_damage_add_cycle(&a, &p, 300.0, 0.0, 1.0);
    CHECK_REL(ft_damage_value(&a), 0.06996875, 1e-13);
    CHECK_CONTEXT("two-level block through rainflow");
    ft_rf_init(&s, 0.0);
    ft_damage_init(&a);
    ft_rf_push(&s, 200.0, &p, &a);
    for (i = 0; i < 1000; i++) {
        ft_rf_push(&s, -200.0, &p, &a);
        ft_rf_push(&s, 200.0, &p, &a);
    }
    for (i = 0; i < 5000; i++) {
        ft_rf_push(&s, -150.0, &p, &a);
        ft_rf_push(&s, 150.0, &p, &a);
    }
    ft_rf_push(&s, -150.0, &p, &a);
    ft_rf_finish(&s, &p, &a);
    CHECK_REL(ft_damage_value(&a), 0.06997695654296875, 1e-13);
    CHECK(a.cycles == 6000.5);
}

/* ---------------------------------------------------------------- validation --------- */
static void test_validation(void)
{
    FtFatigueParams p;
    char msg[512];
    params_basquin(&p, 100.0, 1e6, 0.0, 0.0);
    CHECK_CONTEXT("validation: slope 0");
    CHECK(ft_sn_validate(&p.sn) == FT_SN_ERR_SLOPE);
    CHECK(ft_fatigue_validate(&p) == FT_SN_ERR_SLOPE);
    CHECK(ft_fatigue_error_message(ft_fatigue_validate(&p), &p, msg, sizeof msg) ==
          FT_SN_ERR_SLOPE);
    CHECK(strstr(msg, "slope") != NULL);
    p.sn.m = -3.0;
    CHECK(ft_sn_validate(&p.sn) == FT_SN_ERR_SLOPE);
    p.sn.m = NAN;
    CHECK(ft_sn_validate(&p.sn) == FT_SN_ERR_SLOPE);
    p.sn.m = 5.0;
    CHECK(ft_sn_validate(&p.sn) == FT_FAT_OK);
    p.sn.N_ref = 0.0;
    CHECK(ft_sn_validate(&p.sn) == FT_SN_ERR_REF);
    p.sn.N_ref = 1e6;
    p.sn.marin[1] = 0.0;
    CHECK(ft_sn_validate(&p.sn) == FT_SN_ERR_MARIN);
    p.sn.marin[1] = 1.0;
    p.sn.S_e = -1.0;
    CHECK(ft_sn_validate(&p.sn) == FT_SN_ERR_ENDURANCE);
    p.sn.S_e = 0.0;
    p.sn.kind = 99;
    CHECK(ft_sn_validate(&p.sn) == FT_SN_ERR_KIND);
    CHECK_CONTEXT("validation: knee");
    ft_sn_init_knee(&p.sn, 100.0, 2e6, 0.4, 50.0, 0.0, 1, 0.0); /* Haibach m2 = -0.2 */
    CHECK(ft_sn_validate(&p.sn) == FT_SN_ERR_SLOPE);
    ft_fatigue_error_message(FT_SN_ERR_SLOPE, &p, msg, sizeof msg);
    CHECK(strstr(msg, "m2") != NULL);
    ft_sn_init_knee(&p.sn, 100.0, 2e6, 3.0, 0.0, 5.0, 0, 0.0);
    CHECK(ft_sn_validate(&p.sn) == FT_SN_ERR_KNEE);
    CHECK_CONTEXT("validation: table");
    {
        const double S1[3] = {400.0, 200.0, 300.0}, S2[3] = {400.0, 200.0, 100.0};
        const double N1[3] = {1e4, 1e5, 1e7}, N2[3] = {1e4, 1e3, 1e7};
        ft_sn_init_table(&p.sn, 3, S1, N1); /* S not decreasing */
        CHECK(ft_sn_validate(&p.sn) == FT_SN_ERR_TABLE);
        ft_sn_init_table(&p.sn, 3, S2, N2); /* a segment with a negative slope */
        CHECK(ft_sn_validate(&p.sn) == FT_SN_ERR_TABLE);
        ft_sn_init_table(&p.sn, 1, S2, N1);
        CHECK(ft_sn_validate(&p.sn) == FT_SN_ERR_TABLE);
        ft_sn_init_table(&p.sn, 3, S2, N1);
        CHECK(ft_sn_validate(&p.sn) == FT_FAT_OK);
    }
    CHECK_CONTEXT("validation: material constants");
    params_basquin(&p, 100.0, 1e6, 5.0, 0.0);
    p.msc = FT_MSC_GOODMAN;
    p.S_u = 0.0;
    CHECK(ft_fatigue_validate(&p) == FT_FAT_ERR_SU);
    ft_fatigue_error_message(FT_FAT_ERR_SU, &p, msg, sizeof msg);
    CHECK(strstr(msg, "Goodman") && strstr(msg, "S_u"));
    p.S_u = 500.0;
    p.msc = FT_MSC_WALKER;
    p.walker_gamma = 1.5;
    CHECK(ft_fatigue_validate(&p) == FT_FAT_ERR_GAMMA);
    p.walker_gamma = 0.6;
    p.msc = 42;
    CHECK(ft_fatigue_validate(&p) == FT_FAT_ERR_MSC);
    p.msc = FT_MSC_SODERBERG;
    p.S_y = -1.0;
    CHECK(ft_fatigue_validate(&p) == FT_FAT_ERR_SY);
    p.S_y = 300.0;
    p.mean_compr = 7;
    CHECK(ft_fatigue_validate(&p) == FT_FAT_ERR_COMPR);
    p.mean_compr = 0;
    CHECK(ft_fatigue_validate(&p) == FT_FAT_OK);
    CHECK_CONTEXT("validation: S_m >= S_u message");
    p.msc = FT_MSC_GOODMAN;
    CHECK(ft_msc_check(&p, 10.0, 500.0) == FT_FAT_ERR_MEAN_SU);
    ft_fatigue_error_message(FT_FAT_ERR_MEAN_SU, &p, msg, sizeof msg);
    CHECK(strstr(msg, "ultimate") != NULL);
    CHECK_CONTEXT("validation: the batch refuses invalid parameters");
    {
        FtRainflowState s;
        FtDamageAcc a;
        const double S[6] = {1, 0, 0, 0, 0, 0}, L[2] = {1.0, -1.0};
        ft_cpu_fatigue_init(1, 0.0, &s, &a);
        p.sn.m = -1.0;
        CHECK(ft_cpu_fatigue_batch(1, 1, 1, S, 2, L, FT_EQ_SIGNED_VON_MISES, &p, &s, &a) ==
              FT_BATCH_EPARAMS);
        p.sn.m = 5.0;
        CHECK(ft_cpu_fatigue_batch(1, 0, 1, S, 2, L, FT_EQ_SIGNED_VON_MISES, &p, &s, &a) ==
              FT_BATCH_EARGS);
        CHECK(ft_cpu_fatigue_batch(1, 1, 1, S, 2, L, 17, &p, &s, &a) == FT_BATCH_EARGS);
        CHECK(ft_cpu_fatigue_batch(1, 1, 1, S, 2, L, FT_EQ_SIGNED_VON_MISES, &p, &s, &a) ==
              FT_BATCH_OK);
    }
}

/* ---------------------------------------------------------------- accumulation ------- */
static void test_damage_merge(void)
{
    FtFatigueParams p;
    FtDamageAcc whole, merged, part;
    int i, k = 0;
    params_basquin(&p, 100.0, 1e6, 5.0, 10.0);
    ft_damage_init(&whole);
    ft_damage_init(&merged);
    ft_damage_init(&part);
    for (i = 0; i < 200000; i++) {
        const double rng = 400.0 * urand() * urand(), mean = 50.0 * (urand() - 0.5);
        const double cnt = (urand() < 0.1) ? 0.5 : 1.0;
        ft_damage_add_cycle(&whole, &p, rng, mean, cnt);
        ft_damage_add_cycle(&part, &p, rng, mean, cnt);
        if (i == k) { /* random chunk boundaries */
            ft_damage_merge(&merged, &part);
            ft_damage_init(&part);
            k += irand(1, 5000);
        }
    }
    ft_damage_merge(&merged, &part);
    CHECK_CONTEXT("per-chunk accumulators merged == one accumulator");
    CHECK_REL(ft_damage_value(&merged), ft_damage_value(&whole), 1e-15);
    CHECK(merged.cycles == whole.cycles && merged.max_range == whole.max_range);
}

/* ---------------------------------------------------------------- equivalent stress -- */
static void rand_stress(double s[6], double scale)
{
    int c;
    for (c = 0; c < 6; c++) s[c] = scale * (2.0 * urand() - 1.0);
}

static void test_equivalent(void)
{
    int i, j, ok;
    double n[FT_CP_NPLANES][3];
    CHECK_CONTEXT("critical-plane normals");
    CHECK(ft_critical_plane_count() == 25);
    ok = 1;
    for (i = 0; i < FT_CP_NPLANES; i++) {
        ft_critical_plane_normals(i, n[i]);
        if (fabs(n[i][0] * n[i][0] + n[i][1] * n[i][1] + n[i][2] * n[i][2] - 1.0) > 1e-15)
            ok = 0;
    }
    CHECK(ok);
    ok = 1;
    for (i = 0; i < FT_CP_NPLANES; i++)
        for (j = 0; j < i; j++)
            if (fabs(n[i][0] * n[j][0] + n[i][1] * n[j][1] + n[i][2] * n[j][2]) > 1.0 - 1e-9)
                ok = 0; /* all distinct planes */
    CHECK(ok);
    CHECK(n[0][0] == 1.0 && n[1][1] == 1.0 && n[2][2] == 1.0);
    {
        /* covering: every direction within 22.4 deg of a normal (cos^2 >= 0.855) */
        double worst = 1.0;
        for (i = 0; i < 100000; i++) {
            double d[3], nn, best = 0.0;
            do {
                d[0] = 2 * urand() - 1;
                d[1] = 2 * urand() - 1;
                d[2] = 2 * urand() - 1;
                nn = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
            } while (nn > 1.0 || nn < 1e-6);
            for (j = 0; j < FT_CP_NPLANES; j++) {
                const double c = (d[0] * n[j][0] + d[1] * n[j][1] + d[2] * n[j][2]);
                if (c * c / nn > best) best = c * c / nn;
            }
            if (best < worst) worst = best;
        }
        CHECK(worst >= 0.8553);
        printf("  25 critical planes: worst cos^2 to the nearest normal %.4f (%.2f deg)\n",
               worst, acos(sqrt(worst)) * 180.0 / 3.14159265358979323846);
    }
    CHECK_CONTEXT("normal stress");
    ok = 1;
    for (i = 0; i < 1000; i++) {
        double s[6], A[3][3], v[3], want = 0.0;
        int a, b;
        rand_stress(s, 100.0);
        A[0][0] = s[FT_XX]; A[1][1] = s[FT_YY]; A[2][2] = s[FT_ZZ];
        A[1][2] = A[2][1] = s[FT_YZ]; A[0][2] = A[2][0] = s[FT_XZ]; A[0][1] = A[1][0] = s[FT_XY];
        ft_critical_plane_normals(i % FT_CP_NPLANES, v);
        for (a = 0; a < 3; a++)
            for (b = 0; b < 3; b++) want += v[a] * A[a][b] * v[b];
        if (fabs(ft_normal_stress(s, v) - want) > 1e-12) ok = 0;
    }
    CHECK(ok);
    {
        const double sx[6] = {70, 0, 0, 0, 0, 0};
        double e[FT_CP_NPLANES];
        CHECK(ft_equivalent_stress(FT_EQ_CRITICAL_PLANE, sx, e) == 25);
        CHECK(e[0] == 70.0 && e[1] == 0.0 && fabs(e[3] - 35.0) < 1e-13);
    }

    CHECK_CONTEXT("sign of the absolute maximum principal stress (no eigenvalues) vs eigenvalues");
    ok = 1;
    for (i = 0; i < 200000; i++) {
        double s[6], p[3];
        rand_stress(s, 1.0);
        if (i % 4 == 1) s[FT_XX] = s[FT_YY] = s[FT_ZZ] = 0.0; /* near pure shear */
        if (i % 4 == 2) { s[FT_YZ] = s[FT_XZ] = 0.0; }          /* plane shear */
        ft_principal_stresses(s, p);
        if (fabs(p[0] + p[2]) > 1e-9 && ft_absmax_principal_sign(s) != (p[0] + p[2] > 0 ? 1 : -1))
            ok = 0;
    }
    CHECK(ok);
    {
        const double ten[6] = {100, 0, 0, 0, 0, 0}, com[6] = {-100, 0, 0, 0, 0, 0};
        const double shear[6] = {0, 0, 0, 0, 0, 50}, hyd[6] = {-5, -5, -5, 0, 0, 0};
        const double bi[6] = {1, -2, 0, 0, 0, 0};
        CHECK(ft_absmax_principal_sign(ten) == 1 && ft_absmax_principal_sign(com) == -1);
        CHECK(ft_absmax_principal_sign(shear) == 1); /* tie -> + */
        CHECK(ft_absmax_principal_sign(hyd) == -1);
        CHECK(ft_absmax_principal_sign(bi) == -1);
        CHECK_CLOSE(ft_signed_von_mises(com), -100.0, 1e-12);
        CHECK_CLOSE(ft_signed_von_mises(ten), 100.0, 1e-12);
        CHECK_CLOSE(ft_signed_von_mises(bi), -ft_von_mises(bi), 0.0);
        CHECK_CLOSE(ft_signed_von_mises_trace(bi), -ft_von_mises(bi), 0.0);
        CHECK_CLOSE(ft_max_abs_principal(bi), -2.0, 1e-14);
        CHECK_CLOSE(ft_max_abs_principal(ten), 100.0, 1e-12);
        CHECK(ft_equivalent_channels(FT_EQ_SIGNED_VON_MISES) == 1);
        CHECK(ft_equivalent_channels(FT_EQ_CRITICAL_PLANE) == FT_CP_NPLANES);
        CHECK(ft_equivalent_channels(-1) == 0);
    }
}

/* ------------------------------------------------ critical-plane sets, coefficients -- */
/* A random unit vector (rejection sampling in the unit ball). */
static void rand_dir(double d[3])
{
    double nn;
    do {
        d[0] = 2 * urand() - 1;
        d[1] = 2 * urand() - 1;
        d[2] = 2 * urand() - 1;
        nn = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
    } while (nn > 1.0 || nn < 1e-6);
    nn = 1.0 / sqrt(nn);
    d[0] *= nn;
    d[1] *= nn;
    d[2] *= nn;
}

/* Every set: unit normals, distinct planes (n and -n the same plane), the hemisphere
 * covered (largest angle from 2e4 random directions to the nearest normal, within the
 * bound stated in ft_planes.h), and the kind encoding. */
static void test_plane_sets(void)
{
    const int nps[] = {3, 8, 16, 25, 26, 40, 100, 256};
    int q, i, j;
    CHECK_CONTEXT("plane sets: kinds");
    CHECK(ft_eq_critical_plane(25) == FT_EQ_CRITICAL_PLANE);
    CHECK(ft_eq_planes(FT_EQ_CRITICAL_PLANE) == 25);
    CHECK(ft_equivalent_channels(ft_eq_critical_plane(100)) == 100);
    CHECK(ft_eq_base(ft_eq_critical_plane(100)) == FT_EQ_CRITICAL_PLANE);
    CHECK(ft_eq_critical_plane(2) == -1 && ft_eq_critical_plane(257) == -1);
    CHECK(ft_eq_critical_plane(0) == -1 && ft_eq_critical_plane(-5) == -1);
    CHECK(ft_equivalent_channels(FT_EQ_CRITICAL_PLANE + 256 * 25) == 0); /* 25: only as 3 */
    CHECK(ft_equivalent_channels(FT_EQ_SIGNED_VON_MISES + 256 * 40) == 0);
    CHECK(ft_equivalent_channels(FT_EQ_CRITICAL_PLANE + 256 * 300) == 0);
    {
        const double sx[6] = {70, 0, 0, 0, 0, 0};
        double e[FT_CP_MAX_PLANES], n[3];
        CHECK(ft_equivalent_stress(ft_eq_critical_plane(40), sx, e) == 40);
        ft_cp_normal(40, 7, n);
        CHECK_CLOSE(e[7], 70.0 * n[0] * n[0], 1e-13);
        ft_cp_normal(40, 40, n);
        CHECK(n[0] == 0.0 && n[1] == 0.0 && n[2] == 0.0);
        ft_cp_normal(300, 0, n);
        CHECK(n[0] == 0.0 && n[1] == 0.0 && n[2] == 0.0);
    }
    for (q = 0; q < (int)(sizeof nps / sizeof nps[0]); q++) {
        const int np = nps[q];
        double n[FT_CP_MAX_PLANES][3], worst = 1.0, maxdot = 0.0, ang, bound;
        int unit = 1;
        CHECK_CONTEXT("plane set of %d", np);
        for (j = 0; j < np; j++) {
            ft_cp_normal(np, j, n[j]);
            if (fabs(n[j][0] * n[j][0] + n[j][1] * n[j][1] + n[j][2] * n[j][2] - 1.0) > 1e-15)
                unit = 0; /* sqrt, cos, sin and the squares: a few eps (4.5 eps allowed) */
        }
        CHECK(unit);
        for (i = 0; i < np; i++)
            for (j = 0; j < i; j++) {
                const double c =
                    fabs(n[i][0] * n[j][0] + n[i][1] * n[j][1] + n[i][2] * n[j][2]);
                if (c > maxdot) maxdot = c;
            }
        /* distinct: the closest pair at least 0.05 rad apart (measured: 0.08 rad at 256) */
        CHECKF(maxdot < cos(0.05), "closest pair of normals: |cos| = %.6f", maxdot);
        for (i = 0; i < 20000; i++) {
            double d[3], best = 0.0;
            rand_dir(d);
            for (j = 0; j < np; j++) {
                const double c = d[0] * n[j][0] + d[1] * n[j][1] + d[2] * n[j][2];
                if (c * c > best) best = c * c;
            }
            if (best < worst) worst = best;
        }
        ang = acos(sqrt(worst));
        /* covering radius: 22.4 deg for the cubic set, <= 2.2/sqrt(np) rad for the
         * Fibonacci sets (ft_planes.h; measured 1.95..2.13 / sqrt(np) on 2e5 directions);
         * 2e4 directions see slightly less than the true maximum, never more */
        bound = np == 25 ? 22.4 * 3.14159265358979323846 / 180.0 : 2.2 / sqrt((double)np);
        CHECKF(ang <= bound, "covering radius %.4f rad > %.4f", ang, bound);
    }
}

/* Normal stresses from coefficients (ft_cp_coefficients + ft_cp_normal_stresses) against
 * the direct n^T (sum_k L_k S_k) n on random tensors and loads (magnitudes spread over six
 * decades per channel), for the default and a 100-plane set, against the bound of
 * ft_planes.h: |diff| <= 2 (nchan + 6) eps sum_k |L_k| |S_k|_n. */
static void test_cp_coefficients(void)
{
    const int nps[2] = {25, 100};
    double worst_ratio = 0.0;
    int q, it, ok = 1;
    for (q = 0; q < 2; q++) {
        const int np = nps[q];
        double n[FT_CP_MAX_PLANES][3];
        int j;
        CHECK_CONTEXT("critical plane by coefficients vs direct, %d planes", np);
        for (j = 0; j < np; j++) ft_cp_normal(np, j, n[j]);
        for (it = 0; it < 2000; it++) {
            const int nchan = irand(1, 12);
            double S[12][6], L[12], sig[6], C[12 * FT_CP_MAX_PLANES], e[FT_CP_MAX_PLANES];
            int k, c;
            for (k = 0; k < nchan; k++) {
                rand_stress(S[k], pow(10.0, 3.0 * urand()));
                L[k] = (2.0 * urand() - 1.0) * pow(10.0, 3.0 * urand());
                ft_cp_coefficients(S[k], np, (const double(*)[3])n, C + k * np);
            }
            for (c = 0; c < 6; c++) { /* as node_stress: k ascending */
                sig[c] = S[0][c] * L[0];
                for (k = 1; k < nchan; k++) sig[c] += S[k][c] * L[k];
            }
            ft_cp_normal_stresses(nchan, np, C, np, L, e);
            for (j = 0; j < np; j++) {
                double mag = 0.0, diff, bound;
                for (k = 0; k < nchan; k++) {
                    double a[6];
                    for (c = 0; c < 6; c++) a[c] = fabs(S[k][c]);
                    mag += fabs(L[k]) * (a[FT_XX] * n[j][0] * n[j][0] + a[FT_YY] * n[j][1] * n[j][1] +
                                         a[FT_ZZ] * n[j][2] * n[j][2] +
                                         2.0 * (a[FT_YZ] * fabs(n[j][1] * n[j][2]) +
                                                a[FT_XZ] * fabs(n[j][0] * n[j][2]) +
                                                a[FT_XY] * fabs(n[j][0] * n[j][1])));
                }
                diff = fabs(e[j] - ft_normal_stress(sig, n[j]));
                bound = 2.0 * (nchan + 6) * 2.220446049250313e-16 * mag;
                if (!(diff <= bound)) ok = 0;
                if (bound > 0.0 && diff / bound > worst_ratio) worst_ratio = diff / bound;
            }
        }
        CHECK(ok);
    }
    printf("  critical plane by coefficients vs direct: largest |diff| / bound %.3f\n",
           worst_ratio);
}

/* Convergence of the worst-plane damage with the plane count. A node with the uniaxial
 * unit stress S = sigma d d^T along a direction d, loaded L = +1, -1, +1, ... : plane n sees
 * c sigma L(t) with c = (n . d)^2, and the critical plane is the plane normal to d (c = 1).
 * With Basquin (no cut-off, no mean-stress correction) the damage of each plane is
 * c^m times that of the critical plane, so the worst-plane damage of a set is
 *   D_np = D_exact max_j (n_j . d)^(2m),
 * D_exact counted on a node with d = x (a normal of the cubic set). Rate: the angle theta
 * to the nearest normal falls like np^(-1/2) (each normal stands for an area 2 pi / np), so
 * the relative error 1 - cos(theta)^(2m) ~ m theta^2 falls like 1/np, with the bound
 * m (1 - cos^2(2.2/sqrt(np))) ~ 4.8 m / np (covering radius, ft_planes.h). Asserted on 48
 * fixed random directions: the damage ratio equals the analytical max_j (n_j . d)^(2m)
 * (1e-12: rounding of the counting of 20 cycles), the largest error is within the covering
 * bound, and the mean error over the directions falls with a log-log slope in [-1.4, -0.6]
 * from 16 to 256 planes (expected -1). */
static void test_cp_convergence(void)
{
    enum { ND = 48, NT = 41 };
    const int nps[] = {16, 32, 64, 128, 256};
    const double m = 3.0, sigma = 150.0;
    double S[ND * 6], L[NT], dirs[ND][3], Dexact, mean_err[5];
    FtFatigueParams p;
    int q, i, t;
    params_basquin(&p, 100.0, 1e6, m, 0.0);
    for (t = 0; t < NT; t++) L[t] = (t % 2) ? -1.0 : 1.0;
    for (i = 0; i < ND; i++) {
        double *d = dirs[i], *s = S + 6 * i;
        rand_dir(d);
        if (i == 0) d[0] = 1.0, d[1] = d[2] = 0.0; /* node 0: along x, exact for 25 planes */
        s[FT_XX] = sigma * d[0] * d[0];
        s[FT_YY] = sigma * d[1] * d[1];
        s[FT_ZZ] = sigma * d[2] * d[2];
        s[FT_YZ] = sigma * d[1] * d[2];
        s[FT_XZ] = sigma * d[0] * d[2];
        s[FT_XY] = sigma * d[0] * d[1];
    }
    { /* D_exact: node 0 with the cubic set (plane 0 = x) */
        FtRainflowState rf[25];
        FtDamageAcc acc[25];
        double D;
        int worst;
        ft_cpu_fatigue_init(25, 0.0, rf, acc);
        ft_cpu_fatigue_batch(1, 1, 1, S, NT, L, FT_EQ_CRITICAL_PLANE, &p, rf, acc);
        ft_cpu_fatigue_damage(1, 25, rf, acc, &p, &D, &worst);
        Dexact = D;
        CHECK_CONTEXT("critical-plane convergence: exact damage");
        /* 20 cycles of amplitude sigma: 20 (sigma / S_ref)^m / N_ref */
        CHECK_CLOSE(Dexact, 20.0 * pow(sigma / 100.0, m) / 1e6, 1e-12 * Dexact);
        CHECK(worst == 0);
    }
    for (q = 0; q < 5; q++) {
        const int np = nps[q], kind = ft_eq_critical_plane(np);
        FtRainflowState *rf = malloc(sizeof *rf * ND * np);
        FtDamageAcc *acc = malloc(sizeof *acc * ND * np);
        double D[ND], n[FT_CP_MAX_PLANES][3], maxe = 0.0, sum = 0.0;
        int worst[ND], j, ok = 1;
        CHECK_CONTEXT("critical-plane convergence, %d planes", np);
        for (j = 0; j < np; j++) ft_cp_normal(np, j, n[j]);
        CHECK(ft_cpu_fatigue_init(ND * np, 0.0, rf, acc) == FT_BATCH_OK);
        CHECK(ft_cpu_fatigue_batch(ND, ND, 1, S, NT, L, kind, &p, rf, acc) == FT_BATCH_OK);
        CHECK(ft_cpu_fatigue_damage(ND, np, rf, acc, &p, D, worst) == FT_BATCH_OK);
        for (i = 0; i < ND; i++) {
            double c2 = 0.0, err;
            for (j = 0; j < np; j++) {
                const double c = n[j][0] * dirs[i][0] + n[j][1] * dirs[i][1] + n[j][2] * dirs[i][2];
                if (c * c > c2) c2 = c * c;
            }
            if (!(fabs(D[i] / Dexact - pow(c2, m)) <= 1e-12)) ok = 0;
            err = 1.0 - D[i] / Dexact;
            if (err > maxe) maxe = err;
            sum += err;
        }
        mean_err[q] = sum / ND;
        CHECK(ok);
        CHECKF(maxe <= m * (1.0 - pow(cos(2.2 / sqrt((double)np)), 2.0)),
               "largest relative error %.4g", maxe);
        printf("  critical-plane convergence: %3d planes, worst-plane damage error mean %.3g, "
               "max %.3g (np x mean %.2f)\n", np, mean_err[q], maxe, np * mean_err[q]);
        free(rf);
        free(acc);
    }
    {
        const double slope = log(mean_err[4] / mean_err[0]) / log(256.0 / 16.0);
        CHECK_CONTEXT("critical-plane convergence rate");
        CHECKF(slope >= -1.4 && slope <= -0.6, "log-log slope %.3f, expected ~ -1", slope);
        printf("  critical-plane convergence: log-log slope of the mean error %.3f (expected -1)\n",
               slope);
    }
}

/* ------------------------------------------- fast equivalent stresses vs eigenvalues -- */
/* The signed von Mises sign and the largest-magnitude principal stress are computed
 * without the full eigen-decomposition (kernels/ft_equivalent.h, division-free sign test
 * and one trigonometric eigenvalue). Reference: ft_principal_stresses (ft_elasticity.h,
 * trigonometric + deflation refinement), i.e. the former implementation
 *   ft_max_abs_principal = (p1 + p3 >= 0) ? p1 : p3,  sign = that of p1 + p3. */

/* The former ft_absmax_principal_sign (divisions by p, second square root), kept here only
 * to report how often it disagreed with the eigenvalues (not asserted). */
static int former_absmax_sign(const double s[6])
{
    const double q = (s[FT_XX] + s[FT_YY] + s[FT_ZZ]) / 3.0;
    const double d0 = s[FT_XX] - q, d1 = s[FT_YY] - q, d2 = s[FT_ZZ] - q;
    const double off = s[FT_XY] * s[FT_XY] + s[FT_XZ] * s[FT_XZ] + s[FT_YZ] * s[FT_YZ];
    const double pp = sqrt((d0 * d0 + d1 * d1 + d2 * d2 + 2.0 * off) / 6.0);
    double u, r;
    if (!(pp > 0.0)) return (q >= 0.0) ? 1 : -1;
    u = q / pp;
    if (u >= 0.5) return 1;
    if (u <= -0.5) return -1;
    {
        const double b00 = d0 / pp, b11 = d1 / pp, b22 = d2 / pp;
        const double b01 = s[FT_XY] / pp, b02 = s[FT_XZ] / pp, b12 = s[FT_YZ] / pp;
        r = 0.5 * (b00 * (b11 * b22 - b12 * b12) - b01 * (b01 * b22 - b12 * b02) +
                   b02 * (b01 * b12 - b11 * b02));
    }
    return (r >= u * (4.0 * u * u - 3.0)) ? 1 : -1;
}

/* s = R diag(l) R^T (Voigt) with a random rotation R (unit quaternion), or R = I. */
static void stress_from_eigs(const double l[3], int rotate, double s[6])
{
    double R[3][3], A[3][3], a, b, c, d, n;
    int i, j, k;
    if (!rotate) {
        s[FT_XX] = l[0]; s[FT_YY] = l[1]; s[FT_ZZ] = l[2];
        s[FT_YZ] = s[FT_XZ] = s[FT_XY] = 0.0;
        return;
    }
    do {
        a = 2.0 * urand() - 1.0; b = 2.0 * urand() - 1.0;
        c = 2.0 * urand() - 1.0; d = 2.0 * urand() - 1.0;
        n = a * a + b * b + c * c + d * d;
    } while (n > 1.0 || n < 1e-3);
    n = 1.0 / sqrt(n);
    a *= n; b *= n; c *= n; d *= n;
    R[0][0] = a * a + b * b - c * c - d * d; R[0][1] = 2 * (b * c - a * d); R[0][2] = 2 * (b * d + a * c);
    R[1][0] = 2 * (b * c + a * d); R[1][1] = a * a - b * b + c * c - d * d; R[1][2] = 2 * (c * d - a * b);
    R[2][0] = 2 * (b * d - a * c); R[2][1] = 2 * (c * d + a * b); R[2][2] = a * a - b * b - c * c + d * d;
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++) {
            A[i][j] = 0.0;
            for (k = 0; k < 3; k++) A[i][j] += R[i][k] * l[k] * R[j][k];
        }
    s[FT_XX] = A[0][0]; s[FT_YY] = A[1][1]; s[FT_ZZ] = A[2][2];
    s[FT_YZ] = 0.5 * (A[1][2] + A[2][1]); s[FT_XZ] = 0.5 * (A[0][2] + A[2][0]);
    s[FT_XY] = 0.5 * (A[0][1] + A[1][0]);
}

static double pow10_rand(double lo, double hi) { return pow(10.0, lo + (hi - lo) * urand()); }

enum { EQF_UNIFORM, EQF_GENERAL, EQF_PAIR, EQF_CORNER, EQF_SHEAR, EQF_UNIAXIAL, EQF_HYDRO, EQF_NCAT };
static const char *const eqf_names[EQF_NCAT] = {
    "uniform random entries", "random eigenvalues, rotated", "nearly repeated pair (gap 1e-16..1)",
    "corner: repeated pair and 2q = +-p", "pure shear / near pure shear", "uniaxial / biaxial",
    "(near) hydrostatic and zero"};

/* A test tensor of category cat at unit scale (stresses ~1; the caller scales it). */
static void eqf_tensor(int cat, double s[6])
{
    double l[3];
    const int rot = (irand(0, 9) != 0); /* 10 % axis-aligned */
    int c;
    switch (cat) {
    case EQF_UNIFORM:
        for (c = 0; c < 6; c++) s[c] = 2.0 * urand() - 1.0;
        return;
    case EQF_GENERAL:
        for (c = 0; c < 3; c++) l[c] = 2.0 * urand() - 1.0;
        break;
    case EQF_PAIR: { /* l0 and l1 a pair (gap g, 5 % exactly repeated), l2 elsewhere */
        const double g = irand(0, 19) ? pow10_rand(-16.0, 0.0) : 0.0;
        l[0] = 2.0 * urand() - 1.0;
        l[1] = l[0] + (irand(0, 1) ? g : -g);
        l[2] = l[0] + (irand(0, 1) ? 1.0 : -1.0) * (0.2 + 2.0 * urand());
        break;
    }
    case EQF_CORNER: { /* deviator (1,1,-2) or (2,-1,-1) (x p), 2q = +-p, each perturbed */
        const double p = 0.5 + urand(), sg = irand(0, 1) ? 1.0 : -1.0;
        const double q = (irand(0, 1) ? 0.5 : -0.5) * p;
        l[0] = q + sg * p;
        l[1] = q + sg * p;
        l[2] = q - 2.0 * sg * p;
        for (c = 0; c < 3; c++) l[c] += (2.0 * urand() - 1.0) * pow10_rand(-17.0, -3.0);
        break;
    }
    case EQF_SHEAR: { /* diag(t + e, m, -t): p1 + p3 = e = 0 (pure shear for m = 0) in 1/4
                       * of the cases, else |e| = 1e-16..1e-2 t; m = 0 or in (-t, t) */
        const double t = 0.1 + urand();
        l[0] = t + (irand(0, 3) ? (2.0 * urand() - 1.0) * t * pow10_rand(-16.0, -2.0) : 0.0);
        l[1] = irand(0, 1) ? 0.0 : (2.0 * urand() - 1.0) * 0.99 * t;
        l[2] = -t;
        if (!irand(0, 9)) { /* simple shear tau_k in one off-diagonal entry */
            for (c = 0; c < 6; c++) s[c] = 0.0;
            s[irand(3, 5)] = (irand(0, 1) ? t : -t);
            return;
        }
        break;
    }
    case EQF_UNIAXIAL:
        l[0] = (irand(0, 1) ? 1.0 : -1.0) * (0.1 + urand());
        l[1] = irand(0, 1) ? 0.0 : 2.0 * urand() - 1.0; /* biaxial half of the time */
        l[2] = 0.0;
        break;
    default: { /* hydrostatic h (1/4 exact, 1/16 zero) + a deviator of relative size 1e-12..1 */
        const double h = irand(0, 15) ? (2.0 * urand() - 1.0) : 0.0;
        const double e = irand(0, 3) ? pow10_rand(-12.0, 0.0) : 0.0;
        for (c = 0; c < 3; c++) l[c] = h + e * (2.0 * urand() - 1.0);
        break;
    }
    }
    stress_from_eigs(l, rot, s);
}

static void test_equivalent_fast(void)
{
    const double scales[3] = {1.0, 1e-6, 1e9}; /* MPa-like, tiny, Pa-of-GPa-like */
    const long nbase = 360000; /* x 3 scales = 1.08e6 tensors */
    long n[EQF_NCAT] = {0}, nsign[EQF_NCAT] = {0}, bad_sign[EQF_NCAT] = {0};
    long bad_val[EQF_NCAT] = {0}, bad_vm[EQF_NCAT] = {0}, bad_cons[EQF_NCAT] = {0};
    long former_bad[EQF_NCAT] = {0}, undecided[EQF_NCAT] = {0}, pair_path[EQF_NCAT] = {0};
    long bad_scale = 0;
    long shear_exact = 0, shear_exact_neg = 0, bad_special = 0;
    double maxdv[EQF_NCAT] = {0.0}, maxdv_tie = 0.0, former_worst = 0.0;
    long i;
    int k, cat;
    for (i = 0; i < nbase; i++) {
        double base[6], sgn1 = 0.0;
        int exact_shear;
        cat = (int)(i % EQF_NCAT);
        eqf_tensor(cat, base);
        exact_shear = (cat == EQF_SHEAR && base[FT_XX] + base[FT_YY] + base[FT_ZZ] == 0.0 &&
                       ft__dev_det(base, 0.0) == 0.0);
        for (k = 0; k < 3; k++) {
            double s[6], p[3], vm, q, scale, v, sv, e;
            int c, sg, sref, j;
            for (c = 0; c < 6; c++) s[c] = scales[k] * base[c];
            ft_principal_stresses(s, p);
            vm = ft_von_mises(s);
            q = (s[FT_XX] + s[FT_YY] + s[FT_ZZ]) / 3.0;
            scale = vm + fabs(q);
            sg = ft_absmax_principal_sign(s);
            v = ft_max_abs_principal(s);
            sv = ft_signed_von_mises(s);
            n[cat]++;
            /* the internal paths taken (for the printout) */
            j = ft__absmax_sign_test(q, ft__von_mises_sq(s) / 9.0, ft__dev_det(s, q));
            if (vm > 0.0 && j == 0) undecided[cat]++;
            if (vm > 0.0 && j != 0 &&
                j * 13.5 * ft__dev_det(s, q) / (vm * vm * vm) <= -0.9990625813841648)
                pair_path[cat]++; /* rho = sg J3 / (2 p^3), p = vm / 3 */
            /* |signed von Mises| is ft_von_mises, bit for bit, with the abs-max sign */
            if (!(fabs(sv) == vm && (sv > 0.0 || sv < 0.0 || vm == 0.0) &&
                  (vm == 0.0 || (sv > 0.0) == (sg > 0))))
                bad_vm[cat]++;
            if (ft_equivalent_stress(FT_EQ_SIGNED_VON_MISES, s, &e) != 1 || !(e == sv)) bad_vm[cat]++;
            if (ft_equivalent_stress(FT_EQ_MAX_ABS_PRINCIPAL, s, &e) != 1 || !(e == v)) bad_cons[cat]++;
            /* the value is the eigenvalue the sign picks (ties included), to 1e-13 */
            if (!(fabs(v - (sg > 0 ? p[0] : p[2])) <= 1e-13 * scale)) bad_cons[cat]++;
            if (fabs(p[0] + p[2]) > 1e-12 * vm) { /* sign well defined: same as the eigenvalues */
                sref = (p[0] + p[2] > 0.0) ? 1 : -1;
                nsign[cat]++;
                if (sg != sref) bad_sign[cat]++;
                if (former_absmax_sign(s) != sref) {
                    former_bad[cat]++;
                    if (fabs(p[0] + p[2]) / vm > former_worst) former_worst = fabs(p[0] + p[2]) / vm;
                }
                if (!(fabs(v - (sref > 0 ? p[0] : p[2])) <= 1e-13 * scale)) bad_val[cat]++;
                if (fabs(v - (sref > 0 ? p[0] : p[2])) / scale > maxdv[cat])
                    maxdv[cat] = fabs(v - (sref > 0 ? p[0] : p[2])) / scale;
                /* same sign at every scale */
                if (k == 0) sgn1 = sg;
                else if (sgn1 != 0.0 && sg != (int)sgn1) bad_scale++;
            } else { /* ill-defined sign (tie): the magnitude is still right */
                const double mag = fabs(p[0]) > fabs(p[2]) ? fabs(p[0]) : fabs(p[2]);
                if (!(fabs(fabs(v) - mag) <= 1e-13 * scale)) bad_val[cat]++;
                if (fabs(fabs(v) - mag) / scale > maxdv_tie) maxdv_tie = fabs(fabs(v) - mag) / scale;
                if (k == 0) sgn1 = 0.0;
            }
            if (exact_shear) { /* pure shear up to rounding: tie -> + at every scale */
                shear_exact++;
                if (sg != 1 || !(sv == vm) || !(v > 0.0)) shear_exact_neg++;
            }
        }
    }
    for (cat = 0; cat < EQF_NCAT; cat++) {
        CHECK_CONTEXT("fast equivalents vs ft_principal_stresses: %s", eqf_names[cat]);
        CHECK(bad_sign[cat] == 0);
        CHECK(bad_val[cat] == 0);
        CHECK(bad_vm[cat] == 0);
        CHECK(bad_cons[cat] == 0);
        printf("  %-37s %6ld tensors, %6ld with a defined sign: %ld sign / %ld value "
               "differences, max |dv| %.2g (sigma_vm + |q|); sign on eigenvalues %ld, value "
               "from ft_principal_stresses %ld; former sign test wrong %ld\n",
               eqf_names[cat], n[cat], nsign[cat], bad_sign[cat], bad_val[cat], maxdv[cat],
               undecided[cat], pair_path[cat], former_bad[cat]);
    }
    CHECK_CONTEXT("fast equivalents: same sign at scales 1, 1e-6, 1e9");
    CHECK(bad_scale == 0);
    CHECK_CONTEXT("fast equivalents: exact pure shear (rotated) takes the + sign");
    CHECK(shear_exact > 1000 && shear_exact_neg == 0);
    printf("  ties (|p1+p3| <= 1e-12 sigma_vm): max ||v| - max(|p1|,|p3|)| %.2g (sigma_vm + |q|);"
           " %ld exact pure shears, all +; former sign test wrong up to |p1+p3| = %.2g sigma_vm\n",
           maxdv_tie, shear_exact, former_worst);

    CHECK_CONTEXT("fast equivalents: largest root of t^3 - 3t - 2 rho without acos/cos");
    {
        double worst = 0.0;
        for (i = 0; i <= 200000; i++) { /* rho in [rho_pair, 1], denser towards rho_pair */
            const double u = (double)i / 200000.0;
            const double rho = -0.9990625813841648 + (1.0 + 0.9990625813841648) * u * u;
            const double d = fabs(ft__cubic_top_root(rho) - 2.0 * cos(acos(rho) / 3.0));
            if (d > worst) worst = d;
        }
        CHECK(worst <= 4e-15);
        CHECK(fabs(ft__cubic_top_root(1.0) - 2.0) <= 4.5e-16);
        CHECK(fabs(ft__cubic_top_root(0.0) - sqrt(3.0)) <= 4.5e-16);
        printf("  ft__cubic_top_root vs 2 cos(acos(rho)/3) on [-0.99906, 1]: max |diff| %.2g\n", worst);
    }

    /* special tensors with known results */
    CHECK_CONTEXT("fast equivalents: special tensors");
    for (k = 0; k < 3; k++) {
        const double f = scales[k];
        const double zero[6] = {0, 0, 0, 0, 0, 0};
        double hyd[6] = {-5, -5, -5, 0, 0, 0}, hp[6] = {7, 7, 7, 0, 0, 0};
        double ux[6] = {0, 0, 0, 0, 0, 0}, sh[6] = {0, 0, 0, 0, 0, 0};
        double l[3], s[6];
        int c;
        for (c = 0; c < 6; c++) {
            hyd[c] *= f;
            hp[c] *= f;
        }
        CHECK(ft_absmax_principal_sign(zero) == 1 && ft_max_abs_principal(zero) == 0.0 &&
              ft_signed_von_mises(zero) == 0.0);
        CHECK(ft_absmax_principal_sign(hyd) == -1 && ft_absmax_principal_sign(hp) == 1);
        CHECK_REL(ft_max_abs_principal(hyd), -5.0 * f, 4e-16);
        CHECK_REL(ft_max_abs_principal(hp), 7.0 * f, 4e-16);
        CHECK(ft_signed_von_mises(hyd) == 0.0 && ft_signed_von_mises(hp) == 0.0);
        for (c = 0; c < 6; c++) { /* uniaxial along each axis and simple shear in each plane */
            ux[c] = (c % 2) ? 300.0 * f : -300.0 * f;
            CHECK_REL(ft_max_abs_principal(ux), c < 3 ? ux[c] : 300.0 * f, 1e-15);
            CHECK_REL(ft_signed_von_mises(ux), c < 3 ? ux[c] : sqrt(3.0) * 300.0 * f, 1e-15);
            ux[c] = 0.0;
            sh[c < 3 ? c + 3 : c] = 0.0;
        }
        for (c = 3; c < 6; c++) {
            sh[c] = -40.0 * f; /* pure shear: tie, + sign, magnitude tau */
            CHECK(ft_absmax_principal_sign(sh) == 1);
            CHECK_REL(ft_max_abs_principal(sh), 40.0 * f, 1e-15);
            CHECK_REL(ft_signed_von_mises(sh), sqrt(3.0) * 40.0 * f, 1e-15);
            sh[c] = 0.0;
        }
        for (c = 0; c < 200; c++) { /* rotated uniaxial: value sigma, signed von Mises sigma */
            l[0] = (c % 2 ? 1.0 : -1.0) * (1.0 + urand()) * 100.0 * f;
            l[1] = l[2] = 0.0;
            stress_from_eigs(l, 1, s);
            if (!(fabs(ft_max_abs_principal(s) - l[0]) <= 1e-13 * fabs(l[0]) &&
                  fabs(ft_signed_von_mises(s) - l[0]) <= 1e-13 * fabs(l[0]) &&
                  ft_absmax_principal_sign(s) == (l[0] > 0 ? 1 : -1)))
                bad_special++;
            /* exactly repeated pair (equibiaxial / uniaxial + hydrostatic): accurate value */
            l[1] = l[0];
            l[2] = -0.3 * l[0];
            stress_from_eigs(l, 1, s);
            if (!(fabs(ft_max_abs_principal(s) - l[0]) <= 1e-13 * fabs(l[0])))
                bad_special++;
        }
        CHECK(bad_special == 0);
    }
}

/* ---------------------------------------------------------------- batch -------------- */
static void fill_loads(double *L, int nsteps, int nchan, unsigned seed_shift)
{
    int t, k;
    for (k = 0; k < nchan; k++) {
        const double w1 = 0.013 * (k + 1) + 0.001 * seed_shift, w2 = 0.171 / (k + 1);
        double walk = 0.0;
        for (t = 0; t < nsteps; t++) {
            walk = 0.98 * walk + 0.2 * (urand() - 0.5);
            L[(size_t)t * nchan + k] = sin(w1 * t + k) + 0.3 * sin(w2 * t) + walk;
        }
    }
}

static void test_batch_vs_reference(void)
{
    enum { LD = 41, I0 = 4, NN = 33, NCH = 3, NT = 1600 };
    static double S[NCH * LD * 6], L[NT * NCH];
    int q, i;
    double drel = 0.0;
    FtFatigueParams p;
    params_basquin(&p, 100.0, 1e6, 5.0, 20.0);
    p.msc = FT_MSC_GOODMAN;
    p.S_u = 1e4;
    for (i = 0; i < NCH * LD * 6; i++) S[i] = 120.0 * (2.0 * urand() - 1.0);
    fill_loads(L, NT, NCH, 1);
    for (q = 0; q < 5; q++) {
        /* 0..3: the FT_EQ_* kinds; 4: a 40-plane critical plane (Fibonacci set) */
        const int kind = q < 4 ? q : ft_eq_critical_plane(40);
        const int cp = ft_eq_base(kind) == FT_EQ_CRITICAL_PLANE;
        const int nc = ft_equivalent_channels(kind);
        const double gate = (kind == 1) ? 5.0 : 0.0;
        FtRainflowState *rf = malloc(sizeof *rf * NN * nc);
        FtDamageAcc *acc = malloc(sizeof *acc * NN * nc);
        double *Dref = malloc(sizeof *Dref * NN * nc), *Cref = malloc(sizeof *Cref * NN * nc);
        double Dnode[NN];
        int worst[NN], t0 = 0, rc, ok = 1, okc = 1;
        CHECK_CONTEXT("batch vs reference, eq kind %d (%d channels, gate %g)", kind, nc, gate);
        CHECK(ft_cpu_fatigue_init(NN * nc, gate, rf, acc) == FT_BATCH_OK);
        while (t0 < NT) { /* random time chunks; the node range split in two calls */
            const int len = irand(1, 400), nt = (t0 + len < NT) ? len : NT - t0;
            const int split = irand(0, NN);
            rc = ft_cpu_fatigue_batch(split, LD, NCH, S + 6 * I0, nt, L + (size_t)t0 * NCH,
                                      kind, &p, rf, acc);
            rc |= ft_cpu_fatigue_batch(NN - split, LD, NCH, S + 6 * (I0 + split), nt,
                                       L + (size_t)t0 * NCH, kind, &p, rf + split * nc,
                                       acc + split * nc);
            CHECK(rc == FT_BATCH_OK);
            t0 += nt;
        }
        rc = ft_cpu_fatigue_reference(NN, LD, NCH, S + 6 * I0, NT, L, kind, &p, gate, Dref, Cref);
        CHECK(rc == FT_BATCH_OK);
        for (i = 0; i < NN * nc; i++) {
            FtDamageAcc snap = acc[i];
            ft_rf_finish(rf + i, &p, &snap);
            if (!cp) {
                if (!(ft_damage_value(&snap) == Dref[i])) ok = 0; /* identical operations */
            } else {
                /* The batch forms the normal stresses by coefficients, sum_k (n^T S_k n) L_k,
                 * the reference as n^T (sum_k S_k L_k) n: equal up to rounding, |diff| <=
                 * 2 (nchan + 6) eps sum_k |L_k| |S_k| (ft_planes.h) = 18 eps x (3 x 1.9 x 6 x
                 * 120) ~ 1e-12 absolute against ranges ~1e2, so each cycle's amplitude
                 * within ~1e-14 relative and its damage (amplitude^5) within ~5e-14; the
                 * sum of positive terms no worse. Measured 2.0e-15. Tolerance 1e-12: loose,
                 * yet a wrong coefficient (a plane, a channel, a factor 2 on the shear)
                 * changes damages by O(1). */
                const double d = fabs(ft_damage_value(&snap) - Dref[i]) / Dref[i];
                if (!(d <= 1e-12)) ok = 0;
                if (d > drel) drel = d;
            }
            /* the counted cycles identical: no rounding-near-tie flips on this history */
            if (snap.cycles != Cref[i] || rf[i].flags != 0u) okc = 0;
        }
        CHECK(ok);
        CHECK(okc);
        if (cp)
            printf("  critical plane (%d planes) by coefficients vs direct reference: damage "
                   "max rel diff %.2g, cycles identical: %s\n", nc, drel, okc ? "yes" : "no");
        CHECK(ft_cpu_fatigue_damage(NN, nc, rf, acc, &p, Dnode, worst) == FT_BATCH_OK);
        ok = 1;
        for (i = 0; i < NN; i++) {
            double m = -1.0;
            int j;
            for (j = 0; j < nc; j++) m = (Dref[i * nc + j] > m) ? Dref[i * nc + j] : m;
            if (!cp && (Dnode[i] != m || Dref[i * nc + worst[i]] != m || !(m > 0.0))) ok = 0;
            if (cp && !(fabs(Dnode[i] - m) <= 1e-12 * m && m > 0.0)) ok = 0; /* as above */
        }
        CHECK(ok);
        free(rf);
        free(acc);
        free(Dref);
        free(Cref);
    }
}

static void throughput(void)
{
    enum { NN = 2000, NT = 20000, NCH = 3 };
    const int kinds[3] = {FT_EQ_SIGNED_VON_MISES_TRACE, FT_EQ_SIGNED_VON_MISES,
                          FT_EQ_CRITICAL_PLANE};
    const char *names[3] = {"signed von Mises (trace sign)", "signed von Mises (abs-max sign)",
                            "critical plane (25 normals)"};
    double *S = malloc(sizeof *S * NCH * NN * 6), *L = malloc(sizeof *L * NT * NCH);
    FtFatigueParams p;
    int i, q;
    params_basquin(&p, 100.0, 1e6, 5.0, 0.0);
    p.msc = FT_MSC_GOODMAN;
    p.S_u = 1e4;
    for (i = 0; i < NCH * NN * 6; i++) S[i] = 100.0 * (2.0 * urand() - 1.0);
    fill_loads(L, NT, NCH, 2);
    printf("  throughput of ft_cpu_fatigue_batch, %d channels (printed, not asserted):\n", NCH);
    for (q = 0; q < 3; q++) {
        const int nc = ft_equivalent_channels(kinds[q]);
        const int nn = (nc > 1) ? NN / 10 : NN; /* critical plane: 200 nodes x 25 channels */
        FtRainflowState *rf = malloc(sizeof *rf * nn * nc);
        FtDamageAcc *acc = malloc(sizeof *acc * nn * nc);
        double t0, dt, cyc = 0.0;
        ft_cpu_fatigue_init(nn * nc, 0.0, rf, acc);
        t0 = now_s();
        for (i = 0; i < NT; i += 5000) /* 4 time chunks, states carried */
            ft_cpu_fatigue_batch(nn, NN, NCH, S, 5000, L + (size_t)i * NCH, kinds[q], &p, rf,
                                 acc);
        dt = now_s() - t0;
        for (i = 0; i < nn * nc; i++) cyc += acc[i].cycles;
        printf("    %-32s %5d nodes x %d steps: %.3f s, %.3g node-steps/s, %.3g cycles/node-step"
               "/channel\n",
               names[q], nn, NT, dt, (double)nn * NT / dt, cyc / ((double)nn * NT * nc));
        free(rf);
        free(acc);
    }
    free(S);
    free(L);
}

int main(void)
{
    const char *simd_env = getenv("FTWIN_SIMD");
    printf("test_fatigue: ASTM E1049 rainflow, S-N curves, mean stress, Miner, batch\n");
    /* the batch kernel's path (ft_cpu_fatigue_simd.c); ctest unit.fatigue_scalar forces the
     * scalar reference kernel with FTWIN_SIMD=off: check that it is the one that runs */
    printf("  batch kernel path: %s (FTWIN_SIMD=%s)\n", ft_cpu_fatigue_simd_name(),
           simd_env ? simd_env : "(unset)");
    if (simd_env && !strcmp(simd_env, "off")) CHECK_STR(ft_cpu_fatigue_simd_name(), "scalar");
    test_astm_example();
    test_rainflow_properties();
    test_residue_overflow();
    test_spill_exact();
    test_sn_curves();
    test_mean_stress();
    test_two_level_miner();
    test_validation();
    test_damage_merge();
    test_equivalent();
    test_plane_sets();
    test_cp_coefficients();
    test_cp_convergence();
    test_equivalent_fast();
    test_batch_vs_reference();
    throughput();
    return check_summary();
}
