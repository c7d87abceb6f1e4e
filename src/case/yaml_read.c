/* Reading a YAML document (libyaml's document API) into C values, for the case parser and the
 * material library: node lookup, typed scalars, unknown-key checks, key paths, and the one-line
 * messages `<file>:<line>: <key.path>: <problem>[, got <value>]`. See yaml_read.h.
 */
#include "case/yaml_read.h"
#include "util/oneline.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------------------------------------------- */
/* Messages                                                                                  */

unsigned long yr_line(const yaml_node_t *n) { return n ? (unsigned long)n->start_mark.line + 1 : 1; }

static int report(YamlReader *reader, unsigned long line, const char *path, const char *fmt, va_list ap)
{
  if (reader->failed) return -1;
  reader->failed = 1;
  if (!reader->err || !reader->errlen) return -1;
  int k;
  if (path && path[0]) k = snprintf(reader->err, reader->errlen, "%s:%lu: %s: ", reader->file, line, path);
  else k = snprintf(reader->err, reader->errlen, "%s:%lu: ", reader->file, line);
  if (k >= 0 && (size_t)k < reader->errlen) vsnprintf(reader->err + k, reader->errlen - (size_t)k, fmt, ap);
  FtMessageOneLine(reader->err);
  return -1;
}

/* Error at a given line. */
int yr_error_at_line(YamlReader *reader, unsigned long line, const char *path, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  report(reader, line, path, fmt, ap);
  va_end(ap);
  return -1;
}

/* Error at the line of node n (line 1 if NULL). */
int yr_error(YamlReader *reader, const yaml_node_t *n, const char *path, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  report(reader, yr_line(n), path, fmt, ap);
  va_end(ap);
  return -1;
}

const char *yr_text(const yaml_node_t *n) { return (const char *)n->data.scalar.value; }

int yr_is_empty(const yaml_node_t *n)
{
  if (!n || n->type != YAML_SCALAR_NODE) return 0;
  if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return n->data.scalar.length == 0;
  const char *s = yr_text(n);
  return !s[0] || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

/* What a node is, for "expected ..., got <desc>". */
const char *yr_describe(const yaml_node_t *n, char *buf, size_t cap)
{
  if (!n) return "nothing";
  switch (n->type) {
  case YAML_SEQUENCE_NODE: return "a list";
  case YAML_MAPPING_NODE: return "a mapping";
  case YAML_SCALAR_NODE:
    if (yr_is_empty(n)) return "an empty value";
    if (n->data.scalar.length > 60) snprintf(buf, cap, "'%.57s...'", yr_text(n));
    else snprintf(buf, cap, "'%s'", yr_text(n));
    FtMessageOneLine(buf);
    return buf;
  default: return "nothing";
  }
}

/* ----------------------------------------------------------------------------------------- */
/* Nodes                                                                                     */

yaml_node_t *yr_node(YamlReader *reader, int id) { return yaml_document_get_node(reader->doc, id); }

/* Paths longer than KEY_PATH_MAX are cut and end in "..." (they only appear in messages). */
static void fit_key_path(char *out, int k)
{
  if (k >= KEY_PATH_MAX) memcpy(out + KEY_PATH_MAX - 4, "...", 4);
}

void yr_key_path(char *out, const char *path, const char *key)
{
  int k;
  if (path && path[0]) k = snprintf(out, KEY_PATH_MAX, "%s.%s", path, key);
  else k = snprintf(out, KEY_PATH_MAX, "%s", key);
  fit_key_path(out, k);
}

void yr_index_path(char *out, const char *path, int i)
{
  int k = snprintf(out, KEY_PATH_MAX, "%s[%d]", path, i);
  fit_key_path(out, k);
}

int yr_expect_mapping(YamlReader *reader, const yaml_node_t *n, const char *path)
{
  char b[80];
  if (n->type != YAML_MAPPING_NODE) return yr_error(reader, n, path, "expected a mapping, got %s", yr_describe(n, b, sizeof b));
  return 0;
}

int yr_expect_list(YamlReader *reader, const yaml_node_t *n, const char *path)
{
  char b[80];
  if (n->type != YAML_SEQUENCE_NODE) return yr_error(reader, n, path, "expected a list, got %s", yr_describe(n, b, sizeof b));
  return 0;
}

int yr_list_length(const yaml_node_t *n) { return (int)(n->data.sequence.items.top - n->data.sequence.items.start); }
yaml_node_t *yr_list_item(YamlReader *reader, const yaml_node_t *n, int i) { return yr_node(reader, n->data.sequence.items.start[i]); }

static int name_in_list(const char *const *list, const char *s)
{
  for (int i = 0; list[i]; i++)
    if (!strcmp(list[i], s)) return 1;
  return 0;
}

/* "a, b, c" from a NULL-terminated list of names. */
void yr_join_names(char *out, size_t cap, const char *const *list)
{
  out[0] = 0;
  for (int i = 0; list[i]; i++) {
    if (i) strncat(out, ", ", cap - strlen(out) - 1);
    strncat(out, list[i], cap - strlen(out) - 1);
  }
}

/* Appends `name` to a list of names for a message ("a, b, c"), cut at `cap`. */
void yr_append_name(char *list, size_t cap, const char *name)
{
  if (list[0]) strncat(list, ", ", cap - strlen(list) - 1);
  strncat(list, name, cap - strlen(list) - 1);
}

/* Every key of `map` must be a string from `known` (NULL-terminated), and appear once. */
int yr_check_keys(YamlReader *reader, const yaml_node_t *map, const char *path, const char *const *known)
{
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yr_node(reader, p->key);
    char         cp[KEY_PATH_MAX], b[80];
    if (k->type != YAML_SCALAR_NODE || yr_is_empty(k))
      return yr_error(reader, k, path, "keys must be names, got %s", yr_describe(k, b, sizeof b));
    yr_key_path(cp, path, yr_text(k));
    int ok = 0;
    for (int i = 0; known[i]; i++)
      if (!strcmp(known[i], yr_text(k))) ok = 1;
    if (!ok) {
      char list[512];
      yr_join_names(list, sizeof list, known);
      return yr_error(reader, k, cp, "unknown key (known: %s)", list);
    }
    for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
      yaml_node_t *k2 = yr_node(reader, q->key);
      if (k2->type == YAML_SCALAR_NODE && !strcmp(yr_text(k2), yr_text(k)))
        return yr_error(reader, k, cp, "duplicate key (first given at line %lu)", yr_line(k2));
    }
  }
  return 0;
}

/* The keys of `map` (already checked by yr_check_keys) must also be among `allowed`, the keys of
   its kind (`kind` names it in the message: "knee curve", "load cell"). */
int yr_check_keys_of_kind(YamlReader *reader, const yaml_node_t *map, const char *path, const char *const *allowed, const char *kind)
{
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yr_node(reader, p->key);
    if (name_in_list(allowed, yr_text(k))) continue;
    char list[256], cp[KEY_PATH_MAX];
    yr_join_names(list, sizeof list, allowed);
    yr_key_path(cp, path, yr_text(k));
    return yr_error(reader, k, cp, "not used by a %s (its keys: %s)", kind, list);
  }
  return 0;
}

/* The value of `key` in `map` (NULL if absent); `cp` receives the key's path. */
yaml_node_t *yr_lookup(YamlReader *reader, const yaml_node_t *map, const char *path, const char *key, char *cp)
{
  yr_key_path(cp, path, key);
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yr_node(reader, p->key);
    if (k->type == YAML_SCALAR_NODE && !strcmp(yr_text(k), key)) return yr_node(reader, p->value);
  }
  return NULL;
}

yaml_node_t *yr_require(YamlReader *reader, const yaml_node_t *map, const char *path, const char *key, char *cp)
{
  yaml_node_t *v = yr_lookup(reader, map, path, key, cp);
  if (!v) yr_error(reader, map, cp, "missing (required)");
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

int yr_read_number(YamlReader *reader, const yaml_node_t *n, const char *path, double *v)
{
  char b[80];
  if (n->type != YAML_SCALAR_NODE || yr_is_empty(n) || parse_double(yr_text(n), v))
    return yr_error(reader, n, path, "expected a number, got %s", yr_describe(n, b, sizeof b));
  return 0;
}

/* A whole number k >= lo (and <= 1e9, so it fits an int everywhere it is used). */
int yr_read_whole(YamlReader *reader, const yaml_node_t *n, const char *path, long lo, long *v)
{
  char  b[80], *end;
  long  k  = lo - 1;
  if (n->type == YAML_SCALAR_NODE && !yr_is_empty(n) && !isspace((unsigned char)yr_text(n)[0])) {
    errno = 0;
    k     = strtol(yr_text(n), &end, 10);
    if (*end || errno) k = lo - 1;
  }
  if (k < lo || k > 1000000000L) return yr_error(reader, n, path, "must be a whole number >= %ld, got %s", lo, yr_describe(n, b, sizeof b));
  *v = k;
  return 0;
}

int yr_read_string(YamlReader *reader, const yaml_node_t *n, const char *path, char *out, size_t cap)
{
  char b[80];
  if (n->type != YAML_SCALAR_NODE || yr_is_empty(n))
    return yr_error(reader, n, path, "expected a name, got %s", yr_describe(n, b, sizeof b));
  if (n->data.scalar.length >= cap)
    return yr_error(reader, n, path, "too long (at most %zu characters), got %s", cap - 1, yr_describe(n, b, sizeof b));
  memcpy(out, yr_text(n), n->data.scalar.length + 1);
  return 0;
}

/* A name used in output file and group names: [A-Za-z0-9_.-]+. */
int yr_read_name(YamlReader *reader, const yaml_node_t *n, const char *path, char *out)
{
  char b[80];
  if (yr_read_string(reader, n, path, out, FT_NAME_MAX)) return -1;
  for (const char *s = out; *s; s++)
    if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '-')
      return yr_error(reader, n, path, "must match [A-Za-z0-9_.-]+, got %s", yr_describe(n, b, sizeof b));
  return 0;
}

int yr_read_bool(YamlReader *reader, const yaml_node_t *n, const char *path, int *v)
{
  static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", NULL};
  static const char *const no[]  = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", NULL};
  char b[80];
  if (n->type == YAML_SCALAR_NODE) {
    for (int i = 0; yes[i]; i++)
      if (!strcmp(yr_text(n), yes[i])) {
        *v = 1;
        return 0;
      }
    for (int i = 0; no[i]; i++)
      if (!strcmp(yr_text(n), no[i])) {
        *v = 0;
        return 0;
      }
  }
  return yr_error(reader, n, path, "expected true or false, got %s", yr_describe(n, b, sizeof b));
}

/* A list of exactly 3 numbers. */
int yr_read_vec3(YamlReader *reader, const yaml_node_t *n, const char *path, double v[3])
{
  char b[80], ip[KEY_PATH_MAX];
  if (n->type != YAML_SEQUENCE_NODE)
    return yr_error(reader, n, path, "expected a list of 3 numbers [x, y, z], got %s", yr_describe(n, b, sizeof b));
  if (yr_list_length(n) != 3)
    return yr_error(reader, n, path, "expected a list of 3 numbers [x, y, z], got a list of %d", yr_list_length(n));
  for (int i = 0; i < 3; i++) {
    yr_index_path(ip, path, i);
    if (yr_read_number(reader, yr_list_item(reader, n, i), ip, &v[i])) return -1;
  }
  return 0;
}

/* Does an expression text use x, y, z or r?  (The text has compiled, so every identifier is
   valid; numbers are skipped so the 'e' of 1e5 is not taken for a name.) */
static int uses_coordinates(const char *s)
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
int yr_read_field(YamlReader *reader, const yaml_node_t *n, const char *path, FtScalarField *f)
{
  char b[80];
  f->value = 0;
  f->expr  = NULL;
  if (n->type != YAML_SCALAR_NODE || yr_is_empty(n))
    return yr_error(reader, n, path, "expected a number or an expression, got %s", yr_describe(n, b, sizeof b));
  if (!parse_double(yr_text(n), &f->value)) return 0;
  char    msg[512];
  FtExpr *e = FtExprCompile(yr_text(n), msg, sizeof msg);
  if (!e) return yr_error(reader, n, path, "bad expression: %s", msg);
  if (uses_coordinates(yr_text(n))) {
    f->expr = e;
    return 0;
  }
  double v = FtExprEval(e, 0, 0, 0);
  FtExprFree(e);
  if (!isfinite(v)) return yr_error(reader, n, path, "expression %s is not finite (%g)", yr_describe(n, b, sizeof b), v);
  f->value = v;
  return 0;
}

/* A list of 3 fields [fx, fy, fz]. */
int yr_read_field3(YamlReader *reader, const yaml_node_t *n, const char *path, FtScalarField f[3])
{
  char b[80], ip[KEY_PATH_MAX];
  if (n->type != YAML_SEQUENCE_NODE)
    return yr_error(reader, n, path, "expected a list of 3 values [x, y, z] (numbers or expressions), got %s", yr_describe(n, b, sizeof b));
  if (yr_list_length(n) != 3)
    return yr_error(reader, n, path, "expected a list of 3 values [x, y, z], got a list of %d", yr_list_length(n));
  for (int i = 0; i < 3; i++) {
    yr_index_path(ip, path, i);
    if (yr_read_field(reader, yr_list_item(reader, n, i), ip, &f[i])) return -1;
  }
  return 0;
}

/* `folder of the case file` + rel, unless rel is absolute. */
int yr_read_path(YamlReader *reader, const yaml_node_t *n, const char *path, char out[FT_PATH_MAX])
{
  char b[80];
  if (n->type != YAML_SCALAR_NODE || yr_is_empty(n))
    return yr_error(reader, n, path, "expected a file path, got %s", yr_describe(n, b, sizeof b));
  const char *rel = yr_text(n);
  int         k;
  if (rel[0] == '/') k = snprintf(out, FT_PATH_MAX, "%s", rel);
  else k = snprintf(out, FT_PATH_MAX, "%s%s", reader->dir, rel);
  if (k < 0 || k >= FT_PATH_MAX) return yr_error(reader, n, path, "path too long (at most %d characters)", FT_PATH_MAX - 1);
  return 0;
}

const char *yr_enum_name(const EnumName *names, int value)
{
  for (int i = 0; names[i].name; i++)
    if (names[i].value == value) return names[i].name;
  return "?";
}

int yr_read_enum(YamlReader *reader, const yaml_node_t *n, const char *path, const EnumName *names, int *out)
{
  char b[80], list[256] = "";
  if (n->type == YAML_SCALAR_NODE)
    for (int i = 0; names[i].name; i++)
      if (!strcmp(yr_text(n), names[i].name)) {
        *out = names[i].value;
        return 0;
      }
  for (int i = 0; names[i].name; i++) yr_append_name(list, sizeof list, names[i].name);
  return yr_error(reader, n, path, "must be one of %s, got %s", list, yr_describe(n, b, sizeof b));
}

int yr_read_positive(YamlReader *reader, const yaml_node_t *n, const char *path, double *v)
{
  if (yr_read_number(reader, n, path, v)) return -1;
  if (!(*v > 0)) return yr_error(reader, n, path, "must be > 0, got %s", yr_text(n));
  return 0;
}

/* A direction: a non-zero vector d, stored as the unit vector d / |d|. */
int yr_read_direction(YamlReader *reader, const yaml_node_t *n, const char *path, double d[3])
{
  if (yr_read_vec3(reader, n, path, d)) return -1;
  double len = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
  if (!(len > 0) || !isfinite(len)) return yr_error(reader, n, path, "must be a non-zero vector, got [%g, %g, %g]", d[0], d[1], d[2]);
  for (int k = 0; k < 3; k++) d[k] /= len;
  return 0;
}

/* An interval: a list of 2 numbers [lo, hi] with lo < hi (`lo`, `hi` name them in messages). */
int yr_read_interval(YamlReader *reader, const yaml_node_t *n, const char *path, const char *lo_name, const char *hi_name, double v[2])
{
  char b[80], ip[KEY_PATH_MAX];
  if (n->type != YAML_SEQUENCE_NODE)
    return yr_error(reader, n, path, "expected a list of 2 numbers [%s, %s], got %s", lo_name, hi_name, yr_describe(n, b, sizeof b));
  if (yr_list_length(n) != 2)
    return yr_error(reader, n, path, "expected a list of 2 numbers [%s, %s], got a list of %d", lo_name, hi_name, yr_list_length(n));
  for (int i = 0; i < 2; i++) {
    yr_index_path(ip, path, i);
    if (yr_read_number(reader, yr_list_item(reader, n, i), ip, &v[i])) return -1;
  }
  if (!(v[0] < v[1]))
    return yr_error(reader, n, path, "expected [%s, %s] with %s < %s, got [%s, %s]", lo_name, hi_name, lo_name, hi_name,
                    yr_text(yr_list_item(reader, n, 0)), yr_text(yr_list_item(reader, n, 1)));
  return 0;
}

/* ----------------------------------------------------------------------------------------- */
/* Files                                                                                     */

/* Reads the whole file into a NUL-terminated buffer (*out, length *n). Returns 0 or an errno
   value (ENOMEM when out of memory); *out is NULL on error. */
int yr_read_whole_file(const char *path, char **out, size_t *n_out)
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
unsigned long yr_nul_byte_line(const char *buf, size_t n)
{
  if (strlen(buf) == n) return 0;
  unsigned long line = 1;
  for (size_t i = 0; buf[i]; i++)
    if (buf[i] == '\n') line++;
  return line;
}

/* ----------------------------------------------------------------------------------------- */
/* Documents                                                                                 */

/* The message of a libyaml load failure: `<file>:<line>: YAML syntax error at column ...`. */
void yr_syntax_error(YamlReader *reader, const yaml_parser_t *p, const char *text)
{
  const char *problem = p->problem ? p->problem : "unknown error";
  if (p->error == YAML_MEMORY_ERROR) {
    yr_error(reader, NULL, "", "out of memory while reading YAML");
  } else if (p->error == YAML_READER_ERROR) {
    unsigned long line = 1;
    for (size_t i = 0; i < p->problem_offset && text[i]; i++)
      if (text[i] == '\n') line++;
    reader->failed = 1;
    if (reader->err && reader->errlen)
      snprintf(reader->err, reader->errlen, "%s:%lu: YAML error: %s (byte offset %zu)", reader->file, line, problem, p->problem_offset);
  } else {
    reader->failed = 1;
    if (reader->err && reader->errlen) {
      if (p->context)
        snprintf(reader->err, reader->errlen, "%s:%lu: YAML syntax error at column %lu: %s (%s at line %lu)", reader->file,
                 (unsigned long)p->problem_mark.line + 1, (unsigned long)p->problem_mark.column + 1, problem, p->context,
                 (unsigned long)p->context_mark.line + 1);
      else
        snprintf(reader->err, reader->errlen, "%s:%lu: YAML syntax error at column %lu: %s", reader->file,
                 (unsigned long)p->problem_mark.line + 1, (unsigned long)p->problem_mark.column + 1, problem);
    }
  }
  if (reader->err && reader->errlen) FtMessageOneLine(reader->err);
}

/* A second document ('---') after the first would be silently ignored: refuse it (`message`),
   and report its syntax errors. */
void yr_refuse_second_document(YamlReader *reader, yaml_parser_t *parser, const char *text, const char *message)
{
  yaml_document_t second;
  if (!yaml_parser_load(parser, &second)) {
    yr_syntax_error(reader, parser, text);
    return;
  }
  yaml_node_t *root = yaml_document_get_root_node(&second);
  if (root) yr_error(reader, root, "", "%s", message);
  yaml_document_delete(&second);
}
