"""Rebuild the bundle's ICU data library with the locales DieselWatch shows (Chinese, English, root) only.

  python packaging/linux/trim_icu.py dist/DieselWatch/_internal/PySide6/Qt/lib/libicudata.so.73

Qt links ICU for locale data, collation and text boundaries; its data library carries every language of the world
(31 MB). The app speaks Simplified Chinese and English, so the other locales' names, currencies, units, time zone
names and collation, transliteration, and the legacy code-page converters go
(Python, not Qt, decodes GBK exports). Needs icupkg (Debian: icu-devtools) and a C compiler (gcc); the library
keeps its soname and its one symbol, icudt<NN>_dat, so Qt loads it as before. The frozen self-test checks
Chinese text, sorting and the window after it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

KEEP_LANGS = {"root", "en", "zh", "yue"}  # zh_Hant_HK rules fall back to yue
LOCALE = re.compile(r"^([a-z]{2,3})(_[A-Za-z0-9]*)*$")
KEEP_CNV = {"gb18030.cnv"}


def dropped(item: str) -> bool:
    folder, _, name = item.rpartition("/")
    base = name.rsplit(".", 1)[0]
    if folder == "translit":
        return True
    if name.endswith(".cnv"):
        return name not in KEEP_CNV
    m = LOCALE.match(base)
    return bool(m) and name.endswith(".res") and m.group(1) not in KEEP_LANGS


def data_blob(lib: Path) -> tuple[str, bytes]:
    """The symbol's name and bytes, found through the symbol table (readelf) rather than guessed offsets."""
    out = subprocess.run(["readelf", "-sW", str(lib)], capture_output=True, text=True, check=True).stdout
    sym = next(line.split() for line in out.splitlines() if re.search(r"\bicudt\d+_dat$", line))
    value, size, name = int(sym[1], 16), int(sym[2], 0), sym[7]
    sections = subprocess.run(["readelf", "-SW", str(lib)], capture_output=True, text=True, check=True).stdout
    for line in sections.splitlines():
        f = line.replace("[ ", "[").split()
        if len(f) > 5 and f[1] == ".rodata":
            addr, off = int(f[3], 16), int(f[4], 16)
            return name, lib.read_bytes()[off + value - addr: off + value - addr + size]
    raise SystemExit(f"trim_icu: no .rodata section in {lib}")


def main(lib: Path) -> int:
    if not shutil.which("icupkg"):
        raise SystemExit("trim_icu: icupkg not found (Debian: apt-get install icu-devtools)")
    soname = lib.name
    name, blob = data_blob(lib)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # icupkg checks that the file is named after the package inside it (icudt73l: ICU 73, little-endian)
        pkg = name[: -len("_dat")] + ("l" if sys.byteorder == "little" else "b")
        (tmp / "full").mkdir()
        dat = tmp / "full" / f"{pkg}.dat"
        dat.write_bytes(blob)
        items = subprocess.run(["icupkg", "-l", str(dat)], capture_output=True, text=True, check=True).stdout.split()
        drop = [i for i in items if dropped(i)]
        (tmp / "drop.txt").write_text("\n".join(drop) + "\n")
        subprocess.run(["icupkg", "-r", str(tmp / "drop.txt"), str(dat), str(tmp / f"{pkg}.dat")], check=True,
                       stdout=subprocess.DEVNULL)
        (tmp / "data.S").write_text(
            f'.section .rodata\n.global {name}\n.type {name}, @object\n.balign 16\n{name}:\n'
            f'.incbin "{tmp / f"{pkg}.dat"}"\n.size {name}, . - {name}\n.section .note.GNU-stack,"",@progbits\n')
        out = tmp / soname
        subprocess.run(["gcc", "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-o", str(out), str(tmp / "data.S")],
                       check=True)
        before = lib.stat().st_size
        shutil.copyfile(out, lib)
    print(f"trim_icu: {soname} {before / 2**20:.1f} MB -> {lib.stat().st_size / 2**20:.1f} MB "
          f"({len(drop)} of {len(items)} items dropped)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))
