#!/usr/bin/env bash
# Usage: leftover-processes.sh MARKER
# Lists the processes whose environment carries CHORUS_PROCESS_MARKER=MARKER
# (every process a test or benchmark run started, see ChildProcess), kills
# them, and exits 1 if there were any: a run must leave nothing behind.
set -uo pipefail
marker="${1:?usage: leftover-processes.sh MARKER}"
found=()
for environ in /proc/[0-9]*/environ; do
  pid="${environ#/proc/}"; pid="${pid%/environ}"
  [ "$pid" = "$$" ] && continue
  if { tr '\0' '\n' <"$environ"; } 2>/dev/null | grep -qx "CHORUS_PROCESS_MARKER=$marker"; then
    state="$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null)"
    [ -z "$state" ] && continue
    found+=("$pid")
    echo "leftover-processes: pid $pid ($state) still running: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-120)" >&2
  fi
done
[ ${#found[@]} -eq 0 ] && { echo "leftover-processes: none left behind" >&2; exit 0; }
kill -KILL "${found[@]}" 2>/dev/null || true
echo "leftover-processes: ${#found[@]} processes were left behind (killed now)" >&2
exit 1
