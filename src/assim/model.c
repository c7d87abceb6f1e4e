/* The linearised model (assim/model.h; docs/calibration.md, "Sensor model", "Linearisation"). */
#include "assim/model.h"

#include <string.h>

#include "mesh/mesh.h"
#include "runtime/log.h"

/* ---- model at theta: case values, FE solve, sensitivities ------------------------------------ */

/* Sets E, alpha and h of the case to nominal x the product of the matching parameters. */
void FtModelApplyParams(FtCalibration *calib, const double *theta)
{
  FtCase *c = calib->c;
  int     e = 0;
  for (int m = 0; m < c->nmaterials; m++) {
    double fE = 1, fa = 1;
    for (int j = 0; j < calib->np; j++) {
      const FtCalParam *p = &c->calibration.params[j];
      if (p->region[0] && strcmp(p->region, c->materials[m].region)) continue;
      if (p->kind == FT_PARAM_MODULUS) fE *= theta[j];
      if (p->kind == FT_PARAM_EXPANSION) fa *= theta[j];
    }
    c->materials[m].E     = calib->E0[m] * fE;
    c->materials[m].alpha = calib->alpha0[m] * fa;
  }
  for (int t = 0; t < c->nthermal; t++)
    for (int q = 0; q < c->thermal[t].nconvection; q++, e++) {
      double fh = 1;
      for (int j = 0; j < calib->np; j++) {
        const FtCalParam *p = &c->calibration.params[j];
        if (p->kind == FT_PARAM_CONVECTION && (!p->region[0] || !strcmp(p->region, c->thermal[t].convection[q].region))) fh *= theta[j];
      }
      c->thermal[t].convection[q].h = calib->h0[e] * fh;
    }
}

PetscErrorCode FtModelSolveFree(FtCalibration *calib, FtModelSolve *solve)
{
  PetscFunctionBeginUser;
  if (!solve->R) PetscFunctionReturn(0);
  if (solve->T) { /* a solve with fields (an R-only one comes from a basis file) */
    for (int t = 0; t < calib->nth; t++) PetscCall(VecDestroy(&solve->T[t]));
    for (int l = 0; l < calib->nl; l++) {
      PetscCall(VecDestroy(&solve->u[l]));
      PetscCall(PetscFree2(solve->nst[l], solve->cst[l]));
    }
    PetscCall(PetscFree2(solve->T, solve->tinfo));
    PetscCall(PetscFree4(solve->u, solve->info, solve->nst, solve->cst));
  }
  PetscCall(PetscFree(solve->R));
  memset(solve, 0, sizeof *solve);
  PetscFunctionReturn(0);
}

/* Thermal cases, elasticity (all load cases), stresses and sensor responses at theta. */
PetscErrorCode FtModelSolveAt(FtCalibration *calib, const double *theta, FtModelSolve *solve)
{
  FtCase *c = calib->c;
  double *one;

  const double t0 = FtWallTime();

  PetscFunctionBeginUser;
  FtModelApplyParams(calib, theta);
  PetscCall(PetscCalloc2(calib->nth + 1, &solve->T, calib->nth + 1, &solve->tinfo));
  for (int t = 0; t < calib->nth; t++) PetscCall(FtThermalSolve(calib->s, c, calib->be, t, &solve->T[t], &solve->tinfo[t]));
  PetscCall(PetscCalloc4(calib->nl, &solve->u, calib->nl, &solve->info, calib->nl, &solve->nst, calib->nl, &solve->cst));
  PetscCall(FtElasticitySolve(calib->s, c, calib->be, solve->T, solve->u, solve->info));
  for (int l = 0; l < calib->nl; l++) {
    PetscCall(PetscMalloc2((size_t)6 * calib->s->nowned + 1, &solve->nst[l], (size_t)6 * calib->s->ncells + 1, &solve->cst[l]));
    PetscCall(FtStressRecover(calib->s, c, calib->be, solve->u[l], c->loads[l].thermal_case >= 0 ? solve->T[c->loads[l].thermal_case] : NULL, solve->nst[l],
                              solve->cst[l]));
  }
  PetscCall(PetscMalloc1((size_t)calib->ns * calib->nl + 1, &solve->R));
  if (calib->ns) PetscCall(FtSensorsObserve(calib->s, c, &calib->loc, solve->T, solve->u, solve->R));
  /* back to the nominal values */
  PetscCall(PetscMalloc1(calib->np + 1, &one));
  for (int j = 0; j < calib->np; j++) one[j] = 1.0;
  FtModelApplyParams(calib, one);
  PetscCall(PetscFree(one));
  calib->nsolves++;
  calib->t_fe += FtWallTime() - t0;
  PetscFunctionReturn(0);
}

/* The linearisation at theta_lin: the base solve and one per stiffness parameter. */
PetscErrorCode FtModelLinearise(FtCalibration *calib)
{
  double *th;

  PetscFunctionBeginUser;
  PetscCall(FtModelSolveFree(calib, &calib->base));
  for (int j = 0; j < calib->np; j++) PetscCall(FtModelSolveFree(calib, &calib->pert[j]));
  PetscCall(FtLogInfo("calibration: FE solve %d at the linearisation point", calib->nsolves + 1));
  PetscCall(FtModelSolveAt(calib, calib->theta_lin, &calib->base));
  PetscCall(PetscMalloc1(calib->np + 1, &th));
  for (int j = 0; j < calib->np; j++) {
    if (!FtCalParamIsStiff(calib->c->calibration.params[j].kind)) continue;
    memcpy(th, calib->theta_lin, sizeof(double) * calib->np);
    calib->delta[j] = FT_CAL_FD_STEP * calib->theta_lin[j];
    th[j] += calib->delta[j];
    PetscCall(FtLogInfo("calibration: sensitivity to %s (FE solve %d)", calib->c->calibration.params[j].name, calib->nsolves + 1));
    PetscCall(FtModelSolveAt(calib, th, &calib->pert[j]));
  }
  PetscCall(PetscFree(th));
  PetscFunctionReturn(0);
}

/* First-order weight of the sensitivity of parameter j at theta: (theta_j - theta_lin,j) / delta_j
 * for stiffness parameters, 0 otherwise. */
double FtModelLinWeight(const FtCalibration *calib, const double *theta, int j)
{
  if (!FtCalParamIsStiff(calib->c->calibration.params[j].kind)) return 0.0;
  return (theta[j] - calib->theta_lin[j]) / calib->delta[j];
}

/* g_l(theta): product of the load-scale parameters of load case l. */
double FtModelLoadGain(const FtCalibration *calib, const double *theta, int l)
{
  double g = 1;
  for (int j = 0; j < calib->np; j++)
    if (calib->c->calibration.params[j].kind == FT_PARAM_LOAD_SCALE && calib->c->calibration.params[j].load_case == l) g *= theta[j];
  return g;
}

/* G [ns][nk] and b [ns] of the sensor model at theta (docs/calibration.md). */
void FtModelGb(const FtCalibration *calib, const double *theta, double *G, double *b)
{
  const FtCase *c = calib->c;
  for (int i = 0; i < calib->ns; i++) {
    const FtSensor *sn = &c->sensors.sensors[i];
    b[i]               = 0;
    for (int k = 0; k < calib->nk; k++) G[i * calib->nk + k] = 0;
    if (sn->type == FT_SENSOR_LOAD) {
      G[i * calib->nk + sn->channel] = 1.0;
      continue;
    }
    for (int k = 0; k < calib->nk; k++) {
      const FtFatigueChannel *ch = &c->fatigue.channels[k];
      const int               l  = ch->load_case;
      double                  R  = calib->base.R[i * calib->nl + l];
      for (int j = 0; j < calib->np; j++) {
        const double w = FtModelLinWeight(calib, theta, j);
        if (w != 0.0) R += w * (calib->pert[j].R[i * calib->nl + l] - calib->base.R[i * calib->nl + l]);
      }
      G[i * calib->nk + k] = FtModelLoadGain(calib, theta, l) * R * ch->scale / sn->to_si;
    }
    b[i] = ((sn->type == FT_SENSOR_TEMPERATURE ? c->T_ref : 0.0) - sn->si_offset) / sn->to_si;
    for (int k = 0; k < calib->nk; k++) b[i] -= G[i * calib->nk + k] * c->fatigue.channels[k].offset;
  }
}

/* Mesh, space and sensor locations (for the FE solves). */
PetscErrorCode FtModelSetUp(FtCalibration *calib, DM *dm, FtSpace *s)
{
  PetscFunctionBeginUser;
  PetscCall(FtMeshLoad(calib->comm, calib->c, dm));
  PetscCall(FtSpaceCreate(*dm, calib->c, s));
  calib->s = s;
  PetscCall(FtLogInfo("P%d space: %" PetscInt_FMT " nodes", s->order, s->nglobal));
  if (calib->ns) PetscCall(FtSensorsLocate(s, calib->c, &calib->loc));
  calib->have_fe = 1;
  PetscFunctionReturn(0);
}

/* Nominal E, alpha, h that the parameters multiply. */
PetscErrorCode FtModelNominalValues(FtCalibration *calib)
{
  FtCase *c = calib->c;

  PetscFunctionBeginUser;
  calib->nh = 0;
  for (int t = 0; t < c->nthermal; t++) calib->nh += c->thermal[t].nconvection;
  PetscCall(PetscMalloc3(c->nmaterials + 1, &calib->E0, c->nmaterials + 1, &calib->alpha0, calib->nh + 1, &calib->h0));
  for (int m = 0; m < c->nmaterials; m++) {
    calib->E0[m]     = c->materials[m].E;
    calib->alpha0[m] = c->materials[m].alpha;
  }
  for (int t = 0, e = 0; t < c->nthermal; t++)
    for (int q = 0; q < c->thermal[t].nconvection; q++) calib->h0[e++] = c->thermal[t].convection[q].h;
  PetscFunctionReturn(0);
}

