"""Project accountability: portfolio projects, check-ins, milestones, ships, the weekly thread."""
