/* The `sensors:` section of the case file: the data file, the cleaning thresholds and the list
 * of sensors (strain gauges, rosettes, displacement sensors, thermocouples, load cells), each with
 * its position, direction, unit and noise. Read after the fatigue section, whose channels the
 * load cells read.
 */
#include "case/case_internal.h"
#include "util/path.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* The unit of a sensor: one of the units of its type; sets unit, to_si and si_offset. */
static int read_sensor_unit(YamlReader *reader, const yaml_node_t *n, const char *path, int type, FtSensor *s)
{
  char           b[80], list[128] = "";
  const UnitDef *u = sensor_units(type);
  if (n->type == YAML_SCALAR_NODE)
    for (int i = 0; u[i].unit; i++)
      if (!strcmp(yr_text(n), u[i].unit)) {
        strcpy(s->unit, u[i].unit);
        s->to_si     = u[i].to_si;
        s->si_offset = u[i].si_offset;
        return 0;
      }
  for (int i = 0; u[i].unit; i++) yr_append_name(list, sizeof list, u[i].unit);
  if (n->type == YAML_SCALAR_NODE && !yr_is_empty(n))
    return yr_error(reader, n, path, "unit '%s' does not fit a %s; use %s", yr_text(n), sensor_what(type), list);
  return yr_error(reader, n, path, "expected a unit of a %s (%s), got %s", sensor_what(type), list, yr_describe(n, b, sizeof b));
}

/* The three directions of a rosette, each normalised; no two of them parallel (|cos| < 0.999,
   i.e. at least 2.6 degrees apart), else the three gauges cannot give three strain components. */
static int read_rosette_directions(YamlReader *reader, const yaml_node_t *n, const char *path, double d[3][3])
{
  char b[80], ip[KEY_PATH_MAX];
  if (n->type != YAML_SEQUENCE_NODE)
    return yr_error(reader, n, path, "a rosette needs a list of exactly 3 directions [[x, y, z], ...], got %s",
                    yr_describe(n, b, sizeof b));
  if (yr_list_length(n) != 3) return yr_error(reader, n, path, "a rosette needs exactly 3 directions, got a list of %d", yr_list_length(n));
  for (int i = 0; i < 3; i++) {
    yr_index_path(ip, path, i);
    if (yr_read_direction(reader, yr_list_item(reader, n, i), ip, d[i])) return -1;
    for (int j = 0; j < i; j++) {
      double cs = d[i][0] * d[j][0] + d[i][1] * d[j][1] + d[i][2] * d[j][2];
      if (fabs(cs) >= 0.999)
        return yr_error(reader, yr_list_item(reader, n, i), ip,
                        "parallel to %s[%d] (|cos| = %.4f >= 0.999); a rosette needs three different directions", path, j, fabs(cs));
    }
  }
  return 0;
}

/* The fatigue channel a load cell reads: an entry of fatigue.channels. */
static int read_load_cell_channel(YamlReader *reader, const yaml_node_t *n, const char *path, const FtCase *c, const char *id, int *channel)
{
  char name[FT_NAME_MAX], list[512] = "";
  if (yr_read_string(reader, n, path, name, sizeof name)) return -1;
  if (!c->fatigue.enabled)
    return yr_error(reader, n, path,
                    "load cell '%s' reads fatigue channel '%s', but the case has no fatigue section (add one with fatigue.channels)", id,
                    name);
  for (int j = 0; j < c->fatigue.nchannels; j++)
    if (!strcmp(c->fatigue.channels[j].name, name)) {
      *channel = j;
      return 0;
    }
  for (int j = 0; j < c->fatigue.nchannels; j++) yr_append_name(list, sizeof list, c->fatigue.channels[j].name);
  return yr_error(reader, n, path, "no channel named '%s' in fatigue.channels (known: %s)", name, list);
}

/* One entry of sensors.list -> one FtSensor (three for a rosette) appended to sc->sensors;
   origin[k] records where sensor k came from (for duplicate-id messages). */
static int read_sensor(YamlReader *reader, const yaml_node_t *e, const char *ep, int index, FtCase *c, SensorOrigin *origin)
{
  static const char *const keys[] = {"id",    "type",  "position", "direction", "directions", "unit",
                                     "noise", "range", "measures", "channel",   NULL};
  FtSensorsCase *sc = &c->sensors;
  FtSensor       sensor;
  char           cp[KEY_PATH_MAX], id_path[KEY_PATH_MAX], b[80], id[FT_NAME_MAX];
  yaml_node_t   *v, *id_node;
  int            type;
  double         rosette_dirs[3][3];
  memset(&sensor, 0, sizeof sensor);
  sensor.channel  = -1;
  sensor.range[0] = -INFINITY;
  sensor.range[1] = INFINITY;
  if (yr_expect_mapping(reader, e, ep) || yr_check_keys(reader, e, ep, keys)) return -1;
  sensor.line = (int)yr_line(e);
  if (!(id_node = yr_require(reader, e, ep, "id", id_path)) || yr_read_name(reader, id_node, id_path, id)) return -1;
  if (!(v = yr_require(reader, e, ep, "type", cp)) || yr_read_enum(reader, v, cp, sensor_type_names, &type)) return -1;
  if (yr_check_keys_of_kind(reader, e, ep, sensor_keys(type), sensor_what(type))) return -1;
  if (type == SENSOR_ROSETTE && strlen(id) > FT_NAME_MAX - 3)
    return yr_error(reader, id_node, id_path, "too long for a rosette id (at most %d characters: its gauges are ID.a, ID.b, ID.c), got %s",
                    FT_NAME_MAX - 3, yr_describe(id_node, b, sizeof b));
  sensor.type = type == SENSOR_ROSETTE ? FT_SENSOR_STRAIN : type;
  sensor.mechanical = sensor.type == FT_SENSOR_STRAIN;

  if (type == FT_SENSOR_LOAD) {
    if (!(v = yr_require(reader, e, ep, "channel", cp)) || read_load_cell_channel(reader, v, cp, c, id, &sensor.channel)) return -1;
  } else {
    if (!(v = yr_require(reader, e, ep, "position", cp)) || yr_read_vec3(reader, v, cp, sensor.x)) return -1;
    for (int k = 0; k < 3; k++) sensor.x[k] *= c->mesh_scale;
  }
  if (type == FT_SENSOR_STRAIN || type == FT_SENSOR_DISPLACEMENT)
    if (!(v = yr_require(reader, e, ep, "direction", cp)) || yr_read_direction(reader, v, cp, sensor.dir)) return -1;
  if (type == SENSOR_ROSETTE)
    if (!(v = yr_require(reader, e, ep, "directions", cp)) || read_rosette_directions(reader, v, cp, rosette_dirs)) return -1;
  if (!(v = yr_require(reader, e, ep, "unit", cp)) || read_sensor_unit(reader, v, cp, type, &sensor)) return -1;
  if (!(v = yr_require(reader, e, ep, "noise", cp)) || yr_read_positive(reader, v, cp, &sensor.noise)) return -1;
  if ((v = yr_lookup(reader, e, ep, "range", cp)) && yr_read_interval(reader, v, cp, "lowest", "highest", sensor.range)) return -1;
  if ((v = yr_lookup(reader, e, ep, "measures", cp)) && yr_read_enum(reader, v, cp, measures_names, &sensor.mechanical)) return -1;

  int count = type == SENSOR_ROSETTE ? 3 : 1;
  for (int r = 0; r < count; r++) {
    FtSensor *added = &sc->sensors[sc->nsensors];
    *added          = sensor;
    if (type == SENSOR_ROSETTE) {
      size_t len = strlen(id); /* <= FT_NAME_MAX - 3, checked above */
      memcpy(added->id, id, len);
      added->id[len]     = '.';
      added->id[len + 1] = (char)('a' + r);
      added->id[len + 2] = 0;
      memcpy(added->dir, rosette_dirs[r], sizeof added->dir);
    } else {
      strcpy(added->id, id);
    }
    for (int j = 0; j < sc->nsensors; j++)
      if (!strcmp(sc->sensors[j].id, added->id))
        return yr_error(reader, id_node, id_path, "duplicate sensor id '%s' (%salso sensors.list[%d]%s, line %d)", added->id,
                        type == SENSOR_ROSETTE ? "a gauge of this rosette; " : "", origin[j].index, origin[j].rosette ? ", a rosette" : "",
                        sc->sensors[j].line);
    if (FtPathHasExt(sc->data, ".csv") && !strcmp(added->id, sc->time_column))
      return yr_error(reader, id_node, id_path, "sensor id '%s' is the time column (sensors.time_column); name the sensor differently",
                      added->id);
    origin[sc->nsensors].index   = index;
    origin[sc->nsensors].rosette = type == SENSOR_ROSETTE;
    sc->nsensors++;
  }
  return 0;
}

static int read_cleaning(YamlReader *reader, const yaml_node_t *m, const char *path, FtSensorsCase *sc)
{
  static const char *const keys[] = {"spike_threshold", "spike_window", "stuck_seconds", "gap_seconds", "max_bad_fraction", NULL};
  char         cp[KEY_PATH_MAX];
  yaml_node_t *v;
  if (yr_expect_mapping(reader, m, path) || yr_check_keys(reader, m, path, keys)) return -1;
  if ((v = yr_lookup(reader, m, path, "spike_threshold", cp)) && yr_read_positive(reader, v, cp, &sc->spike_threshold)) return -1;
  if ((v = yr_lookup(reader, m, path, "spike_window", cp))) {
    long k;
    if (yr_read_whole(reader, v, cp, 1, &k)) return -1;
    sc->spike_window = (int)k;
  }
  if ((v = yr_lookup(reader, m, path, "stuck_seconds", cp)) && yr_read_positive(reader, v, cp, &sc->stuck_seconds)) return -1;
  if ((v = yr_lookup(reader, m, path, "gap_seconds", cp))) {
    if (yr_read_number(reader, v, cp, &sc->gap_seconds)) return -1;
    if (!(sc->gap_seconds >= 0)) return yr_error(reader, v, cp, "must be >= 0 (0: 5 x the sensor's median step), got %s", yr_text(v));
  }
  if ((v = yr_lookup(reader, m, path, "max_bad_fraction", cp))) {
    if (yr_read_number(reader, v, cp, &sc->max_bad_fraction)) return -1;
    if (!(sc->max_bad_fraction >= 0 && sc->max_bad_fraction <= 1)) return yr_error(reader, v, cp, "must be in [0, 1], got %s", yr_text(v));
  }
  return 0;
}

/* The `sensors:` section (after fatigue, whose channels the load cells read). */
int case_read_sensors(YamlReader *reader, const yaml_node_t *m, FtCase *c)
{
  static const char *const keys[] = {"data", "time_column", "dt", "cleaning", "list", NULL};
  FtSensorsCase *sc = &c->sensors;
  char           cp[KEY_PATH_MAX], b[80];
  yaml_node_t   *v, *dv;
  if (yr_is_empty(m)) return 0; /* `sensors:` with nothing: no sensors */
  if (yr_expect_mapping(reader, m, "sensors") || yr_check_keys(reader, m, "sensors", keys)) return -1;
  sc->enabled          = 1;
  sc->line             = (int)yr_line(m);
  FtSensorsCleaningDefaults(sc);
  strcpy(sc->time_column, "time");

  if (!(dv = yr_require(reader, m, "sensors", "data", cp)) || yr_read_path(reader, dv, cp, sc->data)) return -1;
  int csv = FtPathHasExt(sc->data, ".csv");
  if (!csv && !FtPathHasExt(sc->data, ".h5") && !FtPathHasExt(sc->data, ".hdf5"))
    return yr_error(reader, dv, cp, "must end in .csv (CSV) or .h5/.hdf5 (HDF5), got %s", yr_describe(dv, b, sizeof b));
  if ((v = yr_lookup(reader, m, "sensors", "time_column", cp))) {
    if (!csv)
      return yr_error(reader, v, cp, "only for CSV data (an HDF5 file gives each sensor its own /sensors/<id>/time), got %s",
                      yr_describe(v, b, sizeof b));
    if (yr_read_string(reader, v, cp, sc->time_column, sizeof sc->time_column)) return -1;
  }
  if ((v = yr_lookup(reader, m, "sensors", "dt", cp)) && yr_read_positive(reader, v, cp, &sc->dt)) return -1;
  if ((v = yr_lookup(reader, m, "sensors", "cleaning", cp)) && read_cleaning(reader, v, cp, sc)) return -1;

  char lp[KEY_PATH_MAX];
  yaml_node_t *s = yr_require(reader, m, "sensors", "list", lp);
  if (!s || yr_expect_list(reader, s, lp)) return -1;
  int n = yr_list_length(s);
  if (n == 0) return yr_error(reader, s, lp, "at least one sensor is required");
  SensorOrigin *origin = calloc((size_t)n * 3, sizeof *origin);
  sc->sensors          = calloc((size_t)n * 3, sizeof *sc->sensors); /* a rosette makes three */
  if (!origin || !sc->sensors) {
    free(origin);
    return yr_error(reader, s, lp, "out of memory");
  }
  int rc = 0;
  for (int i = 0; i < n && !rc; i++) {
    char ep[KEY_PATH_MAX];
    yr_index_path(ep, lp, i);
    rc = read_sensor(reader, yr_list_item(reader, s, i), ep, i, c, origin);
  }
  free(origin);
  return rc;
}
