#include "util/backend.h"

#include <string.h>

#include "build_info.h"
#include "ft_batch.h"

static int CpuStiffness(int order, int nelem, const double *X, const double *E, const double *nu, double *Ke, char *err, size_t errlen)
{
  return ft_cpu_stiffness_batch(order, nelem, X, E, nu, Ke);
}

static int CpuStress(int order, int nelem, const double *X, const double *E, const double *nu, const double *alpha, int ncases,
                     const double *ue, const double *dTe, int npts, const double *lam, double *sigma, char *err, size_t errlen)
{
  return ft_cpu_stress_batch(order, nelem, X, E, nu, alpha, ncases, ue, dTe, npts, lam, sigma);
}

static const FtBackend ft_backends[] = {
  {FT_BACKEND_CPU, "cpu", CpuStiffness, CpuStress},
  {FT_BACKEND_CUDA, "cuda", ft_cuda_stiffness_batch, ft_cuda_stress_batch},
};

int FtCudaDeviceCount(void) { return ft_cuda_device_count(); }

void FtCudaDescribe(char *buf, size_t len) { ft_cuda_describe(buf, len); }

PetscErrorCode FtBackendSelect(const char *request, const FtBackend **backend)
{
  int ndev = FtCudaDeviceCount();

  PetscFunctionBeginUser;
  if (!request || !strcmp(request, "auto")) *backend = &ft_backends[ndev > 0 ? FT_BACKEND_CUDA : FT_BACKEND_CPU];
  else if (!strcmp(request, "cpu")) *backend = &ft_backends[FT_BACKEND_CPU];
  else if (!strcmp(request, "cuda")) {
    PetscCheck(FTWIN_BUILD_CUDA, PETSC_COMM_WORLD, PETSC_ERR_SUP, "--backend cuda: this ftwin was built without CUDA (-DFTWIN_CUDA=OFF)");
    PetscCheck(ndev > 0, PETSC_COMM_WORLD, PETSC_ERR_SUP, "--backend cuda: no CUDA device is visible (ftwin info lists devices)");
    *backend = &ft_backends[FT_BACKEND_CUDA];
  } else SETERRQ(PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "--backend: unknown backend '%s' (known: auto, cpu, cuda)", request);
  PetscFunctionReturn(0);
}
