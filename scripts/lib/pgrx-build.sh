# Sourced by the scripts that build pgrx extensions from the crate registry (pg-tviews.sh,
# ruvector.sh). Needs log and die (the script's own prefixes) and LAB_ENV (the lab's lab.env).

# Seconds since a start, for the progress lines.
since() { echo $(( $(date +%s) - $1 ))s; }

# The bindir of the lab's PostgreSQL MAJOR, from lab.env.
lab_bindir() {
  local major=$1 line
  [[ -f "$LAB_ENV" ]] || die "no $LAB_ENV: run scripts/lab.sh first"
  line=$(grep -E "^CUTOVER_LAB_PG${major}_BINDIR=" "$LAB_ENV" | tail -1) || die "lab.env has no PostgreSQL $major"
  line=${line#*=}; line=${line#\'}; line=${line%\'}
  printf '%s\n' "$line"
}

ensure_libclang() {
  # bindgen (pgrx-pg-sys) loads libclang at build time.
  if ! ls /usr/lib/llvm-*/lib/libclang*.so* >/dev/null 2>&1 && ! ldconfig -p 2>/dev/null | grep -q libclang; then
    [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null || die "libclang is missing (Debian: apt-get install libclang-dev)"
    log "installing libclang-dev (Debian)"
    apt-get install -y -q libclang-dev >&2 || { apt-get update -q >&2 && apt-get install -y -q libclang-dev >&2; }
  fi
}

# The toolchain to build with: the active one, resolved outside any crate directory (a crate's
# rust-toolchain.toml would ask rustup for another).
rust_toolchain() {
  command -v cargo >/dev/null || die "cargo is not on PATH (install Rust with rustup)"
  if command -v rustup >/dev/null; then
    (cd / && rustup show active-toolchain 2>/dev/null | awk '{print $1; exit}')
  fi
}
