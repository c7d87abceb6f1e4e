#include "mesh/mesh.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mesh/gmsh_groups.h"
#include "util/log.h"

/* Labels PETSc makes itself; everything else on a gmsh-read DMPlex is a physical group name. */
static PetscBool IsInternalLabel(const char *name)
{
  const char *internal[] = {"depth", "celltype", "Cell Sets", "Face Sets", "Edge Sets", "Vertex Sets",
                            "marker", "ft_boundary"};
  for (size_t i = 0; i < sizeof internal / sizeof internal[0]; i++)
    if (!strcmp(name, internal[i])) return PETSC_TRUE;
  return PETSC_FALSE;
}

PetscErrorCode FtMeshRegionList(DM dm, char *buf, size_t len)
{
  PetscInt nl;
  size_t   used = 0;

  PetscFunctionBeginUser;
  buf[0] = 0;
  PetscCall(DMGetNumLabels(dm, &nl));
  for (PetscInt l = 0; l < nl; l++) {
    const char *name;
    PetscCall(DMGetLabelName(dm, l, &name));
    if (IsInternalLabel(name)) continue;
    int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", name);
    if (w < 0 || (size_t)w >= len - used) break;
    used += (size_t)w;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FtMeshRegionPoints(DM dm, const char *name, PetscInt *n, PetscInt **points)
{
  DMLabel         label;
  IS              valueIS;
  PetscInt        nv, total = 0, k = 0;
  const PetscInt *values;

  PetscFunctionBeginUser;
  *n      = 0;
  *points = NULL;
  PetscCall(DMGetLabel(dm, name, &label));
  if (!label) PetscFunctionReturn(0);
  PetscCall(DMLabelGetValueIS(label, &valueIS));
  PetscCall(ISGetLocalSize(valueIS, &nv));
  PetscCall(ISGetIndices(valueIS, &values));
  for (PetscInt v = 0; v < nv; v++) {
    PetscInt size;
    PetscCall(DMLabelGetStratumSize(label, values[v], &size));
    total += size;
  }
  PetscCall(PetscMalloc1(total, points));
  for (PetscInt v = 0; v < nv; v++) {
    IS              pointIS;
    PetscInt        size;
    const PetscInt *pts;
    PetscCall(DMLabelGetStratumIS(label, values[v], &pointIS));
    if (!pointIS) continue;
    PetscCall(ISGetLocalSize(pointIS, &size));
    PetscCall(ISGetIndices(pointIS, &pts));
    for (PetscInt i = 0; i < size; i++) (*points)[k++] = pts[i];
    PetscCall(ISRestoreIndices(pointIS, &pts));
    PetscCall(ISDestroy(&pointIS));
  }
  PetscCall(ISRestoreIndices(valueIS, &values));
  PetscCall(ISDestroy(&valueIS));
  PetscCall(PetscSortRemoveDupsInt(&k, *points));
  *n = k;
  PetscFunctionReturn(0);
}

PetscErrorCode FtMeshHasRegion(DM dm, const char *name, PetscBool *has)
{
  PetscInt n, *pts, total;

  PetscFunctionBeginUser;
  PetscCall(FtMeshRegionPoints(dm, name, &n, &pts));
  PetscCall(PetscFree(pts));
  PetscCallMPI(MPI_Allreduce(&n, &total, 1, MPIU_INT, MPI_SUM, PetscObjectComm((PetscObject)dm)));
  *has = total > 0 ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckRegion(DM dm, const FtCase *c, const char *what, const char *region, int line)
{
  PetscBool has;
  char      list[2048];

  PetscFunctionBeginUser;
  PetscCall(FtMeshHasRegion(dm, region, &has));
  if (!has) {
    PetscCall(FtMeshRegionList(dm, list, sizeof list));
    SETERRQ(PetscObjectComm((PetscObject)dm), PETSC_ERR_USER_INPUT,
            "%s:%d: %s: region '%s' is not in mesh %s (its regions: %s)", c->path, line, what, region,
            c->mesh_file, list[0] ? list : "none: the mesh has no physical groups");
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FtMeshLoad(MPI_Comm comm, const FtCase *c, DM *dmOut)
{
  DM             dm, dmDist = NULL;
  PetscMPIInt    rank, size;
  PetscInt       dim, cStart, cEnd, ncellsGlobal, ncellsLocal;
  PetscErrorCode ierr;
  int            readable = 1;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (rank == 0) {
    FILE *f = fopen(c->mesh_file, "r");
    if (!f) readable = -errno;
    else fclose(f);
  }
  PetscCallMPI(MPI_Bcast(&readable, 1, MPI_INT, 0, comm));
  PetscCheck(readable == 1, comm, PETSC_ERR_FILE_OPEN, "%s: mesh.file: cannot open mesh '%s': %s", c->path,
             c->mesh_file, strerror(-readable));

  /* Region labels named after the gmsh physical groups. */
  PetscCall(PetscOptionsSetValue(NULL, "-dm_plex_gmsh_use_regions", "true"));
  /* A malformed file makes PETSc's reader fail deep inside; report it as the file's fault. */
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = DMPlexCreateGmshFromFile(comm, c->mesh_file, PETSC_TRUE, &dm);
  PetscCall(PetscPopErrorHandler());
  PetscCheck(!ierr, comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: mesh.file: '%s' is not a readable gmsh mesh (.msh 2.2 or 4.1, ASCII or binary)", c->path,
             c->mesh_file);
  PetscCall(DMGetDimension(dm, &dim));
  PetscCheck(dim == 3, comm, PETSC_ERR_USER_INPUT,
             "%s: mesh.file: '%s' is a %" PetscInt_FMT "-D mesh; ftwin needs a 3-D tetrahedral mesh", c->path,
             c->mesh_file, dim);
  PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
  for (PetscInt cell = cStart; cell < cEnd; cell++) {
    DMPolytopeType ct;
    PetscCall(DMPlexGetCellType(dm, cell, &ct));
    PetscCheck(ct == DM_POLYTOPE_TETRAHEDRON, comm, PETSC_ERR_USER_INPUT,
               "%s: mesh.file: '%s' has a %s cell; ftwin supports linear tetrahedra only (P2 is built from them)",
               c->path, c->mesh_file, DMPolytopeTypes[ct]);
  }
  PetscCall(PetscObjectSetName((PetscObject)dm, "mesh"));
  PetscCall(FtMeshCheckDuplicateVertices(dm, c->path, c->mesh_file));
  PetscCall(FtGmshLabelLowerDimGroups(dm, c->mesh_file));

  if (size > 1) {
    PetscPartitioner part;
    PetscCall(DMPlexGetPartitioner(dm, &part));
    PetscCall(PetscPartitionerSetType(part, PETSCPARTITIONERPTSCOTCH));
    PetscCall(PetscPartitionerSetFromOptions(part));
    PetscCall(DMPlexDistribute(dm, 0, NULL, &dmDist));
    if (dmDist) {
      PetscCall(DMDestroy(&dm));
      dm = dmDist;
    }
  }
  PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
  ncellsLocal = cEnd - cStart;
  PetscCallMPI(MPI_Allreduce(&ncellsLocal, &ncellsGlobal, 1, MPIU_INT, MPI_SUM, comm));
  PetscCall(FtLogInfo("mesh %s: %" PetscInt_FMT " tetrahedra on %d rank%s", c->mesh_file, ncellsGlobal, size,
                      size > 1 ? "s" : ""));

  /* Every region the case names must exist. */
  for (int i = 0; i < c->nmaterials; i++) PetscCall(CheckRegion(dm, c, "materials", c->materials[i].region, c->materials[i].line));
  for (int t = 0; t < c->nthermal; t++) {
    const FtThermalCase *tc = &c->thermal[t];
    for (int i = 0; i < tc->nfixed; i++) PetscCall(CheckRegion(dm, c, "thermal.fixed_temperature", tc->fixed[i].region, tc->fixed[i].line));
    for (int i = 0; i < tc->nflux; i++) PetscCall(CheckRegion(dm, c, "thermal.heat_flux", tc->flux[i].region, tc->flux[i].line));
    for (int i = 0; i < tc->nconvection; i++) PetscCall(CheckRegion(dm, c, "thermal.convection", tc->convection[i].region, tc->convection[i].line));
    for (int i = 0; i < tc->nsource; i++) PetscCall(CheckRegion(dm, c, "thermal.heat_source", tc->source[i].region, tc->source[i].line));
  }
  for (int i = 0; i < c->nconstraints; i++) PetscCall(CheckRegion(dm, c, "mechanical.constraints", c->constraints[i].region, c->constraints[i].line));
  for (int l = 0; l < c->nloads; l++)
    for (int i = 0; i < c->loads[l].nsurface; i++)
      PetscCall(CheckRegion(dm, c, c->loads[l].surface[i].is_pressure ? "mechanical.load_cases.pressure" : "mechanical.load_cases.traction",
                            c->loads[l].surface[i].region, c->loads[l].surface[i].line));
  *dmOut = dm;
  PetscFunctionReturn(0);
}
