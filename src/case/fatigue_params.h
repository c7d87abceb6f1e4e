/* The bridge from the case's fatigue settings (case.h, no kernel dependency) to the kernels'
 * fatigue parameters (kernels/ft_sn.h). Used by the case parser (to double-check a parsed
 * material) and by the fatigue driver (to build the parameters it hands to the kernels).
 *
 * Needs both src/case and kernels on the include path.
 */
#ifndef FT_FATIGUE_PARAMS_H
#define FT_FATIGUE_PARAMS_H

#include "case/case.h"
#include "ft_sn.h"

/* Fills *p from f->material (S-N curve, Marin factors, S_u, S_y, sigma_f', walker gamma),
 * f->mean_stress (FT_MSC_*) and f->mean_compressive (FT_MEAN_COMPR_*). Returns
 * ft_fatigue_validate(p): FT_FAT_OK (0) when the parameters are usable, else an FT_SN_ERR_* /
 * FT_FAT_ERR_* code (ft_fatigue_error_message in kernels/cpu/ft_cpu_fatigue.c gives the text).
 * A case accepted by FtCaseLoad / FtCaseParse always gives FT_FAT_OK. */
int FtFatigueParamsFromCase(const FtFatigueCase *f, FtFatigueParams *p);

#endif
