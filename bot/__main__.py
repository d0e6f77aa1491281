"""`python -m bot`: the `studybot` command."""

from bot.cli import main

# Guarded: a worker process (bot.core.workers, spawn) imports the main module again.
if __name__ == "__main__":
    raise SystemExit(main())
