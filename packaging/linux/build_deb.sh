#!/usr/bin/env bash
# Package the one-folder bundle (dist/DieselWatch, from packaging/build.sh) as a .deb for Debian-based desktops
# (Debian 12, deepin/UOS and openKylin releases of the same generation, Ubuntu 22.04+):
#   packaging/linux/build_deb.sh [--version V] [--compress xz|gzip|none] [--out DIR]
# -> DIR/dieselwatch_<version>_<arch>.deb (DIR defaults to dist/). The version comes from pyproject.toml, the
# architecture from dpkg: on an ARM64 (arm64) machine the same two commands, packaging/build.sh then this script,
# make dieselwatch_<version>_arm64.deb (PyInstaller does not cross-build, so build on the target architecture).
#
# Layout: the bundle under /opt/dieselwatch; /usr/bin/dieselwatch (the app; with arguments, the CLI) and
# /usr/bin/dieselwatch-cli; a desktop entry (Chinese and English names) and hicolor icons for the start menu.
# Each user's data lives in their XDG data folder (~/.local/share/DieselWatch, platformdirs), never under /opt:
# upgrading or removing (even purging) the package leaves it alone. No maintainer scripts are needed: dpkg's
# file triggers refresh the menu and icon caches.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUNDLE=$ROOT/dist/DieselWatch
OUT=$ROOT/dist
VERSION=""
COMPRESS=xz
while [ $# -gt 0 ]; do
    case "$1" in
        --version) VERSION=$2; shift 2 ;;
        --compress) COMPRESS=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        *) echo "build_deb.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -x "$BUNDLE/DieselWatch" ] || { echo "build_deb.sh: no bundle at $BUNDLE; run packaging/build.sh first" >&2; exit 2; }
PROJECT_VERSION=$(python3 -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' \
    "$ROOT/pyproject.toml")
# The bundle must be of the version the package claims (a stale dist/ would otherwise ship under a new number).
BUNDLE_VERSION=$("$BUNDLE/dieselwatch-cli" --version | awk '{print $2}')
if [ "$BUNDLE_VERSION" != "$PROJECT_VERSION" ]; then
    echo "build_deb.sh: the bundle is version $BUNDLE_VERSION, pyproject.toml says $PROJECT_VERSION" >&2; exit 1
fi
VERSION=${VERSION:-$PROJECT_VERSION}
ARCH=$(dpkg --print-architecture)
PY=${PYTHON:-$ROOT/.build-venv/bin/python}  # has PySide6, to scale the icon

STAGE=$(mktemp -d /tmp/dieselwatch-deb.XXXXXX)
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
    "$STAGE/usr/share/doc/dieselwatch"
cp -a "$BUNDLE" "$STAGE/opt/dieselwatch"
chmod -R u=rwX,go=rX "$STAGE/opt/dieselwatch"
ln -s /opt/dieselwatch/DieselWatch "$STAGE/usr/bin/dieselwatch"
ln -s /opt/dieselwatch/dieselwatch-cli "$STAGE/usr/bin/dieselwatch-cli"

cat > "$STAGE/usr/share/applications/dieselwatch.desktop" <<'EOF'
[Desktop Entry]
Type=Application
Name=DieselWatch
Name[zh_CN]=柴油车监管
GenericName=Diesel truck remote monitoring review
GenericName[zh_CN]=重型柴油车远程监控数据审查
Comment=Import remote OBD monitoring exports, score vehicles, keep black and white lists, write notices
Comment[zh_CN]=导入远程在线监控数据，评分，管理黑白名单，出具整改通知书
Exec=dieselwatch
Icon=dieselwatch
Terminal=false
Categories=Office;
Keywords=OBD;NOx;diesel;emission;
Keywords[zh_CN]=柴油车;远程监控;氮氧化物;排放;黑名单;
EOF
QT_QPA_PLATFORM=offscreen "$PY" - "$ROOT/resources/icons/dieselwatch.png" "$STAGE/usr/share/icons/hicolor" <<'EOF'
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

src, out = QImage(sys.argv[1]), Path(sys.argv[2])
for size in (16, 24, 32, 48, 64, 128, 256):
    d = out / f"{size}x{size}" / "apps"
    d.mkdir(parents=True, exist_ok=True)
    img = src.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    if not img.save(str(d / "dieselwatch.png")):
        raise SystemExit(f"cannot write the {size} px icon")
EOF
cat > "$STAGE/usr/share/doc/dieselwatch/copyright" <<'EOF'
DieselWatch: review of China VI heavy-duty diesel remote OBD monitoring data.
License: MIT. The bundled libraries keep their own licences; see /opt/dieselwatch/_internal/*.dist-info.
EOF
find "$STAGE/usr" -type f -exec chmod 0644 {} +
find "$STAGE" -type d -exec chmod 0755 {} +

# Depends: the system libraries the bundle links but does not carry (packaging/linux/check_depends.py checks
# every one on the installed package with ldd), the C library from the newest GLIBC symbol version any bundled
# file asks for, and a font that draws Chinese.
GLIBC=$(find "$STAGE/opt/dieselwatch" -type f \( -name '*.so*' -o -perm -u+x \) -exec objdump -T {} + 2>/dev/null \
    | grep -o 'GLIBC_[0-9.]*' | sort -u -V | tail -n 1 | cut -d_ -f2)
DEPENDS="libc6 (>= $GLIBC), $(grep -v '^#' "$ROOT/packaging/linux/depends.txt" | sed '/^\s*$/d' | paste -sd, | sed 's/,/, /g')"
SIZE=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
cat > "$STAGE/DEBIAN/control" <<EOF
Package: dieselwatch
Version: $VERSION
Architecture: $ARCH
Maintainer: DieselWatch <dieselwatch@localhost>
Installed-Size: $SIZE
Depends: $DEPENDS
Section: science
Priority: optional
Description: review of China VI diesel truck remote OBD monitoring data
 DieselWatch imports remote OBD monitoring exports of China VI heavy-duty diesel
 trucks (CSV/XLSX, GBK or UTF-8), scores vehicles on NOx exceedance, data gaps
 and tampering, keeps black and white lists with a tamper-evident audit history
 and writes rectification notices in Excel.
 .
 Each user's data stays in ~/.local/share/DieselWatch across upgrades and removal.
 Check an installation with: dieselwatch-cli selftest
EOF
mkdir -p "$OUT"
DEB="$OUT/dieselwatch_${VERSION}_${ARCH}.deb"
# xz -9 for the release (every dpkg reads it; zstd needs dpkg >= 1.21.18): about 3 CPU minutes. gzip (10 s,
# a third larger) is what CI uses to stay within its budget, none for scratch packages in tests.
case "$COMPRESS" in
    xz) ZOPT=(-Zxz -z9) ;;
    gzip) ZOPT=(-Zgzip -z6) ;;
    none) ZOPT=(-Znone) ;;
    *) echo "build_deb.sh: --compress xz, gzip or none" >&2; exit 2 ;;
esac
dpkg-deb --root-owner-group "${ZOPT[@]}" --build "$STAGE" "$DEB" >/dev/null
echo "$DEB: $(du -m "$DEB" | cut -f1) MB, installs $((SIZE / 1024)) MB; Depends: $DEPENDS"
