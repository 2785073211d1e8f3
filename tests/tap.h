/* tap.h — Test Anything Protocol output for proctor's tests; `prove` is the harness.
 *
 *   ok(cond, "what %d", x);   is_int(got, want, "what");   is_str(got, want, "what");
 *   is_double(got, want, tol, "what");   skip_all("no ../shared");   diag("note");
 *   return done_testing();
 *
 * A failed check prints the file:line and the values; the test binary keeps going and exits 1
 * at done_testing(). skip_all() prints "1..0 # SKIP reason" and exits 0, so a missing fixture is
 * a visible skip, never a silent pass. */
#ifndef PROCTOR_TAP_H
#define PROCTOR_TAP_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count_;
static int tap_failed_;

static inline void tap_vline_(int passed, const char *file, int line, const char *fmt, va_list ap)
{
    tap_count_++;
    if (!passed) tap_failed_++;
    printf("%sok %d - ", passed ? "" : "not ", tap_count_);
    vprintf(fmt, ap);
    printf("\n");
    if (!passed) printf("#   failed at %s:%d\n", file, line);
    fflush(stdout);
}

static inline int tap_ok_at_(int passed, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tap_vline_(passed, file, line, fmt, ap);
    va_end(ap);
    return passed;
}

static inline void diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("# ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
}

#define ok(cond, ...) tap_ok_at_(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, ...)                                                                 \
    do {                                                                                       \
        long long g_ = (long long)(got), w_ = (long long)(want);                               \
        if (!tap_ok_at_(g_ == w_, __FILE__, __LINE__, __VA_ARGS__))                            \
            diag("  got %lld, want %lld", g_, w_);                                             \
    } while (0)

#define is_str(got, want, ...)                                                                 \
    do {                                                                                       \
        const char *g_ = (got), *w_ = (want);                                                  \
        int eq_ = (g_ && w_) ? strcmp(g_, w_) == 0 : g_ == w_;                                 \
        if (!tap_ok_at_(eq_, __FILE__, __LINE__, __VA_ARGS__))                                 \
            diag("  got \"%s\", want \"%s\"", g_ ? g_ : "(null)", w_ ? w_ : "(null)");         \
    } while (0)

#define is_double(got, want, tol, ...)                                                         \
    do {                                                                                       \
        double g_ = (got), w_ = (want);                                                        \
        if (!tap_ok_at_(fabs(g_ - w_) <= (tol), __FILE__, __LINE__, __VA_ARGS__))              \
            diag("  got %.17g, want %.17g (tol %g)", g_, w_, (double)(tol));                   \
    } while (0)

static inline void skip(int n, const char *why)
{
    for (int i = 0; i < n; i++) {
        tap_count_++;
        printf("ok %d # SKIP %s\n", tap_count_, why);
    }
    fflush(stdout);
}

static inline void skip_all(const char *why)
{
    printf("1..0 # SKIP %s\n", why);
    fflush(stdout);
    exit(0);
}

static inline int done_testing(void)
{
    printf("1..%d\n", tap_count_);
    if (tap_failed_) printf("# %d of %d checks failed\n", tap_failed_, tap_count_);
    fflush(stdout);
    return tap_failed_ ? 1 : 0;
}

#endif
