# core/config: settings + pipeline -> typed structs; every validation rule lives here.
CORE_SRCS += core/config/settings.c core/config/pipeline.c core/config/miners.c core/config/config.c
