#!/usr/bin/env bash
# Builds scenecache's container images on a Debian 12 machine with no Docker and no reachable container
# registry (as this project's build machines are), and leaves them in podman's image store:
#   localhost/scenecache-jvm:<version>      always
#   localhost/scenecache-native:<version>   when GRAALVM_HOME points at a GraalVM or Mandrel 25
#
# What it does, each step skipped when already done:
#   1. installs podman and what it needs from Debian's packages (apt-get, as root or through sudo);
#   2. sets the two podman settings this kind of VM needs (ulimits without CAP_SYS_RESOURCE; runc,
#      since crun refuses hybrid cgroups), in a drop-in of its own;
#   3. makes a Debian base image with debootstrap from the mirror apt already uses, and on it the
#      runtime bases: a JRE 17 with curl (JVM), and glibc + zlib + curl (native);
#   4. builds the images with the standard Quarkus command, from those bases.
# Elsewhere, the standard command alone builds the same images from UBI bases:
#   ./mvnw package -Dquarkus.container-image.build=true [-Dnative]
#
# Usage: deploy/local-images.sh [--skip-build]    (--skip-build: only steps 1-3)
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
say() { echo "[local-images] $*"; }

# 1. Packages.
need=()
for tool in podman:podman buildah:buildah runc:runc debootstrap:debootstrap newuidmap:uidmap \
  fuse-overlayfs:fuse-overlayfs slirp4netns:slirp4netns catatonit:catatonit curl:curl; do
  command -v "${tool%%:*}" >/dev/null || need+=("${tool##*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# 2. Podman settings.
conf=/etc/containers/containers.conf.d/50-scenecache-vm.conf
if [ ! -f "$conf" ]; then
  say "podman settings in $conf"
  $sudo_cmd mkdir -p "$(dirname "$conf")"
  $sudo_cmd tee "$conf" >/dev/null <<'CONF'
# Written by scenecache's deploy/local-images.sh for VMs that withhold CAP_SYS_RESOURCE and run hybrid cgroups.
[containers]
default_ulimits = ["nofile=16384:16384", "nproc=16384:16384"]

[engine]
runtime = "runc"
CONF
fi

# 3. Base images.
if ! $sudo_cmd podman image exists localhost/debian:bookworm; then
  mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
  mirror=${mirror:-$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null)}
  say "debootstrap bookworm from ${mirror} (a few minutes)"
  rootfs=$(mktemp -d)
  $sudo_cmd debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null
  $sudo_cmd tar -C "$rootfs" -c . | $sudo_cmd podman import - localhost/debian:bookworm >/dev/null
  $sudo_cmd rm -rf "$rootfs"
fi
build_base() { # name, packages
  if ! $sudo_cmd podman image exists "localhost/$1"; then
    say "base image $1"
    printf 'FROM localhost/debian:bookworm\nRUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends %s >/dev/null && rm -rf /var/lib/apt/lists/* /var/cache/apt/*\n' "$2" \
      | $sudo_cmd podman build --format docker -t "localhost/$1" -f - . >/dev/null
  fi
}
build_base scenecache-base-jvm:17 "openjdk-17-jre-headless curl ca-certificates"
# The native base is as small as it can be: FROM scratch with only what the executable, swc's library
# (extracted to /tmp at the first compile) and the HEALTHCHECK's curl load.
if ! $sudo_cmd podman image exists localhost/scenecache-base-native:bookworm; then
  say "base image scenecache-base-native:bookworm"
  $sudo_cmd podman build --format docker -t localhost/scenecache-base-native:bookworm -f - . >/dev/null <<'NATIVE'
FROM localhost/debian:bookworm AS libs
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends curl ca-certificates zlib1g >/dev/null \
 && mkdir -p /out/tmp /out/work /out/etc && chmod 1777 /out/tmp \
 && for f in /usr/bin/curl $(ldd /usr/bin/curl | awk '/=>/ {print $3}') /lib64/ld-linux-x86-64.so.2 \
      /lib/x86_64-linux-gnu/libz.so.1 /lib/x86_64-linux-gnu/libgcc_s.so.1 /lib/x86_64-linux-gnu/libm.so.6 \
      /lib/x86_64-linux-gnu/libpthread.so.0 /lib/x86_64-linux-gnu/libdl.so.2 /lib/x86_64-linux-gnu/libc.so.6; do \
      cp --parents -L "$f" /out; done \
 && cp -a --parents /etc/ssl/certs /usr/share/ca-certificates /out \
 && printf 'root:x:0:0::/root:/sbin/nologin\napp:x:1001:0::/work:/sbin/nologin\n' > /out/etc/passwd \
 && printf 'root:x:0:\n' > /out/etc/group && printf 'hosts: files dns\n' > /out/etc/nsswitch.conf
FROM scratch
COPY --from=libs /out/ /
NATIVE
fi

[ "${1:-}" = "--skip-build" ] && exit 0

# 4. The images.
say "building localhost/scenecache-jvm"
./mvnw -B -q package -DskipTests -Dquarkus.container-image.build=true \
  -Dquarkus.podman.build-args.BASE_IMAGE=localhost/scenecache-base-jvm:17
if [ -n "${GRAALVM_HOME:-}" ]; then
  say "building localhost/scenecache-native with GRAALVM_HOME=$GRAALVM_HOME"
  ./mvnw -B -q package -DskipTests -Dnative -Dquarkus.container-image.build=true \
    -Dquarkus.podman.build-args.BASE_IMAGE=localhost/scenecache-base-native:bookworm
else
  say "GRAALVM_HOME is not set: no native image"
fi
$sudo_cmd podman images --filter reference='localhost/scenecache-*'
