"""What interview practice looks like: question embeds and their persistent buttons.

Every button is a `DynamicItem` whose custom id carries the attempt (or pair, or question)
id; the state (hints shown, key points, rating) is in the database. So an ephemeral
practice message keeps working after a restart, and a click from anyone but its owner is
refused by the service.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord

from bot.catalog import Question
from bot.catalog.render import bullet_block
from bot.core import embeds
from bot.core.reporting import guarded
from bot.interview import rules

if TYPE_CHECKING:
    from bot.interview.service import (
        InterviewStats,
        MockSummary,
        PairInfo,
        PairJoin,
        PracticeRound,
        QotdSchedule,
        RatingResult,
    )

DIFFICULTY = {1: "easy", 2: "medium", 3: "hard"}
RATING_STYLE = {
    "again": discord.ButtonStyle.danger,
    "hard": discord.ButtonStyle.secondary,
    "good": discord.ButtonStyle.primary,
    "easy": discord.ButtonStyle.success,
}
TREND = {"up": "↑ improving", "down": "↓ slipping", "steady": "→ steady", "new": "new"}

HINT_TEMPLATE = r"studybot:iv-hint:(?P<attempt>\d+):(?P<n>\d+)$"
KEYS_TEMPLATE = r"studybot:iv-keys:(?P<attempt>\d+)$"
RATE_TEMPLATE = r"studybot:iv-rate:(?P<attempt>\d+):(?P<rating>again|hard|good|easy)$"
NEXT_TEMPLATE = r"studybot:iv-next:(?P<category>[a-z_]+|-):(?P<difficulty>[0-3])$"
QOTD_TEMPLATE = r"studybot:iv-qotd:(?P<question>[a-z0-9][a-z0-9-]{1,63})$"
PAIR_KEYS_TEMPLATE = r"studybot:iv-pkeys:(?P<pair>\d+)$"
PAIR_DONE_TEMPLATE = r"studybot:iv-pdone:(?P<pair>\d+)$"
PAIR_RATE_TEMPLATE = r"studybot:iv-prate:(?P<pair>\d+):(?P<score>[1-5])$"


def _category(category: str | None) -> str:
    from bot.interview.service import category_name

    return category_name(category)


def _services(interaction: discord.Interaction[Any]) -> Any:
    return interaction.client.services


def _guild(interaction: discord.Interaction[Any]) -> int:
    from bot.core.errors import UserFacingError

    if interaction.guild_id is None:
        raise UserFacingError("These buttons work only inside the server.")
    return interaction.guild_id


def _due_text(due: datetime) -> str:
    return f"{discord.utils.format_dt(due, 'R')} ({discord.utils.format_dt(due, 'f')})"


def _interval_text(interval: timedelta) -> str:
    minutes = int(interval.total_seconds() // 60)
    if minutes < 60:
        return f"{max(1, minutes)} min"
    if minutes < 48 * 60:
        return f"{round(minutes / 60)} h"
    return f"{round(minutes / (24 * 60))} days"


# --- practice --------------------------------------------------------------------------


def question_embed(round_: PracticeRound) -> discord.Embed:
    question = round_.question
    if round_.mock is not None:
        title = f"Mock interview — question {round_.mock.index + 1} of {round_.mock.total}"
    elif round_.kind == "review":
        title = "Interview practice — review due"
    elif round_.kind == "qotd":
        title = "Question of the day — practice"
    else:
        title = "Interview practice — new question"
    embed = embeds.info(title, question.prompt)
    embed.add_field(name="Category", value=_category(question.category), inline=True)
    embed.add_field(name="Difficulty", value=DIFFICULTY.get(question.difficulty, "?"), inline=True)
    embed.add_field(name="Time limit", value=f"{question.time_limit_minutes} min", inline=True)
    if round_.mock is not None:
        embed.add_field(
            name="Session deadline",
            value=discord.utils.format_dt(round_.mock.deadline, "R"),
            inline=False,
        )
    for i, hint in enumerate(question.hints[: round_.hints_shown], start=1):
        embed.add_field(name=f"Hint {i}", value=hint, inline=False)
    if round_.key_points_shown:
        embed.add_field(name="Key points", value=bullet_block(question.key_points), inline=False)
        if question.follow_ups:
            embed.add_field(
                name="Follow-ups", value=bullet_block(question.follow_ups), inline=False
            )
    embed.set_footer(
        text="Answer aloud or on paper within the time limit, then rate yourself honestly: "
        "that rating decides when this question comes back."
    )
    return embed


class HintButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=HINT_TEMPLATE):
    """Reveals hints up to number `n` (the next one); the count is kept in the database."""

    def __init__(self, attempt_id: int, n: int, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Hint",
                style=discord.ButtonStyle.secondary,
                custom_id=f"studybot:iv-hint:{attempt_id}:{n}",
                disabled=disabled,
                row=0,
            )
        )
        self.attempt_id = attempt_id
        self.n = n

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> HintButton:
        return cls(int(match["attempt"]), int(match["n"]))

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        round_ = await _services(interaction).interview.reveal_hint(
            _guild(interaction), interaction.user.id, self.attempt_id, self.n
        )
        await interaction.response.edit_message(
            embed=question_embed(round_), view=practice_view(round_)
        )


class KeyPointsButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=KEYS_TEMPLATE):
    def __init__(self, attempt_id: int, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Key points",
                style=discord.ButtonStyle.secondary,
                custom_id=f"studybot:iv-keys:{attempt_id}",
                disabled=disabled,
                row=0,
            )
        )
        self.attempt_id = attempt_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> KeyPointsButton:
        return cls(int(match["attempt"]))

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        round_ = await _services(interaction).interview.reveal_key_points(
            _guild(interaction), interaction.user.id, self.attempt_id
        )
        await interaction.response.edit_message(
            embed=question_embed(round_), view=practice_view(round_)
        )


class RateButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=RATE_TEMPLATE):
    """Again / Hard / Good / Easy: records the rating and edits the message to the result."""

    def __init__(self, attempt_id: int, rating: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=rules.RATING_LABELS[rating],
                style=RATING_STYLE[rating],
                custom_id=f"studybot:iv-rate:{attempt_id}:{rating}",
                row=1,
            )
        )
        self.attempt_id = attempt_id
        self.rating = rating

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> RateButton:
        return cls(int(match["attempt"]), match["rating"])

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        result = await _services(interaction).interview.rate(
            _guild(interaction), interaction.user.id, self.attempt_id, self.rating
        )
        embed_list, view = rating_reply(result)
        await interaction.response.edit_message(embeds=embed_list, view=view)


class NextButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=NEXT_TEMPLATE):
    """Starts the presser's next practice round with the same filters."""

    def __init__(self, category: str | None, difficulty: int | None) -> None:
        super().__init__(
            discord.ui.Button(
                label="Next question",
                style=discord.ButtonStyle.primary,
                custom_id=f"studybot:iv-next:{category or '-'}:{difficulty or 0}",
            )
        )
        self.category = category
        self.difficulty = difficulty

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> NextButton:
        category = None if match["category"] == "-" else match["category"]
        difficulty = int(match["difficulty"]) or None
        return cls(category, difficulty)

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        round_ = await _services(interaction).interview.practice(
            _guild(interaction),
            interaction.user.id,
            category=self.category,
            difficulty=self.difficulty,
        )
        await interaction.response.edit_message(
            embeds=[question_embed(round_)], view=practice_view(round_)
        )


def practice_view(round_: PracticeRound) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    hints = len(round_.question.hints)
    view.add_item(
        HintButton(
            round_.attempt_id,
            min(round_.hints_shown + 1, hints),
            disabled=round_.hints_shown >= hints,
        )
    )
    view.add_item(KeyPointsButton(round_.attempt_id, disabled=round_.key_points_shown))
    for rating in rules.RATINGS:
        view.add_item(RateButton(round_.attempt_id, rating))
    return view


def rating_reply(result: RatingResult) -> tuple[list[discord.Embed], discord.ui.View | None]:
    """What the practice message becomes after a rating (a type 7 update)."""
    saved = embeds.success(
        f"Rated {rules.RATING_LABELS[result.rating]}",
        f"Next review of this question: {_due_text(result.due_at)} "
        f"(in about {_interval_text(result.interval)}).\n"
        f"Logged {result.minutes} min of interview practice.",
    )
    if result.next_round is not None:
        return [saved, question_embed(result.next_round)], practice_view(result.next_round)
    if result.summary is not None:
        return [saved, summary_embed(result.summary)], None
    saved.add_field(name="Question", value=result.question.prompt[:1000], inline=False)
    if result.question.key_points:
        saved.add_field(
            name="Key points", value=bullet_block(result.question.key_points), inline=False
        )
    view = discord.ui.View(timeout=None)
    view.add_item(NextButton(result.category, result.difficulty))
    return [saved], view


def practice_next_view(category: str | None, difficulty: int | None) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(NextButton(category, difficulty))
    return view


# --- mock sessions ---------------------------------------------------------------------


def summary_embed(summary: MockSummary) -> discord.Embed:
    heading = {
        "done": "Mock interview complete",
        "ended": "Mock interview ended",
        "expired": "Mock interview closed (past its deadline)",
    }.get(summary.status, "Mock interview")
    score = summary.score
    answered = sum(c.answered for c in score.categories)
    embed = embeds.info(
        heading,
        f"You answered {answered} of {summary.total} questions · overall {score.overall_percent}%"
        " from your own ratings.",
        colour=embeds.SUCCESS if summary.status == "done" else embeds.BRAND,
    )
    lines = [
        f"**{_category(c.category)}** — {c.percent}% ({c.answered}/{c.asked} answered)"
        for c in score.categories
    ]
    embed.add_field(name="Per category", value="\n".join(lines) or "—", inline=False)
    review_lines = []
    for qid in score.to_review[:8]:
        question = summary.questions.get(qid)
        text = question.prompt.split("\n")[0] if question else qid
        review_lines.append(f"• {text if len(text) <= 90 else text[:89].rstrip() + '…'}")
    embed.add_field(
        name="What to review",
        value="\n".join(review_lines) or "Nothing rated Again or Hard — well done.",
        inline=False,
    )
    if score.next_due is not None:
        embed.add_field(
            name="Reviews due", value=f"First one {_due_text(score.next_due)}", inline=False
        )
    embed.set_footer(text="/interview practice brings each question back when it is due.")
    return embed


# --- stats -----------------------------------------------------------------------------


def stats_embed(stats: InterviewStats, who: str) -> discord.Embed:
    embed = embeds.info(f"{who} — interview practice")
    embed.add_field(name="Attempts", value=str(stats.attempts), inline=True)
    embed.add_field(name="Due now", value=str(stats.due), inline=True)
    embed.add_field(
        name="Next review",
        value=discord.utils.format_dt(stats.next_due, "R") if stats.next_due else "—",
        inline=True,
    )
    if stats.categories:
        lines = [
            f"**{_category(c.category)}** — avg {c.average:.1f}/4 over {min(c.attempts, 10)} · "
            f"{TREND[c.trend]}"
            for c in stats.categories
        ]
        embed.add_field(name="By category", value="\n".join(lines), inline=False)
    else:
        embed.add_field(
            name="By category",
            value="No rated questions yet: try `/interview practice`.",
            inline=False,
        )
    if stats.weakest:
        embed.add_field(
            name="Weakest skills",
            value="\n".join(f"• {name} ({round(100 * v)}%)" for name, v in stats.weakest),
            inline=False,
        )
    embed.set_footer(text="Averages: Again 1 · Hard 2 · Good 3 · Easy 4, last 10 per category.")
    return embed


# --- reminders -------------------------------------------------------------------------


def reviews_due_embed(count: int) -> discord.Embed:
    noun = "review is" if count == 1 else "reviews are"
    return embeds.info(
        "Interview reviews due",
        f"{count} interview {noun} due. `/interview practice` serves the most overdue first — "
        "a few minutes now keeps them from piling up.",
    )


def queue_expired_embed(ttl: timedelta) -> discord.Embed:
    hours = round(ttl.total_seconds() / 3600)
    return embeds.info(
        "No interview partner this time",
        f"Nobody else joined the pairing queue within {hours} h, so I took you off it. "
        "`/interview pair` puts you back; meanwhile `/interview mock` is a solo session.",
        colour=embeds.WARNING,
    )


# --- pairing ---------------------------------------------------------------------------


def pair_join_embed(join: PairJoin) -> discord.Embed:
    if join.status == "waiting":
        assert join.expires_at is not None
        return embeds.info(
            "You are in the pairing queue",
            f"Category: {_category(join.category)}. As soon as another member joins, I open a "
            "thread in the interview channel for the two of you. Your place expires "
            f"{discord.utils.format_dt(join.expires_at, 'R')}; `/interview pair-leave` leaves "
            "now.",
        )
    role = "the **interviewer**" if join.role == "interviewer" else "the **candidate**"
    return embeds.success(
        "You have a partner",
        f"You are {role} with <@{join.partner_id}> on {_category(join.category)}. "
        f"Head to <#{join.thread_id}>.",
    )


def pair_thread_name(info: PairInfo) -> str:
    return f"Mock interview #{info.pair_id} · {_category(info.question.category)}"[:100]


def pair_intro_text(info: PairInfo) -> str:
    return (
        f"<@{info.interviewer_id}> interviews <@{info.candidate_id}>. "
        "Candidate: answer the question below aloud or in this thread; interviewer: ask the "
        "follow-ups and check the key points (only you can open them)."
    )


def pair_embed(info: PairInfo) -> discord.Embed:
    question = info.question
    embed = embeds.info("Peer mock interview", question.prompt)
    embed.add_field(name="Interviewer", value=f"<@{info.interviewer_id}>", inline=True)
    embed.add_field(name="Candidate", value=f"<@{info.candidate_id}>", inline=True)
    embed.add_field(
        name="Time limit",
        value=f"{question.time_limit_minutes} min · {_category(question.category)}",
        inline=True,
    )
    embed.set_footer(
        text="Press Done when the interview is over; then each of you rates the other."
    )
    return embed


def pair_keys_embed(info: PairInfo) -> discord.Embed:
    question = info.question
    embed = embeds.info("Key points (interviewer only)", bullet_block(question.key_points))
    if question.hints:
        embed.add_field(
            name="Hints you may give", value=bullet_block(question.hints)[:1024], inline=False
        )
    if question.follow_ups:
        embed.add_field(
            name="Follow-up questions", value=bullet_block(question.follow_ups)[:1024], inline=False
        )
    return embed


class PairKeyPointsButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=PAIR_KEYS_TEMPLATE
):
    def __init__(self, pair_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Key points",
                style=discord.ButtonStyle.secondary,
                custom_id=f"studybot:iv-pkeys:{pair_id}",
            )
        )
        self.pair_id = pair_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PairKeyPointsButton:
        return cls(int(match["pair"]))

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        info = await _services(interaction).interview.pair_key_points(
            _guild(interaction), interaction.user.id, self.pair_id
        )
        await interaction.response.send_message(embed=pair_keys_embed(info), ephemeral=True)


class PairDoneButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=PAIR_DONE_TEMPLATE):
    def __init__(self, pair_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Done",
                style=discord.ButtonStyle.success,
                custom_id=f"studybot:iv-pdone:{pair_id}",
            )
        )
        self.pair_id = pair_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PairDoneButton:
        return cls(int(match["pair"]))

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        info, newly = await _services(interaction).interview.pair_done(
            _guild(interaction), interaction.user.id, self.pair_id
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


class PairRateButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=PAIR_RATE_TEMPLATE):
    def __init__(self, pair_id: int, score: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=str(score),
                style=discord.ButtonStyle.primary,
                custom_id=f"studybot:iv-prate:{pair_id}:{score}",
            )
        )
        self.pair_id = pair_id
        self.score = score

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PairRateButton:
        return cls(int(match["pair"]), int(match["score"]))

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        info, rated = await _services(interaction).interview.pair_rate(
            _guild(interaction), interaction.user.id, self.pair_id, self.score
        )
        both = info.candidate_score is not None and info.interviewer_score is not None
        text = f"Thanks — you rated <@{rated}>'s session {self.score}/5."
        if both:
            text += " You have both rated: good work, both of you."
        await interaction.response.send_message(
            embed=embeds.success("Rating saved", text), ephemeral=True
        )


def pair_done_embed(info: PairInfo) -> discord.Embed:
    return embeds.success(
        "Interview done",
        f"Nice work, <@{info.interviewer_id}> and <@{info.candidate_id}> — it counts as "
        "community time for both of you. Now each of you rates the other's session from 1 "
        "(rough) to 5 (excellent): the interviewer rates the answer, the candidate rates the "
        "interviewing.",
    )


def pair_view(pair_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(PairKeyPointsButton(pair_id))
    view.add_item(PairDoneButton(pair_id))
    return view


def pair_rate_view(pair_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for score in rules.PEER_SCORES:
        view.add_item(PairRateButton(pair_id, score))
    return view


# --- question of the day ---------------------------------------------------------------


def qotd_embed(question: Question, day: date) -> discord.Embed:
    embed = embeds.info("Interview question of the day", question.prompt)
    embed.set_author(name=f"{day:%A %d %B}")
    embed.add_field(name="Category", value=_category(question.category), inline=True)
    embed.add_field(name="Difficulty", value=DIFFICULTY.get(question.difficulty, "?"), inline=True)
    embed.add_field(name="Time limit", value=f"{question.time_limit_minutes} min", inline=True)
    embed.set_footer(text="Press Practice this for a private round with hints and key points.")
    return embed


class QotdPracticeButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=QOTD_TEMPLATE):
    def __init__(self, question_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Practice this",
                style=discord.ButtonStyle.primary,
                custom_id=f"studybot:iv-qotd:{question_id}",
            )
        )
        self.question_id = question_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> QotdPracticeButton:
        return cls(match["question"])

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        round_ = await _services(interaction).interview.practice_question(
            _guild(interaction), interaction.user.id, self.question_id
        )
        await interaction.response.send_message(
            embed=question_embed(round_), view=practice_view(round_), ephemeral=True
        )


def qotd_view(question_id: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(QotdPracticeButton(question_id))
    return view


def qotd_schedule_embed(schedule: QotdSchedule, zone: str, has_channel: bool) -> discord.Embed:
    embed = embeds.success("Question of the day saved", f"{schedule.describe()} ({zone}).")
    if not has_channel:
        embed.add_field(
            name="Next step",
            value="Pick a channel with `/setup channels interview:`.",
            inline=False,
        )
    return embed


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    HintButton,
    KeyPointsButton,
    RateButton,
    NextButton,
    QotdPracticeButton,
    PairKeyPointsButton,
    PairDoneButton,
    PairRateButton,
)
