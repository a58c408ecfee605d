"""`dieselwatch` without a command: open the desktop app, or with --demo first prepare a demo home.
On a machine without a display, say so and run the same pipeline through the CLI instead of crashing."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


def has_display() -> bool:
    if sys.platform in ("win32", "darwin") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def launch(args, run_command: Callable[[list[str]], int]) -> int:
    """run_command: the CLI's main(argv), handed in by the CLI so this module never imports it back."""
    if args.demo and has_display():
        from dieselwatch.config import demo_home

        # The window prepares the demo home itself, behind a splash with progress (gui/splash.py).
        args.home, args.demo_splash = demo_home(args.home), True
    elif args.demo:
        from dieselwatch.config import demo_home
        from dieselwatch.demo.setup import ensure_demo
        from dieselwatch.workspace import Workspace

        args.home = demo_home(args.home)  # never mix demo trucks into real data
        ws = Workspace.open(home=args.home, db=args.db, user=args.user, raw=args.raw)
        print(f"DieselWatch demo home: {ws.home.root}", file=sys.stderr)
        info = ensure_demo(ws, progress=None)
        if info["loaded"]:
            c = info["result"].counts()
            print(f"demo fleet written to {info['folder']} and imported; scored "
                  f"{info['manifest']['start']} to {info['manifest']['end']}: "
                  + ", ".join(f"{k} {v}" for k, v in c.items()), file=sys.stderr)
        ws.close()
    if not has_display():
        print("No display here: showing the scores through the CLI. On a desktop, the same command opens the "
              "window.", file=sys.stderr)
        from dieselwatch.services.overview import latest_run
        from dieselwatch.workspace import Workspace

        ws = Workspace.open(home=args.home, db=args.db, user=args.user, raw=args.raw)
        run = latest_run(ws)
        if run is None:
            print("Nothing scored yet: import data with `dieselwatch import FILE` and run `dieselwatch score`.")
            return 0
        base = (["--home", args.home] if args.home else []) + (["--db", args.db] if args.db else []) + \
            (["--raw", args.raw] if args.raw else [])
        return run_command([*base, "score", "--from", str(run.period_from), "--to", str(run.period_to)])
    from dieselwatch.gui.app import run as run_gui

    return run_gui(args)
