/* bench/gpu: a minimal BLAS (dgemm_, sgemm_ only: what kernels/ links) for bench/gpu/prove.sh on a
 * GPU machine that has no system BLAS (kernels/CMakeLists.txt requires one for
 * ft_cpu_fatigue_batch_gemm). Straight triple loops of the reference BLAS (column-major,
 * C = alpha op(A) op(B) + beta C); slow, correct, never used where a system BLAS exists. The
 * conformance suite and the benchmarks do not call it (the GEMM fatigue path is CPU-only).
 * prove.sh builds it as libblas.a and points FindBLAS at it (BLA_VENDOR=Generic). */
#include <stddef.h>

#define FT_GEMM(NAME, T)                                                                            \
    void NAME(const char *ta, const char *tb, const int *m, const int *n, const int *k,             \
              const T *alpha, const T *A, const int *lda, const T *B, const int *ldb, const T *beta, \
              T *C, const int *ldc, size_t lta, size_t ltb)                                         \
    {                                                                                               \
        const int at = (*ta == 'T' || *ta == 't' || *ta == 'C' || *ta == 'c');                      \
        const int bt = (*tb == 'T' || *tb == 't' || *tb == 'C' || *tb == 'c');                      \
        int i, j, l;                                                                                \
        (void)lta;                                                                                  \
        (void)ltb;                                                                                  \
        for (j = 0; j < *n; j++)                                                                    \
            for (i = 0; i < *m; i++) {                                                              \
                T s = 0;                                                                            \
                for (l = 0; l < *k; l++) {                                                          \
                    const T a = at ? A[l + (size_t)i * *lda] : A[i + (size_t)l * *lda];             \
                    const T b = bt ? B[j + (size_t)l * *ldb] : B[l + (size_t)j * *ldb];             \
                    s += a * b;                                                                     \
                }                                                                                   \
                C[i + (size_t)j * *ldc] =                                                           \
                    (*beta == 0 ? 0 : *beta * C[i + (size_t)j * *ldc]) + *alpha * s;                \
            }                                                                                       \
    }

FT_GEMM(dgemm_, double)
FT_GEMM(sgemm_, float)
