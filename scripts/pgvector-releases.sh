#!/usr/bin/env bash
# An older pgvector release next to the lab's 0.8.0, so that `CREATE EXTENSION vector VERSION '0.6.2'`
# and then `ALTER EXTENSION vector UPDATE` (0.6.2 -> 0.8.0, through 0.8.0's own upgrade scripts)
# run on every lab installation: what a server whose packages were upgraded but whose databases
# still hold the old extension version looks like. docs/extension-updates.md says why this
# release and why this way.
#
#   scripts/pgvector-releases.sh        caches the old release's install script, adds it to each lab installation
#
# - The library stays 0.8.0's (pgvector's libraries keep every C function its older install
#   scripts name, which is what makes its update path work); only the install script of the old
#   version is added: `vector--0.6.2.sql`. 0.8.0's control file and its upgrade scripts
#   (vector--0.6.2--0.7.0.sql ... vector--0.7.4--0.8.0.sql) are in every lab installation already.
# - Debian's only downloadable pgvector source is 0.8.0 (trixie; sid lists 0.8.7 but its files are
#   not served), and no other reachable registry carries pgvector's C source; PyPI's `pgserver`
#   0.1.4 wheel (a relocatable PostgreSQL 16.2 with pgvector 0.6.2) carries the 0.6.2 install
#   script as pgvector's `make install` wrote it. Pinned by the wheel's and the script's SHA-256.
# - Cached in $CUTOVER_LAB_DIR/pgvector-0.6.2/; the lab's installations come from lab.env.
#
# Environment: CUTOVER_LAB_DIR (default /var/cache/cutover-lab as root, else ~/.cache/cutover-lab).
# Progress lines start with "pgvector-releases: ".
set -euo pipefail
umask 022

OLD_VERSION=0.6.2
WHEEL_PACKAGE=pgserver
WHEEL_VERSION=0.1.4
WHEEL_SHA=d595789b47624a3d963aa9aa6359da9be31beb7e61f1a45541953242068b8813
WHEEL_TAGS=(--python-version 3.11 --implementation cp --platform manylinux_2_17_x86_64)
WHEEL_MEMBER=pgserver/pginstall/share/postgresql/extension/vector--$OLD_VERSION.sql
SCRIPT_SHA=ea07e73f4a55bbd5b8b929528819160676f7578deae400753e035983bc1a95cf

log() { echo "pgvector-releases: $*" >&2; }
die() { echo "pgvector-releases: error: $*" >&2; exit 1; }

home_dir() {
  if [[ -n "${HOME:-}" ]]; then printf '%s\n' "$HOME"; else getent passwd "$(id -u)" | cut -d: -f6; fi
}
if [[ $(id -u) -eq 0 ]]; then DEFAULT_LAB=/var/cache/cutover-lab; else DEFAULT_LAB="$(home_dir)/.cache/cutover-lab"; fi
LAB="${CUTOVER_LAB_DIR:-$DEFAULT_LAB}"
OUT="$LAB/pgvector-$OLD_VERSION"
SCRIPT="$OUT/vector--$OLD_VERSION.sql"

fetch() {
  if [[ -f "$OUT/.complete" ]]; then log "pgvector $OLD_VERSION install script: cached ($OUT)"; return; fi
  command -v unzip >/dev/null || die "unzip is missing (scripts/lab.sh installs it)"
  local t0=$SECONDS tmp
  tmp=$(mktemp -d)
  log "pgvector $OLD_VERSION: downloading the PyPI wheel $WHEEL_PACKAGE $WHEEL_VERSION"
  python3 -m pip download --quiet --no-deps --no-cache-dir --only-binary=:all: "${WHEEL_TAGS[@]}" -d "$tmp" "$WHEEL_PACKAGE==$WHEEL_VERSION" >&2 \
    || die "pip download $WHEEL_PACKAGE==$WHEEL_VERSION failed"
  local wheel
  wheel=$(ls "$tmp"/*.whl)
  printf '%s  %s\n' "$WHEEL_SHA" "$wheel" | sha256sum -c --quiet - >/dev/null 2>&1 || die "${wheel##*/}: SHA-256 differs from the pinned $WHEEL_SHA"
  rm -rf "$OUT"; mkdir -p "$OUT"
  unzip -q -j "$wheel" "$WHEEL_MEMBER" -d "$OUT"
  printf '%s  %s\n' "$SCRIPT_SHA" "$SCRIPT" | sha256sum -c --quiet - >/dev/null 2>&1 || die "$SCRIPT: SHA-256 differs from the pinned $SCRIPT_SHA"
  echo "$WHEEL_PACKAGE $WHEEL_VERSION ($WHEEL_SHA)" >"$OUT/source"
  rm -rf "$tmp"
  touch "$OUT/.complete"
  log "pgvector $OLD_VERSION install script cached in $((SECONDS - t0)) s"
}

# The lab's bindirs, from lab.env.
bindirs() {
  [[ -f "$LAB/lab.env" ]] || die "no $LAB/lab.env: run scripts/lab.sh first"
  grep -E '^CUTOVER_LAB_PG[0-9]+_BINDIR=' "$LAB/lab.env" | sed -E "s/^[^=]*=//; s/^'//; s/'$//"
}

install_into() {
  local bindir=$1 extdir
  [[ -x "$bindir/pg_config" ]] || { log "$bindir: no pg_config, skipped"; return; }
  extdir="$("$bindir/pg_config" --sharedir)/extension"
  if [[ ! -f "$extdir/vector--$OLD_VERSION--0.7.0.sql" ]]; then
    log "$bindir: its pgvector has no update path from $OLD_VERSION, skipped"; return
  fi
  if cmp -s "$SCRIPT" "$extdir/vector--$OLD_VERSION.sql"; then log "$bindir: vector--$OLD_VERSION.sql present"; return; fi
  install -m 644 "$SCRIPT" "$extdir/"
  log "$bindir: vector--$OLD_VERSION.sql added (CREATE EXTENSION vector VERSION '$OLD_VERSION' works there now)"
}

main() {
  fetch
  local bindir
  while IFS= read -r bindir; do install_into "$bindir"; done < <(bindirs)
}

main "$@"
