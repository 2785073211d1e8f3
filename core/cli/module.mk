# core/cli: one file per command, the demo environment, status. main.c links into the binary only.
CORE_SRCS += core/cli/cli.c core/cli/cmd_check.c core/cli/cmd_worker.c core/cli/cmd_status.c \
             core/cli/cmd_run.c core/cli/status_extra.c core/cli/cmd_generate.c core/cli/demo_env.c \
             core/cli/cmd_demo.c core/cli/cmd_exam.c
