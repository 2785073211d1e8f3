# core/plugin: host services handed to plugins, plugin instances and typed calls into their ops.
CORE_SRCS += core/plugin/host.c core/plugin/instance.c
