/* ftwin kernels: isotropic linear (thermo)elasticity and heat conduction on affine P1/P2
 * tetrahedra; stress post-processing (von Mises, principal stresses).
 *
 * Header-only, FT_HD functions, CPU and CUDA device code (see ft_kernel.h, ft_tet.h).
 *
 * Conventions
 *   - Node ordering: ft_tet.h. n = ft_tet_num_nodes(order) = 4 or 10.
 *   - Element vectors are node-major: entry 3*a + i = component i of node a.
 *   - Element matrices are row-major, n x n (scalar) or 3n x 3n (vector), full storage.
 *   - Voigt order xx, yy, zz, yz, xz, xy with ENGINEERING shear strains
 *     (gamma_yz = du_y/dz + du_z/dy, ...); stresses in the same order (tau_yz, ...).
 *   - Volume integrals use V = |detJ|/6 (element orientation does not change the sign).
 *   - Isotropic material needs -1 < nu < 1/2 (nu = 1/2 divides by zero).
 *   - An invalid order (not 1 or 2) makes the element routines write nothing.
 */
#ifndef FT_ELASTICITY_H
#define FT_ELASTICITY_H

#include <math.h>
#include "ft_kernel.h"
#include "ft_tet.h"

/* Lame constants: lambda = E nu / ((1+nu)(1-2nu)),  mu = G = E / (2(1+nu)). */
FT_HD void ft_iso_lame(double E, double nu, double *lmb, double *mu)
{
    *lmb = E * nu / ((1.0 + nu) * (1.0 - 2.0 * nu));
    *mu = E / (2.0 * (1.0 + nu));
}

/* Isotropic elasticity matrix, Voigt (xx,yy,zz,yz,xz,xy), engineering shear:
 *       [ l+2m  l     l     0 0 0 ]
 *       [ l     l+2m  l     0 0 0 ]
 *   D = [ l     l     l+2m  0 0 0 ]     sigma = D eps,  eps = (exx,eyy,ezz,gyz,gxz,gxy)
 *       [ 0 0 0             m 0 0 ]
 *       [ 0 0 0             0 m 0 ]
 *       [ 0 0 0             0 0 m ]   with l = lambda, m = mu (ft_iso_lame). */
FT_HD void ft_iso_D(double E, double nu, double D[6][6])
{
    double l, m;
    int i, j;
    ft_iso_lame(E, nu, &l, &m);
    for (i = 0; i < 6; i++)
        for (j = 0; j < 6; j++) D[i][j] = 0.0;
    for (i = 0; i < 3; i++) {
        for (j = 0; j < 3; j++) D[i][j] = l;
        D[i][i] = l + 2.0 * m;
        D[3 + i][3 + i] = m;
    }
}

/* ---------------------------------------------------------------------------------------
 * Exact integrals of products of P2 gradients on an affine tet (used by the stiffness and
 * conductivity matrices; no quadrature loop).
 *
 *   vertex a   : grad N_a   = (4 lam_a - 1) G_a
 *   edge (a,b) : grad N_4+e = 4 lam_b G_a + 4 lam_a G_b
 * With int lam_c lam_d dV = V (1 + delta_cd)/20 and int lam_c dV = V/4 (s = V/5):
 *   int (4lam_x - 1)(4lam_y - 1) dV = s (4 delta_xy - 1)
 *   int (4lam_x - 1)(4lam_y)     dV = s (4 delta_xy - 1)
 *   int (4lam_x)(4lam_y)         dV = 4 s (1 + delta_xy)
 * so S_ij = int grad N_i (x) grad N_j dV is:
 *   vertex i, vertex j       : s (4 d_ij - 1) G_i (x) G_j
 *   vertex i, edge j=(c,d)   : G_i (x) s [ (4 d_id - 1) G_c + (4 d_ic - 1) G_d ]
 *   edge i=(a,b), vertex j   : s [ (4 d_bj - 1) G_a + (4 d_aj - 1) G_b ] (x) G_j
 *   edge (a,b), edge (c,d)   : 4s { G_a (x) [ (1+d_bd) G_c + (1+d_bc) G_d ]
 *                                 + G_b (x) [ (1+d_ad) G_c + (1+d_ac) G_d ] }
 * (d = Kronecker delta). This is exact integration of the quadratic integrand, identical
 * to the degree-2 4-point rule up to rounding; the unit tests compare against an explicit
 * B^T D B with the 14-point rule. Written without loops over terms so that plain -O2
 * compilers and nvcc resolve everything at compile time once the pair loops are unrolled.
 * --------------------------------------------------------------------------------------- */

/* S = c * (a (x) b) + d * (e (x) f): S[k][l] = c a_k b_l + d e_k f_l (written out so
 * that plain -O2 compilers keep everything in registers). */
FT_HD void ft__outer2(double S[3][3], double c, const double *a, const double *b, double d,
                      const double *e, const double *f)
{
    const double a0 = c * a[0], a1 = c * a[1], a2 = c * a[2];
    const double e0 = d * e[0], e1 = d * e[1], e2 = d * e[2];
    S[0][0] = a0 * b[0] + e0 * f[0];
    S[0][1] = a0 * b[1] + e0 * f[1];
    S[0][2] = a0 * b[2] + e0 * f[2];
    S[1][0] = a1 * b[0] + e1 * f[0];
    S[1][1] = a1 * b[1] + e1 * f[1];
    S[1][2] = a1 * b[2] + e1 * f[2];
    S[2][0] = a2 * b[0] + e2 * f[0];
    S[2][1] = a2 * b[1] + e2 * f[1];
    S[2][2] = a2 * b[2] + e2 * f[2];
}

/* S = c * (a (x) b): S[k][l] = c a_k b_l (written out, see ft__outer2). */
FT_HD void ft__outer1(double S[3][3], double c, const double *a, const double *b)
{
    const double a0 = c * a[0], a1 = c * a[1], a2 = c * a[2];
    S[0][0] = a0 * b[0];
    S[0][1] = a0 * b[1];
    S[0][2] = a0 * b[2];
    S[1][0] = a1 * b[0];
    S[1][1] = a1 * b[1];
    S[1][2] = a1 * b[2];
    S[2][0] = a2 * b[0];
    S[2][1] = a2 * b[1];
    S[2][2] = a2 * b[2];
}

/* S[k][l] = int dN_i/dx_k dN_j/dx_l dV for P2 nodes i, j (0..9); s = V/5. */
FT_HD void ft__tet2_pair_S(int i, int j, const double G[4][3], double s, double S[3][3])
{
    int l;
    if (i < 4 && j < 4) {
        ft__outer1(S, s * (i == j ? 3.0 : -1.0), G[i], G[j]);
    } else if (i < 4) {
        int c, d;
        double u[3];
        ft_tet_edge_vertices(j - 4, &c, &d);
        {
            const double cc = s * (i == d ? 3.0 : -1.0), cd = s * (i == c ? 3.0 : -1.0);
            for (l = 0; l < 3; l++) u[l] = cc * G[c][l] + cd * G[d][l];
        }
        ft__outer1(S, 1.0, G[i], u);
    } else if (j < 4) {
        int a, b;
        double w[3];
        ft_tet_edge_vertices(i - 4, &a, &b);
        {
            const double ca = s * (j == b ? 3.0 : -1.0), cb = s * (j == a ? 3.0 : -1.0);
            for (l = 0; l < 3; l++) w[l] = ca * G[a][l] + cb * G[b][l];
        }
        ft__outer1(S, 1.0, w, G[j]);
    } else {
        int a, b, c, d;
        double u1[3], u2[3];
        ft_tet_edge_vertices(i - 4, &a, &b);
        ft_tet_edge_vertices(j - 4, &c, &d);
        {
            const double s4 = 4.0 * s;
            const double c1c = s4 * (b == d ? 2.0 : 1.0), c1d = s4 * (b == c ? 2.0 : 1.0);
            const double c2c = s4 * (a == d ? 2.0 : 1.0), c2d = s4 * (a == c ? 2.0 : 1.0);
            for (l = 0; l < 3; l++) {
                u1[l] = c1c * G[c][l] + c1d * G[d][l];
                u2[l] = c2c * G[c][l] + c2d * G[d][l];
            }
        }
        ft__outer2(S, 1.0, G[a], u1, 1.0, G[b], u2);
    }
}

/* 3x3 stiffness block of nodes (i, j) from S = int grad N_i (x) grad N_j dV (i <= j):
 *   K[k][l] = lambda S[k][l] + mu S[l][k] + mu tr(S) delta_kl   (= int B_i^T D B_j, isotropic D)
 * For a diagonal block (diag != 0) the upper values are mirrored, so K is exactly symmetric.
 * Written out (no k,l loops) so that -O2 keeps it in registers. */
FT_HD void ft__stiff_kblock(double lmb, double mu, double S[3][3], int diag, double K[3][3])
{
    const double mtr = mu * (S[0][0] + S[1][1] + S[2][2]);
    const double lm = lmb + mu;
    K[0][0] = lm * S[0][0] + mtr;
    K[1][1] = lm * S[1][1] + mtr;
    K[2][2] = lm * S[2][2] + mtr;
    K[0][1] = lmb * S[0][1] + mu * S[1][0];
    K[0][2] = lmb * S[0][2] + mu * S[2][0];
    K[1][2] = lmb * S[1][2] + mu * S[2][1];
    if (diag) {
        K[1][0] = K[0][1];
        K[2][0] = K[0][2];
        K[2][1] = K[1][2];
    } else {
        K[1][0] = lmb * S[1][0] + mu * S[0][1];
        K[2][0] = lmb * S[2][0] + mu * S[0][2];
        K[2][1] = lmb * S[2][1] + mu * S[1][2];
    }
}

/* S = int grad N_i (x) grad N_j dV for i <= j (P1: V G_i (x) G_j; P2: ft__tet2_pair_S). */
FT_HD void ft__tet_pair_S(int order, int i, int j, const double G[4][3], double V,
                          double S[3][3])
{
    if (order == 1)
        ft__outer1(S, V, G[i], G[j]);
    else
        ft__tet2_pair_S(i, j, G, 0.2 * V, S);
}

/* Writes block (i, j), i <= j, into Ke (row length nd = 3n) and, for i != j, its transpose
 * at (j, i). */
FT_HD void ft__stiff_block(double *Ke, int nd, int i, int j, double lmb, double mu,
                           double S[3][3])
{
    double K[3][3];
    double *r0 = Ke + (3 * i) * nd + 3 * j, *r1 = r0 + nd, *r2 = r1 + nd;
    ft__stiff_kblock(lmb, mu, S, i == j, K);
    r0[0] = K[0][0]; r0[1] = K[0][1]; r0[2] = K[0][2];
    r1[0] = K[1][0]; r1[1] = K[1][1]; r1[2] = K[1][2];
    r2[0] = K[2][0]; r2[1] = K[2][1]; r2[2] = K[2][2];
    if (i != j) {
        double *c0 = Ke + (3 * j) * nd + 3 * i, *c1 = c0 + nd, *c2 = c1 + nd;
        c0[0] = K[0][0]; c0[1] = K[1][0]; c0[2] = K[2][0]; /* row 3j+l = column l of K */
        c1[0] = K[0][1]; c1[1] = K[1][1]; c1[2] = K[2][1];
        c2[0] = K[0][2]; c2[1] = K[1][2]; c2[2] = K[2][2];
    }
}

/* Element stiffness Ke = int B^T D B dV (3n x 3n, row-major, node-major dofs), isotropic D.
 * Affine tet => B is constant (P1) or linear in lam (P2); the integrand is constant /
 * quadratic and is integrated EXACTLY in closed form:
 *   P1: S_ab = V G_a (x) G_b
 *   P2: S_ij from ft__tet2_pair_S (exact, equivalent to the degree-2 4-point rule)
 *   K_ij = lambda S_ij + mu S_ij^T + mu tr(S_ij) I.
 * Only node pairs i <= j are computed (10 for P1, 55 for P2) and mirrored; every entry is
 * written once per position straight into Ke (no 900-entry local array, so a GPU thread
 * can write to global memory as it goes). Ke is overwritten and exactly symmetric.
 * (ft_tet_stiffness_rows gives the same matrix one node row-block at a time.) */
FT_HD void ft_tet_stiffness(int order, const double X[4][3], double E, double nu, double *Ke)
{
    double G[4][3], lmb, mu, S[3][3];
    const double V = fabs(ft_tet_geometry(X, G)) / 6.0;
    int i, j;
    ft_iso_lame(E, nu, &lmb, &mu);
    if (order == 1) {
        FT_UNROLL
        for (i = 0; i < 4; i++) {
            FT_UNROLL
            for (j = i; j < 4; j++) {
                ft__outer1(S, V, G[i], G[j]);
                ft__stiff_block(Ke, 12, i, j, lmb, mu, S);
            }
        }
    } else if (order == 2) {
        const double s = 0.2 * V;
        FT_UNROLL
        for (i = 0; i < 10; i++) {
            FT_UNROLL
            for (j = i; j < 10; j++) {
                ft__tet2_pair_S(i, j, (const double(*)[3])G, s, S);
                ft__stiff_block(Ke, 30, i, j, lmb, mu, S);
            }
        }
    }
}

/* Rows 3i, 3i+1, 3i+2 (node row-block i, all 3n columns) of the element stiffness, from
 * precomputed G (ft_tet_geometry), V = |detJ|/6 and Lame constants (ft_iso_lame):
 *   R[k*ld + 3j + l] = K_ij[k][l],  j = 0..n-1.
 * Blocks with j < i are the transposes of the (j, i) blocks computed exactly as in
 * ft_tet_stiffness, so assembling all row-blocks reproduces ft_tet_stiffness (the GPU
 * kernel uses this to stage one contiguous 3 x 3n strip per element in shared memory and
 * write it coalesced). Costs n^2 instead of n(n+1)/2 pair evaluations. */
FT_HD void ft_tet_stiffness_rows(int order, const double G[4][3], double V, double lmb,
                                 double mu, int i, double *R, int ld)
{
    const int n = ft_tet_num_nodes(order);
    int j;
    double S[3][3], K[3][3];
    FT_UNROLL
    for (j = 0; j < n; j++) {
        double *r0 = R + 3 * j, *r1 = r0 + ld, *r2 = r1 + ld;
        if (i <= j) {
            ft__tet_pair_S(order, i, j, G, V, S);
            ft__stiff_kblock(lmb, mu, S, i == j, K);
            r0[0] = K[0][0]; r0[1] = K[0][1]; r0[2] = K[0][2];
            r1[0] = K[1][0]; r1[1] = K[1][1]; r1[2] = K[1][2];
            r2[0] = K[2][0]; r2[1] = K[2][1]; r2[2] = K[2][2];
        } else {
            ft__tet_pair_S(order, j, i, G, V, S);
            ft__stiff_kblock(lmb, mu, S, 0, K);
            r0[0] = K[0][0]; r0[1] = K[1][0]; r0[2] = K[2][0];
            r1[0] = K[0][1]; r1[1] = K[1][1]; r1[2] = K[2][1];
            r2[0] = K[0][2]; r2[1] = K[1][2]; r2[2] = K[2][2];
        }
    }
}

/* Conductivity matrix Ke[a*n + b] = int k grad N_a . grad N_b dV (n x n), exact:
 *   P1: k V G_a . G_b;   P2: k tr(S_ab) with S_ab from ft__tet2_pair_S (closed form above).
 * Upper triangle computed, mirrored (exactly symmetric). Overwrites Ke. */
FT_HD void ft_tet_conductivity(int order, const double X[4][3], double k, double *Ke)
{
    double G[4][3], S[3][3];
    const double V = fabs(ft_tet_geometry(X, G)) / 6.0;
    const int n = ft_tet_num_nodes(order);
    int a, b;
    if (n == 0) return;
    for (a = 0; a < n; a++) {
        for (b = a; b < n; b++) {
            double v;
            if (order == 1) {
                v = k * V * (G[a][0] * G[b][0] + G[a][1] * G[b][1] + G[a][2] * G[b][2]);
            } else {
                ft__tet2_pair_S(a, b, (const double(*)[3])G, 0.2 * V, S);
                v = k * (S[0][0] + S[1][1] + S[2][2]);
            }
            Ke[a * n + b] = v;
            Ke[b * n + a] = v;
        }
    }
}

/* int_T N_a dV / V for node a, closed form (int lam^2 = V/10, int lam_a lam_b = V/20):
 *   P1: 1/4;   P2: vertex int lam(2lam-1) = V(2/10 - 1/4) = -V/20,  edge 4 V/20 = V/5. */
FT_HD double ft__tet_shape_mean(int order, int a)
{
    if (order == 1) return 0.25;
    return (a < 4) ? -0.05 : 0.2;
}

/* Heat source vector fe[a] = int N_a q dV, constant q (closed form ft__tet_shape_mean:
 * P1 qV/4; P2 vertices -qV/20, edge nodes qV/5; sums to qV). Overwrites fe. */
FT_HD void ft_tet_scalar_source(int order, const double X[4][3], double q, double *fe)
{
    const double V = ft_tet_volume(X);
    const int n = ft_tet_num_nodes(order);
    int a;
    for (a = 0; a < n; a++) fe[a] = q * V * ft__tet_shape_mean(order, a);
}

/* Constant body force density b [N/m^3]: fe[3a+i] = int N_a b_i dV = b_i V mean(N_a)
 * (closed form, see ft__tet_shape_mean). Overwrites fe. */
FT_HD void ft_tet_body_load(int order, const double X[4][3], const double b[3], double *fe)
{
    const double V = ft_tet_volume(X);
    const int n = ft_tet_num_nodes(order);
    int a, i;
    for (a = 0; a < n; a++) {
        const double c = V * ft__tet_shape_mean(order, a);
        for (i = 0; i < 3; i++) fe[3 * a + i] = c * b[i];
    }
}

/* Thermal-strain load  fe = int B^T D (alpha dT(x) m) dV,  m = [1,1,1,0,0,0],
 * dT(x) = sum_b N_b dTe_b. Since D m = (3 lambda + 2 mu) m = E/(1-2nu) m and B_a^T m =
 * grad N_a:
 *   fe[3a+i] = beta int dT dN_a/dx_i dV,   beta = alpha E / (1 - 2 nu).
 * P1: integrand linear -> 1-point rule (dT at the centroid = mean of nodal values), exact.
 * P2: dT quadratic x grad N linear = cubic -> degree-3 8-point rule (ft_tet.h), exact.
 * Overwrites fe (3n entries). */
FT_HD void ft_tet_thermal_load(int order, const double X[4][3], double E, double nu,
                               double alpha, const double *dTe, double *fe)
{
    double G[4][3];
    const double V = fabs(ft_tet_geometry(X, G)) / 6.0;
    const double beta = alpha * E / (1.0 - 2.0 * nu);
    int a, i, q;
    if (order == 1) {
        const double c = beta * V * 0.25 * (dTe[0] + dTe[1] + dTe[2] + dTe[3]);
        for (a = 0; a < 4; a++)
            for (i = 0; i < 3; i++) fe[3 * a + i] = c * G[a][i];
    } else if (order == 2) {
        const int nq = ft_tet_quad_npoints(3);
        for (a = 0; a < 30; a++) fe[a] = 0.0;
        for (q = 0; q < nq; q++) {
            double lam[4], w, N[10] = {0.0}, dN[10][3] = {{0.0}}, dT = 0.0;
            ft_tet_quad_point(3, q, lam, &w);
            ft_tet_shape(2, lam, N);
            ft_tet_shape_grad(2, lam, (const double(*)[3])G, dN);
            for (a = 0; a < 10; a++) dT += N[a] * dTe[a];
            {
                const double c = beta * V * w * dT;
                for (a = 0; a < 10; a++)
                    for (i = 0; i < 3; i++) fe[3 * a + i] += c * dN[a][i];
            }
        }
    }
}

/* Centrifugal load of a body rotating at omega [rad/s] about the axis through p with unit
 * direction e:  b(x) = rho omega^2 (r - (r.e) e),  r = x - p  (linear in x);
 *   fe[3a+i] = int N_a b_i dV,
 * integrand degree order+1 -> degree-2 4-point rule (P1) or degree-3 8-point rule (P2),
 * exact. e must be a unit vector. Overwrites fe. */
FT_HD void ft_tet_centrifugal_load(int order, const double X[4][3], double rho,
                                   const double p[3], const double e[3], double omega,
                                   double *fe)
{
    const double V = ft_tet_volume(X);
    const int n = ft_tet_num_nodes(order);
    const int deg = order + 1;
    const int nq = ft_tet_quad_npoints(deg);
    const double c0 = rho * omega * omega * V;
    int a, i, q;
    if (n == 0) return;
    for (a = 0; a < 3 * n; a++) fe[a] = 0.0;
    for (q = 0; q < nq; q++) {
        double lam[4], w, x[3], r[3], N[FT_TET_MAX_NODES] = {0.0}, b[3], re;
        ft_tet_quad_point(deg, q, lam, &w);
        ft_tet_map(X, lam, x);
        for (i = 0; i < 3; i++) r[i] = x[i] - p[i];
        re = r[0] * e[0] + r[1] * e[1] + r[2] * e[2];
        for (i = 0; i < 3; i++) b[i] = c0 * w * (r[i] - re * e[i]);
        ft_tet_shape(order, lam, N);
        for (a = 0; a < n; a++)
            for (i = 0; i < 3; i++) fe[3 * a + i] += N[a] * b[i];
    }
}

/* Body force given at quadrature points: bq[3q + i] = b_i at point q of
 * ft_tet_quad_point(degree, q) (q < ft_tet_quad_npoints(degree)):
 *   fe[3a+i] = V sum_q w_q N_a(lam_q) bq[3q+i]
 * (exact for the polynomial that the rule integrates exactly: choose degree >= order +
 * degree of b). Overwrites fe. */
FT_HD void ft_tet_body_load_qp(int order, const double X[4][3], int degree, const double *bq,
                               double *fe)
{
    const double V = ft_tet_volume(X);
    const int n = ft_tet_num_nodes(order);
    const int nq = ft_tet_quad_npoints(degree);
    int a, i, q;
    if (n == 0) return;
    for (a = 0; a < 3 * n; a++) fe[a] = 0.0;
    for (q = 0; q < nq; q++) {
        double lam[4], w, N[FT_TET_MAX_NODES] = {0.0};
        ft_tet_quad_point(degree, q, lam, &w);
        ft_tet_shape(order, lam, N);
        for (a = 0; a < n; a++) {
            const double c = V * w * N[a];
            for (i = 0; i < 3; i++) fe[3 * a + i] += c * bq[3 * q + i];
        }
    }
}

/* Stress at barycentric point lam with precomputed G (from ft_tet_geometry):
 *   eps = B(lam) ue:  eps_xx = sum_a dN_a/dx u_a,x, ...,
 *                     gamma_yz = sum_a (dN_a/dz u_a,y + dN_a/dy u_a,z), ...
 *   sigma = D (eps - alpha dT m),  dT = sum_a N_a(lam) dTe_a  (dTe == NULL -> dT = 0):
 *   sigma_ii = lambda tr(eps) + 2 mu eps_ii - alpha dT E/(1-2nu),  tau = mu gamma. */
FT_HD void ft_tet_stress_at_geom(int order, const double G[4][3], double E, double nu,
                                 double alpha, const double *ue, const double *dTe,
                                 const double lam[4], double sigma[6])
{
    double dN[FT_TET_MAX_NODES][3] = {{0.0}}, N[FT_TET_MAX_NODES] = {0.0};
    double H[3][3] = {{0.0, 0.0, 0.0}, {0.0, 0.0, 0.0}, {0.0, 0.0, 0.0}}; /* du_i/dx_j */
    double lmb, mu, dT = 0.0, tr;
    const int n = ft_tet_num_nodes(order);
    int a, i, j;
    if (n == 0) return;
    ft_iso_lame(E, nu, &lmb, &mu);
    ft_tet_shape_grad(order, lam, G, dN);
    for (a = 0; a < n; a++)
        for (i = 0; i < 3; i++)
            for (j = 0; j < 3; j++) H[i][j] += ue[3 * a + i] * dN[a][j];
    if (dTe) {
        ft_tet_shape(order, lam, N);
        for (a = 0; a < n; a++) dT += N[a] * dTe[a];
    }
    tr = H[0][0] + H[1][1] + H[2][2];
    {
        const double iso = lmb * tr - alpha * dT * E / (1.0 - 2.0 * nu);
        sigma[FT_XX] = iso + 2.0 * mu * H[0][0];
        sigma[FT_YY] = iso + 2.0 * mu * H[1][1];
        sigma[FT_ZZ] = iso + 2.0 * mu * H[2][2];
        sigma[FT_YZ] = mu * (H[1][2] + H[2][1]);
        sigma[FT_XZ] = mu * (H[0][2] + H[2][0]);
        sigma[FT_XY] = mu * (H[0][1] + H[1][0]);
    }
}

/* Stress sigma = D (eps(u) - alpha dT m) at barycentric point lam of the element
 * (geometry + ft_tet_stress_at_geom). ue: 3n displacements, dTe: n nodal T - T_ref or NULL. */
FT_HD void ft_tet_stress_at(int order, const double X[4][3], double E, double nu, double alpha,
                            const double *ue, const double *dTe, const double lam[4],
                            double sigma[6])
{
    double G[4][3];
    ft_tet_geometry(X, G);
    ft_tet_stress_at_geom(order, (const double(*)[3])G, E, nu, alpha, ue, dTe, lam, sigma);
}

/* von Mises stress
 *   s_vm = sqrt( ((sxx-syy)^2 + (syy-szz)^2 + (szz-sxx)^2)/2 + 3 (tyz^2 + txz^2 + txy^2) ). */
FT_HD double ft_von_mises(const double s[6])
{
    const double a = s[FT_XX] - s[FT_YY], b = s[FT_YY] - s[FT_ZZ], c = s[FT_ZZ] - s[FT_XX];
    return sqrt(0.5 * (a * a + b * b + c * c) +
                3.0 * (s[FT_YZ] * s[FT_YZ] + s[FT_XZ] * s[FT_XZ] + s[FT_XY] * s[FT_XY]));
}

/* Principal stresses p[0] >= p[1] >= p[2] of the symmetric tensor s (Voigt).
 * Closed-form trigonometric method (Smith 1961, "Eigenvalues of a symmetric 3x3 matrix";
 * Kopp 2008): q = tr(A)/3, p = sqrt(|A - qI|_F^2 / 6), B = (A - qI)/p,
 *   r = det(B)/2 clamped to [-1,1], phi = acos(r)/3,
 *   eig = q + 2p cos(phi), q + 2p cos(phi - 2pi/3), q + 2p cos(phi + 2pi/3).
 * p == 0 (zero or isotropic tensor, triple eigenvalue) returns q three times.
 * The trig formula alone loses accuracy (~sqrt(eps) relative) for the two members of a
 * nearly repeated pair; to stay accurate there, the eigenvalue that is isolated (largest
 * if phi <= pi/6, else smallest; its gap to the others is >= sqrt(3) p) is kept, its
 * eigenvector v is taken as the largest cross product of two rows of A - eig I, and the
 * other two eigenvalues are those of the 2x2 projection of A on span{v}^perp, computed as
 * m +- hypot((a-c)/2, b) (no cancellation). Exact for exactly repeated eigenvalues. */
FT_HD void ft_principal_stresses(const double s[6], double p[3])
{
    const double A[3][3] = {{s[FT_XX], s[FT_XY], s[FT_XZ]},
                            {s[FT_XY], s[FT_YY], s[FT_YZ]},
                            {s[FT_XZ], s[FT_YZ], s[FT_ZZ]}};
    const double q = (A[0][0] + A[1][1] + A[2][2]) / 3.0;
    const double d0 = A[0][0] - q, d1 = A[1][1] - q, d2 = A[2][2] - q;
    const double off = A[0][1] * A[0][1] + A[0][2] * A[0][2] + A[1][2] * A[1][2];
    const double pp = sqrt((d0 * d0 + d1 * d1 + d2 * d2 + 2.0 * off) / 6.0);
    const double twopi3 = 2.0943951023931954923; /* 2 pi / 3 */
    double r, phi, e_iso, e_a, e_b, t;
    if (!(pp > 0.0)) { /* zero / isotropic tensor (or NaN input) */
        p[0] = p[1] = p[2] = q;
        return;
    }
    {
        const double b00 = d0 / pp, b11 = d1 / pp, b22 = d2 / pp;
        const double b01 = A[0][1] / pp, b02 = A[0][2] / pp, b12 = A[1][2] / pp;
        r = 0.5 * (b00 * (b11 * b22 - b12 * b12) - b01 * (b01 * b22 - b12 * b02) +
                   b02 * (b01 * b12 - b11 * b02));
    }
    if (r < -1.0) r = -1.0;
    if (r > 1.0) r = 1.0;
    phi = acos(r) / 3.0; /* in [0, pi/3] */
    {
        const double e1 = q + 2.0 * pp * cos(phi);          /* largest  */
        const double e3 = q + 2.0 * pp * cos(phi + twopi3); /* smallest */
        const double e2 = 3.0 * q - e1 - e3;
        e_iso = (phi <= 0.52359877559829887308) ? e1 : e3; /* pi/6 */
        e_a = e2;
        e_b = (phi <= 0.52359877559829887308) ? e3 : e1;
    }
    /* refine the (possibly close) pair by deflation with the isolated eigenvector */
    {
        const double M[3][3] = {{A[0][0] - e_iso, A[0][1], A[0][2]},
                                {A[1][0], A[1][1] - e_iso, A[1][2]},
                                {A[2][0], A[2][1], A[2][2] - e_iso}};
        double c[3][3], best = 0.0, v[3] = {0.0, 0.0, 0.0};
        int k, kb = 0, i;
        for (k = 0; k < 3; k++) {
            const int i0 = (k + 1) % 3, i1 = (k + 2) % 3; /* rows (1,2), (2,0), (0,1) */
            c[k][0] = M[i0][1] * M[i1][2] - M[i0][2] * M[i1][1];
            c[k][1] = M[i0][2] * M[i1][0] - M[i0][0] * M[i1][2];
            c[k][2] = M[i0][0] * M[i1][1] - M[i0][1] * M[i1][0];
        }
        for (k = 0; k < 3; k++) {
            const double nn = c[k][0] * c[k][0] + c[k][1] * c[k][1] + c[k][2] * c[k][2];
            if (nn > best) {
                best = nn;
                kb = k;
            }
        }
        if (best > 0.0) {
            const double inv = 1.0 / sqrt(best);
            double u[3], w[3], Au[3], Aw[3], nu2, au, bu, cu;
            int m = 0;
            for (i = 0; i < 3; i++) v[i] = c[kb][i] * inv;
            /* u = normalized v x e_m, m = axis where |v_m| is smallest */
            if (fabs(v[1]) < fabs(v[m])) m = 1;
            if (fabs(v[2]) < fabs(v[m])) m = 2;
            {
                const double em[3] = {m == 0 ? 1.0 : 0.0, m == 1 ? 1.0 : 0.0, m == 2 ? 1.0 : 0.0};
                u[0] = v[1] * em[2] - v[2] * em[1];
                u[1] = v[2] * em[0] - v[0] * em[2];
                u[2] = v[0] * em[1] - v[1] * em[0];
            }
            nu2 = 1.0 / sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
            for (i = 0; i < 3; i++) u[i] *= nu2;
            w[0] = v[1] * u[2] - v[2] * u[1];
            w[1] = v[2] * u[0] - v[0] * u[2];
            w[2] = v[0] * u[1] - v[1] * u[0];
            for (i = 0; i < 3; i++) {
                Au[i] = A[i][0] * u[0] + A[i][1] * u[1] + A[i][2] * u[2];
                Aw[i] = A[i][0] * w[0] + A[i][1] * w[1] + A[i][2] * w[2];
            }
            au = u[0] * Au[0] + u[1] * Au[1] + u[2] * Au[2];
            bu = w[0] * Au[0] + w[1] * Au[1] + w[2] * Au[2];
            cu = w[0] * Aw[0] + w[1] * Aw[1] + w[2] * Aw[2];
            {
                const double mean = 0.5 * (au + cu);
                const double h = hypot(0.5 * (au - cu), bu);
                e_a = mean + h;
                e_b = mean - h;
            }
        }
    }
    /* sort descending */
    p[0] = e_iso;
    p[1] = e_a;
    p[2] = e_b;
    if (p[1] > p[0]) { t = p[0]; p[0] = p[1]; p[1] = t; }
    if (p[2] > p[1]) { t = p[1]; p[1] = p[2]; p[2] = t; }
    if (p[1] > p[0]) { t = p[0]; p[0] = p[1]; p[1] = t; }
}

#endif /* FT_ELASTICITY_H */
