#!/usr/bin/env bash
# What the network-partition test (test/integration/network-partition.test.ts) needs to make a
# network namespace with a veth link and cut it: `ip` (iproute2), `iptables-restore` (iptables,
# run inside the test's own namespace only) and `setpriv` (util-linux), from Debian's packages.
# Skipped when all are on PATH already. Installing needs root (apt); so does the test itself.
#   scripts/netns-deps.sh
set -euo pipefail
missing=()
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v iptables-restore >/dev/null 2>&1 || missing+=(iptables)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
if ((${#missing[@]})); then
  [[ $(id -u) -eq 0 ]] || { echo "netns-deps: must run as root to install ${missing[*]} (apt-get install ${missing[*]})" >&2; exit 1; }
  echo "netns-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  out=$(mktemp)
  trap 'rm -f "$out"' EXIT
  if ! { apt-get -q -o DPkg::Lock::Timeout=600 update && apt-get -q -y -o DPkg::Lock::Timeout=600 install --no-install-recommends "${missing[@]}"; } >"$out" 2>&1; then
    tail -n 30 "$out" >&2
    echo "netns-deps: apt-get install ${missing[*]} failed" >&2
    exit 1
  fi
fi
echo "netns-deps: $(ip -V), $(iptables-restore --version 2>&1 | head -n 1)"
