/* The one place that chooses where kernels run: CPU or CUDA, for every kernel family (element
 * stiffness and stress, the fatigue engine).
 *
 * `--backend auto|cpu|cuda`: auto takes CUDA when this binary was built with CUDA and a device
 * is visible, else the CPU; cuda without a device (or without a CUDA build) is an error. In a
 * build with -DFTWIN_CUDA_EMULATION=ON the cuda backend is CUDA emulation on the CPU (the .cu
 * kernels compiled as C++, kernels/cuda/ft_cuda_emu.h): taken by --backend cuda only, never by auto. A
 * family a backend does not have is NULL in its table: FtBackendSelectFatigue then takes the
 * CPU for auto and refuses an explicit cuda. Everything else calls through the table, never
 * `#if CUDA`. Every kernel returns 0 or a code; the caller reports it with its message. */
#ifndef FT_BACKEND_H
#define FT_BACKEND_H
#include <petscsys.h>
#include <stddef.h>

#include "ft_cuda_fatigue.h"
#include "ft_fatigue_batch.h"

typedef enum { FT_BACKEND_CPU = 0, FT_BACKEND_CUDA = 1 } FtBackendKind;

typedef struct {
  FtBackendKind kind;
  const char   *name;
  int (*stiffness_batch)(int order, int nelem, const double *X, const double *E, const double *nu,
                         double *Ke, char *err, size_t errlen);
  int (*stress_batch)(int order, int nelem, const double *X, const double *E, const double *nu,
                      const double *alpha, int ncases, const double *ue, const double *dTe, int npts,
                      const double *lam, double *sigma, char *err, size_t errlen);
  /* Element conductivity matrices Kc [nelem][n*n] of steady heat conduction (kernels/ft_batch.h). */
  int (*thermal_batch)(int order, int nelem, const double *X, const double *kcond, double *Ke, char *err, size_t errlen);
  /* The fatigue engine (kernels/ft_fatigue_batch.h: layouts, return codes): counting states
   * initialised, a time chunk counted (fused superposition, or by GEMM: gemm_single 0 double,
   * 1 single), the damage so far. NULL where this backend has no fatigue engine. */
  int (*fatigue_init)(int n, double gate, FtRainflowState *rf, FtDamageAcc *acc);
  int (*fatigue_batch)(int nnodes, int ld, int nchan, const double *S, int nsteps, const double *L, int eq_kind,
                       const FtFatigueParams *par, FtRainflowState *rf, FtDamageAcc *acc);
  int (*fatigue_batch_gemm)(int nnodes, int ld, int nchan, const double *S, int nsteps, const double *L, int eq_kind,
                            const FtFatigueParams *par, int gemm_single, FtRainflowState *rf, FtDamageAcc *acc);
  int (*fatigue_damage)(int nnodes, int nc, const FtRainflowState *rf, const FtDamageAcc *acc, const FtFatigueParams *par,
                        double *D, int *worst);
  /* The same with a spill per counted signal (FtRfSpill [nnodes][nc], grown by the kernel's host side): an exact ASTM count
   * whatever the history (kernels/ft_rainflow.h, "Residue capacity"). NULL where the backend keeps a bounded residue only
   * (its count is then approximate past FT_RF_MAX_RESIDUE points, flagged FT_RF_ERR_OVERFLOW). */
  int (*fatigue_batch_spill)(int nnodes, int ld, int nchan, const double *S, int nsteps, const double *L, int eq_kind,
                             const FtFatigueParams *par, FtRainflowState *rf, FtRfSpill *spill, FtDamageAcc *acc);
  int (*fatigue_batch_gemm_spill)(int nnodes, int ld, int nchan, const double *S, int nsteps, const double *L, int eq_kind,
                                  const FtFatigueParams *par, int gemm_single, FtRainflowState *rf, FtRfSpill *spill,
                                  FtDamageAcc *acc);
  int (*fatigue_damage_spill)(int nnodes, int nc, const FtRainflowState *rf, const FtRfSpill *spill, const FtDamageAcc *acc,
                              const FtFatigueParams *par, double *D, int *worst);
  /* A counting session that keeps the states on the device across time chunks (kernels/ft_cuda_fatigue.h): open uploads S and
   * the host states rf / acc (spill != NULL: the exact count), chunk counts the next steps, sync copies the device state back
   * into rf / acc (before they are read or saved), close frees it. fast: the FMA kernel (fatigue.cuda_mode). NULL on the CPU,
   * whose fatigue_batch* work on the host arrays directly. */
  int (*fatigue_open)(int nnodes, int ld, int nchan, const double *S, int eq_kind, const FtFatigueParams *par, int fast, FtRainflowState *rf,
                      FtRfSpill *spill, FtDamageAcc *acc, FtCudaFatigue **session, char *err, size_t errlen);
  int (*fatigue_chunk)(FtCudaFatigue *session, int nsteps, const double *L, char *err, size_t errlen);
  int (*fatigue_sync)(FtCudaFatigue *session, char *err, size_t errlen);
  void (*fatigue_close)(FtCudaFatigue *session);
} FtBackend;

/* Number of visible CUDA devices (0 without a CUDA build, a driver or a device). */
int            FtCudaDeviceCount(void);
/* Describes the visible devices into buf ("no CUDA device: CPU kernels" when none). */
void           FtCudaDescribe(char *buf, size_t len);
/* Binds this rank to one CUDA device (local rank on its node modulo the device count; the element
 * kernels then size their chunks by the device's free memory / the ranks sharing it). Collective on
 * comm; called once at start-up, after PetscInitialize. Without a device, or when binding fails,
 * nothing is bound and FtBackendBinding says why (not an error: the CPU backend needs no device). */
PetscErrorCode FtBackendBindDevice(MPI_Comm comm);
/* This rank's binding, "rank r -> device d (k ranks share it)" or why there is none ("" before
 * FtBackendBindDevice). */
const char    *FtBackendBinding(void);
/* The element kernels' backend for `--backend request` (NULL: auto). */
PetscErrorCode FtBackendSelect(const char *request, const FtBackend **backend);
/* The fatigue engine's backend: as FtBackendSelect, but auto falls back to the CPU while the
 * chosen backend has no fatigue engine, and an explicit one without it is an error. The cuda backend has one (fused
 * superposition only: its fatigue_batch_gemm* are NULL, so the engine refuses `fatigue.superposition: gemm` with it). */
PetscErrorCode FtBackendSelectFatigue(const char *request, const FtBackend **backend);
/* The message of a fatigue kernel's return code (FT_BATCH_*), for an error line. */
const char    *FtBackendFatigueError(int code);
#endif
