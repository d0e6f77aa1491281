"""The server's settings for moderators: the same operations as `/setup`, validated the same
way (each section calls the service the matching `/setup` command calls; a channel must be
one the bot can post in, checked as `/setup health` checks it)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.core.errors import UserFacingError
from bot.core.time import WEEKDAY_LABELS, WEEKDAY_NAMES, format_hhmm, format_weekdays
from bot.core.zones import all_timezones
from bot.members.api import CHANNEL_ROLES
from bot.pitfalls.thresholds import THRESHOLD_LIMITS
from bot.web.access import GuildAccess, context_of, guild_access
from bot.web.directory import ChannelInfo
from bot.web.render import checked_form, page, text_field

NOTICE_KEY = "notice"
SCHEDULED = ("daily", "qotd")  # posts on chosen weekdays; the weekly one has one weekday
PITFALL_FIELDS = tuple(THRESHOLD_LIMITS)

Section = Callable[[Request, GuildAccess, FormData], Awaitable[str]]


async def settings_page(
    request: Request, *, error: str | None = None, status: int = 200
) -> Response:
    """GET /g/{guild_id}/settings: every setting, one form per `/setup` command."""
    access = await guild_access(request, moderator=True)
    services = context_of(request).services
    directory = context_of(request).directory
    guild_id = access.guild_id
    settings = await services.guilds.settings(guild_id)
    schedules = {}
    for post in services.posts:
        schedule = await post.schedule(guild_id)
        schedules[post.kind] = {
            "label": post.label,
            "describe": schedule.describe() if schedule.configured else "off",
            "time": format_hhmm(schedule.post_time),
            "days": format_weekdays(schedule.weekdays),
            "weekday": WEEKDAY_NAMES[min(schedule.weekdays)] if schedule.weekdays else "mon",
            "enabled": schedule.enabled and schedule.configured,
        }
    pitfalls = await services.pitfalls.config(guild_id)
    return page(
        request,
        "settings.html",
        access=access,
        error=error,
        status=status,
        notice=request.session.pop(NOTICE_KEY, None),
        settings=settings,
        channel_roles=CHANNEL_ROLES,
        channels=await directory.text_channels(guild_id),
        roles=await directory.roles(guild_id),
        zones=all_timezones(),
        schedules=schedules,
        weekdays=list(zip(WEEKDAY_NAMES, WEEKDAY_LABELS, strict=True)),
        study_minutes=await services.daily.study_minutes(guild_id),
        welcome=await services.progress.welcome.config(guild_id),
        pitfalls=pitfalls,
        pitfall_values=pitfalls.thresholds.as_dict(),
        pitfall_limits=THRESHOLD_LIMITS,
        public_board=await services.progress.leaderboard.public_enabled(guild_id),
        public_url=context_of(request).settings.web_public_url or "",
    )


async def _usable_channel(
    request: Request, access: GuildAccess, raw: str, verb: str, purpose: str = ""
) -> ChannelInfo:
    """A submitted channel id that is one of the guild's text channels and usable by the bot
    (the words of `/setup channels`); refused otherwise."""
    channels = await context_of(request).directory.text_channels(access.guild_id)
    found = next((c for c in channels if str(c.id) == raw), None)
    if found is None:
        raise UserFacingError("Pick one of the server's text channels.")
    if found.check.missing:
        raise UserFacingError(
            f"I cannot {verb} #{found.name}{purpose}: I am missing "
            f"{', '.join(found.check.missing)} there. Grant it, or pick another channel."
        )
    return found


def _enabled(form: FormData) -> bool:
    return form.get("enabled") == "on"


def _whole(form: FormData, name: str) -> int | None:
    raw = text_field(form, name, 12)
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise UserFacingError(f"`{name}` must be a whole number.") from None


async def _channels(request: Request, access: GuildAccess, form: FormData) -> str:
    chosen: dict[str, int] = {}
    for role in CHANNEL_ROLES:
        raw = text_field(form, role, 24)
        if raw:
            chosen[role] = (await _usable_channel(request, access, raw, "use", f" for {role}")).id
    if not chosen:
        raise UserFacingError("Pick at least one channel: daily, accountability or interview.")
    await context_of(request).services.guilds.set_channels(access.guild_id, chosen)
    return "Channels saved."


async def _timezone(request: Request, access: GuildAccess, form: FormData) -> str:
    zone = text_field(form, "timezone", 64)
    saved = await context_of(request).services.guilds.set_timezone(access.guild_id, zone)
    return f"Scheduled posts now follow {saved.timezone}."


async def _moderator_role(request: Request, access: GuildAccess, form: FormData) -> str:
    raw = text_field(form, "role", 24)
    services = context_of(request).services
    if not raw:
        await services.guilds.set_moderator_role(access.guild_id, None)
        return "Moderator role cleared: only members with Manage Server are moderators."
    roles = await context_of(request).directory.roles(access.guild_id)
    role = next((r for r in roles if str(r.id) == raw), None)
    if role is None:
        raise UserFacingError("Pick a regular role, not @everyone or a bot's own role.")
    await services.guilds.set_moderator_role(access.guild_id, role.id)
    return f"Members with @{role.name} can now use moderator commands."


def _post_section(kind: str) -> Section:
    async def save(request: Request, access: GuildAccess, form: FormData) -> str:
        post = context_of(request).services.posts[kind]
        schedule = await post.configure(
            access.guild_id,
            post_time=text_field(form, "time", 8) or None,
            days=text_field(form, "days", 64) or None,
            enabled=_enabled(form),
        )
        return f"{post.label}: {schedule.describe()}."

    return save


async def _accountability(request: Request, access: GuildAccess, form: FormData) -> str:
    schedule = await context_of(request).services.projects.weekly.poster.configure(
        access.guild_id,
        weekday=text_field(form, "weekday", 16) or None,
        post_time=text_field(form, "time", 8) or None,
        enabled=_enabled(form),
    )
    return f"Weekly accountability: {schedule.describe()}."


async def _streak(request: Request, access: GuildAccess, form: FormData) -> str:
    minutes = _whole(form, "minutes")
    if minutes is None:
        raise UserFacingError("Enter the minutes of logged study that make a day count.")
    await context_of(request).services.daily.set_study_minutes(access.guild_id, minutes)
    return f"A day now counts toward a streak with {minutes} minutes of logged study (or Done)."


async def _welcome(request: Request, access: GuildAccess, form: FormData) -> str:
    raw = text_field(form, "channel", 24)
    channel = await _usable_channel(request, access, raw, "greet in") if raw else None
    config = await context_of(request).services.progress.welcome.configure(
        access.guild_id, channel_id=channel.id if channel else None, enabled=_enabled(form)
    )
    return "Welcome greeting on." if config.enabled else "Welcome greeting off."


async def _pitfalls(request: Request, access: GuildAccess, form: FormData) -> str:
    values: dict[str, float | None] = {}
    for name in PITFALL_FIELDS:
        raw = text_field(form, name, 12)
        try:
            values[name] = float(raw) if raw else None
        except ValueError:
            raise UserFacingError(f"`{name}` must be a number.") from None
    await context_of(request).services.pitfalls.configure(
        access.guild_id, values, enabled=_enabled(form), reset=form.get("reset") == "on"
    )
    return "Pitfall thresholds saved."


async def _public_board(request: Request, access: GuildAccess, form: FormData) -> str:
    enabled = await context_of(request).services.progress.leaderboard.set_public(
        access.guild_id, _enabled(form)
    )
    return "The public board is on." if enabled else "The public board is off."


SECTIONS: dict[str, Section] = {
    "channels": _channels,
    "timezone": _timezone,
    "moderator-role": _moderator_role,
    "daily": _post_section("daily"),
    "qotd": _post_section("qotd"),
    "accountability": _accountability,
    "streak": _streak,
    "welcome": _welcome,
    "pitfalls": _pitfalls,
    "public-board": _public_board,
}


async def save_section(request: Request) -> Response:
    """POST /g/{guild_id}/settings/{section}: one `/setup` operation."""
    access = await guild_access(request, moderator=True)
    section = SECTIONS.get(str(request.path_params["section"]))
    if section is None:
        raise HTTPException(404, "There is nothing here.")
    form = await checked_form(request)
    try:
        notice = await section(request, access, form)
    except UserFacingError as error:
        return await settings_page(request, error=error.message, status=400)
    request.session[NOTICE_KEY] = notice
    return RedirectResponse(f"/g/{access.guild_id}/settings", status_code=303)
