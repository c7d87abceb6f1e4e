/* ftwin kernels: tetrahedron geometry, P1/P2 shape functions and quadrature.
 *
 * Header-only; every function is FT_HD (static inline, __host__ __device__ under nvcc).
 * No allocation, no I/O, no static tables, no recursion: constant tables live in
 * switch statements or local arrays, so the same code runs on CPU and GPU.
 *
 * Node ordering (P1 = nodes 0..3, P2 = nodes 0..9):
 *
 *   vertices   0, 1, 2, 3
 *   edge nodes 4:(0,1)  5:(1,2)  6:(0,2)  7:(0,3)  8:(1,3)  9:(2,3)
 *
 *            3
 *           /|\            edge node k (k = 4..9) sits at the midpoint of the edge
 *          7 | 9           ft_tet_edge_vertices(k - 4, &a, &b).
 *         /  8  \
 *        0 --|6-- 2        The element is positively oriented when
 *         \  |  /          det[X1-X0, X2-X0, X3-X0] > 0.
 *          4 | 5
 *           \|/
 *            1
 *
 * Barycentric coordinates lam[0..3] (lam0 + lam1 + lam2 + lam3 = 1) are used everywhere.
 * Geometry is AFFINE (straight-sided elements; P2 edge nodes sit at edge midpoints), so
 * the Jacobian and the gradients of the barycentric coordinates are constant per element.
 */
#ifndef FT_TET_H
#define FT_TET_H

#include <math.h>
#include "ft_kernel.h"

/* Loop unrolling hint for the device pass of nvcc (full unrolling lets it resolve the node
 * tables at compile time); empty for host compilers, which would warn about the pragma. */
#ifndef FT_UNROLL
#if defined(__CUDA_ARCH__)
#define FT_UNROLL _Pragma("unroll")
#else
#define FT_UNROLL
#endif
#endif

/* Vertices (a, b) of P2 edge e = 0..5 (element node 4 + e):
 *   e: 0:(0,1) 1:(1,2) 2:(0,2) 3:(0,3) 4:(1,3) 5:(2,3).
 * An out-of-range e returns (0,0). */
FT_HD void ft_tet_edge_vertices(int e, int *a, int *b)
{
    switch (e) {
    case 0: *a = 0; *b = 1; break;
    case 1: *a = 1; *b = 2; break;
    case 2: *a = 0; *b = 2; break;
    case 3: *a = 0; *b = 3; break;
    case 4: *a = 1; *b = 3; break;
    case 5: *a = 2; *b = 3; break;
    default: *a = 0; *b = 0; break;
    }
}

/* Number of nodes of the P<order> tetrahedron: 4 (order 1), 10 (order 2), 0 otherwise. */
FT_HD int ft_tet_num_nodes(int order)
{
    return order == 1 ? 4 : (order == 2 ? 10 : 0);
}

/* Affine geometry.
 *   J = [X1-X0 | X2-X0 | X3-X0]  (columns),  detJ = det J = 6 * signed volume.
 *   lam_{1,2,3}(x) = J^{-1} (x - X0), so grad lam_i = row (i-1) of J^{-1}:
 *     G[1] = (e2 x e3)/detJ,  G[2] = (e3 x e1)/detJ,  G[3] = (e1 x e2)/detJ,  ei = Xi - X0,
 *     G[0] = -(G[1] + G[2] + G[3])   (since sum lam = 1).
 * Returns detJ. If detJ == 0 (degenerate element) G is zeroed and 0 is returned (no division). */
FT_HD double ft_tet_geometry(const double X[4][3], double G[4][3])
{
    const double e1[3] = {X[1][0] - X[0][0], X[1][1] - X[0][1], X[1][2] - X[0][2]};
    const double e2[3] = {X[2][0] - X[0][0], X[2][1] - X[0][1], X[2][2] - X[0][2]};
    const double e3[3] = {X[3][0] - X[0][0], X[3][1] - X[0][1], X[3][2] - X[0][2]};
    const double c23[3] = {e2[1] * e3[2] - e2[2] * e3[1], e2[2] * e3[0] - e2[0] * e3[2],
                           e2[0] * e3[1] - e2[1] * e3[0]};
    const double c31[3] = {e3[1] * e1[2] - e3[2] * e1[1], e3[2] * e1[0] - e3[0] * e1[2],
                           e3[0] * e1[1] - e3[1] * e1[0]};
    const double c12[3] = {e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2],
                           e1[0] * e2[1] - e1[1] * e2[0]};
    const double det = e1[0] * c23[0] + e1[1] * c23[1] + e1[2] * c23[2];
    int i;
    if (det == 0.0) {
        for (i = 0; i < 3; i++) G[0][i] = G[1][i] = G[2][i] = G[3][i] = 0.0;
        return 0.0;
    }
    {
        const double inv = 1.0 / det;
        for (i = 0; i < 3; i++) {
            G[1][i] = c23[i] * inv;
            G[2][i] = c31[i] * inv;
            G[3][i] = c12[i] * inv;
            G[0][i] = -(G[1][i] + G[2][i] + G[3][i]);
        }
    }
    return det;
}

/* Unsigned volume |detJ| / 6. */
FT_HD double ft_tet_volume(const double X[4][3])
{
    const double e1[3] = {X[1][0] - X[0][0], X[1][1] - X[0][1], X[1][2] - X[0][2]};
    const double e2[3] = {X[2][0] - X[0][0], X[2][1] - X[0][1], X[2][2] - X[0][2]};
    const double e3[3] = {X[3][0] - X[0][0], X[3][1] - X[0][1], X[3][2] - X[0][2]};
    const double det = e1[0] * (e2[1] * e3[2] - e2[2] * e3[1]) +
                       e1[1] * (e2[2] * e3[0] - e2[0] * e3[2]) +
                       e1[2] * (e2[0] * e3[1] - e2[1] * e3[0]);
    return fabs(det) / 6.0;
}

/* Shape functions at barycentric point lam.
 *   P1: N_a = lam_a                          (a = 0..3)
 *   P2: N_a = lam_a (2 lam_a - 1)            (vertices a = 0..3)
 *       N_{4+e} = 4 lam_a lam_b              (edge e = (a,b), see ft_tet_edge_vertices)
 * N must hold ft_tet_num_nodes(order) values; an invalid order writes nothing. */
FT_HD void ft_tet_shape(int order, const double lam[4], double *N)
{
    int a, e;
    if (order == 1) {
        for (a = 0; a < 4; a++) N[a] = lam[a];
    } else if (order == 2) {
        for (a = 0; a < 4; a++) N[a] = lam[a] * (2.0 * lam[a] - 1.0);
        for (e = 0; e < 6; e++) {
            int p, q;
            ft_tet_edge_vertices(e, &p, &q);
            N[4 + e] = 4.0 * lam[p] * lam[q];
        }
    }
}

/* Physical gradients of the shape functions (G from ft_tet_geometry, chain rule on lam):
 *   P1: grad N_a = G_a
 *   P2: grad N_a = (4 lam_a - 1) G_a,   grad N_{4+e} = 4 (lam_a G_b + lam_b G_a)
 * dN[node][0..2]; an invalid order writes nothing. */
FT_HD void ft_tet_shape_grad(int order, const double lam[4], const double G[4][3],
                             double dN[][3])
{
    int a, e, i;
    if (order == 1) {
        for (a = 0; a < 4; a++)
            for (i = 0; i < 3; i++) dN[a][i] = G[a][i];
    } else if (order == 2) {
        for (a = 0; a < 4; a++) {
            const double s = 4.0 * lam[a] - 1.0;
            for (i = 0; i < 3; i++) dN[a][i] = s * G[a][i];
        }
        for (e = 0; e < 6; e++) {
            int p, q;
            ft_tet_edge_vertices(e, &p, &q);
            for (i = 0; i < 3; i++) dN[4 + e][i] = 4.0 * (lam[p] * G[q][i] + lam[q] * G[p][i]);
        }
    }
}

/* Barycentric coordinates of element node `node` (0..9): vertex a -> unit vector e_a,
 * edge node (a,b) -> 1/2 at a and b. Out-of-range nodes give the centroid. */
FT_HD void ft_tet_node_lam(int node, double lam[4])
{
    int a;
    for (a = 0; a < 4; a++) lam[a] = 0.0;
    if (node >= 0 && node < 4) {
        lam[node] = 1.0;
    } else if (node >= 4 && node < 10) {
        int p, q;
        ft_tet_edge_vertices(node - 4, &p, &q);
        lam[p] = 0.5;
        lam[q] = 0.5;
    } else {
        for (a = 0; a < 4; a++) lam[a] = 0.25;
    }
}

/* Affine map x(lam) = sum_a lam_a X_a. */
FT_HD void ft_tet_map(const double X[4][3], const double lam[4], double x[3])
{
    int i;
    for (i = 0; i < 3; i++)
        x[i] = lam[0] * X[0][i] + lam[1] * X[1][i] + lam[2] * X[2][i] + lam[3] * X[3][i];
}

/* ---------------------------------------------------------------------------------------
 * Quadrature on the tetrahedron, barycentric points, weights summing to 1:
 *     int_T f dV  ~=  (|detJ|/6) * sum_q w_q f(lam_q).
 * Available rules (all weights positive, all points strictly inside):
 *   degree 1:  1 point  - centroid, w = 1.
 *   degree 2:  4 points - S31 orbit a = (5+3 sqrt5)/20, b = (5-sqrt5)/20, w = 1/4
 *              (Keast 1986, rule #1; Hammer & Stroud).
 *   degree 3:  8 points - two S31 orbits, w = 1/8 each point. Derived for ftwin from the
 *              S4-invariant moment equations: with lam = 1/4 + t(1,-1/3,-1/3,-1/3) per
 *              orbit, exactness to degree 3 <=> sum_k W_k t_k^2 = 9/80, sum_k W_k t_k^3 =
 *              9/320; with W_1 = W_2 = 1/2 this gives s = t1+t2 as the root of
 *              80 s^3 - 54 s + 9 = 0 in (0,1): a1 = 0.66112961646246691, a2 =
 *              0.013415050209391269 (solved to 40 digits with mpmath). (Keast's 5-point
 *              degree-3 rule has a negative weight, hence not used.)
 *   degree 5: 14 points - S31(a1) + S31(a2) + S22(a3) (Walkington 2000, "Quadrature on
 *              simplices of arbitrary dimension"; also Jaskowiec & Sukumar 2020), positive
 *              weights; nodes and weights re-solved to 40 digits from the moment equations.
 * A requested degree <= 1 uses the degree-1 rule; 4 is rounded up to 5; anything above 5
 * is CLAMPED to the degree-5 rule (ft_tet_quad_rule_degree tells the exactness obtained).
 * The unit tests verify each rule integrates every monomial of its degree exactly and
 * fails at degree + 1.
 * --------------------------------------------------------------------------------------- */

/* Degree of exactness of the rule used for a requested degree: 1, 2, 3 or 5. */
FT_HD int ft_tet_quad_rule_degree(int degree)
{
    if (degree <= 1) return 1;
    if (degree == 2) return 2;
    if (degree == 3) return 3;
    return 5;
}

/* Number of points of the rule used for a requested degree: 1, 4, 8 or 14. */
FT_HD int ft_tet_quad_npoints(int degree)
{
    switch (ft_tet_quad_rule_degree(degree)) {
    case 1: return 1;
    case 2: return 4;
    case 3: return 8;
    default: return 14;
    }
}

/* Point q (0 <= q < ft_tet_quad_npoints(degree)) of the rule for `degree`:
 * barycentric coordinates lam[4] and weight *w (weights of a rule sum to 1).
 * Orbits: S31(a) = the 4 permutations of (a,b,b,b), b = (1-a)/3;
 *         S22(a) = the 6 permutations of (a,a,b,b), b = 1/2 - a.
 * An out-of-range q returns the centroid with weight 0. */
FT_HD void ft_tet_quad_point(int degree, int q, double lam[4], double *w)
{
    const int rd = ft_tet_quad_rule_degree(degree);
    const int np = ft_tet_quad_npoints(degree);
    double a = 0.25, b = 0.25, wq = 0.0;
    int k;
    if (q < 0 || q >= np) {
        for (k = 0; k < 4; k++) lam[k] = 0.25;
        *w = 0.0;
        return;
    }
    if (rd == 1) {
        for (k = 0; k < 4; k++) lam[k] = 0.25;
        *w = 1.0;
        return;
    }
    if (rd == 2) {
        a = 0.58541019662496845446; /* (5 + 3 sqrt 5)/20 */
        b = 0.13819660112501051518; /* (5 -   sqrt 5)/20 */
        wq = 0.25;
    } else if (rd == 3) {
        wq = 0.125;
        if (q < 4) {
            a = 0.66112961646246691391;
            b = 0.11295679451251102870;
        } else {
            a = 0.013415050209391268799;
            b = 0.32886164993020291040;
            q -= 4;
        }
    } else { /* degree 5, 14 points */
        if (q < 4) {
            a = 0.72179424906732632079;
            b = 0.092735250310891226402;
            wq = 0.073493043116361949544;
        } else if (q < 8) {
            a = 0.067342242210098170608;
            b = 0.31088591926330060980;
            wq = 0.11268792571801585080;
            q -= 4;
        } else {
            /* S22 orbit: q-8 = 0..5 selects the pair of coordinates equal to a */
            const double a3 = 0.045503704125649649492;
            const double b3 = 0.45449629587435035051;
            int p0 = 0, p1 = 1;
            switch (q - 8) {
            case 0: p0 = 0; p1 = 1; break;
            case 1: p0 = 0; p1 = 2; break;
            case 2: p0 = 0; p1 = 3; break;
            case 3: p0 = 1; p1 = 2; break;
            case 4: p0 = 1; p1 = 3; break;
            default: p0 = 2; p1 = 3; break;
            }
            for (k = 0; k < 4; k++) lam[k] = (k == p0 || k == p1) ? a3 : b3;
            *w = 0.042546020777081466438;
            return;
        }
    }
    /* S31 orbit: coordinate q carries a, the others b */
    for (k = 0; k < 4; k++) lam[k] = (k == q) ? a : b;
    *w = wq;
}

#endif /* FT_TET_H */
