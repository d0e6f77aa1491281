"""Progress: study log, goals, dashboard, roadmap, leaderboards, onboarding, digest."""
