/* The seal of a results file: /provenance (run records in a hash chain, result digests) and its
 * check (io/seal.h; docs/provenance.md says what is hashed, byte for byte). */
#define _POSIX_C_SOURCE 200809L
#include "io/seal.h"

#include <errno.h>
#include <hdf5.h>
#include <libgen.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build_info.h"
#include "io/h5_local.h"
#include "io/layout.h"
#include "runtime/log.h"
#include "runtime/provenance.h"

/* ---- the digest of every object but /provenance ------------------------------------------------ */
typedef struct {
  char         *path;
  unsigned char md[32];
} Obj;

typedef struct {
  hid_t     file;
  Obj      *v;
  int       n, cap, failed;
  long long bytes;
} ObjList;

static void HashU64(FtSha256 *h, uint64_t x)
{
  unsigned char b[8];
  for (int i = 0; i < 8; i++) b[i] = (unsigned char)(x >> (8 * i));
  FtSha256Update(h, b, 8);
}

static void HashStr(FtSha256 *h, const char *s)
{
  HashU64(h, strlen(s));
  FtSha256Update(h, s, strlen(s));
}

/* The type, shape and values of a dataset (is_attr 0) or an attribute (1) of ftwin's kinds:
 * numbers as their native type, strings fixed or variable length; the values of reference and
 * variable-length (non-string) types, which ftwin never writes, are not hashed (their type and
 * shape are). Datasets are read in slabs of rows of about 8 MB. 0, or -1 when unreadable. */
static int HashData(FtSha256 *h, hid_t id, int is_attr, long long *bytes)
{
  hid_t       ft = is_attr ? H5Aget_type(id) : H5Dget_type(id), sp = is_attr ? H5Aget_space(id) : H5Dget_space(id), mt = -1;
  int         rank, vstr = 0, rc = -1;
  hsize_t     dims[H5S_MAX_RANK];
  hssize_t    npts;
  size_t      esz;
  H5T_class_t cl;

  if (ft < 0 || sp < 0 || (rank = H5Sget_simple_extent_ndims(sp)) < 0) goto done;
  H5Sget_simple_extent_dims(sp, dims, NULL);
  npts = H5Sget_simple_extent_npoints(sp);
  cl   = H5Tget_class(ft);
  HashU64(h, (uint64_t)cl);
  HashU64(h, (uint64_t)H5Sget_simple_extent_type(sp));
  HashU64(h, (uint64_t)rank);
  for (int d = 0; d < rank; d++) HashU64(h, dims[d]);
  if (cl == H5T_STRING) {
    mt = H5Tcopy(H5T_C_S1);
    if (H5Tis_variable_str(ft) > 0) {
      vstr = 1;
      H5Tset_size(mt, H5T_VARIABLE);
    } else H5Tset_size(mt, H5Tget_size(ft));
    H5Tset_cset(mt, H5Tget_cset(ft));
    H5Tset_strpad(mt, H5Tget_strpad(ft));
  } else if (cl == H5T_VLEN || cl == H5T_REFERENCE || cl == H5T_TIME || cl == H5T_NO_CLASS) {
    HashStr(h, "values not hashed");
    rc = 0;
    goto done;
  } else mt = H5Tget_native_type(ft, H5T_DIR_ASCEND);
  if (mt < 0) goto done;
  esz = H5Tget_size(mt);
  HashU64(h, vstr ? 0 : esz);
  if (cl == H5T_INTEGER) HashU64(h, (uint64_t)H5Tget_sign(mt));
  if (npts <= 0) {
    rc = 0;
    goto done;
  }
  if (vstr) {
    char **s = (size_t)npts > SIZE_MAX / 2 / sizeof(char *) ? NULL : calloc((size_t)npts, sizeof *s);
    if (!s || (is_attr ? H5Aread(id, mt, s) : H5Dread(id, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, s)) < 0) {
      free(s);
      goto done;
    }
    for (hssize_t i = 0; i < npts; i++) {
      HashStr(h, s[i] ? s[i] : "");
      *bytes += s[i] ? (long long)strlen(s[i]) : 0;
    }
    H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, s);
    free(s);
    rc = 0;
  } else if (is_attr || rank == 0) {
    void *buf = (size_t)npts > SIZE_MAX / 2 / (esz ? esz : 1) ? NULL : malloc((size_t)npts * esz);
    if (!buf || (is_attr ? H5Aread(id, mt, buf) : H5Dread(id, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf)) < 0) {
      free(buf);
      goto done;
    }
    FtSha256Update(h, buf, (size_t)npts * esz);
    *bytes += (long long)((size_t)npts * esz);
    free(buf);
    rc = 0;
  } else {
    size_t  row = esz;
    hsize_t per, off[H5S_MAX_RANK] = {0}, cnt[H5S_MAX_RANK];
    void   *buf;
    for (int d = 1; d < rank; d++) {
      if (dims[d] && row > SIZE_MAX / 2 / dims[d]) goto done; /* a shape no ftwin file has: unreadable */
      row *= dims[d];
    }
    per = (hsize_t)((8u << 20) / (row ? row : 1));
    if (per < 1) per = 1;
    if (per > dims[0]) per = dims[0];
    if (!(buf = malloc(row * per))) goto done;
    for (int d = 0; d < rank; d++) cnt[d] = dims[d];
    rc = 0;
    for (hsize_t r = 0; r < dims[0] && !rc; r += per) {
      hid_t ms;
      off[0] = r;
      cnt[0] = dims[0] - r < per ? dims[0] - r : per;
      ms     = H5Screate_simple(rank, cnt, NULL);
      if (ms < 0 || H5Sselect_hyperslab(sp, H5S_SELECT_SET, off, NULL, cnt, NULL) < 0 || H5Dread(id, mt, ms, sp, H5P_DEFAULT, buf) < 0) rc = -1;
      else {
        FtSha256Update(h, buf, row * cnt[0]);
        *bytes += (long long)(row * cnt[0]);
      }
      if (ms >= 0) H5Sclose(ms);
    }
    free(buf);
  }
done:
  if (mt >= 0) H5Tclose(mt);
  if (ft >= 0) H5Tclose(ft);
  if (sp >= 0) H5Sclose(sp);
  return rc;
}

typedef struct {
  FtSha256  *h;
  long long *bytes;
  int        failed;
} AttrCtx;

static herr_t AttrCb(hid_t loc, const char *name, const H5A_info_t *info, void *op)
{
  AttrCtx *a = op;
  hid_t    id = H5Aopen(loc, name, H5P_DEFAULT);
  (void)info;
  HashStr(a->h, "attribute");
  HashStr(a->h, name);
  if (id < 0 || HashData(a->h, id, 1, a->bytes)) a->failed = 1;
  if (id >= 0) H5Aclose(id);
  return 0;
}

/* One object's digest: its path, kind, values and attributes (by name); a soft or external link
 * by its target. */
static int DigestObject(ObjList *L, const char *path, int hard)
{
  FtSha256 *h = FtSha256Begin();
  AttrCtx   a = {h, &L->bytes, 0};
  Obj      *o;

  if (!h) return -1;
  HashStr(h, "ftwin object v1");
  HashStr(h, path);
  if (!hard) {
    H5L_info_t li;
    char       val[FT_PROV_PATH_MAX] = "";
    HashStr(h, "link");
    if (H5Lget_info(L->file, path, &li, H5P_DEFAULT) < 0 || H5Lget_val(L->file, path, val, sizeof val, H5P_DEFAULT) < 0) {
      HashStr(h, "unreadable link");
      a.failed = 1;
    } else if (li.type == H5L_TYPE_SOFT) HashStr(h, val);
    else if (li.type == H5L_TYPE_EXTERNAL) { /* its file and object */
      const char *file = NULL, *obj = NULL;
      unsigned    fl;
      if (H5Lunpack_elink_val(val, li.u.val_size, &fl, &file, &obj) < 0) a.failed = 1;
      HashStr(h, "external");
      HashStr(h, file ? file : "");
      HashStr(h, obj ? obj : "");
    } else {
      HashStr(h, "user-defined link");
      HashU64(h, (uint64_t)li.u.val_size);
      FtSha256Update(h, val, li.u.val_size < sizeof val ? li.u.val_size : sizeof val);
    }
  } else {
    hid_t id = H5Oopen(L->file, path, H5P_DEFAULT);
    if (id < 0) a.failed = 1;
    else {
      H5I_type_t t = H5Iget_type(id);
      HashStr(h, t == H5I_GROUP ? "group" : t == H5I_DATASET ? "dataset" : "datatype");
      if (t == H5I_DATASET && HashData(h, id, 0, &L->bytes)) a.failed = 1;
      if (t == H5I_DATATYPE) { /* a committed type: its binary description */
        size_t n = 0;
        void  *buf;
        if (H5Tencode(id, NULL, &n) < 0 || !(buf = malloc(n + 1)) || H5Tencode(id, buf, &n) < 0) a.failed = 1;
        else {
          HashU64(h, n);
          FtSha256Update(h, buf, n);
          free(buf);
        }
      }
      if (H5Aiterate2(id, H5_INDEX_NAME, H5_ITER_INC, NULL, AttrCb, &a) < 0) a.failed = 1;
      H5Oclose(id);
    }
  }
  if (L->n == L->cap) {
    Obj *v = realloc(L->v, sizeof *v * (size_t)(L->cap = L->cap ? 2 * L->cap : 64));
    if (!v) {
      FtSha256End(h, (unsigned char[32]){0}, NULL);
      return -1;
    }
    L->v = v;
  }
  o       = &L->v[L->n++];
  o->path = strdup(path);
  FtSha256End(h, o->md, NULL);
  if (a.failed) L->failed = 1;
  return o->path ? 0 : -1;
}

static int IsProvenance(const char *rel) { return !strcmp(rel, FT_H5_PROVENANCE) || !strncmp(rel, FT_H5_PROVENANCE "/", strlen(FT_H5_PROVENANCE) + 1); }

static herr_t LinkCb(hid_t g, const char *name, const H5L_info_t *info, void *op)
{
  ObjList *L = op;
  char     path[FT_PROV_PATH_MAX];
  (void)g;
  if (IsProvenance(name)) return 0;
  snprintf(path, sizeof path, "/%s", name);
  return DigestObject(L, path, info->type == H5L_TYPE_HARD) ? -1 : 0;
}

static int ObjCmp(const void *a, const void *b) { return strcmp(((const Obj *)a)->path, ((const Obj *)b)->path); }

static void ObjListFree(ObjList *L)
{
  for (int i = 0; i < L->n; i++) free(L->v[i].path);
  free(L->v);
  memset(L, 0, sizeof *L);
}

/* Every object of the open file but /provenance, sorted by path, and the results digest: the
 * SHA-256 of the lines "<object digest hex>  <path>\n" in that order (sha256sum's format). */
static int DigestFile(hid_t file, ObjList *L, char results_hex[65])
{
  FtSha256     *h;
  unsigned char md[32];

  memset(L, 0, sizeof *L);
  L->file = file;
  if (DigestObject(L, "/", 1) || H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, LinkCb, L) < 0) return -1;
  qsort(L->v, (size_t)L->n, sizeof *L->v, ObjCmp);
  if (!(h = FtSha256Begin())) return -1;
  for (int i = 0; i < L->n; i++) {
    char hex[65];
    FtSha256Hex(L->v[i].md, hex);
    FtSha256Update(h, hex, 64);
    FtSha256Update(h, "  ", 2);
    FtSha256Update(h, L->v[i].path, strlen(L->v[i].path));
    FtSha256Update(h, "\n", 1);
  }
  FtSha256End(h, md, results_hex);
  return L->failed ? -1 : 0;
}

/* ---- writing the seal --------------------------------------------------------------------------- */
static int AttrStr(hid_t loc, const char *name, const char *s)
{
  hid_t t = H5Tcopy(H5T_C_S1), sp = H5Screate(H5S_SCALAR), a = -1;
  int   rc = -1;
  if (t >= 0 && sp >= 0 && H5Tset_size(t, strlen(s) + 1) >= 0 && (a = H5Acreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
      H5Awrite(a, t, s) >= 0)
    rc = 0;
  if (a >= 0) H5Aclose(a);
  if (sp >= 0) H5Sclose(sp);
  if (t >= 0) H5Tclose(t);
  return rc;
}

static int AttrInt(hid_t loc, const char *name, int v)
{
  hid_t sp = H5Screate(H5S_SCALAR), a = -1;
  int   rc = -1;
  if (sp >= 0 && (a = H5Acreate2(loc, name, H5T_NATIVE_INT, sp, H5P_DEFAULT, H5P_DEFAULT)) >= 0 && H5Awrite(a, H5T_NATIVE_INT, &v) >= 0) rc = 0;
  if (a >= 0) H5Aclose(a);
  if (sp >= 0) H5Sclose(sp);
  return rc;
}

static int AttrIntRead(hid_t loc, const char *name, int *v)
{
  hid_t a;
  int   rc;
  if (H5Aexists(loc, name) <= 0 || (a = H5Aopen(loc, name, H5P_DEFAULT)) < 0) return -1;
  rc = H5Aread(a, H5T_NATIVE_INT, v) < 0 ? -1 : 0;
  H5Aclose(a);
  return rc;
}

/* A record line's printable form: no newline may end a field early. */
static void Clean(char *s)
{
  for (; *s; s++)
    if (*s == '\n' || *s == '\r') *s = '?';
}

typedef struct {
  char *s;
  size_t len, cap;
} Text;

static void Put(Text *t, const char *fmt, ...)
{
  va_list ap;
  int     n;
  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (t->len + (size_t)n + 1 > t->cap) {
    size_t cap = 2 * (t->len + (size_t)n + 1) + 256;
    char  *s   = realloc(t->s, cap);
    if (!s) return;
    t->s   = s;
    t->cap = cap;
  }
  va_start(ap, fmt);
  vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
  va_end(ap);
  t->len += (size_t)n;
}

/* The output's absolute name: its folder resolved (the file itself may not be in place yet). */
static void AbsOutput(const char *final_path, char *abs, size_t len)
{
  char d[FT_PROV_PATH_MAX], b[FT_PROV_PATH_MAX], real[FT_PROV_PATH_MAX];
  snprintf(d, sizeof d, "%s", final_path);
  snprintf(b, sizeof b, "%s", final_path);
  if (realpath(dirname(d), real)) snprintf(abs, len, "%.2000s/%.2000s", strcmp(real, "/") ? real : "", basename(b));
  else snprintf(abs, len, "%s", final_path);
}

/* This run's record (docs/provenance.md, "The run record"). */
static char *Record(int run, const char *date, int ranks, const char *final_path, const char *results_hex, int nobj, const char *previous)
{
  Text           t = {0};
  char           host[256] = "unknown", cwd[FT_PROV_PATH_MAX] = "unknown", abs[FT_PROV_PATH_MAX], cmd[8192], line[FT_PROV_PATH_MAX];
  struct passwd *pw = getpwuid(geteuid());

  gethostname(host, sizeof host - 1);
  host[sizeof host - 1] = 0;
  if (!getcwd(cwd, sizeof cwd)) snprintf(cwd, sizeof cwd, "unknown");
  AbsOutput(final_path, abs, sizeof abs);
  snprintf(cmd, sizeof cmd, "%s", FtProvenanceCommand());
  Clean(host);
  Clean(cwd);
  Clean(abs);
  Clean(cmd);
  Put(&t, "ftwin run record v1\n");
  Put(&t, "run: %d\n", run);
  Put(&t, "date: %s\n", date);
  Put(&t, "ftwin: %s; %s; C %s; CUDA %s (archs %s); PETSc %s; HDF5 %s\n", FTWIN_VERSION, FTWIN_BUILD_TYPE, FTWIN_C_COMPILER,
      FTWIN_BUILD_CUDA_EMULATION ? "emulation" : FTWIN_BUILD_CUDA ? "on" : "off", FTWIN_CUDA_ARCHS, FTWIN_PETSC_VERSION, FTWIN_HDF5_VERSION);
  Put(&t, "command: %s\n", cmd);
  Put(&t, "cwd: %s\n", cwd);
  Put(&t, "host: %s\n", host);
  Put(&t, "user: %s\n", pw && pw->pw_name ? pw->pw_name : "unknown");
  Put(&t, "mpi_ranks: %d\n", ranks);
  Put(&t, "output: %s\n", abs);
  for (int i = 0; i < FtProvenanceInputCount(); i++) {
    const FtProvInput *in = FtProvenanceInputAt(i);
    snprintf(line, sizeof line, "%s", in->path);
    Clean(line);
    if (in->sha256[0]) Put(&t, "input: role=%s bytes=%lld sha256=%s path=%s\n", in->role, in->bytes, in->sha256, line);
    else Put(&t, "input: role=%s bytes=%lld sha256=- path=%s (%s)\n", in->role, in->bytes, line, in->err);
  }
  Put(&t, "results: objects=%d sha256=%s\n", nobj, results_hex);
  Put(&t, "previous: %s\n", previous);
  return t.s;
}

static int ReadStr(hid_t loc, const char *name, char **out)
{
  hid_t a = -1, t = -1, mt = -1;
  int   rc = -1;
  *out = NULL;
  if (H5Aexists(loc, name) <= 0 || (a = H5Aopen(loc, name, H5P_DEFAULT)) < 0 || (t = H5Aget_type(a)) < 0 || H5Tget_class(t) != H5T_STRING) goto done;
  if (H5Tis_variable_str(t) > 0) {
    char *s = NULL;
    mt      = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    if (H5Aread(a, mt, &s) >= 0 && s) {
      *out = strdup(s);
      rc   = *out ? 0 : -1;
      H5free_memory(s);
    }
  } else {
    size_t n = H5Tget_size(t);
    mt       = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, n + 1);
    if ((*out = calloc(n + 2, 1)) && H5Aread(a, mt, *out) >= 0) rc = 0;
  }
done:
  if (rc) {
    free(*out);
    *out = NULL;
  }
  if (mt >= 0) H5Tclose(mt);
  if (t >= 0) H5Tclose(t);
  if (a >= 0) H5Aclose(a);
  return rc;
}

static void Fail(char *err, size_t errlen, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

/* The names of the run records under /provenance/runs, in name order (run_000001, ...). */
typedef struct {
  char **names;
  int    n, cap;
} Names;

static herr_t NameCb(hid_t g, const char *name, const H5L_info_t *info, void *op)
{
  Names *N = op;
  (void)g;
  (void)info;
  if (N->n == N->cap) {
    char **v = realloc(N->names, sizeof *v * (size_t)(N->cap = N->cap ? 2 * N->cap : 16));
    if (!v) return -1;
    N->names = v;
  }
  return (N->names[N->n++] = strdup(name)) ? 0 : -1;
}

static void NamesFree(Names *N)
{
  for (int i = 0; i < N->n; i++) free(N->names[i]);
  free(N->names);
  memset(N, 0, sizeof *N);
}


/* HDF5's own error printing off while sealing or checking (a damaged file gives our one message,
 * not a page of HDF5 lines), restored afterwards. */
typedef struct {
  H5E_auto2_t func;
  void       *data;
} Quiet;

static Quiet QuietBegin(void)
{
  Quiet q = {NULL, NULL};
  H5Eget_auto2(H5E_DEFAULT, &q.func, &q.data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  return q;
}

static void QuietEnd(Quiet q) { H5Eset_auto2(H5E_DEFAULT, q.func, q.data); }

static int SealWrite(const char *tmp, const char *final_path, const char *date, int ranks, FtSealStats *st, char *err, size_t errlen);

int FtSealWrite(const char *tmp, const char *final_path, const char *date, int ranks, FtSealStats *st, char *err, size_t errlen)
{
  Quiet q  = QuietBegin();
  int   rc = SealWrite(tmp, final_path, date, ranks, st, err, errlen);
  QuietEnd(q);
  return rc;
}

static int SealWrite(const char *tmp, const char *final_path, const char *date, int ranks, FtSealStats *st, char *err, size_t errlen)
{
  double  t0 = FtWallTime();
  hid_t   f = -1, gp = -1, gr = -1, grow = -1, pf = -1;
  ObjList L = {0};
  char    results[65], previous[256] = "none", rowname[32], sha[65];
  char   *record = NULL, *lastsha = NULL;
  int     rc = -1, run = 1;

  memset(st, 0, sizeof *st);
  if ((f = FtH5OpenQuiet(tmp, H5F_ACC_RDWR, H5P_DEFAULT)) < 0) {
    Fail(err, errlen, "cannot reopen '%s' to record its provenance", tmp);
    goto done;
  }
  if (DigestFile(f, &L, results)) {
    Fail(err, errlen, "cannot read back '%s' to digest its results", tmp);
    goto done;
  }
  if ((gp = H5Gcreate2(f, FT_H5_G_PROVENANCE, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) < 0) {
    Fail(err, errlen, "cannot write %s into '%s'", FT_H5_G_PROVENANCE, tmp);
    goto done;
  }
  /* the records of the file this run continues, carried forward: exactly those checked when the
   * run began (FtProvenanceContinue), or the seal fails */
  {
    int         want_runs;
    const char *want_sha;
    const char *cont = FtProvenanceContinued(&want_runs, &want_sha);
    char        abs[FT_PROV_PATH_MAX];
    AbsOutput(final_path, abs, sizeof abs);
    if (cont[0] && !strcmp(cont, abs)) {
      int prev_runs = 0, has = 0;
      if ((pf = FtH5OpenQuiet(final_path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0) {
        Fail(err, errlen, "'%s', which this run continues, can no longer be read (moved, removed or replaced meanwhile?): nothing put in place",
             final_path);
        goto done;
      }
      has = H5Lexists(pf, FT_H5_G_PROVENANCE, H5P_DEFAULT) > 0;
      if (has) {
        hid_t pg = H5Gopen2(pf, FT_H5_G_PROVENANCE, H5P_DEFAULT);
        if (pg < 0 || AttrIntRead(pg, FT_H5_PROV_RUN_COUNT, &prev_runs) || ReadStr(pg, FT_H5_PROV_LAST, &lastsha)) prev_runs = -1;
        if (pg >= 0) H5Gclose(pg);
      }
      if (has != (want_runs > 0) || (has && (prev_runs != want_runs || !lastsha || strcmp(lastsha, want_sha)))) {
        Fail(err, errlen, "'%s' changed while this run was running (another run wrote it?): its run records are not those checked when "
             "this run began; nothing put in place, run again", final_path);
        goto done;
      }
      if (has) {
        if (H5Ocopy(pf, FT_H5_G_PROVENANCE_RUNS, gp, FT_H5_PROV_RUNS_GROUP, H5P_DEFAULT, H5P_DEFAULT) < 0) {
          Fail(err, errlen, "cannot carry the run records of '%s' forward", final_path);
          goto done;
        }
        run = prev_runs + 1;
        snprintf(previous, sizeof previous, "sha256=%s", lastsha);
      } else snprintf(previous, sizeof previous, "none (the file this run continued had no provenance record; continued with --accept-unsealed)");
    }
  }
  if ((gr = run > 1 ? H5Gopen2(gp, FT_H5_PROV_RUNS_GROUP, H5P_DEFAULT) : H5Gcreate2(gp, FT_H5_PROV_RUNS_GROUP, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) < 0) goto write_failed;
  if (!(record = Record(run, date, ranks, final_path, results, L.n, previous))) goto write_failed;
  {
    unsigned char md[32];
    FtSha256     *h = FtSha256Begin();
    if (!h) goto write_failed;
    FtSha256Update(h, record, strlen(record));
    FtSha256End(h, md, sha);
  }
  snprintf(rowname, sizeof rowname, FT_H5_PROV_RUN_NAME, run);
  if ((grow = H5Gcreate2(gr, rowname, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) < 0 || AttrStr(grow, FT_H5_PROV_RECORD, record) ||
      AttrStr(grow, FT_H5_PROV_SHA256, sha))
    goto write_failed;
  /* the object list of this file, for naming what changed */
  {
    size_t  width = 0;
    char   *lines;
    hid_t   t, sp, ds;
    hsize_t n = (hsize_t)L.n;
    for (int i = 0; i < L.n; i++)
      if (strlen(L.v[i].path) + 67 > width) width = strlen(L.v[i].path) + 67;
    if (!(lines = calloc((size_t)L.n * width + 1, 1))) goto write_failed;
    for (int i = 0; i < L.n; i++) {
      char hex[65];
      FtSha256Hex(L.v[i].md, hex);
      snprintf(lines + (size_t)i * width, width, "%s  %s", hex, L.v[i].path);
    }
    t  = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, width);
    sp = H5Screate_simple(1, &n, NULL);
    ds = H5Dcreate2(gp, FT_H5_PROV_OBJECTS, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    rc = ds >= 0 && H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, lines) >= 0 ? 0 : -1;
    if (ds >= 0) H5Dclose(ds);
    H5Sclose(sp);
    H5Tclose(t);
    free(lines);
    if (rc) goto write_failed;
    rc = -1;
  }
  if (AttrInt(gp, FT_H5_FORMAT_VERSION, FT_H5_PROVENANCE_FORMAT) || AttrInt(gp, FT_H5_PROV_RUN_COUNT, run) || AttrStr(gp, FT_H5_PROV_LAST, sha) ||
      AttrStr(gp, "note",
              "run records (runs/run_NNNNNN: record text and its sha256; each record names the sha256 of the one before) and the "
              "digest of every other object of this file (objects); check with: ftwin verify FILE [--inputs] (docs/provenance.md)"))
    goto write_failed;
  st->objects = L.n;
  st->bytes   = L.bytes;
  rc          = 0;
  goto done;
write_failed:
  Fail(err, errlen, "HDF5 failed writing %s into '%s'", FT_H5_G_PROVENANCE, tmp);
done:
  if (grow >= 0) H5Gclose(grow);
  if (gr >= 0) H5Gclose(gr);
  if (gp >= 0) H5Gclose(gp);
  if (pf >= 0) H5Fclose(pf);
  if (f >= 0 && H5Fclose(f) < 0 && !rc) {
    Fail(err, errlen, "cannot close '%s' after recording its provenance (disk full?)", tmp);
    rc = -1;
  }
  free(record);
  free(lastsha);
  ObjListFree(&L);
  st->seconds = FtWallTime() - t0;
  return rc;
}

/* ---- checking ---------------------------------------------------------------------------------- */
static void Finding(FtVerifyResult *res, FILE *report, const char *path, int bit, const char *fmt, ...)
{
  char    msg[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  res->code |= bit;
  if (!res->first[0]) snprintf(res->first, sizeof res->first, "%.1000s", msg);
  if (report) fprintf(report, "ftwin verify: %s: %s\n", path, msg);
}

/* The value of "key: value" in a record (the rest of its line), into buf; 0, or -1 when absent. */
static int Field(const char *rec, const char *key, char *buf, size_t len)
{
  size_t k = strlen(key);
  for (const char *p = rec; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
    if (!strncmp(p, key, k) && p[k] == ':' && p[k + 1] == ' ') {
      const char *e = strchr(p, '\n');
      size_t      n = e ? (size_t)(e - p - k - 2) : strlen(p + k + 2);
      snprintf(buf, len, "%.*s", (int)n, p + k + 2);
      return 0;
    }
  return -1;
}

/* A digest of a file's first `bytes` bytes, cached (the same inputs recur in every run record). */
typedef struct {
  char     *path;
  long long bytes, size;
  char      hex[65];
  int       err;
} Cached;

static Cached *FileDigest(Cached **cache, int *n, const char *path, long long bytes)
{
  struct stat sb;
  Cached     *c;
  for (int i = 0; i < *n; i++)
    if ((*cache)[i].bytes == bytes && !strcmp((*cache)[i].path, path)) return &(*cache)[i];
  if (!(c = realloc(*cache, sizeof *c * (size_t)(*n + 1)))) return NULL;
  *cache = c;
  c      = &c[(*n)++];
  memset(c, 0, sizeof *c);
  c->path  = strdup(path);
  c->bytes = bytes;
  if (stat(path, &sb)) c->err = errno ? errno : ENOENT;
  else {
    long long got;
    c->size = (long long)sb.st_size;
    c->err  = FtSha256File(path, bytes, c->hex, &got);
    if (!c->err && got != bytes) c->hex[0] = 0; /* shorter than what the run read */
  }
  return c;
}

static void CheckInputs(const char *path, const char *rec, int run, Cached **cache, int *ncache, FILE *report, FtVerifyResult *res)
{
  char self[FT_PROV_PATH_MAX], output[FT_PROV_PATH_MAX] = "";
  if (!realpath(path, self)) snprintf(self, sizeof self, "%s", path);
  (void)Field(rec, "output", output, sizeof output);
  for (const char *p = rec; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
    char      role[32], hex[65], file[FT_PROV_PATH_MAX];
    long long bytes;
    int       used = 0;
    Cached   *c;
    if (strncmp(p, "input: ", 7)) continue;
    if (sscanf(p, "input: role=%31s bytes=%lld sha256=%64s path=%n", role, &bytes, hex, &used) != 3 || !used) continue;
    {
      const char *e = strchr(p + used, '\n');
      snprintf(file, sizeof file, "%.*s", (int)(e ? e - (p + used) : (long)strlen(p + used)), p + used);
    }
    if (!strcmp(hex, "-")) continue;          /* could not be read back when the run recorded it */
    if ((!strcmp(role, "asset_file") || !strcmp(role, "counting_state")) && (!strcmp(file, output) || !strcmp(file, self)))
      continue; /* the file the run continued and replaced (this file, or the original of this copy): its chain is checked above */
    if (!(c = FileDigest(cache, ncache, file, bytes))) continue;
    if (c->err == ENOENT) {
      res->inputs_absent++;
      if (report) fprintf(report, "ftwin verify: %s: note: run %d: input %s '%s' is no longer present (not checked)\n", path, run, role, file);
    } else if (c->err) Finding(res, report, path, FT_VERIFY_INPUTS, "run %d: input %s '%s' cannot be read: %s", run, role, file, strerror(c->err));
    else if (!c->hex[0])
      Finding(res, report, path, FT_VERIFY_INPUTS, "run %d: input %s '%s' changed: it is now %lld bytes, shorter than the %lld the run read", run, role,
              file, c->size, bytes);
    else if (strcmp(c->hex, hex))
      Finding(res, report, path, FT_VERIFY_INPUTS, "run %d: input %s '%s' changed since the run read it (sha256 of its first %lld bytes now %s, recorded %s)",
              run, role, file, bytes, c->hex, hex);
    else if (c->size > bytes) {
      res->inputs_grown++;
      if (report) fprintf(report, "ftwin verify: %s: note: run %d: input %s '%s' has grown since (its first %lld bytes unchanged)\n", path, run, role, file, bytes);
    } else res->inputs_same++;
  }
}

/* Names what differs between the objects now (L) and the object list stored with the seal. */
static void NameChanges(hid_t gp, const char *path, const ObjList *L, const char *recorded, FILE *report, FtVerifyResult *res)
{
  hid_t   ds = H5Dopen2(gp, FT_H5_PROV_OBJECTS, H5P_DEFAULT), t = -1, sp = -1;
  hsize_t n  = 0;
  size_t  w;
  char   *lines = NULL, **stored = NULL;
  int     named = 0;

  if (ds < 0 || (t = H5Dget_type(ds)) < 0 || H5Tget_class(t) != H5T_STRING || H5Tis_variable_str(t) > 0 || (sp = H5Dget_space(ds)) < 0 ||
      H5Sget_simple_extent_ndims(sp) != 1) {
    Finding(res, report, path, FT_VERIFY_RESULTS, "the stored object list (%s/%s) is missing or damaged: which objects changed cannot be named", FT_H5_G_PROVENANCE, FT_H5_PROV_OBJECTS);
    goto done;
  }
  H5Sget_simple_extent_dims(sp, &n, NULL);
  w = H5Tget_size(t);
  if (!w || n > (hsize_t)(SIZE_MAX / 2 / w)) {
    Finding(res, report, path, FT_VERIFY_RESULTS, "the stored object list (%s/%s) is damaged: which objects changed cannot be named", FT_H5_G_PROVENANCE, FT_H5_PROV_OBJECTS);
    goto done;
  }
  if (!(lines = calloc((size_t)n * w + 1, 1)) || !(stored = calloc((size_t)n + 1, sizeof *stored)) || H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, lines) < 0) goto done;
  {
    FtSha256     *h = FtSha256Begin();
    unsigned char md[32];
    char          hex[65];
    for (hsize_t i = 0; i < n; i++) {
      char *s = lines + i * w;
      stored[i] = s;
      if (h) {
        size_t len = strnlen(s, w);
        FtSha256Update(h, s, len);
        FtSha256Update(h, "\n", 1);
      }
    }
    if (h) {
      FtSha256End(h, md, hex);
      if (strcmp(hex, recorded))
        Finding(res, report, path, FT_VERIFY_RESULTS, "the stored object list (%s/%s) was altered too: the objects named below may not be all", FT_H5_G_PROVENANCE,
                FT_H5_PROV_OBJECTS);
    }
  }
  for (int i = 0; i < L->n; i++) {
    char hex[65];
    int  found = 0;
    FtSha256Hex(L->v[i].md, hex);
    for (hsize_t j = 0; j < n && !found; j++) {
      size_t len = strnlen(stored[j], w);
      if (len > 66 && !strncmp(stored[j] + 66, L->v[i].path, len - 66) && strlen(L->v[i].path) == len - 66) {
        found = 1;
        stored[j][64] = '#'; /* seen */
        if (strncmp(stored[j], hex, 64)) {
          Finding(res, report, path, FT_VERIFY_RESULTS, "changed since the last run: %s", L->v[i].path);
          named++;
        }
      }
    }
    if (!found) {
      Finding(res, report, path, FT_VERIFY_RESULTS, "added since the last run: %s", L->v[i].path);
      named++;
    }
  }
  for (hsize_t j = 0; j < n; j++)
    if (strnlen(stored[j], w) > 66 && stored[j][64] != '#') {
      Finding(res, report, path, FT_VERIFY_RESULTS, "removed since the last run: %.*s", (int)(strnlen(stored[j], w) - 66), stored[j] + 66);
      named++;
    }
  if (!named) Finding(res, report, path, FT_VERIFY_RESULTS, "the results differ from the last run's record, but no single object can be named");
done:
  free(lines);
  free(stored);
  if (sp >= 0) H5Sclose(sp);
  if (t >= 0) H5Tclose(t);
  if (ds >= 0) H5Dclose(ds);
}

static void SealVerify(const char *path, int check_inputs, FILE *report, FtVerifyResult *res);

void FtSealVerify(const char *path, int check_inputs, FILE *report, FtVerifyResult *res)
{
  Quiet q = QuietBegin();
  SealVerify(path, check_inputs, report, res);
  QuietEnd(q);
}

static void SealVerify(const char *path, int check_inputs, FILE *report, FtVerifyResult *res)
{
  double  t0 = FtWallTime();
  hid_t   f, gp = -1, gr = -1;
  Names   N = {0};
  ObjList L = {0};
  Cached *cache = NULL;
  int     ncache = 0, version = 0, runs_attr = 0, expect = 1;
  char   *prevsha = NULL, *lastrec = NULL, *lastattr = NULL;

  memset(res, 0, sizeof *res);
  if ((f = FtH5OpenQuiet(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0) {
    Finding(res, report, path, FT_VERIFY_UNCHECKABLE, "not an HDF5 file, or it cannot be read");
    return;
  }
  if (H5Lexists(f, FT_H5_G_PROVENANCE, H5P_DEFAULT) <= 0) {
    res->no_record = 1;
    Finding(res, report, path, FT_VERIFY_UNCHECKABLE, "no provenance record (%s): written by an ftwin that did not record one, or not by ftwin", FT_H5_G_PROVENANCE);
    goto done;
  }
  if ((gp = H5Gopen2(f, FT_H5_G_PROVENANCE, H5P_DEFAULT)) < 0) {
    Finding(res, report, path, FT_VERIFY_RECORDS, "%s is not a group: the provenance record was replaced", FT_H5_G_PROVENANCE);
    goto done;
  }
  if (AttrIntRead(gp, FT_H5_FORMAT_VERSION, &version)) {
    Finding(res, report, path, FT_VERIFY_RECORDS, "%s has no readable format_version: the provenance record was altered", FT_H5_G_PROVENANCE);
    goto done;
  }
  if (version != FT_H5_PROVENANCE_FORMAT) {
    Finding(res, report, path, FT_VERIFY_UNCHECKABLE, "%s has format_version %d; this ftwin checks version %d", FT_H5_G_PROVENANCE, version, FT_H5_PROVENANCE_FORMAT);
    goto done;
  }
  (void)AttrIntRead(gp, FT_H5_PROV_RUN_COUNT, &runs_attr);
  (void)ReadStr(gp, FT_H5_PROV_LAST, &lastattr);
  res->run_count = runs_attr;
  snprintf(res->last_sha, sizeof res->last_sha, "%s", lastattr ? lastattr : "");
  if ((gr = H5Gopen2(gp, FT_H5_PROV_RUNS_GROUP, H5P_DEFAULT)) < 0 || H5Literate(gr, H5_INDEX_NAME, H5_ITER_INC, NULL, NameCb, &N) < 0 || !N.n) {
    Finding(res, report, path, FT_VERIFY_RECORDS, "no run records (%s is empty or missing)", FT_H5_G_PROVENANCE_RUNS);
    goto done;
  }
  /* the chain */
  for (int i = 0; i < N.n; i++) {
    hid_t         g = H5Gopen2(gr, N.names[i], H5P_DEFAULT);
    char         *rec = NULL, *sha = NULL, field[512], hex[65];
    int           k = -1, said = -1;
    unsigned char md[32];
    if (sscanf(N.names[i], "run_%d", &k) != 1) k = -1;
    if (g < 0 || ReadStr(g, FT_H5_PROV_RECORD, &rec) || ReadStr(g, FT_H5_PROV_SHA256, &sha)) {
      Finding(res, report, path, FT_VERIFY_RECORDS, "run record %s is unreadable (its record or sha256 attribute is missing)", N.names[i]);
      if (g >= 0) H5Gclose(g);
      free(rec);
      free(sha);
      free(prevsha);
      free(lastrec);
      prevsha = NULL;
      lastrec = NULL; /* the results cannot be checked against an unreadable last record */
      expect  = k + 1;
      continue;
    }
    H5Gclose(g);
    {
      FtSha256 *h = FtSha256Begin();
      if (h) {
        FtSha256Update(h, rec, strlen(rec));
        FtSha256End(h, md, hex);
      } else hex[0] = 0;
    }
    if (strcmp(hex, sha)) Finding(res, report, path, FT_VERIFY_RECORDS, "run %d: its record was edited (its text no longer has the SHA-256 stored with it)", k);
    if (!Field(rec, "run", field, sizeof field)) said = atoi(field);
    if (said != k) Finding(res, report, path, FT_VERIFY_RECORDS, "run record %s says it is run %d: records were renamed or moved", N.names[i], said);
    if (k != expect) {
      if (k > expect) Finding(res, report, path, FT_VERIFY_RECORDS, "run%s %d%s%.0d: record%s missing (removed)", k - expect > 1 ? "s" : "", expect,
                              k - expect > 1 ? " to " : "", k - expect > 1 ? k - 1 : 0, k - expect > 1 ? "s" : "");
      else Finding(res, report, path, FT_VERIFY_RECORDS, "run %d: record out of order", k);
    }
    if (Field(rec, "previous", field, sizeof field)) Finding(res, report, path, FT_VERIFY_RECORDS, "run %d: its record names no previous record", k);
    else if (i == 0 && strncmp(field, "none", 4))
      Finding(res, report, path, FT_VERIFY_RECORDS, "run %d: it follows a record that is no longer in the file: the records before it were removed", k);
    else if (i > 0 && (!prevsha || strncmp(field, "sha256=", 7) || strcmp(field + 7, prevsha)))
      Finding(res, report, path, FT_VERIFY_RECORDS, "run %d: the record it follows is not run %d's as stored: a record between them was removed or replaced", k, k - 1);
    if (check_inputs) CheckInputs(path, rec, k, &cache, &ncache, report, res);
    free(prevsha);
    prevsha = sha;
    free(lastrec);
    lastrec = rec;
    expect  = k + 1;
  }
  res->runs = N.n;
  if (runs_attr != expect - 1 || !lastattr || !prevsha || strcmp(lastattr, prevsha))
    Finding(res, report, path, FT_VERIFY_RECORDS, "%s says the last run is run %d with record %.12s..., the records end at run %d: the last record%s removed or replaced",
            FT_H5_G_PROVENANCE, runs_attr, lastattr ? lastattr : "?", expect - 1, runs_attr - (expect - 1) > 1 ? "s were" : " was");
  /* the results against the last record */
  if (!lastrec) Finding(res, report, path, FT_VERIFY_RECORDS, "the last run's record is unreadable: the results cannot be checked against it");
  else {
    char field[512], results[65], rec_hex[65] = "";
    int  rec_objects = -1;
    if (Field(lastrec, "results", field, sizeof field) || sscanf(field, "objects=%d sha256=%64s", &rec_objects, rec_hex) != 2)
      Finding(res, report, path, FT_VERIFY_RECORDS, "run %d: its record has no results digest", expect - 1);
    else if (DigestFile(f, &L, results))
      Finding(res, report, path, FT_VERIFY_RESULTS, "some results cannot be read back (damaged file?)");
    else {
      res->objects = L.n;
      res->bytes   = L.bytes;
      if (strcmp(results, rec_hex)) NameChanges(gp, path, &L, rec_hex, report, res);
    }
  }
done:
  for (int i = 0; i < ncache; i++) free(cache[i].path);
  free(cache);
  free(prevsha);
  free(lastrec);
  free(lastattr);
  NamesFree(&N);
  ObjListFree(&L);
  if (gr >= 0) H5Gclose(gr);
  if (gp >= 0) H5Gclose(gp);
  H5Fclose(f);
  res->seconds = FtWallTime() - t0;
}
