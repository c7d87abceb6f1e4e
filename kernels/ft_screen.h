/* ftwin kernels: exact node screening for the fatigue engine - an upper bound on every rainflow
 * cycle a node can produce, from its unit stresses and each load channel's extremes, and the
 * test whether even the worst such cycle does no damage (docs/fatigue.md "Node screening").
 *
 * Header-only, FT_HD functions (static inline; __host__ __device__ under nvcc), double
 * precision, only <math.h>; no allocation, no I/O.
 *
 * The bound. With sigma(t) = sum_k L_k(t) S_k (unit stress S_k of load channel k, K channels)
 * and A_k = max(|min_t L_k|, |max_t L_k|) over the whole history:
 *   - signed von Mises (either sign convention): von Mises is a seminorm (sigma_vm = sqrt(3/2)
 *     |dev sigma|_F, the Frobenius norm of a linear map of sigma), so by the triangle
 *     inequality and homogeneity
 *       |e(t)| = vm(sigma(t)) <= sum_k |L_k(t)| vm(S_k) <= B = sum_k A_k vm(S_k);
 *   - largest-magnitude principal stress: |p| = |sigma|_2 (the spectral norm of a symmetric
 *     matrix is its largest |eigenvalue|, and it is a norm), so
 *       |e(t)| <= B = sum_k A_k |S_k|_2;
 *   - critical plane: the normal stress on plane j is linear in the loads (ft_planes.h),
 *     e_j(t) = sum_k c_kj L_k(t), c_kj = n_j^T S_k n_j, so with lo_k <= L_k <= hi_k
 *       sum_k min(c_kj lo_k, c_kj hi_k) <= e_j(t) <= sum_k max(c_kj lo_k, c_kj hi_k).
 *   In every case each sample lies in [lo, hi] (lo = -B, hi = B for the first two). A rainflow
 *   cycle joins two samples x_a, x_b (ASTM E1049-85 sec. 5.4.4: its range is |x_a - x_b| and
 *   its mean (x_a + x_b)/2), so its amplitude a <= (hi - lo)/2, its mean lies in [lo, hi] and
 *   its maximum m + a <= hi.
 *
 * The worst cycle. Each mean-stress correction of ft_sn.h (ft_msc_equivalent) is
 * non-decreasing in the amplitude and, on its valid range, in the tensile mean:
 *   NONE       S_a;
 *   GOODMAN, SODERBERG, MORROW  S_a / (1 - m/lim), m < lim: increasing in S_a and in m (for
 *              m < 0 as well with compressive_mean as_is; with `zero` m < 0 counts as 0);
 *   GERBER     S_a / (1 - (m/S_u)^2): increasing in |m| (as_is) or in max(m, 0) (zero);
 *   SWT        sqrt(S_max S_a), S_max = m + S_a (0 for S_max <= 0): increasing in S_max, S_a;
 *   WALKER     S_max^(1-g) S_a^g, 0 < g <= 1: likewise.
 * So every cycle's S_ar is at most the correction at the corner a* = (hi - lo)/2 with the mean
 * m* = hi (GOODMAN, SODERBERG, MORROW, GERBER `zero`: max(hi, 0); GERBER as_is: max(|lo|, |hi|))
 * or S_max* = hi (SWT, WALKER). Where the corner's mean is outside the correction's range
 * (m* >= S_u, ...) or within 0.1 % of its limit (1 - m* /lim < 1e-3, where the rounding of
 * 1 - m/lim is amplified), the node is not screened: its cycles might be invalid, and a full
 * count must flag them.
 *
 * Exactly zero. ft_damage_add_cycle adds nothing for a cycle whose S = S_ar / (Marin product)
 * is below S_lo = S_cut (1 - 2^-40) (S_cut: the curve's cut-off, ft_damage_const), by every
 * path it may take (the fast test S_a/k < S_lo (1 - m/lim) before dividing, the S < S_lo
 * test, and the reference ft_sn_cycles below S_e: infinity). A node is screened (its damage is
 * exactly 0, the value a full count gives) when the corner's S, times (1 + 1e-9), is below
 * S_lo for every signal of the node. A curve without a cut-off (S_cut = 0) never screens
 * exactly: ft_screen_worst_damage then returns the worst cycle's damage (a tolerance bound).
 *
 * Floating point. The samples the engine counts are computed, not exact. The superposition of
 * K products has an absolute error per component <= gamma_K sum_k |L_k| |S_k,c| (gamma_K =
 * K u / (1 - K u), Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., 2002,
 * eq. 3.5 / sec. 4.2), u the unit roundoff of the superposition (2^-53; 2^-24 with
 * fatigue.precision: single, where S and L are rounded to float first: 2 u more per product).
 * The equivalent stresses are Lipschitz in the stress with constant <= 1.23 in the norm
 * N1(s) = |sxx| + |syy| + |szz| + 2 (|syz| + |sxz| + |sxy|) (vm(s) <= sqrt(3/2) |s|_F <= 1.23
 * N1(s); |s|_2 <= |s|_F <= N1(s); |n^T s n| <= N1(s)), and they carry their own rounding: a few
 * u for von Mises, up to ~50 u (sigma_vm + |q|) for the largest principal stress
 * (ft_equivalent.h item 2), 2 (K + 6) u sum_k |L_k| N1(S_k) between the coefficient and the
 * direct normal stress (ft_planes.h). With T = sum_k A_k N1(S_k) every computed sample thus
 * lies within (1.23 K + 60) u T of [lo, hi]; the bound's own evaluation (K products and sums,
 * the eigenvalues of S_k by ft_principal_stresses) adds a few (K + 3) u T more. The bounds used
 * are widened by
 *   tau = 2 r T,   r = 64 (K + 8) u,
 * i.e. a safety factor of more than 16 over the sum of those terms; for K = 3 in double
 * precision tau = 1.6e-13 T, far below any physical effect (it screens practically as much as
 * the exact bound). The final S is compared with a relative margin 1e-9 >> the few u / 1e-3
 * of the correction's rounding. */
#ifndef FT_SCREEN_H
#define FT_SCREEN_H

#include <math.h>
#include "ft_kernel.h"
#include "ft_elasticity.h"
#include "ft_equivalent.h"
#include "ft_planes.h"
#include "ft_sn.h"

#define FT_SCREEN_S_MARGIN 1e-9  /* relative margin of the final comparison with the cut-off */
#define FT_SCREEN_MIN_DEN 1e-3   /* smallest 1 - m* /lim (Goodman...) or 1 - (m* /S_u)^2 screened */
#define FT_SCREEN_MAX_CORNER_CHANNELS 10 /* (c) below for K <= 10 channels (at most 1024 corners) */

/* The relative widening r of the bounds (above) for K load channels and the unit roundoff u of
 * the superposition (2^-53 double, 2^-24 single precision). */
FT_HD double ft_screen_rel(int nchan, double u) { return 64.0 * (nchan + 8) * u; }

/* N1(s) = |sxx| + |syy| + |szz| + 2 (|syz| + |sxz| + |sxy|): a norm dominating |s|_F, |s|_2,
 * vm(s) / 1.23 and every |n^T s n| (|n| = 1). */
FT_HD double ft_screen_n1(const double s[6])
{
    return fabs(s[FT_XX]) + fabs(s[FT_YY]) + fabs(s[FT_ZZ]) +
           2.0 * (fabs(s[FT_YZ]) + fabs(s[FT_XZ]) + fabs(s[FT_XY]));
}

/* Spectral norm |s|_2 = max(|p1|, |p3|) of a symmetric stress (ft_principal_stresses). */
FT_HD double ft_screen_spectral(const double s[6])
{
    double p[3];
    ft_principal_stresses(s, p);
    return fabs(p[0]) > fabs(p[2]) ? fabs(p[0]) : fabs(p[2]);
}

/* Bounds lo[j] <= e_j(t) <= hi[j] of every computed sample of each of the
 * ft_equivalent_channels(eq) signals of one node, over any time step whose loads lie within
 * [Lmin_k, Lmax_k] (widened by tau, above):
 *   S       the node's unit stresses, channel k at S + 6 k ld (Voigt, the engine's layout with
 *           node stride ld: pass &S_engine[6 i] and ld = nodes)
 *   nrm     the plane normals (np x 3, ft_cp_normal) for a critical-plane kind; else unused
 *   u       unit roundoff of the superposition (2^-53 or 2^-24)
 * Returns the number of signals written, 0 for an unknown kind. Non-finite inputs give
 * non-finite bounds (never screened: ft_screen_worst_damage returns NaN).
 *
 * Von Mises and the principal stress are bounded three ways, and the intersection is used:
 *   (a) the seminorm bound of the file's head, [-B, B];
 *   (b) around the mid stress. With c_k = (Lmin_k + Lmax_k)/2 and R_k = (Lmax_k - Lmin_k)/2,
 *       sigma(t) = sigma_c + sum_k d_k(t) S_k, sigma_c = sum_k c_k S_k, |d_k| <= R_k, so
 *       vm(sigma(t)) lies within rho_vm = sum_k R_k vm(S_k) of vm(sigma_c) (seminorm), and each
 *       eigenvalue p_i(t) within rho_2 = sum_k R_k |S_k|_2 of p_i(sigma_c) (Weyl's inequality,
 *       Horn & Johnson, Matrix Analysis, 2nd ed., 2013, Cor. 4.3.15). Hence p1 + p3 lies within
 *       2 rho_2 of its mid value and the trace within sum_k R_k |tr S_k| of tr sigma_c. Where
 *       that interval excludes 0 by more than a margin (tau + 1e-9 T: beyond the rounding of the
 *       computed stress, and far above the ~1e-12 relative level where
 *       ft_absmax_principal_sign can differ from the exact sign), the sign of the
 *       signed von Mises (p1 + p3, or the trace) is fixed, and so is the choice of p1 or p3 of
 *       the principal stress:
 *         signed von Mises, sign +:  [vm_c - rho_vm, vm_c + rho_vm]   (sign -: negated)
 *         principal, p1 chosen:      [p1_c - rho_2, p1_c + rho_2]     (p3: around p3_c)
 *       and otherwise e is +-vm(sigma(t)) with |e| <= vm_c + rho_vm, or p1(t) or p3(t), which
 *       lie in [p3_c - rho_2, p1_c + rho_2]. A history whose loads vary little around a large
 *       mean (a static or thermal load) so gets an amplitude bound of the variation alone;
 *   (c) at the corners of the load box (K <= FT_SCREEN_MAX_CORNER_CHANNELS: 2^K corners): L ->
 *       vm(sum_k L_k S_k) and L -> p1 (the largest eigenvalue, sup_|n|=1 n^T sigma n) are convex,
 *       L -> p3 concave (Boyd & Vandenberghe, Convex Optimization, 2004, sec. 3.1.5 and
 *       example 3.10), and a convex function on a polytope attains its maximum at a vertex
 *       (Rockafellar, Convex Analysis, 1970, Cor. 32.3.2), so max_t vm <= max over the corners,
 *       max_t p1 <= max over the corners, min_t p3 >= min over the corners: exact over the box,
 *       tighter than (a) and (b)'s upper ends where the channels' unit stresses are not aligned.
 *       The corners' stresses are computed like the samples (the loads at the corners are
 *       exact), so their rounding is covered by the same widening. */
FT_HD int ft_screen_signal_bounds(int eq, int nchan, const double *S, long ld, const double *Lmin,
                                  const double *Lmax, const double (*nrm)[3], double u,
                                  double *lo, double *hi)
{
    const double r = ft_screen_rel(nchan, u);
    double B = 0.0, T = 0.0, rho = 0.0, rho2 = 0.0, rtr = 0.0, sc[6] = {0, 0, 0, 0, 0, 0};
    double l, h, tau;
    int k, j, q;
    const int base = ft_eq_base(eq);
    const int vm = base == FT_EQ_SIGNED_VON_MISES || base == FT_EQ_SIGNED_VON_MISES_TRACE;
    for (k = 0; k < nchan; k++) {
        const double *s = S + 6 * k * ld;
        const double A = fabs(Lmin[k]) > fabs(Lmax[k]) ? fabs(Lmin[k]) : fabs(Lmax[k]);
        const double c = 0.5 * (Lmin[k] + Lmax[k]), R = 0.5 * (Lmax[k] - Lmin[k]);
        T += A * ft_screen_n1(s);
        if (base == FT_EQ_CRITICAL_PLANE) continue;
        for (q = 0; q < 6; q++) sc[q] += c * s[q];
        if (vm) {
            const double v = ft_von_mises(s);
            B += A * v;
            rho += R * v;
        }
        if (base != FT_EQ_SIGNED_VON_MISES_TRACE) {
            const double n2 = ft_screen_spectral(s);
            if (!vm) B += A * n2;
            rho2 += R * n2;
        } else
            rtr += R * fabs(s[FT_XX] + s[FT_YY] + s[FT_ZZ]);
    }
    tau = 2.0 * r * T;
    if (base == FT_EQ_CRITICAL_PLANE) {
        const int np = ft_eq_planes(eq);
        if (np <= 0) return 0;
        for (j = 0; j < np; j++) {
            h = 0.0;
            l = 0.0;
            for (k = 0; k < nchan; k++) {
                const double c = ft_normal_stress(S + 6 * k * ld, nrm[j]);
                const double x = c * Lmin[k], y = c * Lmax[k];
                h += x > y ? x : y;
                l += x < y ? x : y;
            }
            hi[j] = h + tau;
            lo[j] = l - tau;
        }
        return np;
    }
    if (!vm && base != FT_EQ_MAX_ABS_PRINCIPAL) return 0;
    {
        const double margin = tau + 1e-9 * T; /* beyond the rounding of the computed stress (tau) */
        double p[3], sum_lo, sum_hi;
        int sign = 0; /* +1 / -1: fixed over the box; 0: may change */
        ft_principal_stresses(sc, p);
        if (base == FT_EQ_SIGNED_VON_MISES_TRACE) {
            const double tr = sc[FT_XX] + sc[FT_YY] + sc[FT_ZZ];
            sum_lo = tr - rtr;
            sum_hi = tr + rtr;
        } else {
            sum_lo = p[0] + p[2] - 2.0 * rho2;
            sum_hi = p[0] + p[2] + 2.0 * rho2;
        }
        if (sum_lo > margin) sign = 1;
        if (sum_hi < -margin) sign = -1;
        double vmax = INFINITY, p1max = INFINITY, p3min = -INFINITY;
        if (nchan <= FT_SCREEN_MAX_CORNER_CHANNELS) { /* (c): the corners of the box */
            long c;
            vmax = p1max = -INFINITY;
            p3min = INFINITY;
            for (c = 0; c < (1L << nchan); c++) {
                double sg[6] = {0, 0, 0, 0, 0, 0};
                for (k = 0; k < nchan; k++) {
                    const double Lk = (c >> k) & 1 ? Lmax[k] : Lmin[k];
                    for (q = 0; q < 6; q++) sg[q] += Lk * S[6 * k * ld + q];
                }
                if (vm) {
                    const double v = ft_von_mises(sg);
                    vmax = v > vmax ? v : vmax;
                } else {
                    double pc[3];
                    ft_principal_stresses(sg, pc);
                    p1max = pc[0] > p1max ? pc[0] : p1max;
                    p3min = pc[2] < p3min ? pc[2] : p3min;
                }
            }
        }
        if (vm) {
            const double v = ft_von_mises(sc), top = v + rho < vmax ? v + rho : vmax,
                         bot = v - rho > 0.0 ? v - rho : 0.0;
            h = sign > 0 ? top : sign < 0 ? -bot : top;
            l = sign > 0 ? bot : sign < 0 ? -top : -top;
        } else {
            const double t1 = p[0] + rho2 < p1max ? p[0] + rho2 : p1max;
            const double b3 = p[2] - rho2 > p3min ? p[2] - rho2 : p3min;
            h = sign < 0 ? p[2] + rho2 : t1;
            l = sign > 0 ? p[0] - rho2 : b3;
        }
        if (h > B) h = B; /* the intersection with (a) */
        if (l < -B) l = -B;
        hi[0] = h + tau;
        lo[0] = l - tau;
        if (!(hi[0] >= lo[0])) lo[0] = hi[0] = NAN; /* not finite inputs */
    }
    return 1;
}

/* The equivalent fully reversed amplitude S_ar of the worst cycle whose two extremes lie in
 * [lo, hi] (the corner above), or NaN where the correction may be undefined for such a cycle
 * (or too close to its limit) or the bounds are not finite. p must be validated. */
FT_HD double ft_screen_worst_sar(const FtFatigueParams *p, double lo, double hi)
{
    const double a = 0.5 * (hi - lo);
    double m, lim, den;
    if (!ft__finite(lo) || !ft__finite(hi) || !(hi >= lo)) return NAN;
    switch (p->msc) {
    case FT_MSC_NONE:
        return a;
    case FT_MSC_GOODMAN:
    case FT_MSC_SODERBERG:
    case FT_MSC_MORROW:
        lim = p->msc == FT_MSC_GOODMAN ? p->S_u : p->msc == FT_MSC_SODERBERG ? p->S_y : p->sigma_f;
        m = (hi < 0.0 && p->mean_compr == FT_MEAN_COMPR_ZERO) ? 0.0 : hi;
        if (!(m < lim)) return NAN;
        den = 1.0 - m / lim;
        if (!(den >= FT_SCREEN_MIN_DEN)) return NAN;
        return a / den;
    case FT_MSC_GERBER:
        if (p->mean_compr == FT_MEAN_COMPR_ZERO)
            m = hi > 0.0 ? hi : 0.0;
        else
            m = fabs(hi) > fabs(lo) ? fabs(hi) : fabs(lo);
        if (!(m < p->S_u)) return NAN;
        den = 1.0 - (m / p->S_u) * (m / p->S_u);
        if (!(den >= FT_SCREEN_MIN_DEN)) return NAN;
        return a / den;
    case FT_MSC_SWT:
        return hi > 0.0 ? sqrt(hi * a) : 0.0;
    case FT_MSC_WALKER:
        if (!(hi > 0.0) || !(a > 0.0)) return 0.0;
        return pow(hi, 1.0 - p->walker_gamma) * pow(a, p->walker_gamma);
    default:
        return NAN;
    }
}

/* Damage of the worst cycle (one full cycle) with extremes in [lo, hi]:
 *   0    exactly: every such cycle is below the cut-off (d = ft_damage_const(p), d->ok,
 *        S_cut > 0), so a full count adds nothing for it;
 *   > 0  an upper bound on the damage of any one such cycle (a curve without a cut-off, or a
 *        corner above it): 1 / N(S_ar* (1 + 1e-9)) (the smallest positive double where that
 *        is 0 but the margin above was not met);
 *   NaN  no bound (the correction may be undefined there, invalid parameters).
 * A node is screened exactly when this is 0 for each of its signals. */
FT_HD double ft_screen_worst_damage(const FtFatigueParams *p, const FtDamageConst *d, double lo,
                                    double hi)
{
    const double sar = ft_screen_worst_sar(p, lo, hi);
    double dmg;
    if (!d->ok || sar != sar) return NAN;
    if (d->S_cut > 0.0 && sar * d->inv_marin * (1.0 + FT_SCREEN_S_MARGIN) < d->S_lo) return 0.0;
    dmg = ft_sn_damage_per_cycle(&p->sn, sar * (1.0 + FT_SCREEN_S_MARGIN));
    /* not certified zero above: never report 0 (the smallest positive double instead) */
    return (dmg > 0.0 || dmg != dmg) ? dmg : 4.9406564584124654e-324;
}

#endif /* FT_SCREEN_H */
