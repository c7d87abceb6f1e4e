/* A fingerprint of a design: everything in a case that the basis (`ftwin basis`) depends on, and
 * nothing that differs between assets of one design (sensor data, outputs, histories, noise
 * levels). An asset run refuses a basis whose fingerprint differs from its own case's.
 *
 * The design text below is hashed with 64-bit FNV-1a (a fingerprint against mix-ups, not a
 * cryptographic hash): the mesh file's bytes, unit and order; every material; T_ref; every
 * thermal case and boundary condition; constraints and load cases (expressions by their text);
 * the sensors' ids, types, positions, directions, units and strain measure; the calibration
 * parameters (names, kinds, regions, load cases); the fatigue channels (names, load cases,
 * scales, offsets). Numbers are printed with %.17g, so equal values give equal text. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "case/case.h"

typedef struct { uint64_t h; } Fnv;
static void fnv_add_bytes(Fnv *f, const void *p, size_t n)
{
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) {
    f->h ^= b[i];
    f->h *= 1099511628211ull;
  }
}
static void fnv_add_line(Fnv *f, const char *fmt, ...)
{
  char    buf[1024];
  va_list ap;
  int     n;
  va_start(ap, fmt);
  n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n > 0) fnv_add_bytes(f, buf, (size_t)(n < (int)sizeof buf ? n : (int)sizeof buf - 1));
  fnv_add_bytes(f, "\n", 1);
}
static void fnv_add_field(Fnv *f, const char *what, const FtScalarField *v)
{
  if (v->expr) fnv_add_line(f, "%s expr %s", what, FtExprText(v->expr));
  else fnv_add_line(f, "%s %.17g", what, v->value);
}

/* Mesh file hash (FNV-1a of its bytes); 0 when it cannot be read. */
unsigned long long FtMeshFileHash(const char *path)
{
  Fnv           f = {1469598103934665603ull};
  unsigned char buf[65536];
  size_t        n;
  FILE         *fp = fopen(path, "rb");
  if (!fp) return 0;
  while ((n = fread(buf, 1, sizeof buf, fp)) > 0) fnv_add_bytes(&f, buf, n);
  fclose(fp);
  return f.h;
}

unsigned long long FtCaseDesignHash(const FtCase *c)
{
  Fnv f = {1469598103934665603ull};
  fnv_add_line(&f, "ftwin design v1");
  fnv_add_line(&f, "mesh %016llx scale %.17g order %d", (unsigned long long)FtMeshFileHash(c->mesh_file), c->mesh_scale, c->order);
  for (int m = 0; m < c->nmaterials; m++) {
    const FtCaseMaterial *mat = &c->materials[m];
    fnv_add_line(&f, "material %s E %.17g nu %.17g alpha %.17g k %.17g rho %.17g", mat->region, mat->E, mat->nu, mat->alpha, mat->k,
                 mat->rho);
  }
  fnv_add_line(&f, "T_ref %.17g", c->T_ref);
  for (int t = 0; t < c->nthermal; t++) {
    const FtThermalCase *th = &c->thermal[t];
    fnv_add_line(&f, "thermal %s kind %d", th->name, th->kind);
    fnv_add_field(&f, "field", &th->field);
    for (int i = 0; i < th->nfixed; i++) fnv_add_line(&f, "fixed %s %.17g", th->fixed[i].region, th->fixed[i].value);
    for (int i = 0; i < th->nflux; i++) fnv_add_line(&f, "flux %s %.17g", th->flux[i].region, th->flux[i].value);
    for (int i = 0; i < th->nconvection; i++)
      fnv_add_line(&f, "conv %s %.17g %.17g", th->convection[i].region, th->convection[i].h, th->convection[i].ambient);
    for (int i = 0; i < th->nsource; i++) fnv_add_line(&f, "source %s %.17g", th->source[i].region, th->source[i].value);
  }
  for (int i = 0; i < c->nconstraints; i++) {
    const FtConstraint *con = &c->constraints[i];
    fnv_add_line(&f, "constraint %s %d%d%d", con->region, con->comp[0], con->comp[1], con->comp[2]);
    for (int d = 0; d < 3; d++) fnv_add_field(&f, "value", &con->value[d]);
  }
  for (int l = 0; l < c->nloads; l++) {
    const FtLoadCase *lc = &c->loads[l];
    fnv_add_line(&f, "load %s thermal %d", lc->name, lc->thermal_case);
    for (int i = 0; i < lc->nsurface; i++)
      fnv_add_line(&f, "surface %s p %d %.17g t %.17g %.17g %.17g", lc->surface[i].region, lc->surface[i].is_pressure,
                   lc->surface[i].pressure, lc->surface[i].traction[0], lc->surface[i].traction[1], lc->surface[i].traction[2]);
    if (lc->has_gravity) fnv_add_line(&f, "gravity %.17g %.17g %.17g", lc->gravity[0], lc->gravity[1], lc->gravity[2]);
    if (lc->has_rotation)
      fnv_add_line(&f, "rotation %.17g %.17g %.17g %.17g %.17g %.17g %.17g", lc->axis_point[0], lc->axis_point[1], lc->axis_point[2],
                   lc->axis[0], lc->axis[1], lc->axis[2], lc->omega);
    if (lc->has_body_force)
      for (int d = 0; d < 3; d++) fnv_add_field(&f, "body", &lc->body_force[d]);
    for (int i = 0; i < lc->nprescribed; i++) {
      fnv_add_line(&f, "prescribed %s", lc->prescribed[i].region);
      for (int d = 0; d < 3; d++) fnv_add_field(&f, "value", &lc->prescribed[i].value[d]);
    }
  }
  for (int i = 0; i < c->sensors.nsensors; i++) {
    const FtSensor *sensor = &c->sensors.sensors[i];
    fnv_add_line(&f, "sensor %s type %d x %.17g %.17g %.17g dir %.17g %.17g %.17g mech %d channel %d unit %s", sensor->id, sensor->type,
                 sensor->x[0], sensor->x[1], sensor->x[2], sensor->dir[0], sensor->dir[1], sensor->dir[2], sensor->mechanical,
                 sensor->channel, sensor->unit);
  }
  for (int j = 0; j < c->calibration.nparams; j++) {
    const FtCalParam *param = &c->calibration.params[j];
    fnv_add_line(&f, "param %s kind %d region %s load %d prior %.17g", param->name, param->kind, param->region, param->load_case,
                 param->prior);
  }
  for (int k = 0; k < c->fatigue.nchannels; k++) {
    const FtFatigueChannel *ch = &c->fatigue.channels[k];
    fnv_add_line(&f, "channel %s load %d scale %.17g offset %.17g", ch->name, ch->load_case, ch->scale, ch->offset);
  }
  return f.h;
}
