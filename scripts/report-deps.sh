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

# After `npm install` on a machine that lacked the libraries, the optional canvas module did not
# build: npm then removes it with chartjs-node-canvas and their dependencies (or, after
# --ignore-scripts, leaves it unbuilt). Build it now that the libraries are there: npm install
# again brings back what the lockfile has and npm left out (the lockfile is not changed), npm
# rebuild builds a module that is there. Nothing to do before the first npm install.
build_canvas() {
  [[ -d node_modules ]] || return 0
  if [[ ! -f node_modules/canvas/build/Release/canvas.node ]]; then
    if [[ -d node_modules/canvas ]]; then
      echo "report-deps: building the optional canvas module for PNG charts (npm rebuild canvas)"
      npm rebuild canvas >/dev/null
    else
      echo "report-deps: installing the optional canvas module for PNG charts, left out by the last npm install (npm install)"
      npm install --no-audit --no-fund >/dev/null
    fi
  fi
  if ! node -e 'require("canvas"); require("chartjs-node-canvas")' 2>/dev/null; then
    echo "report-deps: the canvas module does not load although its libraries are installed; see: npm rebuild canvas --foreground-scripts" >&2
    exit 1
  fi
}

PACKAGES=(chromium libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev libpixman-1-dev pkg-config build-essential)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "report-deps: all ${#PACKAGES[@]} Debian packages installed"
  build_canvas
  exit 0
fi
[[ $(id -u) -eq 0 ]] || { echo "report-deps: must run as root to install: ${missing[*]}" >&2; exit 1; }
echo "report-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -q -o DPkg::Lock::Timeout=600 update >/dev/null
apt-get -q -y -o DPkg::Lock::Timeout=600 install "${missing[@]}" >/dev/null
echo "report-deps: installed"
build_canvas
