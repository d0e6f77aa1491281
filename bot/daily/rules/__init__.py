"""The daily feature's pure rules: prompt rotation, streaks, the completion window."""
