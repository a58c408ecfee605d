"""Every system library the installed bundle links is provided by a package its Depends names.

  python3 packaging/linux/check_depends.py [/opt/dieselwatch] [--package dieselwatch]

ldd over every ELF file of the installed tree (with _internal/ on the library path, as the PyInstaller bootloader
sets it): a library "not found" fails; each library found outside the tree is mapped to its Debian package
(dpkg -S) and must be in the closure of the installed package's Depends (through the Depends and Pre-Depends of
installed packages). Run as root after `apt-get install ./dieselwatch_*.deb` on a machine that had none of these
libraries before is the strongest form; on any machine it proves no library is missing from Depends."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path


def elf_files(root: Path):
    for dirpath, _dirs, names in os.walk(root):
        for n in names:
            p = Path(dirpath) / n
            if p.is_symlink() or not p.is_file():
                continue
            with open(p, "rb") as f:
                if f.read(4) == b"\x7fELF":
                    yield p


def linked(root: Path) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(system library path -> files using it, missing library -> files asking for it)."""
    env = dict(os.environ, LD_LIBRARY_PATH=str(root / "_internal"))
    system: dict[str, set[str]] = {}
    missing: dict[str, set[str]] = {}
    for f in elf_files(root):
        out = subprocess.run(["ldd", str(f)], capture_output=True, text=True, env=env).stdout
        for line in out.splitlines():
            m = re.match(r"\s*(\S+) => (not found|(\S+) \(0x)", line)
            if not m:
                continue
            rel = str(f.relative_to(root))
            if m.group(2) == "not found":
                missing.setdefault(m.group(1), set()).add(rel)
            elif not Path(m.group(3)).resolve().is_relative_to(root.resolve()):
                system.setdefault(m.group(3), set()).add(rel)
    return system, missing


def owner(path: str) -> str | None:
    """The package holding a library; with merged /usr, dpkg may know it under /lib or /usr/lib."""
    real = os.path.realpath(path)
    candidates = {path, real}
    for p in list(candidates):
        if p.startswith("/usr/lib/"):
            candidates.add(p[len("/usr"):])
        elif p.startswith("/lib/"):
            candidates.add("/usr" + p)
    for c in candidates:
        r = subprocess.run(["dpkg", "-S", c], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.split(":")[0].strip()  # "libfoo1:amd64: /path" -> libfoo1
    return None


def installed_depends(pkg: str) -> list[list[str]]:
    r = subprocess.run(["dpkg-query", "-W", "-f", "${Depends}, ${Pre-Depends}", pkg], capture_output=True, text=True)
    if r.returncode:
        return []
    groups = []
    for clause in r.stdout.split(","):
        alts = [re.split(r"[\s(:]", a.strip())[0] for a in clause.split("|") if a.strip()]
        if alts:
            groups.append(alts)
    return groups


def provides_map() -> dict[str, str]:
    """virtual or t64-renamed name -> installed package that provides it"""
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Provides}\n"], capture_output=True, text=True).stdout
    m = {}
    for line in out.splitlines():
        pkg, _, prov = line.partition(" ")
        for p in prov.split(","):
            if p.strip():
                m[re.split(r"[\s(]", p.strip())[0]] = pkg
    return m


def closure(pkg: str) -> set[str]:
    prov = provides_map()
    seen: set[str] = set()
    todo = [pkg]
    while todo:
        p = todo.pop()
        p = p if subprocess.run(["dpkg-query", "-W", p], capture_output=True).returncode == 0 else prov.get(p, p)
        if p in seen:
            continue
        seen.add(p)
        for alts in installed_depends(p):
            todo.extend(alts)
    return seen


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", nargs="?", type=Path, default=Path("/opt/dieselwatch"))
    ap.add_argument("--package", default="dieselwatch")
    args = ap.parse_args(argv)
    system, missing = linked(args.root)
    ok = True
    for lib, users in sorted(missing.items()):
        ok = False
        print(f"FAIL not found: {lib} (needed by {', '.join(sorted(users)[:3])})")
    deps = closure(args.package)
    if len(deps) <= 1:
        print(f"FAIL the package {args.package} is not installed")
        return 1
    by_pkg: dict[str, list[str]] = {}
    for lib in sorted(system):
        pkg = owner(lib)
        by_pkg.setdefault(pkg or f"(no package: {lib})", []).append(Path(lib).name)
    for pkg, libs in sorted(by_pkg.items()):
        good = pkg in deps
        ok &= good
        print(f"{'ok  ' if good else 'FAIL'} {pkg}: {', '.join(libs)}"
              + ("" if good else f" -- not reached from the Depends of {args.package}"))
    print(f"{len(system)} system libraries from {len(by_pkg)} packages, all named by Depends" if ok else
          "check_depends: Depends is incomplete")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
