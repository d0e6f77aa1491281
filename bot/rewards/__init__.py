"""Role rewards: roles given when members reach a streak, study hours or ships
(`/setup rewards`), monthly ones taken back at the month's end."""
