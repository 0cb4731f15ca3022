#!/bin/sh
# Builds the rootfs tarball of the oracle's base images.
#
#   make-rootfs.sh OUT.tar VARIANT
#
# The rootfs is Debian's busybox-static (/bin/busybox and its applet links)
# plus the stub package managers in stubs/ (installed in /usr/local/bin, their
# shared code in /usr/lib/stub/lib.sh). VARIANT is written to
# /etc/layerlab-base: re-importing a tarball with another VARIANT under the same
# tag is a "base image update" (a new image id, so every step rebuilds).
set -eu
out=$1
variant=$2
here=$(cd "$(dirname "$0")" && pwd)
busybox=${BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] || { echo "make-rootfs.sh: $busybox missing (apt-get install busybox-static)" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/bin" "$dir/sbin" "$dir/usr/bin" "$dir/usr/sbin" "$dir/usr/local/bin" "$dir/usr/lib/stub" \
    "$dir/etc" "$dir/tmp" "$dir/root" "$dir/var/cache" "$dir/go" "$dir/usr/local/cargo"
chmod 1777 "$dir/tmp"
cp "$busybox" "$dir/bin/busybox"
for applet in $("$busybox" --list-full); do
    [ -e "$dir/$applet" ] || ln -s /bin/busybox "$dir/$applet"
done
for stub in "$here"/stubs/*; do
    name=$(basename "$stub")
    if [ "$name" = lib.sh ]; then cp "$stub" "$dir/usr/lib/stub/lib.sh"; else
        cp "$stub" "$dir/usr/local/bin/$name"; chmod 755 "$dir/usr/local/bin/$name"; fi
done
# Aliases: the same stub under its other names.
for pair in pip:pip3 python:python3 apt-get:apt dnf:yum dnf:microdnf; do
    ln -s "${pair%%:*}" "$dir/usr/local/bin/${pair#*:}"
done
for tool in node ruby php java gcc make; do
    printf '#!/bin/sh\necho "%s (stub) $*"\n' "$tool" > "$dir/usr/local/bin/$tool"
    chmod 755 "$dir/usr/local/bin/$tool"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\napp:x:1000:1000:app:/home/app:/bin/sh\n' > "$dir/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\napp:x:1000:\n' > "$dir/etc/group"
# Debian's docker images delete downloaded .debs after each install.
mkdir -p "$dir/etc/apt/apt.conf.d"
printf 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb || true"; };\nBinary::apt::APT::Keep-Downloaded-Packages "false";\n' > "$dir/etc/apt/apt.conf.d/docker-clean"
echo "$variant" > "$dir/etc/layerlab-base"
# The corpus-apps suite: STUB_SHELL replaces /bin/sh and /bin/bash by the
# stub shell (every RUN succeeds and runs nothing), STUB_EXTRA is a folder
# copied over the rootfs (its /etc/stub-outputs, users, files the stage's
# base image would hold).
if [ -n "${STUB_SHELL:-}" ]; then
    for sh in bin/sh bin/bash bin/ash bin/dash usr/bin/bash usr/bin/sh; do
        rm -f "$dir/$sh"; cp "$STUB_SHELL" "$dir/$sh"; chmod 755 "$dir/$sh"
    done
fi
if [ -n "${STUB_EXTRA:-}" ]; then cp -a "$STUB_EXTRA/." "$dir/"; fi
# Every user's home folder under /home is its own, as useradd -m and
# adduser make it (a RUN as that USER writes there). Run as root (as the
# oracle is), the tree keeps those owners; otherwise everything is root's.
owner="--owner=0 --group=0"
if [ "$(id -u)" = 0 ]; then
    owner=
    while IFS=: read -r name _ uid gid _ home _; do
        case $home in /home/?*) [ -d "$dir$home" ] && chown "$uid:$gid" "$dir$home" ;; esac
    done < "$dir/etc/passwd"
fi
# shellcheck disable=SC2086
tar -C "$dir" --numeric-owner $owner -cf "$out" .
