/* ftwin kernels: batched element loops over many elements, CPU and CUDA.
 *
 * The CPU loops (kernels/cpu/ft_cpu_elements.c) and the CUDA wrappers
 * (kernels/cuda/ft_cuda_elements.cu) call the same FT_HD element routines
 * (ft_elasticity.h), so both backends run the same math.
 *
 * Layouts (all row-major, double, HOST memory for every pointer):
 *   X     [nelem][4][3]             vertex coordinates (affine geometry, vertices only)
 *   E, nu, alpha [nelem]            per-element material
 *   Ke    [nelem][(3n)*(3n)]        element stiffness, n = 4 (order 1) or 10 (order 2)
 *   ue    [ncases][nelem][3n]       element displacement vectors (node-major, 3a+i)
 *   dTe   [ncases][nelem][n]        nodal T - T_ref, or NULL (no thermal strain)
 *   lam   [npts][4]                 barycentric evaluation points (same for all elements)
 *   sigma [ncases][nelem][npts][6]  stresses, Voigt xx,yy,zz,yz,xz,xy
 *
 * Return value: 0 on success, non-zero on invalid arguments (order not 1/2, negative
 * counts, NULL required pointers) or, for CUDA, any CUDA error; the CUDA functions then
 * write a message into err[errlen] (if err != NULL && errlen > 0). nelem == 0 (or
 * ncases/npts == 0) is a successful no-op.
 */
#ifndef FT_BATCH_H
#define FT_BATCH_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

int ft_cpu_stiffness_batch(int order, int nelem, const double *X, const double *E,
                           const double *nu, double *Ke);
int ft_cpu_stress_batch(int order, int nelem, const double *X, const double *E,
                        const double *nu, const double *alpha, int ncases, const double *ue,
                        const double *dTe, int npts, const double *lam, double *sigma);

/* CUDA: host pointers in and out; device buffers are allocated, used and freed inside
 * (work is split in chunks that fit the free device memory). One thread per element
 * (stiffness) / per element-case pair (stress). */
int ft_cuda_stiffness_batch(int order, int nelem, const double *X, const double *E,
                            const double *nu, double *Ke, char *err, size_t errlen);
int ft_cuda_stress_batch(int order, int nelem, const double *X, const double *E,
                         const double *nu, const double *alpha, int ncases, const double *ue,
                         const double *dTe, int npts, const double *lam, double *sigma,
                         char *err, size_t errlen);
/* Same stiffness kernel on DEVICE pointers (dX, dE, dnu, dKe with the layouts above): no
 * copies and no synchronization (launch errors are reported; the caller synchronizes).
 * For keeping data on the device, or timing the kernel alone. */
int ft_cuda_stiffness_batch_device(int order, int nelem, const double *dX, const double *dE,
                                   const double *dnu, double *dKe, char *err, size_t errlen);
/* Number of visible CUDA devices; 0 when there is no driver or device (never aborts). */
int ft_cuda_device_count(void);
/* One-line description of the visible devices ("no CUDA device: CPU kernels" if none). */
void ft_cuda_describe(char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* FT_BATCH_H */
