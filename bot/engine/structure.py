"""Questions about the report's structure: which part comes first, last, or after another, and how many there are.

"报道正文第一个小节叫什么", "城乡融合后面是哪一节", "讲开发区那部分前面是哪部分", "which section comes right after
城乡融合": the resident asks where a part of the report stands, and the answer is that part's heading, quoted
as the source prints it. The parts are the source's body sections whose headings stand as lines of its text
(the ``sections`` of its front matter, as the derived headings entry lists them); a part the message names is
found by the words of its heading and of its text. The words of asking live in ``zh.yaml`` (``structure``).

Only messages the entries did not answer come here. Part of the core: no Telegram here.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, replace

from ..knowledge.derived import heading_sections
from ..knowledge.model import Entry, Source, quote_key
from ..knowledge.passages import Passage, entry_of, passages
from ..language import ZH
from ..language.text import bigrams
from .sourced import ReadOnce

__all__ = ["StructureReader"]

_DATA = ZH.table("structure")
_PART = ZH.source("structure.parts")  # words for a part of the report (小节, 部分, 板块)
_STRONG = ZH.pattern("structure.structural")  # words only a text's structure uses (小节, 小标题)
_REPORT = ZH.pattern("structure.report")  # words for the report itself (报道, 文章, 正文)
_NUMERALS = "一二三四五六七八九十"
_ORDINAL = re.compile(rf"第(?P<n>[{_NUMERALS}]|\d{{1,2}})(?:个|大)?(?:{_PART})")
_LAST = re.compile(rf"(?:{ZH.source('structure.last')})(?:一)?(?:个|大)?(?:{_PART})")
_FIRST = re.compile(rf"(?:{ZH.source('structure.first')})(?:一)?(?:个|大)?(?:{_PART})")
_AFTER = ZH.pattern("structure.after")  # the part after the one named (城乡融合后面)
_BEFORE = ZH.pattern("structure.before")
_COUNT = re.compile(rf"(?:几|多少)(?:个|大)?[^，。？?几]{{0,6}}?(?:{_PART})")  # 几个带小标题的部分
_WHICH = ZH.pattern("structure.which")  # which part says a thing (哪一部分提到了…)
# the part right before or after one named (钙都那节的前面一节): asked of the report's order, not of that part
_NEIGHBOUR = re.compile(
    rf"(?:{ZH.source('structure.after')}|{ZH.source('structure.before')})(?:的)?(?:一|那|这|个)*(?:{_PART})"
)
_HEADING = ZH.pattern("structure.heading")  # a part's heading asked (小标题)
_ASKING = ZH.pattern("structure.asking")  # the frame of the question, which names no part
_HAN = re.compile(r"[\u4e00-\u9fff]{2,}")
_SURE = 0.5  # the share of the named words one part must hold
_LEAD = 2.0  # and how many times more than any other part


@dataclass(frozen=True)
class _Part:
    number: int  # 1-based, in the order of the text
    heading: str  # as the front matter writes it (科技赋能 吹响“创新型县”特色名片)
    entry: Entry  # the heading quoted from the source
    pairs: frozenset[str]  # the word pairs of its heading and its text


def _pairs(text: str) -> set[str]:
    return {pair for run in _HAN.findall(text) for pair in bigrams(run)}


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    return _NUMERALS.index(text) + 1


class StructureReader(ReadOnce):
    """The headed parts of a base's sources, ready to answer where a part stands."""

    def _build(self) -> None:
        """The sources' headed parts (once: :class:`~bot.engine.sourced.ReadOnce`)."""
        kb = self._kb
        self._parts: dict[str, list[_Part]] = {}
        for source in kb.sources.values():
            parts = self._parts_of(source)
            if len(parts) >= 2:
                self._parts[source.id] = parts
        counts = Counter(pair for parts in self._parts.values() for part in parts for pair in part.pairs)
        total = sum(len(parts) for parts in self._parts.values()) or 1
        self._idf = {pair: math.log(1 + total / n) for pair, n in counts.items()}

    def _parts_of(self, source: Source) -> list[_Part]:
        found = passages(source)
        whole = quote_key(source.text)
        parts: list[_Part] = []
        for heading in heading_sections(source):
            lines = heading.split()
            first = next((p for p in found if p.label and p.text == lines[0] and p.section == heading), None)
            last = next((p for p in found if p.label and p.text == lines[-1] and p.section == heading), None)
            if first is None or last is None or quote_key(heading) not in whole:
                continue
            text = "".join(p.text for p in found if p.section == heading)
            span = Passage(source.id, first.start, last.end, heading, heading, first.line, label=True)
            key = self._normalizer.plain(text)
            parts.append(_Part(len(parts) + 1, heading, entry_of(span, source), frozenset(_pairs(key))))
        return parts

    def answer(self, message: str) -> list[tuple[str, Entry]]:
        """For a message that asks where a part of the report stands: (what was asked, the part's heading as an
        entry whose answer tells where it stands), one per place asked (第一块和最后一块), the list of headings
        first when it asks how many; [] for any other message."""
        folded = self._normalizer.fold(message)
        if not re.search(_PART, folded) or not (_STRONG.search(folded) or _REPORT.search(folded)):
            return []
        self.warm()  # (only now: a message that asks of no part does not wait for the parts)
        if not self._parts:
            return []
        # (one source with headed parts, as a release is; several: the one whose parts the message names)
        source = next(iter(self._parts)) if len(self._parts) == 1 else self._source_named(folded)
        if source is None:
            return []
        parts = self._parts[source]
        after, before = _AFTER.search(folded), _BEFORE.search(folded)
        found: list[tuple[str, Entry]] = []
        # each part asked by its place (第一块和最后一块), in the order the message asks them
        places = sorted(
            [(m.start(), _number(m.group("n")), m.group()) for m in _ORDINAL.finditer(folded)]
            + [(m.start(), len(parts), m.group()) for m in _LAST.finditer(folded)]
            + [(m.start(), 1, m.group()) for m in _FIRST.finditer(folded)]
        )
        if places:
            if not all(1 <= number <= len(parts) for _, number, _ in places):
                return []
            for _, number, asked in places:
                found.append((asked, self._told(parts[number - 1], _DATA["nth"], count=len(parts))))
        elif after or before:
            named = self._named(folded, parts)
            if named is None:
                return []
            step = 1 if after else -1
            at = named.number - 1 + step
            if not 0 <= at < len(parts):
                template = _DATA["last_none"] if after else _DATA["first_none"]
                found.append((message, self._told(named, template, named=named.heading.split()[0])))
            else:
                template = _DATA["after_answer"] if after else _DATA["before_answer"]
                found.append((message, self._told(parts[at], template, named=named.heading.split()[0])))
        elif _WHICH.search(folded):
            named = self._named(_WHICH.sub(" ", folded), parts)  # the part whose text holds what it names
            if named is not None:
                found.append((message, self._told(named, _DATA["which_answer"])))
        elif _HEADING.search(folded):
            named = self._named(folded, parts)  # the heading of the part named (养老那部分的小标题)
            if named is not None:
                found.append((message, self._told(named, _DATA["heading_answer"])))
        count = _COUNT.search(folded)
        if count and _REPORT.search(folded):
            listed = self._kb.by_id.get(f"{source}-headings")
            if listed is not None:
                found.insert(0, (count.group(), listed))
        return [(message, entry) for _, entry in found] if len(found) == 1 else found

    def which_part(self, message: str) -> list[tuple[str, Entry]]:
        """The part asked for by what it says (哪一部分提到了大连理工大学) or as the one before or after a part named
        (钙都那节的前面一节), before any entry about the thing itself answers: what the entry says of it is not
        where the report says it. [] for any other message."""
        folded = self._normalizer.fold(message)
        return self.answer(message) if _WHICH.search(folded) or _NEIGHBOUR.search(folded) else []

    def _told(self, part: _Part, template: str, **more: object) -> Entry:
        answer = template.format(n=part.number, heading=part.heading, **more)
        return replace(part.entry, answer=answer)

    def _named(self, folded: str, parts: list[_Part]) -> _Part | None:
        """The one part the message names: by the words of its heading (城乡融合, 养老那节), else by the words of
        its text (讲开发区那部分), held clearly more by it than by any other part."""
        wanted = _pairs(self._normalizer.plain(_ASKING.sub(" ", re.sub(_PART, " ", folded))))
        mass = sum(self._idf.get(p, 0.0) for p in wanted)
        if mass <= 0:
            return None
        for held in (lambda part: _pairs(self._normalizer.plain(part.heading)), lambda part: part.pairs):
            weights = sorted(
                ((sum(self._idf.get(p, 0.0) for p in wanted & held(part)), part.number) for part in parts),
                reverse=True,
            )
            (best, number), second = weights[0], weights[1][0] if len(weights) > 1 else 0.0
            if best >= _SURE * mass and best >= _LEAD * second:
                return parts[number - 1]
            if best > 0:
                return None  # a heading holds some of it, and not clearly one heading: not said which
        return None

    def _source_named(self, folded: str) -> str | None:
        plain = self._normalizer.plain(folded)
        named = [sid for sid, parts in self._parts.items() if any(p.heading.split()[0] in plain for p in parts)]
        return named[0] if len(named) == 1 else None
