/* ftwin kernels, internal to kernels/cpu: the run-time choice of the fused fatigue kernel's
 * vector path (ft_cpu_fatigue_simd.c), used by ft_cpu_fatigue_batch_spill (ft_cpu_fatigue.c).
 * The public switches are in ft_fatigue_batch.h (ft_cpu_fatigue_set_simd, ...). */
#ifndef FT_CPU_SIMD_H
#define FT_CPU_SIMD_H

#include <stddef.h>

#include "../ft_fatigue_batch.h"

/* The widest vector path's lanes (AVX-512: 8 doubles); ft__cpu_fatigue_simd_choose returns
 * at most this */
#define FT_CPU_SIMD_MAX_W 8

/* One block of W nodes (W = the width returned by ft__cpu_fatigue_simd_choose): S the first
 * node's unit stresses (channel k at S + k kstride, node w at + 6 w), rf / sp / acc the
 * block's first node (one signal per node; sp may be NULL; lane l's at rf + l ls, sp + l ls,
 * acc + l ls), kind the base equivalent kind. The critical plane: the lanes are planes, S
 * their coefficients (C[k][lane] at S + k kstride + lane). */
typedef void (*FtCpuFatigueBlockFn)(int nchan, int nsteps, const double *S, size_t kstride,
                                    const double *L, int kind, const FtFatigueParams *par,
                                    FtRainflowState *rf, FtRfSpill *sp, FtDamageAcc *acc,
                                    size_t ls);

/* The path for eq_kind: returns the block width W and sets *fn, or returns 1 with *fn = NULL
 * (the scalar kernel: FTWIN_SIMD=off, no vector unit, or a kind without a vector path). Chooses the
 * path at the first call (FTWIN_SIMD, CPU); call it outside parallel regions. */
int ft__cpu_fatigue_simd_choose(int eq_kind, FtCpuFatigueBlockFn *fn);

#endif /* FT_CPU_SIMD_H */
