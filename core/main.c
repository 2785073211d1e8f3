/* main.c — placeholder until the CLI lands. */
#include "log.h"
#include <stdio.h>
int main(void) { pc_info("proctor %s", PROCTOR_VERSION); return 0; }
