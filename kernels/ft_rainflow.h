/* ftwin kernels: streaming rainflow cycle counting (ASTM E1049-85, reapproved 2017,
 * "Standard Practices for Cycle Counting in Fatigue Analysis", sec. 5.4.4).
 *
 * Header-only, FT_HD functions (static inline; __host__ __device__ under nvcc): no
 * allocation, no I/O, no static tables, no recursion, bounded local storage, double
 * precision. One FtRainflowState per counted signal (node, channel); the state carries
 * everything between calls, so a history can be fed sample by sample, in chunks, across
 * kernel launches or across runs (save / restore the POD struct).
 *
 * ASTM E1049 sec. 5.4.4 (three-point rule). X = range under consideration, Y = previous
 * range adjacent to X, S = starting point of the history:
 *   (1) read the next peak or valley; out of data -> step 6
 *   (2) fewer than three points -> step 1; form X and Y from the three most recent peaks
 *       and valleys not discarded
 *   (3) X < Y -> step 1;  X >= Y -> step 4
 *   (4) Y contains S -> step 5; else count Y as one cycle, discard the peak and the valley
 *       of Y, go to step 2
 *   (5) count Y as one-half cycle, discard the first point of Y (S moves to the second
 *       point of Y), go to step 2
 *   (6) count each range not yet counted as one-half cycle.
 * The starting point S: a range that begins at S has no earlier point that could enclose
 * it, so it cannot become a closed hysteresis loop; the standard counts it as one-half
 * cycle as soon as a range at least as large follows (step 5) and moves S on, instead of
 * keeping it to the end. Because the retained points always begin at S, "Y contains S"
 * is simply "Y is the first range of the stack" (exactly three points are retained when
 * X and Y are formed). Without step 5 (plain three-point counting) the residue would
 * grow and shrink (diverging then converging); with it, a consequence that
 * this implementation relies on: after every step the ranges of the retained points
 * (the residue) are STRICTLY DECREASING from the oldest to the newest (any X >= Y is
 * removed by step 4 or 5), i.e. the ASTM residue is a converging sequence of reversals.
 *
 * Example (ASTM E1049 Fig. 6, reversals -2 1 -3 5 -1 3 -4 4 -2), cycles in the order this
 * code emits them (range, mean, count):
 *   (3,-0.5,0.5) (4,-1,0.5) (4,1,1) (8,1,0.5) | residue (9,0.5,0.5) (8,0,0.5) (6,1,0.5)
 * i.e. ranges 3: 0.5, 4: 1.5, 6: 0.5, 8: 1.0, 9: 0.5 cycles - the standard's counts
 * (reproduced by MATLAB's rainflow() documentation example with the same means, and by
 * the tests of the Python packages `rainflow` and `ffpack`).
 *
 * Peaks and valleys (reversals) are extracted from raw samples on the fly (FtReversalFilter):
 *   - repeated values are skipped; a point where the slope keeps its sign is not a
 *     reversal; the first sample is the starting point S (a reversal, as in E1049 where
 *     the history starts at a peak or valley);
 *   - hysteresis gate g >= 0: a reversal is accepted only when the signal has come back
 *     from the last extreme by MORE than g (g = 0: any strict change of slope). Every
 *     counted range is then > g. Small reversals below the gate are ignored (the usual
 *     hysteresis filter of fatigue practice, not part of E1049's rule: g = 0 is E1049).
 *     Until the signal first leaves a band of width g the running minimum and maximum
 *     are tracked; the first move beyond the gate starts the first slope, and the extreme
 *     on the other side of the band becomes the starting point (g = 0: the first sample).
 *     So the filtered reversals are those of g = 0 with the small ranges removed;
 *   - the last extreme is only confirmed as a reversal when the signal turns back; until
 *     then it is the pending point (`cand`). ft_rf_finish treats it as the last point of
 *     the history (the end point of a history is a peak or valley, as the start).
 *
 * Streaming, finishing and chunking
 *   ft_rf_push runs steps 1-5 for each confirmed reversal and delivers counted cycles at
 *   once (full cycles and the step-5 half cycles). ft_rf_finish runs steps 1-6 for the
 *   pending point and the residue on a read-only view of the state (the state is const):
 *   it delivers what the count WOULD add if the history ended now, and counting can go
 *   on afterwards. Hence "push everything, then finish" and "push chunk by chunk, then
 *   finish" execute the same operations in the same order: identical results, bit for
 *   bit (kernels/tests/test_fatigue.c checks it).
 *
 * Residue capacity and the spill (exact counting whatever the history)
 *   The inline residue holds at most FT_RF_MAX_RESIDUE points. Since its ranges strictly
 *   decrease, its length is bounded by 1 + the number of distinct range values
 *   of the history; stationary random loads keep it short (tens of points even for
 *   millions of reversals, see the test output), but a slowly decaying ring-down
 *   (10, -9.99, 9.98, ...) grows it by one point per reversal.
 *   With a spill (FtRfSpill, a stack of doubles owned by the caller, CPU only): the whole
 *   residue is spill.v[0 .. spill.n) followed by res[0 .. n), oldest first (spill.v[0] is
 *   S while the spill is non-empty). When the inline residue is full and a new reversal
 *   must be retained, its oldest FT_RF_SPILL_BLOCK points are moved onto the top of the
 *   spill; when fewer than three inline points are left while the spill is non-empty, up
 *   to FT_RF_SPILL_BLOCK points are moved back from the top of the spill. Steps 2-5 then
 *   see exactly the unbounded stack of E1049 (X and Y are always formed from inline
 *   points; "Y contains S", n == 2, is only taken when the spill is empty), so the count
 *   is exact ASTM, cycle by cycle and in the same order, for any history. The kernel never
 *   allocates: it spills only when spill.cap - spill.n >= FT_RF_SPILL_BLOCK; the caller
 *   grows the spill before a push that may need it (s->n == FT_RF_MAX_RESIDUE), e.g. with
 *   ft_rf_spill_reserve (kernels/cpu, realloc). An ordinary history never reaches a full
 *   inline residue, so the spill is never touched there (one compare per reversal).
 *   Without a spill (spill == 0: ft_rf_push, ft_rf_push_cycles, the GPU kernels, which
 *   need a bounded state) or when the caller could not grow it: on overflow the oldest
 *   range (it contains S, so ASTM would count it as one-half cycle anyway, by step 5 or
 *   6) is counted as a half cycle at once and S moves to the next point; later full
 *   cycles of the next-oldest range may then be counted as halves instead, so the count
 *   is no longer exact ASTM and FT_RF_ERR_OVERFLOW is set: the caller must report it.
 *   How a bounded (GPU) counter stays exact (kernels/cuda/ft_cuda_fatigue.cu): before a
 *   sample, a signal whose inline residue is full (n == FT_RF_MAX_RESIDUE, where the CPU
 *   loop would grow its spill) is stopped on the device; the host continues it from that
 *   sample with its spill (ft_rf_push_spill) and keeps it host-counted. Pushes with
 *   n < FT_RF_MAX_RESIDUE never touch an empty spill, so the device's part of the count is
 *   the CPU's, and the count stays exact ASTM (rare: ring-downs of more than
 *   FT_RF_MAX_RESIDUE reversals).
 *   Nothing is ever written out of bounds. FT_RF_MAX_RESIDUE may be raised at compile
 *   time (the same value everywhere: it changes the struct layout).
 */
#ifndef FT_RAINFLOW_H
#define FT_RAINFLOW_H

#include <math.h>
#include "ft_kernel.h"
#include "ft_sn.h"

#ifndef FT_RF_MAX_RESIDUE
#define FT_RF_MAX_RESIDUE 64
#endif
#if FT_RF_MAX_RESIDUE < 8
#error "FT_RF_MAX_RESIDUE must be at least 8"
#endif
/* points moved between the inline residue and the spill at a time */
#define FT_RF_SPILL_BLOCK (FT_RF_MAX_RESIDUE / 2)

/* FtRainflowState.flags */
enum {
    FT_RF_ERR_OVERFLOW = 1u,   /* residue capacity exceeded (count approximate, see above) */
    FT_RF_ERR_NAN = 2u,        /* a non-finite sample was ignored */
    FT_RF_ERR_CYCLES_FULL = 4u /* ft_rf_push_cycles: caller's array full, cycles dropped */
};

/* One counted cycle: range = |a - b| >= 0, mean = (a + b)/2, count 1 (full) or 0.5 (half). */
typedef struct {
    double range, mean, count;
} FtCycle;

/* Peak-valley extraction with a hysteresis gate (POD). */
typedef struct {
    double gate;   /* >= 0 */
    double cand;   /* pending extreme since the last confirmed reversal (dir != 0) */
    double lo, hi; /* running min / max while no slope is established yet (dir == 0) */
    int dir;       /* +1 rising to cand, -1 falling to cand, 0 no slope yet */
    int started;   /* a sample was seen */
} FtReversalFilter;

/* Streaming rainflow state (POD; ~ 8 * FT_RF_MAX_RESIDUE + 56 bytes). */
typedef struct {
    FtReversalFilter rev;
    long long nrev;  /* reversals confirmed so far (the start point included; the pending
                        end point is not) */
    unsigned flags;  /* FT_RF_ERR_* */
    int n;           /* residue length; res[0] is the current starting point S */
    double res[FT_RF_MAX_RESIDUE];
} FtRainflowState;

/* The older part of a residue that outgrew res[] (see "Residue capacity"): v[0 .. n) live,
 * oldest first; cap = allocated length of v (owned and grown by the caller). POD. */
typedef struct {
    double *v;
    long long n, cap;
} FtRfSpill;

/* ------------------------------------------------------------- reversal filter ----- */
/* gate < 0 or NaN is taken as 0. */
FT_HD void ft_rev_init(FtReversalFilter *f, double gate)
{
    f->gate = (gate > 0.0) ? gate : 0.0;
    f->cand = f->lo = f->hi = 0.0;
    f->dir = 0;
    f->started = 0;
}

/* Feeds one sample x (finite). Returns 1 and sets *rev when a reversal is confirmed:
 *   no slope yet (dir = 0)  -> lo/hi = running min/max (first sample: lo = hi = x); once
 *                              hi - lo > gate, x is at one end of the band: the other
 *                              end is the starting point (returned), x the pending
 *                              extreme, dir its direction (gate 0: start = 1st sample);
 *   rising (dir = +1)       -> x > cand: cand = x (still rising);
 *                              cand - x > gate: cand is a peak (returned), x new cand;
 *   falling (dir = -1)      -> mirror image.
 * Anything else (repeats, moves back within the gate) is ignored. */
FT_HD int ft_rev_push(FtReversalFilter *f, double x, double *rev)
{
    if (!f->started) {
        f->started = 1;
        f->lo = f->hi = x;
        f->dir = 0;
        return 0;
    }
    if (f->dir == 0) {
        if (x < f->lo) f->lo = x;
        if (x > f->hi) f->hi = x;
        if (!(f->hi - f->lo > f->gate)) return 0;
        if (x == f->hi) { /* left the band upwards: the minimum is the start */
            *rev = f->lo;
            f->dir = 1;
        } else {
            *rev = f->hi;
            f->dir = -1;
        }
        f->cand = x;
        return 1;
    }
    if (f->dir > 0) {
        if (x > f->cand) {
            f->cand = x;
        } else if (f->cand - x > f->gate) {
            *rev = f->cand;
            f->cand = x;
            f->dir = -1;
            return 1;
        }
    } else {
        if (x < f->cand) {
            f->cand = x;
        } else if (x - f->cand > f->gate) {
            *rev = f->cand;
            f->cand = x;
            f->dir = 1;
            return 1;
        }
    }
    return 0;
}

/* The pending end point: returns 1 and *last = cand if the history, ended now, has a
 * final reversal not yet confirmed (a slope was started), else 0. */
FT_HD int ft_rev_pending(const FtReversalFilter *f, double *last)
{
    if (!f->started || f->dir == 0) return 0;
    *last = f->cand;
    return 1;
}

/* ------------------------------------------------------------- cycle sink ---------- */
/* Where counted cycles go (no function pointers, for the GPU): damage accumulation
 * (acc != 0, with par), and / or an array cyc[cap] filled from *ncyc on. Internal. */
typedef struct {
    FtDamageAcc *acc;
    const FtFatigueParams *par;
    FtCycle *cyc;
    int cap;
    int *ncyc;
    int dropped;
    FtRfSpill *sp; /* 0: no spill (bounded count, FT_RF_ERR_OVERFLOW) */
} FtCycleSink;

/* A sink (cycle array and spill optional: 0). */
FT_HD FtCycleSink ft__rf_sink(FtDamageAcc *acc, const FtFatigueParams *par, FtCycle *cyc, int cap, int *ncyc,
                              FtRfSpill *sp)
{
    FtCycleSink k;
    k.acc = acc;
    k.par = par;
    k.cyc = cyc;
    k.cap = cap;
    k.ncyc = ncyc;
    k.dropped = 0;
    k.sp = sp;
    return k;
}

/* cycle between reversals a and b: range |a - b|, mean (a + b)/2 */
FT_HD void ft__rf_emit(FtCycleSink *k, double a, double b, double count)
{
    const double range = fabs(a - b), mean = 0.5 * (a + b);
    if (k->acc) ft_damage_add_cycle(k->acc, k->par, range, mean, count);
    if (k->cyc) {
        if (*k->ncyc < k->cap) {
            FtCycle *c = k->cyc + *k->ncyc;
            c->range = range;
            c->mean = mean;
            c->count = count;
            (*k->ncyc)++;
        } else {
            k->dropped++;
        }
    }
}

/* Steps 2-5 of ASTM E1049 5.4.4 for a new reversal r (kept apart from the stack until
 * the loop ends, so a full stack overflows only if r really has to be retained):
 *   Y = (res[n-2], res[n-1]), X = (res[n-1], r);  X < Y: stop;
 *   Y contains S (the residue is exactly Y: n == 2 and no spill): half cycle Y, drop its
 *   first point;  else full cycle Y, drop both.
 * With a spill sp (the whole residue is sp->v[0..sp->n) ++ res[0..n)): X and Y only use
 * the top two points, so the loop is the same; when fewer than two inline points are left
 * and sp->n > 0, the top min(sp->n, B) spill points are moved under res (B =
 * FT_RF_SPILL_BLOCK) and the loop goes on. When r must be retained with n ==
 * FT_RF_MAX_RESIDUE, res[0..B) is moved onto the spill if it has room for B points, else
 * the bounded overflow (see header). The fast path (no full residue, empty spill) costs one
 * test per reversal more than without a spill. */
FT_HD void ft__rf_reversal(FtRainflowState *s, double r, FtCycleSink *k)
{
    FtRfSpill *sp = k->sp;
    int n = s->n, i;
    s->nrev++;
    for (;;) {
        while (n >= 2) {
            const double X = fabs(r - s->res[n - 1]);
            const double Y = fabs(s->res[n - 1] - s->res[n - 2]);
            if (X < Y) goto retained;
            if (n == 2 && !(sp && sp->n > 0)) { /* Y contains S */
                ft__rf_emit(k, s->res[0], s->res[1], 0.5);
                s->res[0] = s->res[1];
                n = 1;
            } else {
                ft__rf_emit(k, s->res[n - 2], s->res[n - 1], 1.0);
                n -= 2;
            }
        }
        if (!(sp && sp->n > 0)) break;
        { /* refill from the spill (n is 0 or 1; rare) */
            const int m = (sp->n < FT_RF_SPILL_BLOCK) ? (int)sp->n : FT_RF_SPILL_BLOCK;
            for (i = n - 1; i >= 0; i--) s->res[i + m] = s->res[i];
            for (i = 0; i < m; i++) s->res[i] = sp->v[sp->n - m + i];
            sp->n -= m;
            n += m;
        }
    }
retained:
    if (n == FT_RF_MAX_RESIDUE) {
        if (sp && sp->cap - sp->n >= FT_RF_SPILL_BLOCK) { /* spill the oldest block: exact */
            for (i = 0; i < FT_RF_SPILL_BLOCK; i++) sp->v[sp->n + i] = s->res[i];
            sp->n += FT_RF_SPILL_BLOCK;
            for (i = FT_RF_SPILL_BLOCK; i < n; i++) s->res[i - FT_RF_SPILL_BLOCK] = s->res[i];
            n -= FT_RF_SPILL_BLOCK;
        } else if (sp && sp->n > 0) {
            /* bounded (the spill cannot grow): the oldest range of the whole residue, v[0]
             * to the next point, counted as a half cycle now, v[0] dropped; res[0] then
             * takes the freed place on top of the spill. Approximate. */
            long long j;
            ft__rf_emit(k, sp->v[0], sp->n > 1 ? sp->v[1] : s->res[0], 0.5);
            for (j = 0; j + 1 < sp->n; j++) sp->v[j] = sp->v[j + 1];
            sp->v[sp->n - 1] = s->res[0];
            for (i = 0; i + 1 < n; i++) s->res[i] = s->res[i + 1];
            n--;
            s->flags |= FT_RF_ERR_OVERFLOW;
        } else { /* bounded: count the S range now (see header); approximate */
            ft__rf_emit(k, s->res[0], s->res[1], 0.5);
            for (i = 0; i + 1 < n; i++) s->res[i] = s->res[i + 1];
            n--;
            s->flags |= FT_RF_ERR_OVERFLOW;
        }
    }
    s->res[n++] = r;
    s->n = n;
}

FT_HD void ft__rf_push(FtRainflowState *s, double x, FtCycleSink *k)
{
    double r;
    if (!ft__finite(x)) {
        s->flags |= FT_RF_ERR_NAN;
        return;
    }
    if (ft_rev_push(&s->rev, x, &r)) ft__rf_reversal(s, r, k);
}

/* Point i of the whole residue (spill ++ res), read-only. */
FT_HD double ft__rf_at(const FtRainflowState *s, const FtRfSpill *sp, long long i)
{
    const long long m = sp ? sp->n : 0;
    return (i < m) ? sp->v[i] : s->res[i - m];
}

/* Steps 1-6 for the pending end point and the residue, on a read-only view:
 * [lo, hi) is the live part of the whole residue (spill ++ res), the pending point r
 * stays on top. */
FT_HD void ft__rf_finish(const FtRainflowState *s, FtCycleSink *k)
{
    const FtRfSpill *sp = k->sp;
    long long lo = 0, hi = s->n + (sp ? sp->n : 0), i;
    double r = 0.0;
    const int has_r = ft_rev_pending(&s->rev, &r);
    if (has_r) {
        while (hi - lo >= 2) {
            const double a = ft__rf_at(s, sp, hi - 2), b = ft__rf_at(s, sp, hi - 1);
            const double X = fabs(r - b);
            const double Y = fabs(b - a);
            if (X < Y) break;
            if (hi - lo == 2) {
                ft__rf_emit(k, a, b, 0.5);
                lo++;
            } else {
                ft__rf_emit(k, a, b, 1.0);
                hi -= 2;
            }
        }
    }
    for (i = lo; i + 1 < hi; i++) ft__rf_emit(k, ft__rf_at(s, sp, i), ft__rf_at(s, sp, i + 1), 0.5);
    if (has_r && hi > lo) ft__rf_emit(k, ft__rf_at(s, sp, hi - 1), r, 0.5);
}

/* ------------------------------------------------------------- public API ---------- */
/* Empty state; gate = hysteresis threshold (0: count every reversal). */
FT_HD void ft_rf_init(FtRainflowState *s, double gate)
{
    int i;
    ft_rev_init(&s->rev, gate);
    s->nrev = 0;
    s->flags = 0u;
    s->n = 0;
    for (i = 0; i < FT_RF_MAX_RESIDUE; i++) s->res[i] = 0.0;
}

/* Feeds one sample; every cycle counted by it is added to *acc with ft_damage_add_cycle
 * (acc == 0: cycles are discarded, the state still advances). Non-finite samples are
 * ignored and flagged (FT_RF_ERR_NAN). */
FT_HD void ft_rf_push(FtRainflowState *s, double sample, const FtFatigueParams *par,
                      FtDamageAcc *acc)
{
    FtCycleSink k = ft__rf_sink(acc, par, 0, 0, 0, 0);
    ft__rf_push(s, sample, &k);
}

/* Feeds one sample; counted cycles are appended to cyc[*ncyc ...], at most cap entries in
 * total (one sample can close up to FT_RF_MAX_RESIDUE/2 + 1 cycles). Returns the number
 * of cycles that did not fit (also flagged FT_RF_ERR_CYCLES_FULL), normally 0. */
FT_HD int ft_rf_push_cycles(FtRainflowState *s, double sample, FtCycle *cyc, int cap,
                            int *ncyc)
{
    FtCycleSink k = ft__rf_sink(0, 0, cyc, cap, ncyc, 0);
    ft__rf_push(s, sample, &k);
    if (k.dropped) s->flags |= FT_RF_ERR_CYCLES_FULL;
    return k.dropped;
}

/* Adds to *acc the cycles that ending the history now would count (the pending end point
 * through steps 2-5, then the residue as half cycles, step 6). The state is not changed:
 * pass a copy of the running accumulator to get a snapshot, D_total = running + tail. */
FT_HD void ft_rf_finish(const FtRainflowState *s, const FtFatigueParams *par, FtDamageAcc *acc)
{
    FtCycleSink k = ft__rf_sink(acc, par, 0, 0, 0, 0);
    ft__rf_finish(s, &k);
}

/* Same as ft_rf_finish, the cycles appended to cyc[*ncyc ...] (at most cap in total; up
 * to FT_RF_MAX_RESIDUE + 1 cycles). Returns the number that did not fit (state is const,
 * nothing is flagged). */
FT_HD int ft_rf_finish_cycles(const FtRainflowState *s, FtCycle *cyc, int cap, int *ncyc)
{
    FtCycleSink k = ft__rf_sink(0, 0, cyc, cap, ncyc, 0);
    ft__rf_finish(s, &k);
    return k.dropped;
}

/* ------------------------------------------------------------- with a spill ------- */
/* ft_rf_push / ft_rf_push_cycles / ft_rf_finish / ft_rf_finish_cycles with the spill sp of
 * this signal (sp == 0: the same as without); a push can then close up to (sp->n +
 * FT_RF_MAX_RESIDUE)/2 + 1 cycles, the finish count up to sp->n + FT_RF_MAX_RESIDUE + 1. Exact ASTM for any history as long as the caller keeps
 * sp->cap - sp->n >= FT_RF_SPILL_BLOCK whenever s->n == FT_RF_MAX_RESIDUE before a push;
 * otherwise the bounded overflow (FT_RF_ERR_OVERFLOW). */
FT_HD void ft_rf_push_spill(FtRainflowState *s, FtRfSpill *sp, double sample,
                            const FtFatigueParams *par, FtDamageAcc *acc)
{
    FtCycleSink k = ft__rf_sink(acc, par, 0, 0, 0, sp);
    ft__rf_push(s, sample, &k);
}

FT_HD int ft_rf_push_cycles_spill(FtRainflowState *s, FtRfSpill *sp, double sample,
                                  FtCycle *cyc, int cap, int *ncyc)
{
    FtCycleSink k = ft__rf_sink(0, 0, cyc, cap, ncyc, sp);
    ft__rf_push(s, sample, &k);
    if (k.dropped) s->flags |= FT_RF_ERR_CYCLES_FULL;
    return k.dropped;
}

FT_HD void ft_rf_finish_spill(const FtRainflowState *s, const FtRfSpill *sp,
                              const FtFatigueParams *par, FtDamageAcc *acc)
{
    FtCycleSink k = ft__rf_sink(acc, par, 0, 0, 0, (FtRfSpill *)sp);
    ft__rf_finish(s, &k);
}

FT_HD int ft_rf_finish_cycles_spill(const FtRainflowState *s, const FtRfSpill *sp,
                                    FtCycle *cyc, int cap, int *ncyc)
{
    FtCycleSink k = ft__rf_sink(0, 0, cyc, cap, ncyc, (FtRfSpill *)sp);
    ft__rf_finish(s, &k);
    return k.dropped;
}

#endif /* FT_RAINFLOW_H */
