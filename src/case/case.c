/* The case-file parser: YAML (libyaml document API) -> FtCase, validated, SI units.
 *
 * Every error is one line: `<file>:<line>: <key.path>: <problem>[, got <value>]`.
 * The sections are read in a fixed order (name, mesh, materials, reference_temperature,
 * thermal, mechanical, output, solver, fatigue, sensors, calibration) whatever their order in the
 * file, so that cross references (load case -> thermal case, prescribed -> constraints, gravity ->
 * material densities, fatigue channel -> load case, fatigue.basis -> output.file, load cell ->
 * fatigue channel, calibration parameter -> material region / convection entry / load case,
 * calibration -> sensors) can be checked while reading. The first error found is reported.
 *
 * A fatigue material given by name is read from a material library (another YAML file, see
 * find_library); errors inside it name the library file and its line.
 */
#include "case/case.h"
#include "case/fatigue_params.h"
#include "ft_equivalent.h"
#include "util/oneline.h"
#include "util/path.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define PATHLEN 512 /* key paths such as mechanical.load_cases[3].prescribed[0].value[2] */

typedef struct {
  yaml_document_t *doc;
  const char      *file; /* the case path, for messages */
  char             dir[FT_PATH_MAX]; /* folder of the case file, with trailing '/', or "" */
  char            *err;
  size_t           errlen;
  int              failed;
} Ctx;

/* ----------------------------------------------------------------------------------------- */
/* Messages                                                                                  */

static unsigned long line_of(const yaml_node_t *n) { return n ? (unsigned long)n->start_mark.line + 1 : 1; }

static int verrl(Ctx *X, unsigned long line, const char *path, const char *fmt, va_list ap)
{
  if (X->failed) return -1;
  X->failed = 1;
  if (!X->err || !X->errlen) return -1;
  int k;
  if (path && path[0]) k = snprintf(X->err, X->errlen, "%s:%lu: %s: ", X->file, line, path);
  else k = snprintf(X->err, X->errlen, "%s:%lu: ", X->file, line);
  if (k >= 0 && (size_t)k < X->errlen) vsnprintf(X->err + k, X->errlen - (size_t)k, fmt, ap);
  FtMessageOneLine(X->err);
  return -1;
}

/* Error at a given line. */
static int errl(Ctx *X, unsigned long line, const char *path, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  verrl(X, line, path, fmt, ap);
  va_end(ap);
  return -1;
}

/* Error at the line of node n (line 1 if NULL). */
static int errf(Ctx *X, const yaml_node_t *n, const char *path, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  verrl(X, line_of(n), path, fmt, ap);
  va_end(ap);
  return -1;
}

static const char *sval(const yaml_node_t *n) { return (const char *)n->data.scalar.value; }

static int is_empty(const yaml_node_t *n)
{
  if (!n || n->type != YAML_SCALAR_NODE) return 0;
  if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return n->data.scalar.length == 0;
  const char *s = sval(n);
  return !s[0] || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

/* What a node is, for "expected ..., got <desc>". */
static const char *desc(const yaml_node_t *n, char *buf, size_t cap)
{
  if (!n) return "nothing";
  switch (n->type) {
  case YAML_SEQUENCE_NODE: return "a list";
  case YAML_MAPPING_NODE: return "a mapping";
  case YAML_SCALAR_NODE:
    if (is_empty(n)) return "an empty value";
    if (n->data.scalar.length > 60) snprintf(buf, cap, "'%.57s...'", sval(n));
    else snprintf(buf, cap, "'%s'", sval(n));
    FtMessageOneLine(buf);
    return buf;
  default: return "nothing";
  }
}

/* ----------------------------------------------------------------------------------------- */
/* Nodes                                                                                     */

static yaml_node_t *node(Ctx *X, int id) { return yaml_document_get_node(X->doc, id); }

/* Paths longer than PATHLEN are cut and end in "..." (they only appear in messages). */
static void path_fit(char *out, int k)
{
  if (k >= PATHLEN) memcpy(out + PATHLEN - 4, "...", 4);
}

static void child(char *out, const char *path, const char *key)
{
  int k;
  if (path && path[0]) k = snprintf(out, PATHLEN, "%s.%s", path, key);
  else k = snprintf(out, PATHLEN, "%s", key);
  path_fit(out, k);
}

static void indexed(char *out, const char *path, int i)
{
  int k = snprintf(out, PATHLEN, "%s[%d]", path, i);
  path_fit(out, k);
}

static int expect_map(Ctx *X, const yaml_node_t *n, const char *path)
{
  char b[80];
  if (n->type != YAML_MAPPING_NODE) return errf(X, n, path, "expected a mapping, got %s", desc(n, b, sizeof b));
  return 0;
}

static int expect_seq(Ctx *X, const yaml_node_t *n, const char *path)
{
  char b[80];
  if (n->type != YAML_SEQUENCE_NODE) return errf(X, n, path, "expected a list, got %s", desc(n, b, sizeof b));
  return 0;
}

static int seq_len(const yaml_node_t *n) { return (int)(n->data.sequence.items.top - n->data.sequence.items.start); }
static yaml_node_t *seq_at(Ctx *X, const yaml_node_t *n, int i) { return node(X, n->data.sequence.items.start[i]); }

/* Every key of `map` must be a string from `known` (NULL-terminated), and appear once. */
static int check_keys(Ctx *X, const yaml_node_t *map, const char *path, const char *const *known)
{
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *k = node(X, p->key);
    char         cp[PATHLEN], b[80];
    if (k->type != YAML_SCALAR_NODE || is_empty(k))
      return errf(X, k, path, "keys must be names, got %s", desc(k, b, sizeof b));
    child(cp, path, sval(k));
    int ok = 0;
    for (int i = 0; known[i]; i++)
      if (!strcmp(known[i], sval(k))) ok = 1;
    if (!ok) {
      char list[512] = "";
      for (int i = 0; known[i]; i++) {
        if (i) strncat(list, ", ", sizeof list - strlen(list) - 1);
        strncat(list, known[i], sizeof list - strlen(list) - 1);
      }
      return errf(X, k, cp, "unknown key (known: %s)", list);
    }
    for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
      yaml_node_t *k2 = node(X, q->key);
      if (k2->type == YAML_SCALAR_NODE && !strcmp(sval(k2), sval(k)))
        return errf(X, k, cp, "duplicate key (first given at line %lu)", line_of(k2));
    }
  }
  return 0;
}

/* The value of `key` in `map` (NULL if absent); `cp` receives the key's path. */
static yaml_node_t *get(Ctx *X, const yaml_node_t *map, const char *path, const char *key, char *cp)
{
  child(cp, path, key);
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *k = node(X, p->key);
    if (k->type == YAML_SCALAR_NODE && !strcmp(sval(k), key)) return node(X, p->value);
  }
  return NULL;
}

static yaml_node_t *req(Ctx *X, const yaml_node_t *map, const char *path, const char *key, char *cp)
{
  yaml_node_t *v = get(X, map, path, key, cp);
  if (!v) errf(X, map, cp, "missing (required)");
  return v;
}

/* ----------------------------------------------------------------------------------------- */
/* Scalars                                                                                   */

static int parse_double(const char *s, double *v)
{
  char *end;
  if (!s[0] || isspace((unsigned char)s[0])) return -1;
  errno   = 0;
  double d = strtod(s, &end);
  if (*end || !isfinite(d)) return -1;
  *v = d;
  return 0;
}

static int get_number(Ctx *X, const yaml_node_t *n, const char *path, double *v)
{
  char b[80];
  if (n->type != YAML_SCALAR_NODE || is_empty(n) || parse_double(sval(n), v))
    return errf(X, n, path, "expected a number, got %s", desc(n, b, sizeof b));
  return 0;
}

/* A whole number k >= lo (and <= 1e9, so it fits an int everywhere it is used). */
static int get_whole(Ctx *X, const yaml_node_t *n, const char *path, long lo, long *v)
{
  char  b[80], *end;
  long  k  = lo - 1;
  if (n->type == YAML_SCALAR_NODE && !is_empty(n) && !isspace((unsigned char)sval(n)[0])) {
    errno = 0;
    k     = strtol(sval(n), &end, 10);
    if (*end || errno) k = lo - 1;
  }
  if (k < lo || k > 1000000000L) return errf(X, n, path, "must be a whole number >= %ld, got %s", lo, desc(n, b, sizeof b));
  *v = k;
  return 0;
}

static int get_string(Ctx *X, const yaml_node_t *n, const char *path, char *out, size_t cap)
{
  char b[80];
  if (n->type != YAML_SCALAR_NODE || is_empty(n)) return errf(X, n, path, "expected a name, got %s", desc(n, b, sizeof b));
  if (n->data.scalar.length >= cap)
    return errf(X, n, path, "too long (at most %zu characters), got %s", cap - 1, desc(n, b, sizeof b));
  memcpy(out, sval(n), n->data.scalar.length + 1);
  return 0;
}

/* A name used in output file and group names: [A-Za-z0-9_.-]+. */
static int get_name(Ctx *X, const yaml_node_t *n, const char *path, char *out)
{
  char b[80];
  if (get_string(X, n, path, out, FT_NAME_MAX)) return -1;
  for (const char *s = out; *s; s++)
    if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '-')
      return errf(X, n, path, "must match [A-Za-z0-9_.-]+, got %s", desc(n, b, sizeof b));
  return 0;
}

static int get_bool(Ctx *X, const yaml_node_t *n, const char *path, int *v)
{
  static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", NULL};
  static const char *const no[]  = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", NULL};
  char b[80];
  if (n->type == YAML_SCALAR_NODE) {
    for (int i = 0; yes[i]; i++)
      if (!strcmp(sval(n), yes[i])) {
        *v = 1;
        return 0;
      }
    for (int i = 0; no[i]; i++)
      if (!strcmp(sval(n), no[i])) {
        *v = 0;
        return 0;
      }
  }
  return errf(X, n, path, "expected true or false, got %s", desc(n, b, sizeof b));
}

/* A list of exactly 3 numbers. */
static int get_vec3(Ctx *X, const yaml_node_t *n, const char *path, double v[3])
{
  char b[80], ip[PATHLEN];
  if (n->type != YAML_SEQUENCE_NODE) return errf(X, n, path, "expected a list of 3 numbers [x, y, z], got %s", desc(n, b, sizeof b));
  if (seq_len(n) != 3) return errf(X, n, path, "expected a list of 3 numbers [x, y, z], got a list of %d", seq_len(n));
  for (int i = 0; i < 3; i++) {
    indexed(ip, path, i);
    if (get_number(X, seq_at(X, n, i), ip, &v[i])) return -1;
  }
  return 0;
}

/* Does an expression text use x, y, z or r?  (The text has compiled, so every identifier is
   valid; numbers are skipped so the 'e' of 1e5 is not taken for a name.) */
static int uses_coords(const char *s)
{
  while (*s) {
    if (isdigit((unsigned char)*s) || *s == '.') {
      while (isdigit((unsigned char)*s) || *s == '.') s++;
      if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-') s++;
        while (isdigit((unsigned char)*s)) s++;
      }
    } else if (isalpha((unsigned char)*s) || *s == '_') {
      const char *b = s;
      while (isalnum((unsigned char)*s) || *s == '_') s++;
      if (s - b == 1 && strchr("xyzr", *b)) return 1;
    } else {
      s++;
    }
  }
  return 0;
}

/* A number (constant) or an expression string of x, y, z. Expressions without coordinates are
   folded to constants, so `expr` is non-NULL only for fields that really vary in space. */
static int get_field(Ctx *X, const yaml_node_t *n, const char *path, FtScalarField *f)
{
  char b[80];
  f->value = 0;
  f->expr  = NULL;
  if (n->type != YAML_SCALAR_NODE || is_empty(n))
    return errf(X, n, path, "expected a number or an expression, got %s", desc(n, b, sizeof b));
  if (!parse_double(sval(n), &f->value)) return 0;
  char    msg[512];
  FtExpr *e = FtExprCompile(sval(n), msg, sizeof msg);
  if (!e) return errf(X, n, path, "bad expression: %s", msg);
  if (uses_coords(sval(n))) {
    f->expr = e;
    return 0;
  }
  double v = FtExprEval(e, 0, 0, 0);
  FtExprFree(e);
  if (!isfinite(v)) return errf(X, n, path, "expression %s is not finite (%g)", desc(n, b, sizeof b), v);
  f->value = v;
  return 0;
}

static void free_field(FtScalarField *f)
{
  FtExprFree(f->expr);
  f->expr = NULL;
}

/* A list of 3 fields [fx, fy, fz]. */
static int get_field3(Ctx *X, const yaml_node_t *n, const char *path, FtScalarField f[3])
{
  char b[80], ip[PATHLEN];
  if (n->type != YAML_SEQUENCE_NODE)
    return errf(X, n, path, "expected a list of 3 values [x, y, z] (numbers or expressions), got %s", desc(n, b, sizeof b));
  if (seq_len(n) != 3) return errf(X, n, path, "expected a list of 3 values [x, y, z], got a list of %d", seq_len(n));
  for (int i = 0; i < 3; i++) {
    indexed(ip, path, i);
    if (get_field(X, seq_at(X, n, i), ip, &f[i])) return -1;
  }
  return 0;
}

/* `folder of the case file` + rel, unless rel is absolute. */
static int resolve_path(Ctx *X, const yaml_node_t *n, const char *path, char out[FT_PATH_MAX])
{
  char b[80];
  if (n->type != YAML_SCALAR_NODE || is_empty(n)) return errf(X, n, path, "expected a file path, got %s", desc(n, b, sizeof b));
  const char *rel = sval(n);
  int         k;
  if (rel[0] == '/') k = snprintf(out, FT_PATH_MAX, "%s", rel);
  else k = snprintf(out, FT_PATH_MAX, "%s%s", X->dir, rel);
  if (k < 0 || k >= FT_PATH_MAX) return errf(X, n, path, "path too long (at most %d characters)", FT_PATH_MAX - 1);
  return 0;
}

/* ----------------------------------------------------------------------------------------- */
/* Sections                                                                                  */

static int parse_mesh(Ctx *X, const yaml_node_t *m, FtCase *c)
{
  static const char *const keys[] = {"file", "unit", "order", NULL};
  char cp[PATHLEN], b[80];
  yaml_node_t *v;
  if (expect_map(X, m, "mesh") || check_keys(X, m, "mesh", keys)) return -1;
  if (!(v = req(X, m, "mesh", "file", cp)) || resolve_path(X, v, cp, c->mesh_file)) return -1;
  if ((v = get(X, m, "mesh", "unit", cp))) {
    if (v->type == YAML_SCALAR_NODE && !strcmp(sval(v), "m")) c->mesh_scale = 1;
    else if (v->type == YAML_SCALAR_NODE && !strcmp(sval(v), "mm")) c->mesh_scale = 1e-3;
    else return errf(X, v, cp, "must be m or mm, got %s", desc(v, b, sizeof b));
  }
  if ((v = get(X, m, "mesh", "order", cp))) {
    if (v->type == YAML_SCALAR_NODE && !strcmp(sval(v), "1")) c->order = 1;
    else if (v->type == YAML_SCALAR_NODE && !strcmp(sval(v), "2")) c->order = 2;
    else return errf(X, v, cp, "must be 1 or 2, got %s", desc(v, b, sizeof b));
  }
  return 0;
}

static int parse_materials(Ctx *X, const yaml_node_t *s, FtCase *c)
{
  static const char *const keys[] = {"region", "E", "nu", "alpha", "k", "rho", NULL};
  if (expect_seq(X, s, "materials")) return -1;
  int n = seq_len(s);
  if (n == 0) return errf(X, s, "materials", "at least one material is required");
  c->materials = calloc((size_t)n, sizeof *c->materials);
  if (!c->materials) return errf(X, s, "materials", "out of memory");
  c->nmaterials = n;
  for (int i = 0; i < n; i++) {
    yaml_node_t    *e = seq_at(X, s, i), *v;
    FtCaseMaterial *m = &c->materials[i];
    char            ep[PATHLEN], cp[PATHLEN];
    indexed(ep, "materials", i);
    if (expect_map(X, e, ep) || check_keys(X, e, ep, keys)) return -1;
    m->line = (int)line_of(e);
    if (!(v = req(X, e, ep, "region", cp)) || get_string(X, v, cp, m->region, FT_NAME_MAX)) return -1;
    for (int j = 0; j < i; j++)
      if (!strcmp(c->materials[j].region, m->region))
        return errf(X, v, cp, "duplicate region '%s' (also materials[%d], line %d)", m->region, j, c->materials[j].line);
    if (!(v = req(X, e, ep, "E", cp)) || get_number(X, v, cp, &m->E)) return -1;
    if (!(m->E > 0)) return errf(X, v, cp, "must be > 0, got %s", sval(v));
    if (!(v = req(X, e, ep, "nu", cp)) || get_number(X, v, cp, &m->nu)) return -1;
    if (!(m->nu > -1 && m->nu < 0.5)) return errf(X, v, cp, "must be in (-1, 0.5), got %s", sval(v));
    if ((v = get(X, e, ep, "alpha", cp))) {
      if (get_number(X, v, cp, &m->alpha)) return -1;
      if (!(m->alpha >= 0)) return errf(X, v, cp, "must be >= 0, got %s", sval(v));
    }
    if ((v = get(X, e, ep, "k", cp))) {
      if (get_number(X, v, cp, &m->k)) return -1;
      if (!(m->k > 0)) return errf(X, v, cp, "must be > 0, got %s", sval(v));
    }
    if ((v = get(X, e, ep, "rho", cp))) {
      if (get_number(X, v, cp, &m->rho)) return -1;
      if (!(m->rho >= 0)) return errf(X, v, cp, "must be >= 0, got %s", sval(v));
    }
  }
  return 0;
}

typedef enum { BC_VALUE, BC_CONVECTION } BCKind;

static int parse_thermal_bcs(Ctx *X, const yaml_node_t *s, const char *path, BCKind kind, FtThermalBC **out, int *nout)
{
  static const char *const vkeys[] = {"region", "value", NULL};
  static const char *const ckeys[] = {"region", "h", "ambient", NULL};
  if (expect_seq(X, s, path)) return -1;
  int n = seq_len(s);
  if (n == 0) return 0;
  *out = calloc((size_t)n, sizeof **out);
  if (!*out) return errf(X, s, path, "out of memory");
  *nout = n;
  for (int i = 0; i < n; i++) {
    yaml_node_t *e = seq_at(X, s, i), *v;
    FtThermalBC *bc = &(*out)[i];
    char         ep[PATHLEN], cp[PATHLEN];
    indexed(ep, path, i);
    if (expect_map(X, e, ep) || check_keys(X, e, ep, kind == BC_VALUE ? vkeys : ckeys)) return -1;
    bc->line = (int)line_of(e);
    if (!(v = req(X, e, ep, "region", cp)) || get_string(X, v, cp, bc->region, FT_NAME_MAX)) return -1;
    if (kind == BC_VALUE) {
      if (!(v = req(X, e, ep, "value", cp)) || get_number(X, v, cp, &bc->value)) return -1;
    } else {
      if (!(v = req(X, e, ep, "h", cp)) || get_number(X, v, cp, &bc->h)) return -1;
      if (!(bc->h > 0)) return errf(X, v, cp, "must be > 0, got %s", sval(v));
      if (!(v = req(X, e, ep, "ambient", cp)) || get_number(X, v, cp, &bc->ambient)) return -1;
    }
  }
  return 0;
}

static int parse_thermal(Ctx *X, const yaml_node_t *s, FtCase *c)
{
  static const char *const keys[] = {"name", "temperature", "fixed_temperature", "heat_flux", "convection", "heat_source", NULL};
  static const char *const bckeys[] = {"fixed_temperature", "heat_flux", "convection", "heat_source"};
  if (expect_seq(X, s, "thermal")) return -1;
  int n = seq_len(s);
  if (n == 0) return 0;
  c->thermal = calloc((size_t)n, sizeof *c->thermal);
  if (!c->thermal) return errf(X, s, "thermal", "out of memory");
  c->nthermal = n;
  for (int i = 0; i < n; i++) {
    yaml_node_t   *e = seq_at(X, s, i), *v;
    FtThermalCase *t = &c->thermal[i];
    char           ep[PATHLEN], cp[PATHLEN];
    indexed(ep, "thermal", i);
    if (expect_map(X, e, ep) || check_keys(X, e, ep, keys)) return -1;
    t->line = (int)line_of(e);
    if (!(v = req(X, e, ep, "name", cp)) || get_name(X, v, cp, t->name)) return -1;
    for (int j = 0; j < i; j++)
      if (!strcmp(c->thermal[j].name, t->name))
        return errf(X, v, cp, "duplicate thermal case name '%s' (also thermal[%d], line %d)", t->name, j, c->thermal[j].line);
    yaml_node_t *temp = get(X, e, ep, "temperature", cp);
    if (temp) {
      for (int k = 0; k < 4; k++) {
        char bp[PATHLEN];
        if (get(X, e, ep, bckeys[k], bp))
          return errf(X, temp, cp, "thermal case '%s' has both a prescribed temperature and '%s'; give one or the other", t->name,
                      bckeys[k]);
      }
      t->kind = FT_THERMAL_PRESCRIBED;
      if (get_field(X, temp, cp, &t->field)) return -1;
      continue;
    }
    t->kind = FT_THERMAL_SOLVE;
    if ((v = get(X, e, ep, "fixed_temperature", cp)) && parse_thermal_bcs(X, v, cp, BC_VALUE, &t->fixed, &t->nfixed)) return -1;
    if ((v = get(X, e, ep, "heat_flux", cp)) && parse_thermal_bcs(X, v, cp, BC_VALUE, &t->flux, &t->nflux)) return -1;
    if ((v = get(X, e, ep, "convection", cp)) && parse_thermal_bcs(X, v, cp, BC_CONVECTION, &t->convection, &t->nconvection))
      return -1;
    if ((v = get(X, e, ep, "heat_source", cp)) && parse_thermal_bcs(X, v, cp, BC_VALUE, &t->source, &t->nsource)) return -1;
    if (t->nfixed + t->nconvection == 0)
      return errf(X, e, ep,
                  "thermal case '%s' has no fixed_temperature or convection entry, so its temperature is undetermined "
                  "(add one, or give a prescribed 'temperature' field)",
                  t->name);
  }
  return 0;
}

static int component_index(const char *s)
{
  if (!strcmp(s, "x")) return 0;
  if (!strcmp(s, "y")) return 1;
  if (!strcmp(s, "z")) return 2;
  return -1;
}

static int parse_components(Ctx *X, const yaml_node_t *s, const char *path, int comp[3])
{
  char b[80], ip[PATHLEN];
  if (expect_seq(X, s, path)) return -1;
  if (seq_len(s) == 0) return errf(X, s, path, "at least one component (x, y, z) is required");
  comp[0] = comp[1] = comp[2] = 0;
  for (int i = 0; i < seq_len(s); i++) {
    yaml_node_t *v = seq_at(X, s, i);
    indexed(ip, path, i);
    int d = v->type == YAML_SCALAR_NODE ? component_index(sval(v)) : -1;
    if (d < 0) return errf(X, v, ip, "unknown component %s (known: x, y, z)", desc(v, b, sizeof b));
    if (comp[d]) return errf(X, v, ip, "duplicate component '%s'", sval(v));
    comp[d] = 1;
  }
  return 0;
}

static const char *const compname[3] = {"x", "y", "z"};

/* A constraint's value: one number/expression for every listed component, or a list of 3.
   Components that are not listed must be left 0 in a list of 3. */
static int parse_constraint_value(Ctx *X, const yaml_node_t *v, const char *path, const int comp[3], FtScalarField val[3])
{
  char ip[PATHLEN];
  if (v->type == YAML_SEQUENCE_NODE) {
    if (get_field3(X, v, path, val)) return -1;
    for (int d = 0; d < 3; d++) {
      if (comp[d]) continue;
      if (val[d].expr || val[d].value != 0) {
        indexed(ip, path, d);
        return errf(X, seq_at(X, v, d), ip, "component %s is not in components, so its value must be 0, got '%s'", compname[d],
                    sval(seq_at(X, v, d)));
      }
    }
    return 0;
  }
  for (int d = 0; d < 3; d++)
    if (comp[d] && get_field(X, v, path, &val[d])) return -1;
  return 0;
}

static int parse_constraints(Ctx *X, const yaml_node_t *s, FtCase *c)
{
  static const char *const keys[] = {"region", "components", "value", NULL};
  const char *path = "mechanical.constraints";
  if (expect_seq(X, s, path)) return -1;
  int n = seq_len(s);
  if (n == 0) return 0;
  c->constraints = calloc((size_t)n, sizeof *c->constraints);
  if (!c->constraints) return errf(X, s, path, "out of memory");
  c->nconstraints = n;
  for (int i = 0; i < n; i++) {
    yaml_node_t  *e = seq_at(X, s, i), *v, *rv;
    FtConstraint *k = &c->constraints[i];
    char          ep[PATHLEN], cp[PATHLEN];
    indexed(ep, path, i);
    if (expect_map(X, e, ep) || check_keys(X, e, ep, keys)) return -1;
    k->line = (int)line_of(e);
    if (!(rv = req(X, e, ep, "region", cp)) || get_string(X, rv, cp, k->region, FT_NAME_MAX)) return -1;
    for (int j = 0; j < i; j++)
      if (!strcmp(c->constraints[j].region, k->region))
        return errf(X, rv, cp, "duplicate region '%s' (also %s[%d], line %d); list all its components in one entry", k->region, path, j,
                    c->constraints[j].line);
    if (!(v = req(X, e, ep, "components", cp)) || parse_components(X, v, cp, k->comp)) return -1;
    if ((v = get(X, e, ep, "value", cp)) && parse_constraint_value(X, v, cp, k->comp, k->value)) return -1;
  }
  return 0;
}

static int parse_surface_loads(Ctx *X, const yaml_node_t *s, const char *path, int is_pressure, FtLoadCase *lc)
{
  static const char *const keys[] = {"region", "value", NULL};
  if (expect_seq(X, s, path)) return -1;
  int n = seq_len(s);
  if (n == 0) return 0;
  FtSurfaceLoad *np = realloc(lc->surface, (size_t)(lc->nsurface + n) * sizeof *np);
  if (!np) return errf(X, s, path, "out of memory");
  lc->surface = np;
  for (int i = 0; i < n; i++) {
    yaml_node_t   *e = seq_at(X, s, i), *v;
    FtSurfaceLoad *L = &lc->surface[lc->nsurface];
    char           ep[PATHLEN], cp[PATHLEN];
    memset(L, 0, sizeof *L);
    indexed(ep, path, i);
    if (expect_map(X, e, ep) || check_keys(X, e, ep, keys)) return -1;
    L->line        = (int)line_of(e);
    L->is_pressure = is_pressure;
    if (!(v = req(X, e, ep, "region", cp)) || get_string(X, v, cp, L->region, FT_NAME_MAX)) return -1;
    if (!(v = req(X, e, ep, "value", cp))) return -1;
    if (is_pressure ? get_number(X, v, cp, &L->pressure) : get_vec3(X, v, cp, L->traction)) return -1;
    lc->nsurface++;
  }
  return 0;
}

/* Gravity and rotation load every material through its density. */
static int need_density(Ctx *X, const yaml_node_t *v, const char *path, const FtCase *c, const char *what)
{
  for (int i = 0; i < c->nmaterials; i++)
    if (!(c->materials[i].rho > 0))
      return errf(X, v, path, "%s needs rho > 0 for every material, but materials[%d] (region '%s', line %d) has rho = %g", what, i,
                  c->materials[i].region, c->materials[i].line, c->materials[i].rho);
  return 0;
}

static int parse_rotation(Ctx *X, const yaml_node_t *m, const char *path, FtLoadCase *lc)
{
  static const char *const keys[] = {"axis_point", "axis", "omega", NULL};
  char cp[PATHLEN];
  yaml_node_t *v;
  if (expect_map(X, m, path) || check_keys(X, m, path, keys)) return -1;
  if ((v = get(X, m, path, "axis_point", cp)) && get_vec3(X, v, cp, lc->axis_point)) return -1;
  if (!(v = req(X, m, path, "axis", cp)) || get_vec3(X, v, cp, lc->axis)) return -1;
  double len = sqrt(lc->axis[0] * lc->axis[0] + lc->axis[1] * lc->axis[1] + lc->axis[2] * lc->axis[2]);
  if (!(len > 0) || !isfinite(len))
    return errf(X, v, cp, "must be a non-zero vector, got [%g, %g, %g]", lc->axis[0], lc->axis[1], lc->axis[2]);
  for (int d = 0; d < 3; d++) lc->axis[d] /= len;
  if (!(v = req(X, m, path, "omega", cp)) || get_number(X, v, cp, &lc->omega)) return -1;
  lc->has_rotation = 1;
  return 0;
}

static int find_constraint(const FtCase *c, const char *region)
{
  for (int i = 0; i < c->nconstraints; i++)
    if (!strcmp(c->constraints[i].region, region)) return i;
  return -1;
}

static int parse_prescribed(Ctx *X, const yaml_node_t *s, const char *path, const FtCase *c, FtLoadCase *lc)
{
  static const char *const keys[] = {"region", "components", "value", NULL};
  if (expect_seq(X, s, path)) return -1;
  int n = seq_len(s);
  if (n == 0) return 0;
  lc->prescribed = calloc((size_t)n, sizeof *lc->prescribed);
  if (!lc->prescribed) return errf(X, s, path, "out of memory");
  lc->nprescribed = n;
  for (int i = 0; i < n; i++) {
    yaml_node_t  *e = seq_at(X, s, i), *v, *rv;
    FtConstraint *p = &lc->prescribed[i];
    char          ep[PATHLEN], cp[PATHLEN];
    indexed(ep, path, i);
    if (expect_map(X, e, ep) || check_keys(X, e, ep, keys)) return -1;
    p->line = (int)line_of(e);
    if (!(rv = req(X, e, ep, "region", cp)) || get_string(X, rv, cp, p->region, FT_NAME_MAX)) return -1;
    int k = find_constraint(c, p->region);
    if (k < 0) {
      char list[512] = "";
      for (int j = 0; j < c->nconstraints; j++) {
        if (j) strncat(list, ", ", sizeof list - strlen(list) - 1);
        strncat(list, c->constraints[j].region, sizeof list - strlen(list) - 1);
      }
      return errf(X, rv, cp, "region '%s' is not in mechanical.constraints; only constrained components can be prescribed (constrained regions: %s)",
                  p->region, c->nconstraints ? list : "none");
    }
    for (int j = 0; j < i; j++)
      if (!strcmp(lc->prescribed[j].region, p->region))
        return errf(X, rv, cp, "duplicate region '%s' (also %s[%d], line %d)", p->region, path, j, lc->prescribed[j].line);
    if (!(v = req(X, e, ep, "components", cp)) || parse_components(X, v, cp, p->comp)) return -1;
    for (int d = 0; d < 3; d++)
      if (p->comp[d] && !c->constraints[k].comp[d]) {
        char have[16] = "";
        for (int q = 0; q < 3; q++)
          if (c->constraints[k].comp[q]) {
            if (have[0]) strcat(have, ", ");
            strcat(have, compname[q]);
          }
        return errf(X, v, cp, "component '%s' of region '%s' is not constrained (mechanical.constraints[%d] constrains %s); only constrained components can be prescribed",
                    compname[d], p->region, k, have);
      }
    if (!(v = req(X, e, ep, "value", cp)) || parse_constraint_value(X, v, cp, p->comp, p->value)) return -1;
  }
  return 0;
}

static int parse_load_cases(Ctx *X, const yaml_node_t *s, FtCase *c)
{
  static const char *const keys[] = {"name",       "pressure",   "traction",    "gravity",           "rotation",
                                     "body_force", "prescribed", "temperature", "exact_displacement", NULL};
  const char *path = "mechanical.load_cases";
  if (expect_seq(X, s, path)) return -1;
  int n = seq_len(s);
  if (n == 0) return errf(X, s, path, "at least one load case is required");
  c->loads = calloc((size_t)n, sizeof *c->loads);
  if (!c->loads) return errf(X, s, path, "out of memory");
  c->nloads = n;
  for (int i = 0; i < n; i++) c->loads[i].thermal_case = -1;
  for (int i = 0; i < n; i++) {
    yaml_node_t *e = seq_at(X, s, i), *v;
    FtLoadCase  *lc = &c->loads[i];
    char         ep[PATHLEN], cp[PATHLEN];
    indexed(ep, path, i);
    if (expect_map(X, e, ep) || check_keys(X, e, ep, keys)) return -1;
    lc->line = (int)line_of(e);
    if (!(v = req(X, e, ep, "name", cp)) || get_name(X, v, cp, lc->name)) return -1;
    for (int j = 0; j < i; j++)
      if (!strcmp(c->loads[j].name, lc->name))
        return errf(X, v, cp, "duplicate load case name '%s' (also %s[%d], line %d)", lc->name, path, j, c->loads[j].line);
    if ((v = get(X, e, ep, "pressure", cp)) && parse_surface_loads(X, v, cp, 1, lc)) return -1;
    if ((v = get(X, e, ep, "traction", cp)) && parse_surface_loads(X, v, cp, 0, lc)) return -1;
    if ((v = get(X, e, ep, "gravity", cp))) {
      if (get_vec3(X, v, cp, lc->gravity) || need_density(X, v, cp, c, "gravity")) return -1;
      lc->has_gravity = 1;
    }
    if ((v = get(X, e, ep, "rotation", cp))) {
      if (parse_rotation(X, v, cp, lc) || need_density(X, v, cp, c, "rotation")) return -1;
    }
    if ((v = get(X, e, ep, "body_force", cp))) {
      if (get_field3(X, v, cp, lc->body_force)) return -1;
      lc->has_body_force = 1;
    }
    if ((v = get(X, e, ep, "prescribed", cp)) && parse_prescribed(X, v, cp, c, lc)) return -1;
    if ((v = get(X, e, ep, "temperature", cp))) {
      char name[FT_NAME_MAX];
      if (get_string(X, v, cp, name, sizeof name)) return -1;
      for (int j = 0; j < c->nthermal; j++)
        if (!strcmp(c->thermal[j].name, name)) lc->thermal_case = j;
      if (lc->thermal_case < 0) {
        char list[512] = "";
        for (int j = 0; j < c->nthermal; j++) {
          if (j) strncat(list, ", ", sizeof list - strlen(list) - 1);
          strncat(list, c->thermal[j].name, sizeof list - strlen(list) - 1);
        }
        return errf(X, v, cp, "no thermal case named '%s' (known: %s)", name, c->nthermal ? list : "none; there is no thermal section");
      }
    }
    if ((v = get(X, e, ep, "exact_displacement", cp))) {
      if (get_field3(X, v, cp, lc->exact)) return -1;
      lc->has_exact = 1;
    }
  }
  return 0;
}

static int parse_mechanical(Ctx *X, const yaml_node_t *m, FtCase *c)
{
  static const char *const keys[] = {"constraints", "load_cases", NULL};
  char cp[PATHLEN];
  yaml_node_t *v;
  if (expect_map(X, m, "mechanical") || check_keys(X, m, "mechanical", keys)) return -1;
  if ((v = get(X, m, "mechanical", "constraints", cp)) && parse_constraints(X, v, c)) return -1;
  if (!(v = req(X, m, "mechanical", "load_cases", cp)) || parse_load_cases(X, v, c)) return -1;
  return 0;
}

static int parse_output(Ctx *X, const yaml_node_t *m, FtCase *c)
{
  static const char *const keys[] = {"file", "xdmf", NULL};
  char cp[PATHLEN];
  yaml_node_t *v;
  if (expect_map(X, m, "output") || check_keys(X, m, "output", keys)) return -1;
  if (!(v = req(X, m, "output", "file", cp)) || resolve_path(X, v, cp, c->output_file)) return -1;
  if ((v = get(X, m, "output", "xdmf", cp)) && get_bool(X, v, cp, &c->write_xdmf)) return -1;
  return 0;
}

static int parse_solver(Ctx *X, const yaml_node_t *m, FtCase *c)
{
  static const char *const keys[] = {"rtol", NULL};
  char cp[PATHLEN];
  yaml_node_t *v;
  if (expect_map(X, m, "solver") || check_keys(X, m, "solver", keys)) return -1;
  if ((v = get(X, m, "solver", "rtol", cp))) {
    if (get_number(X, v, cp, &c->rtol)) return -1;
    if (!(c->rtol > 0 && c->rtol < 1)) return errf(X, v, cp, "must be in (0, 1), got %s", sval(v));
  }
  return 0;
}

static void syntax_error(Ctx *X, const yaml_parser_t *p, const char *text);

/* ----------------------------------------------------------------------------------------- */
/* Files                                                                                     */

/* Reads the whole file into a NUL-terminated buffer (*out, length *n). Returns 0 or an errno
   value (ENOMEM when out of memory); *out is NULL on error. */
static int read_file(const char *path, char **out, size_t *n_out)
{
  *out   = NULL;
  *n_out = 0;
  errno  = 0;
  FILE *f = fopen(path, "rb");
  if (!f) return errno ? errno : ENOENT;
  size_t cap = 4096, n = 0;
  char  *buf  = malloc(cap);
  int    rerr = 0;
  while (buf) {
    if (n + 1 >= cap) {
      char *nb = realloc(buf, cap * 2);
      if (!nb) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
    size_t k = fread(buf + n, 1, cap - 1 - n, f);
    n += k;
    if (k == 0) {
      if (ferror(f)) rerr = errno ? errno : EIO;
      break;
    }
  }
  fclose(f);
  if (!buf) return ENOMEM;
  if (rerr) {
    free(buf);
    return rerr;
  }
  buf[n] = 0;
  *out   = buf;
  *n_out = n;
  return 0;
}

/* Line (1-based) of the first NUL byte of a buffer of n bytes, 0 if there is none. */
static unsigned long nul_line(const char *buf, size_t n)
{
  if (strlen(buf) == n) return 0;
  unsigned long line = 1;
  for (size_t i = 0; buf[i]; i++)
    if (buf[i] == '\n') line++;
  return line;
}

/* ----------------------------------------------------------------------------------------- */
/* Fatigue                                                                                   */

_Static_assert(sizeof(((FtFatigueMaterial *)0)->tab_S) / sizeof(double) == FT_SN_MAX_POINTS,
               "FtFatigueMaterial.tab_S must hold FT_SN_MAX_POINTS points");
_Static_assert(FT_MSC_NONE == 0 && FT_MEAN_COMPR_ZERO == 0, "a zeroed FtFatigueCase must mean no correction");

typedef struct {
  const char *name;
  int         value;
} EnumName;

static const EnumName equivalent_names[] = {{"signed_von_mises", FT_EQ_SIGNED_VON_MISES},
                                            {"max_principal", FT_EQ_MAX_ABS_PRINCIPAL},
                                            {"critical_plane", FT_EQ_CRITICAL_PLANE},
                                            {NULL, 0}};
static const EnumName msc_names[] = {{"none", FT_MSC_NONE},           {"goodman", FT_MSC_GOODMAN}, {"gerber", FT_MSC_GERBER},
                                     {"soderberg", FT_MSC_SODERBERG}, {"swt", FT_MSC_SWT},         {"morrow", FT_MSC_MORROW},
                                     {"walker", FT_MSC_WALKER},       {NULL, 0}};
static const EnumName compr_names[] = {{"zero", FT_MEAN_COMPR_ZERO}, {"as_is", FT_MEAN_COMPR_ASIS}, {NULL, 0}};
static const EnumName sn_names[]    = {{"basquin", FT_SN_BASQUIN}, {"knee", FT_SN_KNEE}, {"table", FT_SN_TABLE}, {NULL, 0}};
/* fatigue.superposition: FtFatigueCase.superposition; fatigue.precision: FtFatigueCase.single_precision */
static const EnumName superposition_names[] = {{"fused", 0}, {"gemm", 1}, {NULL, 0}};
static const EnumName precision_names[]     = {{"double", 0}, {"single", 1}, {NULL, 0}};

static const char *enum_name(const EnumName *e, int value)
{
  for (int i = 0; e[i].name; i++)
    if (e[i].value == value) return e[i].name;
  return "?";
}

static int get_enum(Ctx *X, const yaml_node_t *n, const char *path, const EnumName *e, int *out)
{
  char b[80], list[256] = "";
  if (n->type == YAML_SCALAR_NODE)
    for (int i = 0; e[i].name; i++)
      if (!strcmp(sval(n), e[i].name)) {
        *out = e[i].value;
        return 0;
      }
  for (int i = 0; e[i].name; i++) {
    if (i) strncat(list, ", ", sizeof list - strlen(list) - 1);
    strncat(list, e[i].name, sizeof list - strlen(list) - 1);
  }
  return errf(X, n, path, "must be one of %s, got %s", list, desc(n, b, sizeof b));
}

static int get_positive(Ctx *X, const yaml_node_t *n, const char *path, double *v)
{
  if (get_number(X, n, path, v)) return -1;
  if (!(*v > 0)) return errf(X, n, path, "must be > 0, got %s", sval(n));
  return 0;
}

/* A slope of an S-N curve: N = N_ref (S/S_ref)^-m needs m > 0. */
static int get_slope(Ctx *X, const yaml_node_t *n, const char *path, double *v)
{
  if (get_number(X, n, path, v)) return -1;
  if (!(*v > 0))
    return errf(X, n, path, "non-physical S-N slope: must be > 0 (life must decrease as the stress amplitude increases), got %s",
                sval(n));
  return 0;
}

static int list_has(const char *const *list, const char *s)
{
  for (int i = 0; list[i]; i++)
    if (!strcmp(list[i], s)) return 1;
  return 0;
}

static void join(char *out, size_t cap, const char *const *list)
{
  out[0] = 0;
  for (int i = 0; list[i]; i++) {
    if (i) strncat(out, ", ", cap - strlen(out) - 1);
    strncat(out, list[i], cap - strlen(out) - 1);
  }
}

/* Table points: [[S1, N1], [S2, N2], ...], S strictly decreasing, N strictly increasing. */
static int parse_sn_points(Ctx *X, const yaml_node_t *s, const char *path, FtFatigueMaterial *mat)
{
  char b[80], ip[PATHLEN], cp[PATHLEN];
  if (expect_seq(X, s, path)) return -1;
  int n = seq_len(s);
  if (n < 2 || n > FT_SN_MAX_POINTS)
    return errf(X, s, path, "a table curve needs 2 to %d points [S, N], got %d", FT_SN_MAX_POINTS, n);
  for (int i = 0; i < n; i++) {
    yaml_node_t *p = seq_at(X, s, i);
    indexed(ip, path, i);
    if (p->type == YAML_SEQUENCE_NODE && seq_len(p) != 2)
      return errf(X, p, ip, "expected a point [S, N] (stress amplitude [Pa], cycles), got a list of %d", seq_len(p));
    if (p->type != YAML_SEQUENCE_NODE)
      return errf(X, p, ip, "expected a point [S, N] (stress amplitude [Pa], cycles), got %s", desc(p, b, sizeof b));
    indexed(cp, ip, 0);
    if (get_positive(X, seq_at(X, p, 0), cp, &mat->tab_S[i])) return -1;
    indexed(cp, ip, 1);
    if (get_positive(X, seq_at(X, p, 1), cp, &mat->tab_N[i])) return -1;
    if (i > 0 && !(mat->tab_S[i] < mat->tab_S[i - 1]))
      return errf(X, p, ip,
                  "table not monotonic: S must strictly decrease from point to point (%s[%d] has S = %g), got [%s, %s]", path,
                  i - 1, mat->tab_S[i - 1], sval(seq_at(X, p, 0)), sval(seq_at(X, p, 1)));
    if (i > 0 && !(mat->tab_N[i] > mat->tab_N[i - 1]))
      return errf(X, p, ip,
                  "table not monotonic: N must strictly increase from point to point (%s[%d] has N = %g; a non-physical slope), "
                  "got [%s, %s]",
                  path, i - 1, mat->tab_N[i - 1], sval(seq_at(X, p, 0)), sval(seq_at(X, p, 1)));
  }
  mat->npts = n;
  return 0;
}

static int parse_sn(Ctx *X, const yaml_node_t *m, const char *path, FtFatigueMaterial *mat)
{
  static const char *const keys[]    = {"type", "S_ref", "N_ref", "m", "endurance", "S_knee", "m2", "haibach", "points", NULL};
  static const char *const basquin[] = {"type", "S_ref", "N_ref", "m", "endurance", NULL};
  static const char *const knee[]    = {"type", "S_ref", "N_ref", "m", "S_knee", "m2", "haibach", "endurance", NULL};
  static const char *const table[]   = {"type", "points", "endurance", NULL};
  char cp[PATHLEN];
  yaml_node_t *v;
  if (expect_map(X, m, path) || check_keys(X, m, path, keys)) return -1;
  if (!(v = req(X, m, path, "type", cp)) || get_enum(X, v, cp, sn_names, &mat->sn_kind)) return -1;
  const char *const *allowed = mat->sn_kind == FT_SN_BASQUIN ? basquin : mat->sn_kind == FT_SN_KNEE ? knee : table;
  for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
    yaml_node_t *k = node(X, p->key);
    if (list_has(allowed, sval(k))) continue;
    char list[256];
    join(list, sizeof list, allowed);
    child(cp, path, sval(k));
    return errf(X, k, cp, "not used by a %s curve (its keys: %s)", enum_name(sn_names, mat->sn_kind), list);
  }
  if (mat->sn_kind != FT_SN_TABLE) {
    if (!(v = req(X, m, path, "S_ref", cp)) || get_positive(X, v, cp, &mat->S_ref)) return -1;
    if (!(v = req(X, m, path, "N_ref", cp)) || get_positive(X, v, cp, &mat->N_ref)) return -1;
    if (!(v = req(X, m, path, "m", cp)) || get_slope(X, v, cp, &mat->m)) return -1;
  }
  if (mat->sn_kind == FT_SN_KNEE) {
    if (!(v = req(X, m, path, "S_knee", cp)) || get_positive(X, v, cp, &mat->S_knee)) return -1;
    yaml_node_t *hv = get(X, m, path, "haibach", cp);
    if (hv && get_bool(X, hv, cp, &mat->haibach)) return -1;
    char m2p[PATHLEN];
    yaml_node_t *m2v = get(X, m, path, "m2", m2p);
    if (mat->haibach) {
      if (m2v) return errf(X, m2v, m2p, "give either m2 or haibach: true, not both (haibach sets m2 = 2m - 1)");
      mat->m2 = 2 * mat->m - 1;
      if (!(mat->m2 > 0))
        return errf(X, hv, cp, "non-physical S-N slope below the knee: haibach gives m2 = 2m - 1 = %g, which must be > 0 (m = %g)",
                    mat->m2, mat->m);
    } else {
      if (!m2v)
        return errf(X, m, m2p, "missing; a knee curve needs the slope below the knee: m2, or haibach: true (m2 = 2m - 1)");
      if (get_slope(X, m2v, m2p, &mat->m2)) return -1;
    }
  }
  if (mat->sn_kind == FT_SN_TABLE)
    if (!(v = req(X, m, path, "points", cp)) || parse_sn_points(X, v, cp, mat)) return -1;
  if ((v = get(X, m, path, "endurance", cp))) {
    if (get_number(X, v, cp, &mat->S_e)) return -1;
    if (!(mat->S_e >= 0)) return errf(X, v, cp, "must be >= 0 (0: no endurance limit), got %s", sval(v));
  }
  return 0;
}

static int parse_marin(Ctx *X, const yaml_node_t *m, const char *path, FtFatigueMaterial *mat)
{
  static const char *const keys[] = {"surface", "size", "load", "temperature", "reliability", "misc", NULL};
  char cp[PATHLEN];
  yaml_node_t *v;
  if (expect_map(X, m, path) || check_keys(X, m, path, keys)) return -1;
  for (int i = 0; i < 6; i++)
    if ((v = get(X, m, path, keys[i], cp)) && get_positive(X, v, cp, &mat->marin[i])) return -1;
  return 0;
}

/* A material mapping (inline in the case, or an entry of a material library). */
static int parse_fatigue_material(Ctx *X, const yaml_node_t *m, const char *path, FtFatigueMaterial *mat)
{
  static const char *const keys[] = {"name", "source", "ultimate", "yield", "sigma_f", "walker_gamma", "sn", "marin", NULL};
  char cp[PATHLEN], b[80];
  yaml_node_t *v, *yv = NULL, *uv = NULL;
  memset(mat, 0, sizeof *mat);
  for (int i = 0; i < 6; i++) mat->marin[i] = 1;
  if (expect_map(X, m, path) || check_keys(X, m, path, keys)) return -1;
  if (!(v = req(X, m, path, "name", cp)) || get_name(X, v, cp, mat->name)) return -1;
  if (!(v = req(X, m, path, "source", cp))) return -1;
  if (v->type != YAML_SCALAR_NODE || is_empty(v))
    return errf(X, v, cp, "expected where the values come from (a non-empty text), got %s", desc(v, b, sizeof b));
  if (get_string(X, v, cp, mat->source, sizeof mat->source)) return -1;
  const char *s = mat->source;
  while (*s && isspace((unsigned char)*s)) s++;
  if (!*s) return errf(X, v, cp, "must not be blank: every value needs its source, got %s", desc(v, b, sizeof b));
  FtMessageOneLine(mat->source);
  if ((uv = get(X, m, path, "ultimate", cp)) && get_positive(X, uv, cp, &mat->S_u)) return -1;
  if ((yv = get(X, m, path, "yield", cp)) && get_positive(X, yv, cp, &mat->S_y)) return -1;
  if (yv && uv && mat->S_y > mat->S_u)
    return errf(X, yv, cp, "must not exceed ultimate (%s at line %lu), got %s", sval(uv), line_of(uv), sval(yv));
  if ((v = get(X, m, path, "sigma_f", cp)) && get_positive(X, v, cp, &mat->sigma_f)) return -1;
  if ((v = get(X, m, path, "walker_gamma", cp))) {
    if (get_number(X, v, cp, &mat->walker_gamma)) return -1;
    if (!(mat->walker_gamma > 0 && mat->walker_gamma <= 1)) return errf(X, v, cp, "must be in (0, 1], got %s", sval(v));
  }
  if (!(v = req(X, m, path, "sn", cp)) || parse_sn(X, v, cp, mat)) return -1;
  if ((v = get(X, m, path, "marin", cp)) && parse_marin(X, v, cp, mat)) return -1;
  return 0;
}

/* The material constant a mean-stress correction needs: its key, its description and a pointer
   to its value (NULL when the correction needs none). */
static const double *msc_need(int msc, const FtFatigueMaterial *mat, const char **key, const char **what)
{
  switch (msc) {
  case FT_MSC_GOODMAN:
  case FT_MSC_GERBER: *key = "ultimate"; *what = "the ultimate strength S_u [Pa]"; return &mat->S_u;
  case FT_MSC_SODERBERG: *key = "yield"; *what = "the yield strength S_y [Pa]"; return &mat->S_y;
  case FT_MSC_MORROW: *key = "sigma_f"; *what = "Morrow's sigma_f' [Pa]"; return &mat->sigma_f;
  case FT_MSC_WALKER: *key = "walker_gamma"; *what = "the Walker exponent gamma in (0, 1]"; return &mat->walker_gamma;
  default: return NULL;
  }
}

/* Where a library was found, for messages. */
typedef struct {
  char               path[FT_PATH_MAX];
  const char        *how;  /* "fatigue.library", "the environment variable FTWIN_MATERIALS", ... */
  const yaml_node_t *node; /* node to report read errors at */
  char               npath[PATHLEN]; /* its key path */
} LibraryRef;

/* Loads `want` from the material library `lib` into *mat. Errors inside the library name the
   library file and line; an unknown name is reported at `mnode` of the case file. */
static int load_from_library(Ctx *X, const LibraryRef *lib, const yaml_node_t *mnode, const char *mpath, const char *want,
                             FtFatigueMaterial *mat, unsigned long *entry_line)
{
  char  *text = NULL;
  size_t n    = 0;
  int    e    = read_file(lib->path, &text, &n);
  if (e) return errf(X, lib->node, lib->npath, "cannot read the material library '%s' (from %s): %s", lib->path, lib->how, strerror(e));
  Ctx L;
  memset(&L, 0, sizeof L);
  L.file   = lib->path;
  L.err    = X->err;
  L.errlen = X->errlen;
  unsigned long nl = nul_line(text, n);
  if (nl) {
    free(text);
    errl(&L, nl, "", "the material library contains a NUL byte (not a text file?)");
    X->failed = 1;
    return -1;
  }
  yaml_parser_t   parser;
  yaml_document_t doc;
  if (!yaml_parser_initialize(&parser)) {
    free(text);
    return errf(X, mnode, mpath, "out of memory");
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, n);
  if (!yaml_parser_load(&parser, &doc)) {
    syntax_error(&L, &parser, text);
    yaml_parser_delete(&parser);
    free(text);
    X->failed = 1;
    return -1;
  }
  L.doc = &doc;
  FtFatigueMaterial *all   = NULL;
  int               *lines = NULL;
  int                nmat  = 0, found = -1;
  yaml_node_t       *root  = yaml_document_get_root_node(&doc), *v;
  char               cp[PATHLEN], b[80];
  static const char *const keys[] = {"materials", NULL};
  if (!root) {
    errf(&L, NULL, "", "empty material library (expected a mapping with a 'materials' list)");
  } else if (root->type != YAML_MAPPING_NODE) {
    errf(&L, root, "", "the material library must be a mapping with a 'materials' list, got %s", desc(root, b, sizeof b));
  } else if (!check_keys(&L, root, "", keys) && (v = req(&L, root, "", "materials", cp)) && !expect_seq(&L, v, "materials")) {
    yaml_document_t doc2; /* a second document would be silently ignored */
    if (!yaml_parser_load(&parser, &doc2)) {
      syntax_error(&L, &parser, text);
    } else {
      yaml_node_t *r2 = yaml_document_get_root_node(&doc2);
      if (r2) errf(&L, r2, "", "a second YAML document ('---') is not allowed in the material library");
      yaml_document_delete(&doc2);
    }
    nmat  = seq_len(v);
    all   = calloc((size_t)(nmat ? nmat : 1), sizeof *all);
    lines = calloc((size_t)(nmat ? nmat : 1), sizeof *lines);
    if (!all || !lines) errf(&L, v, "materials", "out of memory");
    for (int i = 0; i < nmat && !L.failed; i++) {
      yaml_node_t *ent = seq_at(&L, v, i);
      char         ep[PATHLEN];
      indexed(ep, "materials", i);
      lines[i] = (int)line_of(ent);
      if (parse_fatigue_material(&L, ent, ep, &all[i])) break;
      for (int j = 0; j < i; j++)
        if (!strcmp(all[j].name, all[i].name)) {
          char np[PATHLEN];
          get(&L, ent, ep, "name", np);
          errl(&L, line_of(ent), np, "duplicate material name '%s' (also materials[%d], line %d)", all[i].name, j, lines[j]);
          break;
        }
      if (!strcmp(all[i].name, want)) found = i;
    }
    if (!L.failed && found < 0) {
      char list[1024] = "";
      for (int j = 0; j < nmat; j++) {
        if (j) strncat(list, ", ", sizeof list - strlen(list) - 1);
        strncat(list, all[j].name, sizeof list - strlen(list) - 1);
      }
      if (strlen(list) == sizeof list - 1) memcpy(list + sizeof list - 4, "...", 4);
      errf(X, mnode, mpath, "no material named '%s' in the material library %s (from %s; known: %s)", want, lib->path, lib->how,
           nmat ? list : "none");
    }
  }
  if (L.failed) X->failed = 1;
  if (!X->failed) {
    *mat        = all[found];
    *entry_line = (unsigned long)lines[found];
  }
  free(all);
  free(lines);
  yaml_document_delete(&doc);
  yaml_parser_delete(&parser);
  free(text);
  return X->failed ? -1 : 0;
}

/* Finds the library for a material given by name: fatigue.library, else $FTWIN_MATERIALS, else
   materials.yaml next to the case file, else the compile-time FTWIN_MATERIALS_FILE. */
static int find_library(Ctx *X, const yaml_node_t *fm, const yaml_node_t *mnode, const char *mpath, LibraryRef *lib)
{
  char         cp[PATHLEN];
  yaml_node_t *v = get(X, fm, "fatigue", "library", cp);
  memset(lib, 0, sizeof *lib);
  if (v) {
    if (resolve_path(X, v, cp, lib->path)) return -1;
    strcpy(lib->npath, cp);
    lib->how  = "fatigue.library";
    lib->node = v;
    return 0;
  }
  lib->node = mnode;
  strcpy(lib->npath, mpath);
  const char *env = getenv("FTWIN_MATERIALS");
  if (env && env[0]) {
    if (strlen(env) >= sizeof lib->path)
      return errf(X, mnode, mpath, "the environment variable FTWIN_MATERIALS is too long (at most %d characters)", FT_PATH_MAX - 1);
    strcpy(lib->path, env);
    lib->how = "the environment variable FTWIN_MATERIALS";
    return 0;
  }
  int k = snprintf(lib->path, sizeof lib->path, "%smaterials.yaml", X->dir);
  if (k > 0 && k < (int)sizeof lib->path) {
    errno   = 0;
    FILE *f = fopen(lib->path, "rb");
    if (f) {
      fclose(f);
      lib->how = "materials.yaml next to the case file";
      return 0;
    }
    if (errno != ENOENT) {
      lib->how = "materials.yaml next to the case file";
      return 0; /* exists but unreadable: load_from_library reports why */
    }
  }
#ifdef FTWIN_MATERIALS_FILE
  if (strlen(FTWIN_MATERIALS_FILE) < sizeof lib->path) {
    strcpy(lib->path, FTWIN_MATERIALS_FILE);
    lib->how = "the built-in default FTWIN_MATERIALS_FILE";
    return 0;
  }
#endif
  lib->path[0] = 0;
  return errf(X, mnode, mpath,
              "material '%s' names a library entry, but no material library was found: give fatigue.library, set FTWIN_MATERIALS, "
              "or put materials.yaml next to the case file (%smaterials.yaml)",
              sval(mnode), X->dir);
}

static int parse_channels(Ctx *X, const yaml_node_t *s, const char *path, FtCase *c)
{
  static const char *const keys[] = {"name", "load_case", "scale", "offset", NULL};
  FtFatigueCase           *F      = &c->fatigue;
  if (expect_seq(X, s, path)) return -1;
  int n = seq_len(s);
  if (n == 0) return errf(X, s, path, "at least one channel is required");
  F->channels = calloc((size_t)n, sizeof *F->channels);
  if (!F->channels) return errf(X, s, path, "out of memory");
  F->nchannels = n;
  for (int i = 0; i < n; i++) {
    yaml_node_t      *e = seq_at(X, s, i), *v;
    FtFatigueChannel *ch = &F->channels[i];
    char              ep[PATHLEN], cp[PATHLEN];
    indexed(ep, path, i);
    if (expect_map(X, e, ep) || check_keys(X, e, ep, keys)) return -1;
    ch->line      = (int)line_of(e);
    ch->load_case = -1;
    if (!(v = req(X, e, ep, "name", cp)) || get_name(X, v, cp, ch->name)) return -1;
    for (int j = 0; j < i; j++)
      if (!strcmp(F->channels[j].name, ch->name))
        return errf(X, v, cp, "duplicate channel name '%s' (also %s[%d], line %d)", ch->name, path, j, F->channels[j].line);
    if (!strcmp(ch->name, F->time_column))
      return errf(X, v, cp, "channel name '%s' is the time column (fatigue.time_column); name the load column differently", ch->name);
    if (!(v = req(X, e, ep, "load_case", cp))) return -1;
    char name[FT_NAME_MAX];
    if (get_string(X, v, cp, name, sizeof name)) return -1;
    for (int j = 0; j < c->nloads; j++)
      if (!strcmp(c->loads[j].name, name)) ch->load_case = j;
    if (ch->load_case < 0) {
      char list[512] = "";
      for (int j = 0; j < c->nloads; j++) {
        if (j) strncat(list, ", ", sizeof list - strlen(list) - 1);
        strncat(list, c->loads[j].name, sizeof list - strlen(list) - 1);
      }
      return errf(X, v, cp, "no load case named '%s' in mechanical.load_cases (known: %s)", name, list);
    }
    if (!(v = req(X, e, ep, "scale", cp)) || get_number(X, v, cp, &ch->scale)) return -1;
    if (ch->scale == 0) return errf(X, v, cp, "must be non-zero (the load case multiplier per unit of the history value), got %s", sval(v));
    if ((v = get(X, e, ep, "offset", cp)) && get_number(X, v, cp, &ch->offset)) return -1;
  }
  return 0;
}

static int parse_fatigue(Ctx *X, const yaml_node_t *m, FtCase *c)
{
  static const char *const keys[] = {"basis",  "history", "time_column",  "channels", "material", "library", "equivalent_stress",
                                     "mean_stress", "compressive_mean", "gate", "hot_spots", "prior_damage", "output", "superposition",
                                     "precision", NULL};
  FtFatigueCase *F = &c->fatigue;
  char           cp[PATHLEN], b[80];
  yaml_node_t   *v;
  if (expect_map(X, m, "fatigue") || check_keys(X, m, "fatigue", keys)) return -1;
  F->enabled          = 1;
  F->line             = (int)line_of(m);
  F->equivalent       = FT_EQ_SIGNED_VON_MISES;
  F->mean_stress      = FT_MSC_NONE;
  F->mean_compressive = FT_MEAN_COMPR_ZERO;
  F->hot_spots        = 10;
  strcpy(F->time_column, "time");
  strcpy(F->basis, c->output_file);

  if ((v = get(X, m, "fatigue", "basis", cp)) && resolve_path(X, v, cp, F->basis)) return -1;
  if (!(v = req(X, m, "fatigue", "history", cp)) || resolve_path(X, v, cp, F->history)) return -1;
  if ((v = get(X, m, "fatigue", "time_column", cp)) && get_string(X, v, cp, F->time_column, sizeof F->time_column)) return -1;
  if (!(v = req(X, m, "fatigue", "channels", cp)) || parse_channels(X, v, cp, c)) return -1;
  if ((v = get(X, m, "fatigue", "equivalent_stress", cp)) && get_enum(X, v, cp, equivalent_names, &F->equivalent)) return -1;
  yaml_node_t *mscv = get(X, m, "fatigue", "mean_stress", cp);
  if (mscv && get_enum(X, mscv, cp, msc_names, &F->mean_stress)) return -1;
  if ((v = get(X, m, "fatigue", "compressive_mean", cp)) && get_enum(X, v, cp, compr_names, &F->mean_compressive)) return -1;
  if ((v = get(X, m, "fatigue", "gate", cp))) {
    if (get_number(X, v, cp, &F->gate)) return -1;
    if (!(F->gate >= 0)) return errf(X, v, cp, "must be >= 0, got %s", sval(v));
  }
  if ((v = get(X, m, "fatigue", "hot_spots", cp))) {
    long k;
    if (get_whole(X, v, cp, 1, &k)) return -1;
    F->hot_spots = (int)k;
  }
  if ((v = get(X, m, "fatigue", "superposition", cp)) && get_enum(X, v, cp, superposition_names, &F->superposition)) return -1;
  if ((v = get(X, m, "fatigue", "precision", cp))) {
    if (get_enum(X, v, cp, precision_names, &F->single_precision)) return -1;
    if (F->single_precision && F->superposition != 1)
      return errf(X, v, cp, "single needs superposition: gemm (the fused superposition is double precision only), got %s",
                  desc(v, b, sizeof b));
  }
  if ((v = get(X, m, "fatigue", "prior_damage", cp))) {
    if (get_number(X, v, cp, &F->prior_damage)) return -1;
    if (!(F->prior_damage >= 0 && F->prior_damage < 1))
      return errf(X, v, cp, "must be in [0, 1) (damage 1 means the part has already failed), got %s", sval(v));
  }
  if (!(v = req(X, m, "fatigue", "output", cp)) || resolve_path(X, v, cp, F->output)) return -1;
  if (!strcmp(F->output, c->output_file) || !strcmp(F->output, F->basis))
    return errf(X, v, cp, "must differ from the FE results (%s), got %s", !strcmp(F->output, F->basis) ? F->basis : c->output_file,
                desc(v, b, sizeof b));
  char libpath[FT_PATH_MAX]; /* checked here even when the material is inline (and the library unused) */
  if ((v = get(X, m, "fatigue", "library", cp)) && resolve_path(X, v, cp, libpath)) return -1;

  /* the material, last: which constants it must give depends on mean_stress */
  char         mp[PATHLEN];
  yaml_node_t *mv = req(X, m, "fatigue", "material", mp);
  if (!mv) return -1;
  unsigned long entry_line = 0;
  if (mv->type == YAML_MAPPING_NODE) {
    if (parse_fatigue_material(X, mv, mp, &F->material)) return -1;
  } else {
    char       want[FT_NAME_MAX];
    LibraryRef lib;
    if (mv->type != YAML_SCALAR_NODE || is_empty(mv))
      return errf(X, mv, mp, "expected the name of a material library entry or a material mapping, got %s", desc(mv, b, sizeof b));
    if (get_name(X, mv, mp, want) || find_library(X, m, mv, mp, &lib)) return -1;
    if (load_from_library(X, &lib, mv, mp, want, &F->material, &entry_line)) return -1;
    strcpy(F->library, lib.path);
  }
  const char   *key = NULL, *what = NULL;
  const double *need = msc_need(F->mean_stress, &F->material, &key, &what);
  if (need && !(*need > 0)) {
    const char *mscname = enum_name(msc_names, F->mean_stress);
    if (entry_line) {
      child(cp, "fatigue", "mean_stress");
      return errf(X, mscv, cp, "%s needs %s (key '%s'), but material '%s' (%s:%lu) does not give it", mscname, what, key,
                  F->material.name, F->library, entry_line);
    }
    child(cp, mp, key);
    return errf(X, mv, cp, "missing; mean_stress %s needs %s", mscname, what);
  }
  FtFatigueParams par;
  int             code = FtFatigueParamsFromCase(F, &par);
  if (code != FT_FAT_OK) return errf(X, mv, mp, "the fatigue kernels reject this material (ft_fatigue_validate code %d)", code);
  return 0;
}

int FtFatigueParamsFromCase(const FtFatigueCase *f, FtFatigueParams *p)
{
  const FtFatigueMaterial *m = &f->material;
  memset(p, 0, sizeof *p);
  switch (m->sn_kind) {
  case FT_SN_BASQUIN: ft_sn_init_basquin(&p->sn, m->S_ref, m->N_ref, m->m, m->S_e); break;
  case FT_SN_KNEE: ft_sn_init_knee(&p->sn, m->S_ref, m->N_ref, m->m, m->S_knee, m->m2, m->haibach, m->S_e); break;
  case FT_SN_TABLE:
    ft_sn_init_table(&p->sn, m->npts, m->tab_S, m->tab_N);
    p->sn.S_e = m->S_e;
    break;
  default:
    ft_sn_init(&p->sn);
    p->sn.kind = m->sn_kind;
    break;
  }
  for (int i = 0; i < 6; i++) p->sn.marin[i] = m->marin[i];
  p->msc          = f->mean_stress;
  p->mean_compr   = f->mean_compressive;
  p->S_u          = m->S_u;
  p->S_y          = m->S_y;
  p->sigma_f      = m->sigma_f;
  p->walker_gamma = m->walker_gamma;
  return ft_fatigue_validate(p);
}

/* ----------------------------------------------------------------------------------------- */
/* Sensors                                                                                   */

/* A reading y in the sensor's unit is y_SI = to_si * y + si_offset in SI (strain, m, K). Load
   cells are not converted: they read a fatigue channel's history value, in that channel's own
   unit, so every load unit maps to (1, 0). */
typedef struct {
  const char *unit;
  double      to_si, si_offset;
} UnitDef;

static const UnitDef strain_units[] = {{"strain", 1, 0}, {"microstrain", 1e-6, 0}, {NULL, 0, 0}};
static const UnitDef displacement_units[] = {{"m", 1, 0}, {"mm", 1e-3, 0}, {"um", 1e-6, 0}, {NULL, 0, 0}};
static const UnitDef temperature_units[] = {{"K", 1, 0}, {"degC", 1, 273.15}, {NULL, 0, 0}};
static const UnitDef load_units[] = {{"N", 1, 0},   {"kN", 1, 0}, {"MN", 1, 0},   {"N*m", 1, 0},
                                     {"kN*m", 1, 0}, {"1", 1, 0},  {NULL, 0, 0}};

/* Sensor types as written in the file; a rosette (SENSOR_ROSETTE) becomes three strain gauges. */
enum { SENSOR_ROSETTE = 4 };
static const EnumName sensor_type_names[] = {{"strain", FT_SENSOR_STRAIN},
                                             {"rosette", SENSOR_ROSETTE},
                                             {"displacement", FT_SENSOR_DISPLACEMENT},
                                             {"temperature", FT_SENSOR_TEMPERATURE},
                                             {"load", FT_SENSOR_LOAD},
                                             {NULL, 0}};
static const EnumName measures_names[] = {{"mechanical", 1}, {"total", 0}, {NULL, 0}};

/* Where a sensor came from, for duplicate-id messages: its sensors.list index, and whether it
   is one of the three gauges of a rosette. */
typedef struct {
  int index, rosette;
} SensorOrigin;

/* Per type (indexed by FT_SENSOR_* and SENSOR_ROSETTE): what it is called in messages, its
   units and the keys it takes. */
static const char *sensor_what(int type)
{
  static const char *const what[] = {"strain sensor", "displacement sensor", "temperature sensor", "load cell", "rosette"};
  return what[type];
}

static const UnitDef *sensor_units(int type)
{
  switch (type) {
  case FT_SENSOR_STRAIN:
  case SENSOR_ROSETTE: return strain_units;
  case FT_SENSOR_DISPLACEMENT: return displacement_units;
  case FT_SENSOR_TEMPERATURE: return temperature_units;
  default: return load_units;
  }
}

static const char *const *sensor_keys(int type)
{
  static const char *const strain[] = {"id", "type", "position", "direction", "unit", "noise", "range", "measures", NULL};
  static const char *const rosette[] = {"id", "type", "position", "directions", "unit", "noise", "range", "measures", NULL};
  static const char *const displacement[] = {"id", "type", "position", "direction", "unit", "noise", "range", NULL};
  static const char *const temperature[] = {"id", "type", "position", "unit", "noise", "range", NULL};
  static const char *const load[] = {"id", "type", "channel", "unit", "noise", "range", NULL};
  switch (type) {
  case FT_SENSOR_STRAIN: return strain;
  case SENSOR_ROSETTE: return rosette;
  case FT_SENSOR_DISPLACEMENT: return displacement;
  case FT_SENSOR_TEMPERATURE: return temperature;
  default: return load;
  }
}

/* A direction: a non-zero vector d, stored as the unit vector d / |d|. */
static int get_direction(Ctx *X, const yaml_node_t *n, const char *path, double d[3])
{
  if (get_vec3(X, n, path, d)) return -1;
  double len = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
  if (!(len > 0) || !isfinite(len)) return errf(X, n, path, "must be a non-zero vector, got [%g, %g, %g]", d[0], d[1], d[2]);
  for (int k = 0; k < 3; k++) d[k] /= len;
  return 0;
}

/* An interval: a list of 2 numbers [lo, hi] with lo < hi (`lo`, `hi` name them in messages). */
static int get_interval(Ctx *X, const yaml_node_t *n, const char *path, const char *lo, const char *hi, double v[2])
{
  char b[80], ip[PATHLEN];
  if (n->type != YAML_SEQUENCE_NODE)
    return errf(X, n, path, "expected a list of 2 numbers [%s, %s], got %s", lo, hi, desc(n, b, sizeof b));
  if (seq_len(n) != 2) return errf(X, n, path, "expected a list of 2 numbers [%s, %s], got a list of %d", lo, hi, seq_len(n));
  for (int i = 0; i < 2; i++) {
    indexed(ip, path, i);
    if (get_number(X, seq_at(X, n, i), ip, &v[i])) return -1;
  }
  if (!(v[0] < v[1]))
    return errf(X, n, path, "expected [%s, %s] with %s < %s, got [%s, %s]", lo, hi, lo, hi, sval(seq_at(X, n, 0)), sval(seq_at(X, n, 1)));
  return 0;
}


/* The unit of a sensor: one of the units of its type; sets unit, to_si and si_offset. */
static int get_sensor_unit(Ctx *X, const yaml_node_t *n, const char *path, int type, FtSensor *s)
{
  char           b[80], list[128] = "";
  const UnitDef *u = sensor_units(type);
  if (n->type == YAML_SCALAR_NODE)
    for (int i = 0; u[i].unit; i++)
      if (!strcmp(sval(n), u[i].unit)) {
        strcpy(s->unit, u[i].unit);
        s->to_si     = u[i].to_si;
        s->si_offset = u[i].si_offset;
        return 0;
      }
  for (int i = 0; u[i].unit; i++) {
    if (i) strncat(list, ", ", sizeof list - strlen(list) - 1);
    strncat(list, u[i].unit, sizeof list - strlen(list) - 1);
  }
  if (n->type == YAML_SCALAR_NODE && !is_empty(n))
    return errf(X, n, path, "unit '%s' does not fit a %s; use %s", sval(n), sensor_what(type), list);
  return errf(X, n, path, "expected a unit of a %s (%s), got %s", sensor_what(type), list, desc(n, b, sizeof b));
}

/* The three directions of a rosette, each normalised; no two of them parallel (|cos| < 0.999,
   i.e. at least 2.6 degrees apart), else the three gauges cannot give three strain components. */
static int get_rosette_dirs(Ctx *X, const yaml_node_t *n, const char *path, double d[3][3])
{
  char b[80], ip[PATHLEN];
  if (n->type != YAML_SEQUENCE_NODE)
    return errf(X, n, path, "a rosette needs a list of exactly 3 directions [[x, y, z], ...], got %s", desc(n, b, sizeof b));
  if (seq_len(n) != 3) return errf(X, n, path, "a rosette needs exactly 3 directions, got a list of %d", seq_len(n));
  for (int i = 0; i < 3; i++) {
    indexed(ip, path, i);
    if (get_direction(X, seq_at(X, n, i), ip, d[i])) return -1;
    for (int j = 0; j < i; j++) {
      double cs = d[i][0] * d[j][0] + d[i][1] * d[j][1] + d[i][2] * d[j][2];
      if (fabs(cs) >= 0.999)
        return errf(X, seq_at(X, n, i), ip, "parallel to %s[%d] (|cos| = %.4f >= 0.999); a rosette needs three different directions", path,
                    j, fabs(cs));
    }
  }
  return 0;
}

/* The fatigue channel a load cell reads: an entry of fatigue.channels. */
static int get_sensor_channel(Ctx *X, const yaml_node_t *n, const char *path, const FtCase *c, const char *id, int *channel)
{
  char name[FT_NAME_MAX], list[512] = "";
  if (get_string(X, n, path, name, sizeof name)) return -1;
  if (!c->fatigue.enabled)
    return errf(X, n, path, "load cell '%s' reads fatigue channel '%s', but the case has no fatigue section (add one with fatigue.channels)",
                id, name);
  for (int j = 0; j < c->fatigue.nchannels; j++)
    if (!strcmp(c->fatigue.channels[j].name, name)) {
      *channel = j;
      return 0;
    }
  for (int j = 0; j < c->fatigue.nchannels; j++) {
    if (j) strncat(list, ", ", sizeof list - strlen(list) - 1);
    strncat(list, c->fatigue.channels[j].name, sizeof list - strlen(list) - 1);
  }
  return errf(X, n, path, "no channel named '%s' in fatigue.channels (known: %s)", name, list);
}

/* One entry of sensors.list -> one FtSensor (three for a rosette) appended to sc->sensors;
   origin[k] records where sensor k came from (for duplicate-id messages). */
static int parse_sensor(Ctx *X, const yaml_node_t *e, const char *ep, int index, FtCase *c, SensorOrigin *origin)
{
  static const char *const keys[] = {"id", "type", "position", "direction", "directions", "unit", "noise", "range", "measures", "channel", NULL};
  FtSensorsCase *sc = &c->sensors;
  FtSensor       s;
  char           cp[PATHLEN], idp[PATHLEN], b[80], base[FT_NAME_MAX];
  yaml_node_t   *v, *idv;
  int            type;
  double         dirs[3][3];
  memset(&s, 0, sizeof s);
  s.channel  = -1;
  s.range[0] = -INFINITY;
  s.range[1] = INFINITY;
  if (expect_map(X, e, ep) || check_keys(X, e, ep, keys)) return -1;
  s.line = (int)line_of(e);
  if (!(idv = req(X, e, ep, "id", idp)) || get_name(X, idv, idp, base)) return -1;
  if (!(v = req(X, e, ep, "type", cp)) || get_enum(X, v, cp, sensor_type_names, &type)) return -1;
  const char *const *allowed = sensor_keys(type);
  for (yaml_node_pair_t *p = e->data.mapping.pairs.start; p < e->data.mapping.pairs.top; p++) {
    yaml_node_t *k = node(X, p->key);
    if (list_has(allowed, sval(k))) continue;
    char list[256];
    join(list, sizeof list, allowed);
    child(cp, ep, sval(k));
    return errf(X, k, cp, "not used by a %s (its keys: %s)", sensor_what(type), list);
  }
  if (type == SENSOR_ROSETTE && strlen(base) > FT_NAME_MAX - 3)
    return errf(X, idv, idp, "too long for a rosette id (at most %d characters: its gauges are ID.a, ID.b, ID.c), got %s", FT_NAME_MAX - 3,
                desc(idv, b, sizeof b));
  s.type = type == SENSOR_ROSETTE ? FT_SENSOR_STRAIN : type;
  s.mechanical = s.type == FT_SENSOR_STRAIN;

  if (type == FT_SENSOR_LOAD) {
    if (!(v = req(X, e, ep, "channel", cp)) || get_sensor_channel(X, v, cp, c, base, &s.channel)) return -1;
  } else {
    if (!(v = req(X, e, ep, "position", cp)) || get_vec3(X, v, cp, s.x)) return -1;
    for (int k = 0; k < 3; k++) s.x[k] *= c->mesh_scale;
  }
  if (type == FT_SENSOR_STRAIN || type == FT_SENSOR_DISPLACEMENT)
    if (!(v = req(X, e, ep, "direction", cp)) || get_direction(X, v, cp, s.dir)) return -1;
  if (type == SENSOR_ROSETTE)
    if (!(v = req(X, e, ep, "directions", cp)) || get_rosette_dirs(X, v, cp, dirs)) return -1;
  if (!(v = req(X, e, ep, "unit", cp)) || get_sensor_unit(X, v, cp, type, &s)) return -1;
  if (!(v = req(X, e, ep, "noise", cp)) || get_positive(X, v, cp, &s.noise)) return -1;
  if ((v = get(X, e, ep, "range", cp)) && get_interval(X, v, cp, "lowest", "highest", s.range)) return -1;
  if ((v = get(X, e, ep, "measures", cp)) && get_enum(X, v, cp, measures_names, &s.mechanical)) return -1;

  int nout = type == SENSOR_ROSETTE ? 3 : 1;
  for (int r = 0; r < nout; r++) {
    FtSensor *o = &sc->sensors[sc->nsensors];
    *o          = s;
    if (type == SENSOR_ROSETTE) {
      size_t len = strlen(base); /* <= FT_NAME_MAX - 3, checked above */
      memcpy(o->id, base, len);
      o->id[len]     = '.';
      o->id[len + 1] = (char)('a' + r);
      o->id[len + 2] = 0;
      memcpy(o->dir, dirs[r], sizeof o->dir);
    } else {
      strcpy(o->id, base);
    }
    for (int j = 0; j < sc->nsensors; j++)
      if (!strcmp(sc->sensors[j].id, o->id))
        return errf(X, idv, idp, "duplicate sensor id '%s' (%salso sensors.list[%d]%s, line %d)", o->id,
                    type == SENSOR_ROSETTE ? "a gauge of this rosette; " : "", origin[j].index, origin[j].rosette ? ", a rosette" : "",
                    sc->sensors[j].line);
    if (FtPathHasExt(sc->data, ".csv") && !strcmp(o->id, sc->time_column))
      return errf(X, idv, idp, "sensor id '%s' is the time column (sensors.time_column); name the sensor differently", o->id);
    origin[sc->nsensors].index   = index;
    origin[sc->nsensors].rosette = type == SENSOR_ROSETTE;
    sc->nsensors++;
  }
  return 0;
}

static int parse_cleaning(Ctx *X, const yaml_node_t *m, const char *path, FtSensorsCase *sc)
{
  static const char *const keys[] = {"spike_threshold", "spike_window", "stuck_seconds", "gap_seconds", "max_bad_fraction", NULL};
  char         cp[PATHLEN];
  yaml_node_t *v;
  if (expect_map(X, m, path) || check_keys(X, m, path, keys)) return -1;
  if ((v = get(X, m, path, "spike_threshold", cp)) && get_positive(X, v, cp, &sc->spike_threshold)) return -1;
  if ((v = get(X, m, path, "spike_window", cp))) {
    long k;
    if (get_whole(X, v, cp, 1, &k)) return -1;
    sc->spike_window = (int)k;
  }
  if ((v = get(X, m, path, "stuck_seconds", cp)) && get_positive(X, v, cp, &sc->stuck_seconds)) return -1;
  if ((v = get(X, m, path, "gap_seconds", cp))) {
    if (get_number(X, v, cp, &sc->gap_seconds)) return -1;
    if (!(sc->gap_seconds >= 0)) return errf(X, v, cp, "must be >= 0 (0: 5 x the sensor's median step), got %s", sval(v));
  }
  if ((v = get(X, m, path, "max_bad_fraction", cp))) {
    if (get_number(X, v, cp, &sc->max_bad_fraction)) return -1;
    if (!(sc->max_bad_fraction >= 0 && sc->max_bad_fraction <= 1)) return errf(X, v, cp, "must be in [0, 1], got %s", sval(v));
  }
  return 0;
}

/* The `sensors:` section (after fatigue, whose channels the load cells read). */
static int parse_sensors(Ctx *X, const yaml_node_t *m, FtCase *c)
{
  static const char *const keys[] = {"data", "time_column", "dt", "cleaning", "list", NULL};
  FtSensorsCase *sc = &c->sensors;
  char           cp[PATHLEN], b[80];
  yaml_node_t   *v, *dv;
  if (is_empty(m)) return 0; /* `sensors:` with nothing: no sensors */
  if (expect_map(X, m, "sensors") || check_keys(X, m, "sensors", keys)) return -1;
  sc->enabled          = 1;
  sc->line             = (int)line_of(m);
  FtSensorsCleaningDefaults(sc);
  strcpy(sc->time_column, "time");

  if (!(dv = req(X, m, "sensors", "data", cp)) || resolve_path(X, dv, cp, sc->data)) return -1;
  int csv = FtPathHasExt(sc->data, ".csv");
  if (!csv && !FtPathHasExt(sc->data, ".h5") && !FtPathHasExt(sc->data, ".hdf5"))
    return errf(X, dv, cp, "must end in .csv (CSV) or .h5/.hdf5 (HDF5), got %s", desc(dv, b, sizeof b));
  if ((v = get(X, m, "sensors", "time_column", cp))) {
    if (!csv)
      return errf(X, v, cp, "only for CSV data (an HDF5 file gives each sensor its own /sensors/<id>/time), got %s", desc(v, b, sizeof b));
    if (get_string(X, v, cp, sc->time_column, sizeof sc->time_column)) return -1;
  }
  if ((v = get(X, m, "sensors", "dt", cp)) && get_positive(X, v, cp, &sc->dt)) return -1;
  if ((v = get(X, m, "sensors", "cleaning", cp)) && parse_cleaning(X, v, cp, sc)) return -1;

  char lp[PATHLEN];
  yaml_node_t *s = req(X, m, "sensors", "list", lp);
  if (!s || expect_seq(X, s, lp)) return -1;
  int n = seq_len(s);
  if (n == 0) return errf(X, s, lp, "at least one sensor is required");
  SensorOrigin *origin = calloc((size_t)n * 3, sizeof *origin);
  sc->sensors          = calloc((size_t)n * 3, sizeof *sc->sensors); /* a rosette makes three */
  if (!origin || !sc->sensors) {
    free(origin);
    return errf(X, s, lp, "out of memory");
  }
  int rc = 0;
  for (int i = 0; i < n && !rc; i++) {
    char ep[PATHLEN];
    indexed(ep, lp, i);
    rc = parse_sensor(X, seq_at(X, s, i), ep, i, c, origin);
  }
  free(origin);
  return rc;
}

/* ----------------------------------------------------------------------------------------- */
/* Calibration                                                                               */

static const EnumName param_kind_names[] = {{"modulus", FT_PARAM_MODULUS},       {"expansion", FT_PARAM_EXPANSION},
                                            {"convection", FT_PARAM_CONVECTION}, {"load_scale", FT_PARAM_LOAD_SCALE},
                                            {"support", FT_PARAM_SUPPORT},       {NULL, 0}};

/* The region of a modulus or expansion parameter: a region of `materials`. */
static int check_material_region(Ctx *X, const yaml_node_t *v, const char *path, const FtCase *c, const char *region)
{
  char list[512] = "";
  for (int i = 0; i < c->nmaterials; i++)
    if (!strcmp(c->materials[i].region, region)) return 0;
  for (int i = 0; i < c->nmaterials; i++) {
    if (i) strncat(list, ", ", sizeof list - strlen(list) - 1);
    strncat(list, c->materials[i].region, sizeof list - strlen(list) - 1);
  }
  return errf(X, v, path, "no material region '%s' in materials (known: %s)", region, list);
}

/* A convection parameter needs convection entries: on `region` (from any thermal case) when it
   gives one, else anywhere. */
static int check_convection_region(Ctx *X, const yaml_node_t *at, const char *path, const FtCase *c, const char *region)
{
  char list[512] = "";
  int  any = 0;
  for (int t = 0; t < c->nthermal; t++)
    for (int i = 0; i < c->thermal[t].nconvection; i++) {
      const char *r = c->thermal[t].convection[i].region;
      if (!region[0] || !strcmp(r, region)) return 0;
      if (any++) strncat(list, ", ", sizeof list - strlen(list) - 1);
      strncat(list, r, sizeof list - strlen(list) - 1);
    }
  if (!any)
    return errf(X, at, path, "kind convection scales convection coefficients, but no thermal case has a convection entry");
  return errf(X, at, path, "no convection entry on region '%s' in the thermal cases (known: %s)", region, list);
}

static int parse_cal_param(Ctx *X, const yaml_node_t *e, const char *ep, FtCase *c, int i)
{
  static const char *const keys[] = {"name", "kind", "region", "load_case", "prior", "sigma", "bounds", NULL};
  FtCalibrationCase *C = &c->calibration;
  FtCalParam        *P = &C->params[i];
  char               cp[PATHLEN], b[80];
  yaml_node_t       *v, *kv;
  if (expect_map(X, e, ep) || check_keys(X, e, ep, keys)) return -1;
  P->line      = (int)line_of(e);
  P->load_case = -1;
  P->prior     = 1;
  if (!(v = req(X, e, ep, "name", cp)) || get_name(X, v, cp, P->name)) return -1;
  for (int j = 0; j < i; j++)
    if (!strcmp(C->params[j].name, P->name))
      return errf(X, v, cp, "duplicate parameter name '%s' (also calibration.parameters[%d], line %d)", P->name, j, C->params[j].line);
  char kp[PATHLEN];
  if (!(kv = req(X, e, ep, "kind", kp)) || get_enum(X, kv, kp, param_kind_names, &P->kind)) return -1;
  if (P->kind == FT_PARAM_SUPPORT) return errf(X, kv, kp, "kind 'support' (elastic support stiffness) is not implemented yet");

  yaml_node_t *rv = get(X, e, ep, "region", cp);
  if (P->kind == FT_PARAM_LOAD_SCALE && rv)
    return errf(X, rv, cp, "not used by kind load_scale (it scales a load case: give load_case), got %s", desc(rv, b, sizeof b));
  if (rv && get_string(X, rv, cp, P->region, sizeof P->region)) return -1;
  if ((P->kind == FT_PARAM_MODULUS || P->kind == FT_PARAM_EXPANSION) && rv && check_material_region(X, rv, cp, c, P->region)) return -1;
  if (P->kind == FT_PARAM_CONVECTION && check_convection_region(X, rv ? rv : kv, rv ? cp : kp, c, P->region)) return -1;

  yaml_node_t *lv = get(X, e, ep, "load_case", cp);
  if (P->kind != FT_PARAM_LOAD_SCALE && lv)
    return errf(X, lv, cp, "only kind load_scale takes a load case, got %s", desc(lv, b, sizeof b));
  if (P->kind == FT_PARAM_LOAD_SCALE) {
    char name[FT_NAME_MAX], list[512] = "";
    if (!(lv = req(X, e, ep, "load_case", cp)) || get_string(X, lv, cp, name, sizeof name)) return -1;
    for (int j = 0; j < c->nloads; j++)
      if (!strcmp(c->loads[j].name, name)) P->load_case = j;
    if (P->load_case < 0) {
      for (int j = 0; j < c->nloads; j++) {
        if (j) strncat(list, ", ", sizeof list - strlen(list) - 1);
        strncat(list, c->loads[j].name, sizeof list - strlen(list) - 1);
      }
      return errf(X, lv, cp, "no load case named '%s' in mechanical.load_cases (known: %s)", name, list);
    }
  }

  if ((v = get(X, e, ep, "prior", cp)) && get_positive(X, v, cp, &P->prior)) return -1;
  if (!(v = req(X, e, ep, "sigma", cp)) || get_positive(X, v, cp, &P->sigma)) return -1;
  double bd[2];
  if (!(v = req(X, e, ep, "bounds", cp)) || get_interval(X, v, cp, "lower", "upper", bd)) return -1;
  if (!(bd[0] > 0 && bd[0] < P->prior && P->prior < bd[1]))
    return errf(X, v, cp, "must satisfy 0 < lower < prior (%g) < upper, got [%s, %s]", P->prior, sval(seq_at(X, v, 0)), sval(seq_at(X, v, 1)));
  P->lower = bd[0];
  P->upper = bd[1];
  return 0;
}

/* The `calibration:` section (after sensors, which it needs, and fatigue, whose output it
   defaults to). */
static int parse_calibration(Ctx *X, const yaml_node_t *m, FtCase *c)
{
  static const char *const keys[] = {"parameters", "linear_range", "max_outer", "fit_samples", "ensemble", "regularization", "output", NULL};
  FtCalibrationCase *C = &c->calibration;
  char               cp[PATHLEN], b[80];
  yaml_node_t       *v;
  long               k;
  if (is_empty(m)) return 0; /* `calibration:` with nothing: no calibration */
  if (expect_map(X, m, "calibration") || check_keys(X, m, "calibration", keys)) return -1;
  if (!c->sensors.enabled)
    return errf(X, m, "calibration", "needs a sensors section (the measurements the parameters are fitted to), but the case has none");
  C->enabled        = 1;
  C->line           = (int)line_of(m);
  C->linear_range   = 0.02;
  C->max_outer      = 5;
  C->fit_samples    = 2000;
  C->ensemble       = 64;
  C->regularization = 1e-10;

  char         pp[PATHLEN];
  yaml_node_t *s = req(X, m, "calibration", "parameters", pp);
  if (!s || expect_seq(X, s, pp)) return -1;
  int n = seq_len(s);
  if (n == 0) return errf(X, s, pp, "at least one parameter is required");
  C->params = calloc((size_t)n, sizeof *C->params);
  if (!C->params) return errf(X, s, pp, "out of memory");
  C->nparams = n;
  for (int i = 0; i < n; i++) {
    char ep[PATHLEN];
    indexed(ep, pp, i);
    if (parse_cal_param(X, seq_at(X, s, i), ep, c, i)) return -1;
  }

  if ((v = get(X, m, "calibration", "linear_range", cp))) {
    if (get_number(X, v, cp, &C->linear_range)) return -1;
    if (!(C->linear_range > 0 && C->linear_range < 1)) return errf(X, v, cp, "must be in (0, 1), got %s", sval(v));
  }
  if ((v = get(X, m, "calibration", "max_outer", cp))) {
    if (get_whole(X, v, cp, 1, &k)) return -1;
    C->max_outer = (int)k;
  }
  if ((v = get(X, m, "calibration", "fit_samples", cp))) {
    if (get_whole(X, v, cp, 10, &k)) return -1;
    C->fit_samples = k;
  }
  if ((v = get(X, m, "calibration", "ensemble", cp))) {
    if (get_whole(X, v, cp, 8, &k)) return -1;
    C->ensemble = (int)k;
  }
  if ((v = get(X, m, "calibration", "regularization", cp))) {
    if (get_number(X, v, cp, &C->regularization)) return -1;
    if (!(C->regularization >= 0)) return errf(X, v, cp, "must be >= 0, got %s", sval(v));
  }
  if ((v = get(X, m, "calibration", "output", cp))) {
    if (resolve_path(X, v, cp, C->output)) return -1;
    int basis = c->fatigue.enabled && !strcmp(C->output, c->fatigue.basis);
    if (basis || !strcmp(C->output, c->output_file))
      return errf(X, v, cp, "must differ from the FE results (%s), got %s", basis ? c->fatigue.basis : c->output_file, desc(v, b, sizeof b));
  } else if (c->fatigue.enabled) {
    strcpy(C->output, c->fatigue.output);
  } else {
    return errf(X, m, cp, "missing; give the asset file (it defaults to fatigue.output, but the case has no fatigue section)");
  }
  return 0;
}

static int parse_root(Ctx *X, const yaml_node_t *root, FtCase *c)
{
  static const char *const keys[] = {"name",       "mesh",   "materials", "reference_temperature", "thermal",
                                     "mechanical", "output", "solver",    "fatigue",               "sensors",
                                     "calibration", NULL};
  char cp[PATHLEN], b[80];
  yaml_node_t *v;
  if (root->type != YAML_MAPPING_NODE)
    return errf(X, root, "", "the case file must be a mapping (name:, mesh:, materials:, ...), got %s", desc(root, b, sizeof b));
  if (check_keys(X, root, "", keys)) return -1;
  if (!(v = req(X, root, "", "name", cp)) || get_name(X, v, cp, c->name)) return -1;
  if (!(v = req(X, root, "", "mesh", cp)) || parse_mesh(X, v, c)) return -1;
  if (!(v = req(X, root, "", "materials", cp)) || parse_materials(X, v, c)) return -1;
  if ((v = get(X, root, "", "reference_temperature", cp)) && get_number(X, v, cp, &c->T_ref)) return -1;
  if ((v = get(X, root, "", "thermal", cp)) && parse_thermal(X, v, c)) return -1;
  for (int t = 0; t < c->nthermal; t++) {
    if (c->thermal[t].kind != FT_THERMAL_SOLVE) continue;
    for (int i = 0; i < c->nmaterials; i++)
      if (!(c->materials[i].k > 0)) {
        char mp[PATHLEN];
        snprintf(mp, sizeof mp, "materials[%d].k", i);
        return errl(X, (unsigned long)c->materials[i].line, mp,
                    "missing; conductivity k > 0 is required for every material because thermal case '%s' is solved",
                    c->thermal[t].name);
      }
  }
  if (!(v = req(X, root, "", "mechanical", cp)) || parse_mechanical(X, v, c)) return -1;
  if (!(v = req(X, root, "", "output", cp)) || parse_output(X, v, c)) return -1;
  if ((v = get(X, root, "", "solver", cp)) && parse_solver(X, v, c)) return -1;
  if ((v = get(X, root, "", "fatigue", cp)) && parse_fatigue(X, v, c)) return -1;
  if ((v = get(X, root, "", "sensors", cp)) && parse_sensors(X, v, c)) return -1;
  if ((v = get(X, root, "", "calibration", cp)) && parse_calibration(X, v, c)) return -1;
  return 0;
}

/* ----------------------------------------------------------------------------------------- */
/* Entry points                                                                              */

static void syntax_error(Ctx *X, const yaml_parser_t *p, const char *text)
{
  const char *problem = p->problem ? p->problem : "unknown error";
  if (p->error == YAML_MEMORY_ERROR) {
    errf(X, NULL, "", "out of memory while reading YAML");
  } else if (p->error == YAML_READER_ERROR) {
    unsigned long line = 1;
    for (size_t i = 0; i < p->problem_offset && text[i]; i++)
      if (text[i] == '\n') line++;
    X->failed = 1;
    if (X->err && X->errlen)
      snprintf(X->err, X->errlen, "%s:%lu: YAML error: %s (byte offset %zu)", X->file, line, problem, p->problem_offset);
  } else {
    X->failed = 1;
    if (X->err && X->errlen) {
      if (p->context)
        snprintf(X->err, X->errlen, "%s:%lu: YAML syntax error at column %lu: %s (%s at line %lu)", X->file,
                 (unsigned long)p->problem_mark.line + 1, (unsigned long)p->problem_mark.column + 1, problem, p->context,
                 (unsigned long)p->context_mark.line + 1);
      else
        snprintf(X->err, X->errlen, "%s:%lu: YAML syntax error at column %lu: %s", X->file, (unsigned long)p->problem_mark.line + 1,
                 (unsigned long)p->problem_mark.column + 1, problem);
    }
  }
  if (X->err && X->errlen) FtMessageOneLine(X->err);
}

int FtCaseParse(const char *path, const char *text, FtCase *c, char *errmsg, size_t errlen)
{
  Ctx X;
  memset(&X, 0, sizeof X);
  X.file   = path ? path : "<case>";
  X.err    = errmsg;
  X.errlen = errlen;
  if (errmsg && errlen) errmsg[0] = 0;
  memset(c, 0, sizeof *c);
  if (!text) text = "";

  const char *slash = strrchr(X.file, '/');
  if (slash) {
    size_t n = (size_t)(slash - X.file) + 1;
    if (n >= sizeof X.dir) {
      errf(&X, NULL, "", "case file path too long");
      return -1;
    }
    memcpy(X.dir, X.file, n);
    X.dir[n] = 0;
  }

  FtCase C;
  memset(&C, 0, sizeof C);
  C.mesh_scale = 1;
  C.order      = 2;
  C.T_ref      = 293.15;
  C.write_xdmf = 1;
  C.rtol       = 1e-8;
  if (strlen(X.file) >= sizeof C.path) {
    errf(&X, NULL, "", "case file path too long");
    return -1;
  }
  strcpy(C.path, X.file);
  C.text = malloc(strlen(text) + 1);
  if (!C.text) {
    errf(&X, NULL, "", "out of memory");
    return -1;
  }
  strcpy(C.text, text);

  yaml_parser_t parser;
  yaml_document_t doc;
  if (!yaml_parser_initialize(&parser)) {
    errf(&X, NULL, "", "out of memory");
    FtCaseFree(&C);
    return -1;
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
  if (!yaml_parser_load(&parser, &doc)) { /* libyaml deletes the document on failure */
    syntax_error(&X, &parser, text);
    yaml_parser_delete(&parser);
    FtCaseFree(&C);
    return -1;
  }
  X.doc = &doc;
  yaml_node_t *root = yaml_document_get_root_node(&doc);
  if (!root) {
    errf(&X, NULL, "", "empty case file (expected a mapping with name, mesh, materials, mechanical and output)");
  } else {
    /* A second document ("---") would be silently ignored: refuse it, and report its syntax errors. */
    yaml_document_t doc2;
    if (!yaml_parser_load(&parser, &doc2)) {
      syntax_error(&X, &parser, text);
    } else {
      yaml_node_t *r2 = yaml_document_get_root_node(&doc2);
      if (r2) errf(&X, r2, "", "a second YAML document ('---') is not allowed; the case file is one mapping");
      yaml_document_delete(&doc2);
    }
    if (!X.failed) parse_root(&X, root, &C);
  }
  yaml_document_delete(&doc);
  yaml_parser_delete(&parser);
  if (X.failed) {
    FtCaseFree(&C);
    return -1;
  }
  *c = C;
  return 0;
}

int FtCaseLoad(const char *path, FtCase *c, char *errmsg, size_t errlen)
{
  memset(c, 0, sizeof *c);
  if (errmsg && errlen) errmsg[0] = 0;
  char  *buf = NULL;
  size_t n   = 0;
  int    e   = read_file(path, &buf, &n);
  if (e) {
    if (errmsg && errlen) snprintf(errmsg, errlen, "%s: cannot read case file: %s", path, strerror(e));
    return -1;
  }
  int rc = FtCaseParseBytes(path, buf, n, c, errmsg, errlen);
  free(buf);
  return rc;
}

int FtCaseParseBytes(const char *path, const char *text, size_t n, FtCase *c, char *errmsg, size_t errlen)
{
  unsigned long line = nul_line(text, n);
  memset(c, 0, sizeof *c);
  if (line) {
    if (errmsg && errlen) snprintf(errmsg, errlen, "%s:%lu: the case file contains a NUL byte (not a text file?)", path, line);
    return -1;
  }
  return FtCaseParse(path, text, c, errmsg, errlen);
}

static void free_bcs(FtThermalBC **b, int *n)
{
  free(*b);
  *b = NULL;
  *n = 0;
}

void FtCaseFree(FtCase *c)
{
  if (!c) return;
  free(c->text);
  free(c->materials);
  for (int i = 0; i < c->nthermal; i++) {
    FtThermalCase *t = &c->thermal[i];
    free_field(&t->field);
    free_bcs(&t->fixed, &t->nfixed);
    free_bcs(&t->flux, &t->nflux);
    free_bcs(&t->convection, &t->nconvection);
    free_bcs(&t->source, &t->nsource);
  }
  free(c->thermal);
  for (int i = 0; i < c->nconstraints; i++)
    for (int d = 0; d < 3; d++) free_field(&c->constraints[i].value[d]);
  free(c->constraints);
  for (int i = 0; i < c->nloads; i++) {
    FtLoadCase *lc = &c->loads[i];
    free(lc->surface);
    for (int d = 0; d < 3; d++) {
      free_field(&lc->body_force[d]);
      free_field(&lc->exact[d]);
    }
    for (int p = 0; p < lc->nprescribed; p++)
      for (int d = 0; d < 3; d++) free_field(&lc->prescribed[p].value[d]);
    free(lc->prescribed);
  }
  free(c->loads);
  free(c->fatigue.channels);
  free(c->sensors.sensors);
  free(c->calibration.params);
  memset(c, 0, sizeof *c);
}
