/* Describes the visible CUDA devices for `ftwin info`. Never aborts: without a driver or a
 * device, cudaGetDeviceCount returns an error and we report "no CUDA device". */
#include <cuda_runtime.h>
#include <stdio.h>

extern "C" void ft_cuda_describe(char *buf, size_t len)
{
  int n = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess || n == 0) {
    snprintf(buf, len, "no CUDA device: CPU kernels (%s)", e != cudaSuccess ? cudaGetErrorString(e) : "0 devices");
    cudaGetLastError(); /* clear the sticky error state of the failed query */
    return;
  }
  size_t used = 0;
  for (int i = 0; i < n && used < len; i++) {
    cudaDeviceProp p;
    if (cudaGetDeviceProperties(&p, i) != cudaSuccess) continue;
    used += (size_t)snprintf(buf + used, len - used, "%sGPU %d: %s (sm_%d%d, %.1f GiB)", i ? "; " : "", i, p.name, p.major, p.minor,
                             p.totalGlobalMem / 1073741824.0);
  }
}
