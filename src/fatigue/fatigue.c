#include "fatigue/fatigue.h"

#include <hdf5.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build_info.h"
#include "case/case.h"
#include "fatigue/history.h"
#include "case/fatigue_params.h"
#include "ft_fatigue_batch.h"
#include "io/case_load.h"
#include "io/h5util.h"
#include "runtime/log.h"
#include "runtime/stop.h"

#define FT_FATIGUE_CHUNK 2048 /* time steps per batch call */
#define FT_HIST_NR 32         /* hot-spot histogram: range bins */
#define FT_HIST_NM 16         /* hot-spot histogram: mean bins */

typedef struct {
  long long node;
  double    x[3];
  double    damage, range, cycles, life_hours, remaining_hours;
  int       region, dominant;
} HotSpot;

/* PETSC_TRUE when every component of an absolute HDF5 path exists. */
static PetscBool H5PathExists(hid_t file, const char *dset)
{
  char buf[1024];
  for (const char *p = strchr(dset + 1, '/');; p = strchr(p + 1, '/')) {
    size_t n = p ? (size_t)(p - dset) : strlen(dset);
    snprintf(buf, sizeof buf, "%.*s", (int)n, dset);
    if (H5Lexists(file, buf, H5P_DEFAULT) <= 0) return PETSC_FALSE;
    if (!p) return PETSC_TRUE;
  }
}

static PetscErrorCode DatasetDims(hid_t file, const char *path, const char *dset, hsize_t dims[2], int *ndims)
{
  hid_t ds, fs;

  PetscFunctionBeginUser;
  dims[0] = dims[1] = 0;
  H5READCHK(ds = H5Dopen2(file, dset, H5P_DEFAULT), dset);
  H5READCHK(fs = H5Dget_space(ds), dset);
  *ndims = H5Sget_simple_extent_dims(fs, dims, NULL);
  H5Sclose(fs);
  H5Dclose(ds);
  PetscFunctionReturn(0);
}

/* Damage of one node with only channel k active (the others zero): the channel's own
 * contribution. Rainflow counting is not linear, so contributions do not add up to the total. */
static double SoloDamage(const double *S, long ld, int nchan, int k, const FtHistory *h, int eq, const FtFatigueParams *par,
                         double gate)
{
  const int        nc = ft_equivalent_channels(eq);
  FtRainflowState *rf = malloc(sizeof *rf * (size_t)nc);
  FtDamageAcc     *acc = malloc(sizeof *acc * (size_t)nc);
  double          *L = calloc((size_t)FT_FATIGUE_CHUNK * (size_t)nchan, sizeof(double)), D = 0;
  int              worst;
  ft_cpu_fatigue_init(nc, gate, rf, acc);
  for (long t0 = 0; t0 < h->nsteps; t0 += FT_FATIGUE_CHUNK) {
    int nt = (int)PetscMin(FT_FATIGUE_CHUNK, h->nsteps - t0);
    for (int t = 0; t < nt; t++) L[(size_t)t * nchan + k] = h->L[(size_t)(t0 + t) * nchan + k];
    ft_cpu_fatigue_batch(1, (int)ld, nchan, S, nt, L, eq, par, rf, acc);
  }
  ft_cpu_fatigue_damage(1, nc, rf, acc, par, &D, &worst);
  free(rf);
  free(acc);
  free(L);
  return D;
}

/* Every cycle of one node's worst equivalent-stress channel, binned by range and mean. */
static void HotSpotHistogram(const double *S, long ld, int nchan, const FtHistory *h, int eq, int j, double gate, double *counts,
                             double *redges, double *medges)
{
  const int       nc = ft_equivalent_channels(eq);
  FtRainflowState rf;
  FtCycle        *cyc = NULL;
  int             ncyc = 0, cap = 0;
  double          rmax = 0, mmin = 1e300, mmax = -1e300;
  ft_rf_init(&rf, gate);
  for (long t = 0; t <= h->nsteps; t++) {
    double e[64], s[6] = {0, 0, 0, 0, 0, 0};
    if (cap - ncyc < FT_RF_MAX_RESIDUE + 2) {
      cap = cap ? 2 * cap : 4096;
      cyc = realloc(cyc, sizeof *cyc * (size_t)cap);
    }
    if (t == h->nsteps) {
      ft_rf_finish_cycles(&rf, cyc, cap, &ncyc);
      break;
    }
    for (int k = 0; k < nchan; k++)
      for (int c = 0; c < 6; c++) s[c] += S[(size_t)k * ld * 6 + c] * h->L[(size_t)t * nchan + k];
    ft_equivalent_stress(eq, s, e);
    ft_rf_push_cycles(&rf, e[j < nc ? j : 0], cyc, cap, &ncyc);
  }
  for (int i = 0; i < ncyc; i++) {
    rmax = PetscMax(rmax, cyc[i].range);
    mmin = PetscMin(mmin, cyc[i].mean);
    mmax = PetscMax(mmax, cyc[i].mean);
  }
  if (!ncyc) mmin = mmax = 0;
  if (mmax == mmin) { mmin -= 0.5; mmax += 0.5; }
  if (rmax == 0) rmax = 1;
  for (int i = 0; i <= FT_HIST_NR; i++) redges[i] = rmax * i / FT_HIST_NR;
  for (int i = 0; i <= FT_HIST_NM; i++) medges[i] = mmin + (mmax - mmin) * i / FT_HIST_NM;
  memset(counts, 0, sizeof(double) * FT_HIST_NR * FT_HIST_NM);
  for (int i = 0; i < ncyc; i++) {
    int a = (int)(cyc[i].range / rmax * FT_HIST_NR), b = (int)((cyc[i].mean - mmin) / (mmax - mmin) * FT_HIST_NM);
    a = PetscMin(PetscMax(a, 0), FT_HIST_NR - 1);
    b = PetscMin(PetscMax(b, 0), FT_HIST_NM - 1);
    counts[a * FT_HIST_NM + b] += cyc[i].count;
  }
  free(cyc);
}

static int CmpHotSpot(const void *a, const void *b)
{
  double x = ((const HotSpot *)a)->damage, y = ((const HotSpot *)b)->damage;
  if (isnan(x)) return -1; /* invalid nodes first: they must be seen */
  if (isnan(y)) return 1;
  return x < y ? 1 : x > y ? -1 : 0;
}

static const char *EquivalentName(int eq)
{
  switch (eq) {
  case FT_EQ_SIGNED_VON_MISES: return "signed von Mises (sign of the largest-magnitude principal stress)";
  case FT_EQ_MAX_ABS_PRINCIPAL: return "largest-magnitude principal stress";
  case FT_EQ_CRITICAL_PLANE: return "normal stress on the critical plane";
  default: return "?";
  }
}

static const char *MeanStressName(int msc)
{
  const char *names[] = {"none", "Goodman", "Gerber", "Soderberg", "Smith-Watson-Topper", "Morrow", "Walker"};
  return msc >= 0 && msc <= 6 ? names[msc] : "?";
}


/* The basis dataset of channel k: the unit stress [nodes][6] of its load case. */
static void ChannelStressDataset(const FtCase *c, int k, char *dset, size_t len)
{
  snprintf(dset, len, "/load_cases/%s/stress", c->loads[c->fatigue.channels[k].load_case].name);
}

/* Opens the basis `basis` collectively (MPI-IO) for reading and checks that it is an ftwin
 * result file with every channel's load case; N = its number of nodes. The caller closes it. */
static PetscErrorCode OpenBasis(MPI_Comm comm, const FtCase *c, const char *basis, hid_t *file, long long *N)
{
  const FtFatigueCase *f = &c->fatigue;
  PetscMPIInt          rank;
  hid_t                fapl;
  hsize_t              dims[2];
  int                  nd;
  char                 path[FT_PATH_MAX];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  {
    FILE *probe = rank == 0 ? fopen(basis, "r") : NULL;
    int   ok    = rank ? 1 : probe != NULL;
    if (probe) fclose(probe);
    PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm));
    PetscCheck(ok, comm, PETSC_ERR_FILE_OPEN, "%s: fatigue.basis: cannot open '%s' (run `ftwin run %s` first)", c->path, basis, c->path);
  }
  snprintf(path, sizeof path, "%s", basis);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  H5CHK(fapl = H5Pcreate(H5P_FILE_ACCESS), "file access");
  H5CHK(H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL), "file access");
  *file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
  H5Pclose(fapl);
  PetscCheck(*file >= 0, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: fatigue.basis: '%s' is not an HDF5 file", c->path, path);
  PetscCheck(H5PathExists(*file, "/mesh/coordinates") && H5PathExists(*file, "/mesh/topology"), comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: fatigue.basis: '%s' is not an ftwin result file (no /mesh)", c->path, path);
  for (int k = 0; k < f->nchannels; k++) {
    char dset[256];
    ChannelStressDataset(c, k, dset, sizeof dset);
    PetscCheck(H5PathExists(*file, dset), comm, PETSC_ERR_FILE_UNEXPECTED,
               "%s:%d: fatigue.channels: the basis '%s' has no load case '%s' (was it made from this case? rerun `ftwin run`)", c->path,
               f->channels[k].line, path, c->loads[f->channels[k].load_case].name);
  }
  PetscCall(DatasetDims(*file, path, "/mesh/coordinates", dims, &nd));
  *N = (long long)dims[0];
  PetscFunctionReturn(0);
}

/* Case-level checks shared by FtFatigueRun (before it reads the history) and FtFatigueCompute. */
static PetscErrorCode CheckSettings(MPI_Comm comm, const FtCase *c, const char *basis, const char *output, FtFatigueParams *par)
{
  const FtFatigueCase *f = &c->fatigue;

  PetscFunctionBeginUser;
  PetscCheck(f->enabled, comm, PETSC_ERR_USER_INPUT, "%s: no fatigue section: `ftwin fatigue` needs one (inputs/CASE_FORMAT.md)", c->path);
  PetscCheck(!output || (strcmp(output, basis) && strcmp(output, c->output_file)), comm, PETSC_ERR_USER_INPUT,
             "%s: fatigue output '%s' would overwrite the basis (the finite-element results): choose another file", c->path, output);
  PetscCheck(f->nchannels <= FT_FATIGUE_MAX_CHANNELS, comm, PETSC_ERR_USER_INPUT, "%s:%d: fatigue.channels: %d channels, at most %d",
             c->path, f->line, f->nchannels, FT_FATIGUE_MAX_CHANNELS);
  PetscCheck(!FtFatigueParamsFromCase(f, par), comm, PETSC_ERR_USER_INPUT, "%s: fatigue.material: invalid fatigue parameters", c->path);
  if (output) PetscCall(FtCheckWritable(comm, c->path, "fatigue.output", output));
  PetscFunctionReturn(0);
}

/* The settings a result depends on, as one line (the `settings` attribute; an incremental run
 * continues only a state made with the same settings). */
static void SettingsString(const FtCase *c, const FtFatigueParams *par, int eq, char *settings, size_t cap)
{
  const FtFatigueCase *f    = &c->fatigue;
  size_t               used = 0;
  used += (size_t)snprintf(settings + used, cap - used,
                           "material %s (%s); S-N kind %d, S_ref %g Pa, N_ref %g, m %g, S_e %g Pa; Marin product %g; "
                           "mean stress %s; equivalent stress %s; gate %g Pa; prior damage %g; superposition %s; channels:",
                           f->material.name, f->material.source, f->material.sn_kind, f->material.S_ref, f->material.N_ref, f->material.m,
                           f->material.S_e, ft_sn_marin(&par->sn), MeanStressName(f->mean_stress), EquivalentName(eq), f->gate,
                           f->prior_damage,
                           f->superposition ? (f->single_precision ? "gemm (BLAS, single precision)" : "gemm (BLAS, double)") : "fused (double)");
  for (int k = 0; k < f->nchannels && used < cap; k++)
    used += (size_t)snprintf(settings + used, cap - used, " %s -> %s x %g (offset %g)", f->channels[k].name,
                             c->loads[f->channels[k].load_case].name, f->channels[k].scale, f->channels[k].offset);
}

int FtFatigueSettings(const FtCase *c, char *settings, size_t cap)
{
  FtFatigueParams par;
  settings[0] = 0;
  if (FtFatigueParamsFromCase(&c->fatigue, &par)) return 1;
  SettingsString(c, &par, c->fatigue.equivalent, settings, cap);
  return 0;
}

PetscErrorCode FtFatigueRun(MPI_Comm comm, const FtFatigueOptions *opt)
{
  FtCase          c;
  FtFatigueCase  *f;
  FtFatigueParams par;
  FtHistory       hist = {0};
  PetscMPIInt     rank;
  int             herr = 0;
  char            err[2048] = "";

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(FtCaseLoadCollective(comm, opt->case_path, &c));
  f = &c.fatigue;
  if (opt->output) snprintf(f->output, sizeof f->output, "%s", opt->output);
  PetscCall(CheckSettings(comm, &c, f->basis, f->output, &par));
  PetscCheck(!opt->backend || strcmp(opt->backend, "cuda"), comm, PETSC_ERR_SUP,
             "--backend cuda: the fatigue stage has no CUDA backend yet (unfinished); use --backend cpu");

  /* History: rank 0 reads, everyone gets it. */
  if (rank == 0) herr = FtHistoryRead(f, &hist, err, sizeof err);
  PetscCallMPI(MPI_Bcast(&herr, 1, MPI_INT, 0, comm));
  if (herr) {
    PetscCallMPI(MPI_Bcast(err, sizeof err, MPI_CHAR, 0, comm));
    FtCaseFree(&c);
    SETERRQ(comm, PETSC_ERR_USER_INPUT, "%s", err);
  }
  PetscCallMPI(MPI_Bcast(&hist.nsteps, 1, MPI_LONG, 0, comm));
  hist.nchan = f->nchannels;
  if (rank) {
    hist.time = malloc(sizeof(double) * (size_t)hist.nsteps);
    hist.L    = malloc(sizeof(double) * (size_t)hist.nsteps * (size_t)hist.nchan);
    PetscCheck(hist.time && hist.L, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory for a history of %ld steps", hist.nsteps);
  }
  PetscCallMPI(MPI_Bcast(hist.time, (int)hist.nsteps, MPI_DOUBLE, 0, comm));
  PetscCallMPI(MPI_Bcast(hist.L, (int)(hist.nsteps * hist.nchan), MPI_DOUBLE, 0, comm));
  PetscCall(FtLogInfo("history %s: %ld steps over %.6g s, %d channel%s", f->history, hist.nsteps,
                      hist.time[hist.nsteps - 1] - hist.time[0], hist.nchan, hist.nchan > 1 ? "s" : ""));

  if (opt->resume_counting) {
    /* Continue the output's counting state: only the samples after its last_time are new. */
    struct { int found, interrupted; double first, last; long samples; char settings[4096], basis[FT_PATH_MAX], err[512]; } prev;
    char             mine[4096];
    FtFatigueResume  res;
    FtHistory        nh;
    long             i0 = 0;
    memset(&prev, 0, sizeof prev);
    SettingsString(&c, &par, f->equivalent, mine, sizeof mine);
    if (rank == 0 && access(f->output, F_OK) == 0) {
      hid_t    h5, g;
      htri_t   ok;
      H5E_auto2_t efn;
      void       *edata;
      H5Eget_auto2(H5E_DEFAULT, &efn, &edata);
      H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
      h5 = H5Fopen(f->output, H5F_ACC_RDONLY, H5P_DEFAULT);
      ok = h5 >= 0 ? H5Lexists(h5, "/fatigue", H5P_DEFAULT) : 0;
      if (ok > 0 && (g = H5Gopen2(h5, "/fatigue", H5P_DEFAULT)) >= 0) {
        if (H5Aexists(g, "last_time") > 0 && H5Aexists(g, "first_time") > 0 && H5Aexists(g, "samples_counted") > 0) {
          hid_t a;
          a = H5Aopen(g, "first_time", H5P_DEFAULT); H5Aread(a, H5T_NATIVE_DOUBLE, &prev.first); H5Aclose(a);
          a = H5Aopen(g, "last_time", H5P_DEFAULT); H5Aread(a, H5T_NATIVE_DOUBLE, &prev.last); H5Aclose(a);
          a = H5Aopen(g, "samples_counted", H5P_DEFAULT); H5Aread(a, H5T_NATIVE_LONG, &prev.samples); H5Aclose(a);
          prev.found = 1;
        } else snprintf(prev.err, sizeof prev.err, "it has no counting state (an older format): remove it to start again");
        H5Gclose(g);
      } else snprintf(prev.err, sizeof prev.err, "it is not an ftwin fatigue results file");
      if (h5 >= 0) H5Fclose(h5);
      H5Eset_auto2(H5E_DEFAULT, efn, edata);
      if (prev.found) { /* string attributes with the reader the rest of this file uses */
        hid_t h6 = H5Fopen(f->output, H5F_ACC_RDONLY, H5P_DEFAULT), g6 = h6 >= 0 ? H5Gopen2(h6, "/fatigue", H5P_DEFAULT) : -1;
        if (g6 >= 0) {
          FtH5ReadStringAttr(g6, "settings", prev.settings, sizeof prev.settings);
          H5Gclose(g6);
        }
        if (h6 >= 0) {
          FtH5ReadStringAttr(h6, "basis_file", prev.basis, sizeof prev.basis);
          H5Fclose(h6);
        }
      }
    }
    PetscCallMPI(MPI_Bcast(&prev, (int)sizeof prev, MPI_BYTE, 0, comm));
    if (prev.err[0]) {
      FtHistoryFree(&hist);
      SETERRQ(comm, PETSC_ERR_USER_INPUT, "%s: --incremental: cannot continue '%s': %s", c.path, f->output, prev.err);
    }
    if (prev.found) {
      PetscCheck(!strcmp(prev.settings, mine), comm, PETSC_ERR_USER_INPUT,
                 "%s: --incremental: '%s' was counted with other settings (material, channels, equivalent stress ...); remove it to start again. "
                 "It has: %s", c.path, f->output, prev.settings);
      PetscCheck(!strcmp(prev.basis, f->basis), comm, PETSC_ERR_USER_INPUT,
                 "%s: --incremental: '%s' was counted on the basis '%s', this run's is '%s'", c.path, f->output, prev.basis, f->basis);
      while (i0 < hist.nsteps && hist.time[i0] <= prev.last) i0++;
      if (i0 == hist.nsteps) {
        PetscCall(FtLogInfo("fatigue: no samples after t = %.9g s in %s: %s is up to date, nothing changed", prev.last, f->history, f->output));
        FtHistoryFree(&hist);
        FtCaseFree(&c);
        PetscFunctionReturn(0);
      }
      nh       = hist;
      nh.time  = hist.time + i0;
      nh.L     = hist.L + (size_t)i0 * hist.nchan;
      nh.nsteps = hist.nsteps - i0;
      res.state_file = f->output;
      res.first_time = prev.first;
      res.last_time  = prev.last;
      res.samples    = prev.samples;
      PetscCall(FtLogInfo("fatigue: incremental: %ld new samples after t = %.9g s (%ld counted before)", nh.nsteps, prev.last, prev.samples));
      {
        FtFatigueHooks hk = {NULL, NULL, &res, NULL, NULL, 0};
        PetscCall(FtFatigueComputeEx(comm, &c, &nh, f->basis, f->output, NULL, &hk));
      }
      FtHistoryFree(&hist);
      FtCaseFree(&c);
      PetscFunctionReturn(0);
    }
    PetscCall(FtLogInfo("fatigue: incremental: no previous results at %s: counting from the start", f->output));
  }
  PetscCall(FtFatigueCompute(comm, &c, &hist, f->basis, f->output, NULL));
  FtHistoryFree(&hist);
  FtCaseFree(&c);
  PetscFunctionReturn(0);
}

/* Rank 0 reads the rows `nodes` of each channel's stress dataset (an HDF5 point selection, in
 * the given order, independent I/O) and broadcasts them. */
PetscErrorCode FtFatigueReadBasisNodes(MPI_Comm comm, const char *basis_path, const FtCase *c, int nnodes, const long long *nodes,
                                       double *S)
{
  const char *basis = basis_path ? basis_path : c->fatigue.basis;
  const int   nchan = c->fatigue.nchannels;
  PetscMPIInt rank;
  hid_t       file;
  long long   N;
  int         bad = -1, ierr = 0;
  char        path[FT_PATH_MAX];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCheck(nnodes >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "FtFatigueReadBasisNodes: %d nodes asked for", nnodes);
  snprintf(path, sizeof path, "%s", basis);
  PetscCall(OpenBasis(comm, c, basis, &file, &N));
  for (int i = 0; i < nnodes && bad < 0; i++)
    if (nodes[i] < 0 || nodes[i] >= N) bad = i;
  if (bad >= 0) {
    H5Fclose(file);
    SETERRQ(comm, PETSC_ERR_ARG_OUTOFRANGE, "%s: fatigue.basis: '%s' has %lld nodes, node %lld (entry %d) does not exist", c->path, basis,
            N, nodes[bad], bad);
  }
  if (rank == 0 && nnodes > 0) {
    hsize_t *coord = malloc(sizeof(hsize_t) * 2 * 6 * (size_t)nnodes);
    hsize_t  mdim  = (hsize_t)nnodes * 6;
    if (!coord) ierr = 1;
    for (int i = 0; coord && i < nnodes; i++)
      for (int q = 0; q < 6; q++) {
        coord[2 * (6 * i + q)]     = (hsize_t)nodes[i];
        coord[2 * (6 * i + q) + 1] = (hsize_t)q;
      }
    for (int k = 0; k < nchan && !ierr; k++) {
      char  dset[256];
      hid_t ds, fs, ms;
      ChannelStressDataset(c, k, dset, sizeof dset);
      ds = H5Dopen2(file, dset, H5P_DEFAULT);
      fs = ds >= 0 ? H5Dget_space(ds) : -1;
      ms = H5Screate_simple(1, &mdim, NULL);
      if (ds < 0 || fs < 0 || ms < 0 || H5Sselect_elements(fs, H5S_SELECT_SET, mdim, coord) < 0 ||
          H5Dread(ds, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, &S[(size_t)k * nnodes * 6]) < 0)
        ierr = 2 + k;
      if (ms >= 0) H5Sclose(ms);
      if (fs >= 0) H5Sclose(fs);
      if (ds >= 0) H5Dclose(ds);
    }
    free(coord);
  }
  H5Fclose(file);
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, comm));
  PetscCheck(ierr != 1, comm, PETSC_ERR_MEM, "out of memory reading %d nodes of the basis '%s'", nnodes, basis);
  PetscCheck(!ierr, comm, PETSC_ERR_FILE_READ, "%s: fatigue.basis: HDF5 failed reading the stress of load case '%s' in '%s'", c->path,
             c->loads[c->fatigue.channels[PetscMax(ierr - 2, 0)].load_case].name, basis);
  if (nnodes > 0) PetscCallMPI(MPI_Bcast(S, nchan * nnodes * 6, MPI_DOUBLE, 0, comm));
  PetscFunctionReturn(0);
}

/* sigma_i(t) = sum_k S_k(node i) L_k(t) per node, equivalent stress, rainflow, Miner: see
 * fatigue.h and README.md "Fatigue method". Steps: read this rank's block of the basis, count
 * chunk by chunk, damage and life per node, gather the hot spots, their regions and per-channel
 * damages, then (when output is given) write the results file and its XDMF. */
PetscErrorCode FtFatigueCompute(MPI_Comm comm, const FtCase *c, const FtHistory *hist, const char *basis_path, const char *output,
                                FtFatigueSummary *summary)
{
  return FtFatigueComputeEx(comm, c, hist, basis_path, output, summary, NULL);
}

PetscErrorCode FtFatigueComputeEx(MPI_Comm comm, const FtCase *c, const FtHistory *hist_in, const char *basis_path, const char *output,
                                  FtFatigueSummary *summary, const FtFatigueHooks *hooks)
{
  const FtFatigueResume *resume     = hooks ? hooks->resume : NULL;
  FtFatigueExtraWriter   writer     = hooks ? hooks->writer : NULL;
  void                  *writer_ctx = hooks ? hooks->writer_ctx : NULL;
  FtHistory        hv = *hist_in; /* the part counted: all of it, or up to the chunk where a stop signal came */
  const FtHistory *hist = &hv;
  PetscBool        interrupted = PETSC_FALSE;
  double           first_time, last_time;
  long             counted_before = resume ? resume->samples : 0;
  FtFatigueSummary sum;
  const FtFatigueCase *f     = &c->fatigue;
  const char          *basis = basis_path ? basis_path : f->basis;
  FtFatigueParams      par;
  PetscMPIInt          rank, size;
  hid_t                fapl, file;
  hsize_t              dims[2];
  int                  nd, nen, eq, nc, nchan;
  long long            N, E, start, n, cstart, ncl;
  double              *S, *X, *D, *range, *cycles, *life_h, *rem_h, duration, t0 = FtWallTime();
  int                 *worst;
  long long           *topo;
  int                 *creg;
  FtRainflowState     *rf;
  FtDamageAcc         *acc;
  char                 path[FT_PATH_MAX], regions[2048] = "";
  HotSpot             *hs = NULL;
  int                  nhs = 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(CheckSettings(comm, c, basis, output, &par));
  PetscCheck(hist->nchan == f->nchannels && hist->nsteps >= (resume ? 1 : 2), comm, PETSC_ERR_ARG_SIZ,
             "%s: a history of %ld steps with %d channels for a fatigue section with %d channels (at least 2 steps)", c->path, hist->nsteps,
             hist->nchan, f->nchannels);
  eq       = f->equivalent;
  nc       = ft_equivalent_channels(eq);
  nchan    = f->nchannels;
  first_time = resume ? resume->first_time : hist->time[0];

  /* Basis: unit stress fields of the channels' load cases, this rank's block of nodes. */
  PetscCall(OpenBasis(comm, c, basis, &file, &N));
  snprintf(path, sizeof path, "%s", basis);
  PetscCall(DatasetDims(file, path, "/mesh/topology", dims, &nd));
  E   = (long long)dims[0];
  nen = (int)dims[1];
  PetscCall(FtH5ReadStringAttr(file, "region_names", regions, sizeof regions));
  start  = N * rank / size;
  n      = N * (rank + 1) / size - start;
  cstart = E * rank / size;
  ncl    = E * (rank + 1) / size - cstart;
  PetscCall(PetscMalloc3((size_t)nchan * n * 6 + 1, &S, (size_t)n * 3 + 1, &X, (size_t)ncl * nen + 1, &topo));
  PetscCall(PetscMalloc1(ncl + 1, &creg));
  PetscCall(FtH5ReadRows(file, path, "/mesh/coordinates", H5T_NATIVE_DOUBLE, 3, start, n, X));
  PetscCall(FtH5ReadRows(file, path, "/mesh/topology", H5T_NATIVE_LLONG, nen, cstart, ncl, topo));
  PetscCall(FtH5ReadRows(file, path, "/mesh/region", H5T_NATIVE_INT, 0, cstart, ncl, creg));
  for (int k = 0; k < nchan; k++) {
    char dset[256];
    ChannelStressDataset(c, k, dset, sizeof dset);
    PetscCall(FtH5ReadRows(file, path, dset, H5T_NATIVE_DOUBLE, 6, start, n, &S[(size_t)k * n * 6]));
  }
  if (hooks && hooks->stress_hook) PetscCall(hooks->stress_hook(file, path, start, n, S, hooks->stress_ctx));
  H5Fclose(file);
  PetscCall(FtLogInfo("basis %s: %lld nodes, %lld cells; %lld nodes on this rank", basis, N, E, n));

  /* Counting: every node's equivalent-stress history, chunk by chunk, state carried. */
  PetscCall(PetscMalloc2((size_t)n * nc + 1, &rf, (size_t)n * nc + 1, &acc));
  ft_cpu_fatigue_init((int)(n * nc), f->gate, rf, acc);
  if (resume) { /* the previous run's counting state of this rank's nodes (raw structs, checked sizes) */
    hid_t   sfapl, sfile;
    hsize_t sd[2];
    int     snd;
    char    spath[FT_PATH_MAX];
    snprintf(spath, sizeof spath, "%s", resume->state_file);
    H5CHK(sfapl = H5Pcreate(H5P_FILE_ACCESS), "file access");
    H5CHK(H5Pset_fapl_mpio(sfapl, comm, MPI_INFO_NULL), "file access");
    sfile = H5Fopen(spath, H5F_ACC_RDONLY, sfapl);
    H5Pclose(sfapl);
    PetscCheck(sfile >= 0, comm, PETSC_ERR_FILE_OPEN, "%s: cannot open the previous results '%s' to continue", c->path, spath);
    PetscCall(DatasetDims(sfile, spath, "/fatigue/rainflow_state", sd, &snd));
    PetscCheck(snd == 2 && (long long)sd[0] == N && sd[1] == (hsize_t)nc * sizeof(FtRainflowState), comm, PETSC_ERR_FILE_UNEXPECTED,
               "%s: the counting state in '%s' is for %lld nodes x %llu bytes, this run has %lld nodes x %llu: cannot continue it", c->path,
               spath, (long long)sd[0], (unsigned long long)sd[1], N, (unsigned long long)(nc * sizeof(FtRainflowState)));
    PetscCall(FtH5ReadRows(sfile, spath, "/fatigue/rainflow_state", H5T_NATIVE_UCHAR, (hsize_t)nc * sizeof(FtRainflowState), start, n, rf));
    PetscCall(FtH5ReadRows(sfile, spath, "/fatigue/damage_state", H5T_NATIVE_UCHAR, (hsize_t)nc * sizeof(FtDamageAcc), start, n, acc));
    H5Fclose(sfile);
    PetscCall(FtLogInfo("fatigue: continuing the counting state of %s (%ld samples up to t = %.9g s)", spath, resume->samples, resume->last_time));
  }
  {
    double tc = FtWallTime();
    long   next = hist->nsteps / 10;
    for (long t = 0; t < hist->nsteps; t += FT_FATIGUE_CHUNK) {
      int nt = (int)PetscMin(FT_FATIGUE_CHUNK, hist->nsteps - t);
      /* fatigue.superposition: fused (the stress history formed per node in registers) or gemm
         (per block of nodes and time steps by BLAS; precision single rounds S and L to float) */
      int rc = f->superposition ? ft_cpu_fatigue_batch_gemm((int)n, (int)n, nchan, S, nt, &hist->L[(size_t)t * nchan], eq, &par, f->single_precision, rf, acc)
                                : ft_cpu_fatigue_batch((int)n, (int)n, nchan, S, nt, &hist->L[(size_t)t * nchan], eq, &par, rf, acc);
      PetscCheck(!rc, PETSC_COMM_SELF, PETSC_ERR_LIB, "fatigue batch failed (code %d)", rc);
      PetscCall(FtStopRequested(comm, &interrupted)); /* a safe point: the state is complete up to t + nt */
      if (interrupted && t + nt < hist->nsteps) {
        hv.nsteps = t + nt;
        PetscCall(FtLogInfo("fatigue: stop requested (signal): counted up to step %ld of %ld (t = %.9g s); saving the state", hv.nsteps,
                            hist_in->nsteps, hv.time[hv.nsteps - 1]));
        break;
      }
      interrupted = PETSC_FALSE;
      if (t + nt >= next && hist->nsteps > 10 * FT_FATIGUE_CHUNK) {
        double el = FtWallTime() - tc;
        PetscCall(FtLogInfo("fatigue: %3.0f%% of %ld steps, %.3g node-steps/s", 100.0 * (t + nt) / hist->nsteps, hist->nsteps,
                            el > 0 ? (double)N * (t + nt) / el : 0));
        next += hist->nsteps / 10;
      }
    }
    PetscCall(FtLogInfo("fatigue: counted %lld nodes x %ld steps in %.2f s (%.3g node-steps/s)", N, hist->nsteps, FtWallTime() - tc,
                        (double)N * hist->nsteps / PetscMax(FtWallTime() - tc, 1e-9)));
  }

  last_time = hist->time[hist->nsteps - 1];
  duration  = last_time - first_time;

  /* Damage, life and worst range per node. */
  PetscCall(PetscMalloc6(n + 1, &D, n + 1, &range, n + 1, &cycles, n + 1, &life_h, n + 1, &rem_h, n + 1, &worst));
  ft_cpu_fatigue_damage((int)n, nc, rf, acc, &par, D, worst);
  for (long long i = 0; i < n; i++) {
    FtDamageAcc tail;
    int         j = worst[i] >= 0 ? worst[i] : 0;
    range[i]      = 0;
    for (int q = 0; q < nc; q++) range[i] = PetscMax(range[i], acc[i * nc + q].max_range);
    tail = acc[i * nc + j];
    ft_rf_finish(&rf[i * nc + j], &par, &tail);
    cycles[i] = tail.cycles;
    life_h[i] = D[i] > 0 ? duration / 3600.0 / D[i] : INFINITY;
    rem_h[i]  = D[i] > 0 ? (1.0 - f->prior_damage) * duration / 3600.0 / D[i] : INFINITY;
  }
  {
    long long nbad = 0, gbad;
    for (long long i = 0; i < n; i++) nbad += isnan(D[i]);
    PetscCallMPI(MPI_Allreduce(&nbad, &gbad, 1, MPI_LONG_LONG, MPI_SUM, comm));
    if (gbad) PetscCall(FtLogInfo("fatigue: WARNING %lld nodes have cycles outside the mean-stress correction's range "
                                  "(e.g. mean above the ultimate strength): their damage is NaN and they lead the hot-spot list", gbad));
  }

  /* Hot spots: the worst nodes over all ranks. */
  {
    int      H = PetscMin(f->hot_spots, (int)PetscMax(N, 1)), hl = (int)PetscMin((long long)H, n);
    HotSpot *loc, *all = NULL;
    PetscCall(PetscCalloc1(PetscMax(n, 1), &loc));
    for (long long i = 0; i < n; i++) {
      loc[i].node   = start + i;
      loc[i].damage = D[i];
      loc[i].range  = range[i];
      loc[i].cycles = cycles[i];
      loc[i].life_hours = life_h[i];
      loc[i].remaining_hours = rem_h[i];
      loc[i].region   = -1;
      loc[i].dominant = -1;
      memcpy(loc[i].x, &X[3 * i], sizeof loc[i].x);
    }
    qsort(loc, (size_t)n, sizeof *loc, CmpHotSpot);
    for (int i = hl; i < H; i++) loc[i].damage = -1, loc[i].node = -1; /* padding */
    if (rank == 0) PetscCall(PetscMalloc1((size_t)H * size, &all));
    PetscCallMPI(MPI_Gather(loc, (int)(H * sizeof(HotSpot)), MPI_BYTE, all, (int)(H * sizeof(HotSpot)), MPI_BYTE, 0, comm));
    PetscCall(PetscFree(loc));
    PetscCall(PetscMalloc1(H, &hs));
    if (rank == 0) {
      qsort(all, (size_t)H * size, sizeof *all, CmpHotSpot);
      memcpy(hs, all, sizeof *hs * H);
      PetscCall(PetscFree(all));
    }
    PetscCallMPI(MPI_Bcast(hs, (int)(H * sizeof(HotSpot)), MPI_BYTE, 0, comm));
    nhs = 0;
    while (nhs < H && hs[nhs].node >= 0) nhs++;
  }
  /* Each hot spot's region (from a cell that holds it) and each channel's own damage. */
  {
    int    *reg;
    double *chd;
    PetscCall(PetscMalloc2(nhs + 1, &reg, (size_t)nhs * nchan + 1, &chd));
    for (int h = 0; h < nhs; h++) reg[h] = -1;
    for (long long e = 0; e < ncl; e++)
      for (int a = 0; a < nen; a++)
        for (int h = 0; h < nhs; h++)
          if (topo[e * nen + a] == hs[h].node) reg[h] = PetscMax(reg[h], creg[e]);
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, reg, nhs, MPI_INT, MPI_MAX, comm));
    for (int h = 0; h < nhs * nchan; h++) chd[h] = 0;
    for (int h = 0; h < nhs; h++)
      if (hs[h].node >= start && hs[h].node < start + n)
        for (int k = 0; k < nchan; k++)
          chd[h * nchan + k] = SoloDamage(&S[(hs[h].node - start) * 6], n, nchan, k, hist, eq, &par, f->gate);
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, chd, nhs * nchan, MPI_DOUBLE, MPI_SUM, comm));
    for (int h = 0; h < nhs; h++) {
      hs[h].region = reg[h];
      for (int k = 0; k < nchan; k++)
        if (hs[h].dominant < 0 || chd[h * nchan + k] > chd[h * nchan + hs[h].dominant]) hs[h].dominant = k;
    }
    if (nhs) {
      double x[3];
      memcpy(x, hs[0].x, sizeof x);
      PetscCall(FtLogInfo("hot spot: node %lld at (%.4g, %.4g, %.4g) m, damage %.4g per history, life %.4g h (%.4g h remaining), "
                          "worst range %.4g MPa, dominant channel '%s'",
                          hs[0].node, x[0], x[1], x[2], hs[0].damage, hs[0].life_hours, hs[0].remaining_hours, hs[0].range / 1e6,
                          f->channels[hs[0].dominant].name));
    }

    /* What the caller wants back: the first hot spot is the worst node (NaN damage first). */
    {
      memset(&sum, 0, sizeof sum);
      sum.worst_node = -1;
      if (nhs) {
        sum.history_damage        = hs[0].damage;
        sum.max_damage            = f->prior_damage + hs[0].damage;
        sum.min_life_hours        = hs[0].life_hours;
        sum.min_remaining_hours   = hs[0].remaining_hours;
        sum.min_life_cycles_equiv = hs[0].damage > 0 ? hs[0].cycles / hs[0].damage : isnan(hs[0].damage) ? NAN : INFINITY;
        sum.worst_range           = hs[0].range;
        sum.worst_node            = hs[0].node;
        memcpy(sum.worst_x, hs[0].x, sizeof sum.worst_x);
      }
      sum.nhot      = nhs;
      sum.hot_nodes = malloc(sizeof(long long) * (size_t)(nhs + 1));
      PetscCheck(sum.hot_nodes, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory for %d hot-spot nodes", nhs);
      for (int i = 0; i < nhs; i++) sum.hot_nodes[i] = hs[i].node;
    }
    /* Output (when asked for): <output>.tmp, then rename. A caller that cannot continue a partial
       run asks for nothing to be written after a stop signal: its previous output stays. */
    if (interrupted && hooks && hooks->discard_on_stop) {
      PetscCall(FtLogInfo("fatigue: stopped on request: nothing written, %s left as it was", output ? output : "(no output)"));
      output = NULL;
    }
    if (output) {
      char      tmp[FT_PATH_MAX], xtmp[FT_PATH_MAX], xfinal[FT_PATH_MAX], date[64] = "", settings[4096];
      long      pid = (long)getpid();
      hid_t     g, gh;
      double   *hist2d = NULL, redges[FT_HIST_NR + 1], medges[FT_HIST_NM + 1];
      int       ierr = 0;
      PetscCallMPI(MPI_Bcast(&pid, 1, MPI_LONG, 0, comm));
      if (rank == 0) {
        time_t    now = time(NULL);
        struct tm tmv;
        gmtime_r(&now, &tmv);
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tmv);
      }
      PetscCallMPI(MPI_Bcast(date, sizeof date, MPI_CHAR, 0, comm));
      FtTmpName(output, pid, tmp, sizeof tmp);
      snprintf(path, sizeof path, "%s", tmp);
      /* the hot spot's rainflow histogram, computed by its owner */
      PetscCall(PetscCalloc1(FT_HIST_NR * FT_HIST_NM, &hist2d));
      memset(redges, 0, sizeof redges);
      memset(medges, 0, sizeof medges);
      if (nhs && hs[0].node >= start && hs[0].node < start + n) {
        long long i = hs[0].node - start;
        HotSpotHistogram(&S[i * 6], n, nchan, hist, eq, worst[i] >= 0 ? worst[i] : 0, f->gate, hist2d, redges, medges);
      }
      PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, hist2d, FT_HIST_NR * FT_HIST_NM, MPI_DOUBLE, MPI_SUM, comm));
      PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, redges, FT_HIST_NR + 1, MPI_DOUBLE, MPI_SUM, comm));
      PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, medges, FT_HIST_NM + 1, MPI_DOUBLE, MPI_SUM, comm));

      H5CHK(fapl = H5Pcreate(H5P_FILE_ACCESS), "file access");
      H5CHK(H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL), "file access");
      file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
      H5Pclose(fapl);
      PetscCheck(file >= 0, comm, PETSC_ERR_FILE_OPEN, "%s: fatigue.output: cannot create '%s'", c->path, path);
      H5CHK(g = H5Gcreate2(file, "mesh", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "mesh");
      PetscCall(FtH5WriteRows(g, path, "coordinates", H5T_NATIVE_DOUBLE, N, 3, start, n, X));
      PetscCall(FtH5WriteRows(g, path, "topology", H5T_NATIVE_LLONG, E, nen, cstart, ncl, topo));
      PetscCall(FtH5WriteRows(g, path, "region", H5T_NATIVE_INT, E, 0, cstart, ncl, creg));
      H5Gclose(g);
      H5CHK(g = H5Gcreate2(file, "fatigue", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "fatigue");
      PetscCall(FtH5WriteRows(g, path, "damage", H5T_NATIVE_DOUBLE, N, 0, start, n, D));
      PetscCall(FtH5WriteRows(g, path, "life_hours", H5T_NATIVE_DOUBLE, N, 0, start, n, life_h));
      PetscCall(FtH5WriteRows(g, path, "remaining_life_hours", H5T_NATIVE_DOUBLE, N, 0, start, n, rem_h));
      PetscCall(FtH5WriteRows(g, path, "worst_range", H5T_NATIVE_DOUBLE, N, 0, start, n, range));
      PetscCall(FtH5WriteRows(g, path, "cycles", H5T_NATIVE_DOUBLE, N, 0, start, n, cycles));
      PetscCall(FtH5WriteRows(g, path, "critical_channel", H5T_NATIVE_INT, N, 0, start, n, worst));
      /* rainflow state to continue counting later: raw structs (layout attributes below) */
      PetscCall(FtH5WriteRows(g, path, "rainflow_state", H5T_NATIVE_UCHAR, N, (hsize_t)nc * sizeof(FtRainflowState), start, n, rf));
      PetscCall(FtH5WriteRows(g, path, "damage_state", H5T_NATIVE_UCHAR, N, (hsize_t)nc * sizeof(FtDamageAcc), start, n, acc));
      {
        int rs = (int)sizeof(FtRainflowState), ds = (int)sizeof(FtDamageAcc), maxres = FT_RF_MAX_RESIDUE;
        PetscCall(FtH5AttrScalar(g, path, "rainflow_state_bytes", H5T_NATIVE_INT, &rs));
        PetscCall(FtH5AttrScalar(g, path, "damage_state_bytes", H5T_NATIVE_INT, &ds));
        PetscCall(FtH5AttrScalar(g, path, "rainflow_max_residue", H5T_NATIVE_INT, &maxres));
        PetscCall(FtH5AttrString(g, path, "state_layout", "FtRainflowState / FtDamageAcc structs of kernels/ft_rainflow.h and ft_sn.h "
                                                          "(x86-64, little endian), one per equivalent-stress channel"));
      }
      /* hot spots, written by rank 0 */
      H5CHK(gh = H5Gcreate2(g, "hot_spots", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "hot_spots");
      {
        long long *hn;
        double    *hx, *hd, *hl, *hr, *hrg, *hcd;
        int       *hreg, *hdom;
        PetscCall(PetscMalloc6(nhs + 1, &hn, 3 * nhs + 1, &hx, nhs + 1, &hd, nhs + 1, &hl, nhs + 1, &hr, nhs + 1, &hrg));
        PetscCall(PetscMalloc3(nhs + 1, &hreg, nhs + 1, &hdom, (size_t)nhs * nchan + 1, &hcd));
        for (int h = 0; h < nhs; h++) {
          hn[h] = hs[h].node;
          memcpy(&hx[3 * h], hs[h].x, 3 * sizeof(double));
          hd[h]   = hs[h].damage;
          hl[h]   = hs[h].life_hours;
          hr[h]   = hs[h].remaining_hours;
          hrg[h]  = hs[h].range;
          hreg[h] = hs[h].region;
          hdom[h] = hs[h].dominant;
        }
        memcpy(hcd, chd, sizeof(double) * nhs * nchan);
        PetscCall(FtH5WriteRows(gh, path, "node", H5T_NATIVE_LLONG, nhs, 0, 0, rank ? 0 : nhs, hn));
        PetscCall(FtH5WriteRows(gh, path, "position", H5T_NATIVE_DOUBLE, nhs, 3, 0, rank ? 0 : nhs, hx));
        PetscCall(FtH5WriteRows(gh, path, "region", H5T_NATIVE_INT, nhs, 0, 0, rank ? 0 : nhs, hreg));
        PetscCall(FtH5WriteRows(gh, path, "damage", H5T_NATIVE_DOUBLE, nhs, 0, 0, rank ? 0 : nhs, hd));
        PetscCall(FtH5WriteRows(gh, path, "life_hours", H5T_NATIVE_DOUBLE, nhs, 0, 0, rank ? 0 : nhs, hl));
        PetscCall(FtH5WriteRows(gh, path, "remaining_life_hours", H5T_NATIVE_DOUBLE, nhs, 0, 0, rank ? 0 : nhs, hr));
        PetscCall(FtH5WriteRows(gh, path, "worst_range", H5T_NATIVE_DOUBLE, nhs, 0, 0, rank ? 0 : nhs, hrg));
        PetscCall(FtH5WriteRows(gh, path, "dominant_channel", H5T_NATIVE_INT, nhs, 0, 0, rank ? 0 : nhs, hdom));
        PetscCall(FtH5WriteRows(gh, path, "channel_damage", H5T_NATIVE_DOUBLE, nhs, nchan, 0, rank ? 0 : nhs, hcd));
        PetscCall(FtH5AttrString(gh, path, "region_names", regions));
        PetscCall(FtH5AttrString(gh, path, "channel_damage_meaning",
                                 "damage of the history with only that channel acting; rainflow counting is not linear, so "
                                 "the channels' damages do not add up to the total"));
        PetscCall(PetscFree6(hn, hx, hd, hl, hr, hrg));
        PetscCall(PetscFree3(hreg, hdom, hcd));
      }
      H5Gclose(gh);
      H5CHK(gh = H5Gcreate2(g, "hot_spot_histogram", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "hot_spot_histogram");
      PetscCall(FtH5WriteRows(gh, path, "counts", H5T_NATIVE_DOUBLE, FT_HIST_NR, FT_HIST_NM, 0, rank ? 0 : FT_HIST_NR, hist2d));
      PetscCall(FtH5WriteRows(gh, path, "range_edges", H5T_NATIVE_DOUBLE, FT_HIST_NR + 1, 0, 0, rank ? 0 : FT_HIST_NR + 1, redges));
      PetscCall(FtH5WriteRows(gh, path, "mean_edges", H5T_NATIVE_DOUBLE, FT_HIST_NM + 1, 0, 0, rank ? 0 : FT_HIST_NM + 1, medges));
      {
        long long node = nhs ? hs[0].node : -1;
        PetscCall(FtH5AttrScalar(gh, path, "node", H5T_NATIVE_LLONG, &node));
        PetscCall(FtH5AttrString(gh, path, "meaning", "cycle counts (half cycles 0.5) of the worst hot spot's equivalent stress, "
                                                       "binned by range [Pa] (rows) and mean [Pa] (columns)"));
      }
      H5Gclose(gh);
      /* settings and provenance */
      SettingsString(c, &par, eq, settings, sizeof settings);
      PetscCall(FtH5AttrString(g, path, "settings", settings));
      PetscCall(FtH5AttrString(g, path, "history_file", f->history));
      PetscCall(FtH5AttrScalar(g, path, "history_duration_s", H5T_NATIVE_DOUBLE, &duration));
      {
        long counted = counted_before + hist->nsteps;
        int  intr    = interrupted ? 1 : 0;
        PetscCall(FtH5AttrScalar(g, path, "first_time", H5T_NATIVE_DOUBLE, &first_time));
        PetscCall(FtH5AttrScalar(g, path, "last_time", H5T_NATIVE_DOUBLE, &last_time));
        PetscCall(FtH5AttrScalar(g, path, "samples_counted", H5T_NATIVE_LONG, &counted));
        PetscCall(FtH5AttrScalar(g, path, "interrupted", H5T_NATIVE_INT, &intr));
        PetscCall(FtH5AttrString(g, path, "counting_note", resume || interrupted ? "incremental: damage, life and the counting state cover every "
                                 "sample from first_time to last_time; hot_spot_histogram and the per-channel damages of the hot-spot table "
                                 "cover the last run's samples only" : "one run over the whole history"));
      }
      PetscCall(FtH5AttrScalar(g, path, "prior_damage", H5T_NATIVE_DOUBLE, &f->prior_damage));
      PetscCall(FtH5AttrString(g, path, "life_definition",
                               "life_hours = history duration / damage per history (Palmgren-Miner, D = 1 at failure); "
                               "remaining_life_hours uses 1 - prior_damage"));
      H5Gclose(g);
      PetscCall(FtH5WriteRows(file, path, "case_file", H5T_NATIVE_CHAR, strlen(c->text), 0, 0, rank ? 0 : strlen(c->text), c->text));
      PetscCall(FtH5AttrString(file, path, "ftwin_version", FTWIN_VERSION));
      PetscCall(FtH5AttrString(file, path, "date", date));
      PetscCall(FtH5AttrScalar(file, path, "mpi_ranks", H5T_NATIVE_INT, &size));
      PetscCall(FtH5AttrString(file, path, "basis_file", basis));
      PetscCall(FtH5AttrString(file, path, "case_path", c->path));
      PetscCall(FtH5AttrString(file, path, "region_names", regions));
      PetscCall(FtH5AttrString(file, path, "backend", "cpu"));
      if (writer) PetscCall(writer(file, path, &sum, writer_ctx)); /* the caller's groups, before the file is put in place */
      PetscCheck(H5Fclose(file) >= 0, comm, PETSC_ERR_FILE_WRITE, "HDF5 failed closing '%s'", path);
      PetscCall(PetscFree(hist2d));
      /* XDMF beside it, then both renamed into place by rank 0 */
      {
        size_t len = strlen(output);
        snprintf(xfinal, sizeof xfinal, "%.*s.xdmf", (int)(len > 3 && !strcmp(output + len - 3, ".h5") ? len - 3 : len), output);
      }
      FtTmpName(xfinal, pid, xtmp, sizeof xtmp);
      if (rank == 0) {
        FILE *x = fopen(xtmp, "w");
        char  t[FT_PATH_MAX], base[FT_PATH_MAX];
        snprintf(t, sizeof t, "%s", output);
        snprintf(base, sizeof base, "%s", basename(t));
        if (!x) ierr = 1;
        else {
          const char *fields[] = {"damage", "life_hours", "remaining_life_hours", "worst_range", "cycles"};
          fprintf(x, "<?xml version=\"1.0\" ?>\n<Xdmf Version=\"3.0\">\n  <Domain>\n    <Grid Name=\"%s_fatigue\" GridType=\"Uniform\">\n", c->name);
          fprintf(x, "      <Topology TopologyType=\"%s\" NumberOfElements=\"%lld\">\n", nen == 10 ? "Tetrahedron_10" : "Tetrahedron", E);
          fprintf(x, "        <DataItem Dimensions=\"%lld %d\" NumberType=\"Int\" Precision=\"8\" Format=\"HDF\">%s:/mesh/topology</DataItem>\n      </Topology>\n", E, nen, base);
          fprintf(x, "      <Geometry GeometryType=\"XYZ\">\n        <DataItem Dimensions=\"%lld 3\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">%s:/mesh/coordinates</DataItem>\n      </Geometry>\n", N, base);
          for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
            fprintf(x, "      <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Node\">\n        <DataItem Dimensions=\"%lld\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">%s:/fatigue/%s</DataItem>\n      </Attribute>\n",
                    fields[k], N, base, fields[k]);
          fprintf(x, "    </Grid>\n  </Domain>\n</Xdmf>\n");
          if (fclose(x)) ierr = 1;
        }
        if (!ierr && rename(tmp, output)) ierr = 1;
        if (!ierr && rename(xtmp, xfinal)) ierr = 1;
        if (ierr) {
          unlink(tmp);
          unlink(xtmp);
        }
      }
      PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, comm));
      PetscCheck(!ierr, comm, PETSC_ERR_FILE_WRITE, "%s: fatigue.output: could not put '%s' in place", c->path, output);
      PetscCall(FtLogInfo("wrote %s and %s (%.2f s in all)", output, xfinal, FtWallTime() - t0));
    }
    PetscCall(PetscFree2(reg, chd));
  }
  if (summary) *summary = sum;
  else free(sum.hot_nodes);
  if (interrupted && hooks && hooks->discard_on_stop) FtSetExitCode(FT_EXIT_REQUEUE);
  else if (interrupted) {
    PetscCall(FtLogInfo("fatigue: stopped on request with the state saved up to t = %.9g s: exit code %d; run again with --incremental to continue",
                        last_time, FT_EXIT_REQUEUE));
    FtSetExitCode(FT_EXIT_REQUEUE);
  }
  PetscCall(PetscFree(hs));
  PetscCall(PetscFree6(D, range, cycles, life_h, rem_h, worst));
  PetscCall(PetscFree2(rf, acc));
  PetscCall(PetscFree3(S, X, topo));
  PetscCall(PetscFree(creg));
  PetscFunctionReturn(0);
}
