/* `ftwin fatigue CASE.yaml`: the fatigue stage on the case's basis and load history. */
#ifndef FT_FATIGUE_COMMAND_H
#define FT_FATIGUE_COMMAND_H
#include <petscsys.h>

typedef struct {
  const char *case_path;
  const char *backend;         /* auto | cpu | cuda: the fatigue engine's backend (runtime/backend.h) */
  const char *output;          /* overrides fatigue.output when not NULL */
  int         resume_counting; /* --incremental: continue the output file's counting state */
  int         accept_unsealed; /* --accept-unsealed: continue a file without a provenance record (older ftwin) */
} FtFatigueOptions;

/* Reads the case and its history (FtHistoryRead on rank 0, broadcast) and calls FtFatigueCompute
 * (fatigue/fatigue.h) with the case's fatigue.basis and fatigue.output (opt->output overrides the
 * latter). With resume_counting, an existing output's counting state is continued with the
 * history's samples after its last time (none: nothing changes). Collective. */
PetscErrorCode FtFatigueRun(MPI_Comm comm, const FtFatigueOptions *opt);
#endif
