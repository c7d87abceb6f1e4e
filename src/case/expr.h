/* Small arithmetic expressions of x, y, z for case files (prescribed temperature fields,
 * body forces and exact solutions for verification).
 *
 * Grammar: numbers (1, 2.5, 1e-3), variables x y z (SI metres) and r = sqrt(x^2+y^2),
 * constant pi, operators + - * / ^ (right-associative power), unary minus, parentheses,
 * functions sin cos tan exp log sqrt abs atan2(a,b) pow(a,b).
 * Compiled once to a small stack program; evaluation allocates nothing.
 */
#ifndef FT_EXPR_H
#define FT_EXPR_H

#include <stddef.h>

typedef struct FtExpr FtExpr;

/* Returns NULL and writes a message naming the position and the offending token on error. */
FtExpr *FtExprCompile(const char *text, char *errmsg, size_t errlen);
double  FtExprEval(const FtExpr *e, double x, double y, double z);
const char *FtExprText(const FtExpr *e);
void    FtExprFree(FtExpr *e);

#endif
