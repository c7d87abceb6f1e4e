/* The case's fatigue settings (case.h) as the kernels' fatigue parameters (kernels/ft_sn.h): see
 * fatigue_params.h.
 */
#include "case/fatigue_params.h"

#include <string.h>

int FtFatigueParamsFromCase(const FtFatigueCase *f, FtFatigueParams *p)
{
  const FtFatigueMaterial *m = &f->material;
  memset(p, 0, sizeof *p);
  switch (m->sn_kind) {
  case FT_SN_BASQUIN: ft_sn_init_basquin(&p->sn, m->S_ref, m->N_ref, m->m, m->S_e); break;
  case FT_SN_KNEE: ft_sn_init_knee(&p->sn, m->S_ref, m->N_ref, m->m, m->S_knee, m->m2, m->haibach, m->S_e); break;
  case FT_SN_TABLE:
    ft_sn_init_table(&p->sn, m->npts, m->tab_S, m->tab_N);
    p->sn.S_e = m->S_e;
    break;
  default:
    ft_sn_init(&p->sn);
    p->sn.kind = m->sn_kind;
    break;
  }
  for (int i = 0; i < 6; i++) p->sn.marin[i] = m->marin[i];
  p->msc          = f->mean_stress;
  p->mean_compr   = f->mean_compressive;
  p->S_u          = m->S_u;
  p->S_y          = m->S_y;
  p->sigma_f      = m->sigma_f;
  p->walker_gamma = m->walker_gamma;
  ft_fatigue_prepare(p); /* per-material damage constants (kernels/ft_sn.h) */
  return ft_fatigue_validate(p);
}

