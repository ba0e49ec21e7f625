#!/usr/bin/env bash
# Patroni from PyPI with its built-in Raft store (no etcd) and psycopg 3's binary wheels, in a
# virtual environment cached outside the repository (keyed by version). Prints the path of the
# `patroni` executable (`patronictl` is beside it).
#
#   scripts/patroni.sh            installs (once) and prints the patroni path
#
# Environment: CUTOVER_PATRONI_DIR (default /var/cache/cutover-patroni as root, else
# ~/.cache/cutover-patroni).
#
# The environment is built on the system's Python (/usr/bin/python3 when there is one) and left
# world-readable: Patroni runs as the unprivileged user PostgreSQL runs as, which cannot reach an
# interpreter under root's home (pyenv).
set -euo pipefail
PATRONI_VERSION=4.1.5
if [[ $(id -u) -eq 0 ]]; then DEFAULT=/var/cache/cutover-patroni; else DEFAULT="$HOME/.cache/cutover-patroni"; fi
DIR="${CUTOVER_PATRONI_DIR:-$DEFAULT}/patroni-$PATRONI_VERSION"
PYTHON=python3
[[ -x /usr/bin/python3 ]] && PYTHON=/usr/bin/python3
if [[ ! -x "$DIR/bin/patroni" || ! -f "$DIR/.complete" ]]; then
  rm -rf "$DIR"
  mkdir -p "$(dirname "$DIR")"
  echo "patroni: installing patroni[raft,psycopg3]==$PATRONI_VERSION into $DIR" >&2
  umask 022
  # Debian's Python makes virtual environments only with python3-venv (ensurepip).
  if ! "$PYTHON" -c 'import ensurepip' 2>/dev/null && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    apt-get install -y -q python3-venv >&2 || { apt-get update -q >&2 && apt-get install -y -q python3-venv >&2; }
  fi
  "$PYTHON" -m venv "$DIR" >&2
  "$DIR/bin/pip" install -q --disable-pip-version-check --only-binary=psycopg-binary \
    "patroni[raft,psycopg3]==$PATRONI_VERSION" >&2
  "$DIR/bin/patroni" --version >&2
  touch "$DIR/.complete"
fi
echo "$DIR/bin/patroni"
