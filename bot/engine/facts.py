"""What each entry of a knowledge base states: its text as typed and normalised, the kinds of information its
answer gives, the figures and what they count, its caveats, its section. Worked out once per entry and kept.

The answerability checks (:mod:`bot.engine.checks`) ask these questions of an entry; :mod:`bot.engine.decide` scores.
Part of the core: no Telegram here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from rapidfuzz import fuzz

from ..knowledge.derived import speakers
from ..knowledge.model import Entry, KnowledgeBase, Source, quote_key
from ..knowledge.passages import passages
from ..language import ZH, Vocabulary
from ..language.text import Normalizer, SlottedPattern, bigrams, chinese_numerals_to_digits, pinyin_key, positions
from .analyse import ASK_KINDS, HEARSAY, Analysis, asked_nouns, counted_class, salient_nouns, unit_class
from .lexicon import segment
from .retrieve import Retriever

__all__ = ["COUNTED_GROUP", "INSTANCE_NAMES", "LIST_SEPARATORS", "SHARE_ASKED", "EntryFacts", "same_areas"]


# What an entry's answer must contain to give each kind of information, besides its own questions asking it.
ANSWER_GIVES: dict[str, re.Pattern[str]] = ZH.patterns("answer_gives")

# names, places and people the answer states in its own words (quotation marks survive only here)
_RAW_ANSWER_GIVES: dict[str, re.Pattern[str]] = ZH.patterns("raw_answer_gives")

# the items of a list in an answer, split as typed (plain text keeps no punctuation)
_ITEM_SPLIT = ZH.pattern("item_split")

LIST_SEPARATORS = ZH.pattern("list_separators")

# a group the answer counts (28个项目, 20所学校) and the noun a which-question asks about (哪几条路)
COUNTED_GROUP = ZH.pattern("counted_group")

_CAVEAT = ZH.pattern("caveat")

_CAVEAT_CLAUSE = ZH.pattern("caveat_clause")

_DISCLAIMS: dict[str, re.Pattern[str]] = ZH.patterns("disclaims")

# kinds only the answer itself can give (an entry's questions asking for them prove nothing)
_ANSWER_ONLY = frozenset({"money", "count", "rank", "area"})


# a figure and its measure word (第5场 is an ordinal, not a count of 场), and with what follows it
_FIGURE = ZH.pattern("figure")

_NUMBER_WITH_UNIT = ZH.pattern("number_with_unit")

# one part of a figure alone: 单独, 其中, 不算 (not 算不算), 光 at the start of a clause (光日间照料中心)
_ALONE = ZH.pattern("alone")

_SUM = ZH.pattern("sum")

# the measure word of what a 多少/几 asks for (几个, 多少万元), when it has one
_ASKED_UNIT = ZH.pattern("asked_unit")
_PART_NAMED = ZH.pattern("part_named")
SHARE_ASKED = ZH.pattern("share_asked")  # a share asked (占多少, 比例, 百分之几)

INSTANCE_NAMES: dict[str, re.Pattern[str]] = ZH.shared_patterns("instance_names")

# a question word right beside a word (CT多少钱, 有没有wifi, 是什么level)
_ASKING_NEAR = ZH.question_pattern("near")

@lru_cache(maxsize=1024)
def _asked_by_clause(message: str, vocab: Vocabulary) -> tuple[str, ...]:
    """The nouns asked for, clause by clause of the message as typed (each candidate entry asks again)."""
    return tuple(dict.fromkeys(noun for clause in message.split("，") for noun in asked_nouns(clause, vocab)))

def same_areas(vocab: Vocabulary, term: str) -> tuple[str, ...]:
    """The names of the area ``term`` names (全市, 晋中, 晋中市 …): a question names one, the entry another."""
    return next((group for group in vocab.area_groups if term in group), (term,))

_MONEY_SUM = ZH.pattern("money_sum")
_QUOTE_MARKS = re.compile("[“”‘’「」\"]")
_CHECKED_FIGURE = SlottedPattern(ZH.source("checked_figure"), "{number}")  # a figure checked (是不是500张)
_CHECKED_SUM = SlottedPattern(ZH.source("checked_sum"), "{number}")
_ROUGH_FIGURE = ZH.pattern("rough_figure")


class EntryFacts:
    """What each entry of one knowledge base states (see the module's docstring)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        normalizer: Normalizer,
        retriever: Retriever,
        vocab: Vocabulary,
        *,
        names: frozenset[str] = frozenset(),
    ) -> None:
        self._kb = kb
        self._names = names  # scope.yaml's names, as scope terms
        # the people who present a source (its speakers, author and organisers): named with a topic they spoke on
        presenting = " ".join(
            part for src in kb.sources.values() for part in (*src.speakers.values(), src.author, src.organisers)
        )
        spoke = {name for src in kb.sources.values() for name, _ in speakers(src, kb.scope.names)}
        self._presenters = frozenset(name for name in names if name in presenting or any(name in s for s in spoke))
        self._normalizer = normalizer
        self._retriever = retriever
        self._vocab = vocab
        self._entries: Sequence[Entry] = kb.entries
        self._plain_cache: dict[int, str] = {}
        self._typed_cache: dict[int, str] = {}
        self._keys_cache: dict[int, tuple[str, str]] = {}
        self._gives_cache: dict[int, frozenset[str]] = {}
        self._units_cache: dict[int, frozenset[str]] = {}
        self._pinyin_cache: dict[int, str] = {}
        self._section_cache: dict[int, str] = {}
        self._section_texts: dict[str, dict[str, str]] = {}  # source id -> section -> its sentences (presented_on)
        self._digits_cache: dict[int, str] = {}
        self._agree_cache: dict[tuple[int, int], bool] = {}
        self._span_cache: dict[int, tuple[int, int] | None] = {}
        self._caveat_cache: dict[int, list[tuple[str, frozenset[str]]]] = {}
        self._items_cache: dict[int, tuple[str, ...]] = {}
        self._all_said: frozenset[str] | None = None  # the words of every entry's answer and quote

    def names_in(self, text: str) -> list[str]:
        """The names of scope.yaml (people, bodies, places) that ``text`` holds."""
        return [name for name in self._names if name in text]

    @property
    def vocabulary(self) -> Vocabulary:  # the language with the base's place added
        return self._vocab

    def entry_text(self, index: int) -> str:
        """Everything the entry says, normalised (the retriever's matching text)."""
        return self._retriever.entry_text(index)

    def said(self, index: int) -> str:
        """The entry's answer and quote, normalised."""
        return self._retriever.said_key(index)

    def answer(self, index: int) -> str:  # the entry's answer as written
        return self._entries[index].answer

    def plain(self, text: str) -> str:
        """Text folded as typed, without synonyms."""
        return self._normalizer.plain(text)

    def plain_text(self, index: int) -> str:
        """Everything the entry says as typed (synonyms may have rewritten a term in the keys)."""
        plain = self._plain_cache.get(index)
        if plain is None:
            entry = self._entries[index]
            pieces = (*entry.questions, *entry.keywords, entry.answer, entry.quote)
            plain = self._plain_cache[index] = " ".join(self._normalizer.plain(p) for p in pieces)
        return plain

    def said_as_typed(self, index: int) -> str:
        """The entry's answer and quote, folded but without synonyms (公司 stays 公司)."""
        typed = self._typed_cache.get(index)
        if typed is None:
            entry = self._entries[index]
            typed = self._normalizer.plain(entry.answer) + "\n" + self._normalizer.plain(entry.quote)
            self._typed_cache[index] = typed
        return typed

    def answer_digits(self, index: int) -> str:
        """The entry's answer as written, with Chinese numerals as digits (punctuation kept)."""
        text = self._digits_cache.get(index)
        if text is None:
            text = self._digits_cache[index] = chinese_numerals_to_digits(self._entries[index].answer)
        return text

    def says(self, index: int, word: str) -> bool:
        """Whether the entry's answer or quote (not its questions) states the word: as typed, or by its synonym."""
        return word in self.said_as_typed(index) or self._normalizer.canonical_term(word) in self.said(index)

    def answer_unquoted(self, index: int) -> str:
        """The entry's answer as written, punctuation kept, without its quotation marks (“四创”战略 → 四创战略)."""
        return _QUOTE_MARKS.sub("", self._entries[index].answer)

    def asks_of(self, index: int, thing: str, kind: str) -> bool:
        """Whether one of the entry's own questions names the thing and asks this kind of it (三个一体化是啥意思)."""
        key = self._normalizer.normalize(thing)
        return any(key in k and ASK_KINDS[kind].search(k) for k in self._retriever.question_keys(index))

    def writes(self, index: int, word: str) -> bool:
        """Whether the entry states the word as written (normalised or as typed), not by sound."""
        return word in self._retriever.entry_text(index) or word in self.plain_text(index)

    def mentions(self, index: int, word: str) -> bool:
        """Whether the entry states the word: normalised, as typed, or by sound (a homophone typo)."""
        return self.writes(index, word) or pinyin_key(word) in self.pinyin_text(index)

    def pinyin_text(self, index: int) -> str:
        text = self._pinyin_cache.get(index)
        if text is None:
            text = self._pinyin_cache[index] = pinyin_key(self._retriever.entry_text(index))
        return text

    def has_number(self, index: int, number: str) -> bool:
        """Whether the entry states this number, or one within 10% of it (接近一千张 for 985张); years exactly."""
        text = self._retriever.entry_text(index)
        if number in text:
            return True
        value = float(number)
        if value <= 10 and "." not in number:  # 两个, 另外三个, 这三年: counting words more often than facts
            return True
        if 1900 <= value <= 2100 and "." not in number:
            return False
        stated = (float(n) for n in re.findall(r"\d+(?:\.\d+)?", text))
        return any(abs(value - v) <= 0.1 * max(value, v) for v in stated)

    def gives(self, index: int) -> frozenset[str]:
        """Kinds of information an entry gives: what its answer contains, or what its questions ask."""
        cached = self._gives_cache.get(index)
        if cached is not None:
            return cached
        answer = self._retriever.answer_key(index)
        keys = self._retriever.question_keys(index)
        # an answer that says what the release leaves out (没有说明是哪一家) does not give that detail,
        # however its questions ask: they were written to lead to the caveat
        raw_answer = self._entries[index].answer
        caveat = bool(_CAVEAT.search(raw_answer))
        kinds = set()
        for kind, pattern in ASK_KINDS.items():
            gives = ANSWER_GIVES.get(kind)
            asked = kind not in _ANSWER_ONLY and not caveat and any(pattern.search(k) for k in keys)
            if asked or (gives is not None and gives.search(answer)):
                kinds.add(kind)
        if "等" not in answer:  # a list the answer gives in full
            kinds.add("rest")
        for kind, pattern in _RAW_ANSWER_GIVES.items():
            if pattern.search(raw_answer):
                kinds.add(kind)
        if len(LIST_SEPARATORS.findall(raw_answer)) >= 1:  # the answer lists things: it says which
            kinds.add("which")
        result = self._gives_cache[index] = frozenset(kinds)
        return result

    def _caveats(self, index: int) -> list[tuple[str, frozenset[str]]]:
        """What the answer's caveats disclaim, each with the topic it is about (as typed, '' for the whole).

        "硝基复合肥产业部分报道没有写明发言人" disclaims the speaker of that part only: a question about who
        spoke at all is still answered by the entry.
        """
        cached = self._caveat_cache.get(index)
        if cached is None:
            cached = []
            for sentence in re.split(r"[。；;]", self._entries[index].answer):
                for clause in re.split(r"[，,]", sentence):
                    found = _CAVEAT_CLAUSE.search(clause)
                    if not found:
                        continue
                    kinds = frozenset(k for k, pattern in _DISCLAIMS.items() if pattern.search(found.group(0)))
                    if kinds:
                        topic = self._vocab.caveat_frame.sub("", self._normalizer.plain(clause[: found.start()]))
                        cached.append((topic, kinds))
            if len(self._caveat_cache) >= 50_000:
                self._caveat_cache.clear()
            self._caveat_cache[index] = cached
        return cached

    def disclaimed(self, analysis: Analysis, index: int) -> frozenset[str]:
        """Kinds the entry's caveats disclaim for this question: all of a caveat about the whole entry, and
        a caveat about one topic (one part, one company) only when the question names that topic."""
        out: set[str] = set()
        for topic, kinds in self._caveats(index):
            if len(topic) < 2 or any(pair in analysis.message for pair in bigrams(topic)):
                out |= kinds
        return frozenset(out)

    def listed_items(self, index: int, analysis: Analysis) -> int:
        """How many items of a list in the entry's answer (产业创优、环境创建、…) the message names (an item
        is recognised by its last four characters: 战略是产业创优 by 产业创优)."""
        items = self._items_cache.get(index)
        if items is None:
            pieces = (self._normalizer.plain(p) for p in _ITEM_SPLIT.split(self._entries[index].answer))
            items = self._items_cache[index] = tuple(p for p in pieces if 3 <= len(p) <= 8)
            if len(self._items_cache) >= 50_000:
                self._items_cache.clear()
        if len(items) < 3:
            return 0
        return sum(1 for item in items if item[-4:] in analysis.message)

    def units(self, index: int) -> frozenset[str]:
        """Classes of the things the entry's answer and quote count (org, person, bed, share, money ...)."""
        units = self._units_cache.get(index)
        if units is None:
            said = self._retriever.said_key(index)
            found = set()
            for _, unit, noun in _NUMBER_WITH_UNIT.findall(said):
                kind = counted_class(f"多少{unit}{noun}")
                found.add(kind or unit_class(unit))
            units = self._units_cache[index] = frozenset(k for k in found if k)
        return units

    def corrects(self, analysis: Analysis, index: int, number: str) -> bool:
        """A yes/no check of a figure ("是不是500张") that the entry states otherwise, for the same kind of thing."""
        if not analysis.checks:
            return False
        unit = _CHECKED_FIGURE.search(analysis.focus, number)
        kind = unit_class(unit.group(1)) if unit else ""
        if not kind and _CHECKED_SUM.search(analysis.focus, number):
            kind = "money"  # 是不是500多万: a sum of money said without 元
        return bool(kind) and kind not in ("time",) and kind in self.units(index)

    def part_asked(self, analysis: Analysis, index: int) -> str:
        """A figure the question itself states, asked how much of it is one part ("340余万元里高龄津贴占多少").

        The question restates the entry's figure and asks 多少/几 of the same kind of thing: the answer is
        a figure other than the one the resident already has. When the entry states no other figure of
        that kind, it does not give what is asked. Yes/no checks of a figure are not this.
        """
        if analysis.checks or not analysis.asks & {"count", "money"}:
            return ""
        # figures the resident states (一亩, 这一场: a unit, not a figure)
        # the whole message: the figure may stand in its context (5.4万立方米的能力里, 污水厂占多少)
        if _ALONE.search(analysis.message) and "money" in analysis.asks:
            # "中水回用工程单独投资多少": one sum the entry gives for several works together is not one work's
            raw = self.answer_digits(index)
            sums = _MONEY_SUM.findall(raw)
            if len(sums) == 1 and LIST_SEPARATORS.search(raw):
                return str(sums[0])
        if _ALONE.search(analysis.message) and "money" not in analysis.asks:
            # "幸福小屋单独有几个": one count the entry gives for several kinds of thing together (日间照料中心、
            # 幸福小屋80个) is not one kind's
            raw = self.answer_digits(index)
            counts = COUNTED_GROUP.findall(raw)
            if len(counts) == 1 and re.search(ZH.source("listed_before") + re.escape(counts[0]), raw):
                return str(counts[0])
        # (a figure heard from others is a claim, not a whole the resident has: 我舅舅说修了一百多公里，到底多少)
        had = "，".join(c for c in re.split(r"[，,。；;！!？?]", analysis.message) if not HEARSAY.search(c))
        stated = [(n, unit_class(u) or "thing") for n, u in _FIGURE.findall(had) if float(n) > 2]
        stated += [(n, "money") for n in _SUM.findall(had)]  # 3.6亿里: a sum without 元
        # "一百八十多亿是多少": an approximate figure asks for the exact one, which is not the same figure
        rough = set(_ROUGH_FIGURE.findall(analysis.message))
        if not stated:
            return ""
        if analysis.areas and SHARE_ASKED.search(analysis.focus):
            # 300万吨产能占全国多少: a share of a bigger area's whole; the figure is the thing's own, not a whole
            # the question asks a part of
            return ""
        asked = _ASKED_UNIT.search(analysis.focus)
        classes = {unit_class(asked.group(1)) or "thing"} if asked else {c for _, c in stated}
        if "money" in analysis.asks:
            classes = {"money"}
        if classes & {"thing", "org"}:  # 个 and 处 count the same things as often as not
            classes |= {"thing", "org"}
        known = [(float(n), 0.0 if n in rough else 0.01) for n, _ in stated]
        # a measure word asked outright (多少项) is matched by the same one (27个部门 counts departments)
        typed = _ASKED_UNIT.search(analysis.message)  # as typed: the focus may have lost it (有多少项 → 有多少)
        same_unit = typed.group(1) if typed and typed.group(1) not in ("个", "%") else ""
        figures = [
            float(n)
            for n, u in _FIGURE.findall(self._retriever.said_key(index))
            if (unit_class(u) or "thing") in classes
            and not (1900 <= float(n) <= 2100 and "." not in n)
            and (not same_unit or u == same_unit)
        ]
        others = [f for f in figures if not any(abs(f - k) <= slack * max(f, k) for k, slack in known)]
        # no figure of that kind at all is another gap (the thing counted); only the figure asked about is this
        if not figures:
            return ""
        if others:
            # another figure is the part asked about only if the entry names that part ("985张里护理型的有多少";
            # not "985张里社会福利服务中心有几张", when the entry never names the centre)
            parts = [n for n in salient_nouns(analysis.message, self._vocab) if not self.mentions(index, n)]
            # the words of the part named right after the figure's 里 (普惠性养老机构, 县城), nouns or not
            named = _PART_NAMED.search(analysis.message)
            if named:
                # (single characters the segmenter leaves, 普 惠 性, are one word the dictionary lacks)
                words = re.sub(r"(?<=\b\w) (?=\w\b)", "", " ".join(segment(named.group(1)))).split()
                parts += [w for w in words if len(w) >= 2 and not self.mentions(index, w)]
            return "" if not parts else "、".join(n for n, _ in stated)
        return "、".join(n for n, _ in stated)

    def counts(self, index: int, counted: str) -> bool:
        """Whether the entry states a number of this kind of thing (个 and 项 count organisations too)."""
        units = self.units(index)
        return counted in units or (counted == "org" and "thing" in units)

    def blocked_by(self, terms: tuple[str, ...], index: int) -> str:
        """The first of the question's out-of-scope terms that the entry does not mention, or ''."""
        if not terms:
            return ""
        text = self._retriever.entry_text(index)
        # (某市全市 is 全市 in a release about one county of that city)
        missing = [
            term for term in terms if term not in text and not any(a in text for a in same_areas(self._vocab, term))
        ]
        if not missing:
            return ""
        plain = self.plain_text(index)
        section = self._section_text(index)
        # a speaker or author named with a topic they spoke on (崔维廷讲的公路), or an area the section ranks the
        # county in (全国首批), is not another subject; another county named in the same section (one the
        # sidebar lists as a neighbour) is
        return next(
            (term for term in missing if term not in plain and not (term in section and self._beside(term))), ""
        )

    def _beside(self, term: str) -> bool:
        """Whether a scope term may stand beside the entry's topic in its section: a person who presents it (a
        speaker, the author, the organisers), or an area bigger than the county; a project, firm or place the
        section names is a subject of its own (一步法制氢项目的投资 is not the total of the zone's projects)."""
        return term in self._presenters or self._vocab.bigger_areas.fullmatch(term) is not None

    def people_in(self, index: int) -> list[str]:
        """The people who present a source (speakers, the author) that the entry's answer names, in its order."""
        answer = self._entries[index].answer
        named = [(answer.find(name), name) for name in self._presenters if name in answer]
        return [name for _, name in sorted(named)]

    def named_elsewhere(self, place: str) -> bool:
        """Whether a county or city the question names is one of scope.yaml's other places (大同 in 大同市):
        the scope check speaks for it."""
        return any(term in place for term in self._kb.scope.other_places)

    def _section_text(self, index: int) -> str:
        """The part of the source the entry's quote stands in, from its heading to the next, as typed."""
        cached = self._section_cache.get(index)
        if cached is not None:
            return cached
        entry = self._entries[index]
        source = self._kb.source_of(entry)
        text = source.text
        at = text.find(source.paragraph_of(entry.quote))
        starts = sorted(
            pos for name in source.sections if (pos := text.find("\n" + name.split()[0] + "\n")) >= 0
        )
        start = max((p for p in starts if p <= at), default=0) if at >= 0 else 0
        end = min((p for p in starts if p > max(at, start)), default=len(text))
        section = self._section_cache[index] = self._normalizer.plain(text[start:end]) if at >= 0 else ""
        return section

    def ungrounded(self, analysis: Analysis, index: int) -> list[str]:
        """Nouns of the asking clause that the entry does not state and no entry of the base states either.

        A noun another entry states is a word of the release (标题, 平台, 副县长) and the retrieval weighs
        it; a noun the whole base never states (员工, 注册资本, 用途) is a detail the release does not give.
        """
        # as typed, clause by clause: dropping fillers joins words (万吨那个数 → 吨数), but a comma does not
        # (稿子，标题叫啥 asks no 子标题)
        return [
            noun
            for noun in _asked_by_clause(analysis.message, self._vocab)
            if not self.mentions(index, noun) and not self.known_to_base(noun) and not self._instance_of(noun, index)
        ]

    def _instance_of(self, noun: str, index: int) -> bool:
        """Whether the entry names a thing of this kind: 部委 is grounded by 农业农村部."""
        pattern = INSTANCE_NAMES.get(noun)
        if pattern is None:
            return False
        entry = self._entries[index]  # as written too: a quoted phrase keeps its quotation marks only there
        return any(pattern.search(text) for text in (self.said_as_typed(index), entry.answer, entry.quote))

    @staticmethod
    def asked_beside(plain: str, word: str) -> bool:
        """Whether a question word stands right beside ``word`` in the clause as typed (CT多少钱, CT吗)."""
        at = plain.find(word)
        return at < 0 or bool(_ASKING_NEAR.search(plain[max(0, at - 3) : at + len(word) + 4]))

    def entries_stating(self, word: str) -> list[int]:
        """The entries that state the normalised word (its grams' postings, each entry's text checked)."""
        return self._retriever.entries_stating(word)

    def heard_in_base(self, word: str) -> bool:
        """Whether some entry states the word, or one that sounds like it (a homophone typo)."""
        return self._retriever.states_word(word) or self._retriever.sounds_stated(word)

    def stated_by_another(self, word: str, index: int) -> bool:
        """Whether the answer or quote of an entry other than ``index`` states the word (储量 of the reserves' entries,
        asked of the output's): a thing of the release, not a resident's word for what this entry says."""
        return any(other != index and word in self._retriever.said_key(other) for other in self.entries_stating(word))

    def narrows_elsewhere(self, term: str, noun: str, index: int, near: int = 2) -> bool:
        """Whether the answer or quote of an entry other than ``index`` states ``term`` with ``noun`` (or its last
        two characters) at most ``near`` characters after it: the base tells that narrower thing apart
        (白云岩地质储量, 煤炭可采储量)."""
        tail = noun[-2:]
        stating = self._retriever.entries_stating(term)
        if len(stating) > max(3, len(self._entries) // 50):
            return False  # a word many entries state (服务) names no narrower thing of its own
        for other in stating:
            if other == index:
                continue
            text = self._retriever.said_key(other)
            for at in positions(term, text):
                if tail in text[at + len(term) : at + len(term) + near + len(tail)]:
                    return True
        return False

    def presented_on(self, index: int, topic: str) -> bool:
        """Whether a person the entry names presented a section of its source that holds ``topic`` (the source's
        ``speakers``: 李刚 presented 链条延伸 聚焦工业发展, whose text names 铝镁), though the entry does not say it."""
        entry = self._entries[index]
        source = self._kb.sources.get(entry.source)
        if source is None or not source.speakers:
            return False
        texts = self._section_texts.get(source.id)
        if texts is None:
            texts = self._section_texts[source.id] = _section_texts(source)
        return any(
            topic in section + texts.get(section, "")
            for section, who in source.speakers.items()
            if any(name in who and name in entry.answer for name in self._presenters)
        )

    def character_known_to_base(self, character: str) -> bool:
        """Whether some entry states this one character (as written, not by sound)."""
        return self._retriever.states_character(character)

    def said_by_some(self, word: str) -> bool:
        """Whether some entry's answer or quote states the word as a word (not 图说 inside 配图说明: segmented)."""
        if len(self._entries) > 20_000:
            return self.known_to_base(word)
        if self._all_said is None:
            self._all_said = frozenset(w for i in range(len(self._entries)) for w in segment(self.said_as_typed(i)))
        return word in self._all_said

    def known_to_base(self, word: str) -> bool:
        """Whether some entry states the word: every bigram of it is in the base's index."""
        return self._retriever.states_word(word)

    def agree(self, first: int, other: int) -> bool:
        """Whether two entries cite the same passage of their source (the quotes' spans overlap by half), or
        one restates the other's quote nearly word for word.

        An overview and the detail it sums up quote the same sentence; two entries that merely share a
        term (民生事业一体化 in a list and in its own paragraph) quote different places and do not agree.
        """
        a, b = self._entries[first], self._entries[other]
        if a.source != b.source:
            return False
        pair = (first, other) if first < other else (other, first)
        found = self._agree_cache.get(pair)
        if found is None:
            x, y = self._span(first), self._span(other)
            found = False
            if x is not None and y is not None:
                shared = min(x[1], y[1]) - max(x[0], y[0])
                found = shared >= max(4, min(x[1] - x[0], y[1] - y[0]) // 2)
            found = found or self._restates(first, other) or self._restates(other, first)
            if len(self._agree_cache) >= 50_000:
                self._agree_cache.clear()
            self._agree_cache[pair] = found
        return found

    def _span(self, index: int) -> tuple[int, int] | None:
        """Where the entry's quote lies in its source (``Source.span_of``), worked out once per entry."""
        if index not in self._span_cache:
            entry = self._entries[index]
            self._span_cache[index] = self._kb.source_of(entry).span_of(entry.quote)
        return self._span_cache[index]

    def _keys(self, index: int) -> tuple[str, str]:
        """The entry's quote, and its answer and quote, reduced for comparing quotes (``quote_key``)."""
        keys = self._keys_cache.get(index)
        if keys is None:
            entry = self._entries[index]
            quote = quote_key(entry.quote)
            keys = self._keys_cache[index] = (quote, quote_key(entry.answer) + "\n" + quote)
        return keys

    def _restates(self, a: int, b: int) -> bool:
        """Whether entry ``b`` states ``a``'s quote in its own answer or quote (nearly word for word)."""
        quote = self._keys(a)[0]
        if len(quote) < 6:
            return False
        said = self._keys(b)[1]
        return quote in said or fuzz.partial_ratio(quote, said, score_cutoff=90) >= 90

    def warm(self, limit: int = 5_000) -> None:
        """Work out what each entry states now, for a base of up to ``limit`` entries (~0.1 s for the county's
        own), so that the first questions do not each pay for it; a larger base fills these as it is asked."""
        if len(self._entries) > limit:
            return
        for index in range(len(self._entries)):
            self.gives(index)
            self.plain_text(index)
            self.said_as_typed(index)
            self.answer_digits(index)
            self.pinyin_text(index)
            self.units(index)
            self._caveats(index)
            self._keys(index)
            self._span(index)
            self._section_text(index)
        self.said_by_some("")


def _section_texts(source: Source) -> dict[str, str]:
    """Each section of a source and the text of its sentences, as written."""
    texts: dict[str, list[str]] = {}
    for passage in passages(source):
        texts.setdefault(passage.section, []).append(passage.text)
    return {section: "".join(parts) for section, parts in texts.items()}
