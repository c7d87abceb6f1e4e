/* ftwin kernels: scalar equivalent stresses for uniaxial cycle counting of a multiaxial
 * stress history (rainflow counting needs one signed scalar per time step).
 *
 * Header-only, FT_HD functions (static inline; __host__ __device__ under nvcc); stress
 * tensors in ftwin's Voigt order xx, yy, zz, yz, xz, xy (ft_kernel.h), shear entries are
 * the shear STRESSES tau_yz, tau_xz, tau_xy.
 *
 * Kinds (ft_equivalent_stress):
 *   FT_EQ_SIGNED_VON_MISES        sigma_vm with the sign of the absolute maximum principal
 *                                 stress (the "Signed von Mises" of ANSYS Mechanical's
 *                                 Fatigue Tool and of nCode DesignLife, per their user
 *                                 manuals; a tool convention, no standard defines it)
 *   FT_EQ_SIGNED_VON_MISES_TRACE  sigma_vm with the sign of the hydrostatic stress
 *                                 (trace); the other common variant, cheaper
 *   FT_EQ_MAX_ABS_PRINCIPAL       the principal stress of largest magnitude, signed
 *   FT_EQ_CRITICAL_PLANE          normal stress on each of FT_CP_NPLANES fixed planes
 *                                 (ft_critical_plane_normals): FT_CP_NPLANES channels, each
 *                                 counted separately; the damage of the point is the
 *                                 maximum over the planes (critical plane). Other plane
 *                                 sets: ft_eq_critical_plane(np) (ft_planes.h).
 * Caveat (all signed equivalents): near pure shear (p1 ~ -p3, trace ~ 0) the sign flips
 * with the load and creates spurious cycles of range ~2 sigma_vm; prefer the
 * critical-plane channels there. Ties take the + sign (trace == 0; p1 + p3 == 0 up to
 * rounding, so an exactly pure shear history keeps the + sign).
 */
#ifndef FT_EQUIVALENT_H
#define FT_EQUIVALENT_H

#include <math.h>
#include "ft_kernel.h"
#include "ft_elasticity.h"
#include "ft_planes.h"

enum {
    FT_EQ_SIGNED_VON_MISES = 0,
    FT_EQ_SIGNED_VON_MISES_TRACE = 1,
    FT_EQ_MAX_ABS_PRINCIPAL = 2,
    FT_EQ_CRITICAL_PLANE = 3
};

/* The plane sets, ft_normal_stress, ft_critical_plane_normals and the coefficient form of
 * the normal stress: ft_planes.h. A critical-plane kind may carry its plane count
 * (ft_eq_critical_plane(np)); FT_EQ_CRITICAL_PLANE alone is the default 25-plane set. */
typedef char ft__eq_cp_kind_matches[(FT_EQ__CRITICAL_PLANE == FT_EQ_CRITICAL_PLANE) ? 1 : -1];

/* ---------------------------------------------------------------------------------------
 * Equivalent-stress math without the full eigen-decomposition (the hot path of the
 * fatigue loop: one call per node and time step).
 *
 * Notation. q = tr(s)/3, D = s - qI (deviator), p = sqrt(|D|_F^2 / 6) = sigma_vm / 3
 * (sigma_vm^2 = 3 J2 = |D|_F^2 * 3/2, so p^2 = sigma_vm^2 / 9 comes from the radicand of
 * ft_von_mises), J3 = det D. The eigenvalues of D are
 *   d1 = 2p cos(phi) >= d2 = 2p cos(phi - 2pi/3) >= d3 = 2p cos(phi + 2pi/3),
 *   phi = acos(r)/3 in [0, pi/3],  r = J3 / (2 p^3) in [-1, 1]
 * (trigonometric solution of det(dI - D) = d^3 - 3p^2 d - J3 = 0), hence
 *   p <= d1 <= 2p,   -p <= d2 <= p,   -2p <= d3 <= -p,
 * and the principal stresses are p_k = q + d_k (p1 >= p2 >= p3).
 *
 * 1. Which of p1, p3 has the larger magnitude (division-free sign test).
 *    |p1| >= |p3|  <=>  p1 + p3 >= 0, and p1 + p3 = tr(s) - p2 = 2q - d2. With x = 2q:
 *      x >=  p  =>  x >= d2  =>  +        (includes p = 0, q >= 0)
 *      x <= -p  =>  x <= d2  =>  -        (tie p1 + p3 = 0 only if also d2 = -p)
 *      |x| < p: the deviatoric characteristic polynomial Q(d) = d^3 - 3p^2 d - J3 =
 *      (d - d1)(d - d2)(d - d3) has x - d1 < 0 < x - d3, so sign Q(x) = sign(d2 - x) and
 *        p1 + p3 >= 0  <=>  Q(2q) <= 0  <=>  m = J3/2 - q (4q^2 - 3p^2) >= 0     (m = -Q(2q)/2).
 *    This is the test of the former implementation (r >= u(4u^2 - 3), u = q/p) multiplied
 *    through by 2p^3 > 0. Written with p^2 only (|x| >= p <=> 4q^2 >= p^2), it needs no
 *    division and no square root, so it does not wait for the square root of sigma_vm.
 *    m = -(x - d1)(x - d2)(x - d3)/2 is proportional to p1 + p3 = x - d2, but also to
 *    (x - d1)(x - d3), which vanishes at the two corners d1 = d2 = p and d2 = d3 = -p (a
 *    repeated principal stress with 2q = +-p): there the sign of the computed m is rounding
 *    noise even where |p1 + p3| is well above the rounding level (the former test had the
 *    same weakness: in kernels/tests/test_fatigue.c it returns the wrong sign for some such
 *    tensors with |p1 + p3| up to ~6e-9 sigma_vm). So m is trusted only where
 *    |m| > 2^-44 p^3 (256 eps p^3; its rounding error, measured against long double on 4e6
 *    random and near-corner tensors, stays below 9 eps p^3). Otherwise (a near tie
 *    p1 + p3 ~ 0, e.g. pure shear, or a corner) the sign is decided on the accurate
 *    eigenvalues of ft_principal_stresses, ties within rounding, |p1 + p3| <= 2^-48 (p1 - p3)
 *    (16 eps), taken as +. Random tensors practically never take this path; tensors that are
 *    pure shear up to rounding always do (and so always give +).
 *
 * 2. The principal stress of largest magnitude alone. With sg = +1 (p1) or -1 (p3) from 1.,
 *    and since the eigenvalues of -D are -d3 >= -d2 >= -d1 with -J3 in place of J3:
 *      p1 = q + p t(r),  p3 = q - p t(-r),   t(rho) = 2 cos(acos(rho)/3) in [1, 2],
 *    t(rho) being the largest root of t^3 - 3t - 2 rho = 0. Only that eigenvalue is computed,
 *    not ft_principal_stresses' three (acos, two cos, deflation, hypot).
 *    Accuracy: rho carries an absolute rounding error of a few eps, and dt/drho =
 *    2 / (3 (t^2 - 1)): the root is ill-conditioned when it is a member of a close pair
 *    (t -> 1, rho -> -1; with 3 (t^2 - 1) = (t1 - t2)(t1 - t3) the gap is (t1 - t2) p).
 *    Measured error of 2 cos(acos(rho)/3) against ft_principal_stresses, relative to
 *    sigma_vm: ~1e-15 for gaps >= 0.3 p, 2.6e-14 at 0.01 p, 3e-12 at 1e-4 p, 1e-8 for an
 *    exactly repeated pair. A Newton step does not cure this: on t^3 - 3t - 2 rho it
 *    converges to the root of the same perturbed cubic (no gain measured), and on
 *    det(s - lambda I) evaluated from the entries it gains only ~8x (that determinant has
 *    an absolute rounding error ~eps |s|^3 against a value ~gap^2 |s|) and divides by ~0
 *    at an exactly repeated pair. Hence where the wanted root's neighbour is closer than
 *    0.05 p (rho <= -0.99906..., t < 1.02490; 1.7 % of sigma_vm; 0.025 % of uniformly
 *    random tensors) the value is taken from ft_principal_stresses (deflation, accurate for
 *    any gap); elsewhere the error is below ~5e-15 (sigma_vm + |q|) (the |q| part:
 *    D = s - qI is rounded relative to |q|, as in ft_principal_stresses).
 *    t(rho) on [-0.99906, 1] without acos/cos (ft__cubic_top_root): t has a square-root
 *    branch point at rho = -1 (t = 1 + e, 3e^2 + e^3 = 2(1 + rho)) and is analytic in
 *    w = sqrt(1 + rho), w in [0, sqrt 2], where a degree-6 polynomial approximates it
 *    within 3.2e-7 (a polynomial in rho, even of degree 14, errs by 1e-2); one Halley step
 *    on f(t) = t^3 - 3t - 2 rho (cubic convergence) then leaves the rounding of f:
 *    |t - root| <= 1.6e-15 on 2e7 points of [-0.99906, 1] against the long-double root
 *    (2 cos(acos(rho)/3) in double: 3.7e-16), i.e. 5e-16 sigma_vm.
 *
 * Range: m^2 and p^6 are sixth powers of stresses (no normalisation by p any more); the
 * division-free comparisons hold for stress magnitudes between ~1e-50 and ~1e50 in any unit
 * (Pa to GPa is 1e0 .. 1e9). Beyond, they under/overflow to the undecided case: still the
 * right result (from ft_principal_stresses), only slower.
 * --------------------------------------------------------------------------------------- */

/* sigma_vm^2 = 3 J2: the radicand of ft_von_mises, same expression. */
FT_HD double ft__von_mises_sq(const double s[6])
{
    const double a = s[FT_XX] - s[FT_YY], b = s[FT_YY] - s[FT_ZZ], c = s[FT_ZZ] - s[FT_XX];
    return 0.5 * (a * a + b * b + c * c) +
           3.0 * (s[FT_YZ] * s[FT_YZ] + s[FT_XZ] * s[FT_XZ] + s[FT_XY] * s[FT_XY]);
}

/* J3 = det(s - qI), q = tr(s)/3 given (cofactor expansion along the first row). */
FT_HD double ft__dev_det(const double s[6], double q)
{
    const double d0 = s[FT_XX] - q, d1 = s[FT_YY] - q, d2 = s[FT_ZZ] - q;
    const double yz = s[FT_YZ], xz = s[FT_XZ], xy = s[FT_XY];
    return d0 * (d1 * d2 - yz * yz) - xy * (xy * d2 - yz * xz) + xz * (xy * yz - d1 * xz);
}

/* Sign test 1. above from q = tr/3, p2 = p^2 = sigma_vm^2/9 and J3 = det(s - qI): +1
 * (|p1| >= |p3|), -1 (|p3| > |p1|), or 0 where the computed m is not trustworthy (near tie
 * or corner; the caller decides on eigenvalues, ft__absmax_sign_eig). p2 not > 0
 * (isotropic, zero, NaN): the sign of q, as the former implementation. */
FT_HD int ft__absmax_sign_test(double q, double p2, double J3)
{
    const double tol2 = 3.2311742677852643549e-27; /* (2^-44)^2: |m| > 2^-44 p^3 */
    double m;
    if (!(p2 > 0.0)) return (q >= 0.0) ? 1 : -1;
    if (4.0 * q * q >= p2) return (q >= 0.0) ? 1 : -1; /* |2q| >= p */
    m = 0.5 * J3 - q * (4.0 * q * q - 3.0 * p2);
    if (m * m > tol2 * (p2 * p2 * p2)) return (m > 0.0) ? 1 : -1;
    return 0;
}

/* The undecided case of ft__absmax_sign_test: eigenvalues pr[] = ft_principal_stresses(s)
 * (returned for reuse) and +1 if p1 + p3 >= -2^-48 (p1 - p3) (ties within rounding: +),
 * else -1. */
FT_HD int ft__absmax_sign_eig(const double s[6], double pr[3])
{
    ft_principal_stresses(s, pr);
    return (pr[0] + pr[2] >= -3.552713678800500930e-15 * (pr[0] - pr[2])) ? 1 : -1;
}

/* Largest root t in [1, 2] of t^3 - 3t - 2 rho = 0, i.e. 2 cos(acos(rho)/3), for rho in
 * [-0.99906, 1] (item 2. above): degree-6 polynomial in w = sqrt(1 + rho) (Chebyshev
 * least-squares fit on w in [0, sqrt 2], converted to monomials, evaluated by Estrin's
 * scheme) and one Halley step t -= 2 f f' / (2 f'^2 - f f''), f' = 3 (t^2 - 1),
 * f'' = 6t. Error <= 1.6e-15 on that interval (loses accuracy towards rho = -1, where the
 * caller uses ft_principal_stresses instead). */
FT_HD double ft__cubic_top_root(double rho)
{
    const double w = sqrt(1.0 + rho), w2 = w * w, w4 = w2 * w2;
    double t = (1.0000003263523165 + 0.8164728100812291 * w) +
               w2 * (-0.11082304448948598 + 0.03644988544658176 * w) +
               w4 * ((-0.013269117164670025 + 0.003755818723437555 * w) -
                     0.0005358625632765345 * w2);
    const double t2m1 = t * t - 1.0, f = t * (t2m1 - 2.0) - 2.0 * rho;
    t -= f * t2m1 / (3.0 * t2m1 * t2m1 - t * f);
    return t;
}

/* Sign (+1 / -1) of the principal stress of largest magnitude (p1 if p1 + p3 >= 0, else
 * p3), without eigenvalues except in the rare undecided cases (derivation above). Same
 * result as the former implementation (and as the sign of p1 + p3 from
 * ft_principal_stresses) wherever |p1 + p3| is above the rounding level: verified in
 * kernels/tests/test_fatigue.c for |p1 + p3| > 1e-12 sigma_vm. p = 0 (isotropic): sign of q.
 * Ties: +. */
FT_HD int ft_absmax_principal_sign(const double s[6])
{
    const double q = (s[FT_XX] + s[FT_YY] + s[FT_ZZ]) * (1.0 / 3.0);
    const int sg =
        ft__absmax_sign_test(q, ft__von_mises_sq(s) * (1.0 / 9.0), ft__dev_det(s, q));
    double pr[3];
    return sg ? sg : ft__absmax_sign_eig(s, pr);
}

/* Signed von Mises: sigma_vm (ft_von_mises, bit for bit) times the sign of the absolute
 * maximum principal stress (ft_absmax_principal_sign). */
FT_HD double ft_signed_von_mises(const double s[6])
{
    const double vm = ft_von_mises(s);
    const double q = (s[FT_XX] + s[FT_YY] + s[FT_ZZ]) * (1.0 / 3.0);
    int sg = ft__absmax_sign_test(q, ft__von_mises_sq(s) * (1.0 / 9.0), ft__dev_det(s, q));
    if (!sg) {
        double pr[3];
        sg = ft__absmax_sign_eig(s, pr);
    }
    return sg > 0 ? vm : -vm;
}

/* Signed von Mises, hydrostatic variant: sigma_vm times sign(sxx + syy + szz) (+ for 0). */
FT_HD double ft_signed_von_mises_trace(const double s[6])
{
    const double vm = ft_von_mises(s);
    return (s[FT_XX] + s[FT_YY] + s[FT_ZZ] >= 0.0) ? vm : -vm;
}

/* Principal stress of largest magnitude, signed: p1 if p1 + p3 >= 0 else p3 (p1 >= p2 >=
 * p3; ties: p1), with the sign of ft_absmax_principal_sign. Only that eigenvalue is
 * computed, as the largest root of a cubic (item 2. above, no acos/cos); where it is a
 * member of a close pair, or the sign is undecided, the value comes from
 * ft_principal_stresses. Agrees with the former implementation (p[] of
 * ft_principal_stresses) to a few 1e-15 (sigma_vm + |q|).
 * p = 0 (isotropic, zero, NaN): q. */
FT_HD double ft_max_abs_principal(const double s[6])
{
    const double rho_pair = -0.9990625813841648; /* t(rho_pair) = 1.02490: gap 0.05 p */
    const double q = (s[FT_XX] + s[FT_YY] + s[FT_ZZ]) * (1.0 / 3.0);
    const double p2 = ft__von_mises_sq(s) * (1.0 / 9.0);
    const double J3 = ft__dev_det(s, q);
    int sg = ft__absmax_sign_test(q, p2, J3);
    double pr[3];
    if (!(p2 > 0.0)) return q;
    if (sg) {
        const double p = sqrt(p2);
        double rho = sg * (0.5 * J3 / (p2 * p)); /* sg r: p1 from r, p3 from -r */
        if (rho > rho_pair) {
            if (rho > 1.0) rho = 1.0;
            return q + sg * p * ft__cubic_top_root(rho);
        }
        ft_principal_stresses(s, pr); /* the wanted root is in a close pair */
    } else {
        sg = ft__absmax_sign_eig(s, pr);
    }
    return sg > 0 ? pr[0] : pr[2];
}

/* References of ft_signed_von_mises and ft_max_abs_principal (the definitions, as the
 * former implementation computed them: all three eigenvalues p1 >= p2 >= p3 of
 * ft_principal_stresses, trigonometric + deflation refinement):
 *   ft_max_abs_principal_ref = p1 if p1 + p3 >= 0 else p3,
 *   ft_signed_von_mises_ref  = sigma_vm (ft_von_mises) with the sign of p1 + p3 (+ for >= 0).
 * For the tests and the benchmark (bench/fatigue/stage_bench.c); the engine uses the fast
 * functions above. They agree except where p1 + p3 is at the rounding level (|p1 + p3| <=
 * 2^-48 (p1 - p3): the fast sign takes + as a tie, these the sign of the rounded sum) and
 * the values to a few 1e-15 (sigma_vm + |q|) (kernels/tests/test_fatigue_fast.c). */
FT_HD double ft_max_abs_principal_ref(const double s[6])
{
    double p[3];
    ft_principal_stresses(s, p);
    return (p[0] + p[2] >= 0.0) ? p[0] : p[2];
}

FT_HD double ft_signed_von_mises_ref(const double s[6])
{
    const double vm = ft_von_mises(s);
    double p[3];
    ft_principal_stresses(s, p);
    return (p[0] + p[2] >= 0.0) ? vm : -vm;
}

/* Channels (scalars per time step) of an equivalent-stress kind: 1, the plane count
 * ft_eq_planes(kind) for a critical-plane kind (FT_CP_NPLANES for FT_EQ_CRITICAL_PLANE),
 * 0 for an unknown kind. */
FT_HD int ft_equivalent_channels(int kind)
{
    if (ft_eq_base(kind) == FT_EQ_CRITICAL_PLANE) return ft_eq_planes(kind);
    switch (kind) {
    case FT_EQ_SIGNED_VON_MISES:
    case FT_EQ_SIGNED_VON_MISES_TRACE:
    case FT_EQ_MAX_ABS_PRINCIPAL:
        return 1;
    default:
        return 0;
    }
}

/* Writes the ft_equivalent_channels(kind) scalars of stress s into out[]; returns their
 * number (0 and nothing written for an unknown kind). */
FT_HD int ft_equivalent_stress(int kind, const double s[6], double *out)
{
    int i;
    if (ft_eq_base(kind) == FT_EQ_CRITICAL_PLANE) { /* direct n^T s n: the reference */
        const int np = ft_eq_planes(kind);
        for (i = 0; i < np; i++) {
            double n[3];
            ft_cp_normal(np, i, n);
            out[i] = ft_normal_stress(s, n);
        }
        return np;
    }
    switch (kind) {
    case FT_EQ_SIGNED_VON_MISES:
        out[0] = ft_signed_von_mises(s);
        return 1;
    case FT_EQ_SIGNED_VON_MISES_TRACE:
        out[0] = ft_signed_von_mises_trace(s);
        return 1;
    case FT_EQ_MAX_ABS_PRINCIPAL:
        out[0] = ft_max_abs_principal(s);
        return 1;
    default:
        return 0;
    }
}

#endif /* FT_EQUIVALENT_H */
