/* The provenance registry: the command line and the SHA-256 of every input file read
 * (runtime/provenance.h; docs/provenance.md). */
#define _POSIX_C_SOURCE 200809L
#include "runtime/provenance.h"

#include <errno.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/log.h"

struct FtSha256 {
  EVP_MD_CTX *ctx;
};

FtSha256 *FtSha256Begin(void)
{
  FtSha256 *h = malloc(sizeof *h);
  if (!h) return NULL;
  h->ctx = EVP_MD_CTX_new();
  if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
    EVP_MD_CTX_free(h->ctx);
    free(h);
    return NULL;
  }
  return h;
}

void FtSha256Update(FtSha256 *h, const void *data, size_t len)
{
  if (len) EVP_DigestUpdate(h->ctx, data, len);
}

void FtSha256Hex(const unsigned char md[32], char hex[65])
{
  for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
  hex[64] = 0;
}

void FtSha256End(FtSha256 *h, unsigned char md[32], char hex[65])
{
  unsigned int len = 32;
  EVP_DigestFinal_ex(h->ctx, md, &len);
  EVP_MD_CTX_free(h->ctx);
  free(h);
  if (hex) FtSha256Hex(md, hex);
}

int FtSha256File(const char *path, long long limit, char hex[65], long long *bytes)
{
  static unsigned char buf[1 << 20];
  unsigned char        md[32];
  FILE                *f = fopen(path, "rb");
  FtSha256            *h;
  int                  err = 0;

  *bytes = 0;
  hex[0] = 0;
  if (!f) return errno ? errno : EIO;
  if (!(h = FtSha256Begin())) {
    fclose(f);
    return ENOMEM;
  }
  for (;;) {
    size_t want = sizeof buf, got;
    if (limit >= 0 && (long long)want > limit - *bytes) want = (size_t)(limit - *bytes);
    if (!want) break;
    got = fread(buf, 1, want, f);
    FtSha256Update(h, buf, got);
    *bytes += (long long)got;
    if (got < want) {
      if (ferror(f)) err = errno ? errno : EIO;
      break;
    }
  }
  fclose(f);
  FtSha256End(h, md, hex);
  if (err) hex[0] = 0;
  return err;
}

/* ---- the registry ----------------------------------------------------------------------------- */
static char        command[8192];
static FtProvInput inputs[FT_PROV_MAX_INPUTS];
static int         ninputs;
static double      hash_seconds;
static long long   hash_bytes;
static char        continued[FT_PROV_PATH_MAX], continued_sha[65];
static int         continued_runs;

/* The command line as one shell-readable line (arguments with spaces or quotes single-quoted). */
/* Appends c to command (truncating, never past its end). */
static void Put(size_t *used, char c)
{
  if (*used + 1 < sizeof command) command[(*used)++] = c;
  command[*used] = 0;
}

void FtProvenanceSetCommand(int argc, char **argv)
{
  size_t used = 0;
  command[0]  = 0;
  for (int i = 0; i < argc; i++) {
    const char *a     = argv[i];
    int         plain = a[0] != 0;
    for (const char *p = a; *p; p++)
      if (!(('a' <= *p && *p <= 'z') || ('A' <= *p && *p <= 'Z') || ('0' <= *p && *p <= '9') || strchr("-_./=:,+@%", *p))) plain = 0;
    if (i) Put(&used, ' ');
    if (!plain) Put(&used, '\'');
    for (const char *p = a; *p; p++) {
      if (*p == '\'') {
        Put(&used, '\'');
        Put(&used, '\\');
        Put(&used, '\'');
      }
      Put(&used, *p);
    }
    if (!plain) Put(&used, '\'');
  }
}

const char *FtProvenanceCommand(void) { return command; }

static FtProvInput *Slot(const char *role, const char *path, char *abs)
{
  if (!realpath(path, abs)) snprintf(abs, FT_PROV_PATH_MAX, "%s", path);
  for (int i = 0; i < ninputs; i++)
    if (!strcmp(inputs[i].role, role) && !strcmp(inputs[i].path, abs)) return &inputs[i];
  if (ninputs == FT_PROV_MAX_INPUTS) return NULL;
  memset(&inputs[ninputs], 0, sizeof inputs[0]);
  snprintf(inputs[ninputs].role, sizeof inputs[0].role, "%s", role);
  snprintf(inputs[ninputs].path, sizeof inputs[0].path, "%s", abs);
  return &inputs[ninputs++];
}

/* Both entry points: rank 0 hashes the file (data NULL) or the bytes in memory into its slot. */
static PetscErrorCode Input(MPI_Comm comm, const char *role, const char *path, const void *data, size_t len)
{
  PetscMPIInt  rank;
  FtProvInput *in;
  static char  abs[FT_PROV_PATH_MAX];
  double       t0 = FtWallTime();

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank || !path || !path[0] || !(in = Slot(role, path, abs))) PetscFunctionReturn(0);
  in->err[0] = 0;
  if (data) {
    unsigned char md[32];
    FtSha256     *h = FtSha256Begin();
    PetscCheck(h, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
    FtSha256Update(h, data, len);
    FtSha256End(h, md, in->sha256);
    in->bytes = (long long)len;
  } else {
    int err = FtSha256File(in->path, -1, in->sha256, &in->bytes);
    if (err) snprintf(in->err, sizeof in->err, "could not be read back: %s", strerror(err));
  }
  hash_seconds += FtWallTime() - t0;
  hash_bytes += in->bytes;
  PetscFunctionReturn(0);
}

PetscErrorCode FtProvenanceInput(MPI_Comm comm, const char *role, const char *path) { return Input(comm, role, path, NULL, 0); }

PetscErrorCode FtProvenanceInputBytes(MPI_Comm comm, const char *role, const char *path, const void *data, size_t len)
{
  return Input(comm, role, path, data ? data : "", len);
}

int                FtProvenanceInputCount(void) { return ninputs; }
const FtProvInput *FtProvenanceInputAt(int i) { return i >= 0 && i < ninputs ? &inputs[i] : NULL; }

void FtProvenanceHashCost(double *seconds, long long *bytes)
{
  *seconds = hash_seconds;
  *bytes   = hash_bytes;
}

void FtProvenanceContinue(const char *output, int runs, const char *last_sha)
{
  continued[0] = 0;
  if (output && !realpath(output, continued)) snprintf(continued, sizeof continued, "%s", output);
  continued_runs = runs;
  snprintf(continued_sha, sizeof continued_sha, "%s", last_sha ? last_sha : "");
}

const char *FtProvenanceContinued(int *runs, const char **last_sha)
{
  *runs     = continued_runs;
  *last_sha = continued_sha;
  return continued;
}
