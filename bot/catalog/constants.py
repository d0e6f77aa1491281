"""Enums, limits and placeholders of the content pack format (``content/FORMAT.md``)."""

from __future__ import annotations

import re
from typing import Final, Literal, get_args

QuestionCategory = Literal[
    "coding",
    "ml_system_design",
    "project_deep_dive",
    "math",
    "ml_fundamentals",
    "ml_coding",
    "llm",
    "sql",
    "behavioral",
]
#: The language of a question's reference answer: numpy code, or a query over `setup`.
ReferenceLanguage = Literal["python", "sql"]
Pitfall = Literal[
    "tutorial_hell",
    "perfectionism",
    "isolation",
    "theory_practice_gap",
    "streak_at_risk",
    "welcome_back",
]
ProjectDomain = Literal["cv", "nlp", "recsys", "pipeline", "edge", "llm", "responsible_ai", "mlops"]

#: Question categories, in the order the bot offers them.
QUESTION_CATEGORIES: Final[tuple[str, ...]] = get_args(QuestionCategory)
#: Nudge pitfalls: the four pitfalls of the guide, then the two streak nudges.
PITFALLS: Final[tuple[str, ...]] = get_args(Pitfall)
#: Project idea domains.
PROJECT_DOMAINS: Final[tuple[str, ...]] = get_args(ProjectDomain)

#: Human labels, for choices and embeds.
QUESTION_CATEGORY_LABELS: Final[dict[str, str]] = {
    "coding": "Coding",
    "ml_system_design": "ML system design",
    "project_deep_dive": "Project deep dive",
    "math": "Math",
    "ml_fundamentals": "ML fundamentals",
    "ml_coding": "ML coding",
    "llm": "LLMs and foundation models",
    "sql": "SQL",
    "behavioral": "Behavioural",
}
PITFALL_LABELS: Final[dict[str, str]] = {
    "tutorial_hell": "Tutorial hell",
    "perfectionism": "Perfectionism",
    "isolation": "Isolation",
    "theory_practice_gap": "Theory–practice gap",
    "streak_at_risk": "Streak at risk",
    "welcome_back": "Welcome back",
}
PROJECT_DOMAIN_LABELS: Final[dict[str, str]] = {
    "cv": "Computer vision",
    "nlp": "NLP",
    "recsys": "Recommender systems",
    "pipeline": "Data/ML pipeline",
    "edge": "Edge deployment",
    "llm": "LLM applications",
    "responsible_ai": "Responsible AI",
    "mlops": "MLOps",
}

#: Placeholders a nudge of each pitfall may use (``{days}`` everywhere: the span the rule
#: looked at, never longer than the member has been around).
NUDGE_PLACEHOLDERS: Final[dict[str, frozenset[str]]] = {
    "tutorial_hell": frozenset({"days", "course_minutes", "course_hours", "project_minutes"}),
    "perfectionism": frozenset(
        {"days", "project_title", "project_age_days", "days_since_progress", "target_moves"}
    ),
    "isolation": frozenset({"days", "study_days", "community_events"}),
    "theory_practice_gap": frozenset(
        {"days", "theory_minutes", "theory_hours", "practice_minutes", "ratio"}
    ),
    "streak_at_risk": frozenset({"days", "streak", "hours_left"}),
    "welcome_back": frozenset({"days", "days_away", "best_streak"}),
}

# --- file ------------------------------------------------------------------------------
MAX_PACK_BYTES: Final = 1024 * 1024
#: Deepest nesting of mappings/lists accepted (the format itself needs 5).
MAX_DEPTH: Final = 20
#: Most YAML values (scalars, lists, mappings) in one file. Real packs have about one value
#: per 40 bytes (~26,000 in 1 MiB); the cap keeps a hostile upload from costing seconds.
MAX_VALUES: Final = 100_000
#: Most problems reported for one pack; beyond that a final issue says how many were cut.
MAX_ISSUES: Final = 1000

# --- ids -------------------------------------------------------------------------------
SLUG_PATTERN: Final = r"^[a-z0-9][a-z0-9-]{1,63}$"
SLUG_RE: Final = re.compile(SLUG_PATTERN)
#: Semantic Versioning 2.0.0, the regular expression from semver.org.
SEMVER_PATTERN: Final = (
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)

# --- Discord limits ---------------------------------------------------------------------
EMBED_TITLE_MAX: Final = 256
EMBED_DESCRIPTION_MAX: Final = 4096
EMBED_FIELD_VALUE_MAX: Final = 1024
EMBED_FIELD_NAME_MAX: Final = 256
EMBED_FIELDS_MAX: Final = 25
EMBED_TOTAL_MAX: Final = 6000
#: Characters an embed's title, field names and footer may add around pack text
#: (e.g. "Coding · difficulty 2", "Hint 1", "Key points"): kept free when checking totals.
EMBED_CHROME_RESERVE: Final = 300
#: Choice names in autocomplete are limited to 100 characters.
CHOICE_NAME_MAX: Final = 100

# --- field limits from FORMAT.md ---------------------------------------------------------
TITLE_MAX: Final = 256
#: A question's short title: what lists of questions show (mock summaries, posts).
QUESTION_TITLE_MAX: Final = 80
PROMPT_BODY_MAX: Final = 1500
PROMPT_ACTION_MAX: Final = 1000
EST_MINUTES: Final = (20, 90)
DIFFICULTY: Final = (1, 3)
QUESTION_PROMPT_MAX: Final = 3000
HINTS_COUNT: Final = (1, 3)
HINT_MAX: Final = 1000
KEY_POINT_MAX: Final = 300
KEY_POINTS_TOTAL_MAX: Final = 1024
FOLLOW_UP_MAX: Final = 1000
#: A model answer is shown on request as one embed description (4,096), with room to spare.
MODEL_ANSWER_MAX: Final = 3000
#: Reference code is shown in a code block in one embed description.
REFERENCE_CODE_MAX: Final = 3000
#: A reference's check is never shown to members (the project's tests run it), so it may be longer.
REFERENCE_CHECK_MAX: Final = 8000
ANSWER_UNIT_MAX: Final = 40
#: The worked answer shown after a member submits a number: one embed field.
WORKING_MAX: Final = EMBED_FIELD_VALUE_MAX
TIME_LIMIT_MINUTES: Final = (5, 90)
NUDGE_BODY_MAX: Final = 1500
NUDGE_ACTION_MAX: Final = 1000
IDEA_SUMMARY_MAX: Final = 1000
IDEA_DATASET_MAX: Final = 300
MILESTONES_COUNT: Final = (3, 8)
MILESTONE_TITLE_MAX: Final = 100
MILESTONE_DESCRIPTION_MAX: Final = 300
STRETCH_GOAL_MAX: Final = 300
# Not in FORMAT.md, chosen from Discord's limits: names appear as autocomplete choices,
# descriptions and hints as embed fields.
NAME_MAX: Final = CHOICE_NAME_MAX
DESCRIPTION_MAX: Final = EMBED_FIELD_VALUE_MAX
TAG_MAX: Final = 50
AUTHOR_MAX: Final = 100
LICENSE_MAX: Final = 100

#: Inclusive ranges of whole-number fields, by field name (for "must be between" messages).
INT_RANGES: Final[dict[str, tuple[int, int]]] = {
    "est_minutes": EST_MINUTES,
    "difficulty": DIFFICULTY,
    "time_limit_minutes": TIME_LIMIT_MINUTES,
}
#: Inclusive entry counts of list fields, by field name (``None``: no upper bound).
LIST_RANGES: Final[dict[str, tuple[int, int | None]]] = {
    "hints": HINTS_COUNT,
    "milestones": MILESTONES_COUNT,
    "key_points": (1, None),
    "skills": (1, None),
    "tracks": (1, None),
}

#: Item kinds of a pack, in file order; these are also the keys of ``Catalog.counts()``.
ITEM_KINDS: Final[tuple[str, ...]] = ("prompts", "questions", "nudges", "project_ideas")
ALL_KINDS: Final[tuple[str, ...]] = ("tracks", "skills", *ITEM_KINDS)
