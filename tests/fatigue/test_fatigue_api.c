/* Driver for tests/fatigue/check_fatigue_api.py: the fatigue stage called as a library, with a
 * history made in memory.
 *
 *   test_fatigue_api CASE.yaml OUT.h5 WORKDIR            normal run (any number of ranks)
 *   test_fatigue_api CASE.yaml OUT.h5 WORKDIR badnode    FtFatigueReadBasisNodes of a node that
 *                                                        does not exist: must fail (exit 1)
 *
 * The history: channel k of the case's fatigue section takes the raw value
 *   v_k(t) = offset_k + A_k sin(2 pi t / P_k) + B_k sin(2 pi t / Q_k) + C_k r(t, k),
 * t = 0 .. NSTEPS-1, time 0.5 t s, with r a deterministic integer hash in [0, 1); the load-case
 * multiplier is L_k(t) = scale_k (v_k(t) - offset_k), exactly as the history readers form it.
 * The raw values go to WORKDIR/history.csv (%.17g: strtod gives back the same doubles), so the
 * Python side can run `ftwin fatigue` on the same history from a file and compare bit for bit.
 *
 * Written per rank r: WORKDIR/summary.r.txt (every FtFatigueSummary field, %.17g) and
 * WORKDIR/basis_nodes.r.txt (node, channel, the 6 stress components of FtFatigueReadBasisNodes
 * for the hot nodes in reverse order, node 0 and the worst node again). Checked here: a second
 * FtFatigueCompute with no output file (and hooks asking for the CPU backend) gives the identical
 * summary (printed "ok"/"FAIL"). */
#include <math.h>
#include <petscsys.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fatigue/fatigue.h"
#include "io/case_load.h"

#define NSTEPS 3000

/* A value in [0, 1) from (t, k): an integer hash, the same on every machine. */
static double Noise(long t, int k)
{
  unsigned long long x = (unsigned long long)t * 2654435761ULL + (unsigned long long)k * 40503ULL + 12345ULL;
  x ^= x >> 13;
  x *= 0x9E3779B97F4A7C15ULL;
  x ^= x >> 29;
  return (double)(x % 1000003ULL) / 1000003.0;
}

static void WriteSummary(FILE *fp, const FtFatigueSummary *s)
{
  fprintf(fp, "max_damage %.17g\nhistory_damage %.17g\nmin_life_hours %.17g\nmin_remaining_hours %.17g\n", s->max_damage,
          s->history_damage, s->min_life_hours, s->min_remaining_hours);
  fprintf(fp, "min_life_cycles_equiv %.17g\nworst_range %.17g\nworst_node %lld\nworst_x %.17g %.17g %.17g\nnhot %d\nhot_nodes",
          s->min_life_cycles_equiv, s->worst_range, s->worst_node, s->worst_x[0], s->worst_x[1], s->worst_x[2], s->nhot);
  for (int i = 0; i < s->nhot; i++) fprintf(fp, " %lld", s->hot_nodes[i]);
  fprintf(fp, "\n");
}

/* Bitwise equality of two summaries (NaN equals NaN with the same bits). */
static int SameSummary(const FtFatigueSummary *a, const FtFatigueSummary *b)
{
  const double x[] = {a->max_damage, a->history_damage, a->min_life_hours, a->min_remaining_hours, a->min_life_cycles_equiv, a->worst_range,
                      a->worst_x[0], a->worst_x[1], a->worst_x[2]};
  const double y[] = {b->max_damage, b->history_damage, b->min_life_hours, b->min_remaining_hours, b->min_life_cycles_equiv, b->worst_range,
                      b->worst_x[0], b->worst_x[1], b->worst_x[2]};
  return !memcmp(x, y, sizeof x) && a->worst_node == b->worst_node && a->nhot == b->nhot &&
         !memcmp(a->hot_nodes, b->hot_nodes, sizeof(long long) * (size_t)a->nhot);
}

static PetscErrorCode Main(const char *casepath, const char *out, const char *work, PetscBool badnode)
{
  FtCase           c;
  FtHistory        h = {0};
  FtFatigueSummary s1, s2;
  PetscMPIInt      rank;
  char             name[4096];
  FILE            *fp;
  int              nch, nq;
  long long       *nodes;
  double          *S;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(FtCaseLoadCollective(PETSC_COMM_WORLD, casepath, &c));
  nch = c.fatigue.nchannels;
  if (badnode) {
    long long bad = 1000000000LL;
    double    Sb[6 * 64];
    PetscCall(FtFatigueReadBasisNodes(PETSC_COMM_WORLD, NULL, &c, 1, &bad, Sb));
    FtCaseFree(&c);
    PetscFunctionReturn(0);
  }

  /* the history, in memory, and the same raw values as a CSV file */
  h.nsteps = NSTEPS;
  h.nchan  = nch;
  h.time   = malloc(sizeof(double) * NSTEPS);
  h.L      = malloc(sizeof(double) * NSTEPS * (size_t)nch);
  PetscCheck(h.time && h.L, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  snprintf(name, sizeof name, "%s/history.csv", work);
  fp = rank == 0 ? fopen(name, "w") : NULL;
  PetscCheck(rank || fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s", name);
  if (fp) {
    fprintf(fp, "time");
    for (int k = 0; k < nch; k++) fprintf(fp, ",%s", c.fatigue.channels[k].name);
    fprintf(fp, "\n");
  }
  for (long t = 0; t < NSTEPS; t++) {
    h.time[t] = 0.5 * (double)t;
    if (fp) fprintf(fp, "%.17g", h.time[t]);
    for (int k = 0; k < nch; k++) {
      const FtFatigueChannel *ch = &c.fatigue.channels[k];
      double v = ch->offset + (4.0 + k) * sin(2 * M_PI * (double)t / (97.0 + 13 * k)) + 1.5 * sin(2 * M_PI * (double)t / (7.3 + k)) +
                 2.0 * Noise(t, k);
      h.L[t * nch + k] = ch->scale * (v - ch->offset);
      if (fp) fprintf(fp, ",%.17g", v);
    }
    if (fp) fprintf(fp, "\n");
  }
  if (fp) PetscCheck(!fclose(fp), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write %s", name);

  /* with an output file (no hooks), then without one and the CPU backend asked for: the same summary */
  PetscCall(FtFatigueCompute(PETSC_COMM_WORLD, &c, &h, NULL, out, &s1, NULL));
  {
    FtFatigueHooks hk = {0};
    hk.backend        = "cpu";
    PetscCall(FtFatigueCompute(PETSC_COMM_WORLD, &c, &h, NULL, NULL, &s2, &hk));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "summary without an output file identical: %s\n", SameSummary(&s1, &s2) ? "ok" : "FAIL"));
  snprintf(name, sizeof name, "%s/summary.%d.txt", work, rank);
  fp = fopen(name, "w");
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s", name);
  WriteSummary(fp, &s1);
  fclose(fp);

  /* basis stress at the hot nodes (reversed), node 0 and the worst node again (a repeat) */
  nq = s1.nhot + 2;
  PetscCall(PetscMalloc2(nq, &nodes, (size_t)nch * nq * 6, &S));
  for (int i = 0; i < s1.nhot; i++) nodes[i] = s1.hot_nodes[s1.nhot - 1 - i];
  nodes[s1.nhot]     = 0;
  nodes[s1.nhot + 1] = s1.worst_node;
  PetscCall(FtFatigueReadBasisNodes(PETSC_COMM_WORLD, NULL, &c, nq, nodes, S));
  snprintf(name, sizeof name, "%s/basis_nodes.%d.txt", work, rank);
  fp = fopen(name, "w");
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s", name);
  for (int k = 0; k < nch; k++)
    for (int i = 0; i < nq; i++) {
      fprintf(fp, "%lld %d", nodes[i], k);
      for (int q = 0; q < 6; q++) fprintf(fp, " %.17g", S[((size_t)k * nq + i) * 6 + q]);
      fprintf(fp, "\n");
    }
  fclose(fp);
  PetscCall(PetscFree2(nodes, S));
  free(s1.hot_nodes);
  free(s2.hot_nodes);
  FtHistoryFree(&h);
  FtCaseFree(&c);
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;
  if (argc < 4) {
    fprintf(stderr, "usage: %s CASE.yaml OUT.h5 WORKDIR [badnode]\n", argv[0]);
    return 2;
  }
  if (PetscInitialize(NULL, NULL, NULL, NULL)) return 1;
  ierr = Main(argv[1], argv[2], argv[3], argc > 4 && !strcmp(argv[4], "badnode"));
  PetscFinalize();
  return ierr ? 1 : 0;
}
