"""A catalog: several validated packs merged, with the checks that span packs."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final

from .errors import PackError, PackIssue, format_path
from .models import Nudge, Pack, ProjectIdea, Prompt, Question, Skill, Track
from .safeyaml import Path

__all__ = ["Catalog"]

#: Singular and plural kind names accepted by :meth:`Catalog.pack_of`.
_KIND_ALIASES: Final[dict[str, str]] = {
    "track": "tracks",
    "skill": "skills",
    "prompt": "prompts",
    "question": "questions",
    "nudge": "nudges",
    "project_idea": "project_ideas",
    "idea": "project_ideas",
    "ideas": "project_ideas",
}
_KIND_WORDS: Final[dict[str, str]] = {
    "tracks": "track",
    "skills": "skill",
    "prompts": "prompt",
    "questions": "question",
    "nudges": "nudge",
    "project_ideas": "project idea",
}


def _where(pack: Pack, path: Path) -> str:
    line, _ = pack.locate(path)
    return f"{pack.source}:{line}" if line is not None else pack.source


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" — did you mean `{close[0]}`?" if close else ""


class _Builder:
    """Collects the merged maps and every cross-pack problem."""

    def __init__(self) -> None:
        self.issues: list[PackIssue] = []
        self.maps: dict[str, dict[str, Any]] = {kind: {} for kind in _KIND_WORDS}
        #: (kind, id) -> (pack, path of the item) of the first definition
        self.origin: dict[tuple[str, str], tuple[Pack, Path]] = {}
        self.track_of_skill: dict[str, str] = {}
        self.tracks: list[Track] = []

    def problem(self, pack: Pack, path: Path, message: str) -> None:
        line, column = pack.locate(path)
        self.issues.append(PackIssue(pack.source, line, column, format_path(path), message))

    def add(self, kind: str, item_id: str, item: Any, pack: Pack, path: Path) -> bool:
        first = self.origin.get((kind, item_id))
        if first is not None:
            other_pack, other_path = first
            where = (
                format_path(other_path) if other_pack is pack else _where(other_pack, other_path)
            )
            if other_pack is not pack:
                where += f" (pack `{other_pack.id}`)"
            self.problem(
                pack,
                (*path, "id"),
                f"{_KIND_WORDS[kind]} id `{item_id}` is already used by {where}; "
                f"ids must be unique among all loaded packs",
            )
            return False
        self.origin[(kind, item_id)] = (pack, path)
        self.maps[kind][item_id] = item
        return True

    def check_skill(self, pack: Pack, path: Path, skill_id: str) -> None:
        if skill_id not in self.maps["skills"]:
            self.problem(
                pack,
                path,
                f"unknown skill `{skill_id}`{_suggest(skill_id, self.maps['skills'])} "
                "(skills must be defined in the roadmap of a loaded pack)",
            )


class Catalog:
    """Immutable merge of validated packs: lookups by id and filtered lists.

    Build it with :meth:`build`; lists keep pack order, then file order, so they are stable.
    """

    __slots__ = (
        "_origin",
        "_track_of_skill",
        "nudges",
        "packs",
        "project_ideas",
        "prompts",
        "questions",
        "skills",
        "tracks",
    )

    packs: tuple[Pack, ...]
    tracks: tuple[Track, ...]
    skills: Mapping[str, Skill]
    prompts: Mapping[str, Prompt]
    questions: Mapping[str, Question]
    nudges: Mapping[str, Nudge]
    project_ideas: Mapping[str, ProjectIdea]
    _track_of_skill: Mapping[str, str]
    _origin: Mapping[tuple[str, str], str]

    def __init__(self, builder: _Builder, packs: tuple[Pack, ...]) -> None:
        set_ = object.__setattr__
        set_(self, "packs", packs)
        set_(self, "tracks", tuple(builder.tracks))
        for kind in ("skills", "prompts", "questions", "nudges", "project_ideas"):
            set_(self, kind, MappingProxyType(builder.maps[kind]))
        set_(self, "_track_of_skill", MappingProxyType(builder.track_of_skill))
        set_(
            self,
            "_origin",
            MappingProxyType({key: pack.id for key, (pack, _path) in builder.origin.items()}),
        )

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Catalog is immutable; build a new one")

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in self.counts().items())
        return f"<Catalog packs={[p.id for p in self.packs]} {counts}>"

    @classmethod
    def build(cls, packs: Sequence[Pack]) -> Catalog:
        """Merge ``packs`` (in order) and check what spans them.

        Raises :class:`PackError` listing every problem: duplicate pack ids, an id used twice
        within a kind (in one pack or across packs), references to unknown tracks or skills,
        a prompt whose skill is not in its track. Problems carry the file and line of the
        offending item.
        """
        b = _Builder()
        seen_packs: dict[str, Pack] = {}
        for pack in packs:
            first = seen_packs.get(pack.id)
            if first is not None:
                b.problem(
                    pack,
                    ("pack", "id"),
                    f"pack id `{pack.id}` is already used by {first.source}; "
                    "each pack needs its own id",
                )
            else:
                seen_packs[pack.id] = pack

        # The roadmap first: items of any pack may reference skills of any pack.
        for pack in packs:
            for ti, track in enumerate(pack.roadmap_tracks()):
                track_path: Path = ("roadmap", "tracks", ti)
                if b.add("tracks", track.id, track, pack, track_path):
                    b.tracks.append(track)
                for si, skill in enumerate(track.skills):
                    if b.add("skills", skill.id, skill, pack, (*track_path, "skills", si)):
                        b.track_of_skill[skill.id] = track.id

        for pack in packs:
            for i, prompt in enumerate(pack.prompts):
                path: Path = ("prompts", i)
                b.add("prompts", prompt.id, prompt, pack, path)
                if prompt.track not in b.maps["tracks"]:
                    b.problem(
                        pack,
                        (*path, "track"),
                        f"unknown track `{prompt.track}`{_suggest(prompt.track, b.maps['tracks'])}"
                        " (tracks must be defined in the roadmap of a loaded pack)",
                    )
                if prompt.skill not in b.maps["skills"]:
                    b.check_skill(pack, (*path, "skill"), prompt.skill)
                elif prompt.track in b.maps["tracks"]:
                    owner = b.track_of_skill[prompt.skill]
                    if owner != prompt.track:
                        b.problem(
                            pack,
                            (*path, "skill"),
                            f"skill `{prompt.skill}` belongs to track `{owner}`, not to "
                            f"`{prompt.track}`; change the track or pick a skill of "
                            f"`{prompt.track}`",
                        )
            for i, question in enumerate(pack.questions):
                b.add("questions", question.id, question, pack, ("questions", i))
                for j, skill_id in enumerate(question.skills):
                    b.check_skill(pack, ("questions", i, "skills", j), skill_id)
            for i, nudge in enumerate(pack.nudges):
                b.add("nudges", nudge.id, nudge, pack, ("nudges", i))
            for i, idea in enumerate(pack.project_ideas):
                b.add("project_ideas", idea.id, idea, pack, ("project_ideas", i))
                for j, skill_id in enumerate(idea.skills):
                    b.check_skill(pack, ("project_ideas", i, "skills", j), skill_id)

        if b.issues:
            raise PackError(b.issues)
        return cls(b, tuple(packs))

    @classmethod
    def empty(cls) -> Catalog:
        return cls.build(())

    # --- lookups ------------------------------------------------------------------------
    def track_of_skill(self, skill_id: str) -> Track:
        """The track a skill belongs to; ``KeyError`` for an unknown skill."""
        track_id = self._track_of_skill[skill_id]
        return next(t for t in self.tracks if t.id == track_id)

    def track(self, track_id: str) -> Track:
        """A track by id; ``KeyError`` if unknown."""
        for track in self.tracks:
            if track.id == track_id:
                return track
        raise KeyError(track_id)

    def skills_of(self, track_id: str) -> tuple[Skill, ...]:
        """The skills of a track in learning order; ``KeyError`` if the track is unknown."""
        return self.track(track_id).skills

    def prompts_for(self, track: str | None = None, skill: str | None = None) -> list[Prompt]:
        """Prompts of a track and/or skill, in catalog order."""
        return [
            p
            for p in self.prompts.values()
            if (track is None or p.track == track) and (skill is None or p.skill == skill)
        ]

    def questions_in(
        self, category: str | None = None, difficulty: int | None = None
    ) -> list[Question]:
        """Questions of a category and/or difficulty, in catalog order."""
        return [
            q
            for q in self.questions.values()
            if (category is None or q.category == category)
            and (difficulty is None or q.difficulty == difficulty)
        ]

    def nudges_for(self, pitfall: str) -> list[Nudge]:
        """Nudges of one pitfall, in catalog order."""
        return [n for n in self.nudges.values() if n.pitfall == pitfall]

    def ideas_in(self, domain: str | None = None) -> list[ProjectIdea]:
        """Project ideas of a domain (all with ``None``), in catalog order."""
        return [i for i in self.project_ideas.values() if domain is None or i.domain == domain]

    def counts(self) -> dict[str, int]:
        """Number of items per kind."""
        return {
            "tracks": len(self.tracks),
            "skills": len(self.skills),
            "prompts": len(self.prompts),
            "questions": len(self.questions),
            "nudges": len(self.nudges),
            "project_ideas": len(self.project_ideas),
        }

    def pack_of(self, kind: str, item_id: str) -> str:
        """Id of the pack that defines an item. ``kind`` is plural or singular
        (``"questions"`` or ``"question"``); ``KeyError`` if there is no such item."""
        plural = _KIND_ALIASES.get(kind, kind)
        if plural not in _KIND_WORDS:
            raise KeyError(f"unknown kind {kind!r}")
        return self._origin[(plural, item_id)]
