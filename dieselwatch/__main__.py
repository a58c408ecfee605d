from dieselwatch.cli import main

raise SystemExit(main())
