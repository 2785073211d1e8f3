/* ct_crash.c — a source whose refresh aborts at once: the supervisor must back off. */
#include "proctor.h"
#include <stdlib.h>

static proctor_status c(const proctor_host *h, proctor_ctx *x, void **i) { (void)h, (void)x; *i = (void *)1; return PROCTOR_OK; }
static proctor_status r(void *i) { (void)i; abort(); }
static void d(void *i) { (void)i; }
static const proctor_source_ops ops = {sizeof ops, c, r, d};
static const proctor_plugin descriptor = {PROCTOR_DESCRIPTOR_HEADER, PROCTOR_KIND_SOURCE,
                                          "ct_crash", "0.0.1", "aborts in refresh", NULL, &ops};
PROCTOR_PLUGIN(descriptor)
