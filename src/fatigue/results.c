/* The results file of the fatigue engine (README.md "Fatigue method", docs/fatigue.md) and its
 * XDMF companion, written under temporary names and put in place by io/atomic.h. */
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "build_info.h"
#include "fatigue/engine.h"
#include "io/atomic.h"
#include "io/h5util.h"
#include "io/layout.h"
#include "runtime/log.h"

/* /mesh: this rank's rows of the basis's coordinates, topology and regions. */
static PetscErrorCode WriteMesh(const FtFatigueWork *W, hid_t file, const char *path)
{
  hid_t g;

  PetscFunctionBeginUser;
  H5CHK(g = H5Gcreate2(file, FT_H5_MESH, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "mesh");
  PetscCall(FtH5WriteRows(g, path, FT_H5_MESH_COORDINATES, H5T_NATIVE_DOUBLE, W->N, 3, W->start, W->n, W->X));
  PetscCall(FtH5WriteRows(g, path, FT_H5_MESH_TOPOLOGY, H5T_NATIVE_LLONG, W->E, W->nen, W->cstart, W->ncl, W->topo));
  PetscCall(FtH5WriteRows(g, path, FT_H5_MESH_REGION, H5T_NATIVE_INT, W->E, 0, W->cstart, W->ncl, W->creg));
  H5Gclose(g);
  PetscFunctionReturn(0);
}

/* /fatigue/hot_spots, written by rank 0. */
static PetscErrorCode WriteHotSpots(const FtFatigueWork *W, hid_t g, const char *path)
{
  const int        nhs = W->nhs, nchan = W->nchan, mine = W->rank ? 0 : nhs;
  const FtHotSpot *hs  = W->hs;
  long long       *hn;
  double          *hx, *hd, *hl, *hr, *hrg;
  int             *hreg, *hdom;
  hid_t            gh;

  PetscFunctionBeginUser;
  H5CHK(gh = H5Gcreate2(g, FT_H5_HOT_SPOTS, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "hot_spots");
  PetscCall(PetscMalloc6(nhs + 1, &hn, 3 * nhs + 1, &hx, nhs + 1, &hd, nhs + 1, &hl, nhs + 1, &hr, nhs + 1, &hrg));
  PetscCall(PetscMalloc2(nhs + 1, &hreg, nhs + 1, &hdom));
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
  PetscCall(FtH5WriteRows(gh, path, FT_H5_HS_NODE, H5T_NATIVE_LLONG, nhs, 0, 0, mine, hn));
  PetscCall(FtH5WriteRows(gh, path, FT_H5_HS_POSITION, H5T_NATIVE_DOUBLE, nhs, 3, 0, mine, hx));
  PetscCall(FtH5WriteRows(gh, path, FT_H5_HS_REGION, H5T_NATIVE_INT, nhs, 0, 0, mine, hreg));
  PetscCall(FtH5WriteRows(gh, path, FT_H5_HS_DAMAGE, H5T_NATIVE_DOUBLE, nhs, 0, 0, mine, hd));
  PetscCall(FtH5WriteRows(gh, path, FT_H5_HS_LIFE_HOURS, H5T_NATIVE_DOUBLE, nhs, 0, 0, mine, hl));
  PetscCall(FtH5WriteRows(gh, path, FT_H5_HS_REMAINING_HOURS, H5T_NATIVE_DOUBLE, nhs, 0, 0, mine, hr));
  PetscCall(FtH5WriteRows(gh, path, FT_H5_HS_WORST_RANGE, H5T_NATIVE_DOUBLE, nhs, 0, 0, mine, hrg));
  PetscCall(FtH5WriteRows(gh, path, FT_H5_HS_DOMINANT, H5T_NATIVE_INT, nhs, 0, 0, mine, hdom));
  PetscCall(FtH5WriteRows(gh, path, FT_H5_HS_CHANNEL_DAMAGE, H5T_NATIVE_DOUBLE, nhs, nchan, 0, mine, W->chd));
  PetscCall(FtH5AttrString(gh, path, FT_H5_REGION_NAMES, W->regions));
  PetscCall(FtH5AttrString(gh, path, "channel_damage_meaning",
                           "damage of the history with only that channel acting; rainflow counting is not linear, so "
                           "the channels' damages do not add up to the total"));
  PetscCall(PetscFree6(hn, hx, hd, hl, hr, hrg));
  PetscCall(PetscFree2(hreg, hdom));
  H5Gclose(gh);
  PetscFunctionReturn(0);
}

/* /fatigue/hot_spot_histogram, written by rank 0 (computed by the worst hot spot's owner). */
static PetscErrorCode WriteHistogram(const FtFatigueWork *W, hid_t g, const char *path)
{
  double   *counts, redges[FT_HIST_NR + 1], medges[FT_HIST_NM + 1];
  long long node = W->nhs ? W->hs[0].node : -1;
  hid_t     gh;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(FT_HIST_NR * FT_HIST_NM, &counts));
  PetscCall(FtFatigueHotSpotHistogram(W, counts, redges, medges));
  H5CHK(gh = H5Gcreate2(g, FT_H5_HOT_SPOT_HISTOGRAM, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "hot_spot_histogram");
  PetscCall(FtH5WriteRows(gh, path, FT_H5_HH_COUNTS, H5T_NATIVE_DOUBLE, FT_HIST_NR, FT_HIST_NM, 0, W->rank ? 0 : FT_HIST_NR, counts));
  PetscCall(FtH5WriteRows(gh, path, FT_H5_HH_RANGE_EDGES, H5T_NATIVE_DOUBLE, FT_HIST_NR + 1, 0, 0, W->rank ? 0 : FT_HIST_NR + 1, redges));
  PetscCall(FtH5WriteRows(gh, path, FT_H5_HH_MEAN_EDGES, H5T_NATIVE_DOUBLE, FT_HIST_NM + 1, 0, 0, W->rank ? 0 : FT_HIST_NM + 1, medges));
  PetscCall(FtH5AttrScalar(gh, path, "node", H5T_NATIVE_LLONG, &node));
  PetscCall(FtH5AttrString(gh, path, "meaning", "cycle counts (half cycles 0.5) of the worst hot spot's equivalent stress, "
                                                 "binned by range [Pa] (rows) and mean [Pa] (columns)"));
  H5Gclose(gh);
  PetscCall(PetscFree(counts));
  PetscFunctionReturn(0);
}

/* /fatigue's attributes: settings and provenance, what was counted. */
static PetscErrorCode WriteFatigueAttributes(const FtFatigueWork *W, hid_t g, const char *path)
{
  const PetscBool resumed = W->hooks && W->hooks->resume;
  const long      counted = W->counted_before + W->hist.nsteps;
  const int       intr    = W->interrupted ? 1 : 0;
  char            settings[4096];

  PetscFunctionBeginUser;
  FtFatigueSettingsLine(W->c, &W->par, W->eq, settings, sizeof settings);
  PetscCall(FtH5AttrString(g, path, FT_H5_FAT_SETTINGS, settings));
  PetscCall(FtH5AttrString(g, path, "history_file", W->f->history));
  PetscCall(FtH5AttrScalar(g, path, "history_duration_s", H5T_NATIVE_DOUBLE, &W->duration));
  PetscCall(FtH5AttrScalar(g, path, FT_H5_FAT_FIRST_TIME, H5T_NATIVE_DOUBLE, &W->first_time));
  PetscCall(FtH5AttrScalar(g, path, FT_H5_FAT_LAST_TIME, H5T_NATIVE_DOUBLE, &W->last_time));
  PetscCall(FtH5AttrScalar(g, path, FT_H5_FAT_SAMPLES, H5T_NATIVE_LONG, &counted));
  PetscCall(FtH5AttrScalar(g, path, FT_H5_FAT_INTERRUPTED, H5T_NATIVE_INT, &intr));
  PetscCall(FtH5AttrString(g, path, "counting_note", resumed || W->interrupted ? "incremental: damage, life and the counting state cover every "
                           "sample from first_time to last_time; hot_spot_histogram and the per-channel damages of the hot-spot table "
                           "cover the last run's samples only" : "one run over the whole history"));
  PetscCall(FtH5AttrScalar(g, path, "approximate_nodes", H5T_NATIVE_LLONG, &W->approximate_nodes));
  PetscCall(FtH5AttrScalar(g, path, "nan_sample_nodes", H5T_NATIVE_LLONG, &W->nan_sample_nodes));
  PetscCall(FtH5AttrString(g, path, "counting_exactness",
                           W->approximate_nodes ? "APPROXIMATE at approximate_nodes nodes (counting_flags bit 1): a rainflow residue longer "
                                                  "than the kernel's capacity was shortened by counting its oldest range as a half cycle "
                                                  "early; exact ASTM E1049 elsewhere"
                                                : "exact ASTM E1049 rainflow at every node (residues of any length: the part beyond the kernel's inline capacity spilled)"));
  PetscCall(FtH5AttrString(g, path, "screening", W->f->screening ? "auto" : "off"));
  PetscCall(FtH5AttrScalar(g, path, FT_H5_FAT_SCREENED_NODES, H5T_NATIVE_LLONG, &W->nscreened));
  PetscCall(FtH5AttrScalar(g, path, "screening_skipped_damage_bound", H5T_NATIVE_DOUBLE, &W->skip_bound));
  PetscCall(FtH5AttrString(g, path, "screening_note",
                           "screened = 1: the node was not counted in this run because no cycle of the history so far can reach "
                           "the S-N cut-off (bound from the unit stresses and the loads' extremes, docs/fatigue.md \"Node screening\"): "
                           "damage exactly 0 (as a full count gives), life infinite, cycles and worst_range 0 (not counted); with "
                           "screening_tolerance > 0 also nodes whose skipped damage is at most screening_skipped_damage_bound"));
  PetscCall(FtH5AttrScalar(g, path, "prior_damage", H5T_NATIVE_DOUBLE, &W->f->prior_damage));
  PetscCall(FtH5AttrString(g, path, "life_definition",
                           "life_hours = history duration / damage per history (Palmgren-Miner, D = 1 at failure); "
                           "remaining_life_hours uses 1 - prior_damage"));
  PetscFunctionReturn(0);
}

/* Everything in the open file `file` (named path): mesh, /fatigue, root attributes, the caller's
 * groups. */
static PetscErrorCode WriteContents(const FtFatigueWork *W, hid_t file, const char *path, const char *date, const FtFatigueSummary *sum)
{
  const FtCase *c   = W->c;
  const size_t  len = strlen(c->text);
  const int     ranks = W->size;
  hid_t         g;

  PetscFunctionBeginUser;
  PetscCall(WriteMesh(W, file, path));
  H5CHK(g = H5Gcreate2(file, FT_H5_FATIGUE, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "fatigue");
  PetscCall(FtH5WriteRows(g, path, FT_H5_FAT_DAMAGE, H5T_NATIVE_DOUBLE, W->N, 0, W->start, W->n, W->D));
  PetscCall(FtH5WriteRows(g, path, FT_H5_FAT_LIFE_HOURS, H5T_NATIVE_DOUBLE, W->N, 0, W->start, W->n, W->life_h));
  PetscCall(FtH5WriteRows(g, path, FT_H5_FAT_REMAINING_HOURS, H5T_NATIVE_DOUBLE, W->N, 0, W->start, W->n, W->rem_h));
  PetscCall(FtH5WriteRows(g, path, FT_H5_FAT_WORST_RANGE, H5T_NATIVE_DOUBLE, W->N, 0, W->start, W->n, W->range));
  PetscCall(FtH5WriteRows(g, path, FT_H5_FAT_CYCLES, H5T_NATIVE_DOUBLE, W->N, 0, W->start, W->n, W->cycles));
  PetscCall(FtH5WriteRows(g, path, FT_H5_FAT_CRITICAL, H5T_NATIVE_INT, W->N, 0, W->start, W->n, W->worst));
  PetscCall(FtH5WriteRows(g, path, FT_H5_FAT_COUNTING_FLAGS, H5T_NATIVE_INT, W->N, 0, W->start, W->n, W->cflags));
  {
    unsigned char *scr;
    PetscCall(PetscMalloc1(W->n + 1, &scr));
    for (long long i = 0; i < W->n; i++) scr[i] = !W->active[i];
    PetscCall(FtH5WriteRows(g, path, FT_H5_FAT_SCREENED, H5T_NATIVE_UCHAR, W->N, 0, W->start, W->n, scr));
    PetscCall(PetscFree(scr));
  }
  PetscCall(FtFatigueStateWrite(W, g, path));
  PetscCall(WriteHotSpots(W, g, path));
  PetscCall(WriteHistogram(W, g, path));
  PetscCall(WriteFatigueAttributes(W, g, path));
  H5Gclose(g);
  PetscCall(FtH5WriteRows(file, path, FT_H5_CASE_FILE, H5T_NATIVE_CHAR, len, 0, 0, W->rank ? 0 : len, c->text));
  PetscCall(FtH5AttrString(file, path, "ftwin_version", FTWIN_VERSION));
  PetscCall(FtH5AttrString(file, path, "date", date));
  PetscCall(FtH5AttrScalar(file, path, "mpi_ranks", H5T_NATIVE_INT, &ranks));
  PetscCall(FtH5AttrString(file, path, FT_H5_BASIS_FILE, W->basis));
  PetscCall(FtH5AttrString(file, path, "case_path", c->path));
  PetscCall(FtH5AttrString(file, path, FT_H5_REGION_NAMES, W->regions));
  PetscCall(FtH5AttrString(file, path, "backend", W->be->name));
  /* the caller's groups, before the file is put in place */
  if (W->hooks && W->hooks->writer) PetscCall(W->hooks->writer(file, path, sum, W->hooks->writer_ctx));
  PetscFunctionReturn(0);
}

/* The HDF5 file under its temporary name, created, written and closed collectively. */
static PetscErrorCode WriteH5(const FtFatigueWork *W, FtAtomicOutput *ao, const FtFatigueSummary *sum)
{
  const char *path = ao->tmp;
  hid_t       file;

  PetscFunctionBeginUser;
  PetscCall(FtAtomicCreateH5(W->comm, ao, W->c->path, "fatigue.output", &file));
  PetscCall(WriteContents(W, file, path, ao->date, sum));
  PetscCheck(H5Fclose(file) >= 0, W->comm, PETSC_ERR_FILE_WRITE, "HDF5 failed closing '%s'", path);
  PetscFunctionReturn(0);
}

/* The XDMF companion (rank 0): mesh and the per-node fields, for ParaView. 0 or -1. */
static int WriteXdmf(const FtFatigueWork *W, const FtAtomicOutput *ao)
{
  const char *fields[] = {FT_H5_FAT_DAMAGE, FT_H5_FAT_LIFE_HOURS, FT_H5_FAT_REMAINING_HOURS, FT_H5_FAT_WORST_RANGE, FT_H5_FAT_CYCLES};
  char        t[FT_PATH_MAX], base[FT_PATH_MAX], dset[256];
  int         err;
  FILE       *x = FtAtomicOpenXdmf(ao, &err);

  if (!x) return -1;
  snprintf(t, sizeof t, "%s", ao->path);
  snprintf(base, sizeof base, "%s", basename(t));
  fprintf(x, "<?xml version=\"1.0\" ?>\n<Xdmf Version=\"3.0\">\n  <Domain>\n    <Grid Name=\"%s_fatigue\" GridType=\"Uniform\">\n", W->c->name);
  fprintf(x, "      <Topology TopologyType=\"%s\" NumberOfElements=\"%lld\">\n", W->nen == 10 ? "Tetrahedron_10" : "Tetrahedron", W->E);
  fprintf(x, "        <DataItem Dimensions=\"%lld %d\" NumberType=\"Int\" Precision=\"8\" Format=\"HDF\">%s:%s</DataItem>\n      </Topology>\n",
          W->E, W->nen, base, FT_H5_P_MESH_TOPOLOGY);
  fprintf(x, "      <Geometry GeometryType=\"XYZ\">\n        <DataItem Dimensions=\"%lld 3\" NumberType=\"Float\" Precision=\"8\" "
             "Format=\"HDF\">%s:%s</DataItem>\n      </Geometry>\n",
          W->N, base, FT_H5_P_MESH_COORDINATES);
  for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++) {
    snprintf(dset, sizeof dset, FT_H5_P_FATIGUE_FIELD, fields[k]);
    fprintf(x, "      <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Node\">\n        <DataItem Dimensions=\"%lld\" "
               "NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">%s:%s</DataItem>\n      </Attribute>\n",
            fields[k], W->N, base, dset);
  }
  fprintf(x, "    </Grid>\n  </Domain>\n</Xdmf>\n");
  return fclose(x) ? -1 : 0;
}

PetscErrorCode FtFatigueResultsWrite(const FtFatigueWork *W, const char *output, const FtFatigueSummary *sum)
{
  FtAtomicOutput ao;
  PetscErrorCode ierr;
  int            err = 0;

  PetscFunctionBeginUser;
  PetscCall(FtAtomicBegin(W->comm, output, 1, W->c->path, "fatigue.output", &ao));
  ierr = WriteH5(W, &ao, sum);
  if (ierr) { /* the first message (printed) says what failed; nothing is left beside the previous results */
    PetscCall(FtAtomicAbort(W->comm, &ao));
    PetscCall(ierr);
  }
  if (W->rank == 0 && WriteXdmf(W, &ao)) err = 1;
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, W->comm));
  if (err) {
    PetscCall(FtAtomicAbort(W->comm, &ao));
    SETERRQ(W->comm, PETSC_ERR_FILE_WRITE, "%s: fatigue.output: could not put '%s' in place", W->c->path, output);
  }
  PetscCall(FtAtomicCommit(W->comm, &ao, W->c->path, "fatigue.output"));
  PetscCall(FtLogInfo("wrote %s and %s (%.2f s in all)", output, ao.xdmf, FtWallTime() - W->t0));
  PetscFunctionReturn(0);
}
