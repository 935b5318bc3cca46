"""Entries derived from a source's own text: its headings, how it begins and ends, who spoke in what order.

Residents and readers ask about the report as a text ("报道有哪几个小标题", "最后一段怎么写的", "发言顺序是怎样
的"). No curated entry needs to hold these: the loader derives them from each source, answered in the source's
own words and quoted verbatim, with questions from the language data (``derived`` in ``zh.yaml``). A question a
curated entry already has stays with that entry.

Part of the core: no Telegram here.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

from ..language import ZH, alternation
from ..language.text import positions
from .model import Entry, Source

__all__ = ["derived_entries", "heading_sections", "is_derived", "speakers"]

_DATA = ZH.table("derived")
_TITLES = ZH.words("person_titles")
_SPEECH = re.compile(alternation(ZH.words("speech_verbs")))
_SENTENCE_END = re.compile(r"(?<=[。！？!?])")
_PARAGRAPH_MIN = 40  # a shorter line is a heading, a caption or a byline, not a paragraph
_LABEL_MAX = 3  # a line this short above the title is the paper's place label (某县), not a caption
_SUBTITLE = ZH.pattern("derived_subtitle")  # the line under the title that begins with a dash (——……专场举行)
_BYLINE = ZH.pattern("derived_byline")  # who wrote it (□ 本报综合, 记者 张三): the captions end there


def is_derived(entry: Entry) -> bool:
    """Whether the loader derived the entry from a source (it lives in no topic file: it cannot be edited)."""
    return entry.file.endswith(".md")


def _paragraphs(source: Source) -> list[str]:
    return [line.strip() for line in source.text.splitlines() if len(line.strip()) >= _PARAGRAPH_MIN]


def _lines(source: Source) -> set[str]:
    return {line.strip() for line in source.text.splitlines() if line.strip()}


def heading_sections(source: Source) -> list[str]:
    """The sections whose words stand as heading lines in the text (body sections, not 导语 or 结语)."""
    lines = _lines(source)
    return [s for s in source.sections if all(part in lines for part in s.split())]


def speakers(source: Source, names: Iterable[str]) -> list[tuple[str, str]]:
    """The people who present in the text, in order of their first words: a name with a title before it, in a
    sentence with a verb of presenting (某县副县长张三说道). Worked out once per text (the loader's derived
    entries and the engine's checks both ask)."""
    return list(_speakers_in(source.text, tuple(names)))


@lru_cache(maxsize=16)
def _speakers_in(text: str, names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    titles = alternation(sorted(_TITLES, key=len, reverse=True))
    found: list[tuple[int, str, str]] = []
    sentences = _sentences(text)
    starts = [start for start, _ in sentences]
    for name in names:
        # (only the sentences that hold the name, in order: a large source has hundreds of thousands)
        holding = dict.fromkeys(bisect.bisect_right(starts, at) - 1 for at in positions(name, text))
        if not holding:
            continue
        pattern = re.compile(r"([\u4e00-\u9fff、]{0,12}?(?:" + titles + r"))" + re.escape(name))
        for sentence_start, sentence in (sentences[i] for i in holding):
            match = pattern.search(sentence)
            if match and _SPEECH.search(sentence):
                found.append((sentence_start + match.start(), name, match.group(1)))
                break
    return tuple((name, title) for _, name, title in sorted(found))


def _sentences(text: str) -> list[tuple[int, str]]:
    out, at = [], 0
    for sentence in _SENTENCE_END.split(text):
        out.append((at, sentence))
        at += len(sentence)
    return out


def _front(source: Source) -> tuple[str, list[str]]:
    """The subtitle and the captions of the pictures: the short lines above the byline that heads the report's
    first paragraph, less the title and the paper's place label; none when no byline stands there."""
    lines: list[str] = []
    for line in (line.strip() for line in source.text.splitlines()):
        if len(line) >= _PARAGRAPH_MIN:
            return "", []  # (no byline above the first paragraph: a text without a report's head)
        if _BYLINE.search(line):
            break
        if line and line != source.title and len(line) > _LABEL_MAX:
            lines.append(line)
    else:
        return "", []
    subtitle = next((line for line in lines if _SUBTITLE.match(line)), "")
    return subtitle, [line for line in lines if line != subtitle]


def _sentence(paragraph: str, which: int) -> str:
    """The first (0) or last (-1) sentence of a paragraph, as written."""
    sentences = [s for s in _SENTENCE_END.split(paragraph) if s.strip()]
    return sentences[which].strip() if sentences else paragraph


def derived_entries(
    sources: Mapping[str, Source],
    names: Iterable[str],
    is_taken: Callable[[str], bool],
    ids: set[str],
    is_quoted: Callable[[str], bool] = lambda quote: False,
) -> list[Entry]:
    """The entries derived from each source. ``is_taken``: whether a curated entry already has a question
    (a derived question it has stays with it); ``ids``: the ids in use (a curated id wins); ``is_quoted``:
    whether a curated entry already quotes the words (the subtitle or the captions the base has curated are
    not derived again)."""
    names = tuple(names)
    out: list[Entry] = []
    for source in sources.values():
        paragraphs = _paragraphs(source)
        found: dict[str, tuple[str, str]] = {}  # kind -> (answer, quote)
        headings = heading_sections(source)
        if len(headings) >= 2:
            shown = "、".join(_DATA["heading"].format(n=n, heading=h) for n, h in enumerate(headings, 1))
            answer = _DATA["headings"]["answer"].format(count=len(headings), headings=shown)
            found["headings"] = (answer, headings[0].split()[0])  # a heading line, as the source has it
        if paragraphs:
            first, last = paragraphs[0], paragraphs[-1]
            found["opening"] = (_DATA["opening"]["answer"].format(paragraph=first), _sentence(first, 0))
            if last != first:
                found["ending"] = (_DATA["ending"]["answer"].format(paragraph=last), _sentence(last, -1))
        subtitle, captions = _front(source)
        if subtitle and not is_quoted(subtitle):
            found["subtitle"] = (_DATA["subtitle"]["answer"].format(subtitle=_SUBTITLE.sub("", subtitle)), subtitle)
        if captions and not is_quoted(" ".join(captions)):  # (a curated entry that quotes them all)
            shown = "；".join(_DATA["caption"].format(n=n, caption=c.rstrip("。")) for n, c in enumerate(captions, 1))
            found["captions"] = (_DATA["captions"]["answer"].format(count=len(captions), captions=shown), captions[0])
        presenting = speakers(source, names)
        if len(presenting) >= 2:
            people = "、".join(
                _DATA["person"].format(n=i, name=n, title=t) for i, (n, t) in enumerate(presenting, 1)
            )
            answer = _DATA["speakers"]["answer"].format(count=len(presenting), people=people)
            found["speakers"] = (answer, presenting[0][1] + presenting[0][0])  # the first one, with the title
        for kind, (answer, quote) in found.items():
            entry_id = f"{source.id}-{kind}"
            questions = tuple(q for q in _DATA[kind]["questions"] if not is_taken(q))
            if entry_id in ids or not questions:
                continue
            out.append(
                Entry(
                    id=entry_id,
                    topic=str(_DATA["topic"]),
                    questions=questions,
                    answer=answer,
                    quote=quote,
                    source=source.id,
                    section="",
                    file=source.file,
                    line=1,
                    question_lines=(1,) * len(questions),
                )
            )
    return out
