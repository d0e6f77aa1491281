"""Persistent buttons and selects: a subclass declares its prefix and typed fields once.

A persistent component keeps working after a restart because everything its callback needs
is in its `custom_id` (discord.py's `DynamicItem` parses it back with a regular expression).
Writing the template and the f-string by hand twice per class is how they drift apart, so a
subclass only says what it carries:

    class HintButton(PersistentButton, prefix="iv-hint"):
        attempt_id: int
        n: int

        def __init__(self, attempt_id: int, n: int) -> None:
            super().__init__(discord.ui.Button(label="Hint"), attempt_id=attempt_id, n=n)

        async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None: ...

and gets the custom id `studybot:iv-hint:{attempt_id}:{n}`, the template that parses it,
`from_custom_id`, and errors routed through the one error reporter. Fields are encoded in
declaration order, separated by ":"; a prefix ending in "-" takes the first field without a
separator (`studybot:nudge-on:…`). Field types: `int`, `date`, `Literal[...]`, and `str` or
`int` with `Annotated[..., Field(pattern, none=...)]` for a pattern and a stand-in for None.
The encodings match the ids already on members' messages, so old buttons keep working.

A button whose label and style never change derives from `FixedButton` instead: it sets
`LABEL` and `STYLE` and needs no `__init__` (its fields, in order, are the arguments).
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from datetime import date
from typing import (
    Any,
    ClassVar,
    Generic,
    Literal,
    TypeVar,
    dataclass_transform,
    get_args,
    get_origin,
)

import discord

from bot.core.errors import UserFacingError
from bot.core.records import frozen
from bot.core.reporting import report_error
from bot.core.telemetry import InteractionOutcome, telemetry_of

NAMESPACE = "studybot"
ItemT = TypeVar("ItemT", bound=discord.ui.Item[Any])
_NEVER = r"(?!)"  # the abstract bases register no template that could match


@frozen
class Field:
    """How a field is written into the custom id: a regex and, if optional, a None stand-in."""

    pattern: str
    none: str | None = None


@frozen
class _Codec:
    name: str
    pattern: str
    decode: typing.Callable[[str], object]
    none: str | None

    def regex(self) -> str:
        if self.none is None:
            return self.pattern
        return f"(?:{self.pattern})|{re.escape(self.none)}"

    def encode(self, value: object) -> str:
        if value is None:
            if self.none is None:
                raise ValueError(f"field {self.name!r} cannot be None")
            return self.none
        if isinstance(value, date):
            return value.isoformat()
        return str(value)

    def parse(self, text: str) -> object:
        if self.none is not None and text == self.none:
            return None
        return self.decode(text)


def _codec(name: str, hint: Any) -> _Codec:
    spec: Field | None = None
    if get_origin(hint) is typing.Annotated:
        hint, *extras = get_args(hint)
        spec = next((extra for extra in extras if isinstance(extra, Field)), None)
    args = get_args(hint)
    if get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        hint = next(arg for arg in args if arg is not type(None))
    if get_origin(hint) is Literal:
        choices = "|".join(re.escape(str(choice)) for choice in get_args(hint))
        return _Codec(name, spec.pattern if spec else choices, str, spec.none if spec else None)
    decode: typing.Callable[[str], object]
    if hint is int:
        default, decode = r"\d+", int
    elif hint is date:
        default, decode = r"\d{4}-\d{2}-\d{2}", date.fromisoformat
    elif hint is str:
        default, decode = r"[^:]+", str
    else:
        raise TypeError(f"persistent field {name!r}: unsupported type {hint!r}")
    return _Codec(name, spec.pattern if spec else default, decode, spec.none if spec else None)


class PersistentItem(discord.ui.DynamicItem[ItemT], Generic[ItemT], template=_NEVER):
    """Base of every persistent component; see the module docstring."""

    prefix: ClassVar[str]
    _codecs: ClassVar[tuple[_Codec, ...]] = ()

    def __init_subclass__(cls, *, prefix: str | None = None, **kwargs: Any) -> None:
        if prefix is None:  # an intermediate base, e.g. PersistentButton
            super().__init_subclass__(template=_NEVER, **kwargs)
            return
        # Only this class's own annotations, resolved in its module (not discord.py's).
        own = dict(inspect.get_annotations(cls))
        holder = type("_Fields", (), {"__annotations__": own, "__module__": cls.__module__})
        hints = typing.get_type_hints(holder, include_extras=True)
        cls.prefix = prefix
        cls._codecs = tuple(
            _codec(name, hints[name])
            for name in own
            if get_origin(hints[name]) is not ClassVar and not name.startswith("_")
        )
        clashes = {codec.name for codec in cls._codecs} & set(dir(discord.ui.DynamicItem))
        if clashes:
            raise TypeError(f"{cls.__name__}: field names clash with discord.py's: {clashes}")
        parts = [f"(?P<{codec.name}>{codec.regex()})" for codec in cls._codecs]
        template = re.escape(cls._head()) + ":".join(parts)
        super().__init_subclass__(template=template, **kwargs)

    @classmethod
    def _head(cls) -> str:
        head = f"{NAMESPACE}:{cls.prefix}"
        return head if head.endswith("-") or not cls._codecs else head + ":"

    @classmethod
    def custom_id_for(cls, **values: object) -> str:
        """The custom id for these field values (also usable for a plain item's id)."""
        return cls._head() + ":".join(codec.encode(values[codec.name]) for codec in cls._codecs)

    def __init__(self, item: ItemT, **values: object) -> None:
        item.custom_id = self.custom_id_for(**values)  # type: ignore[attr-defined]
        super().__init__(item)
        for codec in self._codecs:
            setattr(self, codec.name, values[codec.name])

    @classmethod
    def fields_from(cls, match: re.Match[str]) -> dict[str, object]:
        return {codec.name: codec.parse(match[codec.name]) for codec in cls._codecs}

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PersistentItem[ItemT]:
        # Subclasses take their fields as keyword arguments (see the module docstring).
        built: PersistentItem[ItemT] = typing.cast(Any, cls)(**cls.fields_from(match))
        return built

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Run `on_click`; a refusal or a crash reaches the member like a command's would.
        The outcome is counted for the metrics under the component's prefix."""
        outcome: InteractionOutcome = "ok"
        try:
            await self.on_click(interaction)
        except Exception as error:
            outcome = await report_error(interaction, error)
        telemetry_of(interaction.client).component(self.prefix.rstrip("-"), outcome)

    async def on_click(self, interaction: discord.Interaction[Any]) -> None:
        """What the component does; subclasses type `interaction` as `Interaction[StudyBot]`."""
        raise NotImplementedError


class PersistentButton(PersistentItem[discord.ui.Button[Any]]):
    """A persistent button."""


@dataclass_transform()
class FixedButton(PersistentButton):
    """A persistent button whose face never changes: a subclass names it in its header, with
    its prefix (`class DailyDoneButton(FixedButton, prefix="daily-done", label="Done",
    style=discord.ButtonStyle.success)`), and is built from its fields, in declaration order
    (`DailyDoneButton(guild_id, day)`)."""

    LABEL: ClassVar[str]
    STYLE: ClassVar[discord.ButtonStyle]

    def __init_subclass__(
        cls,
        *,
        label: str | None = None,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        **kwargs: Any,
    ) -> None:
        if label is not None:
            cls.LABEL, cls.STYLE = label, style
        elif kwargs.get("prefix") is not None and not hasattr(cls, "LABEL"):
            raise TypeError(f"{cls.__name__}: a fixed button needs a label in its header")
        super().__init_subclass__(**kwargs)

    def __init__(self, *fields: object, **values: object) -> None:
        names = [codec.name for codec in self._codecs]
        if len(fields) > len(names):
            raise TypeError(f"{type(self).__name__} takes {len(names)} fields")
        values |= dict(zip(names, fields, strict=False))
        super().__init__(discord.ui.Button[Any](label=self.LABEL, style=self.STYLE), **values)


class PersistentSelect(PersistentItem[discord.ui.Select[Any]]):
    """A persistent select menu."""


def require_guild(interaction: discord.Interaction[Any], guild_id: int) -> None:
    """Refuse a click on a server's post that reached us from another server."""
    if interaction.guild_id != guild_id:
        raise UserFacingError("This button belongs to another server.")


class PersistentView(discord.ui.View):
    """A view of persistent components only, which nothing needs to keep after it is sent.

    Their clicks reach the `DynamicItem` classes registered at start (by custom id), never
    this object. discord.py, though, keeps every view it is still listening with: an
    ephemeral reply's for 15 minutes, held by a timeout task. At a few commands a second
    that is thousands of dead views (a hundred objects each) that every full garbage
    collection walks while the event loop waits. This view says it has finished, so
    discord.py sends its components and keeps nothing.
    """

    def __init__(self, *items: discord.ui.Item[Any]) -> None:
        super().__init__(timeout=None)
        for item in items:
            self.add_item(item)

    def is_finished(self) -> bool:
        return True
