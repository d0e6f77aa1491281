"""Study rooms and focus sessions (issue 19): the service and its parts.

`StudyRoomsService` is built once at wiring time, with its parts as attributes:
- `rooms` (`rooms.py`): which channels are rooms and focus channels; minimum and daily cap;
- `voice` (`tracker.py`): voice state events to sessions, written behind in batches;
- `credits` (`credit.py`): ended sessions to study-log entries; the tag prompt and the tap;
- `focus` (`focus.py`): group focus sessions and the job that moves their phases.
What they render (the tag prompt, the focus board) comes from a `StudyRoomsRenderer` passed
in at wiring time (`bot.studyrooms.views.StudyRoomsViews`): services never import UI.
"""

from __future__ import annotations

from dataclasses import KW_ONLY

from bot.core.records import service
from bot.core.runtime import Core
from bot.members.api import MemberService, Notifier
from bot.studyrooms.service.credit import PROMPT_KIND, Credits
from bot.studyrooms.service.focus import FocusSessions
from bot.studyrooms.service.models import (
    FocusBoard,
    FocusBoardState,
    FocusClick,
    Participant,
    StudyRoomsRenderer,
    Tagged,
    TagPrompt,
    TagRenderer,
)
from bot.studyrooms.service.rooms import RoomConfig, RoomsChange
from bot.studyrooms.service.tracker import Reconciled, VoiceEvent, VoiceTracker


@service
class StudyRoomsService:
    """The feature: `rooms`, `voice`, `credits` and `focus`."""

    core: Core
    _: KW_ONLY
    members: MemberService
    notifier: Notifier
    renderer: StudyRoomsRenderer  # `StudyRoomsViews` at wiring time

    def __post_init__(self) -> None:
        """Build the parts over one shared room configuration."""
        self.rooms = RoomConfig(self.core)
        self.credits = Credits(
            self.core,
            rooms=self.rooms,
            members=self.members,
            notifier=self.notifier,
            renderer=self.renderer,
        )
        self.voice = VoiceTracker(self.core, rooms=self.rooms, credits=self.credits)
        self.focus = FocusSessions(
            self.core,
            rooms=self.rooms,
            voice=self.voice,
            members=self.members,
            board=self.renderer,
        )

    async def load(self) -> None:
        """Before the gateway connects: the rooms and the sessions still open in memory."""
        await self.rooms.load()
        await self.voice.load()

    async def start(self) -> None:
        """Once per process, when the gateway is ready: the checkpoint and the focus tick."""
        self.voice.start()
        self.focus.start_jobs()

    async def close(self) -> None:
        """A clean stop: checkpoint the open sessions and finish every pending write."""
        await self.voice.close()

    async def setup_summary(self, guild_id: int) -> list[tuple[str, str]]:
        """The study-rooms line of `/setup show`."""
        return self.rooms.summary(guild_id)


__all__ = [
    "PROMPT_KIND",
    "Credits",
    "FocusBoard",
    "FocusBoardState",
    "FocusClick",
    "FocusSessions",
    "Participant",
    "Reconciled",
    "RoomConfig",
    "RoomsChange",
    "StudyRoomsRenderer",
    "StudyRoomsService",
    "TagPrompt",
    "TagRenderer",
    "Tagged",
    "VoiceEvent",
    "VoiceTracker",
]
