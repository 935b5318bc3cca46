"""Asks run together without a mark between them, as voice input writes them (标准地出让了多少亩人才公寓接待了
多少人次全代办办结了多少项): where one ask ends and the next begins.

Grammar gives the usual place: right after a question word and its measure word (多少亩|人才公寓), after the noun a
which-word asks about (打造啥名片|民生创享), after the noun a count counts when nothing before it was counted
(几个村|试点), but before a measure (占有率多少|出口额). It cannot always tell: the noun after 多少张 is counted
(多少张床位) or begins the next ask (床位一共多少张|护理型床位). So every cut is offered with grammar's first, and the
caller keeps another only when its knowledge base reads that one clearly better (:func:`best_reading`). Pure
functions over text; the words are data (``run_on_*`` in zh.yaml).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence

from ..language import ZH
from .lexicon import noun_lexicon, segment

__all__ = ["MEASURE_AT_END", "as_one", "bare", "best_reading", "lean_on", "leans_back", "of_another", "run_on_readings"]

_ASK = ZH.pattern("run_on_ask")  # a question word that can end an ask (多少, 几, 第几, 啥, 哪个, 谁)
_TAIL = ZH.pattern("run_on_tail")  # what follows a question word inside its ask: a measure word (group 1), a particle
_UNITS = ZH.pattern("run_on_units")  # measure words of an amount (亩, 人次, 万吨): no noun after them is counted
_WHICH = ZH.pattern("run_on_which")  # question words that ask about the noun after them (啥, 哪家)
_WHO = ZH.pattern("run_on_who")  # question words that are the subject of the verb after them (谁主持的)
_FILLER = ZH.pattern("run_on_filler")  # between what is counted and the count (床位一共有多少张)
_BOUND = ZH.pattern("run_on_bound")  # right before a count: it belongs to the ask before (多少部门的多少项)
_COUNTS = ZH.pattern("run_on_counts")  # the question words of a count (多少, 几)
_NO_START = ZH.pattern("run_on_no_start")  # a word no ask begins with (了, 的, 呢)
_LEANS = ZH.pattern("run_on_leans")  # how a piece that names nothing points back (那投资是多少钱)
# a piece that is only a question word and its measure word (多少亿): no ask of its own
_BARE = re.compile("(?:" + ZH.source("run_on_ask") + ")(?:" + ZH.source("run_on_tail") + ")")
MEASURE_AT_END = re.compile("(?:" + ZH.source("measures") + ")$")  # a word that ends in a measure (煤炭产量)
_MEASURE_IN = ZH.pattern("measures")  # (analyse.MEASURES, which this module cannot import: analyse imports it)
_CLAUSE = re.compile(r"[，,。；;！!？?\s]+")
_MAX_CUTS = 6  # places tried between two question words
_MAX_READINGS = 24  # cuts tried for one clause
_MIN_PIECE = 2  # characters of an ask (查啥)
CLEARLY_BETTER = 15.0  # how much better the weakest piece of another cut must read than grammar's cut's


def run_on_readings(clause: str, folded: str) -> list[tuple[str, ...]]:
    """The ways to cut ``clause`` into the asks it runs together (each a tuple of pieces of ``clause``), grammar's
    cut first; [] when it holds one ask. ``folded`` is the clause folded to simplified characters, of the same
    length (positions are read in it and cut in ``clause``)."""
    if len(folded) != len(clause):
        return []
    words = segment(folded)
    starts = list(itertools.accumulate((len(w) for w in words), initial=0))
    asks = [(m, _TAIL.match(folded, m.end())) for m in _ASK.finditer(folded)]
    gaps: list[list[int]] = []
    for (ask, tail), (second, _) in itertools.pairwise(asks):
        end, start = tail.end(), second.start()  # type: ignore[union-attr]
        if start <= end or (_BOUND.search(folded, 0, start) and _COUNTS.fullmatch(second.group(0))):
            continue  # 哪年几月: one ask; 多少个部门的多少项: the second counts within the first
        cuts = [at for at in starts if end <= at <= start and not _NO_START.match(folded, at)]
        if not cuts:
            continue
        first = _grammar_cut(folded, words, starts, ask, tail, start)  # type: ignore[arg-type]
        gaps.append(sorted(cuts[:_MAX_CUTS], key=lambda at: at != first))
    readings: list[tuple[str, ...]] = []
    for chosen in itertools.islice(itertools.product(*gaps), _MAX_READINGS) if gaps else ():
        bounds = (0, *chosen, len(clause))
        pieces = tuple(clause[a:b] for a, b in itertools.pairwise(bounds))
        if all(len(p.strip()) >= _MIN_PIECE for p in pieces):
            readings.append(pieces)
    return readings


def _grammar_cut(
    folded: str, words: list[str], starts: list[int], ask: re.Match[str], tail: re.Match[str], second: int
) -> int:
    """Where grammar ends the ask of ``ask`` (its measure word ``tail``), before the next ask at ``second``."""
    end = tail.end()
    if end not in starts or (tail.group(1) and _UNITS.fullmatch(tail.group(1))):
        return end  # 多少亩|人才公寓: after an amount's measure word nothing is counted
    if _WHO.fullmatch(ask.group(0)):
        return _through_de(folded, words, starts, end, second)  # 谁主持的|谁作主要情况介绍
    noun = words[starts.index(end)]
    if end + len(noun) > second or noun not in noun_lexicon() or MEASURE_AT_END.search(noun):
        return end  # 占有率多少|出口额: a measure begins the next ask
    # the noun and the nouns that compound with it (多少户硝基复合肥企业|总产能), short of a measure and the next ask
    after = end + len(noun)
    for word in words[starts.index(end) + 1 :]:
        if after + len(word) > second or word not in noun_lexicon() or MEASURE_AT_END.search(word):
            break
        after += len(word)
    if _WHICH.fullmatch(ask.group(0)):
        return _through_de(folded, words, starts, after, second)  # 打造啥名片|民生创享, 哪家公司建的|哪位院士
    before = _FILLER.sub("", folded[: ask.start()])
    counted_before = any(before.endswith(w) for w in words if len(w) >= 2 and w in noun_lexicon())
    return end if counted_before else after  # 床位一共多少张|护理型床位, but 某镇几个村|试点


def _through_de(folded: str, words: list[str], starts: list[int], at: int, second: int) -> int:
    """``at``, or past the predicate that follows it when a 的 closes it before the next ask (谁主持的, 哪家公司建
    的): the asker's question word is its subject; a verb with no 的 asks of its own (帮啥|查啥)."""
    if at not in starts:
        return at
    end = at
    for word in words[starts.index(at) :]:
        end += len(word)
        if end > second:
            return at
        if word == "的":
            return end
    return at


def best_reading(
    readings: Sequence[tuple[str, ...]], score: Callable[[str, bool], float | None], answers: float
) -> tuple[str, ...]:
    """Grammar's reading (the first), unless the weakest piece of another reads clearly better (by
    :data:`CLEARLY_BETTER`; the others are read only when grammar's weakest piece is below ``answers`` by as much).
    The clause stays whole when a piece of that reading would not be answered (below ``answers``) and the whole
    reads at least as well as that piece (几位县领导是按什么顺序发言的: 几位 asks nothing). ``score(piece, first)``
    reads one piece (``first``: it begins the clause); None: the piece leans on the one before (占全国多少) and
    reads as that one does."""
    scores: dict[tuple[str, bool], float | None] = {}

    def weakest(reading: tuple[str, ...]) -> float:
        read: list[float] = []
        for at, piece in enumerate(reading):
            if (piece, at == 0) not in scores:
                scores[piece, at == 0] = score(piece, at == 0)
            own = scores[piece, at == 0]
            read.append(own if own is not None else (read[-1] if read else 0.0))
        return min(read)

    grammar = weakest(readings[0])
    kept = readings[0]
    if grammar < answers + CLEARLY_BETTER:  # (when grammar's cut reads well, the others are not read)
        best = max(readings[1:], key=weakest, default=readings[0])
        kept = best if weakest(best) > grammar + CLEARLY_BETTER else readings[0]
    whole = ("".join(readings[0]),)
    return whole if weakest(kept) < answers and weakest(whole) >= weakest(kept) else kept


def bare(piece: str) -> bool:
    """Whether a piece is only a question word and its measure word (多少亿, 几个): it asks nothing of its own."""
    return _BARE.fullmatch(piece.strip()) is not None


def leans_back(piece: str) -> bool:
    """Whether a piece that names nothing asks of what came before it (那投资是多少钱), not of the ask after it."""
    return _LEANS.match(piece.strip()) is not None


def lean_on(previous: str, current: str) -> str:
    """``current``, an ask that names no thing of its own (增长了多少, 产量多少), asked of the thing ``previous``
    asks about: what comes before its question word (一般公共预算收入增长了多少), less its measure when
    ``current`` asks another (煤炭储量多少 → 煤炭产量多少); "" when ``previous`` names nothing before it."""
    thing, without_measure, _, _ = _asked_of(previous)
    current = current.strip().lstrip("、，,和及与跟")
    if _MEASURE_IN.search(current):
        thing = without_measure
    return thing + current if len(thing) >= 2 and current else ""


def of_another(previous: str, other: str) -> str:
    """What ``previous`` asks, from its measure on, asked of ``other``, a message that names only another thing
    (城镇居民人均可支配收入多少 → 农村的呢: 农村收入多少; 煤炭可采储量多少 → 铝土矿呢: 铝土矿储量多少); "" when
    ``previous`` asks no measure of a thing before it."""
    _, _, measure, asking = _asked_of(previous)
    return other + measure + asking if measure and asking and other else ""


def _asked_of(previous: str) -> tuple[str, str, str, str]:
    """What ``previous`` asks of: the thing before its question word, in the clause that asks (not the story before
    it: 想给奶奶打听打听，县里养老机构一共), that thing less the measures it ends in, the first of those measures
    (煤炭可采储量 → 煤炭可采储量, 煤炭可采, 储量), and the ask from its question word on ("" when it has none)."""
    asked = _ASK.search(previous)
    thing = _CLAUSE.split(previous[: asked.start()] if asked else previous)[-1].strip()
    bare, measure = thing, ""
    while (last := MEASURE_AT_END.search(bare)) is not None and last.start() > 0:
        bare, measure = bare[: last.start()], last.group(0)
    return thing, bare, measure, previous[asked.start() :] if asked else ""


def as_one(readings: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    """The clause whole, as one ask (a claim asked again with its question word where the value was: 哪所大学在
    哪个城市)."""
    return ("".join(readings[0]),)
