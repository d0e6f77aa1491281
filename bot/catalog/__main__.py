"""``python -m bot.catalog validate PATH...`` / ``python -m bot.catalog schema``."""

from bot.catalog.cli import main

raise SystemExit(main())
