/* What a command read and who ran it: the provenance every output records (docs/provenance.md).
 *
 * One registry per process (one ftwin command per process): main records the command line; each
 * reader records the files it read (FtProvenanceInput), hashed with SHA-256 by rank 0 right after
 * the read; io/seal.c writes them into the output's /provenance when it is put in place.
 * SHA-256 is OpenSSL's (libcrypto, EVP interface), not a copy of our own. */
#ifndef FT_PROVENANCE_H
#define FT_PROVENANCE_H
#include <petscsys.h>
#include <stddef.h>

#define FT_PROV_PATH_MAX 4096
#define FT_PROV_MAX_INPUTS 64

typedef struct {
  char      role[32];                /* case, material_library, mesh, unit_fields, design_basis, history, sensor_data, asset_file */
  char      path[FT_PROV_PATH_MAX];  /* absolute (realpath) */
  char      sha256[65];              /* lower-case hex; "" when the file could not be read back (err says why) */
  long long bytes;                   /* the bytes hashed */
  char      err[128];
} FtProvInput;

/* ---- SHA-256 (OpenSSL EVP) ------------------------------------------------------------------ */
typedef struct FtSha256 FtSha256; /* an open digest */
FtSha256 *FtSha256Begin(void);     /* NULL when out of memory */
void      FtSha256Update(FtSha256 *h, const void *data, size_t len);
/* Finishes and frees h; md: 32 bytes; hex (optional): 65 chars. */
void      FtSha256End(FtSha256 *h, unsigned char md[32], char hex[65]);
void      FtSha256Hex(const unsigned char md[32], char hex[65]);
/* The digest of the first `limit` bytes of a file (limit < 0: all of it) into hex; *bytes: how
 * many were hashed. 0, or errno (the file could not be read; *bytes as far as it got). */
int       FtSha256File(const char *path, long long limit, char hex[65], long long *bytes);

/* ---- the registry ----------------------------------------------------------------------------- */
/* The command line (main, before PETSc takes its options out). */
void           FtProvenanceSetCommand(int argc, char **argv);
const char    *FtProvenanceCommand(void);
/* Records an input file `path` in its `role` (rank 0 of comm hashes it now; other ranks do
 * nothing; the same role and file twice is kept once). Never fails the command: a file that
 * cannot be read back is recorded with the reason. */
PetscErrorCode FtProvenanceInput(MPI_Comm comm, const char *role, const char *path);
/* The same for bytes already in memory (the case text as parsed): its digest is of those bytes. */
PetscErrorCode FtProvenanceInputBytes(MPI_Comm comm, const char *role, const char *path, const void *data, size_t len);
int            FtProvenanceInputCount(void);
const FtProvInput *FtProvenanceInputAt(int i);
/* Seconds and bytes spent hashing inputs so far (rank 0), for the log line and bench/provenance. */
void           FtProvenanceHashCost(double *seconds, long long *bytes);

/* The next output written to `output` continues the run records of the file now there (an asset
 * file continued by `ftwin asset`, a counting state continued by `ftwin fatigue --incremental`),
 * as they were when that file was checked: `runs` records, the last with SHA-256 `last_sha` (0 and
 * "": the file had no record). NULL: it starts its own. The seal fails when the file has changed
 * since (another run wrote it meanwhile), so the chain carried forward is the one checked. */
void           FtProvenanceContinue(const char *output, int runs, const char *last_sha);
/* The absolute name of the file continued ("" none), and what it held when checked. */
const char    *FtProvenanceContinued(int *runs, const char **last_sha);
#endif
