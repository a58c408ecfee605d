#!/usr/bin/env bash
# What an office's IT person does with the .deb, done for real with apt on a throwaway machine (CI runs as root):
# install the previous version, self-test it, make data as a user would, upgrade to this version (data kept,
# self-test again), remove and purge (data kept). Also: every linked system library is named by Depends, and
# running the installed program writes nothing under /opt.
#   packaging/linux/test_deb.sh dist/dieselwatch_<version>_<arch>.deb
# The "previous version" is the same bundle packaged as <version>~prev, which dpkg orders before <version>.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NEW=$(realpath "$1")
[ "$(id -u)" -eq 0 ] || { echo "test_deb.sh installs and removes packages: run it as root on a throwaway machine" >&2; exit 2; }
export DEBIAN_FRONTEND=noninteractive
VERSION=$(dpkg-deb -f "$NEW" Version)
WORK=$(mktemp -d /tmp/dieselwatch-debtest.XXXXXX)
trap 'apt-get purge -y -qq dieselwatch >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
fail() { echo "test_deb: FAIL $*" >&2; exit 1; }
step() { echo "test_deb: $*"; }

"$ROOT/packaging/linux/build_deb.sh" --version "${VERSION}~prev" --compress none --out "$WORK" >/dev/null
OLD=$(ls "$WORK"/dieselwatch_*~prev_*.deb)
apt-get purge -y -qq dieselwatch >/dev/null 2>&1 || true

step "install ${VERSION}~prev with apt (Depends resolved from the archive)"
apt-get install -y -qq --no-install-recommends "$OLD" >/dev/null
[ "$(dpkg-query -W -f '${Version}' dieselwatch)" = "${VERSION}~prev" ] || fail "previous version not installed"
[ "$(readlink -f /usr/bin/dieselwatch-cli)" = /opt/dieselwatch/DieselWatch ] || fail "/usr/bin/dieselwatch-cli"
[ "$(readlink -f /usr/bin/dieselwatch)" = /opt/dieselwatch/DieselWatch ] || fail "/usr/bin/dieselwatch"
DESKTOP=/usr/share/applications/dieselwatch.desktop
grep -q '^Name\[zh_CN\]=柴油车监管$' $DESKTOP && grep -q '^Name=DieselWatch$' $DESKTOP || fail "desktop entry names"
grep -q '^Icon=dieselwatch$' $DESKTOP && [ -s /usr/share/icons/hicolor/48x48/apps/dieselwatch.png ] || fail "icon"
if command -v desktop-file-validate >/dev/null; then desktop-file-validate $DESKTOP || fail "desktop entry invalid"; fi
python3 "$ROOT/packaging/linux/check_depends.py" /opt/dieselwatch | tail -n 1

# A user of the office: a fresh home, data in the XDG data folder. Nothing may be written under /opt.
export HOME=$WORK/home
unset XDG_DATA_HOME DIESELWATCH_HOME DIESELWATCH_DB DIESELWATCH_USER DIESELWATCH_PASSWORD
mkdir -p "$HOME"
DATA=$HOME/.local/share/DieselWatch
touch "$WORK/stamp"
step "installed self-test (${VERSION}~prev)"
dieselwatch-cli selftest 2>&1 | grep -v propagateSizeHints || fail "the installed self-test failed"
dieselwatch-cli demo --out "$WORK/exports" --vehicles 3 --days 1 --minutes-per-day 20 --load --json >/dev/null
DIESELWATCH_NEW_PASSWORD=it-admin-pw dieselwatch-cli users add itadmin --role admin >/dev/null
export DIESELWATCH_USER=itadmin DIESELWATCH_PASSWORD=it-admin-pw
dieselwatch-cli settings set bureau.name 测试县生态环境局 --reason "upgrade test" >/dev/null
counts() {
    python3 - "$DATA/dieselwatch.sqlite3" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
print(*(db.execute(f"select count(*) from {t}").fetchone()[0] for t in ("vehicles", "audit_events", "import_batches")))
EOF
}
BEFORE=$(counts)
RAW_BEFORE=$(find "$DATA/raw" -type f | wc -l)
[ "$RAW_BEFORE" -gt 0 ] && [ "${BEFORE%% *}" -eq 3 ] || fail "no data made ($BEFORE, $RAW_BEFORE raw files)"
[ -z "$(find /opt/dieselwatch -newer "$WORK/stamp" -print -quit)" ] || fail "the program wrote under /opt: \
$(find /opt/dieselwatch -newer "$WORK/stamp" | head -3)"
step "data made: vehicles audit_events import_batches = $BEFORE, $RAW_BEFORE raw files, in $DATA"

step "upgrade to $VERSION"
apt-get install -y -qq --no-install-recommends "$NEW" >/dev/null
[ "$(dpkg-query -W -f '${Version}' dieselwatch)" = "$VERSION" ] || fail "upgrade did not install $VERSION"
[ "$(counts)" = "$BEFORE" ] && [ "$(find "$DATA/raw" -type f | wc -l)" -eq "$RAW_BEFORE" ] || fail "data changed by the upgrade"
dieselwatch-cli settings show | grep -q 测试县生态环境局 || fail "settings lost in the upgrade"
dieselwatch-cli audit verify >/dev/null || fail "audit history broken after the upgrade"
dieselwatch-cli selftest >/dev/null || fail "the upgraded self-test failed"
step "upgraded: data intact (vehicles audit_events import_batches = $(counts)), audit chain verified, self-test ok"

step "remove and purge"
apt-get remove -y -qq dieselwatch >/dev/null
dpkg --purge dieselwatch >/dev/null  # no conffiles, so remove already left nothing; purge to be sure
! dpkg-query -W -f '${Status}' dieselwatch 2>/dev/null | grep -q installed || fail "still installed"
[ ! -e /opt/dieselwatch ] && [ ! -e /usr/bin/dieselwatch-cli ] && [ ! -e $DESKTOP ] || fail "files left after purge"
[ "$(counts)" = "$BEFORE" ] || fail "data touched by the removal"
step "removed: /opt/dieselwatch gone, the user's data kept ($(du -sh "$DATA" | cut -f1) in $DATA)"
echo "test_deb: ok"
