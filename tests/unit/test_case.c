/* Unit tests for the case-file parser (src/case/case.c) and expressions (src/case/expr.c).
 *
 * Build and run from the repository root:
 *   gcc -std=c11 -Wall -Wextra -Werror -Isrc/case tests/unit/test_case.c src/case/case.c src/case/expr.c $(pkg-config --cflags --libs yaml-0.1) -lm
 *   ./a.out
 * Under valgrind: valgrind --error-exitcode=1 --leak-check=full ./a.out
 *
 * Writes its case files into a fresh temporary folder (mkdtemp) and removes them afterwards.
 * The last line printed is `N passed, N failed`; the exit status is non-zero on any failure.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "case.h"
#include "expr.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static int npass, nfail;

#define CHECK(cond, ...)                                                                                                               \
  do {                                                                                                                                 \
    if (cond) npass++;                                                                                                                 \
    else {                                                                                                                             \
      nfail++;                                                                                                                         \
      printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                                                                           \
      printf(__VA_ARGS__);                                                                                                             \
      printf("\n");                                                                                                                    \
    }                                                                                                                                  \
  } while (0)

#define CHECK_NEAR(a, b, tol)                                                                                                          \
  do {                                                                                                                                 \
    double a_ = (a), b_ = (b);                                                                                                         \
    CHECK(fabs(a_ - b_) <= (tol) * (1 + fabs(b_)), "%s = %.17g, expected %.17g", #a, a_, b_);                                         \
  } while (0)

#define CHECK_STR(a, b)                                                                                                                \
  do {                                                                                                                                 \
    const char *a_ = (a), *b_ = (b);                                                                                                   \
    CHECK(a_ && !strcmp(a_, b_), "%s = \"%s\", expected \"%s\"", #a, a_ ? a_ : "(null)", b_);                                          \
  } while (0)

static char tmpdir[256];
static char casepath[512];

static void write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  if (!f) {
    perror(path);
    exit(2);
  }
  fputs(text, f);
  fclose(f);
}

static int is_zero(const void *p, size_t n)
{
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++)
    if (b[i]) return 0;
  return 1;
}

/* ------------------------------------------------------------------------------------------ */
/* Expressions                                                                                */

static double ev(const char *text, double x, double y, double z)
{
  char    err[512];
  FtExpr *e = FtExprCompile(text, err, sizeof err);
  if (!e) {
    printf("  (compile \"%s\" failed: %s)\n", text, err);
    return NAN;
  }
  double v = FtExprEval(e, x, y, z);
  FtExprFree(e);
  return v;
}

/* The expression must fail to compile, with a message containing each of the strings. */
static void expr_bad(const char *text, const char *s1, const char *s2)
{
  char    err[512] = "";
  FtExpr *e        = FtExprCompile(text, err, sizeof err);
  CHECK(e == NULL, "\"%s\" compiled but should not", text);
  FtExprFree(e);
  CHECK(s1 == NULL || strstr(err, s1), "error for \"%s\" is \"%s\", lacks \"%s\"", text, err, s1);
  CHECK(s2 == NULL || strstr(err, s2), "error for \"%s\" is \"%s\", lacks \"%s\"", text, err, s2);
  CHECK(!strchr(err, '\n'), "error for \"%s\" is not one line: \"%s\"", text, err);
}

static void test_expr(void)
{
  CHECK_NEAR(ev("2+3*4^2", 0, 0, 0), 50, 1e-15);
  CHECK_NEAR(ev("2^3^2", 0, 0, 0), 512, 1e-15);
  CHECK_NEAR(ev("-2^2", 0, 0, 0), -4, 1e-15);
  CHECK_NEAR(ev("(-2)^2", 0, 0, 0), 4, 1e-15);
  CHECK_NEAR(ev("2^-1", 0, 0, 0), 0.5, 1e-15);
  CHECK_NEAR(ev("2*-3", 0, 0, 0), -6, 1e-15);
  CHECK_NEAR(ev("--3", 0, 0, 0), 3, 1e-15);
  CHECK_NEAR(ev("+3", 0, 0, 0), 3, 1e-15);
  CHECK_NEAR(ev("10-4-3", 0, 0, 0), 3, 1e-15);
  CHECK_NEAR(ev("10/4/5", 0, 0, 0), 0.5, 1e-15);
  CHECK_NEAR(ev("1 - 2 * 3 + 4 / 2", 0, 0, 0), -3, 1e-15);
  CHECK_NEAR(ev("((1+2))*(3)", 0, 0, 0), 9, 1e-15);
  CHECK_NEAR(ev(".5e1 + 1.5E-1 + 2.", 0, 0, 0), 7.15, 1e-15);
  CHECK_NEAR(ev("pi", 0, 0, 0), M_PI, 1e-15);
  CHECK_NEAR(ev("sin(pi/2)", 0, 0, 0), 1, 1e-15);
  CHECK_NEAR(ev("cos(0) + tan(0)", 0, 0, 0), 1, 1e-15);
  CHECK_NEAR(ev("exp(log(5))", 0, 0, 0), 5, 1e-14);
  CHECK_NEAR(ev("sqrt(16) + abs(-3)", 0, 0, 0), 7, 1e-15);
  CHECK_NEAR(ev("atan2(1, 1)", 0, 0, 0), M_PI / 4, 1e-15);
  CHECK_NEAR(ev("pow(2, 10)", 0, 0, 0), 1024, 1e-15);
  CHECK_NEAR(ev("atan2(y, x)", -1, 0, 0), M_PI, 1e-15);
  CHECK_NEAR(ev("x + 10*y + 100*z", 1, 2, 3), 321, 1e-15);
  CHECK_NEAR(ev("r", 3, 4, 12), 5, 1e-15);
  CHECK_NEAR(ev("sqrt(x^2+y^2) + z + 273.15", 3, 4, 1), 279.15, 1e-14);
  CHECK_NEAR(ev("-1e3*z", 0, 0, 2), -2000, 1e-15);
  CHECK_NEAR(ev("sin(x)^2 + cos(x)^2", 0.7, 0, 0), 1, 1e-15);
  CHECK_NEAR(ev("-x^2", 3, 0, 0), -9, 1e-15);
  CHECK_NEAR(ev("2*pow(x, 2)^0.5", 4, 0, 0), 8, 1e-15);

  char    err[512];
  FtExpr *e = FtExprCompile("  sin(y) * 2 ", err, sizeof err);
  CHECK(e != NULL, "compile failed: %s", err);
  CHECK_STR(FtExprText(e), "  sin(y) * 2 ");
  CHECK_NEAR(FtExprEval(e, 0, M_PI / 6, 0), 1, 1e-15);
  CHECK_NEAR(FtExprEval(e, 0, M_PI / 2, 0), 2, 1e-15);
  FtExprFree(e);
  FtExprFree(NULL);

  /* errors: position and token */
  FtExprCompile("sin(x))", err, sizeof err);
  CHECK_STR(err, "unexpected ')' at column 7 in \"sin(x))\"");
  expr_bad("foo + 1", "unknown identifier 'foo'", "column 1");
  expr_bad("x + sinh(y)", "unknown identifier 'sinh'", "column 5");
  expr_bad("", "empty expression", NULL);
  expr_bad("   ", "empty expression", NULL);
  expr_bad("2 +", "unexpected end of expression", "column 4");
  expr_bad("(1 + 2", "missing ')'", "column 1");
  expr_bad("sin(1", "missing ')'", "column 4");
  expr_bad("atan2(1)", "'atan2' takes 2 arguments, got 1", NULL);
  expr_bad("sin(1, 2)", "'sin' takes 1 argument, got 2", NULL);
  expr_bad("sin()", "'sin' takes 1 argument, got 0", NULL);
  expr_bad("sin x", "expected '(' after function 'sin'", "'x'");
  expr_bad("2 $ 3", "unexpected character '$'", "column 3");
  expr_bad("1e+ 2", "malformed number '1e+'", "column 1");
  expr_bad("2x", "unexpected 'x'", "column 2");
  expr_bad("x y", "unexpected 'y'", "column 3");
  expr_bad("()", "unexpected ')'", "column 2");
  expr_bad("1,2", "unexpected ','", "column 2");
  expr_bad("x(2)", "unexpected '('", "column 2");
  expr_bad("3 * * 4", "unexpected '*'", "column 5");
  {
    char deep[2000];
    int  n = 0;
    for (int i = 0; i < 500; i++) deep[n++] = '(';
    deep[n++] = '1';
    for (int i = 0; i < 500; i++) deep[n++] = ')';
    deep[n] = 0;
    expr_bad(deep, "too", NULL); /* nested too deeply / too complex: an error, not a crash */
    n = 0;
    for (int i = 0; i < 100; i++) {
      deep[n++] = '2';
      deep[n++] = '^';
    }
    deep[n++] = '1';
    deep[n]   = 0;
    expr_bad(deep, "too", NULL);
    CHECK_NEAR(ev("1+(2+(3+(4+(5+(6+(7+(8+(9+(10)))))))))", 0, 0, 0), 55, 1e-15);
  }
  CHECK(FtExprCompile(NULL, err, sizeof err) == NULL, "NULL text compiled");
}

/* ------------------------------------------------------------------------------------------ */
/* The full example of inputs/CASE_FORMAT.md                                                  */

static const char *full_example =
  "name: bracket                       # required; [A-Za-z0-9_.-]+, used in output names\n"
  "mesh:\n"
  "  file: ../meshes/bracket.msh       # required: gmsh .msh 2.2 or 4.1 with physical groups\n"
  "  unit: mm                          # m (default) | mm\n"
  "  order: 2                          # 1 (P1) | 2 (P2, default)\n"
  "materials:                          # required; one entry per physical volume of the mesh\n"
  "  - region: body                    # physical volume name\n"
  "    E: 210e9                        # Young's modulus [Pa], > 0\n"
  "    nu: 0.3                         # Poisson's ratio, -1 < nu < 0.5\n"
  "    alpha: 12e-6                    # thermal expansion [1/K], >= 0 (default 0)\n"
  "    k: 45                           # conductivity [W/(m K)], > 0 (required if `thermal` exists)\n"
  "    rho: 7850                       # density [kg/m^3], >= 0 (default 0; > 0 for gravity/rotation)\n"
  "reference_temperature: 293.15       # stress-free temperature T_ref [K] (default 293.15)\n"
  "thermal:                            # optional list of thermal cases (each its own steady solve)\n"
  "  - name: hot\n"
  "    fixed_temperature: [{region: inner, value: 373.15}]      # [K]\n"
  "    heat_flux:        [{region: top, value: 1000}]           # [W/m^2], positive into the body\n"
  "    convection:       [{region: outer, h: 25, ambient: 293.15}]  # h [W/(m^2 K)] > 0\n"
  "    heat_source:      [{region: body, value: 1.0e5}]         # [W/m^3], volume region\n"
  "  - name: given\n"
  "    temperature: \"sqrt(x^2+y^2) + z + 273.15\"   # a prescribed field instead of a solve [K]\n"
  "mechanical:\n"
  "  constraints:                      # the constrained set, shared by every load case\n"
  "    - {region: fixed, components: [x, y, z]}            # value 0 by default\n"
  "    - {region: sym_x, components: [x]}\n"
  "    - {region: end, components: [z], value: 1.0e-4}    # prescribed displacement [m]\n"
  "    - {region: all_faces, components: [x, y, z], value: [\"sin(y)\", \"0\", \"0\"]}  # per component\n"
  "  load_cases:                       # required, at least one\n"
  "    - name: lift\n"
  "      pressure: [{region: top, value: 1.0e6}]           # [Pa], pushes against outward normal\n"
  "      traction: [{region: lug, value: [0, 0, 2.0e6]}]   # [Pa]\n"
  "      gravity: [0, 0, -9.81]                            # [m/s^2], needs rho > 0\n"
  "      rotation: {axis_point: [0, 0, 0], axis: [0, 0, 1], omega: 100}  # [rad/s], needs rho > 0\n"
  "      body_force: [\"0\", \"0\", \"-1e3*z\"]                  # [N/m^3], expressions of x, y, z\n"
  "      prescribed: [{region: end, components: [z], value: 2.0e-4}]  # override a constraint's value\n"
  "      temperature: hot              # name of a thermal case: adds thermal strain alpha (T - T_ref)\n"
  "      exact_displacement: [\"sin(y)\", \"0\", \"0\"]  # verification only: report the L2 error\n"
  "output:\n"
  "  file: results/bracket.h5          # required; an .xdmf is written beside it\n"
  "  xdmf: true                        # default true\n"
  "solver:\n"
  "  rtol: 1.0e-10                     # default 1e-10; -ksp_rtol on the command line overrides\n";

static void test_full_example(void)
{
  FtCase c;
  char   err[1024] = "";
  char   want[FT_PATH_MAX + 64];
  write_file(casepath, full_example);
  int rc = FtCaseLoad(casepath, &c, err, sizeof err);
  CHECK(rc == 0, "full example failed: %s", err);
  if (rc) return;

  CHECK_STR(c.path, casepath);
  CHECK(c.text && !strcmp(c.text, full_example), "text not kept");
  CHECK_STR(c.name, "bracket");
  snprintf(want, sizeof want, "%s/../meshes/bracket.msh", tmpdir);
  CHECK_STR(c.mesh_file, want);
  CHECK_NEAR(c.mesh_scale, 1e-3, 0);
  CHECK(c.order == 2, "order %d", c.order);

  CHECK(c.nmaterials == 1, "nmaterials %d", c.nmaterials);
  FtCaseMaterial *m = &c.materials[0];
  CHECK_STR(m->region, "body");
  CHECK_NEAR(m->E, 210e9, 0);
  CHECK_NEAR(m->nu, 0.3, 0);
  CHECK_NEAR(m->alpha, 12e-6, 0);
  CHECK_NEAR(m->k, 45, 0);
  CHECK_NEAR(m->rho, 7850, 0);
  CHECK(m->line == 7, "material line %d", m->line);
  CHECK_NEAR(c.T_ref, 293.15, 0);

  CHECK(c.nthermal == 2, "nthermal %d", c.nthermal);
  FtThermalCase *t = &c.thermal[0];
  CHECK_STR(t->name, "hot");
  CHECK(t->kind == FT_THERMAL_SOLVE, "kind %d", (int)t->kind);
  CHECK(t->line == 15, "thermal line %d", t->line);
  CHECK(t->field.expr == NULL, "solved case has a field");
  CHECK(t->nfixed == 1 && t->nflux == 1 && t->nconvection == 1 && t->nsource == 1, "bc counts %d %d %d %d", t->nfixed, t->nflux,
        t->nconvection, t->nsource);
  if (t->nfixed == 1 && t->nflux == 1 && t->nconvection == 1 && t->nsource == 1) {
    CHECK_STR(t->fixed[0].region, "inner");
    CHECK_NEAR(t->fixed[0].value, 373.15, 0);
    CHECK(t->fixed[0].line == 16, "fixed line %d", t->fixed[0].line);
    CHECK_STR(t->flux[0].region, "top");
    CHECK_NEAR(t->flux[0].value, 1000, 0);
    CHECK_STR(t->convection[0].region, "outer");
    CHECK_NEAR(t->convection[0].h, 25, 0);
    CHECK_NEAR(t->convection[0].ambient, 293.15, 0);
    CHECK_STR(t->source[0].region, "body");
    CHECK_NEAR(t->source[0].value, 1e5, 0);
  }
  t = &c.thermal[1];
  CHECK_STR(t->name, "given");
  CHECK(t->kind == FT_THERMAL_PRESCRIBED, "kind %d", (int)t->kind);
  CHECK(t->nfixed == 0 && t->nflux == 0 && t->nconvection == 0 && t->nsource == 0, "prescribed case has BCs");
  CHECK(t->field.expr != NULL, "prescribed field has no expression");
  if (t->field.expr) {
    CHECK_NEAR(FtExprEval(t->field.expr, 3, 4, 1), 279.15, 1e-14);
    CHECK_STR(FtExprText(t->field.expr), "sqrt(x^2+y^2) + z + 273.15");
  }

  CHECK(c.nconstraints == 4, "nconstraints %d", c.nconstraints);
  if (c.nconstraints == 4) {
    FtConstraint *k = c.constraints;
    CHECK_STR(k[0].region, "fixed");
    CHECK(k[0].comp[0] && k[0].comp[1] && k[0].comp[2], "fixed comps");
    for (int d = 0; d < 3; d++) CHECK(k[0].value[d].expr == NULL && k[0].value[d].value == 0, "fixed value %d", d);
    CHECK(k[0].line == 24, "constraint line %d", k[0].line);
    CHECK_STR(k[1].region, "sym_x");
    CHECK(k[1].comp[0] && !k[1].comp[1] && !k[1].comp[2], "sym_x comps %d %d %d", k[1].comp[0], k[1].comp[1], k[1].comp[2]);
    CHECK_STR(k[2].region, "end");
    CHECK(!k[2].comp[0] && !k[2].comp[1] && k[2].comp[2], "end comps");
    CHECK_NEAR(k[2].value[2].value, 1e-4, 0);
    CHECK(k[2].value[2].expr == NULL, "end value is constant");
    CHECK(k[2].value[0].value == 0 && k[2].value[1].value == 0, "unconstrained components of end are 0");
    CHECK_STR(k[3].region, "all_faces");
    CHECK(k[3].value[0].expr != NULL, "all_faces x is an expression");
    if (k[3].value[0].expr) CHECK_NEAR(FtExprEval(k[3].value[0].expr, 0, M_PI / 2, 0), 1, 1e-15);
    CHECK(k[3].value[1].expr == NULL && k[3].value[1].value == 0, "\"0\" is a constant");
    CHECK(k[3].value[2].expr == NULL && k[3].value[2].value == 0, "\"0\" is a constant");
  }

  CHECK(c.nloads == 1, "nloads %d", c.nloads);
  if (c.nloads == 1) {
    FtLoadCase *L = &c.loads[0];
    CHECK_STR(L->name, "lift");
    CHECK(L->line == 29, "load case line %d", L->line);
    CHECK(L->nsurface == 2, "nsurface %d", L->nsurface);
    if (L->nsurface == 2) {
      CHECK_STR(L->surface[0].region, "top");
      CHECK(L->surface[0].is_pressure == 1, "is_pressure");
      CHECK_NEAR(L->surface[0].pressure, 1e6, 0);
      CHECK_STR(L->surface[1].region, "lug");
      CHECK(L->surface[1].is_pressure == 0, "traction is not pressure");
      CHECK_NEAR(L->surface[1].traction[0], 0, 0);
      CHECK_NEAR(L->surface[1].traction[2], 2e6, 0);
    }
    CHECK(L->has_gravity, "has_gravity");
    CHECK_NEAR(L->gravity[2], -9.81, 0);
    CHECK(L->has_rotation, "has_rotation");
    CHECK_NEAR(L->axis[2], 1, 0);
    CHECK_NEAR(L->omega, 100, 0);
    CHECK(L->has_body_force, "has_body_force");
    CHECK(L->body_force[0].expr == NULL && L->body_force[1].expr == NULL, "constant body force components");
    CHECK(L->body_force[2].expr != NULL, "body_force z is an expression");
    if (L->body_force[2].expr) CHECK_NEAR(FtExprEval(L->body_force[2].expr, 0, 0, 2), -2000, 1e-15);
    CHECK(L->nprescribed == 1, "nprescribed %d", L->nprescribed);
    if (L->nprescribed == 1) {
      CHECK_STR(L->prescribed[0].region, "end");
      CHECK(!L->prescribed[0].comp[0] && !L->prescribed[0].comp[1] && L->prescribed[0].comp[2], "prescribed comps");
      CHECK_NEAR(L->prescribed[0].value[2].value, 2e-4, 0);
    }
    CHECK(L->thermal_case == 0, "thermal_case %d", L->thermal_case);
    CHECK(L->has_exact, "has_exact");
    CHECK(L->exact[0].expr != NULL && L->exact[1].expr == NULL, "exact expressions");
  }
  snprintf(want, sizeof want, "%s/results/bracket.h5", tmpdir);
  CHECK_STR(c.output_file, want);
  CHECK(c.write_xdmf == 1, "write_xdmf %d", c.write_xdmf);
  CHECK_NEAR(c.rtol, 1e-10, 0);

  FtCaseFree(&c);
  CHECK(is_zero(&c, sizeof c), "FtCaseFree does not zero the case");
  FtCaseFree(&c); /* twice is harmless */
}

/* A minimal case: defaults, absolute paths, paths relative to a case given without a folder. */
static void test_minimal(void)
{
  const char *text = "name: t-1.a_b\n"
                     "mesh: {file: /abs/m.msh}\n"
                     "materials: [{region: body, E: 1, nu: 0}]\n"
                     "mechanical:\n"
                     "  load_cases: [{name: none}]\n"
                     "output: {file: out.h5, xdmf: false}\n";
  FtCase c;
  char   err[1024] = "";
  int    rc        = FtCaseParse("case.yaml", text, &c, err, sizeof err);
  CHECK(rc == 0, "minimal case failed: %s", err);
  if (rc) return;
  CHECK_STR(c.name, "t-1.a_b");
  CHECK_STR(c.mesh_file, "/abs/m.msh");
  CHECK_STR(c.output_file, "out.h5");
  CHECK_NEAR(c.mesh_scale, 1, 0);
  CHECK(c.order == 2, "default order %d", c.order);
  CHECK_NEAR(c.T_ref, 293.15, 0);
  CHECK(c.write_xdmf == 0, "xdmf false");
  CHECK_NEAR(c.rtol, 1e-10, 0);
  CHECK_NEAR(c.materials[0].alpha, 0, 0);
  CHECK_NEAR(c.materials[0].rho, 0, 0);
  CHECK_NEAR(c.materials[0].k, 0, 0);
  CHECK(c.nthermal == 0 && c.thermal == NULL, "no thermal");
  CHECK(c.nconstraints == 0, "no constraints");
  CHECK(c.loads[0].thermal_case == -1, "thermal_case %d", c.loads[0].thermal_case);
  CHECK(!c.loads[0].has_gravity && !c.loads[0].has_rotation && !c.loads[0].has_body_force && !c.loads[0].has_exact, "no loads");
  FtCaseFree(&c);

  /* unit m, order 1, relative path in a relative folder, constant expression folded,
     rotation axis normalised, scalar constraint value for every listed component,
     a prescribed-temperature case does not need k */
  text = "name: t\n"
         "mesh: {file: m.msh, unit: m, order: 1}\n"
         "materials: [{region: body, E: 1, nu: 0, rho: 2}]\n"
         "thermal: [{name: given, temperature: 300}]\n"
         "mechanical:\n"
         "  constraints: [{region: f, components: [y, x], value: \"2*pi\"}, {region: g, components: [z], value: \"x+1\"}]\n"
         "  load_cases:\n"
         "    - {name: a, rotation: {axis: [0, 3, 4], omega: -5}, temperature: given}\n"
         "    - {name: b, temperature: given, prescribed: [{region: f, components: [x], value: [\"y\", 0, 0]}]}\n"
         "output: {file: ../out/x.h5}\n"
         "solver: {rtol: 1e-6}\n";
  rc = FtCaseParse("dir/sub/case.yaml", text, &c, err, sizeof err);
  CHECK(rc == 0, "second case failed: %s", err);
  if (rc) return;
  CHECK_STR(c.mesh_file, "dir/sub/m.msh");
  CHECK_STR(c.output_file, "dir/sub/../out/x.h5");
  CHECK(c.order == 1, "order %d", c.order);
  CHECK(c.thermal[0].kind == FT_THERMAL_PRESCRIBED && c.thermal[0].field.expr == NULL, "constant temperature");
  CHECK_NEAR(c.thermal[0].field.value, 300, 0);
  CHECK(c.constraints[0].comp[0] && c.constraints[0].comp[1] && !c.constraints[0].comp[2], "components [y, x]");
  CHECK(c.constraints[0].value[0].expr == NULL, "2*pi folded to a constant");
  CHECK_NEAR(c.constraints[0].value[0].value, 2 * M_PI, 1e-15);
  CHECK_NEAR(c.constraints[0].value[1].value, 2 * M_PI, 1e-15);
  CHECK_NEAR(c.constraints[0].value[2].value, 0, 0);
  CHECK(c.constraints[1].value[2].expr && !c.constraints[1].value[0].expr, "scalar expression only on listed components");
  if (c.constraints[1].value[2].expr) CHECK_NEAR(FtExprEval(c.constraints[1].value[2].expr, 2, 0, 0), 3, 0);
  CHECK_NEAR(c.loads[0].axis[1], 0.6, 1e-15);
  CHECK_NEAR(c.loads[0].axis[2], 0.8, 1e-15);
  CHECK_NEAR(c.loads[0].omega, -5, 0);
  CHECK(c.loads[0].thermal_case == 0 && c.loads[1].thermal_case == 0, "thermal_case");
  CHECK(c.loads[1].nprescribed == 1 && c.loads[1].prescribed[0].value[0].expr, "prescribed expression");
  CHECK_NEAR(c.rtol, 1e-6, 0);
  FtCaseFree(&c);
}

/* ------------------------------------------------------------------------------------------ */
/* Bad inputs                                                                                 */

/* A valid base case; bad cases replace one of its lines (1-based). */
static const char *base_lines[] = {
  /*  1 */ "name: t",
  /*  2 */ "mesh:",
  /*  3 */ "  file: m.msh",
  /*  4 */ "  unit: mm",
  /*  5 */ "  order: 2",
  /*  6 */ "materials:",
  /*  7 */ "  - region: body",
  /*  8 */ "    E: 210e9",
  /*  9 */ "    nu: 0.3",
  /* 10 */ "    k: 45",
  /* 11 */ "    rho: 7850",
  /* 12 */ "thermal:",
  /* 13 */ "  - name: hot",
  /* 14 */ "    fixed_temperature: [{region: inner, value: 373.15}]",
  /* 15 */ "mechanical:",
  /* 16 */ "  constraints:",
  /* 17 */ "    - {region: fixed, components: [x, y, z]}",
  /* 18 */ "    - {region: end, components: [z], value: 1.0e-4}",
  /* 19 */ "  load_cases:",
  /* 20 */ "    - name: lift",
  /* 21 */ "      pressure: [{region: top, value: 1.0e6}]",
  /* 22 */ "      temperature: hot",
  /* 23 */ "output:",
  /* 24 */ "  file: out.h5",
};
#define NBASE ((int)(sizeof base_lines / sizeof base_lines[0]))

/* The base case with lines from..to replaced by `repl` (which may hold several lines). */
static char *variant(int from, int to, const char *repl)
{
  static char buf[8192];
  buf[0] = 0;
  for (int i = 1; i <= NBASE; i++) {
    if (i == from) {
      strcat(buf, repl);
      strcat(buf, "\n");
    }
    if (i < from || i > to) {
      strcat(buf, base_lines[i - 1]);
      strcat(buf, "\n");
    }
  }
  return buf;
}

static int nbad;

/* Loading `text` must fail with `<casepath>:<line>:` and every non-NULL string in the message. */
static void bad_text(const char *what, const char *text, int line, const char *s1, const char *s2, const char *s3)
{
  FtCase c;
  char   err[1024] = "", prefix[600];
  nbad++;
  write_file(casepath, text);
  memset(&c, 0x5a, sizeof c);
  int rc = FtCaseLoad(casepath, &c, err, sizeof err);
  CHECK(rc != 0, "%s: accepted", what);
  if (rc == 0) {
    FtCaseFree(&c);
    return;
  }
  if (getenv("VERBOSE")) printf("  %-45s %s\n", what, err);
  CHECK(is_zero(&c, sizeof c), "%s: case not zeroed after error", what);
  snprintf(prefix, sizeof prefix, "%s:%d: ", casepath, line);
  CHECK(!strncmp(err, prefix, strlen(prefix)), "%s: message \"%s\" does not start with \"%s\"", what, err, prefix);
  const char *want[3] = {s1, s2, s3};
  for (int i = 0; i < 3; i++)
    if (want[i]) CHECK(strstr(err, want[i]) != NULL, "%s: message \"%s\" lacks \"%s\"", what, err, want[i]);
  CHECK(!strchr(err, '\n'), "%s: message is not one line: \"%s\"", what, err);
}

/* The base case with line `at` replaced by `repl`. */
static void bad(const char *what, int at, const char *repl, int line, const char *s1, const char *s2, const char *s3)
{
  bad_text(what, variant(at, at, repl), line, s1, s2, s3);
}

/* The base case with lines from..to replaced by `repl`. */
static void bad_range(const char *what, int from, int to, const char *repl, int line, const char *s1, const char *s2, const char *s3)
{
  bad_text(what, variant(from, to, repl), line, s1, s2, s3);
}

static void test_bad_inputs(void)
{
  FtCase c;
  char   err[1024];

  /* the base itself is valid */
  write_file(casepath, variant(0, -1, ""));
  int rc = FtCaseLoad(casepath, &c, err, sizeof err);
  CHECK(rc == 0, "base case failed: %s", err);
  if (!rc) FtCaseFree(&c);

  bad("unknown top-level key", 24, "  file: out.h5\nsolve: {rtol: 1}", 25, "solve: unknown key", "known: name, mesh, materials", "solver");
  bad("unknown nested key", 4, "  unti: mm", 4, "mesh.unti: unknown key (known: file, unit, order)", NULL, NULL);
  bad("misspelt material key", 9, "    nuu: 0.3", 9, "materials[0].nuu: unknown key", "E, nu, alpha, k, rho", NULL);
  bad("misspelt load case key", 21, "      presure: [{region: top, value: 1.0e6}]", 21, "mechanical.load_cases[0].presure: unknown key",
      "pressure", NULL);
  bad("unknown key in flow mapping", 17, "    - {region: fixed, component: [x, y, z]}", 17, "mechanical.constraints[0].component: unknown key",
      "components", NULL);
  bad("duplicate key", 5, "  unit: m", 5, "mesh.unit: duplicate key", "line 4", NULL);
  bad("string for E", 8, "    E: abc", 8, "materials[0].E: expected a number, got 'abc'", NULL, NULL);
  bad("number with trailing garbage", 8, "    E: 210e9Pa", 8, "materials[0].E: expected a number, got '210e9Pa'", NULL, NULL);
  bad("infinite E", 8, "    E: 1e999", 8, "materials[0].E: expected a number", "'1e999'", NULL);
  bad_range("mapping for list", 16, 18, "  constraints: {region: fixed, components: [x, y, z]}\n  # 17\n  # 18", 16,
      "mechanical.constraints: expected a list, got a mapping", NULL, NULL);
  bad_range("scalar for mapping", 2, 5, "mesh: m.msh\n# 3\n# 4\n# 5", 2, "mesh: expected a mapping, got 'm.msh'", NULL, NULL);
  bad("list for number", 9, "    nu: [0.3]", 9, "materials[0].nu: expected a number, got a list", NULL, NULL);
  bad("E < 0", 8, "    E: -2e9", 8, "materials[0].E: must be > 0, got -2e9", NULL, NULL);
  bad("E = 0", 8, "    E: 0", 8, "materials[0].E: must be > 0, got 0", NULL, NULL);
  bad("nu = 0.5", 9, "    nu: 0.5", 9, "materials[0].nu: must be in (-1, 0.5), got 0.5", NULL, NULL);
  bad("nu = 0.7", 9, "    nu: 0.7", 9, "materials[0].nu: must be in (-1, 0.5), got 0.7", NULL, NULL);
  bad("nu = -1", 9, "    nu: -1", 9, "materials[0].nu: must be in (-1, 0.5), got -1", NULL, NULL);
  bad("negative k", 10, "    k: -45", 10, "materials[0].k: must be > 0, got -45", NULL, NULL);
  bad("negative alpha", 10, "    k: 45\n    alpha: -1e-6", 11, "materials[0].alpha: must be >= 0, got -1e-6", NULL, NULL);
  bad("negative rho", 11, "    rho: -1", 11, "materials[0].rho: must be >= 0, got -1", NULL, NULL);
  bad("missing k with a solved thermal case", 10, "    alpha: 1e-5", 7, "materials[0].k: missing", "'hot'", NULL);
  bad("missing E", 8, "    # no E", 7, "materials[0].E: missing", NULL, NULL);
  bad("missing mesh.file", 3, "  # no file", 4, "mesh.file: missing", NULL, NULL);
  bad("missing output.file", 24, "  xdmf: false", 24, "output.file: missing", NULL, NULL);
  bad_range("missing output", 23, 24, "# no output", 1, "output: missing", NULL, NULL);
  bad("unit inch", 4, "  unit: inch", 4, "mesh.unit: must be m or mm, got 'inch'", NULL, NULL);
  bad("order 3", 5, "  order: 3", 5, "mesh.order: must be 1 or 2, got '3'", NULL, NULL);
  bad("order 2.0", 5, "  order: 2.0", 5, "mesh.order: must be 1 or 2, got '2.0'", NULL, NULL);
  bad("bad name", 1, "name: my case", 1, "name: must match [A-Za-z0-9_.-]+, got 'my case'", NULL, NULL);
  bad("bad expression", 18, "    - {region: end, components: [z], value: \"sin(x))\"}", 18, "mechanical.constraints[1].value: bad expression",
      "unexpected ')' at column 7", "sin(x))");
  bad("unknown identifier", 18, "    - {region: end, components: [z], value: \"2*w\"}", 18, "mechanical.constraints[1].value",
      "unknown identifier 'w'", NULL);
  bad("unknown thermal case", 22, "      temperature: hott", 22, "mechanical.load_cases[0].temperature: no thermal case named 'hott' (known: hot)",
      NULL, NULL);
  bad("duplicate material region", 11, "    rho: 7850\n  - {region: body, E: 1e9, nu: 0.2, k: 1}", 12, "materials[1].region: duplicate region 'body'",
      "line 7", NULL);
  bad("duplicate load case name", 22, "      temperature: hot\n    - {name: lift}", 23, "mechanical.load_cases[1].name: duplicate load case name 'lift'",
      NULL, NULL);
  bad("duplicate thermal case name", 14, "    fixed_temperature: [{region: inner, value: 373.15}]\n  - {name: hot, temperature: 300}", 15,
      "thermal[1].name: duplicate thermal case name 'hot'", NULL, NULL);
  bad("duplicate constraint region", 18, "    - {region: fixed, components: [z]}", 18, "mechanical.constraints[1].region: duplicate region 'fixed'",
      NULL, NULL);
  bad("prescribed on an unconstrained region", 22, "      temperature: hot\n      prescribed: [{region: top, components: [z], value: 1}]", 23,
      "mechanical.load_cases[0].prescribed[0].region: region 'top' is not in mechanical.constraints", "only constrained", "fixed, end");
  bad("prescribed on an unconstrained component", 22, "      temperature: hot\n      prescribed: [{region: end, components: [x], value: 1}]", 23,
      "mechanical.load_cases[0].prescribed[0].components: component 'x' of region 'end' is not constrained", "constrains z", NULL);
  bad("prescribed without value", 22, "      temperature: hot\n      prescribed: [{region: end, components: [z]}]", 23,
      "mechanical.load_cases[0].prescribed[0].value: missing", NULL, NULL);
  bad_text("gravity with rho 0",
           "name: t\nmesh: {file: m.msh}\nmaterials:\n  - {region: body, E: 1, nu: 0, rho: 0}\n"
           "mechanical:\n  load_cases:\n    - name: g\n      gravity: [0, 0, -9.81]\noutput: {file: o.h5}\n",
           8, "mechanical.load_cases[0].gravity: gravity needs rho > 0", "materials[0] (region 'body'", "rho = 0");
  bad_text("rotation without rho",
           "name: t\nmesh: {file: m.msh}\nmaterials:\n  - {region: a, E: 1, nu: 0, rho: 1}\n  - {region: web, E: 1, nu: 0}\n"
           "mechanical:\n  load_cases:\n    - name: spin\n      rotation: {axis: [0, 0, 1], omega: 10}\noutput: {file: o.h5}\n",
           9, "mechanical.load_cases[0].rotation: rotation needs rho > 0", "materials[1] (region 'web'", NULL);
  bad("zero rotation axis", 22, "      temperature: hot\n      rotation: {axis: [0, 0, 0], omega: 1}", 23,
      "mechanical.load_cases[0].rotation.axis: must be a non-zero vector", NULL, NULL);
  bad("gravity of 2 components", 22, "      temperature: hot\n      gravity: [0, -9.81]", 23, "mechanical.load_cases[0].gravity: expected a list of 3",
      "got a list of 2", NULL);
  bad("component w", 17, "    - {region: fixed, components: [x, y, w]}", 17, "mechanical.constraints[0].components[2]: unknown component 'w'",
      "(known: x, y, z)", NULL);
  bad("duplicate component", 17, "    - {region: fixed, components: [x, y, x]}", 17, "mechanical.constraints[0].components[2]: duplicate component 'x'",
      NULL, NULL);
  bad("value for an unlisted component", 18, "    - {region: end, components: [z], value: [1, 0, 2]}", 18,
      "mechanical.constraints[1].value[0]: component x is not in components", "got '1'", NULL);
  bad("thermal case with no way to fix its temperature", 14, "    heat_flux: [{region: inner, value: 1000}]", 13, "thermal[0]: thermal case 'hot'",
      "undetermined", NULL);
  bad("thermal case with temperature and BCs", 14, "    fixed_temperature: [{region: inner, value: 373.15}]\n    temperature: 300", 15,
      "thermal[0].temperature: thermal case 'hot' has both", "fixed_temperature", NULL);
  bad("convection h = 0", 14, "    convection: [{region: outer, h: 0, ambient: 293}]", 14, "thermal[0].convection[0].h: must be > 0, got 0", NULL, NULL);
  bad_range("no materials", 7, 11, "  []\n# 8\n# 9\n# 10\n# 11", 7, "materials: at least one material", NULL, NULL);
  bad_range("empty list of load cases", 20, 22, "    []\n# 21\n# 22", 20, "mechanical.load_cases: at least one load case", NULL, NULL);
  bad("xdmf maybe", 24, "  file: out.h5\n  xdmf: maybe", 25, "output.xdmf: expected true or false, got 'maybe'", NULL, NULL);
  bad("rtol 0", 24, "  file: out.h5\nsolver: {rtol: 0}", 25, "solver.rtol: must be in (0, 1), got 0", NULL, NULL);
  bad("empty value", 8, "    E:", 8, "materials[0].E: expected a number, got an empty value", NULL, NULL);
  bad("bad expression after good ones", 22, "      temperature: hot\n      body_force: [\"x\", \"y\", \"q(1)\"]", 23,
      "mechanical.load_cases[0].body_force[2]: bad expression", "unknown identifier 'q'", NULL);
  bad("expression for an unlisted component", 18, "    - {region: end, components: [z], value: [\"x\", 0, \"y\"]}", 18,
      "mechanical.constraints[1].value[0]: component x is not in components", "got 'x'", NULL);
  bad("exact displacement of 2 components", 22, "      temperature: hot\n      exact_displacement: [\"x\", \"y\"]", 23,
      "mechanical.load_cases[0].exact_displacement: expected a list of 3", NULL, NULL);
  bad("bad prescribed temperature field", 14, "    temperature: \"300 + x*\"", 14, "thermal[0].temperature: bad expression",
      "unexpected end of expression", "300 + x*");
  bad("traction given as a number", 21, "      traction: [{region: top, value: 1.0e6}]", 21,
      "mechanical.load_cases[0].traction[0].value: expected a list of 3 numbers", "got '1.0e6'", NULL);
  bad("pressure given as a list", 21, "      pressure: [{region: top, value: [1, 2, 3]}]", 21,
      "mechanical.load_cases[0].pressure[0].value: expected a number, got a list", NULL, NULL);
  bad_text("temperature without a thermal section",
           "name: t\nmesh: {file: m.msh}\nmaterials: [{region: a, E: 1, nu: 0}]\n"
           "mechanical:\n  load_cases:\n    - name: c\n      temperature: hot\noutput: {file: o.h5}\n",
           7, "mechanical.load_cases[0].temperature: no thermal case named 'hot'", "known: none", NULL);
  bad("non-finite constant expression", 18, "    - {region: end, components: [z], value: \"1/0\"}", 18, "mechanical.constraints[1].value",
      "not finite", "'1/0'");
  bad("YAML syntax error", 9, "    nu: 0.3: 4", 9, "YAML syntax error", "mapping values are not allowed", NULL);
  bad("YAML syntax error: unclosed flow list", 17, "    - {region: fixed, components: [x, y, z}", 17, "YAML syntax error", NULL, NULL);
  bad("YAML syntax error: tab indentation", 10, "\tk: 45", 10, "YAML syntax error", NULL, NULL);
  bad("second document", 24, "  file: out.h5\n---\nname: u", 26, "second YAML document", NULL, NULL);
  bad_text("top level is a list", "# comment\n- a\n- b\n", 2, "must be a mapping", "got a list", NULL);
  bad_text("empty file", "", 1, "empty case file", NULL, NULL);
  bad_text("only comments", "# nothing\n\n", 1, "empty case file", NULL, NULL);

  /* a file that cannot be read */
  char missing[600];
  snprintf(missing, sizeof missing, "%s/no-such-case.yaml", tmpdir);
  memset(&c, 0x5a, sizeof c);
  rc = FtCaseLoad(missing, &c, err, sizeof err);
  nbad++;
  CHECK(rc != 0, "missing file accepted");
  char want[700];
  snprintf(want, sizeof want, "%s: cannot read case file: No such file or directory", missing);
  CHECK_STR(err, want);
  CHECK(is_zero(&c, sizeof c), "case not zeroed after missing file");
  rc = FtCaseLoad(tmpdir, &c, err, sizeof err); /* a folder */
  nbad++;
  CHECK(rc != 0 && strstr(err, "cannot read case file"), "folder as case file: rc %d, \"%s\"", rc, err);
  CHECK(is_zero(&c, sizeof c), "case not zeroed after reading a folder");
}

int main(void)
{
  const char *base = getenv("TMPDIR");
  snprintf(tmpdir, sizeof tmpdir, "%s/ftwin-test-case-XXXXXX", base && base[0] ? base : "/tmp");
  if (!mkdtemp(tmpdir)) {
    perror("mkdtemp");
    return 2;
  }
  snprintf(casepath, sizeof casepath, "%s/case.yaml", tmpdir);

  test_expr();
  test_full_example();
  test_minimal();
  test_bad_inputs();

  remove(casepath);
  rmdir(tmpdir);
  printf("(%d bad-input cases)\n", nbad);
  printf("%d passed, %d failed\n", npass, nfail);
  return nfail ? 1 : 0;
}
