/* Stopping at a safe point. Slurm sends SIGUSR1 (with #SBATCH --signal=B:USR1@T) or SIGTERM before
 * a job's time limit; ftwin notes the signal, and long loops that can keep their state (the
 * fatigue counting) check FtStopRequested() between chunks, write what they have, and the program
 * exits with FT_EXIT_REQUEUE so the job script knows to requeue and the next run continues. */
#ifndef FT_STOP_H
#define FT_STOP_H
#include <petscsys.h>

#define FT_EXIT_REQUEUE 75 /* EX_TEMPFAIL: stopped on request, state saved, run again to continue */

/* A stop signal that arrives while the program starts (MPI and PETSc initialising, before the
 * handler exists) would end it by its default action (exit 128 + signal, seen as a failure): main()
 * blocks both signals just before PetscInitialize, while no thread exists yet, so that every thread inherits the
 * block, and FtStopInstall() unblocks them once the handler is in place; a signal that came in
 * between is then delivered to it. */
void FtStopBlock(void);
void FtStopInstall(void);  /* SIGTERM and SIGUSR1 set the stop flag, then unblocked (call after PetscInitialize) */
/* Collective: 1 on every rank when any rank got the signal. */
PetscErrorCode FtStopRequested(MPI_Comm comm, PetscBool *stop);
void           FtSetExitCode(int code);
int            FtExitCode(void); /* 0 unless set */
#endif
