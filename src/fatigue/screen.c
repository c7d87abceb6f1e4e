/* Node screening (docs/fatigue.md "Node screening"; the bounds: kernels/ft_screen.h): a node whose
 * every possible cycle over the whole history so far is below the S-N curve's cut-off after the
 * mean-stress correction and the Marin factors is not counted; its damage is exactly what a full
 * count gives, 0.
 *
 * The decision of a run. The loads' extremes cover every sample counted so far: the previous runs'
 * (the state's load_min / load_max) and all of this run's steps. A node is counted in this run
 * (`active`) when
 *   - it was counted before (its state holds its residue: a node once counted stays counted), or
 *   - screening is off, or the load record (8 x channels bytes per sample so far) would exceed
 *     fatigue.screening_record_mb, or the bound reaches the cut-off (or the correction may be undefined), or,
 *     with fatigue.screening_tolerance > 0 and no exact zero, (samples so far / 2) x the worst
 *     cycle's damage exceeds the tolerance (a history of N samples has at most N reversals, so at
 *     most N half cycles: N/2 cycles).
 * A node that was screened before and is active now has an empty state: it is counted first over
 * the load record of the previous runs (the state's load_record, kept while any node is screened),
 * then with the others over this run's steps: exactly as if it had been counted all along (the
 * same samples in the same order through the same kernels). Without a record in that case the
 * run stops with an error rather than count inexactly. */
#include <math.h>
#include <string.h>

#include "fatigue/engine.h"
#include "ft_screen.h"
#include "runtime/log.h"

PetscErrorCode FtFatigueScreen(FtFatigueWork *W)
{
  const FtFatigueCase *f = W->f;
  const int            nchan = W->nchan, nc = W->nc, eq = W->eq;
  const long long      n = W->n;
  const FtHistory     *h = &W->hist;
  const double         u = (f->superposition && f->single_precision) ? 5.9604644775390625e-8 : 1.1102230246251565e-16;
  const double         nsamples = (double)W->counted_before + (double)W->nsteps_in;
  double               lmin[FT_FATIGUE_MAX_CHANNELS_CASE], lmax[FT_FATIGUE_MAX_CHANNELS_CASE];
  double              *lo = NULL, *hi = NULL, (*nrm)[3] = NULL;
  FtFatigueParams      par = W->par;
  long long            mine[3] = {0, 0, 0}, all[3];
  const double         record_mb = nsamples * nchan * 8.0 / 1e6; /* the load record this run would keep */
  int                  finite = 1, can = f->screening, need_record = 0, gneed, too_big = 0;

  PetscFunctionBeginUser;
  ft_fatigue_prepare(&par);
  PetscCall(PetscMalloc2(n + 1, &W->active, n + 1, &W->fresh));
  /* the loads' extremes over everything counted so far and this run's steps */
  for (int k = 0; k < nchan; k++) {
    lmin[k] = W->have_prev ? W->prev_min[k] : INFINITY;
    lmax[k] = W->have_prev ? W->prev_max[k] : -INFINITY;
  }
  for (long t = 0; t < W->nsteps_in; t++)
    for (int k = 0; k < nchan; k++) {
      const double x = h->L[(size_t)t * nchan + k];
      if (!isfinite(x)) finite = 0;
      lmin[k] = PetscMin(lmin[k], x);
      lmax[k] = PetscMax(lmax[k], x);
    }
  /* screening needs: screening auto, finite loads, the extremes of every earlier run (a format_version 1/2 state
     has counted every node, so nothing could be screened anyway), and a cut-off or a tolerance */
  if (!finite || (W->counted_before > 0 && !W->have_prev) || !par.dc.ok || (!(par.dc.S_cut > 0) && !(f->screening_tolerance > 0))) can = 0;
  /* a record beyond screening_record_mb: stop screening (the screened nodes are counted from the record, which is then
     dropped: every node counted from now on) */
  if (can && record_mb > f->screening_record_mb) too_big = 1, can = 0;
  if (can) {
    PetscCall(PetscMalloc2(nc + 1, &lo, nc + 1, &hi));
    if (ft_eq_base(eq) == FT_EQ_CRITICAL_PLANE) {
      PetscCall(PetscMalloc1(nc, &nrm));
      for (int j = 0; j < nc; j++) ft_cp_normal(nc, j, nrm[j]);
    }
  }
  W->skip_bound = 0;
  W->nfresh     = 0;
  for (long long i = 0; i < n; i++) {
    int active = 1;
    if (can && !W->counted[i]) {
      double worst = 0;
      ft_screen_signal_bounds(eq, nchan, &W->S[6 * i], (long)n, lmin, lmax, (const double(*)[3])nrm, u, lo, hi);
      for (int j = 0; j < nc; j++) {
        const double d = ft_screen_worst_damage(&par, &par.dc, lo[j], hi[j]);
        worst          = (d != d || worst != worst) ? NAN : PetscMax(worst, d);
      }
      if (worst == 0) active = 0; /* exact: every cycle below the cut-off */
      else if (f->screening_tolerance > 0 && worst == worst && 0.5 * nsamples * worst <= f->screening_tolerance) {
        active        = 0;
        W->skip_bound = PetscMax(W->skip_bound, 0.5 * nsamples * worst);
      }
    }
    W->active[i] = (unsigned char)active;
    if (active && !W->counted[i] && W->counted_before > 0) W->fresh[W->nfresh++] = (int)i;
    mine[0] += !active;
    mine[2] += active;
  }
  mine[1] = W->nfresh;
  PetscCallMPI(MPI_Allreduce(mine, all, 3, MPI_LONG_LONG, MPI_SUM, W->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &W->skip_bound, 1, MPI_DOUBLE, MPI_MAX, W->comm));
  W->nscreened   = all[0];
  W->nfresh_all  = all[1];
  W->nactive_all = all[2];
  need_record    = W->nfresh > 0 && W->nrecord != W->counted_before;
  PetscCallMPI(MPI_Allreduce(&need_record, &gneed, 1, MPI_INT, MPI_MAX, W->comm));
  PetscCheck(!gneed, W->comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: the counting state has %lld nodes that were screened (not counted) and must be counted now, but its load record "
             "holds %ld of the %ld samples counted so far: cannot continue exactly; count again from the start (without --incremental)",
             W->c->path, W->nfresh_all, W->nrecord, W->counted_before);
  PetscCall(PetscFree2(lo, hi));
  PetscCall(PetscFree(nrm));
  if (!f->screening) PetscCall(FtLogInfo("fatigue: screening off: counting all %lld nodes", W->N));
  else if (!can)
    PetscCall(FtLogInfo("fatigue: screened 0 of %lld nodes (%s)", W->N,
                        too_big                                    ? "the load record would exceed screening_record_mb: every node counted from now on"
                        : !finite                                  ? "non-finite loads"
                        : (W->counted_before > 0 && !W->have_prev) ? "the state has no load extremes (format_version 1 or 2): every node counted"
                        : !par.dc.ok                               ? "invalid fatigue parameters"
                                                                   : "the S-N curve has no cut-off and screening_tolerance is 0"));
  else
    PetscCall(FtLogInfo("fatigue: screened %lld of %lld nodes (%.1f %%: %s); %lld counted%s", W->nscreened, W->N,
                        W->N ? 100.0 * W->nscreened / W->N : 0.0,
                        W->skip_bound > 0 ? "every cycle below the S-N cut-off (damage exactly 0) or the skipped damage within screening_tolerance"
                                          : "every cycle bounded below the S-N cut-off, damage exactly 0",
                        W->nactive_all,
                        W->nfresh_all ? " (some counted again from the load record: screened before, active now)" : ""));
  if (W->skip_bound > 0) PetscCall(FtLogInfo("fatigue: screening_tolerance %g: the damage skipped at any screened node is at most %.3g", f->screening_tolerance, W->skip_bound));
  PetscFunctionReturn(0);
}
