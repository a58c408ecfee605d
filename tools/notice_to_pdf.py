"""Render notices (or any workbook) to PDF with LibreOffice, and the first page to PNG, to look at what an
officer prints.   python tools/notice_to_pdf.py OUT_DIR WORKBOOK...
Needs LibreOffice (Debian: libreoffice-calc) and, for the PNG, poppler-utils; neither is needed by the app."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("LibreOffice is not installed (apt-get install libreoffice-calc)", file=sys.stderr)
        return 1
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out), *argv[1:]], check=True,
                   capture_output=True, timeout=300)
    for pdf in sorted(out.glob("*.pdf")):
        if shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", str(pdf), str(pdf.with_suffix(""))],
                           check=True)
        print(pdf)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
