# core/net: metagraph (file / inline list), UID deck, ImageSynapse wire format, dendrite.
CORE_SRCS += core/net/metagraph.c core/net/deck.c core/net/wire.c core/net/lax_float.c core/net/dendrite.c
