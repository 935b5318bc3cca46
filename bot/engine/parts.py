"""How the parts of a message answered one by one stand to each other and to the message: whether a part was asked
outright (a question mark after it), whether it asks about another entry than the whole message's answer, and
whether a sentence of the source holds what another answer quotes. Part of the core: no Telegram here."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace

from ..knowledge.model import Entry, KnowledgeBase, quote_key
from ..language import Vocabulary
from ..language.text import Normalizer, bigrams, positions
from .analyse import QUESTION_MARK, WHAT_KIND, Analysis, analyse, last_clause, names_nothing, salient_nouns, subject_of
from .decide import Decider, Scored
from .followup import leaning_on_things, leaning_parts, points_at_person
from .lexicon import noun_lexicon
from .result import MatchResult, Status
from .runon import bare, leans_back

__all__ = [
    "asked_outright",
    "asks_elsewhere",
    "holds",
    "lean_back",
    "lean_each",
    "names_elsewhere",
    "one_of_its_questions",
    "piece_reader",
    "tells",
]

_MARK_AFTER = re.compile(r"\s*[？?]")  # a question mark right after a clause


def holds(passage: Entry | None, entry: Entry | None) -> bool:
    """Whether a sentence of the source holds the words an entry quotes (the same fact, cited twice)."""
    held = quote_key(entry.quote) if entry is not None else ""
    return passage is not None and bool(held) and held in quote_key(passage.quote)


def asked_outright(part: MatchResult, message: str) -> bool:
    """Whether a part's last clause ends in a question mark in the message (……是哪个领导讲的？), rather than
    running on into the rest of a story (说咱县在全市啥啥第一，我也没听全)."""
    last = last_clause(part.question)
    return bool(last) and any(_MARK_AFTER.match(message, at + len(last)) for at in positions(last, message))


def asks_elsewhere(part: MatchResult, whole: MatchResult) -> bool:
    """Whether a part clearly asks about another entry than the whole message's answer."""
    if part.status in (Status.ANSWERED, Status.PARTIAL):
        return part.entry is not None and part.entry != whole.entry
    if part.status is Status.AMBIGUOUS:
        return all(c.entry != whole.entry for c in part.candidates)
    return False


def names_elsewhere(
    decider: Decider, kb: KnowledgeBase, message: str, analysis: Analysis, part: MatchResult, whole: MatchResult
) -> bool:
    """A question of its own that matched nothing: it ends in a question mark, and names a subject the
    whole message's answer never mentions ("……是哪个领导讲的？总目标又是什么？")."""
    if part.status is not Status.NO_MATCH or whole.entry is None or part.out_of_scope:
        return False
    if not asked_outright(part, message):
        return False
    index = kb.index_of(whole.entry.id)
    if index is None:
        return False
    # a noun of the release (another entry states it) that the answer does not: 总目标, not 年 or 原话
    subject = subject_of(analysis.focus, decider.vocabulary)
    lexicon = noun_lexicon()
    nouns = [n for n in bigrams(subject) if n in lexicon and decider.facts.known_to_base(n)]
    return bool(nouns) and not any(decider.facts.mentions(index, n) for n in nouns)


def tells(normalizer: Normalizer, part: MatchResult, message: str) -> bool:
    """Whether a part only tells (这几年老是裂果): its last clause has no question word and no question mark."""
    last = last_clause(part.question)
    return not QUESTION_MARK.search(normalizer.fold(last)) and not asked_outright(part, message)


def piece_reader(
    normalizer: Normalizer, vocab: Vocabulary, rank: Callable[[Analysis], Sequence[Scored]]
) -> Callable[[str, bool], float | None]:
    """How well a base reads one piece of asks run together (``first``: the piece begins its clause), by its best
    entry's score. A piece that is only a question word and its measure word (多少亿) asks nothing; one that names
    nothing else leans on the piece before (占全国多少: None), or, beginning the clause, on what came before it
    when it points back (那投资是多少钱)."""

    def score(piece: str, first: bool) -> float | None:
        analysis = analyse(normalizer, piece, vocab)
        if not analysis.key or bare(piece):
            return 0.0
        if names_nothing(analysis.key, vocab) and not (first and leans_back(piece)):
            return 0.0 if first else None
        ranked = rank(analysis)
        return ranked[0].score if ranked else 0.0

    return score


def one_of_its_questions(normalizer: Normalizer, result: MatchResult, analysis: Analysis) -> bool:
    """Whether an answered message is, word for word once normalised, the question of the entry it matched
    (科技赋能 吹响“创新型县”特色名片: a heading asked as it stands, not two keyword clauses)."""
    if result.status is not Status.ANSWERED or not result.candidates:
        return False
    return normalizer.normalize(result.candidates[0].question) == analysis.key


def _states_named(decider: Decider, kb: KnowledgeBase, result: MatchResult, part: str) -> bool:
    """Whether the entry that answers ``result`` states every noun ``part`` names (社工站 …提供什么服务: 服务)."""
    index = kb.index_of(result.entry.id) if result.entry is not None else None
    nouns = salient_nouns(WHAT_KIND.sub(" ", part), decider.vocabulary)  # (什么级别: the kind asked, not stated)
    return index is not None and all(decider.facts.mentions(index, n) for n in nouns)


def _reads_another(decider: Decider, kb: KnowledgeBase, again: MatchResult, part: str, before: MatchResult) -> bool:
    """Whether ``again``, a part that names only another thing (国家级的呢) read with the part ``before`` it, is
    answered about that thing: by an entry that states it and is not the one ``before`` was answered by."""
    return again.status is Status.ANSWERED and again.entry != before.entry and _states_named(decider, kb, again, part)


def lean_back(
    parts: Sequence[str],
    results: list[MatchResult],
    alone: Sequence[bool],
    read: Callable[[str], MatchResult],
    as_person: Callable[[str, Entry | None], list[str]],
    decider: Decider,
    kb: KnowledgeBase,
) -> None:
    """Each part that leaves its subject out (社工站几个？都给老人帮些啥) or names only another thing (省级专精特新企业
    多少户 国家级的呢) after an answered part, read with that part's subject (``followup.leaning_parts``), in
    ``results``. ``alone``: which parts were answered alone; ``read``: decides one text as a part; ``as_person``: a
    question with its 他/她 replaced by the person an entry names. A part answered alone keeps its answer unless a
    reading is answered about the other thing it names, by another entry than the part before it, and its own answer
    is not already one (on the topic of the part before, stating the thing, and not the part before's entry)."""
    for i, readings in leaning_parts(parts, alone, decider.vocabulary).items():
        own, before = results[i], results[i - 1]
        if alone[i] and _same_topic(own, before) and _reads_another(decider, kb, own, parts[i], before):
            continue  # answered alone about that thing, on the same topic (省级的呢: the 29 provincial firms)
        # 他/她 after a part that asks who (发布会开场是谁介绍的，他是什么职务): the person its answer names
        if points_at_person(parts[i - 1], parts[i]):
            readings = as_person(parts[i], before.entry) or readings
        for reading in readings:
            again = read(reading)
            if _reads_another(decider, kb, again, parts[i], before) if alone[i] else again.status is Status.ANSWERED:
                results[i] = replace(again, question=parts[i])
                break


def _same_topic(one: MatchResult, other: MatchResult) -> bool:
    """Whether two answers come from entries of one topic (养老机构's beds and its occupancy rate, not 煤炭 and
    食用菌)."""
    return one.entry is not None and other.entry is not None and one.entry.topic == other.entry.topic


def lean_each(
    parts: Sequence[str],
    results: list[MatchResult],
    alone: Sequence[bool],
    read: Callable[[str], MatchResult],
    names: Callable[[], Collection[str]],
    fold: Callable[[str], str],
    decider: Decider,
    kb: KnowledgeBase,
) -> None:
    """Each part after an answered one read with that one's thing (``followup.leaning_on_things``), in ``results``:
    a part that names no thing of its own (产量多少) or is not answered alone (省级几户). ``alone``: which parts were
    answered alone; ``read``: decides one text as a part. The reading answers only by an entry that states what it
    names (not 城乡融合呢 by 王向前's entry); a part that names no thing of its own, not stated of the thing before,
    keeps no answer from another topic (煤炭储量多少 产值多少 is not 食用菌's) unless the reading points at it too."""
    now = [r.status is Status.ANSWERED for r in results]
    for i, leaned in leaning_on_things(parts, alone, now, names, fold).items():
        again = read(leaned)
        named = again.status is Status.ANSWERED and _states_named(decider, kb, again, leaned if alone[i] else parts[i])
        # (nor when the reading, unsure, points at the part's own answer: 目标原话是啥，挺进什么方阵 is the goal's; not
        # when it is answered by it without the thing named: 煤炭产值多少 answered with 食用菌's)
        unsure = again.status is not Status.ANSWERED
        own = alone[i] and unsure and results[i].entry in [c.entry for c in again.candidates]
        if named or (alone[i] and not own and not _same_topic(results[i - 1], results[i])):
            results[i] = replace(again, question=parts[i]) if named else MatchResult(parts[i], Status.NO_MATCH)
