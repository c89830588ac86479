#!/usr/bin/env bash
# Idle CPU of `refkit run`: starts the daemon over an empty inbox, lets it settle, then reads
# its utime+stime from /proc/PID/stat over an idle window and prints the CPU used, and the
# same extrapolated to an hour (the budget: under 1 s of CPU per idle hour).
#
#   scripts/idle-cpu.sh [SECONDS] [REFKIT_BINARY]     (defaults: 60, .build/release/refkit or .build/debug/refkit)
set -euo pipefail
window=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
binary=${2:-}
if [[ -z $binary ]]; then
  for candidate in "$root/.build/release/refkit" "$root/.build/debug/refkit"; do
    [[ -x $candidate ]] && { binary=$candidate; break; }
  done
fi
[[ -x ${binary:-} ]] || { echo "idle-cpu: build refkit first (swift build -c release)" >&2; exit 2; }

work=$(mktemp -d /tmp/refkit-idle-XXXXXX)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
cat > "$work/refkit.toml" <<TOML
state_dir = "state"
log_level = "notice"
[[watch]]
name = "idle"
inbox = "inbox"
outbox = "outbox"
  [watch.default_order]
  stages = "core"
  provider = "preview"
TOML
"$binary" run --config "$work/refkit.toml" 2>"$work/log" &
pid=$!
ticks=$(getconf CLK_TCK)
# utime+stime in clock ticks (10 ms): they include threads that ended meanwhile (per-thread
# schedstat does not), so use a window long enough for the tick to matter little.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
sleep 5   # start-up (store, rescan) is not idle time
before=$(cpu_ticks)
sleep "$window"
after=$(cpu_ticks)
used=$(awk -v a="$after" -v b="$before" -v t="$ticks" 'BEGIN { printf "%.2f", (a - b) / t }')
hour=$(awk -v u="$used" -v w="$window" 'BEGIN { printf "%.2f", u * 3600 / w }')
echo "idle-cpu: $binary over ${window}s idle: ${used} s CPU (utime+stime), $(ls /proc/"$pid"/task | wc -l) threads"
echo "idle-cpu: ${hour} s CPU per idle hour (budget < 1 s; one 10 ms tick over the window is $(awk -v w="$window" 'BEGIN { printf "%.2f", 0.01 * 3600 / w }') s per hour)"
