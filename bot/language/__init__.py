"""The language questions are read in, as data: ``zh.yaml`` beside this file holds every Chinese word and
pattern the engine uses (question words and the kinds they ask, frame words, measure words, area words …),
each kind of word in one documented place. The code holds mechanisms only.

A pattern in the data is a list of alternatives (each a regular-expression fragment; most are plain words)
joined with ``|``; a word list is a list of words; a table maps a class to its words. Question words carry
*roles* (which of the engine's questions about a message they answer), so adding a question word is one
line: ``- [咋个, mark, interrogative, asking]``.

:class:`Vocabulary` adds the deployment's place (:class:`bot.place.Place`) to the language: the home
county's names frame a question, the areas above it are areas a total may be asked for.

Part of the core: no Telegram here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ..place import Place

__all__ = ["ZH", "Lexicon", "Vocabulary", "alternation"]

_FRAGMENT = re.compile(r"<<([a-z_.0-9]+)>>")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: several times faster


def alternation(words: list[str] | tuple[str, ...], *, escape: bool = True) -> str:
    """The words as one regular expression, the longest first (a word never loses to its own prefix)."""
    ordered = sorted(dict.fromkeys(words), key=len, reverse=True)
    return "|".join(re.escape(w) if escape else w for w in ordered)


class Lexicon:
    """One language's words and patterns, read once from its data file."""

    def __init__(self, data: dict[str, Any], name: str) -> None:
        self._data = data
        self.name = name

    @classmethod
    def load(cls, language: str) -> Lexicon:
        text = resources.files(__package__).joinpath(f"{language}.yaml").read_text(encoding="utf-8")
        return cls(yaml.load(text, Loader=_YAML_LOADER), language)

    def _get(self, name: str) -> Any:
        value: Any = self._data
        for part in name.split("."):
            if isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            elif isinstance(value, dict) and part in value:
                value = value[part]
            else:
                raise KeyError(f"{self.name}.yaml has no '{name}'")
        return value

    def source(self, name: str) -> str:
        """A pattern's source: its alternatives joined with ``|`` (a single string is taken as it is);
        ``<<other>>`` stands for the source of another entry (a fragment several patterns share)."""
        value = self._get(name)
        joined = value if isinstance(value, str) else "|".join(str(v) for v in value)
        return _FRAGMENT.sub(lambda m: self.source(m.group(1)), joined)

    def pattern(self, name: str) -> re.Pattern[str]:
        return re.compile(self.source(name))

    def patterns(self, name: str) -> dict[str, re.Pattern[str]]:
        """A table of named patterns, in the file's order."""
        return {key: re.compile(self.source(f"{name}.{key}")) for key in self._get(name)}

    def shared_patterns(self, name: str) -> dict[str, re.Pattern[str]]:
        """A table of patterns written once for the kinds that share each: ``- kinds: [..] / pattern: [..]``."""
        table: dict[str, re.Pattern[str]] = {}
        for at, group in enumerate(self._get(name)):
            compiled = re.compile(self.source(f"{name}.{at}.pattern"))
            table.update(dict.fromkeys((str(k) for k in group["kinds"]), compiled))
        return table

    def table(self, name: str) -> dict[str, Any]:
        """A mapping of the data as written (numerals and their values …)."""
        return dict(self._get(name))

    def groups(self, name: str) -> tuple[tuple[str, ...], ...]:
        """A list of word groups (values of one kind that exclude each other …)."""
        return tuple(tuple(str(w) for w in group) for group in self._get(name))

    def words(self, name: str) -> tuple[str, ...]:
        return tuple(str(w) for w in self._get(name))

    def chars(self, name: str) -> str:
        return str(self._get(name))

    def classes(self, name: str) -> dict[str, str]:
        """A table {class: [words]} as {word: class}, in the file's order."""
        return {str(w): str(kind) for kind, words in self._get(name).items() for w in words}

    def short_name(self, full: str) -> str:
        """A place's name without its administrative suffix (平遥县 → 平遥, 晋中市 → 晋中); a name of two
        characters keeps it (沁县 stays 沁县)."""
        for suffix in self.words("place_suffixes"):
            if full.endswith(suffix) and len(full) - len(suffix) >= 2:
                return full[: -len(suffix)]
        return full

    def question_words(self, role: str) -> tuple[str, ...]:
        """The question words (and patterns) that have this role."""
        return tuple(str(row[0]) for row in self._get("question_words") if role in row[1:])

    def question_pattern(self, role: str, *, prefix: str = "", suffix: str = "") -> re.Pattern[str]:
        """The question words of a role as one pattern (entries are regular-expression fragments)."""
        return re.compile(prefix + "(?:" + alternation(self.question_words(role), escape=False) + ")" + suffix)


ZH = Lexicon.load("zh")


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """The language with the deployment's place added: what frames a question and which areas are bigger."""

    place: Place
    home_names: tuple[str, ...]  # the home county in full and short (平遥县, 平遥): they frame a question
    home_name: re.Pattern[str]  # any of home_names, the longest first (never matches when there are none)
    home: frozenset[str]  # the home county and its city, in full: never "another place"
    frame_words: tuple[str, ...]
    frame: re.Pattern[str]  # words that frame the asking and carry no information of their own
    bigger_areas: re.Pattern[str]  # areas bigger than the county: a total asked for one is not the county's
    area_groups: tuple[tuple[str, ...], ...]  # names of the same area (全市, 晋中, 晋中市 …)
    stated_rank: re.Pattern[str]  # a rank the release states for an area (全市第一, 居全省)
    caveat_frame: re.Pattern[str]  # words around a caveat that name no topic of their own

    @classmethod
    def for_place(cls, place: Place) -> Vocabulary:
        return _vocabulary(place)


@cache
def _vocabulary(place: Place) -> Vocabulary:
    forms = ZH.table("areas.forms")

    def named(level: str, full: str) -> list[str]:
        """How residents name the city or province (晋中, 晋中市, 整个晋中 …)."""
        return [str(f).format(short=ZH.short_name(full), full=full) for f in forms[level]] if full else []

    home_names = tuple(dict.fromkeys(n for n in (place.county, ZH.short_name(place.county)) if n))

    city, province = named("city", place.city), named("province", place.province)
    groups = (
        ZH.words("areas.country"),
        (*ZH.words("areas.province"), *province),
        (*ZH.words("areas.city"), *city),
    )
    # a form that joins two other names of the area (某市全市) is read as its parts
    joined = {f for g in groups for f in g if any(f.startswith(a) and f[len(a) :] in g for a in g if a != f)}
    bigger = [w for g in groups for w in g if w not in joined] + list(ZH.words("areas.beyond"))
    frame_words = (*ZH.words("frame_words"), *ZH.words("home_frame"), *home_names)
    caveat_words = [*ZH.words("caveat_frame"), *home_names, *ZH.words("home_frame_caveat")]
    # a rank is stated with the area's short name (某市全市第一), which the longer names begin with
    shorts = [named(level, full)[0] for level, full in (("city", place.city), ("province", place.province)) if full]
    ranked = [*ZH.words("areas.country"), *ZH.words("areas.province"), *ZH.words("areas.city"), *shorts]
    ranked += ZH.words("areas.county")
    return Vocabulary(
        place=place,
        home_names=home_names,
        home_name=re.compile(alternation(home_names) or "(?!)"),
        home=frozenset(n for n in (place.county, place.city) if n),
        frame_words=frame_words,
        frame=re.compile(alternation(frame_words)),
        bigger_areas=re.compile("(?:" + alternation(bigger) + ")" + ZH.source("areas.not_after")),
        area_groups=groups,
        stated_rank=re.compile(
            "(?:" + alternation(ranked) + ")" + ZH.source("stated_rank.after") + "|" + ZH.source("stated_rank.within")
        ),
        caveat_frame=re.compile(alternation(caveat_words, escape=False)),
    )
