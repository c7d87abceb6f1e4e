/* ftwin kernels: stress-life (S-N) curves, mean-stress corrections and Palmgren-Miner
 * damage accumulation.
 *
 * Header-only, FT_HD functions (static inline; __host__ __device__ under nvcc): no
 * allocation, no I/O, no static tables, no recursion, double precision, only <math.h>.
 * Host-only helpers that turn the error codes below into messages live in
 * kernels/cpu/ft_cpu_fatigue.c (declared in ft_fatigue_batch.h).
 *
 * Conventions
 *   - Every S-N curve is written in stress AMPLITUDE S_a (= range / 2) against cycles to
 *     failure N (full cycles). Curves given in ranges (e.g. EN 1993-1-9 detail categories)
 *     must be converted by the caller (S_a = delta_sigma / 2).
 *   - A rainflow cycle (range, mean, count) becomes S_a = range/2, S_m = mean; the
 *     mean-stress correction gives the equivalent fully reversed amplitude S_ar; the Marin
 *     factors divide S_ar; the curve gives N; the cycle adds count / N to the damage
 *     (linear damage rule, Miner 1945, "Cumulative damage in fatigue", J. Appl. Mech. 12,
 *     A159-A164; Dowling, Mechanical Behavior of Materials, 4th ed., Pearson 2013,
 *     sec. 9.9 "Variable amplitude loading", Palmgren-Miner rule D = sum n_j / N_j).
 *   - Stresses in any consistent unit (ftwin uses Pa); N is dimensionless.
 *   - Nothing here prints or aborts: invalid data give error codes (ft_sn_validate,
 *     ft_fatigue_validate, ft_msc_check) or NaN plus flags in FtDamageAcc, which the
 *     caller must turn into a clear error (ft_fatigue_error_message in the .c file).
 *   - Compensated (Neumaier) summation needs IEEE semantics: do NOT compile with
 *     -ffast-math / -fassociative-math (nvcc's default is fine; --use_fast_math is not).
 */
#ifndef FT_SN_H
#define FT_SN_H

#include <math.h>
#include "ft_kernel.h"

/* ------------------------------------------------------------------ error codes ---- */
enum {
    FT_FAT_OK = 0,
    /* S-N curve (ft_sn_validate) */
    FT_SN_ERR_KIND = 1,      /* unknown curve kind */
    FT_SN_ERR_SLOPE = 2,     /* slope m (or m2) <= 0 or not finite: non-physical */
    FT_SN_ERR_REF = 3,       /* reference point S_ref <= 0 or N_ref <= 0 (or not finite) */
    FT_SN_ERR_KNEE = 4,      /* knee stress S_knee <= 0 or not finite */
    FT_SN_ERR_TABLE = 5,     /* table: npts not in [2, FT_SN_MAX_POINTS], values <= 0,
                                S not strictly decreasing or N not strictly increasing */
    FT_SN_ERR_MARIN = 6,     /* a Marin factor <= 0 or not finite */
    FT_SN_ERR_ENDURANCE = 7, /* endurance / cut-off limit S_e < 0 or not finite */
    /* fatigue parameters (ft_fatigue_validate) */
    FT_FAT_ERR_MSC = 8,      /* unknown mean-stress correction */
    FT_FAT_ERR_SU = 9,       /* Goodman / Gerber need S_u > 0 */
    FT_FAT_ERR_SY = 10,      /* Soderberg needs S_y > 0 */
    FT_FAT_ERR_SIGF = 11,    /* Morrow needs sigma_f' > 0 */
    FT_FAT_ERR_GAMMA = 12,   /* Walker needs 0 < gamma <= 1 */
    FT_FAT_ERR_COMPR = 13,   /* unknown compressive-mean convention */
    /* per cycle (ft_msc_check): the correction is undefined for this mean stress */
    FT_FAT_ERR_MEAN_SU = 14,   /* Goodman: S_m >= S_u;  Gerber: |S_m| >= S_u */
    FT_FAT_ERR_MEAN_SY = 15,   /* Soderberg: S_m >= S_y */
    FT_FAT_ERR_MEAN_SIGF = 16, /* Morrow: S_m >= sigma_f' */
    FT_FAT_ERR_INPUT = 17      /* amplitude < 0, or a non-finite amplitude / mean */
};

/* ------------------------------------------------------------------ S-N curves ----- */
#define FT_SN_MAX_POINTS 16

enum {
    FT_SN_BASQUIN = 1, /* one slope, optional endurance limit */
    FT_SN_KNEE = 2,    /* two slopes with a knee (Haibach or given m2) */
    FT_SN_TABLE = 3    /* piecewise linear in log S - log N */
};

/* S-N curve (plain old data; zero-initialize, then ft_sn_init_* or fill the fields).
 *   kind    FT_SN_BASQUIN / FT_SN_KNEE / FT_SN_TABLE
 *   S_ref, N_ref, m   upper line N = N_ref (S / S_ref)^(-m)          (BASQUIN, KNEE)
 *   S_knee  KNEE: stress amplitude of the knee (S >= S_knee: slope m, below: slope m2)
 *   m2      KNEE: slope below the knee, used when haibach == 0
 *   haibach KNEE: non-zero -> m2 = 2 m - 1 (Haibach)
 *   S_e     endurance / cut-off limit, all kinds: S < S_e -> N = infinity (0 = none)
 *   npts, tab_S[], tab_N[]  TABLE: points with S strictly decreasing, N increasing
 *   marin[6] Marin factors k_a (surface), k_b (size), k_c (load), k_d (temperature),
 *           k_e (reliability), k_f (miscellaneous); the amplitude entering the curve is
 *           S / (k_a k_b k_c k_d k_e k_f). 1 = no modification. */
typedef struct {
    int kind;
    int haibach;
    int npts;
    double S_ref, N_ref, m;
    double S_knee, m2;
    double S_e;
    double marin[6];
    double tab_S[FT_SN_MAX_POINTS];
    double tab_N[FT_SN_MAX_POINTS];
} FtSNCurve;

/* x is a finite double (false for NaN and +-inf; no libc, no fast-math). */
FT_HD int ft__finite(double x) { return (x - x) == 0.0; }

/* Zero every field, Marin factors 1 (no modification), kind 0 (invalid until set). */
FT_HD void ft_sn_init(FtSNCurve *c)
{
    int i;
    c->kind = 0;
    c->haibach = 0;
    c->npts = 0;
    c->S_ref = c->N_ref = c->m = 0.0;
    c->S_knee = c->m2 = 0.0;
    c->S_e = 0.0;
    for (i = 0; i < 6; i++) c->marin[i] = 1.0;
    for (i = 0; i < FT_SN_MAX_POINTS; i++) c->tab_S[i] = c->tab_N[i] = 0.0;
}

/* Basquin line with endurance limit (Basquin 1910, "The exponential law of endurance
 * tests", Proc. ASTM 10; the power law sigma_a = A N_f^B of Dowling 4th ed. Eq. 9.7,
 * solved for N):
 *   N = N_ref (S / S_ref)^(-m)   for S >= S_e,      N = infinity for S < S_e (S_e = 0: none). */
FT_HD void ft_sn_init_basquin(FtSNCurve *c, double S_ref, double N_ref, double m, double S_e)
{
    ft_sn_init(c);
    c->kind = FT_SN_BASQUIN;
    c->S_ref = S_ref;
    c->N_ref = N_ref;
    c->m = m;
    c->S_e = S_e;
}

/* Two-slope curve with a knee at S_knee:
 *   S >= S_knee: N = N_ref (S / S_ref)^(-m)
 *   S <  S_knee: N = N_k (S / S_knee)^(-m2),  N_k = N_ref (S_knee / S_ref)^(-m) (continuous)
 *   m2 = 2 m - 1 if haibach != 0 (Haibach, "Modifizierte lineare Schadensakkumulations-
 *   hypothese zur Beruecksichtigung des Dauerfestigkeitsabfalls mit fortschreitender
 *   Schaedigung", LBF TM 50/70, 1970; Haibach, Betriebsfestigkeit, 3rd ed., Springer 2006;
 *   for m = 3 it gives the m2 = 5 of EN 1993-1-9:2005 Fig. 7.1), else the given m2.
 *   S < S_e -> infinity (e.g. the EN 1993-1-9 cut-off limit; 0 = none). */
FT_HD void ft_sn_init_knee(FtSNCurve *c, double S_ref, double N_ref, double m, double S_knee,
                           double m2, int haibach, double S_e)
{
    ft_sn_init(c);
    c->kind = FT_SN_KNEE;
    c->S_ref = S_ref;
    c->N_ref = N_ref;
    c->m = m;
    c->S_knee = S_knee;
    c->m2 = m2;
    c->haibach = haibach;
    c->S_e = S_e;
}

/* Tabular curve: npts points (S_i, N_i), S strictly decreasing, N strictly increasing,
 * interpolated linearly in (log S, log N) (a piecewise Basquin curve):
 *   S_i >= S >= S_{i+1}:  N = N_i (N_{i+1}/N_i)^t,  t = log(S/S_i) / log(S_{i+1}/S_i)
 *   S > S_0:   first segment extrapolated;   S < S_{npts-1}: N = infinity (the last point
 *   is the endurance limit: add a point to model a slope beyond it).
 * npts is clamped to [0, FT_SN_MAX_POINTS] (ft_sn_validate rejects < 2). */
FT_HD void ft_sn_init_table(FtSNCurve *c, int npts, const double *S, const double *N)
{
    int i;
    ft_sn_init(c);
    c->kind = FT_SN_TABLE;
    if (npts < 0) npts = 0;
    if (npts > FT_SN_MAX_POINTS) npts = FT_SN_MAX_POINTS;
    c->npts = npts;
    for (i = 0; i < npts; i++) {
        c->tab_S[i] = S[i];
        c->tab_N[i] = N[i];
    }
}

/* Marin factor product k = k_a k_b k_c k_d k_e k_f (Shigley's Mechanical Engineering
 * Design, Budynas & Nisbett, 10th ed., McGraw-Hill 2015, sec. 6-9, Eq. 6-18:
 * S_e = k_a k_b k_c k_d k_e k_f S_e'). Shigley modifies the endurance limit only (the
 * 10^3-cycle point 0.9 S_ut stays); here the whole curve is scaled in stress, i.e. the
 * amplitude is divided by k at every life - identical at and below the endurance limit,
 * conservative (k <= 1) in the finite-life range. */
FT_HD double ft_sn_marin(const FtSNCurve *c)
{
    return c->marin[0] * c->marin[1] * c->marin[2] * c->marin[3] * c->marin[4] * c->marin[5];
}

/* Slope below the knee of a FT_SN_KNEE curve: 2 m - 1 (Haibach) or m2. */
FT_HD double ft_sn_m2(const FtSNCurve *c) { return c->haibach ? 2.0 * c->m - 1.0 : c->m2; }

/* Validates a curve; returns FT_FAT_OK or the first FT_SN_ERR_* found. */
FT_HD int ft_sn_validate(const FtSNCurve *c)
{
    int i;
    for (i = 0; i < 6; i++)
        if (!(c->marin[i] > 0.0) || !ft__finite(c->marin[i])) return FT_SN_ERR_MARIN;
    if (!(c->S_e >= 0.0) || !ft__finite(c->S_e)) return FT_SN_ERR_ENDURANCE;
    switch (c->kind) {
    case FT_SN_BASQUIN:
    case FT_SN_KNEE:
        if (!(c->m > 0.0) || !ft__finite(c->m)) return FT_SN_ERR_SLOPE;
        if (!(c->S_ref > 0.0) || !(c->N_ref > 0.0) || !ft__finite(c->S_ref) ||
            !ft__finite(c->N_ref))
            return FT_SN_ERR_REF;
        if (c->kind == FT_SN_KNEE) {
            const double m2 = ft_sn_m2(c);
            if (!(m2 > 0.0) || !ft__finite(m2)) return FT_SN_ERR_SLOPE;
            if (!(c->S_knee > 0.0) || !ft__finite(c->S_knee)) return FT_SN_ERR_KNEE;
        }
        return FT_FAT_OK;
    case FT_SN_TABLE:
        if (c->npts < 2 || c->npts > FT_SN_MAX_POINTS) return FT_SN_ERR_TABLE;
        for (i = 0; i < c->npts; i++)
            if (!(c->tab_S[i] > 0.0) || !(c->tab_N[i] > 0.0) || !ft__finite(c->tab_S[i]) ||
                !ft__finite(c->tab_N[i]))
                return FT_SN_ERR_TABLE;
        /* S strictly decreasing and N strictly increasing <=> every segment slope
         * -dlogN/dlogS is > 0 and finite, i.e. no non-physical slope. */
        for (i = 0; i + 1 < c->npts; i++)
            if (!(c->tab_S[i + 1] < c->tab_S[i]) || !(c->tab_N[i + 1] > c->tab_N[i]))
                return FT_SN_ERR_TABLE;
        return FT_FAT_OK;
    default:
        return FT_SN_ERR_KIND;
    }
}

/* Cycles to failure N at stress amplitude S_a (>= 0), after the Marin factors:
 *   S = S_a / (k_a ... k_f);   S <= 0 or S < S_e  ->  INFINITY;
 *   BASQUIN: N = N_ref (S/S_ref)^(-m)
 *   KNEE:    S >= S_knee: N_ref (S/S_ref)^(-m);  else N_k (S/S_knee)^(-m2)
 *   TABLE:   log-log interpolation (ft_sn_init_table); exact N_i at S = S_i.
 * NaN for NaN input or an unknown kind. Assumes ft_sn_validate(c) == FT_FAT_OK. */
FT_HD double ft_sn_cycles(const FtSNCurve *c, double S_a)
{
    const double S = S_a / ft_sn_marin(c);
    if (S != S) return NAN;
    if (!(S > 0.0) || S < c->S_e) return INFINITY;
    switch (c->kind) {
    case FT_SN_BASQUIN:
        return c->N_ref * pow(S / c->S_ref, -c->m);
    case FT_SN_KNEE:
        if (S >= c->S_knee) return c->N_ref * pow(S / c->S_ref, -c->m);
        {
            const double Nk = c->N_ref * pow(c->S_knee / c->S_ref, -c->m);
            return Nk * pow(S / c->S_knee, -ft_sn_m2(c));
        }
    case FT_SN_TABLE: {
        const int n = c->npts;
        int i;
        if (n < 2 || n > FT_SN_MAX_POINTS) return NAN;
        if (S < c->tab_S[n - 1]) return INFINITY;
        i = 0; /* segment [i, i+1] with tab_S[i] >= S >= tab_S[i+1] (i = 0 above S_0) */
        while (i + 2 < n && S < c->tab_S[i + 1]) i++;
        if (S == c->tab_S[i]) return c->tab_N[i];
        if (S == c->tab_S[i + 1]) return c->tab_N[i + 1];
        {
            const double t = log(S / c->tab_S[i]) / log(c->tab_S[i + 1] / c->tab_S[i]);
            return c->tab_N[i] * pow(c->tab_N[i + 1] / c->tab_N[i], t);
        }
    }
    default:
        return NAN;
    }
}

/* Damage of one full cycle at amplitude S_a: d = 1 / N (0 below the endurance limit,
 * NaN where ft_sn_cycles is NaN). */
FT_HD double ft_sn_damage_per_cycle(const FtSNCurve *c, double S_a)
{
    const double N = ft_sn_cycles(c, S_a);
    if (N != N) return NAN;
    return 1.0 / N; /* 1/inf = 0 */
}

/* --------------------------------------------------------- mean-stress corrections -- */
enum {
    FT_MSC_NONE = 0,      /* S_ar = S_a */
    FT_MSC_GOODMAN = 1,   /* S_ar = S_a / (1 - S_m/S_u) */
    FT_MSC_GERBER = 2,    /* S_ar = S_a / (1 - (S_m/S_u)^2) */
    FT_MSC_SODERBERG = 3, /* S_ar = S_a / (1 - S_m/S_y) */
    FT_MSC_SWT = 4,       /* S_ar = sqrt(S_max S_a), S_max = S_m + S_a > 0 */
    FT_MSC_MORROW = 5,    /* S_ar = S_a / (1 - S_m/sigma_f') */
    FT_MSC_WALKER = 6     /* S_ar = S_max^(1-gamma) S_a^gamma, S_max > 0 */
};

/* Compressive mean stress (S_m < 0) convention for Goodman, Gerber, Soderberg, Morrow:
 *   FT_MEAN_COMPR_ZERO (default, 0): S_m < 0 is replaced by 0, i.e. a compressive mean
 *     neither helps nor hurts. Conservative for Goodman/Soderberg/Morrow (whose formulas
 *     would lower S_ar), and it removes Gerber's non-physical penalty of compression (the
 *     parabola is symmetric in S_m). This is the modified-Goodman-diagram convention of
 *     Shigley 10th ed. sec. 6-11/6-12 (sigma_a = S_e in the compressive-mean region).
 *   FT_MEAN_COMPR_ASIS (1): the formulas are used as written for S_m < 0 (Goodman,
 *     Soderberg, Morrow: beneficial; Gerber: detrimental, symmetric).
 * SWT and Walker are defined through S_max and use S_m as is in both conventions. */
enum { FT_MEAN_COMPR_ZERO = 0, FT_MEAN_COMPR_ASIS = 1 };

/* Fatigue parameters of one material / location (POD):
 *   sn            S-N curve (amplitude, fully reversed)
 *   msc           FT_MSC_*
 *   mean_compr    FT_MEAN_COMPR_*
 *   S_u           ultimate tensile strength (Goodman, Gerber)
 *   S_y           yield strength (Soderberg)
 *   sigma_f       Morrow's sigma_f': true fracture strength sigma~_fB, or the Basquin
 *                 coefficient sigma_f' (Dowling 4th ed. Eq. 9.17 (a) / (b))
 *   walker_gamma  Walker exponent gamma, 0 < gamma <= 1 (gamma = 0.5 gives SWT)
 *   dc            constants derived from the fields above, once per material
 *                 (ft_fatigue_prepare): what ft_damage_add_cycle needs that does not
 *                 depend on the cycle. Call ft_fatigue_prepare after the last change of
 *                 the fields; without it (dc.ready != FT_DC_READY, e.g. a zeroed struct)
 *                 ft_damage_add_cycle derives them per cycle (same result, slower). The
 *                 batch loops (ft_fatigue_batch.h) prepare their own copy. */
typedef struct {
    unsigned ready; /* FT_DC_READY: filled by ft_fatigue_prepare from the fields below */
    int ok;         /* ft_fatigue_validate == FT_FAT_OK at preparation (else: reference path) */
    double inv_marin;           /* 1 / (k_a ... k_f)  (ft_sn_marin, same product) */
    double S_cut;               /* S below which N = infinity: S_e, TABLE max(S_e, S_last) */
    double S_lo, S_hi;          /* S_cut (1 -+ 2^-40): band decided by the reference code */
    double inv_Sref, inv_Nref;  /* 1/S_ref, 1/N_ref               (BASQUIN, KNEE) */
    double inv_Sknee, inv_Nk;   /* 1/S_knee, 1/N_k, N_k = N_ref (S_knee/S_ref)^-m  (KNEE) */
    double m2;                  /* ft_sn_m2                         (KNEE) */
    int mi, m2i;                /* m, m2 if an integer in [1, 32] (powers by multiplication), else 0 */
    double inv_msc;             /* 1/S_u (Goodman, Gerber), 1/S_y, 1/sigma_f' */
    double inv_tabS[FT_SN_MAX_POINTS]; /* TABLE: 1/S_i */
    double inv_lnS[FT_SN_MAX_POINTS];  /* TABLE: 1/log(S_{i+1}/S_i) */
    double rN[FT_SN_MAX_POINTS];       /* TABLE: N_{i+1}/N_i */
} FtDamageConst;

#define FT_DC_READY 0x46744443u

typedef struct {
    FtSNCurve sn;
    int msc;
    int mean_compr;
    double S_u, S_y, sigma_f, walker_gamma;
    FtDamageConst dc; /* derived, per material: ft_fatigue_prepare (see there) */
} FtFatigueParams;

/* Validates the curve and the constants the chosen correction needs; returns FT_FAT_OK
 * or the first error code (ft_fatigue_error_message gives the text). */
FT_HD int ft_fatigue_validate(const FtFatigueParams *p)
{
    const int e = ft_sn_validate(&p->sn);
    if (e != FT_FAT_OK) return e;
    if (p->mean_compr != FT_MEAN_COMPR_ZERO && p->mean_compr != FT_MEAN_COMPR_ASIS)
        return FT_FAT_ERR_COMPR;
    switch (p->msc) {
    case FT_MSC_NONE:
    case FT_MSC_SWT:
        return FT_FAT_OK;
    case FT_MSC_GOODMAN:
    case FT_MSC_GERBER:
        return (p->S_u > 0.0 && ft__finite(p->S_u)) ? FT_FAT_OK : FT_FAT_ERR_SU;
    case FT_MSC_SODERBERG:
        return (p->S_y > 0.0 && ft__finite(p->S_y)) ? FT_FAT_OK : FT_FAT_ERR_SY;
    case FT_MSC_MORROW:
        return (p->sigma_f > 0.0 && ft__finite(p->sigma_f)) ? FT_FAT_OK : FT_FAT_ERR_SIGF;
    case FT_MSC_WALKER:
        return (p->walker_gamma > 0.0 && p->walker_gamma <= 1.0) ? FT_FAT_OK
                                                                 : FT_FAT_ERR_GAMMA;
    default:
        return FT_FAT_ERR_MSC;
    }
}

/* e if e is an integer in [1, 32], else 0. */
FT_HD int ft__small_int(double e) { return (e >= 1.0 && e <= 32.0 && e == (double)(int)e) ? (int)e : 0; }

/* x^n for an integer n >= 1 by binary powering (n = 3: 2 multiplications, n = 5: 3): relative
 * error <= (2 log2(n) + 1) eps/2 (<= 11 eps/2 for n <= 32), against < 1 ulp for pow; the
 * unused last square may overflow to inf, harmlessly. */
FT_HD double ft__powi(double x, int n)
{
    double r = 1.0;
    while (n) {
        if (n & 1) r *= x;
        x *= x;
        n >>= 1;
    }
    return r;
}

/* x^e: ft__powi when e is the integer ei (> 0), else pow. */
FT_HD double ft__pow_m(double x, double e, int ei) { return ei ? ft__powi(x, ei) : pow(x, e); }

/* Per-material constants of ft_damage_add_cycle (FtDamageConst), from the fields of p:
 *   inv_marin = 1 / ft_sn_marin,  inv_Sref = 1/S_ref,  inv_Nref = 1/N_ref,
 *   KNEE: inv_Sknee = 1/S_knee, N_k = N_ref (S_knee/S_ref)^(-m) (the same expression as
 *         ft_sn_cycles), inv_Nk = 1/N_k, m2 = ft_sn_m2,
 *   mi, m2i: m, m2 when integers in [1, 32] (EN 1993-1-9: 3, 5; Haibach 2m - 1), else 0,
 *   TABLE: inv_tabS[i] = 1/S_i, inv_lnS[i] = 1/log(S_{i+1}/S_i), rN[i] = N_{i+1}/N_i,
 *   inv_msc = 1/S_u (Goodman, Gerber), 1/S_y (Soderberg), 1/sigma_f' (Morrow),
 *   S_cut: the curve's N is infinite for S < S_cut (S_e; TABLE: also below the last point),
 *   S_lo, S_hi = S_cut (1 -+ 2^-40): where S falls in [S_lo, S_hi] the cycle is decided by
 *   the reference code (ft_damage_add_cycle_ref), so that the cut-off decision, where the
 *   damage jumps from 1/N(S_cut) to 0, is exactly the reference's (see ft_damage_add_cycle).
 * ok = (ft_fatigue_validate(p) == FT_FAT_OK); when not ok, every cycle takes the reference
 * path (which flags what it cannot evaluate). Sets d->ready = FT_DC_READY. */
FT_HD void ft_damage_const(const FtFatigueParams *p, FtDamageConst *d)
{
    const FtSNCurve *c = &p->sn;
    int i;
    d->ok = (ft_fatigue_validate(p) == FT_FAT_OK);
    d->inv_marin = 1.0 / ft_sn_marin(c);
    d->S_cut = c->S_e;
    d->inv_Sref = d->inv_Nref = d->inv_Sknee = d->inv_Nk = d->m2 = d->inv_msc = 0.0;
    d->mi = d->m2i = 0;
    for (i = 0; i < FT_SN_MAX_POINTS; i++) d->inv_tabS[i] = d->inv_lnS[i] = d->rN[i] = 0.0;
    if (d->ok) {
        if (c->kind == FT_SN_BASQUIN || c->kind == FT_SN_KNEE) {
            d->inv_Sref = 1.0 / c->S_ref;
            d->inv_Nref = 1.0 / c->N_ref;
        }
        if (c->kind == FT_SN_KNEE) {
            d->inv_Sknee = 1.0 / c->S_knee;
            d->inv_Nk = 1.0 / (c->N_ref * pow(c->S_knee / c->S_ref, -c->m));
            d->m2 = ft_sn_m2(c);
            d->m2i = ft__small_int(d->m2);
        }
        if (c->kind == FT_SN_BASQUIN || c->kind == FT_SN_KNEE) d->mi = ft__small_int(c->m);
        if (c->kind == FT_SN_TABLE) {
            for (i = 0; i < c->npts; i++) d->inv_tabS[i] = 1.0 / c->tab_S[i];
            for (i = 0; i + 1 < c->npts; i++) {
                d->inv_lnS[i] = 1.0 / log(c->tab_S[i + 1] / c->tab_S[i]);
                d->rN[i] = c->tab_N[i + 1] / c->tab_N[i];
            }
            if (c->tab_S[c->npts - 1] > d->S_cut) d->S_cut = c->tab_S[c->npts - 1];
        }
        if (p->msc == FT_MSC_GOODMAN || p->msc == FT_MSC_GERBER) d->inv_msc = 1.0 / p->S_u;
        if (p->msc == FT_MSC_SODERBERG) d->inv_msc = 1.0 / p->S_y;
        if (p->msc == FT_MSC_MORROW) d->inv_msc = 1.0 / p->sigma_f;
    }
    d->S_lo = d->S_cut * (1.0 - 9.094947017729282e-13); /* 2^-40 */
    d->S_hi = d->S_cut * (1.0 + 9.094947017729282e-13);
    d->ready = FT_DC_READY;
}

/* p->dc = the constants of p (ft_damage_const): once per material, after its fields are set. */
FT_HD void ft_fatigue_prepare(FtFatigueParams *p) { ft_damage_const(p, &p->dc); }

/* Mean stress after the compressive-mean convention (Goodman, Gerber, Soderberg, Morrow). */
FT_HD double ft__msc_mean(const FtFatigueParams *p, double S_m)
{
    return (S_m < 0.0 && p->mean_compr == FT_MEAN_COMPR_ZERO) ? 0.0 : S_m;
}

/* Whether the correction is defined for (S_a, S_m): FT_FAT_OK or FT_FAT_ERR_MEAN_* /
 * FT_FAT_ERR_INPUT (with the compressive-mean convention applied). Assumes
 * ft_fatigue_validate(p) == FT_FAT_OK. */
FT_HD int ft_msc_check(const FtFatigueParams *p, double S_a, double S_m)
{
    double m;
    if (!ft__finite(S_a) || !ft__finite(S_m) || S_a < 0.0) return FT_FAT_ERR_INPUT;
    m = ft__msc_mean(p, S_m);
    switch (p->msc) {
    case FT_MSC_GOODMAN:
        return (m < p->S_u) ? FT_FAT_OK : FT_FAT_ERR_MEAN_SU;
    case FT_MSC_GERBER:
        return (fabs(m) < p->S_u) ? FT_FAT_OK : FT_FAT_ERR_MEAN_SU;
    case FT_MSC_SODERBERG:
        return (m < p->S_y) ? FT_FAT_OK : FT_FAT_ERR_MEAN_SY;
    case FT_MSC_MORROW:
        return (m < p->sigma_f) ? FT_FAT_OK : FT_FAT_ERR_MEAN_SIGF;
    default:
        return FT_FAT_OK;
    }
}

/* Equivalent fully reversed stress amplitude S_ar from amplitude S_a >= 0 and mean S_m
 * (Dowling, Mechanical Behavior of Materials, 4th ed., Pearson 2013, sec. 9.7 "Mean
 * stresses": S_ar is the amplitude that, fully reversed, gives the same life):
 *   NONE       S_ar = S_a
 *   GOODMAN    S_ar = S_a / (1 - S_m/S_u)            (modified Goodman, sec. 9.7)
 *   GERBER     S_ar = S_a / (1 - (S_m/S_u)^2)        (Gerber parabola, sec. 9.7)
 *   SODERBERG  S_ar = S_a / (1 - S_m/S_y)            (Soderberg 1939; Shigley 10th ed.
 *                                                      sec. 6-12, yield-line criterion)
 *   MORROW     S_ar = S_a / (1 - S_m/sigma_f')       (Dowling Eq. 9.17 (a)/(b))
 *   SWT        S_ar = sqrt(S_max S_a)                (Smith-Watson-Topper, Eq. 9.18)
 *   WALKER     S_ar = S_max^(1-gamma) S_a^gamma      (Walker, Eq. 9.19)
 *   with S_max = S_m + S_a; SWT/Walker: S_max <= 0 -> S_ar = 0 (no damage: the
 *   relations are defined for S_max > 0 only, a cycle that never goes into tension is
 *   predicted not to fail).
 * Goodman/Gerber/Soderberg/Morrow use ft__msc_mean (compressive-mean convention).
 * Returns NaN where the correction is undefined (ft_msc_check != FT_FAT_OK: S_m >= S_u
 * for Goodman, |S_m| >= S_u for Gerber, S_m >= S_y, S_m >= sigma_f', or bad input) -
 * never a silently wrong number. */
FT_HD double ft_msc_equivalent(const FtFatigueParams *p, double S_a, double S_m)
{
    double m;
    if (ft_msc_check(p, S_a, S_m) != FT_FAT_OK) return NAN;
    m = ft__msc_mean(p, S_m);
    switch (p->msc) {
    case FT_MSC_NONE:
        return S_a;
    case FT_MSC_GOODMAN:
        return S_a / (1.0 - m / p->S_u);
    case FT_MSC_GERBER: {
        const double r = m / p->S_u;
        return S_a / (1.0 - r * r);
    }
    case FT_MSC_SODERBERG:
        return S_a / (1.0 - m / p->S_y);
    case FT_MSC_MORROW:
        return S_a / (1.0 - m / p->sigma_f);
    case FT_MSC_SWT: {
        const double smax = S_m + S_a;
        return (smax > 0.0) ? sqrt(smax * S_a) : 0.0;
    }
    case FT_MSC_WALKER: {
        const double smax = S_m + S_a;
        if (!(smax > 0.0) || !(S_a > 0.0)) return 0.0;
        return pow(smax, 1.0 - p->walker_gamma) * pow(S_a, p->walker_gamma);
    }
    default:
        return NAN;
    }
}

/* ------------------------------------------------------------ damage accumulator ---- */
/* flags of FtDamageAcc */
enum {
    FT_DMG_INVALID_MEAN = 1u, /* a cycle had an undefined mean-stress correction; not added */
    FT_DMG_INVALID_SN = 2u    /* the curve returned NaN (curve not validated?); not added */
};

/* Palmgren-Miner accumulator (POD, no pointers; one per node / channel).
 *   damage, comp    D = damage + comp: Neumaier-compensated running sum of count / N
 *   cycles          sum of counts (half cycles 0.5), valid and invalid
 *   max_range       largest range seen
 *   invalid_cycles  sum of counts of cycles not added (see flags)
 *   flags           FT_DMG_* (0 = all cycles valid)
 *   err_code, err_amp, err_mean  first invalid cycle: ft_msc_check code (or
 *                   FT_FAT_ERR_INPUT for FT_DMG_INVALID_SN), amplitude and mean. */
typedef struct {
    double damage, comp;
    double cycles;
    double max_range;
    double invalid_cycles;
    double err_amp, err_mean;
    unsigned flags;
    int err_code;
} FtDamageAcc;

FT_HD void ft_damage_init(FtDamageAcc *a)
{
    a->damage = a->comp = 0.0;
    a->cycles = a->max_range = a->invalid_cycles = 0.0;
    a->err_amp = a->err_mean = 0.0;
    a->flags = 0u;
    a->err_code = FT_FAT_OK;
}

/* Neumaier's compensated sum (Neumaier 1974, ZAMM 54, 39-51, an improved Kahan 1965
 * summation): t = s + x; c += (|s| >= |x|) ? (s - t) + x : (x - t) + s; s = t.
 * Total = s + c; error O(eps) * sum|x| independent of the number of terms. */
FT_HD void ft__neumaier_add(double *s, double *c, double x)
{
    const double t = *s + x;
    if (fabs(*s) >= fabs(x))
        *c += (*s - t) + x;
    else
        *c += (x - t) + *s;
    *s = t;
}

/* Reference of ft_damage_add_cycle (the former implementation, kept for the tests and for
 * the cycles the fast path hands over): adds `count` cycles (1 full, 0.5 half) of the given
 * range and mean:
 *   S_a = range/2, S_ar = ft_msc_equivalent(p, S_a, mean), d = count / ft_sn_cycles(S_ar).
 * Undefined corrections / NaN N are not added but flagged (flags, invalid_cycles, first
 * error recorded); ft_damage_value then returns NaN. Does not use p->dc. */
FT_HD void ft_damage_add_cycle_ref(FtDamageAcc *a, const FtFatigueParams *p, double range,
                                   double mean, double count)
{
    const double S_a = 0.5 * range;
    double S_ar, N;
    a->cycles += count;
    if (range > a->max_range) a->max_range = range;
    S_ar = ft_msc_equivalent(p, S_a, mean);
    if (S_ar != S_ar) {
        if (!a->flags) {
            a->err_code = ft_msc_check(p, S_a, mean);
            a->err_amp = S_a;
            a->err_mean = mean;
        }
        a->flags |= FT_DMG_INVALID_MEAN;
        a->invalid_cycles += count;
        return;
    }
    N = ft_sn_cycles(&p->sn, S_ar);
    if (N != N) {
        if (!a->flags) {
            a->err_code = FT_FAT_ERR_INPUT;
            a->err_amp = S_a;
            a->err_mean = mean;
        }
        a->flags |= FT_DMG_INVALID_SN;
        a->invalid_cycles += count;
        return;
    }
    if (N < INFINITY) ft__neumaier_add(&a->damage, &a->comp, count / N);
}

/* ft_damage_add_cycle with the per-material constants d (ft_damage_const of p): the same
 * damage as ft_damage_add_cycle_ref up to floating-point reassociation. Per cycle:
 *   S_a = range/2;  S_ar as ft_msc_equivalent, with the divisions by S_u, S_y, sigma_f'
 *   replaced by products with d->inv_msc (Goodman S_a / (1 - S_m inv_msc), Gerber
 *   S_a / (1 - (S_m inv_msc)^2), ...; NONE, SWT, Walker: the same expressions);
 *   S = S_ar inv_marin;
 *   S < S_lo: no damage, no pow (a cycle below the cut-off); Goodman / Soderberg / Morrow /
 *     Gerber test S_a inv_marin < S_lo (1 - x) before dividing, so such a cycle costs no
 *     division either (the test differs from S < S_lo by a few ulps, far inside the 2^-40
 *     margin of S_lo below the cut-off);
 *   S_lo <= S <= S_hi (within 2^-40 of the cut-off S_cut): ft_damage_add_cycle_ref decides
 *     (its S may differ from this S in the last bits, and there the damage jumps);
 *   else the damage per cycle
 *     BASQUIN  1/N = (S inv_Sref)^m inv_Nref
 *     KNEE     S >= S_knee: as BASQUIN;  else (S inv_Sknee)^m2 inv_Nk
 *     (an integer exponent m, m2 <= 32 by multiplications, ft__powi, else pow)
 *     TABLE    segment i as ft_sn_cycles, N = N_i rN_i^t, t = log(S inv_tabS_i) inv_lnS_i
 *   added as count/N (compensated).
 * Walker skips its two pow below the cut-off too: by the weighted AM-GM inequality
 * S_max^(1-g) S_a^g <= (1-g) S_max + g S_a, so a bound below S_lo (relative margin 2^-40
 * >> the few eps of rounding of the bound and of S_ar) means no damage.
 * Invalid cycles (undefined correction, non-finite or negative amplitude) and parameters
 * that did not validate go to ft_damage_add_cycle_ref (the same flags and first error).
 * Differences to the reference (kernels/tests/test_fatigue.c, random cycles, every curve
 * form x correction x compressive-mean convention): relative, a few (m + 1) eps, plus the
 * reference's own rounding of 1 - S_m/S_u (relative eps / (1 - S_m/S_u)) amplified by m. */
FT_HD void ft__damage_add_cycle_dc(FtDamageAcc *a, const FtFatigueParams *p,
                                   const FtDamageConst *d, double range, double mean,
                                   double count)
{
    const FtSNCurve *c = &p->sn;
    const double S_a = 0.5 * range;
    double S_ar, S, N;
    if (!d->ok || !ft__finite(S_a) || !ft__finite(mean) || S_a < 0.0) {
        ft_damage_add_cycle_ref(a, p, range, mean, count);
        return;
    }
    switch (p->msc) {
    case FT_MSC_NONE:
        S_ar = S_a;
        goto curve;
    case FT_MSC_GOODMAN:
    case FT_MSC_SODERBERG:
    case FT_MSC_MORROW: {
        const double m = ft__msc_mean(p, mean);
        const double lim = p->msc == FT_MSC_GOODMAN ? p->S_u
                           : p->msc == FT_MSC_SODERBERG ? p->S_y : p->sigma_f;
        double den;
        if (!(m < lim)) {
            ft_damage_add_cycle_ref(a, p, range, mean, count);
            return;
        }
        den = 1.0 - m * d->inv_msc;
        if (S_a * d->inv_marin < d->S_lo * den) break; /* S < S_lo without dividing */
        S_ar = S_a / den;
        goto curve;
    }
    case FT_MSC_GERBER: {
        const double m = ft__msc_mean(p, mean), r = m * d->inv_msc;
        double den;
        if (!(fabs(m) < p->S_u)) {
            ft_damage_add_cycle_ref(a, p, range, mean, count);
            return;
        }
        den = 1.0 - r * r;
        if (S_a * d->inv_marin < d->S_lo * den) break; /* S < S_lo without dividing */
        S_ar = S_a / den;
        goto curve;
    }
    case FT_MSC_SWT: {
        const double smax = mean + S_a;
        S_ar = (smax > 0.0) ? sqrt(smax * S_a) : 0.0;
        goto curve;
    }
    case FT_MSC_WALKER: {
        const double smax = mean + S_a, g = p->walker_gamma;
        if (!(smax > 0.0) || !(S_a > 0.0)) {
            S_ar = 0.0; /* no damage: S = 0 goes through the cut-off test below */
        } else if (((1.0 - g) * smax + g * S_a) * d->inv_marin < d->S_lo) {
            break; /* below the cut-off (AM-GM bound): no damage, no pow */
        } else {
            S_ar = pow(smax, 1.0 - g) * pow(S_a, g);
        }
        goto curve;
    }
    default:
        ft_damage_add_cycle_ref(a, p, range, mean, count);
        return;
    }
    /* below the cut-off, decided without S_ar (break above) */
    a->cycles += count;
    if (range > a->max_range) a->max_range = range;
    return;
curve:
    S = S_ar * d->inv_marin;
    if (!(S > d->S_hi)) {
        if (S < d->S_lo) { /* below the cut-off: no damage */
            a->cycles += count;
            if (range > a->max_range) a->max_range = range;
            return;
        }
        ft_damage_add_cycle_ref(a, p, range, mean, count); /* at the cut-off */
        return;
    }
    a->cycles += count;
    if (range > a->max_range) a->max_range = range;
    switch (c->kind) {
    case FT_SN_BASQUIN:
        ft__neumaier_add(&a->damage, &a->comp,
                         count * (ft__pow_m(S * d->inv_Sref, c->m, d->mi) * d->inv_Nref));
        return;
    case FT_SN_KNEE: {
        const double inv_N = (S >= c->S_knee)
                                 ? ft__pow_m(S * d->inv_Sref, c->m, d->mi) * d->inv_Nref
                                 : ft__pow_m(S * d->inv_Sknee, d->m2, d->m2i) * d->inv_Nk;
        ft__neumaier_add(&a->damage, &a->comp, count * inv_N);
        return;
    }
    default: { /* FT_SN_TABLE (ok: validated); S >= S_hi > the last point */
        const int n = c->npts;
        int i = 0;
        while (i + 2 < n && S < c->tab_S[i + 1]) i++;
        if (S == c->tab_S[i])
            N = c->tab_N[i];
        else if (S == c->tab_S[i + 1])
            N = c->tab_N[i + 1];
        else
            N = c->tab_N[i] * pow(d->rN[i], log(S * d->inv_tabS[i]) * d->inv_lnS[i]);
        if (N < INFINITY) ft__neumaier_add(&a->damage, &a->comp, count / N);
        return;
    }
    }
}

/* Adds `count` cycles (1 full, 0.5 half) of the given range and mean:
 *   S_a = range/2, S_ar = ft_msc_equivalent(p, S_a, mean), d = count / ft_sn_cycles(S_ar),
 * computed by ft__damage_add_cycle_dc with p->dc (prepared: ft_fatigue_prepare) or, if p
 * is not prepared, with constants derived for this call (same result, slower).
 * Undefined corrections / NaN N are not added but flagged (flags, invalid_cycles, first
 * error recorded); ft_damage_value then returns NaN. */
FT_HD void ft_damage_add_cycle(FtDamageAcc *a, const FtFatigueParams *p, double range,
                               double mean, double count)
{
    if (p->dc.ready == FT_DC_READY) {
        ft__damage_add_cycle_dc(a, p, &p->dc, range, mean, count);
    } else {
        FtDamageConst d;
        ft_damage_const(p, &d);
        ft__damage_add_cycle_dc(a, p, &d, range, mean, count);
    }
}

/* Accumulated damage D = sum count_j / N_j (compensated); NaN if any cycle was invalid
 * (flags != 0), so an invalid history can never look like a small damage. */
FT_HD double ft_damage_value(const FtDamageAcc *a)
{
    return a->flags ? NAN : a->damage + a->comp;
}

/* a += b (damage compensated, counts added, max of max_range, flags or-ed; the first
 * error of a is kept, else b's). Merging per-chunk accumulators in chunk order agrees
 * with one accumulator over the whole history to ~1e-16 relative. */
FT_HD void ft_damage_merge(FtDamageAcc *a, const FtDamageAcc *b)
{
    ft__neumaier_add(&a->damage, &a->comp, b->damage);
    ft__neumaier_add(&a->damage, &a->comp, b->comp);
    a->cycles += b->cycles;
    if (b->max_range > a->max_range) a->max_range = b->max_range;
    a->invalid_cycles += b->invalid_cycles;
    if (!a->flags && b->flags) {
        a->err_code = b->err_code;
        a->err_amp = b->err_amp;
        a->err_mean = b->err_mean;
    }
    a->flags |= b->flags;
}

#endif /* FT_SN_H */
