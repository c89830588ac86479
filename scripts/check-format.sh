#!/usr/bin/env bash
# Fails when a Swift file is not as swift-format (with .swift-format) writes it, or when a line in
# Sources/ is over 140 columns (swift-format cannot break string literals or comments).
set -euo pipefail
cd "$(dirname "$0")/.."
swift format lint --strict --recursive --parallel Sources Tests Package.swift
long=$(find Sources -name '*.swift' -exec awk 'length($0) > 140 { print FILENAME ":" FNR ": " length($0) " columns" }' {} +)
if [ -n "$long" ]; then
  echo "lines over 140 columns:" >&2
  echo "$long" >&2
  exit 1
fi
big=$(find Sources -name '*.swift' -exec wc -l {} + | awk '$2 != "total" && $1 > 400 { print $2 ": " $1 " lines" }')
if [ -n "$big" ]; then
  echo "files over 400 lines:" >&2
  echo "$big" >&2
  exit 1
fi
