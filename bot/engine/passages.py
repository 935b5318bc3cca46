"""Questions about the wording of the source, answered by the source's own sentence.

"科技服务用的是哪个四字词", "古村落那张配图写的啥", "开发区那段最后说开发区是一方什么": the resident asks what the
report says in so many words, and no entry need hold that phrase. When a message asks about wording
(``passage.asked`` in ``zh.yaml``) or quotes the report and asks what comes next, the sentences of the base's
sources (:mod:`bot.knowledge.passages`) are searched for the one that holds what the message names: each word
pair of the message counts by how rare it is among the sentences, and one sentence must hold nearly all of them,
clearly more than any other. A message that names several things in a list ("分别用哪个词形容创新型企业、科技
成果和科技服务") gets one sentence per thing, each cited, or none.

Only messages the entries did not answer come here. Part of the core: no Telegram here.
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from dataclasses import dataclass, replace

from ..knowledge.model import Entry
from ..knowledge.passages import Passage, entry_of, passages
from ..language import ZH
from ..language.text import bigrams, quoted_terms
from .lexicon import noun_lexicon, segment
from .sourced import ReadOnce

__all__ = ["PassageFinder"]

_ASKED = ZH.pattern("passage_asked")  # the message asks about wording (原话, 用的啥词, 配图写的啥)
_FRAME = ZH.pattern("passage_frame")  # words of asking about the text, which no sentence need hold
_ASKS = ZH.pattern("passage_asks")  # a content question word: what comes after the quoted words
_LIST = ZH.pattern("passage_list")  # the things of a list the message names one by one
_EACH = ZH.pattern("passage_each")  # and asks of each (分别, 各)
_LABELS = ZH.pattern("passage_labels")  # a caption or heading asked for (配图, 小标题)
_ENUMERATED = ZH.pattern("passage_enumerated")  # a sentence that starts an item of a counted-off list (一是, 二是)
_COUNT = ZH.pattern("passage_count")  # how many things the message asks of (哪三个)
_NUMBERED_ASK = ZH.pattern("passage_numbered_ask")  # an item asked by its place and first words (一是打出啥)
_PLACES = "一二三四五六七八九"
_LIST_WORDS = ZH.pattern("passage_list_words")  # words for a list's items (举措, 三点, 一是) that name none of them
_HAN = re.compile(r"[\u4e00-\u9fff\d]{2,}")
_CLAUSES = re.compile(r"[，,。；;:：]")
_ASPECT = ZH.pattern("passage_aspect")  # a particle of aspect a resident adds to the report's words (打通了)
_TIE = ZH.pattern("passage_tie")  # the particle that ties quoted words to the question word after them (的)
_HOME = frozenset(ZH.words("home_frame"))  # the county as residents call it (县里, 全县)
_QUOTED_WORDS = 20  # the most characters a message quotes of the report's words to ask what follows
_NEXT = ZH.pattern("passage_next")  # what comes after words quoted (后面那半句, 下一句)
_POSITIONS = ZH.patterns("passage_position")  # a place in the text asked for: first (开头), last (结尾, 最后)
_BREAKS = ZH.pattern("passage_breaks")  # function characters a word pair of the message never spans
_SURE = 0.8  # the share of the message's weight one sentence must hold
_LEAD = 0.25  # and its lead over the next sentence
_QUOTED = 5  # characters of the report the message must quote in a row to ask what comes next
_MIN_WEIGHT = 6.0  # a sentence holding less of the message than this (two rare word pairs) is not found by it
_LONG = 90  # a longer sentence is cut to the clauses that hold what was asked, and the one after them
_CLAUSE = re.compile(r"[^,，:：]*(?:[,，:：]|$)")


@dataclass(frozen=True)
class _Unit:
    passage: Passage
    key: str
    pairs: tuple[str, ...]  # its word pairs, each once (interned: a large base holds the same pairs many times)


def _pairs(text: str) -> set[str]:
    return {pair for run in _HAN.findall(text) for pair in bigrams(run)}


def _asked_pairs(text: str) -> set[str]:
    """The word pairs of what a message names, none across a function character (县里的创新型企业 → 县里, 创新 …)."""
    return _pairs(_BREAKS.sub(" ", text))


def _items(content: str) -> list[str]:
    """The things of a list the message names (创新型企业、科技成果和科技服务), each without the words around the
    list: the first item starts after the last frame word before it, the last ends at the first after it."""
    pieces = _LIST.split(content)
    if len(pieces) < 2:
        return []
    pieces[0] = re.split(r"[，,]", pieces[0])[-1]
    pieces[-1] = re.split(r"[，,？?。]", pieces[-1])[0]
    return [p for p in pieces if len(p) >= 2]


class PassageFinder(ReadOnce):
    """The sentences of a base's sources, ready to be searched by what a message names."""

    def _build(self) -> None:
        """The sources' sentences, read and weighed (once: :class:`~bot.engine.sourced.ReadOnce`)."""
        kb, normalizer = self._kb, self._normalizer
        self._units: list[_Unit] = []
        for source in kb.sources.values():
            for passage in passages(source):
                key = normalizer.plain(passage.text)
                self._units.append(_Unit(passage, key, tuple(map(sys.intern, _pairs(key)))))
        self._text = "\n".join(unit.key for unit in self._units)
        # the sentences without the aspect particle a resident adds when quoting them (打通了产业发展)
        self._bare = [_ASPECT.sub("", unit.key) for unit in self._units]
        self._bare_text = "\n".join(self._bare)
        # the lists the report counts off (一是……二是……三是), each with the word pairs of the section it stands in
        sections: dict[str, set[str]] = {}
        for unit in self._units:
            sections.setdefault(unit.passage.section, set()).update(unit.pairs)
        lists: list[list[_Unit]] = []
        for unit in self._units:
            if not _ENUMERATED.search(unit.passage.text):
                continue
            # a list goes on in its section until an item counted first (一是, 其一, 第一) starts another
            if lists and lists[-1][-1].passage.section == unit.passage.section and "一" not in unit.passage.text[:2]:
                lists[-1].append(unit)
            else:
                lists.append([unit])
        self._lists = [(items, frozenset(sections[items[0].passage.section])) for items in lists if len(items) >= 2]
        df = Counter(pair for unit in self._units for pair in unit.pairs)
        n = len(self._units) or 1
        self._idf = {pair: math.log(1 + n / count) for pair, count in df.items()}

    def answer(self, message: str) -> list[tuple[str, Entry]]:
        """(the part asked, the passage's entry) for each thing the message asks the wording of; [] when the
        sentences do not clearly hold it (or the message asks no wording)."""
        plain = self._normalizer.plain(message)
        as_typed = self._normalizer.fold(message)
        wording = _ASKED.search(as_typed) is not None
        if not wording and not _ASKS.search(plain):
            return []  # asks no wording and quotes nothing before a question word
        self.warm()  # (only now: a message that asks no wording does not wait for the sentences)
        # where in the text (文章最后把开发区比作什么, 结尾段用哪个词): a place, not a word of the sentence
        position = next((where for where, pattern in _POSITIONS.items() if pattern.search(as_typed)), None)
        if position is not None:
            as_typed = _POSITIONS[position].sub("，", as_typed)
        folded = _FRAME.sub("，", as_typed)
        content = self._normalizer.plain(folded)
        # the clause that asks (那科技成果用的是哪个词来形容) names what is wanted; the clauses before it are context
        # (做课堂小测验用：…): a noun the sources never use matters only in the clause that asks
        clauses = [c for c in _CLAUSES.split(as_typed) if c.strip()]
        asking = next((c for c in reversed(clauses) if _ASKED.search(c)), "")
        if self._unknown(self._normalizer.plain(_FRAME.sub("，", asking)) if asking else content):
            return []
        numbered = self._numbered(plain, content)
        if numbered:
            return numbered
        quoted = self._quoted(plain) or self._continued(message)
        if quoted is not None:
            return [(message, self._entry(quoted))]
        if not wording:
            return []
        labels = _LABELS.search(plain) is not None  # a caption or heading is asked: only those lines answer
        each = _EACH.search(plain) is not None
        items = _items(folded) if each else []
        if items and all(_ENUMERATED.search(item.strip("“”‘’\"'")) for item in items):
            items = []  # “一是、二是、三是”分别是什么: the counting off named, not the things
        if len(items) >= 2:
            # the context the items share (科技那一段…形容) decides between sentences that hold an item alike
            found = [self._best(self._wanted(item), _asked_pairs(content), labels, least=1) for item in items]
            if all(found) and len({u.passage.id for u in found if u}) == len(found):
                return [(item, self._entry(u, self._wanted(item))) for item, u in zip(items, found, strict=True) if u]
            return []
        if each:
            # several things asked and not named (开发区那三条分别用了哪三个比喻): a list the report counts off in the
            # section the message is about, item by item; one sentence does not answer them
            return self._counted_off(content)
        wanted = self._wanted(_FRAME.sub("，", asking)) if len(clauses) > 1 and asking else set()
        if self._weight(wanted) >= _MIN_WEIGHT:
            unit = self._best(wanted, _asked_pairs(content) - wanted, labels, position=position)
        else:
            wanted = _asked_pairs(content)
            unit = self._best(wanted, set(), labels, position=position)
        return [(message, self._entry(unit, wanted))] if unit is not None else []

    def _counted_off(self, content: str) -> list[tuple[str, Entry]]:
        """Each item of the one list the report counts off (一是……二是……) in the section that holds nearly all the
        message names, as many items as it asks of (哪三个), or []."""
        count = _COUNT.search(content)
        wanted = _asked_pairs(_LIST_WORDS.sub(" ", content))
        weight = self._weight(wanted)
        if weight < _MIN_WEIGHT / 2:  # one rare word of the section (开发区) is enough: the list is counted
            return []
        fits = [
            (self._weight(wanted & section) / weight, items)
            for items, section in self._lists
            if count is None or len(items) == int(count.group(1))
        ]
        held = sorted(((share, i) for i, (share, _) in enumerate(fits)), reverse=True)
        if not held or held[0][0] < _SURE or (len(held) > 1 and held[0][0] - held[1][0] < _LEAD):
            return []
        items = fits[held[0][1]][1]
        return [(unit.passage.text[:2], self._entry(unit)) for unit in items]

    def _numbered(self, plain: str, content: str) -> list[tuple[str, Entry]]:
        """Items of a list the report counts off, asked by their place and the words they begin with (开发区那三条，
        一是打出啥，二是做足啥; 第三条下好什么): each from the one list whose item at that place holds those words
        (or, with no words, whose section holds what the message names), or []."""
        asked = []  # (the place counted from 0, the words typed after it, the words asked)
        for m in _NUMBERED_ASK.finditer(plain):
            place = m.group(1) or m.group(2)
            asked.append((_PLACES.index(place) if place in _PLACES else int(place) - 1, m.group(3), m.group(0)))
        if not asked:
            return []
        wanted = _asked_pairs(_LIST_WORDS.sub(" ", content))
        fits = []
        for items, section in self._lists:
            if not all(place < len(items) and words in _ASPECT.sub("", items[place].key) for place, words, _ in asked):
                continue
            fits.append((self._weight(wanted & section), items))
        # one list holds them; several that do are told apart by the section the message names
        fits.sort(key=lambda fit: -fit[0])
        if not fits or (len(fits) > 1 and fits[0][0] <= fits[1][0]):
            return []
        items = fits[0][1]
        return [(said, self._entry(items[place])) for place, _, said in asked]

    def asks_beyond(self, message: str, quote: str) -> bool:
        """Whether the last clause of a message of several asks the wording of something ``quote`` does not hold
        (报道里形容科技服务用的是“宾至如归”，形容科技成果用的是哪个词, answered with 科技服务's sentence): the clauses
        before it are what the resident already knows."""
        folded = self._normalizer.fold(message)
        if not _ASKED.search(folded):
            return False  # (every answered message comes here: most ask no wording)
        clauses = [c for c in _CLAUSES.split(folded) if c.strip()]
        if len(clauses) < 2 or not _ASKED.search(clauses[-1]):
            return False
        self.warm()
        wanted = self._wanted(_FRAME.sub("，", clauses[-1]))
        weight = self._weight(wanted)
        held = self._weight(wanted & _pairs(self._normalizer.plain(quote)))
        return weight >= _MIN_WEIGHT and held < _SURE * weight

    def _weight(self, pairs: set[str]) -> float:
        return sum(self._idf.get(p, 0.0) for p in pairs)

    def _unknown(self, content: str) -> bool:
        """Whether the message names a noun the sources never use (化学式, 级别): it asks about something else.
        The county as residents call it (县里) is not such a noun."""
        nouns = noun_lexicon()
        return any(
            len(word) >= 2 and word in nouns and word not in self._text and word not in _HOME
            for word in segment(content)
        )

    def _wanted(self, text: str) -> set[str]:
        return _asked_pairs(self._normalizer.plain(text))

    def _entry(self, unit: _Unit, wanted: set[str] | None = None) -> Entry:
        passage = unit.passage
        if wanted and len(passage.text) > _LONG:
            passage = self._cut(passage, wanted)
        return entry_of(passage, self._kb.sources[passage.source])

    def _cut(self, passage: Passage, wanted: set[str]) -> Passage:
        """The clauses of a long sentence from the first to the last that holds what was asked, and the next one
        (what the sentence says of it): 创新型企业“独占鳌头”,全县拥有国家级高新技术企业40户, of a sentence of 300."""
        clauses = [c for c in _CLAUSE.findall(passage.text) if c]
        held = [self._weight(_pairs(self._normalizer.plain(c)) & wanted) for c in clauses]
        most = max(held, default=0.0)
        holding = [i for i, weight in enumerate(held) if weight >= most / 2 and weight > 0]
        if not holding:
            return passage
        first, last = holding[0], min(holding[-1] + 1, len(clauses) - 1)
        start = passage.start + sum(len(c) for c in clauses[:first])
        text = "".join(clauses[first : last + 1]).rstrip(",，:：")
        rest = passage.rest if start + len(text) == passage.end else ""
        return replace(passage, start=start, end=start + len(text), text=text, rest=rest)

    def _quoted(self, plain: str) -> _Unit | None:
        """The one sentence the message quotes at least :data:`_QUOTED` characters of, right before it asks what
        comes next ("开发区第一条说打出强链补链的什么")."""
        asks = _ASKS.search(plain)
        if asks is None:
            return None
        # the words before the question word, and the sentences, without the aspect particle, and without the 的
        # that ties the quote to its question word: a resident quoting the report adds them (彻底打通了产业发展的
        # 什么, of 彻底打通产业发展“中梗阻”); 是 stays, which asks of a thing (全国敬老文明号是哪个部门评的)
        before = _ASPECT.sub("", _TIE.sub("", plain[: asks.start()]))
        if len(before) < _QUOTED or before[-_QUOTED:] not in self._bare_text:
            return None
        # the longest end of the words before the question word that the sources hold (every shorter end is
        # held too, so the longest is found by halving)
        low, high = _QUOTED, len(before)
        while low < high:
            middle = (low + high + 1) // 2
            if before[-middle:] in self._bare_text:
                low = middle
            else:
                high = middle - 1
        tail = before[-low:]
        holding = [u for u, bare in zip(self._units, self._bare, strict=True) if tail in bare]
        # the words must stand in one sentence: in several they do not say which
        return holding[0] if len(holding) == 1 else None

    def _continued(self, message: str) -> _Unit | None:
        """The sentence that goes on from words the message quotes in quotation marks and asks what comes after
        (“转型引领”后面那半句咋说的): the first that holds them, when every sentence that does goes on alike."""
        if _NEXT.search(message) is None:
            return None
        for term in quoted_terms(message, _QUOTED_WORDS):
            key = _ASPECT.sub("", self._normalizer.plain(term))
            if len(key) < 2:
                continue
            holding = [(u, bare) for u, bare in zip(self._units, self._bare, strict=True) if key in bare]
            going_on = {bare[bare.index(key) + len(key) :][:_QUOTED] for _, bare in holding}
            if holding and len(going_on) == 1 and going_on != {""}:
                return holding[0][0]
        return None

    def _best(
        self, wanted: set[str], context: set[str], labels: bool, least: int = 2, position: str | None = None
    ) -> _Unit | None:
        """The one sentence that holds nearly all of what is wanted (at least ``least`` word pairs of it), clearly
        more than any other; ``context`` breaks a tie between two that hold it alike, and a place in the text
        asked for (``position``: first, last) between sentences that hold it nearly alike: the first or the last
        of them in the report."""
        weight = self._weight(wanted)
        if weight < _MIN_WEIGHT:
            return None
        scored = sorted(
            (
                (
                    self._weight(wanted.intersection(u.pairs)) / weight,
                    self._weight(context.intersection(u.pairs)),
                    i,
                )
                for i, u in enumerate(self._units)
                if u.passage.label or not labels
            ),
            reverse=True,
        )
        if not scored:
            return None
        (best, best_context, at), (second, second_context, _) = scored[0], scored[1] if len(scored) > 1 else (0, 0, 0)
        held = wanted.intersection(self._units[at].pairs)
        if best < _SURE or len(held) < least or (least > 1 and best * weight < _MIN_WEIGHT):
            return None
        if position is not None:
            near = [i for share, _, i in scored if share >= _SURE and best - share < _LEAD]
            at = max(near) if position == "last" else min(near)
            # the sentence must stand at that end of its part: a later one of the part that holds more of the message
            # than the found one may lack (某副县长最后把开发区形容成什么: only the first sentence of his part names
            # him, later ones name 开发区) leaves it open
            section = self._units[at].passage.section
            beyond = range(at + 1, len(self._units)) if position == "last" else range(at)
            if any(
                self._units[i].passage.section == section
                and self._weight(wanted.intersection(self._units[i].pairs)) > (1 - _SURE) * weight
                for i in beyond
            ):
                return None
            return self._units[at]
        if best - second < _LEAD and not (context and best == second and best_context > second_context):
            return None
        return self._units[at]
