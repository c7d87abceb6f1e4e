/* The counting state, the part of a results file that a later run continues: the streaming
 * rainflow state and damage accumulator of every (node, equivalent-stress channel), as named,
 * typed datasets of /fatigue/counting_state (format_version 2; io/layout.h, docs/fatigue.md), one
 * member of FtRainflowState (kernels/ft_rainflow.h) or FtDamageAcc (kernels/ft_sn.h) each, plus the
 * residues' spills (FtRfSpill: spill_length per row, spill the rows' points concatenated; version 1
 * has none: read with empty spills), and (version 3) node screening's per-node `counted` flag, the
 * loads' extremes so far and, while any node is screened, the record of every load counted so far
 * (screen.c; versions 1 and 2 screened nothing: every node counted); and the
 * attributes of /fatigue that say what was counted (FtFatigueStateProbe). Reading converts back to
 * the structs member by member, so a run continued from the state counts exactly as one that never
 * stopped. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fatigue/engine.h"
#include "io/h5util.h"
#include "io/format_version.h"
#include "io/layout.h"
#include "runtime/log.h"

enum { KIND_F64, KIND_I32, KIND_I64, KIND_U32 };

/* One dataset of the state: a scalar member of FtRainflowState (rf = 1) or FtDamageAcc (rf = 0). */
typedef struct {
  const char *name;
  int         kind;
  int         rf;
  size_t      offset;
} StateField;

#define RF_FIELD(name, kind, member)  {name, kind, 1, offsetof(FtRainflowState, member)}
#define ACC_FIELD(name, kind, member) {name, kind, 0, offsetof(FtDamageAcc, member)}
static const StateField fields[] = {
  RF_FIELD(FT_H5_CS_GATE, KIND_F64, rev.gate),
  RF_FIELD(FT_H5_CS_CANDIDATE, KIND_F64, rev.cand),
  RF_FIELD(FT_H5_CS_LOW, KIND_F64, rev.lo),
  RF_FIELD(FT_H5_CS_HIGH, KIND_F64, rev.hi),
  RF_FIELD(FT_H5_CS_DIRECTION, KIND_I32, rev.dir),
  RF_FIELD(FT_H5_CS_STARTED, KIND_I32, rev.started),
  RF_FIELD(FT_H5_CS_REVERSALS, KIND_I64, nrev),
  RF_FIELD(FT_H5_CS_RAINFLOW_FLAGS, KIND_U32, flags),
  RF_FIELD(FT_H5_CS_RESIDUE_LENGTH, KIND_I32, n),
  ACC_FIELD(FT_H5_CS_DAMAGE, KIND_F64, damage),
  ACC_FIELD(FT_H5_CS_COMPENSATION, KIND_F64, comp),
  ACC_FIELD(FT_H5_CS_CYCLES, KIND_F64, cycles),
  ACC_FIELD(FT_H5_CS_MAX_RANGE, KIND_F64, max_range),
  ACC_FIELD(FT_H5_CS_INVALID_CYCLES, KIND_F64, invalid_cycles),
  ACC_FIELD(FT_H5_CS_DAMAGE_FLAGS, KIND_U32, flags),
  ACC_FIELD(FT_H5_CS_ERROR_CODE, KIND_I32, err_code),
  ACC_FIELD(FT_H5_CS_ERROR_AMPLITUDE, KIND_F64, err_amp),
  ACC_FIELD(FT_H5_CS_ERROR_MEAN, KIND_F64, err_mean),
};
/* every member is in the table (with the residue, a dataset of its own): a member added to either
   struct must be added here, and format_version raised */
_Static_assert(sizeof(FtReversalFilter) == 4 * sizeof(double) + 2 * sizeof(int), "FtReversalFilter: a member not in the state file");
_Static_assert(sizeof(FtRainflowState) == sizeof(FtReversalFilter) + sizeof(long long) + sizeof(unsigned) + sizeof(int) +
                                            FT_RF_MAX_RESIDUE * sizeof(double),
               "FtRainflowState: a member not in the state file");
_Static_assert(sizeof(FtDamageAcc) == 7 * sizeof(double) + sizeof(unsigned) + sizeof(int), "FtDamageAcc: a member not in the state file");
_Static_assert(sizeof(((FtReversalFilter *)0)->dir) == 4 && sizeof(((FtRainflowState *)0)->flags) == 4 &&
                 sizeof(((FtRainflowState *)0)->nrev) == 8 && sizeof(((FtDamageAcc *)0)->err_code) == 4,
               "the state's integer members must have the widths of their datasets");

static hid_t KindType(int kind)
{
  switch (kind) {
  case KIND_F64: return H5T_NATIVE_DOUBLE;
  case KIND_I32: return H5T_NATIVE_INT;
  case KIND_I64: return H5T_NATIVE_LLONG;
  default: return H5T_NATIVE_UINT;
  }
}

static size_t KindSize(int kind) { return kind == KIND_F64 || kind == KIND_I64 ? 8 : 4; }

/* The member of row m: its address in rf[m] or acc[m]. */
static char *Member(const StateField *F, FtRainflowState *rf, FtDamageAcc *acc, size_t m)
{
  return F->rf ? (char *)&rf[m] + F->offset : (char *)&acc[m] + F->offset;
}

/* Version 3: counted [nodes], load_min / load_max [channels] (over every sample counted so far, NaN when an earlier
   state did not know them), load_record [samples][channels] (the earlier record + this run's counted steps) while any
   node is not counted. */
static PetscErrorCode WriteScreening(const FtFatigueWork *W, hid_t gs, const char *path)
{
  const int      nchan = W->nchan, root = W->rank == 0;
  const long     nnew = W->hist.nsteps, ntot = W->nrecord + nnew;
  const PetscBool complete = W->counted_before == 0 || W->have_prev;
  double         mn[FT_FATIGUE_MAX_CHANNELS_CASE], mx[FT_FATIGUE_MAX_CHANNELS_CASE];
  int            screened = 0, any;

  PetscFunctionBeginUser;
  PetscCall(FtH5WriteRows(gs, path, FT_H5_CS_COUNTED, H5T_NATIVE_UCHAR, W->N, 0, W->start, W->n, W->counted));
  for (int k = 0; k < nchan; k++) {
    mn[k] = W->have_prev ? W->prev_min[k] : INFINITY;
    mx[k] = W->have_prev ? W->prev_max[k] : -INFINITY;
    for (long t = 0; t < nnew; t++) {
      mn[k] = PetscMin(mn[k], W->hist.L[(size_t)t * nchan + k]);
      mx[k] = PetscMax(mx[k], W->hist.L[(size_t)t * nchan + k]);
    }
    if (!complete) mn[k] = mx[k] = NAN;
  }
  PetscCall(FtH5WriteRows(gs, path, FT_H5_CS_LOAD_MIN, H5T_NATIVE_DOUBLE, nchan, 0, 0, root ? nchan : 0, mn));
  PetscCall(FtH5WriteRows(gs, path, FT_H5_CS_LOAD_MAX, H5T_NATIVE_DOUBLE, nchan, 0, 0, root ? nchan : 0, mx));
  for (long long i = 0; i < W->n; i++) screened |= !W->counted[i];
  PetscCallMPI(MPI_Allreduce(&screened, &any, 1, MPI_INT, MPI_MAX, W->comm));
  if (any) {
    double *rec = NULL;
    PetscCheck(W->nrecord == W->counted_before, W->comm, PETSC_ERR_PLIB, "%s: load record of %ld samples for %ld counted", W->c->path,
               W->nrecord, W->counted_before);
    if (root) {
      PetscCall(PetscMalloc1((size_t)ntot * nchan + 1, &rec));
      if (W->nrecord) memcpy(rec, W->record, (size_t)W->nrecord * nchan * sizeof *rec);
      memcpy(rec + (size_t)W->nrecord * nchan, W->hist.L, (size_t)nnew * nchan * sizeof *rec);
    }
    PetscCall(FtH5WriteRows(gs, path, FT_H5_CS_LOAD_RECORD, H5T_NATIVE_DOUBLE, (hsize_t)ntot, nchan, 0, root ? (hsize_t)ntot : 0, rec));
    PetscCall(PetscFree(rec));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FtFatigueStateWrite(const FtFatigueWork *W, hid_t g, const char *path)
{
  const hsize_t rows = (hsize_t)W->N * W->nc, r0 = (hsize_t)W->start * W->nc, rn = (hsize_t)W->n * W->nc;
  const int     version = FT_H5_CS_VERSION, nc = W->nc, maxres = FT_RF_MAX_RESIDUE;
  char         *buf;
  hid_t         gs;

  PetscFunctionBeginUser;
  H5CHK(gs = H5Gcreate2(g, FT_H5_COUNTING_STATE, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "counting_state");
  PetscCall(PetscMalloc1((rn + 1) * FT_RF_MAX_RESIDUE * sizeof(double), &buf));
  for (size_t q = 0; q < sizeof fields / sizeof fields[0]; q++) {
    const StateField *F  = &fields[q];
    const size_t      sz = KindSize(F->kind);
    for (size_t m = 0; m < rn; m++) memcpy(buf + m * sz, Member(F, W->rf, W->acc, m), sz);
    PetscCall(FtH5WriteRows(gs, path, F->name, KindType(F->kind), rows, 0, r0, rn, buf));
  }
  for (size_t m = 0; m < rn; m++) memcpy(buf + m * sizeof W->rf[m].res, W->rf[m].res, sizeof W->rf[m].res);
  PetscCall(FtH5WriteRows(gs, path, FT_H5_CS_RESIDUE, H5T_NATIVE_DOUBLE, rows, FT_RF_MAX_RESIDUE, r0, rn, buf));
  PetscCall(PetscFree(buf));
  /* the spills: lengths per row, points concatenated in row order (this rank's rows are one
     contiguous piece, after those of the lower ranks) */
  {
    long long *len, mine = 0, off = 0, total = 0;
    double    *pts;
    PetscCall(PetscMalloc1(rn + 1, &len));
    for (size_t m = 0; m < rn; m++) mine += (len[m] = W->spill ? W->spill[m].n : 0);
    PetscCall(FtH5WriteRows(gs, path, FT_H5_CS_SPILL_LENGTH, H5T_NATIVE_LLONG, rows, 0, r0, rn, len));
    PetscCallMPI(MPI_Exscan(&mine, &off, 1, MPI_LONG_LONG, MPI_SUM, W->comm));
    if (W->rank == 0) off = 0;
    PetscCallMPI(MPI_Allreduce(&mine, &total, 1, MPI_LONG_LONG, MPI_SUM, W->comm));
    PetscCall(PetscMalloc1(mine + 1, &pts));
    for (size_t m = 0, q = 0; m < rn; m++)
      if (len[m]) {
        memcpy(pts + q, W->spill[m].v, (size_t)len[m] * sizeof *pts);
        q += (size_t)len[m];
      }
    if (total) PetscCall(FtH5WriteRows(gs, path, FT_H5_CS_SPILL, H5T_NATIVE_DOUBLE, (hsize_t)total, 0, (hsize_t)off, (hsize_t)mine, pts));
    else { /* no spill anywhere (the usual case): an empty dataset, nothing to write */
      const hsize_t zero = 0;
      hid_t         fs, ds;
      H5CHK(fs = H5Screate_simple(1, &zero, NULL), FT_H5_CS_SPILL);
      H5CHK(ds = H5Dcreate2(gs, FT_H5_CS_SPILL, H5T_NATIVE_DOUBLE, fs, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), FT_H5_CS_SPILL);
      H5Dclose(ds);
      H5Sclose(fs);
    }
    PetscCall(PetscFree(pts));
    PetscCall(PetscFree(len));
  }
  PetscCall(PetscFree(buf));
  PetscCall(WriteScreening(W, gs, path));
  PetscCall(FtFormatVersionWrite(gs, path, version));
  PetscCall(FtH5AttrScalar(gs, path, FT_H5_CS_SIGNALS, H5T_NATIVE_INT, &nc));
  PetscCall(FtH5AttrScalar(gs, path, FT_H5_CS_MAX_RESIDUE, H5T_NATIVE_INT, &maxres));
  PetscCall(FtH5AttrString(gs, path, "layout",
                           "row s = node * signals + channel of the equivalent stress (signals per node: attribute signals); "
                           "gate .. residue: the streaming rainflow counter (FtRainflowState, kernels/ft_rainflow.h), residue "
                           "[rows][max_residue] Pa with its first residue_length values live; spill_length [rows], spill [sum of "
                           "spill_length] Pa: the older part of each row's residue (FtRfSpill), rows concatenated in order, the whole "
                           "residue of row s = its spill then its residue; damage .. error_mean: the damage "
                           "accumulator (FtDamageAcc, kernels/ft_sn.h); docs/fatigue.md"));
  H5Gclose(gs);
  PetscFunctionReturn(0);
}

/* The format_version of `file`'s counting state as text ("1", "7", or why there is none) into
 * buf; returns it when this code reads it (1, 2 or 3), else 0. Rank-local. */
static int StateVersion(hid_t file, char *buf, size_t len)
{
  hid_t g;
  int   v = 0, ok = 0;

  if (H5Lexists(file, FT_H5_G_FATIGUE, H5P_DEFAULT) <= 0 || H5Lexists(file, FT_H5_G_COUNTING_STATE, H5P_DEFAULT) <= 0) {
    int old = H5Lexists(file, FT_H5_G_FATIGUE, H5P_DEFAULT) > 0 && H5Lexists(file, FT_H5_P_OLD_RAINFLOW_STATE, H5P_DEFAULT) > 0;
    snprintf(buf, len, "none (no such group%s)", old ? "; the raw struct bytes " FT_H5_P_OLD_RAINFLOW_STATE " of an older ftwin instead" : "");
    return 0;
  }
  if ((g = H5Gopen2(file, FT_H5_G_COUNTING_STATE, H5P_DEFAULT)) < 0) {
    snprintf(buf, len, "unreadable (not a group)");
    return 0;
  }
  switch (FtFormatVersionRead(g, &v)) {
  case 0:
    snprintf(buf, len, "%d", v);
    ok = (v >= 1 && v <= FT_H5_CS_VERSION) ? v : 0;
    break;
  case 1: snprintf(buf, len, "none (no attribute %s)", FT_H5_FORMAT_VERSION); break;
  default: snprintf(buf, len, "unreadable (not an integer)");
  }
  H5Gclose(g);
  return ok;
}

/* One integer attribute of the open group g (-1 when absent or unreadable). Rank-local. */
static int IntAttr(hid_t g, const char *name)
{
  int   v = -1;
  hid_t a = H5Aexists(g, name) > 0 ? H5Aopen(g, name, H5P_DEFAULT) : -1;
  if (a >= 0) {
    if (H5Aread(a, H5T_NATIVE_INT, &v) < 0) v = -1;
    H5Aclose(a);
  }
  return v;
}

/* The state's shape against this run's: signals per node, nodes, residue width. */
static PetscErrorCode CheckShape(const FtFatigueWork *W, hid_t file, const char *path)
{
  hid_t   g;
  hsize_t d[2], r[2];
  int     nd, nr, signals, maxres;
  char    dset[256];

  PetscFunctionBeginUser;
  H5READCHK(g = H5Gopen2(file, FT_H5_G_COUNTING_STATE, H5P_DEFAULT), FT_H5_G_COUNTING_STATE);
  signals = IntAttr(g, FT_H5_CS_SIGNALS);
  maxres  = IntAttr(g, FT_H5_CS_MAX_RESIDUE);
  H5Gclose(g);
  snprintf(dset, sizeof dset, "%s/%s", FT_H5_G_COUNTING_STATE, FT_H5_CS_DAMAGE);
  PetscCall(FtFatigueDatasetDims(file, path, dset, d, &nd));
  snprintf(dset, sizeof dset, "%s/%s", FT_H5_G_COUNTING_STATE, FT_H5_CS_RESIDUE);
  PetscCall(FtFatigueDatasetDims(file, path, dset, r, &nr));
  PetscCheck(signals == W->nc && nd == 1 && (long long)d[0] == W->N * W->nc, W->comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: the counting state in '%s' is for %lld nodes x %d signals, this run has %lld nodes x %d: cannot continue it", W->c->path,
             path, signals > 0 ? (long long)d[0] / signals : 0LL, signals, W->N, W->nc);
  PetscCheck(maxres == FT_RF_MAX_RESIDUE, W->comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: the counting state in '%s' keeps residues of %d points, this ftwin %d (FT_RF_MAX_RESIDUE): cannot continue it", W->c->path,
             path, maxres, FT_RF_MAX_RESIDUE);
  PetscCheck(nr == 2 && r[0] == d[0] && r[1] == (hsize_t)FT_RF_MAX_RESIDUE, W->comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: the counting state in '%s' is damaged: %s/%s has %d dimension(s) [%llu%s], expected [%llu][%d]: cannot continue it",
             W->c->path, path, FT_H5_G_COUNTING_STATE, FT_H5_CS_RESIDUE, nr, (unsigned long long)r[0], nr == 2 ? "][...]" : "",
             (unsigned long long)d[0], FT_RF_MAX_RESIDUE);
  PetscFunctionReturn(0);
}

/* Reads every dataset of the state for this rank's rows into W->rf, W->acc. */
static PetscErrorCode ReadFields(FtFatigueWork *W, hid_t file, const char *path, int version)
{
  const hsize_t r0 = (hsize_t)W->start * W->nc, rn = (hsize_t)W->n * W->nc;
  char         *buf, dset[256];
  int           bad = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1((rn + 1) * FT_RF_MAX_RESIDUE * sizeof(double), &buf));
  for (size_t q = 0; q < sizeof fields / sizeof fields[0]; q++) {
    const StateField *F  = &fields[q];
    const size_t      sz = KindSize(F->kind);
    snprintf(dset, sizeof dset, "%s/%s", FT_H5_G_COUNTING_STATE, F->name);
    PetscCall(FtH5ReadRows(file, path, dset, KindType(F->kind), 0, r0, rn, buf));
    for (size_t m = 0; m < rn; m++) memcpy(Member(F, W->rf, W->acc, m), buf + m * sz, sz);
  }
  snprintf(dset, sizeof dset, "%s/%s", FT_H5_G_COUNTING_STATE, FT_H5_CS_RESIDUE);
  PetscCall(FtH5ReadRows(file, path, dset, H5T_NATIVE_DOUBLE, FT_RF_MAX_RESIDUE, r0, rn, buf));
  for (size_t m = 0; m < rn; m++) memcpy(W->rf[m].res, buf + m * sizeof W->rf[m].res, sizeof W->rf[m].res);
  PetscCall(PetscFree(buf));
  /* values the counter could not have made (a damaged file) would send it out of bounds */
  for (size_t m = 0; m < rn; m++)
    if (W->rf[m].n < 0 || W->rf[m].n > FT_RF_MAX_RESIDUE || W->rf[m].rev.dir < -1 || W->rf[m].rev.dir > 1) bad = 1;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_MAX, W->comm));
  PetscCheck(!bad, W->comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: the counting state in '%s' is damaged (a residue length outside 0..%d or a direction outside -1..1): cannot continue it",
             W->c->path, path, FT_RF_MAX_RESIDUE);
  /* version 2: the spills (version 1 has none: they stay empty) */
  if (version >= 2) {
    long long *len, mine = 0, off = 0, total = 0;
    double    *pts;
    hsize_t    d[2];
    int        nd;
    PetscCall(PetscMalloc1(rn + 1, &len));
    snprintf(dset, sizeof dset, "%s/%s", FT_H5_G_COUNTING_STATE, FT_H5_CS_SPILL_LENGTH);
    PetscCall(FtH5ReadRows(file, path, dset, H5T_NATIVE_LLONG, 0, r0, rn, len));
    for (size_t m = 0; m < rn; m++) {
      if (len[m] < 0 || (len[m] > 0 && !W->spill)) bad = 1;
      else mine += len[m];
    }
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_MAX, W->comm));
    PetscCallMPI(MPI_Exscan(&mine, &off, 1, MPI_LONG_LONG, MPI_SUM, W->comm));
    if (W->rank == 0) off = 0;
    PetscCallMPI(MPI_Allreduce(&mine, &total, 1, MPI_LONG_LONG, MPI_SUM, W->comm));
    snprintf(dset, sizeof dset, "%s/%s", FT_H5_G_COUNTING_STATE, FT_H5_CS_SPILL);
    PetscCall(FtFatigueDatasetDims(file, path, dset, d, &nd));
    PetscCheck(!bad && nd == 1 && (long long)d[0] == total, W->comm, PETSC_ERR_FILE_UNEXPECTED,
               "%s: the counting state in '%s' is damaged (%s/%s has %lld values, its spill_length sum to %lld, or a spill length "
               "is negative): cannot continue it",
               W->c->path, path, FT_H5_G_COUNTING_STATE, FT_H5_CS_SPILL, nd == 1 ? (long long)d[0] : -1LL, total);
    PetscCall(PetscMalloc1(mine + 1, &pts));
    if (total) PetscCall(FtH5ReadRows(file, path, dset, H5T_NATIVE_DOUBLE, 0, (hsize_t)off, (hsize_t)mine, pts));
    for (size_t m = 0, q = 0; m < rn; m++)
      if (len[m]) {
        FtRfSpill *sp = &W->spill[m];
        ft_rf_spill_free(sp);
        sp->v = (double *)malloc((size_t)len[m] * sizeof *sp->v);
        PetscCheck(sp->v, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory for a rainflow spill of %lld points", len[m]);
        memcpy(sp->v, pts + q, (size_t)len[m] * sizeof *sp->v);
        sp->n = sp->cap = len[m];
        q += (size_t)len[m];
      }
    PetscCall(PetscFree(pts));
    PetscCall(PetscFree(len));
  }
  PetscFunctionReturn(0);
}

/* Version 3: W->counted, the extremes (W->have_prev when finite) and the load record (when present: it must hold
   every sample counted so far). Versions 1 and 2 screened nothing: every node counted, no extremes. */
static PetscErrorCode ReadScreening(FtFatigueWork *W, hid_t file, const char *path, int version, long samples)
{
  const int nchan = W->nchan;
  char      dset[256];
  hsize_t   d[2];
  int       nd;

  PetscFunctionBeginUser;
  W->have_prev = 0;
  if (version < 3) {
    for (long long i = 0; i < W->n; i++) W->counted[i] = 1;
    PetscFunctionReturn(0);
  }
  {
    const char *need[] = {FT_H5_CS_COUNTED, FT_H5_CS_LOAD_MIN, FT_H5_CS_LOAD_MAX};
    for (int q = 0; q < 3; q++) {
      snprintf(dset, sizeof dset, "%s/%s", FT_H5_G_COUNTING_STATE, need[q]);
      PetscCheck(H5Lexists(file, dset, H5P_DEFAULT) > 0, W->comm, PETSC_ERR_FILE_UNEXPECTED,
                 "%s: the counting state in '%s' is damaged: %s is missing (format_version 3 has it): cannot continue it", W->c->path, path,
                 dset);
    }
  }
  snprintf(dset, sizeof dset, "%s/%s", FT_H5_G_COUNTING_STATE, FT_H5_CS_COUNTED);
  PetscCall(FtFatigueDatasetDims(file, path, dset, d, &nd));
  PetscCheck(nd == 1 && (long long)d[0] == W->N, W->comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: the counting state in '%s' is damaged: %s has %d dimension(s) [%llu], expected [%lld] (nodes): cannot continue it",
             W->c->path, path, dset, nd, (unsigned long long)d[0], W->N);
  PetscCall(FtH5ReadRows(file, path, dset, H5T_NATIVE_UCHAR, 0, W->start, W->n, W->counted));
  for (int q = 0; q < 2; q++) { /* load_min, load_max: [channels] */
    snprintf(dset, sizeof dset, "%s/%s", FT_H5_G_COUNTING_STATE, q ? FT_H5_CS_LOAD_MAX : FT_H5_CS_LOAD_MIN);
    PetscCall(FtFatigueDatasetDims(file, path, dset, d, &nd));
    PetscCheck(nd == 1 && (int)d[0] == nchan, W->comm, PETSC_ERR_FILE_UNEXPECTED,
               "%s: the counting state in '%s' is damaged: %s has %d dimension(s) [%llu], expected [%d] (channels): cannot continue it",
               W->c->path, path, dset, nd, (unsigned long long)d[0], nchan);
    PetscCall(FtH5ReadRows(file, path, dset, H5T_NATIVE_DOUBLE, 0, 0, nchan, q ? W->prev_max : W->prev_min));
  }
  W->have_prev = 1;
  for (int k = 0; k < nchan; k++)
    if (!isfinite(W->prev_min[k]) || !isfinite(W->prev_max[k]) || W->prev_min[k] > W->prev_max[k]) W->have_prev = 0;
  for (long long i = 0; i < W->n; i++) W->counted[i] = W->counted[i] != 0;
  snprintf(dset, sizeof dset, "%s/%s", FT_H5_G_COUNTING_STATE, FT_H5_CS_LOAD_RECORD);
  if (H5Lexists(file, dset, H5P_DEFAULT) > 0) {
    PetscCall(FtFatigueDatasetDims(file, path, dset, d, &nd));
    PetscCheck(nd == 2 && (long)d[0] == samples && (int)d[1] == nchan, W->comm, PETSC_ERR_FILE_UNEXPECTED,
               "%s: the counting state in '%s' is damaged: %s is [%llu][%llu], expected [%ld][%d] (samples counted, channels): cannot "
               "continue it",
               W->c->path, path, dset, (unsigned long long)d[0], nd == 2 ? (unsigned long long)d[1] : 0ULL, samples, nchan);
    PetscCall(PetscMalloc1((size_t)samples * nchan + 1, &W->record));
    PetscCall(FtH5ReadRows(file, path, dset, H5T_NATIVE_DOUBLE, nchan, 0, (hsize_t)samples, W->record));
    W->nrecord = samples;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FtFatigueStateRead(FtFatigueWork *W, const FtFatigueResume *resume)
{
  hid_t fapl, file;
  char  path[FT_PATH_MAX], version[160];
  int   ok;

  PetscFunctionBeginUser;
  snprintf(path, sizeof path, "%s", resume->state_file);
  H5CHK(fapl = H5Pcreate(H5P_FILE_ACCESS), "file access");
  H5CHK(H5Pset_fapl_mpio(fapl, W->comm, MPI_INFO_NULL), "file access");
  file = FtH5OpenQuiet(path, H5F_ACC_RDONLY, fapl);
  H5Pclose(fapl);
  PetscCheck(file >= 0, W->comm, PETSC_ERR_FILE_OPEN, "%s: cannot open the previous results '%s' to continue", W->c->path, path);
  ok = StateVersion(file, version, sizeof version); /* the version read (1, 2 or 3), 0: refused */
  if (!ok) {
    H5Fclose(file);
    SETERRQ(W->comm, PETSC_ERR_FILE_UNEXPECTED,
            "%s: cannot continue the counting state of '%s': group %s, format_version %s; this ftwin reads format_version 1, 2 and %d only "
            "(the state was written by an older or a newer ftwin): count again from the start (ftwin fatigue without --incremental; "
            "ftwin asset with a new output file)",
            W->c->path, path, FT_H5_G_COUNTING_STATE, version, FT_H5_CS_VERSION);
  }
  PetscCall(CheckShape(W, file, path));
  PetscCall(ReadFields(W, file, path, ok));
  PetscCall(ReadScreening(W, file, path, ok, resume->samples));
  H5Fclose(file);
  PetscCall(FtLogInfo("fatigue: continuing the counting state of %s (%ld samples up to t = %.9g s)", path, resume->samples,
                      resume->last_time));
  PetscFunctionReturn(0);
}

PetscErrorCode FtFatigueStateProbe(MPI_Comm comm, const char *path, FtFatigueStateInfo *info)
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  memset(info, 0, sizeof *info);
  if (rank == 0 && access(path, F_OK) == 0) {
    hid_t h5 = FtH5OpenQuiet(path, H5F_ACC_RDONLY, H5P_DEFAULT), g;
    if (h5 >= 0 && H5Lexists(h5, FT_H5_G_FATIGUE, H5P_DEFAULT) > 0 && (g = H5Gopen2(h5, FT_H5_G_FATIGUE, H5P_DEFAULT)) >= 0) {
      if (H5Aexists(g, FT_H5_FAT_LAST_TIME) > 0 && H5Aexists(g, FT_H5_FAT_FIRST_TIME) > 0 && H5Aexists(g, FT_H5_FAT_SAMPLES) > 0) {
        hid_t a;
        a = H5Aopen(g, FT_H5_FAT_FIRST_TIME, H5P_DEFAULT); H5Aread(a, H5T_NATIVE_DOUBLE, &info->first_time); H5Aclose(a);
        a = H5Aopen(g, FT_H5_FAT_LAST_TIME, H5P_DEFAULT); H5Aread(a, H5T_NATIVE_DOUBLE, &info->last_time); H5Aclose(a);
        a = H5Aopen(g, FT_H5_FAT_SAMPLES, H5P_DEFAULT); H5Aread(a, H5T_NATIVE_LONG, &info->samples); H5Aclose(a);
        if (H5Aexists(g, FT_H5_FAT_INTERRUPTED) > 0) {
          a = H5Aopen(g, FT_H5_FAT_INTERRUPTED, H5P_DEFAULT); H5Aread(a, H5T_NATIVE_INT, &info->interrupted); H5Aclose(a);
        }
        FtH5ReadStringAttr(g, FT_H5_FAT_SETTINGS, info->settings, sizeof info->settings);
        FtH5ReadStringAttr(h5, FT_H5_BASIS_FILE, info->basis, sizeof info->basis);
        info->found = 1;
      } else snprintf(info->err, sizeof info->err, "it has no counting state (an older format): remove it to start again");
      H5Gclose(g);
    } else snprintf(info->err, sizeof info->err, "it is not an ftwin fatigue results file");
    if (h5 >= 0) H5Fclose(h5);
  }
  PetscCallMPI(MPI_Bcast(info, (int)sizeof *info, MPI_BYTE, 0, comm));
  PetscFunctionReturn(0);
}
