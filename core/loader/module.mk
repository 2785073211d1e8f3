# core/loader: finding, loading and checking plugin shared objects (ABI rules, refusals).
CORE_SRCS += core/loader/loader.c
