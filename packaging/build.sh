#!/usr/bin/env bash
# Build the one-folder bundle on Linux (dist/DieselWatch/) and run its frozen self-test.
#   packaging/build.sh [VENV_DIR]
# Then packaging/linux/build_deb.sh makes the .deb. Windows: the same steps by hand, then Inno Setup
# (packaging/windows/README.md). Linux needs icupkg (Debian: icu-devtools) and gcc to trim Qt's ICU data, and
# the libraries the .deb depends on (packaging/linux/depends.txt) for the self-test's platform check.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in icupkg gcc strip readelf; do
    command -v $tool >/dev/null || { echo "build.sh: $tool not found (Debian: apt-get install icu-devtools gcc binutils)" >&2; exit 2; }
done
VENV=${1:-.build-venv}
python3 -m venv "$VENV"
"$VENV/bin/pip" install -q '.[package]'
rm -rf build/DieselWatch dist/DieselWatch
"$VENV/bin/pyinstaller" dieselwatch.spec --noconfirm --log-level WARN --distpath dist --workpath build
echo "bundle size: $(du -sm dist/DieselWatch | cut -f1) MB ($(find dist/DieselWatch -type f | wc -l) files); the largest parts: python3 tools/bundle_sizes.py"
QT_QPA_PLATFORM=offscreen dist/DieselWatch/dieselwatch-cli selftest
