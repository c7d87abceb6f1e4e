/* Hot spots: the worst nodes over all ranks, their regions and dominant channels (each channel's
 * own damage, counted again with only that channel acting), and the rainflow histogram of the
 * worst one. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fatigue/engine.h"
#include "runtime/log.h"

static int CmpHotSpot(const void *a, const void *b)
{
  double x = ((const FtHotSpot *)a)->damage, y = ((const FtHotSpot *)b)->damage;
  if (isnan(x)) return -1; /* invalid nodes first: they must be seen */
  if (isnan(y)) return 1;
  return x < y ? 1 : x > y ? -1 : 0;
}

PetscErrorCode FtFatigueHotSpotsSelect(FtFatigueWork *W)
{
  const long long n = W->n;
  int             H = PetscMin(W->f->hot_spots, (int)PetscMax(W->N, 1)), hl = (int)PetscMin((long long)H, n);
  FtHotSpot      *loc, *all = NULL;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(PetscMax(n, 1), &loc));
  for (long long i = 0; i < n; i++) {
    loc[i].node            = W->start + i;
    loc[i].damage          = W->D[i];
    loc[i].range           = W->range[i];
    loc[i].cycles          = W->cycles[i];
    loc[i].life_hours      = W->life_h[i];
    loc[i].remaining_hours = W->rem_h[i];
    loc[i].region          = -1;
    loc[i].dominant        = -1;
    memcpy(loc[i].x, &W->X[3 * i], sizeof loc[i].x);
  }
  qsort(loc, (size_t)n, sizeof *loc, CmpHotSpot);
  for (int i = hl; i < H; i++) loc[i].damage = -1, loc[i].node = -1; /* padding */
  if (W->rank == 0) PetscCall(PetscMalloc1((size_t)H * W->size, &all));
  PetscCallMPI(MPI_Gather(loc, (int)(H * sizeof(FtHotSpot)), MPI_BYTE, all, (int)(H * sizeof(FtHotSpot)), MPI_BYTE, 0, W->comm));
  PetscCall(PetscFree(loc));
  PetscCall(PetscMalloc1(H, &W->hs));
  if (W->rank == 0) {
    qsort(all, (size_t)H * W->size, sizeof *all, CmpHotSpot);
    memcpy(W->hs, all, sizeof *W->hs * H);
    PetscCall(PetscFree(all));
  }
  PetscCallMPI(MPI_Bcast(W->hs, (int)(H * sizeof(FtHotSpot)), MPI_BYTE, 0, W->comm));
  W->nhs = 0;
  while (W->nhs < H && W->hs[W->nhs].node >= 0) W->nhs++;
  PetscFunctionReturn(0);
}

/* Damage of one node (unit stresses S, node stride W->n) with only channel k active (the others
 * zero): the channel's own contribution. Rainflow counting is not linear, so contributions do not
 * add up to the total. */
static PetscErrorCode SoloDamage(const FtFatigueWork *W, const double *S, int k, double *Dk)
{
  const int        nc = W->nc, nchan = W->nchan;
  const FtHistory *h  = &W->hist;
  FtRainflowState *rf;
  FtDamageAcc     *acc;
  FtRfSpill       *sp = NULL; /* the residues' spills (exact count) where the backend has them */
  double          *L;
  int              worst;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(nc, &rf, nc, &acc));
  if (W->spill) PetscCall(PetscCalloc1(nc, &sp));
  PetscCall(PetscCalloc1((size_t)FT_FATIGUE_CHUNK * nchan, &L));
  PetscCall(FtFatigueKernelCheck(W, W->be->fatigue_init(nc, W->f->gate, rf, acc), "fatigue_init"));
  for (long t0 = 0; t0 < h->nsteps; t0 += FT_FATIGUE_CHUNK) {
    int nt = (int)PetscMin(FT_FATIGUE_CHUNK, h->nsteps - t0);
    for (int t = 0; t < nt; t++) L[(size_t)t * nchan + k] = h->L[(size_t)(t0 + t) * nchan + k];
    if (sp) PetscCall(FtFatigueKernelCheck(W, W->be->fatigue_batch_spill(1, (int)W->n, nchan, S, nt, L, W->eq, &W->par, rf, sp, acc), "fatigue_batch"));
    else PetscCall(FtFatigueKernelCheck(W, W->be->fatigue_batch(1, (int)W->n, nchan, S, nt, L, W->eq, &W->par, rf, acc), "fatigue_batch"));
  }
  *Dk = 0;
  if (sp) PetscCall(FtFatigueKernelCheck(W, W->be->fatigue_damage_spill(1, nc, rf, sp, acc, &W->par, Dk, &worst), "fatigue_damage"));
  else PetscCall(FtFatigueKernelCheck(W, W->be->fatigue_damage(1, nc, rf, acc, &W->par, Dk, &worst), "fatigue_damage"));
  if (sp)
    for (int q = 0; q < nc; q++) ft_rf_spill_free(&sp[q]);
  PetscCall(PetscFree(sp));
  PetscCall(PetscFree2(rf, acc));
  PetscCall(PetscFree(L));
  PetscFunctionReturn(0);
}

PetscErrorCode FtFatigueHotSpotsDetail(FtFatigueWork *W)
{
  const int nhs = W->nhs, nchan = W->nchan, nen = W->nen;
  FtHotSpot *hs = W->hs;
  int       *reg;
  double    *chd;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(nhs + 1, &reg));
  PetscCall(PetscMalloc1((size_t)nhs * nchan + 1, &W->chd));
  chd = W->chd;
  /* each hot spot's region: the largest tag of the cells that hold it */
  for (int h = 0; h < nhs; h++) reg[h] = -1;
  for (long long e = 0; e < W->ncl; e++)
    for (int a = 0; a < nen; a++)
      for (int h = 0; h < nhs; h++)
        if (W->topo[e * nen + a] == hs[h].node) reg[h] = PetscMax(reg[h], W->creg[e]);
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, reg, nhs, MPI_INT, MPI_MAX, W->comm));
  /* each channel's own damage, by the hot spot's owner */
  for (int h = 0; h < nhs * nchan; h++) chd[h] = 0;
  for (int h = 0; h < nhs; h++)
    if (hs[h].node >= W->start && hs[h].node < W->start + W->n)
      for (int k = 0; k < nchan; k++) PetscCall(SoloDamage(W, &W->S[(hs[h].node - W->start) * 6], k, &chd[h * nchan + k]));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, chd, nhs * nchan, MPI_DOUBLE, MPI_SUM, W->comm));
  for (int h = 0; h < nhs; h++) {
    hs[h].region = reg[h];
    for (int k = 0; k < nchan; k++)
      if (hs[h].dominant < 0 || chd[h * nchan + k] > chd[h * nchan + hs[h].dominant]) hs[h].dominant = k;
  }
  PetscCall(PetscFree(reg));
  if (nhs) {
    double x[3];
    memcpy(x, hs[0].x, sizeof x);
    PetscCall(FtLogInfo("hot spot: node %lld at (%.4g, %.4g, %.4g) m, damage %.4g per history, life %.4g h (%.4g h remaining), "
                        "worst range %.4g MPa, dominant channel '%s'",
                        hs[0].node, x[0], x[1], x[2], hs[0].damage, hs[0].life_hours, hs[0].remaining_hours, hs[0].range / 1e6,
                        W->f->channels[hs[0].dominant].name));
  }
  PetscFunctionReturn(0);
}

/* Every cycle of one node's equivalent-stress channel j (unit stresses S, node stride ld), binned
 * by range and mean. */
static PetscErrorCode Histogram(const FtFatigueWork *W, const double *S, long long ld, int j, double *counts, double *redges,
                                double *medges)
{
  const FtHistory *h     = &W->hist;
  const int        nchan = W->nchan, eq = W->eq, nc = W->nc;
  FtRainflowState  rf;
  FtRfSpill        sp  = {NULL, 0, 0}; /* the residue's spill: the histogram holds the exact count too */
  FtCycle         *cyc = NULL;
  int              ncyc = 0, cap = 0;
  double           rmax = 0, mmin = 1e300, mmax = -1e300;

  PetscFunctionBeginUser;
  ft_rf_init(&rf, W->f->gate);
  for (long t = 0; t <= h->nsteps; t++) {
    double e[FT_CP_MAX_PLANES], s[6] = {0, 0, 0, 0, 0, 0};
    if (cap - ncyc < FT_RF_MAX_RESIDUE + 2 + sp.n) { /* a push or the finish counts at most the residue + 1 */
      FtCycle *more;
      cap  = cap ? 2 * cap : 4096;
      while (cap - ncyc < FT_RF_MAX_RESIDUE + 2 + sp.n) cap *= 2;
      more = realloc(cyc, sizeof *cyc * (size_t)cap);
      if (!more) {
        free(cyc);
        ft_rf_spill_free(&sp);
      }
      PetscCheck(more, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory for %d cycles of the hot-spot histogram", cap);
      cyc = more;
    }
    if (t == h->nsteps) {
      ft_rf_finish_cycles_spill(&rf, &sp, cyc, cap, &ncyc);
      break;
    }
    for (int k = 0; k < nchan; k++)
      for (int c = 0; c < 6; c++) s[c] += S[(size_t)k * ld * 6 + c] * h->L[(size_t)t * nchan + k];
    ft_equivalent_stress(eq, s, e);
    if (rf.n == FT_RF_MAX_RESIDUE) (void)ft_rf_spill_reserve(&sp); /* out of memory: the bounded count */
    ft_rf_push_cycles_spill(&rf, &sp, e[j < nc ? j : 0], cyc, cap, &ncyc);
  }
  for (int i = 0; i < ncyc; i++) {
    rmax = PetscMax(rmax, cyc[i].range);
    mmin = PetscMin(mmin, cyc[i].mean);
    mmax = PetscMax(mmax, cyc[i].mean);
  }
  if (!ncyc) mmin = mmax = 0;
  if (mmax == mmin) { mmin -= 0.5; mmax += 0.5; }
  if (rmax == 0) rmax = 1;
  for (int i = 0; i <= FT_HIST_NR; i++) redges[i] = rmax * i / FT_HIST_NR;
  for (int i = 0; i <= FT_HIST_NM; i++) medges[i] = mmin + (mmax - mmin) * i / FT_HIST_NM;
  memset(counts, 0, sizeof(double) * FT_HIST_NR * FT_HIST_NM);
  for (int i = 0; i < ncyc; i++) {
    int a = (int)(cyc[i].range / rmax * FT_HIST_NR), b = (int)((cyc[i].mean - mmin) / (mmax - mmin) * FT_HIST_NM);
    a = PetscMin(PetscMax(a, 0), FT_HIST_NR - 1);
    b = PetscMin(PetscMax(b, 0), FT_HIST_NM - 1);
    counts[a * FT_HIST_NM + b] += cyc[i].count;
  }
  free(cyc);
  ft_rf_spill_free(&sp);
  PetscFunctionReturn(0);
}

PetscErrorCode FtFatigueHotSpotHistogram(const FtFatigueWork *W, double *counts, double *redges, double *medges)
{
  PetscFunctionBeginUser;
  memset(counts, 0, sizeof(double) * FT_HIST_NR * FT_HIST_NM);
  memset(redges, 0, sizeof(double) * (FT_HIST_NR + 1));
  memset(medges, 0, sizeof(double) * (FT_HIST_NM + 1));
  if (W->nhs && W->hs[0].node >= W->start && W->hs[0].node < W->start + W->n) {
    long long i = W->hs[0].node - W->start;
    PetscCall(Histogram(W, &W->S[i * 6], W->n, W->worst[i] >= 0 ? W->worst[i] : 0, counts, redges, medges));
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, counts, FT_HIST_NR * FT_HIST_NM, MPI_DOUBLE, MPI_SUM, W->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, redges, FT_HIST_NR + 1, MPI_DOUBLE, MPI_SUM, W->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, medges, FT_HIST_NM + 1, MPI_DOUBLE, MPI_SUM, W->comm));
  PetscFunctionReturn(0);
}
