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
 * material_library.c); errors inside it name the library file and its line.
 *
 * The files: this one (the document, the top-level keys, the checks across sections, the entry
 * points and FtCaseFree); yaml_read.c (typed reading of YAML nodes, key paths, messages);
 * section_fe.c (mesh, materials, thermal, mechanical, output, solver); section_fatigue.c and
 * material_library.c; section_sensors.c; section_calibration.c; fatigue_params.c (the fatigue
 * section as kernel parameters).
 */
#include "case/case_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A solved thermal case needs the conductivity of every material. */
static int check_conductivities(YamlReader *reader, const FtCase *c)
{
  for (int t = 0; t < c->nthermal; t++) {
    if (c->thermal[t].kind != FT_THERMAL_SOLVE) continue;
    for (int i = 0; i < c->nmaterials; i++)
      if (!(c->materials[i].k > 0)) {
        char key_path[KEY_PATH_MAX];
        snprintf(key_path, sizeof key_path, "materials[%d].k", i);
        return yr_error_at_line(reader, (unsigned long)c->materials[i].line, key_path,
                                "missing; conductivity k > 0 is required for every material because thermal case '%s' is solved",
                                c->thermal[t].name);
      }
  }
  return 0;
}

/* The top-level mapping: its sections in the order given at the top of this file. */
static int read_root(YamlReader *reader, const yaml_node_t *root, FtCase *c)
{
  static const char *const keys[] = {"name",       "mesh",   "materials", "reference_temperature", "thermal",
                                     "mechanical", "output", "solver",    "fatigue",               "sensors",
                                     "calibration", NULL};
  char cp[KEY_PATH_MAX], b[80];
  yaml_node_t *v;
  if (root->type != YAML_MAPPING_NODE)
    return yr_error(reader, root, "", "the case file must be a mapping (name:, mesh:, materials:, ...), got %s",
                    yr_describe(root, b, sizeof b));
  if (yr_check_keys(reader, root, "", keys)) return -1;
  if (!(v = yr_require(reader, root, "", "name", cp)) || yr_read_name(reader, v, cp, c->name)) return -1;
  if (!(v = yr_require(reader, root, "", "mesh", cp)) || case_read_mesh(reader, v, c)) return -1;
  if (!(v = yr_require(reader, root, "", "materials", cp)) || case_read_materials(reader, v, c)) return -1;
  if ((v = yr_lookup(reader, root, "", "reference_temperature", cp)) && yr_read_number(reader, v, cp, &c->T_ref)) return -1;
  if ((v = yr_lookup(reader, root, "", "thermal", cp)) && case_read_thermal(reader, v, c)) return -1;
  if (check_conductivities(reader, c)) return -1;
  if (!(v = yr_require(reader, root, "", "mechanical", cp)) || case_read_mechanical(reader, v, c)) return -1;
  if (!(v = yr_require(reader, root, "", "output", cp)) || case_read_output(reader, v, c)) return -1;
  if ((v = yr_lookup(reader, root, "", "solver", cp)) && case_read_solver(reader, v, c)) return -1;
  if ((v = yr_lookup(reader, root, "", "fatigue", cp)) && case_read_fatigue(reader, v, c)) return -1;
  if ((v = yr_lookup(reader, root, "", "sensors", cp)) && case_read_sensors(reader, v, c)) return -1;
  if ((v = yr_lookup(reader, root, "", "calibration", cp)) && case_read_calibration(reader, v, c)) return -1;
  return 0;
}

/* ----------------------------------------------------------------------------------------- */
/* Entry points                                                                              */

int FtCaseParse(const char *path, const char *text, FtCase *c, char *errmsg, size_t errlen)
{
  YamlReader reader;
  memset(&reader, 0, sizeof reader);
  reader.file   = path ? path : "<case>";
  reader.err    = errmsg;
  reader.errlen = errlen;
  if (errmsg && errlen) errmsg[0] = 0;
  memset(c, 0, sizeof *c);
  if (!text) text = "";

  const char *slash = strrchr(reader.file, '/');
  if (slash) {
    size_t n = (size_t)(slash - reader.file) + 1;
    if (n >= sizeof reader.dir) {
      yr_error(&reader, NULL, "", "case file path too long");
      return -1;
    }
    memcpy(reader.dir, reader.file, n);
    reader.dir[n] = 0;
  }

  FtCase parsed;
  memset(&parsed, 0, sizeof parsed);
  parsed.mesh_scale = 1;
  parsed.order      = 2;
  parsed.T_ref      = 293.15;
  parsed.write_xdmf = 1;
  parsed.rtol       = 1e-8;
  if (strlen(reader.file) >= sizeof parsed.path) {
    yr_error(&reader, NULL, "", "case file path too long");
    return -1;
  }
  strcpy(parsed.path, reader.file);
  parsed.text = malloc(strlen(text) + 1);
  if (!parsed.text) {
    yr_error(&reader, NULL, "", "out of memory");
    return -1;
  }
  strcpy(parsed.text, text);

  yaml_parser_t parser;
  yaml_document_t doc;
  if (!yaml_parser_initialize(&parser)) {
    yr_error(&reader, NULL, "", "out of memory");
    FtCaseFree(&parsed);
    return -1;
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
  if (!yaml_parser_load(&parser, &doc)) { /* libyaml deletes the document on failure */
    yr_syntax_error(&reader, &parser, text);
    yaml_parser_delete(&parser);
    FtCaseFree(&parsed);
    return -1;
  }
  reader.doc = &doc;
  yaml_node_t *root = yaml_document_get_root_node(&doc);
  if (!root) {
    yr_error(&reader, NULL, "", "empty case file (expected a mapping with name, mesh, materials, mechanical and output)");
  } else {
    yr_refuse_second_document(&reader, &parser, text, "a second YAML document ('---') is not allowed; the case file is one mapping");
    if (!reader.failed) read_root(&reader, root, &parsed);
  }
  yaml_document_delete(&doc);
  yaml_parser_delete(&parser);
  if (reader.failed) {
    FtCaseFree(&parsed);
    return -1;
  }
  *c = parsed;
  return 0;
}

int FtCaseLoad(const char *path, FtCase *c, char *errmsg, size_t errlen)
{
  memset(c, 0, sizeof *c);
  if (errmsg && errlen) errmsg[0] = 0;
  char  *buf = NULL;
  size_t n   = 0;
  int    e   = yr_read_whole_file(path, &buf, &n);
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
  unsigned long line = yr_nul_byte_line(text, n);
  memset(c, 0, sizeof *c);
  if (line) {
    if (errmsg && errlen) snprintf(errmsg, errlen, "%s:%lu: the case file contains a NUL byte (not a text file?)", path, line);
    return -1;
  }
  return FtCaseParse(path, text, c, errmsg, errlen);
}

static void free_field(FtScalarField *f)
{
  FtExprFree(f->expr);
  f->expr = NULL;
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
