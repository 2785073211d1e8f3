# scorer "brier" -> scorer_brier.so
PLUGINS += scorer_brier
scorer_brier_SRCS := plugins/scorers/brier/brier.c
