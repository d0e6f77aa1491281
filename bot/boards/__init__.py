"""The public weekly board: opted-in members' study time, streaks and ships, posted once a
week in a channel a moderator picks (`/setup leaderboard`)."""
