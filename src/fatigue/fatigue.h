/* Fatigue stage (`ftwin fatigue`): unit stress fields from a basis file, load histories, to
 * damage, life, hot spots and the rainflow state, per node, on any number of ranks.
 *
 * Each rank takes a contiguous block of the basis's nodes; the stress history of a node,
 * sigma(t) = sum_k S_k L_k(t), is formed on the fly in time chunks (never stored), reduced to an
 * equivalent stress and counted by a streaming rainflow counter whose state carries across
 * chunks (kernels/ft_fatigue_batch.h). Results do not depend on the number of ranks. */
#ifndef FT_FATIGUE_H
#define FT_FATIGUE_H
#include <petscsys.h>

#include "run.h"

PetscErrorCode FtFatigueRun(MPI_Comm comm, const FtRunOptions *opt);
#endif
