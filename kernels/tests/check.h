/* The unit tests' check harness: one pass/fail counter per test program (each includes this header
 * once), a settable context printed with every failure, and a summary.
 *
 *   CHECK(cond)                      cond is true
 *   CHECKF(cond, fmt, ...)           the same, with a printf-style explanation on failure
 *   CHECK_CLOSE(got, want, tol)      |got - want| <= tol, or got == want (NaN fails; equal infinities pass)
 *   CHECK_REL(got, want, rel)        |got - want| <= rel |want|, or got == want
 *   CHECK_NEAR(got, want, tol)       |got - want| <= tol (1 + |want|), or got == want
 *   CHECK_LONG(got, want)            integers equal
 *   CHECK_STR(got, want)             got is not NULL and equals want
 *   CHECK_CONTAINS(text, fragment)   text contains fragment (a string literal); prints text on failure
 *   CHECK_CONTEXT(fmt, ...)          sets the context shown in [] after each failure ("" for none)
 *   check_summary()                  prints "N passed, M failed"; returns 1 when a check failed, else 0
 *
 * A failure prints `file:line: FAILED: <what> [context]` on stdout. Plain C (libm only). */
#ifndef FT_TEST_CHECK_H
#define FT_TEST_CHECK_H
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Deterministic random numbers for the tests: xorshift64* (Vigna 2016, "An experimental
 * exploration of Marsaglia's xorshift generators, scrambled"), one stream per test program,
 * started at CHECK_RNG_SEED (define it before including this header to pick another stream). */
#ifndef CHECK_RNG_SEED
#define CHECK_RNG_SEED 0x9E3779B97F4A7C15ull
#endif
static unsigned long long check_rng = CHECK_RNG_SEED;
static inline unsigned long long rng_u64(void)
{
    check_rng ^= check_rng >> 12;
    check_rng ^= check_rng << 25;
    check_rng ^= check_rng >> 27;
    return check_rng * 2685821657736338717ull;
}
/* uniform in [0, 1) (53 bits) */
static inline double urand(void) { return (double)(rng_u64() >> 11) * (1.0 / 9007199254740992.0); }
/* uniform integer in [lo, hi] */
static inline int irand(int lo, int hi) { return lo + (int)(rng_u64() % (unsigned long long)(hi - lo + 1)); }

static int  check_npass, check_nfail;
static char check_context[256];

#define CHECK_CONTEXT(...) snprintf(check_context, sizeof check_context, __VA_ARGS__)

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static inline void check_report(int ok, const char *file, int line, const char *expr, const char *fmt, ...)
{
  if (ok) {
    check_npass++;
    return;
  }
  check_nfail++;
  printf("%s:%d: FAILED: %s", file, line, expr);
  if (fmt) {
    va_list ap;
    va_start(ap, fmt);
    printf(": ");
    vprintf(fmt, ap);
    va_end(ap);
  }
  printf(" [%s]\n", check_context);
}

static inline void check_close(double got, double want, double tol, const char *file, int line, const char *egot, const char *ewant)
{
  const double err = fabs(got - want);
  check_report(err <= tol || got == want, file, line, egot, "got %.17g, expected %s = %.17g (|diff| %.3g > tol %.3g)", got, ewant, want,
               err, tol);
}

static inline int check_summary(void)
{
  printf("%d passed, %d failed\n", check_npass, check_nfail);
  return check_nfail != 0;
}

#define CHECK(cond)         check_report(!!(cond), __FILE__, __LINE__, #cond, NULL)
#define CHECKF(cond, ...)   check_report(!!(cond), __FILE__, __LINE__, #cond, __VA_ARGS__)
#define CHECK_CLOSE(got, want, tol) check_close((got), (want), (tol), __FILE__, __LINE__, #got, #want)
#define CHECK_REL(got, want, rel)                                                                                                     \
  do {                                                                                                                                 \
    const double want_ = (want);                                                                                                       \
    check_close((got), want_, (rel) * fabs(want_), __FILE__, __LINE__, #got, #want);                                                   \
  } while (0)
#define CHECK_NEAR(got, want, tol)                                                                                                    \
  do {                                                                                                                                 \
    const double want_ = (want);                                                                                                       \
    check_close((got), want_, (tol) * (1 + fabs(want_)), __FILE__, __LINE__, #got, #want);                                             \
  } while (0)
#define CHECK_LONG(got, want)                                                                                                          \
  do {                                                                                                                                 \
    const long got_ = (long)(got), want_ = (long)(want);                                                                               \
    check_report(got_ == want_, __FILE__, __LINE__, #got, "got %ld, expected %ld", got_, want_);                                          \
  } while (0)
#define CHECK_STR(got, want)                                                                                                           \
  do {                                                                                                                                 \
    const char *got_ = (got), *want_ = (want);                                                                                         \
    check_report(got_ && !strcmp(got_, want_), __FILE__, __LINE__, #got, "got \"%s\", expected \"%s\"", got_ ? got_ : "(null)", want_);    \
  } while (0)
#define CHECK_CONTAINS(text, fragment)                                                                                                 \
  do {                                                                                                                                 \
    const char *text_ = (text);                                                                                                        \
    check_report(strstr(text_, (fragment)) != NULL, __FILE__, __LINE__, "message contains '" fragment "'", "message was: %s", text_);  \
  } while (0)
#endif
