"""What peer mock interviews look like: the queue, the pair's thread and its buttons."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any

import discord

from bot.catalog.render import bullet_block
from bot.core import embeds
from bot.core.persistent import Field, FixedButton, PersistentButton, PersistentView
from bot.core.text import shorten
from bot.interview import rules
from bot.interview.rules import category_name
from bot.interview.views.common import guild_of

if TYPE_CHECKING:
    from bot.interview.service import PairInfo, PairJoin
    from bot.studybot import StudyBot


def queue_expired_embed(ttl: timedelta) -> discord.Embed:
    hours = round(ttl.total_seconds() / 3600)
    return embeds.info(
        "No interview partner this time",
        f"Nobody else joined the pairing queue within {hours} h, so I took you off it. "
        "`/interview pair` puts you back; meanwhile `/interview mock` is a solo session.",
        colour=embeds.WARNING,
    )


def pair_join_embed(join: PairJoin) -> discord.Embed:
    if join.status == "waiting":
        assert join.expires_at is not None
        return embeds.info(
            "You are in the pairing queue",
            f"Category: {category_name(join.category)}. As soon as another member joins, I "
            "open a thread in the interview channel for the two of you. Your place expires "
            f"{discord.utils.format_dt(join.expires_at, 'R')}; `/interview pair-leave` leaves "
            "now.",
        )
    role = "the **interviewer**" if join.role == "interviewer" else "the **candidate**"
    return embeds.success(
        "You have a partner",
        f"You are {role} with <@{join.partner_id}> on {category_name(join.category)}. "
        f"Head to <#{join.thread_id}>.",
    )


def pair_thread_name(info: PairInfo) -> str:
    return shorten(f"Mock interview #{info.pair_id} · {category_name(info.question.category)}", 100)


def pair_intro_text(info: PairInfo) -> str:
    return (
        f"<@{info.interviewer_id}> interviews <@{info.candidate_id}>. "
        "Candidate: answer the question below aloud or in this thread; interviewer: ask the "
        "follow-ups and check the key points (only you can open them)."
    )


def pair_embed(info: PairInfo) -> discord.Embed:
    question = info.question
    embed = embeds.info(question.display_title, question.prompt)
    embed.set_author(name="Peer mock interview")
    embed.add_field(name="Interviewer", value=f"<@{info.interviewer_id}>", inline=True)
    embed.add_field(name="Candidate", value=f"<@{info.candidate_id}>", inline=True)
    embed.add_field(
        name="Time limit",
        value=f"{question.time_limit_minutes} min · {category_name(question.category)}",
        inline=True,
    )
    embed.set_footer(
        text="Press Done when the interview is over; then each of you rates the other."
    )
    return embed


def pair_keys_embed(info: PairInfo) -> discord.Embed:
    question = info.question
    embed = embeds.info("Key points (interviewer only)", bullet_block(question.key_points))
    embed.set_author(name=question.display_title)
    if question.hints:
        embed.add_field(
            name="Hints you may give",
            value=shorten(bullet_block(question.hints), 1024),
            inline=False,
        )
    if question.follow_ups:
        embed.add_field(
            name="Follow-up questions",
            value=shorten(bullet_block(question.follow_ups), 1024),
            inline=False,
        )
    return embed


def pair_done_embed(info: PairInfo) -> discord.Embed:
    return embeds.success(
        "Interview done",
        f"Nice work, <@{info.interviewer_id}> and <@{info.candidate_id}> — it counts as "
        "community time for both of you. Now each of you rates the other's session from 1 "
        "(rough) to 5 (excellent): the interviewer rates the answer, the candidate rates the "
        "interviewing.",
    )


class PairKeyPointsButton(FixedButton, prefix="iv-pkeys", label="Key points"):
    pair_id: int

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        info = await interaction.client.services.interview.pairing.key_points(
            guild_of(interaction), interaction.user.id, self.pair_id
        )
        await interaction.response.send_message(embed=pair_keys_embed(info), ephemeral=True)


class PairDoneButton(
    FixedButton, prefix="iv-pdone", label="Done", style=discord.ButtonStyle.success
):
    pair_id: int

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        info, newly = await interaction.client.services.interview.pairing.done(
            guild_of(interaction), interaction.user.id, self.pair_id
        )
        if not newly:
            await interaction.response.send_message(
                "This session is already marked done — rate it with the 1–5 buttons below "
                "the Done message.",
                ephemeral=True,
            )
            return
        await interaction.response.send_message(
            embed=pair_done_embed(info), view=pair_rate_view(self.pair_id)
        )


class PairRateButton(PersistentButton, prefix="iv-prate"):
    pair_id: int
    score: Annotated[int, Field(r"[1-5]")]

    def __init__(self, pair_id: int, score: int) -> None:
        button = discord.ui.Button[Any](label=str(score), style=discord.ButtonStyle.primary)
        super().__init__(button, pair_id=pair_id, score=score)

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        info, rated = await interaction.client.services.interview.pairing.rate(
            guild_of(interaction), interaction.user.id, self.pair_id, self.score
        )
        both = info.candidate_score is not None and info.interviewer_score is not None
        text = f"Thanks — you rated <@{rated}>'s session {self.score}/5."
        if both:
            text += " You have both rated: good work, both of you."
        await interaction.response.send_message(
            embed=embeds.success("Rating saved", text), ephemeral=True
        )


def pair_view(pair_id: int) -> discord.ui.View:
    return PersistentView(PairKeyPointsButton(pair_id), PairDoneButton(pair_id))


def pair_rate_view(pair_id: int) -> discord.ui.View:
    return PersistentView(*(PairRateButton(pair_id, score) for score in rules.PEER_SCORES))
