/* The case checks before a fatigue run, and the settings line a counting state depends on. */
#include <stdio.h>
#include <string.h>

#include "fatigue/engine.h"
#include "io/h5util.h"

static const char *EquivalentName(int eq)
{
  switch (ft_eq_base(eq)) {
  case FT_EQ_SIGNED_VON_MISES: return "signed von Mises (sign of the largest-magnitude principal stress)";
  case FT_EQ_MAX_ABS_PRINCIPAL: return "largest-magnitude principal stress";
  case FT_EQ_CRITICAL_PLANE: return "normal stress on the critical plane";
  default: return "?";
  }
}

static const char *MeanStressName(int msc)
{
  const char *names[] = {"none", "Goodman", "Gerber", "Soderberg", "Smith-Watson-Topper", "Morrow", "Walker"};
  return msc >= 0 && msc <= 6 ? names[msc] : "?";
}

PetscErrorCode FtFatigueCheckCase(MPI_Comm comm, const FtCase *c, const char *basis, const char *output, FtFatigueParams *par)
{
  const FtFatigueCase *f = &c->fatigue;

  PetscFunctionBeginUser;
  PetscCheck(f->enabled, comm, PETSC_ERR_USER_INPUT, "%s: no fatigue section: `ftwin fatigue` needs one (inputs/CASE_FORMAT.md)", c->path);
  PetscCheck(!output || (strcmp(output, basis) && strcmp(output, c->output_file)), comm, PETSC_ERR_USER_INPUT,
             "%s: fatigue output '%s' would overwrite the basis (the finite-element results): choose another file", c->path, output);
  PetscCheck(f->nchannels <= FT_FATIGUE_MAX_CHANNELS, comm, PETSC_ERR_USER_INPUT, "%s:%d: fatigue.channels: %d channels, at most %d",
             c->path, f->line, f->nchannels, FT_FATIGUE_MAX_CHANNELS);
  PetscCheck(!FtFatigueParamsFromCase(f, par), comm, PETSC_ERR_USER_INPUT, "%s: fatigue.material: invalid fatigue parameters", c->path);
  if (output) PetscCall(FtCheckWritable(comm, c->path, "fatigue.output", output));
  PetscFunctionReturn(0);
}

/* Material, S-N curve, Marin product, mean stress, equivalent stress, gate, prior damage,
 * superposition, then each channel: its load case, scale and offset. */
void FtFatigueSettingsLine(const FtCase *c, const FtFatigueParams *par, int eq, char *settings, size_t cap)
{
  const FtFatigueCase *f    = &c->fatigue;
  size_t               used = 0;
  char                 planes[64] = "";
  /* the plane set of the critical plane: the default (25, cubic) keeps the line of states
     written before the set became a setting, any other count names it, so a state counted
     with one set is refused by a run with another (with the `signals` attribute) */
  if (ft_eq_base(eq) == FT_EQ_CRITICAL_PLANE && ft_eq_planes(eq) != FT_CP_NPLANES)
    snprintf(planes, sizeof planes, " (%d planes, Fibonacci set)", ft_eq_planes(eq));
  used += (size_t)snprintf(settings + used, cap - used,
                           "material %s (%s); S-N kind %d, S_ref %g Pa, N_ref %g, m %g, S_e %g Pa; Marin product %g; "
                           "mean stress %s; equivalent stress %s%s; gate %g Pa; prior damage %g; superposition %s; channels:",
                           f->material.name, f->material.source, f->material.sn_kind, f->material.S_ref, f->material.N_ref, f->material.m,
                           f->material.S_e, ft_sn_marin(&par->sn), MeanStressName(f->mean_stress), EquivalentName(eq), planes, f->gate,
                           f->prior_damage,
                           f->superposition ? (f->single_precision ? "gemm (BLAS, single precision)" : "gemm (BLAS, double)") : "fused (double)");
  for (int k = 0; k < f->nchannels && used < cap; k++)
    used += (size_t)snprintf(settings + used, cap - used, " %s -> %s x %g (offset %g)", f->channels[k].name,
                             c->loads[f->channels[k].load_case].name, f->channels[k].scale, f->channels[k].offset);
}

int FtFatigueSettings(const FtCase *c, char *settings, size_t cap)
{
  FtFatigueParams par;
  settings[0] = 0;
  if (FtFatigueParamsFromCase(&c->fatigue, &par)) return 1;
  FtFatigueSettingsLine(c, &par, c->fatigue.equivalent, settings, cap);
  return 0;
}
