"""Daily study prompts: the schedule, the post, the Done button and streaks."""
