# scorer "accuracy" -> scorer_accuracy.so
PLUGINS += scorer_accuracy
scorer_accuracy_SRCS := plugins/scorers/accuracy/accuracy.c
