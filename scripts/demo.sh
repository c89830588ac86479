#!/usr/bin/env bash
# Builds refkit and runs it once over a copy of inbox-example/ with the offline preview
# provider. Kits appear in demo/outbox/, rejected files in demo/rejected/, state in demo/state/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product refkit
rm -rf demo
mkdir -p demo/inbox
cp -r inbox-example/*.jpg inbox-example/*.png inbox-example/*.json inbox-example/*.kit demo/inbox/
.build/release/refkit once --config config/demo.toml
echo
.build/release/refkit kits --config config/demo.toml
echo
echo "outbox: $(pwd)/demo/outbox"
find demo/outbox -name manifest.json | sort
