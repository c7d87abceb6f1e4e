/* ftwin kernels: the candidate planes of the critical-plane equivalent stress and the
 * normal stress on them, directly (n^T sigma n) or by coefficients of the load channels.
 *
 * Header-only, FT_HD functions (static inline; __host__ __device__ under nvcc), valid C99.
 * Stress tensors in ftwin's Voigt order xx, yy, zz, yz, xz, xy (ft_kernel.h), shear
 * entries are the shear STRESSES.
 *
 * Plane sets (a plane is its unit normal n; n and -n are the same plane):
 *   np = FT_CP_NPLANES (25, the default): the cubic set of ft_critical_plane_normals (the
 *        coordinate axes, <110>, <111>, <210>; all directions within 22.4 degrees);
 *   np in [FT_CP_MIN_PLANES, FT_CP_MAX_PLANES], np != 25: np quasi-uniform normals, the
 *        spherical Fibonacci lattice on the upper hemisphere (ft_cp_normal).
 * Equivalent-stress kind (ft_equivalent.h) of a plane set: ft_eq_critical_plane(np) =
 *   FT_EQ_CRITICAL_PLANE for the default set (so the kind of every existing caller and
 *   file keeps its meaning), FT_EQ_CRITICAL_PLANE + 256 np otherwise; ft_eq_base(kind) is
 *   the FT_EQ_* without the plane count, ft_eq_planes(kind) the count (0: not a
 *   critical-plane kind, or an invalid count).
 *
 * Normal stress by coefficients. With sigma(t) = sum_k L_k(t) S_k (unit stress S_k of load
 * channel k), the normal stress on plane n is linear in the loads:
 *   sigma_n(t) = n^T sigma(t) n = sum_k c_k L_k(t),   c_k = n^T S_k n,
 * so per node and plane the nchan coefficients are computed once (ft_cp_coefficients) and
 * a plane-step is nchan multiply-adds (ft_cp_normal_stresses, planes in the inner loop:
 * they advance in lockstep, vectorisable). Rounding against the direct n^T (sum_k L_k S_k) n
 * (ft_normal_stress): both are sums of the same 6 nchan products n_a n_b S_k,ab L_k
 * grouped differently, each with relative error <= (nchan + 6) eps per product, so
 *   |coefficients - direct| <= 2 (nchan + 6) eps sum_k |L_k| |S_k|_n,
 *   |S_k|_n = |sxx| nx^2 + |syy| ny^2 + |szz| nz^2 + 2 (|tyz| |ny nz| + ...) <= |S_k|_1
 * (standard bound for recursive summation, Higham, Accuracy and Stability of Numerical
 * Algorithms, 2nd ed., eq. 4.4; kernels/tests/test_fatigue.c checks it on random tensors).
 */
#ifndef FT_PLANES_H
#define FT_PLANES_H

#include <math.h>
#include "ft_kernel.h"

#define FT_CP_NPLANES 25     /* the default plane set (cubic families) */
#define FT_CP_MIN_PLANES 3   /* smallest other set (a Fibonacci lattice) */
#define FT_CP_MAX_PLANES 256 /* largest set: 256 rainflow states per node (~150 KiB) */

/* Equivalent-stress kind of the critical plane (same value as in ft_equivalent.h's enum). */
#define FT_EQ__CRITICAL_PLANE 3

/* Normal stress on the plane with unit normal n: sigma_n = n . (sigma n)
 *   = sxx nx^2 + syy ny^2 + szz nz^2 + 2 (tyz ny nz + txz nx nz + txy nx ny). */
FT_HD double ft_normal_stress(const double s[6], const double n[3])
{
    return s[FT_XX] * n[0] * n[0] + s[FT_YY] * n[1] * n[1] + s[FT_ZZ] * n[2] * n[2] +
           2.0 * (s[FT_YZ] * n[1] * n[2] + s[FT_XZ] * n[0] * n[2] + s[FT_XY] * n[0] * n[1]);
}

/* Number of candidate plane normals of the default set (FT_CP_NPLANES = 25). */
FT_HD int ft_critical_plane_count(void) { return FT_CP_NPLANES; }

/* Unit normal i (0 <= i < 25; other i give (0,0,0)) of the default candidate planes: the 25
 * lines through the origin and the points of integer coordinates of these cubic families
 * (n and -n are the same plane, one representative each):
 *   i = 0..2    <100>: (1,0,0) (0,1,0) (0,0,1)                     coordinate axes
 *   i = 3..8    <110>: (1,1,0) (1,-1,0) (1,0,1) (-1,0,1) (0,1,1) (0,-1,1)
 *   i = 9..12   <111>: (1,1,1) (-1,1,1) (1,-1,1) (-1,-1,1)
 *   i = 13..24  <210>: (2,1,0) (2,-1,0) (1,2,0) (1,-2,0) (2,0,1) (-2,0,1) (1,0,2)
 *                      (-1,0,2) (0,2,1) (0,-2,1) (0,1,2) (0,-1,2)
 * each normalized. The first 13 (the symmetry axes of the cube) cover the unit sphere
 * within 27.6 degrees, all 25 within 22.4 degrees (largest angle from any direction to
 * the nearest normal, measured on 4e5 random directions). Consequence: for a uniaxial
 * stress sigma along an arbitrary direction the best candidate plane sees at least
 * cos^2(22.4 deg) = 0.855 sigma (13 planes: 0.786 sigma); directions along the cubic
 * families are exact. */
FT_HD void ft_critical_plane_normals(int i, double n[3])
{
    const signed char v[FT_CP_NPLANES][3] = {
        {1, 0, 0},  {0, 1, 0},  {0, 0, 1},                                       /* <100> */
        {1, 1, 0},  {1, -1, 0}, {1, 0, 1},  {-1, 0, 1}, {0, 1, 1},  {0, -1, 1},  /* <110> */
        {1, 1, 1},  {-1, 1, 1}, {1, -1, 1}, {-1, -1, 1},                         /* <111> */
        {2, 1, 0},  {2, -1, 0}, {1, 2, 0},  {1, -2, 0}, {2, 0, 1},  {-2, 0, 1},  /* <210> */
        {1, 0, 2},  {-1, 0, 2}, {0, 2, 1},  {0, -2, 1}, {0, 1, 2},  {0, -1, 2}};
    double inv;
    if (i < 0 || i >= FT_CP_NPLANES) {
        n[0] = n[1] = n[2] = 0.0;
        return;
    }
    inv = 1.0 / sqrt((double)(v[i][0] * v[i][0] + v[i][1] * v[i][1] + v[i][2] * v[i][2]));
    n[0] = v[i][0] * inv;
    n[1] = v[i][1] * inv;
    n[2] = v[i][2] * inv;
}

/* 1 if np planes is a valid set size: 25 (the default) or FT_CP_MIN_PLANES..FT_CP_MAX_PLANES. */
FT_HD int ft_cp_valid_count(int np)
{
    return np == FT_CP_NPLANES || (np >= FT_CP_MIN_PLANES && np <= FT_CP_MAX_PLANES);
}

/* Unit normal i (0 <= i < np) of the set of np planes; (0,0,0) for an invalid np or i.
 * np = 25: ft_critical_plane_normals. Otherwise the spherical Fibonacci lattice on the
 * upper hemisphere (equal-area: z uniform in (0, 1), the azimuth advancing by the golden
 * angle ga = pi (3 - sqrt 5)):
 *   z_i = (i + 1/2) / np,  r_i = sqrt(1 - z_i^2),  phi_i = i ga,
 *   n_i = (r_i cos phi_i, r_i sin phi_i, z_i).
 * Each normal stands for an area 2 pi / np of the hemisphere, so the angle from any
 * direction to the nearest normal (the covering radius) falls like np^(-1/2) (measured on
 * 2e5 random directions: 1.95..2.13 / sqrt(np) rad for np = 3..256; kernels/tests/
 * test_fatigue.c asserts <= 2.2 / sqrt(np)), and the worst-plane normal stress of a uniaxial
 * stress sigma along an arbitrary direction is >= sigma cos^2(2.2 / sqrt(np)) ~ sigma (1 -
 * 4.8 / np). For np >= 32 this beats the cubic set's 22.4 degrees. */
FT_HD void ft_cp_normal(int np, int i, double n[3])
{
    if (np == FT_CP_NPLANES) {
        ft_critical_plane_normals(i, n);
        return;
    }
    if (!ft_cp_valid_count(np) || i < 0 || i >= np) {
        n[0] = n[1] = n[2] = 0.0;
        return;
    }
    {
        const double ga = 2.3999632297286533222; /* pi (3 - sqrt(5)) */
        const double z = (i + 0.5) / np, r = sqrt((1.0 - z) * (1.0 + z));
        /* i ga reduced mod 2 pi before cos/sin: same value on any libm up to rounding */
        const double phi = fmod(i * ga, 6.283185307179586477);
        n[0] = r * cos(phi);
        n[1] = r * sin(phi);
        n[2] = z;
    }
}

/* Kind of the critical plane with np planes: FT_EQ_CRITICAL_PLANE for the default 25,
 * FT_EQ_CRITICAL_PLANE + 256 np for another valid np, -1 for an invalid np. */
FT_HD int ft_eq_critical_plane(int np)
{
    if (np == FT_CP_NPLANES) return FT_EQ__CRITICAL_PLANE;
    return ft_cp_valid_count(np) ? FT_EQ__CRITICAL_PLANE + 256 * np : -1;
}

/* The FT_EQ_* of a kind without its plane count (negative kinds unchanged). */
FT_HD int ft_eq_base(int kind) { return kind >= 0 ? (kind & 255) : kind; }

/* Planes of a critical-plane kind (25 for FT_EQ_CRITICAL_PLANE); 0 for any other kind or
 * an invalid plane count. */
FT_HD int ft_eq_planes(int kind)
{
    int np;
    if (ft_eq_base(kind) != FT_EQ__CRITICAL_PLANE) return 0;
    np = kind >> 8;
    if (np == 0) return FT_CP_NPLANES;
    return (np != FT_CP_NPLANES && ft_cp_valid_count(np)) ? np : 0;
}

/* Coefficients of unit stress s on the np normals nrm[j]: c[j] = nrm[j]^T s nrm[j]
 * (ft_normal_stress), j < np. */
FT_HD void ft_cp_coefficients(const double s[6], int np, const double (*nrm)[3], double *c)
{
    int j;
    for (j = 0; j < np; j++) c[j] = ft_normal_stress(s, nrm[j]);
}

/* Normal stresses of one step on np planes from the coefficients C[k*ldc + j] (channel k,
 * plane j) and the loads l[k], k < nchan:
 *   e[j] = sum_k C[k][j] l[k]   (k ascending, the same order for every j).
 * Planes in lockstep, four at a time in registers (a0..a3: the sums stay in registers across
 * the k loop, no store and reload of e per channel; the four lanes are independent, so the
 * compiler may pack them into SIMD registers), the last np % 4 one by one. */
FT_HD void ft_cp_normal_stresses(int nchan, int np, const double *C, int ldc, const double *l,
                                 double *e)
{
    int j = 0, k;
    for (; j + 4 <= np; j += 4) {
        double a0 = C[j] * l[0], a1 = C[j + 1] * l[0], a2 = C[j + 2] * l[0],
               a3 = C[j + 3] * l[0];
        for (k = 1; k < nchan; k++) {
            const double *Ck = C + (long)k * ldc + j;
            const double lk = l[k];
            a0 += Ck[0] * lk;
            a1 += Ck[1] * lk;
            a2 += Ck[2] * lk;
            a3 += Ck[3] * lk;
        }
        e[j] = a0;
        e[j + 1] = a1;
        e[j + 2] = a2;
        e[j + 3] = a3;
    }
    for (; j < np; j++) {
        double a = C[j] * l[0];
        for (k = 1; k < nchan; k++) a += C[(long)k * ldc + j] * l[k];
        e[j] = a;
    }
}

#endif /* FT_PLANES_H */
