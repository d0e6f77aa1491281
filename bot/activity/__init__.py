"""The activity log: the minutes a member logs or earns; streaks, charts and nudges read it."""
