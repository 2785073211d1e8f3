# core/base: log, files, clock, rng, yaml tree. Depends on nothing of the core.
CORE_SRCS += core/base/log.c core/base/fsutil.c core/base/rng.c core/base/yamltree.c core/base/buf.c
