/* Inside the fatigue engine (src/fatigue/, not for other folders): the state of one
 * FtFatigueCompute call, shared by its phases, one file each (docs/fatigue.md):
 *   engine.c    the driver: basis -> counting in time chunks through the backend table ->
 *               damage and life per node -> hot spots -> results
 *   basis.c     the basis file: open, this rank's block of unit stresses, chosen nodes
 *   hotspots.c  the worst nodes, their regions and per-channel damages, the histogram
 *   results.c   the results file (io/atomic.h) and its XDMF
 *   state.c     the counting state (versioned) and the previous run's attributes
 *   screen.c    node screening: the nodes no cycle of which can do damage are not counted
 *   settings.c  the case checks and the settings line */
#ifndef FT_FATIGUE_ENGINE_H
#define FT_FATIGUE_ENGINE_H
#include <hdf5.h>
#include <petscsys.h>

#include "fatigue/fatigue.h"
#include "ft_fatigue_batch.h"
#include "runtime/backend.h"

#define FT_FATIGUE_CHUNK 2048 /* time steps per batch call */
#define FT_HIST_NR 32         /* hot-spot histogram: range bins */
#define FT_HIST_NM 16         /* hot-spot histogram: mean bins */

/* One row of the hot-spot table (gathered as bytes: plain data only). */
typedef struct {
  long long node;
  double    x[3];
  double    damage, range, cycles, life_hours, remaining_hours;
  int       region, dominant;
} FtHotSpot;

typedef struct {
  /* the call */
  MPI_Comm              comm;
  PetscMPIInt           rank, size;
  const FtCase         *c;
  const FtFatigueCase  *f;
  const char           *basis;  /* the basis file's path */
  const FtFatigueHooks *hooks;  /* may be NULL */
  const FtBackend      *be;     /* the fatigue engine's kernels */
  FtFatigueParams       par;
  int                   eq, nc, nchan; /* equivalent stress, its channels (signals per node), load channels */
  double                t0;            /* wall time at the start */
  /* the basis: nodes [start, start+n) of N and cells [cstart, cstart+ncl) of E are this rank's */
  long long N, E, start, n, cstart, ncl;
  int       nen;               /* nodes per cell */
  double   *S;                 /* [nchan][n][6] unit stress, S[(k*n + i)*6 + c] */
  double   *X;                 /* [n][3] node positions */
  long long *topo;             /* [ncl][nen] */
  int      *creg;              /* [ncl] cell regions */
  char      regions[2048];     /* the basis's region_names */
  /* counting */
  FtHistory        hist;        /* the part counted: all of it, or up to the chunk where a stop signal came */
  long             nsteps_in;   /* the steps handed in */
  PetscBool        interrupted;
  long             counted_before;
  double           first_time, last_time, duration;
  FtRainflowState *rf;          /* [n][nc] */
  FtDamageAcc     *acc;         /* [n][nc] */
  FtRfSpill       *spill;       /* [n][nc] the residues' spills (exact count); NULL when the backend has none */
  /* node screening (screen.c; docs/fatigue.md "Node screening") */
  unsigned char *counted;       /* [n] 1 = the node's counting state covers every sample counted before this run; 0 = it was
                                   screened so far (its state is empty). All 0 without a state (nothing counted yet), all 1
                                   from a format_version 1/2 state (every node was counted) */
  unsigned char *active;        /* [n] counted in this run: counted before, or its bound reaches the cut-off (or screening off) */
  int           *fresh;         /* this rank's nodes to count from the load record first (screened before, active now) */
  int            nfresh;
  double         prev_min[FT_FATIGUE_MAX_CHANNELS_CASE], prev_max[FT_FATIGUE_MAX_CHANNELS_CASE]; /* loads counted before */
  int            have_prev;     /* prev_min/max valid: a format_version 3 state whose extremes cover every sample counted */
  double        *record;        /* [nrecord][nchan] the loads counted before this run (state load_record), or NULL */
  long           nrecord;
  long long      nscreened, nfresh_all, nactive_all; /* global counts of this run */
  double         skip_bound;    /* screening_tolerance: the largest bound on a screened node's skipped damage (0: all exact) */
  /* per node of this rank */
  double *D, *range, *cycles, *life_h, *rem_h;
  int    *worst;                /* critical equivalent-stress channel (-1: NaN damage) */
  int    *cflags;               /* OR over the node's signals of the rainflow flags FT_RF_ERR_OVERFLOW | FT_RF_ERR_NAN */
  long long approximate_nodes, nan_sample_nodes; /* global counts of nodes with either flag */
  /* hot spots, the same on every rank */
  FtHotSpot *hs;
  int        nhs;
  double    *chd;               /* [nhs][nchan] each channel's own damage */
} FtFatigueWork;

/* A fatigue kernel's return code rc (from the call named `what`): 0 passes; anything else is an
 * error with the backend, FtBackendFatigueError's text and, for invalid parameters,
 * ft_fatigue_error_message's reason. Rank-local. */
PetscErrorCode FtFatigueKernelCheck(const FtFatigueWork *W, int rc, const char *what);
/* The dimensions of dataset `dset` of `file` (path names the file in messages). */
PetscErrorCode FtFatigueDatasetDims(hid_t file, const char *path, const char *dset, hsize_t dims[2], int *ndims);

/* basis.c: reads this rank's block of the basis into W (mesh, unit stresses; the stress hook). */
PetscErrorCode FtFatigueBasisRead(FtFatigueWork *W);

/* settings.c: the settings line of case c (the `settings` attribute). */
void FtFatigueSettingsLine(const FtCase *c, const FtFatigueParams *par, int eq, char *settings, size_t cap);

/* state.c: the counting state of W's nodes into the open /fatigue group g (collective); and back
 * from resume->state_file into W->rf, W->acc, W->counted, W->prev_min/max, W->record (collective;
 * reads format_version 1, 2 and 3, refuses any other). */
PetscErrorCode FtFatigueStateWrite(const FtFatigueWork *W, hid_t g, const char *path);
PetscErrorCode FtFatigueStateRead(FtFatigueWork *W, const FtFatigueResume *resume);

/* screen.c: the screening decision of this run (W->active, W->fresh, the counts; collective), and the log line. */
PetscErrorCode FtFatigueScreen(FtFatigueWork *W);

/* hotspots.c: W->hs, W->nhs (the worst nodes over all ranks, worst first), then their regions,
 * dominant channels and per-channel damages (W->chd); the histogram of the worst hot spot's
 * cycles on every rank. Collective. */
PetscErrorCode FtFatigueHotSpotsSelect(FtFatigueWork *W);
PetscErrorCode FtFatigueHotSpotsDetail(FtFatigueWork *W);
PetscErrorCode FtFatigueHotSpotHistogram(const FtFatigueWork *W, double *counts, double *redges, double *medges);

/* results.c: the results file `output` and its XDMF, replaced atomically. Collective. */
PetscErrorCode FtFatigueResultsWrite(const FtFatigueWork *W, const char *output, const FtFatigueSummary *sum);
#endif
