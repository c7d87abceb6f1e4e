/* Unit tests of the fast fatigue kernels against their references (issue 13, items 2 and 4):
 *   - ft_signed_von_mises / ft_max_abs_principal (division-free sign test, one cubic root)
 *     vs ft_signed_von_mises_ref / ft_max_abs_principal_ref (all three eigenvalues of
 *     ft_principal_stresses), on random tensors of several kinds at three scales, and the
 *     rainflow cycles they give on random stress histories;
 *   - ft_damage_add_cycle (per-material constants of ft_fatigue_prepare, no pow below the
 *     cut-off) vs ft_damage_add_cycle_ref (the former code), on random cycles for every S-N
 *     form x mean-stress correction x compressive-mean convention, including cycles within
 *     a few ulps of the cut-off and invalid cycles.
 * Checks: kernels/tests/check.h; the last line is "N passed, N failed". Deterministic
 * (fixed xorshift seed).
 *
 *   gcc -std=c11 -O2 -Wall -Wextra -Werror -Ikernels -Ikernels/tests \
 *       kernels/tests/test_fatigue_fast.c kernels/cpu/ft_cpu_fatigue.c \
 *       kernels/cpu/ft_cpu_fatigue_simd.c -lblas -lm
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ft_equivalent.h"
#include "ft_fatigue_batch.h"
#include "ft_rainflow.h"
#include "ft_sn.h"
#define CHECK_RNG_SEED 0x2545F4914F6CDD1Dull
#include "check.h"

static double logu(double lo, double hi) { return lo * pow(hi / lo, urand()); }

static const double U = 1.1102230246251565e-16; /* unit roundoff 2^-53 */

/* ------------------------------------------------------------ equivalent stresses -- */
/* s = R diag(l) R^T (Voigt) with a random rotation R (unit quaternion). */
static void from_eigs(const double l[3], double s[6])
{
    double R[3][3], a, b, c, d, n;
    int i, j, k;
    do {
        a = 2 * urand() - 1; b = 2 * urand() - 1; c = 2 * urand() - 1; d = 2 * urand() - 1;
        n = a * a + b * b + c * c + d * d;
    } while (n > 1.0 || n < 1e-3);
    n = 1.0 / sqrt(n);
    a *= n; b *= n; c *= n; d *= n;
    R[0][0] = a * a + b * b - c * c - d * d; R[0][1] = 2 * (b * c - a * d); R[0][2] = 2 * (b * d + a * c);
    R[1][0] = 2 * (b * c + a * d); R[1][1] = a * a - b * b + c * c - d * d; R[1][2] = 2 * (c * d - a * b);
    R[2][0] = 2 * (b * d - a * c); R[2][1] = 2 * (c * d + a * b); R[2][2] = a * a - b * b - c * c + d * d;
    {
        double A[3][3];
        for (i = 0; i < 3; i++)
            for (j = 0; j < 3; j++) {
                A[i][j] = 0.0;
                for (k = 0; k < 3; k++) A[i][j] += R[i][k] * l[k] * R[j][k];
            }
        s[FT_XX] = A[0][0]; s[FT_YY] = A[1][1]; s[FT_ZZ] = A[2][2];
        s[FT_YZ] = A[1][2]; s[FT_XZ] = A[0][2]; s[FT_XY] = A[0][1];
    }
}

enum { K_UNIFORM, K_GENERAL, K_PAIR, K_SHEAR, K_UNIAXIAL, K_HYDRO, K_ZERO, K_N };
static const char *const knames[K_N] = {"uniform entries", "random eigenvalues, rotated",
                                        "near tie of a pair (gap 1e-16..1)",
                                        "pure / near pure shear", "uniaxial / biaxial",
                                        "(near) hydrostatic", "zero"};

/* Writes a tensor of the kind; returns 1 for an exact tie p1 + p3 = 0 (simple shear). */
static int tensor(int kind, double s[6])
{
    double l[3];
    int c;
    switch (kind) {
    case K_UNIFORM:
        for (c = 0; c < 6; c++) s[c] = 2 * urand() - 1;
        return 0;
    case K_GENERAL:
        for (c = 0; c < 3; c++) l[c] = 2 * urand() - 1;
        break;
    case K_PAIR: {
        const double g = irand(0, 9) ? logu(1e-16, 1.0) : 0.0;
        l[0] = 2 * urand() - 1;
        l[1] = l[0] + (irand(0, 1) ? g : -g);
        l[2] = l[0] + (irand(0, 1) ? 1 : -1) * (0.2 + 2 * urand());
        break;
    }
    case K_SHEAR: { /* diag(t + e, m, -t), e = 0 (pure shear for m = 0) or tiny */
        const double t = 0.1 + urand();
        l[0] = t + (irand(0, 2) ? (2 * urand() - 1) * t * logu(1e-16, 1e-2) : 0.0);
        l[1] = irand(0, 1) ? 0.0 : (2 * urand() - 1) * 0.99 * t;
        l[2] = -t;
        if (!irand(0, 4)) { /* simple shear in one off-diagonal entry: an exact tie */
            for (c = 0; c < 6; c++) s[c] = 0.0;
            s[irand(3, 5)] = irand(0, 1) ? t : -t;
            return 1;
        }
        break;
    }
    case K_UNIAXIAL:
        l[0] = (irand(0, 1) ? 1 : -1) * (0.1 + urand());
        l[1] = irand(0, 1) ? 0.0 : 2 * urand() - 1;
        l[2] = 0.0;
        if (!irand(0, 3)) { /* axis-aligned */
            for (c = 0; c < 6; c++) s[c] = 0.0;
            s[irand(0, 2)] = l[0];
            return 0;
        }
        break;
    case K_HYDRO: {
        const double h = 2 * urand() - 1, e = irand(0, 3) ? logu(1e-12, 1.0) : 0.0;
        for (c = 0; c < 3; c++) l[c] = h + e * (2 * urand() - 1);
        if (e == 0.0) {
            for (c = 0; c < 6; c++) s[c] = c < 3 ? h : 0.0;
            return 0;
        }
        break;
    }
    default:
        for (c = 0; c < 6; c++) s[c] = 0.0;
        return 0;
    }
    from_eigs(l, s);
    return 0;
}

/* Fast vs reference on single tensors. Tolerances:
 *  - |signed von Mises| is ft_von_mises in both: equal bit for bit;
 *  - the sign: equal wherever |p1 + p3| > 1e-12 sigma_vm (p from ft_principal_stresses),
 *    i.e. well above the rounding of p1 + p3 (a few eps (sigma_vm + |q|)); at ties below
 *    that the fast one takes + by convention (16 eps tie band) and the reference the sign of
 *    the rounded sum, so they may differ there (counted and printed, not failed);
 *  - the max principal value: |fast - ref| <= 1e-13 (sigma_vm + |q|). The fast root has an
 *    error <= ~5e-15 (sigma_vm + |q|) (ft_equivalent.h), the reference ~1e-15; 1e-13 leaves
 *    a margin of 20 over the sum and is still 10 orders below any fatigue-relevant error. */
static void test_equivalent_vs_ref(void)
{
    const double scales[3] = {1.0, 1e-6, 1e9};
    long n[K_N] = {0}, bad_sign[K_N] = {0}, bad_val[K_N] = {0}, bad_vm[K_N] = {0};
    long ties[K_N] = {0}, tie_diff[K_N] = {0}, tie_minus[K_N] = {0};
    long exact_ties = 0, exact_minus = 0;
    double maxd[K_N] = {0.0};
    long i;
    int kind, k;
    for (i = 0; i < 420000; i++) {
        double base[6];
        int exact;
        kind = (int)(i % K_N);
        exact = tensor(kind, base);
        for (k = 0; k < 3; k++) {
            double s[6], p[3], vm, q, sc, sv, svr, v, vr;
            int c;
            for (c = 0; c < 6; c++) s[c] = scales[k] * base[c];
            ft_principal_stresses(s, p);
            vm = ft_von_mises(s);
            q = (s[FT_XX] + s[FT_YY] + s[FT_ZZ]) / 3.0;
            sc = vm + fabs(q);
            sv = ft_signed_von_mises(s);
            svr = ft_signed_von_mises_ref(s);
            v = ft_max_abs_principal(s);
            vr = ft_max_abs_principal_ref(s);
            n[kind]++;
            if (exact) {
                exact_ties++;
                if (!(sv > 0.0) || !(v > 0.0)) exact_minus++;
            }
            if (!(fabs(sv) == fabs(svr) && fabs(sv) == vm)) bad_vm[kind]++;
            if (fabs(p[0] + p[2]) > 1e-12 * vm || vm == 0.0) {
                if ((sv >= 0.0) != (svr >= 0.0))
                    bad_sign[kind]++;
                if (!(fabs(v - vr) <= 1e-13 * sc)) bad_val[kind]++;
                if (sc > 0.0 && fabs(v - vr) / sc > maxd[kind]) maxd[kind] = fabs(v - vr) / sc;
            } else {
                ties[kind]++;
                if ((sv >= 0.0) != (svr >= 0.0)) tie_diff[kind]++;
                if (sv < 0.0) tie_minus[kind]++;
                if (!(fabs(fabs(v) - fabs(vr)) <= 1e-13 * sc)) bad_val[kind]++;
            }
        }
    }
    for (kind = 0; kind < K_N; kind++) {
        CHECK_CONTEXT("fast vs reference equivalents: %s", knames[kind]);
        CHECK(n[kind] > 1000);
        CHECK(bad_vm[kind] == 0);
        CHECK(bad_sign[kind] == 0);
        CHECK(bad_val[kind] == 0);
        printf("  %-35s %6ld tensors: %ld sign / %ld value differences, max |dv| %.2g "
               "(sigma_vm + |q|); %ld ties |p1+p3| <= 1e-12 sigma_vm (%ld with the other sign "
               "in the reference; %ld negative in the fast one)\n",
               knames[kind], n[kind], bad_sign[kind], bad_val[kind], maxd[kind], ties[kind],
               tie_diff[kind], tie_minus[kind]);
    }
    CHECK_CONTEXT("exact simple shear takes + (fast)");
    CHECK(exact_minus == 0 && exact_ties > 1000);
    CHECK_CONTEXT("special tensors");
    {
        const double zero[6] = {0, 0, 0, 0, 0, 0}, hyd[6] = {-3, -3, -3, 0, 0, 0};
        const double ux[6] = {-250, 0, 0, 0, 0, 0}, sh[6] = {0, 0, 0, 0, 80, 0};
        CHECK(ft_signed_von_mises(zero) == 0.0 && ft_signed_von_mises_ref(zero) == 0.0);
        CHECK(ft_max_abs_principal(zero) == 0.0 && ft_max_abs_principal_ref(zero) == 0.0);
        CHECK(ft_max_abs_principal(hyd) == -3.0 && ft_max_abs_principal_ref(hyd) == -3.0);
        CHECK(ft_signed_von_mises(hyd) == 0.0 && ft_signed_von_mises_ref(hyd) == 0.0);
        CHECK_REL(ft_max_abs_principal(ux), -250.0, 4 * U);
        CHECK_REL(ft_max_abs_principal_ref(ux), -250.0, 4 * U);
        CHECK(ft_signed_von_mises(ux) == -250.0 && ft_signed_von_mises_ref(ux) == -250.0);
        CHECK_REL(ft_max_abs_principal(sh), 80.0, 4 * U);
        CHECK(ft_signed_von_mises(sh) == ft_von_mises(sh)); /* tie: + */
    }
}

/* Random stress histories sigma(t) = sum_k S_k L_k(t) (6 channels, random unit stresses,
 * loads = sines + random walk + white noise), 3000 steps each: the fast and the reference
 * equivalent give the same rainflow cycles (ft_rf_push_cycles): the same number, counts
 * and (signed von Mises) bit-identical ranges and means, (max principal) ranges and means
 * within 1e-13 of the history's scale (the value tolerance above, twice). A tie of the
 * signed von Mises sign or a near-equal pair of samples that the 1e-15 value difference
 * reorders could make them differ; on these histories that never happens (asserted). */
static void test_cycle_counts(void)
{
    enum { NH = 60, NT = 3000, NCH = 6, CAP = NT };
    static double Sk[NCH][6], L[NT][NCH];
    static FtCycle ca[CAP], cb[CAP];
    long tot_cycles[2] = {0, 0}, diff_hist[2] = {0, 0};
    double maxd = 0.0;
    int h, eq;
    for (h = 0; h < NH; h++) {
        int k, c, t;
        for (k = 0; k < NCH; k++)
            for (c = 0; c < 6; c++) Sk[k][c] = 100.0 * (2 * urand() - 1);
        for (k = 0; k < NCH; k++) {
            const double w = 0.002 + 0.05 * urand(), ph = 6.28 * urand();
            double walk = 0.0;
            for (t = 0; t < NT; t++) {
                walk = 0.95 * walk + 0.2 * (urand() - 0.5);
                L[t][k] = 0.3 + sin(w * t + ph) + walk + 0.02 * (urand() - 0.5);
            }
        }
        for (eq = 0; eq < 2; eq++) {
            FtRainflowState ra, rb;
            int na = 0, nb = 0, m, same = 1;
            double scale = 0.0;
            ft_rf_init(&ra, 0.0);
            ft_rf_init(&rb, 0.0);
            for (t = 0; t < NT; t++) {
                double s[6], ea, eb;
                for (c = 0; c < 6; c++) {
                    s[c] = 0.0;
                    for (k = 0; k < NCH; k++) s[c] += Sk[k][c] * L[t][k];
                }
                ea = eq ? ft_max_abs_principal(s) : ft_signed_von_mises(s);
                eb = eq ? ft_max_abs_principal_ref(s) : ft_signed_von_mises_ref(s);
                if (ft_von_mises(s) + fabs(s[0] + s[1] + s[2]) > scale)
                    scale = ft_von_mises(s) + fabs(s[0] + s[1] + s[2]);
                ft_rf_push_cycles(&ra, ea, ca, CAP, &na);
                ft_rf_push_cycles(&rb, eb, cb, CAP, &nb);
            }
            tot_cycles[eq] += na;
            if (na != nb) same = 0;
            for (m = 0; same && m < na; m++) {
                const double d = fabs(ca[m].range - cb[m].range) + fabs(ca[m].mean - cb[m].mean);
                if (ca[m].count != cb[m].count) same = 0;
                if (eq == 0 && d != 0.0) same = 0;
                if (eq == 1 && !(d <= 2e-13 * scale)) same = 0;
                if (d / scale > maxd) maxd = d / scale;
            }
            if (!same || ra.nrev != rb.nrev || ra.n != rb.n) diff_hist[eq]++;
        }
    }
    CHECK_CONTEXT("identical cycle counts, fast vs reference equivalent, random histories");
    CHECK(diff_hist[0] == 0);
    CHECK(diff_hist[1] == 0);
    CHECK(tot_cycles[0] > 10000 && tot_cycles[1] > 10000);
    printf("  %d random histories x %d steps: signed von Mises %ld cycles, max principal %ld "
           "cycles; histories with any difference %ld / %ld; max |d range| + |d mean| "
           "(max principal) %.2g of the history scale\n",
           NH, NT, tot_cycles[0], tot_cycles[1], diff_hist[0], diff_hist[1], maxd);
}

/* ------------------------------------------------------------ damage per cycle ------- */
enum { C_BASQUIN, C_KNEE, C_HAIBACH, C_TABLE, C_N };

/* Parameters of curve form cf, correction msc, convention compr; with_cut: S_e > 0. Marin
 * factors random in [0.6, 1]; stresses in MPa-like units; int_m: integer slopes (3 and 5 as
 * EN 1993-1-9, Haibach 7, Basquin 1..12: the multiplication path of ft__powi). */
static void make_params(FtFatigueParams *p, int cf, int msc, int compr, int with_cut, int int_m)
{
    const double tS[5] = {400, 200, 120, 80, 50}, tN[5] = {1e4, 1.2e5, 1e6, 5e6, 5e7};
    int i;
    memset(p, 0, sizeof *p);
    switch (cf) {
    case C_BASQUIN:
        ft_sn_init_basquin(&p->sn, 100.0, 1e6, int_m ? irand(1, 12) : 3.0 + 6.0 * urand(),
                           with_cut ? 35.0 : 0.0);
        break;
    case C_KNEE:
        ft_sn_init_knee(&p->sn, 100.0, 2e6, int_m ? 3.0 : 3.5, 60.0,
                        int_m ? 5.0 : 5.0 + 4.0 * urand(), 0, with_cut ? 30.0 : 0.0);
        break;
    case C_HAIBACH:
        ft_sn_init_knee(&p->sn, 150.0, 1e5, int_m ? 4.0 : 4.0 + urand(), 70.0, 0.0, 1,
                        with_cut ? 28.0 : 0.0);
        break;
    default:
        ft_sn_init_table(&p->sn, 5, tS, tN);
        p->sn.S_e = with_cut ? 65.0 : 0.0; /* above the last point: the cut-off decides */
        break;
    }
    for (i = 0; i < 6; i++) p->sn.marin[i] = (i < 3) ? 0.6 + 0.4 * urand() : 1.0;
    p->msc = msc;
    p->mean_compr = compr;
    p->S_u = 500.0;
    p->S_y = 300.0;
    p->sigma_f = 900.0;
    p->walker_gamma = 0.3 + 0.7 * urand();
}

/* Largest |dlog N / dlog S| of the curve (the amplification of a relative error of S). */
static double curve_slope(const FtSNCurve *c)
{
    double m = c->m;
    int i;
    if (c->kind == FT_SN_KNEE && ft_sn_m2(c) > m) m = ft_sn_m2(c);
    if (c->kind == FT_SN_TABLE)
        for (i = 0, m = 0.0; i + 1 < c->npts; i++) {
            const double s = log(c->tab_N[i + 1] / c->tab_N[i]) / log(c->tab_S[i] / c->tab_S[i + 1]);
            if (s > m) m = s;
        }
    return m;
}

static int same_num(double a, double b) { return a == b || (a != a && b != b); }

/* everything of the accumulators but the damage (NaN inputs are recorded as NaN) */
static int same_acc_meta(const FtDamageAcc *a, const FtDamageAcc *b)
{
    return a->cycles == b->cycles && a->max_range == b->max_range &&
           a->invalid_cycles == b->invalid_cycles && a->flags == b->flags &&
           a->err_code == b->err_code && same_num(a->err_amp, b->err_amp) &&
           same_num(a->err_mean, b->err_mean);
}

/* Fast vs reference damage, one cycle at a time and summed. Tolerance per cycle (relative):
 *   2^-53 (16 + 8 m_eff (1 + c) + 4 L)
 * from the error analysis: the fast S = S_ar inv_marin differs from the reference's S_ar / k
 * by <= 3 ulps; Goodman / Soderberg / Morrow / Gerber round 1 - x (x = S_m/S_u, ..., Gerber
 * (S_m/S_u)^2) with an error ~eps |x|, relative eps |x| / |1 - x| =: c eps (c = 0 for
 * none, SWT, Walker, whose S_ar are the same expressions); the damage goes as S^m_eff
 * (m_eff: the curve's largest slope), which multiplies the relative error of S by m_eff;
 * pow, the products and the final division add a few ulps (16); the table's exponent
 * t log(N_{i+1}/N_i) adds ~4 L ulps, L = the largest |log(N_{i+1}/N_i)|. The factor 8 (vs 3
 * + 3) is margin. The measured maximum, in units of that tolerance, is printed. */
static void test_damage_vs_ref(void)
{
    long ncyc = 0, nzero = 0, nnear = 0, ninvalid = 0, bad = 0, bad_meta = 0, bad_zero = 0;
    long bad_unprep = 0, bad_sum = 0;
    double worst = 0.0;
    int cf, msc, compr, cut, rep;
    for (cf = 0; cf < C_N; cf++)
        for (msc = 0; msc <= FT_MSC_WALKER; msc++)
            for (compr = 0; compr <= 1; compr++)
                for (cut = 0; cut <= 1; cut++)
                    for (rep = 0; rep < 3; rep++) {
                        FtFatigueParams p, pu;
                        FtDamageAcc sf, sr;
                        double m_eff, Lmax = 0.0, sum_tol = 0.0;
                        int i, j;
                        make_params(&p, cf, msc, compr, cut, rep < 2); /* integer slopes */
                        CHECK(ft_fatigue_validate(&p) == FT_FAT_OK);
                        pu = p;            /* not prepared: dc zero */
                        ft_fatigue_prepare(&p);
                        m_eff = curve_slope(&p.sn);
                        for (j = 0; j + 1 < p.sn.npts; j++)
                            if (fabs(log(p.sn.tab_N[j + 1] / p.sn.tab_N[j])) > Lmax)
                                Lmax = fabs(log(p.sn.tab_N[j + 1] / p.sn.tab_N[j]));
                        ft_damage_init(&sf);
                        ft_damage_init(&sr);
                        for (i = 0; i < 3000; i++) {
                            FtDamageAcc af, ar, au;
                            double range, mean, cnt = irand(0, 1) ? 1.0 : 0.5, x = 0.0, tol;
                            const int near = (cut && i % 4 == 0);
                            if (near) { /* within ~8 ulps of the cut-off: mean 0, or for
                                         * Goodman, Soderberg, Morrow, Gerber a random mean
                                         * with S_a = S_cut k (1 - x) */
                                const double k = ft_sn_marin(&p.sn);
                                double den = 1.0;
                                mean = 0.0;
                                if ((i / 4) % 2 && msc != FT_MSC_NONE && msc != FT_MSC_SWT &&
                                    msc != FT_MSC_WALKER) {
                                    const double lim = msc == FT_MSC_SODERBERG ? p.S_y
                                                       : msc == FT_MSC_MORROW  ? p.sigma_f
                                                                               : p.S_u;
                                    const double xm = (urand() - 0.5) * lim;
                                    mean = xm;
                                    if (!(xm < 0.0 && compr == FT_MEAN_COMPR_ZERO))
                                        den = (msc == FT_MSC_GERBER) ? 1.0 - (xm / lim) * (xm / lim)
                                                                     : 1.0 - xm / lim;
                                }
                                range = 2.0 * p.dc.S_cut * k * den * (1.0 + irand(-8, 8) * 2.2e-16);
                                nnear++;
                            } else {
                                range = 2.0 * logu(5.0, 600.0);
                                mean = (2.0 * urand() - 1.0) * 1.05 * p.S_u; /* some invalid */
                                if (!irand(0, 199)) mean = NAN;
                                if (!irand(0, 199)) range = -range;
                            }
                            ft_damage_init(&af);
                            ft_damage_init(&ar);
                            ft_damage_init(&au);
                            ft_damage_add_cycle(&af, &p, range, mean, cnt);
                            ft_damage_add_cycle_ref(&ar, &p, range, mean, cnt);
                            ft_damage_add_cycle(&au, &pu, range, mean, cnt);
                            ft_damage_add_cycle(&sf, &p, range, mean, cnt);
                            ft_damage_add_cycle_ref(&sr, &p, range, mean, cnt);
                            ncyc++;
                            if (!same_acc_meta(&af, &ar)) bad_meta++;
                            if (memcmp(&af, &au, sizeof af) != 0) bad_unprep++;
                            if (ar.flags) {
                                ninvalid++;
                                continue;
                            }
                            if ((af.damage == 0.0) != (ar.damage == 0.0)) bad_zero++;
                            if (ar.damage == 0.0) {
                                nzero++;
                                continue;
                            }
                            if (msc == FT_MSC_GOODMAN || msc == FT_MSC_SODERBERG ||
                                msc == FT_MSC_MORROW || msc == FT_MSC_GERBER) {
                                const double lim = msc == FT_MSC_SODERBERG ? p.S_y
                                                   : msc == FT_MSC_MORROW  ? p.sigma_f
                                                                           : p.S_u;
                                x = ft__msc_mean(&p, mean) / lim;
                                if (msc == FT_MSC_GERBER) x = x * x;
                            }
                            tol = U * (16.0 + 8.0 * m_eff * (1.0 + fabs(x) / fabs(1.0 - x)) +
                                       4.0 * Lmax);
                            sum_tol = tol > sum_tol ? tol : sum_tol;
                            {
                                const double rel = fabs(af.damage + af.comp - ar.damage - ar.comp) /
                                                   (ar.damage + ar.comp);
                                if (!(rel <= tol)) bad++;
                                if (rel / tol > worst) worst = rel / tol;
                            }
                        }
                        /* the sums: every term within its tolerance, so the sum within the
                         * largest one (plus the compensated sums' own ~2 eps) */
                        if (!same_acc_meta(&sf, &sr)) bad_meta++;
                        if (!sr.flags && sr.damage > 0.0 &&
                            !(fabs(ft_damage_value(&sf) - ft_damage_value(&sr)) <=
                              (sum_tol + 4 * U) * ft_damage_value(&sr)))
                            bad_sum++;
                        if (sr.flags && !(ft_damage_value(&sf) != ft_damage_value(&sf))) bad_sum++;
                    }
    CHECK_CONTEXT("damage per cycle, fast vs reference (every curve x correction x convention)");
    CHECK(bad == 0);
    CHECK(bad_meta == 0);
    CHECK(bad_zero == 0);
    CHECK(bad_unprep == 0);
    CHECK(bad_sum == 0);
    CHECK(nnear > 10000 && ninvalid > 1000 && nzero > 1000);
    printf("  %ld random cycles over %d curves x 7 corrections x 2 conventions x cut-off or "
           "not: %ld invalid (same flags and first error), %ld without damage (%ld within 8 "
           "ulps of a cut-off), differences beyond the tolerance %ld, largest difference %.2f "
           "of its tolerance; unprepared = prepared bit for bit (%ld differ)\n",
           ncyc, C_N, ninvalid, nzero, nnear, bad, worst, bad_unprep);
}

/* Hand values through the fast path (prepared), the same as test_fatigue's: */
static void test_damage_hand(void)
{
    FtFatigueParams p;
    FtDamageAcc a;
    CHECK_CONTEXT("fast damage: hand values");
    memset(&p, 0, sizeof p);
    ft_sn_init_knee(&p.sn, 100.0, 2e6, 3.0, 50.0, 0.0, 1, 30.0); /* N_k = 1.6e7, m2 = 5 */
    p.msc = FT_MSC_NONE;
    ft_fatigue_prepare(&p);
    ft_damage_init(&a);
    ft_damage_add_cycle(&a, &p, 400.0, 0.0, 1.0); /* S = 200: N = 2.5e5 */
    CHECK_REL(ft_damage_value(&a), 1.0 / 2.5e5, 4 * U);
    ft_damage_init(&a);
    ft_damage_add_cycle(&a, &p, 80.0, 0.0, 1.0); /* S = 40: N = 1.6e7 0.8^-5 = 48828125 */
    CHECK_REL(ft_damage_value(&a), 1.0 / 48828125.0, 16 * U);
    ft_damage_init(&a);
    ft_damage_add_cycle(&a, &p, 60.0, 0.0, 1.0); /* S = 30 = S_e: finite (at the limit) */
    CHECK_REL(ft_damage_value(&a), 1.0 / (1.6e7 * pow(30.0 / 50.0, -5.0)), 16 * U);
    ft_damage_add_cycle(&a, &p, 59.99, 0.0, 1.0); /* below: nothing added */
    CHECK_REL(ft_damage_value(&a), 1.0 / (1.6e7 * pow(30.0 / 50.0, -5.0)), 16 * U);
    CHECK(a.cycles == 2.0);
}

int main(void)
{
    printf("test_fatigue_fast: fast equivalent stresses and damage vs their references\n");
    test_equivalent_vs_ref();
    test_cycle_counts();
    test_damage_vs_ref();
    test_damage_hand();
    return check_summary();
}
