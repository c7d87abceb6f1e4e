/* Exact node screening (kernels/ft_screen.h): on random unit stresses and load histories, for
 * every equivalent-stress kind, every mean-stress correction and both compressive-mean
 * conventions:
 *   1. every computed sample (the direct ft_equivalent_stress of the superposed stress, and for
 *      the critical plane also the coefficient form the engine counts) lies within the bounds;
 *   2. every rainflow cycle of the node (ft_rf_push_cycles + ft_rf_finish_cycles) has its
 *      extremes within them, and its corrected amplitude S_ar <= the worst corner's;
 *   3. with the cut-off placed just above or below the corner (factor 1 +- 1e-6 .. 1 +- 0.1),
 *      a node that ft_screen_worst_damage calls exactly zero has damage exactly 0 when counted
 *      in full by the engine's kernels (ft_cpu_fatigue_batch and _gemm, double and single; the
 *      single-precision gemm with the bounds of u = 2^-24: with those of 2^-53 this test fails,
 *      damage ~1e-5 at nodes decided at the cut-off factor 1 + 3e-9);
 *   4. the bound is not vacuous: on proportional histories (the loads in phase with the signs of
 *      the unit stresses) the largest sample comes within 1e-6 of it, and with a mean above the
 *      variation (sign fixed) the samples' range within 1e-6 of the bounds' width;
 *   5. both decisions occur (screened and counted nodes), and a curve without a cut-off never
 *      screens exactly. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ft_fatigue_batch.h"
#include "ft_screen.h"
#include "check.h"

#define NSTEPS 160
#define KMAX 4
#define NPMAX 40
#define LD 3 /* nodes in the block of the bounds' layout test */

static double sym(void) { return 2.0 * urand() - 1.0; }

/* A random node: K unit stresses (MPa scale) and a history L[t][k]; proportional (prop 1, 2):
 * S_k = c_k S0, L_k(t) = sign(c_k) A_k (o + w(t)), |w| reaching 1 (the bounds' equality cases),
 * o = 0 (prop 1: the sign flips) or, prop 2, S0 uniaxial (sigma n n^T, random n and sign) and
 * o in [2.5, 3.5]: a mean above the variation, p1 + p3 = |S0|_2 (o - 1) > the 2 |S0|_2 of the
 * bound's sign test, so the sign is provably fixed. */
static void make_node(int K, int prop, double *S, double *L)
{
    const double o = prop == 2 ? 2.5 + urand() : 0.0;
    double S0[6], c[KMAX], A[KMAX], off[KMAX];
    int k, t, q;
    for (q = 0; q < 6; q++) S0[q] = 100e6 * sym();
    if (prop == 2) {
        double n[3] = {sym(), sym(), sym()}, nn, sg = 100e6 * sym();
        nn = sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
        for (q = 0; q < 3; q++) n[q] /= nn;
        S0[FT_XX] = sg * n[0] * n[0];
        S0[FT_YY] = sg * n[1] * n[1];
        S0[FT_ZZ] = sg * n[2] * n[2];
        S0[FT_YZ] = sg * n[1] * n[2];
        S0[FT_XZ] = sg * n[0] * n[2];
        S0[FT_XY] = sg * n[0] * n[1];
    }
    for (k = 0; k < K; k++) {
        c[k] = sym();
        A[k] = 0.2 + urand();
        off[k] = 0.5 * sym();
        for (q = 0; q < 6; q++) S[6 * k + q] = prop ? c[k] * S0[q] : 100e6 * sym();
    }
    for (t = 0; t < NSTEPS; t++) {
        const double w = (t == 7) ? 1.0 : (t == 31) ? -1.0 : sym();
        for (k = 0; k < K; k++)
            L[t * K + k] = prop ? (c[k] >= 0 ? 1.0 : -1.0) * A[k] * (o + w) : off[k] + A[k] * sym();
    }
}

static void params(FtFatigueParams *p, int msc, int compr, double S_e, double marin)
{
    memset(p, 0, sizeof *p);
    ft_sn_init_basquin(&p->sn, 100e6, 1e6, 5.0, S_e);
    p->sn.marin[0] = marin;
    p->msc = msc;
    p->mean_compr = compr;
    p->S_u = 600e6;
    p->S_y = 400e6;
    p->sigma_f = 900e6;
    p->walker_gamma = 0.6;
    ft_fatigue_prepare(p);
}

/* S_ar of one cycle by the kernels' own correction (NaN where undefined). */
static double cycle_sar(const FtFatigueParams *p, const FtCycle *cy)
{
    return ft_msc_equivalent(p, 0.5 * cy->range, cy->mean);
}

int main(void)
{
    const int eqs[] = {FT_EQ_SIGNED_VON_MISES, FT_EQ_SIGNED_VON_MISES_TRACE, FT_EQ_MAX_ABS_PRINCIPAL,
                       FT_EQ_CRITICAL_PLANE, FT_EQ_CRITICAL_PLANE + 256 * 40};
    const double u = 1.1102230246251565e-16; /* 2^-53 */
    double S[6 * KMAX], SL[6 * KMAX * LD], L[NSTEPS * KMAX], e[NPMAX], lo[NPMAX], hi[NPMAX], lo32[NPMAX], hi32[NPMAX], nrm[NPMAX][3];
    double Lmin[KMAX], Lmax[KMAX];
    long screened_total = 0, counted_total = 0, zero_checked = 0;
    double worst_tight = 1.0, width_tight = 1.0;

    for (size_t ie = 0; ie < sizeof eqs / sizeof eqs[0]; ie++) {
        const int eq = eqs[ie], nc = ft_equivalent_channels(eq);
        for (int j = 0; j < nc && ft_eq_base(eq) == FT_EQ_CRITICAL_PLANE; j++) ft_cp_normal(nc, j, nrm[j]);
        for (int msc = FT_MSC_NONE; msc <= FT_MSC_WALKER; msc++)
            for (int compr = 0; compr < 2; compr++)
                for (int trial = 0; trial < 24; trial++) {
                    const int K = irand(1, KMAX), prop = trial % 3;
                    FtFatigueParams p;
                    double wsar = 0.0, maxabs = 0.0, maxbound = 0.0, smin = INFINITY, smax = -INFINITY;
                    int ns, bad_sample = 0, bad_cycle = 0, bad_sar = 0;
                    CHECK_CONTEXT("eq %d msc %d compr %d trial %d K %d prop %d", eq, msc, compr, trial, K, prop);
                    make_node(K, prop, S, L);
                    for (int k = 0; k < K; k++) {
                        Lmin[k] = Lmax[k] = L[k];
                        for (int t = 1; t < NSTEPS; t++) {
                            Lmin[k] = fmin(Lmin[k], L[t * K + k]);
                            Lmax[k] = fmax(Lmax[k], L[t * K + k]);
                        }
                    }
                    /* the node inside a block of LD nodes (the engine's layout, node stride LD), the others NaN:
                       a wrong stride would read them */
                    for (int q = 0; q < 6 * KMAX * LD; q++) SL[q] = NAN;
                    for (int k = 0; k < K; k++) memcpy(&SL[6 * (k * LD + 1)], &S[6 * k], 6 * sizeof(double));
                    ns = ft_screen_signal_bounds(eq, K, &SL[6], LD, Lmin, Lmax, (const double(*)[3])nrm, u, lo, hi);
                    CHECK(ns == nc);
                    /* 1., 2. samples and cycles of every signal */
                    params(&p, msc, compr, 0.0, 1.0);
                    for (int j = 0; j < nc; j++) {
                        FtRainflowState rf;
                        FtCycle cyc[2 * NSTEPS + 64];
                        int ncyc = 0;
                        double C[KMAX * NPMAX];
                        const double sw = ft_screen_worst_sar(&p, lo[j], hi[j]);
                        ft_rf_init(&rf, 0.0);
                        for (int k = 0; k < K && nc > 1; k++) ft_cp_coefficients(&S[6 * k], nc, (const double(*)[3])nrm, &C[k * nc]);
                        for (int t = 0; t < NSTEPS; t++) {
                            double sig[6] = {0, 0, 0, 0, 0, 0};
                            for (int k = 0; k < K; k++)
                                for (int q = 0; q < 6; q++) sig[q] += S[6 * k + q] * L[t * K + k];
                            ft_equivalent_stress(eq, sig, e);
                            if (!(e[j] >= lo[j] && e[j] <= hi[j])) bad_sample++;
                            if (nc > 1) {
                                double ec[NPMAX];
                                ft_cp_normal_stresses(K, nc, C, nc, &L[t * K], ec);
                                if (!(ec[j] >= lo[j] && ec[j] <= hi[j])) bad_sample++;
                            }
                            maxabs = fmax(maxabs, fabs(e[j]));
                            smin = fmin(smin, e[j]);
                            smax = fmax(smax, e[j]);
                            ft_rf_push_cycles(&rf, e[j], cyc, (int)(sizeof cyc / sizeof cyc[0]), &ncyc);
                        }
                        ft_rf_finish_cycles(&rf, cyc, (int)(sizeof cyc / sizeof cyc[0]), &ncyc);
                        maxbound = fmax(maxbound, fmax(fabs(lo[j]), fabs(hi[j])));
                        for (int q = 0; q < ncyc; q++) {
                            const double a = 0.5 * cyc[q].range, m = cyc[q].mean, s = cycle_sar(&p, &cyc[q]);
                            if (!(a <= 0.5 * (hi[j] - lo[j]) && m >= lo[j] && m <= hi[j] && m + a <= hi[j] && m - a >= lo[j])) bad_cycle++;
                            if (sw == sw && !(s <= sw)) bad_sar++; /* the corner dominates (where it is defined) */
                        }
                        if (sw == sw) wsar = fmax(wsar, sw);
                    }
                    CHECKF(!bad_sample, "%d samples outside the bounds", bad_sample);
                    CHECKF(!bad_cycle, "%d cycles with an extreme outside the bounds", bad_cycle);
                    CHECKF(!bad_sar, "%d cycles with S_ar above the worst corner's", bad_sar);
                    /* 4. proportional: the bound is attained up to its widening; with a fixed sign (prop 2)
                       the bounds' width too (the amplitude of the variation alone) */
                    if (prop && ft_eq_base(eq) != FT_EQ_CRITICAL_PLANE) {
                        CHECKF(maxabs >= (1.0 - 1e-6) * maxbound, "max |sample| %.17g vs bound %.17g", maxabs, maxbound);
                        worst_tight = fmin(worst_tight, maxabs / maxbound);
                        if (prop == 2) {
                            CHECKF(smax - smin >= (1.0 - 1e-6) * (hi[0] - lo[0]), "sample range %.17g vs bound width %.17g", smax - smin,
                                   hi[0] - lo[0]);
                            width_tight = fmin(width_tight, (smax - smin) / (hi[0] - lo[0]));
                        }
                    }
                    /* 3. exactness: cut-offs around the worst corner (with a Marin factor), full count */
                    if (wsar > 0.0) {
                        const double f[] = {1.1, 1.0 + 1e-6, 1.0 + 3e-9, 1.0 - 1e-6, 0.9};
                        for (size_t q = 0; q < sizeof f / sizeof f[0]; q++)
                            for (int variant = 0; variant < 3; variant++) {
                                const double marin = 0.8;
                                FtFatigueParams pc;
                                int zero = 1;
                                params(&pc, msc, compr, wsar / marin * f[q], marin);
                                if (variant == 2) /* single precision: the bounds of u = 2^-24 */
                                    ft_screen_signal_bounds(eq, K, &SL[6], LD, Lmin, Lmax, (const double(*)[3])nrm, 5.9604644775390625e-8, lo32, hi32);
                                for (int j = 0; j < nc; j++)
                                    zero &= ft_screen_worst_damage(&pc, &pc.dc, variant == 2 ? lo32[j] : lo[j], variant == 2 ? hi32[j] : hi[j]) == 0.0;
                                if (zero) {
                                    FtRainflowState rf[NPMAX];
                                    FtDamageAcc acc[NPMAX];
                                    double D = -1.0;
                                    int rc;
                                    ft_cpu_fatigue_init(nc, 0.0, rf, acc);
                                    if (variant == 0) rc = ft_cpu_fatigue_batch(1, 1, K, S, NSTEPS, L, eq, &pc, rf, acc);
                                    else rc = ft_cpu_fatigue_batch_gemm(1, 1, K, S, NSTEPS, L, eq, &pc, variant == 2, rf, acc);
                                    CHECK(rc == 0);
                                    ft_cpu_fatigue_damage(1, nc, rf, acc, &pc, &D, NULL);
                                    CHECKF(D == 0.0, "screened node (cut-off factor %g, variant %d): full-count damage %.17g", f[q], variant, D);
                                    zero_checked++;
                                    if (variant == 0) screened_total++;
                                } else if (variant == 0)
                                    counted_total++;
                            }
                        /* with the cut-off 10 % above the worst cycle the node must be screened
                           wherever the corner is defined (the widening is ~1e-13) */
                        {
                            FtFatigueParams pc;
                            int zero = 1, defined = 1;
                            params(&pc, msc, compr, wsar / 0.8 * 1.1, 0.8);
                            for (int j = 0; j < nc; j++) {
                                const double dw = ft_screen_worst_damage(&pc, &pc.dc, lo[j], hi[j]);
                                zero &= dw == 0.0;
                                defined &= dw == dw;
                            }
                            CHECK(!defined || zero);
                        }
                    }
                    /* 5. no cut-off: never exactly zero (a positive bound or NaN) */
                    {
                        FtFatigueParams pc;
                        params(&pc, msc, compr, 0.0, 1.0);
                        for (int j = 0; j < nc; j++) CHECK(!(ft_screen_worst_damage(&pc, &pc.dc, lo[j], hi[j]) == 0.0));
                    }
                }
    }
    CHECK_CONTEXT("%s", "");
    printf("screened %ld, counted %ld decisions; %ld full counts of screened nodes, all 0; proportional max|sample|/bound >= %.12f, "
           "with a fixed sign sample range/bound width >= %.12f\n",
           screened_total, counted_total, zero_checked, worst_tight, width_tight);
    CHECK(screened_total > 100 && counted_total > 100);
    return check_summary();
}
