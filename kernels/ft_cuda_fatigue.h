/* ftwin kernels: the CUDA fatigue engine (kernels/cuda/ft_cuda_fatigue.cu), a device-resident
 * counting session, and the backend table's one-shot forms with the CPU loops' signatures.
 *
 * The same counting as ft_cpu_fatigue_batch / ft_cpu_fatigue_batch_spill (kernels/
 * ft_fatigue_batch.h: model, layouts, return values), with the rainflow states and damage
 * accumulators kept in device memory across time chunks:
 *
 *   ft_cuda_fatigue_open   uploads the unit stresses S and the states rf / acc (HOST arrays,
 *                          which the session syncs back into); spill != NULL asks for the
 *                          exact ASTM count (as ft_cpu_fatigue_batch_spill), NULL for the
 *                          bounded one (as ft_cpu_fatigue_batch: FT_RF_ERR_OVERFLOW past
 *                          FT_RF_MAX_RESIDUE residue points). fast = 0: the exact kernel
 *                          (no FMA contraction), 1: the fast one (FMA allowed).
 *   ft_cuda_fatigue_chunk  counts the next nsteps load steps L[nsteps][nchan] (host memory);
 *                          nothing is copied back but one counter (and, rarely, the signals
 *                          that had to leave the device: see below).
 *   ft_cuda_fatigue_sync   device state -> the host arrays rf / acc (call it before reading or
 *                          saving them; spill is always current on the host).
 *   ft_cuda_fatigue_close  frees the session (no sync).
 * S, rf, acc and spill must stay valid and must not be changed by the caller between open and
 * close (the session reads S again for signals it counts on the host).
 *
 * Exactness with a bounded device residue (spill != NULL): the device never spills. When a
 * signal's inline residue is full (rf.n == FT_RF_MAX_RESIDUE, where the CPU loop would grow
 * its spill), the kernel stops that signal before the sample, records the step and marks it;
 * the host copies the signal's state back and continues it on the CPU with its spill
 * (ft_cpu_rf_push_spill, the same arithmetic as the CPU loop) to the end of the chunk. Such a
 * signal stays host-counted for good (for the rest of the session). A signal whose spill is
 * already non-empty at open is host-counted from the start. So the count is exact ASTM
 * E1049 and, in exact mode, equal to ft_cpu_fatigue_batch_spill's.
 *
 * Device memory: the budget is the free memory (cudaMemGetInfo) divided by the sharing
 * factor less 10%: the local ranks sharing the device (ft_cuda_device_sharers, ft_batch.h),
 * or the factor set with ft_cuda_fatigue_set_memory_share. When all nodes fit, they
 * stay resident for the session (one block); otherwise the nodes are processed in blocks
 * that fit, each block's S and states uploaded and downloaded per chunk (the host arrays are
 * then always current and sync is a no-op).
 *
 * Return values: FT_BATCH_OK, FT_BATCH_EARGS, FT_BATCH_EPARAMS (as the CPU), 3 host out of
 * memory, FT_BATCH_ECUDA a CUDA call failed (err names the call and CUDA's message), or
 * FT_BATCH_ENODEV (no CUDA in this build / no device). After a failed chunk or sync the
 * session refuses further chunks (FT_BATCH_ECUDA); close it. A failure leaves the host arrays
 * as they were at the last successful sync for device-counted signals of a resident session.
 * The one-shot forms write their message where ft_cuda_fatigue_last_error() finds it (per
 * thread). */
#ifndef FT_CUDA_FATIGUE_H
#define FT_CUDA_FATIGUE_H

#include <stddef.h>

#include "ft_fatigue_batch.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { FT_BATCH_ECUDA = 4, FT_BATCH_ENODEV = 5 };

typedef struct FtCudaFatigue FtCudaFatigue;

int ft_cuda_fatigue_open(int nnodes, int ld, int nchan, const double *S, int eq_kind,
                         const FtFatigueParams *par, int fast, FtRainflowState *rf,
                         FtRfSpill *spill, FtDamageAcc *acc, FtCudaFatigue **session,
                         char *err, size_t errlen);
int ft_cuda_fatigue_chunk(FtCudaFatigue *s, int nsteps, const double *L, char *err,
                          size_t errlen);
int ft_cuda_fatigue_sync(FtCudaFatigue *s, char *err, size_t errlen);
void ft_cuda_fatigue_close(FtCudaFatigue *s);

/* The backend table's one-shot forms (open + chunk + sync + close), exact mode, the CPU
 * loops' signatures; the message of a failure: ft_cuda_fatigue_last_error(). */
int ft_cuda_fatigue_batch(int nnodes, int ld, int nchan, const double *S, int nsteps,
                          const double *L, int eq_kind, const FtFatigueParams *par,
                          FtRainflowState *rf, FtDamageAcc *acc);
int ft_cuda_fatigue_batch_spill(int nnodes, int ld, int nchan, const double *S, int nsteps,
                                const double *L, int eq_kind, const FtFatigueParams *par,
                                FtRainflowState *rf, FtRfSpill *spill, FtDamageAcc *acc);
/* The message of this thread's last failed one-shot call or session call ("" if none). */
const char *ft_cuda_fatigue_last_error(void);

/* Sharing factor of the device memory (>= 1; e.g. 2 when another engine needs half of it):
 * the budget of sessions opened afterwards is free / share. Process-wide; 1 (the default)
 * means: the local ranks sharing the device (ft_cuda_device_sharers). */
void ft_cuda_fatigue_set_memory_share(int share);

/* About a session (for tests and logs): signals counted on the host (see above), node blocks
 * (1: resident). */
long long ft_cuda_fatigue_host_signals(const FtCudaFatigue *s);
int ft_cuda_fatigue_node_blocks(const FtCudaFatigue *s);

#ifdef __cplusplus
}
#endif

#endif /* FT_CUDA_FATIGUE_H */
