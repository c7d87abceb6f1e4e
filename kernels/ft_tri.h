/* ftwin kernels: P1/P2 triangles (faces of tetrahedra) for surface loads and convection.
 *
 * Header-only, FT_HD functions, CPU and CUDA device code (see ft_kernel.h).
 *
 * Face node ordering (P1 = nodes 0..2, P2 = nodes 0..5):
 *   vertices 0, 1, 2;   edge nodes 3:(0,1)  4:(1,2)  5:(0,2)
 * (the same pattern as the tetrahedron: a face (v0,v1,v2) of a tet has its edge nodes in
 * the order (v0,v1), (v1,v2), (v0,v2)).
 * Outward normals: for a positively oriented tet (ft_tet_geometry > 0) the faces with
 * outward-pointing ft_tri_area_normal are (1,2,3), (0,3,2), (0,1,3), (0,2,1) (opposite
 * vertices 0, 1, 2, 3); the ordering (0,1,2) points INTO the tet.
 * Faces are flat (affine); P2 edge nodes sit at the edge midpoints. Barycentric
 * coordinates lam[0..2] with lam0 + lam1 + lam2 = 1.
 * Face vectors are node-major: entry 3*a + i is component i of node a.
 */
#ifndef FT_TRI_H
#define FT_TRI_H

#include <math.h>
#include "ft_kernel.h"

/* Number of nodes of the P<order> triangle: 3 (order 1), 6 (order 2), 0 otherwise. */
FT_HD int ft_tri_num_nodes(int order)
{
    return order == 1 ? 3 : (order == 2 ? 6 : 0);
}

/* Vertices (a, b) of P2 face edge e = 0..2 (face node 3 + e): 0:(0,1) 1:(1,2) 2:(0,2). */
FT_HD void ft_tri_edge_vertices(int e, int *a, int *b)
{
    switch (e) {
    case 0: *a = 0; *b = 1; break;
    case 1: *a = 1; *b = 2; break;
    case 2: *a = 0; *b = 2; break;
    default: *a = 0; *b = 0; break;
    }
}

/* Area and unit normal of the flat face:
 *   c = (X1 - X0) x (X2 - X0),  area = |c| / 2,  n = c / |c|
 * (n points to the side from which X0, X1, X2 appear counter-clockwise).
 * A degenerate face (|c| == 0) returns 0 with n = 0 (no division). */
FT_HD double ft_tri_area_normal(const double Xf[3][3], double n[3])
{
    const double u[3] = {Xf[1][0] - Xf[0][0], Xf[1][1] - Xf[0][1], Xf[1][2] - Xf[0][2]};
    const double v[3] = {Xf[2][0] - Xf[0][0], Xf[2][1] - Xf[0][1], Xf[2][2] - Xf[0][2]};
    const double c[3] = {u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2],
                         u[0] * v[1] - u[1] * v[0]};
    const double len = sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
    if (len == 0.0) {
        n[0] = n[1] = n[2] = 0.0;
        return 0.0;
    }
    n[0] = c[0] / len;
    n[1] = c[1] / len;
    n[2] = c[2] / len;
    return 0.5 * len;
}

/* Face shape functions at barycentric point lam:
 *   P1: N_a = lam_a;   P2: N_a = lam_a (2 lam_a - 1), N_{3+e} = 4 lam_a lam_b (edge e=(a,b)).
 * An invalid order writes nothing. */
FT_HD void ft_tri_shape(int order, const double lam[3], double *N)
{
    int a, e;
    if (order == 1) {
        for (a = 0; a < 3; a++) N[a] = lam[a];
    } else if (order == 2) {
        for (a = 0; a < 3; a++) N[a] = lam[a] * (2.0 * lam[a] - 1.0);
        for (e = 0; e < 3; e++) {
            int p, q;
            ft_tri_edge_vertices(e, &p, &q);
            N[3 + e] = 4.0 * lam[p] * lam[q];
        }
    }
}

/* Barycentric coordinates of face node `node` (0..5); out of range -> centroid. */
FT_HD void ft_tri_node_lam(int node, double lam[3])
{
    lam[0] = lam[1] = lam[2] = 0.0;
    if (node >= 0 && node < 3) {
        lam[node] = 1.0;
    } else if (node >= 3 && node < 6) {
        int p, q;
        ft_tri_edge_vertices(node - 3, &p, &q);
        lam[p] = 0.5;
        lam[q] = 0.5;
    } else {
        lam[0] = lam[1] = lam[2] = 1.0 / 3.0;
    }
}

/* Affine map x(lam) = sum_a lam_a Xf_a. */
FT_HD void ft_tri_map(const double Xf[3][3], const double lam[3], double x[3])
{
    int i;
    for (i = 0; i < 3; i++) x[i] = lam[0] * Xf[0][i] + lam[1] * Xf[1][i] + lam[2] * Xf[2][i];
}

/* ---------------------------------------------------------------------------------------
 * Triangle quadrature, barycentric points, weights summing to 1:
 *     int_F f dA  ~=  area * sum_q w_q f(lam_q).
 *   degree 1: 1 point  - centroid, w = 1.
 *   degree 2: 3 points - S21 orbit (2/3, 1/6, 1/6), w = 1/3 (Strang & Fix 1973;
 *             Dunavant 1985 rule 2).
 *   degree 4: 6 points - S21(a1) + S21(a2), positive weights (Dunavant 1985 rule 4);
 *             nodes/weights re-solved to 40 digits from the moment equations.
 * Requested degree <= 1 -> degree 1; 3 is rounded up to 4; above 4 is CLAMPED to the
 * degree-4 rule (ft_tri_quad_rule_degree tells the exactness obtained).
 * --------------------------------------------------------------------------------------- */

/* Degree of exactness of the rule used for a requested degree: 1, 2 or 4. */
FT_HD int ft_tri_quad_rule_degree(int degree)
{
    if (degree <= 1) return 1;
    if (degree == 2) return 2;
    return 4;
}

/* Number of points of the rule used for a requested degree: 1, 3 or 6. */
FT_HD int ft_tri_quad_npoints(int degree)
{
    switch (ft_tri_quad_rule_degree(degree)) {
    case 1: return 1;
    case 2: return 3;
    default: return 6;
    }
}

/* Point q of the rule for `degree`: barycentric lam[3] and weight *w.
 * S21(a) = the 3 permutations of (b, a, a), b = 1 - 2a (point q has b at coordinate q).
 * An out-of-range q gives the centroid with weight 0. */
FT_HD void ft_tri_quad_point(int degree, int q, double lam[3], double *w)
{
    const int rd = ft_tri_quad_rule_degree(degree);
    double a, wq;
    int k;
    if (q < 0 || q >= ft_tri_quad_npoints(degree)) {
        lam[0] = lam[1] = lam[2] = 1.0 / 3.0;
        *w = 0.0;
        return;
    }
    if (rd == 1) {
        lam[0] = lam[1] = lam[2] = 1.0 / 3.0;
        *w = 1.0;
        return;
    }
    if (rd == 2) {
        a = 1.0 / 6.0;
        wq = 1.0 / 3.0;
    } else if (q < 3) {
        a = 0.44594849091596488632;
        wq = 0.22338158967801146570;
    } else {
        a = 0.091576213509770743460;
        wq = 0.10995174365532186764;
        q -= 3;
    }
    for (k = 0; k < 3; k++) lam[k] = (k == q) ? 1.0 - 2.0 * a : a;
    *w = wq;
}

/* Consistent nodal force of a constant traction t on the face:
 *   fe[3a+i] = int_F N_a t_i dA = t_i * A * c_a,
 * closed form: P1 c_a = 1/3; P2 c_vertex = 0, c_edge = 1/3 (Simpson-type result, exact;
 * equals the degree-2 rule applied to the quadratic N_a).
 * fe has 3 * ft_tri_num_nodes(order) entries and is overwritten. */
FT_HD void ft_tri_vector_load(int order, const double Xf[3][3], const double t[3], double *fe)
{
    double n[3];
    const double A = ft_tri_area_normal(Xf, n);
    int a, i;
    if (order == 1) {
        for (a = 0; a < 3; a++)
            for (i = 0; i < 3; i++) fe[3 * a + i] = t[i] * A / 3.0;
    } else if (order == 2) {
        for (a = 0; a < 6; a++)
            for (i = 0; i < 3; i++) fe[3 * a + i] = (a < 3) ? 0.0 : t[i] * A / 3.0;
    }
}

/* Consistent nodal flux of a constant scalar flux q on the face:
 *   fe[a] = int_F N_a q dA  (P1: qA/3; P2: vertices 0, edge nodes qA/3). Overwrites fe. */
FT_HD void ft_tri_scalar_load(int order, const double Xf[3][3], double q, double *fe)
{
    double n[3];
    const double A = ft_tri_area_normal(Xf, n);
    int a;
    if (order == 1) {
        for (a = 0; a < 3; a++) fe[a] = q * A / 3.0;
    } else if (order == 2) {
        for (a = 0; a < 6; a++) fe[a] = (a < 3) ? 0.0 : q * A / 3.0;
    }
}

/* Face mass / convection matrix, constant film coefficient h:
 *   Me[a*m + b] = int_F h N_a N_b dA,  m = ft_tri_num_nodes(order),
 * integrated with the degree-2 rule (P1, integrand quadratic) or the degree-4 rule (P2,
 * integrand quartic): exact. Only a <= b is accumulated; the lower triangle is mirrored so
 * Me is exactly symmetric. Overwrites Me. */
FT_HD void ft_tri_mass(int order, const double Xf[3][3], double h, double *Me)
{
    double n[3], lam[3], N[FT_TRI_MAX_NODES] = {0.0}, w;
    const double A = ft_tri_area_normal(Xf, n);
    const int m = ft_tri_num_nodes(order);
    const int deg = 2 * order;
    const int nq = ft_tri_quad_npoints(deg);
    int a, b, q;
    if (m == 0) return;
    for (a = 0; a < m * m; a++) Me[a] = 0.0;
    for (q = 0; q < nq; q++) {
        ft_tri_quad_point(deg, q, lam, &w);
        ft_tri_shape(order, lam, N);
        w *= h * A;
        for (a = 0; a < m; a++)
            for (b = a; b < m; b++) Me[a * m + b] += w * N[a] * N[b];
    }
    for (a = 0; a < m; a++)
        for (b = 0; b < a; b++) Me[a * m + b] = Me[b * m + a];
}

#endif /* FT_TRI_H */
