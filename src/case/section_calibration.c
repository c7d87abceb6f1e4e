/* The `calibration:` section of the case file: the uncertain model parameters fitted to the
 * sensor data (each a multiplier of a nominal case value, with a Gaussian prior and bounds), and
 * the settings of the fit. Read last: its parameters refer to material regions, convection
 * entries and load cases, and it needs the sensors section.
 */
#include "case/case_internal.h"

#include <stdlib.h>
#include <string.h>

static const EnumName param_kind_names[] = {{"modulus", FT_PARAM_MODULUS},       {"expansion", FT_PARAM_EXPANSION},
                                            {"convection", FT_PARAM_CONVECTION}, {"load_scale", FT_PARAM_LOAD_SCALE},
                                            {"support", FT_PARAM_SUPPORT},       {NULL, 0}};

/* The region of a modulus or expansion parameter: a region of `materials`. */
static int check_material_region(YamlReader *reader, const yaml_node_t *v, const char *path, const FtCase *c, const char *region)
{
  char list[512] = "";
  for (int i = 0; i < c->nmaterials; i++)
    if (!strcmp(c->materials[i].region, region)) return 0;
  for (int i = 0; i < c->nmaterials; i++) yr_append_name(list, sizeof list, c->materials[i].region);
  return yr_error(reader, v, path, "no material region '%s' in materials (known: %s)", region, list);
}

/* A convection parameter needs convection entries: on `region` (from any thermal case) when it
   gives one, else anywhere. */
static int check_convection_region(YamlReader *reader, const yaml_node_t *at, const char *path, const FtCase *c, const char *region)
{
  char list[512] = "";
  int  any = 0;
  for (int t = 0; t < c->nthermal; t++)
    for (int i = 0; i < c->thermal[t].nconvection; i++) {
      const char *r = c->thermal[t].convection[i].region;
      if (!region[0] || !strcmp(r, region)) return 0;
      yr_append_name(list, sizeof list, r);
      any = 1;
    }
  if (!any)
    return yr_error(reader, at, path, "kind convection scales convection coefficients, but no thermal case has a convection entry");
  return yr_error(reader, at, path, "no convection entry on region '%s' in the thermal cases (known: %s)", region, list);
}

/* One entry of calibration.parameters (the i-th). */
static int read_parameter(YamlReader *reader, const yaml_node_t *e, const char *ep, FtCase *c, int i)
{
  static const char *const keys[] = {"name", "kind", "region", "load_case", "prior", "sigma", "bounds", NULL};
  FtCalibrationCase *cal = &c->calibration;
  FtCalParam        *param = &cal->params[i];
  char               cp[KEY_PATH_MAX], b[80];
  yaml_node_t       *v, *kind_node;
  if (yr_expect_mapping(reader, e, ep) || yr_check_keys(reader, e, ep, keys)) return -1;
  param->line      = (int)yr_line(e);
  param->load_case = -1;
  param->prior     = 1;
  if (!(v = yr_require(reader, e, ep, "name", cp)) || yr_read_name(reader, v, cp, param->name)) return -1;
  for (int j = 0; j < i; j++)
    if (!strcmp(cal->params[j].name, param->name))
      return yr_error(reader, v, cp, "duplicate parameter name '%s' (also calibration.parameters[%d], line %d)", param->name, j,
                      cal->params[j].line);
  char kind_path[KEY_PATH_MAX];
  if (!(kind_node = yr_require(reader, e, ep, "kind", kind_path)) ||
      yr_read_enum(reader, kind_node, kind_path, param_kind_names, &param->kind))
    return -1;
  if (param->kind == FT_PARAM_SUPPORT)
    return yr_error(reader, kind_node, kind_path, "kind 'support' (elastic support stiffness) is not implemented yet");

  yaml_node_t *region_node = yr_lookup(reader, e, ep, "region", cp);
  if (param->kind == FT_PARAM_LOAD_SCALE && region_node)
    return yr_error(reader, region_node, cp, "not used by kind load_scale (it scales a load case: give load_case), got %s",
                    yr_describe(region_node, b, sizeof b));
  if (region_node && yr_read_string(reader, region_node, cp, param->region, sizeof param->region)) return -1;
  if ((param->kind == FT_PARAM_MODULUS || param->kind == FT_PARAM_EXPANSION) && region_node &&
      check_material_region(reader, region_node, cp, c, param->region))
    return -1;
  if (param->kind == FT_PARAM_CONVECTION &&
      check_convection_region(reader, region_node ? region_node : kind_node, region_node ? cp : kind_path, c, param->region))
    return -1;

  yaml_node_t *load_case_node = yr_lookup(reader, e, ep, "load_case", cp);
  if (param->kind != FT_PARAM_LOAD_SCALE && load_case_node)
    return yr_error(reader, load_case_node, cp, "only kind load_scale takes a load case, got %s", yr_describe(load_case_node, b, sizeof b));
  if (param->kind == FT_PARAM_LOAD_SCALE)
    if (!(load_case_node = yr_require(reader, e, ep, "load_case", cp)) ||
        case_read_load_case_name(reader, load_case_node, cp, c, &param->load_case))
      return -1;

  if ((v = yr_lookup(reader, e, ep, "prior", cp)) && yr_read_positive(reader, v, cp, &param->prior)) return -1;
  if (!(v = yr_require(reader, e, ep, "sigma", cp)) || yr_read_positive(reader, v, cp, &param->sigma)) return -1;
  double bounds[2];
  if (!(v = yr_require(reader, e, ep, "bounds", cp)) || yr_read_interval(reader, v, cp, "lower", "upper", bounds)) return -1;
  if (!(bounds[0] > 0 && bounds[0] < param->prior && param->prior < bounds[1]))
    return yr_error(reader, v, cp, "must satisfy 0 < lower < prior (%g) < upper, got [%s, %s]", param->prior,
                    yr_text(yr_list_item(reader, v, 0)), yr_text(yr_list_item(reader, v, 1)));
  param->lower = bounds[0];
  param->upper = bounds[1];
  return 0;
}

/* The `calibration:` section (after sensors, which it needs, and fatigue, whose output it
   defaults to). */
int case_read_calibration(YamlReader *reader, const yaml_node_t *m, FtCase *c)
{
  static const char *const keys[] = {"parameters", "linear_range",   "max_outer", "fit_samples",
                                     "ensemble",   "band",           "covariance", "regularization", "output", NULL};
  static const EnumName    band_names[] = {{"envelope", FT_BAND_ENVELOPE}, {"bootstrap", FT_BAND_BOOTSTRAP}, {"raw", FT_BAND_RAW}, {NULL, 0}};
  static const EnumName    cov_names[]  = {{"sandwich", FT_COV_SANDWICH}, {"gauss_newton", FT_COV_GAUSS_NEWTON}, {NULL, 0}};
  FtCalibrationCase *cal = &c->calibration;
  char               cp[KEY_PATH_MAX], b[80];
  yaml_node_t       *v;
  long               k;
  if (yr_is_empty(m)) return 0; /* `calibration:` with nothing: no calibration */
  if (yr_expect_mapping(reader, m, "calibration") || yr_check_keys(reader, m, "calibration", keys)) return -1;
  if (!c->sensors.enabled)
    return yr_error(reader, m, "calibration",
                    "needs a sensors section (the measurements the parameters are fitted to), but the case has none");
  cal->enabled        = 1;
  cal->line           = (int)yr_line(m);
  cal->linear_range   = 0.02;
  cal->max_outer      = 5;
  cal->fit_samples    = 2000;
  cal->ensemble       = 64;
  cal->band           = FT_BAND_ENVELOPE;
  cal->covariance     = FT_COV_SANDWICH;
  cal->regularization = 1e-10;

  char         pp[KEY_PATH_MAX];
  yaml_node_t *s = yr_require(reader, m, "calibration", "parameters", pp);
  if (!s || yr_expect_list(reader, s, pp)) return -1;
  int n = yr_list_length(s);
  if (n == 0) return yr_error(reader, s, pp, "at least one parameter is required");
  cal->params = calloc((size_t)n, sizeof *cal->params);
  if (!cal->params) return yr_error(reader, s, pp, "out of memory");
  cal->nparams = n;
  for (int i = 0; i < n; i++) {
    char ep[KEY_PATH_MAX];
    yr_index_path(ep, pp, i);
    if (read_parameter(reader, yr_list_item(reader, s, i), ep, c, i)) return -1;
  }

  if ((v = yr_lookup(reader, m, "calibration", "linear_range", cp))) {
    if (yr_read_number(reader, v, cp, &cal->linear_range)) return -1;
    if (!(cal->linear_range > 0 && cal->linear_range < 1)) return yr_error(reader, v, cp, "must be in (0, 1), got %s", yr_text(v));
  }
  if ((v = yr_lookup(reader, m, "calibration", "max_outer", cp))) {
    if (yr_read_whole(reader, v, cp, 1, &k)) return -1;
    cal->max_outer = (int)k;
  }
  if ((v = yr_lookup(reader, m, "calibration", "fit_samples", cp))) {
    if (yr_read_whole(reader, v, cp, 10, &k)) return -1;
    cal->fit_samples = k;
  }
  if ((v = yr_lookup(reader, m, "calibration", "ensemble", cp))) {
    if (yr_read_whole(reader, v, cp, 8, &k)) return -1;
    cal->ensemble = (int)k;
  }
  if ((v = yr_lookup(reader, m, "calibration", "band", cp)) && yr_read_enum(reader, v, cp, band_names, &cal->band)) return -1;
  if ((v = yr_lookup(reader, m, "calibration", "covariance", cp)) && yr_read_enum(reader, v, cp, cov_names, &cal->covariance)) return -1;
  if ((v = yr_lookup(reader, m, "calibration", "regularization", cp))) {
    if (yr_read_number(reader, v, cp, &cal->regularization)) return -1;
    if (!(cal->regularization >= 0)) return yr_error(reader, v, cp, "must be >= 0, got %s", yr_text(v));
  }
  if ((v = yr_lookup(reader, m, "calibration", "output", cp))) {
    if (yr_read_path(reader, v, cp, cal->output)) return -1;
    int basis = c->fatigue.enabled && !strcmp(cal->output, c->fatigue.basis);
    if (basis || !strcmp(cal->output, c->output_file))
      return yr_error(reader, v, cp, "must differ from the FE results (%s), got %s", basis ? c->fatigue.basis : c->output_file,
                      yr_describe(v, b, sizeof b));
  } else if (c->fatigue.enabled) {
    strcpy(cal->output, c->fatigue.output);
  } else {
    return yr_error(reader, m, cp, "missing; give the asset file (it defaults to fatigue.output, but the case has no fatigue section)");
  }
  return 0;
}
