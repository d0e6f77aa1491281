"""Every table of every feature on the one shared `metadata`.

Importing this module completes `metadata` (each feature defines its tables in its own
`tables.py`): Alembic's environment, the privacy walk over all member data and the schema
tests import it. It sits above the features, so no feature needs to know the others' tables.
"""

from __future__ import annotations

import bot.activity.tables
import bot.boards.tables
import bot.content.tables
import bot.daily.tables
import bot.interview.tables
import bot.pitfalls.tables
import bot.progress.tables
import bot.projects.tables
import bot.reminders.tables
import bot.rewards.tables
import bot.studyrooms.tables
from bot.core.store.schema import metadata

FEATURE_TABLE_MODULES = (
    bot.activity.tables,
    bot.content.tables,
    bot.daily.tables,
    bot.interview.tables,
    bot.pitfalls.tables,
    bot.progress.tables,
    bot.projects.tables,
    bot.reminders.tables,
    bot.rewards.tables,
    bot.boards.tables,
    bot.studyrooms.tables,
)

__all__ = ["FEATURE_TABLE_MODULES", "metadata"]
