/* ftwin kernels: batched fatigue damage over nodes and time steps (CPU), the reference
 * implementation used by the tests, and host-only message helpers.
 *
 * The math is in the FT_HD headers (ft_rainflow.h, ft_sn.h, ft_equivalent.h); this file
 * declares the host loops of kernels/cpu/ft_cpu_fatigue.c.
 *
 * Model: the stress at node x and time step t is a linear combination of unit stress
 * fields (one per load channel k, e.g. one static FE solution per unit load)
 *   sigma(x, t) = sum_k S_k(x) L_k(t),
 * computed on the fly (the history is never stored), reduced to nc scalar channels by an
 * equivalent stress (ft_equivalent.h: nc = ft_equivalent_channels(eq_kind), 1 or the
 * critical plane's plane count, 25 by default, ft_eq_critical_plane(np) in ft_planes.h) and
 * fed to one streaming rainflow counter + damage accumulator per (node, channel).
 *
 * Layouts (row-major, double, HOST memory):
 *   S    [nchan][ld][6]  unit stress of channel k at node i: S[(k*ld + i)*6 + c], Voigt
 *                        xx,yy,zz,yz,xz,xy; ld >= nnodes is the node stride, so a node
 *                        chunk [i0, i0+n) of a field with ld nodes is S + 6*i0, n, ld
 *   L    [nsteps][nchan] load history chunk: L[t*nchan + k]
 *   rf   [nnodes][nc]    rainflow states, rf[i*nc + j] (the chunk's own nodes, from 0)
 *   acc  [nnodes][nc]    damage accumulators, same indexing
 *   D    [nnodes] (or [nnodes][nc] for the reference)   damage
 * Time chunks: call ft_cpu_fatigue_batch with consecutive chunks of L; rf and acc carry
 * the counting across calls (whole history == any chunking, bit for bit). At any time
 * ft_cpu_fatigue_damage gives the damage as if the history ended there, without
 * changing the states.
 *
 * Return values: 0 success; FT_BATCH_EARGS (1) invalid arguments (negative counts,
 * ld < nnodes, nchan not in [1, FT_FATIGUE_MAX_CHANNELS], unknown eq_kind, NULL
 * pointers where data is needed); FT_BATCH_EPARAMS (2) ft_fatigue_validate(par) != 0
 * (ft_fatigue_error_message tells why). nnodes == 0 or nsteps == 0 is a no-op (0).
 * With -fopenmp the node loop runs in parallel (each node owns its rf / acc entries).
 */
#ifndef FT_FATIGUE_BATCH_H
#define FT_FATIGUE_BATCH_H

#include <stddef.h>

#include "ft_equivalent.h"
#include "ft_rainflow.h"
#include "ft_sn.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FT_FATIGUE_MAX_CHANNELS 64
enum { FT_BATCH_OK = 0, FT_BATCH_EARGS = 1, FT_BATCH_EPARAMS = 2 };

/* The vector path of ft_cpu_fatigue_batch / _spill (kernels/cpu/ft_cpu_fatigue_simd.c):
 * blocks of W nodes in the lanes of a vector (superposition, equivalent stress and reversal
 * test in lanes, the residue per lane), for signed von Mises, its trace variant and max
 * |principal|, and the planes of the critical plane (W planes of a node in the lanes;
 * ft_cpu_fatigue_batch_gemm keeps its scalar counting). Bit-identical to the scalar kernel
 * (states, spills, damage, cycles, flags), so the choice only changes the speed. Chosen once at run
 * time from the CPU: "avx512" (8 lanes, AVX-512F), "avx2" (4), "sse2" (2, any x86-64),
 * "scalar" (the scalar reference kernel; the only path of a non-x86 build). The environment
 * variable FTWIN_SIMD = off | scalar | auto | sse2 | avx2 | avx512, read at the first batch
 * call, overrides the automatic choice (a path the CPU lacks: the best it has; off: scalar).
 * Not thread-safe: set before the batch calls, outside parallel regions. */
/* on = 0: the scalar kernel; else the best vector path of the CPU. Returns 1 if a vector
 * path is now used, 0 if scalar. */
int ft_cpu_fatigue_set_simd(int on);
/* name = off | scalar | auto | sse2 | avx2 | avx512 (as FTWIN_SIMD). Returns 0, or -1 for an
 * unknown name (nothing changed). */
int ft_cpu_fatigue_set_simd_path(const char *name);
/* The path the batch calls use now: "avx512", "avx2", "sse2" or "scalar" (for the log). */
const char *ft_cpu_fatigue_simd_name(void);

/* rf[m] = empty state with hysteresis gate, acc[m] = 0, m < n (n = nnodes * nc).
 * Returns 0, or FT_BATCH_EARGS (n < 0, NULL pointers with n > 0). */
int ft_cpu_fatigue_init(int n, double gate, FtRainflowState *rf, FtDamageAcc *acc);

/* Hot loop: for every node i < nnodes and step t < nsteps,
 *   sigma = sum_k S_k(i) L_k(t)  (k ascending),  e[0..nc) = ft_equivalent_stress(eq_kind),
 *   ft_rf_push(&rf[i*nc + j], e[j], par, &acc[i*nc + j]).
 * Critical plane: by coefficients instead (ft_planes.h), e[j] = sum_k (n_j^T S_k(i) n_j)
 * L_k(t), the coefficients computed once per node and call; equal to the above up to
 * rounding (kernels/tests/test_fatigue.c: damage within 1e-12 relative, cycles identical on
 * its histories). Layouts and return values: see above (also 3: out of memory for the
 * critical plane's coefficient scratch, nchan x planes doubles per thread). */
int ft_cpu_fatigue_batch(int nnodes, int ld, int nchan, const double *S, int nsteps,
                         const double *L, int eq_kind, const FtFatigueParams *par,
                         FtRainflowState *rf, FtDamageAcc *acc);

/* Same counting as ft_cpu_fatigue_batch, but the stress history of a block of nodes is formed
 * as a GEMM per time chunk (BLAS, column-major view of the row-major arrays):
 *   Sig[t][6*nb] = L[t][0..nchan) x S[0..nchan)[6*nb]   (nb nodes of the block, ld stride),
 * by dgemm, or by sgemm when single != 0 (S and L rounded to float, the history in float; the
 * equivalent stress, counting and damage stay in double). Then ft_equivalent_stress and
 * ft_rf_push per node as ft_cpu_fatigue_batch (the critical plane directly as n^T sigma n
 * from the history, not by coefficients: the history is at hand). Differs from it only by the rounding of
 * the sums (order of the k-sum inside BLAS; float rounding with single). Memory: a scratch
 * history of block x time-chunk values, allocated per call. Same layouts and return values
 * (3 when out of memory; FT_BATCH_EARGS also when 6 ld > INT_MAX, BLAS dimensions are int).
 * Measured (kernels/tests/test_fatigue_gemm.c, bench/fatigue/README.md section 5):
 *  - double: Debian's reference BLAS sums in the same order without FMA, so the result is
 *    bit for bit ft_cpu_fatigue_batch's; OpenBLAS (FMA) differs by ~2e-16 relative.
 *  - single: damage within ~1e-7 relative (1e-5 for critical-plane normal stresses that
 *    cancel), but on long dense histories float rounding flips near-tie decisions of the
 *    counting at a few nodes (benchmark: 1-4 of 512 nodes x 20000 steps, damage 1e-3 off);
 *    and it is not faster (the counting dominates). Prefer double.
 *  - speed: with the reference BLAS about as fast as ft_cpu_fatigue_batch; with OpenBLAS
 *    1.1-1.5x faster (signed von Mises, 6 channels: 25 vs 37 ns per node-step, one core). */
int ft_cpu_fatigue_batch_gemm(int nnodes, int ld, int nchan, const double *S, int nsteps,
                              const double *L, int eq_kind, const FtFatigueParams *par,
                              int single, FtRainflowState *rf, FtDamageAcc *acc);

/* Snapshot damage per node: D[i] = max_j ft_damage_value(acc[i*nc+j] + ft_rf_finish tail)
 * (critical channel / plane); NaN if any channel of the node is invalid (flags).
 * worst[i] (if worst != NULL) = the channel j of the maximum (-1 when D[i] is NaN).
 * States are not changed. Returns 0 or FT_BATCH_EARGS. */
int ft_cpu_fatigue_damage(int nnodes, int nc, const FtRainflowState *rf,
                          const FtDamageAcc *acc, const FtFatigueParams *par, double *D,
                          int *worst);

/* The same three with a spill per counted signal, spill[nnodes][nc] laid out as rf (NULL:
 * exactly the functions above). The spills are grown as needed (ft_rf_spill_reserve) and
 * owned by the caller (ft_rf_spill_free each); with them the count is exact ASTM E1049
 * whatever the history (kernels/ft_rainflow.h, "Residue capacity"). */
int ft_cpu_fatigue_batch_spill(int nnodes, int ld, int nchan, const double *S, int nsteps,
                               const double *L, int eq_kind, const FtFatigueParams *par,
                               FtRainflowState *rf, FtRfSpill *spill, FtDamageAcc *acc);
int ft_cpu_fatigue_batch_gemm_spill(int nnodes, int ld, int nchan, const double *S, int nsteps,
                                    const double *L, int eq_kind, const FtFatigueParams *par,
                                    int single, FtRainflowState *rf, FtRfSpill *spill,
                                    FtDamageAcc *acc);
int ft_cpu_fatigue_damage_spill(int nnodes, int nc, const FtRainflowState *rf,
                                const FtRfSpill *spill, const FtDamageAcc *acc,
                                const FtFatigueParams *par, double *D, int *worst);

/* The spill of one counted signal (FtRfSpill, kernels/ft_rainflow.h "Residue capacity"):
 * ft_rf_spill_reserve makes room for FT_RF_SPILL_BLOCK more points when the inline residue
 * is full (s->n == FT_RF_MAX_RESIDUE; growing the array geometrically), so that the next
 * push counts exactly. Returns 0, or -1 when memory runs out (the push then falls back to
 * the bounded count and flags FT_RF_ERR_OVERFLOW). ft_rf_spill_free releases v and empties
 * the spill. ft_cpu_rf_push_spill = reserve when needed + ft_rf_push_spill: exact ASTM
 * whatever the history. */
int ft_rf_spill_reserve(FtRfSpill *sp);
void ft_rf_spill_free(FtRfSpill *sp);
static inline void ft_cpu_rf_push_spill(FtRainflowState *s, FtRfSpill *sp, double x,
                                        const FtFatigueParams *par, FtDamageAcc *acc)
{
    if (s->n == FT_RF_MAX_RESIDUE && sp && sp->cap - sp->n < FT_RF_SPILL_BLOCK)
        (void)ft_rf_spill_reserve(sp);
    ft_rf_push_spill(s, sp, x, par, acc);
}

/* Reference (slow, obviously correct; for tests): stores each whole history
 *   h_j(t) = ft_equivalent_stress(eq_kind, sum_k S_k(i) L_k(t))[j],  t < nsteps,
 * extracts reversals offline, counts them with ft_rainflow_reference and sums the damage
 * of every cycle in order. Output per (node, channel): D[i*nc + j] (finished: the
 * residue included) and, if ncycles != NULL, the counted cycles ncycles[i*nc + j].
 * Returns 0, FT_BATCH_EARGS / FT_BATCH_EPARAMS, or 3 when out of memory. */
int ft_cpu_fatigue_reference(int nnodes, int ld, int nchan, const double *S, int nsteps,
                             const double *L, int eq_kind, const FtFatigueParams *par,
                             double gate, double *D, double *ncycles);

/* Offline reversals of x[0..n) with hysteresis gate (same definition as FtReversalFilter:
 * starting point, confirmed peaks / valleys, and the final pending extreme), written
 * independently of the streaming code. rev must hold n values. Returns the count. */
int ft_reversals_reference(const double *x, int n, double gate, double *rev);

/* Literal ASTM E1049-85 sec. 5.4.4 on the whole history x[0..n) (reversals extracted by
 * ft_reversals_reference): a list of retained points and an explicit index of the
 * starting point S, steps 1-6 as written in the standard. Cycles are written to
 * out[0..cap) in the order they are counted; returns their number, or -1 if cap is too
 * small (cap >= n always suffices) or memory runs out. */
int ft_rainflow_reference(const double *x, int n, double gate, FtCycle *out, int cap);

/* Message for an error code of ft_sn_validate / ft_fatigue_validate / ft_msc_check, with
 * the offending values taken from p (p may be NULL). Writes a NUL-terminated line into
 * buf[len]; returns the code. */
int ft_fatigue_error_message(int code, const FtFatigueParams *p, char *buf, size_t len);

/* Message for run-time problems of one counted signal: rainflow flags (overflow, NaN
 * samples, cycle array full) and the accumulator's invalid cycles (first one with its
 * amplitude, mean and the violated limit). acc / p may be NULL. Returns 0 (and writes
 * "ok") when there is nothing to report, else 1. */
int ft_fatigue_status_message(unsigned rf_flags, const FtDamageAcc *acc,
                              const FtFatigueParams *p, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* FT_FATIGUE_BATCH_H */
