/* The asset state of an asset file (/calibration/state, io/layout.h; docs/calibration.md,
 * "Incremental asset runs"): what the next `ftwin asset` run continues. */
#define _POSIX_C_SOURCE 200809L
#include "fleet/asset_state.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fatigue/fatigue.h"
#include "io/format_version.h"
#include "io/h5util.h"
#include "io/layout.h"
#include "io/seal.h"
#include "runtime/log.h"
#include "runtime/provenance.h"

/* /calibration/state (collective; rank 0 writes the rows). */
PetscErrorCode FtAssetStateWrite(hid_t g, const char *path, const FtCalibration *calib, const FtAssetRecord *rec)
{
  const int     np = calib->np, cols = FT_ASSET_STATE_LOG_COLS + np, runs = (rec->prev->h.found ? rec->prev->h.runs : 0) + 1;
  const int     fitted_runs = (rec->prev->h.found ? rec->prev->h.fitted_runs : 0) + rec->fitted;
  PetscMPIInt   rank;
  hid_t         gs;
  double       *log;
  char          hash[64];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(calib->comm, &rank));
#define N0(n) (rank ? 0 : (n))
  H5CHK(gs = H5Gcreate2(g, FT_H5_ASSET_STATE, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), FT_H5_G_ASSET_STATE);
  PetscCall(FtFormatVersionWrite(gs, path, FT_H5_ASSET_STATE_FORMAT));
  PetscCall(FtH5AttrString(gs, path, "note",
                           "what the next ftwin asset run continues: steps after processed_until are new; theta, covariance and the "
                           "screening statistics are held unless --recalibrate; log rows: first judged step time [s], processed_until [s], "
                           "samples counted, fitted (1) or held (0), then theta (see docs/calibration.md)"));
  PetscCall(FtH5AttrScalar(gs, path, FT_H5_STATE_PROCESSED_UNTIL, H5T_NATIVE_DOUBLE, &rec->processed_until));
  PetscCall(FtH5AttrScalar(gs, path, FT_H5_STATE_RUNS, H5T_NATIVE_INT, &runs));
  PetscCall(FtH5AttrScalar(gs, path, FT_H5_STATE_FITTED_RUNS, H5T_NATIVE_INT, &fitted_runs));
  PetscCall(FtH5AttrScalar(gs, path, FT_H5_STATE_RELINEARISED, H5T_NATIVE_INT, &rec->relinearised));
  snprintf(hash, sizeof hash, "%016llx", FtCaseDesignHash(calib->c));
  PetscCall(FtH5AttrString(gs, path, FT_H5_STATE_DESIGN_HASH, hash));
  PetscCall(FtH5AttrString(gs, path, FT_H5_STATE_COUNTING_BASIS, rec->counting_basis));
  PetscCall(FtH5WriteRows(gs, path, FT_H5_STATE_THETA, H5T_NATIVE_DOUBLE, (hsize_t)np, 0, 0, N0((hsize_t)np), rec->theta));
  PetscCall(FtH5WriteRows(gs, path, FT_H5_STATE_COVARIANCE, H5T_NATIVE_DOUBLE, (hsize_t)np, (hsize_t)np, 0, N0((hsize_t)np), rec->cov));
  PetscCall(FtH5WriteRows(gs, path, FT_H5_STATE_SCREEN_MEDIAN, H5T_NATIVE_DOUBLE, (hsize_t)calib->ns, 0, 0, N0((hsize_t)calib->ns), calib->scr_med));
  PetscCall(FtH5WriteRows(gs, path, FT_H5_STATE_SCREEN_SCALE, H5T_NATIVE_DOUBLE, (hsize_t)calib->ns, 0, 0, N0((hsize_t)calib->ns), calib->scr_scale));
  PetscCall(FtH5WriteRows(gs, path, FT_H5_STATE_LOAD_MEDIAN_STD, H5T_NATIVE_DOUBLE, (hsize_t)calib->nk, 0, 0, N0((hsize_t)calib->nk), calib->medstd));
  PetscCall(FtH5WriteRows(gs, path, FT_H5_STATE_BASIS_THETA_LIN, H5T_NATIVE_DOUBLE, (hsize_t)np, 0, 0, N0((hsize_t)np), calib->theta_lin));
  PetscCall(PetscMalloc1((size_t)runs * cols, &log));
  if (runs > 1) memcpy(log, rec->prev->log, sizeof(double) * (size_t)(runs - 1) * cols);
  log[(size_t)(runs - 1) * cols + 0] = FtCalStepTime(calib, calib->ncontext);
  log[(size_t)(runs - 1) * cols + 1] = rec->processed_until;
  log[(size_t)(runs - 1) * cols + 2] = (double)rec->counted_now;
  log[(size_t)(runs - 1) * cols + 3] = rec->fitted;
  for (int j = 0; j < np; j++) log[(size_t)(runs - 1) * cols + FT_ASSET_STATE_LOG_COLS + j] = rec->theta[j];
  PetscCall(FtH5WriteRows(gs, path, FT_H5_STATE_LOG, H5T_NATIVE_DOUBLE, (hsize_t)runs, (hsize_t)cols, 0, N0((hsize_t)runs), log));
  PetscCall(PetscFree(log));
  {
    double    *dl;
    long long *nl;
    PetscCall(PetscMalloc2(runs, &dl, runs, &nl));
    for (int r = 0; r < runs - 1; r++) {
      dl[r] = rec->prev->damage_log[r];
      nl[r] = rec->prev->hot_node_log[r];
    }
    dl[runs - 1] = rec->hot_damage;
    nl[runs - 1] = rec->hot_node;
    PetscCall(FtH5WriteRows(gs, path, FT_H5_STATE_DAMAGE_LOG, H5T_NATIVE_DOUBLE, (hsize_t)runs, 0, 0, N0((hsize_t)runs), dl));
    PetscCall(FtH5WriteRows(gs, path, FT_H5_STATE_HOT_NODE_LOG, H5T_NATIVE_LLONG, (hsize_t)runs, 0, 0, N0((hsize_t)runs), nl));
    PetscCall(PetscFree2(dl, nl));
  }
#undef N0
  H5Gclose(gs);
  PetscFunctionReturn(0);
}

/* A numeric scalar attribute of loc into v (type: the memory type); -1 when absent or unreadable. */
static int AttrRead(hid_t loc, const char *name, hid_t type, void *v)
{
  hid_t a;
  int   rc;
  if (H5Aexists(loc, name) <= 0 || (a = H5Aopen(loc, name, H5P_DEFAULT)) < 0) return -1;
  rc = H5Aread(a, type, v) < 0 ? -1 : 0;
  H5Aclose(a);
  return rc;
}

/* Reads the asset state of `path` (rank 0, broadcast); state->h.found 0 when the file does not
 * exist. A file that exists but is not an asset file of this design and these settings is an
 * error naming it (it is never overwritten by a run that cannot continue it). */
PetscErrorCode FtAssetStateRead(const FtCalibration *calib, const char *path, int accept_unsealed, FtAssetState *state)
{
  const FtCase *c = calib->c;
  const int     np = calib->np, ns = calib->ns, nk = calib->nk;
  PetscMPIInt   rank;
  char          mine[4096], hash[64];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(calib->comm, &rank));
  memset(state, 0, sizeof *state);
  PetscCall(PetscCalloc6(np + 1, &state->theta, (size_t)np * np + 1, &state->cov, ns + 1, &state->med, ns + 1, &state->scale, nk + 1, &state->medstd, np + 1, &state->basis_theta));
  if (rank == 0 && access(path, F_OK) == 0) {
    FtAssetStateHead *h = &state->h;
    hid_t             f = FtH5OpenQuiet(path, H5F_ACC_RDONLY, H5P_DEFAULT), g;
    if (f < 0) snprintf(h->err, sizeof h->err, "'%s' exists but is not an HDF5 file", path);
    else if (H5Lexists(f, FT_H5_G_CALIBRATION, H5P_DEFAULT) <= 0 || H5Lexists(f, FT_H5_G_ASSET_STATE, H5P_DEFAULT) <= 0 || H5Lexists(f, FT_H5_G_FATIGUE, H5P_DEFAULT) <= 0)
      snprintf(h->err, sizeof h->err, "'%s' exists but has no asset state (/calibration/state, /fatigue): it was not written by ftwin asset; "
                                      "choose another output (-o) or remove it", path);
    else {
      hid_t gf = H5Gopen2(f, FT_H5_G_FATIGUE, H5P_DEFAULT);
      g        = H5Gopen2(f, FT_H5_G_ASSET_STATE, H5P_DEFAULT);
      if (FtFormatVersionCheck(g, path, FT_H5_G_ASSET_STATE, FT_H5_ASSET_STATE_FORMAT,
                               "start the asset file anew (choose another output -o, or remove it)", h->err, sizeof h->err))
        ; /* refused: h->err names the file, the group and the version */
      else if (AttrRead(g, FT_H5_STATE_PROCESSED_UNTIL, H5T_NATIVE_DOUBLE, &h->processed_until) < 0 || AttrRead(g, FT_H5_STATE_RUNS, H5T_NATIVE_INT, &h->runs) < 0 ||
          AttrRead(g, FT_H5_STATE_FITTED_RUNS, H5T_NATIVE_INT, &h->fitted_runs) < 0 || AttrRead(g, FT_H5_STATE_RELINEARISED, H5T_NATIVE_INT, &h->relinearised) < 0 ||
          AttrRead(gf, FT_H5_FAT_FIRST_TIME, H5T_NATIVE_DOUBLE, &h->first_time) < 0 || AttrRead(gf, FT_H5_FAT_LAST_TIME, H5T_NATIVE_DOUBLE, &h->last_time) < 0 ||
          AttrRead(gf, FT_H5_FAT_SAMPLES, H5T_NATIVE_LONG, &h->samples) < 0 || h->runs < 1)
        snprintf(h->err, sizeof h->err, "'%s': its asset state is incomplete (attributes of /calibration/state or /fatigue missing)", path);
      (void)FtH5ReadStringAttr(g, FT_H5_STATE_DESIGN_HASH, h->design_hash, sizeof h->design_hash); /* rank 0 alone: no PetscCall (errors are checked after the broadcast) */
      (void)FtH5ReadStringAttr(gf, FT_H5_FAT_SETTINGS, h->settings, sizeof h->settings);
      (void)FtH5ReadStringAttr(g, FT_H5_STATE_COUNTING_BASIS, h->counting_basis, sizeof h->counting_basis);
      if (!h->err[0]) {
        state->damage_log   = malloc(sizeof(double) * (size_t)h->runs + 1);
        state->hot_node_log = malloc(sizeof(long long) * (size_t)h->runs + 1);
        if (state->damage_log && state->hot_node_log) { /* kept since the provenance change; NaN and -1 before */
          for (int r = 0; r < h->runs; r++) {
            state->damage_log[r]   = NAN;
            state->hot_node_log[r] = -1;
          }
          if (H5Lexists(g, FT_H5_STATE_DAMAGE_LOG, H5P_DEFAULT) > 0 && H5Lexists(g, FT_H5_STATE_HOT_NODE_LOG, H5P_DEFAULT) > 0 &&
              (FtH5ReadAllSerialType(f, FT_H5_P_STATE_DAMAGE_LOG, H5T_NATIVE_DOUBLE, state->damage_log, (hsize_t)h->runs) ||
               FtH5ReadAllSerialType(f, FT_H5_P_STATE_HOT_NODE_LOG, H5T_NATIVE_LLONG, state->hot_node_log, (hsize_t)h->runs)))
            snprintf(h->err, sizeof h->err, "'%s': its damage log (%s) does not have one entry per run (%d)", path, FT_H5_P_STATE_DAMAGE_LOG, h->runs);
        }
        state->log = malloc(sizeof(double) * (size_t)h->runs * (FT_ASSET_STATE_LOG_COLS + np) + 1);
        if (!state->log || FtH5ReadAllSerial(f, FT_H5_P_STATE_THETA, state->theta, (hsize_t)np) ||
            FtH5ReadAllSerial(f, FT_H5_P_STATE_COVARIANCE, state->cov, (hsize_t)np * np) ||
            FtH5ReadAllSerial(f, FT_H5_P_STATE_SCREEN_MEDIAN, state->med, (hsize_t)ns) ||
            FtH5ReadAllSerial(f, FT_H5_P_STATE_SCREEN_SCALE, state->scale, (hsize_t)ns) ||
            FtH5ReadAllSerial(f, FT_H5_P_STATE_LOAD_MEDIAN_STD, state->medstd, (hsize_t)nk) ||
            FtH5ReadAllSerial(f, FT_H5_P_STATE_BASIS_THETA_LIN, state->basis_theta, (hsize_t)np) ||
            FtH5ReadAllSerial(f, FT_H5_P_STATE_LOG, state->log, (hsize_t)h->runs * (FT_ASSET_STATE_LOG_COLS + np)))
          snprintf(h->err, sizeof h->err, "'%s': its asset state does not fit this case (%d sensors, %d channels, %d parameters): "
                                          "it belongs to another design", path, ns, nk, np);
      }
      H5Gclose(g);
      H5Gclose(gf);
    }
    if (f >= 0) H5Fclose(f);
    h->found = !h->err[0];
    if (h->found) { /* an altered asset file is not continued: its changes would be carried forward and sealed again */
      FtVerifyResult vr;
      FtSealVerify(path, 0, NULL, &vr);
      PetscCall(FtLogInfo("provenance: %s checked before continuing it: %s (%.1f MB of results in %.2f s)", path,
                          vr.code == 0 ? "intact" : vr.no_record ? "no record (written before ftwin recorded provenance)" : "NOT intact",
                          (double)vr.bytes / 1e6, vr.seconds));
      if (vr.no_record && !accept_unsealed) {
        snprintf(h->err, sizeof h->err, "'%s' has no provenance record (/provenance): either an ftwin before provenance records wrote it "
                 "(continue it once with --accept-unsealed, which seals it from this run on) or its record was removed", path);
        h->found = 0;
      } else if (vr.code && !vr.no_record) {
        snprintf(h->err, sizeof h->err, "'%s' does not verify (%.400s); continuing it would carry that forward: see `ftwin verify %s`, and "
                 "restore the file or start a new one (-o)", path, vr.first, path);
        h->found = 0;
      }
      h->sealed_runs = vr.no_record ? 0 : vr.run_count;
      snprintf(h->last_sha, sizeof h->last_sha, "%s", vr.no_record ? "" : vr.last_sha);
    }
  }
  PetscCallMPI(MPI_Bcast(&state->h, (int)sizeof state->h, MPI_BYTE, 0, calib->comm));
  PetscCheck(!state->h.err[0], calib->comm, PETSC_ERR_USER_INPUT, "%s: ftwin asset: %s", c->path, state->h.err);
  if (!state->h.found) PetscFunctionReturn(0);
  PetscCall(FtProvenanceInput(calib->comm, "asset_file", path));
  FtProvenanceContinue(path, state->h.sealed_runs, state->h.last_sha); /* this run's record follows the file's earlier ones */
  snprintf(hash, sizeof hash, "%016llx", FtCaseDesignHash(c));
  PetscCheck(!strcmp(hash, state->h.design_hash), calib->comm, PETSC_ERR_USER_INPUT,
             "%s: ftwin asset: '%s' belongs to another design (design hash %s, this case's %s); choose another output (-o)", c->path, path,
             state->h.design_hash, hash);
  PetscCheck(!FtFatigueSettings(c, mine, sizeof mine), calib->comm, PETSC_ERR_USER_INPUT, "%s: fatigue parameters rejected", c->path);
  PetscCheck(!strcmp(mine, state->h.settings), calib->comm, PETSC_ERR_USER_INPUT,
             "%s: ftwin asset: '%s' was counted with other fatigue settings (material, channels, equivalent stress ...); choose another "
             "output (-o) to start again. It has: %s", c->path, path, state->h.settings);
  if (rank) {
    state->log          = malloc(sizeof(double) * (size_t)state->h.runs * (FT_ASSET_STATE_LOG_COLS + np) + 1);
    state->damage_log   = malloc(sizeof(double) * (size_t)state->h.runs + 1);
    state->hot_node_log = malloc(sizeof(long long) * (size_t)state->h.runs + 1);
  }
  PetscCheck(state->log && state->damage_log && state->hot_node_log, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  PetscCallMPI(MPI_Bcast(state->damage_log, state->h.runs, MPI_DOUBLE, 0, calib->comm));
  PetscCallMPI(MPI_Bcast(state->hot_node_log, state->h.runs, MPI_LONG_LONG, 0, calib->comm));
  PetscCallMPI(MPI_Bcast(state->theta, np, MPI_DOUBLE, 0, calib->comm));
  PetscCallMPI(MPI_Bcast(state->cov, np * np, MPI_DOUBLE, 0, calib->comm));
  PetscCallMPI(MPI_Bcast(state->med, ns, MPI_DOUBLE, 0, calib->comm));
  PetscCallMPI(MPI_Bcast(state->scale, ns, MPI_DOUBLE, 0, calib->comm));
  PetscCallMPI(MPI_Bcast(state->medstd, nk, MPI_DOUBLE, 0, calib->comm));
  PetscCallMPI(MPI_Bcast(state->basis_theta, np, MPI_DOUBLE, 0, calib->comm));
  PetscCallMPI(MPI_Bcast(state->log, state->h.runs * (FT_ASSET_STATE_LOG_COLS + np), MPI_DOUBLE, 0, calib->comm));
  PetscFunctionReturn(0);
}

PetscErrorCode FtAssetStateFree(FtAssetState *state)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree6(state->theta, state->cov, state->med, state->scale, state->medstd, state->basis_theta));
  free(state->log);
  free(state->damage_log);
  free(state->hot_node_log);
  PetscFunctionReturn(0);
}

/* The settling time [s] (docs/calibration.md): how long after a step the record must go on before the
 * step is judged, and how far before the first new step the context reaches. */
double FtAssetSettleSeconds(const FtSensorsCase *sc, const FtSensorData *d)
{
  double ndt = d->dt;
  for (int i = 0; i < d->nsensors; i++)
    if (isfinite(d->quality[i].native_dt) && d->quality[i].native_dt > ndt) ndt = d->quality[i].native_dt;
  return sc->stuck_seconds + (sc->gap_seconds > 0 ? sc->gap_seconds : 5 * ndt) + (2.0 * sc->spike_window + 2) * ndt + 12 * d->dt;
}
