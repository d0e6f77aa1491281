"""The interview feature as other features may use it (their only way in).

`InterviewService.strength_by_category` and `.due_count` are what progress reads (readiness,
weekly digest); `review_counts` is the reviews leaderboard's one grouped query.
"""

from __future__ import annotations

from bot.interview.rules import CATEGORY_NAMES, category_name
from bot.interview.service import InterviewService
from bot.interview.store import review_counts

__all__ = ["CATEGORY_NAMES", "InterviewService", "category_name", "review_counts"]
