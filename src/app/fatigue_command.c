/* `ftwin fatigue CASE.yaml [-o OUT.h5] [--incremental] [--backend B]`: the case, its load history
 * (rank 0 reads, every rank gets it), then the fatigue engine (fatigue/fatigue.h); with
 * --incremental, only the samples after the output's last counted time, continuing its counting
 * state. */
#include "app/fatigue_command.h"

#include <stdlib.h>
#include <string.h>

#include "fatigue/fatigue.h"
#include "io/case_load.h"
#include "io/seal.h"
#include "runtime/backend.h"
#include "runtime/log.h"
#include "runtime/provenance.h"

/* The case's history: rank 0 reads it, every rank gets it. */
static PetscErrorCode ReadHistory(MPI_Comm comm, const FtCase *c, FtHistory *hist)
{
  const FtFatigueCase *f = &c->fatigue;
  PetscMPIInt          rank;
  int                  herr = 0;
  char                 err[2048] = "";

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  memset(hist, 0, sizeof *hist);
  if (rank == 0) herr = FtHistoryRead(f, hist, err, sizeof err);
  if (rank == 0 && !herr) PetscCall(FtProvenanceInput(PETSC_COMM_SELF, "history", f->history));
  PetscCallMPI(MPI_Bcast(&herr, 1, MPI_INT, 0, comm));
  if (herr) {
    PetscCallMPI(MPI_Bcast(err, sizeof err, MPI_CHAR, 0, comm));
    SETERRQ(comm, PETSC_ERR_USER_INPUT, "%s", err);
  }
  PetscCallMPI(MPI_Bcast(&hist->nsteps, 1, MPI_LONG, 0, comm));
  hist->nchan = f->nchannels;
  if (rank) {
    hist->time = malloc(sizeof(double) * (size_t)hist->nsteps);
    hist->L    = malloc(sizeof(double) * (size_t)hist->nsteps * (size_t)hist->nchan);
    PetscCheck(hist->time && hist->L, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory for a history of %ld steps", hist->nsteps);
  }
  PetscCallMPI(MPI_Bcast(hist->time, (int)hist->nsteps, MPI_DOUBLE, 0, comm));
  PetscCallMPI(MPI_Bcast(hist->L, (int)(hist->nsteps * hist->nchan), MPI_DOUBLE, 0, comm));
  PetscCall(FtLogInfo("history %s: %ld steps over %.6g s, %d channel%s", f->history, hist->nsteps,
                      hist->time[hist->nsteps - 1] - hist->time[0], hist->nchan, hist->nchan > 1 ? "s" : ""));
  PetscFunctionReturn(0);
}

/* --incremental: what the output's counting state allows. *res filled and *nh = the samples of
 * hist after its last time when it can be continued (*resume 1); *resume 0 with *up_to_date 1
 * when no sample is new; both 0 when there is no previous output (count from the start). */
static PetscErrorCode PlanResume(MPI_Comm comm, const FtCase *c, int accept_unsealed, const FtHistory *hist, FtFatigueResume *res, FtHistory *nh, int *resume,
                                 int *up_to_date)
{
  const FtFatigueCase *f = &c->fatigue;
  FtFatigueStateInfo  *prev;
  char                 mine[4096], sealed_sha[65] = "";
  long                 i0 = 0;
  int                  sealed_runs = 0;

  PetscFunctionBeginUser;
  *resume = *up_to_date = 0;
  PetscCall(PetscNew(&prev));
  PetscCheck(!FtFatigueSettings(c, mine, sizeof mine), comm, PETSC_ERR_USER_INPUT, "%s: fatigue.material: invalid fatigue parameters", c->path);
  PetscCall(FtFatigueStateProbe(comm, f->output, prev));
  PetscCheck(!prev->err[0], comm, PETSC_ERR_USER_INPUT, "%s: --incremental: cannot continue '%s': %s", c->path, f->output, prev->err);
  if (!prev->found) {
    PetscCall(FtLogInfo("fatigue: incremental: no previous results at %s: counting from the start", f->output));
    PetscCall(PetscFree(prev));
    PetscFunctionReturn(0);
  }
  PetscCheck(!strcmp(prev->settings, mine), comm, PETSC_ERR_USER_INPUT,
             "%s: --incremental: '%s' was counted with other settings (material, channels, equivalent stress ...); remove it to start again. "
             "It has: %s", c->path, f->output, prev->settings);
  PetscCheck(!strcmp(prev->basis, f->basis), comm, PETSC_ERR_USER_INPUT,
             "%s: --incremental: '%s' was counted on the basis '%s', this run's is '%s'", c->path, f->output, prev->basis, f->basis);
  { /* an altered counting state is not continued: its changes would be carried forward and sealed again */
    PetscMPIInt    rank;
    FtVerifyResult vr;
    PetscCallMPI(MPI_Comm_rank(comm, &rank));
    memset(&vr, 0, sizeof vr);
    if (rank == 0) FtSealVerify(f->output, 0, NULL, &vr);
    PetscCallMPI(MPI_Bcast(&vr, (int)sizeof vr, MPI_BYTE, 0, comm));
    sealed_runs = vr.no_record ? 0 : vr.run_count;
    snprintf(sealed_sha, sizeof sealed_sha, "%s", vr.no_record ? "" : vr.last_sha);
    PetscCheck(!vr.no_record || accept_unsealed, comm, PETSC_ERR_USER_INPUT,
               "%s: --incremental: '%s' has no provenance record (/provenance): either an ftwin before provenance records wrote it (continue "
               "it once with --accept-unsealed, which seals it from this run on) or its record was removed", c->path, f->output);
    PetscCheck(!vr.code || vr.no_record, comm, PETSC_ERR_USER_INPUT,
               "%s: --incremental: '%s' does not verify (%s); continuing it would carry that forward: see `ftwin verify %s`, and restore it or "
               "remove it to count from the start", c->path, f->output, vr.first, f->output);
  }
  while (i0 < hist->nsteps && hist->time[i0] <= prev->last_time) i0++;
  if (i0 == hist->nsteps) {
    PetscCall(FtLogInfo("fatigue: no samples after t = %.9g s in %s: %s is up to date, nothing changed", prev->last_time, f->history, f->output));
    *up_to_date = 1;
  } else {
    *nh            = *hist;
    nh->time       = hist->time + i0;
    nh->L          = hist->L + (size_t)i0 * hist->nchan;
    nh->nsteps     = hist->nsteps - i0;
    res->state_file = f->output;
    PetscCall(FtProvenanceInput(comm, "counting_state", f->output));
    FtProvenanceContinue(f->output, sealed_runs, sealed_sha); /* this run's record follows the file's earlier ones */
    res->first_time = prev->first_time;
    res->last_time  = prev->last_time;
    res->samples    = prev->samples;
    *resume         = 1;
    PetscCall(FtLogInfo("fatigue: incremental: %ld new samples after t = %.9g s (%ld counted before)", nh->nsteps, prev->last_time,
                        prev->samples));
  }
  PetscCall(PetscFree(prev));
  PetscFunctionReturn(0);
}

PetscErrorCode FtFatigueRun(MPI_Comm comm, const FtFatigueOptions *opt)
{
  FtCase           c;
  FtFatigueCase   *f;
  FtFatigueParams  par;
  const FtBackend *be;
  FtHistory        hist = {0}, nh;
  FtFatigueResume  res;
  FtFatigueHooks   hk;
  int              resume = 0, up_to_date = 0;
  PetscErrorCode   ierr;

  PetscFunctionBeginUser;
  PetscCall(FtCaseLoadCollective(comm, opt->case_path, &c));
  f = &c.fatigue;
  if (opt->output) snprintf(f->output, sizeof f->output, "%s", opt->output);
  PetscCall(FtFatigueCheckCase(comm, &c, f->basis, f->output, &par));
  PetscCall(FtBackendSelectFatigue(opt->backend, &be)); /* refused before the history is read */
  PetscCheck(!f->superposition || be->fatigue_batch_gemm, comm, PETSC_ERR_SUP,
             "%s: fatigue.superposition: gemm has no %s backend (its fatigue kernel forms the stress history itself, fused); use "
             "superposition: fused or --backend cpu",
             c.path, be->name);
  ierr = ReadHistory(comm, &c, &hist);
  if (!ierr && opt->resume_counting) ierr = PlanResume(comm, &c, opt->accept_unsealed, &hist, &res, &nh, &resume, &up_to_date);
  if (!ierr && !up_to_date) {
    memset(&hk, 0, sizeof hk);
    hk.resume  = resume ? &res : NULL;
    hk.backend = opt->backend;
    ierr       = FtFatigueCompute(comm, &c, resume ? &nh : &hist, f->basis, f->output, NULL, &hk);
  }
  FtHistoryFree(&hist);
  FtCaseFree(&c);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
