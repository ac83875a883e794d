#!/usr/bin/env bash
# Stand-in for the registry's debian:bookworm-slim: a minimal bookworm root file system made by
# debootstrap from the Debian mirror apt already uses, imported as an image. Usage: TAG [MIRROR]
set -euo pipefail
tag=${1:-debian:bookworm-slim}
mirror=${2:-http://deb.debian.org/debian}
root=$(mktemp -d /tmp/cosmic-bookworm.XXXXXX)
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 \
    || { tail -20 "$root.log" >&2; rm -f "$root.log"; exit 1; }
rm -f "$root.log"
# As the official image: security updates in the sources, no package caches or lists left behind.
cat >"$root/etc/apt/sources.list" <<LIST
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
LIST
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/*.log
tar -C "$root" -c . | docker import --change 'CMD ["bash"]' \
    --message "cosmic stand-in for $tag (debootstrap --variant=minbase bookworm)" - "$tag" >/dev/null
