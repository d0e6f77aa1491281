"""Retention and `/setup health` rules, and the persistent answer buttons' custom ids."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.content.views import UploadDecisionButton, decision_view
from bot.health.rules import DELIVERY_WINDOW, is_guild_job
from bot.privacy.rules import retention_cutoff
from bot.privacy.views import PrivacyChoice, delete_confirmation


def test_retention_cutoff_is_the_retention_period_before_now() -> None:
    now = datetime(2025, 3, 30, 12, tzinfo=UTC)
    assert retention_cutoff(now, 30) == now - timedelta(days=30)
    assert retention_cutoff(now, 0) == now


def test_health_shows_the_guilds_jobs_and_the_global_ones() -> None:
    assert is_guild_job("daily:42", 42)
    assert is_guild_job("dispatcher-tick", 42)
    assert not is_guild_job("daily:43", 42)
    assert not is_guild_job("daily:142", 42)
    assert timedelta(hours=24) == DELIVERY_WINDOW


def _ids(view: object) -> list[tuple[str, str]]:
    return [(item.item.label, item.custom_id) for item in view.children]  # type: ignore[attr-defined]


def test_answer_buttons_keep_the_custom_ids_already_on_members_messages() -> None:
    # Members have these buttons on old messages: the ids must never change.
    assert _ids(decision_view("0123456789abcdef")) == [
        ("Confirm", "studybot:content-confirm:0123456789abcdef"),
        ("Cancel", "studybot:content-cancel:0123456789abcdef"),
    ]
    _, view = delete_confirmation(42)
    assert _ids(view) == [
        ("Delete everything", "studybot:privacy-delete:42"),
        ("Keep my data", "studybot:privacy-keep:42"),
    ]
    content = UploadDecisionButton.__discord_ui_compiled_template__
    privacy = PrivacyChoice.__discord_ui_compiled_template__
    assert content.fullmatch("studybot:content-cancel:0123456789abcdef")
    assert not content.fullmatch("studybot:content-cancel:0123456789ABCDEF")
    match = privacy.fullmatch("studybot:privacy-keep:42")
    assert match is not None and match["user_id"] == "42" and match["action"] == "keep"
    assert not re.fullmatch(privacy, "studybot:privacy-purge:42")
