#!/usr/bin/env bash
# RuVector (`ruvector-postgres` on the Rust crate registry, a pgrx extension named `ruvector`) built
# against the lab's PostgreSQL 17, cached outside the repository keyed by release and major.
# docs/extension-updates.md says what builds, how long it takes and what its releases change.
#
#   scripts/ruvector.sh                 builds (once) every release in CUTOVER_RUVECTOR_VERSIONS, prints ruvector.env
#
# - cargo-pgrx at the version the crate's Cargo.lock pins (pgrx 0.12.x; pgrx 0.12 supports
#   PostgreSQL 12-17, so 18 is not built), installed with `cargo install --locked` into the cache,
#   next to the pg_tviews build's cargo-pgrx 0.17.0, with its own PGRX_HOME (0.12 and 0.17 keep
#   different config files); `cargo pgrx init --pgNN <pg_config>` for the lab's installation only.
# - The crate source comes from static.crates.io, checked against the sparse index's SHA-256, and
#   is built with its own Cargo.lock (--locked) and the machine's active Rust toolchain.
# - Builds land in $CACHE/ruvector-VERSION-pgMAJOR/{lib,extension}/ (.complete when done) and
#   $CACHE/ruvector.env lists them (CUTOVER_RUVECTOR_<VERSION>_PGNN_DIR with dots as underscores).
#   Every release installs the same files (ruvector.control, ruvector.so): install one release at a
#   time into a copy of an installation, never two into one.
#
# Environment:
#   CUTOVER_PGRX_DIR            cache (default /var/cache/cutover-pgrx as root, else ~/.cache/cutover-pgrx)
#   CUTOVER_LAB_DIR             where lab.env is (default /var/cache/cutover-lab as root, else ~/.cache/cutover-lab)
#   CUTOVER_RUVECTOR_VERSIONS   releases to build (default "0.2.6 2.0.4")
#   CUTOVER_RUVECTOR_MAJOR      PostgreSQL major to build for (default 17)
#   CUTOVER_PGRX_JOBS           cargo -j (default: number of cores)
#   CUTOVER_PGRX_KEEP_TARGET=1  keep cargo's target directory
# Progress lines start with "ruvector: "; cargo output goes to $CACHE/logs/.
set -euo pipefail
umask 022

CRATE=ruvector-postgres
VERSIONS="${CUTOVER_RUVECTOR_VERSIONS:-0.2.6 2.0.4}"
MAJOR="${CUTOVER_RUVECTOR_MAJOR:-17}"

log() { echo "ruvector: $*" >&2; }
die() { echo "ruvector: error: $*" >&2; exit 1; }

home_dir() {
  if [[ -n "${HOME:-}" ]]; then printf '%s\n' "$HOME"; else getent passwd "$(id -u)" | cut -d: -f6; fi
}
if [[ $(id -u) -eq 0 ]]; then
  DEFAULT_CACHE=/var/cache/cutover-pgrx; DEFAULT_LAB=/var/cache/cutover-lab
else
  DEFAULT_CACHE="$(home_dir)/.cache/cutover-pgrx"; DEFAULT_LAB="$(home_dir)/.cache/cutover-lab"
fi
CACHE="${CUTOVER_PGRX_DIR:-$DEFAULT_CACHE}"
LAB_ENV="${CUTOVER_LAB_DIR:-$DEFAULT_LAB}/lab.env"
JOBS="${CUTOVER_PGRX_JOBS:-$(nproc 2>/dev/null || echo 2)}"

# since, lab_bindir, ensure_libclang, rust_toolchain (scripts/lib/pgrx-build.sh)
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/pgrx-build.sh"

# The crate's source, unpacked once per release (checksum from the sparse index).
crate_source() {
  local version=$1 dir="$CACHE/src/$CRATE-$1" sum got
  if [[ ! -f "$dir/.complete" ]]; then
    rm -rf "$dir"; mkdir -p "$CACHE/src"
    sum=$(curl -fsSL "https://index.crates.io/ru/ve/$CRATE" | grep -E "\"vers\": *\"${version//./\\.}\"" \
      | sed -E 's/.*"cksum": *"([0-9a-f]{64})".*/\1/') || true
    [[ ${#sum} -eq 64 ]] || die "$CRATE $version is not in the crate registry's index"
    curl -fsSL -o "$CACHE/src/$CRATE-$version.crate" "https://static.crates.io/crates/$CRATE/$CRATE-$version.crate"
    got=$(sha256sum "$CACHE/src/$CRATE-$version.crate" | cut -d' ' -f1)
    [[ "$got" == "$sum" ]] || die "$CRATE-$version.crate: SHA-256 $got, the index says $sum"
    tar -xzf "$CACHE/src/$CRATE-$version.crate" -C "$CACHE/src"
    rm -f "$CACHE/src/$CRATE-$version.crate"
    touch "$dir/.complete"
  fi
  printf '%s\n' "$dir"
}

# The pgrx version a release's Cargo.lock pins (cargo-pgrx must match it exactly).
pgrx_version() {
  awk '/^name = "pgrx"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$1/Cargo.lock"
}

ensure_cargo_pgrx() {
  local version=$1 root="$CACHE/cargo-pgrx-$1" t
  if [[ -x "$root/bin/cargo-pgrx" && -f "$root/.complete" ]]; then printf '%s\n' "$root"; return; fi
  ensure_libclang
  t=$(date +%s)
  log "installing cargo-pgrx $version into $root (a few minutes; log $CACHE/logs/cargo-pgrx-$version.log)"
  rm -rf "$root"
  (cd / && cargo install cargo-pgrx --version "$version" --locked --root "$root" -j "$JOBS") \
    >"$CACHE/logs/cargo-pgrx-$version.log" 2>&1 || die "cargo install cargo-pgrx $version failed: see $CACHE/logs/cargo-pgrx-$version.log"
  touch "$root/.complete"
  log "cargo-pgrx $version installed in $(since "$t")"
  printf '%s\n' "$root"
}

# The crate's own SQL scripts (sql/ruvector--*.sql), what its Dockerfile installs: pgrx 0.12 writes
# no schema file for it ("cargo pgrx schema doesn't work reliably", says the Dockerfile). Functions
# whose C symbol the library lacks are left out (the `embeddings` feature needs fastembed, whose
# ONNX Runtime download is not reachable here), so that CREATE EXTENSION loads; each is named.
install_sql() {
  local src=$1 out=$2
  python3 - "$src/sql" "$out/lib/ruvector.so" "$out/extension" <<'PY'
import glob, os, re, subprocess, sys
sqldir, lib, dest = sys.argv[1:]
symbols = set(line.split()[-1] for line in subprocess.run(['nm', '-D', '--defined-only', lib], capture_output=True, text=True, check=True).stdout.splitlines() if line.strip())
for path in sorted(glob.glob(os.path.join(sqldir, 'ruvector--*.sql'))):
    statements = re.split(r'(?<=;)\n', open(path).read())
    kept = []
    for st in statements:
        m = re.search(r"AS\s+'MODULE_PATHNAME'\s*,\s*'([A-Za-z0-9_]+)'", st)
        if m and m.group(1) not in symbols:
            print(f"ruvector: {os.path.basename(path)}: left out {m.group(1)} (not in the library)", file=sys.stderr)
            continue
        kept.append(st)
    open(os.path.join(dest, os.path.basename(path)), 'w').write('\n'.join(kept))
PY
}

build() {
  local version=$1 bindir=$2 out src pg_config toolchain t pkg log_file pgrx root
  out="$CACHE/ruvector-$version-pg$MAJOR"
  pg_config="$bindir/pg_config"
  [[ -x "$pg_config" ]] || die "no pg_config in $bindir"
  if [[ -f "$out/.complete" ]]; then
    log "PostgreSQL $MAJOR: ruvector $version cached in $out"; return
  fi
  src=$(crate_source "$version")
  pgrx=$(pgrx_version "$src")
  [[ -n "$pgrx" ]] || die "$CRATE $version: no pgrx in its Cargo.lock"
  root=$(ensure_cargo_pgrx "$pgrx")
  toolchain=$(rust_toolchain)
  export PGRX_HOME="$CACHE/pgrx-home-$pgrx"
  (cd / && PATH="$root/bin:$PATH" cargo pgrx init "--pg$MAJOR" "$pg_config") >>"$CACHE/logs/pgrx-init-$pgrx.log" 2>&1 \
    || die "cargo pgrx init --pg$MAJOR $pg_config failed: see $CACHE/logs/pgrx-init-$pgrx.log"
  log_file="$CACHE/logs/ruvector-$version-pg$MAJOR.log"
  t=$(date +%s)
  log "PostgreSQL $MAJOR: building ruvector $version (pgrx $pgrx) with Rust ${toolchain:-(default)} (several minutes; log $log_file)"
  (
    cd "$src"
    export PATH="$root/bin:$PATH" CARGO_TARGET_DIR="$CACHE/target/ruvector-pg$MAJOR" CARGO_BUILD_JOBS="$JOBS"
    [[ -n "$toolchain" ]] && export RUSTUP_TOOLCHAIN="$toolchain"
    cargo pgrx package --pg-config "$pg_config" --no-default-features --features "pg$MAJOR"
  ) >"$log_file" 2>&1 || die "PostgreSQL $MAJOR: ruvector $version did not build: see $log_file"
  pkg=$(ls -d "$CACHE/target/ruvector-pg$MAJOR"/release/*-pg"$MAJOR" | head -1)
  rm -rf "$out"; mkdir -p "$out/lib" "$out/extension"
  cp "$pkg$("$pg_config" --pkglibdir)"/*.so "$out/lib/"
  cp "$pkg$("$pg_config" --sharedir)"/extension/* "$out/extension/"
  "$pg_config" --version >"$out/built-against"
  install_sql "$src" "$out"
  touch "$out/.complete"
  [[ "${CUTOVER_PGRX_KEEP_TARGET:-}" == 1 ]] || rm -rf "$CACHE/target/ruvector-pg$MAJOR"
  log "PostgreSQL $MAJOR: ruvector $version built in $(since "$t") into $out"
}

main() {
  mkdir -p "$CACHE/logs"
  local bindir version env_file="$CACHE/ruvector.env"
  bindir=$(lab_bindir "$MAJOR")
  : >"$env_file.tmp"
  for version in $VERSIONS; do
    build "$version" "$bindir"
    echo "CUTOVER_RUVECTOR_${version//./_}_PG${MAJOR}_DIR=$CACHE/ruvector-$version-pg$MAJOR" >>"$env_file.tmp"
  done
  sort "$env_file.tmp" >"$env_file"; rm -f "$env_file.tmp"
  cat "$env_file"
}

main "$@"
