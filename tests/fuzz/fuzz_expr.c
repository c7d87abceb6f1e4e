/* Fuzzes the expression compiler and evaluator (loads and boundary values given as functions of
 * x, y, z): any text compiles or fails with a message; a compiled one evaluates without a crash. */
#include "case/expr.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char   *text = FuzzText(data, size);
  char    err[512] = "";
  FtExpr *e = FtExprCompile(text, err, sizeof err);
  FuzzCheckMessage(!e, err);
  if (e) {
    const double pts[][3] = {{0, 0, 0}, {1, -2, 3.5}, {1e300, -1e-300, 0.5}};
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) (void)FtExprEval(e, pts[i][0], pts[i][1], pts[i][2]);
    (void)FtExprText(e);
    FtExprFree(e);
  }
  free(text);
  return 0;
}
