#!/usr/bin/env bash
# pgloader, the SQLite -> PostgreSQL loader teams commonly use, from Debian's package (3.6.9-1 on
# bookworm; its binary calls itself "3.6.7~devel"), for the tests that load a SQLite file with it
# and validate what it did (scenarios/sqlite/pgloader-loader.ts). Skipped when pgloader is on PATH
# already. Installing needs root (apt). Works without a terminal. Prints pgloader's version.
#   scripts/pgloader.sh
set -euo pipefail
if ! command -v pgloader >/dev/null 2>&1; then
  [[ $(id -u) -eq 0 ]] || { echo "pgloader: must run as root to install it (apt-get install pgloader)" >&2; exit 1; }
  echo "pgloader: installing the Debian package"
  export DEBIAN_FRONTEND=noninteractive
  out=$(mktemp)
  trap 'rm -f "$out"' EXIT
  # apt's output only when it fails (debconf chatters on stderr even when all goes well).
  if ! { apt-get -q -o DPkg::Lock::Timeout=600 update && apt-get -q -y -o DPkg::Lock::Timeout=600 install --no-install-recommends pgloader; } >"$out" 2>&1; then
    tail -n 30 "$out" >&2
    echo "pgloader: apt-get install pgloader failed" >&2
    exit 1
  fi
fi
# `pgloader --version` prints `pgloader version "3.6.7~devel"` and the compiler's line.
# Read all of it: SBCL crashes noisily on a closed pipe (`| head -n 1`).
version=$(pgloader --version)
echo "pgloader: ${version%%$'\n'*} ($(dpkg-query -W -f='Debian ${Version}' pgloader 2>/dev/null || echo 'not from a Debian package'))"
