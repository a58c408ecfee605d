#!/usr/bin/env bash
# Build the one-folder bundle on Linux (dist/DieselWatch/) and run its frozen self-test.
#   packaging/build.sh [VENV_DIR]
# Windows: the same steps by hand, then Inno Setup (packaging/windows/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${1:-.build-venv}
python3 -m venv "$VENV"
"$VENV/bin/pip" install -q '.[package]'
rm -rf build/DieselWatch dist/DieselWatch
"$VENV/bin/pyinstaller" dieselwatch.spec --noconfirm --log-level WARN --distpath dist --workpath build
echo "bundle size: $(du -sh dist/DieselWatch | cut -f1) ($(find dist/DieselWatch -type f | wc -l) files)"
QT_QPA_PLATFORM=offscreen dist/DieselWatch/dieselwatch-cli selftest
