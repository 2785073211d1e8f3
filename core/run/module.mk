# core/run: the challenge loop, producers (generator/source workers), supervisor, prompts.
CORE_SRCS += core/run/loop.c core/run/audit_json.c core/run/producer.c core/run/supervisor.c core/run/prompts.c \
             core/run/health.c
