"""Peer mock interviews: a pairing queue per guild, and a thread for each pair made.

A queue entry expires through a `due_reminders` row of kind ``iv_queue`` (dispatcher
handler `queue_expiry`), which tells the member. The interviewer's 1–5 score of the
candidate's answer is the candidate's review of that question.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import discord
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.catalog import Question
from bot.core.errors import UserFacingError
from bot.core.runtime import Core
from bot.core.scheduling.delivery import DeliveryFailed
from bot.core.store import reminders as reminder_rows
from bot.core.time import instant_key
from bot.interview import rules
from bot.interview import store as rows
from bot.interview.service.attempts import Attempts, QuestionRefs
from bot.interview.service.models import InterviewRenderer, PairInfo, PairJoin
from bot.interview.tables import QueueEntry, QueueRow
from bot.members.api import MemberService, Notifier

log = logging.getLogger(__name__)

QUEUE_REMINDER = "iv_queue"


def _waiting(entry: QueueRow) -> rules.Waiting:
    return rules.Waiting(
        user_id=entry["user_id"],
        category=entry["category"],
        utc_offset_minutes=entry["utc_offset"],
        joined_at=entry["joined_at"],
    )


class Pairing:
    """`/interview pair`, `/interview pair-leave` and the pairing thread's buttons."""

    def __init__(
        self,
        core: Core,
        *,
        attempts: Attempts,
        members: MemberService,
        notifier: Notifier,
        renderer: InterviewRenderer,
    ) -> None:
        self.store, self.clock, self.deliverer = core.store, core.clock, core.deliverer
        self.attempts, self.members = attempts, members
        self.notifier, self.renderer = notifier, renderer
        core.dispatcher.register(QUEUE_REMINDER, self.queue_expiry)

    async def join(self, guild_id: int, user_id: int, category: str | None) -> PairJoin:
        """Queue the member for a peer interview; pair them at once when someone fits."""
        context = await self.members.context(guild_id, user_id)
        channel_id = context.guild.channels["interview"]
        if channel_id is None:
            raise UserFacingError(
                "This server has no interview channel yet, so I cannot open a pairing thread. "
                "A moderator can set one with `/setup channels interview:`."
            )
        refs = self.attempts.questions(guild_id)
        if category is not None and not any(r.category == category for r in refs.refs):
            raise UserFacingError(f"There are no {rules.category_name(category)} questions here.")
        if not refs.refs:
            raise UserFacingError("This server has no interview questions loaded yet.")
        now = self.clock.now()
        entry = QueueRow(
            guild_id=guild_id,
            user_id=user_id,
            category=category,
            utc_offset=rules.utc_offset_minutes(now, context.zone),
            joined_at=now,
            expires_at=now + rules.PAIR_QUEUE_TTL,
        )
        async with self.store.begin() as conn:
            await self._enqueue(conn, entry)
            entries = {
                w["user_id"]: w
                for w in await rows.queue(conn, guild_id)
                if not rules.queue_expired(w["expires_at"], now)
            }
            pairing = rules.choose_pair([_waiting(w) for w in entries.values()])
            if pairing is None or user_id not in (
                pairing.interviewer.user_id,
                pairing.candidate.user_id,
            ):
                return PairJoin(status="waiting", expires_at=entry["expires_at"], category=category)
            pair_id, question = await self._match(conn, guild_id, pairing, refs, now)
        interviewer = pairing.interviewer.user_id
        partner = pairing.candidate.user_id if user_id == interviewer else interviewer
        try:
            thread_id = await self._open_thread(guild_id, channel_id, pair_id)
        except DeliveryFailed as failure:
            log.warning("guild %s: could not open a pairing thread: %s", guild_id, failure.reason)
            # Undo the match: the partner keeps their place; the joiner is told to retry.
            async with self.store.begin() as conn:
                await rows.delete_pair(conn, pair_id)
                await self._enqueue(conn, entries[partner])
            raise UserFacingError(
                "Someone is waiting for a partner, but I could not open a thread in the "
                f"interview channel ({failure.reason}). Please tell a moderator, then try "
                "`/interview pair` again."
            ) from failure
        return PairJoin(
            status="paired",
            pair_id=pair_id,
            thread_id=thread_id,
            role="interviewer" if user_id == interviewer else "candidate",
            partner_id=partner,
            category=question.category,
        )

    async def _enqueue(self, conn: AsyncConnection, entry: QueueRow) -> None:
        """(Re)place a queue entry and the reminder row that expires it."""
        waiting = QueueEntry(
            guild_id=entry["guild_id"],
            user_id=entry["user_id"],
            category=entry["category"],
            utc_offset=entry["utc_offset"],
            expires_at=entry["expires_at"],
        )
        await rows.join_queue(conn, now=entry["joined_at"], **waiting)
        await reminder_rows.upsert(
            conn,
            entry["guild_id"],
            entry["user_id"],
            QUEUE_REMINDER,
            entry["expires_at"],
            {"joined": entry["joined_at"].isoformat()},
        )

    async def _match(
        self,
        conn: AsyncConnection,
        guild_id: int,
        pairing: rules.Pairing,
        refs: QuestionRefs,
        now: datetime,
    ) -> tuple[int, Question]:
        """Take both members off the queue and store their pair and the candidate's attempt."""
        candidate, interviewer = pairing.candidate.user_id, pairing.interviewer.user_id
        due = await rows.due_map(conn, guild_id, candidate)
        choice = rules.pair_question(refs.refs, due, now, pairing.category)
        question = refs.catalog.questions[choice.question_id]
        await rows.leave_queue(conn, guild_id, [candidate, interviewer])
        for member in (candidate, interviewer):
            await reminder_rows.remove(conn, guild_id, member, QUEUE_REMINDER)
        pair_id = await rows.create_pair(
            conn,
            guild_id=guild_id,
            interviewer_id=interviewer,
            candidate_id=candidate,
            question_id=question.id,
            category=question.category,
            now=now,
        )
        await self.attempts.open(
            conn,
            question,
            now,
            guild_id=guild_id,
            user_id=candidate,
            source="pair",
            session_id=pair_id,
        )
        return pair_id, question

    async def _open_thread(self, guild_id: int, channel_id: int, pair_id: int) -> int:
        """The pair's thread with its opening message (DeliveryFailed: `join` undoes)."""
        info = await self.info(guild_id, pair_id)
        post = self.renderer.pair_thread(info)
        thread_id = await self.deliverer.create_thread(channel_id, post.name)
        await self.deliverer.to_channel(
            thread_id,
            content=post.content,
            embed=post.embed,
            view=post.view,
            allowed_mentions=discord.AllowedMentions(
                users=[discord.Object(info.interviewer_id), discord.Object(info.candidate_id)]
            ),
        )
        async with self.store.begin() as conn:
            await rows.set_pair_thread(conn, pair_id, thread_id)
        return thread_id

    async def leave(self, guild_id: int, user_id: int) -> bool:
        """Leave the pairing queue; False when the member was not in it."""
        async with self.store.begin() as conn:
            removed = await rows.leave_queue(conn, guild_id, [user_id])
            await reminder_rows.remove(conn, guild_id, user_id, QUEUE_REMINDER)
        return removed > 0

    async def queue_expiry(self, row: dict[str, Any], now: datetime) -> datetime | None:
        """Dispatcher handler: drop an expired queue entry and tell the member."""
        guild_id, user_id = row["guild_id"], row["user_id"]
        async with self.store.begin() as conn:
            entry = await rows.queue_entry(conn, guild_id, user_id)
            if entry is None:
                return None
            if entry["expires_at"] > now:
                return entry["expires_at"]  # re-joined since: wait for the new expiry
            await rows.expire_entry(conn, guild_id, user_id, now)
        await self.notifier.to_member(
            guild_id,
            user_id,
            key=f"ivqueue:{guild_id}:{user_id}:{instant_key(entry['joined_at'])}",
            kind="pair_expired",
            embed=self.renderer.queue_expired(rules.PAIR_QUEUE_TTL),
        )
        return None

    async def info(self, guild_id: int, pair_id: int) -> PairInfo:
        """The pairing behind a thread's buttons, refused outside its guild."""
        async with self.store.connect() as conn:
            row = await rows.pair(conn, pair_id)
        if row is None or row["guild_id"] != guild_id:
            raise UserFacingError("I cannot find that pairing any more.")
        return PairInfo(
            pair_id=row["id"],
            guild_id=guild_id,
            interviewer_id=row["interviewer_id"],
            candidate_id=row["candidate_id"],
            question=self.attempts.question(guild_id, row["question_id"]),
            thread_id=row["thread_id"],
            done=row["done_at"] is not None,
            candidate_score=row["candidate_score"],
            interviewer_score=row["interviewer_score"],
        )

    async def key_points(self, guild_id: int, user_id: int, pair_id: int) -> PairInfo:
        """The pairing, for its interviewer only (the candidate must not peek)."""
        info = await self.info(guild_id, pair_id)
        if user_id != info.interviewer_id:
            raise UserFacingError(
                "Only the interviewer can open the key points — no peeking, candidate!"
                if user_id == info.candidate_id
                else "Only the interviewer of this pairing can open the key points."
            )
        return info

    async def done(self, guild_id: int, user_id: int, pair_id: int) -> tuple[PairInfo, bool]:
        """Close the session once; log community time for both. (info, newly done)."""
        info = await self._member_of(guild_id, user_id, pair_id, "mark it done")
        members = (info.interviewer_id, info.candidate_id)
        zones = [(await self.members.context(guild_id, member)).zone for member in members]
        now = self.clock.now()
        async with self.store.begin() as conn:
            newly = await rows.mark_pair_done(conn, pair_id, now)
            if newly:  # community time for both, once
                for member, zone in zip(members, zones, strict=True):
                    await self.attempts.log_time(
                        conn,
                        guild_id,
                        member,
                        zone,
                        now,
                        "community",
                        source="pair",
                        minutes=info.question.time_limit_minutes,
                        question=info.question,
                        ref=f"pair:{pair_id}",
                    )
        return await self.info(guild_id, pair_id), newly

    async def rate(
        self, guild_id: int, user_id: int, pair_id: int, score: int
    ) -> tuple[PairInfo, int]:
        """One side rates the other's session (1–5). Returns (info, the rated member)."""
        if score not in rules.PEER_SCORES:
            raise UserFacingError("Rate from 1 to 5.")
        info = await self._member_of(guild_id, user_id, pair_id, "rate it")
        if not info.done:
            raise UserFacingError("Press **Done** first, when the interview is over.")
        column = "candidate_score" if user_id == info.interviewer_id else "interviewer_score"
        now = self.clock.now()
        async with self.store.begin() as conn:
            if not await rows.rate_pair(conn, pair_id, column, score):
                raise UserFacingError("You already rated this session.")
            if user_id == info.interviewer_id:
                # The interviewer's score is the candidate's review of this question.
                await self.attempts.record_review(
                    conn,
                    guild_id,
                    info.candidate_id,
                    question=info.question,
                    rating=rules.peer_score_to_rating(score),
                    now=now,
                    attempts=await rows.session_attempts(conn, pair_id, "pair"),
                    peer_score=score,
                )
        return await self.info(guild_id, pair_id), info.partner_of(user_id)

    async def _member_of(self, guild_id: int, user_id: int, pair_id: int, what: str) -> PairInfo:
        info = await self.info(guild_id, pair_id)
        if user_id not in (info.interviewer_id, info.candidate_id):
            raise UserFacingError(f"Only the two members of this pairing can {what}.")
        return info
