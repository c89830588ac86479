#!/usr/bin/env bash
# Installs what the tests need and runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/check-format.sh
swift build --build-tests
# At most 12 tests at once: hundreds of tests that each start a daemon, draw with libvips and
# serve loopback fakes, all at once on two cores, starve the fakes' tasks past their timeouts.
swift test --skip-build --experimental-maximum-parallelization-width 12
