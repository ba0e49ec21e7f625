#!/usr/bin/env bash
# A Docker engine for the container provider's tests, on a machine that has at most the client.
#
#   scripts/docker.sh [start]    installs Debian's docker.io when dockerd is missing, starts dockerd
#                                when no engine answers on the socket, waits until it does
#   scripts/docker.sh stop       stops the dockerd this script started (its pidfile), nothing else
#   scripts/docker.sh status     says whether an engine answers (exit 0) or not (exit 3)
#
# - dockerd runs with --bridge=none --iptables=false: no bridge, no NAT rules on the machine.
#   Containers use host networking (`docker run --network host`), so every connection stays on
#   loopback. No registry is reachable: images are built locally (scripts/images.sh).
# - Its state is cached outside the repository, so built images survive between runs:
#     $CUTOVER_DOCKER_DIR/data/         the engine's data root (images, volumes)
#     $CUTOVER_DOCKER_DIR/dockerd.log   its log;  $CUTOVER_DOCKER_DIR/dockerd.pid  its pidfile
#     $CUTOVER_DOCKER_DIR/logs/         apt's output
# - Idempotent: with the engine up, a rerun only asks it for its version.
#
# Environment:
#   CUTOVER_DOCKER_DIR       state directory (default /var/cache/cutover-docker as root, else ~/.cache/cutover-docker)
#   CUTOVER_DOCKER_SOCKET    the engine's socket (default /var/run/docker.sock)
#   CUTOVER_DOCKER_TIMEOUT   seconds to wait for the engine to answer (default 60), or to stop (default 30)
#
# Starting the engine needs root. Progress lines start with "docker: ".
set -euo pipefail
umask 022

if [[ $(id -u) -eq 0 ]]; then DEFAULT_DIR=/var/cache/cutover-docker; else DEFAULT_DIR="${HOME:-/tmp}/.cache/cutover-docker"; fi
DIR="${CUTOVER_DOCKER_DIR:-$DEFAULT_DIR}"
SOCKET="${CUTOVER_DOCKER_SOCKET:-/var/run/docker.sock}"
TIMEOUT="${CUTOVER_DOCKER_TIMEOUT:-60}"
PIDFILE="$DIR/dockerd.pid"
LOGS="$DIR/logs"
# The client is asked for the socket explicitly: a DOCKER_HOST or context pointing elsewhere must
# not make a remote engine look like this one.
DOCKER=(docker --host "unix://$SOCKET")

export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C

log() { printf 'docker: %s\n' "$*"; }
die() { printf 'docker: ERROR: %s\n' "$*" >&2; exit 1; }
now() { printf '%s\n' "${EPOCHREALTIME:-$(date +%s.%N)}"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
past() { awk -v d="$1" -v t="$(now)" 'BEGIN { exit !(t > d) }'; }

# The engine's version when it answers on the socket within a few seconds; fails otherwise.
engine_version() {
  [[ -S "$SOCKET" ]] || return 1
  timeout 5 "${DOCKER[@]}" version --format '{{.Server.Version}}' 2>/dev/null
}

# The pid in our pidfile when that process is alive and is a dockerd (a stale pidfile whose pid
# was reused by something else must not be signalled).
our_pid() {
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == dockerd ]] || return 1
  printf '%s\n' "$pid"
}

install_engine() {
  command -v dockerd >/dev/null && command -v containerd >/dev/null && command -v runc >/dev/null && return 0
  [[ $(id -u) -eq 0 ]] || die "dockerd is missing: run as root to install Debian's docker.io"
  mkdir -p "$LOGS"
  local t0=$SECONDS logfile="$LOGS/apt-docker.log"
  log "installing Debian's docker.io (apt output: $logfile)"
  # The machine's policy-rc.d (or the lack of an init system) keeps apt from starting the packaged
  # service, which would run with a bridge and iptables rules.
  if ! { apt-get -q -o DPkg::Lock::Timeout=600 update &&
    apt-get -q -y --no-install-recommends -o DPkg::Lock::Timeout=600 \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold install docker.io; } \
    >"$logfile" 2>&1 </dev/null; then
    tail -n 30 "$logfile" | sed 's/^/docker: | /' >&2
    die "apt could not install docker.io (log: $logfile)"
  fi
  command -v dockerd >/dev/null || die "docker.io installed but dockerd is not on PATH"
  log "docker.io installed in $((SECONDS - t0)) s"
}

start() {
  local version
  if version=$(engine_version); then
    log "engine $version ready ($SOCKET)"
    return 0
  fi
  install_engine
  [[ $(id -u) -eq 0 ]] || die "no engine answers on $SOCKET and starting one needs root"
  mkdir -p "$DIR/data" "$LOGS"
  exec 9>"$DIR/.lock"
  flock -w "$TIMEOUT" 9 || die "another docker.sh holds $DIR/.lock"
  # Another docker.sh may have started it while we waited for the lock.
  if version=$(engine_version); then
    log "engine $version ready ($SOCKET)"
    return 0
  fi
  local t0 pid
  t0=$(now)
  if pid=$(our_pid); then
    log "dockerd $pid (started earlier) does not answer yet; waiting for it"
  else
    # A socket left by a dead engine would make dockerd refuse to start.
    [[ -S "$SOCKET" ]] && ! fuser "$SOCKET" >/dev/null 2>&1 && rm -f "$SOCKET"
    rm -f "$PIDFILE"
    printf '\n=== %s: dockerd starting\n' "$(date -u +%FT%TZ)" >>"$DIR/dockerd.log"
    # Its own session, so it outlives this script and a CI step's process group; stopped by
    # `docker.sh stop`.
    setsid dockerd \
      --host "unix://$SOCKET" \
      --data-root "$DIR/data" \
      --pidfile "$PIDFILE" \
      --bridge=none --iptables=false --ip-masq=false \
      >>"$DIR/dockerd.log" 2>&1 </dev/null &
    pid=$!
    disown "$pid" 2>/dev/null || true
  fi
  local deadline
  deadline=$(awk -v t="$t0" -v s="$TIMEOUT" 'BEGIN { printf "%.3f", t + s }')
  until version=$(engine_version); do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$DIR/dockerd.log" | sed 's/^/docker: | /' >&2
      die "dockerd exited before answering (log: $DIR/dockerd.log)"
    fi
    if past "$deadline"; then
      tail -n 20 "$DIR/dockerd.log" | sed 's/^/docker: | /' >&2
      die "dockerd (pid $pid) did not answer on $SOCKET within $TIMEOUT s (log: $DIR/dockerd.log)"
    fi
    sleep 0.1
  done
  log "engine $version ready ($SOCKET; started dockerd $pid in $(since "$t0") s, data in $DIR/data)"
}

stop() {
  local pid
  if ! pid=$(our_pid); then
    rm -f "$PIDFILE"
    log "no dockerd started by this script is running"
    return 0
  fi
  local t0 deadline
  t0=$(now)
  deadline=$(awk -v t="$t0" -v s="${CUTOVER_DOCKER_TIMEOUT:-30}" 'BEGIN { printf "%.3f", t + s }')
  # SIGTERM: dockerd stops its containers (each with its stop timeout) and its containerd.
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if past "$deadline"; then
      kill -KILL "$pid" 2>/dev/null || true
      rm -f "$PIDFILE"
      log "dockerd $pid did not stop within ${CUTOVER_DOCKER_TIMEOUT:-30} s of SIGTERM: killed (SIGKILL)"
      return 0
    fi
    sleep 0.1
  done
  rm -f "$PIDFILE"
  log "dockerd $pid stopped (SIGTERM) in $(since "$t0") s"
}

status() {
  local version pid
  if version=$(engine_version); then
    if pid=$(our_pid); then
      log "engine $version ready ($SOCKET; dockerd $pid started by this script)"
    else
      log "engine $version ready ($SOCKET; not started by this script)"
    fi
    return 0
  fi
  log "no engine answers on $SOCKET"
  return 3
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "unknown command \"$1\" (expected start, stop or status)" ;;
esac
