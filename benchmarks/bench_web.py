"""The web dashboard's pages on the big guild: the p95 of each page's answer time.

The dashboard (`bot.web`) runs in process over a copy of the dataset, with its real services,
templates and middleware, served through httpx's ASGI transport (no socket, so the figure is
the dashboard's own work: database, rendering, charts). Discord is not asked: an in-memory
directory says the viewer is a moderator of the guild and names members, as the real one
would from its cache. 10 % of members opted in to the leaderboards and the public board is on.

Each page is requested once to warm up, then `SAMPLES` times (fewer in --quick), one at a
time; the row is the nearest-rank p95. Target: every page < 200 ms.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from typing import Any

from benchmarks.harness import Context, Measurement, percentile, time_runs
from benchmarks.world import NOW

SAMPLES = 40
QUICK_SAMPLES = 10
TARGET_MS = 200.0


class BenchDirectory:
    """The `Directory` the benchmark serves with: everyone is a member; the viewer moderates."""

    def __init__(self, guild_id: int, moderator_id: int) -> None:
        self.guild_id = guild_id
        self.moderator_id = moderator_id

    async def guild_name(self, guild_id: int) -> str | None:
        return "Study Lab" if guild_id == self.guild_id else None

    async def member(self, guild_id: int, user_id: int) -> Any:
        from bot.web.directory import MemberInfo

        if guild_id != self.guild_id:
            return None
        return MemberInfo(user_id, f"member {user_id}", frozenset(), user_id == self.moderator_id)

    async def text_channels(self, guild_id: int) -> list[Any]:
        return []

    async def roles(self, guild_id: int) -> list[Any]:
        return []

    async def names(self, guild_id: int, user_ids: Iterable[int]) -> dict[int, str]:
        return {user_id: f"member {user_id}" for user_id in user_ids}


def session_cookie(secret: str, user_id: int) -> str:
    """A signed session for `user_id`, as Starlette's SessionMiddleware writes it."""
    import itsdangerous

    data = base64.b64encode(json.dumps({"user": {"id": user_id, "name": "bench"}}).encode())
    return itsdangerous.TimestampSigner(secret).sign(data).decode()


async def prepare(url: str, guild_id: int) -> None:
    """Opt every tenth member in to the leaderboards and turn the public board on."""
    from sqlalchemy import insert, update

    from bot.core.store import Store
    from bot.core.store.schema import members
    from bot.progress.tables import public_board

    store = Store(url)
    try:
        async with store.begin() as conn:
            await conn.execute(
                update(members)
                .where(members.c.guild_id == guild_id, members.c.user_id % 10 == 0)
                .values(leaderboard_opt_in=True)
            )
            await conn.execute(
                insert(public_board).values(guild_id=guild_id, enabled=True, updated_at=NOW)
            )
    finally:
        await store.close()


async def run(ctx: Context) -> list[Measurement]:
    import httpx

    from bot import testing
    from bot.core.clock import FakeClock
    from bot.web.app import SESSION_COOKIE
    from bot.web.server import open_dashboard

    guild_id = ctx.layout.guild_id
    user_ids = list(ctx.layout.user_ids(ctx.members))
    moderator = user_ids[0]
    url = await ctx.database("web")
    await prepare(url, guild_id)
    settings = testing.settings(
        database_url=url,
        web_public_url="http://127.0.0.1:8080",
        web_session_secret="b" * 64,
    )
    dashboard = await open_dashboard(
        settings,
        clock=FakeClock(NOW),
        directory=BenchDirectory(guild_id, moderator),
        login=False,
    )
    g = f"/g/{guild_id}"
    pages = (
        ("overview", f"{g}/overview", "guild overview (moderators)"),
        ("content", f"{g}/content", "content packs list"),
        ("pack", f"{g}/content/roadmap", "one pack's page"),
        ("settings", f"{g}/settings", "settings"),
        ("me", f"{g}/me", "my progress (a member's dashboard and history)"),
        ("export", f"{g}/me/export.json", "my data as JSON"),
        (
            "board_minutes",
            f"/board/{guild_id}?board=minutes&period=week",
            "public board, study time",
        ),
        ("board_streak", f"/board/{guild_id}?board=streak", "public board, streaks"),
    )
    samples = QUICK_SAMPLES if ctx.quick else SAMPLES
    results: list[Measurement] = []
    transport = httpx.ASGITransport(app=dashboard.app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            client.cookies.set(SESSION_COOKIE, session_cookie("b" * 64, moderator))

            for key, url, what in pages:

                async def fetch(url: str = url) -> None:
                    response = await client.get(url)
                    if response.status_code != 200:
                        raise RuntimeError(f"{url} answered {response.status_code}")

                await fetch()  # warm-up (caches, the first render of a template)
                runs = await time_runs(fetch, samples)
                p95 = percentile([s * 1000 for s in runs], 95)
                results.append(
                    Measurement(
                        f"web_{key}",
                        f"web page p95: {what}, {ctx.members:,} members",
                        p95,
                        "ms",
                        target=f"< {TARGET_MS:.0f} ms",
                        passed=p95 < TARGET_MS,
                        kind="absolute",
                        samples=[s * 1000 for s in runs],
                        note=f"median {sorted(runs)[len(runs) // 2] * 1000:.0f} ms over {samples}",
                    )
                )
            # What the snapshots save: the same pages with nothing kept (a guild's first view;
            # later refreshes run in the background, behind the visitors' backs).
            context = dashboard.context
            for key, url, what, snapshots, snapshot_key in (
                ("overview", f"{g}/overview", "guild overview", context.overviews, guild_id),
                (
                    "board_minutes",
                    f"/board/{guild_id}?board=minutes&period=week",
                    "public board, study time",
                    context.boards,
                    (guild_id, "minutes", "week"),
                ),
                (
                    "board_streak",
                    f"/board/{guild_id}?board=streak",
                    "public board, streaks",
                    context.boards,
                    (guild_id, "streak", "week"),
                ),
            ):

                async def cold(url: str = url) -> None:
                    await client.get(url)

                def forget(s: Any = snapshots, k: Any = snapshot_key) -> None:
                    s.forget(k)

                runs = await time_runs(cold, max(3, samples // 4), setup=forget)
                results.append(
                    Measurement(
                        f"web_{key}_cold",
                        f"{what} with no snapshot kept (the guild's first view; the "
                        f"refreshes after it run in the background), {ctx.members:,} members",
                        sorted(runs)[len(runs) // 2] * 1000,
                        "ms",
                        kind="info",
                        samples=[s * 1000 for s in runs],
                        note="median (bot/web/snapshots.py)",
                    )
                )
    finally:
        await dashboard.close()
    return results
