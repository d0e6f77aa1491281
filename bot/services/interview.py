"""Interview practice with FSRS reviews, mock sessions, pairing, question of the day (issue 7)."""

from __future__ import annotations

from bot.services.container import FeatureService


class InterviewService(FeatureService):
    async def set_review_reminder(
        self, guild_id: int, user_id: int, *, enabled: bool, at: str | None
    ) -> dict[str, object]:
        """Opt in/out of the daily due-reviews reminder (member_reminders.reviews/review_time)."""
        raise NotImplementedError("issue 7: implemented by the interview feature")
