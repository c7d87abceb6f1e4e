/* The case-file parser: YAML (libyaml document API) -> FtCase, validated, SI units.
 *
 * Every error is one line: `<file>:<line>: <key.path>: <problem>[, got <value>]`.
 * The sections are read in a fixed order (name, mesh, materials, reference_temperature,
 * thermal, mechanical, output, solver) whatever their order in the file, so that cross references
 * (load case -> thermal case, prescribed -> constraints, gravity -> material densities) can be
 * checked while reading. The first error found is reported.
 */
#include "case.h"

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

/* Keep messages on one line whatever the input (block scalars, odd characters). */
static void one_line(char *s)
{
  for (; s && *s; s++)
    if (*s == '\n' || *s == '\r' || *s == '\t') *s = ' ';
}

static int verrl(Ctx *X, unsigned long line, const char *path, const char *fmt, va_list ap)
{
  if (X->failed) return -1;
  X->failed = 1;
  if (!X->err || !X->errlen) return -1;
  int k;
  if (path && path[0]) k = snprintf(X->err, X->errlen, "%s:%lu: %s: ", X->file, line, path);
  else k = snprintf(X->err, X->errlen, "%s:%lu: ", X->file, line);
  if (k >= 0 && (size_t)k < X->errlen) vsnprintf(X->err + k, X->errlen - (size_t)k, fmt, ap);
  one_line(X->err);
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
    one_line(buf);
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

static int parse_root(Ctx *X, const yaml_node_t *root, FtCase *c)
{
  static const char *const keys[] = {"name",       "mesh",   "materials", "reference_temperature", "thermal",
                                     "mechanical", "output", "solver",    NULL};
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
  if (X->err && X->errlen) one_line(X->err);
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
  C.rtol       = 1e-10;
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
  FILE *f = fopen(path, "rb");
  if (!f) {
    if (errmsg && errlen) snprintf(errmsg, errlen, "%s: cannot read case file: %s", path, strerror(errno));
    return -1;
  }
  size_t cap = 4096, n = 0;
  char  *buf = malloc(cap);
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
  if (!buf || rerr) {
    if (errmsg && errlen) snprintf(errmsg, errlen, "%s: cannot read case file: %s", path, strerror(buf ? rerr : ENOMEM));
    free(buf);
    return -1;
  }
  buf[n] = 0;
  if (strlen(buf) != n) {
    unsigned long line = 1;
    for (size_t i = 0; buf[i]; i++)
      if (buf[i] == '\n') line++;
    if (errmsg && errlen) snprintf(errmsg, errlen, "%s:%lu: the case file contains a NUL byte (not a text file?)", path, line);
    free(buf);
    return -1;
  }
  int rc = FtCaseParse(path, buf, c, errmsg, errlen);
  free(buf);
  return rc;
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
  memset(c, 0, sizeof *c);
}
