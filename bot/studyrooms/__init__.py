"""Study together (issue 19): voice study rooms and group focus sessions.

- **Study rooms.** Moderators mark voice channels (`/setup study-rooms`). Time members spend
  in them counts from voice state events (no audio is ever received, the bot never connects
  to voice): `service/tracker.py` keeps every open session in memory, answers each event in
  microseconds and writes behind, in batches (`service/writer.py`); a session that ends and
  counts becomes one study-log entry (`service/credit.py`), and after 25+ minutes the member
  gets a one-tap "what did you work on?" that re-tags that same entry.
- **Focus sessions.** `/focus start` in a study room's chat or an allowed channel: one board
  message, edited in place at every phase, Join / Leave / Pings buttons; phases are moved by
  the bot's scheduler (`service/focus.py`), and each round's time is credited to those present
  at its end.

How the time reaches the rest of the bot: every credited stretch is an `activity` row written
with `bot.daily.api.record_study` (streak cache kept current), source `voice` or `focus`. Until
the member tags it, its kind is `community`: time studied together, neither theory nor
practice (so it never tips the theory–practice rule either way), and the opposite of
isolation. Streaks, goals, charts, `/progress`, `/history`, leaderboards and the pitfall
sweep read the activity log, so they see it with no change of their own.
"""
