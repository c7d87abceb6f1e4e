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
static void FnvBytes(Fnv *f, const void *p, size_t n)
{
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) {
    f->h ^= b[i];
    f->h *= 1099511628211ull;
  }
}
static void Add(Fnv *f, const char *fmt, ...)
{
  char    buf[1024];
  va_list ap;
  int     n;
  va_start(ap, fmt);
  n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n > 0) FnvBytes(f, buf, (size_t)(n < (int)sizeof buf ? n : (int)sizeof buf - 1));
  FnvBytes(f, "\n", 1);
}
static void AddField(Fnv *f, const char *what, const FtScalarField *v)
{
  if (v->expr) Add(f, "%s expr %s", what, FtExprText(v->expr));
  else Add(f, "%s %.17g", what, v->value);
}

/* Mesh file hash (FNV-1a of its bytes); 0 when it cannot be read. */
unsigned long long FtMeshFileHash(const char *path)
{
  Fnv           f = {1469598103934665603ull};
  unsigned char buf[65536];
  size_t        n;
  FILE         *fp = fopen(path, "rb");
  if (!fp) return 0;
  while ((n = fread(buf, 1, sizeof buf, fp)) > 0) FnvBytes(&f, buf, n);
  fclose(fp);
  return f.h;
}

unsigned long long FtCaseDesignHash(const FtCase *c)
{
  Fnv f = {1469598103934665603ull};
  Add(&f, "ftwin design v1");
  Add(&f, "mesh %016llx scale %.17g order %d", (unsigned long long)FtMeshFileHash(c->mesh_file), c->mesh_scale, c->order);
  for (int m = 0; m < c->nmaterials; m++) {
    const FtCaseMaterial *M = &c->materials[m];
    Add(&f, "material %s E %.17g nu %.17g alpha %.17g k %.17g rho %.17g", M->region, M->E, M->nu, M->alpha, M->k, M->rho);
  }
  Add(&f, "T_ref %.17g", c->T_ref);
  for (int t = 0; t < c->nthermal; t++) {
    const FtThermalCase *T = &c->thermal[t];
    Add(&f, "thermal %s kind %d", T->name, T->kind);
    AddField(&f, "field", &T->field);
    for (int i = 0; i < T->nfixed; i++) Add(&f, "fixed %s %.17g", T->fixed[i].region, T->fixed[i].value);
    for (int i = 0; i < T->nflux; i++) Add(&f, "flux %s %.17g", T->flux[i].region, T->flux[i].value);
    for (int i = 0; i < T->nconvection; i++) Add(&f, "conv %s %.17g %.17g", T->convection[i].region, T->convection[i].h, T->convection[i].ambient);
    for (int i = 0; i < T->nsource; i++) Add(&f, "source %s %.17g", T->source[i].region, T->source[i].value);
  }
  for (int i = 0; i < c->nconstraints; i++) {
    const FtConstraint *K = &c->constraints[i];
    Add(&f, "constraint %s %d%d%d", K->region, K->comp[0], K->comp[1], K->comp[2]);
    for (int d = 0; d < 3; d++) AddField(&f, "value", &K->value[d]);
  }
  for (int l = 0; l < c->nloads; l++) {
    const FtLoadCase *L = &c->loads[l];
    Add(&f, "load %s thermal %d", L->name, L->thermal_case);
    for (int i = 0; i < L->nsurface; i++)
      Add(&f, "surface %s p %d %.17g t %.17g %.17g %.17g", L->surface[i].region, L->surface[i].is_pressure, L->surface[i].pressure,
          L->surface[i].traction[0], L->surface[i].traction[1], L->surface[i].traction[2]);
    if (L->has_gravity) Add(&f, "gravity %.17g %.17g %.17g", L->gravity[0], L->gravity[1], L->gravity[2]);
    if (L->has_rotation)
      Add(&f, "rotation %.17g %.17g %.17g %.17g %.17g %.17g %.17g", L->axis_point[0], L->axis_point[1], L->axis_point[2], L->axis[0], L->axis[1],
          L->axis[2], L->omega);
    if (L->has_body_force)
      for (int d = 0; d < 3; d++) AddField(&f, "body", &L->body_force[d]);
    for (int i = 0; i < L->nprescribed; i++) {
      Add(&f, "prescribed %s", L->prescribed[i].region);
      for (int d = 0; d < 3; d++) AddField(&f, "value", &L->prescribed[i].value[d]);
    }
  }
  for (int i = 0; i < c->sensors.nsensors; i++) {
    const FtSensor *S = &c->sensors.sensors[i];
    Add(&f, "sensor %s type %d x %.17g %.17g %.17g dir %.17g %.17g %.17g mech %d channel %d unit %s", S->id, S->type, S->x[0], S->x[1], S->x[2],
        S->dir[0], S->dir[1], S->dir[2], S->mechanical, S->channel, S->unit);
  }
  for (int j = 0; j < c->calibration.nparams; j++) {
    const FtCalParam *P = &c->calibration.params[j];
    Add(&f, "param %s kind %d region %s load %d prior %.17g", P->name, P->kind, P->region, P->load_case, P->prior);
  }
  for (int k = 0; k < c->fatigue.nchannels; k++) {
    const FtFatigueChannel *K = &c->fatigue.channels[k];
    Add(&f, "channel %s load %d scale %.17g offset %.17g", K->name, K->load_case, K->scale, K->offset);
  }
  return f.h;
}
