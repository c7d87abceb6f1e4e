/* ftwin kernels: common definitions for math written once for CPU and GPU.
 *
 * Every function in the kernels/ headers is `FT_HD` (static inline; __host__ __device__ under nvcc),
 * takes plain arrays and small POD structs, and knows nothing of PETSc, MPI or src/.
 * The CPU loops (kernels/cpu) and the CUDA kernels (kernels/cuda) include the same headers,
 * so the CPU unit tests check the math the GPU runs.
 */
#ifndef FT_KERNEL_H
#define FT_KERNEL_H

#if defined(__CUDACC__)
#define FT_HD __host__ __device__ static inline
#else
#define FT_HD static inline
#endif

/* Voigt order used everywhere in ftwin: xx, yy, zz, yz, xz, xy (engineering shear strains). */
enum { FT_XX = 0, FT_YY = 1, FT_ZZ = 2, FT_YZ = 3, FT_XZ = 4, FT_XY = 5 };

#define FT_TET_MAX_NODES 10 /* P2 tetrahedron */
#define FT_TRI_MAX_NODES 6  /* P2 triangle (face of a P2 tetrahedron) */

#endif
