/* The CUDA half of the backend table in a build without CUDA (-DFTWIN_CUDA=OFF): no devices,
 * and the kernels say so if anything ever calls them. */
#include <stdio.h>

#include "ft_batch.h"

int  ft_cuda_device_count(void) { return 0; }
void ft_cuda_describe(char *buf, size_t len) { snprintf(buf, len, "built without CUDA: CPU kernels"); }

int ft_cuda_stiffness_batch(int order, int nelem, const double *X, const double *E, const double *nu, double *Ke, char *err, size_t errlen)
{
  snprintf(err, errlen, "this ftwin was built without CUDA");
  return 1;
}

int ft_cuda_stress_batch(int order, int nelem, const double *X, const double *E, const double *nu, const double *alpha, int ncases,
                         const double *ue, const double *dTe, int npts, const double *lam, double *sigma, char *err, size_t errlen)
{
  snprintf(err, errlen, "this ftwin was built without CUDA");
  return 1;
}
