"""Decide: does an entry answer what was asked, and how sure is the engine?

Answerability is checked against the :class:`~bot.engine.analyse.Analysis` of the question by the registered
checks of :mod:`bot.engine.checks`: an entry that is on the topic may still not state what is asked, and each such
*gap* (:class:`~bot.engine.gaps.GapKind`) names what is missing.

The score (0-100) combines the retrieval evidence; a gap lowers it. The status follows from the score,
the lead over the runner-up and the gaps, with thresholds fitted on labelled questions
(``python -m bot fit``): ``answered``; ``partial`` when the topic is clearly covered but a detail is
not (the reply says what is missing and gives the closest fact, cited); ``ambiguous``; ``no_match``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..knowledge.model import Entry, KnowledgeBase
from ..language import ZH, Vocabulary
from ..language.text import Normalizer, pinyin_key, positions, quoted_terms
from ..settings import Thresholds, Weights
from .analyse import ASK_KINDS, QUESTION_MARK, WHAT_KIND, Analysis, salient_nouns, subject_of
from .checks import WHO, WHO_FRAME, find_gaps, numbered_phrases
from .facts import EntryFacts
from .gaps import Gap, GapKind
from .retrieve import Evidence, Retriever
from .wholecount import counted_alone, whole_counts

__all__ = ["Decider", "Gap", "GapKind", "Scored", "keywords_only"]


@dataclass(frozen=True)
class Scored:
    score: float  # with the gaps' penalties
    index: int
    question: str
    gaps: tuple[Gap, ...]
    base: float  # the score the evidence alone gives

    @property
    def blocked(self) -> str:
        """The out-of-scope term that rules this entry out, or ''."""
        return next((g.detail for g in self.gaps if g.kind == "scope"), "")


_WORDS_WITHIN = ZH.pattern("words_within")
_QUOTED_TERM = 12  # the longest term a question quotes from the release (“管理创新”)
_NAMED = re.compile(r"《[^《》]+》|“[^“”]+”")  # a name as an answer writes it: a title, or in quotation marks
_CLAUSE_SPLIT = re.compile(r"[，,。！!；;\s]+")
_CLAUSE_MAX = 20  # characters of one asking clause
_CHOICE = ZH.pattern("choice")  # a choice offered between two things (A还是B)
_PHRASE_WORDS = ZH.pattern("phrase_words")  # words that join a phrase or state something (的, 是, 讲)
_WHERE_ONE_IS = ZH.pattern("where_one_is")  # the words before a place that say the resident is there (我在)
_KIND_WHAT = ZH.pattern("kind_what")
_COUNT_KIND = ZH.pattern("count_kind")
_DEPUTY = ZH.chars("deputy")  # 副: 副县长 is not the 县长 asked for
_PERSON_TITLES = tuple(sorted(ZH.words("person_titles"), key=len, reverse=True))  # 副县长, 县长, 主任 …


def keywords_only(analysis: Analysis) -> bool:
    """Whether a message is things named and nothing else: no question word, no check, no words that make a
    phrase or a statement of it (产学研 合作协议 联合研发项目 数量; not 某副县长讲的入住率, nor 是省级还是市级)."""
    message = analysis.message
    return not (
        QUESTION_MARK.search(message) or analysis.checks or _CHOICE.search(message) or _PHRASE_WORDS.search(message)
    )


class Decider:
    """Answerability checks and the decision for one knowledge base."""

    def __init__(
        self,
        kb: KnowledgeBase,
        normalizer: Normalizer,
        retriever: Retriever,
        *,
        thresholds: Thresholds | None = None,
        weights: Weights | None = None,
    ) -> None:
        self.thresholds = thresholds or Thresholds()
        self.weights = weights or Weights()
        self._normalizer = normalizer
        self._entries: Sequence[Entry] = kb.entries
        self._vocab = Vocabulary.for_place(kb.place)
        self._typed: dict[str, str] = {}
        self._other_places = self._scope_terms((*kb.scope.other_places, *kb.scope.names))
        self.elsewhere = frozenset(self._scope_terms(kb.scope.other_places))  # places, not the release's names
        # the other places a message may claim of the county (北边挨着某地吧): not the areas above it (全省)
        self.claimable_places = tuple(p for p in kb.scope.other_places if not self._vocab.bigger_areas.search(p))
        # people and bodies the release names: one named with a topic they spoke on is not another subject
        names = frozenset(self._scope_terms(kb.scope.names))
        self.facts = EntryFacts(kb, normalizer, retriever, self._vocab, names=names)
        self._not_covered = self._scope_terms(kb.scope.not_covered)
        self._names = kb.scope.names
        # names of three characters or more are also recognised when typed with homophones (刘大朋)
        self._name_sounds = tuple(
            (name, pinyin_key(name)) for name in self._scope_terms(kb.scope.names) if len(name) >= 3
        )
        # every scope term under its first two characters: a question is checked only against the terms whose
        # beginning it holds (hundreds of terms, a few of them ever near a question)
        self._scope_by_start: dict[str, list[str]] = {}
        for term in (*self._other_places, *self._not_covered):
            self._scope_by_start.setdefault(term[:2], []).append(term)

    @property
    def vocabulary(self) -> Vocabulary:
        """The language with this base's place added."""
        return self._vocab


    # ----------------------------------------------------------------------------------------------
    # What an entry states

    def _scope_terms(self, terms: Iterable[str]) -> tuple[str, ...]:
        """Scope terms as they appear in normalised keys and as typed (both are checked)."""
        normalizer = self._normalizer
        terms = list(terms)
        keys = {normalizer.canonical_term(t) for t in terms} | {normalizer.plain(t) for t in terms}
        # a term as typed, for the one the normalising rewrote (几岁 is 多少岁 in the keys; a reply names 几岁)
        self._typed.update((normalizer.canonical_term(t), normalizer.plain(t)) for t in terms)
        # longest first, and in one order from run to run (a set's order changes with each process)
        return tuple(sorted((k for k in keys if k), key=lambda k: (-len(k), k)))


    # ----------------------------------------------------------------------------------------------
    # Answerability

    def scope_terms_in(self, analysis: Analysis) -> tuple[str, ...]:
        """The out-of-scope terms a question names (as normalised, or as typed), and the other places any clause
        that asks names ("邻县有经济开发区吗，产出强度是多少" asks about the other county's; "孩子在外地打工" asks
        nothing)."""
        # (a clause as long as a run-on voice message is a story with a question in it, not a question)
        asking = [c for c in _CLAUSE_SPLIT.split(analysis.message) if len(c) <= _CLAUSE_MAX and QUESTION_MARK.search(c)]
        near = {
            start
            for text in (analysis.focus, analysis.plain, *asking)
            for at in range(len(text))
            for start in (text[at], text[at : at + 2])
        }
        by_start = self._scope_by_start
        nearby = {t for start in near for t in by_start.get(start, ())}
        # a name a checking message claims (是农业农村部给的吧) is the claim, not the subject: the claim check judges it
        claimed = {t for t in self._names if "是" + t in analysis.message} if analysis.checks else set()
        # a choice between names (是农业农村部授予的还是中国氮肥工业协会授予的): the entry states one of them
        claimed |= self._choice_names(analysis.message)
        # where the resident is (我在邻县听人说, 我是外县人), named nowhere else: who asks, not what is asked about
        claimed |= {t for t in self._other_places if t in nearby and self._only_where_one_is(t, analysis.plain)}
        typed = self._typed
        return tuple(
            typed[term] if term in typed and typed[term] in analysis.plain else term  # (as the message says it)
            for term in (*self._other_places, *self._not_covered)
            if term in nearby
            and term not in claimed
            and (term in analysis.focus
            or term in analysis.plain
            or (term in self._other_places and any(term in clause for clause in asking)))
        ) + tuple(name for name, sound in self._name_sounds if sound in analysis.pfocus and name not in analysis.plain)


    @staticmethod
    def _only_where_one_is(place: str, plain: str) -> bool:
        """Whether every mention of an other place says where the resident is or comes from (我在邻县听人说)."""
        starts = positions(place, plain)
        return bool(starts) and all(_WHERE_ONE_IS.search(plain[max(0, at - 4) : at]) for at in starts)

    def _choice_names(self, message: str) -> set[str]:
        """The names on both sides of a choice the message offers (A还是B), when each side names one; and a term
        the release never covers on one side of a choice (李刚是县委书记还是县长): one choice, not the subject."""
        found: set[str] = set()
        for choice in _CHOICE.finditer(message):
            sides = [{n for n in self._names if n in choice.group(side)} for side in ("a", "b")]
            if all(sides):
                found |= sides[0] | sides[1]
            for side, other in (("a", "b"), ("b", "a")):
                if len(choice.group(other).strip("是吗呢啊呀")) >= 2:
                    found |= {t for t in self._not_covered if t in choice.group(side)}
        return found

    # ----------------------------------------------------------------------------------------------
    # Scores

    def gaps(self, analysis: Analysis, index: int, scope_terms: tuple[str, ...]) -> tuple[Gap, ...]:
        """Everything asked that the entry does not state (empty: the entry answers the question)."""
        return find_gaps(self.facts, analysis, index, scope_terms, ungrounded_min=self.thresholds.ungrounded)

    def warm(self, limit: int = 5_000) -> None:
        """Work out what each entry states before the first questions (see :meth:`EntryFacts.warm`)."""
        self.facts.warm(limit)

    def base_score(self, e: Evidence) -> float:
        w = self.weights
        if e.long_query:
            return 100 * (w.long_coverage * e.coverage + w.long_contain * e.contain + w.long_fuzzy * e.fuzzy)
        return 100 * (w.coverage * e.coverage + w.contain * e.contain + w.fuzzy * e.fuzzy) * (1 - w.novelty * e.novelty)

    def score(self, base: float, gaps: tuple[Gap, ...]) -> float:
        w = self.weights
        score = base
        if any(g.kind == "number" for g in gaps):
            score *= w.number_penalty
        if any(g.kind not in ("number", "scope") for g in gaps):
            score *= w.gap_penalty
        if any(g.kind == "scope" for g in gaps):
            score = min(score * 0.6, self.thresholds.suggest - 1)
        return score

    def contested(self, analysis: Analysis, indices: Iterable[int]) -> tuple[str, ...]:
        """The kinds of thing asked for (啥体制, 什么改革) that some of these entries name and others do not.

        A kind no candidate names (啥职务, 什么方向) is a word of asking: the value is the answer. A kind
        some candidate names is the thing asked for, and an entry that never names it does not answer. A message
        of keywords alone (产学研 合作协议 联合研发项目 数量) asks of every thing it names.
        """
        kinds = salient_nouns(analysis.plain, self._vocab) if keywords_only(analysis) else []
        for match in WHAT_KIND.finditer(analysis.plain):
            nouns = salient_nouns(match.group(1), self._vocab)
            if nouns and match.group(1).startswith(nouns[0]):
                kinds.append(nouns[0])
        for match in _KIND_WHAT.finditer(analysis.plain):  # 目标是啥
            nouns = salient_nouns(match.group(1), self._vocab)
            if not nouns:  # a set phrase read as one word (奋斗目标): the noun it ends in (目标)
                tails = (match.group(1)[-3:], match.group(1)[-2:])
                nouns = next(([t] for t in tails if salient_nouns(t, self._vocab) == [t]), [])
            if nouns and match.group(1).endswith(nouns[-1]):
                kinds.append(nouns[-1])
        # a word that itself asks (年份 of 某县 建县 年份) is the kind of answer, not a thing asked of
        kinds = [k for k in kinds if not any(p.fullmatch(k) for p in ASK_KINDS.values())]
        if not kinds:
            return ()
        indices = list(indices)
        return tuple(k for k in kinds if any(k in self.facts.said_as_typed(i) for i in indices))

    def _states_kind(self, index: int, kind: str, analysis: Analysis) -> bool:
        """Whether the entry states a kind of thing asked for (县长): not when its answer says it only as another
        role (副县长) that the message does not ask."""
        if not self.facts.mentions(index, kind):
            return False
        said = self.facts.said_as_typed(index)
        found = positions(kind, said)
        if not found or pinyin_key(_DEPUTY + kind) in pinyin_key(analysis.plain):  # (付县长: a typo of 副县长)
            return True
        # a deputy is called by surname and the role (崔县长 for 副县长崔维廷)
        surnames = {name[0] for name in self.facts.people_in(index)}
        if any(analysis.plain[p - 1] in surnames for p in positions(kind, analysis.plain) if p > 0):
            return True
        return any(said[max(0, p - len(_DEPUTY)) : p] != _DEPUTY for p in found)

    def counts_kind(self, index: int, kind: str) -> bool:
        """Whether the entry's answer names a kind of thing counted (设施), or counts it by one of its characters
        as the measure word (4镇3乡 counts 乡镇)."""
        if self.facts.says(index, kind):
            return True
        return re.search(r"\d(?:" + "|".join(map(re.escape, kind)) + ")", self.facts.said_as_typed(index)) is not None

    def counted_kinds(self, analysis: Analysis, indices: Iterable[int]) -> tuple[str, ...]:
        """The kinds of thing counted (养老设施建了多少个: 设施) that some of these entries' answers name and others'
        do not: an answer that counts 日间照料中心、幸福小屋 does not count 设施, though its questions say it."""
        kinds = []
        for match in _COUNT_KIND.finditer(analysis.plain):
            nouns = salient_nouns(match.group(1), self._vocab)
            if nouns and match.group(1).endswith(nouns[-1]):
                kinds.append(nouns[-1])
        if not kinds:
            return ()  # (the entries are not read: they may not be scored yet)
        indices = list(indices)
        return tuple(k for k in kinds if any(self.counts_kind(i, k) for i in indices))

    def scored(
        self,
        evidence: Evidence,
        analysis: Analysis,
        scope_terms: tuple[str, ...],
        factor: float = 1.0,
        contested: tuple[str, ...] = (),
        counted: tuple[str, ...] = (),
    ) -> Scored:
        base = factor * self.base_score(evidence)
        gaps = self.gaps(analysis, evidence.index, scope_terms)
        missing = [k for k in contested if not self._states_kind(evidence.index, k, analysis)] if contested else []
        missing += [k for k in counted if not self.counts_kind(evidence.index, k)]
        if missing:
            gaps += (Gap(GapKind.ASK_KIND, "、".join(missing)),)
        # unexplained nouns are weak evidence on their own (the general lexicon is noisy): they lower the
        # score, and so the confidence, without ruling the entry out
        unexplained = [g for g in gaps if g.kind == "words"]
        gaps = tuple(g for g in gaps if g.kind != "words")
        score = self.score(base, gaps) * (self.weights.unexplained_penalty if unexplained else 1.0)
        return Scored(score, evidence.index, evidence.question, gaps, base)


    def concurs(self, analysis: Analysis, first: int, other: int) -> bool:
        """Whether ``other`` gives the same reply as ``first``: it cites the same passage or restates it, or,
        asked who, it names the same people and bodies (刘大鹏 in his own entry and in the topic he presented)."""
        if self.facts.agree(first, other):
            return True
        said = self.facts.said_as_typed
        for _, filled in numbered_phrases(analysis.message):
            # 几帮几查: two entries that both state it filled in the same way (三帮四查) give the same reply
            found = [filled.search(said(i)) for i in (first, other)]
            if found[0] and found[1] and found[0].group(0) == found[1].group(0):
                return True
        if "names" in analysis.asks:
            # asked what a thing is called (全名叫啥, 简称是什么): one that gives every name the best gives, as
            # written (《某某县养老服务体系建设“十四五”规划》 in the plan's entry and in the policies')
            names = _NAMED.findall(self._entries[first].answer)
            return bool(names) and all(n in self._entries[other].answer for n in names)
        if "person" not in analysis.asks:
            return False
        # only when the best entry explains the whole question: 开发区管委会主任是谁 names a role the
        # presenter's entry never mentions, and two entries naming 王向前 do not make him its head
        topics = [n for n in salient_nouns(analysis.message, self._vocab) if n not in WHO_FRAME]
        if not all(self.facts.mentions(first, n) for n in topics):
            return False
        answer = self._entries[first].answer
        named = [n for n in self._names if n in answer]
        if len(named) > 1 and topics:
            # an entry that names several people (all the speakers, each with a topic): the ones named in the
            # clause that holds the topic asked about (副县长王向前（经济开发区）)
            clauses = [c for c in re.split(r"[，,。；;]", answer) if any(n in c for n in topics)]
            named = [n for n in named if any(n in c for c in clauses)]
        return bool(named) and all(n in self._entries[other].answer for n in named)


    def quoted_terms(self, question: str, index: int) -> list[str]:
        """The terms the question quotes from the release (“管理创新”) that the entry states: an entry without them
        does not compete with it."""
        said = [*quoted_terms(question, _QUOTED_TERM), *_WORDS_WITHIN.findall(question)]  # (标题里有个享老)
        quoted = [self._normalizer.plain(t) for t in said]
        return [t for t in quoted if len(t) >= 2 and self.facts.mentions(index, t)]

    def quotes_alone(self, question: str, index: int, second: float) -> bool:
        """Whether the question quotes the release's words (“一脉相承的根基”, four characters or more) that this
        entry alone states, with no other entry close: as sure as a high score."""
        if second >= self.thresholds.suggest:
            return False
        quoted = [q for q in self.quoted_terms(question, index) if len(q) >= 4]
        return any(self.facts.entries_stating(self._normalizer.normalize(q)) == [index] for q in quoted)

    def counted_by(self, analysis: Analysis) -> tuple[int, ...]:
        """The entries that state the one figure for the whole county of what the question only counts (全县有多少个
        行政村; wholecount.py): a fact looked up, which answers as surely as a high score."""
        home = self.vocabulary.home_name
        noun, unit = counted_alone(analysis.plain, home) if analysis.asks == {"count"} else ("", "")
        if not noun:
            return ()
        found = self.facts.entries_stating(self._normalizer.normalize(noun))
        stated = {i: whole_counts(self._entries[i].answer, noun, home, unit) for i in found}
        figures = set().union(*stated.values()) if stated else set()
        return tuple(i for i, f in stated.items() if f) if len(figures) == 1 else ()

    def names_every_holder(self, analysis: Analysis, ranked: Sequence[Scored]) -> Scored | None:
        """副县长有哪些, 副县长是谁: a title asked with no name, which close entries each give one holder of; the entry
        that names every one of them (the speakers' list) answers, not one of them. None when there is none."""
        title = next((t for t in _PERSON_TITLES if t in analysis.plain), "")
        home = self.vocabulary.home_names
        asked = analysis.asks & {"which", "person", "names"} or WHO.search(analysis.plain)
        if not title or not asked or any(name in analysis.message for name in self._names):
            return None
        close = [s for s in itertools.islice(ranked, 5) if not s.gaps and s.score >= self.thresholds.suggest]
        held = {s.index: self._holders(s.index, title) for s in close}
        singles = set().union(*(h for h in held.values() if len(h) == 1))
        every = next((s for s in close if len(singles) >= 2 and singles <= held[s.index]), None)
        # (三个一体化是哪个副县长讲的 asks who of a topic: the best names it, the list does not)
        rest = subject_of(analysis.key, self.vocabulary).replace(title, " ")
        topic = [rest[i : i + 2] for i in range(len(rest) - 1) if " " not in rest[i : i + 2]]
        mentions = self.facts.mentions
        if every is None or any(mentions(ranked[0].index, t) and not mentions(every.index, t) for t in topic):
            return None
        # (白副县长, 县委常委副县长: a surname or a fuller title before the title asks for that one holder)
        at = analysis.plain.find(title)
        before = analysis.plain[max(0, at - 4) : at].rstrip("的")
        for name in home:
            before = before.replace(name, "")
        answer = self._entries[every.index].answer
        if before and any(
            before[-1] == name[0] or before in answer[max(0, answer.find(name) - 10) : answer.find(name)]
            for name in singles
        ):
            return None
        return every

    def _holders(self, index: int, title: str) -> set[str]:
        """The names the entry's answer gives the title to (副县长某某, 某某是某县县委常委、副县长)."""
        answer = self._entries[index].answer
        lone = "" if title[0] in _DEPUTY else f"(?<!{_DEPUTY})"  # (县长 is not 副县长)
        return {
            name for name in self._names
            if re.search(f"{lone}{re.escape(title)}[^，。；、]?{re.escape(name)}", answer)
            or re.search(f"{re.escape(name)}是[^，。；]{{0,8}}{lone}{re.escape(title)}", answer)
        }

    def confident(self, score: float, second: float) -> bool:
        t = self.thresholds
        lead = score - second
        return (score >= t.answer and (lead >= t.lead or score >= t.sure)) or (
            score >= t.answer_alone and lead >= t.lead_alone
        )

