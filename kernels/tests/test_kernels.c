/* Unit tests of the ftwin element kernels (kernels/ft_tet.h, ft_tri.h, ft_elasticity.h,
 * kernels/cpu/ft_cpu_elements.c). Checks: kernels/tests/check.h.
 *
 * Build and run (from the repository root):
 *   gcc -std=c11 -O2 -Wall -Wextra -Werror -Ikernels -Itests/unit kernels/tests/test_kernels.c \
 *       kernels/cpu/ft_cpu_elements.c -lm -o /tmp/test_kernels && /tmp/test_kernels
 *
 * Every failed CHECK prints file:line and the values; the last line is exactly
 * "N passed, N failed" and the exit status is non-zero if anything failed.
 * The P2 stiffness throughput of ft_cpu_stiffness_batch (one core) is printed, not asserted.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ft_batch.h"
#include "ft_elasticity.h"
#include "ft_tet.h"
#include "ft_tri.h"
#include "check.h"

/* ---------------------------------------------------------------- helpers ------------ */
static double srand1(void) { return 2.0 * urand() - 1.0; }

/* random rotation matrix (Gram-Schmidt of random vectors, det +1) */
static void random_rotation(double R[3][3])
{
    double a[3], b[3], c[3], n;
    int i;
    do {
        for (i = 0; i < 3; i++) a[i] = srand1();
        n = sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
    } while (n < 0.2);
    for (i = 0; i < 3; i++) a[i] /= n;
    do {
        double d;
        for (i = 0; i < 3; i++) b[i] = srand1();
        d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
        for (i = 0; i < 3; i++) b[i] -= d * a[i];
        n = sqrt(b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
    } while (n < 0.2);
    for (i = 0; i < 3; i++) b[i] /= n;
    c[0] = a[1] * b[2] - a[2] * b[1];
    c[1] = a[2] * b[0] - a[0] * b[2];
    c[2] = a[0] * b[1] - a[1] * b[0];
    for (i = 0; i < 3; i++) {
        R[i][0] = a[i];
        R[i][1] = b[i];
        R[i][2] = c[i];
    }
}

/* random well-shaped, positively oriented tet: perturbed regular tet, rotated, scaled,
 * translated */
static void random_tet(double X[4][3])
{
    const double reg[4][3] = {{1, 1, 1}, {1, -1, -1}, {-1, 1, -1}, {-1, -1, 1}};
    double R[3][3], s = 0.1 + 2.0 * urand(), t[3], G[4][3];
    int a, i, j;
    random_rotation(R);
    for (i = 0; i < 3; i++) t[i] = 5.0 * srand1();
    for (a = 0; a < 4; a++) {
        double p[3];
        for (i = 0; i < 3; i++) p[i] = reg[a][i] + 0.25 * srand1();
        for (i = 0; i < 3; i++) {
            X[a][i] = t[i];
            for (j = 0; j < 3; j++) X[a][i] += s * R[i][j] * p[j];
        }
    }
    if (ft_tet_geometry((const double(*)[3])X, G) < 0.0) {
        for (i = 0; i < 3; i++) {
            double tmp = X[0][i];
            X[0][i] = X[1][i];
            X[1][i] = tmp;
        }
    }
}

#define CX(X) ((const double(*)[3])(X))

static double maxabs(const double *v, int n)
{
    double m = 0.0;
    int i;
    for (i = 0; i < n; i++)
        if (fabs(v[i]) > m) m = fabs(v[i]);
    return m;
}

static void matvec(const double *K, int n, const double *u, double *f)
{
    int i, j;
    for (i = 0; i < n; i++) {
        double s = 0.0;
        for (j = 0; j < n; j++) s += K[i * n + j] * u[j];
        f[i] = s;
    }
}

static double dot(const double *a, const double *b, int n)
{
    double s = 0.0;
    int i;
    for (i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

/* eigenvalues of a symmetric n x n matrix (cyclic Jacobi), sorted ascending */
static void jacobi_eigenvalues(const double *Ain, int n, double *ev)
{
    double A[30 * 30];
    int i, j, p, q, sweep;
    memcpy(A, Ain, sizeof(double) * (size_t)(n * n));
    for (sweep = 0; sweep < 100; sweep++) {
        double off = 0.0, tot = 0.0;
        for (i = 0; i < n; i++)
            for (j = 0; j < n; j++) {
                tot += A[i * n + j] * A[i * n + j];
                if (i != j) off += A[i * n + j] * A[i * n + j];
            }
        if (off <= 1e-30 * tot) break;
        for (p = 0; p < n - 1; p++)
            for (q = p + 1; q < n; q++) {
                double apq = A[p * n + q], theta, t, c, s;
                if (fabs(apq) < 1e-300) continue;
                theta = (A[q * n + q] - A[p * n + p]) / (2.0 * apq);
                t = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1.0));
                c = 1.0 / sqrt(t * t + 1.0);
                s = t * c;
                for (i = 0; i < n; i++) { /* columns p, q */
                    double aip = A[i * n + p], aiq = A[i * n + q];
                    A[i * n + p] = c * aip - s * aiq;
                    A[i * n + q] = s * aip + c * aiq;
                }
                for (i = 0; i < n; i++) { /* rows p, q */
                    double api = A[p * n + i], aqi = A[q * n + i];
                    A[p * n + i] = c * api - s * aqi;
                    A[q * n + i] = s * api + c * aqi;
                }
            }
    }
    for (i = 0; i < n; i++) ev[i] = A[i * n + i];
    for (i = 1; i < n; i++) { /* insertion sort */
        double v = ev[i];
        j = i - 1;
        while (j >= 0 && ev[j] > v) {
            ev[j + 1] = ev[j];
            j--;
        }
        ev[j + 1] = v;
    }
}

/* physical coordinates of all element nodes */
static void node_coords(int order, const double X[4][3], double xn[10][3])
{
    int a;
    for (a = 0; a < ft_tet_num_nodes(order); a++) {
        double lam[4];
        ft_tet_node_lam(a, lam);
        ft_tet_map(X, lam, xn[a]);
    }
}

/* explicit Voigt B matrix (6 x 3n) from shape gradients */
static void build_B(int n, double dN[][3], double B[6][30])
{
    int a, r, c;
    for (r = 0; r < 6; r++)
        for (c = 0; c < 3 * n; c++) B[r][c] = 0.0;
    for (a = 0; a < n; a++) {
        B[FT_XX][3 * a + 0] = dN[a][0];
        B[FT_YY][3 * a + 1] = dN[a][1];
        B[FT_ZZ][3 * a + 2] = dN[a][2];
        B[FT_YZ][3 * a + 1] = dN[a][2];
        B[FT_YZ][3 * a + 2] = dN[a][1];
        B[FT_XZ][3 * a + 0] = dN[a][2];
        B[FT_XZ][3 * a + 2] = dN[a][0];
        B[FT_XY][3 * a + 0] = dN[a][1];
        B[FT_XY][3 * a + 1] = dN[a][0];
    }
}

/* reference stiffness: straightforward sum_q w V B^T D B with the 14-point rule */
static void ref_stiffness(int order, const double X[4][3], double E, double nu, double *K)
{
    const int n = ft_tet_num_nodes(order), nd = 3 * n;
    double G[4][3], D[6][6];
    const double V = fabs(ft_tet_geometry(X, G)) / 6.0;
    int q, i, j, r, s;
    ft_iso_D(E, nu, D);
    memset(K, 0, sizeof(double) * (size_t)(nd * nd));
    for (q = 0; q < ft_tet_quad_npoints(5); q++) {
        double lam[4], w, dN[10][3], B[6][30], DB[6][30];
        ft_tet_quad_point(5, q, lam, &w);
        ft_tet_shape_grad(order, lam, CX(G), dN);
        build_B(n, dN, B);
        for (r = 0; r < 6; r++)
            for (j = 0; j < nd; j++) {
                DB[r][j] = 0.0;
                for (s = 0; s < 6; s++) DB[r][j] += D[r][s] * B[s][j];
            }
        for (i = 0; i < nd; i++)
            for (j = 0; j < nd; j++) {
                double v = 0.0;
                for (r = 0; r < 6; r++) v += B[r][i] * DB[r][j];
                K[i * nd + j] += w * V * v;
            }
    }
}

static double factorial(int k)
{
    double f = 1.0;
    while (k > 1) f *= k--;
    return f;
}

/* ---------------------------------------------------------------- tests -------------- */

static void test_geometry(void)
{
    double X[4][3] = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, G[4][3], det;
    int a, b, i, k;
    CHECK_CONTEXT("reference tet");
    det = ft_tet_geometry(CX(X), G);
    CHECK_CLOSE(det, 1.0, 1e-15);
    CHECK(det > 0.0);
    CHECK_CLOSE(ft_tet_volume(CX(X)), 1.0 / 6.0, 1e-15);
    CHECK_CLOSE(G[0][0], -1.0, 1e-15);
    CHECK_CLOSE(G[1][0], 1.0, 1e-15);
    CHECK_CLOSE(G[2][1], 1.0, 1e-15);
    CHECK_CLOSE(G[3][2], 1.0, 1e-15);
    /* swap two vertices: sign flips */
    for (i = 0; i < 3; i++) {
        double t = X[1][i];
        X[1][i] = X[2][i];
        X[2][i] = t;
    }
    CHECK_CONTEXT("swapped vertices");
    CHECK_CLOSE(ft_tet_geometry(CX(X), G), -1.0, 1e-15);
    CHECK_CLOSE(ft_tet_volume(CX(X)), 1.0 / 6.0, 1e-15);
    /* random tets: lam_a(X_b) = delta_ab via the gradients; sign flip on swap */
    for (k = 0; k < 20; k++) {
        double Y[4][3], d2;
        random_tet(X);
        CHECK_CONTEXT("random tet %d", k);
        det = ft_tet_geometry(CX(X), G);
        CHECK(det > 0.0);
        for (a = 0; a < 4; a++)
            for (b = 0; b < 4; b++) {
                double l = (a == 0) ? 1.0 : 0.0;
                for (i = 0; i < 3; i++) l += G[a][i] * (X[b][i] - X[0][i]);
                CHECK_CLOSE(l, a == b ? 1.0 : 0.0, 1e-12);
            }
        memcpy(Y, X, sizeof Y);
        for (i = 0; i < 3; i++) {
            Y[2][i] = X[3][i];
            Y[3][i] = X[2][i];
        }
        d2 = ft_tet_geometry(CX(Y), G);
        CHECK_CLOSE(d2, -det, 1e-12 * fabs(det));
    }
    /* degenerate (coplanar) tet: 0, G zero, no NaN */
    {
        double Z[4][3] = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {1, 1, 0}};
        double mx = 0.0;
        CHECK_CONTEXT("degenerate tet");
        for (a = 0; a < 4; a++)
            for (i = 0; i < 3; i++) G[a][i] = 123.0;
        CHECK(ft_tet_geometry(CX(Z), G) == 0.0);
        for (a = 0; a < 4; a++)
            for (i = 0; i < 3; i++) mx = fmax(mx, fabs(G[a][i]));
        CHECK(mx == 0.0);
    }
    /* edge table and node lam */
    {
        const int ea[6] = {0, 1, 0, 0, 1, 2}, eb[6] = {1, 2, 2, 3, 3, 3};
        int e;
        CHECK_CONTEXT("edge table");
        for (e = 0; e < 6; e++) {
            int pa, pb;
            double lam[4];
            ft_tet_edge_vertices(e, &pa, &pb);
            CHECK(pa == ea[e] && pb == eb[e]);
            ft_tet_node_lam(4 + e, lam);
            CHECK(lam[pa] == 0.5 && lam[pb] == 0.5 && lam[0] + lam[1] + lam[2] + lam[3] == 1.0);
        }
        CHECK(ft_tet_num_nodes(1) == 4);
        CHECK(ft_tet_num_nodes(2) == 10);
        CHECK(ft_tet_num_nodes(3) == 0);
    }
}

static void test_shape(void)
{
    int order, k, a, b, i, j;
    for (order = 1; order <= 2; order++) {
        const int n = ft_tet_num_nodes(order);
        double X[4][3], G[4][3], xn[10][3];
        random_tet(X);
        ft_tet_geometry(CX(X), G);
        node_coords(order, CX(X), xn);
        /* Kronecker property at the nodes */
        CHECK_CONTEXT("P%d Kronecker", order);
        for (a = 0; a < n; a++) {
            double lam[4], N[10];
            ft_tet_node_lam(a, lam);
            ft_tet_shape(order, lam, N);
            for (b = 0; b < n; b++) CHECK_CLOSE(N[b], a == b ? 1.0 : 0.0, 1e-15);
        }
        for (k = 0; k < 20; k++) {
            double lam[4], N[10], dN[10][3], s = 0.0, gs[3] = {0, 0, 0}, xx[3][3], x[3];
            double l0 = urand(), l1 = urand() * (1 - l0), l2 = urand() * (1 - l0 - l1);
            lam[0] = l0;
            lam[1] = l1;
            lam[2] = l2;
            lam[3] = 1.0 - l0 - l1 - l2;
            ft_tet_shape(order, lam, N);
            ft_tet_shape_grad(order, lam, CX(G), dN);
            CHECK_CONTEXT("P%d partition of unity / gradients, point %d", order, k);
            for (a = 0; a < n; a++) {
                s += N[a];
                for (i = 0; i < 3; i++) gs[i] += dN[a][i];
            }
            CHECK_CLOSE(s, 1.0, 1e-14);
            for (i = 0; i < 3; i++) CHECK_CLOSE(gs[i], 0.0, 1e-12 * maxabs(&dN[0][0], 3 * n));
            /* linear completeness: sum_a x_a N_a = x, sum_a x_a (x) grad N_a = I */
            ft_tet_map(CX(X), lam, x);
            for (i = 0; i < 3; i++) {
                double v = 0.0;
                for (a = 0; a < n; a++) v += xn[a][i] * N[a];
                CHECK_CLOSE(v, x[i], 1e-12 * (1.0 + fabs(x[i])));
                for (j = 0; j < 3; j++) {
                    xx[i][j] = 0.0;
                    for (a = 0; a < n; a++) xx[i][j] += xn[a][i] * dN[a][j];
                    CHECK_CLOSE(xx[i][j], i == j ? 1.0 : 0.0, 1e-11);
                }
            }
            /* central finite differences (exact for quadratics): lam(x + h e_j) = lam + h G_:j */
            {
                const double h = 1e-4;
                for (j = 0; j < 3; j++) {
                    double lp[4], lm[4], Np[10], Nm[10];
                    for (b = 0; b < 4; b++) {
                        lp[b] = lam[b] + h * G[b][j];
                        lm[b] = lam[b] - h * G[b][j];
                    }
                    ft_tet_shape(order, lp, Np);
                    ft_tet_shape(order, lm, Nm);
                    for (a = 0; a < n; a++)
                        CHECK_CLOSE((Np[a] - Nm[a]) / (2 * h), dN[a][j], 1e-8 * (1.0 + fabs(dN[a][j])));
                }
            }
        }
    }
}

/* max relative error of the tet rule `deg` over all monomials of total degree exactly p */
static double tet_rule_error(int deg, int p)
{
    double worst = 0.0;
    int a, b, c, d, q;
    for (a = 0; a <= p; a++)
        for (b = 0; a + b <= p; b++)
            for (c = 0; a + b + c <= p; c++) {
                double exact, s = 0.0;
                d = p - a - b - c;
                exact = factorial(a) * factorial(b) * factorial(c) * factorial(d) * 6.0 /
                        factorial(a + b + c + d + 3);
                for (q = 0; q < ft_tet_quad_npoints(deg); q++) {
                    double lam[4], w;
                    ft_tet_quad_point(deg, q, lam, &w);
                    s += w * pow(lam[1], a) * pow(lam[2], b) * pow(lam[3], c) * pow(lam[0], d);
                }
                if (fabs(s - exact) / exact > worst) worst = fabs(s - exact) / exact;
            }
    return worst;
}

static double tri_rule_error(int deg, int p)
{
    double worst = 0.0;
    int a, b, c, q;
    for (a = 0; a <= p; a++)
        for (b = 0; a + b <= p; b++) {
            double exact, s = 0.0;
            c = p - a - b;
            exact = factorial(a) * factorial(b) * factorial(c) * 2.0 / factorial(a + b + c + 2);
            for (q = 0; q < ft_tri_quad_npoints(deg); q++) {
                double lam[3], w;
                ft_tri_quad_point(deg, q, lam, &w);
                s += w * pow(lam[1], a) * pow(lam[2], b) * pow(lam[0], c);
            }
            if (fabs(s - exact) / exact > worst) worst = fabs(s - exact) / exact;
        }
    return worst;
}

static void test_quadrature(void)
{
    const int tdeg[4] = {1, 2, 3, 5}, tnp[4] = {1, 4, 8, 14};
    const int fdeg[3] = {1, 2, 4}, fnp[3] = {1, 3, 6};
    int r, p, q;
    for (r = 0; r < 4; r++) {
        const int d = tdeg[r];
        double sw = 0.0, minw = 1.0, minl = 1.0;
        CHECK_CONTEXT("tet rule degree %d", d);
        CHECK(ft_tet_quad_npoints(d) == tnp[r]);
        CHECK(ft_tet_quad_rule_degree(d) == d);
        for (q = 0; q < tnp[r]; q++) {
            double lam[4], w;
            ft_tet_quad_point(d, q, lam, &w);
            sw += w;
            minw = fmin(minw, w);
            minl = fmin(minl, fmin(fmin(lam[0], lam[1]), fmin(lam[2], lam[3])));
            CHECK_CLOSE(lam[0] + lam[1] + lam[2] + lam[3], 1.0, 1e-15);
        }
        CHECK_CLOSE(sw, 1.0, 1e-15);
        CHECK(minw > 0.0);
        CHECK(minl > 0.0);
        for (p = 0; p <= d; p++) {
            CHECK_CONTEXT("tet rule degree %d, monomials of degree %d", d, p);
            CHECK_CLOSE(tet_rule_error(d, p), 0.0, 1e-14);
        }
        CHECK_CONTEXT("tet rule degree %d is not exact at degree %d", d, d + 1);
        CHECK(tet_rule_error(d, d + 1) > 1e-6);
    }
    CHECK_CONTEXT("tet degree rounding");
    CHECK(ft_tet_quad_npoints(0) == 1 && ft_tet_quad_rule_degree(0) == 1);
    CHECK(ft_tet_quad_npoints(4) == 14 && ft_tet_quad_rule_degree(4) == 5);
    CHECK(ft_tet_quad_rule_degree(7) == 5);
    for (r = 0; r < 3; r++) {
        const int d = fdeg[r];
        double sw = 0.0, minw = 1.0;
        CHECK_CONTEXT("tri rule degree %d", d);
        CHECK(ft_tri_quad_npoints(d) == fnp[r]);
        for (q = 0; q < fnp[r]; q++) {
            double lam[3], w;
            ft_tri_quad_point(d, q, lam, &w);
            sw += w;
            minw = fmin(minw, w);
            CHECK_CLOSE(lam[0] + lam[1] + lam[2], 1.0, 1e-15);
        }
        CHECK_CLOSE(sw, 1.0, 1e-15);
        CHECK(minw > 0.0);
        for (p = 0; p <= d; p++) {
            CHECK_CONTEXT("tri rule degree %d, monomials of degree %d", d, p);
            CHECK_CLOSE(tri_rule_error(d, p), 0.0, 1e-14);
        }
        CHECK_CONTEXT("tri rule degree %d is not exact at degree %d", d, d + 1);
        CHECK(tri_rule_error(d, d + 1) > 1e-6);
    }
    CHECK_CONTEXT("tri degree rounding");
    CHECK(ft_tri_quad_npoints(3) == 6 && ft_tri_quad_rule_degree(3) == 4);
}

/* rigid body modes of the node set: 3 translations, 3 rotations */
static void rigid_mode(int m, int n, double xn[10][3], double *u)
{
    int a;
    for (a = 0; a < n; a++) {
        double w[3] = {0, 0, 0};
        if (m < 3) {
            u[3 * a + 0] = m == 0;
            u[3 * a + 1] = m == 1;
            u[3 * a + 2] = m == 2;
        } else {
            w[m - 3] = 1.0;
            u[3 * a + 0] = w[1] * xn[a][2] - w[2] * xn[a][1];
            u[3 * a + 1] = w[2] * xn[a][0] - w[0] * xn[a][2];
            u[3 * a + 2] = w[0] * xn[a][1] - w[1] * xn[a][0];
        }
    }
}

static void test_stiffness(void)
{
    int order, k, i, j, m;
    for (order = 1; order <= 2; order++) {
        const int n = ft_tet_num_nodes(order), nd = 3 * n;
        for (k = 0; k < 10; k++) {
            double X[4][3], xn[10][3], K[900], Kr[900], ev[30], E = 1e3 + 2e5 * urand(),
                                                                 nu = 0.05 + 0.4 * urand();
            double kmax, u[30], f[30], asym = 0.0, diff = 0.0;
            int nzero = 0;
            random_tet(X);
            node_coords(order, CX(X), xn);
            ft_tet_stiffness(order, CX(X), E, nu, K);
            kmax = maxabs(K, nd * nd);
            CHECK_CONTEXT("P%d stiffness, element %d (E=%g nu=%g)", order, k, E, nu);
            for (i = 0; i < nd; i++)
                for (j = 0; j < nd; j++) asym = fmax(asym, fabs(K[i * nd + j] - K[j * nd + i]));
            CHECK(asym == 0.0);
            /* against an explicit B^T D B, 14-point rule */
            ref_stiffness(order, CX(X), E, nu, Kr);
            for (i = 0; i < nd * nd; i++) diff = fmax(diff, fabs(K[i] - Kr[i]));
            CHECK_CLOSE(diff, 0.0, 1e-12 * kmax);
            /* row-block path (used by the CUDA kernel) reproduces the same matrix */
            {
                double G[4][3], Kb[900], lmb, mu, V = fabs(ft_tet_geometry(CX(X), G)) / 6.0;
                double d2 = 0.0;
                ft_iso_lame(E, nu, &lmb, &mu);
                for (i = 0; i < n; i++) ft_tet_stiffness_rows(order, CX(G), V, lmb, mu, i, Kb + 3 * i * nd, nd);
                for (i = 0; i < nd * nd; i++) d2 = fmax(d2, fabs(K[i] - Kb[i]));
                CHECK_CLOSE(d2, 0.0, 1e-15 * kmax);
            }
            /* spectrum: exactly 6 zero eigenvalues, the rest positive */
            jacobi_eigenvalues(K, nd, ev);
            for (i = 0; i < nd; i++)
                if (fabs(ev[i]) < 1e-9 * ev[nd - 1]) nzero++;
            CHECK(nzero == 6);
            CHECK(ev[0] > -1e-9 * ev[nd - 1]);
            CHECK(ev[6] > 1e-6 * ev[nd - 1]);
            /* rigid body modes */
            for (m = 0; m < 6; m++) {
                rigid_mode(m, n, xn, u);
                matvec(K, nd, u, f);
                CHECK_CONTEXT("P%d stiffness, element %d, rigid mode %d", order, k, m);
                CHECK_CLOSE(maxabs(f, nd), 0.0, 1e-9 * kmax * maxabs(u, nd));
            }
        }
    }
}

/* eps:D:eps with Voigt engineering strains */
static double energy_density(double D[6][6], const double eps[6])
{
    double s = 0.0;
    int i, j;
    for (i = 0; i < 6; i++)
        for (j = 0; j < 6; j++) s += eps[i] * D[i][j] * eps[j];
    return s;
}

static void grad_to_voigt(double H[3][3], double eps[6])
{
    eps[FT_XX] = H[0][0];
    eps[FT_YY] = H[1][1];
    eps[FT_ZZ] = H[2][2];
    eps[FT_YZ] = H[1][2] + H[2][1];
    eps[FT_XZ] = H[0][2] + H[2][0];
    eps[FT_XY] = H[0][1] + H[1][0];
}

static void test_patch(void)
{
    int order, k, a, i, j, p;
    for (order = 1; order <= 2; order++) {
        const int n = ft_tet_num_nodes(order), nd = 3 * n;
        for (k = 0; k < 10; k++) {
            double X[4][3], xn[10][3], K[900], A[3][3], c[3], u[30], f[30], D[6][6], eps[6],
                sig_ex[6], V, E = 200e3, nu = 0.3, e_int, e_ex, smax;
            random_tet(X);
            node_coords(order, CX(X), xn);
            V = ft_tet_volume(CX(X));
            for (i = 0; i < 3; i++) {
                c[i] = srand1();
                for (j = 0; j < 3; j++) A[i][j] = 1e-3 * srand1();
            }
            for (a = 0; a < n; a++)
                for (i = 0; i < 3; i++) {
                    u[3 * a + i] = c[i];
                    for (j = 0; j < 3; j++) u[3 * a + i] += A[i][j] * xn[a][j];
                }
            ft_iso_D(E, nu, D);
            grad_to_voigt(A, eps);
            for (i = 0; i < 6; i++) {
                sig_ex[i] = 0.0;
                for (j = 0; j < 6; j++) sig_ex[i] += D[i][j] * eps[j];
            }
            smax = maxabs(sig_ex, 6);
            CHECK_CONTEXT("P%d patch test, element %d", order, k);
            for (p = 0; p < 5; p++) {
                double lam[4], s[6], l0 = urand(), l1 = urand() * (1 - l0),
                                     l2 = urand() * (1 - l0 - l1);
                lam[0] = l0;
                lam[1] = l1;
                lam[2] = l2;
                lam[3] = 1 - l0 - l1 - l2;
                ft_tet_stress_at(order, CX(X), E, nu, 1e-5, u, NULL, lam, s);
                for (i = 0; i < 6; i++) CHECK_CLOSE(s[i], sig_ex[i], 1e-9 * smax);
            }
            ft_tet_stiffness(order, CX(X), E, nu, K);
            matvec(K, nd, u, f);
            e_int = 0.5 * dot(u, f, nd);
            e_ex = 0.5 * V * energy_density(D, eps);
            CHECK_CLOSE(e_int, e_ex, 1e-9 * e_ex);
        }
    }
}

/* P2: quadratic displacement u_i = sum c_i,m phi_m(x), phi = (1, x, y, z, x^2, y^2, z^2,
 * yz, xz, xy) around the centroid; reference energy with the analytic gradient and the
 * 14-point rule */
static void quad_field(double C[3][10], const double x[3], double u[3], double H[3][3])
{
    const double phi[10] = {1,           x[0],        x[1],        x[2],        x[0] * x[0],
                            x[1] * x[1], x[2] * x[2], x[1] * x[2], x[0] * x[2], x[0] * x[1]};
    const double dphi[10][3] = {{0, 0, 0},         {1, 0, 0},         {0, 1, 0},
                                {0, 0, 1},         {2 * x[0], 0, 0},  {0, 2 * x[1], 0},
                                {0, 0, 2 * x[2]},  {0, x[2], x[1]},   {x[2], 0, x[0]},
                                {x[1], x[0], 0}};
    int i, j, m;
    for (i = 0; i < 3; i++) {
        u[i] = 0.0;
        for (j = 0; j < 3; j++) H[i][j] = 0.0;
        for (m = 0; m < 10; m++) {
            u[i] += C[i][m] * phi[m];
            for (j = 0; j < 3; j++) H[i][j] += C[i][m] * dphi[m][j];
        }
    }
}

static void test_p2_quadratic_energy(void)
{
    int k, a, i, m, q;
    for (k = 0; k < 10; k++) {
        double X[4][3], xn[10][3], K[900], C[3][10], u[30], f[30], D[6][6], V, E = 70e3,
                                                                         nu = 0.33, e_ref = 0.0,
                                                                         e_fe, H[3][3];
        random_tet(X);
        node_coords(2, CX(X), xn);
        V = ft_tet_volume(CX(X));
        for (i = 0; i < 3; i++)
            for (m = 0; m < 10; m++) C[i][m] = 1e-3 * srand1();
        for (a = 0; a < 10; a++) quad_field(C, xn[a], &u[3 * a], H);
        ft_iso_D(E, nu, D);
        for (q = 0; q < ft_tet_quad_npoints(5); q++) {
            double lam[4], w, x[3], uu[3], eps[6];
            ft_tet_quad_point(5, q, lam, &w);
            ft_tet_map(CX(X), lam, x);
            quad_field(C, x, uu, H);
            grad_to_voigt(H, eps);
            e_ref += w * V * energy_density(D, eps);
        }
        ft_tet_stiffness(2, CX(X), E, nu, K);
        matvec(K, 30, u, f);
        e_fe = dot(u, f, 30);
        CHECK_CONTEXT("P2 quadratic displacement energy, element %d", k);
        CHECK_CLOSE(e_fe, e_ref, 1e-9 * e_ref);
        /* and the stress at random points equals D eps(analytic) */
        for (q = 0; q < 3; q++) {
            double lam[4] = {0.1 + 0.2 * q, 0.2, 0.3 - 0.05 * q, 0.0}, x[3], uu[3], eps[6],
                   s[6], se[6];
            int r, c;
            lam[3] = 1 - lam[0] - lam[1] - lam[2];
            ft_tet_map(CX(X), lam, x);
            quad_field(C, x, uu, H);
            grad_to_voigt(H, eps);
            for (r = 0; r < 6; r++) {
                se[r] = 0.0;
                for (c = 0; c < 6; c++) se[r] += D[r][c] * eps[c];
            }
            ft_tet_stress_at(2, CX(X), E, nu, 0.0, u, NULL, lam, s);
            for (r = 0; r < 6; r++) CHECK_CLOSE(s[r], se[r], 1e-8 * maxabs(se, 6));
        }
    }
}

static void test_conductivity(void)
{
    int order, k, a, b, i, q;
    for (order = 1; order <= 2; order++) {
        const int n = ft_tet_num_nodes(order);
        for (k = 0; k < 10; k++) {
            double X[4][3], xn[10][3], G[4][3], Ke[100], Kr[100], one[10], f[10], T[10], g[3],
                kc = 0.5 + 50 * urand(), V, kmax, diff = 0.0, asym = 0.0;
            random_tet(X);
            node_coords(order, CX(X), xn);
            V = fabs(ft_tet_geometry(CX(X), G)) / 6.0;
            ft_tet_conductivity(order, CX(X), kc, Ke);
            kmax = maxabs(Ke, n * n);
            CHECK_CONTEXT("P%d conductivity, element %d", order, k);
            /* reference: 14-point rule of k grad N_a . grad N_b */
            memset(Kr, 0, sizeof Kr);
            for (q = 0; q < ft_tet_quad_npoints(5); q++) {
                double lam[4], w, dN[10][3];
                ft_tet_quad_point(5, q, lam, &w);
                ft_tet_shape_grad(order, lam, CX(G), dN);
                for (a = 0; a < n; a++)
                    for (b = 0; b < n; b++) Kr[a * n + b] += w * V * kc * dot(dN[a], dN[b], 3);
            }
            for (a = 0; a < n * n; a++) diff = fmax(diff, fabs(Ke[a] - Kr[a]));
            CHECK_CLOSE(diff, 0.0, 1e-12 * kmax);
            for (a = 0; a < n; a++)
                for (b = 0; b < n; b++) asym = fmax(asym, fabs(Ke[a * n + b] - Ke[b * n + a]));
            CHECK(asym == 0.0);
            for (a = 0; a < n; a++) one[a] = 1.0;
            matvec(Ke, n, one, f);
            CHECK_CLOSE(maxabs(f, n), 0.0, 1e-12 * kmax);
            for (i = 0; i < 3; i++) g[i] = srand1();
            for (a = 0; a < n; a++) T[a] = 3.0 + dot(g, xn[a], 3);
            matvec(Ke, n, T, f);
            CHECK_CLOSE(dot(T, f, n), kc * dot(g, g, 3) * V, 1e-10 * kc * dot(g, g, 3) * V);
        }
    }
}

static void test_thermal(void)
{
    int order, k, a, i, q;
    for (order = 1; order <= 2; order++) {
        const int n = ft_tet_num_nodes(order), nd = 3 * n;
        for (k = 0; k < 10; k++) {
            double X[4][3], xn[10][3], G[4][3], K[900], fth[30], fr[30], u[30], Ku[30],
                dTe[10], E = 210e3, nu = 0.29, alpha = 1.2e-5, dT = 100.0 * srand1(), V, D[6][6],
                fmx, diff = 0.0;
            random_tet(X);
            node_coords(order, CX(X), xn);
            V = fabs(ft_tet_geometry(CX(X), G)) / 6.0;
            /* uniform dT: free expansion u = alpha dT x is stress free and K u = f_th */
            for (a = 0; a < n; a++) {
                dTe[a] = dT;
                for (i = 0; i < 3; i++) u[3 * a + i] = alpha * dT * xn[a][i];
            }
            ft_tet_thermal_load(order, CX(X), E, nu, alpha, dTe, fth);
            ft_tet_stiffness(order, CX(X), E, nu, K);
            matvec(K, nd, u, Ku);
            fmx = maxabs(fth, nd);
            CHECK_CONTEXT("P%d thermal free expansion, element %d, dT=%g", order, k, dT);
            for (i = 0; i < nd; i++) CHECK_CLOSE(Ku[i], fth[i], 1e-9 * fmx);
            for (q = 0; q < 4; q++) {
                double lam[4], w, s[6];
                ft_tet_quad_point(2, q, lam, &w);
                ft_tet_stress_at(order, CX(X), E, nu, alpha, u, dTe, lam, s);
                for (i = 0; i < 6; i++) CHECK_CLOSE(s[i], 0.0, 1e-9 * E * alpha * fabs(dT));
            }
            /* non-uniform dT: against sum_q w V B^T D m alpha dT(q), 14-point rule */
            for (a = 0; a < n; a++) dTe[a] = 50.0 * srand1();
            ft_tet_thermal_load(order, CX(X), E, nu, alpha, dTe, fth);
            ft_iso_D(E, nu, D);
            memset(fr, 0, sizeof fr);
            for (q = 0; q < ft_tet_quad_npoints(5); q++) {
                double lam[4], w, N[10], dN[10][3], B[6][30], sth[6], t = 0.0;
                int r, c;
                ft_tet_quad_point(5, q, lam, &w);
                ft_tet_shape(order, lam, N);
                ft_tet_shape_grad(order, lam, CX(G), dN);
                build_B(n, dN, B);
                for (a = 0; a < n; a++) t += N[a] * dTe[a];
                for (r = 0; r < 6; r++) sth[r] = alpha * t * (D[r][0] + D[r][1] + D[r][2]);
                for (c = 0; c < nd; c++)
                    for (r = 0; r < 6; r++) fr[c] += w * V * B[r][c] * sth[r];
            }
            for (i = 0; i < nd; i++) diff = fmax(diff, fabs(fth[i] - fr[i]));
            CHECK_CONTEXT("P%d thermal load vs reference, element %d", order, k);
            CHECK_CLOSE(diff, 0.0, 1e-12 * maxabs(fr, nd));
            /* element thermal loads are self-equilibrated: sum over nodes = 0 */
            for (i = 0; i < 3; i++) {
                double s = 0.0;
                for (a = 0; a < n; a++) s += fth[3 * a + i];
                CHECK_CLOSE(s, 0.0, 1e-12 * maxabs(fr, nd));
            }
        }
    }
}

static void test_body_loads(void)
{
    int order, k, a, i, q;
    for (order = 1; order <= 2; order++) {
        const int n = ft_tet_num_nodes(order), nd = 3 * n;
        for (k = 0; k < 10; k++) {
            double X[4][3], b[3], fe[30], fr[30], fs[10], V, sum[3] = {0, 0, 0}, ssum = 0.0,
                                                          qv = 7.0, c[3], xc[3], lamc[4],
                                                          rho = 7850, om = 100 * urand(),
                                                          p[3], e[3], en, diff = 0.0;
            double bq[14 * 3];
            random_tet(X);
            V = ft_tet_volume(CX(X));
            for (i = 0; i < 3; i++) b[i] = 1e4 * srand1();
            ft_tet_body_load(order, CX(X), b, fe);
            for (a = 0; a < n; a++)
                for (i = 0; i < 3; i++) sum[i] += fe[3 * a + i];
            CHECK_CONTEXT("P%d body load, element %d", order, k);
            for (i = 0; i < 3; i++) CHECK_CLOSE(sum[i], b[i] * V, 1e-12 * fabs(b[i]) * V + 1e-300);
            /* per node against the 14-point rule */
            memset(fr, 0, sizeof fr);
            for (q = 0; q < 14; q++) {
                double lam[4], w, N[10];
                ft_tet_quad_point(5, q, lam, &w);
                ft_tet_shape(order, lam, N);
                for (a = 0; a < n; a++)
                    for (i = 0; i < 3; i++) fr[3 * a + i] += w * V * N[a] * b[i];
            }
            for (i = 0; i < nd; i++) CHECK_CLOSE(fe[i], fr[i], 1e-12 * maxabs(fr, nd));
            /* body_load_qp with a constant field == body_load, for every rule */
            {
                const int degs[4] = {1, 2, 3, 5};
                int r;
                for (r = order - 1; r < 4; r++) { /* rules of degree >= order are exact */
                    double fq[30];
                    for (q = 0; q < ft_tet_quad_npoints(degs[r]); q++)
                        for (i = 0; i < 3; i++) bq[3 * q + i] = b[i];
                    ft_tet_body_load_qp(order, CX(X), degs[r], bq, fq);
                    CHECK_CONTEXT("P%d body_load_qp constant, degree %d, element %d", order, degs[r], k);
                    for (i = 0; i < nd; i++) CHECK_CLOSE(fq[i], fe[i], 1e-12 * maxabs(fe, nd));
                }
            }
            /* scalar source */
            ft_tet_scalar_source(order, CX(X), qv, fs);
            for (a = 0; a < n; a++) ssum += fs[a];
            CHECK_CONTEXT("P%d scalar source, element %d", order, k);
            CHECK_CLOSE(ssum, qv * V, 1e-12 * qv * V);
            for (a = 0; a < n; a++) CHECK_CLOSE(fs[a], fr[3 * a] / b[0] * qv, 1e-10 * qv * V);
            /* centrifugal: total = rho om^2 V (centroid - p)_perp; per node vs reference */
            for (i = 0; i < 3; i++) {
                p[i] = srand1();
                e[i] = srand1();
            }
            en = sqrt(dot(e, e, 3));
            for (i = 0; i < 3; i++) e[i] /= en;
            ft_tet_centrifugal_load(order, CX(X), rho, p, e, om, fe);
            for (i = 0; i < 4; i++) lamc[i] = 0.25;
            ft_tet_map(CX(X), lamc, xc);
            for (i = 0; i < 3; i++) c[i] = xc[i] - p[i];
            en = dot(c, e, 3);
            for (i = 0; i < 3; i++) c[i] = rho * om * om * V * (c[i] - en * e[i]);
            CHECK_CONTEXT("P%d centrifugal load, element %d", order, k);
            for (i = 0; i < 3; i++) {
                double s = 0.0;
                for (a = 0; a < n; a++) s += fe[3 * a + i];
                CHECK_CLOSE(s, c[i], 1e-11 * maxabs(c, 3));
            }
            memset(fr, 0, sizeof fr);
            for (q = 0; q < 14; q++) {
                double lam[4], w, N[10], x[3], r[3], re;
                ft_tet_quad_point(5, q, lam, &w);
                ft_tet_shape(order, lam, N);
                ft_tet_map(CX(X), lam, x);
                for (i = 0; i < 3; i++) r[i] = x[i] - p[i];
                re = dot(r, e, 3);
                for (a = 0; a < n; a++)
                    for (i = 0; i < 3; i++)
                        fr[3 * a + i] += w * V * N[a] * rho * om * om * (r[i] - re * e[i]);
                /* same field at the 14 points for body_load_qp */
                for (i = 0; i < 3; i++) bq[3 * q + i] = rho * om * om * (r[i] - re * e[i]);
            }
            for (i = 0; i < nd; i++) diff = fmax(diff, fabs(fe[i] - fr[i]));
            CHECK_CLOSE(diff, 0.0, 1e-11 * maxabs(fr, nd));
            {
                double fq[30];
                ft_tet_body_load_qp(order, CX(X), 5, bq, fq);
                CHECK_CONTEXT("P%d body_load_qp centrifugal field, element %d", order, k);
                for (i = 0; i < nd; i++) CHECK_CLOSE(fq[i], fe[i], 1e-11 * maxabs(fe, nd));
            }
        }
    }
}

static void test_triangle(void)
{
    int order, k, a, b, i, q;
    {
        const double Xf[3][3] = {{0, 0, 0}, {2, 0, 0}, {0, 3, 0}};
        double n[3];
        CHECK_CONTEXT("right triangle");
        CHECK_CLOSE(ft_tri_area_normal(Xf, n), 3.0, 1e-15);
        CHECK_CLOSE(n[0], 0.0, 0.0);
        CHECK_CLOSE(n[1], 0.0, 0.0);
        CHECK_CLOSE(n[2], 1.0, 1e-15);
    }
    {
        const double Xf[3][3] = {{0, 0, 0}, {0, 3, 0}, {2, 0, 0}}; /* clockwise seen from +z */
        double n[3];
        CHECK_CONTEXT("reversed triangle");
        CHECK_CLOSE(ft_tri_area_normal(Xf, n), 3.0, 1e-15);
        CHECK_CLOSE(n[2], -1.0, 1e-15);
    }
    {
        const double Xf[3][3] = {{0, 0, 0}, {1, 1, 1}, {2, 2, 2}};
        double n[3] = {5, 5, 5};
        CHECK_CONTEXT("degenerate triangle");
        CHECK(ft_tri_area_normal(Xf, n) == 0.0);
        CHECK(n[0] == 0.0 && n[1] == 0.0 && n[2] == 0.0);
    }
    CHECK_CONTEXT("tri num nodes");
    CHECK(ft_tri_num_nodes(1) == 3 && ft_tri_num_nodes(2) == 6 && ft_tri_num_nodes(0) == 0);
    for (order = 1; order <= 2; order++) {
        const int m = ft_tri_num_nodes(order);
        for (k = 0; k < 10; k++) {
            double X[4][3], Xf[3][3], nrm[3], A, t[3], fe[18], fs[6], Me[36], Mr[36],
                sum[3] = {0, 0, 0}, ssum = 0.0, msum = 0.0, h = 25.0, qf = 3.0, e1[3], e2[3],
                cr[3];
            random_tet(X);
            memcpy(Xf, X, sizeof Xf);
            A = ft_tri_area_normal(CX(Xf), nrm);
            for (i = 0; i < 3; i++) {
                e1[i] = Xf[1][i] - Xf[0][i];
                e2[i] = Xf[2][i] - Xf[0][i];
                t[i] = srand1();
            }
            cr[0] = e1[1] * e2[2] - e1[2] * e2[1];
            cr[1] = e1[2] * e2[0] - e1[0] * e2[2];
            cr[2] = e1[0] * e2[1] - e1[1] * e2[0];
            CHECK_CONTEXT("P%d triangle %d", order, k);
            CHECK_CLOSE(A, 0.5 * sqrt(dot(cr, cr, 3)), 1e-14 * A);
            CHECK_CLOSE(dot(nrm, nrm, 3), 1.0, 1e-14);
            CHECK_CLOSE(dot(nrm, e1, 3), 0.0, 1e-13 * sqrt(dot(e1, e1, 3)));
            CHECK_CLOSE(dot(nrm, e2, 3), 0.0, 1e-13 * sqrt(dot(e2, e2, 3)));
            CHECK(dot(nrm, cr, 3) > 0.0);
            /* positive tet: (X1-X0)x(X2-X0).(X3-X0) = detJ > 0, so X3 lies on the +n side of
             * face (0,1,2): that face's n points INTO the tet (outward needs (0,2,1)) */
            {
                double d[3], Xr[3][3], nr[3];
                for (i = 0; i < 3; i++) d[i] = X[3][i] - X[0][i];
                CHECK(dot(nrm, d, 3) > 0.0);
                memcpy(Xr[0], X[0], sizeof Xr[0]);
                memcpy(Xr[1], X[2], sizeof Xr[1]);
                memcpy(Xr[2], X[1], sizeof Xr[2]);
                CHECK_CLOSE(ft_tri_area_normal(CX(Xr), nr), A, 1e-14 * A);
                CHECK(dot(nr, d, 3) < 0.0);
            }
            /* documented outward face orderings of a positive tet */
            {
                const int fv[4][3] = {{1, 2, 3}, {0, 3, 2}, {0, 1, 3}, {0, 2, 1}};
                int f;
                for (f = 0; f < 4; f++) {
                    double Xo[3][3], no[3], d[3];
                    for (a = 0; a < 3; a++) memcpy(Xo[a], X[fv[f][a]], sizeof Xo[a]);
                    ft_tri_area_normal(CX(Xo), no);
                    for (i = 0; i < 3; i++) d[i] = Xo[0][i] - X[f][i]; /* from opposite vertex */
                    CHECK(dot(no, d, 3) > 0.0);
                }
            }
            /* shape functions: Kronecker, partition of unity */
            for (a = 0; a < m; a++) {
                double lam[3], N[6];
                ft_tri_node_lam(a, lam);
                ft_tri_shape(order, lam, N);
                for (b = 0; b < m; b++) CHECK_CLOSE(N[b], a == b ? 1.0 : 0.0, 1e-15);
            }
            {
                double lam[3] = {0.2, 0.3, 0.5}, N[6] = {0, 0, 0, 0, 0, 0}, s = 0.0;
                ft_tri_shape(order, lam, N);
                for (a = 0; a < m; a++) s += N[a];
                CHECK_CLOSE(s, 1.0, 1e-15);
            }
            ft_tri_vector_load(order, CX(Xf), t, fe);
            ft_tri_scalar_load(order, CX(Xf), qf, fs);
            ft_tri_mass(order, CX(Xf), h, Me);
            for (a = 0; a < m; a++) {
                for (i = 0; i < 3; i++) sum[i] += fe[3 * a + i];
                ssum += fs[a];
                for (b = 0; b < m; b++) msum += Me[a * m + b];
            }
            for (i = 0; i < 3; i++) CHECK_CLOSE(sum[i], t[i] * A, 1e-14 * A);
            CHECK_CLOSE(ssum, qf * A, 1e-14 * qf * A);
            CHECK_CLOSE(msum, h * A, 1e-13 * h * A);
            /* per node loads and mass against the degree-4 rule (integrands <= quartic) */
            memset(Mr, 0, sizeof Mr);
            for (q = 0; q < ft_tri_quad_npoints(4); q++) {
                double lam[3], w, N[6];
                ft_tri_quad_point(4, q, lam, &w);
                ft_tri_shape(order, lam, N);
                for (a = 0; a < m; a++)
                    for (b = 0; b < m; b++) Mr[a * m + b] += w * A * h * N[a] * N[b];
            }
            for (a = 0; a < m * m; a++) CHECK_CLOSE(Me[a], Mr[a], 1e-13 * h * A);
            for (a = 0; a < m; a++)
                for (b = 0; b < m; b++) CHECK(Me[a * m + b] == Me[b * m + a]);
            if (order == 1)
                for (a = 0; a < 3; a++)
                    for (b = 0; b < 3; b++)
                        CHECK_CLOSE(Me[a * 3 + b], h * A / 12.0 * (a == b ? 2.0 : 1.0), 1e-14 * h * A);
            {
                double ref[6] = {0, 0, 0, 0, 0, 0};
                for (q = 0; q < ft_tri_quad_npoints(4); q++) {
                    double lam[3], w, N[6];
                    ft_tri_quad_point(4, q, lam, &w);
                    ft_tri_shape(order, lam, N);
                    for (a = 0; a < m; a++) ref[a] += w * A * N[a];
                }
                for (a = 0; a < m; a++) {
                    CHECK_CLOSE(fs[a], qf * ref[a], 1e-14 * qf * A);
                    for (i = 0; i < 3; i++) CHECK_CLOSE(fe[3 * a + i], t[i] * ref[a], 1e-14 * A);
                }
            }
        }
    }
}

static void test_stress_measures(void)
{
    int k, i, j, l;
    {
        double s[6] = {0, 0, 0, 0, 0, 0}, p[3];
        CHECK_CONTEXT("von Mises / principal, simple states");
        s[FT_XX] = -250.0;
        CHECK_CLOSE(ft_von_mises(s), 250.0, 1e-12);
        s[FT_XX] = 0.0;
        s[FT_YY] = 80.0;
        CHECK_CLOSE(ft_von_mises(s), 80.0, 1e-12);
        s[FT_YY] = 0.0;
        s[FT_XZ] = -40.0;
        CHECK_CLOSE(ft_von_mises(s), sqrt(3.0) * 40.0, 1e-12);
        ft_principal_stresses(s, p); /* pure shear: +tau, 0, -tau */
        CHECK_CLOSE(p[0], 40.0, 1e-12);
        CHECK_CLOSE(p[1], 0.0, 1e-12);
        CHECK_CLOSE(p[2], -40.0, 1e-12);
        s[FT_XZ] = 0.0;
        s[FT_XX] = s[FT_YY] = s[FT_ZZ] = -7.0; /* hydrostatic */
        CHECK_CLOSE(ft_von_mises(s), 0.0, 1e-12);
        ft_principal_stresses(s, p);
        CHECK(p[0] == -7.0 && p[1] == -7.0 && p[2] == -7.0);
        memset(s, 0, sizeof s); /* zero tensor */
        ft_principal_stresses(s, p);
        CHECK(p[0] == 0.0 && p[1] == 0.0 && p[2] == 0.0);
    }
    /* rotated diagonal tensors, incl. repeated and nearly repeated eigenvalues */
    {
        const double cases[9][3] = {{300, 100, -50},  {5, 5, -2},     {3, -1, -1},
                                    {2, 2, 2},        {0, 0, 1},      {1, 1 + 1e-10, 0},
                                    {1e6, 1e6, 1e6 + 1e-3}, {-1, 0, 1}, {1e-20, 0, -3e-20}};
        int c;
        for (c = 0; c < 9; c++)
            for (k = 0; k < 20; k++) {
                double R[3][3], A[3][3], s[6], p[3], d[3], t, scale, vm, vm_ref;
                random_rotation(R);
                for (i = 0; i < 3; i++) d[i] = cases[c][i];
                for (i = 0; i < 3; i++)
                    for (j = 0; j < 3; j++) {
                        A[i][j] = 0.0;
                        for (l = 0; l < 3; l++) A[i][j] += R[i][l] * d[l] * R[j][l];
                    }
                s[FT_XX] = A[0][0];
                s[FT_YY] = A[1][1];
                s[FT_ZZ] = A[2][2];
                s[FT_YZ] = A[1][2];
                s[FT_XZ] = A[0][2];
                s[FT_XY] = A[0][1];
                /* sort d descending */
                for (i = 0; i < 3; i++)
                    for (j = i + 1; j < 3; j++)
                        if (d[j] > d[i]) {
                            t = d[i];
                            d[i] = d[j];
                            d[j] = t;
                        }
                scale = fmax(fabs(d[0]), fabs(d[2]));
                ft_principal_stresses(s, p);
                CHECK_CONTEXT("principal stresses case %d (%g,%g,%g) rotation %d", c, d[0], d[1], d[2], k);
                for (i = 0; i < 3; i++) CHECK_CLOSE(p[i], d[i], 1e-13 * scale);
                CHECK(p[0] >= p[1] && p[1] >= p[2]);
                vm = ft_von_mises(s);
                vm_ref = sqrt(0.5 * ((d[0] - d[1]) * (d[0] - d[1]) + (d[1] - d[2]) * (d[1] - d[2]) +
                                     (d[2] - d[0]) * (d[2] - d[0])));
                CHECK_CLOSE(vm, vm_ref, 1e-12 * scale);
            }
    }
}

static void test_batch(void)
{
    enum { NE = 37, NC = 2, NP = 3 };
    const double lam[NP][4] = {{0.25, 0.25, 0.25, 0.25}, {1, 0, 0, 0}, {0.1, 0.2, 0.3, 0.4}};
    int order, e, c, p, i;
    static double X[NE][4][3], E[NE], nu[NE], al[NE], Ke[NE * 900], ue[NC * NE * 30],
        dTe[NC * NE * 10], sig[NC * NE * NP * 6], sig0[NC * NE * NP * 6];
    for (e = 0; e < NE; e++) {
        random_tet(X[e]);
        E[e] = 1e5 * (1 + urand());
        nu[e] = 0.1 + 0.3 * urand();
        al[e] = 1e-5 * (1 + urand());
    }
    for (i = 0; i < NC * NE * 30; i++) ue[i] = 1e-3 * srand1();
    for (i = 0; i < NC * NE * 10; i++) dTe[i] = 100 * srand1();
    for (order = 1; order <= 2; order++) {
        const int n = ft_tet_num_nodes(order), nk = 9 * n * n;
        double d = 0.0;
        CHECK_CONTEXT("P%d stiffness batch", order);
        CHECK(ft_cpu_stiffness_batch(order, NE, &X[0][0][0], E, nu, Ke) == 0);
        for (e = 0; e < NE; e++) {
            double K1[900];
            ft_tet_stiffness(order, CX(X[e]), E[e], nu[e], K1);
            for (i = 0; i < nk; i++) d = fmax(d, fabs(K1[i] - Ke[(size_t)e * nk + i]) / (maxabs(K1, nk)));
        }
        CHECK_CLOSE(d, 0.0, 1e-14);
        CHECK_CONTEXT("P%d stress batch", order);
        CHECK(ft_cpu_stress_batch(order, NE, &X[0][0][0], E, nu, al, NC, ue, dTe, NP, &lam[0][0], sig) == 0);
        CHECK(ft_cpu_stress_batch(order, NE, &X[0][0][0], E, nu, al, NC, ue, NULL, NP, &lam[0][0], sig0) == 0);
        d = 0.0;
        for (c = 0; c < NC; c++)
            for (e = 0; e < NE; e++)
                for (p = 0; p < NP; p++) {
                    double s1[6], s0[6];
                    const size_t ce = (size_t)c * NE + e;
                    ft_tet_stress_at(order, CX(X[e]), E[e], nu[e], al[e], ue + ce * 3 * n, dTe + ce * n, lam[p], s1);
                    ft_tet_stress_at(order, CX(X[e]), E[e], nu[e], al[e], ue + ce * 3 * n, NULL, lam[p], s0);
                    for (i = 0; i < 6; i++) {
                        d = fmax(d, fabs(s1[i] - sig[(ce * NP + p) * 6 + i]) / (1 + maxabs(s1, 6)));
                        d = fmax(d, fabs(s0[i] - sig0[(ce * NP + p) * 6 + i]) / (1 + maxabs(s0, 6)));
                    }
                }
        CHECK_CLOSE(d, 0.0, 1e-14);
    }
    CHECK_CONTEXT("batch argument checks");
    CHECK(ft_cpu_stiffness_batch(3, NE, &X[0][0][0], E, nu, Ke) != 0);
    CHECK(ft_cpu_stiffness_batch(2, 0, NULL, NULL, NULL, NULL) == 0);
    CHECK(ft_cpu_stress_batch(0, NE, &X[0][0][0], E, nu, al, NC, ue, NULL, NP, &lam[0][0], sig) != 0);
}

static double now_s(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Throughput of ft_cpu_stiffness_batch on one core (printed, not asserted): 100k random
 * elements, written into a 10k-element (72 MB for P2) output buffer chunk by chunk, best
 * of 5 passes; plus an in-cache figure (the same 64-element output slot reused) that
 * separates the arithmetic from the DRAM write bandwidth. Timings on a loaded machine are
 * noisy. */
static void bench_stiffness(void)
{
    enum { NTOT = 100000, CHUNK = 10000, HOT = 64 };
    int order;
    double *X = malloc(sizeof(double) * 12 * NTOT), *E = malloc(sizeof(double) * NTOT),
           *nu = malloc(sizeof(double) * NTOT), *Ke = malloc(sizeof(double) * 900 * CHUNK);
    int e, rep;
    if (!X || !E || !nu || !Ke) {
        printf("bench: out of memory, skipped\n");
        free(X); free(E); free(nu); free(Ke);
        return;
    }
    for (e = 0; e < NTOT; e++) {
        random_tet((double(*)[3])(X + 12 * (size_t)e));
        E[e] = 200e3;
        nu[e] = 0.3;
    }
    for (order = 2; order >= 1; order--) {
        double best = 1e300, besthot = 1e300, chk = 0.0;
        for (rep = 0; rep < 5; rep++) {
            double t0 = now_s(), t;
            for (e = 0; e < NTOT; e += CHUNK) {
                ft_cpu_stiffness_batch(order, CHUNK, X + 12 * (size_t)e, E + e, nu + e, Ke);
                chk += Ke[0];
            }
            t = now_s() - t0;
            if (t < best) best = t;
            t0 = now_s();
            for (e = 0; e + HOT <= NTOT; e += HOT) {
                ft_cpu_stiffness_batch(order, HOT, X + 12 * (size_t)e, E + e, nu + e, Ke);
                chk += Ke[1];
            }
            t = now_s() - t0;
            if (t < besthot) besthot = t;
        }
        printf("bench: P%d ft_cpu_stiffness_batch, %s, %d random elements: %.3g elements/s "
               "(to a %d-element buffer), %.3g elements/s in cache (checksum %g)\n",
               order,
#if defined(_OPENMP)
               "OpenMP build (all threads)",
#else
               "one core",
#endif
               NTOT, NTOT / best, CHUNK, (double)(NTOT / HOT * HOT) / besthot, chk);
    }
    free(X);
    free(E);
    free(nu);
    free(Ke);
}

int main(void)
{
    test_geometry();
    test_shape();
    test_quadrature();
    test_stiffness();
    test_patch();
    test_p2_quadratic_energy();
    test_conductivity();
    test_thermal();
    test_body_loads();
    test_triangle();
    test_stress_measures();
    test_batch();
    bench_stiffness();
    return check_summary();
}
