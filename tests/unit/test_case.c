/* Unit tests for the case-file parser (src/case/case.c and its section files), its fatigue section
 * and material library (inputs/materials.yaml), and expressions (src/case/expr.c).
 *
 * Build and run from the repository root:
 *   gcc -std=c11 -Wall -Wextra -Werror -Isrc -Ikernels tests/unit/test_case.c src/case/[a-z]*.c $(pkg-config --cflags --libs yaml-0.1) -lm
 *   ./a.out
 * Under valgrind: valgrind --error-exitcode=1 --leak-check=full ./a.out
 *
 * Writes its case files into a fresh temporary folder (mkdtemp) and removes them afterwards.
 * inputs/materials.yaml is found from __FILE__ (this file's path, relative to the folder the
 * compiler ran in, or absolute as CMake passes it). FTWIN_MATERIALS is unset at the start.
 * The last line printed is `N passed, N failed`; the exit status is non-zero on any failure.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "case/case.h"
#include "case/expr.h"
#include "case/fatigue_params.h"
#include "ft_equivalent.h"
#include "check.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

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
  CHECKF(e == NULL, "\"%s\" compiled but should not", text);
  FtExprFree(e);
  CHECKF(s1 == NULL || strstr(err, s1), "error for \"%s\" is \"%s\", lacks \"%s\"", text, err, s1);
  CHECKF(s2 == NULL || strstr(err, s2), "error for \"%s\" is \"%s\", lacks \"%s\"", text, err, s2);
  CHECKF(!strchr(err, '\n'), "error for \"%s\" is not one line: \"%s\"", text, err);
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
  CHECKF(e != NULL, "compile failed: %s", err);
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
  CHECKF(FtExprCompile(NULL, err, sizeof err) == NULL, "NULL text compiled");
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
  CHECKF(rc == 0, "full example failed: %s", err);
  if (rc) return;

  CHECK_STR(c.path, casepath);
  CHECKF(c.text && !strcmp(c.text, full_example), "text not kept");
  CHECK_STR(c.name, "bracket");
  snprintf(want, sizeof want, "%s/../meshes/bracket.msh", tmpdir);
  CHECK_STR(c.mesh_file, want);
  CHECK_NEAR(c.mesh_scale, 1e-3, 0);
  CHECKF(c.order == 2, "order %d", c.order);

  CHECKF(c.nmaterials == 1, "nmaterials %d", c.nmaterials);
  FtCaseMaterial *m = &c.materials[0];
  CHECK_STR(m->region, "body");
  CHECK_NEAR(m->E, 210e9, 0);
  CHECK_NEAR(m->nu, 0.3, 0);
  CHECK_NEAR(m->alpha, 12e-6, 0);
  CHECK_NEAR(m->k, 45, 0);
  CHECK_NEAR(m->rho, 7850, 0);
  CHECKF(m->line == 7, "material line %d", m->line);
  CHECK_NEAR(c.T_ref, 293.15, 0);

  CHECKF(c.nthermal == 2, "nthermal %d", c.nthermal);
  FtThermalCase *t = &c.thermal[0];
  CHECK_STR(t->name, "hot");
  CHECKF(t->kind == FT_THERMAL_SOLVE, "kind %d", (int)t->kind);
  CHECKF(t->line == 15, "thermal line %d", t->line);
  CHECKF(t->field.expr == NULL, "solved case has a field");
  CHECKF(t->nfixed == 1 && t->nflux == 1 && t->nconvection == 1 && t->nsource == 1, "bc counts %d %d %d %d", t->nfixed, t->nflux,
        t->nconvection, t->nsource);
  if (t->nfixed == 1 && t->nflux == 1 && t->nconvection == 1 && t->nsource == 1) {
    CHECK_STR(t->fixed[0].region, "inner");
    CHECK_NEAR(t->fixed[0].value, 373.15, 0);
    CHECKF(t->fixed[0].line == 16, "fixed line %d", t->fixed[0].line);
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
  CHECKF(t->kind == FT_THERMAL_PRESCRIBED, "kind %d", (int)t->kind);
  CHECKF(t->nfixed == 0 && t->nflux == 0 && t->nconvection == 0 && t->nsource == 0, "prescribed case has BCs");
  CHECKF(t->field.expr != NULL, "prescribed field has no expression");
  if (t->field.expr) {
    CHECK_NEAR(FtExprEval(t->field.expr, 3, 4, 1), 279.15, 1e-14);
    CHECK_STR(FtExprText(t->field.expr), "sqrt(x^2+y^2) + z + 273.15");
  }

  CHECKF(c.nconstraints == 4, "nconstraints %d", c.nconstraints);
  if (c.nconstraints == 4) {
    FtConstraint *k = c.constraints;
    CHECK_STR(k[0].region, "fixed");
    CHECKF(k[0].comp[0] && k[0].comp[1] && k[0].comp[2], "fixed comps");
    for (int d = 0; d < 3; d++) CHECKF(k[0].value[d].expr == NULL && k[0].value[d].value == 0, "fixed value %d", d);
    CHECKF(k[0].line == 24, "constraint line %d", k[0].line);
    CHECK_STR(k[1].region, "sym_x");
    CHECKF(k[1].comp[0] && !k[1].comp[1] && !k[1].comp[2], "sym_x comps %d %d %d", k[1].comp[0], k[1].comp[1], k[1].comp[2]);
    CHECK_STR(k[2].region, "end");
    CHECKF(!k[2].comp[0] && !k[2].comp[1] && k[2].comp[2], "end comps");
    CHECK_NEAR(k[2].value[2].value, 1e-4, 0);
    CHECKF(k[2].value[2].expr == NULL, "end value is constant");
    CHECKF(k[2].value[0].value == 0 && k[2].value[1].value == 0, "unconstrained components of end are 0");
    CHECK_STR(k[3].region, "all_faces");
    CHECKF(k[3].value[0].expr != NULL, "all_faces x is an expression");
    if (k[3].value[0].expr) CHECK_NEAR(FtExprEval(k[3].value[0].expr, 0, M_PI / 2, 0), 1, 1e-15);
    CHECKF(k[3].value[1].expr == NULL && k[3].value[1].value == 0, "\"0\" is a constant");
    CHECKF(k[3].value[2].expr == NULL && k[3].value[2].value == 0, "\"0\" is a constant");
  }

  CHECKF(c.nloads == 1, "nloads %d", c.nloads);
  if (c.nloads == 1) {
    FtLoadCase *L = &c.loads[0];
    CHECK_STR(L->name, "lift");
    CHECKF(L->line == 29, "load case line %d", L->line);
    CHECKF(L->nsurface == 2, "nsurface %d", L->nsurface);
    if (L->nsurface == 2) {
      CHECK_STR(L->surface[0].region, "top");
      CHECKF(L->surface[0].is_pressure == 1, "is_pressure");
      CHECK_NEAR(L->surface[0].pressure, 1e6, 0);
      CHECK_STR(L->surface[1].region, "lug");
      CHECKF(L->surface[1].is_pressure == 0, "traction is not pressure");
      CHECK_NEAR(L->surface[1].traction[0], 0, 0);
      CHECK_NEAR(L->surface[1].traction[2], 2e6, 0);
    }
    CHECKF(L->has_gravity, "has_gravity");
    CHECK_NEAR(L->gravity[2], -9.81, 0);
    CHECKF(L->has_rotation, "has_rotation");
    CHECK_NEAR(L->axis[2], 1, 0);
    CHECK_NEAR(L->omega, 100, 0);
    CHECKF(L->has_body_force, "has_body_force");
    CHECKF(L->body_force[0].expr == NULL && L->body_force[1].expr == NULL, "constant body force components");
    CHECKF(L->body_force[2].expr != NULL, "body_force z is an expression");
    if (L->body_force[2].expr) CHECK_NEAR(FtExprEval(L->body_force[2].expr, 0, 0, 2), -2000, 1e-15);
    CHECKF(L->nprescribed == 1, "nprescribed %d", L->nprescribed);
    if (L->nprescribed == 1) {
      CHECK_STR(L->prescribed[0].region, "end");
      CHECKF(!L->prescribed[0].comp[0] && !L->prescribed[0].comp[1] && L->prescribed[0].comp[2], "prescribed comps");
      CHECK_NEAR(L->prescribed[0].value[2].value, 2e-4, 0);
    }
    CHECKF(L->thermal_case == 0, "thermal_case %d", L->thermal_case);
    CHECKF(L->has_exact, "has_exact");
    CHECKF(L->exact[0].expr != NULL && L->exact[1].expr == NULL, "exact expressions");
  }
  snprintf(want, sizeof want, "%s/results/bracket.h5", tmpdir);
  CHECK_STR(c.output_file, want);
  CHECKF(c.write_xdmf == 1, "write_xdmf %d", c.write_xdmf);
  CHECK_NEAR(c.rtol, 1e-10, 0);

  FtCaseFree(&c);
  CHECKF(is_zero(&c, sizeof c), "FtCaseFree does not zero the case");
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
  CHECKF(rc == 0, "minimal case failed: %s", err);
  if (rc) return;
  CHECK_STR(c.name, "t-1.a_b");
  CHECK_STR(c.mesh_file, "/abs/m.msh");
  CHECK_STR(c.output_file, "out.h5");
  CHECK_NEAR(c.mesh_scale, 1, 0);
  CHECKF(c.order == 2, "default order %d", c.order);
  CHECK_NEAR(c.T_ref, 293.15, 0);
  CHECKF(c.write_xdmf == 0, "xdmf false");
  CHECK_NEAR(c.rtol, 1e-8, 0);
  CHECK_NEAR(c.materials[0].alpha, 0, 0);
  CHECK_NEAR(c.materials[0].rho, 0, 0);
  CHECK_NEAR(c.materials[0].k, 0, 0);
  CHECKF(c.nthermal == 0 && c.thermal == NULL, "no thermal");
  CHECKF(c.nconstraints == 0, "no constraints");
  CHECKF(c.loads[0].thermal_case == -1, "thermal_case %d", c.loads[0].thermal_case);
  CHECKF(!c.loads[0].has_gravity && !c.loads[0].has_rotation && !c.loads[0].has_body_force && !c.loads[0].has_exact, "no loads");
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
  CHECKF(rc == 0, "second case failed: %s", err);
  if (rc) return;
  CHECK_STR(c.mesh_file, "dir/sub/m.msh");
  CHECK_STR(c.output_file, "dir/sub/../out/x.h5");
  CHECKF(c.order == 1, "order %d", c.order);
  CHECKF(c.thermal[0].kind == FT_THERMAL_PRESCRIBED && c.thermal[0].field.expr == NULL, "constant temperature");
  CHECK_NEAR(c.thermal[0].field.value, 300, 0);
  CHECKF(c.constraints[0].comp[0] && c.constraints[0].comp[1] && !c.constraints[0].comp[2], "components [y, x]");
  CHECKF(c.constraints[0].value[0].expr == NULL, "2*pi folded to a constant");
  CHECK_NEAR(c.constraints[0].value[0].value, 2 * M_PI, 1e-15);
  CHECK_NEAR(c.constraints[0].value[1].value, 2 * M_PI, 1e-15);
  CHECK_NEAR(c.constraints[0].value[2].value, 0, 0);
  CHECKF(c.constraints[1].value[2].expr && !c.constraints[1].value[0].expr, "scalar expression only on listed components");
  if (c.constraints[1].value[2].expr) CHECK_NEAR(FtExprEval(c.constraints[1].value[2].expr, 2, 0, 0), 3, 0);
  CHECK_NEAR(c.loads[0].axis[1], 0.6, 1e-15);
  CHECK_NEAR(c.loads[0].axis[2], 0.8, 1e-15);
  CHECK_NEAR(c.loads[0].omega, -5, 0);
  CHECKF(c.loads[0].thermal_case == 0 && c.loads[1].thermal_case == 0, "thermal_case");
  CHECKF(c.loads[1].nprescribed == 1 && c.loads[1].prescribed[0].value[0].expr, "prescribed expression");
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
  CHECKF(rc != 0, "%s: accepted", what);
  if (rc == 0) {
    FtCaseFree(&c);
    return;
  }
  if (getenv("VERBOSE")) printf("  %-45s %s\n", what, err);
  CHECKF(is_zero(&c, sizeof c), "%s: case not zeroed after error", what);
  snprintf(prefix, sizeof prefix, "%s:%d: ", casepath, line);
  CHECKF(!strncmp(err, prefix, strlen(prefix)), "%s: message \"%s\" does not start with \"%s\"", what, err, prefix);
  const char *want[3] = {s1, s2, s3};
  for (int i = 0; i < 3; i++)
    if (want[i]) CHECKF(strstr(err, want[i]) != NULL, "%s: message \"%s\" lacks \"%s\"", what, err, want[i]);
  CHECKF(!strchr(err, '\n'), "%s: message is not one line: \"%s\"", what, err);
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
  CHECKF(rc == 0, "base case failed: %s", err);
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
  CHECKF(rc != 0, "missing file accepted");
  char want[700];
  snprintf(want, sizeof want, "%s: cannot read case file: No such file or directory", missing);
  CHECK_STR(err, want);
  CHECKF(is_zero(&c, sizeof c), "case not zeroed after missing file");
  rc = FtCaseLoad(tmpdir, &c, err, sizeof err); /* a folder */
  nbad++;
  CHECKF(rc != 0 && strstr(err, "cannot read case file"), "folder as case file: rc %d, \"%s\"", rc, err);
  CHECKF(is_zero(&c, sizeof c), "case not zeroed after reading a folder");
}

/* ------------------------------------------------------------------------------------------ */
/* Fatigue section                                                                            */

static char repo_root[512];

/* Writes `text` as a case at `path` and loads it; returns rc (the case is freed by the caller). */
static int load_text(const char *path, const char *text, FtCase *c, char *err, size_t errlen)
{
  write_file(path, text);
  return FtCaseLoad(path, c, err, errlen);
}

/* The lines of the fatigue example of inputs/CASE_FORMAT.md, in a bracket-like case. */
static const char *fatigue_example =
  /*  1 */ "name: bracket\n"
  /*  2 */ "mesh: {file: ../meshes/bracket.msh, unit: mm}\n"
  /*  3 */ "materials: [{region: body, E: 210e9, nu: 0.3, alpha: 12e-6, k: 45, rho: 7850}]\n"
  /*  4 */ "thermal:\n"
  /*  5 */ "  - {name: warm_base, fixed_temperature: [{region: base_top, value: 313.15}]}\n"
  /*  6 */ "mechanical:\n"
  /*  7 */ "  constraints: [{region: base_bottom, components: [z]}]\n"
  /*  8 */ "  load_cases:\n"
  /*  9 */ "    - {name: lift, traction: [{region: hole, value: [0, 0, 15.302e6]}]}\n"
  /* 10 */ "    - {name: side, traction: [{region: hole, value: [0, 3.0604e6, 0]}]}\n"
  /* 11 */ "    - {name: warm, temperature: warm_base}\n"
  /* 12 */ "output:\n"
  /* 13 */ "  file: results/bracket.h5\n"
  /* 14 */ "fatigue:\n"
  /* 15 */ "  basis: results/bracket.h5         # FE results holding the unit load cases (default: output.file)\n"
  /* 16 */ "  history: histories/day1.csv       # required; CSV: header line, a time column [s], one column per channel\n"
  /* 17 */ "  time_column: time                 # default \"time\"\n"
  /* 18 */ "  channels:                         # each history column drives one unit load case:\n"
  /* 19 */ "    - {name: lift_kN, load_case: lift, scale: 0.1}         # stress = S_lift * scale * (value - offset)\n"
  /* 20 */ "    - {name: side_kN, load_case: side, scale: 0.5}\n"
  /* 21 */ "    - {name: base_C,  load_case: warm, scale: 0.05, offset: 20.0}\n"
  /* 22 */ "  material: S355J2                  # required: an entry of the material library, or a mapping (below)\n"
  /* 23 */ "  library: ../materials.yaml        # the material library (optional; see below)\n"
  /* 24 */ "  equivalent_stress: signed_von_mises   # signed_von_mises | max_principal | critical_plane\n"
  /* 25 */ "  mean_stress: goodman              # none | goodman | gerber | soderberg | swt | morrow | walker\n"
  /* 26 */ "  compressive_mean: zero            # zero (default: a compressive mean counts as 0) | as_is\n"
  /* 27 */ "  gate: 1.0e6                       # rainflow hysteresis [Pa]: smaller reversals are ignored (default 0)\n"
  /* 28 */ "  hot_spots: 10                     # how many worst nodes to list (default 10)\n"
  /* 29 */ "  prior_damage: 0.0                 # damage already accumulated, 0 <= D < 1 (default 0)\n"
  /* 30 */ "  output: results/bracket_fatigue.h5   # required\n"
  /* 31 */ "  superposition: fused              # fused (default: sigma(t) formed per node) | gemm (a matrix product per chunk, BLAS)\n"
  /* 32 */ "  precision: double                 # double (default) | single (gemm only: float matrix product)\n";

/* A small library: a knee curve with Marin factors, a table curve, a Basquin curve. */
static const char *test_library =
  /*  1 */ "# test library\n"
  /*  2 */ "materials:\n"
  /*  3 */ "  - name: table_alloy\n"
  /*  4 */ "    source: \"made-up table\"\n"
  /*  5 */ "    ultimate: 600e6\n"
  /*  6 */ "    sn: {type: table, points: [[400e6, 1e4], [300e6, 1e5], [200e6, 1e6]]}\n"
  /*  7 */ "  - name: S355J2\n"
  /*  8 */ "    source: >-\n"
  /*  9 */ "      EN 1993-1-9 category 71,\n"
  /* 10 */ "      halved\n"
  /* 11 */ "    ultimate: 470e6\n"
  /* 12 */ "    yield: 355e6\n"
  /* 13 */ "    sigma_f: 900e6\n"
  /* 14 */ "    walker_gamma: 0.6\n"
  /* 15 */ "    sn:\n"
  /* 16 */ "      type: knee\n"
  /* 17 */ "      S_ref: 35.5e6\n"
  /* 18 */ "      N_ref: 2e6\n"
  /* 19 */ "      m: 3\n"
  /* 20 */ "      S_knee: 26.15662364e6\n"
  /* 21 */ "      m2: 5\n"
  /* 22 */ "      endurance: 14.36731734e6\n"
  /* 23 */ "    marin: {surface: 0.9, size: 0.85, load: 0.95, temperature: 0.99, reliability: 0.897, misc: 0.74}\n"
  /* 24 */ "  - name: basquin_steel\n"
  /* 25 */ "    source: test\n"
  /* 26 */ "    sn: {type: basquin, S_ref: 1e9, N_ref: 0.5, m: 10}\n";

static void test_fatigue_example(void)
{
  char   dir[700], path[800], lib[800], want[FT_PATH_MAX + 64], err[2048] = "";
  FtCase c;
  snprintf(dir, sizeof dir, "%s/bracket", tmpdir);
  mkdir(dir, 0700);
  snprintf(path, sizeof path, "%s/case.yaml", dir);
  snprintf(lib, sizeof lib, "%s/materials.yaml", tmpdir);
  write_file(lib, test_library);
  int rc = load_text(path, fatigue_example, &c, err, sizeof err);
  CHECKF(rc == 0, "fatigue example failed: %s", err);
  if (rc == 0) {
    FtFatigueCase *f = &c.fatigue;
    CHECKF(f->enabled == 1, "enabled %d", f->enabled);
    CHECKF(f->line == 15, "fatigue line %d", f->line);
    snprintf(want, sizeof want, "%s/results/bracket.h5", dir);
    CHECK_STR(f->basis, want);
    CHECK_STR(c.output_file, want);
    snprintf(want, sizeof want, "%s/histories/day1.csv", dir);
    CHECK_STR(f->history, want);
    CHECK_STR(f->time_column, "time");
    CHECKF(f->nchannels == 3, "nchannels %d", f->nchannels);
    if (f->nchannels == 3) {
      const char  *names[3] = {"lift_kN", "side_kN", "base_C"};
      const double scale[3] = {0.1, 0.5, 0.05}, offset[3] = {0, 0, 20};
      for (int i = 0; i < 3; i++) {
        CHECK_STR(f->channels[i].name, names[i]);
        CHECKF(f->channels[i].load_case == i, "channel %d load_case %d", i, f->channels[i].load_case);
        CHECK_NEAR(f->channels[i].scale, scale[i], 0);
        CHECK_NEAR(f->channels[i].offset, offset[i], 0);
        CHECKF(f->channels[i].line == 19 + i, "channel %d line %d", i, f->channels[i].line);
      }
    }
    snprintf(want, sizeof want, "%s/../materials.yaml", dir);
    CHECK_STR(f->library, want);
    const FtFatigueMaterial *m = &f->material;
    CHECK_STR(m->name, "S355J2");
    CHECK_STR(m->source, "EN 1993-1-9 category 71, halved");
    CHECKF(m->sn_kind == FT_SN_KNEE, "sn_kind %d", m->sn_kind);
    CHECK_NEAR(m->S_ref, 35.5e6, 0);
    CHECK_NEAR(m->N_ref, 2e6, 0);
    CHECK_NEAR(m->m, 3, 0);
    CHECK_NEAR(m->S_knee, 26.15662364e6, 0);
    CHECK_NEAR(m->m2, 5, 0);
    CHECKF(m->haibach == 0, "haibach %d", m->haibach);
    CHECK_NEAR(m->S_e, 14.36731734e6, 0);
    CHECKF(m->npts == 0, "npts %d", m->npts);
    const double marin[6] = {0.9, 0.85, 0.95, 0.99, 0.897, 0.74};
    for (int i = 0; i < 6; i++) CHECK_NEAR(m->marin[i], marin[i], 0);
    CHECK_NEAR(m->S_u, 470e6, 0);
    CHECK_NEAR(m->S_y, 355e6, 0);
    CHECK_NEAR(m->sigma_f, 900e6, 0);
    CHECK_NEAR(m->walker_gamma, 0.6, 0);
    CHECKF(f->equivalent == FT_EQ_SIGNED_VON_MISES, "equivalent %d", f->equivalent);
    CHECKF(f->mean_stress == FT_MSC_GOODMAN, "mean_stress %d", f->mean_stress);
    CHECKF(f->mean_compressive == FT_MEAN_COMPR_ZERO, "mean_compressive %d", f->mean_compressive);
    CHECK_NEAR(f->gate, 1e6, 0);
    CHECKF(f->hot_spots == 10, "hot_spots %d", f->hot_spots);
    CHECK_NEAR(f->prior_damage, 0, 0);
    snprintf(want, sizeof want, "%s/results/bracket_fatigue.h5", dir);
    CHECK_STR(f->output, want);
    CHECKF(f->superposition == 0 && f->single_precision == 0 && f->cuda_fast == 0, "superposition %d single_precision %d cuda_fast %d",
           f->superposition, f->single_precision, f->cuda_fast);

    FtFatigueParams p;
    CHECKF(FtFatigueParamsFromCase(f, &p) == FT_FAT_OK, "params rejected");
    CHECKF(p.sn.kind == FT_SN_KNEE && p.msc == FT_MSC_GOODMAN && p.mean_compr == FT_MEAN_COMPR_ZERO, "params kind %d msc %d compr %d",
          p.sn.kind, p.msc, p.mean_compr);
    CHECK_NEAR(p.S_u, 470e6, 0);
    CHECK_NEAR(p.sn.marin[5], 0.74, 0);
    CHECK_NEAR(ft_sn_cycles(&p.sn, 35.5e6 * ft_sn_marin(&p.sn)), 2e6, 1e-12);
    FtCaseFree(&c);
    CHECKF(is_zero(&c, sizeof c), "FtCaseFree does not zero a case with a fatigue section");
  }

  /* the same with the defaults (basis, time column, offset, hot_spots, ...) and other choices */
  const char *text = "name: t\nmesh: {file: m.msh}\nmaterials: [{region: b, E: 1, nu: 0}]\n"
                     "mechanical: {load_cases: [{name: a}, {name: b}]}\noutput: {file: out.h5}\n"
                     "fatigue:\n"
                     "  history: /abs/h.csv\n"
                     "  channels: [{name: F.1-x, load_case: b, scale: -2}]\n"
                     "  material: table_alloy\n"
                     "  equivalent_stress: critical_plane\n"
                     "  compressive_mean: as_is\n"
                     "  output: fat.h5\n";
  rc = load_text(path, text, &c, err, sizeof err); /* no library key, no FTWIN_MATERIALS, no materials.yaml next to it */
  CHECKF(rc != 0 && (strstr(err, "no material library was found") || strstr(err, "built-in default")), "no library: rc %d \"%s\"", rc,
        err);
  if (!rc) FtCaseFree(&c);
  setenv("FTWIN_MATERIALS", lib, 1);
  rc = load_text(path, text, &c, err, sizeof err);
  CHECKF(rc == 0, "defaults case failed: %s", err);
  if (rc == 0) {
    FtFatigueCase *f = &c.fatigue;
    snprintf(want, sizeof want, "%s/out.h5", dir);
    CHECK_STR(f->basis, want);
    CHECK_STR(f->history, "/abs/h.csv");
    CHECK_STR(f->time_column, "time");
    CHECKF(f->nchannels == 1 && f->channels[0].load_case == 1, "channel load_case");
    CHECK_STR(f->channels[0].name, "F.1-x");
    CHECK_NEAR(f->channels[0].scale, -2, 0);
    CHECK_NEAR(f->channels[0].offset, 0, 0);
    CHECKF(f->equivalent == FT_EQ_CRITICAL_PLANE, "equivalent %d", f->equivalent);
    CHECKF(f->cp_planes == 25 && ft_equivalent_channels(f->equivalent) == 25, "default planes %d", f->cp_planes);
    CHECKF(f->mean_stress == FT_MSC_NONE, "mean_stress %d", f->mean_stress);
    CHECKF(f->mean_compressive == FT_MEAN_COMPR_ASIS, "mean_compressive %d", f->mean_compressive);
    CHECK_NEAR(f->gate, 0, 0);
    CHECKF(f->hot_spots == 10, "default hot_spots %d", f->hot_spots);
    CHECK_NEAR(f->prior_damage, 0, 0);
    CHECK_STR(f->library, lib);
    const FtFatigueMaterial *m = &f->material;
    CHECKF(m->sn_kind == FT_SN_TABLE && m->npts == 3, "table kind %d npts %d", m->sn_kind, m->npts);
    CHECK_NEAR(m->tab_S[2], 200e6, 0);
    CHECK_NEAR(m->tab_N[2], 1e6, 0);
    for (int i = 0; i < 6; i++) CHECK_NEAR(m->marin[i], 1, 0);
    CHECK_NEAR(m->S_y, 0, 0);
    FtFatigueParams p;
    CHECKF(FtFatigueParamsFromCase(f, &p) == FT_FAT_OK, "table params rejected");
    CHECK_NEAR(ft_sn_cycles(&p.sn, 300e6), 1e5, 1e-12);
    FtCaseFree(&c);
  }
  unsetenv("FTWIN_MATERIALS");

  /* inline material: Haibach knee, max_principal, walker, hot_spots, prior damage */
  text = "name: t\nmesh: {file: m.msh}\nmaterials: [{region: b, E: 1, nu: 0}]\n"
         "mechanical: {load_cases: [{name: a}]}\noutput: {file: out.h5}\n"
         "fatigue:\n"
         "  history: h.csv\n"
         "  time_column: t_s\n"
         "  channels: [{name: time, load_case: a, scale: 1e6, offset: -1.5}]\n"
         "  equivalent_stress: max_principal\n"
         "  mean_stress: walker\n"
         "  hot_spots: 3\n"
         "  prior_damage: 0.25\n"
         "  gate: 0\n"
         "  output: fat.h5\n"
         "  material:\n"
         "    name: w\n"
         "    source: |\n"
         "      two\n"
         "      lines\n"
         "    walker_gamma: 1\n"
         "    sn: {type: knee, S_ref: 500e6, N_ref: 1e3, m: 4, S_knee: 200e6, haibach: true}\n"
         "    marin: {surface: 0.8}\n";
  rc = FtCaseParse("dir/case.yaml", text, &c, err, sizeof err);
  CHECKF(rc == 0, "inline case failed: %s", err);
  if (rc == 0) {
    FtFatigueCase *f = &c.fatigue;
    CHECK_STR(f->time_column, "t_s");
    CHECK_STR(f->channels[0].name, "time");
    CHECK_NEAR(f->channels[0].offset, -1.5, 0);
    CHECK_STR(f->history, "dir/h.csv");
    CHECK_STR(f->output, "dir/fat.h5");
    CHECK_STR(f->library, "");
    CHECKF(f->equivalent == FT_EQ_MAX_ABS_PRINCIPAL, "equivalent %d", f->equivalent);
    CHECKF(f->mean_stress == FT_MSC_WALKER, "mean_stress %d", f->mean_stress);
    CHECKF(f->hot_spots == 3, "hot_spots %d", f->hot_spots);
    CHECK_NEAR(f->prior_damage, 0.25, 0);
    CHECK_STR(f->material.name, "w");
    CHECK_STR(f->material.source, "two lines ");
    CHECKF(f->material.haibach == 1, "haibach");
    CHECK_NEAR(f->material.m2, 7, 0);
    CHECK_NEAR(f->material.marin[0], 0.8, 0);
    CHECK_NEAR(f->material.marin[1], 1, 0);
    FtFatigueParams p;
    CHECKF(FtFatigueParamsFromCase(f, &p) == FT_FAT_OK, "inline params rejected");
    CHECK_NEAR(ft_sn_m2(&p.sn), 7, 0);
    FtCaseFree(&c);
  }

  /* a case without a fatigue section */
  rc = FtCaseParse("c.yaml", "name: t\nmesh: {file: m.msh}\nmaterials: [{region: b, E: 1, nu: 0}]\n"
                   "mechanical: {load_cases: [{name: a}]}\noutput: {file: out.h5}\n", &c, err, sizeof err);
  CHECKF(rc == 0 && c.fatigue.enabled == 0 && c.fatigue.channels == NULL, "no fatigue section: rc %d enabled %d", rc, c.fatigue.enabled);
  if (!rc) FtCaseFree(&c);
  remove(lib);
  remove(path);
  rmdir(dir);
}

/* Where the library comes from: fatigue.library, else $FTWIN_MATERIALS, else materials.yaml next
   to the case file, else the built-in default. */
static void test_library_lookup(void)
{
  char dir[700], path[800], libA[800], libB[800], libC[800], err[2048] = "";
  snprintf(dir, sizeof dir, "%s/lookup", tmpdir);
  mkdir(dir, 0700);
  snprintf(path, sizeof path, "%s/case.yaml", dir);
  snprintf(libA, sizeof libA, "%s/libA.yaml", tmpdir);
  snprintf(libB, sizeof libB, "%s/libB.yaml", tmpdir);
  snprintf(libC, sizeof libC, "%s/materials.yaml", dir);
  const char *fmt = "materials:\n  - {name: M, source: \"%s\", sn: {type: basquin, S_ref: 1e9, N_ref: 1, m: 5}}\n";
  char        t[300];
  snprintf(t, sizeof t, fmt, "from A");
  write_file(libA, t);
  snprintf(t, sizeof t, fmt, "from B");
  write_file(libB, t);
  snprintf(t, sizeof t, fmt, "from C");
  write_file(libC, t);
  const char *head = "name: t\nmesh: {file: m.msh}\nmaterials: [{region: b, E: 1, nu: 0}]\n"
                     "mechanical: {load_cases: [{name: a}]}\noutput: {file: out.h5}\n"
                     "fatigue:\n  history: h.csv\n  channels: [{name: c, load_case: a, scale: 1}]\n  output: f.h5\n"
                     "  material: M\n";
  char with_key[1024], without_key[1024];
  snprintf(with_key, sizeof with_key, "%s  library: ../libA.yaml\n", head);
  snprintf(without_key, sizeof without_key, "%s", head);
  FtCase c;
  struct {
    const char *what, *text, *env, *source;
    int         keepC;
  } cases[] = {
    {"library key wins over FTWIN_MATERIALS and materials.yaml", with_key, libB, "from A", 1},
    {"FTWIN_MATERIALS wins over materials.yaml", without_key, libB, "from B", 1},
    {"materials.yaml next to the case", without_key, NULL, "from C", 1},
    {"empty FTWIN_MATERIALS is ignored", without_key, "", "from C", 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    if (cases[i].env) setenv("FTWIN_MATERIALS", cases[i].env, 1);
    else unsetenv("FTWIN_MATERIALS");
    int rc = load_text(path, cases[i].text, &c, err, sizeof err);
    CHECKF(rc == 0, "%s: %s", cases[i].what, err);
    if (rc) continue;
    CHECKF(!strcmp(c.fatigue.material.source, cases[i].source), "%s: got the material \"%s\"", cases[i].what, c.fatigue.material.source);
    FtCaseFree(&c);
  }
  /* nothing found: an error (or, when built with FTWIN_MATERIALS_FILE, the built-in library,
     which has no material M) */
  unsetenv("FTWIN_MATERIALS");
  remove(libC);
  int rc = load_text(path, without_key, &c, err, sizeof err);
  CHECKF(rc != 0, "no library: accepted");
  if (!rc) FtCaseFree(&c);
  CHECKF(strstr(err, "fatigue.material:") && (strstr(err, "no material library was found") || strstr(err, "built-in default")),
        "no library: \"%s\"", err);
  /* S355J2, which inputs/materials.yaml has: found there when src/case was built with
     FTWIN_MATERIALS_FILE, else no library at all */
  char s355[1024];
  snprintf(s355, sizeof s355, "%.*s  material: S355J2\n", (int)(strstr(head, "  material: M") - head), head);
  rc = load_text(path, s355, &c, err, sizeof err);
  if (rc == 0) {
    CHECKF(strstr(c.fatigue.library, "materials.yaml") && !strcmp(c.fatigue.material.name, "S355J2"), "built-in library: %s",
          c.fatigue.library);
    FtCaseFree(&c);
  } else {
    CHECKF(strstr(err, ":10: fatigue.material: material 'S355J2' names a library entry, but no material library was found"), "no library: \"%s\"",
          err);
  }
#ifdef FTWIN_MATERIALS_FILE
  CHECKF(rc == 0, "built with FTWIN_MATERIALS_FILE, but S355J2 not found: %s", err);
#endif
  /* the library key names a missing file */
  snprintf(with_key, sizeof with_key, "%s  library: no-such-lib.yaml\n", head);
  rc = load_text(path, with_key, &c, err, sizeof err);
  char want[2400];
  snprintf(want, sizeof want,
           "%s:11: fatigue.library: cannot read the material library '%s/no-such-lib.yaml' (from fatigue.library): No such file or "
           "directory",
           path, dir);
  CHECKF(rc != 0 && !strcmp(err, want), "missing library: \"%s\", expected \"%s\"", err, want);
  if (!rc) FtCaseFree(&c);
  /* FTWIN_MATERIALS names a missing file */
  setenv("FTWIN_MATERIALS", "/no/such/materials.yaml", 1);
  rc = load_text(path, without_key, &c, err, sizeof err);
  snprintf(want, sizeof want,
           "%s:10: fatigue.material: cannot read the material library '/no/such/materials.yaml' (from the environment variable "
           "FTWIN_MATERIALS): No such file or directory",
           path);
  CHECKF(rc != 0 && !strcmp(err, want), "missing FTWIN_MATERIALS: \"%s\", expected \"%s\"", err, want);
  if (!rc) FtCaseFree(&c);
  unsetenv("FTWIN_MATERIALS");
  remove(libA);
  remove(libB);
  remove(path);
  rmdir(dir);
}

/* inputs/materials.yaml itself: every entry loads, validates, and its curve reproduces the
   published numbers it was converted from. */
static void test_material_library(void)
{
  char lib[1024], path[800], text[2048], err[2048] = "";
  snprintf(lib, sizeof lib, "%sinputs/materials.yaml", repo_root);
  snprintf(path, sizeof path, "%s/case.yaml", tmpdir);
  setenv("FTWIN_MATERIALS", lib, 1);
  struct {
    const char *name;
    int         kind;
    double      S_ref, N_ref, m, S_u, S_y, sigma_f;
    double      A; /* Dowling's A = sigma_f' 2^b: the amplitude at N = 1 (Table 9.1) */
  } e[] = {
    {"SAE_1015", FT_SN_BASQUIN, 1020e6, 0.5, 1 / 0.138, 415e6, 228e6, 1020e6, 927e6},
    {"AISI_4340", FT_SN_BASQUIN, 1758e6, 0.5, 1 / 0.0977, 1172e6, 1103e6, 1758e6, 1643e6},
    {"Al_2024-T4", FT_SN_BASQUIN, 900e6, 0.5, 1 / 0.102, 476e6, 303e6, 900e6, 839e6},
    {"Ti-6Al-4V", FT_SN_BASQUIN, 2030e6, 0.5, 1 / 0.104, 1233e6, 1185e6, 2030e6, 1889e6},
    {"S355J2", FT_SN_KNEE, 35.5e6, 2e6, 3, 470e6, 355e6, 0, 0},
  };
  for (size_t i = 0; i < sizeof e / sizeof e[0]; i++) {
    FtCase c;
    snprintf(text, sizeof text,
             "name: t\nmesh: {file: m.msh}\nmaterials: [{region: b, E: 1, nu: 0}]\n"
             "mechanical: {load_cases: [{name: a}]}\noutput: {file: out.h5}\n"
             "fatigue: {history: h.csv, channels: [{name: c, load_case: a, scale: 1}], output: f.h5, material: %s, mean_stress: %s}\n",
             e[i].name, e[i].sigma_f > 0 ? "morrow" : "goodman");
    int rc = load_text(path, text, &c, err, sizeof err);
    CHECKF(rc == 0, "library entry %s: %s", e[i].name, err);
    if (rc) continue;
    const FtFatigueMaterial *m = &c.fatigue.material;
    CHECKF(m->sn_kind == e[i].kind, "%s: kind %d", e[i].name, m->sn_kind);
    CHECK_NEAR(m->S_ref, e[i].S_ref, 0);
    CHECK_NEAR(m->N_ref, e[i].N_ref, 0);
    CHECK_NEAR(m->m, e[i].m, 1e-9);
    CHECK_NEAR(m->S_u, e[i].S_u, 0);
    CHECK_NEAR(m->S_y, e[i].S_y, 0);
    CHECK_NEAR(m->sigma_f, e[i].sigma_f, 0);
    CHECKF(strlen(m->source) > 40, "%s: short source \"%s\"", e[i].name, m->source);
    for (int k = 0; k < 6; k++) CHECK_NEAR(m->marin[k], 1, 0);
    FtFatigueParams p;
    CHECKF(FtFatigueParamsFromCase(&c.fatigue, &p) == FT_FAT_OK, "%s: params rejected", e[i].name);
    if (e[i].A > 0) {
      CHECK_NEAR(ft_sn_cycles(&p.sn, e[i].A), 1, 2e-3 * e[i].m); /* A is rounded to 1 MPa in the table */
    } else {
      /* EN 1993-1-9, in amplitudes: 71/2 MPa at 2e6, the knee at 5e6, the cut-off at 1e8 */
      CHECK_NEAR(ft_sn_cycles(&p.sn, 35.5e6), 2e6, 1e-12);
      CHECK_NEAR(ft_sn_cycles(&p.sn, m->S_knee), 5e6, 1e-8);
      CHECK_NEAR(m->S_knee, 35.5e6 * cbrt(0.4), 1e-9);
      CHECK_NEAR(m->S_e, m->S_knee * pow(0.05, 0.2), 1e-9);
      CHECK_NEAR(ft_sn_cycles(&p.sn, m->S_e), 1e8, 1e-8);
      CHECKF(isinf(ft_sn_cycles(&p.sn, 0.999 * m->S_e)), "below the cut-off: finite life");
      CHECK_NEAR(2 * m->S_knee / 1e6, 52, 0.01); /* EN 1993-1-9 Table 7.1: 52 and 29 MPa (rounded) */
      CHECK_NEAR(2 * m->S_e / 1e6, 29, 0.02);
    }
    FtCaseFree(&c);
  }
  unsetenv("FTWIN_MATERIALS");
}

/* Fatigue base case for bad inputs (an inline material; bad cases replace some of its lines). */
static const char *fat_lines[] = {
  /*  1 */ "name: t",
  /*  2 */ "mesh: {file: m.msh}",
  /*  3 */ "materials: [{region: body, E: 210e9, nu: 0.3}]",
  /*  4 */ "mechanical:",
  /*  5 */ "  load_cases:",
  /*  6 */ "    - {name: lift, pressure: [{region: top, value: 1.0e6}]}",
  /*  7 */ "    - {name: side, pressure: [{region: top, value: 1.0e6}]}",
  /*  8 */ "output: {file: out.h5}",
  /*  9 */ "fatigue:",
  /* 10 */ "  history: h.csv",
  /* 11 */ "  channels:",
  /* 12 */ "    - {name: lift_kN, load_case: lift, scale: 0.1}",
  /* 13 */ "    - {name: side_kN, load_case: side, scale: 0.5, offset: 1}",
  /* 14 */ "  equivalent_stress: signed_von_mises",
  /* 15 */ "  mean_stress: goodman",
  /* 16 */ "  output: fat.h5",
  /* 17 */ "  material:",
  /* 18 */ "    name: steel",
  /* 19 */ "    source: \"test values\"",
  /* 20 */ "    ultimate: 500e6",
  /* 21 */ "    yield: 300e6",
  /* 22 */ "    sn: {type: basquin, S_ref: 900e6, N_ref: 0.5, m: 10}",
};
#define NFAT ((int)(sizeof fat_lines / sizeof fat_lines[0]))

static char *fvariant(int from, int to, const char *repl)
{
  static char buf[8192];
  buf[0] = 0;
  for (int i = 1; i <= NFAT; i++) {
    if (i == from) {
      strcat(buf, repl);
      strcat(buf, "\n");
    }
    if (i < from || i > to) {
      strcat(buf, fat_lines[i - 1]);
      strcat(buf, "\n");
    }
  }
  return buf;
}

static void fbad(const char *what, int at, const char *repl, int line, const char *s1, const char *s2, const char *s3)
{
  bad_text(what, fvariant(at, at, repl), line, s1, s2, s3);
}

/* The case (fat_lines with line `at` replaced) loads a library with `libtext`; the error must be
   reported in the LIBRARY file at `line`. */
static void bad_lib(const char *what, const char *libtext, int line, const char *s1, const char *s2, const char *s3)
{
  char   lib[700], repl[900], err[2048] = "", prefix[800];
  FtCase c;
  nbad++;
  snprintf(lib, sizeof lib, "%s/badlib.yaml", tmpdir);
  write_file(lib, libtext);
  snprintf(repl, sizeof repl, "  material: steel\n  library: badlib.yaml");
  char *text = fvariant(17, 22, repl);
  write_file(casepath, text);
  memset(&c, 0x5a, sizeof c);
  int rc = FtCaseLoad(casepath, &c, err, sizeof err);
  CHECKF(rc != 0, "%s: accepted", what);
  if (rc == 0) {
    FtCaseFree(&c);
    remove(lib);
    return;
  }
  if (getenv("VERBOSE")) printf("  %-45s %s\n", what, err);
  CHECKF(is_zero(&c, sizeof c), "%s: case not zeroed after error", what);
  snprintf(prefix, sizeof prefix, "%s:%d: ", lib, line);
  CHECKF(!strncmp(err, prefix, strlen(prefix)), "%s: message \"%s\" does not start with \"%s\"", what, err, prefix);
  const char *want[3] = {s1, s2, s3};
  for (int i = 0; i < 3; i++)
    if (want[i]) CHECKF(strstr(err, want[i]) != NULL, "%s: message \"%s\" lacks \"%s\"", what, err, want[i]);
  CHECKF(!strchr(err, '\n'), "%s: message is not one line: \"%s\"", what, err);
  remove(lib);
}

static void test_fatigue_bad(void)
{
  FtCase c;
  char   err[2048];
  write_file(casepath, fvariant(0, -1, ""));
  int rc = FtCaseLoad(casepath, &c, err, sizeof err);
  CHECKF(rc == 0, "fatigue base case failed: %s", err);
  if (!rc) FtCaseFree(&c);

  /* critical_plane_planes, valid: 50 (a Fibonacci set, carried in the kind) and 25 (the default) */
  {
    const int  want[2] = {50, 25};
    const char *repl[2] = {"  equivalent_stress: critical_plane\n  critical_plane_planes: 50",
                           "  equivalent_stress: critical_plane\n  critical_plane_planes: 25"};
    for (int q = 0; q < 2; q++) {
      write_file(casepath, fvariant(14, 14, repl[q]));
      rc = FtCaseLoad(casepath, &c, err, sizeof err);
      CHECKF(rc == 0, "critical_plane_planes %d rejected: %s", want[q], err);
      if (rc) continue;
      CHECKF(c.fatigue.cp_planes == want[q], "cp_planes %d, want %d", c.fatigue.cp_planes, want[q]);
      CHECKF(c.fatigue.equivalent == ft_eq_critical_plane(want[q]) && ft_equivalent_channels(c.fatigue.equivalent) == want[q],
             "equivalent kind %d has %d channels, want %d", c.fatigue.equivalent, ft_equivalent_channels(c.fatigue.equivalent), want[q]);
      CHECKF(ft_eq_base(c.fatigue.equivalent) == FT_EQ_CRITICAL_PLANE, "base kind %d", ft_eq_base(c.fatigue.equivalent));
      FtCaseFree(&c);
    }
  }

  /* channels */
  fbad("unknown load case in a channel", 12, "    - {name: lift_kN, load_case: lfit, scale: 0.1}", 12,
       "fatigue.channels[0].load_case: no load case named 'lfit' in mechanical.load_cases", "(known: lift, side)", NULL);
  fbad("duplicate channel", 13, "    - {name: lift_kN, load_case: side, scale: 0.5}", 13,
       "fatigue.channels[1].name: duplicate channel name 'lift_kN'", "fatigue.channels[0], line 12", NULL);
  fbad("scale 0", 12, "    - {name: lift_kN, load_case: lift, scale: 0}", 12, "fatigue.channels[0].scale: must be non-zero", "got 0", NULL);
  fbad("scale 0.0e0", 12, "    - {name: lift_kN, load_case: lift, scale: -0.0e0}", 12, "fatigue.channels[0].scale: must be non-zero",
       "got -0.0e0", NULL);
  fbad("scale infinite", 12, "    - {name: lift_kN, load_case: lift, scale: 1e400}", 12, "fatigue.channels[0].scale: expected a number",
       "got '1e400'", NULL);
  fbad("missing scale", 12, "    - {name: lift_kN, load_case: lift}", 12, "fatigue.channels[0].scale: missing", NULL, NULL);
  fbad("bad channel name", 12, "    - {name: lift kN, load_case: lift, scale: 1}", 12, "fatigue.channels[0].name: must match [A-Za-z0-9_.-]+",
       "got 'lift kN'", NULL);
  fbad("channel named like the time column", 12, "    - {name: time, load_case: lift, scale: 1}", 12,
       "fatigue.channels[0].name: channel name 'time' is the time column", NULL, NULL);
  fbad("unknown channel key", 12, "    - {name: lift_kN, load_case: lift, scale: 1, ofset: 2}", 12, "fatigue.channels[0].ofset: unknown key",
       "known: name, load_case, scale, offset", NULL);
  bad_text("no channels", fvariant(11, 13, "  channels: []\n# 12\n# 13"), 11, "fatigue.channels: at least one channel is required", NULL, NULL);

  /* enumerations and numbers */
  fbad("unknown equivalent_stress", 14, "  equivalent_stress: tresca", 14,
       "fatigue.equivalent_stress: must be one of signed_von_mises, max_principal, critical_plane, got 'tresca'", NULL, NULL);
  /* critical_plane_planes: 25 or 3..256, only with the critical plane */
  fbad("critical_plane_planes without critical_plane", 16, "  output: fat.h5\n  critical_plane_planes: 50", 17,
       "fatigue.critical_plane_planes: needs equivalent_stress: critical_plane", "signed_von_mises", "got '50'");
  fbad("critical_plane_planes 2", 14, "  equivalent_stress: critical_plane\n  critical_plane_planes: 2", 15,
       "fatigue.critical_plane_planes: must be a whole number >= 3, got '2'", NULL, NULL);
  fbad("critical_plane_planes 257", 14, "  equivalent_stress: critical_plane\n  critical_plane_planes: 257", 15,
       "fatigue.critical_plane_planes: must be 25 (the default cubic set) or a whole number from 3 to 256", "got 257", NULL);
  fbad("critical_plane_planes 12.5", 14, "  equivalent_stress: critical_plane\n  critical_plane_planes: 12.5", 15,
       "fatigue.critical_plane_planes: must be a whole number >= 3, got '12.5'", NULL, NULL);
  fbad("critical_plane_planes text", 14, "  equivalent_stress: critical_plane\n  critical_plane_planes: fine", 15,
       "fatigue.critical_plane_planes: must be a whole number >= 3, got 'fine'", NULL, NULL);
  fbad("unknown mean_stress", 15, "  mean_stress: goodmann", 15,
       "fatigue.mean_stress: must be one of none, goodman, gerber, soderberg, swt, morrow, walker, got 'goodmann'", NULL, NULL);
  fbad("unknown compressive_mean", 16, "  output: fat.h5\n  compressive_mean: negative", 17,
       "fatigue.compressive_mean: must be one of zero, as_is, got 'negative'", NULL, NULL);
  fbad("prior_damage 1.0", 16, "  output: fat.h5\n  prior_damage: 1.0", 17, "fatigue.prior_damage: must be in [0, 1)", "got 1.0", NULL);
  fbad("prior_damage < 0", 16, "  output: fat.h5\n  prior_damage: -0.1", 17, "fatigue.prior_damage: must be in [0, 1)", "got -0.1", NULL);
  fbad("gate < 0", 16, "  output: fat.h5\n  gate: -1e6", 17, "fatigue.gate: must be >= 0, got -1e6", NULL, NULL);
  fbad("hot_spots 0", 16, "  output: fat.h5\n  hot_spots: 0", 17, "fatigue.hot_spots: must be a whole number >= 1, got '0'", NULL, NULL);
  fbad("hot_spots 2.5", 16, "  output: fat.h5\n  hot_spots: 2.5", 17, "fatigue.hot_spots: must be a whole number >= 1, got '2.5'", NULL, NULL);
  fbad("unknown fatigue key", 16, "  output: fat.h5\n  hotspots: 3", 17, "fatigue.hotspots: unknown key", "hot_spots", NULL);
  fbad("missing history", 10, "  # no history", 11, "fatigue.history: missing", NULL, NULL);
  fbad("missing output", 16, "  # no output", 10, "fatigue.output: missing", NULL, NULL);
  fbad("output overwrites the FE results", 16, "  output: out.h5", 16, "fatigue.output: must differ from the FE results", "got 'out.h5'", NULL);
  bad_text("missing material", fvariant(17, 22, "# no material"), 10, "fatigue.material: missing", NULL, NULL);
  bad_text("material as a list", fvariant(17, 22, "  material: [a, b]"), 17, "fatigue.material: expected the name of a material library entry or a material mapping",
           "got a list", NULL);
  bad_text("fatigue as a list", fvariant(9, 22, "fatigue: [1]"), 9, "fatigue: expected a mapping, got a list", NULL, NULL);

  /* the material */
  fbad("m < 0", 22, "    sn: {type: basquin, S_ref: 900e6, N_ref: 0.5, m: -3}", 22, "fatigue.material.sn.m: non-physical S-N slope",
       "must be > 0", "got -3");
  fbad("m = 0", 22, "    sn: {type: basquin, S_ref: 900e6, N_ref: 0.5, m: 0}", 22, "fatigue.material.sn.m: non-physical", "got 0", NULL);
  fbad("m2 < 0", 22, "    sn: {type: knee, S_ref: 900e6, N_ref: 0.5, m: 10, S_knee: 300e6, m2: -1}", 22,
       "fatigue.material.sn.m2: non-physical S-N slope", "got -1", NULL);
  fbad("haibach with m = 0.5", 22, "    sn: {type: knee, S_ref: 900e6, N_ref: 0.5, m: 0.5, S_knee: 300e6, haibach: true}", 22,
       "fatigue.material.sn.haibach: non-physical S-N slope below the knee", "2m - 1 = 0", "m = 0.5");
  fbad("knee without m2", 22, "    sn: {type: knee, S_ref: 900e6, N_ref: 0.5, m: 10, S_knee: 300e6}", 22, "fatigue.material.sn.m2: missing",
       "haibach: true", NULL);
  fbad("knee with m2 and haibach", 22, "    sn: {type: knee, S_ref: 900e6, N_ref: 0.5, m: 3, S_knee: 3e8, m2: 5, haibach: yes}", 22,
       "fatigue.material.sn.m2: give either m2 or haibach: true, not both", NULL, NULL);
  fbad("S_ref 0", 22, "    sn: {type: basquin, S_ref: 0, N_ref: 0.5, m: 10}", 22, "fatigue.material.sn.S_ref: must be > 0, got 0", NULL, NULL);
  fbad("negative endurance", 22, "    sn: {type: basquin, S_ref: 9e8, N_ref: 0.5, m: 10, endurance: -1}", 22,
       "fatigue.material.sn.endurance: must be >= 0", "got -1", NULL);
  fbad("unknown curve type", 22, "    sn: {type: bilinear, S_ref: 9e8, N_ref: 0.5, m: 10}", 22,
       "fatigue.material.sn.type: must be one of basquin, knee, table, got 'bilinear'", NULL, NULL);
  fbad("key of another curve type", 22, "    sn: {type: basquin, S_ref: 9e8, N_ref: 0.5, m: 10, S_knee: 1e8}", 22,
       "fatigue.material.sn.S_knee: not used by a basquin curve", "its keys: type, S_ref, N_ref, m, endurance", NULL);
  fbad("table S not decreasing", 22, "    sn: {type: table, points: [[400e6, 1e4], [300e6, 1e5], [350e6, 1e6]]}", 22,
       "fatigue.material.sn.points[2]: table not monotonic: S must strictly decrease", "points[1] has S = 3e+08", "got [350e6, 1e6]");
  fbad("table N not increasing", 22, "    sn: {type: table, points: [[400e6, 1e4], [300e6, 1e4]]}", 22,
       "fatigue.material.sn.points[1]: table not monotonic: N must strictly increase", "non-physical slope", "got [300e6, 1e4]");
  fbad("table of one point", 22, "    sn: {type: table, points: [[400e6, 1e4]]}", 22, "fatigue.material.sn.points: a table curve needs 2 to 16 points",
       "got 1", NULL);
  fbad("table point of 3 numbers", 22, "    sn: {type: table, points: [[400e6, 1e4, 1], [300e6, 1e5]]}", 22,
       "fatigue.material.sn.points[0]: expected a point [S, N]", "got a list of 3", NULL);
  fbad("table point with N = 0", 22, "    sn: {type: table, points: [[400e6, 0], [300e6, 1e5]]}", 22,
       "fatigue.material.sn.points[0][1]: must be > 0, got 0", NULL, NULL);
  {
    char repl[1024] = "    sn: {type: table, points: [";
    for (int i = 0; i < 17; i++) snprintf(repl + strlen(repl), sizeof repl - strlen(repl), "%s[%d, %d]", i ? ", " : "", 1000 - i, i + 1);
    strcat(repl, "]}");
    fbad("table of 17 points", 22, repl, 22, "fatigue.material.sn.points: a table curve needs 2 to 16 points", "got 17", NULL);
  }
  fbad("goodman without ultimate", 20, "    # no ultimate", 18, "fatigue.material.ultimate: missing", "mean_stress goodman needs the ultimate strength",
       NULL);
  bad_text("gerber without ultimate", fvariant(15, 20, "  mean_stress: gerber\n  output: fat.h5\n  material:\n    name: steel\n    source: x\n    # 20"),
           18, "fatigue.material.ultimate: missing", "mean_stress gerber", NULL);
  bad_text("soderberg without yield", fvariant(15, 21, "  mean_stress: soderberg\n  output: fat.h5\n  material:\n    name: steel\n    source: x\n    # 20\n    # 21"),
           18, "fatigue.material.yield: missing", "mean_stress soderberg needs the yield strength", NULL);
  fbad("morrow without sigma_f", 15, "  mean_stress: morrow", 18, "fatigue.material.sigma_f: missing", "mean_stress morrow", NULL);
  fbad("walker without gamma", 15, "  mean_stress: walker", 18, "fatigue.material.walker_gamma: missing", "mean_stress walker", NULL);
  fbad("walker_gamma 1.5", 21, "    walker_gamma: 1.5", 21, "fatigue.material.walker_gamma: must be in (0, 1], got 1.5", NULL, NULL);
  fbad("yield above ultimate", 21, "    yield: 600e6", 21, "fatigue.material.yield: must not exceed ultimate (500e6 at line 20), got 600e6", NULL, NULL);
  fbad("missing source", 19, "    # no source", 18, "fatigue.material.source: missing", NULL, NULL);
  fbad("empty source", 19, "    source: \"\"", 19, "fatigue.material.source: expected where the values come from", "got an empty value", NULL);
  fbad("blank source", 19, "    source: \"   \"", 19, "fatigue.material.source: must not be blank", "got '   '", NULL);
  fbad("missing name", 18, "    # no name", 19, "fatigue.material.name: missing", NULL, NULL);
  fbad("marin 0", 22, "    sn: {type: basquin, S_ref: 900e6, N_ref: 0.5, m: 10}\n    marin: {surface: 0.9, size: 0}", 23,
       "fatigue.material.marin.size: must be > 0, got 0", NULL, NULL);
  fbad("unknown marin key", 22, "    sn: {type: basquin, S_ref: 900e6, N_ref: 0.5, m: 10}\n    marin: {finish: 0.9}", 23,
       "fatigue.material.marin.finish: unknown key", "surface, size, load, temperature, reliability, misc", NULL);
  fbad("unknown material key", 20, "    ultimat: 500e6", 20, "fatigue.material.ultimat: unknown key", "known: name, source, ultimate", NULL);
  fbad("missing sn", 22, "    # no sn", 18, "fatigue.material.sn: missing", NULL, NULL);

  /* library */
  char lib[700], repl[900];
  snprintf(lib, sizeof lib, "%s/lib.yaml", tmpdir);
  write_file(lib, test_library);
  snprintf(repl, sizeof repl, "  material: S355\n  library: lib.yaml");
  char want[2400];
  snprintf(want, sizeof want, "no material named 'S355' in the material library %s (from fatigue.library; known: table_alloy, S355J2, basquin_steel)", lib);
  bad_text("unknown material name", fvariant(17, 22, repl), 17, "fatigue.material: ", want, NULL);
  bad_text("material name with a space", fvariant(17, 22, "  material: S 355\n  library: lib.yaml"), 17,
           "fatigue.material: must match [A-Za-z0-9_.-]+", "got 'S 355'", NULL);
  snprintf(want, sizeof want, "material 'table_alloy' (%s:3) does not give it", lib);
  bad_text("library entry without the constant the correction needs",
           fvariant(15, 22, "  mean_stress: soderberg\n  output: fat.h5\n  material: table_alloy\n  library: lib.yaml"), 15,
           "fatigue.mean_stress: soderberg needs the yield strength S_y [Pa] (key 'yield')", want, NULL);
  bad_text("library key names a missing file", fvariant(17, 22, "  material: S355J2\n  library: nope/lib.yaml"), 18,
           "fatigue.library: cannot read the material library", "nope/lib.yaml' (from fatigue.library): No such file or directory", NULL);
  bad_text("library key with an inline material is still checked", fvariant(16, 16, "  output: fat.h5\n  library: [a]"), 17,
           "fatigue.library: expected a file path, got a list", NULL, NULL);
  remove(lib);

  bad_lib("error inside the library", "materials:\n  - name: steel\n    source: s\n    ultimate: 5e8\n    sn: {type: basquin, S_ref: 9e8, N_ref: 1, m: -2}\n",
          5, "materials[0].sn.m: non-physical S-N slope", "got -2", NULL);
  bad_lib("error in another library entry", "materials:\n  - {name: steel, source: s, ultimate: 5e8, sn: {type: basquin, S_ref: 9e8, N_ref: 1, m: 2}}\n"
          "  - {name: other, source: s, sn: {type: table, points: [[1, 1], [2, 2]]}}\n",
          3, "materials[1].sn.points[1]: table not monotonic", NULL, NULL);
  bad_lib("library entry without source", "materials:\n  - name: steel\n    ultimate: 5e8\n    sn: {type: basquin, S_ref: 9e8, N_ref: 1, m: 2}\n", 2,
          "materials[0].source: missing", NULL, NULL);
  bad_lib("duplicate library entry", "materials:\n  - {name: steel, source: s, ultimate: 5e8, sn: {type: basquin, S_ref: 9e8, N_ref: 1, m: 2}}\n"
          "  - {name: steel, source: t, sn: {type: basquin, S_ref: 9e8, N_ref: 1, m: 2}}\n",
          3, "materials[1].name: duplicate material name 'steel' (also materials[0], line 2)", NULL, NULL);
  bad_lib("library is a list", "- steel\n", 1, "the material library must be a mapping with a 'materials' list", "got a list", NULL);
  bad_lib("library with an unknown key", "materials: []\nsteels: []\n", 2, "steels: unknown key (known: materials)", NULL, NULL);
  bad_lib("library with YAML syntax error", "materials:\n  - {name: steel, source: s\n", 3, "YAML syntax error", NULL, NULL);
  bad_lib("empty library", "# nothing\n", 1, "empty material library", NULL, NULL);
  {
    char lib2[700];
    snprintf(lib2, sizeof lib2, "%s/badlib.yaml", tmpdir);
    write_file(lib2, "materials: []\n");
    write_file(casepath, fvariant(17, 22, "  material: steel\n  library: badlib.yaml"));
    rc = FtCaseLoad(casepath, &c, err, sizeof err);
    nbad++;
    CHECKF(rc != 0 && strstr(err, ":17: fatigue.material: no material named 'steel'") && strstr(err, "known: none"), "empty list: \"%s\"", err);
    if (!rc) FtCaseFree(&c);
    remove(lib2);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Sensors and calibration sections                                                           */

/* The `sensors:` and `calibration:` examples of inputs/CASE_FORMAT.md, verbatim (the test checks
   that the document still holds them). */
static const char *sensors_example =
  "sensors:\n"
  "  data: sensors/day1.csv            # required: CSV (.csv) or HDF5 (.h5, .hdf5); layout below\n"
  "  time_column: time                 # CSV only (default \"time\")\n"
  "  dt: 1.0                           # common time step [s], > 0 (default: the smallest median sampling step)\n"
  "  cleaning:                         # optional; every key optional\n"
  "    spike_threshold: 6              # Hampel filter: |y - median| > t * max(1.4826 MAD, noise) is a spike, > 0 (default 6)\n"
  "    spike_window: 5                 # half width of the Hampel window [samples], >= 1 (default 5)\n"
  "    stuck_seconds: 30               # identical readings for longer than this [s] are stuck, > 0 (default 30)\n"
  "    gap_seconds: 0                  # no sample for longer than this [s] is a gap, >= 0 (default 0: 5 x the median step)\n"
  "    max_bad_fraction: 0.5           # a sensor with a larger bad fraction is dropped, in [0, 1] (default 0.5; 0: any bad sample drops it)\n"
  "  list:                             # required, at least one sensor\n"
  "    - {id: SG1, type: strain, position: [9.5, -9.4, 14.2], direction: [0, 0, 1], unit: microstrain, noise: 5, range: [-3000, 3000]}\n"
  "    - {id: R1, type: rosette, position: [0, -8, 20], directions: [[1, 0, 0], [1, 0, 1], [0, 0, 1]], unit: microstrain, noise: 5, measures: total}\n"
  "    - {id: D1, type: displacement, position: [0, 0, 45], direction: [0, 0, -2], unit: mm, noise: 0.001}\n"
  "    - {id: TC1, type: temperature, position: [30, 0, 6], unit: degC, noise: 0.2, range: [-40, 150]}\n"
  "    - {id: LC1, type: load, channel: lift_kN, unit: kN, noise: 0.05}\n";
static const char *calibration_example =
  "calibration:\n"
  "  parameters:                       # required, at least one; each multiplies a nominal value of the case\n"
  "    - {name: E_body, kind: modulus, region: body, prior: 1.0, sigma: 0.05, bounds: [0.7, 1.3]}\n"
  "    - {name: alpha_all, kind: expansion, sigma: 0.1, bounds: [0.5, 1.5]}\n"
  "    - {name: h_air, kind: convection, region: ambient, sigma: 0.3, bounds: [0.2, 5]}\n"
  "    - {name: lift_path, kind: load_scale, load_case: lift, prior: 0.95, sigma: 0.05, bounds: [0.8, 1.2]}\n"
  "  linear_range: 0.02                # relative change beyond which the model is re-solved, in (0, 1) (default 0.02)\n"
  "  max_outer: 5                      # finite-element re-solves at most, >= 1 (default 5)\n"
  "  fit_samples: 2000                 # time steps used by the parameter fit, >= 10 (default 2000)\n"
  "  ensemble: 64                      # samples for the life band, >= 8 (default 64)\n"
  "  band: bootstrap                   # life band from the ensemble: envelope (default: from the lower to the higher of\n"
  "                                    # the 5th / 95th percentiles of bootstrap and raw, as the noise bias's correction\n"
  "                                    # is itself uncertain), bootstrap (each sample's damage reflected about the\n"
  "                                    # nominal, 2 D_nominal - D_sample, which removes the bias the loads' identification\n"
  "                                    # noise adds: narrow) or raw (the samples' own lives: biased short); docs/calibration.md\n"
  "  covariance: sandwich              # posterior covariance of the parameters: sandwich (default, robust: the scatter\n"
  "                                    # of each step's score) or gauss_newton ((J^T J)^-1; docs/calibration.md)\n"
  "  regularization: 1.0e-10           # Tikhonov weight of the load identification, relative, >= 0 (default 1e-10)\n"
  "  output: results/bracket_asset.h5  # the asset file (default: fatigue.output)\n";

/* A bracket-like case in mm (thermal case with convection on `ambient`, load cases lift, side,
   warm, fatigue channels lift_kN, side_kN, base_C) to put the examples in. */
static const char *sensors_head =
  "name: bracket\n"
  "mesh: {file: m.msh, unit: mm}\n"
  "materials: [{region: body, E: 210e9, nu: 0.3, alpha: 12e-6, k: 45}]\n"
  "thermal:\n"
  "  - name: warm_base\n"
  "    fixed_temperature: [{region: base_top, value: 313.15}]\n"
  "    convection: [{region: ambient, h: 25, ambient: 293.15}]\n"
  "mechanical:\n"
  "  load_cases: [{name: lift}, {name: side}, {name: warm, temperature: warm_base}]\n"
  "output: {file: results/bracket.h5}\n"
  "fatigue:\n"
  "  history: history.csv\n"
  "  channels:\n"
  "    - {name: lift_kN, load_case: lift, scale: 0.1}\n"
  "    - {name: side_kN, load_case: side, scale: 0.5}\n"
  "    - {name: base_C, load_case: warm, scale: 0.05, offset: 20}\n"
  "  material: {name: steel, source: test, sn: {type: basquin, S_ref: 900e6, N_ref: 0.5, m: 10}}\n"
  "  output: results/bracket_fatigue.h5\n";

/* 1-based line of the first line of `text` that contains `s` (0 if none). */
static int line_with(const char *text, const char *s)
{
  const char *p = strstr(text, s);
  if (!p) return 0;
  int line = 1;
  for (const char *q = text; q < p; q++)
    if (*q == '\n') line++;
  return line;
}

static void check_sensor(const FtSensor *s, const char *id, int type, const double x[3], const double dir[3], const char *unit,
                         double to_si, double si_offset, double noise, double lo, double hi, int mechanical, int channel, int line)
{
  CHECK_STR(s->id, id);
  CHECKF(s->type == type, "%s: type %d, expected %d", id, s->type, type);
  for (int k = 0; k < 3; k++) {
    CHECK_NEAR(s->x[k], x[k], 1e-15);
    CHECK_NEAR(s->dir[k], dir[k], 1e-15);
  }
  CHECK_STR(s->unit, unit);
  CHECK_NEAR(s->to_si, to_si, 0);
  CHECK_NEAR(s->si_offset, si_offset, 0);
  CHECK_NEAR(s->noise, noise, 0);
  CHECKF(s->range[0] == lo && s->range[1] == hi, "%s: range [%g, %g], expected [%g, %g]", id, s->range[0], s->range[1], lo, hi);
  CHECKF(s->mechanical == mechanical, "%s: mechanical %d, expected %d", id, s->mechanical, mechanical);
  CHECKF(s->channel == channel, "%s: channel %d, expected %d", id, s->channel, channel);
  CHECKF(s->line == line, "%s: line %d, expected %d", id, s->line, line);
}

static void test_sensors_example(void)
{
  char   text[8192], err[2048] = "", want[FT_PATH_MAX + 64], docpath[1024];
  FtCase c;
  snprintf(text, sizeof text, "%s%s%s", sensors_head, sensors_example, calibration_example);
  int rc = load_text(casepath, text, &c, err, sizeof err);
  CHECKF(rc == 0, "sensors example failed: %s", err);
  if (rc == 0) {
    const FtSensorsCase *S = &c.sensors;
    const double         inf = INFINITY, r2 = sqrt(0.5);
    CHECKF(S->enabled == 1, "sensors enabled %d", S->enabled);
    CHECKF(S->line == line_with(text, "  data: sensors/day1.csv"), "sensors line %d", S->line);
    snprintf(want, sizeof want, "%s/sensors/day1.csv", tmpdir);
    CHECK_STR(S->data, want);
    CHECK_STR(S->time_column, "time");
    CHECK_NEAR(S->dt, 1.0, 0);
    CHECK_NEAR(S->spike_threshold, 6, 0);
    CHECKF(S->spike_window == 5, "spike_window %d", S->spike_window);
    CHECK_NEAR(S->stuck_seconds, 30, 0);
    CHECK_NEAR(S->gap_seconds, 0, 0);
    CHECK_NEAR(S->max_bad_fraction, 0.5, 0);
    CHECKF(S->nsensors == 7, "nsensors %d (the rosette expands into three gauges)", S->nsensors);
    if (S->nsensors == 7) {
      int lsg = line_with(text, "{id: SG1"), lr = line_with(text, "{id: R1"), ld = line_with(text, "{id: D1"),
          lt = line_with(text, "{id: TC1"), ll = line_with(text, "{id: LC1");
      /* positions in mm -> m; directions normalised; microstrain 1e-6, mm 1e-3, degC + 273.15 */
      check_sensor(&S->sensors[0], "SG1", FT_SENSOR_STRAIN, (double[3]){9.5e-3, -9.4e-3, 14.2e-3}, (double[3]){0, 0, 1}, "microstrain",
                   1e-6, 0, 5, -3000, 3000, 1, -1, lsg);
      const double rx[3] = {0, -8e-3, 20e-3};
      check_sensor(&S->sensors[1], "R1.a", FT_SENSOR_STRAIN, rx, (double[3]){1, 0, 0}, "microstrain", 1e-6, 0, 5, -inf, inf, 0, -1, lr);
      check_sensor(&S->sensors[2], "R1.b", FT_SENSOR_STRAIN, rx, (double[3]){r2, 0, r2}, "microstrain", 1e-6, 0, 5, -inf, inf, 0, -1, lr);
      check_sensor(&S->sensors[3], "R1.c", FT_SENSOR_STRAIN, rx, (double[3]){0, 0, 1}, "microstrain", 1e-6, 0, 5, -inf, inf, 0, -1, lr);
      check_sensor(&S->sensors[4], "D1", FT_SENSOR_DISPLACEMENT, (double[3]){0, 0, 45e-3}, (double[3]){0, 0, -1}, "mm", 1e-3, 0, 0.001,
                   -inf, inf, 0, -1, ld);
      check_sensor(&S->sensors[5], "TC1", FT_SENSOR_TEMPERATURE, (double[3]){30e-3, 0, 6e-3}, (double[3]){0, 0, 0}, "degC", 1, 273.15,
                   0.2, -40, 150, 0, -1, lt);
      check_sensor(&S->sensors[6], "LC1", FT_SENSOR_LOAD, (double[3]){0, 0, 0}, (double[3]){0, 0, 0}, "kN", 1, 0, 0.05, -inf, inf, 0, 0,
                   ll);
    }
    const FtCalibrationCase *C = &c.calibration;
    CHECKF(C->enabled == 1, "calibration enabled %d", C->enabled);
    CHECKF(C->line == line_with(text, "  parameters:"), "calibration line %d", C->line);
    CHECKF(C->nparams == 4, "nparams %d", C->nparams);
    if (C->nparams == 4) {
      const FtCalParam *P = C->params;
      CHECK_STR(P[0].name, "E_body");
      CHECKF(P[0].kind == FT_PARAM_MODULUS && P[0].load_case == -1, "E_body kind %d load_case %d", P[0].kind, P[0].load_case);
      CHECK_STR(P[0].region, "body");
      CHECK_NEAR(P[0].prior, 1, 0);
      CHECK_NEAR(P[0].sigma, 0.05, 0);
      CHECK_NEAR(P[0].lower, 0.7, 0);
      CHECK_NEAR(P[0].upper, 1.3, 0);
      CHECKF(P[0].line == line_with(text, "{name: E_body"), "E_body line %d", P[0].line);
      CHECK_STR(P[1].name, "alpha_all");
      CHECKF(P[1].kind == FT_PARAM_EXPANSION, "alpha kind %d", P[1].kind);
      CHECK_STR(P[1].region, ""); /* every material */
      CHECK_NEAR(P[1].prior, 1, 0); /* default */
      CHECK_NEAR(P[1].sigma, 0.1, 0);
      CHECK_NEAR(P[1].lower, 0.5, 0);
      CHECK_NEAR(P[1].upper, 1.5, 0);
      CHECKF(P[2].kind == FT_PARAM_CONVECTION, "h kind %d", P[2].kind);
      CHECK_STR(P[2].region, "ambient");
      CHECK_NEAR(P[2].upper, 5, 0);
      CHECK_STR(P[3].name, "lift_path");
      CHECKF(P[3].kind == FT_PARAM_LOAD_SCALE && P[3].load_case == 0, "lift_path kind %d load_case %d", P[3].kind, P[3].load_case);
      CHECK_STR(P[3].region, "");
      CHECK_NEAR(P[3].prior, 0.95, 0);
      CHECK_NEAR(P[3].lower, 0.8, 0);
      CHECK_NEAR(P[3].upper, 1.2, 0);
    }
    CHECK_NEAR(C->linear_range, 0.02, 0);
    CHECKF(C->max_outer == 5 && C->fit_samples == 2000 && C->ensemble == 64, "max_outer %d fit_samples %ld ensemble %d", C->max_outer,
          C->fit_samples, C->ensemble);
    CHECKF(C->band == FT_BAND_BOOTSTRAP, "band %d", C->band);
    CHECKF(C->covariance == FT_COV_SANDWICH, "covariance %d", C->covariance);
    CHECK_NEAR(C->regularization, 1e-10, 0);
    snprintf(want, sizeof want, "%s/results/bracket_asset.h5", tmpdir);
    CHECK_STR(C->output, want);
    FtCaseFree(&c);
    CHECKF(is_zero(&c, sizeof c), "FtCaseFree does not zero a case with sensors and calibration");
  }

  /* the document holds exactly these examples */
  char  *doc = NULL;
  size_t n   = 0;
  snprintf(docpath, sizeof docpath, "%sinputs/CASE_FORMAT.md", repo_root);
  FILE *f = fopen(docpath, "rb");
  CHECKF(f != NULL, "cannot open %s", docpath);
  if (f) {
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    doc = calloc((size_t)len + 1, 1);
    n   = doc ? fread(doc, 1, (size_t)len, f) : 0;
    fclose(f);
    CHECKF(n == (size_t)len, "short read of %s", docpath);
    CHECKF(doc && strstr(doc, sensors_example), "%s lacks the sensors example of this test", docpath);
    CHECKF(doc && strstr(doc, calibration_example), "%s lacks the calibration example of this test", docpath);
    CHECKF(doc && strstr(doc, "  superposition: fused") && strstr(doc, "  precision: double"), "%s lacks superposition/precision", docpath);
    free(doc);
  }
}

/* Defaults, the other units, HDF5 data, section order, empty sections, superposition. */
static void test_sensors_defaults(void)
{
  char        err[2048] = "";
  FtCase      c;
  const double inf = INFINITY;
  /* sections in reverse order: calibration and sensors are still read after fatigue; mesh in m */
  const char *text = "calibration:\n"
                     "  parameters: [{name: k1, kind: modulus, sigma: 0.1, bounds: [0.5, 2]}]\n"
                     "sensors:\n"
                     "  data: data/s.HDF5\n"
                     "  dt: 0.25\n"
                     "  cleaning: {spike_window: 2, max_bad_fraction: 1}\n"
                     "  list:\n"
                     "    - {id: e, type: strain, position: [1, 2, 3], direction: [3, 4, 0], unit: strain, noise: 1e-6, measures: mechanical}\n"
                     "    - {id: time, type: displacement, position: [0, 0, 0], direction: [0, 1, 0], unit: um, noise: 1}\n"
                     "    - {id: d-m, type: displacement, position: [0, 0, 0], direction: [1, 1, 1], unit: m, noise: 1e-6}\n"
                     "    - {id: T.K, type: temperature, position: [0, 0, 0], unit: K, noise: 0.5}\n"
                     "    - {id: F_N, type: load, channel: c2, unit: N, noise: 1}\n"
                     "    - {id: M1, type: load, channel: c1, unit: kN*m, noise: 1}\n"
                     "    - {id: M2, type: load, channel: c1, unit: N*m, noise: 1}\n"
                     "    - {id: F3, type: load, channel: c1, unit: MN, noise: 1}\n"
                     "    - {id: ratio, type: load, channel: c1, unit: \"1\", noise: 1, range: [0, 1]}\n"
                     "fatigue:\n"
                     "  history: h.csv\n"
                     "  channels: [{name: c1, load_case: a, scale: 1}, {name: c2, load_case: a, scale: 2}]\n"
                     "  material: {name: s, source: t, sn: {type: basquin, S_ref: 9e8, N_ref: 1, m: 5}}\n"
                     "  output: fat.h5\n"
                     "  superposition: gemm\n"
                     "  precision: single\n"
                     "name: t\nmesh: {file: m.msh}\nmaterials: [{region: b, E: 1, nu: 0}]\n"
                     "mechanical: {load_cases: [{name: a}]}\noutput: {file: out.h5}\n";
  int rc = FtCaseParse("dir/case.yaml", text, &c, err, sizeof err);
  CHECKF(rc == 0, "defaults case failed: %s", err);
  if (rc == 0) {
    const FtSensorsCase *S = &c.sensors;
    CHECKF(c.fatigue.superposition == 1 && c.fatigue.single_precision == 1, "superposition %d single %d", c.fatigue.superposition,
          c.fatigue.single_precision);
    CHECK_STR(S->data, "dir/data/s.HDF5");
    CHECK_STR(S->time_column, "time"); /* default; a sensor may be called "time" with HDF5 data */
    CHECK_NEAR(S->dt, 0.25, 0);
    CHECK_NEAR(S->spike_threshold, 6, 0);
    CHECKF(S->spike_window == 2, "spike_window %d", S->spike_window);
    CHECK_NEAR(S->stuck_seconds, 30, 0);
    CHECK_NEAR(S->gap_seconds, 0, 0);
    CHECK_NEAR(S->max_bad_fraction, 1, 0);
    CHECKF(S->nsensors == 9, "nsensors %d", S->nsensors);
    if (S->nsensors == 9) {
      const double s3 = 1 / sqrt(3.0);
      check_sensor(&S->sensors[0], "e", FT_SENSOR_STRAIN, (double[3]){1, 2, 3}, (double[3]){0.6, 0.8, 0}, "strain", 1, 0, 1e-6, -inf, inf,
                   1, -1, 8);
      check_sensor(&S->sensors[1], "time", FT_SENSOR_DISPLACEMENT, (double[3]){0, 0, 0}, (double[3]){0, 1, 0}, "um", 1e-6, 0, 1, -inf,
                   inf, 0, -1, 9);
      check_sensor(&S->sensors[2], "d-m", FT_SENSOR_DISPLACEMENT, (double[3]){0, 0, 0}, (double[3]){s3, s3, s3}, "m", 1, 0, 1e-6, -inf,
                   inf, 0, -1, 10);
      check_sensor(&S->sensors[3], "T.K", FT_SENSOR_TEMPERATURE, (double[3]){0, 0, 0}, (double[3]){0, 0, 0}, "K", 1, 0, 0.5, -inf, inf, 0,
                   -1, 11);
      const char *lid[5] = {"F_N", "M1", "M2", "F3", "ratio"}, *lunit[5] = {"N", "kN*m", "N*m", "MN", "1"};
      const int   lch[5] = {1, 0, 0, 0, 0};
      for (int i = 0; i < 5; i++)
        check_sensor(&S->sensors[4 + i], lid[i], FT_SENSOR_LOAD, (double[3]){0, 0, 0}, (double[3]){0, 0, 0}, lunit[i], 1, 0, 1,
                     i == 4 ? 0 : -inf, i == 4 ? 1 : inf, 0, lch[i], 12 + i);
    }
    const FtCalibrationCase *C = &c.calibration;
    CHECKF(C->enabled == 1 && C->nparams == 1, "calibration enabled %d nparams %d", C->enabled, C->nparams);
    CHECK_STR(C->params[0].region, "");
    CHECK_NEAR(C->params[0].prior, 1, 0);
    CHECK_NEAR(C->linear_range, 0.02, 0);
    CHECKF(C->max_outer == 5 && C->fit_samples == 2000 && C->ensemble == 64, "defaults max_outer %d fit_samples %ld ensemble %d",
          C->max_outer, C->fit_samples, C->ensemble);
    CHECKF(C->band == FT_BAND_ENVELOPE, "default band %d", C->band);
    CHECKF(C->covariance == FT_COV_SANDWICH, "default covariance %d", C->covariance);
    CHECK_NEAR(C->regularization, 1e-10, 0);
    CHECK_STR(C->output, "dir/fat.h5"); /* default: fatigue.output */
    FtCaseFree(&c);
  }

  /* no fatigue section: no load cells, calibration gives its own output; defaults of
     superposition and precision; .csv with its own time column; the whole-number limits */
  text = "name: t\nmesh: {file: m.msh, unit: mm}\nmaterials: [{region: b, E: 1, nu: 0}]\n"
         "mechanical: {load_cases: [{name: a}]}\noutput: {file: out.h5}\n"
         "sensors:\n"
         "  data: /abs/s.csv\n"
         "  time_column: t_s\n"
         "  cleaning: {spike_threshold: 3.5, stuck_seconds: 0.5, gap_seconds: 12, max_bad_fraction: 0}\n"
         "  list: [{id: time, type: temperature, position: [1000, 0, 0], unit: degC, noise: 1}]\n"
         "calibration:\n"
         "  parameters: [{name: L, kind: load_scale, load_case: a, prior: 2, sigma: 1, bounds: [1.5, 3]}]\n"
         "  linear_range: 0.5\n"
         "  max_outer: 1\n"
         "  fit_samples: 10\n"
         "  ensemble: 8\n"
         "  band: raw\n"
         "  covariance: gauss_newton\n"
         "  regularization: 0\n"
         "  output: asset.h5\n";
  rc = FtCaseParse("case.yaml", text, &c, err, sizeof err);
  CHECKF(rc == 0, "case without fatigue failed: %s", err);
  if (rc == 0) {
    CHECKF(c.fatigue.enabled == 0 && c.fatigue.superposition == 0 && c.fatigue.single_precision == 0, "fatigue defaults");
    CHECK_STR(c.sensors.data, "/abs/s.csv");
    CHECK_STR(c.sensors.time_column, "t_s");
    CHECK_NEAR(c.sensors.dt, 0, 0);
    CHECK_NEAR(c.sensors.spike_threshold, 3.5, 0);
    CHECKF(c.sensors.spike_window == 5, "default spike_window %d", c.sensors.spike_window);
    CHECK_NEAR(c.sensors.stuck_seconds, 0.5, 0);
    CHECK_NEAR(c.sensors.gap_seconds, 12, 0);
    CHECK_NEAR(c.sensors.max_bad_fraction, 0, 0);
    CHECKF(c.sensors.nsensors == 1, "nsensors %d", c.sensors.nsensors);
    CHECK_NEAR(c.sensors.sensors[0].x[0], 1, 1e-15);
    CHECK_STR(c.calibration.output, "asset.h5");
    CHECKF(c.calibration.params[0].load_case == 0, "load_case %d", c.calibration.params[0].load_case);
    CHECK_NEAR(c.calibration.params[0].prior, 2, 0);
    CHECK_NEAR(c.calibration.linear_range, 0.5, 0);
    CHECKF(c.calibration.max_outer == 1 && c.calibration.fit_samples == 10 && c.calibration.ensemble == 8, "limits");
    CHECKF(c.calibration.band == FT_BAND_RAW, "band raw: %d", c.calibration.band);
    CHECKF(c.calibration.covariance == FT_COV_GAUSS_NEWTON, "covariance gauss_newton: %d", c.calibration.covariance);
    CHECK_NEAR(c.calibration.regularization, 0, 0);
    FtCaseFree(&c);
  }

  /* empty sections mean none; fatigue with fused, double given explicitly */
  text = "name: t\nmesh: {file: m.msh}\nmaterials: [{region: b, E: 1, nu: 0}]\n"
         "mechanical: {load_cases: [{name: a}]}\noutput: {file: out.h5}\n"
         "fatigue:\n"
         "  history: h.csv\n"
         "  channels: [{name: c1, load_case: a, scale: 1}]\n"
         "  material: {name: s, source: t, sn: {type: basquin, S_ref: 9e8, N_ref: 1, m: 5}}\n"
         "  output: fat.h5\n"
         "  superposition: fused\n"
         "  precision: double\n"
         "  cuda_mode: fast\n"
         "sensors:\n"
         "calibration: ~\n";
  rc = FtCaseParse("case.yaml", text, &c, err, sizeof err);
  CHECKF(rc == 0, "empty sections failed: %s", err);
  if (rc == 0) {
    CHECKF(c.sensors.enabled == 0 && c.sensors.sensors == NULL && c.sensors.nsensors == 0, "empty sensors: enabled %d", c.sensors.enabled);
    CHECKF(c.calibration.enabled == 0 && c.calibration.params == NULL, "empty calibration: enabled %d", c.calibration.enabled);
    CHECKF(c.fatigue.superposition == 0 && c.fatigue.single_precision == 0 && c.fatigue.cuda_fast == 1, "fused double, cuda_mode fast");
    FtCaseFree(&c);
  }
  /* absent sections */
  rc = FtCaseParse("case.yaml", "name: t\nmesh: {file: m.msh}\nmaterials: [{region: b, E: 1, nu: 0}]\n"
                   "mechanical: {load_cases: [{name: a}]}\noutput: {file: out.h5}\n", &c, err, sizeof err);
  CHECKF(rc == 0 && !c.sensors.enabled && !c.calibration.enabled, "absent sections: rc %d", rc);
  if (!rc) FtCaseFree(&c);
}

/* Base case for bad sensors and calibration inputs (bad cases replace some of its lines). */
static const char *sen_lines[] = {
  /*  1 */ "name: t",
  /*  2 */ "mesh: {file: m.msh, unit: mm}",
  /*  3 */ "materials: [{region: body, E: 210e9, nu: 0.3, alpha: 12e-6, k: 45}]",
  /*  4 */ "thermal: [{name: warm, fixed_temperature: [{region: base, value: 313}], convection: [{region: ambient, h: 25, ambient: 293}]}]",
  /*  5 */ "mechanical:",
  /*  6 */ "  load_cases: [{name: lift, pressure: [{region: top, value: 1.0e6}]}, {name: heat, temperature: warm}]",
  /*  7 */ "output: {file: out.h5}",
  /*  8 */ "fatigue:",
  /*  9 */ "  history: h.csv",
  /* 10 */ "  channels: [{name: lift_kN, load_case: lift, scale: 0.1}, {name: T_C, load_case: heat, scale: 0.05}]",
  /* 11 */ "  output: fat.h5",
  /* 12 */ "  material: {name: steel, source: test, sn: {type: basquin, S_ref: 900e6, N_ref: 0.5, m: 10}}",
  /* 13 */ "sensors:",
  /* 14 */ "  data: s.csv",
  /* 15 */ "  list:",
  /* 16 */ "    - {id: SG1, type: strain, position: [1, 2, 3], direction: [1, 0, 0], unit: microstrain, noise: 5}",
  /* 17 */ "    - {id: R1, type: rosette, position: [1, 2, 3], directions: [[1, 0, 0], [1, 1, 0], [0, 1, 0]], unit: microstrain, noise: 5}",
  /* 18 */ "    - {id: D1, type: displacement, position: [0, 0, 9], direction: [0, 0, 1], unit: mm, noise: 0.001}",
  /* 19 */ "    - {id: TC1, type: temperature, position: [0, 0, 1], unit: degC, noise: 0.2}",
  /* 20 */ "    - {id: LC1, type: load, channel: lift_kN, unit: kN, noise: 0.05}",
  /* 21 */ "calibration:",
  /* 22 */ "  parameters:",
  /* 23 */ "    - {name: E_body, kind: modulus, region: body, sigma: 0.05, bounds: [0.7, 1.3]}",
  /* 24 */ "    - {name: h_air, kind: convection, region: ambient, sigma: 0.3, bounds: [0.2, 5]}",
  /* 25 */ "    - {name: lift_path, kind: load_scale, load_case: lift, sigma: 0.05, bounds: [0.8, 1.2]}",
};
#define NSEN ((int)(sizeof sen_lines / sizeof sen_lines[0]))

static char *svariant(int from, int to, const char *repl)
{
  static char buf[8192];
  buf[0] = 0;
  for (int i = 1; i <= NSEN; i++) {
    if (i == from) {
      strcat(buf, repl);
      strcat(buf, "\n");
    }
    if (i < from || i > to) {
      strcat(buf, sen_lines[i - 1]);
      strcat(buf, "\n");
    }
  }
  return buf;
}

static void sbad(const char *what, int at, const char *repl, int line, const char *s1, const char *s2, const char *s3)
{
  bad_text(what, svariant(at, at, repl), line, s1, s2, s3);
}

static void test_sensors_bad(void)
{
  FtCase c;
  char   err[2048];
  write_file(casepath, svariant(0, -1, ""));
  int rc = FtCaseLoad(casepath, &c, err, sizeof err);
  CHECKF(rc == 0, "sensors base case failed: %s", err);
  if (!rc) {
    CHECKF(c.sensors.nsensors == 7 && c.calibration.nparams == 3, "base: %d sensors, %d parameters", c.sensors.nsensors,
          c.calibration.nparams);
    FtCaseFree(&c);
  }

  /* fatigue.superposition and precision */
  sbad("unknown superposition", 11, "  output: fat.h5\n  superposition: blas", 12, "fatigue.superposition: must be one of fused, gemm, got 'blas'",
       NULL, NULL);
  sbad("unknown cuda_mode", 11, "  output: fat.h5\n  cuda_mode: fastest", 12, "fatigue.cuda_mode: must be one of exact, fast, got 'fastest'",
       NULL, NULL);
  sbad("unknown precision", 11, "  output: fat.h5\n  superposition: gemm\n  precision: half", 13,
       "fatigue.precision: must be one of double, single, got 'half'", NULL, NULL);
  sbad("single precision with the default fused superposition", 11, "  output: fat.h5\n  precision: single", 12,
       "fatigue.precision: single needs superposition: gemm", "got 'single'", NULL);
  sbad("single precision with fused", 11, "  output: fat.h5\n  precision: single\n  superposition: fused", 12,
       "fatigue.precision: single needs superposition: gemm", NULL, NULL);

  /* the sensors mapping */
  bad_text("sensors as a list", svariant(13, 20, "sensors: [a]"), 13, "sensors: expected a mapping, got a list", NULL, NULL);
  sbad("unknown sensors key", 14, "  data: s.csv\n  time_colum: t", 15, "sensors.time_colum: unknown key",
       "known: data, time_column, dt, cleaning, list", NULL);
  sbad("missing data", 14, "  # no data", 15, "sensors.data: missing", NULL, NULL);
  sbad("data of another kind", 14, "  data: s.txt", 14, "sensors.data: must end in .csv (CSV) or .h5/.hdf5 (HDF5), got 's.txt'", NULL, NULL);
  sbad("data named only by its extension", 14, "  data: dir/.csv", 14, "sensors.data: must end in .csv", NULL, NULL);
  sbad("time_column with HDF5 data", 14, "  data: s.h5\n  time_column: t", 15, "sensors.time_column: only for CSV data", "got 't'", NULL);
  sbad("dt 0", 14, "  data: s.csv\n  dt: 0", 15, "sensors.dt: must be > 0, got 0", NULL, NULL);
  sbad("dt negative", 14, "  data: s.csv\n  dt: -1", 15, "sensors.dt: must be > 0, got -1", NULL, NULL);
  sbad("cleaning as a list", 14, "  data: s.csv\n  cleaning: [1]", 15, "sensors.cleaning: expected a mapping, got a list", NULL, NULL);
  sbad("unknown cleaning key", 14, "  data: s.csv\n  cleaning: {spike: 3}", 15, "sensors.cleaning.spike: unknown key",
       "known: spike_threshold, spike_window, stuck_seconds, gap_seconds, max_bad_fraction", NULL);
  sbad("spike_threshold 0", 14, "  data: s.csv\n  cleaning: {spike_threshold: 0}", 15, "sensors.cleaning.spike_threshold: must be > 0, got 0",
       NULL, NULL);
  sbad("spike_window 0", 14, "  data: s.csv\n  cleaning: {spike_window: 0}", 15,
       "sensors.cleaning.spike_window: must be a whole number >= 1, got '0'", NULL, NULL);
  sbad("spike_window 2.5", 14, "  data: s.csv\n  cleaning: {spike_window: 2.5}", 15,
       "sensors.cleaning.spike_window: must be a whole number >= 1, got '2.5'", NULL, NULL);
  sbad("stuck_seconds 0", 14, "  data: s.csv\n  cleaning: {stuck_seconds: 0}", 15, "sensors.cleaning.stuck_seconds: must be > 0, got 0",
       NULL, NULL);
  sbad("gap_seconds < 0", 14, "  data: s.csv\n  cleaning: {gap_seconds: -1}", 15, "sensors.cleaning.gap_seconds: must be >= 0",
       "got -1", NULL);
  sbad("max_bad_fraction 1.5", 14, "  data: s.csv\n  cleaning: {max_bad_fraction: 1.5}", 15,
       "sensors.cleaning.max_bad_fraction: must be in [0, 1], got 1.5", NULL, NULL);
  bad_text("missing list", svariant(15, 20, "  # no list"), 14, "sensors.list: missing", NULL, NULL);
  bad_text("empty list", svariant(15, 20, "  list: []"), 15, "sensors.list: at least one sensor is required", NULL, NULL);
  bad_text("list as a mapping", svariant(15, 20, "  list: {id: SG1}"), 15, "sensors.list: expected a list, got a mapping", NULL, NULL);

  /* one sensor */
  sbad("sensor as a name", 16, "    - SG1", 16, "sensors.list[0]: expected a mapping, got 'SG1'", NULL, NULL);
  sbad("unknown sensor key", 16, "    - {id: SG1, type: strain, position: [1, 2, 3], direction: [1, 0, 0], unit: microstrain, noize: 5}", 16,
       "sensors.list[0].noize: unknown key", "known: id, type, position", NULL);
  sbad("unknown sensor type", 16, "    - {id: SG1, type: strian, position: [1, 2, 3], direction: [1, 0, 0], unit: microstrain, noise: 5}", 16,
       "sensors.list[0].type: must be one of strain, rosette, displacement, temperature, load, got 'strian'", NULL, NULL);
  sbad("missing type", 16, "    - {id: SG1, position: [1, 2, 3], direction: [1, 0, 0], unit: microstrain, noise: 5}", 16,
       "sensors.list[0].type: missing", NULL, NULL);
  sbad("missing id", 16, "    - {type: strain, position: [1, 2, 3], direction: [1, 0, 0], unit: microstrain, noise: 5}", 16,
       "sensors.list[0].id: missing", NULL, NULL);
  sbad("bad id", 16, "    - {id: SG 1, type: strain, position: [1, 2, 3], direction: [1, 0, 0], unit: microstrain, noise: 5}", 16,
       "sensors.list[0].id: must match [A-Za-z0-9_.-]+, got 'SG 1'", NULL, NULL);
  sbad("duplicate id", 19, "    - {id: SG1, type: temperature, position: [0, 0, 1], unit: degC, noise: 0.2}", 19,
       "sensors.list[3].id: duplicate sensor id 'SG1' (also sensors.list[0], line 16)", NULL, NULL);
  sbad("id of a rosette gauge", 16, "    - {id: R1.b, type: strain, position: [1, 2, 3], direction: [1, 0, 0], unit: microstrain, noise: 5}", 17,
       "sensors.list[1].id: duplicate sensor id 'R1.b' (a gauge of this rosette; also sensors.list[0], line 16)", NULL, NULL);
  sbad("id equal to a gauge of an earlier rosette", 19, "    - {id: R1.c, type: temperature, position: [0, 0, 1], unit: degC, noise: 0.2}", 19,
       "sensors.list[3].id: duplicate sensor id 'R1.c' (also sensors.list[1], a rosette, line 17)", NULL, NULL);
  sbad("id equal to the time column", 19, "    - {id: time, type: temperature, position: [0, 0, 1], unit: degC, noise: 0.2}", 19,
       "sensors.list[3].id: sensor id 'time' is the time column", NULL, NULL);
  sbad("id equal to a renamed time column", 14, "  data: s.csv\n  time_column: SG1", 17,
       "sensors.list[0].id: sensor id 'SG1' is the time column", NULL, NULL);
  {
    char repl[512], id[80];
    memset(id, 'r', 62);
    id[62] = 0;
    snprintf(repl, sizeof repl,
             "    - {id: %s, type: rosette, position: [1, 2, 3], directions: [[1, 0, 0], [1, 1, 0], [0, 1, 0]], unit: microstrain, noise: 5}", id);
    sbad("rosette id too long", 17, repl, 17, "sensors.list[1].id: too long for a rosette id (at most 61 characters", NULL, NULL);
  }
  /* units */
  sbad("temperature unit on a strain gauge", 16, "    - {id: SG1, type: strain, position: [1, 2, 3], direction: [1, 0, 0], unit: degC, noise: 5}", 16,
       "sensors.list[0].unit: unit 'degC' does not fit a strain sensor; use strain, microstrain", NULL, NULL);
  sbad("ustrain on a rosette", 17, "    - {id: R1, type: rosette, position: [1, 2, 3], directions: [[1, 0, 0], [1, 1, 0], [0, 1, 0]], unit: ustrain, noise: 5}",
       17, "sensors.list[1].unit: unit 'ustrain' does not fit a rosette; use strain, microstrain", NULL, NULL);
  sbad("cm on a displacement sensor", 18, "    - {id: D1, type: displacement, position: [0, 0, 9], direction: [0, 0, 1], unit: cm, noise: 0.001}", 18,
       "sensors.list[2].unit: unit 'cm' does not fit a displacement sensor; use m, mm, um", NULL, NULL);
  sbad("degF on a thermocouple", 19, "    - {id: TC1, type: temperature, position: [0, 0, 1], unit: degF, noise: 0.2}", 19,
       "sensors.list[3].unit: unit 'degF' does not fit a temperature sensor; use K, degC", NULL, NULL);
  sbad("lbf on a load cell", 20, "    - {id: LC1, type: load, channel: lift_kN, unit: lbf, noise: 0.05}", 20,
       "sensors.list[4].unit: unit 'lbf' does not fit a load cell; use N, kN, MN, N*m, kN*m, 1", NULL, NULL);
  sbad("unit as a list", 20, "    - {id: LC1, type: load, channel: lift_kN, unit: [kN], noise: 0.05}", 20,
       "sensors.list[4].unit: expected a unit of a load cell (N, kN, MN, N*m, kN*m, 1), got a list", NULL, NULL);
  sbad("missing unit", 20, "    - {id: LC1, type: load, channel: lift_kN, noise: 0.05}", 20, "sensors.list[4].unit: missing", NULL, NULL);
  /* noise, range, measures */
  sbad("noise 0", 19, "    - {id: TC1, type: temperature, position: [0, 0, 1], unit: degC, noise: 0}", 19,
       "sensors.list[3].noise: must be > 0, got 0", NULL, NULL);
  sbad("missing noise", 19, "    - {id: TC1, type: temperature, position: [0, 0, 1], unit: degC}", 19, "sensors.list[3].noise: missing", NULL, NULL);
  sbad("range reversed", 19, "    - {id: TC1, type: temperature, position: [0, 0, 1], unit: degC, noise: 0.2, range: [150, -40]}", 19,
       "sensors.list[3].range: expected [lowest, highest] with lowest < highest, got [150, -40]", NULL, NULL);
  sbad("range of one number", 19, "    - {id: TC1, type: temperature, position: [0, 0, 1], unit: degC, noise: 0.2, range: [150]}", 19,
       "sensors.list[3].range: expected a list of 2 numbers [lowest, highest], got a list of 1", NULL, NULL);
  sbad("measures on a displacement sensor", 18,
       "    - {id: D1, type: displacement, position: [0, 0, 9], direction: [0, 0, 1], unit: mm, noise: 0.001, measures: total}", 18,
       "sensors.list[2].measures: not used by a displacement sensor", "its keys: id, type, position, direction, unit, noise, range", NULL);
  sbad("unknown measures", 16, "    - {id: SG1, type: strain, position: [1, 2, 3], direction: [1, 0, 0], unit: microstrain, noise: 5, measures: elastic}",
       16, "sensors.list[0].measures: must be one of mechanical, total, got 'elastic'", NULL, NULL);
  /* position and direction */
  sbad("zero direction", 16, "    - {id: SG1, type: strain, position: [1, 2, 3], direction: [0, 0, 0], unit: microstrain, noise: 5}", 16,
       "sensors.list[0].direction: must be a non-zero vector, got [0, 0, 0]", NULL, NULL);
  sbad("direction of 2 components", 16, "    - {id: SG1, type: strain, position: [1, 2, 3], direction: [1, 0], unit: microstrain, noise: 5}", 16,
       "sensors.list[0].direction: expected a list of 3 numbers", "got a list of 2", NULL);
  sbad("strain gauge without direction", 16, "    - {id: SG1, type: strain, position: [1, 2, 3], unit: microstrain, noise: 5}", 16,
       "sensors.list[0].direction: missing", NULL, NULL);
  sbad("displacement sensor without direction", 18, "    - {id: D1, type: displacement, position: [0, 0, 9], unit: mm, noise: 0.001}", 18,
       "sensors.list[2].direction: missing", NULL, NULL);
  sbad("direction on a thermocouple", 19, "    - {id: TC1, type: temperature, position: [0, 0, 1], direction: [1, 0, 0], unit: degC, noise: 0.2}", 19,
       "sensors.list[3].direction: not used by a temperature sensor", "its keys: id, type, position, unit, noise, range", NULL);
  sbad("thermocouple without position", 19, "    - {id: TC1, type: temperature, unit: degC, noise: 0.2}", 19, "sensors.list[3].position: missing",
       NULL, NULL);
  sbad("position not a number", 19, "    - {id: TC1, type: temperature, position: [0, a, 1], unit: degC, noise: 0.2}", 19,
       "sensors.list[3].position[1]: expected a number, got 'a'", NULL, NULL);
  /* rosettes */
  sbad("rosette of 2 directions", 17, "    - {id: R1, type: rosette, position: [1, 2, 3], directions: [[1, 0, 0], [0, 1, 0]], unit: microstrain, noise: 5}",
       17, "sensors.list[1].directions: a rosette needs exactly 3 directions, got a list of 2", NULL, NULL);
  sbad("rosette with one direction vector", 17, "    - {id: R1, type: rosette, position: [1, 2, 3], directions: [1, 0, 0], unit: microstrain, noise: 5}",
       17, "sensors.list[1].directions[0]: expected a list of 3 numbers", "got '1'", NULL);
  sbad("rosette with parallel directions", 17,
       "    - {id: R1, type: rosette, position: [1, 2, 3], directions: [[1, 0, 0], [0, 1, 0], [-1, 0.03, 0]], unit: microstrain, noise: 5}", 17,
       "sensors.list[1].directions[2]: parallel to sensors.list[1].directions[0]", "|cos| = 0.9996", "three different directions");
  sbad("rosette with a zero direction", 17,
       "    - {id: R1, type: rosette, position: [1, 2, 3], directions: [[1, 0, 0], [0, 0, 0], [0, 1, 0]], unit: microstrain, noise: 5}", 17,
       "sensors.list[1].directions[1]: must be a non-zero vector", NULL, NULL);
  sbad("rosette without directions", 17, "    - {id: R1, type: rosette, position: [1, 2, 3], unit: microstrain, noise: 5}", 17,
       "sensors.list[1].directions: missing", NULL, NULL);
  sbad("rosette with direction", 17, "    - {id: R1, type: rosette, position: [1, 2, 3], direction: [1, 0, 0], unit: microstrain, noise: 5}", 17,
       "sensors.list[1].direction: not used by a rosette", "directions", NULL);
  sbad("strain gauge with directions", 16,
       "    - {id: SG1, type: strain, position: [1, 2, 3], directions: [[1, 0, 0], [1, 1, 0], [0, 1, 0]], unit: microstrain, noise: 5}", 16,
       "sensors.list[0].directions: not used by a strain sensor", NULL, NULL);
  /* load cells */
  sbad("load cell without channel", 20, "    - {id: LC1, type: load, unit: kN, noise: 0.05}", 20, "sensors.list[4].channel: missing", NULL, NULL);
  sbad("load cell on an unknown channel", 20, "    - {id: LC1, type: load, channel: lift, unit: kN, noise: 0.05}", 20,
       "sensors.list[4].channel: no channel named 'lift' in fatigue.channels (known: lift_kN, T_C)", NULL, NULL);
  sbad("load cell with a position", 20, "    - {id: LC1, type: load, channel: lift_kN, position: [0, 0, 0], unit: kN, noise: 0.05}", 20,
       "sensors.list[4].position: not used by a load cell", "its keys: id, type, channel, unit, noise, range", NULL);
  sbad("load cell with a direction", 20, "    - {id: LC1, type: load, channel: lift_kN, direction: [0, 0, 1], unit: kN, noise: 0.05}", 20,
       "sensors.list[4].direction: not used by a load cell", NULL, NULL);
  sbad("channel on a thermocouple", 19, "    - {id: TC1, type: temperature, position: [0, 0, 1], unit: degC, noise: 0.2, channel: T_C}", 19,
       "sensors.list[3].channel: not used by a temperature sensor", NULL, NULL);
  bad_text("load cell without a fatigue section", svariant(8, 12, "# no fatigue\n# 9\n# 10\n# 11\n# 12"), 20,
           "sensors.list[4].channel: load cell 'LC1' reads fatigue channel 'lift_kN', but the case has no fatigue section", NULL, NULL);

  /* calibration */
  bad_text("calibration without sensors", svariant(13, 20, "# 13\n# 14\n# 15\n# 16\n# 17\n# 18\n# 19\n# 20"), 22,
           "calibration: needs a sensors section", "the case has none", NULL);
  bad_text("calibration as a list", svariant(21, 25, "calibration: [1]"), 21, "calibration: expected a mapping, got a list", NULL, NULL);
  sbad("unknown calibration key", 21, "calibration:\n  max_iter: 3", 22, "calibration.max_iter: unknown key", "known: parameters, linear_range", NULL);
  bad_text("missing parameters", svariant(22, 25, "  linear_range: 0.1"), 22, "calibration.parameters: missing", NULL, NULL);
  bad_text("no parameters", svariant(22, 25, "  parameters: []"), 22, "calibration.parameters: at least one parameter is required", NULL, NULL);
  sbad("unknown parameter key", 23, "    - {name: E_body, kind: modulus, region: body, sigma: 0.05, bounds: [0.7, 1.3], mean: 1}", 23,
       "calibration.parameters[0].mean: unknown key", "known: name, kind, region, load_case, prior, sigma, bounds", NULL);
  sbad("unknown kind", 23, "    - {name: E_body, kind: stiffness, region: body, sigma: 0.05, bounds: [0.7, 1.3]}", 23,
       "calibration.parameters[0].kind: must be one of modulus, expansion, convection, load_scale, support, got 'stiffness'", NULL, NULL);
  sbad("kind support", 23, "    - {name: k_bolt, kind: support, region: body, sigma: 0.05, bounds: [0.7, 1.3]}", 23,
       "calibration.parameters[0].kind: kind 'support' (elastic support stiffness) is not implemented yet", NULL, NULL);
  sbad("missing kind", 23, "    - {name: E_body, region: body, sigma: 0.05, bounds: [0.7, 1.3]}", 23, "calibration.parameters[0].kind: missing",
       NULL, NULL);
  sbad("duplicate parameter name", 24, "    - {name: E_body, kind: convection, region: ambient, sigma: 0.3, bounds: [0.2, 5]}", 24,
       "calibration.parameters[1].name: duplicate parameter name 'E_body' (also calibration.parameters[0], line 23)", NULL, NULL);
  sbad("bad parameter name", 23, "    - {name: E body, kind: modulus, region: body, sigma: 0.05, bounds: [0.7, 1.3]}", 23,
       "calibration.parameters[0].name: must match [A-Za-z0-9_.-]+", NULL, NULL);
  sbad("modulus of an unknown region", 23, "    - {name: E_body, kind: modulus, region: web, sigma: 0.05, bounds: [0.7, 1.3]}", 23,
       "calibration.parameters[0].region: no material region 'web' in materials (known: body)", NULL, NULL);
  sbad("expansion of an unknown region", 23, "    - {name: a, kind: expansion, region: ambient, sigma: 0.05, bounds: [0.7, 1.3]}", 23,
       "calibration.parameters[0].region: no material region 'ambient' in materials", NULL, NULL);
  sbad("convection on an unknown region", 24, "    - {name: h_air, kind: convection, region: air, sigma: 0.3, bounds: [0.2, 5]}", 24,
       "calibration.parameters[1].region: no convection entry on region 'air' in the thermal cases (known: ambient)", NULL, NULL);
  bad_text("convection without convection entries",
           svariant(4, 4, "thermal: [{name: warm, fixed_temperature: [{region: base, value: 313}]}]"), 24,
           "calibration.parameters[1].region: kind convection scales convection coefficients, but no thermal case has a convection entry",
           NULL, NULL);
  {
    char *t = svariant(4, 4, "thermal: [{name: warm, fixed_temperature: [{region: base, value: 313}]}]");
    char  buf[8192];
    snprintf(buf, sizeof buf, "%s", t);
    char *p = strstr(buf, "region: ambient, ");
    memmove(p, p + strlen("region: ambient, "), strlen(p + strlen("region: ambient, ")) + 1);
    bad_text("convection for all regions without convection entries", buf, 24,
             "calibration.parameters[1].kind: kind convection scales convection coefficients, but no thermal case has a convection entry", NULL,
             NULL);
  }
  sbad("load_scale without load_case", 25, "    - {name: lift_path, kind: load_scale, sigma: 0.05, bounds: [0.8, 1.2]}", 25,
       "calibration.parameters[2].load_case: missing", NULL, NULL);
  sbad("load_scale of an unknown load case", 25, "    - {name: lift_path, kind: load_scale, load_case: lfit, sigma: 0.05, bounds: [0.8, 1.2]}", 25,
       "calibration.parameters[2].load_case: no load case named 'lfit' in mechanical.load_cases (known: lift, heat)", NULL, NULL);
  sbad("load_scale with a region", 25, "    - {name: lift_path, kind: load_scale, region: top, load_case: lift, sigma: 0.05, bounds: [0.8, 1.2]}", 25,
       "calibration.parameters[2].region: not used by kind load_scale", NULL, NULL);
  sbad("modulus with a load case", 23, "    - {name: E_body, kind: modulus, load_case: lift, sigma: 0.05, bounds: [0.7, 1.3]}", 23,
       "calibration.parameters[0].load_case: only kind load_scale takes a load case", "got 'lift'", NULL);
  sbad("sigma 0", 23, "    - {name: E_body, kind: modulus, region: body, sigma: 0, bounds: [0.7, 1.3]}", 23,
       "calibration.parameters[0].sigma: must be > 0, got 0", NULL, NULL);
  sbad("missing sigma", 23, "    - {name: E_body, kind: modulus, region: body, bounds: [0.7, 1.3]}", 23, "calibration.parameters[0].sigma: missing",
       NULL, NULL);
  sbad("missing bounds", 23, "    - {name: E_body, kind: modulus, region: body, sigma: 0.05}", 23, "calibration.parameters[0].bounds: missing", NULL,
       NULL);
  sbad("bounds reversed", 23, "    - {name: E_body, kind: modulus, region: body, sigma: 0.05, bounds: [1.3, 0.7]}", 23,
       "calibration.parameters[0].bounds: expected [lower, upper] with lower < upper, got [1.3, 0.7]", NULL, NULL);
  sbad("lower bound 0", 23, "    - {name: E_body, kind: modulus, region: body, sigma: 0.05, bounds: [0, 1.3]}", 23,
       "calibration.parameters[0].bounds: must satisfy 0 < lower < prior (1) < upper, got [0, 1.3]", NULL, NULL);
  sbad("prior above the bounds", 23, "    - {name: E_body, kind: modulus, region: body, prior: 1.5, sigma: 0.05, bounds: [0.7, 1.3]}", 23,
       "calibration.parameters[0].bounds: must satisfy 0 < lower < prior (1.5) < upper, got [0.7, 1.3]", NULL, NULL);
  sbad("default prior below the bounds", 23, "    - {name: E_body, kind: modulus, region: body, sigma: 0.05, bounds: [1.1, 1.3]}", 23,
       "calibration.parameters[0].bounds: must satisfy 0 < lower < prior (1) < upper", NULL, NULL);
  sbad("prior 0", 23, "    - {name: E_body, kind: modulus, region: body, prior: 0, sigma: 0.05, bounds: [0.7, 1.3]}", 23,
       "calibration.parameters[0].prior: must be > 0, got 0", NULL, NULL);
  sbad("linear_range 1", 25, "    - {name: lift_path, kind: load_scale, load_case: lift, sigma: 0.05, bounds: [0.8, 1.2]}\n  linear_range: 1", 26,
       "calibration.linear_range: must be in (0, 1), got 1", NULL, NULL);
  sbad("linear_range 0", 22, "  linear_range: 0\n  parameters:", 22, "calibration.linear_range: must be in (0, 1), got 0", NULL, NULL);
  sbad("max_outer 0", 22, "  max_outer: 0\n  parameters:", 22, "calibration.max_outer: must be a whole number >= 1, got '0'", NULL, NULL);
  sbad("fit_samples 9", 22, "  fit_samples: 9\n  parameters:", 22, "calibration.fit_samples: must be a whole number >= 10, got '9'", NULL, NULL);
  sbad("ensemble 7", 22, "  ensemble: 7\n  parameters:", 22, "calibration.ensemble: must be a whole number >= 8, got '7'", NULL, NULL);
  sbad("band median", 22, "  band: median\n  parameters:", 22, "calibration.band: must be one of envelope, bootstrap, raw, got 'median'", NULL, NULL);
  sbad("covariance chi2", 22, "  covariance: chi2\n  parameters:", 22, "calibration.covariance: must be one of sandwich, gauss_newton, got 'chi2'", NULL, NULL);
  sbad("ensemble 64.5", 22, "  ensemble: 64.5\n  parameters:", 22, "calibration.ensemble: must be a whole number >= 8, got '64.5'", NULL, NULL);
  sbad("regularization < 0", 22, "  regularization: -1e-10\n  parameters:", 22, "calibration.regularization: must be >= 0, got -1e-10", NULL,
       NULL);
  sbad("output overwrites the FE results", 22, "  output: out.h5\n  parameters:", 22, "calibration.output: must differ from the FE results",
       "got 'out.h5'", NULL);
  /* no fatigue section (so no load cell and no default output) */
  bad_text("no output and no fatigue section", svariant(8, 20, "sensors:\n  data: s.csv\n  list: [{id: TC1, type: temperature, position: [0, 0, 1], unit: degC, noise: 0.2}]"),
           12, "calibration.output: missing; give the asset file", "no fatigue section", NULL);
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
  unsetenv("FTWIN_MATERIALS"); /* the library lookup must not depend on the caller's environment */
  {
    const char *f = __FILE__, *end = strstr(f, "tests/unit/test_case.c");
    snprintf(repo_root, sizeof repo_root, "%.*s", end ? (int)(end - f) : 0, f);
  }

  test_expr();
  test_full_example();
  test_minimal();
  test_bad_inputs();
  test_fatigue_example();
  test_library_lookup();
  test_material_library();
  test_fatigue_bad();
  test_sensors_example();
  test_sensors_defaults();
  test_sensors_bad();

  remove(casepath);
  rmdir(tmpdir);
  printf("(%d bad-input cases)\n", nbad);
  return check_summary();
}
