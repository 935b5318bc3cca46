"""Match a resident's question to the knowledge base: analyse → retrieve → decide.

1. :mod:`bot.engine.analyse` works out what is asked: the asking clause of a long message, the kind of
   information asked for, the numbers named, the thing counted, a bigger area, and the parts of a
   message that asks several things. Greetings, thanks and "who are you" are small talk.
2. :mod:`bot.engine.retrieve` finds the entries the question is about, with the evidence for each.
3. :mod:`bot.engine.decide` checks whether each entry states what is asked (its *gaps*), scores it, and
   decides: ``answered``, ``partial`` (the topic is covered, the detail is not: say so and give the
   closest fact), ``ambiguous`` (up to three candidates), or ``no_match``.

A message that asks several things gets one reply per part (``parts``), each decided on its own.
"""

from __future__ import annotations

import functools
import itertools
import re
import threading
from collections.abc import Sequence
from dataclasses import replace

from ..knowledge.model import Entry, KnowledgeBase
from ..language import ZH
from ..language.english import EnglishReader
from ..language.text import Normalizer, bigrams
from ..settings import Thresholds, Weights
from .analyse import (
    HEARSAY,
    Analysis,
    analyse,
    asking_clauses,
    asking_parts,
    detect_smalltalk,
    names_nothing,
    punctuate_run_ons,
    salient_nouns,
    sentences,
    subject_of,
    without_story,
)
from .claimed import claims_apart
from .claims import (
    Claim,
    Verdict,
    claimed_values,
    judge_claim,
    place_areas,
    presenter_claimed,
    states_another_year,
    states_places,
    value_said,
    without_claim,
)
from .comparing import Comparisons
from .decide import Decider, Gap, Scored, keywords_only
from .decision import DecisionModel, decision_features
from .followup import as_person, base_names, names_its_own, points_at_person, points_back, resolved
from .gaps import GapKind
from .keywords import keyword_groups
from .lexicon import load_lexicons, pinyin_reader
from .listed import each_apart, states_thing
from .parts import (
    asks_elsewhere,
    holds,
    lean_back,
    lean_each,
    names_elsewhere,
    one_of_its_questions,
    piece_reader,
    tells,
)
from .passages import PassageFinder
from .ranking import Ranked
from .result import STRENGTH, Candidate, MatchResult, Status
from .retrieve import Retriever
from .runon import as_one, best_reading
from .structure import StructureReader
from .values import values_apart

__all__ = ["Candidate", "Gap", "MatchResult", "Matcher", "Status"]


_LETTERS = re.compile(r"[a-z]{2}")
_EXCEPT = ZH.pattern("except_some")  # the rest of a list asked after some of its items: 除了A、B，另外两个
_STORY_LENGTH = 40  # a message this long may tell a story before it asks
_QUOTED_SCORE = 90.0  # the score of an answer in the source's own words (passages.py decides it or none)


class Matcher:
    """Answers questions against one knowledge base; build once, share everywhere (thread-safe reads)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        thresholds: Thresholds | None = None,
        weights: Weights | None = None,
        *,
        shortlist: int = 8,
        decision: DecisionModel | None = None,
    ) -> None:
        self.kb = kb
        self.normalizer = Normalizer(kb.synonyms)
        self.retriever = Retriever(kb, self.normalizer, shortlist=shortlist)
        self.decider = Decider(kb, self.normalizer, self.retriever, thresholds=thresholds, weights=weights)
        # a fitted answer decision (bot.engine.decision) in place of the no-gap rule and `Decider.confident`, when set
        self.decision = decision
        self._entries = kb.entries
        # the pinyin reader's vocabulary (jieba's dictionary, ~0.2 s) is built by the first message typed
        # in pinyin: few messages are, and building it beside the first questions slows them all
        self.reader = pinyin_reader(kb)
        self.passages = PassageFinder(kb, self.normalizer)  # the sources' own sentences, for their wording
        self.structure = StructureReader(kb, self.normalizer)  # where a part of the report stands
        self._comparisons = Comparisons(self._match, self.normalizer, lambda: self.english)  # A和B哪个多
        # English words read as Chinese: built in the background (~25 ms) or by the first message in letters
        self._english: EnglishReader | None = None
        self._english_lock = threading.Lock()
        # what each entry states (small bases) and jieba's dictionary (~0.1-0.3 s) load in the background
        self._warm_done = threading.Event()
        threading.Thread(target=self._warm, name="lexicons", daemon=True).start()

    def _warm(self) -> None:
        try:
            self.decider.warm()  # before the lexicons: a question waits for those, so both are done by its answer
            self.retriever.warm()
            load_lexicons()
            _ = self.english
            # the sources' sentences and parts (seconds for a large base's; a question about the text waits)
            self.structure.warm()
            self.passages.warm()
        finally:
            self._warm_done.set()

    def warmed(self, timeout: float | None = None) -> bool:
        """Wait until what is prepared in the background at start is done (False: not within ``timeout`` s)."""
        return self._warm_done.wait(timeout)

    @functools.cached_property
    def _names(self) -> frozenset[str]:  # the base's names for what its entries are about (集中办)
        return base_names(self._entries, self.normalizer.fold)

    @property
    def english(self) -> EnglishReader:
        """The English reader: en.yaml with this base's places (its own first) and the English of its synonyms."""
        with self._english_lock:
            if self._english is None:
                place = self.decider.vocabulary.place
                names = (place.county, place.city, place.province)
                self._english = EnglishReader.for_place(
                    (*(n for full in names for n in (full, ZH.short_name(full))), *self.kb.scope.other_places),
                    self.kb.synonyms,
                    self.kb.scope.names,
                )
            return self._english

    @property
    def thresholds(self) -> Thresholds:
        return self.decider.thresholds

    def rank(self, analysis: Analysis, counted: tuple[str, ...] = ()) -> Ranked:
        """The shortlisted entries, scored with their gaps, best first (each checked when its place needs it);
        ``counted``: kinds of thing counted that an entry's answer must name (``Decider.counted_kinds``)."""
        decider = self.decider
        scope_terms = decider.scope_terms_in(analysis)
        found = {e.index: e for e in self.retriever.evidence(analysis)}
        focus = analysis.focused()
        alone = {e.index: e for e in self.retriever.evidence(focus)} if focus is not None else {}
        contested = decider.contested(analysis, found.keys() | alone.keys())
        w = decider.weights
        bounds = {i: decider.base_score(e) for i, e in found.items()}
        for i, e in alone.items():
            bounds[i] = max(bounds.get(i, 0.0), w.focus * decider.base_score(e))
        rest_of_list = _EXCEPT.search(analysis.message) is not None
        rest: dict[int, float] = {}

        def score(index: int) -> Scored:
            best = None
            if index in found:
                best = decider.scored(found[index], analysis, scope_terms, 1.0, contested, counted)
            # a long message is also judged by its asking clause alone, as long as the entry also explains the
            # rest of it (a generic clause such as 采用了哪几种方式 must not pull in an entry about something else);
            # not checked when even its evidence alone cannot beat the whole message's score (a gap only lowers it)
            bound = w.focus * decider.base_score(alone[index]) if index in alone else 0.0
            if index in alone and focus is not None and (best is None or bound > best.score):
                s = decider.scored(alone[index], focus, scope_terms, w.focus, contested, counted)
                if best is None or s.score > best.score:
                    if not rest:  # how much of the rest of the message each entry explains, for all at once
                        rest.update(self.retriever.rest_coverage(analysis, sorted(alone)))
                    factor = min(1.0, w.focus_context + rest[index])
                    if best is None or factor * s.score > best.score:
                        best = Scored(factor * s.score, index, s.question, s.gaps, factor * s.base)
            assert best is not None
            # the rest of a list asked after naming some of its items ("除了产业创优、环境创建，另外两个") is
            # about the entry that lists them all, however its other words are put
            if rest_of_list and decider.facts.listed_items(index, analysis) >= 2:
                boost = w.list_boost
                best = Scored(best.score * boost, index, best.question, best.gaps, best.base * boost)
            return best

        # a gap only lowers a score: the evidence's score bounds it (unless a weight raises it)
        exact = rest_of_list or max(w.gap_penalty, w.number_penalty, w.unexplained_penalty, w.focus) > 1.0
        bases = {i: bound for i, bound in bounds.items() if i not in alone}  # (an entry only in found: its base)
        return Ranked(bounds, score, bases=bases, exact=exact)

    def shortlisted(self, analysis: Analysis) -> set[int]:
        """The entries :meth:`rank` scores for this analysis: retrieval's shortlist for it and for its asking clause."""
        found = set(self.retriever.closest(analysis))
        focus = analysis.focused()
        if focus is not None:
            found.update(self.retriever.closest(focus))
        return found

    def _runner_up(self, analysis: Analysis, ranked: Sequence[Scored], question: str = "") -> tuple[float, bool]:
        """The score of the runner-up that says something else, and whether the next entry concurs with the best:
        an entry that gives the same reply (it cites or restates the same passage, or names the same people
        asked who) takes nothing from the best's lead, nor does one that lacks a term the question quotes from
        the release (“管理创新”) where the best states it."""
        best = ranked[0]
        quoted = self.decider.quoted_terms(question, best.index)
        for position, scored in enumerate(itertools.islice(ranked, 1, None)):  # (scored as far as read)
            if quoted and not all(self.decider.facts.mentions(scored.index, t) for t in quoted):
                continue
            if not self.decider.concurs(analysis, best.index, scored.index):
                return scored.score, position > 0
        return 0.0, len(ranked) > 1

    def features(self, question: str, analysis: Analysis, *, part: bool = False) -> tuple[float, ...] | None:
        """The features of this decision (:data:`bot.engine.decision.FEATURES`), or None when no entry is ranked."""
        ranked = self.rank(analysis)
        if not ranked:
            return None
        second, concurs = self._runner_up(analysis, ranked)
        return self._features(question, ranked, second, concurs, part)

    def _features(
        self, question: str, ranked: Sequence[Scored], second: float, concurs: bool, part: bool
    ) -> tuple[float, ...]:
        return decision_features(
            ranked, second, concurs=concurs, suggest=self.thresholds.suggest, length=len(question), part=part
        )

    def decide(self, question: str, analysis: Analysis, *, part: bool = False) -> MatchResult:
        """The status of one question or part from its ranked entries; two things joined in it, asked of each."""
        result = self._decide(question, analysis, part=part)
        if result.status is Status.SMALLTALK or analysis.checks:
            return result
        vocab, facts = self.decider.vocabulary, self.decider.facts
        return each_apart(
            question,
            analysis.message,
            result,
            lambda asked: self._decide(asked, analyse(self.normalizer, asked, vocab), part=True),
            lambda entry, asked: states_thing(facts, vocab, self.kb.index_of(entry.id), asked),
        )

    def _decide(self, question: str, analysis: Analysis, *, part: bool = False) -> MatchResult:
        if names_nothing(analysis.key, self.decider.vocabulary):
            return MatchResult(question=question, status=Status.NO_MATCH, gaps=(Gap(GapKind.SUBJECT),))
        ranked = self.rank(analysis)
        if not ranked:
            return MatchResult(question=question, status=Status.NO_MATCH)
        counted = self.decider.counted_by(analysis)  # (全县有多少个行政村: the entry that states it, wherever it ranks)
        # the thing counted (养老设施建了多少个), which the best's answer does not name and another's does: ranked again
        nearby = (s.index for s in itertools.islice(ranked, 1, 5))  # (read only when a kind is counted)
        kinds = () if counted else self.decider.counted_kinds(analysis, nearby)
        if kinds and not all(self.decider.counts_kind(ranked[0].index, k) for k in kinds):
            again = self.rank(analysis, kinds)  # (kept when an entry that names it comes first: not 创新平台有几个)
            ranked = again if all(self.decider.counts_kind(again[0].index, k) for k in kinds) else ranked
        t = self.thresholds
        best = next((s for s in ranked if s.index in counted and not s.gaps), ranked[0]) if counted else ranked[0]
        best = (every := self.decider.names_every_holder(analysis, ranked)) or best  # (副县长有哪些: names them all)
        second, concurs = self._runner_up(analysis, ranked, question)
        model = self.decision
        if model is None:
            decider = self.decider
            answers = not best.gaps and (
                decider.confident(best.score, second)
                or decider.quotes_alone(question, best.index, second)
                or best.index in counted  # (a fact looked up is as sure as a high score)
                or best is every
            )
        else:
            answers = model.answers(self._features(question, ranked, second, concurs, part))
        entry = self._entries[best.index]
        score = round(min(best.score, 100.0), 1)
        if answers:
            apart = None if part or analysis.checks else values_apart(self.decider, self._entries, analysis, ranked)
            if apart is not None:
                return apart
            return MatchResult(question, Status.ANSWERED, entry, score, (Candidate(entry, score, best.question),))
        floor = max(t.suggest, best.score - 15)  # (read in order of score: the first below it ends the candidates)
        candidates = tuple(  # (only when not answered: placing the third entry checks it and every one close)
            Candidate(self._entries[s.index], round(min(s.score, 100.0), 1), s.question)
            for s in itertools.takewhile(lambda s: s.score >= floor, itertools.islice(ranked, t.candidates))
        )
        if best.blocked:
            near = tuple(c for c in candidates if c.entry.id != entry.id)
            return MatchResult(question, Status.NO_MATCH, None, score, near, out_of_scope=best.blocked)
        # the topic is clearly covered but a detail is not: say what is missing and give the closest fact
        by_base, other = ranked.by_base()
        if (
            by_base.gaps
            and not by_base.blocked
            and all(g.kind is not GapKind.SUBJECT for g in by_base.gaps)  # (某县在哪: no fact about it is close)
            and by_base.base >= t.partial
            and self.decider.confident(by_base.base, other)
        ):
            closest = self._entries[by_base.index]
            return MatchResult(
                question, Status.PARTIAL, closest, round(min(by_base.base, 100.0), 1), candidates, gaps=by_base.gaps
            )
        if candidates:
            return MatchResult(question, Status.AMBIGUOUS, None, score, candidates)
        near = tuple(Candidate(self._entries[s.index], round(s.score, 1), s.question) for s in ranked[: t.candidates])
        # nothing is close: when the question's other place blocked the nearest entries that lack it, that is the
        # reason to give (太原有多少企业, though one entry names 太原 in passing)
        elsewhere = self.decider.elsewhere
        # (not when the nearest entry is about the question: 从甲县划过来几个乡镇 is declined for its count)
        about = not ranked[0].blocked and ranked[0].base >= t.suggest
        blocked = "" if about else next(
            (s.blocked for s in itertools.islice(ranked, t.candidates) if s.blocked in elsewhere), ""
        )
        return MatchResult(question, Status.NO_MATCH, None, score, near, out_of_scope=blocked)

    def match(self, question: str) -> MatchResult:
        """Match one message; never raises on any text."""
        question = question or ""
        compared = self._comparisons.answer(question)
        if compared is not None:
            return compared
        where = self.structure.which_part(self._english_read(question))  # 哪一部分提到了…: the part, not the thing
        if len(where) == 1:
            return MatchResult(question, Status.ANSWERED, where[0][1], _QUOTED_SCORE)
        result = self._match(question)
        if result.status is not Status.ANSWERED and len(question) >= _STORY_LENGTH:
            # a long message (a story, then the question): its asking clauses alone, as a short question
            asked, sentences = asking_clauses(question)
            if asked and asked != question:
                again = self._match(asked)
                # two questions asked in two sentences need two answered parts, or one answer that answers both
                if again.status is Status.ANSWERED and (
                    sentences < 2 or len(again.parts) >= sentences or self._answers_each(asked, again)
                ):
                    result = replace(again, question=question)
        # (an answer whose quote does not hold what the last clause asks the wording of is asked of the sentences)
        entry = result.entry
        beyond = entry is not None and not result.compound and self.passages.asks_beyond(question, entry.quote)
        if (result.status is not Status.ANSWERED and not result.claim and not result.out_of_scope) or beyond:
            quoted = self._quoted(question, structure=result.status is not Status.ANSWERED)
            if quoted is not None:
                return quoted
        if result.compound or result.status is Status.SMALLTALK:
            return result
        return self._checked(question, result)

    def _english_read(self, question: str) -> str:
        """The message with the English it holds read as Chinese (folded), or as typed when it holds none."""
        folded = self.normalizer.fold(question)
        return self.english.read(folded) if _LETTERS.search(folded) else question

    def _quoted(self, question: str, *, structure: bool) -> MatchResult | None:
        """A question about the report's structure or wording that no entry answered, answered by the heading of
        the part asked (第一个小节, 城乡融合后面那节) or the sentence of the source that says it (one per thing a list
        names), or None. ``structure``: the parts are asked only of a message no entry answered."""
        read = self._english_read(question)  # which section comes after …
        found = (self.structure.answer(read) if structure else []) or self.passages.answer(question)
        if not found:
            return None
        parts = tuple(MatchResult(asked, Status.ANSWERED, entry, _QUOTED_SCORE) for asked, entry in found)
        if len(parts) == 1:
            return replace(parts[0], question=question)
        return MatchResult(question, Status.ANSWERED, parts[0].entry, _QUOTED_SCORE, parts=parts)

    def _checked(self, question: str, result: MatchResult) -> MatchResult:
        """The reply to a message that checks a claim (是不是60户吧): the claim's verdict with the release's fact,
        the claim asked again as a question when it kept the message from being answered; else ``result``."""
        folded = self.normalizer.fold(question)
        english = _LETTERS.search(folded) is not None
        if english:
            folded = self.english.read(folded)  # is the capacity 3 million tons → 产能300万吨: claimed in Chinese
        vocab = self.decider.vocabulary
        places = self.decider.claimable_places
        values = claimed_values(folded, self.kb.scope.names, place_areas(vocab), vocab.home_names, places)
        # 是省级认定的吧 where the entry says 市级 (or 是哪年评的 2023？ of another year): the value claimed differs
        entry = result.entry
        # (国际领先吧 of 国内领先: 国际 is also an area the entry states nothing for, which the value says already)
        values_said = {g.detail for g in result.gaps if g.kind is GapKind.VALUE}
        only_values = bool(result.gaps) and all(
            g.kind is GapKind.VALUE
            or (g.kind is GapKind.AREA and g.detail in values_said)
            or (
                g.kind is GapKind.NUMBER
                and not any(g.detail in v.said for v in values)  # (a figure claimed is judged as a figure)
                and entry is not None
                and states_another_year(g.detail, entry)
            )
            for g in result.gaps
        )
        other_value = result.status is Status.PARTIAL and result.entry is not None and only_values
        if not values and not other_value:
            return result  # nothing claimed: no need to read the message again
        vocab = self.decider.vocabulary
        # (English is read as Chinese first: its question words are what tell a question from a check, and the
        # spaces between its words end no clause: "多少高新技术企业 2020年?" does not put 2020年 as a question)
        presenter = next((v for v in values if presenter_claimed(v)), None)
        # (a presenter heard, then asked: 邻居说养老那段是王向前讲的，到底是谁)
        heard = presenter is not None and HEARSAY.search(presenter.clause) is not None
        read = re.sub(r"\s+", "", folded) if english else question
        # (a clause that checks, then one that asks: 是2022年给的吧，谁授予的)
        checks = analyse(self.normalizer, read, vocab).checks or any(
            analyse(self.normalizer, v.clause, vocab).checks for v in values if v.clause != read
        )
        if not heard and not checks:
            return result
        if presenter is not None:
            # 是王向前副县长回答的吧: who presented that topic, asked again, and the name checked against it (what
            # was heard is asked alone: the clauses after it doubt it and ask who)
            # (what was heard, without the hearsay: 有人跟我说开场介绍的是郭强 → 开场介绍的是谁)
            heard_said = presenter.clause[HEARSAY.search(presenter.clause).end() :] if heard else folded  # type: ignore[union-attr]
            again = self._match(without_claim(heard_said or presenter.clause, presenter), one_ask=True)
            if again.status is Status.ANSWERED and again.entry is not None and not again.compound:
                claim = judge_claim(presenter, again.entry, self.normalizer, vocab)
                return replace(again, question=question, claim=claim)
        if result.status is Status.ANSWERED and result.entry is not None:
            # a name the answer's entry states is what the message is about, not a claim (义望合金参与了……吧)
            # (nor a title: 是县长讲的吧 of a topic the answer states without its presenter)
            checked = [v for v in values if v.kind not in ("name", "title")]
            if len(checked) >= 2 and not result.compound:
                several = claims_apart(
                    folded, checked, result, ask=self._match, says=self._says, normalizer=self.normalizer, vocab=vocab
                )
                if several is not None:
                    return replace(several, question=question)
            judged = [judge_claim(v, result.entry, self.normalizer, vocab) for v in checked]  # (half wrong
            differs = [c for c in judged if c is not None and c.verdict is Verdict.DIFFERS]  # is not right)
            return replace(result, claim=differs[0] if differs else judged[0]) if checked else result
        if other_value:
            claim = Claim(value_said(result.gaps[0].detail, folded, result.entry), Verdict.DIFFERS)
            return replace(result, status=Status.ANSWERED, gaps=(), claim=claim)
        # the claim asked again as a question (是不是60户吧 → 是多少户): the release's fact, and whether it differs
        for value in values:
            again = self._match(without_claim(folded, value), one_ask=True)
            if again.status is Status.ANSWERED and again.entry is not None and not again.compound:
                if value.kind == "place" and not states_places(again.entry, places, value.said):
                    continue  # (an entry that names no place of that kind cannot say where: 卖到山东吧)
                claim = judge_claim(value, again.entry, self.normalizer, vocab)
                return replace(again, question=question, claim=claim)
        return result

    def _says(self, entry: Entry, word: str) -> bool:
        index = self.kb.index_of(entry.id)
        return index is not None and self.decider.facts.says(index, word)

    def match_after(self, question: str, previous: str | None) -> MatchResult:
        """Match a message that may lean on the same person's previous question ("那省级的呢", "它在哪个乡镇"):
        read with it when it points back, or when it is not answered alone and is answered so."""
        alone = self.match(question)
        if not previous or alone.status is Status.SMALLTALK:
            return alone
        if alone.status is Status.ANSWERED and (not points_back(question) or self._names_its_own(question, alone)):
            return alone
        for text in (*self._person_meant(previous, question), *resolved(previous, question, self.decider.vocabulary)):
            again = self.match(text)
            if again.status is Status.ANSWERED:
                return replace(again, question=question, read_as=text)
        return alone

    def _person_meant(self, previous: str, question: str) -> list[str]:
        """他/她 after a question that asked who (讲养老的是谁 → 他是什么职务): the message read with the person that
        question's answer names, or []."""
        if not points_at_person(previous, question):
            return []
        earlier = self.match(previous)
        return self._as_person(question, None if earlier.compound else earlier.entry)

    def _as_person(self, question: str, entry: Entry | None) -> list[str]:
        """``question`` with its 他/她 replaced by the first presenter ``entry``'s answer names, or []."""
        index = self.kb.index_of(entry.id) if entry is not None else None
        return as_person(question, self.decider.facts.people_in(index) if index is not None else [])

    def _names_its_own(self, question: str, alone: MatchResult) -> bool:
        """Whether a message that leaves its subject out by its form names one its answer alone states."""
        index = self.kb.index_of(alone.entry.id) if alone.entry is not None and not alone.compound else None
        if index is None:
            return False
        mentions = self.decider.facts.mentions
        return names_its_own(self.normalizer.fold(question), self.decider.vocabulary, lambda n: mentions(index, n))

    def _match(self, question: str, *, one_ask: bool = False) -> MatchResult:  # (one_ask: a claim asked again)
        folded = self.normalizer.fold(question)
        kind = detect_smalltalk(folded) if len(folded) <= 40 else ""
        if kind:
            return MatchResult(question=question, status=Status.SMALLTALK, score=100.0, smalltalk=kind)
        # letters are read as Chinese first: the English the lexicon knows (how many beds), then the pinyin left
        # (yanglao chuangwei duoshao zhang); a word that is both is pinyin beside other pinyin
        reading = self.reader.read(self.english.read(folded)) if _LETTERS.search(folded) else question
        if reading == folded:
            reading = question
        vocab = self.decider.vocabulary
        reading = without_story(punctuate_run_ons(reading), vocab)
        analysis = analyse(self.normalizer, reading, vocab)
        if not analysis.key:
            return MatchResult(question=question, status=Status.NO_MATCH)
        whole = self.decide(question, analysis)
        # asks run together: grammar's cut, or one the base reads clearly better (by its pieces' best scores), or none
        score = piece_reader(self.normalizer, vocab, self.rank)
        pick = as_one if one_ask else functools.partial(best_reading, score=score, answers=self.thresholds.answer)
        parts = asking_parts(self.normalizer, reading, vocab, pick)
        read = lambda text: self.decide(text, analyse(self.normalizer, text, vocab), part=True)  # noqa: E731
        if len(parts) < 2 and not one_ask and keywords_only(analysis):  # 无霜期 日照时数: grouped by the base
            parts = keyword_groups(reading.split(), whole, read, self.kb, self.decider.facts)
        if len(parts) < 2 or one_of_its_questions(self.normalizer, whole, analysis):
            return whole  # (a message that is one of an entry's own questions is that question, however it splits)
        analyses = [analyse(self.normalizer, part, vocab) for part in parts]  # each part, with its context, alone
        results = [self.decide(part, a, part=True) for part, a in zip(parts, analyses, strict=True)]
        # a part that leaves its subject out (社工站几个？都给老人帮些啥) asks it of the answered part before it
        answered_each = [r.status is Status.ANSWERED for r in results]
        lean_back(parts, results, answered_each, read, self._as_person, self.decider, self.kb)
        # a part that names no thing of its own (煤炭储量多少产量多少), or unanswered alone, asks of the thing before
        lean_each(parts, results, answered_each, read, lambda: self._names, self.normalizer.fold, self.decider, self.kb)
        for i, result in enumerate(results):
            # a part about the report's wording or structure that no entry answers (科技成果用了个什么词来形容？
            # 产学研合作又用的啥词): the source's own sentence, as the message alone would get
            if result.status is not Status.ANSWERED and not result.out_of_scope and not result.claim:
                quoted = self._quoted(parts[i], structure=True)
                others = [r.entry for r in results if r.status is Status.ANSWERED]
                # (not the sentence another part's answer quotes: a story clause that names what that part asks)
                if quoted is not None and not quoted.compound and not any(holds(quoted.entry, e) for e in others):
                    results[i] = replace(quoted, question=parts[i])
        answered = [r.entry for r in results if r.status is Status.ANSWERED and r.entry is not None]
        if not answered:
            return whole  # nothing answered part by part: the message is judged as one question
        if whole.status is Status.ANSWERED and not any(
            asks_elsewhere(r, whole) or names_elsewhere(self.decider, self.kb, question, a, r, whole)
            for r, a in zip(results, analyses, strict=True)
        ):
            # one confident answer for the whole message, and no part that asks about another entry: the
            # other "parts" are the resident's story (家里种了几亩地), not questions of their own
            return whole
        # a part an answered part's entry states in full is a follow-up needing no reply (有多少户？是不是全市最多)
        kept: list[MatchResult] = []
        for result, a in zip(results, analyses, strict=True):
            if result.status is not Status.ANSWERED and any(self._states(entry, a, result) for entry in answered):
                continue
            if result.status is Status.NO_MATCH and not result.out_of_scope and tells(self.normalizer, result, reading):
                continue  # the resident's story (这几年老是裂果，……): a clause that asks nothing
            if result.status is Status.SMALLTALK:
                continue
            if result.status is Status.ANSWERED and any(k.entry == result.entry for k in kept):
                continue
            kept.append(result)
        kept = [p for k in kept for p in (k.parts or (k,))]  # (a part of two things joined: 引进了多少中介机构和人才)
        if len(kept) == 1:
            if whole.status is not Status.ANSWERED:
                return kept[0]
            # the one part that asks: its entry replies to the whole message
            return whole if whole.entry == kept[0].entry else replace(kept[0], question=question)
        status = max((r.status for r in kept), key=STRENGTH.index)
        first = kept[0]
        return MatchResult(
            question, status, first.entry, min(r.score for r in kept), first.candidates,
            out_of_scope=first.out_of_scope, gaps=first.gaps, parts=tuple(kept),
        )

    def _answers_each(self, asked: str, answer: MatchResult) -> bool:
        """Whether each sentence of ``asked`` alone is answered by an entry of ``answer`` (床位一共多少张？护理型床位
        又有多少张？: one entry states both), or only tells."""
        entries = {p.entry.id for p in (*answer.parts, answer) if p.entry is not None}
        for sentence in sentences(asked):
            alone = self._match(sentence)
            # a sentence that ends in a full stop tells, whatever it wonders (我不知道拉到哪儿了。)
            stated = sentence.rstrip().endswith(("。", "."))
            if alone.status is Status.NO_MATCH and (stated or tells(self.normalizer, alone, sentence)):
                continue
            if alone.status is not Status.ANSWERED or alone.entry is None or alone.entry.id not in entries:
                return False
        return True

    def _states(self, entry: Entry, analysis: Analysis, result: MatchResult) -> bool:
        """Whether ``entry`` is what this part asks about (its first candidate, or an elliptical part whose own
        words it all states) and states all of it."""
        first = result.entry or (result.candidates[0].entry if result.candidates else None)
        index = self.kb.index_of(entry.id)
        if index is None:
            return False
        # an elliptical part ("乡镇多少项，村里多少项") whose own words the answered entry all states: the message
        # itself says what it is about
        # (or a part that names nothing and no figure of its own, and asks a kind of thing the checks know:
        # 在市里排第几 after 出口多少钱 asks the rank of the same thing, and the entry must state one)
        vocab = self.decider.vocabulary
        subject = subject_of(analysis.focus, vocab)
        mentions = self.decider.facts.mentions
        elliptical = result.status in (Status.AMBIGUOUS, Status.NO_MATCH) and (
            (len(subject) >= 2 and all(mentions(index, pair) for pair in bigrams(subject)))
            or (bool(analysis.asks) and not analysis.numbers and not salient_nouns(result.question, vocab))
        )
        if (first is None or first.id != entry.id) and not elliptical:
            return False
        scope_terms = self.decider.scope_terms_in(analysis)
        return not self.decider.gaps(analysis, index, scope_terms)
