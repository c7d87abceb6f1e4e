/* GPU conformance of the fatigue engine: the CUDA session (kernels/cuda/ft_cuda_fatigue.cu)
 * against the CPU loop (ft_cpu_fatigue_batch[_spill]) on random unit fields and load histories.
 *
 * Built twice (kernels/tests/gpu/CMakeLists.txt): against the emulated CUDA library
 * (gpu.fatigue.emulated: the .cu kernels run on the CPU) and against the real one
 * (gpu.fatigue.cuda: exits 77 without a device).
 *
 * What must hold (exact mode, kernels/ft_cuda_fatigue.h):
 *  - in emulation: every rainflow state and damage accumulator bit for bit equal to the CPU
 *    loop's (the same FT_HD functions, no FMA on either side), hence damage and cycles too;
 *  - on a real GPU: the same cycle counts, reversals and residues; the damage within a
 *    relative GPU_DAMAGE_REL (see there). Nothing here has run on a GPU yet.
 * Covered: every equivalent kind (signed von Mises, its trace variant, max abs principal, the
 * critical plane with 25 and with 7 planes), every mean-stress correction with both
 * compressive-mean conventions, the S-N forms (Basquin with endurance limit and Marin factors,
 * knee with Haibach and with a given m2, table), several chunkings (one chunk, 1-step chunks,
 * odd sizes), several shared-memory tiles of loads per launch (up to 64 load channels), NaN samples (in the loads and in one node's unit stress), a ring-down then
 * ring-up history longer than FT_RF_MAX_RESIDUE (exact: equal to the CPU's spill count; the
 * bounded form equal to the CPU's bounded count), a sync in the middle, spills non-empty at
 * open, forced node blocks and load sub-chunks (little device memory), the fast mode, bad
 * arguments, and (emulation only) injected cudaMalloc / launch failures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ft_batch.h"
#include "ft_cuda_fatigue.h"
#include "ft_planes.h"
#ifdef FT_CUDA_EMULATION
#include "ft_emu_control.h"
#endif

#define CHECK_RNG_SEED 0x5DEECE66Dull
#include "../check.h"

/* Real GPU only: libdevice's pow (S-N curve, mean-stress corrections) and cbrt / acos / cos
 * (max abs principal) are within 1-2 ulp of glibc's, not equal (CUDA C++ Programming Guide,
 * "Mathematical functions", double precision: pow 2 ulp, cbrt 1, acos 2, cos 2). One cycle's
 * damage (S_a / S_ref)^m then differs by <= m (2 + 2) ulp relative for m <= 10 (the exponent
 * multiplies the amplitude's relative error), i.e. < 1e-14; Miner's sum of positive terms
 * (Neumaier-compensated) keeps that relative bound. 1e-13 leaves a factor of ten. Cycles
 * (sums of 0.5 and 1) must be equal: reversal decisions compare stresses computed with the
 * same rounding in the exact build, except for the transcendental functions of the principal
 * stresses, where random histories have no ties within a few ulp. */
#define GPU_DAMAGE_REL 1e-13

static int g_exact_bits; /* emulation: states must be bit for bit equal */

static void params_base(FtFatigueParams *p)
{
    memset(p, 0, sizeof *p);
    ft_sn_init_basquin(&p->sn, 100.0, 1e6, 5.0, 0.0);
    p->msc = FT_MSC_NONE;
    p->mean_compr = FT_MEAN_COMPR_ZERO;
    p->S_u = 500.0;
    p->S_y = 300.0;
    p->sigma_f = 900.0;
    p->walker_gamma = 0.6;
}

/* S-N form f: 0 Basquin (endurance limit 20, Marin 0.9 x 0.8), 1 knee Haibach, 2 knee m2 = 7,
 * 3 table */
static void params_sn(FtFatigueParams *p, int f)
{
    switch (f) {
    case 0:
        ft_sn_init_basquin(&p->sn, 100.0, 1e6, 5.0, 20.0);
        p->sn.marin[0] = 0.9;
        p->sn.marin[3] = 0.8;
        break;
    case 1:
        ft_sn_init_knee(&p->sn, 100.0, 2e6, 3.0, 50.0, 0.0, 1, 10.0);
        break;
    case 2:
        ft_sn_init_knee(&p->sn, 100.0, 2e6, 3.0, 50.0, 7.0, 0, 0.0);
        break;
    default: {
        const double S[3] = {400.0, 200.0, 100.0}, N[3] = {1e4, 1e5, 1e7};
        ft_sn_init_table(&p->sn, 3, S, N);
        break;
    }
    }
}

static double *random_field(int nnodes, int nchan, double amp)
{
    double *S = (double *)malloc((size_t)nchan * (size_t)nnodes * 6 * sizeof *S);
    for (size_t q = 0; q < (size_t)nchan * (size_t)nnodes * 6; q++) S[q] = amp * (2.0 * urand() - 1.0);
    return S;
}

/* a smooth-ish random load: a random walk with reversals, per channel */
static double *random_loads(int nsteps, int nchan)
{
    double *L = (double *)malloc((size_t)nsteps * (size_t)nchan * sizeof *L);
    for (int k = 0; k < nchan; k++) {
        double v = 0.0;
        for (int t = 0; t < nsteps; t++) {
            v = 0.7 * v + (2.0 * urand() - 1.0);
            L[(size_t)t * nchan + k] = v;
        }
    }
    return L;
}

/* The GPU states against the CPU's: bit for bit in emulation; on a GPU equal cycles and
 * residues, damage within GPU_DAMAGE_REL. */
static void compare(const char *what, long long nsig, const FtRainflowState *rg, const FtDamageAcc *ag,
                    const FtRainflowState *rc, const FtDamageAcc *ac)
{
    long long bad = 0, first = -1;
    for (long long m = 0; m < nsig; m++) {
        int ok;
        if (g_exact_bits) ok = !memcmp(rg + m, rc + m, sizeof *rg) && !memcmp(ag + m, ac + m, sizeof *ag);
        else
            ok = rg[m].n == rc[m].n && rg[m].nrev == rc[m].nrev && rg[m].flags == rc[m].flags &&
                 ag[m].cycles == ac[m].cycles && ag[m].flags == ac[m].flags &&
                 (fabs(ag[m].damage - ac[m].damage) <= GPU_DAMAGE_REL * fabs(ac[m].damage) ||
                  (ag[m].damage != ag[m].damage && ac[m].damage != ac[m].damage));
        if (!ok) {
            if (first < 0) first = m;
            bad++;
        }
    }
    CHECKF(bad == 0, "%s: %lld of %lld signals differ, first %lld: damage %.17g vs CPU %.17g, cycles %g vs %g, n %d vs %d, flags %u vs %u",
           what, bad, nsig, first, bad ? ag[first].damage : 0.0, bad ? ac[first].damage : 0.0, bad ? ag[first].cycles : 0.0,
           bad ? ac[first].cycles : 0.0, bad ? rg[first].n : 0, bad ? rc[first].n : 0, bad ? rg[first].flags : 0u,
           bad ? rc[first].flags : 0u);
}

static FtRfSpill *spills_new(long long nsig) { return (FtRfSpill *)calloc((size_t)nsig + 1, sizeof(FtRfSpill)); }

static void spills_free(FtRfSpill *sp, long long nsig)
{
    for (long long m = 0; m < nsig; m++) ft_rf_spill_free(sp + m);
    free(sp);
}

/* One comparison: the CPU loop over the whole history (one call) against a GPU session fed in
 * chunks of the sizes in chunks[] (cycled; 0 ends the list), with spills (exact) or without.
 * Returns the GPU session's host-counted signals. */
static long long run_case(const char *what, int nnodes, int nchan, const double *S, int nsteps, const double *L, int eq,
                          const FtFatigueParams *par, const int *chunks, int use_spill, int fast)
{
    const int nc = ft_equivalent_channels(eq);
    const long long nsig = (long long)nnodes * nc;
    FtRainflowState *rc = (FtRainflowState *)malloc((size_t)nsig * sizeof *rc), *rg = (FtRainflowState *)malloc((size_t)nsig * sizeof *rg);
    FtDamageAcc *ac = (FtDamageAcc *)malloc((size_t)nsig * sizeof *ac), *ag = (FtDamageAcc *)malloc((size_t)nsig * sizeof *ag);
    FtRfSpill *sc = use_spill ? spills_new(nsig) : NULL, *sg = use_spill ? spills_new(nsig) : NULL;
    FtCudaFatigue *s = NULL;
    char err[512] = "";
    long long nhost = -1;
    int rc_cpu, rc_gpu, t = 0, q = 0;
    ft_cpu_fatigue_init((int)nsig, 0.5, rc, ac);
    ft_cpu_fatigue_init((int)nsig, 0.5, rg, ag);
    rc_cpu = ft_cpu_fatigue_batch_spill(nnodes, nnodes, nchan, S, nsteps, L, eq, par, rc, sc, ac);
    CHECKF(rc_cpu == 0, "%s: CPU loop returned %d", what, rc_cpu);
    rc_gpu = ft_cuda_fatigue_open(nnodes, nnodes, nchan, S, eq, par, fast, rg, sg, ag, &s, err, sizeof err);
    CHECKF(rc_gpu == 0, "%s: open returned %d: %s", what, rc_gpu, err);
    while (!rc_gpu && t < nsteps) {
        int n = chunks[q] ? chunks[q] : nsteps;
        q = chunks[q + 1] ? q + 1 : 0;
        if (n > nsteps - t) n = nsteps - t;
        rc_gpu = ft_cuda_fatigue_chunk(s, n, L + (size_t)t * nchan, err, sizeof err);
        CHECKF(rc_gpu == 0, "%s: chunk at step %d returned %d: %s", what, t, rc_gpu, err);
        t += n;
    }
    if (!rc_gpu) {
        rc_gpu = ft_cuda_fatigue_sync(s, err, sizeof err);
        CHECKF(rc_gpu == 0, "%s: sync returned %d: %s", what, rc_gpu, err);
    }
    nhost = ft_cuda_fatigue_host_signals(s);
    ft_cuda_fatigue_close(s);
    compare(what, nsig, rg, ag, rc, ac);
    if (use_spill) { /* the spills too (the residue beyond the inline points) */
        long long bad = 0;
        for (long long m = 0; m < nsig; m++)
            if (sg[m].n != sc[m].n || (sc[m].n && memcmp(sg[m].v, sc[m].v, (size_t)sc[m].n * sizeof(double)))) bad++;
        CHECKF(bad == 0, "%s: %lld spills differ", what, bad);
    }
    {
        /* the damage snapshot (finish included) through the same CPU function */
        double *Dc = (double *)malloc((size_t)nnodes * sizeof *Dc), *Dg = (double *)malloc((size_t)nnodes * sizeof *Dg);
        long long bad = 0;
        ft_cpu_fatigue_damage_spill(nnodes, nc, rc, sc, ac, par, Dc, NULL);
        ft_cpu_fatigue_damage_spill(nnodes, nc, rg, sg, ag, par, Dg, NULL);
        for (int i = 0; i < nnodes; i++) {
            const int same = g_exact_bits ? !memcmp(Dc + i, Dg + i, sizeof(double))
                                          : (fabs(Dg[i] - Dc[i]) <= GPU_DAMAGE_REL * fabs(Dc[i]) || (Dc[i] != Dc[i] && Dg[i] != Dg[i]));
            bad += !same;
        }
        CHECKF(bad == 0, "%s: damage of %lld nodes differs", what, bad);
        free(Dc);
        free(Dg);
    }
#ifdef FT_CUDA_EMULATION
    CHECKF(ft_emu_device_memory_used() == 0, "%s: %zu device bytes left after close", what, ft_emu_device_memory_used());
#endif
    if (use_spill) {
        spills_free(sc, nsig);
        spills_free(sg, nsig);
    }
    free(rc);
    free(rg);
    free(ac);
    free(ag);
    return nhost;
}

static const int whole[] = {0, 0};
static const int ones[] = {1, 0};
static const int odd[] = {7, 1, 13, 3, 29, 0};

/* every equivalent kind x corrections x S-N forms on a random field, three chunkings */
static void test_kinds_and_params(void)
{
    const int nnodes = 19, nchan = 3, nsteps = 160;
    const int kinds[5] = {FT_EQ_SIGNED_VON_MISES, FT_EQ_SIGNED_VON_MISES_TRACE, FT_EQ_MAX_ABS_PRINCIPAL, ft_eq_critical_plane(25),
                          ft_eq_critical_plane(7)};
    const int mscs[7] = {FT_MSC_NONE, FT_MSC_GOODMAN, FT_MSC_GERBER, FT_MSC_SODERBERG, FT_MSC_MORROW, FT_MSC_SWT, FT_MSC_WALKER};
    double *S = random_field(nnodes, nchan, 60.0), *L = random_loads(nsteps, nchan);
    char what[160];
    for (int e = 0; e < 5; e++) {
        for (int m = 0; m < 7; m++)
            for (int compr = 0; compr < 2; compr++) {
                FtFatigueParams p;
                params_base(&p);
                p.msc = mscs[m];
                p.mean_compr = compr;
                params_sn(&p, (e + m + compr) % 4);
                snprintf(what, sizeof what, "kind %d, msc %d, compr %d, S-N form %d", kinds[e], mscs[m], compr, (e + m + compr) % 4);
                CHECK_CONTEXT("%s", what);
                run_case(what, nnodes, nchan, S, nsteps, L, kinds[e], &p, whole, 1, 0);
            }
        for (int f = 0; f < 4; f++) {
            FtFatigueParams p;
            params_base(&p);
            p.msc = FT_MSC_GOODMAN;
            params_sn(&p, f);
            snprintf(what, sizeof what, "kind %d, S-N form %d, 1-step chunks", kinds[e], f);
            CHECK_CONTEXT("%s", what);
            if (f == e % 4) run_case(what, nnodes, nchan, S, nsteps, L, kinds[e], &p, ones, 1, 0); /* one form each: emulation time */
            snprintf(what, sizeof what, "kind %d, S-N form %d, odd chunks, no spill", kinds[e], f);
            run_case(what, nnodes, nchan, S, nsteps, L, kinds[e], &p, odd, 0, 0);
        }
    }
    free(S);
    free(L);
}

/* several tiles of loads per launch (FT_CF_TILE = 2048 doubles of L staged in shared memory per
 * tile: 2048 / nchan steps), up to the most load channels (FT_FATIGUE_MAX_CHANNELS = 64: tiles of
 * 32 steps) */
static void test_tiles(void)
{
    const int nnodes = 7, nsteps = 700;
    const int nchans[2] = {FT_FATIGUE_MAX_CHANNELS, 5};
    FtFatigueParams p;
    char what[120];
    params_base(&p);
    p.msc = FT_MSC_GERBER;
    for (int q = 0; q < 2; q++) {
        const int nchan = nchans[q];
        double *S = random_field(nnodes, nchan, 200.0 / nchan), *L = random_loads(nsteps, nchan);
        CHECK_CONTEXT("tiles, %d channels", nchan);
        snprintf(what, sizeof what, "%d channels, von Mises, whole (tiles of %d steps)", nchan, 2048 / nchan);
        run_case(what, nnodes, nchan, S, nsteps, L, FT_EQ_SIGNED_VON_MISES, &p, whole, 1, 0);
        snprintf(what, sizeof what, "%d channels, critical plane, odd chunks", nchan);
        run_case(what, nnodes, nchan, S, nsteps, L, ft_eq_critical_plane(25), &p, odd, 1, 0);
        free(S);
        free(L);
    }
}

/* NaN samples: one node's unit stress of channel 1 and two load steps */
static void test_nan(void)
{
    const int nnodes = 9, nchan = 2, nsteps = 90;
    double *S = random_field(nnodes, nchan, 80.0), *L = random_loads(nsteps, nchan);
    FtFatigueParams p;
    params_base(&p);
    S[((size_t)1 * nnodes + 4) * 6 + 2] = NAN;
    L[(size_t)30 * nchan + 0] = NAN;
    L[(size_t)61 * nchan + 1] = INFINITY;
    CHECK_CONTEXT("NaN samples");
    run_case("NaN samples, von Mises", nnodes, nchan, S, nsteps, L, FT_EQ_SIGNED_VON_MISES, &p, odd, 1, 0);
    run_case("NaN samples, critical plane", nnodes, nchan, S, nsteps, L, ft_eq_critical_plane(25), &p, ones, 1, 0);
    free(S);
    free(L);
}

/* A ring-down (amplitudes decreasing, each reversal retained: the residue grows by one point per
 * reversal) then a ring-up (which closes them all), longer than FT_RF_MAX_RESIDUE, on channel 0;
 * channel 1 random. Nodes with no channel-1 stress see the pure ring-down. */
static void test_ring_down(void)
{
    const int nnodes = 11, nchan = 2, nring = 3 * FT_RF_MAX_RESIDUE, nsteps = 2 * nring + 40;
    double *S = random_field(nnodes, nchan, 80.0), *L = (double *)malloc((size_t)nsteps * nchan * sizeof *L);
    FtFatigueParams p;
    long long nhost;
    for (int t = 0; t < nsteps; t++) {
        const double amp = t < nring ? 2.0 - t * (1.0 / nring) : t < 2 * nring ? 1.0 + (t - nring) * (1.0 / nring) : 1.0 + urand();
        L[(size_t)t * nchan + 0] = (t % 2 ? -1.0 : 1.0) * amp;
        L[(size_t)t * nchan + 1] = 0.3 * (2.0 * urand() - 1.0);
    }
    for (int i = 0; i < nnodes; i += 2) /* even nodes: uniaxial xx on channel 0 only */
        for (int c = 0; c < 6; c++) {
            S[((size_t)0 * nnodes + i) * 6 + c] = c == 0 ? 100.0 + i : 0.0;
            S[((size_t)1 * nnodes + i) * 6 + c] = 0.0;
        }
    params_base(&p);
    p.msc = FT_MSC_GOODMAN;
    CHECK_CONTEXT("ring-down");
    nhost = run_case("ring-down, von Mises, exact (spill)", nnodes, nchan, S, nsteps, L, FT_EQ_SIGNED_VON_MISES, &p, whole, 1, 0);
    CHECKF(nhost >= (nnodes + 1) / 2, "ring-down: %lld signals went to the host (expected at least the %d uniaxial nodes)", nhost,
           (nnodes + 1) / 2);
    nhost = run_case("ring-down, von Mises, exact, odd chunks", nnodes, nchan, S, nsteps, L, FT_EQ_SIGNED_VON_MISES, &p, odd, 1, 0);
    CHECK(nhost > 0);
    nhost = run_case("ring-down, critical plane, exact, 1-step chunks", nnodes, nchan, S, nsteps, L, ft_eq_critical_plane(25), &p, ones,
                     1, 0);
    CHECK(nhost > 0);
    nhost = run_case("ring-down, von Mises, bounded (no spill)", nnodes, nchan, S, nsteps, L, FT_EQ_SIGNED_VON_MISES, &p, odd, 0, 0);
    CHECK(nhost == 0);
    /* the exact count has no overflow flag; the bounded one has it at the uniaxial nodes */
    {
        FtRainflowState *rf = (FtRainflowState *)malloc(nnodes * sizeof *rf);
        FtDamageAcc *acc = (FtDamageAcc *)malloc(nnodes * sizeof *acc);
        FtRfSpill *sp = spills_new(nnodes);
        int rc, over = 0;
        ft_cpu_fatigue_init(nnodes, 0.5, rf, acc);
        rc = ft_cuda_fatigue_batch_spill(nnodes, nnodes, nchan, S, nsteps, L, FT_EQ_SIGNED_VON_MISES, &p, rf, sp, acc);
        CHECKF(rc == 0, "one-shot spill form: %d (%s)", rc, ft_cuda_fatigue_last_error());
        for (int i = 0; i < nnodes; i++) over += (rf[i].flags & FT_RF_ERR_OVERFLOW) != 0;
        CHECK(over == 0);
        ft_cpu_fatigue_init(nnodes, 0.5, rf, acc);
        rc = ft_cuda_fatigue_batch(nnodes, nnodes, nchan, S, nsteps, L, FT_EQ_SIGNED_VON_MISES, &p, rf, acc);
        CHECKF(rc == 0, "one-shot bounded form: %d (%s)", rc, ft_cuda_fatigue_last_error());
        for (int i = 0; i < nnodes; i++) over += (rf[i].flags & FT_RF_ERR_OVERFLOW) != 0;
        CHECKF(over >= (nnodes + 1) / 2, "bounded: %d nodes flagged overflow", over);
        spills_free(sp, nnodes);
        free(rf);
        free(acc);
    }
    /* spills already non-empty at open: the first part on the CPU (it spills), the rest in a
     * GPU session, against the CPU over the whole history */
    {
        const int t1 = nring - 10;
        FtRainflowState *rc = (FtRainflowState *)malloc(nnodes * sizeof *rc), *rg = (FtRainflowState *)malloc(nnodes * sizeof *rg);
        FtDamageAcc *ac = (FtDamageAcc *)malloc(nnodes * sizeof *ac), *ag = (FtDamageAcc *)malloc(nnodes * sizeof *ag);
        FtRfSpill *sc = spills_new(nnodes), *sg = spills_new(nnodes);
        FtCudaFatigue *s = NULL;
        char err[512] = "";
        int rc1, nspilled = 0;
        ft_cpu_fatigue_init(nnodes, 0.5, rc, ac);
        ft_cpu_fatigue_init(nnodes, 0.5, rg, ag);
        ft_cpu_fatigue_batch_spill(nnodes, nnodes, nchan, S, nsteps, L, FT_EQ_SIGNED_VON_MISES, &p, rc, sc, ac);
        ft_cpu_fatigue_batch_spill(nnodes, nnodes, nchan, S, t1, L, FT_EQ_SIGNED_VON_MISES, &p, rg, sg, ag);
        for (int i = 0; i < nnodes; i++) nspilled += sg[i].n > 0;
        CHECK(nspilled > 0);
        rc1 = ft_cuda_fatigue_open(nnodes, nnodes, nchan, S, FT_EQ_SIGNED_VON_MISES, &p, 0, rg, sg, ag, &s, err, sizeof err);
        if (!rc1) rc1 = ft_cuda_fatigue_chunk(s, nsteps - t1, L + (size_t)t1 * nchan, err, sizeof err);
        if (!rc1) rc1 = ft_cuda_fatigue_sync(s, err, sizeof err);
        CHECKF(rc1 == 0, "resume with spills: %d (%s)", rc1, err);
        CHECK(ft_cuda_fatigue_host_signals(s) >= nspilled);
        ft_cuda_fatigue_close(s);
        compare("ring-down resumed with non-empty spills", nnodes, rg, ag, rc, ac);
        spills_free(sc, nnodes);
        spills_free(sg, nnodes);
        free(rc);
        free(rg);
        free(ac);
        free(ag);
    }
    free(S);
    free(L);
}

/* sync in the middle, compare, continue, compare; the fast mode */
static void test_sync_and_fast(void)
{
    const int nnodes = 23, nchan = 4, nsteps = 200, eq = ft_eq_critical_plane(25), nc = 25;
    const long long nsig = (long long)nnodes * nc;
    double *S = random_field(nnodes, nchan, 50.0), *L = random_loads(nsteps, nchan);
    FtRainflowState *rc = (FtRainflowState *)malloc((size_t)nsig * sizeof *rc), *rg = (FtRainflowState *)malloc((size_t)nsig * sizeof *rg);
    FtDamageAcc *ac = (FtDamageAcc *)malloc((size_t)nsig * sizeof *ac), *ag = (FtDamageAcc *)malloc((size_t)nsig * sizeof *ag);
    FtRfSpill *sc = spills_new(nsig), *sg = spills_new(nsig);
    FtFatigueParams p;
    FtCudaFatigue *s = NULL;
    char err[512] = "";
    int r;
    params_base(&p);
    p.msc = FT_MSC_WALKER;
    CHECK_CONTEXT("sync in the middle");
    ft_cpu_fatigue_init((int)nsig, 0.0, rc, ac);
    ft_cpu_fatigue_init((int)nsig, 0.0, rg, ag);
    r = ft_cuda_fatigue_open(nnodes, nnodes, nchan, S, eq, &p, 0, rg, sg, ag, &s, err, sizeof err);
    CHECKF(r == 0, "open: %s", err);
    r = r ? r : ft_cuda_fatigue_chunk(s, 77, L, err, sizeof err);
    r = r ? r : ft_cuda_fatigue_sync(s, err, sizeof err);
    CHECKF(r == 0, "first part: %s", err);
    ft_cpu_fatigue_batch_spill(nnodes, nnodes, nchan, S, 77, L, eq, &p, rc, sc, ac);
    compare("after the first part (synced)", nsig, rg, ag, rc, ac);
    r = r ? r : ft_cuda_fatigue_chunk(s, nsteps - 77, L + 77 * nchan, err, sizeof err);
    r = r ? r : ft_cuda_fatigue_sync(s, err, sizeof err);
    CHECKF(r == 0, "second part: %s", err);
    ft_cuda_fatigue_close(s);
    ft_cpu_fatigue_batch_spill(nnodes, nnodes, nchan, S, nsteps - 77, L + 77 * nchan, eq, &p, rc, sc, ac);
    compare("after the second part", nsig, rg, ag, rc, ac);

    /* the fast kernel: in emulation bit for bit the exact one (no FMA on the host); on a GPU
     * it may differ (FMA): only run and report */
    CHECK_CONTEXT("fast mode");
    ft_cpu_fatigue_init((int)nsig, 0.0, rg, ag);
    r = ft_cuda_fatigue_open(nnodes, nnodes, nchan, S, eq, &p, 1, rg, NULL, ag, &s, err, sizeof err);
    r = r ? r : ft_cuda_fatigue_chunk(s, nsteps, L, err, sizeof err);
    r = r ? r : ft_cuda_fatigue_sync(s, err, sizeof err);
    CHECKF(r == 0, "fast: %s", err);
    ft_cuda_fatigue_close(s);
    ft_cpu_fatigue_init((int)nsig, 0.0, rc, ac);
    ft_cpu_fatigue_batch(nnodes, nnodes, nchan, S, nsteps, L, eq, &p, rc, ac);
    if (g_exact_bits) compare("fast mode (emulation: equal to the CPU)", nsig, rg, ag, rc, ac);
    else {
        double worst = 0.0;
        long long dc = 0;
        for (long long m = 0; m < nsig; m++) {
            if (ac[m].damage > 0) worst = fmax(worst, fabs(ag[m].damage - ac[m].damage) / ac[m].damage);
            dc += ag[m].cycles != ac[m].cycles;
        }
        printf("fast mode on the GPU: max relative damage difference %.3g, %lld of %lld signals with other cycle counts\n", worst, dc,
               nsig);
    }
    spills_free(sc, nsig);
    spills_free(sg, nsig);
    free(rc);
    free(rg);
    free(ac);
    free(ag);
    free(S);
    free(L);
}

/* bad arguments and parameters: codes and messages, nothing touched */
static void test_errors(void)
{
    const int nnodes = 4, nchan = 2;
    double *S = random_field(nnodes, nchan, 50.0), *L = random_loads(10, nchan);
    FtRainflowState rf[4];
    FtDamageAcc acc[4];
    FtFatigueParams p;
    FtCudaFatigue *s = (FtCudaFatigue *)&p; /* must be reset to NULL on failure */
    char err[512] = "";
    int r;
    params_base(&p);
    ft_cpu_fatigue_init(nnodes, 0.0, rf, acc);
    CHECK_CONTEXT("errors");
    r = ft_cuda_fatigue_open(nnodes, nnodes, nchan, S, 99, &p, 0, rf, NULL, acc, &s, err, sizeof err);
    CHECK(r == FT_BATCH_EARGS && s == NULL && strstr(err, "invalid arguments"));
    r = ft_cuda_fatigue_open(nnodes, nnodes - 1, nchan, S, 0, &p, 0, rf, NULL, acc, &s, err, sizeof err);
    CHECK(r == FT_BATCH_EARGS);
    p.sn.m = -1.0;
    r = ft_cuda_fatigue_open(nnodes, nnodes, nchan, S, 0, &p, 0, rf, NULL, acc, &s, err, sizeof err);
    CHECKF(r == FT_BATCH_EPARAMS && strstr(err, "slope"), "bad slope: %d %s", r, err);
    r = ft_cuda_fatigue_batch(nnodes, nnodes, nchan, S, 10, L, 0, &p, rf, acc);
    CHECK(r == FT_BATCH_EPARAMS && strstr(ft_cuda_fatigue_last_error(), "slope"));
    params_base(&p);
    r = ft_cuda_fatigue_batch(nnodes, nnodes, nchan, S, -1, L, 0, &p, rf, acc);
    CHECK(r == FT_BATCH_EARGS);
    r = ft_cuda_fatigue_batch(nnodes, nnodes, nchan, S, 0, L, 0, &p, NULL, NULL); /* no-op, as the CPU */
    CHECK(r == 0);
    r = ft_cuda_fatigue_batch(0, 0, nchan, NULL, 10, L, 0, &p, NULL, NULL);
    CHECK(r == 0);
    free(S);
    free(L);
}

#ifdef FT_CUDA_EMULATION
/* little device memory: node blocks and load sub-chunks; injected failures */
static void test_emulated_device(void)
{
    const int nnodes = 13, nchan = 3, nsteps = 300, eq = ft_eq_critical_plane(25), nc = 25;
    const long long nsig = (long long)nnodes * nc;
    double *S = random_field(nnodes, nchan, 50.0), *L = random_loads(nsteps, nchan);
    FtRainflowState *rf = (FtRainflowState *)malloc((size_t)nsig * sizeof *rf), *rf0 = (FtRainflowState *)malloc((size_t)nsig * sizeof *rf0);
    FtDamageAcc *acc = (FtDamageAcc *)malloc((size_t)nsig * sizeof *acc), *acc0 = (FtDamageAcc *)malloc((size_t)nsig * sizeof *acc0);
    FtFatigueParams p;
    FtCudaFatigue *s = NULL;
    char err[512];
    int r, nmalloc;
    params_base(&p);
    p.msc = FT_MSC_SWT;

    /* ~3 nodes of the 25-plane critical plane per block (about 16 KiB each), L sub-chunks of
     * ~290 steps: both paths of the session against the CPU */
    CHECK_CONTEXT("node blocks");
    ft_emu_set_device_memory(64 * 1024);
    ft_cpu_fatigue_init((int)nsig, 0.0, rf, acc);
    r = ft_cuda_fatigue_open(nnodes, nnodes, nchan, S, eq, &p, 0, rf, NULL, acc, &s, err, sizeof err);
    CHECKF(r == 0, "open with 64 KiB: %s", err);
    CHECKF(ft_cuda_fatigue_node_blocks(s) > 1, "%d node blocks", ft_cuda_fatigue_node_blocks(s));
    ft_cuda_fatigue_close(s);
    run_case("node blocks, whole", nnodes, nchan, S, nsteps, L, eq, &p, whole, 1, 0);
    run_case("node blocks, odd chunks", nnodes, nchan, S, nsteps, L, eq, &p, odd, 1, 0);
    {
        /* ring-down in blocks: stopped signals downloaded with their block */
        double *Lr = (double *)malloc((size_t)nsteps * nchan * sizeof *Lr);
        for (int t = 0; t < nsteps; t++)
            for (int k = 0; k < nchan; k++) Lr[(size_t)t * nchan + k] = (t % 2 ? -1.0 : 1.0) * (3.0 - t * (1.0 / nsteps)) * (k == 0);
        CHECK(run_case("node blocks, ring-down", nnodes, nchan, S, nsteps, Lr, FT_EQ_SIGNED_VON_MISES, &p, odd, 1, 0) > 0);
        free(Lr);
    }
    ft_emu_set_device_memory(1024);
    r = ft_cuda_fatigue_open(nnodes, nnodes, nchan, S, eq, &p, 0, rf, NULL, acc, &s, err, sizeof err);
    CHECKF(r == FT_BATCH_ECUDA && strstr(err, "not enough device memory"), "1 KiB: %d %s", r, err);
    ft_emu_set_device_memory((size_t)1 << 30);

    /* every cudaMalloc of open failing in turn: a code, a message naming the call, nothing
     * left allocated, the host arrays untouched */
    CHECK_CONTEXT("injected cudaMalloc failures");
    ft_cpu_fatigue_init((int)nsig, 0.0, rf, acc);
    ft_cpu_fatigue_batch(nnodes, nnodes, nchan, S, 50, L, eq, &p, rf, acc); /* a non-trivial state */
    memcpy(rf0, rf, (size_t)nsig * sizeof *rf);
    memcpy(acc0, acc, (size_t)nsig * sizeof *acc);
    for (nmalloc = 1; nmalloc <= 9; nmalloc++) {
        ft_emu_fail_malloc(nmalloc);
        r = ft_cuda_fatigue_open(nnodes, nnodes, nchan, S, eq, &p, 0, rf, NULL, acc, &s, err, sizeof err);
        ft_emu_fail_malloc(0);
        CHECKF(r == FT_BATCH_ECUDA && s == NULL && strstr(err, "cudaMalloc"), "malloc %d: %d %s", nmalloc, r, err);
        CHECK(ft_emu_device_memory_used() == 0);
    }
    ft_emu_fail_malloc(1);
    r = ft_cuda_fatigue_batch(nnodes, nnodes, nchan, S, 20, L, eq, &p, rf, acc);
    ft_emu_fail_malloc(0);
    CHECKF(r == FT_BATCH_ECUDA && strstr(ft_cuda_fatigue_last_error(), "cudaMalloc"), "one-shot: %d %s", r, ft_cuda_fatigue_last_error());
    /* the load buffer's cudaMalloc (the first chunk's) */
    r = ft_cuda_fatigue_open(nnodes, nnodes, nchan, S, eq, &p, 0, rf, NULL, acc, &s, err, sizeof err);
    ft_emu_fail_malloc(1);
    r = r ? r : ft_cuda_fatigue_chunk(s, 20, L, err, sizeof err);
    ft_emu_fail_malloc(0);
    CHECKF(r == FT_BATCH_ECUDA && strstr(err, "load chunk"), "load buffer: %d %s", r, err);
    ft_cuda_fatigue_close(s);
    CHECK(!memcmp(rf, rf0, (size_t)nsig * sizeof *rf) && !memcmp(acc, acc0, (size_t)nsig * sizeof *acc));

    CHECK_CONTEXT("injected launch failure");
    r = ft_cuda_fatigue_open(nnodes, nnodes, nchan, S, eq, &p, 0, rf, NULL, acc, &s, err, sizeof err);
    r = r ? r : ft_cuda_fatigue_chunk(s, 20, L, err, sizeof err); /* a good chunk first */
    ft_emu_fail_launch(1);
    r = r ? r : ft_cuda_fatigue_chunk(s, 20, L + 20 * nchan, err, sizeof err);
    ft_emu_fail_launch(0);
    CHECKF(r == FT_BATCH_ECUDA && strstr(err, "launch"), "launch: %d %s", r, err);
    r = ft_cuda_fatigue_chunk(s, 20, L, err, sizeof err);
    CHECKF(r == FT_BATCH_ECUDA && strstr(err, "failed earlier"), "after a failure: %d %s", r, err);
    r = ft_cuda_fatigue_sync(s, err, sizeof err);
    CHECK(r == FT_BATCH_ECUDA);
    ft_cuda_fatigue_close(s);
    CHECK(ft_emu_device_memory_used() == 0);
    CHECKF(!memcmp(rf, rf0, (size_t)nsig * sizeof *rf) && !memcmp(acc, acc0, (size_t)nsig * sizeof *acc),
           "host state changed by a failed session");
    ft_emu_fail_launch(1);
    r = ft_cuda_fatigue_batch(nnodes, nnodes, nchan, S, 20, L, eq, &p, rf, acc);
    ft_emu_fail_launch(0);
    CHECKF(r == FT_BATCH_ECUDA && strstr(ft_cuda_fatigue_last_error(), "launch"), "one-shot launch: %d %s", r,
           ft_cuda_fatigue_last_error());
    CHECK(!memcmp(rf, rf0, (size_t)nsig * sizeof *rf) && !memcmp(acc, acc0, (size_t)nsig * sizeof *acc));
    free(S);
    free(L);
    free(rf);
    free(rf0);
    free(acc);
    free(acc0);
}
#endif

int main(void)
{
    if (ft_cuda_device_count() == 0) {
        printf("no CUDA device: skipped\n");
        return 77;
    }
#ifdef FT_CUDA_EMULATION
    g_exact_bits = 1;
    printf("CUDA emulation on the CPU: states compared bit for bit\n");
#else
    printf("real CUDA device: cycles compared exactly, damage within %g relative\n", GPU_DAMAGE_REL);
#endif
    test_errors();
    test_kinds_and_params();
    test_tiles();
    test_nan();
    test_ring_down();
    test_sync_and_fast();
#ifdef FT_CUDA_EMULATION
    test_emulated_device();
#endif
    return check_summary();
}
