from cosell_tui.cli import main

raise SystemExit(main())
