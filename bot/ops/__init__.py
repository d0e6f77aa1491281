"""Operator tooling: start-up that explains itself, `studybot doctor`, `studybot sync`.

Sits just below the command line (`bot.cli`): it builds the bot through `bot.app` and reads
the features' settings through their declared interfaces.
"""
