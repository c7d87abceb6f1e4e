/* The calibration's sensor data on every rank (assim/calibration.h). */
#define _POSIX_C_SOURCE 200809L
#include "assim/calibration.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/log.h"
#include "runtime/provenance.h"

PetscErrorCode FtCalibrationReadSensorData(FtCalibration *calib, char **report)
{
  FtCase      *c = calib->c;
  PetscMPIInt  rank;
  int          rc = 0;
  long         meta[2];
  double       tm[2];
  FtSensorData *d = &calib->d;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(calib->comm, &rank));
  *report = NULL;
  if (rank == 0) {
    rc = FtSensorDataRead(&c->sensors, d, calib->err, sizeof calib->err);
    if (!rc) PetscCall(FtProvenanceInput(PETSC_COMM_SELF, "sensor_data", c->sensors.data));
    if (!rc) { /* the report as text, for the log and the file */
      char  *text = NULL;
      size_t len  = 0;
      FILE  *m    = open_memstream(&text, &len);
      if (m) {
        FtSensorDataReport(&c->sensors, d, m);
        fclose(m);
      }
      *report = text;
    }
  }
  PetscCallMPI(MPI_Bcast(&rc, 1, MPI_INT, 0, calib->comm));
  if (rc) {
    PetscCallMPI(MPI_Bcast(calib->err, sizeof calib->err, MPI_CHAR, 0, calib->comm));
    SETERRQ(calib->comm, PETSC_ERR_USER_INPUT, "%s", calib->err);
  }
  { /* the report on every rank (it is an attribute of the asset file, written collectively) */
    long rl = (rank == 0 && *report) ? (long)strlen(*report) : 0;
    PetscCallMPI(MPI_Bcast(&rl, 1, MPI_LONG, 0, calib->comm));
    if (rank) {
      *report = calloc((size_t)rl + 1, 1);
      PetscCheck(*report, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
    }
    if (rl) PetscCallMPI(MPI_Bcast(*report, (int)rl, MPI_CHAR, 0, calib->comm));
  }
  meta[0] = d->nsteps;
  meta[1] = d->nsensors;
  tm[0]   = d->t0;
  tm[1]   = d->dt;
  PetscCallMPI(MPI_Bcast(meta, 2, MPI_LONG, 0, calib->comm));
  PetscCallMPI(MPI_Bcast(tm, 2, MPI_DOUBLE, 0, calib->comm));
  if (rank) {
    d->nsteps   = meta[0];
    d->nsensors = (int)meta[1];
    d->t0       = tm[0];
    d->dt       = tm[1];
    d->y        = malloc(sizeof(double) * d->nsteps * d->nsensors);
    d->flag     = malloc((size_t)d->nsteps * d->nsensors);
    d->quality  = calloc((size_t)d->nsensors, sizeof(FtSensorQuality));
    PetscCheck(d->y && d->flag && d->quality, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory for the sensor data");
  }
  PetscCallMPI(MPI_Bcast(d->y, (int)(d->nsteps * d->nsensors), MPI_DOUBLE, 0, calib->comm));
  PetscCallMPI(MPI_Bcast(d->flag, (int)(d->nsteps * d->nsensors), MPI_UNSIGNED_CHAR, 0, calib->comm));
  PetscCallMPI(MPI_Bcast(d->quality, (int)(sizeof(FtSensorQuality) * d->nsensors), MPI_BYTE, 0, calib->comm));
  PetscFunctionReturn(0);
}

/* Logs the report line by line (rank 0). */
PetscErrorCode FtCalibrationLogReport(const char *report)
{
  PetscFunctionBeginUser;
  if (!report) PetscFunctionReturn(0);
  for (const char *p = report; *p;) {
    const char *e = strchr(p, '\n');
    int         n = e ? (int)(e - p) : (int)strlen(p);
    if (n) PetscCall(FtLogInfo("  %.*s", n, p));
    p += n + (e ? 1 : 0);
  }
  PetscFunctionReturn(0);
}

/* ---- the asset run ----------------------------------------------------------------------------- */
