/* The fatigue engine as a library: unit stress fields from a basis file and a load history in
 * memory, to damage, life, hot spots and the counting state, per node, on any number of ranks.
 * The method, the files of this folder and the layout of what it writes: docs/fatigue.md. The
 * `ftwin fatigue` subcommand is src/app/fatigue_command.c. */
#ifndef FT_FATIGUE_H
#define FT_FATIGUE_H
#include <hdf5.h>
#include <petscsys.h>

#include "case/case.h"
#include "case/fatigue_params.h"
#include "fatigue/history.h"

/* What FtFatigueCompute hands back; the same values on every rank. The worst node is the first
 * of the hot-spot table (/fatigue/hot_spots): the largest damage, or a node whose damage is NaN
 * (a cycle outside the mean-stress correction's range), which then makes the values below NaN. */
typedef struct {
  double    max_damage;            /* prior_damage + the worst node's damage per history */
  double    history_damage;        /* the worst node's damage per history alone (/fatigue/damage) */
  double    min_life_hours;        /* the worst node's life: duration / 3600 / history_damage (inf when 0) */
  double    min_remaining_hours;   /* the same with 1 - prior_damage left (/fatigue/remaining_life_hours) */
  double    min_life_cycles_equiv; /* cycles to failure at this duty: the worst node's counted cycles per
                                      history (half cycles 0.5, /fatigue/cycles) / history_damage */
  double    worst_range;           /* the worst node's largest equivalent-stress range [Pa] */
  long long worst_node;            /* global basis node index of the worst node (-1 when the basis has none) */
  double    worst_x[3];            /* its position [m] */
  long long *hot_nodes;            /* the hot-spot nodes (global indices), worst first; malloc'd, caller frees */
  int        nhot;                 /* min(fatigue.hot_spots, nodes) */
} FtFatigueSummary;

/* Continuing a previous run (incremental counting): state_file holds the counting state
 * (/fatigue/counting_state, format_version 1, 2 or 3) of every node after last_time; the history passed
 * in holds only the new samples (after last_time). Damage and life then cover first_time .. the
 * new last sample. */
typedef struct {
  const char *state_file;
  double      first_time, last_time;
  long        samples; /* samples counted so far */
} FtFatigueResume;

/* Optional hooks of FtFatigueCompute (hooks may be NULL; every member may be NULL/0):
 *  writer:      called collectively with the output file open (after the fatigue datasets, before
 *               it is closed and renamed into place) and the summary, so a caller adds its own
 *               groups to the same file atomically (ftwin calibrate writes /calibration); an error
 *               in it leaves no output file;
 *  resume:      continue a previous counting state (above);
 *  stress_hook: called collectively after this rank's rows [start, start+n) of the channels' unit
 *               stresses S[(k*n + i)*6 + c] are read from the open basis file, to change them in
 *               place (ftwin calibrate --basis adds the calibrated parameters' linear corrections);
 *  discard_on_stop: a stop signal writes nothing (the previous output stays) instead of the
 *               partial results: for callers that cannot continue a partial run;
 *  backend:     the fatigue engine's backend request, auto | cpu | cuda (NULL: auto), taken through
 *               FtBackendSelectFatigue (runtime/backend.h). */
typedef PetscErrorCode (*FtFatigueExtraWriter)(hid_t file, const char *path, const FtFatigueSummary *summary, void *ctx);
typedef PetscErrorCode (*FtFatigueStressHook)(hid_t basis, const char *path, long long start, long long n, double *S, void *ctx);
typedef struct {
  FtFatigueExtraWriter   writer;
  void                  *writer_ctx;
  const FtFatigueResume *resume;
  FtFatigueStressHook    stress_hook;
  void                  *stress_ctx;
  int                    discard_on_stop;
  const char            *backend;
} FtFatigueHooks;

/* The fatigue computation of case c (its fatigue section: channels, material, settings) for a
 * history already in memory. hist must hold the same values on every rank of comm, with
 * hist->nchan == c->fatigue.nchannels and L[t][k] the load-case multiplier of channel k (as
 * FtHistoryRead makes it). basis_path: the `ftwin run` results holding the channels' unit load
 * cases (NULL: c->fatigue.basis). output_path: the results file to write (the layout of
 * README.md "Fatigue method"), replaced atomically; NULL writes no file. summary (may be NULL):
 * filled on every rank; free summary->hot_nodes. hooks: may be NULL (above). Collective on comm.
 * A stop signal (runtime/stop.h) during the counting ends it at the next chunk: the results and
 * the state up to that sample are written (attribute interrupted = 1) and the exit code is set to
 * FT_EXIT_REQUEUE; resume with --incremental. */
PetscErrorCode FtFatigueCompute(MPI_Comm comm, const FtCase *c, const FtHistory *hist, const char *basis_path, const char *output_path,
                                FtFatigueSummary *summary, const FtFatigueHooks *hooks);

/* The settings a counting state depends on (material, S-N, mean stress, equivalent stress, gate,
 * superposition, channels) as one line, as stored in /fatigue's `settings` attribute: a state is
 * continued only with the same line. 0, or 1 when the fatigue parameters are rejected. */
int FtFatigueSettings(const FtCase *c, char *settings, size_t cap);
/* Case-level checks before a fatigue run (fatigue section present, output not the basis, channel
 * count, fatigue parameters valid, output writable when given); par: the validated parameters.
 * Collective. */
PetscErrorCode FtFatigueCheckCase(MPI_Comm comm, const FtCase *c, const char *basis, const char *output, FtFatigueParams *par);

/* What a previous results file says about its counting state (FtFatigueStateProbe). */
typedef struct {
  int    found;                    /* a results file with counting attributes */
  int    interrupted;
  double first_time, last_time;
  long   samples;
  char   settings[4096], basis[FT_PATH_MAX];
  char   err[512];                 /* why it cannot be continued ("" when it can, or when there is no file) */
} FtFatigueStateInfo;
/* Rank 0 reads the /fatigue attributes of `path` (first_time, last_time, samples_counted,
 * settings) and its basis_file; every rank gets them. No file: found = 0 and err "". A file that
 * is not a results file, or one without a counting state: err says so. Collective. */
PetscErrorCode FtFatigueStateProbe(MPI_Comm comm, const char *path, FtFatigueStateInfo *info);

/* The raw unit stress (Voigt xx yy zz yz xz xy, Pa, not scaled by the channel) of the given
 * global basis nodes, for every channel's load case, on every rank:
 *   S[(k * nnodes + i) * 6 + c] = component c of /load_cases/<load case of fatigue.channels[k]>/stress
 *                                 at node nodes[i]   (k < nchannels, i < nnodes).
 * basis_path NULL: c->fatigue.basis. A node outside [0, nodes of the basis) is an error naming
 * it. Collective on comm; nodes must be the same on every rank. */
PetscErrorCode FtFatigueReadBasisNodes(MPI_Comm comm, const char *basis_path, const FtCase *c, int nnodes, const long long *nodes,
                                       double *S);
#endif
