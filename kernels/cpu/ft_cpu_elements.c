/* ftwin kernels: CPU batched element loops (the path the CUDA backend mirrors).
 * One iteration per element (stiffness) or per element-case pair (stress), calling the
 * shared FT_HD element routines. Parallel over elements with OpenMP when compiled with
 * -fopenmp (each iteration writes a disjoint slice of the output). */
#include "../ft_batch.h"
#include "../ft_elasticity.h"
#include "../ft_tet.h"

#if defined(_OPENMP)
#define FT_OMP_FOR _Pragma("omp parallel for schedule(static)")
#else
#define FT_OMP_FOR
#endif

/* Ke[e] = ft_tet_stiffness(order, X[e], E[e], nu[e]) = int B^T D B dV for every element e
 * (layouts in ft_batch.h). Returns 0, or 1 on invalid arguments. */
int ft_cpu_stiffness_batch(int order, int nelem, const double *X, const double *E,
                           const double *nu, double *Ke)
{
    const int n = ft_tet_num_nodes(order);
    const size_t nk = (size_t)(3 * n) * (size_t)(3 * n);
    long long e;
    if (n == 0 || nelem < 0) return 1;
    if (nelem == 0) return 0;
    if (!X || !E || !nu || !Ke) return 1;
    FT_OMP_FOR
    for (e = 0; e < (long long)nelem; e++) {
        ft_tet_stiffness(order, (const double(*)[3])(X + 12 * (size_t)e), E[e], nu[e],
                         Ke + nk * (size_t)e);
    }
    return 0;
}

/* sigma[c][e][p] = D (B(lam_p) ue[c][e] - alpha_e dT_c,e(lam_p) m) for every case c,
 * element e and point p (ft_tet_stress_at, geometry computed once per element-case).
 * dTe == NULL means no thermal strain. Returns 0, or 1 on invalid arguments. */
int ft_cpu_stress_batch(int order, int nelem, const double *X, const double *E,
                        const double *nu, const double *alpha, int ncases, const double *ue,
                        const double *dTe, int npts, const double *lam, double *sigma)
{
    const int n = ft_tet_num_nodes(order);
    long long t;
    if (n == 0 || nelem < 0 || ncases < 0 || npts < 0) return 1;
    if (nelem == 0 || ncases == 0 || npts == 0) return 0;
    if (!X || !E || !nu || !alpha || !ue || !lam || !sigma) return 1;
    FT_OMP_FOR
    for (t = 0; t < (long long)nelem * (long long)ncases; t++) {
        /* t = c * nelem + e: same work split as the CUDA kernel (one per element-case) */
        const size_t e = (size_t)(t % nelem), c = (size_t)(t / nelem);
        const size_t ce = c * (size_t)nelem + e;
        double G[4][3];
        int p;
        ft_tet_geometry((const double(*)[3])(X + 12 * e), G);
        for (p = 0; p < npts; p++) {
            ft_tet_stress_at_geom(order, (const double(*)[3])G, E[e], nu[e], alpha[e],
                                  ue + ce * (size_t)(3 * n), dTe ? dTe + ce * (size_t)n : 0,
                                  lam + 4 * (size_t)p,
                                  sigma + (ce * (size_t)npts + (size_t)p) * 6);
        }
    }
    return 0;
}

/* Kc[e] = ft_tet_conductivity(order, X[e], kcond[e]) for every element e:
 *   Kc[a][b] = int_T k grad N_a . grad N_b dV   (exact: closed form per order, ft_elasticity.h)
 * (layouts in ft_batch.h). Returns 0, or 1 on invalid arguments. */
int ft_cpu_thermal_batch(int order, int nelem, const double *X, const double *kcond, double *Ke)
{
    const int n = ft_tet_num_nodes(order);
    const size_t nk = (size_t)n * (size_t)n;
    long long e;
    if (n == 0 || nelem < 0) return 1;
    if (nelem == 0) return 0;
    if (!X || !kcond || !Ke) return 1;
    FT_OMP_FOR
    for (e = 0; e < (long long)nelem; e++) {
        ft_tet_conductivity(order, (const double(*)[3])(X + 12 * (size_t)e), kcond[e],
                            Ke + nk * (size_t)e);
    }
    return 0;
}
