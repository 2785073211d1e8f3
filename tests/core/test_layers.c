/* test_layers.c — the core's includes run one way (core/LAYERS), and the checker itself can
 * fail: a copy of the tree with one upward include, one peer include and one bare include must
 * be refused, each with the file and line named. */
#include "../tap.h"

#include <stdio.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>

#define CHECKER "tools/check_layers/check_layers.sh"

/* Run the checker on ROOT; returns its exit status and its output in out. */
static int run_checker(const char *root, char *out, size_t outlen)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sh %s %s 2>&1", CHECKER, root);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    size_t n = fread(out, 1, outlen - 1, p);
    out[n] = 0;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int sh(const char *fmt, const char *arg)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, fmt, arg, arg, arg);
    return system(cmd);
}

int main(void)
{
    static char out[65536];
    int rc = run_checker(".", out, sizeof out);
    is_int(rc, 0, "the real tree's includes follow core/LAYERS");
    if (rc != 0) diag("%s", out);

    char tmp[] = "/tmp/proctor-layers-XXXXXX";
    if (!mkdtemp(tmp)) return ok(0, "mkdtemp"), done_testing();
    ok(sh("cp -R core %s/core", tmp) == 0, "copied core/ into %s", tmp);

    /* base is the bottom layer: it may not include the run loop */
    ok(sh("printf '#include \"run/loop.h\"\\n' >> %s/core/base/log.c", tmp) == 0, "added an upward include");
    rc = run_checker(tmp, out, sizeof out);
    is_int(rc, 1, "an upward include fails the check");
    ok(strstr(out, "core/base/log.c:") && strstr(out, "may not include core/run") && strstr(out, "above"),
       "the failure names the file, the line and the layers");

    /* net and cache are peers */
    sh("cp core/base/log.c %s/core/base/log.c", tmp);
    ok(sh("printf '#include \"cache/cache.h\"\\n' >> %s/core/net/deck.c", tmp) == 0, "added a peer include");
    rc = run_checker(tmp, out, sizeof out);
    is_int(rc, 1, "a peer include fails the check");
    ok(strstr(out, "core/net/deck.c:") && strstr(out, "a peer"), "the failure says it is a peer");

    /* a bare name hides which layer it comes from */
    sh("cp core/net/deck.c %s/core/net/deck.c", tmp);
    ok(sh("printf '#include \"deck.h\"\\n' >> %s/core/net/wire.c", tmp) == 0, "added a bare include");
    rc = run_checker(tmp, out, sizeof out);
    is_int(rc, 1, "a bare include fails the check");
    ok(strstr(out, "core/net/wire.c:") && strstr(out, "name core headers by folder"), "and says why");

    sh("cp core/net/wire.c %s/core/net/wire.c", tmp);
    rc = run_checker(tmp, out, sizeof out);
    is_int(rc, 0, "the restored copy passes again");
    sh("rm -rf %s", tmp);
    return done_testing();
}
