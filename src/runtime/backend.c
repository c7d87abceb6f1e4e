#include "runtime/backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build_info.h"
#include "ft_batch.h"
#include "runtime/log.h"

/* The CPU loops return a code without a message: the message of the table's signature is theirs. */
static int CpuStiffness(int order, int nelem, const double *X, const double *E, const double *nu, double *Ke, char *err, size_t errlen)
{
  int rc = ft_cpu_stiffness_batch(order, nelem, X, E, nu, Ke);
  if (rc && err && errlen) snprintf(err, errlen, "CPU stiffness kernel: invalid arguments (order %d, %d elements)", order, nelem);
  return rc;
}

static int CpuStress(int order, int nelem, const double *X, const double *E, const double *nu, const double *alpha, int ncases,
                     const double *ue, const double *dTe, int npts, const double *lam, double *sigma, char *err, size_t errlen)
{
  int rc = ft_cpu_stress_batch(order, nelem, X, E, nu, alpha, ncases, ue, dTe, npts, lam, sigma);
  if (rc && err && errlen)
    snprintf(err, errlen, "CPU stress kernel: invalid arguments (order %d, %d elements, %d cases, %d points)", order, nelem, ncases, npts);
  return rc;
}

static int CpuThermal(int order, int nelem, const double *X, const double *kcond, double *Ke, char *err, size_t errlen)
{
  int rc = ft_cpu_thermal_batch(order, nelem, X, kcond, Ke);
  if (rc && err && errlen) snprintf(err, errlen, "CPU conductivity kernel: invalid arguments (order %d, %d elements)", order, nelem);
  return rc;
}

/* Designated initializers: a family a backend lacks is simply not named (NULL). */
static const FtBackend ft_backends[] = {
  {.kind                     = FT_BACKEND_CPU,
   .name                     = "cpu",
   .stiffness_batch          = CpuStiffness,
   .stress_batch             = CpuStress,
   .thermal_batch            = CpuThermal,
   .fatigue_init             = ft_cpu_fatigue_init,
   .fatigue_batch            = ft_cpu_fatigue_batch,
   .fatigue_batch_gemm       = ft_cpu_fatigue_batch_gemm,
   .fatigue_damage           = ft_cpu_fatigue_damage,
   .fatigue_batch_spill      = ft_cpu_fatigue_batch_spill,
   .fatigue_batch_gemm_spill = ft_cpu_fatigue_batch_gemm_spill,
   .fatigue_damage_spill     = ft_cpu_fatigue_damage_spill},
  /* The CUDA fatigue engine (kernels/cuda/ft_cuda_fatigue.cu): the session and the one-shot batch forms count on the device.
   * init and damage are the CPU functions: they work on the host arrays, which the session uploads at open and syncs back
   * (the damage snapshot reads the synced state). No GEMM superposition (the kernel fuses it): those entries stay NULL. */
  {.kind                 = FT_BACKEND_CUDA,
   .name                 = "cuda",
   .stiffness_batch      = ft_cuda_stiffness_batch,
   .stress_batch         = ft_cuda_stress_batch,
   .thermal_batch        = ft_cuda_thermal_batch,
   .fatigue_init         = ft_cpu_fatigue_init,
   .fatigue_batch        = ft_cuda_fatigue_batch,
   .fatigue_damage       = ft_cpu_fatigue_damage,
   .fatigue_batch_spill  = ft_cuda_fatigue_batch_spill,
   .fatigue_damage_spill = ft_cpu_fatigue_damage_spill,
   .fatigue_open         = ft_cuda_fatigue_open,
   .fatigue_chunk        = ft_cuda_fatigue_chunk,
   .fatigue_sync         = ft_cuda_fatigue_sync,
   .fatigue_close        = ft_cuda_fatigue_close},
};

int FtCudaDeviceCount(void) { return ft_cuda_device_count(); }

void FtCudaDescribe(char *buf, size_t len) { ft_cuda_describe(buf, len); }

static char ft_binding[256] = "";
static int  ft_binding_logged = 0;

PetscErrorCode FtBackendBindDevice(MPI_Comm comm)
{
  MPI_Comm    node;
  PetscMPIInt local_rank, local_size;

  PetscFunctionBeginUser;
  /* the ranks of this node (shared memory): one device each, in turn */
  PetscCallMPI(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  PetscCallMPI(MPI_Comm_rank(node, &local_rank));
  PetscCallMPI(MPI_Comm_size(node, &local_size));
  PetscCallMPI(MPI_Comm_free(&node));
  /* a failed cudaSetDevice is not fatal here (the CPU backend needs no device): the binding line
   * says so, and a cuda kernel reports its own CUDA error if one is asked for */
  if (ft_cuda_bind_device(local_rank, local_size, ft_binding, sizeof ft_binding)) {
    char why[256];
    snprintf(why, sizeof why, "%s", ft_binding);
    snprintf(ft_binding, sizeof ft_binding, "rank %d: no device bound (%.200s)", (int)local_rank, why);
  }
  PetscFunctionReturn(0);
}

const char *FtBackendBinding(void) { return ft_binding; }

PetscErrorCode FtBackendSelect(const char *request, const FtBackend **backend)
{
  int ndev = FtCudaDeviceCount();

  PetscFunctionBeginUser;
  /* auto never takes the emulation: it is for tests, asked for by name (--backend cuda) */
  if (!request || !strcmp(request, "auto")) *backend = &ft_backends[ndev > 0 && !FTWIN_BUILD_CUDA_EMULATION ? FT_BACKEND_CUDA : FT_BACKEND_CPU];
  else if (!strcmp(request, "cpu")) *backend = &ft_backends[FT_BACKEND_CPU];
  else if (!strcmp(request, "cuda")) {
    PetscCheck(FTWIN_BUILD_CUDA, PETSC_COMM_WORLD, PETSC_ERR_SUP, "--backend cuda: this ftwin was built without CUDA (-DFTWIN_CUDA=OFF)");
    PetscCheck(ndev > 0, PETSC_COMM_WORLD, PETSC_ERR_SUP, "--backend cuda: no CUDA device is visible (ftwin info lists devices)");
    *backend = &ft_backends[FT_BACKEND_CUDA];
  } else SETERRQ(PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "--backend: unknown backend '%s' (known: auto, cpu, cuda)", request);
  /* a malformed chunk cap is the user's input: refused here, on every rank, before any kernel */
  PetscCheck((*backend)->kind != FT_BACKEND_CUDA || ft_cuda_max_chunk() >= 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "FTWIN_CUDA_MAX_CHUNK='%s' is not a non-negative integer (elements per chunk of the cuda kernels; 0 = sized by free device memory)",
             getenv("FTWIN_CUDA_MAX_CHUNK"));
  if ((*backend)->kind == FT_BACKEND_CUDA && !ft_binding_logged) { /* rank 0's binding, once per process */
    ft_binding_logged = 1;
    PetscCall(FtLogInfo("cuda backend: %s", ft_binding));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FtBackendSelectFatigue(const char *request, const FtBackend **backend)
{
  PetscFunctionBeginUser;
  PetscCall(FtBackendSelect(request, backend));
  if (!(*backend)->fatigue_batch) {
    PetscCheck(!request || !strcmp(request, "auto"), PETSC_COMM_WORLD, PETSC_ERR_SUP,
               "--backend %s: the fatigue stage has no %s backend yet (unfinished); use --backend cpu", request, (*backend)->name);
    *backend = &ft_backends[FT_BACKEND_CPU];
  }
  PetscFunctionReturn(0);
}

const char *FtBackendFatigueError(int code)
{
  switch (code) {
  case FT_BATCH_OK: return "no error";
  case FT_BATCH_EARGS: return "invalid arguments";
  case FT_BATCH_EPARAMS: return "invalid fatigue parameters";
  case 3: return "out of memory";
  case FT_BATCH_ECUDA:
  case FT_BATCH_ENODEV: return ft_cuda_fatigue_last_error()[0] ? ft_cuda_fatigue_last_error() : "CUDA error";
  default: return "unknown error";
  }
}
