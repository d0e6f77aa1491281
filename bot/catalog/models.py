"""Pydantic models of a content pack: the contract of ``content/FORMAT.md``.

The models check everything that one item can check on its own: types, enums, ranges,
text limits (Discord's included), nudge placeholders. Checks that need more than one pack
(duplicate ids, skill references) live in :mod:`bot.catalog.catalog`.
"""

from __future__ import annotations

import sqlite3
from typing import Annotated, Any, Final

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bot.core.wording import first_sentence

from . import constants as C
from .constants import Pitfall, ProjectDomain, QuestionCategory, ReferenceLanguage
from .placeholders import template_fields, template_problems
from .render import bullet_block, idea_embed_fields, idea_embed_length, question_embed_length
from .safeyaml import Path, Position

#: The error type of checks written here; its message is shown to the moderator as is.
CUSTOM_ERROR: Final = "studybot"


def _fail(message: str) -> PydanticCustomError:
    # The message goes through the context: a literal template would treat `{...}` in it
    # (placeholders quoted in a message) as template fields.
    return PydanticCustomError(CUSTOM_ERROR, "{detail}", {"detail": message})


Slug = Annotated[StrictStr, Field(pattern=C.SLUG_PATTERN, description="lowercase slug id")]
SemVer = Annotated[StrictStr, Field(pattern=C.SEMVER_PATTERN, description="semantic version")]


def _ranged(low: int, high: int) -> Any:
    return Field(ge=low, le=high)


def _sized(max_length: int) -> Any:
    return Field(min_length=1, max_length=max_length)


# Text fields, one alias per limit (kept as plain aliases so type checkers understand them).
Title = Annotated[StrictStr, _sized(C.TITLE_MAX)]
QuestionTitle = Annotated[StrictStr, _sized(C.QUESTION_TITLE_MAX)]
Name = Annotated[StrictStr, _sized(C.NAME_MAX)]
Description = Annotated[StrictStr, _sized(C.DESCRIPTION_MAX)]
Tag = Annotated[StrictStr, _sized(C.TAG_MAX)]
Author = Annotated[StrictStr, _sized(C.AUTHOR_MAX)]
License = Annotated[StrictStr, _sized(C.LICENSE_MAX)]
PromptBody = Annotated[StrictStr, _sized(C.PROMPT_BODY_MAX)]
PromptAction = Annotated[StrictStr, _sized(C.PROMPT_ACTION_MAX)]
QuestionPrompt = Annotated[StrictStr, _sized(C.QUESTION_PROMPT_MAX)]
Hint = Annotated[StrictStr, _sized(C.HINT_MAX)]
KeyPoint = Annotated[StrictStr, _sized(C.KEY_POINT_MAX)]
FollowUp = Annotated[StrictStr, _sized(C.FOLLOW_UP_MAX)]
NudgeBody = Annotated[StrictStr, _sized(C.NUDGE_BODY_MAX)]
NudgeAction = Annotated[StrictStr, _sized(C.NUDGE_ACTION_MAX)]
IdeaSummary = Annotated[StrictStr, _sized(C.IDEA_SUMMARY_MAX)]
Dataset = Annotated[StrictStr, _sized(C.IDEA_DATASET_MAX)]
MilestoneTitle = Annotated[StrictStr, _sized(C.MILESTONE_TITLE_MAX)]
MilestoneDescription = Annotated[StrictStr, _sized(C.MILESTONE_DESCRIPTION_MAX)]
StretchGoal = Annotated[StrictStr, _sized(C.STRETCH_GOAL_MAX)]
ModelAnswer = Annotated[StrictStr, _sized(C.MODEL_ANSWER_MAX)]
ReferenceCode = Annotated[StrictStr, _sized(C.REFERENCE_CODE_MAX)]
ReferenceCheck = Annotated[StrictStr, _sized(C.REFERENCE_CHECK_MAX)]
AnswerUnit = Annotated[StrictStr, _sized(C.ANSWER_UNIT_MAX)]
Working = Annotated[StrictStr, _sized(C.WORKING_MAX)]
#: A number as YAML writes it (`0.25`, `69000`); a quoted "0.25" is refused like any string.
Number = StrictFloat | StrictInt
# Whole-number fields.
Difficulty = Annotated[StrictInt, _ranged(*C.DIFFICULTY)]
EstMinutes = Annotated[StrictInt, _ranged(*C.EST_MINUTES)]
TimeLimit = Annotated[StrictInt, _ranged(*C.TIME_LIMIT_MINUTES)]


def _fitting_one_field(what: str, limit: int) -> AfterValidator:
    """A list shown as one bulleted embed field must fit that field."""

    def check(values: tuple[str, ...]) -> tuple[str, ...]:
        shown = len(bullet_block(values))
        if shown > limit:
            raise _fail(
                f"{what} together are {shown:,} characters as shown (with bullets); "
                f"they must fit in one Discord embed field of {limit:,}"
            )
        return values

    return AfterValidator(check)


def _require_embed_total(total: int, contents: str, embed: str, advice: str = "") -> None:
    """A question or idea is shown as one embed, which Discord caps at 6,000 characters."""
    if total > C.EMBED_TOTAL_MAX:
        raise _fail(
            f"{contents} come to {total:,} characters in {embed}; "
            f"Discord allows {C.EMBED_TOTAL_MAX:,}{advice}"
        )


def _unique(values: tuple[str, ...], what: str) -> tuple[str, ...]:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise _fail(f"lists {what} `{value}` twice")
        seen.add(value)
    return values


def _count(bounds: tuple[int, int], description: str) -> Any:
    """A list whose length the pack format bounds (`constants.*_COUNT`)."""
    return Field(min_length=bounds[0], max_length=bounds[1], description=description)


#: The roadmap skills a question or project idea exercises: at least one, none twice.
SkillIds = Annotated[
    tuple[Slug, ...],
    Field(min_length=1, description="Roadmap skill ids."),
    AfterValidator(lambda value: _unique(value, "skill")),
]


class _Model(BaseModel):
    # Strings and numbers are StrictStr/StrictInt: packs come from YAML, and a silent
    # "45" -> 45 or 1.0 -> "1.0" would hide mistakes. Surrounding whitespace (the newline
    # a `|` block ends with) is stripped before limits are checked.
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
    )


class PackHeader(_Model):
    """The ``pack:`` section: who made the pack and which version it is."""

    id: Slug = Field(description="Unique among packs, e.g. core-prompts-math.")
    name: Name
    version: SemVer = Field(description="Semantic version, e.g. 1.0.0; raise it with every change.")
    description: Description = ""
    authors: tuple[Author, ...] = ()
    license: License | None = None


class Skill(_Model):
    """One skill of a track; ``evidence_hint`` says what proves a member has it."""

    id: Slug
    name: Name
    description: Description
    evidence_hint: Description = Field(
        description="What proves a member has the skill, e.g. a notebook that ..."
    )


class Track(_Model):
    """A track of the roadmap; its skills are listed in the suggested learning order."""

    id: Slug
    name: Name
    description: Description
    skills: Annotated[
        tuple[Skill, ...], Field(min_length=1, description="In the suggested learning order.")
    ]


class Roadmap(_Model):
    tracks: Annotated[tuple[Track, ...], Field(min_length=1)]


class Prompt(_Model):
    """A daily study prompt: a concrete action that produces something."""

    id: Slug
    track: Slug = Field(description="A roadmap track id.")
    skill: Slug = Field(description="A roadmap skill id of that track.")
    title: Title
    body: PromptBody = Field(description="Why it matters.")
    action: PromptAction = Field(
        description="What to do today: concrete, and it produces something."
    )
    est_minutes: EstMinutes = Field(description="Estimated minutes, 20 to 90.")
    difficulty: Difficulty = Field(description="1 (easy) to 3 (hard).")
    tags: tuple[Tag, ...] = ()


def _python_syntax(source: str, what: str) -> None:
    """Refuse code that does not parse (it is compiled, never run, by the bot)."""
    try:
        compile(source, what, "exec", dont_inherit=True)
    except SyntaxError as error:
        detail = f"its line {error.lineno}: {error.msg}"
        raise _fail(f"the {what} is not valid Python ({detail})") from None


class Reference(_Model):
    """A runnable reference answer: numpy code, or a SQL query over a small schema.

    Members may reveal `code` after rating. `check` is Python that the project's test suite
    runs against `code` (built-in packs only); the bot compiles it to refuse syntax errors
    but never runs it.
    """

    language: ReferenceLanguage
    code: ReferenceCode = Field(description="The reference: Python (numpy) or one SQL query.")
    setup: ReferenceCode | None = Field(
        default=None, description="SQL only: CREATE TABLE and INSERT statements the query runs on."
    )
    check: ReferenceCheck | None = Field(
        default=None,
        description="Python that tests the reference against an independent computation.",
    )

    @field_validator("code")
    @classmethod
    def _code_parses(cls, code: str, info: ValidationInfo) -> str:
        if info.data.get("language") == "python":
            _python_syntax(code, "reference code")
        elif not sqlite3.complete_statement(code):
            raise _fail("the reference query is not one complete SQL statement (end it with `;`)")
        return code

    @field_validator("check")
    @classmethod
    def _check_parses(cls, check: str | None) -> str | None:
        if check is not None:
            _python_syntax(check, "reference check")
        return check

    @model_validator(mode="after")
    def _setup_matches_language(self) -> Reference:
        if self.language == "python" and self.setup is not None:
            raise _fail("`setup` belongs to a SQL reference; Python code sets itself up")
        if self.language == "sql" and self.setup is None:
            raise _fail("a SQL reference needs `setup`: the tables and rows its query reads")
        return self


class Question(_Model):
    """A mock-interview question; hints are revealed in order, key points at the end."""

    id: Slug
    title: QuestionTitle | None = Field(
        default=None,
        description='A short name for lists, at most 80 characters, e.g. "Stable softmax and '
        'cross-entropy in numpy". Built-in packs always set it; without one, lists show the '
        "prompt's first sentence.",
    )
    category: QuestionCategory
    difficulty: Difficulty = Field(description="1 (easy) to 3 (hard).")
    prompt: QuestionPrompt = Field(description="The question, shown as the embed description.")
    hints: Annotated[
        tuple[Hint, ...], _count(C.HINTS_COUNT, "1 to 3 hints, in the order they are revealed.")
    ]
    key_points: Annotated[
        tuple[KeyPoint, ...],
        Field(
            min_length=1,
            description="What a good answer covers; together at most 1,024 characters.",
        ),
        _fitting_one_field("the key points", C.KEY_POINTS_TOTAL_MAX),
    ]
    follow_ups: tuple[FollowUp, ...] = ()
    time_limit_minutes: TimeLimit = Field(description="Minutes, 5 to 90.")
    skills: SkillIds
    tags: tuple[Tag, ...] = ()
    answer: Number | None = Field(
        default=None,
        description="A numeric answer members may submit for grading; needs tolerance and working.",
    )
    tolerance: Annotated[Number, Field(ge=0)] | None = Field(
        default=None, description="How far from `answer` still counts as right (absolute)."
    )
    answer_unit: AnswerUnit | None = Field(default=None, description='e.g. "GB" or "iterations".')
    working: Working | None = Field(
        default=None, description="How the number comes out, shown after a member answers."
    )
    model_answer: ModelAnswer | None = Field(
        default=None, description="A full answer, shown on request after the key points."
    )
    reference: Reference | None = None

    @field_validator("title")
    @classmethod
    def _title_is_one_line(cls, value: str | None) -> str | None:
        if value is not None and "\n" in value:
            raise _fail("a question title is one line: write it without line breaks")
        return value

    @property
    def display_title(self) -> str:
        """What lists show: the title, else the prompt's first sentence, cut with "…"."""
        return self.title or first_sentence(self.prompt, C.QUESTION_TITLE_MAX)

    @model_validator(mode="after")
    def _numeric_answer_complete(self) -> Question:
        given = {
            name: getattr(self, name) is not None for name in ("answer", "tolerance", "working")
        }
        if any(given.values()) and not all(given.values()):
            missing = ", ".join(f"`{name}`" for name, present in given.items() if not present)
            raise _fail(
                f"a numeric answer needs `answer`, `tolerance` and `working`: add {missing}"
            )
        if self.answer_unit is not None and self.answer is None:
            raise _fail("`answer_unit` goes with `answer`")
        return self

    @model_validator(mode="after")
    def _fits_one_embed(self) -> Question:
        _require_embed_total(
            question_embed_length(self),
            "prompt, hints, key points and follow-ups together",
            "the question's embed",
            advice=" (shorten some text)",
        )
        return self


class Nudge(_Model):
    """A message against one pitfall; body and action may use that pitfall's placeholders."""

    id: Slug
    pitfall: Pitfall
    title: Title = Field(description="Shown as written: no placeholders.")
    body: NudgeBody = Field(
        description="May use the placeholders of its pitfall, e.g. {days}; see content/FORMAT.md."
        " Write literal braces as {{ and }}."
    )
    suggested_action: NudgeAction = Field(
        description="One concrete step; same placeholders as the body."
    )

    @field_validator("title")
    @classmethod
    def _title_is_literal(cls, value: str) -> str:
        if "{" in value or "}" in value:
            raise _fail(
                "a nudge title is shown as written: placeholders and braces (`{`, `}`) "
                "belong in the body and suggested_action"
            )
        return value

    @field_validator("body", "suggested_action")
    @classmethod
    def _placeholders(cls, value: str, info: ValidationInfo) -> str:
        pitfall = info.data.get("pitfall")
        allowed = C.NUDGE_PLACEHOLDERS.get(pitfall) if isinstance(pitfall, str) else None
        problems = template_problems(value, allowed)
        if problems:
            raise _fail("; ".join(problems))
        return value

    @property
    def placeholders(self) -> frozenset[str]:
        """Placeholder names the body and suggested action use."""
        return frozenset(template_fields(self.body)) | frozenset(
            template_fields(self.suggested_action)
        )


class Milestone(_Model):
    title: MilestoneTitle
    description: MilestoneDescription


class ProjectIdea(_Model):
    """A portfolio project: the usual arc is data, baseline, evaluation, deploy, write-up."""

    id: Slug
    domain: ProjectDomain
    title: Title
    summary: IdeaSummary
    dataset: Dataset = Field(description="A suggested public dataset, by name.")
    milestones: Annotated[
        tuple[Milestone, ...],
        _count(
            C.MILESTONES_COUNT, "3 to 8, ordered: data, baseline, evaluation, deploy, write-up."
        ),
    ]
    skills: SkillIds
    stretch_goals: Annotated[
        tuple[StretchGoal, ...],
        _fitting_one_field("the stretch goals", C.EMBED_FIELD_VALUE_MAX),
    ] = ()

    @model_validator(mode="after")
    def _fits_one_embed(self) -> ProjectIdea:
        _require_embed_total(
            idea_embed_length(self),
            "title, summary, dataset, milestones and stretch goals",
            "the idea's embed",
        )
        if idea_embed_fields(self) > C.EMBED_FIELDS_MAX:  # pragma: no cover - 8 milestones max
            raise _fail(f"the idea needs more than {C.EMBED_FIELDS_MAX} embed fields")
        return self


class Pack(_Model):
    """One validated pack file.

    Besides the YAML content it knows where it came from (``source``), the sha256 of its raw
    bytes (``checksum``) and where each of its parts starts in the file (:meth:`locate`), so
    that problems found later (across packs) can still name a line.
    """

    header: PackHeader = Field(alias="pack", description="Who made the pack, and its version.")
    roadmap: Roadmap | None = Field(
        default=None,
        description="Tracks and skills; only the roadmap pack has it in the built-ins.",
    )
    prompts: tuple[Prompt, ...] = ()
    questions: tuple[Question, ...] = ()
    nudges: tuple[Nudge, ...] = ()
    project_ideas: tuple[ProjectIdea, ...] = ()

    _source: str = PrivateAttr(default="<memory>")
    _checksum: str = PrivateAttr(default="")
    _key_pos: dict[Path, Position] = PrivateAttr(default_factory=dict)
    _value_pos: dict[Path, Position] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _not_empty(self) -> Pack:
        if self.roadmap is None and not (
            self.prompts or self.questions or self.nudges or self.project_ideas
        ):
            raise _fail(
                "the pack has no content: add a `roadmap`, `prompts`, `questions`, `nudges` "
                "or `project_ideas`"
            )
        return self

    @property
    def id(self) -> str:
        return self.header.id

    @property
    def version(self) -> str:
        return self.header.version

    @property
    def source(self) -> str:
        """Where the pack came from: a file name, or a label such as ``upload:foo.yaml``."""
        return self._source

    @property
    def checksum(self) -> str:
        """sha256 (hex) of the raw bytes the pack was parsed from; empty if built in code."""
        return self._checksum

    def with_origin(
        self,
        source: str,
        checksum: str,
        key_pos: dict[Path, Position] | None = None,
        value_pos: dict[Path, Position] | None = None,
    ) -> Pack:
        """Attach origin details (used by the loader and by tests building packs in code)."""
        self._source = source
        self._checksum = checksum
        self._key_pos = key_pos or {}
        self._value_pos = value_pos or {}
        return self

    def locate(self, path: Path) -> tuple[int | None, int | None]:
        """1-based (line, column) of ``path`` in the source (a key if it has one), or Nones.

        Falls back to the nearest enclosing part that has a position.
        """
        probe = path
        while True:
            pos = self._key_pos.get(probe) or self._value_pos.get(probe)
            if pos is not None:
                return pos
            if not probe:
                return (None, None)
            probe = probe[:-1]

    def roadmap_tracks(self) -> tuple[Track, ...]:
        return self.roadmap.tracks if self.roadmap is not None else ()
