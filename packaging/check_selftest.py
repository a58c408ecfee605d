"""The frozen self-test can fail for each thing it claims: remove each piece from a copy of the bundle and see
the check that names it fail (and the self-test exit 1), after the intact bundle passes.

  python packaging/check_selftest.py [dist/DieselWatch]

The copies are hard links (a few MB each, made in a second), so removing a file from a copy leaves the bundle
alone. Linux and Windows bundle layouts alike; the fonts case needs fontconfig (Linux)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EMPTY_FONTCONFIG = '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig></fontconfig>\n'
NATIVE = {"win32": "qwindows", "darwin": "qcocoa"}.get(sys.platform, "qxcb")

# (check expected to fail, what is taken away, files to remove (globs under _internal/), extra environment)
CASES = [
    ("translation", "the app's own zh_CN catalogue", ["resources/translations/dieselwatch_zh_CN.qm"], {}),
    ("translation", "Qt's zh_CN catalogue", ["PySide6/Qt/translations/qtbase_zh_CN.qm",
                                             "PySide6/translations/qtbase_zh_CN.qm"], {}),
    ("fonts", "every font (an empty fontconfig configuration)", [], {"FONTCONFIG_FILE": "{empty_fonts}"}),
    ("platform", "the native platform plugin", [f"PySide6/Qt/plugins/platforms/*{NATIVE}.*",
                                                f"PySide6/plugins/platforms/*{NATIVE}.*"], {}),
    # the loader path: the plugin is there but a library it links is not (as libxcb-icccm4 was on bare systems)
    ("platform", "a library the xcb plugin links (libQt6XcbQpa)", ["PySide6/Qt/lib/libQt6XcbQpa.so*",
                                                                    "libQt6XcbQpa.so*"], {"only": "linux"}),
    ("notice", "the notice template", ["resources/templates/rectification_notice.xlsx"], {}),
    ("postgres-driver", "psycopg's bundled libpq", ["psycopg_binary", "psycopg_binary.libs"], {}),
    ("database", "the Alembic migrations", ["dieselwatch/storage/migrations"], {}),
    ("guide", "the Chinese user guide", ["docs/guide_zh_CN.md"], {}),
    ("guide", "the user guide's screenshots", ["docs/screenshots"], {}),
]


def link_copy(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, symlinks=True, copy_function=os.link)


def run(bundle: Path, env: dict) -> tuple[int, str]:
    exe = bundle / ("dieselwatch-cli.exe" if sys.platform == "win32" else "dieselwatch-cli")
    r = subprocess.run([str(exe), "selftest"], capture_output=True, text=True, encoding="utf-8", errors="replace",
                       env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env}, timeout=300)
    return r.returncode, r.stdout + r.stderr


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    bundle = Path(argv[0] if argv else "dist/DieselWatch").resolve()
    if not (bundle / "_internal").is_dir():
        print(f"check_selftest: no bundle at {bundle}; build it with packaging/build.sh", file=sys.stderr)
        return 2
    ok = True
    with tempfile.TemporaryDirectory(prefix="dieselwatch-breaks-") as tmp:
        tmp = Path(tmp)
        fonts_conf = tmp / "empty-fonts.conf"
        fonts_conf.write_text(EMPTY_FONTCONFIG)
        t = time.perf_counter()
        code, out = run(bundle, {})
        if code != 0:
            print(out)
            print("check_selftest: FAIL the intact bundle's self-test does not pass")
            return 1
        print(f"ok   intact bundle: self-test passes ({time.perf_counter() - t:.1f} s)")
        for i, (check, what, globs, env) in enumerate(CASES):
            env = dict(env)
            only = env.pop("only", None)
            if (only and not sys.platform.startswith(only)) or ("FONTCONFIG_FILE" in env and sys.platform == "win32"):
                continue
            copy = tmp / f"copy{i}"
            link_copy(bundle, copy)
            removed = []
            for g in globs:
                for p in (copy / "_internal").glob(g):
                    shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
                    removed.append(p.relative_to(copy).as_posix())
            if globs and not removed:
                print(f"FAIL {check}: nothing to remove for {what} ({', '.join(globs)}): the case tests nothing")
                ok = False
                continue
            code, out = run(copy, {k: v.format(empty_fonts=fonts_conf) for k, v in env.items()})
            line = next((ln for ln in out.splitlines() if ln.startswith(f"FAIL {check}:")), None)
            good = code == 1 and line is not None
            ok &= good
            print(f"{'ok  ' if good else 'FAIL'} without {what}: exit {code}, "
                  + (line if line else f"no 'FAIL {check}:' line\n{out[-2000:]}"))
            shutil.rmtree(copy)
    print("check_selftest: every claim of the self-test was seen to fail without its piece" if ok else
          "check_selftest: some removal went unnoticed")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
