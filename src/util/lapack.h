/* The LAPACK routines ftwin calls, with their Fortran prototypes (every argument by reference;
 * a character argument's length follows the others as a hidden size_t, as gfortran passes it).
 * Matrices are column-major: a row-major symmetric matrix is its own transpose, so its lower
 * triangle is LAPACK's 'U' triangle. */
#ifndef FT_LAPACK_H
#define FT_LAPACK_H
#include <stddef.h>

/* Cholesky factorisation A = U^T U ('U') or L L^T ('L') of a symmetric positive definite A. info > 0: not positive definite. */
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t uplo_len);
/* Solves A X = B with the factor from dpotrf_. */
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda, double *b, const int *ldb, int *info,
             size_t uplo_len);
/* The inverse of A from the factor of dpotrf_ (into the same triangle). */
void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t uplo_len);
#endif
