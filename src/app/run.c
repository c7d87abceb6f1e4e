#include "app/run.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/case.h"
#include "fem/space.h"
#include "ft_elasticity.h"
#include "io/output.h"
#include "mesh/mesh.h"
#include "physics/physics.h"
#include "runtime/backend.h"
#include "io/case_load.h"
#include "runtime/log.h"


/* Largest nodal von Mises stress of a load case and where it is. */
static PetscErrorCode ReportPeak(const FtSpace *s, const FtCase *c, int l, const double *ns)
{
  struct { double v; int r; } loc = {-1, 0}, glob;
  double      x[3] = {0, 0, 0};
  PetscMPIInt rank;
  PetscInt    imax = -1;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PetscObjectComm((PetscObject)s->dm), &rank));
  for (PetscInt i = 0; i < s->nowned; i++) {
    double vm = ft_von_mises(&ns[6 * i]);
    if (vm > loc.v) { loc.v = vm; imax = i; }
  }
  loc.r = rank;
  PetscCallMPI(MPI_Allreduce(&loc, &glob, 1, MPI_DOUBLE_INT, MPI_MAXLOC, PetscObjectComm((PetscObject)s->dm)));
  if (rank == glob.r && imax >= 0) {
    PetscInt k = 0;
    for (PetscInt n = 0; n < s->nnodes; n++)
      if (s->node_owned[n] && k++ == imax) memcpy(x, &s->node_x[3 * n], sizeof x);
  }
  PetscCallMPI(MPI_Bcast(x, 3, MPI_DOUBLE, glob.r, PetscObjectComm((PetscObject)s->dm)));
  PetscCall(FtLogInfo("load case '%s': peak nodal von Mises %.4g MPa at (%.4g, %.4g, %.4g) m", c->loads[l].name, glob.v / 1e6, x[0], x[1], x[2]));
  PetscFunctionReturn(0);
}

PetscErrorCode FtRun(MPI_Comm comm, const FtRunOptions *opt)
{
  FtCase           c;
  DM               dm;
  FtSpace          s;
  const FtBackend *be;
  FtResults        r;
  FtSolveInfo     *tinfo, *info;
  Vec             *T, *u;
  double         **ns, **cs;

  PetscFunctionBeginUser;
  PetscCall(FtCaseLoadCollective(comm, opt->case_path, &c));
  if (opt->output) snprintf(c.output_file, sizeof c.output_file, "%s", opt->output);
  PetscCall(FtLogInfo("case %s ('%s'): %d material%s, %d thermal case%s, %d load case%s, P%d", c.path, c.name, c.nmaterials,
                      c.nmaterials == 1 ? "" : "s", c.nthermal, c.nthermal == 1 ? "" : "s", c.nloads, c.nloads == 1 ? "" : "s", c.order));
  PetscCall(FtOutputCheckWritable(comm, &c));
  PetscCall(FtBackendSelect(opt->backend, &be));
  PetscCall(PetscLogEventBegin(FT_EV_MESH, 0, 0, 0, 0));
  PetscCall(FtMeshLoad(comm, &c, &dm));
  PetscCall(PetscLogEventEnd(FT_EV_MESH, 0, 0, 0, 0));
  PetscCall(PetscLogEventBegin(FT_EV_SPACE, 0, 0, 0, 0));
  PetscCall(FtSpaceCreate(dm, &c, &s));
  PetscCall(PetscLogEventEnd(FT_EV_SPACE, 0, 0, 0, 0));
  PetscCall(FtLogInfo("P%d space: %" PetscInt_FMT " nodes, %" PetscInt_FMT " displacement dofs", s.order, s.nglobal, 3 * s.nglobal));

  PetscCall(PetscCalloc2(c.nthermal + 1, &T, c.nthermal + 1, &tinfo));
  PetscCall(PetscLogEventBegin(FT_EV_THERMAL, 0, 0, 0, 0));
  for (int t = 0; t < c.nthermal; t++) PetscCall(FtThermalSolve(&s, &c, be, t, &T[t], &tinfo[t]));
  PetscCall(PetscLogEventEnd(FT_EV_THERMAL, 0, 0, 0, 0));

  PetscCall(PetscCalloc4(c.nloads, &u, c.nloads, &info, c.nloads, &ns, c.nloads, &cs));
  PetscCall(PetscLogEventBegin(FT_EV_SOLVE, 0, 0, 0, 0));
  PetscCall(FtElasticitySolve(&s, &c, be, T, u, info));
  PetscCall(PetscLogEventEnd(FT_EV_SOLVE, 0, 0, 0, 0));
  for (int l = 0; l < c.nloads; l++) {
    PetscCall(PetscMalloc2((size_t)6 * s.nowned + 1, &ns[l], (size_t)6 * s.ncells + 1, &cs[l]));
    PetscCall(FtStressRecover(&s, &c, be, u[l], c.loads[l].thermal_case >= 0 ? T[c.loads[l].thermal_case] : NULL, ns[l], cs[l]));
    PetscCall(ReportPeak(&s, &c, l, ns[l]));
  }
  r.T = T; r.tinfo = tinfo; r.u = u; r.info = info; r.node_stress = ns; r.cell_stress = cs; r.backend = be->name;
  r.extra = NULL; r.extra_ctx = NULL;
  PetscCall(FtOutputWrite(&s, &c, &r));

  for (int l = 0; l < c.nloads; l++) {
    PetscCall(VecDestroy(&u[l]));
    PetscCall(PetscFree2(ns[l], cs[l]));
  }
  for (int t = 0; t < c.nthermal; t++) PetscCall(VecDestroy(&T[t]));
  PetscCall(PetscFree4(u, info, ns, cs));
  PetscCall(PetscFree2(T, tinfo));
  PetscCall(FtSpaceDestroy(&s));
  PetscCall(DMDestroy(&dm));
  FtCaseFree(&c);
  PetscFunctionReturn(0);
}
