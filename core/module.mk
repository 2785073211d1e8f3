# core: the proctor library (everything but main.c) and the proctor binary.
CORE_SRCS += core/log.c
CORE_LIBS += -lcurl -lcjson -lyaml -lsodium -ljpeg -lmicrohttpd -lz -lm
