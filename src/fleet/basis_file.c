/* The design basis file (`ftwin basis`): the design's FE solves once, written in the `ftwin run`
 * layout plus /basis (io/layout.h), read back by every asset run instead of solving; and the
 * calibrated basis an asset's fatigue is counted on when it was solved here. */
#define _POSIX_C_SOURCE 200809L
#include "fleet/basis_file.h"

#include <hdf5.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "assim/model.h"
#include "io/format_version.h"
#include "io/case_load.h"
#include "io/h5util.h"
#include "io/layout.h"
#include "io/output.h"
#include "runtime/provenance.h"
#include "runtime/log.h"

/* /basis: what an asset run takes from the design's FE solves instead of solving (ftwin basis).
 *   attributes design_hash, mesh_hash (FtCaseDesignHash, FtMeshFileHash), parameters (names)
 *   theta_lin [np], delta [np]             the linearisation point and forward-difference steps
 *   response [ns][nl]                     sensor responses to the unit load cases at theta_lin (SI)
 *   response_sensitivity [np][ns*nl]      d response / d theta_j (0 for non-stiffness parameters)
 *   stress_sensitivity_<j>_<l> [nodes][6] d nodal stress of load case l / d theta_j (stiffness j)
 * The unit fields themselves are the usual /load_cases and /thermal groups of the same file. */
static PetscErrorCode WriteDesignBasisGroup(hid_t file, const char *path, void *ctx)
{
  FtCalibration *calib = ctx;
  const FtCase  *c     = calib->c;
  const FtSpace *s = calib->s;
  PetscMPIInt    rank;
  hid_t          g;
  char           hash[64], names[4096] = "";
  const hsize_t  np = (hsize_t)calib->np, nsl = (hsize_t)calib->ns * calib->nl;
  double        *sens, *buf;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(calib->comm, &rank));
  H5CHK(g = H5Gcreate2(file, FT_H5_BASIS, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), FT_H5_G_BASIS);
  PetscCall(FtFormatVersionWrite(g, path, FT_H5_BASIS_FORMAT));
  snprintf(hash, sizeof hash, "%016llx", calib->design_hash);
  PetscCall(FtH5AttrString(g, path, FT_H5_BASIS_DESIGN_HASH, hash));
  snprintf(hash, sizeof hash, "%016llx", FtMeshFileHash(c->mesh_file));
  PetscCall(FtH5AttrString(g, path, FT_H5_BASIS_MESH_HASH, hash));
  for (int j = 0; j < calib->np; j++) snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", j ? "," : "", c->calibration.params[j].name);
  PetscCall(FtH5AttrString(g, path, FT_H5_BASIS_PARAMETERS, names));
  PetscCall(FtH5AttrString(g, path, FT_H5_BASIS_METHOD, "forward differences, step 1e-3 theta_lin, one FE solve per stiffness parameter (src/assim/model.c)"));
  PetscCall(PetscCalloc2(np * nsl + 1, &sens, (size_t)6 * s->nowned + 1, &buf));
  for (int j = 0; j < calib->np; j++)
    if (FtCalParamIsStiff(c->calibration.params[j].kind))
      for (hsize_t q = 0; q < nsl; q++) sens[j * nsl + q] = (calib->pert[j].R[q] - calib->base.R[q]) / calib->delta[j];
  PetscCall(FtH5WriteRows(g, path, FT_H5_BASIS_THETA_LIN, H5T_NATIVE_DOUBLE, np, 0, 0, rank ? 0 : np, calib->theta_lin));
  PetscCall(FtH5WriteRows(g, path, FT_H5_BASIS_DELTA, H5T_NATIVE_DOUBLE, np, 0, 0, rank ? 0 : np, calib->delta));
  PetscCall(FtH5WriteRows(g, path, FT_H5_BASIS_RESPONSE, H5T_NATIVE_DOUBLE, (hsize_t)calib->ns, (hsize_t)calib->nl, 0, rank ? 0 : (hsize_t)calib->ns, calib->base.R));
  PetscCall(FtH5WriteRows(g, path, FT_H5_BASIS_RESPONSE_SENSITIVITY, H5T_NATIVE_DOUBLE, np, nsl, 0, rank ? 0 : np, sens));
  for (int j = 0; j < calib->np; j++) {
    if (!FtCalParamIsStiff(c->calibration.params[j].kind)) continue;
    for (int l = 0; l < calib->nl; l++) {
      char name[64];
      for (PetscInt q = 0; q < 6 * s->nowned; q++) buf[q] = (calib->pert[j].nst[l][q] - calib->base.nst[l][q]) / calib->delta[j];
      snprintf(name, sizeof name, FT_H5_BASIS_STRESS_SENSITIVITY, j, l);
      PetscCall(FtH5WriteRows(g, path, name, H5T_NATIVE_DOUBLE, (hsize_t)s->nglobal, 6, (hsize_t)s->ownedStart, (hsize_t)s->nowned, buf));
    }
  }
  PetscCall(PetscFree2(sens, buf));
  H5Gclose(g);
  PetscFunctionReturn(0);
}

/* A complete basis file at the linearisation point in calib->base (the `run` layout of its fields plus
 * /basis) to `path` (xdmf: also its XDMF), collective: `ftwin basis`, and an asset's own basis
 * after a re-solve. The case's output file and XDMF setting are restored afterwards. */
PetscErrorCode FtDesignBasisWriteFile(FtCalibration *calib, const char *path, int xdmf)
{
  FtCase   *c = calib->c;
  FtResults r;
  char      saved[FT_PATH_MAX];
  int       saved_xdmf = c->write_xdmf;

  PetscFunctionBeginUser;
  memset(&r, 0, sizeof r);
  r.T = calib->base.T; r.tinfo = calib->base.tinfo; r.u = calib->base.u; r.info = calib->base.info; r.node_stress = calib->base.nst; r.cell_stress = calib->base.cst;
  r.backend = calib->be->name; r.extra = WriteDesignBasisGroup; r.extra_ctx = calib;
  memcpy(saved, c->output_file, sizeof saved);
  if (path != c->output_file) snprintf(c->output_file, sizeof c->output_file, "%s", path);
  c->write_xdmf = xdmf;
  PetscCall(FtOutputWrite(calib->s, c, &r));
  memcpy(c->output_file, saved, sizeof saved);
  c->write_xdmf = saved_xdmf;
  PetscFunctionReturn(0);
}

/* Asset run from a design basis: the linearisation (responses and their sensitivities) from
 * `ftwin basis`, after checking that the basis was built from this case's design. */
PetscErrorCode FtDesignBasisRead(FtCalibration *calib, const char *path)
{
  const FtCase *c = calib->c;
  PetscMPIInt   rank;
  const int     np = calib->np, nsl = calib->ns * calib->nl;
  double       *sens;
  struct { int err; char msg[1024], hash[64]; } st;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(calib->comm, &rank));
  memset(&st, 0, sizeof st);
  PetscCall(PetscCalloc1((size_t)np * nsl + 1, &sens));
  PetscCall(PetscMalloc1((size_t)nsl + 1, &calib->base.R));
  if (rank == 0) {
    hid_t f = FtH5OpenQuiet(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) st.err = 1, snprintf(st.msg, sizeof st.msg, "cannot open the design basis '%s'", path);
    else if (H5Lexists(f, FT_H5_G_BASIS, H5P_DEFAULT) <= 0) st.err = 1, snprintf(st.msg, sizeof st.msg, "'%s' has no /basis group: make it with `ftwin basis`", path);
    else {
      hid_t g = H5Gopen2(f, FT_H5_G_BASIS, H5P_DEFAULT);
      st.err  = FtFormatVersionCheck(g, path, FT_H5_G_BASIS, FT_H5_BASIS_FORMAT, "run `ftwin basis` again", st.msg, sizeof st.msg);
      (void)FtH5ReadStringAttr(g, FT_H5_BASIS_DESIGN_HASH, st.hash, sizeof st.hash); /* rank 0 alone; checked after the broadcast */
      H5Gclose(g);
      if (!st.err && (FtH5ReadAllSerial(f, FT_H5_P_BASIS_THETA_LIN, calib->theta_lin, (hsize_t)np) || FtH5ReadAllSerial(f, FT_H5_P_BASIS_DELTA, calib->delta, (hsize_t)np) ||
                      FtH5ReadAllSerial(f, FT_H5_P_BASIS_RESPONSE, calib->base.R, (hsize_t)nsl) ||
                      FtH5ReadAllSerial(f, FT_H5_P_BASIS_RESPONSE_SENSITIVITY, sens, (hsize_t)np * nsl)))
        st.err = 1, snprintf(st.msg, sizeof st.msg, "'%s': /basis does not match this case's sensors, load cases and parameters (%d x %d x %d): "
                                                     "it was built for another design", path, calib->ns, calib->nl, np);
    }
    if (f >= 0) H5Fclose(f);
  }
  PetscCallMPI(MPI_Bcast(&st, (int)sizeof st, MPI_BYTE, 0, calib->comm));
  PetscCheck(!st.err, calib->comm, PETSC_ERR_USER_INPUT, "%s: --basis: %s", c->path, st.msg);
  {
    char mine[64];
    snprintf(mine, sizeof mine, "%016llx", FtCaseDesignHash(c));
    PetscCheck(!strcmp(mine, st.hash), calib->comm, PETSC_ERR_USER_INPUT,
               "%s: --basis '%s' was built from another design (design hash %s, this case's %s: mesh, materials, boundary conditions, "
               "load cases, sensor layout, parameters or channels differ); rebuild it with `ftwin basis`", c->path, path, st.hash, mine);
  }
  PetscCallMPI(MPI_Bcast(calib->theta_lin, np, MPI_DOUBLE, 0, calib->comm));
  PetscCallMPI(MPI_Bcast(calib->delta, np, MPI_DOUBLE, 0, calib->comm));
  PetscCallMPI(MPI_Bcast(calib->base.R, nsl, MPI_DOUBLE, 0, calib->comm));
  PetscCallMPI(MPI_Bcast(sens, np * nsl, MPI_DOUBLE, 0, calib->comm));
  for (int j = 0; j < np; j++) {
    if (!FtCalParamIsStiff(c->calibration.params[j].kind)) continue;
    PetscCall(PetscMalloc1((size_t)nsl + 1, &calib->pert[j].R));
    for (int q = 0; q < nsl; q++) calib->pert[j].R[q] = calib->base.R[q] + calib->delta[j] * sens[j * nsl + q];
  }
  PetscCall(PetscFree(sens));
  calib->design_basis = path;
  PetscCall(FtProvenanceInput(calib->comm, "design_basis", path));
  PetscCall(FtProvenanceInput(calib->comm, "mesh", c->mesh_file)); /* read for the design hash */
  PetscCall(FtLogInfo("design basis %s: design hash %s matches; linearisation point and sensitivities taken from it (no FE solve)", path, st.hash));
  PetscFunctionReturn(0);
}

/* The calibrated basis of `ftwin calibrate` (FE solves here, no design basis): the unit fields
 * linearised at theta with the load scales applied,
 *     X(theta) = g_l(theta) (X_lin + sum_j w_j (X_j - X_lin)),  w_j = (theta_j - theta_lin,j) / delta_j,
 * for temperatures (without g), displacements and node and cell stresses, in the `ftwin run`
 * layout to `path` (the fatigue stage's basis). The case's values written are the calibrated ones. */
PetscErrorCode FtCalibratedBasisWrite(FtCalibration *calib, const double *theta, const char *path)
{
  FtCase        *c = calib->c;
  const FtSpace *s = calib->s;
  double        *one, **nst, **cst;
  FtResults      r;
  Vec           *T, *u;
  char           saved[FT_PATH_MAX];
  int            saved_xdmf = c->write_xdmf;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(calib->np + 1, &one));
  PetscCall(PetscCalloc2(calib->nth + 1, &T, calib->nl + 1, &u));
  PetscCall(PetscCalloc2(calib->nl + 1, &nst, calib->nl + 1, &cst));
  for (int t = 0; t < calib->nth; t++) {
    PetscCall(VecDuplicate(calib->base.T[t], &T[t]));
    PetscCall(VecCopy(calib->base.T[t], T[t]));
    for (int j = 0; j < calib->np; j++) {
      const double w = FtModelLinWeight(calib, theta, j);
      if (w == 0.0) continue;
      PetscCall(VecAXPY(T[t], w, calib->pert[j].T[t]));
      PetscCall(VecAXPY(T[t], -w, calib->base.T[t]));
    }
  }
  for (int l = 0; l < calib->nl; l++) {
    const double g = FtModelLoadGain(calib, theta, l);
    PetscCall(VecDuplicate(calib->base.u[l], &u[l]));
    PetscCall(VecCopy(calib->base.u[l], u[l]));
    PetscCall(PetscMalloc2((size_t)6 * s->nowned + 1, &nst[l], (size_t)6 * s->ncells + 1, &cst[l]));
    memcpy(nst[l], calib->base.nst[l], sizeof(double) * 6 * s->nowned);
    memcpy(cst[l], calib->base.cst[l], sizeof(double) * 6 * s->ncells);
    for (int j = 0; j < calib->np; j++) {
      const double w = FtModelLinWeight(calib, theta, j);
      if (w == 0.0) continue;
      PetscCall(VecAXPY(u[l], w, calib->pert[j].u[l]));
      PetscCall(VecAXPY(u[l], -w, calib->base.u[l]));
      for (PetscInt q = 0; q < 6 * s->nowned; q++) nst[l][q] += w * (calib->pert[j].nst[l][q] - calib->base.nst[l][q]);
      for (PetscInt q = 0; q < 6 * s->ncells; q++) cst[l][q] += w * (calib->pert[j].cst[l][q] - calib->base.cst[l][q]);
    }
    PetscCall(VecScale(u[l], g));
    for (PetscInt q = 0; q < 6 * s->nowned; q++) nst[l][q] *= g;
    for (PetscInt q = 0; q < 6 * s->ncells; q++) cst[l][q] *= g;
  }
  r.T = T; r.tinfo = calib->base.tinfo; r.u = u; r.info = calib->base.info; r.node_stress = nst; r.cell_stress = cst; r.backend = calib->be->name;
  r.extra = NULL; r.extra_ctx = NULL;
  FtModelApplyParams(calib, theta); /* the case text is stored as given; the material values written are the calibrated ones */
  memcpy(saved, c->output_file, sizeof saved);
  snprintf(c->output_file, sizeof c->output_file, "%s", path);
  c->write_xdmf = 0;
  PetscCall(FtOutputWrite(s, c, &r));
  memcpy(c->output_file, saved, sizeof saved);
  c->write_xdmf = saved_xdmf;
  for (int j = 0; j < calib->np; j++) one[j] = 1.0;
  FtModelApplyParams(calib, one);
  for (int t = 0; t < calib->nth; t++) PetscCall(VecDestroy(&T[t]));
  for (int l = 0; l < calib->nl; l++) {
    PetscCall(VecDestroy(&u[l]));
    PetscCall(PetscFree2(nst[l], cst[l]));
  }
  PetscCall(PetscFree2(T, u));
  PetscCall(PetscFree2(nst, cst));
  PetscCall(PetscFree(one));
  PetscCall(FtLogInfo("calibrated basis written: %s", path));
  PetscFunctionReturn(0);
}

PetscErrorCode FtBasisRun(MPI_Comm comm, const FtAssetOptions *opt)
{
  FtCase    c;
  DM        dm = NULL;
  FtSpace   s;
  FtCalibration calib;
  double    t0 = FtWallTime();

  PetscFunctionBeginUser;
  memset(&calib, 0, sizeof calib);
  PetscCall(FtCaseLoadCollective(comm, opt->case_path, &c));
  if (opt->output) snprintf(c.output_file, sizeof c.output_file, "%s", opt->output);
  if (opt->reuse_basis) { /* --reuse: an existing basis of this very design is kept (no solve) */
    char have[64] = "", mine[64];
    snprintf(mine, sizeof mine, "%016llx", FtCaseDesignHash(&c));
    if (access(c.output_file, F_OK) == 0) {
      PetscMPIInt rank;
      PetscCallMPI(MPI_Comm_rank(comm, &rank));
      if (rank == 0) { /* a basis of an older format is built again */
        hid_t f = FtH5OpenQuiet(c.output_file, H5F_ACC_RDONLY, H5P_DEFAULT), g;
        char  msg[1024];
        if (f >= 0) {
          if (H5Lexists(f, FT_H5_G_BASIS, H5P_DEFAULT) > 0 && (g = H5Gopen2(f, FT_H5_G_BASIS, H5P_DEFAULT)) >= 0) {
            if (!FtFormatVersionCheck(g, c.output_file, FT_H5_G_BASIS, FT_H5_BASIS_FORMAT, "", msg, sizeof msg))
              (void)FtH5ReadStringAttr(g, FT_H5_BASIS_DESIGN_HASH, have, sizeof have);
            H5Gclose(g);
          }
          H5Fclose(f);
        }
      }
      PetscCallMPI(MPI_Bcast(have, sizeof have, MPI_CHAR, 0, comm));
    }
    if (!strcmp(have, mine)) {
      PetscCall(FtLogInfo("design basis %s: design hash %s matches this case: kept (--reuse), no FE solve", c.output_file, mine));
      FtCaseFree(&c);
      PetscFunctionReturn(0);
    }
    PetscCall(FtLogInfo("design basis %s: %s: building it", c.output_file, have[0] ? "made from another design" : "none of this design and format yet"));
  }
  PetscCall(FtOutputCheckWritable(comm, &c));
  calib.comm = comm;
  calib.c    = &c;
  calib.ns   = c.sensors.enabled ? c.sensors.nsensors : 0;
  calib.nl   = c.nloads;
  calib.nk   = c.fatigue.nchannels;
  calib.np   = c.calibration.enabled ? c.calibration.nparams : 0;
  calib.nth  = c.nthermal;
  calib.design_hash = FtCaseDesignHash(&c);
  PetscCall(FtBackendSelect(opt->backend, &calib.be));
  PetscCall(FtModelSetUp(&calib, &dm, &s));
  PetscCall(FtModelNominalValues(&calib));
  PetscCall(PetscCalloc3(calib.np + 1, &calib.pert, calib.np + 1, &calib.delta, calib.np + 1, &calib.theta_lin));
  for (int j = 0; j < calib.np; j++) calib.theta_lin[j] = c.calibration.params[j].prior;
  PetscCall(FtModelLinearise(&calib));
  PetscCall(FtDesignBasisWriteFile(&calib, c.output_file, c.write_xdmf));
  PetscCall(FtLogInfo("design basis %s: %d FE solve%s (%.2f s), %d sensor%s x %d load case%s, %d parameter%s; design hash %016llx (%.2f s in all)",
                      c.output_file, calib.nsolves, calib.nsolves == 1 ? "" : "s", calib.t_fe, calib.ns, calib.ns == 1 ? "" : "s", calib.nl, calib.nl == 1 ? "" : "s", calib.np,
                      calib.np == 1 ? "" : "s", FtCaseDesignHash(&c), FtWallTime() - t0));
  PetscCall(FtModelSolveFree(&calib, &calib.base));
  for (int j = 0; j < calib.np; j++) PetscCall(FtModelSolveFree(&calib, &calib.pert[j]));
  PetscCall(PetscFree3(calib.pert, calib.delta, calib.theta_lin));
  PetscCall(PetscFree3(calib.E0, calib.alpha0, calib.h0));
  PetscCall(FtSensorLocationFree(&calib.loc));
  PetscCall(FtSpaceDestroy(&s));
  PetscCall(DMDestroy(&dm));
  FtCaseFree(&c);
  PetscFunctionReturn(0);
}
