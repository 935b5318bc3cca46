"""A source's own sentences as citable passages: the text itself answers questions about its wording.

Residents and readers ask what the report says in so many words ("科技服务用的是哪个四字词", "开发区那段最后说
开发区是一方什么", "古村落那张配图写的啥"). No curated entry need hold every phrase: each sentence (a clause
ended by 。！？ or ；, or a heading or caption line) of a source is a passage, and a passage stands as an entry of
its own when it is the answer: its answer is the sentence as written, its quote the same words (checked against
the source like every quote), and its id names where it lies (``<source>@<start>-<end>``), so a button on a
passage's answer (👍, 原文) finds it again for as long as the source text is the same.

Part of the core: no Telegram here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..language import ZH
from .model import Entry, KnowledgeBase, Source, quote_key

__all__ = ["Passage", "entry_of", "find_entry", "is_passage_id", "passage_entry", "passages"]

# a sentence runs to its 。！？ or ； and the closing quotation marks after it (……责任重大。”)
_UNIT = re.compile(r"[^。！？!?；;]*(?:[。！？!?；;][”’」）)]*|$)")
_ID = re.compile(r"^(?P<source>[a-z0-9]+(?:-[a-z0-9]+)*)@(?P<start>\d+)-(?P<end>\d+)$")
_DATA = ZH.table("passage")
_LABEL_MAX = 40  # a heading or caption line is at most this long (in quote-key characters, as the model's)
_SENTENCE_ENDS = "。！？!?；;…：:”」）)"


@dataclass(frozen=True)
class Passage:
    """One sentence of a source, where it lies, and the section it stands in."""

    source: str
    start: int
    end: int
    text: str
    section: str
    line: int  # 1-based line of the source text
    label: bool = False  # a heading or caption: a short line that ends no sentence
    rest: str = ""  # how a sentence cut by a caption line goes on after it (told, not quoted)

    @property
    def id(self) -> str:
        return f"{self.source}@{self.start}-{self.end}"


def is_passage_id(entry_id: str) -> bool:
    return _ID.match(entry_id) is not None


_CACHE: dict[tuple[str, str], tuple[Passage, ...]] = {}


def _passages(source: Source) -> tuple[Passage, ...]:
    cached = _CACHE.get((source.id, source.text))
    if cached is not None:
        return cached
    # a body section's heading stands in the text as its own lines (科技赋能 / 吹响“创新型县”特色名片)
    heads = {s.split()[0]: s for s in source.sections if s.split()}
    out: list[Passage] = []
    section, at = "", 0
    for number, line in enumerate(source.text.split("\n"), 1):
        stripped = line.strip()
        if stripped in heads:
            section = heads[stripped]
        offset = at
        for unit in _UNIT.findall(line):
            text = unit.strip()
            if len(text) >= 2:
                start = offset + unit.index(text[0])
                label = text == stripped and text[-1] not in _SENTENCE_ENDS and len(quote_key(text)) <= _LABEL_MAX
                out.append(Passage(source.id, start, start + len(text), text, section, number, label))
            offset += len(unit)
        at += len(line) + 1
    for at, passage in enumerate(out):
        # a sentence a caption interrupts (……县域高质量发展的主阵地、主战场 / caption / 和主引擎,……) goes on in
        # the next line of body text
        if passage.label or passage.text[-1] in _SENTENCE_ENDS or len(passage.text) < 20:
            continue
        after = next((p for p in out[at + 1 :] if p.line > passage.line and not p.label), None)
        if after is not None and after.line > passage.line + 1:
            out[at] = replace(passage, rest=after.text)
    if len(_CACHE) >= 16:
        _CACHE.clear()
    result = _CACHE[(source.id, source.text)] = tuple(out)
    return result


def passages(source: Source) -> tuple[Passage, ...]:
    """The source's sentences and heading lines, in order."""
    return _passages(source)


def _unquoted(text: str) -> str:
    """A sentence that is itself a quotation (“党的二十大以来,……”) without its own marks: the reply puts it in
    quotation marks once."""
    if text.startswith("“") and text.endswith("”") and text.count("“") == text.count("”"):
        inner = text[1:-1]
        if inner.find("”") == -1 or inner.find("“") < inner.find("”"):  # the first mark closes the last
            return inner
    return text


def entry_of(passage: Passage, source: Source) -> Entry:
    """The passage as an entry: answered by its own words, quoted verbatim."""
    return Entry(
        id=passage.id,
        topic=str(_DATA["topic"]),
        questions=(str(_DATA["question"]),),
        answer=str(_DATA["answer"]).format(text=_unquoted(passage.text + passage.rest)),
        quote=passage.text,
        source=source.id,
        section=passage.section,
        file=source.file,
        line=passage.line,
        question_lines=(passage.line,),
    )


def passage_entry(kb: KnowledgeBase, entry_id: str) -> Entry | None:
    """The entry of the passage an id names, or None (not a passage id, or no such sentence in the source now)."""
    found = _ID.match(entry_id)
    if found is None or found["source"] not in kb.sources:
        return None
    source = kb.sources[found["source"]]
    start, end = int(found["start"]), int(found["end"])
    for passage in _passages(source):
        # a passage, or the clauses of one that a long sentence was cut to
        if passage.start <= start < end <= passage.end:
            rest = passage.rest if end == passage.end else ""
            return entry_of(replace(passage, start=start, end=end, text=source.text[start:end], rest=rest), source)
    # a heading of several lines (科技赋能 / 吹响“创新型县”特色名片), quoted as one: every line of it a heading line
    lines = [p for p in _passages(source) if start <= p.start and p.end <= end]
    if len(lines) >= 2 and all(p.label for p in lines) and lines[0].start == start and lines[-1].end == end:
        text = " ".join(p.text for p in lines)
        return entry_of(replace(lines[0], end=end, text=text), source)
    return None


def find_entry(kb: KnowledgeBase, entry_id: str) -> Entry | None:
    """The entry an id names: a curated or derived entry of the base, else a passage of one of its sources."""
    return kb.by_id.get(entry_id) or passage_entry(kb, entry_id)
