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
 *   kcond [nelem]                   per-element (isotropic) thermal conductivity
 *   Kc    [nelem][n*n]              element conductivity matrix (row-major, node a row, node b
 *                                   column), n = 4 (order 1) or 10 (order 2)
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
/* Kc[e] = ft_tet_conductivity(order, X[e], kcond[e]) = int k grad N_a . grad N_b dV
 * (layouts above; Ke here is the conductivity matrix Kc). */
int ft_cpu_thermal_batch(int order, int nelem, const double *X, const double *kcond, double *Ke);

/* CUDA: host pointers in and out; device buffers are allocated, used and freed inside
 * (work is split in chunks that fit the free device memory). One thread per element
 * (stiffness) / per element-case pair (stress). */
int ft_cuda_stiffness_batch(int order, int nelem, const double *X, const double *E,
                            const double *nu, double *Ke, char *err, size_t errlen);
int ft_cuda_stress_batch(int order, int nelem, const double *X, const double *E,
                         const double *nu, const double *alpha, int ncases, const double *ue,
                         const double *dTe, int npts, const double *lam, double *sigma,
                         char *err, size_t errlen);
/* Conductivity matrices on the GPU (one thread per element; same math as the CPU loop). */
int ft_cuda_thermal_batch(int order, int nelem, const double *X, const double *kcond, double *Ke,
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

/* Largest number of elements one chunk of the host wrappers above (stiffness, stress, thermal)
 * moves to the device at a time: 0 (the default) sizes chunks by the free device memory alone;
 * n > 0 caps them at n elements (for tests of the chunked path; results must not change).
 * Without a call, the environment variable FTWIN_CUDA_MAX_CHUNK (a non-negative integer) gives
 * the value (read at every chunked call); a malformed value makes that call fail with a
 * message naming it. A negative argument is taken as 0. Process-wide; not thread-safe against
 * wrappers running at the same time. */
void ft_cuda_set_max_chunk(long elements);
/* The cap in force (0 = none): the last ft_cuda_set_max_chunk, else FTWIN_CUDA_MAX_CHUNK, else 0;
 * -1 when FTWIN_CUDA_MAX_CHUNK is malformed. */
long ft_cuda_max_chunk(void);

/* Binds this process to one device: device = local_rank % device count, where local_rank and
 * local_size are the rank and size among the processes of this node (MPI_COMM_TYPE_SHARED).
 * Remembers how many local ranks share the chosen device (the exact count of local ranks r
 * with r % ndev == device), and the wrappers size their chunks by free memory / that count, so
 * k ranks on one GPU never ask for more than it has. Writes "rank r -> device d (k ranks share
 * it)" ("(1 rank uses it)" when alone; or why there is no device) into desc[len]. Returns 0 on success or when there is no
 * device (nothing bound; the CPU backend is unaffected); 1 on invalid arguments (local_rank
 * outside [0, local_size)) or a failed cudaSetDevice, with the reason in desc. */
int ft_cuda_bind_device(int local_rank, int local_size, char *desc, size_t len);
/* Local ranks sharing this process's device (1 until ft_cuda_bind_device bound one). */
int ft_cuda_device_sharers(void);

#ifdef __cplusplus
}
#endif

#endif /* FT_BATCH_H */
