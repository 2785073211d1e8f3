# core/cache: the image cache (upstream layout, atomic writes, budgets, per-directory index).
CORE_SRCS += core/cache/cache.c
