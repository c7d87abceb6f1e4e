/* The CUDA fatigue engine in a build without CUDA (-DFTWIN_CUDA=OFF): every entry says so
 * (FT_BATCH_ENODEV, "this ftwin was built without CUDA"). The backend table never selects the
 * cuda backend in such a build (FtBackendSelect refuses it), so these only answer a direct
 * call. */
#include <stdio.h>

#include "ft_cuda_fatigue.h"

static const char ft_no_cuda_msg[] = "this ftwin was built without CUDA";

static int no_cuda(char *err, size_t errlen)
{
    if (err && errlen) snprintf(err, errlen, "%s", ft_no_cuda_msg);
    return FT_BATCH_ENODEV;
}

int ft_cuda_fatigue_open(int nnodes, int ld, int nchan, const double *S, int eq_kind,
                         const FtFatigueParams *par, int fast, FtRainflowState *rf,
                         FtRfSpill *spill, FtDamageAcc *acc, FtCudaFatigue **session,
                         char *err, size_t errlen)
{
    (void)nnodes, (void)ld, (void)nchan, (void)S, (void)eq_kind, (void)par, (void)fast;
    (void)rf, (void)spill, (void)acc;
    if (session) *session = NULL;
    return no_cuda(err, errlen);
}

int ft_cuda_fatigue_chunk(FtCudaFatigue *s, int nsteps, const double *L, char *err, size_t errlen)
{
    (void)s, (void)nsteps, (void)L;
    return no_cuda(err, errlen);
}

int ft_cuda_fatigue_sync(FtCudaFatigue *s, char *err, size_t errlen)
{
    (void)s;
    return no_cuda(err, errlen);
}

void ft_cuda_fatigue_close(FtCudaFatigue *s) { (void)s; }

int ft_cuda_fatigue_batch(int nnodes, int ld, int nchan, const double *S, int nsteps,
                          const double *L, int eq_kind, const FtFatigueParams *par,
                          FtRainflowState *rf, FtDamageAcc *acc)
{
    (void)nnodes, (void)ld, (void)nchan, (void)S, (void)nsteps, (void)L, (void)eq_kind;
    (void)par, (void)rf, (void)acc;
    return FT_BATCH_ENODEV;
}

int ft_cuda_fatigue_batch_spill(int nnodes, int ld, int nchan, const double *S, int nsteps,
                                const double *L, int eq_kind, const FtFatigueParams *par,
                                FtRainflowState *rf, FtRfSpill *spill, FtDamageAcc *acc)
{
    (void)spill;
    return ft_cuda_fatigue_batch(nnodes, ld, nchan, S, nsteps, L, eq_kind, par, rf, acc);
}

const char *ft_cuda_fatigue_last_error(void) { return ft_no_cuda_msg; }

void ft_cuda_fatigue_set_memory_share(int share) { (void)share; }

long long ft_cuda_fatigue_host_signals(const FtCudaFatigue *s)
{
    (void)s;
    return 0;
}

int ft_cuda_fatigue_node_blocks(const FtCudaFatigue *s)
{
    (void)s;
    return 0;
}
