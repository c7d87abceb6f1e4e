/* ftwin kernels: the fused CPU fatigue kernel vectorised across nodes (issue 13 item 1), and
 * the one place that chooses between it and the scalar reference kernel at run time.
 *
 * A block of W nodes is processed in the W lanes of a vector (structure of arrays): the unit
 * stresses of the block are transposed once, and per time step the superposition, the
 * equivalent stress (signed von Mises, its trace variant, max |principal|) and the reversal
 * filter's test run in lanes; only lanes with a confirmed reversal go to the scalar residue
 * code (ft__rf_reversal, with the spill). The body is ft_cpu_fatigue_simd.inc, included once
 * per instruction set with per-function target attributes (no -march: the binary runs on any
 * x86-64 and picks the path here at run time):
 *   "avx512"  8 lanes, target("avx512f"), where the CPU has AVX-512F
 *   "avx2"    4 lanes, target("avx2")  (no "fma")
 *   "sse2"    2 lanes (x86-64 baseline)
 *   "scalar"  the scalar kernel of ft_cpu_fatigue.c (fatigue_node), the reference
 * Every path gives bit-identical states, damage, cycles and flags (same operations in the
 * same order per lane; this file is compiled with -ffp-contract=off, as AVX-512F would allow
 * the compiler to contract a * b + c into an FMA). Checked by kernels/tests/
 * test_fatigue_simd.c. The critical plane uses the same block with lanes = planes (of one
 * node, or the planes left over of W nodes: critical_plane_group in ft_cpu_fatigue.c).
 *
 * Built only where the compiler targets x86-64 with GNU C vector extensions (GCC, clang) and
 * FT_NO_SIMD is not defined (-DFT_NO_SIMD: the portable build, as on other architectures:
 * the scalar kernel only, every request of a vector path answered "scalar").
 *
 * Choice: FTWIN_SIMD (environment, read once, at the first call) = off | scalar | auto | sse2
 * | avx2 | avx512 (a path the CPU lacks falls back to the best it has; unset or unknown:
 * auto), or ft_cpu_fatigue_set_simd / ft_cpu_fatigue_set_simd_path, which override it. */
#include <stdlib.h>
#include <string.h>

#include "../ft_fatigue_batch.h"
#include "ft_cpu_simd.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(FT_NO_SIMD)
#include <immintrin.h>
#define FTV_HAVE_X86 1

/* The scalar residue step of a confirmed reversal r of one signal, as ft_rf_push_spill
 * through cpu_push does it: the spill grown first where the inline residue is full (cpu_push
 * does this before every push; between two reversals the state does not change, so growing
 * it before each reversal and after the last step leaves the same spill), then steps 2-5. */
static void ftv_reserve(FtRainflowState *s, FtRfSpill *sp)
{
    if (sp && s->n == FT_RF_MAX_RESIDUE && sp->cap - sp->n < FT_RF_SPILL_BLOCK)
        (void)ft_rf_spill_reserve(sp);
}

/* The test of the flush for cycles below the S-N cut-off (ftv_below): ft__damage_add_cycle_dc's
 * own decision "below the cut-off", with its constants in registers. kind 0: no quick test
 * (other corrections, parameters not prepared or not valid); 1: no
 * mean-stress correction, S_a inv_marin < S_lo; 2: Goodman / Soderberg / Morrow, m =
 * ft__msc_mean(S_m) < lim and S_a inv_marin < S_lo (1 - m inv_msc), the same expressions as
 * there. */
typedef struct {
    int kind, compr_zero;
    double inv_marin, S_lo, inv_msc, lim;
} FtvBelow;

static inline void ftv_below_init(FtvBelow *q, const FtFatigueParams *p)
{
    const FtDamageConst *d = &p->dc;
    q->kind = q->compr_zero = 0;
    q->inv_marin = q->S_lo = q->inv_msc = q->lim = 0.0;
    if (d->ready != FT_DC_READY || !d->ok) return;
    q->inv_marin = d->inv_marin;
    q->S_lo = d->S_lo;
    q->inv_msc = d->inv_msc;
    q->compr_zero = p->mean_compr == FT_MEAN_COMPR_ZERO;
    switch (p->msc) {
    case FT_MSC_NONE: q->kind = 1; break;
    case FT_MSC_GOODMAN: q->kind = 2, q->lim = p->S_u; break;
    case FT_MSC_SODERBERG: q->kind = 2, q->lim = p->S_y; break;
    case FT_MSC_MORROW: q->kind = 2, q->lim = p->sigma_f; break;
    default: break;
    }
}

/* 1 where ft__damage_add_cycle_dc would take its "below the cut-off" branch for the cycle of
 * range `range` and mean `mean` (finite amplitude and mean, and the test of q) */
static inline int ftv_below(const FtvBelow *q, double range, double mean)
{
    const double S_a = 0.5 * range;
    if (q->kind == 0 || !ft__finite(S_a) || !ft__finite(mean)) return 0;
    if (q->kind == 1) return S_a * q->inv_marin < q->S_lo;
    {
        const double m = (mean < 0.0 && q->compr_zero) ? 0.0 : mean; /* ft__msc_mean */
        return m < q->lim && S_a * q->inv_marin < q->S_lo * (1.0 - m * q->inv_msc);
    }
}

/* The queued reversals of one signal through the residue, in step order: the reversal of
 * step i (bit i of bits) is v[i * stride]. Each is ft__rf_reversal with the spill growth of
 * cpu_push before it (ftv_reserve); while the spill is empty and the inline residue not full
 * (all but ring-downs), that is exactly the loop below (steps 2-5, the retained point pushed;
 * ftv_reserve does nothing there), with the residue length and the reversal count kept in
 * registers across the queue; otherwise the call itself.
 * A cycle it forms goes to ft__rf_emit (its damage), except where ftv_below says that
 * ft__damage_add_cycle_dc would only count it (below the S-N cut-off: most cycles of a dense
 * history): then the two updates that branch makes (cycles += count, max_range) are made
 * here on copies in registers, written back before any other call and at the end. The
 * accumulator sees the same operations in the same order: bit-identical, without two calls
 * and two stores per such cycle (the critical plane -8 %, bench/fatigue README section 8). */
static __attribute__((noinline)) void ftv_flush(FtRainflowState *s, FtRfSpill *sp,
                                                const double *v, int stride,
                                                unsigned long long bits,
                                                const FtFatigueParams *par,
                                                const FtvBelow *q, FtDamageAcc *acc)
{
    FtCycleSink k = ft__rf_sink(acc, par, 0, 0, 0, sp);
    double *res = s->res;
    int n = s->n;
    long long nrev = s->nrev;
    double cycles = acc ? acc->cycles : 0.0, max_range = acc ? acc->max_range : 0.0;
#define FTV_EMIT(a_, b_, count_)                                                            \
    do {                                                                                   \
        const double a__ = (a_), b__ = (b_), range__ = fabs(a__ - b__);                     \
        if (acc && ftv_below(q, range__, 0.5 * (a__ + b__))) {                                   \
            cycles += (count_);                                                            \
            if (range__ > max_range) max_range = range__;                                  \
        } else {                                                                           \
            if (acc) acc->cycles = cycles, acc->max_range = max_range;                     \
            ft__rf_emit(&k, a__, b__, (count_));                                           \
            if (acc) cycles = acc->cycles, max_range = acc->max_range;                     \
        }                                                                                  \
    } while (0)
    while (bits) {
        const int i = __builtin_ctzll(bits);
        const double r = v[(size_t)i * (size_t)stride];
        bits &= bits - 1;
        if (n == FT_RF_MAX_RESIDUE || (sp && sp->n > 0)) { /* full residue or a spill */
            s->n = n;
            s->nrev = nrev;
            if (acc) acc->cycles = cycles, acc->max_range = max_range;
            ftv_reserve(s, sp);
            ft__rf_reversal(s, r, &k);
            if (acc) cycles = acc->cycles, max_range = acc->max_range;
            n = s->n;
            nrev = s->nrev;
            continue;
        }
        nrev++;
        while (n >= 2) {
            const double X = fabs(r - res[n - 1]);
            const double Y = fabs(res[n - 1] - res[n - 2]);
            if (X < Y) break;
            if (n == 2) { /* Y contains S (the spill is empty) */
                FTV_EMIT(res[0], res[1], 0.5);
                res[0] = res[1];
                n = 1;
            } else {
                FTV_EMIT(res[n - 2], res[n - 1], 1.0);
                n -= 2;
            }
        }
        res[n++] = r;
    }
#undef FTV_EMIT
    if (acc) acc->cycles = cycles, acc->max_range = max_range;
    s->n = n;
    s->nrev = nrev;
}

/* 8 x 8 bit matrix transpose (Hacker's Delight, transpose8): bit j of byte i <-> bit i of
 * byte j (here: byte = step, bit = lane  ->  byte = lane, bit = step) */
static inline unsigned long long ftv_transpose8(unsigned long long x)
{
    unsigned long long t;
    t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAull;
    x = x ^ t ^ (t << 7);
    t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCull;
    x = x ^ t ^ (t << 14);
    t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0ull;
    x = x ^ t ^ (t << 28);
    return x;
}

/* steps per queue flush (a lane queues at most one reversal per step; the lane masks of a
 * chunk are 64-bit words) */
#define FTV_CHUNK 64

typedef double ftv_v2d __attribute__((vector_size(16)));
typedef long long ftv_v2l __attribute__((vector_size(16)));
typedef double ftv_v4d __attribute__((vector_size(32)));
typedef long long ftv_v4l __attribute__((vector_size(32)));
typedef double ftv_v8d __attribute__((vector_size(64)));
typedef long long ftv_v8l __attribute__((vector_size(64)));

#define FTV_W 2
#define FTV_TARGET "sse2"
#define FTV_SUFFIX sse2
#define FTV_VD ftv_v2d
#define FTV_VL ftv_v2l
#define FTV_SQRT(v) ((ftv_v2d)_mm_sqrt_pd((__m128d)(v)))
#define FTV_MASK(m) _mm_movemask_pd((__m128d)(m))
#include "ft_cpu_fatigue_simd.inc"
#undef FTV_W
#undef FTV_TARGET
#undef FTV_SUFFIX
#undef FTV_VD
#undef FTV_VL
#undef FTV_SQRT
#undef FTV_MASK

#define FTV_W 4
#define FTV_TARGET "avx2"
#define FTV_SUFFIX avx2
#define FTV_VD ftv_v4d
#define FTV_VL ftv_v4l
#define FTV_SQRT(v) ((ftv_v4d)_mm256_sqrt_pd((__m256d)(v)))
#define FTV_MASK(m) _mm256_movemask_pd((__m256d)(m))
#include "ft_cpu_fatigue_simd.inc"
#undef FTV_W
#undef FTV_TARGET
#undef FTV_SUFFIX
#undef FTV_VD
#undef FTV_VL
#undef FTV_SQRT
#undef FTV_MASK

#define FTV_W 8
#define FTV_TARGET "avx512f"
#define FTV_SUFFIX avx512
#define FTV_VD ftv_v8d
#define FTV_VL ftv_v8l
#define FTV_SQRT(v) ((ftv_v8d)_mm512_sqrt_pd((__m512d)(v)))
#define FTV_MASK(m) _mm512_cmpneq_epi64_mask((__m512i)(m), _mm512_setzero_si512())
#include "ft_cpu_fatigue_simd.inc"
#undef FTV_W
#undef FTV_TARGET
#undef FTV_SUFFIX
#undef FTV_VD
#undef FTV_VL
#undef FTV_SQRT
#undef FTV_MASK
#endif

/* ------------------------------------------------------------- dispatch ------------ */
enum { FTV_SCALAR = 0, FTV_SSE2 = 1, FTV_AVX2 = 2, FTV_AVX512 = 3, FTV_NPATHS = 4 };

static const char *const ftv_names[FTV_NPATHS] = {"scalar", "sse2", "avx2", "avx512"};

static int ftv_supported(int path)
{
    if (path == FTV_SCALAR) return 1;
#if defined(FTV_HAVE_X86)
    __builtin_cpu_init();
    switch (path) {
    case FTV_SSE2: return 1; /* x86-64 baseline */
    case FTV_AVX2: return __builtin_cpu_supports("avx2") != 0;
    case FTV_AVX512: return __builtin_cpu_supports("avx512f") != 0;
    default: return 0;
    }
#else
    return 0;
#endif
}

/* the best path the CPU has, at most `upto` */
static int ftv_best(int upto)
{
    int p;
    for (p = upto; p > FTV_SCALAR; p--)
        if (ftv_supported(p)) return p;
    return FTV_SCALAR;
}

static int ftv_path = -1; /* -1: not chosen yet */

static int ftv_parse(const char *name, int *path)
{
    int p;
    if (!name) return -1;
    if (!strcmp(name, "off") || !strcmp(name, "0")) {
        *path = FTV_SCALAR;
        return 0;
    }
    if (!strcmp(name, "auto") || !strcmp(name, "on") || !strcmp(name, "1")) {
        *path = ftv_best(FTV_NPATHS - 1);
        return 0;
    }
    for (p = 0; p < FTV_NPATHS; p++)
        if (!strcmp(name, ftv_names[p])) {
            *path = ftv_best(p);
            return 0;
        }
    return -1;
}

static int ftv_current(void)
{
    if (ftv_path < 0) {
        int p = ftv_best(FTV_NPATHS - 1);
        (void)ftv_parse(getenv("FTWIN_SIMD"), &p);
        ftv_path = p;
    }
    return ftv_path;
}

int ft_cpu_fatigue_set_simd(int on)
{
    ftv_path = on ? ftv_best(FTV_NPATHS - 1) : FTV_SCALAR;
    return ftv_path != FTV_SCALAR;
}

int ft_cpu_fatigue_set_simd_path(const char *name)
{
    int p;
    if (ftv_parse(name, &p)) return -1;
    ftv_path = p;
    return 0;
}

const char *ft_cpu_fatigue_simd_name(void) { return ftv_names[ftv_current()]; }

int ft__cpu_fatigue_simd_choose(int eq_kind, FtCpuFatigueBlockFn *fn)
{
    const int path = ftv_current();
    *fn = NULL;
    if (eq_kind != FT_EQ_SIGNED_VON_MISES && eq_kind != FT_EQ_SIGNED_VON_MISES_TRACE &&
        eq_kind != FT_EQ_MAX_ABS_PRINCIPAL && ft_eq_planes(eq_kind) == 0)
        return 1;
#if defined(FTV_HAVE_X86)
    switch (path) {
    case FTV_SSE2: *fn = ft_cpu_fatigue_block_sse2; return 2;
    case FTV_AVX2: *fn = ft_cpu_fatigue_block_avx2; return 4;
    case FTV_AVX512: *fn = ft_cpu_fatigue_block_avx512; return 8; /* FT_CPU_SIMD_MAX_W */
    default: break;
    }
#else
    (void)path;
#endif
    return 1;
}
