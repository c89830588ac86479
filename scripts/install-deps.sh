#!/usr/bin/env bash
# Installs the Debian packages refkit builds and tests against (idempotent; needs root or sudo).
set -euo pipefail
packages=(libvips-dev libmagic-dev libmagic-mgc libsqlite3-dev libssl-dev libcurl4-openssl-dev pkg-config python3 python3-jsonschema)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "swift 6 is not on PATH: install the Swift 6.x toolchain for Debian 12 from swift.org first" >&2; exit 1; }
