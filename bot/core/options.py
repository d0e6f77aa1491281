"""Slash-command option types that declare their bounds.

Discord's client refuses a value outside an option's declared `min_value`/`max_value` or
`min_length`/`max_length` before the command is sent, with the limit shown under the option;
the bot's own checks stay for what a length cannot express (a real date, a known project).
Numbers use `app_commands.Range[int, low, high]` beside the command, from the feature's
rules; these are the text shapes several commands share.
"""

from __future__ import annotations

from discord import app_commands

#: Discord's limit for an autocomplete choice's value: a longer value can never be one.
CHOICE_VALUE_MAX = 100

#: A value picked from autocomplete: a project, milestone, skill, track, pack, timezone ...
Picked = app_commands.Range[str, 1, CHOICE_VALUE_MAX]
#: A time of day: "09:00" (also "9:30", "21.15", "7h05").
TimeOfDay = app_commands.Range[str, 1, 5]
#: Weekdays: "mon-fri", "mon,wed,fri", "weekends", "daily" (full day names too).
Weekdays = app_commands.Range[str, 1, 80]
#: A calendar date, YYYY-MM-DD.
IsoDate = app_commands.Range[str, 1, 10]
