#!/usr/bin/env bash
# Measures local face analysis (issue 15): model load, RSS after load, and per-image decode,
# detection and embedding times at 512 and 1024 px. Builds only the bench product in release.
#   scripts/bench-faces.sh [--repeat N] [--upsample 0|1]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-models.sh >/dev/null
swift build -c release --product refkit-face-bench 2>&1 | grep -E "error|Compiling|Build" | tail -3
# One BLAS thread, as the daemon runs it (QA shares 2 cores with the HTTP work).
OPENBLAS_NUM_THREADS=1 "$(swift build -c release --show-bin-path)/refkit-face-bench" "$@"
