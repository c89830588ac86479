#!/usr/bin/env bash
# Checks the systemd units in systemd/:
#   1. `systemd-analyze verify` on every unit in systemd/ (refkit, refkit-civitai, refkit-backup)
#      (fails the script on any complaint about them);
#   2. prints the exposure score of `systemd-analyze security --offline=true` for each service,
#      and fails when refkit.service scores above REFKIT_MAX_EXPOSURE (default 2.0).
#
# Works without a running systemd (CI containers): only systemd-analyze is needed; when it is
# missing and we are root, the Debian `systemd` package is installed for it.
#
# The units are checked from a copy in a temp folder. verify insists that every Exec*= binary
# exists, and CI has no /usr/local/bin/refkit installed: in the copy, an Exec*= line whose
# binary does not exist on this machine is pointed at /bin/true (and the script says so). All
# other lines are checked as written, and the files in systemd/ are never changed.
set -euo pipefail
cd "$(dirname "$0")/.."

units=(refkit.service refkit-civitai.service refkit-civitai.timer refkit-backup.service refkit-backup.timer)
max_exposure="${REFKIT_MAX_EXPOSURE:-2.0}"

if ! command -v systemd-analyze >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "check-units: systemd-analyze missing; installing the systemd package"
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends systemd >/dev/null
    else
        echo "check-units: systemd-analyze not found (install the systemd package)" >&2
        exit 1
    fi
fi
echo "check-units: $(systemd-analyze --version | head -n 1)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for unit in "${units[@]}"; do
    [ -f "systemd/$unit" ] || { echo "check-units: systemd/$unit is missing" >&2; exit 1; }
    : >"$work/$unit"
    while IFS= read -r line || [ -n "$line" ]; do
        # Exec*=[prefixes]/path args  (prefixes: - @ : + ! as systemd.service(5) allows)
        if [[ "$line" =~ ^(Exec[A-Za-z]+=)([-@:+!]*)(/[^[:space:]]+)(.*)$ ]]; then
            binary="${BASH_REMATCH[3]}"
            if [ ! -x "$binary" ]; then
                echo "check-units: $unit: $binary is not installed here; verifying with /bin/true in its place"
                line="${BASH_REMATCH[1]}${BASH_REMATCH[2]}/bin/true${BASH_REMATCH[4]}"
            fi
        fi
        printf '%s\n' "$line" >>"$work/$unit"
    done <"systemd/$unit"
done

status=0
echo "check-units: systemd-analyze verify ${units[*]}"
# verify may also report on unrelated units installed on the host; only ours count.
if ! output="$(cd "$work" && systemd-analyze verify --man=no "${units[@]/#/./}" 2>&1)"; then
    status=1
fi
if [ -n "$output" ]; then
    printf '%s\n' "$output"
    for unit in "${units[@]}"; do
        if grep -qF "$unit" <<<"$output"; then status=1; fi
    done
fi
if [ "$status" -ne 0 ]; then
    echo "check-units: verify FAILED" >&2
    exit 1
fi
echo "check-units: verify clean"

for unit in refkit.service refkit-civitai.service refkit-backup.service; do
    report="$(cd "$work" && systemd-analyze security --offline=true --no-pager "./$unit" 2>&1)" || true
    overall="$(grep -F 'Overall exposure level' <<<"$report" || true)"
    if [ -z "$overall" ]; then
        printf '%s\n' "$report"
        echo "check-units: no exposure score for $unit" >&2
        exit 1
    fi
    score="$(sed -E 's/.*: ([0-9]+\.[0-9]+).*/\1/' <<<"$overall")"
    echo "check-units: exposure score of $unit: $score (systemd-analyze security --offline=true)"
    if [ "$unit" = refkit.service ] && awk -v s="$score" -v m="$max_exposure" 'BEGIN { exit !(s > m) }'; then
        printf '%s\n' "$report"
        echo "check-units: $unit scores $score, above the $max_exposure allowed" >&2
        exit 1
    fi
done
