PLUGINS += local_folder
local_folder_SRCS := plugins/sources/local_folder/local_folder.c
local_folder_LIBS := -lcjson
