#!/usr/bin/env bash
# What the report needs beyond npm, from Debian's packages:
# - Chromium, for the browser tests of report.html (playwright-core drives it; nothing downloaded);
# - the cairo, pango and image libraries the optional `canvas` module builds against, without
#   which chartjs-node-canvas is skipped and charts/*.png are not written (the page's own
#   interactive charts need nothing).
# Skipped when everything is installed already. Must run as root (apt). Works without a terminal.
#   scripts/report-deps.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# After `npm install` on a machine that lacked the libraries, the optional canvas module was
# skipped: build it now that they are there.
rebuild_canvas() {
  if [[ -d node_modules/canvas && ! -f node_modules/canvas/build/Release/canvas.node ]]; then
    echo "report-deps: building the canvas module (npm rebuild canvas)"
    npm rebuild canvas >/dev/null
  fi
}

PACKAGES=(chromium libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev libpixman-1-dev pkg-config build-essential)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "report-deps: all ${#PACKAGES[@]} Debian packages installed"
  rebuild_canvas
  exit 0
fi
[[ $(id -u) -eq 0 ]] || { echo "report-deps: must run as root to install: ${missing[*]}" >&2; exit 1; }
echo "report-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -q -o DPkg::Lock::Timeout=600 update >/dev/null
apt-get -q -y -o DPkg::Lock::Timeout=600 install "${missing[@]}" >/dev/null
echo "report-deps: installed"
rebuild_canvas
