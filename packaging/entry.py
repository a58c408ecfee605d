"""Entry point of both frozen executables: no arguments opens the desktop app, arguments run the CLI."""

from dieselwatch.cli import main

raise SystemExit(main())
