/* The finite-element sections of the case file: mesh, materials, thermal cases, mechanical
 * (constraints and load cases), output and solver. Read in that order by case.c, so that a load
 * case can refer to thermal cases and to the constraints, and gravity to material densities.
 */
#include "case/case_internal.h"

#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------------------------------------------- */
/* mesh, materials                                                                           */

int case_read_mesh(YamlReader *reader, const yaml_node_t *m, FtCase *c)
{
  static const char *const keys[] = {"file", "unit", "order", NULL};
  char cp[KEY_PATH_MAX], b[80];
  yaml_node_t *v;
  if (yr_expect_mapping(reader, m, "mesh") || yr_check_keys(reader, m, "mesh", keys)) return -1;
  if (!(v = yr_require(reader, m, "mesh", "file", cp)) || yr_read_path(reader, v, cp, c->mesh_file)) return -1;
  if ((v = yr_lookup(reader, m, "mesh", "unit", cp))) {
    if (v->type == YAML_SCALAR_NODE && !strcmp(yr_text(v), "m")) c->mesh_scale = 1;
    else if (v->type == YAML_SCALAR_NODE && !strcmp(yr_text(v), "mm")) c->mesh_scale = 1e-3;
    else return yr_error(reader, v, cp, "must be m or mm, got %s", yr_describe(v, b, sizeof b));
  }
  if ((v = yr_lookup(reader, m, "mesh", "order", cp))) {
    if (v->type == YAML_SCALAR_NODE && !strcmp(yr_text(v), "1")) c->order = 1;
    else if (v->type == YAML_SCALAR_NODE && !strcmp(yr_text(v), "2")) c->order = 2;
    else return yr_error(reader, v, cp, "must be 1 or 2, got %s", yr_describe(v, b, sizeof b));
  }
  return 0;
}

int case_read_materials(YamlReader *reader, const yaml_node_t *s, FtCase *c)
{
  static const char *const keys[] = {"region", "E", "nu", "alpha", "k", "rho", NULL};
  if (yr_expect_list(reader, s, "materials")) return -1;
  int n = yr_list_length(s);
  if (n == 0) return yr_error(reader, s, "materials", "at least one material is required");
  c->materials = calloc((size_t)n, sizeof *c->materials);
  if (!c->materials) return yr_error(reader, s, "materials", "out of memory");
  c->nmaterials = n;
  for (int i = 0; i < n; i++) {
    yaml_node_t    *e = yr_list_item(reader, s, i), *v;
    FtCaseMaterial *m = &c->materials[i];
    char            ep[KEY_PATH_MAX], cp[KEY_PATH_MAX];
    yr_index_path(ep, "materials", i);
    if (yr_expect_mapping(reader, e, ep) || yr_check_keys(reader, e, ep, keys)) return -1;
    m->line = (int)yr_line(e);
    if (!(v = yr_require(reader, e, ep, "region", cp)) || yr_read_string(reader, v, cp, m->region, FT_NAME_MAX)) return -1;
    for (int j = 0; j < i; j++)
      if (!strcmp(c->materials[j].region, m->region))
        return yr_error(reader, v, cp, "duplicate region '%s' (also materials[%d], line %d)", m->region, j, c->materials[j].line);
    if (!(v = yr_require(reader, e, ep, "E", cp)) || yr_read_number(reader, v, cp, &m->E)) return -1;
    if (!(m->E > 0)) return yr_error(reader, v, cp, "must be > 0, got %s", yr_text(v));
    if (!(v = yr_require(reader, e, ep, "nu", cp)) || yr_read_number(reader, v, cp, &m->nu)) return -1;
    if (!(m->nu > -1 && m->nu < 0.5)) return yr_error(reader, v, cp, "must be in (-1, 0.5), got %s", yr_text(v));
    if ((v = yr_lookup(reader, e, ep, "alpha", cp))) {
      if (yr_read_number(reader, v, cp, &m->alpha)) return -1;
      if (!(m->alpha >= 0)) return yr_error(reader, v, cp, "must be >= 0, got %s", yr_text(v));
    }
    if ((v = yr_lookup(reader, e, ep, "k", cp))) {
      if (yr_read_number(reader, v, cp, &m->k)) return -1;
      if (!(m->k > 0)) return yr_error(reader, v, cp, "must be > 0, got %s", yr_text(v));
    }
    if ((v = yr_lookup(reader, e, ep, "rho", cp))) {
      if (yr_read_number(reader, v, cp, &m->rho)) return -1;
      if (!(m->rho >= 0)) return yr_error(reader, v, cp, "must be >= 0, got %s", yr_text(v));
    }
  }
  return 0;
}

/* ----------------------------------------------------------------------------------------- */
/* thermal cases                                                                             */

/* A thermal boundary condition or source gives a value (fixed_temperature, heat_flux,
   heat_source) or a convection coefficient and ambient temperature (convection). */
typedef enum { BC_VALUE, BC_CONVECTION } BCKind;

static int read_thermal_bcs(YamlReader *reader, const yaml_node_t *s, const char *path, BCKind kind, FtThermalBC **out, int *nout)
{
  static const char *const vkeys[] = {"region", "value", NULL};
  static const char *const ckeys[] = {"region", "h", "ambient", NULL};
  if (yr_expect_list(reader, s, path)) return -1;
  int n = yr_list_length(s);
  if (n == 0) return 0;
  *out = calloc((size_t)n, sizeof **out);
  if (!*out) return yr_error(reader, s, path, "out of memory");
  *nout = n;
  for (int i = 0; i < n; i++) {
    yaml_node_t *e = yr_list_item(reader, s, i), *v;
    FtThermalBC *bc = &(*out)[i];
    char         ep[KEY_PATH_MAX], cp[KEY_PATH_MAX];
    yr_index_path(ep, path, i);
    if (yr_expect_mapping(reader, e, ep) || yr_check_keys(reader, e, ep, kind == BC_VALUE ? vkeys : ckeys)) return -1;
    bc->line = (int)yr_line(e);
    if (!(v = yr_require(reader, e, ep, "region", cp)) || yr_read_string(reader, v, cp, bc->region, FT_NAME_MAX)) return -1;
    if (kind == BC_VALUE) {
      if (!(v = yr_require(reader, e, ep, "value", cp)) || yr_read_number(reader, v, cp, &bc->value)) return -1;
    } else {
      if (!(v = yr_require(reader, e, ep, "h", cp)) || yr_read_number(reader, v, cp, &bc->h)) return -1;
      if (!(bc->h > 0)) return yr_error(reader, v, cp, "must be > 0, got %s", yr_text(v));
      if (!(v = yr_require(reader, e, ep, "ambient", cp)) || yr_read_number(reader, v, cp, &bc->ambient)) return -1;
    }
  }
  return 0;
}

int case_read_thermal(YamlReader *reader, const yaml_node_t *s, FtCase *c)
{
  static const char *const keys[] = {"name", "temperature", "fixed_temperature", "heat_flux", "convection", "heat_source", NULL};
  static const char *const bckeys[] = {"fixed_temperature", "heat_flux", "convection", "heat_source"};
  if (yr_expect_list(reader, s, "thermal")) return -1;
  int n = yr_list_length(s);
  if (n == 0) return 0;
  c->thermal = calloc((size_t)n, sizeof *c->thermal);
  if (!c->thermal) return yr_error(reader, s, "thermal", "out of memory");
  c->nthermal = n;
  for (int i = 0; i < n; i++) {
    yaml_node_t   *e = yr_list_item(reader, s, i), *v;
    FtThermalCase *t = &c->thermal[i];
    char           ep[KEY_PATH_MAX], cp[KEY_PATH_MAX];
    yr_index_path(ep, "thermal", i);
    if (yr_expect_mapping(reader, e, ep) || yr_check_keys(reader, e, ep, keys)) return -1;
    t->line = (int)yr_line(e);
    if (!(v = yr_require(reader, e, ep, "name", cp)) || yr_read_name(reader, v, cp, t->name)) return -1;
    for (int j = 0; j < i; j++)
      if (!strcmp(c->thermal[j].name, t->name))
        return yr_error(reader, v, cp, "duplicate thermal case name '%s' (also thermal[%d], line %d)", t->name, j, c->thermal[j].line);
    yaml_node_t *temp = yr_lookup(reader, e, ep, "temperature", cp);
    if (temp) {
      for (int k = 0; k < 4; k++) {
        char bp[KEY_PATH_MAX];
        if (yr_lookup(reader, e, ep, bckeys[k], bp))
          return yr_error(reader, temp, cp, "thermal case '%s' has both a prescribed temperature and '%s'; give one or the other", t->name,
                          bckeys[k]);
      }
      t->kind = FT_THERMAL_PRESCRIBED;
      if (yr_read_field(reader, temp, cp, &t->field)) return -1;
      continue;
    }
    t->kind = FT_THERMAL_SOLVE;
    if ((v = yr_lookup(reader, e, ep, "fixed_temperature", cp)) && read_thermal_bcs(reader, v, cp, BC_VALUE, &t->fixed, &t->nfixed))
      return -1;
    if ((v = yr_lookup(reader, e, ep, "heat_flux", cp)) && read_thermal_bcs(reader, v, cp, BC_VALUE, &t->flux, &t->nflux)) return -1;
    if ((v = yr_lookup(reader, e, ep, "convection", cp)) && read_thermal_bcs(reader, v, cp, BC_CONVECTION, &t->convection, &t->nconvection))
      return -1;
    if ((v = yr_lookup(reader, e, ep, "heat_source", cp)) && read_thermal_bcs(reader, v, cp, BC_VALUE, &t->source, &t->nsource)) return -1;
    if (t->nfixed + t->nconvection == 0)
      return yr_error(reader, e, ep,
                      "thermal case '%s' has no fixed_temperature or convection entry, so its temperature is undetermined "
                      "(add one, or give a prescribed 'temperature' field)",
                      t->name);
  }
  return 0;
}

/* ----------------------------------------------------------------------------------------- */
/* mechanical: constraints and load cases                                                    */

static int component_index(const char *s)
{
  if (!strcmp(s, "x")) return 0;
  if (!strcmp(s, "y")) return 1;
  if (!strcmp(s, "z")) return 2;
  return -1;
}

static int read_components(YamlReader *reader, const yaml_node_t *s, const char *path, int comp[3])
{
  char b[80], ip[KEY_PATH_MAX];
  if (yr_expect_list(reader, s, path)) return -1;
  if (yr_list_length(s) == 0) return yr_error(reader, s, path, "at least one component (x, y, z) is required");
  comp[0] = comp[1] = comp[2] = 0;
  for (int i = 0; i < yr_list_length(s); i++) {
    yaml_node_t *v = yr_list_item(reader, s, i);
    yr_index_path(ip, path, i);
    int d = v->type == YAML_SCALAR_NODE ? component_index(yr_text(v)) : -1;
    if (d < 0) return yr_error(reader, v, ip, "unknown component %s (known: x, y, z)", yr_describe(v, b, sizeof b));
    if (comp[d]) return yr_error(reader, v, ip, "duplicate component '%s'", yr_text(v));
    comp[d] = 1;
  }
  return 0;
}

static const char *const component_names[3] = {"x", "y", "z"};

/* A constraint's value: one number/expression for every listed component, or a list of 3.
   Components that are not listed must be left 0 in a list of 3. */
static int read_constraint_value(YamlReader *reader, const yaml_node_t *v, const char *path, const int comp[3], FtScalarField val[3])
{
  char ip[KEY_PATH_MAX];
  if (v->type == YAML_SEQUENCE_NODE) {
    if (yr_read_field3(reader, v, path, val)) return -1;
    for (int d = 0; d < 3; d++) {
      if (comp[d]) continue;
      if (val[d].expr || val[d].value != 0) {
        yr_index_path(ip, path, d);
        return yr_error(reader, yr_list_item(reader, v, d), ip, "component %s is not in components, so its value must be 0, got '%s'",
                        component_names[d], yr_text(yr_list_item(reader, v, d)));
      }
    }
    return 0;
  }
  for (int d = 0; d < 3; d++)
    if (comp[d] && yr_read_field(reader, v, path, &val[d])) return -1;
  return 0;
}

static int read_constraints(YamlReader *reader, const yaml_node_t *s, FtCase *c)
{
  static const char *const keys[] = {"region", "components", "value", NULL};
  const char *path = "mechanical.constraints";
  if (yr_expect_list(reader, s, path)) return -1;
  int n = yr_list_length(s);
  if (n == 0) return 0;
  c->constraints = calloc((size_t)n, sizeof *c->constraints);
  if (!c->constraints) return yr_error(reader, s, path, "out of memory");
  c->nconstraints = n;
  for (int i = 0; i < n; i++) {
    yaml_node_t  *e = yr_list_item(reader, s, i), *v, *rv;
    FtConstraint *con = &c->constraints[i];
    char          ep[KEY_PATH_MAX], cp[KEY_PATH_MAX];
    yr_index_path(ep, path, i);
    if (yr_expect_mapping(reader, e, ep) || yr_check_keys(reader, e, ep, keys)) return -1;
    con->line = (int)yr_line(e);
    if (!(rv = yr_require(reader, e, ep, "region", cp)) || yr_read_string(reader, rv, cp, con->region, FT_NAME_MAX)) return -1;
    for (int j = 0; j < i; j++)
      if (!strcmp(c->constraints[j].region, con->region))
        return yr_error(reader, rv, cp, "duplicate region '%s' (also %s[%d], line %d); list all its components in one entry", con->region,
                        path, j, c->constraints[j].line);
    if (!(v = yr_require(reader, e, ep, "components", cp)) || read_components(reader, v, cp, con->comp)) return -1;
    if ((v = yr_lookup(reader, e, ep, "value", cp)) && read_constraint_value(reader, v, cp, con->comp, con->value)) return -1;
  }
  return 0;
}

static int read_surface_loads(YamlReader *reader, const yaml_node_t *s, const char *path, int is_pressure, FtLoadCase *lc)
{
  static const char *const keys[] = {"region", "value", NULL};
  if (yr_expect_list(reader, s, path)) return -1;
  int n = yr_list_length(s);
  if (n == 0) return 0;
  FtSurfaceLoad *np = realloc(lc->surface, (size_t)(lc->nsurface + n) * sizeof *np);
  if (!np) return yr_error(reader, s, path, "out of memory");
  lc->surface = np;
  for (int i = 0; i < n; i++) {
    yaml_node_t   *e = yr_list_item(reader, s, i), *v;
    FtSurfaceLoad *load = &lc->surface[lc->nsurface];
    char           ep[KEY_PATH_MAX], cp[KEY_PATH_MAX];
    memset(load, 0, sizeof *load);
    yr_index_path(ep, path, i);
    if (yr_expect_mapping(reader, e, ep) || yr_check_keys(reader, e, ep, keys)) return -1;
    load->line        = (int)yr_line(e);
    load->is_pressure = is_pressure;
    if (!(v = yr_require(reader, e, ep, "region", cp)) || yr_read_string(reader, v, cp, load->region, FT_NAME_MAX)) return -1;
    if (!(v = yr_require(reader, e, ep, "value", cp))) return -1;
    if (is_pressure ? yr_read_number(reader, v, cp, &load->pressure) : yr_read_vec3(reader, v, cp, load->traction)) return -1;
    lc->nsurface++;
  }
  return 0;
}

/* Gravity and rotation load every material through its density. */
static int require_density(YamlReader *reader, const yaml_node_t *v, const char *path, const FtCase *c, const char *what)
{
  for (int i = 0; i < c->nmaterials; i++)
    if (!(c->materials[i].rho > 0))
      return yr_error(reader, v, path, "%s needs rho > 0 for every material, but materials[%d] (region '%s', line %d) has rho = %g", what,
                      i, c->materials[i].region, c->materials[i].line, c->materials[i].rho);
  return 0;
}

static int read_rotation(YamlReader *reader, const yaml_node_t *m, const char *path, FtLoadCase *lc)
{
  static const char *const keys[] = {"axis_point", "axis", "omega", NULL};
  char cp[KEY_PATH_MAX];
  yaml_node_t *v;
  if (yr_expect_mapping(reader, m, path) || yr_check_keys(reader, m, path, keys)) return -1;
  if ((v = yr_lookup(reader, m, path, "axis_point", cp)) && yr_read_vec3(reader, v, cp, lc->axis_point)) return -1;
  if (!(v = yr_require(reader, m, path, "axis", cp)) || yr_read_direction(reader, v, cp, lc->axis)) return -1;
  if (!(v = yr_require(reader, m, path, "omega", cp)) || yr_read_number(reader, v, cp, &lc->omega)) return -1;
  lc->has_rotation = 1;
  return 0;
}

static int constraint_of_region(const FtCase *c, const char *region)
{
  for (int i = 0; i < c->nconstraints; i++)
    if (!strcmp(c->constraints[i].region, region)) return i;
  return -1;
}

static int read_prescribed(YamlReader *reader, const yaml_node_t *s, const char *path, const FtCase *c, FtLoadCase *lc)
{
  static const char *const keys[] = {"region", "components", "value", NULL};
  if (yr_expect_list(reader, s, path)) return -1;
  int n = yr_list_length(s);
  if (n == 0) return 0;
  lc->prescribed = calloc((size_t)n, sizeof *lc->prescribed);
  if (!lc->prescribed) return yr_error(reader, s, path, "out of memory");
  lc->nprescribed = n;
  for (int i = 0; i < n; i++) {
    yaml_node_t  *e = yr_list_item(reader, s, i), *v, *rv;
    FtConstraint *p = &lc->prescribed[i];
    char          ep[KEY_PATH_MAX], cp[KEY_PATH_MAX];
    yr_index_path(ep, path, i);
    if (yr_expect_mapping(reader, e, ep) || yr_check_keys(reader, e, ep, keys)) return -1;
    p->line = (int)yr_line(e);
    if (!(rv = yr_require(reader, e, ep, "region", cp)) || yr_read_string(reader, rv, cp, p->region, FT_NAME_MAX)) return -1;
    int k = constraint_of_region(c, p->region);
    if (k < 0) {
      char list[512] = "";
      for (int j = 0; j < c->nconstraints; j++) yr_append_name(list, sizeof list, c->constraints[j].region);
      return yr_error(
          reader, rv, cp,
          "region '%s' is not in mechanical.constraints; only constrained components can be prescribed (constrained regions: %s)",
          p->region, c->nconstraints ? list : "none");
    }
    for (int j = 0; j < i; j++)
      if (!strcmp(lc->prescribed[j].region, p->region))
        return yr_error(reader, rv, cp, "duplicate region '%s' (also %s[%d], line %d)", p->region, path, j, lc->prescribed[j].line);
    if (!(v = yr_require(reader, e, ep, "components", cp)) || read_components(reader, v, cp, p->comp)) return -1;
    for (int d = 0; d < 3; d++)
      if (p->comp[d] && !c->constraints[k].comp[d]) {
        char have[16] = "";
        for (int q = 0; q < 3; q++)
          if (c->constraints[k].comp[q]) {
            if (have[0]) strcat(have, ", ");
            strcat(have, component_names[q]);
          }
        return yr_error(reader, v, cp,
                        "component '%s' of region '%s' is not constrained (mechanical.constraints[%d] constrains %s); only constrained "
                        "components can be prescribed",
                        component_names[d], p->region, k, have);
      }
    if (!(v = yr_require(reader, e, ep, "value", cp)) || read_constraint_value(reader, v, cp, p->comp, p->value)) return -1;
  }
  return 0;
}

/* A load case's temperature field: the name of a thermal case, as its index in c->thermal. */
static int read_thermal_case_name(YamlReader *reader, const yaml_node_t *n, const char *path, const FtCase *c, int *index)
{
  char name[FT_NAME_MAX], list[512] = "";
  if (yr_read_string(reader, n, path, name, sizeof name)) return -1;
  for (int j = 0; j < c->nthermal; j++)
    if (!strcmp(c->thermal[j].name, name)) {
      *index = j;
      return 0;
    }
  for (int j = 0; j < c->nthermal; j++) yr_append_name(list, sizeof list, c->thermal[j].name);
  return yr_error(reader, n, path, "no thermal case named '%s' (known: %s)", name,
                  c->nthermal ? list : "none; there is no thermal section");
}

/* A reference to a load case by name (fatigue channels, load_scale parameters): its index in
   c->loads. */
int case_read_load_case_name(YamlReader *reader, const yaml_node_t *n, const char *path, const FtCase *c, int *index)
{
  char name[FT_NAME_MAX], list[512] = "";
  if (yr_read_string(reader, n, path, name, sizeof name)) return -1;
  for (int j = 0; j < c->nloads; j++)
    if (!strcmp(c->loads[j].name, name)) {
      *index = j;
      return 0;
    }
  for (int j = 0; j < c->nloads; j++) yr_append_name(list, sizeof list, c->loads[j].name);
  return yr_error(reader, n, path, "no load case named '%s' in mechanical.load_cases (known: %s)", name, list);
}

static int read_load_cases(YamlReader *reader, const yaml_node_t *s, FtCase *c)
{
  static const char *const keys[] = {"name",       "pressure",   "traction",    "gravity",           "rotation",
                                     "body_force", "prescribed", "temperature", "exact_displacement", NULL};
  const char *path = "mechanical.load_cases";
  if (yr_expect_list(reader, s, path)) return -1;
  int n = yr_list_length(s);
  if (n == 0) return yr_error(reader, s, path, "at least one load case is required");
  c->loads = calloc((size_t)n, sizeof *c->loads);
  if (!c->loads) return yr_error(reader, s, path, "out of memory");
  c->nloads = n;
  for (int i = 0; i < n; i++) c->loads[i].thermal_case = -1;
  for (int i = 0; i < n; i++) {
    yaml_node_t *e = yr_list_item(reader, s, i), *v;
    FtLoadCase  *lc = &c->loads[i];
    char         ep[KEY_PATH_MAX], cp[KEY_PATH_MAX];
    yr_index_path(ep, path, i);
    if (yr_expect_mapping(reader, e, ep) || yr_check_keys(reader, e, ep, keys)) return -1;
    lc->line = (int)yr_line(e);
    if (!(v = yr_require(reader, e, ep, "name", cp)) || yr_read_name(reader, v, cp, lc->name)) return -1;
    for (int j = 0; j < i; j++)
      if (!strcmp(c->loads[j].name, lc->name))
        return yr_error(reader, v, cp, "duplicate load case name '%s' (also %s[%d], line %d)", lc->name, path, j, c->loads[j].line);
    if ((v = yr_lookup(reader, e, ep, "pressure", cp)) && read_surface_loads(reader, v, cp, 1, lc)) return -1;
    if ((v = yr_lookup(reader, e, ep, "traction", cp)) && read_surface_loads(reader, v, cp, 0, lc)) return -1;
    if ((v = yr_lookup(reader, e, ep, "gravity", cp))) {
      if (yr_read_vec3(reader, v, cp, lc->gravity) || require_density(reader, v, cp, c, "gravity")) return -1;
      lc->has_gravity = 1;
    }
    if ((v = yr_lookup(reader, e, ep, "rotation", cp))) {
      if (read_rotation(reader, v, cp, lc) || require_density(reader, v, cp, c, "rotation")) return -1;
    }
    if ((v = yr_lookup(reader, e, ep, "body_force", cp))) {
      if (yr_read_field3(reader, v, cp, lc->body_force)) return -1;
      lc->has_body_force = 1;
    }
    if ((v = yr_lookup(reader, e, ep, "prescribed", cp)) && read_prescribed(reader, v, cp, c, lc)) return -1;
    if ((v = yr_lookup(reader, e, ep, "temperature", cp)) && read_thermal_case_name(reader, v, cp, c, &lc->thermal_case)) return -1;
    if ((v = yr_lookup(reader, e, ep, "exact_displacement", cp))) {
      if (yr_read_field3(reader, v, cp, lc->exact)) return -1;
      lc->has_exact = 1;
    }
  }
  return 0;
}

int case_read_mechanical(YamlReader *reader, const yaml_node_t *m, FtCase *c)
{
  static const char *const keys[] = {"constraints", "load_cases", NULL};
  char cp[KEY_PATH_MAX];
  yaml_node_t *v;
  if (yr_expect_mapping(reader, m, "mechanical") || yr_check_keys(reader, m, "mechanical", keys)) return -1;
  if ((v = yr_lookup(reader, m, "mechanical", "constraints", cp)) && read_constraints(reader, v, c)) return -1;
  if (!(v = yr_require(reader, m, "mechanical", "load_cases", cp)) || read_load_cases(reader, v, c)) return -1;
  return 0;
}

/* ----------------------------------------------------------------------------------------- */
/* output, solver                                                                            */

int case_read_output(YamlReader *reader, const yaml_node_t *m, FtCase *c)
{
  static const char *const keys[] = {"file", "xdmf", NULL};
  char cp[KEY_PATH_MAX];
  yaml_node_t *v;
  if (yr_expect_mapping(reader, m, "output") || yr_check_keys(reader, m, "output", keys)) return -1;
  if (!(v = yr_require(reader, m, "output", "file", cp)) || yr_read_path(reader, v, cp, c->output_file)) return -1;
  if ((v = yr_lookup(reader, m, "output", "xdmf", cp)) && yr_read_bool(reader, v, cp, &c->write_xdmf)) return -1;
  return 0;
}

int case_read_solver(YamlReader *reader, const yaml_node_t *m, FtCase *c)
{
  static const char *const keys[] = {"rtol", NULL};
  char cp[KEY_PATH_MAX];
  yaml_node_t *v;
  if (yr_expect_mapping(reader, m, "solver") || yr_check_keys(reader, m, "solver", keys)) return -1;
  if ((v = yr_lookup(reader, m, "solver", "rtol", cp))) {
    if (yr_read_number(reader, v, cp, &c->rtol)) return -1;
    if (!(c->rtol > 0 && c->rtol < 1)) return yr_error(reader, v, cp, "must be in (0, 1), got %s", yr_text(v));
  }
  return 0;
}
