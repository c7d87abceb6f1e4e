/* ftwin-read-mesh FILE.msh: reads a gmsh mesh with gmsh's library (FtGmshRead) and writes the cell
 * lists to standard output as the binary stream of FtGmshMeshSend. ftwin starts it on rank 0
 * (FtGmshReadIsolated) so that whatever gmsh does on a malformed file (it can crash, loop or ask
 * for terabytes: tests/fuzz) stays in this process. Limits, set before reading:
 *   CPU time  FTWIN_MESH_CPU_SECONDS, default 60 s + 10 s per MB of file (SIGXCPU past it);
 *   memory    FTWIN_MESH_MEMORY_MB, default 2048 MB + 100 x the file size (address space). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "mesh/gmsh_read.h"

/* AddressSanitizer reserves terabytes of address space: no address-space limit under it. */
#if defined(__SANITIZE_ADDRESS__)
#define FT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FT_ASAN 1
#endif
#endif
#ifndef FT_ASAN
#define FT_ASAN 0
#endif

static double EnvNumber(const char *name, double dflt)
{
  const char *v = getenv(name);
  char       *end;
  double      x = v ? strtod(v, &end) : 0;
  return v && end != v && !*end && x > 0 ? x : dflt;
}

int main(int argc, char **argv)
{
  FtGmshMesh  m;
  char        msg[1024] = "";
  struct stat st;
  int         rc;

  if (argc != 2) {
    fprintf(stderr, "usage: ftwin-read-mesh FILE.msh  (writes ftwin's binary mesh stream to standard output)\n");
    return 2;
  }
  /* ftwin's stop signals (runtime/stop.h: SIGTERM, SIGUSR1) are for ftwin, which stops at its next
   * checkpoint with the requeue exit code; Slurm sends them to every process of the job step,
   * this helper included, which would then die and make a readable mesh look malformed. The
   * helper ignores them and finishes its read (its CPU time is limited below); SIGKILL still ends it.
   * (ftwin starts it with both blocked: one that came before this line is discarded here.) */
  signal(SIGTERM, SIG_IGN);
  signal(SIGUSR1, SIG_IGN);
  if (stat(argv[1], &st) == 0) {
    const double  mb  = (double)st.st_size / (1 << 20);
    struct rlimit cpu = {0, 0}, as = {0, 0};
    cpu.rlim_cur = cpu.rlim_max = (rlim_t)EnvNumber("FTWIN_MESH_CPU_SECONDS", 60 + 10 * mb);
    as.rlim_cur = as.rlim_max = (rlim_t)(EnvNumber("FTWIN_MESH_MEMORY_MB", 2048 + 100 * mb) * (1 << 20));
    setrlimit(RLIMIT_CPU, &cpu);
    if (!FT_ASAN) setrlimit(RLIMIT_AS, &as);
  }
  rc = FtGmshRead(argv[1], &m, msg, sizeof msg);
  if (FtGmshMeshSend(stdout, rc, msg, &m)) return 3;
  if (!rc) FtGmshMeshFree(&m);
  return rc;
}
