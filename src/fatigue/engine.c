/* The fatigue engine's driver: sigma_i(t) = sum_k S_k(node i) L_k(t) per node, equivalent stress,
 * rainflow, Miner (docs/fatigue.md). Phases: read this rank's block of the basis, count chunk by
 * chunk through the backend table (the state carried), damage and life per node, gather the hot
 * spots, their regions and per-channel damages, then (when output is given) write the results
 * file and its XDMF. */
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fatigue/engine.h"
#include "runtime/log.h"
#include "runtime/stop.h"

PetscErrorCode FtFatigueKernelCheck(const FtFatigueWork *W, int rc, const char *what)
{
  char why[512] = "";

  PetscFunctionBeginUser;
  if (!rc) PetscFunctionReturn(0);
  if (rc == FT_BATCH_EPARAMS) {
    char msg[480];
    ft_fatigue_error_message(ft_fatigue_validate(&W->par), &W->par, msg, sizeof msg);
    snprintf(why, sizeof why, ": %s", msg);
  }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s: fatigue engine (%s backend): %s failed: %s (code %d)%s", W->c->path, W->be->name, what,
          FtBackendFatigueError(rc), rc, why);
}

/* A session call's return code: on failure the session is closed, then the error as FtFatigueKernelCheck's (the message of the
 * CUDA engine's last error: FtBackendFatigueError). */
static PetscErrorCode SessionCheck(FtFatigueWork *W, FtCudaFatigue **s, int rc, const char *what)
{
  PetscFunctionBeginUser;
  if (rc && *s) {
    W->be->fatigue_close(*s);
    *s = NULL;
  }
  PetscCall(FtFatigueKernelCheck(W, rc, what));
  PetscFunctionReturn(0);
}

/* Swaps nodes a and b of this rank's block: their unit stresses (every channel), counting states, accumulators, spills. */
static void SwapNodes(FtFatigueWork *W, int a, int b)
{
  const int nc = W->nc, n = (int)W->n;
  for (int k = 0; k < W->nchan; k++) {
    double t[6], *x = &W->S[((size_t)k * n + a) * 6], *y = &W->S[((size_t)k * n + b) * 6];
    memcpy(t, x, sizeof t);
    memcpy(x, y, sizeof t);
    memcpy(y, t, sizeof t);
  }
  for (int q = 0; q < nc; q++) {
    const size_t    i = (size_t)a * nc + q, j = (size_t)b * nc + q;
    FtRainflowState r = W->rf[i];
    FtDamageAcc     d = W->acc[i];
    W->rf[i]          = W->rf[j];
    W->rf[j]          = r;
    W->acc[i]         = W->acc[j];
    W->acc[j]         = d;
    if (W->spill) {
      FtRfSpill sp = W->spill[i];
      W->spill[i]  = W->spill[j];
      W->spill[j]  = sp;
    }
  }
}

/* Counts the nodes with mask[i] != 0 (mask NULL: all of this rank's) over the steps L[0..nsteps) chunk by chunk
 * (fatigue.superposition: fused, the stress history formed per node in registers, or gemm, per block of nodes and time
 * steps by BLAS; precision single rounds S and L to float). A subset is first moved to the front of the block by swaps
 * (unit stresses, counting states, accumulators, spills; no copy, no extra memory), counted there by the backend's usual
 * calls with the block's node stride, and the swaps undone in reverse order, so every backend skips the others. A
 * backend with a counting session (cuda) keeps the states on its device: opened once (S and the states uploaded), one
 * chunk call per chunk, synced back at a stop signal and at the end, closed. main: the run's own steps (W->hist): a stop
 * signal ends it at the next chunk (W->hist.nsteps then says how far) and progress is logged; else (the load record of
 * earlier runs, for nodes screened then and active now) it runs to the end, rank-local. Collective when main. */
static PetscErrorCode CountNodes(FtFatigueWork *W, const unsigned char *mask, const double *L0, long nsteps, PetscBool main)
{
  const FtFatigueCase *f      = W->f;
  FtHistory           *h      = &W->hist;
  const int            nchan  = W->nchan, n = (int)W->n;
  const double         tc     = FtWallTime();
  long                 next   = nsteps / 10;
  FtCudaFatigue       *session = NULL;
  double              *S      = W->S;
  FtRainflowState     *rf     = W->rf;
  FtDamageAcc         *acc    = W->acc;
  FtRfSpill           *spill  = W->spill;
  int                  m      = n, nswap = 0, *swaps = NULL;
  char                 err[512];

  PetscFunctionBeginUser;
  if (mask) { /* the subset to the front: two-pointer partition, the swaps kept to undo them */
    int i = 0, j = n - 1;
    PetscCall(PetscMalloc1(n + 1, &swaps));
    for (;;) {
      while (i <= j && mask[i]) i++;
      while (j > i && !mask[j]) j--;
      if (i >= j) break;
      SwapNodes(W, i, j);
      swaps[2 * nswap]     = i++;
      swaps[2 * nswap + 1] = j--;
      nswap++;
    }
    m = 0;
    for (int a = 0; a < n; a++) m += mask[a] != 0;
  }
  if (W->be->fatigue_open && m > 0)
    PetscCall(SessionCheck(W, &session,
                           W->be->fatigue_open(m, n, nchan, S, W->eq, &W->par, f->cuda_fast, rf, spill, acc, &session, err, sizeof err),
                           "fatigue_open"));
  for (long t = 0; t < nsteps; t += FT_FATIGUE_CHUNK) {
    const int     nt = (int)PetscMin(FT_FATIGUE_CHUNK, nsteps - t);
    const double *L  = &L0[(size_t)t * nchan];
    if (m == 0) { /* nothing to count on this rank: only the stop check below */
    } else if (session) PetscCall(SessionCheck(W, &session, W->be->fatigue_chunk(session, nt, L, err, sizeof err), "fatigue_chunk"));
    else if (spill && f->superposition)
      PetscCall(FtFatigueKernelCheck(W,
                                     W->be->fatigue_batch_gemm_spill(m, n, nchan, S, nt, L, W->eq, &W->par, f->single_precision, rf, spill, acc),
                                     "fatigue_batch_gemm"));
    else if (spill)
      PetscCall(FtFatigueKernelCheck(W, W->be->fatigue_batch_spill(m, n, nchan, S, nt, L, W->eq, &W->par, rf, spill, acc), "fatigue_batch"));
    else if (f->superposition)
      PetscCall(FtFatigueKernelCheck(W, W->be->fatigue_batch_gemm(m, n, nchan, S, nt, L, W->eq, &W->par, f->single_precision, rf, acc),
                                     "fatigue_batch_gemm"));
    else PetscCall(FtFatigueKernelCheck(W, W->be->fatigue_batch(m, n, nchan, S, nt, L, W->eq, &W->par, rf, acc), "fatigue_batch"));
    if (!main) continue;
    PetscCall(FtStopRequested(W->comm, &W->interrupted)); /* a safe point: the state is complete up to t + nt */
    if (W->interrupted && t + nt < nsteps) {
      if (session) PetscCall(SessionCheck(W, &session, W->be->fatigue_sync(session, err, sizeof err), "fatigue_sync"));
      h->nsteps = t + nt;
      PetscCall(FtLogInfo("fatigue: stop requested (signal): counted up to step %ld of %ld (t = %.9g s); saving the state", h->nsteps,
                          W->nsteps_in, h->time[h->nsteps - 1]));
      break;
    }
    W->interrupted = PETSC_FALSE;
    if (t + nt >= next && nsteps > 10 * FT_FATIGUE_CHUNK) {
      double el = FtWallTime() - tc;
      PetscCall(FtLogInfo("fatigue: %3.0f%% of %ld steps, %.3g node-steps/s", 100.0 * (t + nt) / nsteps, nsteps,
                          el > 0 ? (double)W->nactive_all * (t + nt) / el : 0));
      next += nsteps / 10;
    }
  }
  if (session) {
    if (!W->interrupted) PetscCall(SessionCheck(W, &session, W->be->fatigue_sync(session, err, sizeof err), "fatigue_sync"));
    W->be->fatigue_close(session);
  }
  if (mask) { /* back in place */
    for (int q = nswap - 1; q >= 0; q--) SwapNodes(W, swaps[2 * q], swaps[2 * q + 1]);
    PetscCall(PetscFree(swaps));
  }
  PetscFunctionReturn(0);
}

/* Counts this run: the nodes screened before and active now over the earlier runs' load record first (rank-local, no
 * stop check: they catch up), then every active node over W->hist. Screened nodes are not counted (their state stays
 * empty: damage 0). Then every active node counts as counted in the state. */
static PetscErrorCode Count(FtFatigueWork *W)
{
  const double   tc = FtWallTime();
  unsigned char *fresh;

  PetscFunctionBeginUser;
  if (W->nfresh) {
    PetscCall(PetscCalloc1(W->n + 1, &fresh));
    for (int a = 0; a < W->nfresh; a++) fresh[W->fresh[a]] = 1;
    PetscCall(CountNodes(W, fresh, W->record, W->nrecord, PETSC_FALSE));
    PetscCall(PetscFree(fresh));
  }
  PetscCall(CountNodes(W, W->nactive_all < W->N ? W->active : NULL, W->hist.L, W->hist.nsteps, PETSC_TRUE));
  for (long long i = 0; i < W->n; i++) W->counted[i] = W->counted[i] || W->active[i];
  {
    /* which kernel ran: the backend, and the CPU's vector path (kernels/cpu/ft_cpu_fatigue_simd.c) or the CUDA mode */
    char path[64];
    if (W->be->kind == FT_BACKEND_CUDA) snprintf(path, sizeof path, "cuda, %s mode", W->f->cuda_fast ? "fast" : "exact");
    else if (W->f->superposition) snprintf(path, sizeof path, "cpu, gemm superposition");
    else snprintf(path, sizeof path, "cpu, %s path", ft_cpu_fatigue_simd_name());
    PetscCall(FtLogInfo("fatigue: counted %lld nodes x %ld steps in %.2f s (%.3g node-steps/s; %s)%s", W->nactive_all, W->hist.nsteps,
                        FtWallTime() - tc, (double)W->nactive_all * W->hist.nsteps / PetscMax(FtWallTime() - tc, 1e-9), path,
                        W->nfresh_all ? ", with the nodes counted again from the load record" : ""));
  }
  PetscFunctionReturn(0);
}

/* Damage (the history as if it ended now), life, worst range and counted cycles per node. */
static PetscErrorCode NodeDamage(FtFatigueWork *W)
{
  const long long n = W->n;
  const int       nc = W->nc;
  const double    prior = W->f->prior_damage, duration = W->duration;
  long long       nbad = 0, gbad;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc6(n + 1, &W->D, n + 1, &W->range, n + 1, &W->cycles, n + 1, &W->life_h, n + 1, &W->rem_h, n + 1, &W->worst));
  if (W->spill)
    PetscCall(FtFatigueKernelCheck(W, W->be->fatigue_damage_spill((int)n, nc, W->rf, W->spill, W->acc, &W->par, W->D, W->worst), "fatigue_damage"));
  else PetscCall(FtFatigueKernelCheck(W, W->be->fatigue_damage((int)n, nc, W->rf, W->acc, &W->par, W->D, W->worst), "fatigue_damage"));
  for (long long i = 0; i < n; i++) {
    FtDamageAcc tail;
    const int   j = W->worst[i] >= 0 ? W->worst[i] : 0;
    W->range[i]   = 0;
    for (int q = 0; q < nc; q++) W->range[i] = PetscMax(W->range[i], W->acc[i * nc + q].max_range);
    tail = W->acc[i * nc + j];
    ft_rf_finish_spill(&W->rf[i * nc + j], W->spill ? &W->spill[i * nc + j] : NULL, &W->par, &tail);
    W->cycles[i] = tail.cycles;
    W->life_h[i] = W->D[i] > 0 ? duration / 3600.0 / W->D[i] : INFINITY;
    W->rem_h[i]  = W->D[i] > 0 ? (1.0 - prior) * duration / 3600.0 / W->D[i] : INFINITY;
  }
  for (long long i = 0; i < n; i++) nbad += isnan(W->D[i]);
  PetscCallMPI(MPI_Allreduce(&nbad, &gbad, 1, MPI_LONG_LONG, MPI_SUM, W->comm));
  /* approximations the count made (kernels/ft_rainflow.h): a residue longer than FT_RF_MAX_RESIDUE
   * (a ring-down of more reversals of decreasing range) is counted approximately only by a backend
   * without spills (or when a spill could not grow: out of memory), a NaN sample is skipped; the
   * flags live in the counting state, so a continued count keeps them */
  {
    long long mine[2] = {0, 0}, all[2];
    PetscCall(PetscMalloc1(n + 1, &W->cflags));
    for (long long i = 0; i < n; i++) {
      W->cflags[i] = 0;
      for (int q = 0; q < nc; q++) W->cflags[i] |= (int)(W->rf[i * nc + q].flags & (FT_RF_ERR_OVERFLOW | FT_RF_ERR_NAN));
      mine[0] += (W->cflags[i] & FT_RF_ERR_OVERFLOW) != 0;
      mine[1] += (W->cflags[i] & FT_RF_ERR_NAN) != 0;
    }
    PetscCallMPI(MPI_Allreduce(mine, all, 2, MPI_LONG_LONG, MPI_SUM, W->comm));
    W->approximate_nodes = all[0];
    W->nan_sample_nodes  = all[1];
  }
  if (W->approximate_nodes)
    PetscCall(FtLogInfo("fatigue: WARNING the count is approximate at %lld nodes: their rainflow residue needed more than %d points (a "
                        "ring-down of that many reversals of decreasing range) and could not spill (out of memory), so ASTM E1049's count is not exact there "
                        "(/fatigue/counting_flags bit 1; the damage may be off by a few half cycles of the oldest ranges)",
                        W->approximate_nodes, FT_RF_MAX_RESIDUE));
  if (W->nan_sample_nodes) PetscCall(FtLogInfo("fatigue: WARNING %lld nodes skipped non-finite stress samples (/fatigue/counting_flags bit 2)", W->nan_sample_nodes));
  if (gbad) PetscCall(FtLogInfo("fatigue: WARNING %lld nodes have cycles outside the mean-stress correction's range "
                                "(e.g. mean above the ultimate strength): their damage is NaN and they lead the hot-spot list", gbad));
  PetscFunctionReturn(0);
}

/* What the caller wants back: the first hot spot is the worst node (NaN damage first). */
static PetscErrorCode Summarise(const FtFatigueWork *W, FtFatigueSummary *sum)
{
  const FtHotSpot *hs = W->hs;

  PetscFunctionBeginUser;
  memset(sum, 0, sizeof *sum);
  sum->worst_node = -1;
  if (W->nhs) {
    sum->history_damage        = hs[0].damage;
    sum->max_damage            = W->f->prior_damage + hs[0].damage;
    sum->min_life_hours        = hs[0].life_hours;
    sum->min_remaining_hours   = hs[0].remaining_hours;
    sum->min_life_cycles_equiv = hs[0].damage > 0 ? hs[0].cycles / hs[0].damage : isnan(hs[0].damage) ? NAN : INFINITY;
    sum->worst_range           = hs[0].range;
    sum->worst_node            = hs[0].node;
    memcpy(sum->worst_x, hs[0].x, sizeof sum->worst_x);
  }
  sum->nhot      = W->nhs;
  sum->hot_nodes = malloc(sizeof(long long) * (size_t)(W->nhs + 1));
  PetscCheck(sum->hot_nodes, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory for %d hot-spot nodes", W->nhs);
  for (int i = 0; i < W->nhs; i++) sum->hot_nodes[i] = hs[i].node;
  PetscFunctionReturn(0);
}

static PetscErrorCode WorkFree(FtFatigueWork *W)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(W->chd));
  PetscCall(PetscFree(W->hs));
  PetscCall(PetscFree6(W->D, W->range, W->cycles, W->life_h, W->rem_h, W->worst));
  PetscCall(PetscFree(W->cflags));
  if (W->spill)
    for (long long m = 0; m < W->n * W->nc; m++) ft_rf_spill_free(&W->spill[m]);
  PetscCall(PetscFree(W->spill));
  PetscCall(PetscFree2(W->rf, W->acc));
  PetscCall(PetscFree3(W->S, W->X, W->topo));
  PetscCall(PetscFree(W->creg));
  PetscCall(PetscFree(W->counted));
  PetscCall(PetscFree2(W->active, W->fresh));
  PetscCall(PetscFree(W->record));
  PetscFunctionReturn(0);
}

PetscErrorCode FtFatigueCompute(MPI_Comm comm, const FtCase *c, const FtHistory *hist, const char *basis_path, const char *output,
                                FtFatigueSummary *summary, const FtFatigueHooks *hooks)
{
  const FtFatigueResume *resume  = hooks ? hooks->resume : NULL;
  const PetscBool        discard = hooks && hooks->discard_on_stop;
  FtFatigueWork          W;
  FtFatigueSummary       sum;
  H5E_auto2_t            efn;
  void                  *edata;

  PetscFunctionBeginUser;
  memset(&W, 0, sizeof W);
  W.comm  = comm;
  W.c     = c;
  W.f     = &c->fatigue;
  W.hooks = hooks;
  W.basis = basis_path ? basis_path : c->fatigue.basis;
  W.t0    = FtWallTime();
  PetscCallMPI(MPI_Comm_rank(comm, &W.rank));
  PetscCallMPI(MPI_Comm_size(comm, &W.size));
  PetscCall(FtFatigueCheckCase(comm, c, W.basis, output, &W.par));
  PetscCheck(hist->nchan == W.f->nchannels && hist->nsteps >= (resume ? 1 : 2), comm, PETSC_ERR_ARG_SIZ,
             "%s: a history of %ld steps with %d channels for a fatigue section with %d channels (at least 2 steps)", c->path, hist->nsteps,
             hist->nchan, W.f->nchannels);
  PetscCall(FtBackendSelectFatigue(hooks ? hooks->backend : NULL, &W.be));
  PetscCheck(!W.f->superposition || W.be->fatigue_batch_gemm, comm, PETSC_ERR_SUP,
             "%s: fatigue.superposition: gemm has no %s backend (its fatigue kernel forms the stress history itself, fused); use "
             "superposition: fused or --backend cpu",
             c->path, W.be->name);
  W.eq             = W.f->equivalent;
  W.nc             = ft_equivalent_channels(W.eq);
  W.nchan          = W.f->nchannels;
  W.hist           = *hist;
  W.nsteps_in      = hist->nsteps;
  W.counted_before = resume ? resume->samples : 0;
  W.first_time     = resume ? resume->first_time : hist->time[0];
  /* HDF5's own error stack stays off while the engine reads and writes: each failure is one
     message naming the file (H5CHK, H5READCHK) */
  H5Eget_auto2(H5E_DEFAULT, &efn, &edata);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);

  PetscCall(FtFatigueBasisRead(&W));
  PetscCall(PetscMalloc2((size_t)W.n * W.nc + 1, &W.rf, (size_t)W.n * W.nc + 1, &W.acc));
  PetscCall(FtFatigueKernelCheck(&W, W.be->fatigue_init((int)(W.n * W.nc), W.f->gate, W.rf, W.acc), "fatigue_init"));
  /* the spills: empty until a residue outgrows FT_RF_MAX_RESIDUE points (then the count stays exact) */
  if (W.be->fatigue_batch_spill && W.be->fatigue_damage_spill && (!W.f->superposition || W.be->fatigue_batch_gemm_spill))
    PetscCall(PetscCalloc1((size_t)W.n * W.nc + 1, &W.spill));
  PetscCall(PetscCalloc1(W.n + 1, &W.counted)); /* nothing counted yet (a state says otherwise) */
  if (resume) PetscCall(FtFatigueStateRead(&W, resume));
  PetscCall(FtFatigueScreen(&W));
  PetscCall(Count(&W));
  W.last_time = W.hist.time[W.hist.nsteps - 1];
  W.duration  = W.last_time - W.first_time;
  PetscCall(NodeDamage(&W));
  PetscCall(FtFatigueHotSpotsSelect(&W));
  PetscCall(FtFatigueHotSpotsDetail(&W));
  PetscCall(Summarise(&W, &sum));
  /* A caller that cannot continue a partial run asks for nothing to be written after a stop
     signal: its previous output stays. */
  if (W.interrupted && discard) {
    PetscCall(FtLogInfo("fatigue: stopped on request: nothing written, %s left as it was", output ? output : "(no output)"));
    output = NULL;
  }
  if (output) PetscCall(FtFatigueResultsWrite(&W, output, &sum));
  H5Eset_auto2(H5E_DEFAULT, efn, edata);

  if (summary) *summary = sum;
  else free(sum.hot_nodes);
  if (W.interrupted && discard) FtSetExitCode(FT_EXIT_REQUEUE);
  else if (W.interrupted) {
    PetscCall(FtLogInfo("fatigue: stopped on request with the state saved up to t = %.9g s: exit code %d; run again with --incremental to continue",
                        W.last_time, FT_EXIT_REQUEUE));
    FtSetExitCode(FT_EXIT_REQUEUE);
  }
  PetscCall(WorkFree(&W));
  PetscFunctionReturn(0);
}
