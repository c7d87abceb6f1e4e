/* ftwin kernels: CPU fatigue loops (node x time-step hot loop), the slow reference used
 * by the tests, and host-only message helpers. Layouts and contracts: ft_fatigue_batch.h.
 * Parallel over nodes with OpenMP when compiled with -fopenmp (each node owns its
 * rainflow states and accumulators, so iterations are independent). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ft_fatigue_batch.h"
#include "ft_cpu_simd.h"

#if defined(_OPENMP)
#define FT_OMP_PARALLEL _Pragma("omp parallel")
#define FT_OMP_FOR_NODES _Pragma("omp for schedule(dynamic, 16)")
#define FT_OMP_FOR_BLOCKS _Pragma("omp for schedule(dynamic, 1)")
#define FT_OMP_ATOMIC_WRITE _Pragma("omp atomic write")
#else
#define FT_OMP_PARALLEL
#define FT_OMP_FOR_NODES
#define FT_OMP_FOR_BLOCKS
#define FT_OMP_ATOMIC_WRITE
#endif

int ft_cpu_fatigue_init(int n, double gate, FtRainflowState *rf, FtDamageAcc *acc)
{
    int m;
    if (n < 0) return FT_BATCH_EARGS;
    if (n == 0) return FT_BATCH_OK;
    if (!rf || !acc) return FT_BATCH_EARGS;
    for (m = 0; m < n; m++) {
        ft_rf_init(rf + m, gate);
        ft_damage_init(acc + m);
    }
    return FT_BATCH_OK;
}

static int check_args(int nnodes, int ld, int nchan, const double *S, int nsteps,
                      const double *L, int eq_kind, const FtFatigueParams *par)
{
    if (nnodes < 0 || nsteps < 0 || ld < nnodes || nchan < 1 ||
        nchan > FT_FATIGUE_MAX_CHANNELS || ft_equivalent_channels(eq_kind) == 0)
        return FT_BATCH_EARGS;
    if (nnodes > 0 && nsteps > 0 && (!S || !L || !par)) return FT_BATCH_EARGS;
    if (par && ft_fatigue_validate(par) != FT_FAT_OK) return FT_BATCH_EPARAMS;
    return FT_BATCH_OK;
}

/* A copy of the caller's parameters with their per-material damage constants
 * (ft_fatigue_prepare), so that the loops never depend on whether, or how recently, the
 * caller prepared them. NULL stays NULL. */
static const FtFatigueParams *prepared(const FtFatigueParams *par, FtFatigueParams *pk)
{
    if (!par) return NULL;
    *pk = *par;
    ft_fatigue_prepare(pk);
    return pk;
}

/* sigma(t) = sum_k S_k L_k(t), k ascending (the reference sums in the same order) */
static inline void node_stress(int nchan, const double (*Sk)[6], const double *l, double sig[6])
{
    int k, c;
    for (c = 0; c < 6; c++) sig[c] = Sk[0][c] * l[0];
    for (k = 1; k < nchan; k++)
        for (c = 0; c < 6; c++) sig[c] += Sk[k][c] * l[k];
}

/* One sample into signal (s, sp): sp == NULL is ft_rf_push (bounded residue); with a spill
 * it is grown first when a full inline residue may have to spill (ft_rf_spill_reserve), so
 * the count is exact ASTM whatever the history. Ordinary histories never have s->n at
 * FT_RF_MAX_RESIDUE: one compare per sample. */
static inline void cpu_push(FtRainflowState *s, FtRfSpill *sp, double x,
                            const FtFatigueParams *par, FtDamageAcc *acc)
{
    if (sp && s->n == FT_RF_MAX_RESIDUE && sp->cap - sp->n < FT_RF_SPILL_BLOCK)
        (void)ft_rf_spill_reserve(sp);
    ft_rf_push_spill(s, sp, x, par, acc);
}
#define SP_AT(sp, off) ((sp) ? (sp) + (off) : (FtRfSpill *)0)

/* Critical plane by coefficients (ft_planes.h): per plane j and load channel k the
 * coefficient C[k][j] = n_j^T S_k n_j of the node, computed once before its time loop; a
 * step is then e[j] = sum_k C[k][j] L_k(t) for all np planes in lockstep (the inner loop
 * over planes vectorises) and one ft_rf_push per plane. Equals the direct
 * n_j^T (sum_k S_k L_k) n_j up to rounding (bound in ft_planes.h). C: nchan x np scratch.
 * With a vector path (block_fn, width W; ft_cpu_fatigue_simd.c) the planes go W at a time
 * through it (the lanes are planes of this node: the same sums per plane, the same
 * counting), the np % W planes left over through the loop below. */
static void critical_plane_node(int nchan, int nsteps, const double (*Sk)[6], const double *L,
                                int np, const FtFatigueParams *par, double *C,
                                FtRainflowState *rf, FtRfSpill *sp, FtDamageAcc *acc,
                                FtCpuFatigueBlockFn block_fn, int W)
{
    double nrm[FT_CP_MAX_PLANES][3], e[FT_CP_MAX_PLANES];
    int j, k, t, j0 = 0;
    for (j = 0; j < np; j++) ft_cp_normal(np, j, nrm[j]);
    for (k = 0; k < nchan; k++)
        ft_cp_coefficients(Sk[k], np, (const double(*)[3])nrm, C + (size_t)k * (size_t)np);
    if (block_fn)
        for (; j0 + W <= np; j0 += W)
            block_fn(nchan, nsteps, C + j0, (size_t)np, L, FT_EQ_CRITICAL_PLANE, par, rf + j0,
                     SP_AT(sp, j0), acc + j0, 1);
    if (j0 == np) return;
    for (t = 0; t < nsteps; t++) {
        ft_cp_normal_stresses(nchan, np - j0, C + j0, np, L + (size_t)t * (size_t)nchan, e);
        for (j = 0; j < np - j0; j++)
            cpu_push(rf + j0 + j, SP_AT(sp, j0 + j), e[j], par, acc + j0 + j);
    }
}

/* The critical plane of W nodes with a vector path (block_fn, width W): per node the
 * coefficients (as critical_plane_node) and its planes W at a time through block_fn; then
 * the np % W planes each node has left over, one plane of the W nodes at a time, the lanes
 * being the W nodes (lane stride np in rf, sp, acc), instead of one plane per node through
 * the scalar loop. Every plane sees the same sums and the same counting as in
 * critical_plane_node (each signal is independent of the others), so the result is
 * bit-identical; with 25 planes and W = 8, the 25th plane costs 1/8 of a vector step instead
 * of a scalar one (bench/fatigue README section 8). C: W x nchan x np scratch. */
static void critical_plane_group(int W, int nchan, int nsteps, const double *S, size_t kstride,
                                 const double *L, int np, const FtFatigueParams *par, double *C,
                                 FtRainflowState *rf, FtRfSpill *sp, FtDamageAcc *acc,
                                 FtCpuFatigueBlockFn block_fn)
{
    double nrm[FT_CP_MAX_PLANES][3], Sk[6], Cl[FT_FATIGUE_MAX_CHANNELS * FT_CPU_SIMD_MAX_W];
    const size_t per_node = (size_t)nchan * (size_t)np;
    int j, k, c, w;
    for (j = 0; j < np; j++) ft_cp_normal(np, j, nrm[j]);
    for (w = 0; w < W; w++) {
        double *Cw = C + (size_t)w * per_node;
        const size_t off = (size_t)w * (size_t)np;
        for (k = 0; k < nchan; k++) {
            for (c = 0; c < 6; c++) Sk[c] = S[(size_t)k * kstride + (size_t)(6 * w + c)];
            ft_cp_coefficients(Sk, np, (const double(*)[3])nrm, Cw + (size_t)k * (size_t)np);
        }
        for (j = 0; j + W <= np; j += W)
            block_fn(nchan, nsteps, Cw + j, (size_t)np, L, FT_EQ_CRITICAL_PLANE, par,
                     rf + off + (size_t)j, SP_AT(sp, off + (size_t)j), acc + off + (size_t)j, 1);
    }
    for (j = np - np % W; j < np; j++) { /* lane w = plane j of node w: Cl[k][w] = C_w[k][j] */
        for (k = 0; k < nchan; k++)
            for (w = 0; w < W; w++)
                Cl[k * W + w] = C[(size_t)w * per_node + (size_t)k * (size_t)np + (size_t)j];
        block_fn(nchan, nsteps, Cl, (size_t)W, L, FT_EQ_CRITICAL_PLANE, par, rf + j,
                 SP_AT(sp, (size_t)j), acc + j, (size_t)np);
    }
}

/* One node: its unit stresses are copied to Sk (nchan x 6, registers / L1), the load
 * history is streamed, the equivalent stress of every step pushed into the node's nc
 * rainflow states. One loop per equivalent-stress kind, so that the per-sample work is
 * inlined (no call and no switch per sample). C: the critical plane's coefficient scratch
 * (nchan x planes). */
static void fatigue_node(int nchan, int nsteps, const double *S, size_t kstride,
                         const double *L, int eq_kind, const FtFatigueParams *par, double *C,
                         FtRainflowState *rf, FtRfSpill *sp, FtDamageAcc *acc,
                         FtCpuFatigueBlockFn block_fn, int W)
{
    double Sk[FT_FATIGUE_MAX_CHANNELS][6], sig[6];
    int k, c, t;
    for (k = 0; k < nchan; k++)
        for (c = 0; c < 6; c++) Sk[k][c] = S[(size_t)k * kstride + (size_t)c];
#define FT_STEP_LOOP(BODY)                                                                 \
    for (t = 0; t < nsteps; t++) {                                                         \
        node_stress(nchan, (const double(*)[6])Sk, L + (size_t)t * (size_t)nchan, sig);    \
        BODY;                                                                              \
    }
    switch (ft_eq_base(eq_kind)) {
    case FT_EQ_SIGNED_VON_MISES:
        FT_STEP_LOOP(cpu_push(rf, sp, ft_signed_von_mises(sig), par, acc))
        break;
    case FT_EQ_SIGNED_VON_MISES_TRACE:
        FT_STEP_LOOP(cpu_push(rf, sp, ft_signed_von_mises_trace(sig), par, acc))
        break;
    case FT_EQ_MAX_ABS_PRINCIPAL:
        FT_STEP_LOOP(cpu_push(rf, sp, ft_max_abs_principal(sig), par, acc))
        break;
    case FT_EQ_CRITICAL_PLANE:
        critical_plane_node(nchan, nsteps, (const double(*)[6])Sk, L, ft_eq_planes(eq_kind),
                            par, C, rf, sp, acc, block_fn, W);
        break;
    default:
        break;
    }
#undef FT_STEP_LOOP
}

int ft_cpu_fatigue_batch(int nnodes, int ld, int nchan, const double *S, int nsteps,
                         const double *L, int eq_kind, const FtFatigueParams *par,
                         FtRainflowState *rf, FtDamageAcc *acc)
{
    return ft_cpu_fatigue_batch_spill(nnodes, ld, nchan, S, nsteps, L, eq_kind, par, rf, NULL,
                                      acc);
}

int ft_cpu_fatigue_batch_spill(int nnodes, int ld, int nchan, const double *S, int nsteps,
                               const double *L, int eq_kind, const FtFatigueParams *par,
                               FtRainflowState *rf, FtRfSpill *spill, FtDamageAcc *acc)
{
    const int nc = ft_equivalent_channels(eq_kind);
    const size_t kstride = (size_t)ld * 6;
    int rc = check_args(nnodes, ld, nchan, S, nsteps, L, eq_kind, par);
    int out_of_memory = 0, block, nblocks;
    long long nunits;
    FtCpuFatigueBlockFn block_fn;
    FtFatigueParams pk;
    if (rc) return rc;
    par = prepared(par, &pk);
    if (nnodes == 0 || nsteps == 0) return FT_BATCH_OK;
    if (!rf || !acc) return FT_BATCH_EARGS;
    /* the vector path (ft_cpu_fatigue_simd.c): blocks of W nodes, then the nnodes % W
     * nodes left over by the scalar kernel; W = 1, no block function: the scalar kernel.
     * The critical plane: W nodes at a time (critical_plane_group), the nnodes % W nodes
     * left over node by node, their planes W at a time (critical_plane_node) */
    block = ft__cpu_fatigue_simd_choose(eq_kind, &block_fn);
    nblocks = block_fn ? nnodes / block : 0; /* block_fn: nc == 1 or the critical plane */
    nunits = (long long)nblocks + (long long)(nnodes - nblocks * block);
    FT_OMP_PARALLEL
    {
        /* per-thread coefficient scratch of the critical plane (W x nchan x planes) */
        const int cp = ft_eq_base(eq_kind) == FT_EQ_CRITICAL_PLANE;
        double *C = cp ? (double *)malloc((size_t)block * (size_t)nchan * (size_t)nc * sizeof *C)
                       : NULL;
        long long u;
        FT_OMP_FOR_NODES
        for (u = 0; u < nunits; u++) {
            size_t i;
            if (cp && !C) {
                FT_OMP_ATOMIC_WRITE
                out_of_memory = 1; /* every thread still runs the loop (omp for rule) */
                continue;
            }
            if (u < nblocks && cp) { /* W nodes, nc planes each */
                i = (size_t)u * (size_t)block;
                critical_plane_group(block, nchan, nsteps, S + 6 * i, kstride, L, nc, par, C,
                                     rf + i * (size_t)nc, SP_AT(spill, i * (size_t)nc),
                                     acc + i * (size_t)nc, block_fn);
                continue;
            }
            if (u < nblocks) { /* one signal per node (nc == 1) */
                i = (size_t)u * (size_t)block;
                block_fn(nchan, nsteps, S + 6 * i, kstride, L, eq_kind, par, rf + i,
                         SP_AT(spill, i), acc + i, 1);
                continue;
            }
            i = (size_t)nblocks * (size_t)block + (size_t)(u - nblocks);
            fatigue_node(nchan, nsteps, S + 6 * i, kstride, L, eq_kind, par, C,
                         rf + i * (size_t)nc, SP_AT(spill, i * (size_t)nc),
                         acc + i * (size_t)nc, block_fn, block);
        }
        free(C);
    }
    return out_of_memory ? 3 : FT_BATCH_OK;
}

/* ------------------------------------------------------------- GEMM superposition ---- */
/* BLAS level 3 (Fortran symbols, no cblas.h): C = alpha op(A) op(B) + beta C, column-major.
 * The two trailing size_t are gfortran's hidden lengths of the CHARACTER arguments transa /
 * transb (always 1 here); C implementations of BLAS (OpenBLAS) ignore them. */
extern void dgemm_(const char *transa, const char *transb, const int *m, const int *n,
                   const int *k, const double *alpha, const double *a, const int *lda,
                   const double *b, const int *ldb, const double *beta, double *c,
                   const int *ldc, size_t len_transa, size_t len_transb);
extern void sgemm_(const char *transa, const char *transb, const int *m, const int *n,
                   const int *k, const float *alpha, const float *a, const int *lda,
                   const float *b, const int *ldb, const float *beta, float *c,
                   const int *ldc, size_t len_transa, size_t len_transb);

/* Blocking of ft_cpu_fatigue_batch_gemm: nodes per block and steps per time chunk. The
 * scratch history of one block is FT_GEMM_BLOCK_NODES x 6 x FT_GEMM_TCHUNK values (32 x 6 x
 * 128 doubles = 192 KiB). The sweep of bench/fatigue/run.sh gemm (README there) found the
 * time flat within noise from 48 KiB to ~3 MiB of scratch and worse only beyond L3 shares
 * (12 MiB): the superposition is a small part of the time. 192 KiB is chosen to stay in L2
 * also on CPUs with 256-512 KiB of L2, next to the block's rainflow states (~570 bytes per
 * counted signal: 450 KiB for 32 nodes of the 25-plane critical plane). Overridable with -D
 * for such sweeps. */
#ifndef FT_GEMM_BLOCK_NODES
#define FT_GEMM_BLOCK_NODES 32
#endif
#ifndef FT_GEMM_TCHUNK
#define FT_GEMM_TCHUNK 128
#endif

/* Counting of one node from a precomputed stress history h (double or float): the stress
 * of step t is h[t*tstride + c], c = 0..5 (Voigt), widened to double; then the equivalent
 * stress and ft_rf_push exactly as fatigue_node does. Written once as a macro for the two
 * element types so that the per-sample loop has no type test; one loop per equivalent kind
 * (as in fatigue_node). */
#define FT_DEFINE_NODE_FROM_HISTORY(NAME, T)                                                \
    static void NAME(int nsteps, const T *h, size_t tstride, int eq_kind,                   \
                     const FtFatigueParams *par, FtRainflowState *rf, FtRfSpill *sp,        \
                     FtDamageAcc *acc)                                                      \
    {                                                                                       \
        double sig[6];                                                                      \
        int t, c, j;                                                                        \
        switch (ft_eq_base(eq_kind)) {                                                      \
        case FT_EQ_SIGNED_VON_MISES:                                                        \
            FT_HIST_LOOP(cpu_push(rf, sp, ft_signed_von_mises(sig), par, acc))                \
            break;                                                                          \
        case FT_EQ_SIGNED_VON_MISES_TRACE:                                                  \
            FT_HIST_LOOP(cpu_push(rf, sp, ft_signed_von_mises_trace(sig), par, acc))          \
            break;                                                                          \
        case FT_EQ_MAX_ABS_PRINCIPAL:                                                       \
            FT_HIST_LOOP(cpu_push(rf, sp, ft_max_abs_principal(sig), par, acc))               \
            break;                                                                          \
        case FT_EQ_CRITICAL_PLANE: { /* direct n^T sigma n (the history is at hand) */     \
            const int np = ft_eq_planes(eq_kind);                                           \
            double nrm[FT_CP_MAX_PLANES][3];                                                \
            for (j = 0; j < np; j++) ft_cp_normal(np, j, nrm[j]);                           \
            FT_HIST_LOOP(for (j = 0; j < np; j++)                                           \
                             cpu_push(rf + j, SP_AT(sp, j), ft_normal_stress(sig, nrm[j]), \
                                      par, acc + j))                                        \
            break;                                                                          \
        }                                                                                   \
        default:                                                                            \
            break;                                                                          \
        }                                                                                   \
    }
#define FT_HIST_LOOP(BODY)                                                                 \
    for (t = 0; t < nsteps; t++) {                                                         \
        for (c = 0; c < 6; c++) sig[c] = (double)h[(size_t)t * tstride + (size_t)c];      \
        BODY;                                                                              \
    }
FT_DEFINE_NODE_FROM_HISTORY(node_from_history_d, double)
FT_DEFINE_NODE_FROM_HISTORY(node_from_history_f, float)
#undef FT_HIST_LOOP
#undef FT_DEFINE_NODE_FROM_HISTORY

/* Per-thread scratch of ft_cpu_fatigue_batch_gemm: the block's history (double or float)
 * and, for sgemm, the float copies of the block's unit stresses and of the load chunk. */
typedef struct {
    double *hd; /* [FT_GEMM_TCHUNK][6 * FT_GEMM_BLOCK_NODES]  (dgemm) */
    float *hf;  /* same, float (sgemm) */
    float *sf;  /* [nchan][6 * nb]  S of the block, float */
    float *lf;  /* [FT_GEMM_TCHUNK][nchan]  L chunk, float */
} GemmScratch;

static int gemm_scratch_alloc(GemmScratch *w, int nchan, int single)
{
    const size_t nh = (size_t)FT_GEMM_TCHUNK * 6 * FT_GEMM_BLOCK_NODES;
    memset(w, 0, sizeof *w);
    if (!single) return (w->hd = (double *)malloc(nh * sizeof *w->hd)) != NULL;
    w->hf = (float *)malloc(nh * sizeof *w->hf);
    w->sf = (float *)malloc((size_t)nchan * 6 * FT_GEMM_BLOCK_NODES * sizeof *w->sf);
    w->lf = (float *)malloc((size_t)FT_GEMM_TCHUNK * (size_t)nchan * sizeof *w->lf);
    return w->hf && w->sf && w->lf;
}

static void gemm_scratch_free(GemmScratch *w)
{
    free(w->hd);
    free(w->hf);
    free(w->sf);
    free(w->lf);
}

/* One block of nb nodes (S, rf, acc already offset to its first node), all nsteps steps in
 * chunks of tc <= FT_GEMM_TCHUNK. Row-major X[r][c] with row stride ldx is the column-major
 * matrix X^T with leading dimension ldx, so the row-major product
 *   H[t][6i+c] = sum_k L[t][k] S[k][6i+c]        (t < tc, i < nb, c < 6)
 * is, column-major, H^T (6nb x tc, ld 6nb) = S^T (6nb x nchan, ld 6 ld) L^T (nchan x tc,
 * ld nchan): one GEMM 'N','N' with m = 6 nb, n = tc, k = nchan per chunk. Node i then reads
 * its stress of step t at H + t*6nb + 6i (stride 6nb between steps). */
static void gemm_block(int nb, int ld, int nchan, const double *S, int nsteps,
                       const double *L, int eq_kind, const FtFatigueParams *par, int single,
                       GemmScratch *w, FtRainflowState *rf, FtRfSpill *sp, FtDamageAcc *acc)
{
    const int nc = ft_equivalent_channels(eq_kind);
    const int m = 6 * nb, lds = 6 * ld;
    const double one = 1.0, zero = 0.0;
    const float onef = 1.0f, zerof = 0.0f;
    int t0, i, k, q;
    if (single) /* S of the block rounded to float, contiguous: sf[k*m + q] */
        for (k = 0; k < nchan; k++)
            for (q = 0; q < m; q++)
                w->sf[(size_t)k * (size_t)m + (size_t)q] =
                    (float)S[(size_t)k * (size_t)lds + (size_t)q];
    for (t0 = 0; t0 < nsteps; t0 += FT_GEMM_TCHUNK) {
        const int tc = nsteps - t0 < FT_GEMM_TCHUNK ? nsteps - t0 : FT_GEMM_TCHUNK;
        const double *Lc = L + (size_t)t0 * (size_t)nchan;
        if (single) {
            for (q = 0; q < tc * nchan; q++) w->lf[q] = (float)Lc[q];
            sgemm_("N", "N", &m, &tc, &nchan, &onef, w->sf, &m, w->lf, &nchan, &zerof, w->hf,
                   &m, 1, 1);
            for (i = 0; i < nb; i++)
                node_from_history_f(tc, w->hf + 6 * (size_t)i, (size_t)m, eq_kind, par,
                                    rf + (size_t)i * (size_t)nc, SP_AT(sp, (size_t)i * (size_t)nc),
                                    acc + (size_t)i * (size_t)nc);
        } else {
            dgemm_("N", "N", &m, &tc, &nchan, &one, S, &lds, Lc, &nchan, &zero, w->hd, &m, 1,
                   1);
            for (i = 0; i < nb; i++)
                node_from_history_d(tc, w->hd + 6 * (size_t)i, (size_t)m, eq_kind, par,
                                    rf + (size_t)i * (size_t)nc, SP_AT(sp, (size_t)i * (size_t)nc),
                                    acc + (size_t)i * (size_t)nc);
        }
    }
}

/* Blocks of FT_GEMM_BLOCK_NODES nodes (the last one shorter), each counted over the whole
 * call's history by gemm_block; with OpenMP the blocks are shared among the threads, each
 * with its own scratch. BLAS takes int dimensions, hence the extra limit 6 ld <= INT_MAX. */
int ft_cpu_fatigue_batch_gemm(int nnodes, int ld, int nchan, const double *S, int nsteps,
                              const double *L, int eq_kind, const FtFatigueParams *par,
                              int single, FtRainflowState *rf, FtDamageAcc *acc)
{
    return ft_cpu_fatigue_batch_gemm_spill(nnodes, ld, nchan, S, nsteps, L, eq_kind, par, single,
                                           rf, NULL, acc);
}

int ft_cpu_fatigue_batch_gemm_spill(int nnodes, int ld, int nchan, const double *S, int nsteps,
                                    const double *L, int eq_kind, const FtFatigueParams *par,
                                    int single, FtRainflowState *rf, FtRfSpill *spill,
                                    FtDamageAcc *acc)
{
    const int nc = ft_equivalent_channels(eq_kind);
    int rc = check_args(nnodes, ld, nchan, S, nsteps, L, eq_kind, par);
    int nblocks, out_of_memory = 0;
    FtFatigueParams pk;
    if (rc) return rc;
    par = prepared(par, &pk);
    if (ld > INT_MAX / 6) return FT_BATCH_EARGS;
    if (nnodes == 0 || nsteps == 0) return FT_BATCH_OK;
    if (!rf || !acc) return FT_BATCH_EARGS;
    nblocks = (nnodes + FT_GEMM_BLOCK_NODES - 1) / FT_GEMM_BLOCK_NODES;
    FT_OMP_PARALLEL
    {
        GemmScratch w;
        int b;
        const int ok = gemm_scratch_alloc(&w, nchan, single);
        FT_OMP_FOR_BLOCKS
        for (b = 0; b < nblocks; b++) {
            const int i0 = b * FT_GEMM_BLOCK_NODES;
            const int nb = nnodes - i0 < FT_GEMM_BLOCK_NODES ? nnodes - i0 : FT_GEMM_BLOCK_NODES;
            if (!ok) {
                FT_OMP_ATOMIC_WRITE
                out_of_memory = 1; /* every thread still runs the loop (omp for rule) */
                continue;
            }
            gemm_block(nb, ld, nchan, S + 6 * (size_t)i0, nsteps, L, eq_kind, par, single, &w,
                       rf + (size_t)i0 * (size_t)nc, SP_AT(spill, (size_t)i0 * (size_t)nc),
                       acc + (size_t)i0 * (size_t)nc);
        }
        gemm_scratch_free(&w);
    }
    return out_of_memory ? 3 : FT_BATCH_OK;
}

int ft_cpu_fatigue_damage(int nnodes, int nc, const FtRainflowState *rf,
                          const FtDamageAcc *acc, const FtFatigueParams *par, double *D,
                          int *worst)
{
    return ft_cpu_fatigue_damage_spill(nnodes, nc, rf, NULL, acc, par, D, worst);
}

int ft_cpu_fatigue_damage_spill(int nnodes, int nc, const FtRainflowState *rf,
                                const FtRfSpill *spill, const FtDamageAcc *acc,
                                const FtFatigueParams *par, double *D, int *worst)
{
    long long i;
    FtFatigueParams pk;
    if (nnodes < 0 || nc < 1) return FT_BATCH_EARGS;
    if (nnodes == 0) return FT_BATCH_OK;
    if (!rf || !acc || !par || !D) return FT_BATCH_EARGS;
    par = prepared(par, &pk);
    for (i = 0; i < (long long)nnodes; i++) {
        double dmax = -1.0;
        int j, jmax = -1, bad = 0;
        for (j = 0; j < nc; j++) {
            const size_t m = (size_t)i * (size_t)nc + (size_t)j;
            FtDamageAcc snap = acc[m];
            double d;
            ft_rf_finish_spill(rf + m, spill ? spill + m : NULL, par, &snap);
            d = ft_damage_value(&snap);
            if (d != d) bad = 1;
            else if (d > dmax) {
                dmax = d;
                jmax = j;
            }
        }
        D[i] = bad ? NAN : dmax;
        if (worst) worst[i] = bad ? -1 : jmax;
    }
    return FT_BATCH_OK;
}

/* ------------------------------------------------------------- spill ---------------- */
int ft_rf_spill_reserve(FtRfSpill *sp)
{
    long long want;
    double *v;
    if (sp->cap - sp->n >= FT_RF_SPILL_BLOCK) return 0;
    want = 2 * sp->cap;
    if (want < sp->n + 4 * FT_RF_SPILL_BLOCK) want = sp->n + 4 * FT_RF_SPILL_BLOCK;
    v = (double *)realloc(sp->v, (size_t)want * sizeof *v);
    if (!v) return -1;
    sp->v = v;
    sp->cap = want;
    return 0;
}

void ft_rf_spill_free(FtRfSpill *sp)
{
    free(sp->v);
    sp->v = NULL;
    sp->n = sp->cap = 0;
}

/* ------------------------------------------------------------- reference ----------- */
int ft_reversals_reference(const double *x, int n, double gate, double *rev)
{
    /* Phase 1: indices of the running minimum / maximum until the signal spans more than
     * the gate; the end it left from is the starting point. Phase 2: walk on with the
     * index `ext` of the current extreme and the direction of the excursion; an extreme
     * is a reversal once the signal has moved back from it by more than the gate. */
    int nr = 0, ext = 0, dir = 0, lo = 0, hi = 0, t;
    const double g = gate > 0.0 ? gate : 0.0;
    if (n <= 0) return 0;
    for (t = 1; t < n && dir == 0; t++) {
        if (x[t] < x[lo]) lo = t;
        if (x[t] > x[hi]) hi = t;
        if (x[hi] - x[lo] > g) {
            dir = (hi == t) ? 1 : -1;
            rev[nr++] = (dir > 0) ? x[lo] : x[hi];
            ext = t;
        }
    }
    for (; t < n; t++) {
        const double v = x[t];
        if ((dir > 0 && v > x[ext]) || (dir < 0 && v < x[ext])) {
            ext = t; /* excursion continues */
        } else if (fabs(x[ext] - v) > g) {
            rev[nr++] = x[ext]; /* turned back by more than the gate */
            ext = t;
            dir = -dir;
        }
    }
    if (dir != 0) rev[nr++] = x[ext]; /* the end point of the history */
    return nr;
}

int ft_rainflow_reference(const double *x, int n, double gate, FtCycle *out, int cap)
{
    double *rev = NULL, *pts = NULL;
    int *ids = NULL;
    int nrev, cnt = 0, S, r, nout = 0, ok = 1;
    if (n <= 0) return 0;
    rev = (double *)malloc((size_t)n * sizeof *rev);
    pts = (double *)malloc((size_t)n * sizeof *pts);
    ids = (int *)malloc((size_t)n * sizeof *ids);
    if (!rev || !pts || !ids) {
        free(rev);
        free(pts);
        free(ids);
        return -1;
    }
    nrev = ft_reversals_reference(x, n, gate, rev);
#define EMIT(a, b, cnt_)                                                                   \
    do {                                                                                   \
        if (nout < cap) {                                                                  \
            out[nout].range = fabs((a) - (b));                                             \
            out[nout].mean = 0.5 * ((a) + (b));                                            \
            out[nout].count = (cnt_);                                                      \
            nout++;                                                                        \
        } else {                                                                           \
            ok = 0;                                                                        \
        }                                                                                  \
    } while (0)
    S = 0; /* id (reversal index) of the starting point */
    for (r = 0; r < nrev; r++) {
        /* (1) read the next peak or valley */
        pts[cnt] = rev[r];
        ids[cnt] = r;
        cnt++;
        for (;;) {
            double X, Y;
            /* (2) fewer than three points: read the next one */
            if (cnt < 3) break;
            X = fabs(pts[cnt - 1] - pts[cnt - 2]);
            Y = fabs(pts[cnt - 2] - pts[cnt - 3]);
            /* (3) X < Y: read the next point */
            if (X < Y) break;
            /* (4) X >= Y: does Y contain the starting point? */
            if (ids[cnt - 3] == S || ids[cnt - 2] == S) {
                /* (5) one-half cycle; discard the first point of Y; S moves to its second */
                EMIT(pts[cnt - 3], pts[cnt - 2], 0.5);
                S = ids[cnt - 2];
                pts[cnt - 3] = pts[cnt - 2];
                ids[cnt - 3] = ids[cnt - 2];
                pts[cnt - 2] = pts[cnt - 1];
                ids[cnt - 2] = ids[cnt - 1];
                cnt--;
            } else {
                /* one cycle; discard the peak and the valley of Y */
                EMIT(pts[cnt - 3], pts[cnt - 2], 1.0);
                pts[cnt - 3] = pts[cnt - 1];
                ids[cnt - 3] = ids[cnt - 1];
                cnt -= 2;
            }
        }
    }
    /* (6) every range not yet counted: one-half cycle */
    for (r = 0; r + 1 < cnt; r++) EMIT(pts[r], pts[r + 1], 0.5);
#undef EMIT
    free(rev);
    free(pts);
    free(ids);
    return ok ? nout : -1;
}

int ft_cpu_fatigue_reference(int nnodes, int ld, int nchan, const double *S, int nsteps,
                             const double *L, int eq_kind, const FtFatigueParams *par,
                             double gate, double *D, double *ncycles)
{
    const int nc = ft_equivalent_channels(eq_kind);
    int rc = check_args(nnodes, ld, nchan, S, nsteps, L, eq_kind, par);
    int i, j, t, k, c;
    double *hist = NULL;
    FtCycle *cyc = NULL;
    FtFatigueParams pk;
    if (rc) return rc;
    if (nnodes == 0) return FT_BATCH_OK;
    if (!D || !par) return FT_BATCH_EARGS;
    par = prepared(par, &pk);
    if (nsteps > 0) {
        hist = (double *)malloc((size_t)nsteps * (size_t)nc * sizeof *hist);
        cyc = (FtCycle *)malloc((size_t)nsteps * sizeof *cyc);
        if (!hist || !cyc) {
            free(hist);
            free(cyc);
            return 3;
        }
    }
    for (i = 0; i < nnodes; i++) {
        /* the whole equivalent-stress history of node i, channel-major: hist[j*nsteps + t] */
        for (t = 0; t < nsteps; t++) {
            double sig[6], e[FT_CP_MAX_PLANES];
            for (c = 0; c < 6; c++) {
                double v = S[((size_t)0 * (size_t)ld + (size_t)i) * 6 + (size_t)c] *
                           L[(size_t)t * (size_t)nchan + 0];
                for (k = 1; k < nchan; k++)
                    v += S[((size_t)k * (size_t)ld + (size_t)i) * 6 + (size_t)c] *
                         L[(size_t)t * (size_t)nchan + (size_t)k];
                sig[c] = v;
            }
            ft_equivalent_stress(eq_kind, sig, e);
            for (j = 0; j < nc; j++) hist[(size_t)j * (size_t)nsteps + (size_t)t] = e[j];
        }
        for (j = 0; j < nc; j++) {
            FtDamageAcc a;
            int m, ncyc = 0;
            ft_damage_init(&a);
            if (nsteps > 0) {
                ncyc = ft_rainflow_reference(hist + (size_t)j * (size_t)nsteps, nsteps, gate,
                                             cyc, nsteps);
                if (ncyc < 0) {
                    free(hist);
                    free(cyc);
                    return 3;
                }
            }
            for (m = 0; m < ncyc; m++)
                ft_damage_add_cycle(&a, par, cyc[m].range, cyc[m].mean, cyc[m].count);
            D[(size_t)i * (size_t)nc + (size_t)j] = ft_damage_value(&a);
            if (ncycles) ncycles[(size_t)i * (size_t)nc + (size_t)j] = a.cycles;
        }
    }
    free(hist);
    free(cyc);
    return FT_BATCH_OK;
}

/* ------------------------------------------------------------- messages ------------ */
static const char *msc_name(int msc)
{
    switch (msc) {
    case FT_MSC_NONE: return "none";
    case FT_MSC_GOODMAN: return "Goodman";
    case FT_MSC_GERBER: return "Gerber";
    case FT_MSC_SODERBERG: return "Soderberg";
    case FT_MSC_SWT: return "Smith-Watson-Topper";
    case FT_MSC_MORROW: return "Morrow";
    case FT_MSC_WALKER: return "Walker";
    default: return "unknown";
    }
}

int ft_fatigue_error_message(int code, const FtFatigueParams *p, char *buf, size_t len)
{
    const FtSNCurve *c = p ? &p->sn : NULL;
    if (!buf || len == 0) return code;
    switch (code) {
    case FT_FAT_OK:
        snprintf(buf, len, "ok");
        break;
    case FT_SN_ERR_KIND:
        snprintf(buf, len, "S-N curve: unknown curve kind %d (expected Basquin, knee or table)",
                 c ? c->kind : -1);
        break;
    case FT_SN_ERR_SLOPE:
        if (c && c->kind == FT_SN_KNEE && c->m > 0.0)
            snprintf(buf, len,
                     "S-N curve: non-physical slope below the knee m2 = %g (must be > 0)",
                     ft_sn_m2(c));
        else
            snprintf(buf, len, "S-N curve: non-physical slope m = %g (must be > 0: life "
                               "must decrease as the stress amplitude increases)",
                     c ? c->m : 0.0);
        break;
    case FT_SN_ERR_REF:
        snprintf(buf, len,
                 "S-N curve: reference point S_ref = %g, N_ref = %g must both be positive",
                 c ? c->S_ref : 0.0, c ? c->N_ref : 0.0);
        break;
    case FT_SN_ERR_KNEE:
        snprintf(buf, len, "S-N curve: knee stress amplitude S_knee = %g must be positive",
                 c ? c->S_knee : 0.0);
        break;
    case FT_SN_ERR_TABLE:
        snprintf(buf, len,
                 "S-N curve table: needs 2..%d points (%d given) with positive values, S "
                 "strictly decreasing and N strictly increasing (every segment slope > 0)",
                 FT_SN_MAX_POINTS, c ? c->npts : 0);
        break;
    case FT_SN_ERR_MARIN:
        snprintf(buf, len, "S-N curve: Marin factors k_a..k_f = %g %g %g %g %g %g must all "
                           "be positive",
                 c ? c->marin[0] : 0.0, c ? c->marin[1] : 0.0, c ? c->marin[2] : 0.0,
                 c ? c->marin[3] : 0.0, c ? c->marin[4] : 0.0, c ? c->marin[5] : 0.0);
        break;
    case FT_SN_ERR_ENDURANCE:
        snprintf(buf, len, "S-N curve: endurance limit S_e = %g must be >= 0",
                 c ? c->S_e : 0.0);
        break;
    case FT_FAT_ERR_MSC:
        snprintf(buf, len, "unknown mean-stress correction %d", p ? p->msc : -1);
        break;
    case FT_FAT_ERR_SU:
        snprintf(buf, len, "%s mean-stress correction needs the ultimate strength S_u > 0 "
                           "(S_u = %g)",
                 p ? msc_name(p->msc) : "this", p ? p->S_u : 0.0);
        break;
    case FT_FAT_ERR_SY:
        snprintf(buf, len, "Soderberg mean-stress correction needs the yield strength S_y > 0 "
                           "(S_y = %g)",
                 p ? p->S_y : 0.0);
        break;
    case FT_FAT_ERR_SIGF:
        snprintf(buf, len, "Morrow mean-stress correction needs sigma_f' > 0 (sigma_f' = %g)",
                 p ? p->sigma_f : 0.0);
        break;
    case FT_FAT_ERR_GAMMA:
        snprintf(buf, len, "Walker mean-stress correction needs 0 < gamma <= 1 (gamma = %g)",
                 p ? p->walker_gamma : 0.0);
        break;
    case FT_FAT_ERR_COMPR:
        snprintf(buf, len, "unknown compressive-mean convention %d", p ? p->mean_compr : -1);
        break;
    case FT_FAT_ERR_MEAN_SU:
        snprintf(buf, len, "%s mean-stress correction undefined: mean stress reaches the "
                           "ultimate strength S_u = %g",
                 p ? msc_name(p->msc) : "the", p ? p->S_u : 0.0);
        break;
    case FT_FAT_ERR_MEAN_SY:
        snprintf(buf, len, "Soderberg mean-stress correction undefined: mean stress reaches "
                           "the yield strength S_y = %g",
                 p ? p->S_y : 0.0);
        break;
    case FT_FAT_ERR_MEAN_SIGF:
        snprintf(buf, len, "Morrow mean-stress correction undefined: mean stress reaches "
                           "sigma_f' = %g",
                 p ? p->sigma_f : 0.0);
        break;
    case FT_FAT_ERR_INPUT:
        snprintf(buf, len, "invalid cycle: negative or non-finite amplitude or mean stress");
        break;
    default:
        snprintf(buf, len, "unknown fatigue error code %d", code);
        break;
    }
    return code;
}

int ft_fatigue_status_message(unsigned rf_flags, const FtDamageAcc *acc,
                              const FtFatigueParams *p, char *buf, size_t len)
{
    size_t used = 0;
    int any = 0;
    if (!buf || len == 0) return (rf_flags || (acc && acc->flags)) ? 1 : 0;
    buf[0] = '\0';
#define APPEND(...)                                                                        \
    do {                                                                                   \
        if (used < len) {                                                                  \
            int w_ = snprintf(buf + used, len - used, __VA_ARGS__);                        \
            if (w_ > 0) used += (size_t)w_;                                                \
        }                                                                                  \
    } while (0)
    if (rf_flags & FT_RF_ERR_OVERFLOW) {
        APPEND("%srainflow residue exceeded %d points (slowly converging history): the "
               "oldest ranges were counted as half cycles early, the count is approximate",
               any ? "; " : "", FT_RF_MAX_RESIDUE);
        any = 1;
    }
    if (rf_flags & FT_RF_ERR_NAN) {
        APPEND("%snon-finite stress samples were ignored", any ? "; " : "");
        any = 1;
    }
    if (rf_flags & FT_RF_ERR_CYCLES_FULL) {
        APPEND("%scycle array full: cycles were dropped", any ? "; " : "");
        any = 1;
    }
    if (acc && acc->flags) {
        char msg[256];
        ft_fatigue_error_message(acc->err_code, p, msg, sizeof msg);
        APPEND("%s%g cycle(s) not counted: %s (first such cycle: amplitude %g, mean %g)",
               any ? "; " : "", acc->invalid_cycles, msg, acc->err_amp, acc->err_mean);
        any = 1;
    }
#undef APPEND
    if (!any) snprintf(buf, len, "ok");
    return any;
}
