# core/score: per-miner history, EMA scores and weights, the atomic state and weights files.
CORE_SRCS += core/score/history.c core/score/scores.c core/score/file.c core/score/state.c \
             core/score/weights.c
