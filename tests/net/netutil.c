/* netutil.c — see netutil.h. */
#include "netutil.h"

#include <stdio.h> /* before jpeglib.h, which uses FILE */

#include <jpeglib.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

char *nt_jpeg_b64(int w, int h, double share, uint8_t r, uint8_t g, uint8_t b)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr jerr;
    unsigned char *jpeg = NULL;
    unsigned long jlen = 0;
    uint8_t *row = malloc((size_t)w * 3);
    if (!row) return NULL;
    c.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &jpeg, &jlen);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 75, TRUE);
    jpeg_start_compress(&c, TRUE);
    int painted = (int)(share * h + 0.5);
    while (c.next_scanline < c.image_height) {
        int y = (int)c.next_scanline;
        for (int x = 0; x < w; x++) {
            uint8_t *p = row + 3 * x;
            if (y < painted) p[0] = r, p[1] = g, p[2] = b;
            else p[0] = p[1] = p[2] = 128;
        }
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(row);
    size_t b64len = sodium_base64_encoded_len(jlen, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(b64len);
    if (b64) sodium_bin2base64(b64, b64len, jpeg, jlen, sodium_base64_VARIANT_ORIGINAL);
    free(jpeg);
    return b64;
}

pid_t nt_spawn_miner(const char *path, char *const argv[], int *ports, int max, int *nports)
{
    int fds[2];
    *nports = 0;
    if (pipe(fds) != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execv(path, argv);
        _exit(127);
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    char line[256];
    int ready = 0;
    while (f && fgets(line, sizeof line, f)) {
        const char *colon = strrchr(line, ':');
        if (!strncmp(line, "listening on ", 13) && colon && *nports < max) ports[(*nports)++] = atoi(colon + 1);
        if (!strcmp(line, "ready\n")) {
            ready = 1;
            break;
        }
    }
    if (f) fclose(f); /* the miner writes nothing more to stdout */
    else close(fds[0]);
    if (!ready) {
        nt_stop_miner(pid);
        return -1;
    }
    return pid;
}

int nt_stop_miner(pid_t pid)
{
    int st;
    kill(pid, SIGTERM);
    if (waitpid(pid, &st, 0) != pid) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

const char *nt_build_dir(void)
{
    const char *b = getenv("PROCTOR_BUILD");
    return b && *b ? b : NULL;
}
