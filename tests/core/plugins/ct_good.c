/* ct_good.c — a well-formed source plugin for the loader tests; refresh stores nothing. */
#include "proctor.h"

static proctor_status good_create(const proctor_host *host, proctor_ctx *ctx, void **instance)
{
    (void)host, (void)ctx;
    *instance = (void *)1; /* no state: any non-NULL marker */
    return PROCTOR_OK;
}
static proctor_status good_refresh(void *instance) { return instance ? PROCTOR_OK : PROCTOR_FAILED; }
static void good_destroy(void *instance) { (void)instance; }

static const proctor_config_key keys[] = {
    PROCTOR_KEY("answer", PROCTOR_CFG_INT, "42", "a key so `proctor plugins` has one to list"),
    PROCTOR_KEY_END,
};
static const proctor_source_ops ops = {sizeof ops, good_create, good_refresh, good_destroy};
static const proctor_plugin descriptor = {PROCTOR_DESCRIPTOR_HEADER, PROCTOR_KIND_SOURCE, CT_NAME,
                                          "0.0.1", "core test plugin", keys, &ops};
PROCTOR_PLUGIN(descriptor)
