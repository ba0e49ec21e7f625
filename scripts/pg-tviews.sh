#!/usr/bin/env bash
# pg_tviews (the Rust/pgrx extension, from the crate registry) built against the lab's PostgreSQL
# installations, cached outside the repository keyed by release and major. docs/pg-tviews-lab.md
# says which release serves which major and why.
#
#   scripts/pg-tviews.sh [BUILD...]           builds (once) each BUILD, prints the env file; BUILD is a major
#                                             (its default release, below) or RELEASE:MAJOR (0.1.0-beta.20:17);
#                                             default CUTOVER_PG_TVIEWS_BUILDS, else every major in lab.env
#   scripts/pg-tviews.sh --install [BUILD...] the same, then copies each build into its lab installation (one
#                                             release per major fits there: the last one listed wins)
#   scripts/pg-tviews.sh --install-into BINDIR MAJOR [RELEASE]
#                                             copies the cached build for MAJOR into another installation
#                                             (e.g. a copy of an embedded one; same major, any minor)
#
# - cargo-pgrx at the version every pg_tviews release pins (pgrx =0.17.0), installed with
#   `cargo install --locked` into the cache; `cargo pgrx init --pgNN <pg_config>` for the lab's own
#   installations only (no PostgreSQL source is downloaded). Needs cargo (rustup) and libclang.
# - The crate source comes from static.crates.io (the .crate tarball, checked against the sparse
#   index's SHA-256) and is built with its own Cargo.lock (--locked).
# - Every release carries a rust-toolchain.toml asking for Rust 1.98; the build runs on the
#   toolchain the machine has (RUSTUP_TOOLCHAIN set to the active one) so rustup never downloads.
# - Builds land in $CACHE/pg_tviews-VERSION-pgMAJOR/{lib,extension}/ (.complete when done) and
#   $CACHE/pg-tviews.env lists them: CUTOVER_PG_TVIEWS_PGNN_DIR and _VERSION for a major's default
#   release, CUTOVER_PG_TVIEWS_PGNN_<RELEASE>_DIR for every release built (0.1.0-beta.20 -> 0_1_0_BETA_20).
#   Builds of earlier runs stay listed.
# - The extension must be in shared_preload_libraries ('pg_tviews') for its hooks and settings.
#
# Environment:
#   CUTOVER_PGRX_DIR                 cache (default /var/cache/cutover-pgrx as root, else ~/.cache/cutover-pgrx)
#   CUTOVER_LAB_DIR                  where lab.env is (default /var/cache/cutover-lab as root, else ~/.cache/cutover-lab)
#   CUTOVER_PG_TVIEWS_BUILDS         builds when none is given ("16 17 0.1.0-beta.20:17")
#   CUTOVER_PG_TVIEWS_MAJORS         the same (older name); default every CUTOVER_LAB_PGNN_BINDIR in lab.env
#   CUTOVER_PG_TVIEWS_VERSION_PGNN   release for major NN (defaults below)
#   CUTOVER_PGRX_JOBS                cargo -j (default: number of cores)
#   CUTOVER_PGRX_KEEP_TARGET=1       keep cargo's target directory per major (1.6-2.8 GB each)
# Progress lines start with "pg-tviews: "; cargo output goes to $CACHE/logs/.
set -euo pipefail
umask 022

PGRX_VERSION=0.17.0
# The newest release that builds with the machines' Rust (1.95) for each major. 15: support
# ended after 0.1.0-beta.20 (beta.21 dropped the pg13-pg15 features).
declare -A DEFAULT_VERSION=([15]=0.1.0-beta.20 [16]=0.1.0-beta.34 [17]=0.1.0-beta.34 [18]=0.1.0-beta.34)

log() { echo "pg-tviews: $*" >&2; }
die() { echo "pg-tviews: error: $*" >&2; exit 1; }

home_dir() {
  if [[ -n "${HOME:-}" ]]; then printf '%s\n' "$HOME"; else getent passwd "$(id -u)" | cut -d: -f6; fi
}
if [[ $(id -u) -eq 0 ]]; then
  DEFAULT_CACHE=/var/cache/cutover-pgrx; DEFAULT_LAB=/var/cache/cutover-lab
else
  DEFAULT_CACHE="$(home_dir)/.cache/cutover-pgrx"; DEFAULT_LAB="$(home_dir)/.cache/cutover-lab"
fi
# rustup's default place, for a CI shell whose PATH never read ~/.cargo/env.
if ! command -v cargo >/dev/null && [[ -x "$(home_dir)/.cargo/bin/cargo" ]]; then PATH="$(home_dir)/.cargo/bin:$PATH"; fi
CACHE="${CUTOVER_PGRX_DIR:-$DEFAULT_CACHE}"
LAB_ENV="${CUTOVER_LAB_DIR:-$DEFAULT_LAB}/lab.env"
JOBS="${CUTOVER_PGRX_JOBS:-$(nproc 2>/dev/null || echo 2)}"
PGRX_ROOT="$CACHE/cargo-pgrx-$PGRX_VERSION"
export PGRX_HOME="$CACHE/pgrx-home"

# The release to build for a major: CUTOVER_PG_TVIEWS_VERSION_PGNN, else the default above.
release_for() {
  local var="CUTOVER_PG_TVIEWS_VERSION_PG$1"
  printf '%s\n' "${!var:-${DEFAULT_VERSION[$1]:-}}"
}

# since, lab_bindir, ensure_libclang, rust_toolchain (scripts/lib/pgrx-build.sh)
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/pgrx-build.sh"

ensure_cargo_pgrx() {
  if [[ -x "$PGRX_ROOT/bin/cargo-pgrx" && -f "$PGRX_ROOT/.complete" ]]; then return; fi
  ensure_libclang
  local t; t=$(date +%s)
  log "installing cargo-pgrx $PGRX_VERSION into $PGRX_ROOT (a few minutes; log $CACHE/logs/cargo-pgrx-$PGRX_VERSION.log)"
  rm -rf "$PGRX_ROOT"
  (cd / && cargo install cargo-pgrx --version "$PGRX_VERSION" --locked --root "$PGRX_ROOT" -j "$JOBS") \
    >"$CACHE/logs/cargo-pgrx-$PGRX_VERSION.log" 2>&1 || die "cargo install cargo-pgrx failed: see $CACHE/logs/cargo-pgrx-$PGRX_VERSION.log"
  touch "$PGRX_ROOT/.complete"
  log "cargo-pgrx $PGRX_VERSION installed in $(since "$t")"
}

# The crate's source, unpacked once per release (checksum from the sparse index).
crate_source() {
  local version=$1 dir="$CACHE/src/pg_tviews-$1" sum got
  if [[ ! -f "$dir/.complete" ]]; then
    rm -rf "$dir"; mkdir -p "$CACHE/src"
    sum=$(curl -fsSL https://index.crates.io/pg/_t/pg_tviews | grep -E "\"vers\": *\"${version//./\\.}\"" \
      | sed -E 's/.*"cksum": *"([0-9a-f]{64})".*/\1/') || true
    [[ ${#sum} -eq 64 ]] || die "pg_tviews $version is not in the crate registry's index"
    curl -fsSL -o "$CACHE/src/pg_tviews-$version.crate" "https://static.crates.io/crates/pg_tviews/pg_tviews-$version.crate"
    got=$(sha256sum "$CACHE/src/pg_tviews-$version.crate" | cut -d' ' -f1)
    [[ "$got" == "$sum" ]] || die "pg_tviews-$version.crate: SHA-256 $got, the index says $sum"
    tar -xzf "$CACHE/src/pg_tviews-$version.crate" -C "$CACHE/src"
    rm -f "$CACHE/src/pg_tviews-$version.crate"
    touch "$dir/.complete"
  fi
  printf '%s\n' "$dir"
}

build() {
  local major=$1 bindir=$2 version=$3 out src pg_config toolchain t pkg log_file
  [[ -n "$version" ]] || die "no pg_tviews release known for PostgreSQL $major (set CUTOVER_PG_TVIEWS_VERSION_PG$major)"
  out="$CACHE/pg_tviews-$version-pg$major"
  pg_config="$bindir/pg_config"
  [[ -x "$pg_config" ]] || die "no pg_config in $bindir"
  if [[ -f "$out/.complete" ]]; then
    log "PostgreSQL $major: pg_tviews $version cached in $out"
    echo "$version"; return
  fi
  ensure_cargo_pgrx
  src=$(crate_source "$version")
  toolchain=$(rust_toolchain)
  # pgrx keeps one pg_config per major in $PGRX_HOME/config.toml; init only writes it (as root it
  # skips its own initdb), nothing is downloaded.
  (cd / && PATH="$PGRX_ROOT/bin:$PATH" cargo pgrx init "--pg$major" "$pg_config") >>"$CACHE/logs/pgrx-init.log" 2>&1 \
    || die "cargo pgrx init --pg$major $pg_config failed: see $CACHE/logs/pgrx-init.log"
  log_file="$CACHE/logs/pg_tviews-$version-pg$major.log"
  t=$(date +%s)
  log "PostgreSQL $major: building pg_tviews $version with Rust ${toolchain:-(default)} (several minutes; log $log_file)"
  (
    cd "$src"
    export PATH="$PGRX_ROOT/bin:$PATH" CARGO_TARGET_DIR="$CACHE/target/pg$major" CARGO_BUILD_JOBS="$JOBS"
    [[ -n "$toolchain" ]] && export RUSTUP_TOOLCHAIN="$toolchain"
    cargo pgrx package --pg-config "$pg_config" --no-default-features --features "pg$major"
  ) >"$log_file" 2>&1 || die "PostgreSQL $major: pg_tviews $version did not build: see $log_file"
  # cargo pgrx package lays the files out under the installation's own paths.
  pkg="$CACHE/target/pg$major/release/pg_tviews-pg$major"
  rm -rf "$out"; mkdir -p "$out/lib" "$out/extension"
  cp "$pkg$("$pg_config" --pkglibdir)"/pg_tviews.so "$out/lib/"
  cp "$pkg$("$pg_config" --sharedir)"/extension/pg_tviews* "$out/extension/"
  "$pg_config" --version >"$out/built-against"
  touch "$out/.complete"
  # cargo's target directory is 1.6-2.8 GB per major; kept only when asked (a rebuild of another
  # release for the same major then reuses pgrx: about 2 minutes instead of 3).
  [[ "${CUTOVER_PGRX_KEEP_TARGET:-}" == 1 ]] || rm -rf "$CACHE/target/pg$major"
  log "PostgreSQL $major: pg_tviews $version built in $(since "$t") into $out"
  echo "$version"
}

# Copies a cached build into an installation: one with pg_config (the lab's), or a bare one such as
# the embedded packages' (bin/postgres, lib/postgresql, share/postgresql/extension; no pg_config).
# Never point it at an installation inside node_modules: copy that installation first.
install_into() {
  local bindir=$1 major=$2 version=${3:-$(release_for "$2")} out have libdir extdir
  out="$CACHE/pg_tviews-$version-pg$major"
  [[ -f "$out/.complete" ]] || die "no cached build of pg_tviews $version for PostgreSQL $major: run scripts/pg-tviews.sh $version:$major first"
  if [[ -x "$bindir/pg_config" ]]; then
    have=$("$bindir/pg_config" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
    libdir=$("$bindir/pg_config" --pkglibdir); extdir="$("$bindir/pg_config" --sharedir)/extension"
  elif [[ -x "$bindir/postgres" ]]; then
    have=$("$bindir/postgres" --version | sed -E 's/^postgres \(PostgreSQL\) ([0-9]+).*/\1/')
    libdir="$bindir/../lib/postgresql"; extdir="$bindir/../share/postgresql/extension"
    [[ -d "$libdir" && -d "$extdir" ]] || die "$bindir has no pg_config and no ../lib/postgresql, ../share/postgresql/extension"
  else
    die "no pg_config or postgres in $bindir"
  fi
  [[ "$have" == "$major" ]] || die "$bindir is PostgreSQL $have, not $major"
  install -m 755 "$out/lib/pg_tviews.so" "$libdir/"
  install -m 644 "$out"/extension/* "$extdir/"
  log "PostgreSQL $major: pg_tviews $version installed into $bindir's installation"
}

# 0.1.0-beta.20 -> 0_1_0_BETA_20 (a release in a variable name).
release_key() { printf '%s\n' "$1" | tr '[:lower:]' '[:upper:]' | tr -c 'A-Z0-9\n' '_'; }

main() {
  mkdir -p "$CACHE/logs"
  if [[ "${1:-}" == --install-into ]]; then
    [[ $# -eq 3 || $# -eq 4 ]] || die "usage: scripts/pg-tviews.sh --install-into BINDIR MAJOR [RELEASE]"
    install_into "$2" "$3" "${4:-}"; return
  fi
  local install=false builds build major bindir version default env_file="$CACHE/pg-tviews.env"
  [[ "${1:-}" == --install ]] && { install=true; shift; }
  builds="$*"
  [[ -n "${builds// /}" ]] || builds="${CUTOVER_PG_TVIEWS_BUILDS:-${CUTOVER_PG_TVIEWS_MAJORS:-}}"
  [[ -n "${builds// /}" ]] || builds="$(grep -oE '^CUTOVER_LAB_PG[0-9]+_BINDIR' "$LAB_ENV" 2>/dev/null | grep -oE '[0-9]+' | tr '\n' ' ')"
  [[ -n "${builds// /}" ]] || die "nothing to build: run scripts/lab.sh first, or name builds (16, 0.1.0-beta.20:17)"
  for build in $builds; do
    [[ "$build" =~ ^([0-9A-Za-z.+-]+:)?[0-9]+$ ]] || die "build \"$build\": expected MAJOR or RELEASE:MAJOR (0.1.0-beta.20:17)"
  done
  # Lines of the builds this run makes are rewritten; every other line stays.
  local keep='^$'
  for build in $builds; do
    major=${build##*:}; version=$([[ "$build" == *:* ]] && echo "${build%:*}" || release_for "$major")
    default=$(release_for "$major")
    keep="$keep|^CUTOVER_PG_TVIEWS_PG${major}_$(release_key "$version")_DIR="
    [[ "$version" == "$default" ]] && keep="$keep|^CUTOVER_PG_TVIEWS_PG${major}_DIR=|^CUTOVER_PG_TVIEWS_PG${major}_VERSION="
  done
  { grep -Ev "$keep" "$env_file" 2>/dev/null || true; } >"$env_file.tmp"
  for build in $builds; do
    major=${build##*:}; version=$([[ "$build" == *:* ]] && echo "${build%:*}" || release_for "$major")
    [[ -n "$version" ]] || die "no pg_tviews release known for PostgreSQL $major (name one: RELEASE:$major)"
    default=$(release_for "$major")
    bindir=$(lab_bindir "$major")
    version=$(build "$major" "$bindir" "$version")
    $install && install_into "$bindir" "$major" "$version"
    echo "CUTOVER_PG_TVIEWS_PG${major}_$(release_key "$version")_DIR=$CACHE/pg_tviews-$version-pg$major" >>"$env_file.tmp"
    if [[ "$version" == "$default" ]]; then
      { echo "CUTOVER_PG_TVIEWS_PG${major}_DIR=$CACHE/pg_tviews-$version-pg$major"
        echo "CUTOVER_PG_TVIEWS_PG${major}_VERSION=$version"; } >>"$env_file.tmp"
    fi
  done
  sort -u "$env_file.tmp" >"$env_file"; rm -f "$env_file.tmp"
  cat "$env_file"
}

main "$@"
