/* Small arithmetic expressions of x, y, z: tokenizer, recursive-descent compiler to a postfix
 * program, and a non-allocating stack-machine evaluator. See expr.h for the grammar.
 *
 * Precedence (lowest first):
 *   expr   := term  (('+' | '-') term)*
 *   term   := unary (('*' | '/') unary)*
 *   unary  := ('-' | '+') unary | power
 *   power  := primary ('^' unary)?          right-associative; -2^2 = -(2^2) = -4 as in math,
 *                                            2^-1 = 0.5
 *   primary:= number | x | y | z | r | pi | func '(' expr (',' expr)* ')' | '(' expr ')'
 */
#include "case/expr.h"
#include "util/oneline.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* Evaluation stack size; compile rejects programs that need more, and bounds the parser's
   recursion so that pathological input ("((((...", "------1") cannot overflow the C stack. */
#define EXPR_STACK 64
#define EXPR_MAX_NEST 200

typedef enum {
  OP_NUM, OP_X, OP_Y, OP_Z, OP_R,
  OP_NEG, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_POW,
  OP_SIN, OP_COS, OP_TAN, OP_EXP, OP_LOG, OP_SQRT, OP_ABS, OP_ATAN2
} OpCode;

typedef struct {
  int    op;
  double v; /* OP_NUM only */
} Instr;

struct FtExpr {
  char  *text;
  Instr *prog;
  int    n;
};

typedef enum { T_END, T_NUM, T_IDENT, T_OP, T_BAD } TokKind;

typedef struct {
  TokKind     kind;
  const char *s;   /* start in the text */
  size_t      len;
  double      num;
  char        ch;  /* T_OP: one of + - * / ^ ( ) , */
} Token;

typedef struct {
  const char *text;
  const char *p;     /* scan position (after the current token) */
  Token       tok;   /* current token */
  Instr      *prog;
  int         n, cap;
  int         depth, maxdepth; /* evaluation stack depth while emitting */
  int         nest;
  int         failed;
  char       *err;
  size_t      errlen;
} Parser;

static const struct { const char *name; int op; int nargs; } funcs[] = {
  {"sin", OP_SIN, 1}, {"cos", OP_COS, 1}, {"tan", OP_TAN, 1}, {"exp", OP_EXP, 1},
  {"log", OP_LOG, 1}, {"sqrt", OP_SQRT, 1}, {"abs", OP_ABS, 1},
  {"atan2", OP_ATAN2, 2}, {"pow", OP_POW, 2},
};
#define NFUNCS ((int)(sizeof funcs / sizeof funcs[0]))
#define KNOWN_IDENTS "x, y, z, r, pi, sin, cos, tan, exp, log, sqrt, abs, atan2, pow"

static void fail(Parser *parser, const char *fmt, ...)
{
  if (parser->failed) return;
  parser->failed = 1;
  if (!parser->err || !parser->errlen) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(parser->err, parser->errlen, fmt, ap);
  va_end(ap);
  FtMessageOneLine(parser->err);
}

static int column_of(const Parser *parser, const char *s) { return (int)(s - parser->text) + 1; }

/* Report the current token as unexpected. */
static void unexpected(Parser *parser)
{
  const Token *t = &parser->tok;
  if (t->kind == T_END)
    fail(parser, "unexpected end of expression at column %d in \"%s\"", column_of(parser, t->s), parser->text);
  else
    fail(parser, "unexpected '%.*s' at column %d in \"%s\"", (int)t->len, t->s, column_of(parser, t->s), parser->text);
}

static void next_token(Parser *parser)
{
  const char *p = parser->p;
  while (*p && isspace((unsigned char)*p)) p++;
  Token *t = &parser->tok;
  t->s = p;
  t->len = 0;
  t->num = 0;
  t->ch = 0;
  if (!*p) {
    t->kind = T_END;
  } else if (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]))) {
    const char *q = p;
    while (isdigit((unsigned char)*q)) q++;
    if (*q == '.') {
      q++;
      while (isdigit((unsigned char)*q)) q++;
    }
    if (*q == 'e' || *q == 'E') {
      const char *e = q + 1;
      if (*e == '+' || *e == '-') e++;
      if (!isdigit((unsigned char)*e)) {
        while (isalnum((unsigned char)*e) || *e == '.' || *e == '_') e++;
        t->kind = T_BAD;
        t->len = (size_t)(e - p);
        parser->p = e;
        fail(parser, "malformed number '%.*s' at column %d in \"%s\"", (int)t->len, p, column_of(parser, p), parser->text);
        return;
      }
      while (isdigit((unsigned char)*e)) e++;
      q = e;
    }
    char buf[128];
    size_t len = (size_t)(q - p);
    t->len = len;
    if (len >= sizeof buf) {
      t->kind = T_BAD;
      parser->p = q;
      fail(parser, "number too long at column %d in \"%s\"", column_of(parser, p), parser->text);
      return;
    }
    memcpy(buf, p, len);
    buf[len] = 0;
    t->kind = T_NUM;
    t->num = strtod(buf, NULL);
    p = q;
  } else if (isalpha((unsigned char)*p) || *p == '_') {
    const char *q = p;
    while (isalnum((unsigned char)*q) || *q == '_') q++;
    t->kind = T_IDENT;
    t->len = (size_t)(q - p);
    p = q;
  } else if (strchr("+-*/^(),", *p)) {
    t->kind = T_OP;
    t->ch = *p;
    t->len = 1;
    p++;
  } else {
    t->kind = T_BAD;
    t->len = 1;
    parser->p = p + 1;
    fail(parser, "unexpected character '%c' at column %d in \"%s\"", *p, column_of(parser, p), parser->text);
    return;
  }
  parser->p = p;
}

static int is_op(const Parser *parser, char c) { return parser->tok.kind == T_OP && parser->tok.ch == c; }

static int ident_is(const Token *t, const char *name)
{
  return t->kind == T_IDENT && strlen(name) == t->len && !strncmp(t->s, name, t->len);
}

/* Emit one instruction; `delta` is its effect on the evaluation stack depth. */
static void emit(Parser *parser, int op, double v, int delta)
{
  if (parser->failed) return;
  if (parser->n == parser->cap) {
    int    cap = parser->cap ? 2 * parser->cap : 16;
    Instr *np  = realloc(parser->prog, (size_t)cap * sizeof *np);
    if (!np) {
      fail(parser, "out of memory compiling \"%s\"", parser->text);
      return;
    }
    parser->prog = np;
    parser->cap  = cap;
  }
  parser->prog[parser->n].op = op;
  parser->prog[parser->n].v  = v;
  parser->n++;
  parser->depth += delta;
  if (parser->depth > parser->maxdepth) parser->maxdepth = parser->depth;
  if (parser->maxdepth > EXPR_STACK)
    fail(parser, "expression too complex (needs more than %d stack slots) in \"%s\"", EXPR_STACK, parser->text);
}

static void parse_expr(Parser *parser);
static void parse_unary(Parser *parser);

static void parse_primary(Parser *parser)
{
  if (parser->failed) return;
  Token t = parser->tok;
  if (t.kind == T_NUM) {
    emit(parser, OP_NUM, t.num, +1);
    next_token(parser);
  } else if (t.kind == T_OP && t.ch == '(') {
    next_token(parser);
    parse_expr(parser);
    if (parser->failed) return;
    if (!is_op(parser, ')')) {
      if (parser->tok.kind == T_END)
        fail(parser, "missing ')' for '(' at column %d in \"%s\"", column_of(parser, t.s), parser->text);
      else
        unexpected(parser);
      return;
    }
    next_token(parser);
  } else if (t.kind == T_IDENT) {
    if (ident_is(&t, "x")) emit(parser, OP_X, 0, +1);
    else if (ident_is(&t, "y")) emit(parser, OP_Y, 0, +1);
    else if (ident_is(&t, "z")) emit(parser, OP_Z, 0, +1);
    else if (ident_is(&t, "r")) emit(parser, OP_R, 0, +1);
    else if (ident_is(&t, "pi")) emit(parser, OP_NUM, M_PI, +1);
    else {
      int f = -1;
      for (int i = 0; i < NFUNCS; i++)
        if (ident_is(&t, funcs[i].name)) f = i;
      if (f < 0) {
        fail(parser, "unknown identifier '%.*s' at column %d in \"%s\" (known: " KNOWN_IDENTS ")", (int)t.len, t.s, column_of(parser, t.s),
             parser->text);
        return;
      }
      next_token(parser);
      if (parser->failed) return;
      if (!is_op(parser, '(')) {
        if (parser->tok.kind == T_END)
          fail(parser, "expected '(' after function '%s' at column %d in \"%s\"", funcs[f].name, column_of(parser, parser->tok.s),
               parser->text);
        else
          fail(parser, "expected '(' after function '%s', got '%.*s' at column %d in \"%s\"", funcs[f].name, (int)parser->tok.len,
               parser->tok.s, column_of(parser, parser->tok.s), parser->text);
        return;
      }
      Token open = parser->tok;
      next_token(parser);
      int nargs = 0;
      if (!is_op(parser, ')')) {
        for (;;) {
          parse_expr(parser);
          if (parser->failed) return;
          nargs++;
          if (is_op(parser, ',')) {
            next_token(parser);
            continue;
          }
          break;
        }
      }
      if (parser->failed) return;
      if (!is_op(parser, ')')) {
        if (parser->tok.kind == T_END)
          fail(parser, "missing ')' for '(' at column %d in \"%s\"", column_of(parser, open.s), parser->text);
        else
          unexpected(parser);
        return;
      }
      if (nargs != funcs[f].nargs) {
        fail(parser, "function '%s' takes %d argument%s, got %d at column %d in \"%s\"", funcs[f].name, funcs[f].nargs,
             funcs[f].nargs == 1 ? "" : "s", nargs, column_of(parser, t.s), parser->text);
        return;
      }
      next_token(parser);
      emit(parser, funcs[f].op, 0, 1 - funcs[f].nargs);
      return;
    }
    next_token(parser);
  } else if (t.kind == T_BAD) {
    return; /* already reported by the tokenizer */
  } else {
    unexpected(parser);
  }
}

static void parse_power(Parser *parser)
{
  parse_primary(parser);
  if (parser->failed) return;
  if (is_op(parser, '^')) {
    next_token(parser);
    parse_unary(parser); /* right-associative, and allows 2^-1 */
    emit(parser, OP_POW, 0, -1);
  }
}

static void parse_unary(Parser *parser)
{
  if (parser->failed) return;
  if (++parser->nest > EXPR_MAX_NEST) {
    fail(parser, "expression nested too deeply in \"%s\"", parser->text);
    return;
  }
  if (is_op(parser, '-')) {
    next_token(parser);
    parse_unary(parser);
    emit(parser, OP_NEG, 0, 0);
  } else if (is_op(parser, '+')) {
    next_token(parser);
    parse_unary(parser);
  } else {
    parse_power(parser);
  }
  parser->nest--;
}

static void parse_term(Parser *parser)
{
  parse_unary(parser);
  while (!parser->failed && (is_op(parser, '*') || is_op(parser, '/'))) {
    int op = parser->tok.ch == '*' ? OP_MUL : OP_DIV;
    next_token(parser);
    parse_unary(parser);
    emit(parser, op, 0, -1);
  }
}

static void parse_expr(Parser *parser)
{
  if (parser->failed) return;
  if (++parser->nest > EXPR_MAX_NEST) {
    fail(parser, "expression nested too deeply in \"%s\"", parser->text);
    return;
  }
  parse_term(parser);
  while (!parser->failed && (is_op(parser, '+') || is_op(parser, '-'))) {
    int op = parser->tok.ch == '+' ? OP_ADD : OP_SUB;
    next_token(parser);
    parse_term(parser);
    emit(parser, op, 0, -1);
  }
  parser->nest--;
}

FtExpr *FtExprCompile(const char *text, char *errmsg, size_t errlen)
{
  Parser parser;
  memset(&parser, 0, sizeof parser);
  parser.err    = errmsg;
  parser.errlen = errlen;
  if (errmsg && errlen) errmsg[0] = 0;
  if (!text) {
    fail(&parser, "no expression");
    return NULL;
  }
  parser.text = text;
  parser.p    = text;
  next_token(&parser);
  if (!parser.failed && parser.tok.kind == T_END) {
    fail(&parser, "empty expression \"%s\"", text);
  } else {
    parse_expr(&parser);
    if (!parser.failed && parser.tok.kind != T_END) unexpected(&parser);
  }
  if (!parser.failed && parser.depth != 1) fail(&parser, "internal error compiling \"%s\"", text); /* cannot happen */
  FtExpr *e = NULL;
  if (!parser.failed) {
    e = calloc(1, sizeof *e);
    if (e) e->text = malloc(strlen(text) + 1);
    if (!e || !e->text) {
      free(e);
      e = NULL;
      fail(&parser, "out of memory compiling \"%s\"", text);
    } else {
      strcpy(e->text, text);
      e->prog = parser.prog;
      e->n    = parser.n;
      parser.prog  = NULL;
    }
  }
  free(parser.prog);
  return e;
}

double FtExprEval(const FtExpr *e, double x, double y, double z)
{
  double st[EXPR_STACK];
  int    sp = 0;
  if (!e) return NAN;
  for (int i = 0; i < e->n; i++) {
    const Instr *in = &e->prog[i];
    switch (in->op) {
    case OP_NUM: st[sp++] = in->v; break;
    case OP_X: st[sp++] = x; break;
    case OP_Y: st[sp++] = y; break;
    case OP_Z: st[sp++] = z; break;
    case OP_R: st[sp++] = sqrt(x * x + y * y); break;
    case OP_NEG: st[sp - 1] = -st[sp - 1]; break;
    case OP_ADD: sp--; st[sp - 1] += st[sp]; break;
    case OP_SUB: sp--; st[sp - 1] -= st[sp]; break;
    case OP_MUL: sp--; st[sp - 1] *= st[sp]; break;
    case OP_DIV: sp--; st[sp - 1] /= st[sp]; break;
    case OP_POW: sp--; st[sp - 1] = pow(st[sp - 1], st[sp]); break;
    case OP_ATAN2: sp--; st[sp - 1] = atan2(st[sp - 1], st[sp]); break;
    case OP_SIN: st[sp - 1] = sin(st[sp - 1]); break;
    case OP_COS: st[sp - 1] = cos(st[sp - 1]); break;
    case OP_TAN: st[sp - 1] = tan(st[sp - 1]); break;
    case OP_EXP: st[sp - 1] = exp(st[sp - 1]); break;
    case OP_LOG: st[sp - 1] = log(st[sp - 1]); break;
    case OP_SQRT: st[sp - 1] = sqrt(st[sp - 1]); break;
    case OP_ABS: st[sp - 1] = fabs(st[sp - 1]); break;
    default: return NAN;
    }
  }
  return sp == 1 ? st[0] : NAN;
}

const char *FtExprText(const FtExpr *e) { return e ? e->text : ""; }

void FtExprFree(FtExpr *e)
{
  if (!e) return;
  free(e->text);
  free(e->prog);
  free(e);
}
