#!/bin/sh
# check_layers.sh [ROOT] — fail when a core file includes a header from a layer above its own.
# The layers are listed in ROOT/core/LAYERS (lowest first, peers on one line). Prints one line
# per offending include (file:line: what and why) and exits 1; prints nothing and exits 0 when
# every include runs downwards.
root=${1:-.}
layers="$root/core/LAYERS"
[ -r "$layers" ] || { echo "check_layers: cannot read $layers" >&2; exit 2; }
find "$root/core" -name '*.[ch]' | sort | awk -v layers="$layers" -v root="$root/" '
BEGIN {
    rank = 0
    while ((getline line < layers) > 0) {
        sub(/#.*/, "", line)
        n = split(line, f, /[ \t]+/)
        used = 0
        for (i = 1; i <= n; i++) if (f[i] != "") { level[f[i]] = rank; used = 1 }
        if (used) rank++
    }
    bad = 0
}
{
    file = $0
    rel = substr(file, length(root) + 1)
    split(rel, parts, "/")
    folder = parts[2]
    if (!(folder in level)) {
        if (parts[3] != "") { print rel ": folder core/" folder " is not listed in core/LAYERS"; bad = 1 }
        next
    }
    ln = 0
    while ((getline text < file) > 0) {
        ln++
        if (text !~ /^[ \t]*#[ \t]*include[ \t]*"/) continue
        inc = text
        sub(/^[ \t]*#[ \t]*include[ \t]*"/, "", inc)
        sub(/".*/, "", inc)
        if (inc ~ /^proctor[a-z_]*\.h$/) continue
        if (index(inc, "/") == 0) {
            print rel ":" ln ": \"" inc "\": name core headers by folder (\"folder/" inc "\")"
            bad = 1
            continue
        }
        split(inc, ip, "/")
        target = ip[1]
        if (target == folder) continue
        if (!(target in level)) {
            print rel ":" ln ": \"" inc "\": core/" target " is not a layer in core/LAYERS"
            bad = 1
        } else if (level[target] >= level[folder]) {
            print rel ":" ln ": \"" inc "\": core/" folder " (layer " level[folder] ") may not include core/" \
                  target " (layer " level[target] (level[target] == level[folder] ? ", a peer" : ", above") ")"
            bad = 1
        }
    }
    close(file)
}
END { exit bad }'
