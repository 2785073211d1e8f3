BENCHES += bench_loop
bench_loop_SRCS := bench/loop/bench_loop.c
