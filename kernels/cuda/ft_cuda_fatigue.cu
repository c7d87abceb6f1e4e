/* ftwin kernels: the CUDA fatigue engine, a device-resident counting session
 * (kernels/ft_cuda_fatigue.h: API, layouts, return values).
 *
 * Built three ways from this one file: by nvcc for a real GPU (exact mode: --fmad=false for
 * this file, kernels/CMakeLists.txt), as C++ for the CPU in CUDA emulation (ft_cuda_emu.h:
 * each CUDA thread a real thread, -ffp-contract=off), and, included by ft_cuda_fatigue_fast.cu
 * with FT_CUDA_FATIGUE_FAST defined, as the fast kernel (FMA contraction allowed) under other
 * names; the host side (the session) is compiled once, here.
 *
 * Math of one time chunk, for every counted signal m = (node i, channel j) and step t:
 *   sigma_i(t) = sum_k S_k(i) L_k(t)                 (k ascending; Voigt, 6 components)
 *   x_m(t)     = eq(sigma_i(t))                      signed von Mises, its trace variant, or
 *                                                    the max abs principal (j = 0), or
 *              = sum_k c_k L_k(t), c_k = n_j^T S_k(i) n_j   critical plane j (ft_planes.h:
 *                                                    the coefficients, once per launch)
 *   rainflow (ASTM E1049, ft_rf_push), each counted cycle (range, mean) through the mean-stress
 *   correction and the S-N curve into Miner's sum (ft_damage_add_cycle)
 * with the same FT_HD functions, in the same order, as the CPU loop kernels/cpu/
 * ft_cpu_fatigue.c (fatigue_node, critical_plane_node). The stress history is never written
 * to memory.
 *
 * Why one thread per signal (node, plane), not per node: a node of the 25-plane critical
 * plane has 25 rainflow states (~14 KiB); one thread per node would serialise them and hold
 * 25 x nchan coefficients. Per (node, plane) a thread holds nchan coefficients and one state,
 * and a node's 25 planes are 25 threads of the same block reading the same loads. For the
 * scalar kinds (one signal per node) it is one thread per node. A thread copies its state
 * (FtRainflowState, FtDamageAcc) to local memory at the start of the launch and back at the
 * end: the counting between reads the thread's own interleaved local memory.
 *
 * The loads: the block stages the chunk of L through __shared__ memory in tiles of
 * FT_CF_TILE doubles (FT_CF_TILE / nchan steps): every thread of the block reads the same
 * step at the same time (a shared-memory broadcast). The parameters are copied to __shared__
 * once per block.
 *
 * How it stays exact on the GPU. The device residue is bounded (FT_RF_MAX_RESIDUE inline
 * points, no spill on the device). With a spill (the exact count, spill != NULL at open) the
 * kernel checks, before each sample, the condition under which the CPU loop would grow the
 * spill: rf.n == FT_RF_MAX_RESIDUE. Then it does not push: it records the step, marks the
 * signal as host-counted (skip[m] = 1) and appends m to a stop list (one atomic counter).
 * The host reads the counter after each launch (4 bytes); when it is non-zero it copies the
 * stopped signals' states back and continues each on the CPU with its spill from that step to
 * the end of the chunk (ft_cpu_rf_push_spill: the same pushes as the CPU loop). A stopped
 * signal stays host-counted for good (simpler than handing it back once its spill empties;
 * ring-downs longer than FT_RF_MAX_RESIDUE reversals are rare), as does a signal whose spill
 * is non-empty at open. Pushes with rf.n < FT_RF_MAX_RESIDUE never touch an empty spill, so
 * the device's pushes equal the CPU's: the count is exact ASTM for any history. NaN samples
 * and their flags go through the same ft_rf_push (skipped, FT_RF_ERR_NAN). Without a spill
 * (ft_cuda_fatigue_batch) the device counts with the bounded residue, exactly as
 * ft_cpu_fatigue_batch (FT_RF_ERR_OVERFLOW).
 *
 * Exact vs fast: the exact kernel is compiled without FMA contraction, so on a GPU its
 * superposition and critical-plane sums round as the CPU's (sqrt and division are correctly
 * rounded on both); the remaining differences on a real GPU are libdevice's transcendental
 * functions (pow in the S-N curve and the corrections, cbrt / acos / cos in the principal
 * stresses) against glibc's, 1-2 ulp each: the cycles are expected identical
 * on non-degenerate histories and the damage within a few ulp (the GPU conformance test
 * states its tolerance). The fast kernel lets nvcc contract a*b + c into FMA (faster, and it
 * may flip near-tie reversal decisions); its differences are measured on a real GPU only. In
 * CPU emulation both are compiled without contraction and compute the same, bit for bit
 * equal to the CPU loops (the plane normals are computed on the host and uploaded, so the
 * kernel does not depend on the device's cos / sin either).
 *
 * Device memory: the budget is cudaMemGetInfo's free memory / share less 10%; share = the
 * local ranks bound to this device (ft_cuda_device_sharers, ft_cuda_bind_device) unless
 * ft_cuda_fatigue_set_memory_share set another factor. If all nodes fit, S, the states and the bookkeeping of all nodes
 * stay resident for the session and only the chunk of L goes up per chunk. Otherwise the
 * nodes are processed in blocks that fit: per chunk, each block's S and states are uploaded,
 * counted and downloaded (re-upload per block; the host arrays are then current after every
 * chunk). A chunk of L longer than its buffer (budget / 8) is counted in sub-chunks.
 *
 * Verified: in CPU emulation only (kernels/tests/gpu/conformance_fatigue.c); not yet run on a
 * GPU.
 */
#include "ft_cuda_compat.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ft_batch.h" /* ft_cuda_device_sharers */
#include "../ft_cuda_fatigue.h"
#include "../ft_planes.h"

#ifndef FT_CF_THREADS
#define FT_CF_THREADS 128 /* threads (signals) per block */
#endif
#ifndef FT_CF_TILE
#define FT_CF_TILE 2048 /* doubles of L staged in shared memory per tile (16 KiB) */
#endif

#ifndef FT_CF_ARGS_DEFINED
#define FT_CF_ARGS_DEFINED
/* One launch: a block of nb nodes (nsig = nb * nc signals), nsteps steps of L. Device pointers. */
struct FtCfArgs {
    int nsig, nc, nchan, nb, nsteps, stop_on_full;
    const double *S;     /* [nchan][nb][6] the block's unit stresses */
    const double *L;     /* [nsteps][nchan] */
    const double *nrm;   /* [nc][3] plane normals (critical plane) */
    const FtFatigueParams *par; /* prepared */
    FtRainflowState *rf; /* [nsig] */
    FtDamageAcc *acc;    /* [nsig] */
    unsigned char *skip; /* [nsig] 1: host-counted, the kernel leaves it alone */
    int *stop_sig;       /* [nsig] stop list: signals stopped (full residue) ... */
    int *stop_step;      /* [nsig] ... and the step before which each stopped */
    int *nstop;          /* entries of the stop list */
};
#endif

#ifdef FT_CUDA_FATIGUE_FAST
#define FT_CF_NAME(x) x##_fast
#else
#define FT_CF_NAME(x) x##_exact
#endif

/* The equivalent stress of kind BASE (scalar kinds), the same functions as fatigue_node. */
template <int BASE> __device__ __forceinline__ double FT_CF_NAME(ft_cf_equivalent)(const double s[6])
{
    if (BASE == FT_EQ_SIGNED_VON_MISES) return ft_signed_von_mises(s);
    if (BASE == FT_EQ_SIGNED_VON_MISES_TRACE) return ft_signed_von_mises_trace(s);
    return ft_max_abs_principal(s);
}

/* The counting kernel, one thread per signal m = node * nc + j (see the header comment):
 *   x(t) = sum_k c_k L_k(t)         c_k = n_j^T S_k n_j       (BASE == critical plane)
 *   x(t) = eq_BASE(sum_k S_k L_k(t))                          (scalar kinds, j = 0)
 *   before the push: rf.n == FT_RF_MAX_RESIDUE and stop_on_full -> stop (host continues)
 *   ft_rf_push(rf, x(t), par, acc)   rainflow + mean-stress correction + S-N + Miner */
template <int BASE>
__global__ void __launch_bounds__(FT_CF_THREADS) FT_CF_NAME(ft_fatigue_count_kernel)(FtCfArgs a)
{
    __shared__ double Ls[FT_CF_TILE];
    __shared__ FtFatigueParams par_s[1];
    const long long m = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    const int live = m < a.nsig && !a.skip[m];
    const int nchan = a.nchan;
    const int tsteps = FT_CF_TILE / nchan;
    double w[FT_FATIGUE_MAX_CHANNELS * 6]; /* S_k (6 per channel) or c_k (critical plane) */
    FtRainflowState st;
    FtDamageAcc ac;
    int stopped = 0;
    if (threadIdx.x == 0) par_s[0] = *a.par;
    if (live) {
        const int node = (int)(m / a.nc), j = (int)(m % a.nc);
        st = a.rf[m];
        ac = a.acc[m];
        for (int k = 0; k < nchan; k++) {
            const double *Sk = a.S + ((size_t)k * (size_t)a.nb + (size_t)node) * 6;
            if (BASE == FT_EQ_CRITICAL_PLANE) {
                w[k] = ft_normal_stress(Sk, a.nrm + 3 * j);
            } else {
                for (int c = 0; c < 6; c++) w[6 * k + c] = Sk[c];
            }
        }
    }
    for (int t0 = 0; t0 < a.nsteps; t0 += tsteps) {
        const int tn = (a.nsteps - t0 < tsteps) ? a.nsteps - t0 : tsteps;
        __syncthreads(); /* the previous tile is consumed (first time: par_s written) */
        for (int q = threadIdx.x; q < tn * nchan; q += blockDim.x)
            Ls[q] = a.L[(size_t)t0 * (size_t)nchan + (size_t)q];
        __syncthreads();
        if (!live || stopped) continue; /* stays in the loop for the barriers */
        for (int t = 0; t < tn; t++) {
            const double *l = Ls + t * nchan;
            double x;
            if (a.stop_on_full && st.n == FT_RF_MAX_RESIDUE) {
                const int slot = atomicAdd(a.nstop, 1);
                a.stop_sig[slot] = (int)m;
                a.stop_step[slot] = t0 + t;
                a.skip[m] = 1;
                stopped = 1;
                break;
            }
            if (BASE == FT_EQ_CRITICAL_PLANE) {
                x = w[0] * l[0];
                for (int k = 1; k < nchan; k++) x += w[k] * l[k];
            } else {
                double sig[6];
                for (int c = 0; c < 6; c++) sig[c] = w[c] * l[0];
                for (int k = 1; k < nchan; k++)
                    for (int c = 0; c < 6; c++) sig[c] += w[6 * k + c] * l[k];
                x = FT_CF_NAME(ft_cf_equivalent)<BASE>(sig);
            }
            ft_rf_push(&st, x, par_s, &ac);
        }
    }
    if (live) {
        a.rf[m] = st;
        a.acc[m] = ac;
    }
}

/* Launches the kernel of equivalent kind `base` for a (grid blocks of FT_CF_THREADS); returns
 * cudaGetLastError() after the launch (configuration errors; execution errors show at the next
 * synchronising call). */
extern "C" int FT_CF_NAME(ft__cuda_fatigue_launch)(const FtCfArgs *a, int base, int grid)
{
    switch (base) {
    case FT_EQ_SIGNED_VON_MISES:
        FT_LAUNCH(FT_CF_NAME(ft_fatigue_count_kernel)<FT_EQ_SIGNED_VON_MISES>, grid, FT_CF_THREADS, 0, *a);
        break;
    case FT_EQ_SIGNED_VON_MISES_TRACE:
        FT_LAUNCH(FT_CF_NAME(ft_fatigue_count_kernel)<FT_EQ_SIGNED_VON_MISES_TRACE>, grid, FT_CF_THREADS, 0, *a);
        break;
    case FT_EQ_MAX_ABS_PRINCIPAL:
        FT_LAUNCH(FT_CF_NAME(ft_fatigue_count_kernel)<FT_EQ_MAX_ABS_PRINCIPAL>, grid, FT_CF_THREADS, 0, *a);
        break;
    case FT_EQ_CRITICAL_PLANE:
        FT_LAUNCH(FT_CF_NAME(ft_fatigue_count_kernel)<FT_EQ_CRITICAL_PLANE>, grid, FT_CF_THREADS, 0, *a);
        break;
    default:
        return (int)cudaErrorInvalidValue;
    }
    return (int)cudaGetLastError();
}

#ifndef FT_CUDA_FATIGUE_FAST
/* ================================================================ the session (host) ====== */
extern "C" int ft__cuda_fatigue_launch_fast(const FtCfArgs *a, int base, int grid);

namespace {

thread_local char ft_cf_last_err[512];
int ft_cf_share = 1;

void cf_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ft_cf_last_err, sizeof ft_cf_last_err, fmt, ap);
    va_end(ap);
    if (err && errlen) snprintf(err, errlen, "%s", ft_cf_last_err);
}

} // namespace

struct FtCudaFatigue {
    /* the problem */
    int nnodes, ld, nchan, eq, base, nc, fast, exact; /* exact: spill given, stop on full */
    const double *S;
    FtRainflowState *rf;
    FtRfSpill *spill;
    FtDamageAcc *acc;
    FtFatigueParams par; /* prepared */
    double nrm[FT_CP_MAX_PLANES][3];
    /* blocking */
    int bn, nblocks;    /* nodes per block, blocks (1: resident) */
    long long Lmax;     /* steps the L buffer may hold (budget) */
    long long Lcap;     /* steps it holds now */
    /* device */
    double *dS, *dL, *dnrm;
    FtFatigueParams *dpar;
    FtRainflowState *drf;
    FtDamageAcc *dacc;
    unsigned char *dskip;
    int *dstop_sig, *dstop_step, *dnstop;
    /* host bookkeeping */
    unsigned char *hostc; /* [nnodes * nc] 1: counted on the host (for good) */
    long long *hlist;     /* the host-counted signals, nhost of them */
    long long nhost;
    int *stop_sig, *stop_step; /* [bn * nc] the stop list of the last launch */
    int failed;
};

#define CF_CUDA(call, what)                                                                   \
    do {                                                                                      \
        cudaError_t ce_ = (call);                                                             \
        if (ce_ != cudaSuccess) {                                                             \
            cf_err(err, errlen, "CUDA fatigue engine: %s failed: %s (CUDA error %d)", what,   \
                   cudaGetErrorString(ce_), (int)ce_);                                        \
            return FT_BATCH_ECUDA;                                                            \
        }                                                                                     \
    } while (0)

static int cf_check_args(int nnodes, int ld, int nchan, const double *S, int eq_kind,
                         const FtFatigueParams *par, char *err, size_t errlen)
{
    if (nnodes < 0 || ld < nnodes || nchan < 1 || nchan > FT_FATIGUE_MAX_CHANNELS ||
        ft_equivalent_channels(eq_kind) == 0 || (nnodes > 0 && (!S || !par))) {
        cf_err(err, errlen, "CUDA fatigue engine: invalid arguments (%d nodes, ld %d, %d load channels, equivalent kind %d)",
               nnodes, ld, nchan, eq_kind);
        return FT_BATCH_EARGS;
    }
    if (par && ft_fatigue_validate(par) != FT_FAT_OK) {
        char msg[400];
        ft_fatigue_error_message(ft_fatigue_validate(par), par, msg, sizeof msg);
        cf_err(err, errlen, "CUDA fatigue engine: invalid fatigue parameters: %s", msg);
        return FT_BATCH_EPARAMS;
    }
    return FT_BATCH_OK;
}

static void cf_free_device(FtCudaFatigue *s)
{
    /* cudaFree(NULL) is a no-op; errors on free are not actionable here */
    (void)cudaFree(s->dS);
    (void)cudaFree(s->dL);
    (void)cudaFree(s->dnrm);
    (void)cudaFree(s->dpar);
    (void)cudaFree(s->drf);
    (void)cudaFree(s->dacc);
    (void)cudaFree(s->dskip);
    (void)cudaFree(s->dstop_sig);
    (void)cudaFree(s->dstop_step);
    (void)cudaFree(s->dnstop);
    s->dS = s->dL = s->dnrm = NULL;
    s->dpar = NULL;
    s->drf = NULL;
    s->dacc = NULL;
    s->dskip = NULL;
    s->dstop_sig = s->dstop_step = s->dnstop = NULL;
}

extern "C" void ft_cuda_fatigue_close(FtCudaFatigue *s)
{
    if (!s) return;
    cf_free_device(s);
    free(s->hostc);
    free(s->hlist);
    free(s->stop_sig);
    free(s->stop_step);
    free(s);
}

extern "C" const char *ft_cuda_fatigue_last_error(void) { return ft_cf_last_err; }

extern "C" void ft_cuda_fatigue_set_memory_share(int share) { ft_cf_share = share >= 1 ? share : 1; }

extern "C" long long ft_cuda_fatigue_host_signals(const FtCudaFatigue *s) { return s ? s->nhost : 0; }

extern "C" int ft_cuda_fatigue_node_blocks(const FtCudaFatigue *s) { return s ? s->nblocks : 0; }

/* nodes [i0, i0 + nb) of block b */
static void cf_block(const FtCudaFatigue *s, int b, int *i0, int *nb)
{
    *i0 = b * s->bn;
    *nb = (s->nnodes - *i0 < s->bn) ? s->nnodes - *i0 : s->bn;
}

/* Block b's unit stresses, states and host marks to the device. */
static int cf_upload_block(FtCudaFatigue *s, int b, char *err, size_t errlen)
{
    int i0, nb;
    const size_t nc = (size_t)s->nc;
    cf_block(s, b, &i0, &nb);
    for (int k = 0; k < s->nchan; k++)
        CF_CUDA(cudaMemcpy(s->dS + (size_t)k * (size_t)nb * 6, s->S + ((size_t)k * (size_t)s->ld + (size_t)i0) * 6,
                           (size_t)nb * 6 * sizeof(double), cudaMemcpyHostToDevice),
                "cudaMemcpy (unit stresses to the device)");
    CF_CUDA(cudaMemcpy(s->drf, s->rf + (size_t)i0 * nc, (size_t)nb * nc * sizeof(FtRainflowState), cudaMemcpyHostToDevice),
            "cudaMemcpy (rainflow states to the device)");
    CF_CUDA(cudaMemcpy(s->dacc, s->acc + (size_t)i0 * nc, (size_t)nb * nc * sizeof(FtDamageAcc), cudaMemcpyHostToDevice),
            "cudaMemcpy (damage accumulators to the device)");
    CF_CUDA(cudaMemcpy(s->dskip, s->hostc + (size_t)i0 * nc, (size_t)nb * nc, cudaMemcpyHostToDevice),
            "cudaMemcpy (host-counted marks to the device)");
    return FT_BATCH_OK;
}

/* Block b's states of the device-counted signals back into the host arrays, one copy per run
 * of consecutive device-counted signals (the host-counted ones are current on the host). */
static int cf_download_block(FtCudaFatigue *s, int b, char *err, size_t errlen)
{
    int i0, nb;
    const long long nc = s->nc;
    long long q = 0, nsig, base;
    cf_block(s, b, &i0, &nb);
    nsig = (long long)nb * nc;
    base = (long long)i0 * nc;
    while (q < nsig) {
        long long r;
        if (s->hostc[base + q]) {
            q++;
            continue;
        }
        for (r = q; r < nsig && !s->hostc[base + r]; r++) {
        }
        CF_CUDA(cudaMemcpy(s->rf + base + q, s->drf + q, (size_t)(r - q) * sizeof(FtRainflowState), cudaMemcpyDeviceToHost),
                "cudaMemcpy (rainflow states to the host)");
        CF_CUDA(cudaMemcpy(s->acc + base + q, s->dacc + q, (size_t)(r - q) * sizeof(FtDamageAcc), cudaMemcpyDeviceToHost),
                "cudaMemcpy (damage accumulators to the host)");
        q = r;
    }
    return FT_BATCH_OK;
}

/* Signal m (global) counted on the host from step t_from to ns - 1 of the chunk Lc, with its
 * spill: the arithmetic of the CPU loop (fatigue_node / critical_plane_node + cpu_push). */
static void cf_host_count(FtCudaFatigue *s, long long m, int t_from, int ns, const double *Lc)
{
    const int nchan = s->nchan;
    const long long i = m / s->nc;
    const int j = (int)(m % s->nc);
    const size_t kstride = (size_t)s->ld * 6;
    const double *Si = s->S + 6 * (size_t)i;
    FtRainflowState *st = s->rf + m;
    FtRfSpill *sp = s->spill ? s->spill + m : NULL;
    FtDamageAcc *ac = s->acc + m;
    double w[FT_FATIGUE_MAX_CHANNELS * 6];
    for (int k = 0; k < nchan; k++) {
        if (s->base == FT_EQ_CRITICAL_PLANE) w[k] = ft_normal_stress(Si + (size_t)k * kstride, s->nrm[j]);
        else
            for (int c = 0; c < 6; c++) w[6 * k + c] = Si[(size_t)k * kstride + (size_t)c];
    }
    for (int t = t_from; t < ns; t++) {
        const double *l = Lc + (size_t)t * (size_t)nchan;
        double x;
        if (s->base == FT_EQ_CRITICAL_PLANE) {
            x = w[0] * l[0];
            for (int k = 1; k < nchan; k++) x += w[k] * l[k];
        } else {
            double sig[6];
            for (int c = 0; c < 6; c++) sig[c] = w[c] * l[0];
            for (int k = 1; k < nchan; k++)
                for (int c = 0; c < 6; c++) sig[c] += w[6 * k + c] * l[k];
            x = s->base == FT_EQ_SIGNED_VON_MISES         ? ft_signed_von_mises(sig)
                : s->base == FT_EQ_SIGNED_VON_MISES_TRACE ? ft_signed_von_mises_trace(sig)
                                                          : ft_max_abs_principal(sig);
        }
        ft_cpu_rf_push_spill(st, sp, x, &s->par, ac);
    }
}

static void cf_mark_host(FtCudaFatigue *s, long long m)
{
    s->hostc[m] = 1;
    s->hlist[s->nhost++] = m;
}

extern "C" int ft_cuda_fatigue_open(int nnodes, int ld, int nchan, const double *S, int eq_kind,
                                    const FtFatigueParams *par, int fast, FtRainflowState *rf,
                                    FtRfSpill *spill, FtDamageAcc *acc, FtCudaFatigue **session,
                                    char *err, size_t errlen)
{
    int rc, ndev = 0;
    size_t freeb = 0, totalb = 0;
    FtCudaFatigue *s;
    long long nsig;
    if (!session) {
        cf_err(err, errlen, "CUDA fatigue engine: no session pointer");
        return FT_BATCH_EARGS;
    }
    *session = NULL;
    rc = cf_check_args(nnodes, ld, nchan, S, eq_kind, par, err, errlen);
    if (rc) return rc;
    if (nnodes > 0 && (!rf || !acc)) {
        cf_err(err, errlen, "CUDA fatigue engine: no counting state arrays");
        return FT_BATCH_EARGS;
    }
    if (cudaGetDeviceCount(&ndev) != cudaSuccess || ndev < 1) {
        (void)cudaGetLastError(); /* clear the sticky error of a missing driver */
        cf_err(err, errlen, "CUDA fatigue engine: no CUDA device is visible");
        return FT_BATCH_ENODEV;
    }
    s = (FtCudaFatigue *)calloc(1, sizeof *s);
    if (!s) {
        cf_err(err, errlen, "CUDA fatigue engine: out of host memory");
        return 3;
    }
    s->nnodes = nnodes;
    s->ld = ld;
    s->nchan = nchan;
    s->eq = eq_kind;
    s->base = ft_eq_base(eq_kind);
    s->nc = ft_equivalent_channels(eq_kind);
    s->fast = fast ? 1 : 0;
    s->exact = spill != NULL;
    s->S = S;
    s->rf = rf;
    s->spill = spill;
    s->acc = acc;
    if (par) {
        s->par = *par;
        ft_fatigue_prepare(&s->par);
    }
    for (int j = 0; j < ft_eq_planes(eq_kind); j++) ft_cp_normal(ft_eq_planes(eq_kind), j, s->nrm[j]);
    if (nnodes == 0) {
        *session = s;
        return FT_BATCH_OK;
    }
    nsig = (long long)nnodes * s->nc;
    {
        /* the budget and the node blocks (see the header comment) */
        const size_t per_node = (size_t)nchan * 6 * sizeof(double) +
                                (size_t)s->nc * (sizeof(FtRainflowState) + sizeof(FtDamageAcc) + 1 + 2 * sizeof(int));
        const size_t fixed = sizeof(FtFatigueParams) + sizeof s->nrm + 256;
        size_t budget, lbytes, nodes;
        cudaError_t ce = cudaMemGetInfo(&freeb, &totalb);
        if (ce != cudaSuccess) {
            cf_err(err, errlen, "CUDA fatigue engine: cudaMemGetInfo failed: %s (CUDA error %d)", cudaGetErrorString(ce), (int)ce);
            ft_cuda_fatigue_close(s);
            return FT_BATCH_ECUDA;
        }
        const int share = ft_cf_share > 1 ? ft_cf_share : ft_cuda_device_sharers();
        budget = freeb / (size_t)(share > 0 ? share : 1);
        budget -= budget / 10;
        lbytes = budget / 8;
        s->Lmax = (long long)(lbytes / ((size_t)nchan * sizeof(double)));
        nodes = (budget > lbytes + fixed) ? (budget - lbytes - fixed) / per_node : 0;
        if (s->Lmax < 1 || nodes < 1) {
            cf_err(err, errlen,
                   "CUDA fatigue engine: not enough device memory for one node: %zu bytes free (share 1/%d), %zu bytes per node "
                   "and %zu per load step needed",
                   freeb, ft_cf_share > 1 ? ft_cf_share : ft_cuda_device_sharers(), per_node, (size_t)nchan * sizeof(double));
            ft_cuda_fatigue_close(s);
            return FT_BATCH_ECUDA;
        }
        if (nodes > (size_t)nnodes) nodes = (size_t)nnodes;
        if (nodes > (size_t)(INT_MAX / 2 / s->nc)) nodes = (size_t)(INT_MAX / 2 / s->nc); /* block signals fit an int */
        s->bn = (int)nodes;
        s->nblocks = (int)((nnodes + (long long)s->bn - 1) / s->bn);
    }
    s->hostc = (unsigned char *)calloc((size_t)nsig, 1);
    s->hlist = (long long *)malloc((size_t)nsig * sizeof *s->hlist);
    s->stop_sig = (int *)malloc((size_t)s->bn * (size_t)s->nc * sizeof(int));
    s->stop_step = (int *)malloc((size_t)s->bn * (size_t)s->nc * sizeof(int));
    if (!s->hostc || !s->hlist || !s->stop_sig || !s->stop_step) {
        ft_cuda_fatigue_close(s);
        cf_err(err, errlen, "CUDA fatigue engine: out of host memory for the bookkeeping of %lld signals", nsig);
        return 3;
    }
    /* signals whose spill holds points are counted on the host from the start */
    if (spill)
        for (long long m = 0; m < nsig; m++)
            if (spill[m].n > 0) cf_mark_host(s, m);
    {
        const size_t bsig = (size_t)s->bn * (size_t)s->nc;
#define CF_MALLOC(ptr, bytes, what)                                                           \
    do {                                                                                      \
        cudaError_t ce_ = cudaMalloc((void **)&(ptr), (bytes));                               \
        if (ce_ != cudaSuccess) {                                                             \
            cf_err(err, errlen, "CUDA fatigue engine: cudaMalloc of %zu bytes (%s) failed: %s (CUDA error %d)", (size_t)(bytes), \
                   what, cudaGetErrorString(ce_), (int)ce_);                                  \
            ft_cuda_fatigue_close(s);                                                         \
            return FT_BATCH_ECUDA;                                                            \
        }                                                                                     \
    } while (0)
        CF_MALLOC(s->dS, (size_t)nchan * (size_t)s->bn * 6 * sizeof(double), "unit stresses");
        CF_MALLOC(s->drf, bsig * sizeof(FtRainflowState), "rainflow states");
        CF_MALLOC(s->dacc, bsig * sizeof(FtDamageAcc), "damage accumulators");
        CF_MALLOC(s->dskip, bsig, "host-counted marks");
        CF_MALLOC(s->dstop_sig, bsig * sizeof(int), "stop list");
        CF_MALLOC(s->dstop_step, bsig * sizeof(int), "stop steps");
        CF_MALLOC(s->dnstop, sizeof(int), "stop counter");
        CF_MALLOC(s->dpar, sizeof(FtFatigueParams), "fatigue parameters");
        CF_MALLOC(s->dnrm, sizeof s->nrm, "plane normals");
#undef CF_MALLOC
    }
    {
        int urc = FT_BATCH_OK;
        cudaError_t ce = cudaMemcpy(s->dpar, &s->par, sizeof s->par, cudaMemcpyHostToDevice);
        if (ce == cudaSuccess) ce = cudaMemcpy(s->dnrm, s->nrm, sizeof s->nrm, cudaMemcpyHostToDevice);
        if (ce != cudaSuccess) {
            cf_err(err, errlen, "CUDA fatigue engine: cudaMemcpy (parameters to the device) failed: %s (CUDA error %d)",
                   cudaGetErrorString(ce), (int)ce);
            urc = FT_BATCH_ECUDA;
        }
        if (!urc && s->nblocks == 1) urc = cf_upload_block(s, 0, err, errlen); /* resident */
        if (urc) {
            ft_cuda_fatigue_close(s);
            return urc;
        }
    }
    *session = s;
    return FT_BATCH_OK;
}

/* One launch over block b for the ns steps at dL (= host Lc), then the stop list, the
 * host-counted signals and (non-resident) the download. */
static int cf_count_block(FtCudaFatigue *s, int b, int ns, const double *Lc, char *err, size_t errlen)
{
    int i0, nb, rc, nstop = 0;
    const long long nhost_before = s->nhost;
    const int resident = s->nblocks == 1;
    FtCfArgs a;
    cf_block(s, b, &i0, &nb);
    if (!resident && (rc = cf_upload_block(s, b, err, errlen))) return rc;
    a.nsig = nb * s->nc;
    a.nc = s->nc;
    a.nchan = s->nchan;
    a.nb = nb;
    a.nsteps = ns;
    a.stop_on_full = s->exact;
    a.S = s->dS;
    a.L = s->dL;
    a.nrm = &s->dnrm[0];
    a.par = s->dpar;
    a.rf = s->drf;
    a.acc = s->dacc;
    a.skip = s->dskip;
    a.stop_sig = s->dstop_sig;
    a.stop_step = s->dstop_step;
    a.nstop = s->dnstop;
    CF_CUDA(cudaMemset(s->dnstop, 0, sizeof(int)), "cudaMemset (stop counter)");
    {
        const int grid = (a.nsig + FT_CF_THREADS - 1) / FT_CF_THREADS;
        const int lrc = s->fast ? ft__cuda_fatigue_launch_fast(&a, s->base, grid) : ft__cuda_fatigue_launch_exact(&a, s->base, grid);
        CF_CUDA((cudaError_t)lrc, s->fast ? "launch of the counting kernel (fast)" : "launch of the counting kernel (exact)");
    }
    CF_CUDA(cudaDeviceSynchronize(), "the counting kernel (cudaDeviceSynchronize)");
    CF_CUDA(cudaMemcpy(&nstop, s->dnstop, sizeof(int), cudaMemcpyDeviceToHost), "cudaMemcpy (stop counter to the host)");
    if (nstop < 0 || nstop > a.nsig) {
        cf_err(err, errlen, "CUDA fatigue engine: corrupt stop counter %d (block of %d signals)", nstop, a.nsig);
        return FT_BATCH_ECUDA;
    }
    if (nstop > 0) {
        CF_CUDA(cudaMemcpy(s->stop_sig, s->dstop_sig, (size_t)nstop * sizeof(int), cudaMemcpyDeviceToHost),
                "cudaMemcpy (stop list to the host)");
        CF_CUDA(cudaMemcpy(s->stop_step, s->dstop_step, (size_t)nstop * sizeof(int), cudaMemcpyDeviceToHost),
                "cudaMemcpy (stop steps to the host)");
    }
    /* the device-counted signals' states (the stopped ones still among them) */
    if (!resident && (rc = cf_download_block(s, b, err, errlen))) return rc;
    for (int q = 0; q < nstop; q++) {
        const long long m = (long long)i0 * s->nc + s->stop_sig[q];
        if (resident) {
            CF_CUDA(cudaMemcpy(s->rf + m, s->drf + s->stop_sig[q], sizeof(FtRainflowState), cudaMemcpyDeviceToHost),
                    "cudaMemcpy (a stopped signal's state to the host)");
            CF_CUDA(cudaMemcpy(s->acc + m, s->dacc + s->stop_sig[q], sizeof(FtDamageAcc), cudaMemcpyDeviceToHost),
                    "cudaMemcpy (a stopped signal's damage to the host)");
        }
    }
    /* from here on only host arrays change: the chunk's device part is complete */
    for (int q = 0; q < nstop; q++) {
        const long long m = (long long)i0 * s->nc + s->stop_sig[q];
        cf_mark_host(s, m);
        cf_host_count(s, m, s->stop_step[q], ns, Lc);
    }
    for (long long h = 0; h < nhost_before; h++) {
        const long long m = s->hlist[h];
        if (m >= (long long)i0 * s->nc && m < (long long)(i0 + nb) * s->nc) cf_host_count(s, m, 0, ns, Lc);
    }
    return FT_BATCH_OK;
}

extern "C" int ft_cuda_fatigue_chunk(FtCudaFatigue *s, int nsteps, const double *L, char *err, size_t errlen)
{
    if (!s || nsteps < 0) {
        cf_err(err, errlen, "CUDA fatigue engine: invalid chunk (%d steps)", nsteps);
        return FT_BATCH_EARGS;
    }
    if (s->failed) {
        cf_err(err, errlen, "CUDA fatigue engine: the session failed earlier (its device state is lost): close it");
        return FT_BATCH_ECUDA;
    }
    if (nsteps == 0 || s->nnodes == 0) return FT_BATCH_OK;
    if (!L) {
        cf_err(err, errlen, "CUDA fatigue engine: no load history for a chunk of %d steps", nsteps);
        return FT_BATCH_EARGS;
    }
    {
        const long long want = nsteps < s->Lmax ? nsteps : s->Lmax;
        if (s->Lcap < want) {
            cudaError_t ce;
            (void)cudaFree(s->dL);
            s->dL = NULL;
            s->Lcap = 0;
            ce = cudaMalloc((void **)&s->dL, (size_t)want * (size_t)s->nchan * sizeof(double));
            if (ce != cudaSuccess) {
                s->dL = NULL;
                s->failed = 1;
                cf_err(err, errlen, "CUDA fatigue engine: cudaMalloc of %zu bytes (load chunk) failed: %s (CUDA error %d)",
                       (size_t)want * (size_t)s->nchan * sizeof(double), cudaGetErrorString(ce), (int)ce);
                return FT_BATCH_ECUDA;
            }
            s->Lcap = want;
        }
    }
    for (long long t0 = 0; t0 < nsteps; t0 += s->Lcap) {
        const int ns = (int)(nsteps - t0 < s->Lcap ? nsteps - t0 : s->Lcap);
        const double *Lc = L + (size_t)t0 * (size_t)s->nchan;
        cudaError_t ce = cudaMemcpy(s->dL, Lc, (size_t)ns * (size_t)s->nchan * sizeof(double), cudaMemcpyHostToDevice);
        if (ce != cudaSuccess) {
            s->failed = 1;
            cf_err(err, errlen, "CUDA fatigue engine: cudaMemcpy (load chunk to the device) failed: %s (CUDA error %d)",
                   cudaGetErrorString(ce), (int)ce);
            return FT_BATCH_ECUDA;
        }
        for (int b = 0; b < s->nblocks; b++) {
            const int rc = cf_count_block(s, b, ns, Lc, err, errlen);
            if (rc) {
                s->failed = 1;
                return rc;
            }
        }
    }
    return FT_BATCH_OK;
}

extern "C" int ft_cuda_fatigue_sync(FtCudaFatigue *s, char *err, size_t errlen)
{
    int rc;
    if (!s) {
        cf_err(err, errlen, "CUDA fatigue engine: no session to sync");
        return FT_BATCH_EARGS;
    }
    if (s->failed) {
        cf_err(err, errlen, "CUDA fatigue engine: the session failed earlier (its device state is lost): close it");
        return FT_BATCH_ECUDA;
    }
    if (s->nnodes == 0 || s->nblocks != 1) return FT_BATCH_OK; /* blocks: the host is current */
    rc = cf_download_block(s, 0, err, errlen);
    if (rc) s->failed = 1;
    return rc;
}

static int cf_one_shot(int nnodes, int ld, int nchan, const double *S, int nsteps, const double *L, int eq_kind,
                       const FtFatigueParams *par, FtRainflowState *rf, FtRfSpill *spill, FtDamageAcc *acc)
{
    FtCudaFatigue *s = NULL;
    int rc;
    ft_cf_last_err[0] = '\0';
    rc = cf_check_args(nnodes, ld, nchan, S, eq_kind, par, NULL, 0);
    if (rc) return rc;
    if (nsteps < 0) {
        cf_err(NULL, 0, "CUDA fatigue engine: invalid arguments (%d steps)", nsteps);
        return FT_BATCH_EARGS;
    }
    if (nnodes == 0 || nsteps == 0) return FT_BATCH_OK;
    if (!L) {
        cf_err(NULL, 0, "CUDA fatigue engine: no load history");
        return FT_BATCH_EARGS;
    }
    rc = ft_cuda_fatigue_open(nnodes, ld, nchan, S, eq_kind, par, 0, rf, spill, acc, &s, NULL, 0);
    if (!rc) rc = ft_cuda_fatigue_chunk(s, nsteps, L, NULL, 0);
    if (!rc) rc = ft_cuda_fatigue_sync(s, NULL, 0);
    ft_cuda_fatigue_close(s);
    return rc;
}

extern "C" int ft_cuda_fatigue_batch(int nnodes, int ld, int nchan, const double *S, int nsteps, const double *L,
                                     int eq_kind, const FtFatigueParams *par, FtRainflowState *rf, FtDamageAcc *acc)
{
    return cf_one_shot(nnodes, ld, nchan, S, nsteps, L, eq_kind, par, rf, NULL, acc);
}

extern "C" int ft_cuda_fatigue_batch_spill(int nnodes, int ld, int nchan, const double *S, int nsteps,
                                           const double *L, int eq_kind, const FtFatigueParams *par,
                                           FtRainflowState *rf, FtRfSpill *spill, FtDamageAcc *acc)
{
    return cf_one_shot(nnodes, ld, nchan, S, nsteps, L, eq_kind, par, rf, spill, acc);
}
#endif /* !FT_CUDA_FATIGUE_FAST */
