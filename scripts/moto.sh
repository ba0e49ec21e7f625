#!/usr/bin/env bash
# The AWS API emulator the AWS tests talk to: moto's server, from PyPI, in a virtual environment
# cached outside the repository (keyed by version). Prints the path of its moto_server.
#
#   scripts/moto.sh            installs (once) and prints the moto_server path
#
# Environment: CUTOVER_MOTO_DIR (default /var/cache/cutover-moto as root, else ~/.cache/cutover-moto).
set -euo pipefail
MOTO_VERSION=5.2.5
if [[ $(id -u) -eq 0 ]]; then DEFAULT=/var/cache/cutover-moto; else DEFAULT="$HOME/.cache/cutover-moto"; fi
DIR="${CUTOVER_MOTO_DIR:-$DEFAULT}/moto-$MOTO_VERSION"
if [[ ! -x "$DIR/bin/moto_server" || ! -f "$DIR/.complete" ]]; then
  rm -rf "$DIR"
  mkdir -p "$(dirname "$DIR")"
  echo "moto: installing moto[server]==$MOTO_VERSION into $DIR" >&2
  python3 -m venv "$DIR" >&2
  "$DIR/bin/pip" install -q "moto[server]==$MOTO_VERSION" >&2
  touch "$DIR/.complete"
fi
echo "$DIR/bin/moto_server"
