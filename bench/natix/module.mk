# natix extraction benchmark: makes its own ~500 MB inputs in /tmp (NATIX_BENCH_DIR), one layout at a time
# (8 MB and pyarrow-style 85 MB dictionary pages); not run by `make test`.
BENCHES += bench_natix_extract
bench_natix_extract_SRCS = bench/natix/bench_natix_extract.c bench/natix/bench_pqwrite.c \
                           $(NATIX_EX_SRCS) $(NATIX_PQ)
bench_natix_extract_LIBS = $(NATIX_PQ_LIBS) -lcjson -ljpeg
