"""A new member's first interview question: from their onboarding focus, and not the same
for everyone (before, every new member got the catalog's first question)."""

from __future__ import annotations

from sqlalchemy import select

from bot.interview.tables import interview_attempts
from bot.sandbox import Sandbox
from bot.sandbox.models import FakeMember
from tests.e2e.conftest import bot_of


async def first_question(sb: Sandbox, member: FakeMember) -> str:
    """`/interview practice` as `member`; the id of the question it opened."""
    reply = await sb.slash(member, "interview practice")
    assert "new question" in reply.text
    async with bot_of(sb).services.core.store.connect() as conn:
        row = (
            await conn.execute(
                select(interview_attempts.c.question_id)
                .where(
                    interview_attempts.c.guild_id == sb.guild.id,
                    interview_attempts.c.user_id == member.id,
                )
                .order_by(interview_attempts.c.id.desc())
            )
        ).first()
    assert row is not None
    return str(row.question_id)


async def test_the_first_question_comes_from_the_focus_chosen_in_start(sb: Sandbox) -> None:
    catalog = bot_of(sb).services.catalog.for_guild(sb.guild.id)
    for name, focus in (("alice", "math"), ("bob", "portfolio"), ("kai", "toolkit")):
        member = sb.member(name)
        start = await sb.slash(member, "start")
        await sb.select(member, start, "Focus tracks", [focus])
        question = catalog.questions[await first_question(sb, member)]
        tracks = {catalog.track_of_skill(skill).id for skill in question.skills}
        assert focus in tracks, (name, question.id, tracks)
        easiest = min(
            q.difficulty
            for q in catalog.questions.values()
            if focus in {catalog.track_of_skill(s).id for s in q.skills}
        )
        assert question.difficulty == easiest  # a warm-up first


async def test_new_members_get_different_first_questions_each_always_the_same(
    sb: Sandbox,
) -> None:
    firsts = {}
    for index in range(6):
        member = sb.member(f"newcomer{index}")
        firsts[member.name] = await first_question(sb, member)
    assert len(set(firsts.values())) >= 3, firsts  # not everyone's the catalog's first
    again = sb.member("newcomer0")
    assert await first_question(sb, again) == firsts["newcomer0"]  # stable for a member
