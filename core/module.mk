# core: the proctor library (everything but main.c) and the proctor binary.
CORE_SRCS += core/log.c core/yamltree.c core/settings.c core/plugins.c core/fsutil.c core/cache.c core/pipeline.c core/rng.c core/host.c core/instance.c core/prompts.c core/producer.c core/supervisor.c core/cli.c core/cmd_check.c core/cmd_worker.c core/cmd_status.c core/cmd_run.c core/miners.c core/loop.c core/status_extra.c core/cmd_generate.c core/demo_env.c core/cmd_demo.c core/cmd_exam.c
CORE_LIBS += -lcurl -lcjson -lyaml -lsodium -ljpeg -lz -lm
