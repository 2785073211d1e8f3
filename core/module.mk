# core: the proctor library (everything but cli/main.c) and the proctor binary. Each layer folder
# has its own module.mk; core/LAYERS gives their order (tests/core/test_layers checks includes).
CORE_LIBS += -lcurl -lcjson -lyaml -lsodium -ljpeg -lz -lm
CORE_MAIN := core/cli/main.c
