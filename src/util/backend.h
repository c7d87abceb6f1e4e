/* The one place that chooses where element and stress kernels run: CPU or CUDA.
 *
 * `--backend auto|cpu|cuda`: auto takes CUDA when this binary was built with CUDA and a device
 * is visible, else the CPU; cuda without a device (or without a CUDA build) is an error.
 * Everything else asks FtBackendGet() and calls through the table, never `#if CUDA`. */
#ifndef FT_BACKEND_H
#define FT_BACKEND_H
#include <petscsys.h>
#include <stddef.h>

typedef enum { FT_BACKEND_CPU = 0, FT_BACKEND_CUDA = 1 } FtBackendKind;

typedef struct {
  FtBackendKind kind;
  const char   *name;
  int (*stiffness_batch)(int order, int nelem, const double *X, const double *E, const double *nu,
                         double *Ke, char *err, size_t errlen);
  int (*stress_batch)(int order, int nelem, const double *X, const double *E, const double *nu,
                      const double *alpha, int ncases, const double *ue, const double *dTe, int npts,
                      const double *lam, double *sigma, char *err, size_t errlen);
} FtBackend;

/* Number of visible CUDA devices (0 without a CUDA build, a driver or a device). */
int            FtCudaDeviceCount(void);
/* Describes the visible devices into buf ("no CUDA device: CPU kernels" when none). */
void           FtCudaDescribe(char *buf, size_t len);
PetscErrorCode FtBackendSelect(const char *request, const FtBackend **backend);
#endif
