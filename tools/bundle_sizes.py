"""What the one-folder bundle is made of, largest first, and how big an installer of it would be.

  python tools/bundle_sizes.py [dist/DieselWatch] [--top 25] [--depth 3] [--max-mb 250] [--installer-estimate]

- the total, and the largest files and folders (folders grouped to --depth levels under _internal/);
- --installer-estimate: an xz -9 (LZMA2, 64 MiB dictionary, one solid stream) of a tar of the folder, the same
  algorithm and dictionary as Inno Setup's `Compression=lzma2/max` with `SolidCompression=yes`: an estimate of
  the Windows installer from this folder (the Windows folder holds DLLs instead of .so files, so it is an
  estimate, not a measurement). Single-threaded: about 2-4 minutes for 250 MB.
- --max-mb N: exit 1 when the bundle is larger (CI keeps the budget)."""

from __future__ import annotations

import argparse
import io
import lzma
import os
import sys
import tarfile
import time
from collections import defaultdict
from pathlib import Path

MB = 1024 * 1024


def files_of(root: Path) -> list[tuple[Path, int]]:
    out = []
    for dirpath, _dirs, names in os.walk(root):
        for n in names:
            p = Path(dirpath) / n
            if not p.is_symlink():
                out.append((p.relative_to(root), p.stat().st_size))
    return out


def group_key(rel: Path, depth: int) -> str:
    parts = rel.parts
    if parts and parts[0] == "_internal":  # PyInstaller 6 keeps everything but the executables under _internal/
        parts = parts[1:]
    if len(parts) <= 1:
        return "(top-level files)"
    return "/".join(parts[:min(depth, len(parts) - 1)]) + "/"


class _Counter(io.RawIOBase):
    """A write-only sink that only counts: the estimate needs the compressed size, not the bytes."""

    def __init__(self):
        self.n = 0

    def writable(self):
        return True

    def write(self, b):
        self.n += len(b)
        return len(b)


def installer_estimate(root: Path) -> int:
    sink = _Counter()
    with lzma.LZMAFile(sink, "wb", format=lzma.FORMAT_XZ, preset=9) as xz, tarfile.open(fileobj=xz, mode="w|") as tar:
        tar.add(root, arcname=root.name)
    return sink.n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bundle", nargs="?", type=Path, default=Path("dist/DieselWatch"))
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--depth", type=int, default=3)
    ap.add_argument("--max-mb", type=float)
    ap.add_argument("--installer-estimate", action="store_true")
    args = ap.parse_args(argv)
    if not args.bundle.is_dir():
        print(f"bundle_sizes: no bundle at {args.bundle}; build it with packaging/build.sh", file=sys.stderr)
        return 2
    files = files_of(args.bundle)
    total = sum(s for _, s in files)
    groups: dict[str, int] = defaultdict(int)
    for rel, size in files:
        groups[group_key(rel, args.depth)] += size
    print(f"bundle {args.bundle}: {total / MB:.1f} MB in {len(files)} files")
    print(f"\nlargest folders (depth {args.depth} under _internal/):")
    for name, size in sorted(groups.items(), key=lambda kv: -kv[1])[:args.top]:
        print(f"  {size / MB:8.1f} MB  {name}")
    print("\nlargest files:")
    for rel, size in sorted(files, key=lambda f: -f[1])[:args.top]:
        print(f"  {size / MB:8.1f} MB  {rel.as_posix()}")
    if args.installer_estimate:
        t = time.perf_counter()
        est = installer_estimate(args.bundle)
        print(f"\ninstaller estimate (tar | xz -9, LZMA2 like Inno Setup lzma2/max, solid): {est / MB:.1f} MB "
              f"({est / total:.0%} of the folder, {time.perf_counter() - t:.0f} s)")
    if args.max_mb is not None and total > args.max_mb * MB:
        print(f"\nbundle_sizes: {total / MB:.1f} MB is over the budget of {args.max_mb:g} MB", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
