/* ftwin: fatigue digital twin. The command-line entry point.
 *
 *   ftwin --version
 *   ftwin info                         build options, MPI size, visible GPUs
 *   ftwin run CASE.yaml [-q] [-o OUT.h5] [--backend auto|cpu|cuda] [PETSc options]
 *   ftwin fatigue CASE.yaml [-q] [-o OUT.h5]
 *   ftwin basis CASE.yaml [-q] [-o BASIS.h5] [--reuse]
 *   ftwin calibrate CASE.yaml [-q] [-o ASSET.h5] [--basis BASIS.h5] [--backend B] [PETSc/TAO options]
 *   ftwin asset CASE.yaml --basis BASIS.h5 [-q] [-o ASSET.h5] [--recalibrate] [PETSc/TAO options]
 *   ftwin verify FILE.h5 [--inputs]    check a results file's provenance record (exit codes below)
 *   ftwin report RESULTS.h5 [-o OUT.html] [-q]   (runs scripts/ftwin_report.py)
 *
 * Our own arguments are taken out of argv before PETSc sees the rest, so every PETSc option
 * (-ksp_type, -pc_type, -ksp_monitor, -log_view, -thermal_ksp_*, ...) works as usual. */
#include <petscsys.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build_info.h"
#include "app/fatigue_command.h"
#include "fleet/asset_run.h"
#include "fleet/basis_file.h"
#include "io/h5util.h"
#include "app/run.h"
#include "app/verify.h"
#include "runtime/provenance.h"
#include "runtime/backend.h"
#include "runtime/log.h"
#include "runtime/stop.h"

static const char *usage =
  "usage: ftwin <command> [options] [PETSc options]\n"
  "commands:\n"
  "  run CASE.yaml     solve the case (thermal, then mechanical, stresses) and write its HDF5/XDMF\n"
  "  fatigue CASE.yaml damage, life and hot spots from the case's basis (the run's results) and its\n"
  "                    load history (the case's fatigue section), without solving again\n"
  "  calibrate CASE.yaml  the asset run: clean the sensor data (sensors section), identify the loads,\n"
  "                    fit the calibration parameters (TAO BRGN, options -cal_tao_*), fatigue from the\n"
  "                    calibrated model and identified loads, life with a band; all into the asset's HDF5\n"
  "  asset CASE.yaml --basis B  the incremental asset run (fleets): as calibrate, from the design basis B,\n"
  "                    continuing the asset file's state: only the sensor samples after its last\n"
  "                    processed time are judged and counted; the first run calibrates, later runs keep\n"
  "                    that calibration unless --recalibrate; no new samples: nothing changes\n"
  "  basis CASE.yaml   the design's FE solves once: unit load cases, sensor responses and their\n"
  "                    sensitivities to the calibration parameters, design fingerprint (-o BASIS.h5)\n"
  "  verify FILE.h5 [--inputs]  check a results file's provenance: its chain of run records and its\n"
  "                    results against the last record; --inputs: also the input files the records\n"
  "                    name that are still present. Exit code 0 intact, 1 cannot be checked, else the\n"
  "                    sum of 2 (run records altered), 4 (results changed), 8 (inputs changed)\n"
  "  report RESULTS.h5 [-o OUT.html]  an HTML report of a results file (asset, fatigue or run): plots,\n"
  "                    hot spots, life band, sensor fit ... (scripts/ftwin_report.py, Python + matplotlib)\n"
  "  info              build options, MPI ranks and visible CUDA devices\n"
  "  --version         print the version\n"
  "options:\n"
  "  -q, --quiet       no progress output\n"
  "  --backend B       element/stress kernels: auto (CUDA if a device is visible), cpu, cuda\n"
  "  -o, --output F    write the results to F instead of the case's output.file\n"
  "  --basis B         (calibrate, asset) take the linearisation from the design basis B: no FE solve unless a\n"
  "                    stiffness parameter leaves its linear range\n"
  "  --recalibrate     (asset) fit the parameters again on this run's samples, with the asset's previous\n"
  "                    posterior as the prior; the new calibration applies to the samples of this run on\n"
  "  --reuse           (basis) keep an existing basis file built from this very design (design hash)\n"
  "  --accept-unsealed (asset, fatigue --incremental) continue a file that has no provenance record\n"
  "                    (written by an ftwin before provenance records; this run seals it)\n"
  "  --incremental     (fatigue) continue the counting state in the output file with the history's\n"
  "                    samples after its last time; no new samples: nothing changes\n"
  "signals: SIGTERM or SIGUSR1 stop `fatigue` at the next chunk with its state saved, exit code 75\n"
  "         (run again with --incremental to continue); they stop `calibrate` and `asset` with the\n"
  "         previous asset file unchanged, exit code 75 (run again: an asset run continues from it)\n"
  "PETSc options apply to the elasticity solve (-ksp_type, -pc_type, -ksp_rtol, -ksp_monitor, -log_view)\n"
  "and, with the prefix -thermal_, to the thermal solves (-thermal_ksp_monitor ...).\n";

/* One clear line for errors the user can fix (bad input, unreadable files, failed solves),
 * printed once by rank 0 (these checks are collective); PETSc's full trace for anything else. */
static PetscErrorCode FtErrorHandler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p,
                                     const char *mess, void *ctx)
{
  static int  printed = 0;
  PetscMPIInt rank    = 0;
  if (p != PETSC_ERROR_INITIAL) return n;
  if (n == PETSC_ERR_USER_INPUT || n == PETSC_ERR_FILE_OPEN || n == PETSC_ERR_FILE_UNEXPECTED || n == PETSC_ERR_FILE_WRITE ||
      n == PETSC_ERR_NOT_CONVERGED || n == PETSC_ERR_SUP) {
    MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
    if (!printed && rank == 0) fprintf(stderr, "ftwin: error: %s\n", mess);
    printed = 1;
    return n;
  }
  return PetscTraceBackErrorHandler(comm, line, fun, file, n, p, mess, ctx);
}

static PetscErrorCode Info(void)
{
  PetscMPIInt size;
  char        dev[1024];
  char        petsc[128];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(PetscGetVersion(petsc, sizeof petsc));
  FtCudaDescribe(dev, sizeof dev);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD,
                        "ftwin %s\n  build:    %s, %s\n  CUDA:     %s (archs %s)\n  PETSc:    %s\n  HDF5:     %s (parallel)\n"
                        "  MPI:      %d rank%s\n  devices:  %s\n",
                        FTWIN_VERSION, FTWIN_BUILD_TYPE, FTWIN_C_COMPILER, FTWIN_BUILD_CUDA_EMULATION ? "CUDA emulation on the CPU" : FTWIN_BUILD_CUDA ? "on" : "off", FTWIN_CUDA_ARCHS, petsc,
                        FTWIN_HDF5_VERSION, size, size == 1 ? "" : "s", dev));
  /* every rank's device binding (FtBackendBindDevice), in rank order */
  PetscCall(PetscSynchronizedPrintf(PETSC_COMM_WORLD, "  binding:  %s\n", FtBackendBinding()));
  PetscCall(PetscSynchronizedFlush(PETSC_COMM_WORLD, PETSC_STDOUT));
  PetscFunctionReturn(0);
}

/* `ftwin report ...`: the report is Python (h5py, matplotlib): hand the arguments to its script. */
static int Report(int argc, char **argv)
{
  char **args = malloc(sizeof(char *) * ((size_t)argc + 2));
  if (!args || access(FTWIN_REPORT_SCRIPT, R_OK)) {
    fprintf(stderr, "ftwin: error: report: cannot find its script %s (ftwin runs it from the source tree it was built from)\n", FTWIN_REPORT_SCRIPT);
    return 1;
  }
  args[0] = (char *)FTWIN_REPORT_PYTHON;
  args[1] = (char *)FTWIN_REPORT_SCRIPT;
  for (int i = 2; i < argc; i++) args[i] = argv[i];
  args[argc] = NULL;
  execv(FTWIN_REPORT_PYTHON, args);
  fprintf(stderr, "ftwin: error: report: cannot run %s: %s\n", FTWIN_REPORT_PYTHON, strerror(errno));
  return 1;
}

int main(int argc, char **argv)
{
  const char    *command = NULL, *casePath = NULL, *backend = "auto", *output = NULL;
  PetscBool      quiet = PETSC_FALSE;
  int            incremental = 0, recalibrate = 0, reuse = 0, inputs = 0, verify_code = 0, accept_unsealed = 0;
  const char    *basis       = NULL;
  char         **rest  = malloc(sizeof(char *) * ((size_t)argc + 1));
  int            nrest = 0;
  PetscErrorCode ierr;

  FtProvenanceSetCommand(argc, argv); /* recorded in every output's provenance */
  if (argc >= 2 && !strcmp(argv[1], "report")) {
    free(rest);
    return Report(argc, argv);
  }
  /* take our arguments out; leave PETSc's */
  rest[nrest++] = argv[0];
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--version") || !strcmp(a, "-version")) {
      printf("ftwin %s\n", FTWIN_VERSION);
      free(rest);
      return 0;
    } else if (!strcmp(a, "-h") || !strcmp(a, "--help") || !strcmp(a, "help")) {
      fputs(usage, stdout);
      free(rest);
      return 0;
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) quiet = PETSC_TRUE;
    else if (!strcmp(a, "--incremental")) incremental = 1;
    else if (!strcmp(a, "--recalibrate")) recalibrate = 1;
    else if (!strcmp(a, "--reuse")) reuse = 1;
    else if (!strcmp(a, "--inputs")) inputs = 1;
    else if (!strcmp(a, "--accept-unsealed")) accept_unsealed = 1;
    else if (!strcmp(a, "--basis")) {
      if (i + 1 >= argc) {
        fprintf(stderr, "ftwin: error: --basis needs a file (the output of ftwin basis)\n");
        free(rest);
        return 2;
      }
      basis = argv[++i];
    }
    else if (!strcmp(a, "--backend") || !strcmp(a, "-backend")) {
      if (i + 1 >= argc) {
        fprintf(stderr, "ftwin: error: --backend needs a value (auto, cpu, cuda)\n");
        free(rest);
        return 2;
      }
      backend = argv[++i];
    } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
      if (i + 1 >= argc) {
        fprintf(stderr, "ftwin: error: --output needs a file name\n");
        free(rest);
        return 2;
      }
      output = argv[++i];
    } else if (!command && a[0] != '-') command = a;
    else if (command && (!strcmp(command, "run") || !strcmp(command, "fatigue") || !strcmp(command, "calibrate") || !strcmp(command, "asset") || !strcmp(command, "basis") || !strcmp(command, "verify")) && !casePath && a[0] != '-') casePath = a;
    else rest[nrest++] = argv[i];
  }
  rest[nrest] = NULL;
  if (!command) {
    fputs(usage, stderr);
    free(rest);
    return 2;
  }
  if (strcmp(command, "run") && strcmp(command, "fatigue") && strcmp(command, "calibrate") && strcmp(command, "asset") && strcmp(command, "basis") && strcmp(command, "info") && strcmp(command, "verify")) {
    fprintf(stderr, "ftwin: error: unknown command '%s'\n%s", command, usage);
    free(rest);
    return 2;
  }
  if (!strcmp(command, "verify") && !casePath) {
    fprintf(stderr, "ftwin: error: verify needs a results file: ftwin verify FILE.h5 [--inputs]\n");
    free(rest);
    return 2;
  }
  if (accept_unsealed && strcmp(command, "asset") && !(incremental && !strcmp(command, "fatigue"))) {
    fprintf(stderr, "ftwin: error: --accept-unsealed is an option of ftwin asset and ftwin fatigue --incremental\n");
    free(rest);
    return 2;
  }
  if (inputs && strcmp(command, "verify")) {
    fprintf(stderr, "ftwin: error: --inputs is an option of ftwin verify\n");
    free(rest);
    return 2;
  }
  if (strcmp(command, "info") && !casePath) {
    fprintf(stderr, "ftwin: error: %s needs a case file: ftwin %s CASE.yaml\n", command, command);
    free(rest);
    return 2;
  }

  if (!strcmp(command, "asset") && !basis) {
    fprintf(stderr, "ftwin: error: asset needs the design basis: ftwin asset CASE.yaml --basis BASIS.h5 (made by ftwin basis)\n");
    free(rest);
    return 2;
  }
  if (reuse && strcmp(command, "basis")) {
    fprintf(stderr, "ftwin: error: --reuse is an option of ftwin basis\n");
    free(rest);
    return 2;
  }
  if (recalibrate && strcmp(command, "asset")) {
    fprintf(stderr, "ftwin: error: --recalibrate is an option of ftwin asset (ftwin calibrate always fits)\n");
    free(rest);
    return 2;
  }

  FtStopBlock(); /* until FtStopInstall(): a stop signal during MPI's and PETSc's start waits for the handler */
  ierr = PetscInitialize(&nrest, &rest, NULL, usage);
  if (ierr) return 1;
  PetscPushErrorHandler(FtErrorHandler, NULL);
  FtStopInstall(); /* after PETSc, whose own handler would abort on SIGTERM */
  FtLogSetQuiet(quiet);
  (void)FtWallTime();
  ierr = FtLogRegisterEvents();
  if (!ierr) ierr = FtBackendBindDevice(PETSC_COMM_WORLD); /* one GPU per rank, before any kernel */
  if (!ierr) {
    if (!strcmp(command, "info")) ierr = Info();
    else if (!strcmp(command, "verify")) ierr = FtVerifyRun(PETSC_COMM_WORLD, casePath, inputs, &verify_code);
    else {
      FtRunOptions     run     = {casePath, backend, output};
      FtFatigueOptions fatigue = {casePath, backend, output, incremental, accept_unsealed};
      FtAssetOptions   asset   = {casePath, backend, output, basis, !strcmp(command, "asset"), recalibrate, reuse, accept_unsealed};
      if (!strcmp(command, "run")) ierr = FtRun(PETSC_COMM_WORLD, &run);
      else if (!strcmp(command, "calibrate") || !strcmp(command, "asset")) ierr = FtCalibrateRun(PETSC_COMM_WORLD, &asset);
      else if (!strcmp(command, "basis")) ierr = FtBasisRun(PETSC_COMM_WORLD, &asset);
      else ierr = FtFatigueRun(PETSC_COMM_WORLD, &fatigue);
    }
  }
  if (ierr) FtTmpRemoveAll(); /* a failed write leaves no temporary file behind */
  PetscPopErrorHandler();
  PetscFinalize();
  free(rest);
  return ierr ? 1 : verify_code ? verify_code : FtExitCode();
}
