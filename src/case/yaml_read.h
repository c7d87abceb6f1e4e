/* Reading a YAML document (libyaml's document API) into C values: internal to src/case (the case
 * file's sections and the material library).
 *
 * Every reader takes the YamlReader, the node to read and the node's key path (for messages), and
 * returns 0, or -1 after writing one error line `<file>:<line>: <key.path>: <problem>[, got
 * <value>]` (yr_error). Only the first error is kept: once `failed` is set, later errors are
 * dropped, so a caller may go on and report nothing more.
 *
 * Key paths (at most KEY_PATH_MAX characters, longer ones end in "..."): by convention `path` is
 * the path of the mapping or list being read, `ep` that of a list entry (yr_index_path) and `cp`
 * that of a key's value (yr_key_path, filled in by yr_lookup and yr_require).
 */
#ifndef FT_CASE_YAML_READ_H
#define FT_CASE_YAML_READ_H

#include <stddef.h>
#include <yaml.h>

#include "case/case.h"

#define KEY_PATH_MAX 512 /* key paths such as mechanical.load_cases[3].prescribed[0].value[2] */

typedef struct {
  yaml_document_t *doc;
  const char      *file;             /* the file read, for messages */
  char             dir[FT_PATH_MAX]; /* folder of the case file, with trailing '/', or "" */
  char            *err;              /* the message buffer (may be NULL) */
  size_t           errlen;
  int              failed;           /* 1 once an error has been reported */
} YamlReader;

/* A name in the file and the value it stands for; tables end with {NULL, 0}. */
typedef struct {
  const char *name;
  int         value;
} EnumName;

/* ---- messages ---- */
unsigned long yr_line(const yaml_node_t *n); /* 1-based line of a node (1 for NULL) */
int           yr_error(YamlReader *reader, const yaml_node_t *n, const char *path, const char *fmt, ...); /* at n's line */
int           yr_error_at_line(YamlReader *reader, unsigned long line, const char *path, const char *fmt, ...);
const char   *yr_text(const yaml_node_t *n); /* a scalar's text */
int           yr_is_empty(const yaml_node_t *n); /* an empty scalar: '', ~, null */
/* What a node is, for "expected ..., got <description>": 'text' (cut at 60), a list, a mapping. */
const char *yr_describe(const yaml_node_t *n, char *buf, size_t cap);
void        yr_join_names(char *out, size_t cap, const char *const *list); /* "a, b, c" */
void        yr_append_name(char *list, size_t cap, const char *name);     /* list += ", name" */

/* ---- nodes, keys and key paths ---- */
yaml_node_t *yr_node(YamlReader *reader, int id);
void         yr_key_path(char *out, const char *path, const char *key); /* path.key */
void         yr_index_path(char *out, const char *path, int i);         /* path[i] */
int          yr_expect_mapping(YamlReader *reader, const yaml_node_t *n, const char *path);
int          yr_expect_list(YamlReader *reader, const yaml_node_t *n, const char *path);
int          yr_list_length(const yaml_node_t *n);
yaml_node_t *yr_list_item(YamlReader *reader, const yaml_node_t *n, int i);
/* Every key of `map` must be a name from `known` (NULL-terminated), given once. */
int yr_check_keys(YamlReader *reader, const yaml_node_t *map, const char *path, const char *const *known);
/* ... and one of `allowed`, the keys of its kind ("not used by a <kind> (its keys: ...)"). */
int yr_check_keys_of_kind(YamlReader *reader, const yaml_node_t *map, const char *path, const char *const *allowed, const char *kind);
/* The value of `key` in `map`, NULL if absent (yr_require: then an error "missing (required)");
   `cp` receives the key's path. */
yaml_node_t *yr_lookup(YamlReader *reader, const yaml_node_t *map, const char *path, const char *key, char *cp);
yaml_node_t *yr_require(YamlReader *reader, const yaml_node_t *map, const char *path, const char *key, char *cp);

/* ---- typed scalars and short lists ---- */
int yr_read_number(YamlReader *reader, const yaml_node_t *n, const char *path, double *v); /* finite */
int yr_read_positive(YamlReader *reader, const yaml_node_t *n, const char *path, double *v); /* > 0 */
int yr_read_whole(YamlReader *reader, const yaml_node_t *n, const char *path, long lo, long *v); /* lo <= v <= 1e9 */
int yr_read_string(YamlReader *reader, const yaml_node_t *n, const char *path, char *out, size_t cap); /* non-empty */
int yr_read_name(YamlReader *reader, const yaml_node_t *n, const char *path, char *out); /* [A-Za-z0-9_.-]+, < FT_NAME_MAX */
int yr_read_bool(YamlReader *reader, const yaml_node_t *n, const char *path, int *v);
int yr_read_enum(YamlReader *reader, const yaml_node_t *n, const char *path, const EnumName *names, int *out);
const char *yr_enum_name(const EnumName *names, int value); /* "?" when not in the table */
/* A file path: relative ones are taken from the case file's folder (reader->dir). */
int yr_read_path(YamlReader *reader, const yaml_node_t *n, const char *path, char out[FT_PATH_MAX]);
int yr_read_vec3(YamlReader *reader, const yaml_node_t *n, const char *path, double v[3]); /* [x, y, z] */
int yr_read_direction(YamlReader *reader, const yaml_node_t *n, const char *path, double d[3]); /* d / |d|, d != 0 */
/* [lo, hi] with lo < hi; `lo_name`, `hi_name` name the two in messages. */
int yr_read_interval(YamlReader *reader, const yaml_node_t *n, const char *path, const char *lo_name, const char *hi_name,
                     double v[2]);
/* A number or an expression of x, y, z (r); expressions without coordinates are folded into
   constants, so f->expr is non-NULL only for fields that vary in space (the caller frees it). */
int yr_read_field(YamlReader *reader, const yaml_node_t *n, const char *path, FtScalarField *f);
int yr_read_field3(YamlReader *reader, const yaml_node_t *n, const char *path, FtScalarField f[3]);

/* ---- files and documents ---- */
/* The whole file in a NUL-terminated buffer (*out, length *n_out; free it). Returns 0 or an errno
   value (ENOMEM when out of memory); *out is NULL on error. */
int           yr_read_whole_file(const char *path, char **out, size_t *n_out);
unsigned long yr_nul_byte_line(const char *buf, size_t n); /* line of the first NUL byte, 0 if none */
void          yr_syntax_error(YamlReader *reader, const yaml_parser_t *parser, const char *text); /* a failed load */
/* After the first document: a second one ('---') is an error (`message`), as are its syntax errors. */
void yr_refuse_second_document(YamlReader *reader, yaml_parser_t *parser, const char *text, const char *message);

#endif
