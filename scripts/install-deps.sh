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

# QA: local face analysis (issue 15). dlib from Debian; libdlib-dev's pkg-config file names libblas.so and
# liblapack.so without depending on their -dev packages, so linking fails without them. libopenblas0-pthread
# registers itself as the libblas.so.3 alternative at run time: face embeddings about 5x faster than reference BLAS.
face_packages=(libdlib-dev libblas-dev liblapack-dev libopenblas0-pthread)
face_missing=()
for p in "${face_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || face_missing+=("$p")
done
if [ ${#face_missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${face_missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${face_missing[@]}" >/dev/null
fi
# The models and test photos go to a cache outside the clone (REFKIT_MODELS_DIR, REFKIT_FIXTURES_DIR).
# Without root, the default cache folder is made once with sudo and handed to the user.
if [ "$(id -u)" -ne 0 ] && [ -z "${REFKIT_MODELS_DIR:-}${REFKIT_FIXTURES_DIR:-}" ] && [ ! -w /var/cache/refkit ]; then
  sudo mkdir -p /var/cache/refkit && sudo chown "$(id -u):$(id -g)" /var/cache/refkit
fi
"$(dirname "$0")/install-models.sh"
