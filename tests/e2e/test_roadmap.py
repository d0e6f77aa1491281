"""/roadmap view, check and uncheck through the fake Discord."""

from __future__ import annotations

from bot.sandbox import Sandbox


async def test_view_overview_lists_tracks_and_suggests_the_next_skill(sb: Sandbox) -> None:
    alice = sb.member("alice")
    reply = await sb.slash(alice, "roadmap view")
    assert reply.ephemeral
    assert "Your roadmap" in reply.text
    assert "Math foundations: 0/" in reply.text
    assert "Suggested next: Linear algebra" in reply.text


async def test_check_with_evidence_shows_in_the_track_and_moves_the_suggestion(
    sb: Sandbox,
) -> None:
    alice = sb.member("alice")
    checked = await sb.slash(
        alice,
        "roadmap check",
        skill="linear-algebra",
        evidence="https://github.com/alice/linalg-notebooks",
    )
    assert "Skill checked" in checked.text
    assert "<https://github.com/alice/linalg-notebooks>" in checked.text
    again = await sb.slash(alice, "roadmap check", skill="Linear algebra")
    assert "Already checked" in again.text
    track = await sb.slash(alice, "roadmap view", track="math")
    assert "Roadmap — Math foundations" in track.text
    assert "✅ Linear algebra · <https://github.com/alice/linalg-notebooks>" in track.text
    assert "Suggested next: Calculus" in track.text
    overview = await sb.slash(alice, "roadmap view")
    assert "Math foundations: 1/" in overview.text


async def test_check_refuses_non_https_links_and_unknown_skills(sb: Sandbox) -> None:
    alice = sb.member("alice")
    http = await sb.slash(
        alice, "roadmap check", skill="calculus", evidence="http://example.com/notes"
    )
    assert "https://" in http.text and "Skill checked" not in http.text
    script = await sb.slash(
        alice, "roadmap check", skill="calculus", evidence="javascript:alert(1)"
    )
    assert "https://" in script.text
    unknown = await sb.slash(alice, "roadmap check", skill="basket-weaving")
    assert "do not know that skill" in unknown.text
    bad_track = await sb.slash(alice, "roadmap view", track="astrology")
    assert "do not know that track" in bad_track.text


async def test_uncheck_removes_a_check_and_refuses_an_unchecked_skill(sb: Sandbox) -> None:
    alice = sb.member("alice")
    await sb.slash(alice, "roadmap check", skill="sql")
    removed = await sb.slash(alice, "roadmap uncheck", skill="sql")
    assert "Skill unchecked" in removed.text and "SQL" in removed.text
    again = await sb.slash(alice, "roadmap uncheck", skill="sql")
    assert "was not checked" in again.text


async def test_skill_and_track_autocomplete(sb: Sandbox) -> None:
    alice = sb.member("alice")
    skills = await sb.autocomplete(alice, "roadmap check", "skill", "prob")
    assert skills[0]["value"] == "probability"
    unchecks = await sb.autocomplete(alice, "roadmap uncheck", "skill", "dock")
    assert [c["value"] for c in unchecks] == ["docker"]
    tracks = await sb.autocomplete(alice, "roadmap view", "track", "math")
    assert tracks[0]["value"] == "math"
