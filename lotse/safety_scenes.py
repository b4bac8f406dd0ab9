"""Scenes: dangers that no single phrase names, told as two or three things close together.

A frightened person describes what they see ("she fell and does not answer", "my son drank the
blue liquid under the sink", "Ani is gone from the playground, 10 minutes now"). No phrase of
the list holds such a sentence, and each half alone is harmless ("the office does not answer",
"he drank from the bottle"). A scene rule names the parts; the rule holds when every part occurs,
without overlapping, within `WINDOW` words of one another, in any order.

data/safety/scenes_<lang>.txt:

    # a comment
    @child: kind | sohn | tochter* | der kleine      (a group: phrases in the list syntax)
    @gone: verschwunden | nirgends | ist weg=
    @child + @gone                                   (a rule: groups or phrases joined by +)
    @fell + antwortet nicht

Group names belong to their file (`@child` in scenes_de.txt is not `@child` in scenes_fr.txt);
a group is defined before the rules that use it. Look-alike words are blanked before scenes are
matched, as for phrases. Standard library only (runs in the gateway and in Rasa).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise, product
from pathlib import Path

WINDOW = 12
"""Words from the first part's start to the last part's end, at most."""

GROUP_MARK = "@"
AND = "+"
OR = "|"


@dataclass(frozen=True)
class Scene:
    """One rule: every part (a tuple of alternative phrases) close together in a message."""

    text: str
    language: str
    parts: tuple[tuple[str, ...], ...]


class SceneSyntaxError(ValueError):
    """A scene file line that cannot be read (an unknown group, an empty part)."""


def _alternatives(text: str, groups: dict[str, tuple[str, ...]], where: str) -> tuple[str, ...]:
    """The phrases of `a | @group | b`, groups expanded."""
    out: list[str] = []
    for alternative in (a.strip() for a in text.split(OR)):
        if not alternative:
            raise SceneSyntaxError(f"{where}: an empty alternative")
        if alternative.startswith(GROUP_MARK):
            if alternative not in groups:
                raise SceneSyntaxError(f"{where}: unknown group {alternative}")
            out.extend(groups[alternative])
        else:
            out.append(alternative)
    return tuple(dict.fromkeys(out))


def read_scenes(path: Path, language: str) -> list[Scene]:
    """The rules of one scenes file, their groups expanded to alternative phrases."""
    groups: dict[str, tuple[str, ...]] = {}
    scenes: list[Scene] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{path.name}:{number}"
        head = line.split()[0]
        if head.startswith(GROUP_MARK) and ":" in head:
            name, _, body = line.partition(":")
            if AND in body:
                raise SceneSyntaxError(f"{where}: a group holds phrases separated by |, not +")
            groups[name.strip()] = _alternatives(body, groups, where)
            continue
        parts = tuple(_alternatives(part, groups, where) for part in line.split(AND))
        if len(parts) < 2:
            raise SceneSyntaxError(f"{where}: a rule joins two parts or more with +")
        scenes.append(Scene(line, language, parts))
    return scenes


Span = tuple[int, int]


def scene_holds(occurrences: Sequence[Sequence[Span]], window: int = WINDOW) -> Span | None:
    """The span of one choice of occurrences, one per part, that do not overlap and fit in
    `window` words; None if there is none."""
    if any(not spans for spans in occurrences):
        return None
    for choice in product(*occurrences):
        start = min(s for s, _ in choice)
        end = max(e for _, e in choice)
        if end - start > window:
            continue
        ordered = sorted(choice)
        if all(a_end <= b_start for (_, a_end), (b_start, _) in pairwise(ordered)):
            return start, end
    return None


def match_scenes(
    scenes: Sequence[Scene], occurrences: Mapping[int, Mapping[int, Iterable[Span]]]
) -> Scene | None:
    """The first scene whose parts all occur close together. `occurrences` holds, by scene
    index and part index, where a phrase of that part occurs in the message; scenes with a
    part that does not occur at all are never looked at."""
    for index in sorted(occurrences):
        scene, found = scenes[index], occurrences[index]
        if len(found) == len(scene.parts) and scene_holds(
            [sorted(set(found[part])) for part in range(len(scene.parts))]
        ):
            return scene
    return None
