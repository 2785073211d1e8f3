/* netutil.h — helpers for the network tests and bench: synthetic JPEGs as base64, and a
 * demo_miner child process started on free ports. */
#ifndef PC_TESTS_NETUTIL_H
#define PC_TESTS_NETUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A w x h JPEG (quality 75), grey (128) except the top `share` fraction of rows painted
 * rgb; returned as malloc'd standard base64. NULL on failure. */
char *nt_jpeg_b64(int w, int h, double share, uint8_t r, uint8_t g, uint8_t b);

/* Run `path` with argv (NULL-terminated, argv[0] included) and read its stdout until "ready";
 * the ports it printed ("listening on IP:PORT") go to ports[0..max). Returns the pid, or -1.
 * *nports receives how many were printed. */
pid_t nt_spawn_miner(const char *path, char *const argv[], int *ports, int max, int *nports);
/* SIGTERM, wait; returns the exit status (or -1). */
int nt_stop_miner(pid_t pid);

/* The build directory from PROCTOR_BUILD, or NULL. */
const char *nt_build_dir(void);

#endif
