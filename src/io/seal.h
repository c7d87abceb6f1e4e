/* The seal of a results file: its provenance record and the digests of its results
 * (docs/provenance.md; names in io/layout.h).
 *
 * Every output ftwin writes ends, before it is renamed into place, with /provenance: one run
 * record per run (the command, who, where, when, which ftwin, every input file with its SHA-256,
 * the SHA-256 of the results and of the previous run's record), and the digest of every other
 * object of the file. The records form a hash chain: an asset file continued by `ftwin asset`
 * (or a counting state continued by `ftwin fatigue --incremental`) carries the records of its
 * earlier runs forward, so editing or removing an earlier record, or any result, shows.
 *
 * Everything here is rank-local (rank 0 alone, serial HDF5) and PETSc-free in its interface:
 * errors are returned as text. */
#ifndef FT_IO_SEAL_H
#define FT_IO_SEAL_H
#include <stdio.h>

/* ftwin verify's exit codes: 0 intact, else an OR of the finding bits (1 alone: not checkable) */
#define FT_VERIFY_INTACT      0
#define FT_VERIFY_UNCHECKABLE 1 /* not an HDF5 file, no provenance record, an unknown format version */
#define FT_VERIFY_RECORDS     2 /* a run record edited, removed or out of order: the chain is broken */
#define FT_VERIFY_RESULTS     4 /* a result (dataset, group or attribute) changed, added or removed since the last run */
#define FT_VERIFY_INPUTS      8 /* (--inputs) an input file named in a record differs from what that run read */

typedef struct {
  int       code;           /* FT_VERIFY_* bits */
  int       no_record;      /* the file has no /provenance (written before ftwin recorded it) */
  int       runs, objects;  /* run records, result objects */
  int       run_count;      /* /provenance's run_count attribute (0 when absent) */
  char      last_sha[65];   /* /provenance's last_record_sha256 ("" when absent) */
  int       inputs_same, inputs_grown, inputs_absent, inputs_changed;
  double    seconds;        /* spent reading and hashing */
  long long bytes;          /* result bytes hashed */
  char      first[1024];    /* the first finding, one line (for the fleet summary and refusals) */
} FtVerifyResult;

typedef struct {
  int       objects;
  long long bytes;   /* result bytes hashed */
  double    seconds; /* reading, hashing and writing the seal */
} FtSealStats;

/* Seals the complete (closed) file `tmp`, which will be renamed to `final_path`: adds
 * /provenance with this run's record (the registry of runtime/provenance.h; date: the output's
 * date; ranks: MPI ranks of the run). When FtProvenanceContinued() names final_path and that
 * file has run records, they are carried forward and this record follows them. 0, or -1 with err. */
int FtSealWrite(const char *tmp, const char *final_path, const char *date, int ranks, FtSealStats *st, char *err, size_t errlen);

/* Checks `path`: the chain of run records, the results against the last record, and
 * (check_inputs) the input files the records name that are still present. Each finding is one
 * line on `report` (NULL: none printed) naming the run, the object or the file. */
void FtSealVerify(const char *path, int check_inputs, FILE *report, FtVerifyResult *res);
#endif
