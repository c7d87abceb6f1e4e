/* The mesh reader runs in a helper process (ftwin-read-mesh): gmsh's library crashes, hangs or
 * exhausts memory on some malformed .msh files, and none of that may take the solver down with
 * it. This file is both ends of the pipe between them: a binary stream of the cell lists, read
 * back with every count and index checked, and the spawn with CPU-time and memory limits. Pure C. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mesh/gmsh_read.h"
#include "util/oneline.h"

extern char **environ;

static const char kMagic[8] = "FTMESH1";
#define FT_STREAM_MAX_ITEMS (1L << 40) /* beyond any mesh one machine reads */

void FtGmshMeshFree(FtGmshMesh *m)
{
  for (int i = 0; i < m->ngroups; i++) free(m->groups[i].items);
  free(m->groups);
  free(m->coords);
  free(m->tets);
  memset(m, 0, sizeof *m);
}

static int Put(FILE *f, const void *p, size_t size, size_t n) { return fwrite(p, size, n, f) != n; }

int FtGmshMeshSend(FILE *out, int rc, const char *msg, const FtGmshMesh *m)
{
  int32_t  r = rc;
  uint32_t len = (uint32_t)strlen(msg);
  int      bad = Put(out, kMagic, 1, 8) || Put(out, &r, sizeof r, 1) || Put(out, &len, sizeof len, 1) || Put(out, msg, 1, len);
  if (!rc && !bad) {
    int64_t nv = m->nvertices, nt = m->ntets;
    int32_t order = m->order, ng = m->ngroups;
    bad = Put(out, &nv, sizeof nv, 1) || Put(out, &nt, sizeof nt, 1) || Put(out, &order, sizeof order, 1) ||
          Put(out, &ng, sizeof ng, 1) || Put(out, m->coords, sizeof(double), 3 * (size_t)nv);
    for (int64_t k = 0; k < 4 * nt && !bad; k++) {
      int64_t v = m->tets[k];
      bad = Put(out, &v, sizeof v, 1);
    }
    for (int g = 0; g < m->ngroups && !bad; g++) {
      const FtGmshGroup *gr  = &m->groups[g];
      int32_t            hdr[2] = {gr->dim, gr->tag};
      int64_t            n      = gr->n, per = gr->dim == 3 ? 1 : gr->dim + 1;
      bad = Put(out, hdr, sizeof hdr[0], 2) || Put(out, gr->name, 1, sizeof gr->name) || Put(out, &n, sizeof n, 1);
      for (int64_t k = 0; k < n * per && !bad; k++) {
        int64_t v = gr->items[k];
        bad = Put(out, &v, sizeof v, 1);
      }
    }
  }
  return bad || fflush(out) != 0;
}

static int Get(FILE *f, void *p, size_t size, size_t n) { return fread(p, size, n, f) != n; }

/* Reads n int64 values in [0, bound) into a new array of long. The array grows as the data
 * arrive, so a count that the stream does not back up fails as "cut short", not as a huge
 * allocation. */
static int GetIndices(FILE *f, int64_t n, int64_t bound, long **out)
{
  size_t cap = 0;
  long  *a   = NULL;
  for (int64_t k = 0; k < n; k++) {
    int64_t v;
    if ((size_t)k == cap) {
      cap     = cap ? 2 * cap : 4096;
      long *b = realloc(a, sizeof(long) * cap);
      if (!b) {
        free(a);
        return 1;
      }
      a = b;
    }
    if (Get(f, &v, sizeof v, 1) || v < 0 || v >= bound) {
      free(a);
      return 1;
    }
    a[k] = (long)v;
  }
  if (!a) a = malloc(sizeof(long));
  *out = a;
  return !a;
}

static int GetDoubles(FILE *f, int64_t n, double **out)
{
  size_t  cap = 0, have = 0;
  double *a   = NULL;
  while ((int64_t)have < n) {
    size_t want = (size_t)n - have > 65536 ? 65536 : (size_t)n - have;
    if (have + want > cap) {
      cap       = cap ? 2 * cap : 65536;
      double *b = realloc(a, sizeof(double) * cap);
      if (!b) break;
      a = b;
    }
    if (Get(f, a + have, sizeof(double), want)) break;
    have += want;
  }
  if ((int64_t)have < n) {
    free(a);
    return 1;
  }
  if (!a) a = malloc(sizeof(double));
  *out = a;
  return !a;
}

int FtGmshMeshReceive(FILE *in, FtGmshMesh *m, char *msg, size_t msglen)
{
  char     magic[8];
  int32_t  rc;
  uint32_t len;
  int64_t  nv, nt;
  int32_t  order, ng;

  memset(m, 0, sizeof *m);
  msg[0] = 0;
  if (Get(in, magic, 1, 8) || memcmp(magic, kMagic, 8) || Get(in, &rc, sizeof rc, 1) || Get(in, &len, sizeof len, 1)) {
    snprintf(msg, msglen, "the mesh reader returned nothing");
    return 1;
  }
  if (len >= msglen) len = (uint32_t)msglen - 1;
  if (Get(in, msg, 1, len)) len = 0;
  msg[len] = 0;
  FtMessageOneLine(msg);
  if (rc) {
    if (!msg[0]) snprintf(msg, msglen, "the mesh reader failed without a message");
    return 1;
  }
  if (Get(in, &nv, sizeof nv, 1) || Get(in, &nt, sizeof nt, 1) || Get(in, &order, sizeof order, 1) || Get(in, &ng, sizeof ng, 1) ||
      nv < 0 || nt < 0 || nv > FT_STREAM_MAX_ITEMS || nt > FT_STREAM_MAX_ITEMS || ng < 0 || ng > 100000 || order < 1 || order > 2)
    goto cut;
  m->nvertices = (long)nv;
  m->ntets     = (long)nt;
  m->order     = order;
  if (GetDoubles(in, 3 * nv, &m->coords) || GetIndices(in, 4 * nt, nv, &m->tets)) goto cut;
  m->groups = calloc((size_t)ng + 1, sizeof *m->groups);
  if (!m->groups) goto cut;
  for (int32_t g = 0; g < ng; g++) {
    FtGmshGroup *gr = &m->groups[g];
    int32_t      hdr[2];
    int64_t      n;
    if (Get(in, hdr, sizeof hdr[0], 2) || Get(in, gr->name, 1, sizeof gr->name) || Get(in, &n, sizeof n, 1)) goto cut;
    m->ngroups = g + 1;
    gr->dim    = hdr[0];
    gr->tag    = hdr[1];
    const int64_t per = gr->dim == 3 ? 1 : gr->dim + 1, bound = gr->dim == 3 ? nt : nv;
    if (gr->dim < 0 || gr->dim > 3 || memchr(gr->name, 0, sizeof gr->name) == NULL || n < 0 || n > FT_STREAM_MAX_ITEMS ||
        GetIndices(in, n * per, bound, &gr->items))
      goto cut;
    gr->n = (long)n;
  }
  return 0;
cut:
  FtGmshMeshFree(m);
  snprintf(msg, msglen, "the mesh reader's output is cut short or inconsistent");
  return 1;
}

int FtGmshReadIsolated(const char *helper, const char *path, FtGmshMesh *m, char *msg, size_t msglen)
{
  int                        fds[2], status = 0, rc;
  pid_t                      pid;
  posix_spawn_file_actions_t fa;
  char *const                argv[] = {(char *)helper, (char *)path, NULL};

  memset(m, 0, sizeof *m);
  if (pipe(fds)) {
    snprintf(msg, msglen, "cannot start the mesh reader: pipe: %s", strerror(errno));
    return 1;
  }
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
  /* what a crashing gmsh or the C library prints is not for the user: the message comes through
   * the stream, or from the way the helper ended */
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  /* Slurm sends its stop signals to every process of the job step: the helper ignores them once
   * its main() runs, and is started with them blocked so that one arriving while it loads (gmsh's
   * library takes a while) does not end it either (a blocked signal set to SIG_IGN is discarded). */
  posix_spawnattr_t attr;
  sigset_t          stop_signals;
  posix_spawnattr_init(&attr);
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGUSR1);
  posix_spawnattr_setsigmask(&attr, &stop_signals);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  rc = posix_spawn(&pid, helper, &fa, &attr, argv, environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  if (rc) {
    close(fds[0]);
    snprintf(msg, msglen, "cannot start the mesh reader '%s': %s", helper, strerror(rc));
    return 1;
  }
  FILE *in = fdopen(fds[0], "rb");
  if (!in) {
    close(fds[0]);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    snprintf(msg, msglen, "cannot read the mesh reader's output: %s", strerror(errno));
    return 1;
  }
  rc = FtGmshMeshReceive(in, m, msg, msglen);
  fclose(in); /* a helper still writing gets SIGPIPE */
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    FtGmshMeshFree(m);
    if (sig == SIGXCPU)
      snprintf(msg, msglen, "gmsh's reader did not finish within its CPU-time limit (a malformed file, or set FTWIN_MESH_CPU_SECONDS)");
    else
      snprintf(msg, msglen, "gmsh's reader crashed on it (signal %d, %s): the file is malformed", sig, strsignal(sig));
    return 1;
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0 && (!rc ? 1 : !strncmp(msg, "the mesh reader", 15))) {
    /* no mesh and no message of its own: it died on its way (e.g. a sanitizer caught gmsh) */
    FtGmshMeshFree(m);
    snprintf(msg, msglen, "gmsh's reader failed on it (exit status %d, no message): the file is malformed", WEXITSTATUS(status));
    return 1;
  }
  return rc;
}
