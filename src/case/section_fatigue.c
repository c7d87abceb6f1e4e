/* The `fatigue:` section of the case file: the history and its channels (each scales a load
 * case), the settings of the counting, and the material (inline, or an entry of a material
 * library: material_library.c), checked against the kernels' own parameter checks
 * (fatigue_params.c).
 */
#include "case/case_internal.h"
#include "case/fatigue_params.h"
#include "ft_equivalent.h"
#include "util/oneline.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(((FtFatigueMaterial *)0)->tab_S) / sizeof(double) == FT_SN_MAX_POINTS,
               "FtFatigueMaterial.tab_S must hold FT_SN_MAX_POINTS points");
_Static_assert(FT_MSC_NONE == 0 && FT_MEAN_COMPR_ZERO == 0, "a zeroed FtFatigueCase must mean no correction");

static const EnumName equivalent_names[] = {{"signed_von_mises", FT_EQ_SIGNED_VON_MISES},
                                            {"max_principal", FT_EQ_MAX_ABS_PRINCIPAL},
                                            {"critical_plane", FT_EQ_CRITICAL_PLANE},
                                            {NULL, 0}};
static const EnumName mean_stress_names[] = {{"none", FT_MSC_NONE},           {"goodman", FT_MSC_GOODMAN}, {"gerber", FT_MSC_GERBER},
                                     {"soderberg", FT_MSC_SODERBERG}, {"swt", FT_MSC_SWT},         {"morrow", FT_MSC_MORROW},
                                     {"walker", FT_MSC_WALKER},       {NULL, 0}};
static const EnumName compressive_mean_names[] = {{"zero", FT_MEAN_COMPR_ZERO}, {"as_is", FT_MEAN_COMPR_ASIS}, {NULL, 0}};
static const EnumName sn_names[]    = {{"basquin", FT_SN_BASQUIN}, {"knee", FT_SN_KNEE}, {"table", FT_SN_TABLE}, {NULL, 0}};
/* fatigue.superposition: FtFatigueCase.superposition; fatigue.precision: FtFatigueCase.single_precision */
static const EnumName superposition_names[] = {{"fused", 0}, {"gemm", 1}, {NULL, 0}};
static const EnumName precision_names[]     = {{"double", 0}, {"single", 1}, {NULL, 0}};
/* fatigue.cuda_mode: FtFatigueCase.cuda_fast (kernels/ft_cuda_fatigue.h) */
static const EnumName cuda_mode_names[] = {{"exact", 0}, {"fast", 1}, {NULL, 0}};
/* fatigue.screening: FtFatigueCase.screening (src/fatigue/screen.c) */
static const EnumName screening_names[] = {{"auto", 1}, {"off", 0}, {NULL, 0}};


/* A slope of an S-N curve: N = N_ref (S/S_ref)^-m needs m > 0. */
static int read_sn_slope(YamlReader *reader, const yaml_node_t *n, const char *path, double *v)
{
  if (yr_read_number(reader, n, path, v)) return -1;
  if (!(*v > 0))
    return yr_error(reader, n, path, "non-physical S-N slope: must be > 0 (life must decrease as the stress amplitude increases), got %s",
                    yr_text(n));
  return 0;
}

/* Table points: [[S1, N1], [S2, N2], ...], S strictly decreasing, N strictly increasing. */
static int read_sn_table(YamlReader *reader, const yaml_node_t *s, const char *path, FtFatigueMaterial *mat)
{
  char b[80], ip[KEY_PATH_MAX], cp[KEY_PATH_MAX];
  if (yr_expect_list(reader, s, path)) return -1;
  int n = yr_list_length(s);
  if (n < 2 || n > FT_SN_MAX_POINTS)
    return yr_error(reader, s, path, "a table curve needs 2 to %d points [S, N], got %d", FT_SN_MAX_POINTS, n);
  for (int i = 0; i < n; i++) {
    yaml_node_t *p = yr_list_item(reader, s, i);
    yr_index_path(ip, path, i);
    if (p->type == YAML_SEQUENCE_NODE && yr_list_length(p) != 2)
      return yr_error(reader, p, ip, "expected a point [S, N] (stress amplitude [Pa], cycles), got a list of %d", yr_list_length(p));
    if (p->type != YAML_SEQUENCE_NODE)
      return yr_error(reader, p, ip, "expected a point [S, N] (stress amplitude [Pa], cycles), got %s", yr_describe(p, b, sizeof b));
    yr_index_path(cp, ip, 0);
    if (yr_read_positive(reader, yr_list_item(reader, p, 0), cp, &mat->tab_S[i])) return -1;
    yr_index_path(cp, ip, 1);
    if (yr_read_positive(reader, yr_list_item(reader, p, 1), cp, &mat->tab_N[i])) return -1;
    if (i > 0 && !(mat->tab_S[i] < mat->tab_S[i - 1]))
      return yr_error(reader, p, ip, "table not monotonic: S must strictly decrease from point to point (%s[%d] has S = %g), got [%s, %s]",
                      path, i - 1, mat->tab_S[i - 1], yr_text(yr_list_item(reader, p, 0)), yr_text(yr_list_item(reader, p, 1)));
    if (i > 0 && !(mat->tab_N[i] > mat->tab_N[i - 1]))
      return yr_error(reader, p, ip,
                      "table not monotonic: N must strictly increase from point to point (%s[%d] has N = %g; a non-physical slope), "
                      "got [%s, %s]",
                      path, i - 1, mat->tab_N[i - 1], yr_text(yr_list_item(reader, p, 0)), yr_text(yr_list_item(reader, p, 1)));
  }
  mat->npts = n;
  return 0;
}

/* fatigue.material.sn: a Basquin, knee (two slopes, or Haibach) or table curve. */
static int read_sn_curve(YamlReader *reader, const yaml_node_t *m, const char *path, FtFatigueMaterial *mat)
{
  static const char *const keys[]    = {"type", "S_ref", "N_ref", "m", "endurance", "S_knee", "m2", "haibach", "points", NULL};
  static const char *const basquin[] = {"type", "S_ref", "N_ref", "m", "endurance", NULL};
  static const char *const knee[]    = {"type", "S_ref", "N_ref", "m", "S_knee", "m2", "haibach", "endurance", NULL};
  static const char *const table[]   = {"type", "points", "endurance", NULL};
  char cp[KEY_PATH_MAX];
  yaml_node_t *v;
  if (yr_expect_mapping(reader, m, path) || yr_check_keys(reader, m, path, keys)) return -1;
  if (!(v = yr_require(reader, m, path, "type", cp)) || yr_read_enum(reader, v, cp, sn_names, &mat->sn_kind)) return -1;
  const char *const *allowed = mat->sn_kind == FT_SN_BASQUIN ? basquin : mat->sn_kind == FT_SN_KNEE ? knee : table;
  char kind[FT_NAME_MAX];
  snprintf(kind, sizeof kind, "%s curve", yr_enum_name(sn_names, mat->sn_kind));
  if (yr_check_keys_of_kind(reader, m, path, allowed, kind)) return -1;
  if (mat->sn_kind != FT_SN_TABLE) {
    if (!(v = yr_require(reader, m, path, "S_ref", cp)) || yr_read_positive(reader, v, cp, &mat->S_ref)) return -1;
    if (!(v = yr_require(reader, m, path, "N_ref", cp)) || yr_read_positive(reader, v, cp, &mat->N_ref)) return -1;
    if (!(v = yr_require(reader, m, path, "m", cp)) || read_sn_slope(reader, v, cp, &mat->m)) return -1;
  }
  if (mat->sn_kind == FT_SN_KNEE) {
    if (!(v = yr_require(reader, m, path, "S_knee", cp)) || yr_read_positive(reader, v, cp, &mat->S_knee)) return -1;
    yaml_node_t *hv = yr_lookup(reader, m, path, "haibach", cp);
    if (hv && yr_read_bool(reader, hv, cp, &mat->haibach)) return -1;
    char m2p[KEY_PATH_MAX];
    yaml_node_t *m2v = yr_lookup(reader, m, path, "m2", m2p);
    if (mat->haibach) {
      if (m2v) return yr_error(reader, m2v, m2p, "give either m2 or haibach: true, not both (haibach sets m2 = 2m - 1)");
      mat->m2 = 2 * mat->m - 1;
      if (!(mat->m2 > 0))
        return yr_error(reader, hv, cp, "non-physical S-N slope below the knee: haibach gives m2 = 2m - 1 = %g, which must be > 0 (m = %g)",
                        mat->m2, mat->m);
    } else {
      if (!m2v)
        return yr_error(reader, m, m2p, "missing; a knee curve needs the slope below the knee: m2, or haibach: true (m2 = 2m - 1)");
      if (read_sn_slope(reader, m2v, m2p, &mat->m2)) return -1;
    }
  }
  if (mat->sn_kind == FT_SN_TABLE)
    if (!(v = yr_require(reader, m, path, "points", cp)) || read_sn_table(reader, v, cp, mat)) return -1;
  if ((v = yr_lookup(reader, m, path, "endurance", cp))) {
    if (yr_read_number(reader, v, cp, &mat->S_e)) return -1;
    if (!(mat->S_e >= 0)) return yr_error(reader, v, cp, "must be >= 0 (0: no endurance limit), got %s", yr_text(v));
  }
  return 0;
}

static int read_marin_factors(YamlReader *reader, const yaml_node_t *m, const char *path, FtFatigueMaterial *mat)
{
  static const char *const keys[] = {"surface", "size", "load", "temperature", "reliability", "misc", NULL};
  char cp[KEY_PATH_MAX];
  yaml_node_t *v;
  if (yr_expect_mapping(reader, m, path) || yr_check_keys(reader, m, path, keys)) return -1;
  for (int i = 0; i < 6; i++)
    if ((v = yr_lookup(reader, m, path, keys[i], cp)) && yr_read_positive(reader, v, cp, &mat->marin[i])) return -1;
  return 0;
}

/* A material mapping (inline in the case, or an entry of a material library). */
int case_read_fatigue_material(YamlReader *reader, const yaml_node_t *m, const char *path, FtFatigueMaterial *mat)
{
  static const char *const keys[] = {"name", "source", "ultimate", "yield", "sigma_f", "walker_gamma", "sn", "marin", NULL};
  char cp[KEY_PATH_MAX], b[80];
  yaml_node_t *v, *yv = NULL, *uv = NULL;
  memset(mat, 0, sizeof *mat);
  for (int i = 0; i < 6; i++) mat->marin[i] = 1;
  if (yr_expect_mapping(reader, m, path) || yr_check_keys(reader, m, path, keys)) return -1;
  if (!(v = yr_require(reader, m, path, "name", cp)) || yr_read_name(reader, v, cp, mat->name)) return -1;
  if (!(v = yr_require(reader, m, path, "source", cp))) return -1;
  if (v->type != YAML_SCALAR_NODE || yr_is_empty(v))
    return yr_error(reader, v, cp, "expected where the values come from (a non-empty text), got %s", yr_describe(v, b, sizeof b));
  if (yr_read_string(reader, v, cp, mat->source, sizeof mat->source)) return -1;
  const char *s = mat->source;
  while (*s && isspace((unsigned char)*s)) s++;
  if (!*s) return yr_error(reader, v, cp, "must not be blank: every value needs its source, got %s", yr_describe(v, b, sizeof b));
  FtMessageOneLine(mat->source);
  if ((uv = yr_lookup(reader, m, path, "ultimate", cp)) && yr_read_positive(reader, uv, cp, &mat->S_u)) return -1;
  if ((yv = yr_lookup(reader, m, path, "yield", cp)) && yr_read_positive(reader, yv, cp, &mat->S_y)) return -1;
  if (yv && uv && mat->S_y > mat->S_u)
    return yr_error(reader, yv, cp, "must not exceed ultimate (%s at line %lu), got %s", yr_text(uv), yr_line(uv), yr_text(yv));
  if ((v = yr_lookup(reader, m, path, "sigma_f", cp)) && yr_read_positive(reader, v, cp, &mat->sigma_f)) return -1;
  if ((v = yr_lookup(reader, m, path, "walker_gamma", cp))) {
    if (yr_read_number(reader, v, cp, &mat->walker_gamma)) return -1;
    if (!(mat->walker_gamma > 0 && mat->walker_gamma <= 1)) return yr_error(reader, v, cp, "must be in (0, 1], got %s", yr_text(v));
  }
  if (!(v = yr_require(reader, m, path, "sn", cp)) || read_sn_curve(reader, v, cp, mat)) return -1;
  if ((v = yr_lookup(reader, m, path, "marin", cp)) && read_marin_factors(reader, v, cp, mat)) return -1;
  return 0;
}

/* The material constant a mean-stress correction needs: its key, its description and a pointer
   to its value (NULL when the correction needs none). */
static const double *mean_stress_constant(int msc, const FtFatigueMaterial *mat, const char **key, const char **what)
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


/* fatigue.channels: the history columns and the load case each one scales. */
static int read_channels(YamlReader *reader, const yaml_node_t *s, const char *path, FtCase *c)
{
  static const char *const keys[] = {"name", "load_case", "scale", "offset", NULL};
  FtFatigueCase           *fat      = &c->fatigue;
  if (yr_expect_list(reader, s, path)) return -1;
  int n = yr_list_length(s);
  if (n == 0) return yr_error(reader, s, path, "at least one channel is required");
  fat->channels = calloc((size_t)n, sizeof *fat->channels);
  if (!fat->channels) return yr_error(reader, s, path, "out of memory");
  fat->nchannels = n;
  for (int i = 0; i < n; i++) {
    yaml_node_t      *e = yr_list_item(reader, s, i), *v;
    FtFatigueChannel *ch = &fat->channels[i];
    char              ep[KEY_PATH_MAX], cp[KEY_PATH_MAX];
    yr_index_path(ep, path, i);
    if (yr_expect_mapping(reader, e, ep) || yr_check_keys(reader, e, ep, keys)) return -1;
    ch->line      = (int)yr_line(e);
    ch->load_case = -1;
    if (!(v = yr_require(reader, e, ep, "name", cp)) || yr_read_name(reader, v, cp, ch->name)) return -1;
    for (int j = 0; j < i; j++)
      if (!strcmp(fat->channels[j].name, ch->name))
        return yr_error(reader, v, cp, "duplicate channel name '%s' (also %s[%d], line %d)", ch->name, path, j, fat->channels[j].line);
    if (!strcmp(ch->name, fat->time_column))
      return yr_error(reader, v, cp, "channel name '%s' is the time column (fatigue.time_column); name the load column differently",
                      ch->name);
    if (!(v = yr_require(reader, e, ep, "load_case", cp)) || case_read_load_case_name(reader, v, cp, c, &ch->load_case)) return -1;
    if (!(v = yr_require(reader, e, ep, "scale", cp)) || yr_read_number(reader, v, cp, &ch->scale)) return -1;
    if (ch->scale == 0)
      return yr_error(reader, v, cp, "must be non-zero (the load case multiplier per unit of the history value), got %s", yr_text(v));
    if ((v = yr_lookup(reader, e, ep, "offset", cp)) && yr_read_number(reader, v, cp, &ch->offset)) return -1;
  }
  return 0;
}

/* fatigue.material: a material mapping, or the name of an entry of a material library; then the
   constant its mean-stress correction needs (`mean_stress`: the fatigue.mean_stress node, NULL
   when not given), and the kernels' own check of the parameters. */
static int read_material_choice(YamlReader *reader, const yaml_node_t *m, const yaml_node_t *mean_stress, FtFatigueCase *fat)
{
  char         cp[KEY_PATH_MAX], material_path[KEY_PATH_MAX], b[80];
  yaml_node_t *material = yr_require(reader, m, "fatigue", "material", material_path);
  if (!material) return -1;
  unsigned long entry_line = 0;
  if (material->type == YAML_MAPPING_NODE) {
    if (case_read_fatigue_material(reader, material, material_path, &fat->material)) return -1;
  } else {
    char               want[FT_NAME_MAX];
    MaterialLibraryRef lib;
    if (material->type != YAML_SCALAR_NODE || yr_is_empty(material))
      return yr_error(reader, material, material_path, "expected the name of a material library entry or a material mapping, got %s",
                      yr_describe(material, b, sizeof b));
    if (yr_read_name(reader, material, material_path, want) || case_find_material_library(reader, m, material, material_path, &lib))
      return -1;
    if (case_load_library_material(reader, &lib, material, material_path, want, &fat->material, &entry_line)) return -1;
    strcpy(fat->library, lib.path);
  }
  const char   *key = NULL, *what = NULL;
  const double *need = mean_stress_constant(fat->mean_stress, &fat->material, &key, &what);
  if (need && !(*need > 0)) {
    const char *mscname = yr_enum_name(mean_stress_names, fat->mean_stress);
    if (entry_line) {
      yr_key_path(cp, "fatigue", "mean_stress");
      return yr_error(reader, mean_stress, cp, "%s needs %s (key '%s'), but material '%s' (%s:%lu) does not give it", mscname, what, key,
                      fat->material.name, fat->library, entry_line);
    }
    yr_key_path(cp, material_path, key);
    return yr_error(reader, material, cp, "missing; mean_stress %s needs %s", mscname, what);
  }
  FtFatigueParams par;
  int             code = FtFatigueParamsFromCase(fat, &par);
  if (code != FT_FAT_OK)
    return yr_error(reader, material, material_path, "the fatigue kernels reject this material (ft_fatigue_validate code %d)", code);
  return 0;
}

/* The `fatigue:` section (after mechanical and output: its channels drive load cases, its basis
   defaults to output.file). */
int case_read_fatigue(YamlReader *reader, const yaml_node_t *m, FtCase *c)
{
  static const char *const keys[] = {"basis",  "history", "time_column",  "channels", "material", "library", "equivalent_stress",
                                     "mean_stress", "compressive_mean", "gate", "hot_spots", "prior_damage", "output", "superposition",
                                     "precision", "critical_plane_planes", "cuda_mode", "screening", "screening_tolerance", "screening_record_mb", NULL};
  FtFatigueCase *fat = &c->fatigue;
  char           cp[KEY_PATH_MAX], b[80];
  yaml_node_t   *v;
  if (yr_expect_mapping(reader, m, "fatigue") || yr_check_keys(reader, m, "fatigue", keys)) return -1;
  fat->enabled          = 1;
  fat->line             = (int)yr_line(m);
  fat->equivalent       = FT_EQ_SIGNED_VON_MISES;
  fat->mean_stress      = FT_MSC_NONE;
  fat->mean_compressive = FT_MEAN_COMPR_ZERO;
  fat->hot_spots        = 10;
  strcpy(fat->time_column, "time");
  strcpy(fat->basis, c->output_file);

  if ((v = yr_lookup(reader, m, "fatigue", "basis", cp)) && yr_read_path(reader, v, cp, fat->basis)) return -1;
  if (!(v = yr_require(reader, m, "fatigue", "history", cp)) || yr_read_path(reader, v, cp, fat->history)) return -1;
  if ((v = yr_lookup(reader, m, "fatigue", "time_column", cp)) && yr_read_string(reader, v, cp, fat->time_column, sizeof fat->time_column))
    return -1;
  if (!(v = yr_require(reader, m, "fatigue", "channels", cp)) || read_channels(reader, v, cp, c)) return -1;
  yaml_node_t *eqv = yr_lookup(reader, m, "fatigue", "equivalent_stress", cp);
  if (eqv && yr_read_enum(reader, eqv, cp, equivalent_names, &fat->equivalent)) return -1;
  /* critical_plane_planes: the plane set of the critical plane (ft_planes.h); the count is
     carried in the equivalent-stress kind itself (ft_eq_critical_plane), so every consumer of
     fat->equivalent (engine, hot spots, life band, settings line) sees it */
  fat->cp_planes = FT_CP_NPLANES;
  if ((v = yr_lookup(reader, m, "fatigue", "critical_plane_planes", cp))) {
    long k;
    if (fat->equivalent != FT_EQ_CRITICAL_PLANE)
      return yr_error(reader, v, cp, "needs equivalent_stress: critical_plane (equivalent stress is %s), got %s",
                      yr_enum_name(equivalent_names, fat->equivalent), yr_describe(v, b, sizeof b));
    if (yr_read_whole(reader, v, cp, FT_CP_MIN_PLANES, &k)) return -1;
    if (!ft_cp_valid_count((int)(k > FT_CP_MAX_PLANES ? 0 : k)))
      return yr_error(reader, v, cp, "must be %d (the default cubic set) or a whole number from %d to %d (a Fibonacci set), got %s",
                      FT_CP_NPLANES, FT_CP_MIN_PLANES, FT_CP_MAX_PLANES, yr_text(v));
    fat->cp_planes  = (int)k;
    fat->equivalent = ft_eq_critical_plane(fat->cp_planes);
  }
  yaml_node_t *mean_stress = yr_lookup(reader, m, "fatigue", "mean_stress", cp);
  if (mean_stress && yr_read_enum(reader, mean_stress, cp, mean_stress_names, &fat->mean_stress)) return -1;
  if ((v = yr_lookup(reader, m, "fatigue", "compressive_mean", cp)) &&
      yr_read_enum(reader, v, cp, compressive_mean_names, &fat->mean_compressive))
    return -1;
  if ((v = yr_lookup(reader, m, "fatigue", "gate", cp))) {
    if (yr_read_number(reader, v, cp, &fat->gate)) return -1;
    if (!(fat->gate >= 0)) return yr_error(reader, v, cp, "must be >= 0, got %s", yr_text(v));
  }
  if ((v = yr_lookup(reader, m, "fatigue", "hot_spots", cp))) {
    long k;
    if (yr_read_whole(reader, v, cp, 1, &k)) return -1;
    fat->hot_spots = (int)k;
  }
  if ((v = yr_lookup(reader, m, "fatigue", "superposition", cp)) && yr_read_enum(reader, v, cp, superposition_names, &fat->superposition))
    return -1;
  if ((v = yr_lookup(reader, m, "fatigue", "precision", cp))) {
    if (yr_read_enum(reader, v, cp, precision_names, &fat->single_precision)) return -1;
    if (fat->single_precision && fat->superposition != 1)
      return yr_error(reader, v, cp, "single needs superposition: gemm (the fused superposition is double precision only), got %s",
                      yr_describe(v, b, sizeof b));
  }
  if ((v = yr_lookup(reader, m, "fatigue", "cuda_mode", cp)) && yr_read_enum(reader, v, cp, cuda_mode_names, &fat->cuda_fast)) return -1;
  fat->screening = 1;
  if ((v = yr_lookup(reader, m, "fatigue", "screening", cp)) && yr_read_enum(reader, v, cp, screening_names, &fat->screening)) return -1;
  if ((v = yr_lookup(reader, m, "fatigue", "screening_tolerance", cp))) {
    if (yr_read_number(reader, v, cp, &fat->screening_tolerance)) return -1;
    if (!(fat->screening_tolerance >= 0 && fat->screening_tolerance < 1))
      return yr_error(reader, v, cp, "must be in [0, 1) (a bound on the damage skipped per node; 0: exact screening only), got %s",
                      yr_text(v));
    if (fat->screening_tolerance > 0 && !fat->screening)
      return yr_error(reader, v, cp, "needs screening: auto (screening is off), got %s", yr_text(v));
  }
  fat->screening_record_mb = 256;
  if ((v = yr_lookup(reader, m, "fatigue", "screening_record_mb", cp))) {
    if (yr_read_number(reader, v, cp, &fat->screening_record_mb)) return -1;
    if (!(fat->screening_record_mb >= 0 && fat->screening_record_mb <= 1e6))
      return yr_error(reader, v, cp, "must be a size in MB from 0 to 1e6 (the largest load record kept while nodes are screened), got %s",
                      yr_text(v));
  }
  if ((v = yr_lookup(reader, m, "fatigue", "prior_damage", cp))) {
    if (yr_read_number(reader, v, cp, &fat->prior_damage)) return -1;
    if (!(fat->prior_damage >= 0 && fat->prior_damage < 1))
      return yr_error(reader, v, cp, "must be in [0, 1) (damage 1 means the part has already failed), got %s", yr_text(v));
  }
  if (!(v = yr_require(reader, m, "fatigue", "output", cp)) || yr_read_path(reader, v, cp, fat->output)) return -1;
  if (!strcmp(fat->output, c->output_file) || !strcmp(fat->output, fat->basis))
    return yr_error(reader, v, cp, "must differ from the FE results (%s), got %s",
                    !strcmp(fat->output, fat->basis) ? fat->basis : c->output_file, yr_describe(v, b, sizeof b));
  char libpath[FT_PATH_MAX]; /* checked here even when the material is inline (and the library unused) */
  if ((v = yr_lookup(reader, m, "fatigue", "library", cp)) && yr_read_path(reader, v, cp, libpath)) return -1;

  /* the material, last: which constants it must give depends on mean_stress */
  return read_material_choice(reader, m, mean_stress, fat);
}

