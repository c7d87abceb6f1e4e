/* The asset state of an asset file (/calibration/state, with format_version; docs/calibration.md,
 * "Incremental asset runs"): the last common-base step judged (processed_until), the parameters
 * and their covariance, the screening statistics, the basis the counting is on, and a log of the
 * runs. /fatigue of the same file keeps the rainflow residue and damage of every node. */
#ifndef FT_FLEET_ASSET_STATE_H
#define FT_FLEET_ASSET_STATE_H
#include <hdf5.h>

#include "assim/calibration.h"

#define FT_ASSET_STATE_LOG_COLS 4 /* log row: first judged step time, processed_until, samples counted, fitted (0/1); then theta */

typedef struct {
  int    found, runs, fitted_runs, relinearised; /* relinearised: counted on the asset's own basis */
  double processed_until, first_time, last_time;
  long   samples;
  char   design_hash[64], settings[4096], err[1024], counting_basis[FT_PATH_MAX];
  int    sealed_runs;  /* the file's provenance run records when it was checked (0: none) */
  char   last_sha[65]; /* the last one's SHA-256 */
} FtAssetStateHead;

typedef struct {
  FtAssetStateHead h;
  double          *theta, *cov, *med, *scale, *medstd, *basis_theta, *log; /* np, np*np, ns, ns, nk, np, runs*(4+np) */
  double          *damage_log;  /* [runs]: the worst node's damage counted so far after each run (NaN: not kept then) */
  long long       *hot_node_log; /* [runs]: that node (-1: not kept then) */
} FtAssetState;

/* What this run adds to the state. */
typedef struct {
  const FtAssetState *prev;           /* the state continued (prev->h.found 0: none) */
  const double       *theta, *cov;    /* the parameters the run counted with and their covariance */
  const char         *counting_basis; /* the basis the counting is on */
  double              processed_until;
  long                counted_now;    /* samples counted by this run */
  double              hot_damage;     /* after this run: the worst node's damage counted so far (per history) */
  long long           hot_node;       /* that node (global index) */
  int                 fitted, relinearised;
} FtAssetRecord;

/* /calibration/state under the group g (collective; rank 0 writes the rows). */
PetscErrorCode FtAssetStateWrite(hid_t g, const char *path, const FtCalibration *calib, const FtAssetRecord *rec);
/* Reads the asset state of `path` (rank 0, broadcast); state->h.found 0 when the file does not
 * exist. A file that exists but is not an asset file of this design, these settings and this
 * format version is an error naming it (it is never overwritten by a run that cannot continue it);
 * so is one that does not verify (io/seal.h), or that has no provenance record unless
 * accept_unsealed (--accept-unsealed: an asset file of an ftwin before provenance records). */
PetscErrorCode FtAssetStateRead(const FtCalibration *calib, const char *path, int accept_unsealed, FtAssetState *state);
PetscErrorCode FtAssetStateFree(FtAssetState *state);
/* The settling time [s]: how long after a step the record must go on before the step is judged,
 * and how far before the first new step the context reaches. */
double         FtAssetSettleSeconds(const FtSensorsCase *sc, const FtSensorData *d);
#endif
