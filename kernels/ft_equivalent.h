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
 *                                 maximum over the planes (critical plane).
 * Caveat (all signed equivalents): near pure shear (p1 ~ -p3, trace ~ 0) the sign flips
 * with rounding noise and creates spurious cycles of range ~2 sigma_vm; prefer the
 * critical-plane channels there. Ties (p1 + p3 == 0, trace == 0) take the + sign.
 */
#ifndef FT_EQUIVALENT_H
#define FT_EQUIVALENT_H

#include <math.h>
#include "ft_kernel.h"
#include "ft_elasticity.h"

enum {
    FT_EQ_SIGNED_VON_MISES = 0,
    FT_EQ_SIGNED_VON_MISES_TRACE = 1,
    FT_EQ_MAX_ABS_PRINCIPAL = 2,
    FT_EQ_CRITICAL_PLANE = 3
};

#define FT_CP_NPLANES 25

/* Normal stress on the plane with unit normal n: sigma_n = n . (sigma n)
 *   = sxx nx^2 + syy ny^2 + szz nz^2 + 2 (tyz ny nz + txz nx nz + txy nx ny). */
FT_HD double ft_normal_stress(const double s[6], const double n[3])
{
    return s[FT_XX] * n[0] * n[0] + s[FT_YY] * n[1] * n[1] + s[FT_ZZ] * n[2] * n[2] +
           2.0 * (s[FT_YZ] * n[1] * n[2] + s[FT_XZ] * n[0] * n[2] + s[FT_XY] * n[0] * n[1]);
}

/* Number of candidate plane normals (FT_CP_NPLANES = 25). */
FT_HD int ft_critical_plane_count(void) { return FT_CP_NPLANES; }

/* Unit normal i (0 <= i < 25; other i give (0,0,0)) of the candidate planes: the 25 lines
 * through the origin and the points of integer coordinates of these cubic families
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

/* Sign (+1 / -1) of the principal stress of largest magnitude, without eigenvalues:
 * with p1 >= p2 >= p3, |p1| >= |p3| <=> p1 + p3 >= 0. In the trigonometric solution
 * (ft_principal_stresses: q = tr/3, p = sqrt(|s - qI|_F^2 / 6), r = det((s - qI)/p)/2,
 * phi = acos(r)/3) p1 + p3 = 2q + 2p cos(phi + pi/3); c = cos(phi + pi/3) lies in
 * [-1/2, 1/2] and solves 4c^3 - 3c = cos(acos(r) + pi) = -r. As 4c^3 - 3c decreases on
 * [-1/2, 1/2], with u = q/p:
 *   u >= 1/2: +1;   u <= -1/2: -1 (ties at u = -1/2 only);
 *   else p1 + p3 >= 0  <=>  c >= -u  <=>  r >= 4u^3 - 3u.
 * p = 0 (isotropic): p1 = p3 = q, sign of q. Ties (p1 = -p3) give +1. */
FT_HD int ft_absmax_principal_sign(const double s[6])
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

/* Signed von Mises: sigma_vm (ft_von_mises) times the sign of the absolute maximum
 * principal stress (ft_absmax_principal_sign). */
FT_HD double ft_signed_von_mises(const double s[6])
{
    const double vm = ft_von_mises(s);
    return ft_absmax_principal_sign(s) > 0 ? vm : -vm;
}

/* Signed von Mises, hydrostatic variant: sigma_vm times sign(sxx + syy + szz) (+ for 0). */
FT_HD double ft_signed_von_mises_trace(const double s[6])
{
    const double vm = ft_von_mises(s);
    return (s[FT_XX] + s[FT_YY] + s[FT_ZZ] >= 0.0) ? vm : -vm;
}

/* Principal stress of largest magnitude, signed: p1 if p1 + p3 >= 0 else p3
 * (ft_principal_stresses, p1 >= p2 >= p3). */
FT_HD double ft_max_abs_principal(const double s[6])
{
    double p[3];
    ft_principal_stresses(s, p);
    return (p[0] + p[2] >= 0.0) ? p[0] : p[2];
}

/* Channels (scalars per time step) of an equivalent-stress kind: 1, FT_CP_NPLANES for
 * FT_EQ_CRITICAL_PLANE, 0 for an unknown kind. */
FT_HD int ft_equivalent_channels(int kind)
{
    switch (kind) {
    case FT_EQ_SIGNED_VON_MISES:
    case FT_EQ_SIGNED_VON_MISES_TRACE:
    case FT_EQ_MAX_ABS_PRINCIPAL:
        return 1;
    case FT_EQ_CRITICAL_PLANE:
        return FT_CP_NPLANES;
    default:
        return 0;
    }
}

/* Writes the ft_equivalent_channels(kind) scalars of stress s into out[]; returns their
 * number (0 and nothing written for an unknown kind). */
FT_HD int ft_equivalent_stress(int kind, const double s[6], double *out)
{
    int i;
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
    case FT_EQ_CRITICAL_PLANE:
        for (i = 0; i < FT_CP_NPLANES; i++) {
            double n[3];
            ft_critical_plane_normals(i, n);
            out[i] = ft_normal_stress(s, n);
        }
        return FT_CP_NPLANES;
    default:
        return 0;
    }
}

#endif /* FT_EQUIVALENT_H */
