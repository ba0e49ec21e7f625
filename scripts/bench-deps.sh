#!/usr/bin/env bash
# The peers `BENCH=validate npm run bench` measures cutover validate against, installed once and
# cached outside the repository (keyed by version):
# - reladiff (PyPI, data-diff's maintained fork) with psycopg2-binary, in a virtual environment;
# - pg_comparator (Debian's postgresql-comparator, apt; Perl with DBD::Pg), and its server
#   extension pgcmp (checksum functions) built from Debian's source package against the lab's
#   PostgreSQL 17 (the binary package carries it for Debian's 15 only).
# A peer that cannot be installed is reported and the script goes on: the bench prints it as
# unavailable, never skips it silently. Prints `reladiff=PATH` and `pg_comparator=PATH` for what
# is installed.
#   scripts/bench-deps.sh
#
# Environment: CUTOVER_BENCH_DIR (default /var/cache/cutover-bench as root, else ~/.cache/cutover-bench);
# CUTOVER_BENCH_PG_CONFIG (default: the lab's PostgreSQL 17, from lab.env).
set -uo pipefail
RELADIFF_VERSION=0.6.0
PSYCOPG2_VERSION=2.9.10
if [[ $(id -u) -eq 0 ]]; then DEFAULT=/var/cache/cutover-bench; else DEFAULT="$HOME/.cache/cutover-bench"; fi
CACHE="${CUTOVER_BENCH_DIR:-$DEFAULT}"
DIR="$CACHE/reladiff-$RELADIFF_VERSION"
status=0

if [[ ! -x "$DIR/bin/reladiff" || ! -f "$DIR/.complete" ]]; then
  rm -rf "$DIR"
  mkdir -p "$(dirname "$DIR")"
  echo "bench-deps: installing reladiff==$RELADIFF_VERSION into $DIR" >&2
  if python3 -m venv "$DIR" >&2 && "$DIR/bin/pip" install -q "reladiff==$RELADIFF_VERSION" "psycopg2-binary==$PSYCOPG2_VERSION" >&2; then
    touch "$DIR/.complete"
  else
    echo "bench-deps: reladiff could not be installed" >&2
    status=1
  fi
fi
[[ -f "$DIR/.complete" ]] && echo "reladiff=$DIR/bin/reladiff"

if ! command -v pg_comparator >/dev/null; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "bench-deps: must run as root to install postgresql-comparator (apt)" >&2
    status=1
  else
    echo "bench-deps: installing postgresql-comparator (apt)" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get -q -o DPkg::Lock::Timeout=600 update >/dev/null &&
      apt-get -q -y -o DPkg::Lock::Timeout=600 install postgresql-comparator >/dev/null; } ||
      { echo "bench-deps: postgresql-comparator could not be installed" >&2; status=1; }
  fi
fi

# pgcmp into the server the bench runs: the source of Debian's bookworm package, through a private
# apt configuration (the machine's own lists are left as they are).
PG_CONFIG="${CUTOVER_BENCH_PG_CONFIG:-}"
if [[ -z "$PG_CONFIG" ]]; then
  for env in /var/cache/cutover-lab/lab.env "$HOME/.cache/cutover-lab/lab.env"; do
    [[ -f "$env" ]] || continue
    bindir=$(sed -n 's/^CUTOVER_LAB_PG17_BINDIR=//p' "$env")
    [[ -n "$bindir" ]] && PG_CONFIG="$bindir/pg_config" && break
  done
fi
pgcmp_ok=0
if [[ -z "$PG_CONFIG" || ! -x "$PG_CONFIG" ]]; then
  echo "bench-deps: no lab PostgreSQL 17 (run scripts/lab.sh): pg_comparator's extension not built" >&2
  status=1
elif [[ -f "$("$PG_CONFIG" --sharedir)/extension/pgcmp.control" && -f "$("$PG_CONFIG" --pkglibdir)/pgcmp.so" ]]; then
  pgcmp_ok=1
elif command -v pg_comparator >/dev/null; then
  version=$(dpkg-query -W -f='${Source}' postgresql-comparator 2>/dev/null)
  version=${version:-pg-comparator}
  apt_dir="$CACHE/apt"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/sources.list.d" "$apt_dir/cache/archives/partial" "$CACHE/src"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main" >"$apt_dir/sources.list"
  opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o APT::Sandbox::User=root)
  echo "bench-deps: building pg_comparator's extension pgcmp for $("$PG_CONFIG" --version)" >&2
  if (cd "$CACHE/src" &&
    { ls -d pg?comparator-*/ >/dev/null 2>&1 ||
      { apt-get -q "${opts[@]}" update >/dev/null && apt-get -q "${opts[@]}" source pg-comparator >/dev/null 2>&1 ||
        tar xzf pg-comparator_*.orig.tar.gz; }; } &&
    cd "$(ls -d pg?comparator-*/ | head -1)" &&
    make PG_CONFIG="$PG_CONFIG" with_llvm=no >/dev/null &&
    make PG_CONFIG="$PG_CONFIG" with_llvm=no install >/dev/null) >&2; then
    pgcmp_ok=1
  else
    echo "bench-deps: pg_comparator's extension pgcmp could not be built" >&2
    status=1
  fi
fi
if command -v pg_comparator >/dev/null && ((pgcmp_ok)); then echo "pg_comparator=$(command -v pg_comparator)"; fi
exit $status
