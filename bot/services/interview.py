"""Interview practice with FSRS reviews, mock sessions, pairing, question of the day (issue 7)."""

from __future__ import annotations

from bot.services.container import FeatureService


class InterviewService(FeatureService):
    pass
