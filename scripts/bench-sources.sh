#!/usr/bin/env bash
# Several sources for one character (issue 17 item 1): wall time of `refkit once` (offline preview
# provider, avatar + front) for one kit made from 1, 3 and 5 of inbox-example's images dropped as a
# NAME.kit folder in a recursive watch. Prints seconds per run and the outbox's bytes. The folder
# is taken sidecar_wait_ms (here 200) after its last file; the rest is intake, normalising each
# source once and publishing them.
#
#   scripts/bench-sources.sh [REFKIT_BINARY]     (default: .build/release/refkit or .build/debug/refkit)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary=${1:-}
if [[ -z $binary ]]; then
  for candidate in "$root/.build/release/refkit" "$root/.build/debug/refkit"; do
    [[ -x $candidate ]] && { binary=$candidate; break; }
  done
fi
[[ -x ${binary:-} ]] || { echo "bench-sources: build refkit first (swift build -c release)" >&2; exit 2; }
images=("$root/inbox-example/ada.jpg" "$root/inbox-example/mira.jpg" "$root/inbox-example/nova.jpg"
  "$root/inbox-example/kenji.png" "$root/inbox-example/leo.kit/1.webp")
printf '%-8s %10s %14s\n' sources seconds outbox_bytes
for count in 1 3 5; do
  work=$(mktemp -d /tmp/refkit-bench-sources-XXXXXX)
  cat > "$work/refkit.toml" <<TOML
state_dir = "state"
log_level = "error"
[[watch]]
name = "bench"
inbox = "inbox"
outbox = "outbox"
recursive = true
settle_ms = 100
sidecar_wait_ms = 200
  [watch.default_order]
  stages = ["avatar", "front"]
  provider = "preview"
TOML
  mkdir -p "$work/inbox/char.kit"
  for ((i = 0; i < count; i++)); do cp "${images[$i]}" "$work/inbox/char.kit/$((i + 1)).${images[$i]##*.}"; done
  start=$(date +%s.%N)
  "$binary" once --config "$work/refkit.toml" >/dev/null 2>&1
  end=$(date +%s.%N)
  bytes=$(du -sb "$work/outbox" | cut -f1)
  printf '%-8s %10.2f %14s\n' "$count" "$(echo "$end - $start" | bc)" "$bytes"
  rm -rf "$work"
done
