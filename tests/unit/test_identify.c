/* Unit tests of load identification and identifiability (src/assim/identify.c).
 * Self-contained, no framework, deterministic random numbers (splitmix64 + Box-Muller).
 *
 * Build and run (from the repository root):
 *   gcc -std=c11 -O2 -Wall -Wextra -Werror -Isrc tests/unit/test_identify.c src/assim/identify.c \
 *       -lm -o /tmp/test_identify && /tmp/test_identify
 *
 * Every failed CHECK prints file:line and the values; the last line is exactly
 * "N passed, N failed" and the exit status is non-zero if anything failed. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assim/identify.h"
#include "check.h"

/* ---------------------------------------------------------------- helpers ------------- */
static uint64_t g_rng = 0x1234567887654321ull;
static double   splitmix_urand(void) /* splitmix64 -> [0, 1) */
{
    uint64_t z = (g_rng += 0x9E3779B97F4A7C15ull);
    z          = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z          = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}
static double nrand(void) /* standard normal, Box-Muller */
{
    double u = splitmix_urand(), v = splitmix_urand();
    if (u < 1e-300) u = 1e-300;
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

/* Independent reference: inverse of the n x n matrix A by Gauss-Jordan with partial pivoting. */
static void invert(int n, const double *A, double *Ainv)
{
    double M[64 * 128];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < 2 * n; j++) M[i * 2 * n + j] = j < n ? A[i * n + j] : (j - n == i);
    for (int col = 0; col < n; col++) {
        int p = col;
        for (int i = col + 1; i < n; i++)
            if (fabs(M[i * 2 * n + col]) > fabs(M[p * 2 * n + col])) p = i;
        for (int j = 0; j < 2 * n; j++) {
            double t = M[col * 2 * n + j];
            M[col * 2 * n + j] = M[p * 2 * n + j];
            M[p * 2 * n + j] = t;
        }
        double d = M[col * 2 * n + col];
        for (int j = 0; j < 2 * n; j++) M[col * 2 * n + j] /= d;
        for (int i = 0; i < n; i++) {
            if (i == col) continue;
            double f = M[i * 2 * n + col];
            for (int j = 0; j < 2 * n; j++) M[i * 2 * n + j] -= f * M[col * 2 * n + j];
        }
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) Ainv[i * n + j] = M[i * 2 * n + n + j];
}

/* Reference covariance (G_V^T W G_V + lambda I)^-1 over the sensors with valid[i] != 0. */
static void ref_cov(const FtObsModel *m, const int *valid, double lambda, double *C)
{
    const int n = m->nchan;
    double    N[64 * 64] = {0};
    for (int i = 0; i < m->nsens; i++) {
        if (!valid[i]) continue;
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
                N[a * n + b] += m->G[i * n + a] * m->G[i * n + b] / (m->sigma[i] * m->sigma[i]);
    }
    for (int a = 0; a < n; a++) N[a * n + a] += lambda;
    invert(n, N, C);
}

/* A random model: G ~ N(0,1) (times gscale), b ~ N(0,1), sigma in [0.5, 2] * sscale, all used. */
typedef struct {
    int     nsens, nchan;
    double *G, *b, *sigma;
    int    *use;
    FtObsModel m;
} Model;
static Model model_random(int ns, int nc, double sscale)
{
    Model M = {ns, nc, malloc(sizeof(double) * ns * nc), malloc(sizeof(double) * ns), malloc(sizeof(double) * ns),
               malloc(sizeof(int) * ns), {0}};
    for (int i = 0; i < ns * nc; i++) M.G[i] = nrand();
    for (int i = 0; i < ns; i++) {
        M.b[i]     = nrand();
        M.sigma[i] = sscale * (0.5 + 1.5 * splitmix_urand());
        M.use[i]   = 1;
    }
    M.m = (FtObsModel){ns, nc, M.G, M.b, M.sigma, M.use};
    return M;
}
static void model_free(Model *M) { free(M->G), free(M->b), free(M->sigma), free(M->use); }

/* y[t][i] = b_i + G_i c_t + sigma_i * noise * N(0,1), with c_t ~ N(0, 10^2). */
static void synth(const FtObsModel *m, long nsteps, double noise, double *ctrue, double *y)
{
    for (long t = 0; t < nsteps; t++) {
        for (int k = 0; k < m->nchan; k++) ctrue[t * m->nchan + k] = 10 * nrand();
        for (int i = 0; i < m->nsens; i++) {
            double v = m->b[i];
            for (int k = 0; k < m->nchan; k++) v += m->G[i * m->nchan + k] * ctrue[t * m->nchan + k];
            y[t * m->nsens + i] = v + noise * m->sigma[i] * nrand();
        }
    }
}

/* Sample covariance of the estimation errors e_t = c_t - ctrue_t over the steps with sel[t]
 * (all when sel == NULL), compared with the formula C: diagonal within rel, off-diagonal
 * correlation difference |S_ab - C_ab| / sqrt(C_aa C_bb) within rel; mean error within
 * 5 standard errors. */
static void check_sample_cov(int n, long nsteps, const double *c, const double *ctrue, const char *sel,
                             const double *C, double rel)
{
    double mean[64] = {0}, S[64 * 64] = {0};
    long   cnt = 0;
    for (long t = 0; t < nsteps; t++) {
        if (sel && !sel[t]) continue;
        cnt++;
        for (int a = 0; a < n; a++) mean[a] += c[t * n + a] - ctrue[t * n + a];
    }
    for (int a = 0; a < n; a++) mean[a] /= cnt;
    for (long t = 0; t < nsteps; t++) {
        if (sel && !sel[t]) continue;
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
                S[a * n + b] += (c[t * n + a] - ctrue[t * n + a] - mean[a]) * (c[t * n + b] - ctrue[t * n + b] - mean[b]);
    }
    for (int a = 0; a < n; a++) {
        CHECK_CLOSE(mean[a], 0.0, 5 * sqrt(C[a * n + a] / cnt));
        for (int b = 0; b < n; b++) {
            const double s = S[a * n + b] / (cnt - 1);
            if (a == b)
                CHECK_REL(s, C[a * n + a], rel);
            else
                CHECK_CLOSE(s / sqrt(C[a * n + a] * C[b * n + b]), C[a * n + b] / sqrt(C[a * n + a] * C[b * n + b]), rel);
        }
    }
}

static double lambda_of(const FtObsModel *m, double reg)
{
    double tr = 0;
    for (int i = 0; i < m->nsens; i++)
        if (m->use[i])
            for (int k = 0; k < m->nchan; k++) tr += m->G[i * m->nchan + k] * m->G[i * m->nchan + k] / (m->sigma[i] * m->sigma[i]);
    return reg * tr / m->nchan;
}

/* ---------------------------------------------------------------- tests --------------- */

/* Bad arguments: non-zero return and a one-line message naming the field and the value. */
static void test_bad_arguments(void)
{
    CHECK_CONTEXT("bad arguments");
    Model             M = model_random(5, 3, 1.0);
    double            y[5] = {1, 2, 3, 4, 5}, c[3];
    char              err[256];
    FtIdentifyStats   st = {0};
    FtIdentifiability id;
    FtObsModel        m;

    m       = M.m;
    m.nsens = 0;
    CHECK(FtIdentifyLoads(&m, 1, y, 1e-10, c, NULL, &st, err, sizeof err) != 0);
    CHECK(strstr(err, "nsens = 0") != NULL && !strchr(err, '\n'));
    CHECK(FtIdentifiabilityCheck(&m, NULL, 1e8, &id) != 0 && strstr(id.message, "nsens = 0"));

    m       = M.m;
    m.nchan = 65;
    CHECK(FtIdentifyLoads(&m, 1, y, 1e-10, c, NULL, &st, err, sizeof err) != 0 && strstr(err, "nchan = 65"));
    CHECK(FtIdentifiabilityCheck(&m, NULL, 1e8, &id) != 0 && strstr(id.message, "nchan = 65"));
    m.nchan = 0;
    CHECK(FtIdentifyLoads(&m, 1, y, 1e-10, c, NULL, &st, err, sizeof err) != 0 && strstr(err, "nchan = 0"));

    m           = M.m;
    M.sigma[2]  = 0;
    CHECK(FtIdentifyLoads(&m, 1, y, 1e-10, c, NULL, &st, err, sizeof err) != 0 && strstr(err, "sensor 2: sigma = 0"));
    CHECK(FtIdentifiabilityCheck(&m, NULL, 1e8, &id) != 0 && strstr(id.message, "sensor 2: sigma = 0"));
    M.sigma[2] = -1.5;
    CHECK(FtIdentifyLoads(&m, 1, y, 1e-10, c, NULL, &st, err, sizeof err) != 0 && strstr(err, "sigma = -1.5"));
    M.sigma[2] = NAN;
    CHECK(FtIdentifyLoads(&m, 1, y, 1e-10, c, NULL, &st, err, sizeof err) != 0 && strstr(err, "sensor 2: sigma = ") && strstr(err, "nan"));
    M.use[2] = 0; /* a dropped sensor's sigma does not matter */
    CHECK(FtIdentifyLoads(&m, 1, y, 1e-10, c, NULL, &st, err, sizeof err) == 0);
    M.use[2]   = 1;
    M.sigma[2] = 1;

    M.G[4 * 3 + 1] = INFINITY;
    CHECK(FtIdentifyLoads(&m, 1, y, 1e-10, c, NULL, &st, err, sizeof err) != 0 && strstr(err, "G[4][1] = inf"));
    M.G[4 * 3 + 1] = 1;
    M.use[1]       = 7;
    CHECK(FtIdentifyLoads(&m, 1, y, 1e-10, c, NULL, &st, err, sizeof err) != 0 && strstr(err, "use = 7"));
    M.use[1] = 1;

    CHECK(FtIdentifyLoads(&m, -3, y, 1e-10, c, NULL, &st, err, sizeof err) != 0 && strstr(err, "nsteps = -3"));
    CHECK(FtIdentifyLoads(&m, 1, y, -1e-3, c, NULL, &st, err, sizeof err) != 0 && strstr(err, "regularization = -0.001"));
    CHECK(FtIdentifyLoads(&m, 1, NULL, 1e-10, c, NULL, &st, err, sizeof err) != 0 && strstr(err, "y is NULL"));
    m.G = NULL;
    CHECK(FtIdentifyLoads(&m, 1, y, 1e-10, c, NULL, &st, err, sizeof err) != 0 && strstr(err, "NULL G"));
    CHECK(FtIdentifyLoads(NULL, 1, y, 1e-10, c, NULL, &st, err, sizeof err) != 0 && strstr(err, "NULL"));
    m = M.m;
    CHECK(FtIdentifiabilityCheck(&m, NULL, 0.5, &id) != 0 && strstr(id.message, "max_condition = 0.5"));
    CHECK(FtIdentifiabilityCheck(&m, NULL, 1e8, NULL) != 0);
    /* a good call after all that */
    CHECK(FtIdentifyLoads(&m, 1, y, 1e-10, c, NULL, &st, err, sizeof err) == 0 && err[0] == 0);
    model_free(&M);
}

/* Singular values against a matrix built with known ones: row i of G is row i of
 * U diag(s) V^T (U, V orthonormal columns from Gram-Schmidt of random matrices) times sigma_i,
 * so that W^1/2 G = U diag(s) V^T. A dropped sensor with a huge row must not count. */
static void test_singular_values(void)
{
    CHECK_CONTEXT("singular values");
    enum { NS = 30, NC = 6 };
    const double s[NC] = {3, 2, 1, 0.5, 1e-3, 1e-5};
    double       U[NS * NC], V[NC * NC];
    /* orthonormal columns by modified Gram-Schmidt (twice, for orthogonality to eps) */
    for (int pass = 0; pass < 2; pass++) {
        double *Q = pass == 0 ? U : V;
        int     m = pass == 0 ? NS : NC;
        for (int i = 0; i < m * NC; i++) Q[i] = nrand();
        for (int k = 0; k < NC; k++)
            for (int rep = 0; rep < 2; rep++) {
                for (int j = 0; j < k; j++) {
                    double d = 0;
                    for (int i = 0; i < m; i++) d += Q[i * NC + k] * Q[i * NC + j];
                    for (int i = 0; i < m; i++) Q[i * NC + k] -= d * Q[i * NC + j];
                }
                double nn = 0;
                for (int i = 0; i < m; i++) nn += Q[i * NC + k] * Q[i * NC + k];
                for (int i = 0; i < m; i++) Q[i * NC + k] /= sqrt(nn);
            }
    }
    Model M = model_random(NS + 1, NC, 1.0);
    for (int i = 0; i < NS; i++)
        for (int k = 0; k < NC; k++) {
            double g = 0;
            for (int j = 0; j < NC; j++) g += U[i * NC + j] * s[j] * V[k * NC + j];
            M.G[i * NC + k] = g * M.sigma[i];
        }
    for (int k = 0; k < NC; k++) M.G[NS * NC + k] = 1e6; /* dropped sensor */
    M.use[NS] = 0;
    FtIdentifiability id;
    CHECK(FtIdentifiabilityCheck(&M.m, NULL, 1e8, &id) == 0);
    for (int k = 0; k < NC; k++) CHECK_REL(id.sv[k], s[k], 1e-9);
    CHECK(id.rank == NC);
    CHECK_REL(id.cond, 3e5, 1e-9);
    CHECK(id.separable == 1 && id.message[0] == 0);
    double dot = 0;
    for (int k = 0; k < NC; k++) dot += id.weakest[k] * V[k * NC + NC - 1];
    CHECK_CLOSE(fabs(dot), 1.0, 1e-9);
    /* tighter limit: refused for the condition, rank still full */
    CHECK(FtIdentifiabilityCheck(&M.m, NULL, 1e5, &id) == 0);
    CHECK(id.separable == 0 && id.rank == NC && strstr(id.message, "rank 6 of 6, condition 3e+05"));
    model_free(&M);
}

/* Noise-free readings: the loads come back to 1e-12 (relative to their size) without
 * regularisation; the default 1e-10 biases them by about 1e-10 * cond^2 only. */
static void test_exact_recovery(void)
{
    CHECK_CONTEXT("exact recovery");
    enum { NS = 20, NC = 6, NT = 200 };
    Model   M = model_random(NS, NC, 1e-2);
    double *y = malloc(sizeof(double) * NT * NS), *ct = malloc(sizeof(double) * NT * NC),
           *c = malloc(sizeof(double) * NT * NC), rms[NS];
    synth(&M.m, NT, 0.0, ct, y);
    char            err[256];
    FtIdentifyStats st = {.rms_residual = rms};
    CHECK(FtIdentifyLoads(&M.m, NT, y, 0.0, c, NULL, &st, err, sizeof err) == 0);
    double maxerr = 0, maxc = 0;
    for (int i = 0; i < NT * NC; i++) {
        maxerr = fmax(maxerr, fabs(c[i] - ct[i]));
        maxc   = fmax(maxc, fabs(ct[i]));
    }
    CHECK(maxerr <= 1e-12 * maxc);
    CHECK(st.nsteps == NT && st.unidentified == 0 && st.nresiduals == NT * NS && st.dof == NT * (NS - NC));
    CHECK(st.factorizations == 1);
    CHECK(st.chi2 < 1e-12 * st.nresiduals);
    for (int i = 0; i < NS; i++) CHECK(rms[i] < 1e-6);
    CHECK(FtIdentifyLoads(&M.m, NT, y, 1e-10, c, NULL, NULL, err, sizeof err) == 0);
    maxerr = 0;
    for (int i = 0; i < NT * NC; i++) maxerr = fmax(maxerr, fabs(c[i] - ct[i]));
    CHECK(maxerr <= 1e-7 * maxc && maxerr > 0);
    model_free(&M);
    free(y), free(ct), free(c);
}

/* Gaussian noise: the sample covariance of the estimates matches (G^T W G + lambda I)^-1
 * within 5 %, the output cov equals the formula, chi2/dof ~ 1, rms residuals ~ sqrt(1 - h_ii). */
static void test_noise_covariance(void)
{
    CHECK_CONTEXT("noise covariance");
    enum { NS = 20, NC = 6 };
    const long NT = 40000;
    Model      M  = model_random(NS, NC, 0.3);
    double    *y = malloc(sizeof(double) * NT * NS), *ct = malloc(sizeof(double) * NT * NC),
           *c = malloc(sizeof(double) * NT * NC), *cov = malloc(sizeof(double) * NT * NC * NC), rms[NS];
    synth(&M.m, NT, 1.0, ct, y);
    char            err[256];
    FtIdentifyStats st = {.rms_residual = rms};
    CHECK(FtIdentifyLoads(&M.m, NT, y, 1e-10, c, cov, &st, err, sizeof err) == 0);
    double C[NC * NC];
    int    all[NS];
    for (int i = 0; i < NS; i++) all[i] = 1;
    ref_cov(&M.m, all, lambda_of(&M.m, 1e-10), C);
    for (int a = 0; a < NC * NC; a++) {
        CHECK_REL(cov[a], C[a], 1e-10);
        CHECK(cov[(NT - 1) * NC * NC + a] == cov[a]);
    }
    check_sample_cov(NC, NT, c, ct, NULL, C, 0.05);
    CHECK(st.dof == NT * (NS - NC) && st.nresiduals == NT * NS && st.factorizations == 1);
    CHECK_CLOSE(st.chi2 / st.dof, 1.0, 0.02);
    double sum = 0;
    for (int i = 0; i < NS; i++) {
        CHECK(rms[i] > 0.05 && rms[i] < 1.05);
        sum += rms[i] * rms[i];
    }
    CHECK_CLOSE(sum, (double)(NS - NC), 0.02 * (NS - NC)); /* sum of (1 - h_ii) = NS - NC */
    model_free(&M);
    free(y), free(ct), free(c), free(cov);
}

/* Sensors missing (NaN) at some steps: three patterns in blocks, each block's steps get the
 * covariance of their own valid set, the sample covariances match it, the factor is rebuilt only
 * at block boundaries, and a dropped sensor with readings is ignored. */
static void test_missing_sensors(void)
{
    CHECK_CONTEXT("missing sensors");
    enum { NS = 12, NC = 4, NPAT = 3 };
    const long BLOCK = 10000, NT = 2 * NPAT * BLOCK; /* blocks: pattern 0 1 2 0 1 2 */
    Model      M     = model_random(NS, NC, 1.0);
    M.use[11]        = 0; /* dropped: its readings below are junk and must not matter */
    double *y = malloc(sizeof(double) * NT * NS), *ct = malloc(sizeof(double) * NT * NC),
           *c = malloc(sizeof(double) * NT * NC), *cov = malloc(sizeof(double) * NT * NC * NC), rms[NS];
    char   *sel = malloc(NT);
    synth(&M.m, NT, 1.0, ct, y);
    int valid[NPAT][NS];
    for (int p = 0; p < NPAT; p++)
        for (int i = 0; i < NS; i++) valid[p][i] = i != 11 && !(p == 1 && i < 3) && !(p == 2 && (i == 5 || i == 9));
    for (long t = 0; t < NT; t++) {
        const int p = (int)((t / BLOCK) % NPAT);
        for (int i = 0; i < NS; i++)
            if (!valid[p][i] && i != 11) y[t * NS + i] = NAN;
        y[t * NS + 11] = 1e9 * nrand();
    }
    char            err[256];
    FtIdentifyStats st = {.rms_residual = rms};
    CHECK(FtIdentifyLoads(&M.m, NT, y, 1e-10, c, cov, &st, err, sizeof err) == 0);
    CHECK(st.factorizations == 2 * NPAT && st.unidentified == 0);
    long nres = 0;
    for (int p = 0; p < NPAT; p++) {
        CHECK_CONTEXT("missing sensors, pattern %d", p);
        double C[NC * NC];
        ref_cov(&M.m, valid[p], lambda_of(&M.m, 1e-10), C);
        for (long t = 0; t < NT; t++) sel[t] = (t / BLOCK) % NPAT == p;
        for (long t = 0; t < NT; t += 997)
            if (sel[t])
                for (int a = 0; a < NC * NC; a++) CHECK_REL(cov[t * NC * NC + a], C[a], 1e-10);
        check_sample_cov(NC, NT, c, ct, sel, C, 0.05);
        int nv = 0;
        for (int i = 0; i < NS; i++) nv += valid[p][i];
        nres += 2 * BLOCK * nv;
    }
    CHECK_CONTEXT("missing sensors");
    CHECK(st.nresiduals == nres && st.dof == nres - NT * NC);
    CHECK_CLOSE(st.chi2 / st.dof, 1.0, 0.03);
    CHECK(isnan(rms[11]));
    CHECK(rms[0] > 0.05 && rms[0] < 1.05);
    /* fewer valid sensors, larger variance: pattern 1 vs pattern 0 at channel 0 */
    CHECK(cov[BLOCK * NC * NC] >= cov[0]);
    model_free(&M);
    free(y), free(ct), free(c), free(cov), free(sel);
}

/* Steps where too few sensors remain, or the remaining ones do not separate the channels,
 * are NaN (loads and covariance) and counted; the others are exact. */
static void test_too_few_sensors(void)
{
    CHECK_CONTEXT("too few sensors");
    enum { NS = 5, NC = 3, NT = 6 };
    /* sensors 0, 1 see channels 0 and 1 only; 2, 3 see everything; 4 sees channel 2 */
    double G[NS * NC] = {1, 2, 0, 2, -1, 0, 1, 1, 1, 0.5, -1, 2, 0, 0, 3};
    double b[NS] = {0.1, 0.2, 0.3, 0.4, 0.5}, sg[NS] = {1, 1, 1, 1, 1};
    int    use[NS] = {1, 1, 1, 1, 1};
    FtObsModel m = {NS, NC, G, b, sg, use};
    double ct[NT * NC], y[NT * NS], c[NT * NC], cov[NT * NC * NC], rms[NS];
    synth(&m, NT, 0.0, ct, y);
    /* step 0: all 5 valid; 1, 3, 5: not identified; 2, 4: three sensors of rank 3 */
    y[1 * NS + 0] = y[1 * NS + 1] = y[1 * NS + 2] = NAN; /* 3, 4 left: 2 < 3 channels */
    y[2 * NS + 2] = y[2 * NS + 3] = NAN;                 /* 0, 1, 4 left: rank 3 */
    y[3 * NS + 2] = y[3 * NS + 3] = y[3 * NS + 4] = NAN; /* 0, 1 left: 2 sensors */
    for (int i = 0; i < NS; i++) y[5 * NS + i] = NAN;    /* nothing */
    y[4 * NS + 3] = y[4 * NS + 4] = NAN; /* 0, 1, 2 left: rank 3 */
    char            err[256];
    FtIdentifyStats st = {.rms_residual = rms};
    CHECK(FtIdentifyLoads(&m, NT, y, 1e-10, c, cov, &st, err, sizeof err) == 0);
    CHECK(st.unidentified == 3);
    const int bad[NT] = {0, 1, 0, 1, 0, 1};
    for (int t = 0; t < NT; t++) {
        CHECK_CONTEXT("too few sensors, step %d", t);
        for (int k = 0; k < NC; k++) {
            if (bad[t])
                CHECK(isnan(c[t * NC + k]));
            else
                CHECK_CLOSE(c[t * NC + k], ct[t * NC + k], 1e-6);
        }
        CHECK((isnan(cov[t * NC * NC + 4]) != 0) == bad[t]);
    }
    CHECK_CONTEXT("too few sensors");
    CHECK(st.nresiduals == 5 + 3 + 3 && st.dof == 2);
    /* rank-deficient with enough sensors: 0, 1 and a duplicate of 0 see only channels 0 and 1 */
    double G2[4 * NC] = {1, 2, 0, 2, -1, 0, 1, 2, 0, 0, 0, 1};
    double y2[4]      = {1, 2, 3, NAN}, c2[NC];
    FtObsModel m2     = {4, NC, G2, b, sg, use};
    CHECK(FtIdentifyLoads(&m2, 1, y2, 1e-10, c2, NULL, &st, err, sizeof err) == 0);
    CHECK(st.unidentified == 1 && isnan(c2[0]) && isnan(c2[2]) && st.nresiduals == 0 && st.dof == 0);
    y2[3] = 4; /* with the fourth sensor, identified */
    CHECK(FtIdentifyLoads(&m2, 1, y2, 1e-10, c2, NULL, &st, err, sizeof err) == 0);
    CHECK(st.unidentified == 0 && !isnan(c2[0]) && st.dof == 1);
}

/* Two identical, or proportional, columns: not separable; the message names exactly those two. */
static void test_inseparable_columns(void)
{
    const char *names[4] = {"lift_kN", "side_kN", "torque_kNm", "thermal_K"};
    for (int variant = 0; variant < 2; variant++) {
        CHECK_CONTEXT("inseparable columns, %s", variant ? "proportional" : "identical");
        Model M = model_random(10, 4, 1.0);
        for (int i = 0; i < 10; i++) M.G[i * 4 + 3] = (variant ? -2.5 : 1.0) * M.G[i * 4 + 1];
        FtIdentifiability id;
        CHECK(FtIdentifiabilityCheck(&M.m, names, 1e8, &id) == 0);
        CHECK(id.separable == 0 && id.rank == 3 && isinf(id.cond));
        CHECK(strstr(id.message, "channels side_kN and thermal_K cannot be separated by the sensors (rank 3 of 4, condition inf)") != NULL);
        CHECK(!strstr(id.message, "lift_kN") && !strstr(id.message, "torque_kNm"));
        CHECK(strstr(id.message, "add a sensor that responds differently to them") != NULL);
        CHECK(fabs(id.weakest[0]) < 1e-8 && fabs(id.weakest[2]) < 1e-8);
        CHECK_CLOSE(id.weakest[1] / id.weakest[3], variant ? 2.5 : -1.0, 1e-8);
        /* identification of such a model: every step unidentified, not noise */
        double y[10], c[4];
        char   err[256];
        FtIdentifyStats st = {0};
        for (int i = 0; i < 10; i++) y[i] = M.b[i] + M.G[i * 4];
        CHECK(FtIdentifyLoads(&M.m, 1, y, 1e-10, c, NULL, &st, err, sizeof err) == 0);
        CHECK(st.unidentified == 1 && isnan(c[1]));
        model_free(&M);
    }
    /* three channels in one combination: "a, b and c"; and a channel nobody sees */
    CHECK_CONTEXT("inseparable columns, three and zero");
    Model M = model_random(10, 4, 1.0);
    for (int i = 0; i < 10; i++) M.G[i * 4 + 3] = M.G[i * 4 + 0] + M.G[i * 4 + 1];
    FtIdentifiability id;
    CHECK(FtIdentifiabilityCheck(&M.m, names, 1e8, &id) == 0);
    CHECK(strstr(id.message, "channels lift_kN, side_kN and thermal_K cannot be separated") != NULL);
    for (int i = 0; i < 10; i++) M.G[i * 4 + 3] = 0;
    CHECK(FtIdentifiabilityCheck(&M.m, names, 1e8, &id) == 0);
    CHECK(strstr(id.message, "channel thermal_K cannot be identified by the sensors (rank 3 of 4, condition inf)") != NULL);
    CHECK(!strstr(id.message, "lift_kN"));
    for (int i = 0; i < 40; i++) M.G[i] = 0;
    CHECK(FtIdentifiabilityCheck(&M.m, NULL, 1e8, &id) == 0);
    CHECK(id.rank == 0 && strstr(id.message, "channels #0, #1, #2 and #3 cannot be identified") != NULL);
    model_free(&M);
}

/* Nearly parallel columns: condition ~1e12 (numerically rank deficient) and ~1e9 (full rank but
 * above max_condition) are refused naming the two channels; ~1e5 passes. */
static void test_ill_conditioned(void)
{
    const char  *names[3] = {"lift_kN", "side_kN", "torque_kNm"};
    const double eps[3]   = {1e-12, 1e-9, 1e-5};
    for (int v = 0; v < 3; v++) {
        CHECK_CONTEXT("ill conditioned, eps %g", eps[v]);
        Model M = model_random(15, 3, 1.0);
        /* d: random, made orthogonal to column 0 and scaled to its norm */
        double d[15], dot = 0, n0 = 0, nd = 0;
        for (int i = 0; i < 15; i++) d[i] = nrand();
        for (int i = 0; i < 15; i++) dot += d[i] * M.G[i * 3], n0 += M.G[i * 3] * M.G[i * 3];
        for (int i = 0; i < 15; i++) d[i] -= dot / n0 * M.G[i * 3], nd += d[i] * d[i];
        for (int i = 0; i < 15; i++) {
            M.sigma[i]     = 1; /* unweighted, so the condition is the one built */
            M.G[i * 3 + 2] = M.G[i * 3] + eps[v] * sqrt(n0 / nd) * d[i];
        }
        FtIdentifiability id;
        CHECK(FtIdentifiabilityCheck(&M.m, names, 1e8, &id) == 0);
        if (v < 2) {
            CHECK(id.separable == 0);
            CHECK(strstr(id.message, "channels lift_kN and torque_kNm cannot be separated") != NULL);
            CHECK(!strstr(id.message, "side_kN"));
        }
        if (v == 0) CHECK(id.rank == 2 && isinf(id.cond) && strstr(id.message, "rank 2 of 3, condition inf"));
        if (v == 1) {
            CHECK(id.rank == 3 && id.cond > 1e8 && id.cond < 1e11 && strstr(id.message, "rank 3 of 3, condition "));
            CHECK(FtIdentifiabilityCheck(&M.m, names, 1e11, &id) == 0 && id.separable == 1);
        }
        if (v == 2) CHECK(id.separable == 1 && id.rank == 3 && id.cond > 1e4 && id.cond < 1e7 && id.message[0] == 0);
        model_free(&M);
    }
}

/* Load cells (G row = unit vector, b = 0): alone they give c = y; mixed with gauges the loads
 * are exact, and a missing load cell is covered by the gauges. */
static void test_load_cells(void)
{
    CHECK_CONTEXT("load cells");
    enum { NC = 3 };
    double G[NC * NC] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, b[NC] = {0, 0, 0}, sg[NC] = {0.5, 2, 4};
    int    use[NC]    = {1, 1, 1};
    FtObsModel        m = {NC, NC, G, b, sg, use};
    FtIdentifiability id;
    CHECK(FtIdentifiabilityCheck(&m, NULL, 1e8, &id) == 0 && id.separable);
    CHECK_REL(id.sv[0], 2.0, 1e-15);
    CHECK_REL(id.sv[2], 0.25, 1e-15);
    CHECK_REL(id.cond, 8.0, 1e-15);
    double y[2 * NC] = {3.5, -7.25, 100, 1, 2, NAN}, c[2 * NC], cov[2 * NC * NC];
    char   err[256];
    FtIdentifyStats st = {0};
    CHECK(FtIdentifyLoads(&m, 2, y, 0.0, c, cov, &st, err, sizeof err) == 0);
    for (int k = 0; k < NC; k++) CHECK(c[k] == y[k]);
    CHECK_REL(cov[0], 0.25, 1e-15);
    CHECK_REL(cov[8], 16.0, 1e-15);
    CHECK(st.unidentified == 1 && isnan(c[5]) && st.chi2 == 0);

    /* 3 load cells + 4 gauges; load cell 1 missing on odd steps */
    enum { NS = 7, NT = 50 };
    Model M = model_random(NS, NC, 0.1);
    for (int i = 0; i < NC; i++) {
        for (int k = 0; k < NC; k++) M.G[i * NC + k] = (i == k);
        M.b[i] = 0;
    }
    double yy[NT * NS], ct[NT * NC], cc[NT * NC];
    synth(&M.m, NT, 0.0, ct, yy);
    for (int t = 1; t < NT; t += 2) yy[t * NS + 1] = NAN;
    CHECK(FtIdentifyLoads(&M.m, NT, yy, 0.0, cc, NULL, &st, err, sizeof err) == 0);
    CHECK(st.unidentified == 0 && st.factorizations == NT);
    for (int i = 0; i < NT * NC; i++) CHECK_CLOSE(cc[i], ct[i], 1e-12 * 40);
    model_free(&M);
}

/* One day at 1 Hz, 20 sensors, 6 channels, with a sensor dropping out for 100 s every hour:
 * well under 1 s of CPU time, and the loads right. */
static void test_performance(void)
{
    CHECK_CONTEXT("performance");
    enum { NS = 20, NC = 6 };
    const long NT = 86400;
    Model      M  = model_random(NS, NC, 1e-3);
    double    *y = malloc(sizeof(double) * NT * NS), *ct = malloc(sizeof(double) * NT * NC),
           *c = malloc(sizeof(double) * NT * NC), *cov = malloc(sizeof(double) * NT * NC * NC), rms[NS];
    synth(&M.m, NT, 0.0, ct, y);
    for (long t = 0; t < NT; t++)
        if (t % 3600 < 100) y[t * NS + (t / 3600) % NS] = NAN;
    char            err[256];
    FtIdentifyStats st = {.rms_residual = rms};
    clock_t         t0 = clock();
    int             rc = FtIdentifyLoads(&M.m, NT, y, 1e-10, c, cov, &st, err, sizeof err);
    double          dt = (double)(clock() - t0) / CLOCKS_PER_SEC;
    printf("identify: %ld steps x %d sensors x %d channels (with covariance) in %.3f s CPU\n", NT, NS, NC, dt);
    CHECK(rc == 0);
    CHECK(dt < 1.0);
    CHECK(st.factorizations == 48 && st.unidentified == 0); /* t = 0, 24 returns, 23 more drop-outs */
    double maxerr = 0;
    for (long i = 0; i < NT * NC; i++) maxerr = fmax(maxerr, fabs(c[i] - ct[i]));
    CHECK(maxerr < 1e-6);
    model_free(&M);
    free(y), free(ct), free(c), free(cov);
}

int main(void)
{
    test_bad_arguments();
    test_singular_values();
    test_exact_recovery();
    test_noise_covariance();
    test_missing_sensors();
    test_too_few_sensors();
    test_inseparable_columns();
    test_ill_conditioned();
    test_load_cells();
    test_performance();
    return check_summary();
}
