# Shared by the stub package managers of Layerlab's BuildKit oracle.
# Sourced as /usr/lib/stub/lib.sh inside the base images (busybox sh).
#
# A stub reads the manifest its real tool would read, "downloads" each package
# (sleeps STUB_DL seconds unless the package is already in its cache
# directory), "installs" it (sleeps STUB_INST seconds) and writes a file
# /usr/lib/stub-packages/<manager>-<package>. When the cache directory is a
# warm `RUN --mount=type=cache` mount, the downloads are skipped: faster.

STUB_DL=${STUB_DL:-0.1}
STUB_INST=${STUB_INST:-0.02}

die() { echo "$*" >&2; exit 1; }

need() { [ -f "$1" ] || die "$STUB: cannot open $1: No such file or directory"; }

# stub_install <cache dir> <package>...
#
# Installed packages are reproducible (no token): a package manager
# installing the same versions writes the same files, so a rerun install
# followed by `COPY --from` of its folder is cached by BuildKit, as with the
# real tool. (Logs and timestamps real managers also write, e.g. dpkg's, are
# not modelled; apt-get update's lists carry the date, as Debian's do.)
stub_install() {
    cache=$1; shift
    n=0; hit=0
    mkdir -p /usr/lib/stub-packages "$cache"
    for p in "$@"; do
        n=$((n + 1))
        key=$(echo "$p" | tr '/:@=<>~' '_______')
        if [ -f "$cache/stub-$key" ]; then
            hit=$((hit + 1))
        else
            sleep "$STUB_DL"
            echo "$p" > "$cache/stub-$key"
        fi
        sleep "$STUB_INST"
        echo "$STUB $p" > "/usr/lib/stub-packages/$STUB-$key"
    done
    echo "$STUB: installed $n packages ($hit from cache $cache)"
}

# A fresh random token, one line with a fixed prefix: what a stub writes
# where the real tool's output differs from run to run. verify-fixes masks
# the token's value (the line and its place stay compared): see
# docs/fix-contract.md and verify::mask_tokens.
STUB_TOKEN_PREFIX="layerlab-stub-token: "
stub_token() {
    echo "$STUB_TOKEN_PREFIX$(head -c 16 /dev/urandom | md5sum | cut -c1-32)"
}

# stub_build <output file> [<source file>...]: "compiles" and writes the
# output of a reproducible tool (go build, cargo build, dotnet publish: the
# same inputs give the same bytes). The output is a digest of what the real
# tool reads: the source files, the command's arguments ($STUB_ARGS, set by
# the stub: flags such as -ldflags from a build arg) and the toolchain (the
# base image's /etc/layerlab-base, which a base update changes). A rerun
# with the same inputs writes the same bytes, so BuildKit finds a later
# `COPY --from=<stage>` of it cached, as with the real tool; any changed
# input gives new bytes.
stub_build() {
    out=$1; shift
    sleep 0.1
    mkdir -p "$(dirname "$out")"
    { echo "built by $STUB"; { cat "$@"; echo "args: $STUB_ARGS"; cat /etc/layerlab-base; } 2>/dev/null | md5sum; } > "$out"
    echo "$STUB: built $out"
}

# stub_build_fresh <output file> [<source file>...]: the output of a tool
# that is not reproducible (a jar's entry timestamps, a bundler's build id):
# stub_build's digest plus a fresh token, so every rerun writes new bytes
# and a later `COPY --from=<stage>` of it runs again, as after the real
# tool. (A stub that wrote the same bytes made BuildKit report such a copy
# CACHED after its stage reran, which the real tool never allows.)
stub_build_fresh() {
    stub_build "$@"
    stub_token >> "$1"
}

# Package names from a pip requirements file (comments and options dropped).
req_file() {
    need "$1"
    sed -e 's/#.*//' -e 's/[[:space:]]//g' "$1" | grep -v '^-' | grep -v '^$' | sed -e 's/[][<>=~!;].*//'
}

# Keys of the JSON objects named $2.. in file $1 (one key a line), e.g. the
# "dependencies" and "devDependencies" of a package.json.
json_keys() {
    need "$1"
    f=$1; shift
    for section in "$@"; do
        awk -v s="\"$section\"" '
            index($0, s) && /\{/ { inside = 1; next }
            inside && /\}/ { inside = 0 }
            inside && match($0, /"[^"]+"[[:space:]]*:/) { k = substr($0, RSTART + 1, RLENGTH - 1); sub(/"[[:space:]]*:$/, "", k); print k }
        ' "$f"
    done
}

# `name = "x"` entries of a lock file (Cargo.lock, poetry.lock, uv.lock).
lock_names() { need "$1"; sed -n 's/^name = "\(.*\)"/\1/p' "$1"; }

# The quoted strings of `dependencies = [ ... ]` in a pyproject.toml.
pyproject_deps() {
    need "$1"
    awk '/^dependencies[[:space:]]*=/ { inside = 1 } inside { while (match($0, /"[^"]+"/)) { print substr($0, RSTART + 1, RLENGTH - 2); $0 = substr($0, RSTART + RLENGTH) } } inside && /\]/ { inside = 0 }' "$1" \
        | sed -e 's/[][<>=~!; ].*//'
}
