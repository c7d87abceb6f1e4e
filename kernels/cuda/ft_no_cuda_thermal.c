/* The CUDA half of the backend table in a build without CUDA (-DFTWIN_CUDA=OFF), for the thermal
 * kernel, the chunk cap and the device binding (kept apart from ft_no_cuda.c so that the helpers
 * adding families to it do not collide; globbed with it as kernels/cuda/ft_no_cuda*.c). */
#include <stdio.h>

#include "ft_batch.h"

static long ft_no_cuda_max_chunk = 0;

int ft_cuda_thermal_batch(int order, int nelem, const double *X, const double *kcond, double *Ke, char *err, size_t errlen)
{
  if (err && errlen) snprintf(err, errlen, "this ftwin was built without CUDA");
  return 1;
}

/* kept so that ft_cuda_max_chunk reports what was set (no kernel uses it; FTWIN_CUDA_MAX_CHUNK is
 * read by the CUDA builds only) */
void ft_cuda_set_max_chunk(long elements) { ft_no_cuda_max_chunk = elements > 0 ? elements : 0; }
long ft_cuda_max_chunk(void) { return ft_no_cuda_max_chunk; }

int ft_cuda_bind_device(int local_rank, int local_size, char *desc, size_t len)
{
  if (local_size < 1 || local_rank < 0 || local_rank >= local_size) {
    if (desc && len) snprintf(desc, len, "ft_cuda_bind_device: local rank %d outside [0, %d)", local_rank, local_size);
    return 1;
  }
  if (desc && len) snprintf(desc, len, "rank %d: built without CUDA, no device to bind", local_rank);
  return 0;
}

int ft_cuda_device_sharers(void) { return 1; }
