# scorer "natix" (upstream reward). File scorer_natix.so: the name natix.so belongs to the source.
PLUGINS += scorer_natix
scorer_natix_SRCS := plugins/scorers/natix/natix.c
