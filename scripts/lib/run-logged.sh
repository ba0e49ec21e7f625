# Sourced by the setup scripts (lab.sh, images.sh). Needs LOGS (a directory) and LOG_PREFIX (the
# script's progress prefix, e.g. "lab").
#
# run_logged NAME COMMAND...: COMMAND's output goes to $LOGS/NAME.log; on failure its last lines are
# shown, prefixed, and the script exits 1.
run_logged() {
  local name=$1 rc=0
  shift
  local logfile="$LOGS/$name.log"
  printf '+ %s\n' "$*" >"$logfile"
  "$@" >>"$logfile" 2>&1 </dev/null || rc=$?
  if ((rc != 0)); then
    printf '%s: ERROR: %s failed (exit %d); last lines of %s:\n' "$LOG_PREFIX" "$name" "$rc" "$logfile" >&2
    tail -n 40 "$logfile" | sed "s/^/$LOG_PREFIX: | /" >&2
    exit 1
  fi
}
