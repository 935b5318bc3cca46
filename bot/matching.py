"""Match a resident's question to a knowledge-base entry.

How a question is matched:

1. It is normalised once (``bot.text``): script, width, numerals, fillers, synonyms.
2. Candidate entries come from two inverted indexes of character unigrams and bigrams, one over the
   characters and one over their pinyin syllables (homophone typos). Each entry is scored by how much of
   the question's information (IDF-weighted grams) it explains; only the best few are looked at again.
   Grams so common that they carry no information are left out of this step, so the work per question
   grows with the number of *rare* matches, not with the size of the base.
3. The candidates are re-scored with RapidFuzz against each of their questions, and by how much of
   their closest questions the resident's words contain. In a long message the clause that asks the
   question counts double, and is also scored on its own as a short question would be.
4. Vetoes: an entry is never given as *the* answer when the question names another place, a subject
   the release never covers or a named company/person/project (``scope.yaml``) that the entry does not
   mention; asks for a kind of information (price, names, date, procedure, contact, rank, area, a
   measure such as 产值) that the entry does not give; or names a number the entry does not state.
   Vetoed entries may still be offered as suggestions.
5. The score (0-100) and the gap to the runner-up decide: ``answered``, ``ambiguous`` (up to three
   candidates), or ``no_match``. Greetings, thanks and "who are you" are ``smalltalk``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from rapidfuzz import fuzz, process

from .index import GramIndex, gram_codes
from .knowledge import Entry, KnowledgeBase
from .text import MAX_INPUT_CHARS, Normalizer, pinyin_key

__all__ = ["Candidate", "MatchResult", "Matcher", "Status", "Thresholds"]


class Status(StrEnum):
    ANSWERED = "answered"
    AMBIGUOUS = "ambiguous"
    NO_MATCH = "no_match"
    SMALLTALK = "smalltalk"


@dataclass(frozen=True)
class Thresholds:
    """Where scores turn into statuses (tuned on the dev questions; the bot's config may override them)."""

    answer: float = 50.0  # at or above (with a clear lead): answered
    lead: float = 4.0  # the best must beat the runner-up by this much to be answered
    sure: float = 88.0  # at or above this the lead is not required (near-exact match)
    answer_alone: float = 44.0  # a lower score is enough when no other entry comes close...
    lead_alone: float = 12.0  # ...that is, when the runner-up is this far behind
    suggest: float = 40.0  # at or above: ambiguous with candidates; below: no_match
    candidates: int = 3  # at most this many suggestions


@dataclass(frozen=True)
class Candidate:
    entry: Entry
    score: float
    question: str  # the entry's question closest to what was asked


@dataclass(frozen=True)
class MatchResult:
    question: str
    status: Status
    entry: Entry | None = None
    score: float = 0.0
    candidates: tuple[Candidate, ...] = ()
    smalltalk: str = ""  # greeting / thanks / identity / bye / help
    out_of_scope: str = ""  # the out-of-scope term that blocked a confident answer, if any


# --------------------------------------------------------------------------------------------------
# Small talk

_SMALLTALK = (
    (
        "greeting",
        r"(你好|您好|nihao|hi|hello|hey|嗨|哈喽|在吗|在不在|有人吗|早上好|上午好|中午好|下午好|晚上好"
        r"|早安|晚安|早|大家好)+",
    ),
    (
        "thanks",
        r"(谢谢|多谢|感谢|谢啦|谢了|thanks|thankyou|thx|辛苦了|辛苦|好的谢谢|明白了|知道了|懂了|好的|好|ok|嗯)+",
    ),
    (
        "identity",
        r"(你是谁|你是什么|你叫什么|你叫啥|你是干什么的|你是干啥的|你能干什么|你能干啥|你会什么|你会干啥"
        r"|你能做什么|你有什么用|这是什么|这是啥|怎么用|怎么使用|如何使用|能问什么|可以问什么|能问啥"
        r"|可以问啥|你是机器人吗|你是真人吗|机器人|帮助|help)",
    ),
    ("bye", r"(再见|拜拜|bye|byebye|回见|下次见)+"),
)
_SMALLTALK_RE = tuple((kind, re.compile(f"^(?:{pattern})$")) for kind, pattern in _SMALLTALK)
_SMALLTALK_STRIP = re.compile(r"[\s\W_]+|[呀啊呢吗嘛吧哈哦噢喔啦了的]+$")


def detect_smalltalk(folded: str) -> str:
    """The kind of small talk in an already folded text, or '' if it is a real question."""
    core = _SMALLTALK_STRIP.sub("", folded)
    core = re.sub(r"[呀啊呢吗嘛吧哈哦噢喔啦了的]+$", "", core)
    if not core:
        return ""
    for kind, pattern in _SMALLTALK_RE:
        if pattern.match(core):
            return kind
    return ""


# --------------------------------------------------------------------------------------------------
# Index


@dataclass(frozen=True)
class Weights:
    """How the evidence adds up to a score (short questions; long messages); tuned on the dev set."""

    coverage: float = 0.4
    contain: float = 0.1
    fuzzy: float = 0.5
    long_coverage: float = 0.5
    long_contain: float = 0.3
    long_fuzzy: float = 0.2
    number_penalty: float = 0.7  # the question names a number the entry does not have
    ask_penalty: float = 0.6  # it asks for a kind of information (price, names, date...) the entry lacks
    focus: float = 0.95  # a long message's asking clause, scored alone, counts this much
    focus_context: float = 0.7  # ... times this plus the entry's coverage of the rest of the message (at most 1)
    novelty: float = 0.3  # short questions: how much words unknown to the whole base count against a match


@dataclass(frozen=True)
class _Features:
    index: int
    question: str
    coverage: float
    contain: float
    fuzzy: float
    long_query: bool
    novelty: float
    missing_number: bool
    ask_mismatch: bool
    blocked: str


@dataclass
class _Prepared:
    key: str
    pkey: str
    grams: dict[int, float]
    pgrams: dict[int, float]
    focus: str  # the clause that asks the question (long messages), else the whole key
    numbers: tuple[str, ...]  # numbers the resident wrote (digits, after normalisation)
    asks: frozenset[str]  # kinds of information asked for that an entry may not have (price, names, ...)
    plain: str  # folded text without synonyms or fillers, for scope terms

    @property
    def pfocus(self) -> str:
        return pinyin_key(self.focus)


_CLAUSE_SPLIT = re.compile(r"[，,。!！?？;；:：、\n\r\t ]+|(?<![0-9０-９])[.．](?![0-9０-９])")
_QUESTION_MARK = re.compile(
    r"多少|几|啥|什么|吗|哪|谁|怎么|咋|是不是|有没有|能不能|可不可以|行不行|会不会|对不对|是否|如何|么|呢|否|不$|没$"
    r"|\?|？"
)
# Kinds of information a question asks for; an entry can give it only if its own questions ask for it too.
ASK_KINDS: dict[str, re.Pattern[str]] = {
    "price": re.compile(
        r"价格|价钱|收费|费用|房租|租金|票价|工资|待遇|薪水"
        r"|1(?:吨|斤|袋|亩地?|平米?|顿饭?|晚上?|夜|个月|天|张票?|次|人)(?:要|得|需要|收)?多少钱|每(?:人|月|天|晚|吨)多少钱"
        r"|(?:住|入住|吃|看病|坐车|参观|进去|报名)[^\d多]{0,6}多少钱"
        r"|收钱|要钱|收不收|免不免费"
    ),
    "procedure": re.compile(
        r"怎么申请|如何申请|咋申请|申请条件|怎么办理|如何办理|咋办理|去哪办|找哪个|要带|带什么|带哪些"
        r"|什么材料|哪些材料|申请材料|流程|手续|申报|申请|预约|报名|怎么领|去哪领|能不能办"
        r"|参观|能去吗|能进去|能不能去|让不让进|开放时间"
    ),
    "names": re.compile(
        r"叫什么|名字|名单|名称|哪家|(?:哪个|哪些|什么)(?:企业|公司)|哪几家|分管"
        r"|(?:最大|最多|最高|最好|最早)的?是哪|哪个最"
    ),
    "places": re.compile(
        r"哪(?:[2-9]|[1-9]\d+)(?:个|所|条|家|项|座)|(?:哪1?个|哪些|什么)(?:村|乡镇|镇|学校|中小学|医院|单位|路段|路|小区|社区)"
    ),
    "plan": re.compile(r"下1步|打算|打不打算|将来|今后|以后还|还要不要|要不要再|扩到|扩建|扩区"),
    "compare": re.compile(r"比去年|比上年|同比|多了还是少了|增加了还是|和.{1,6}比|跟.{1,6}比|相比|更大|更多|哪个县"),
    "rank": re.compile(r"排第几|排名|第几名|排在第|名次"),
    "area": re.compile(r"面积(有)?多大|面积(是)?多少|占地(面积)?多少|多大地方|多少平方"),
    "when": re.compile(r"什么时候|何时|哪1?年|几月|哪个月|几号|哪天|哪1天|多久|日期|几点|时刻表|班次"),
    "contact": re.compile(
        r"电话|地址|在哪|位置|怎么走|咋走|怎么去|联系|哪条街|街道|门牌|几路车|坐车|怎么到|咋到|导航"
        r"|地点|哪个会场|在哪开|在哪里开"
    ),
    "person": re.compile(r"老板|负责人|董事长|法人|厂长|院长|站长|书记是"),
    "money": re.compile(
        r"投资了?多少|花了?多少|多少钱|多少资金|资金多少|金额|多少亿|多少万元|产值是?多少|出口额|补贴多少|补助多少"
    ),
    "count": re.compile(r"多少(?!钱)|(?<!哪)几(?!乎)|数量"),
}
# "Which university/unit/country ...": the entry's own answer or quote must name that kind of thing.
AFFILIATION = re.compile(
    r"(?:什么|哪个|哪家|哪所|哪)(大学|高校|单位|学校|报社|媒体|报纸|电视台|国家(?!级|部|和|标准|行业|重点))"
    r"|(?:什么|哪个|哪些|哪家|哪几家)(?:大|小|重点)?(企业)(?:叫|名)"
)
NAMED_BY: dict[str, re.Pattern[str]] = {
    "大学": re.compile(r"大学|学院"),
    "高校": re.compile(r"大学|学院|高校"),
    "单位": re.compile(r"公司|部|局|厅|办|会|院|校|中心|站|企业"),
    "学校": re.compile(r"学校|中学|小学|大学"),
    "报社": re.compile(r"报社|日报|晚报"),
    "媒体": re.compile(r"报社|日报|电视台|媒体"),
    "报纸": re.compile(r"日报|晚报|报纸"),
    "电视台": re.compile(r"电视台"),
    "国家": re.compile(r"美国|日本|韩国|俄罗斯|印度|欧洲|非洲|东南亚|中东|南美"),
    "企业": re.compile(r"有限企业|集团|合金|装备|新材料"),  # 公司 reads 企业 after synonyms
}

# Measures a question may ask about; the entry must talk about the same one (产值 is not 产能).
MEASURES = re.compile(r"产值|产能|面积|人口|收入|利润|税收|营收|销售额|出口额|工资|人数|里程|占有率|增幅|奖励")

ASK_VETO = "?ask"  # the question asks for a kind of information the entry does not give

# What an entry's answer must contain to give each kind of information, besides its own questions asking it.
ANSWER_GIVES: dict[str, re.Pattern[str]] = {
    "plan": re.compile(r"将|计划|力争|目标|预计|下1步|明年|规划|打造|建成|建设成|争创|创建"),
    "compare": re.compile(r"增长|同比|比上年|较上年|提高|下降|翻番|第1|领先|高于|居首|首位|持平|相比|以前|之前|前的"),
    "rank": re.compile(r"第\d|第一|首位|居首|领先|第二"),
    "area": re.compile(r"面积|平方|公顷|\d亩"),
    "when": re.compile(r"\d{4}年|\d+月|以来|季度|近3年|3年来|明年|近期|近日|年底|年末|末"),
    "money": re.compile(r"元"),
    "count": re.compile(r"\d|[一二两三四五六七八九十百千万亿]"),
}


@dataclass
class Matcher:
    """Answers questions against one knowledge base; build once, share everywhere (thread-safe reads)."""

    kb: KnowledgeBase
    thresholds: Thresholds = field(default_factory=Thresholds)
    weights: Weights = field(default_factory=Weights)
    answer_weight: float = 0.6  # how much words that appear only in an answer or quote count
    shortlist: int = 8

    def __post_init__(self) -> None:
        self.normalizer = Normalizer(self.kb.synonyms)
        norm = self.normalizer.normalize
        self._entries: tuple[Entry, ...] = self.kb.entries
        self._question_keys: list[list[str]] = []
        self._question_pinyin: list[list[str]] = []
        self._question_texts: list[list[str]] = []
        self._said: list[str] = []  # the answer and quote, normalised
        char_docs: list[list[tuple[str, float]]] = []
        pinyin_docs: list[list[tuple[str, float]]] = []
        said_keys = iter(self.normalizer.normalize_many(t for e in self._entries for t in (e.answer, e.quote)))
        for entry in self._entries:
            pieces = (*entry.questions, *entry.keywords)
            given = entry.keys if len(entry.keys) == len(pieces) else tuple(norm(p) for p in pieces)
            keys: list[str] = []
            texts: list[str] = []
            for text, key in zip(pieces, given, strict=True):
                if key and key not in keys:
                    keys.append(key)
                    texts.append(text if text in entry.questions else entry.canonical_question)
            said = next(said_keys) + "\x00" + next(said_keys)
            pinyin = [pinyin_key(k) for k in keys]
            self._question_keys.append(keys)
            self._question_pinyin.append(pinyin)
            self._question_texts.append(texts)
            self._said.append(said)
            char_docs.append([*((k, 1.0) for k in keys), (said, self.answer_weight)])
            pinyin_docs.append([*((k, 1.0) for k in pinyin), (pinyin_key(said), self.answer_weight)])
        self._chars = GramIndex.build(char_docs)
        self._pinyin = GramIndex.build(pinyin_docs)
        del char_docs, pinyin_docs
        self._text_cache: dict[int, str] = {}
        self._plain_cache: dict[int, str] = {}
        self._gives_cache: dict[int, frozenset[str]] = {}
        self._other_places = self._scope_terms((*self.kb.scope.other_places, *self.kb.scope.names))
        self._not_covered = self._scope_terms(self.kb.scope.not_covered)
        # names of three characters or more are also recognised when typed with homophones (刘大朋)
        self._name_sounds = tuple(
            (name, pinyin_key(name)) for name in self._scope_terms(self.kb.scope.names) if len(name) >= 3
        )

    def _entry_text(self, index: int) -> str:
        """Everything an entry says, normalised: its questions, keywords, answer and quote."""
        text = self._text_cache.get(index)
        if text is None:
            text = self._text_cache[index] = " ".join((*self._question_keys[index], self._said[index]))
        return text

    # ----------------------------------------------------------------------------------------------

    def _has_number(self, index: int, number: str) -> bool:
        """Whether the entry states this number, or one within 10% of it (接近一千张 for 985张); years exactly."""
        text = self._entry_text(index)
        if number in text:
            return True
        value = float(number)
        if value <= 2:  # 一个, 两个, 一年: counting words more often than facts
            return True
        if 1900 <= value <= 2100 and "." not in number:
            return False
        stated = (float(n) for n in re.findall(r"\d+(?:\.\d+)?", text))
        return any(abs(value - v) <= 0.1 * max(value, v) for v in stated)

    def _gives(self, index: int) -> frozenset[str]:
        """Kinds of information an entry gives: what its answer contains, or what its questions ask."""
        cached = self._gives_cache.get(index)
        if cached is not None:
            return cached
        answer = self._said[index].split("\x00", 1)[0]  # the normalised answer, without the quote
        kinds = set()
        for kind, pattern in ASK_KINDS.items():
            gives = ANSWER_GIVES.get(kind)
            asked = kind not in ("money", "count", "rank", "area") and any(
                pattern.search(k) for k in self._question_keys[index]
            )
            if asked or (gives is not None and gives.search(answer)):
                kinds.add(kind)
        result = self._gives_cache[index] = frozenset(kinds)
        return result

    def _scope_terms(self, terms: Iterable[str]) -> tuple[str, ...]:
        """Scope terms as they appear in normalised keys and as typed (both are checked)."""
        keys = {self.normalizer.canonical_term(t) for t in terms} | {self.normalizer.plain(t) for t in terms}
        return tuple(sorted((k for k in keys if k), key=len, reverse=True))

    def _scope_terms_in(self, prepared: _Prepared) -> tuple[str, ...]:
        """The out-of-scope terms a question names (as normalised, or as typed)."""
        return tuple(
            term
            for term in (*self._other_places, *self._not_covered)
            if term in prepared.focus or term in prepared.plain
        ) + tuple(name for name, sound in self._name_sounds if sound in prepared.pfocus and name not in prepared.plain)

    def _blocked_by(self, terms: tuple[str, ...], entry_index: int) -> str:
        """The first of the question's out-of-scope terms that the entry does not mention, or ''."""
        if not terms:
            return ""
        text = self._entry_text(entry_index)
        missing = [term for term in terms if term not in text]
        if not missing:
            return ""
        plain = self._plain_cache.get(entry_index)  # as typed: synonyms may have rewritten the term
        if plain is None:
            entry = self._entries[entry_index]
            pieces = (*entry.questions, *entry.keywords, entry.answer, entry.quote)
            plain = self._plain_cache[entry_index] = " ".join(self.normalizer.plain(p) for p in pieces)
        return next((term for term in missing if term not in plain), "")

    def _prepare(self, question: str) -> _Prepared:
        key = self.normalizer.normalize(question)
        raw_clauses = [c for c in _CLAUSE_SPLIT.split(question[:MAX_INPUT_CHARS]) if c.strip()]
        clauses = [(self.normalizer.normalize(c), bool(_QUESTION_MARK.search(c)), c) for c in raw_clauses]
        clauses = [(k, asking, raw) for k, asking, raw in clauses if k]
        focus = key
        focus_raw = question
        char_grams: dict[int, float] = {}
        pinyin_grams: dict[int, float] = {}
        if len(key) > 16 and len(clauses) > 1:
            asking = [i for i, (_, marked, _) in enumerate(clauses) if marked]
            focus_index = asking[-1] if asking else len(clauses) - 1
            focus, focus_raw = clauses[focus_index][0], clauses[focus_index][2]
            if len(focus) < 6 and focus_index > 0:  # "是真的吗" asks about the clause before it
                focus = clauses[focus_index - 1][0] + focus
                focus_raw = clauses[focus_index - 1][2] + focus_raw
            for clause, _, _ in clauses:
                weight = 1.0 if clause in focus else 0.5
                for table, text in ((char_grams, clause), (pinyin_grams, pinyin_key(clause))):
                    for gram, unit in gram_codes(text).items():
                        table[gram] = max(table.get(gram, 0.0), unit * weight)
        else:
            char_grams, pinyin_grams = gram_codes(key), gram_codes(pinyin_key(key))
        # what is asked, which numbers and places are named: judged on the asking clause of a long message
        numbers = tuple(dict.fromkeys(re.findall(r"\d+(?:\.\d+)?", focus)))
        # (every clause that asks something counts: "污水处理厂在哪儿，日处理能力多少" asks two things)
        asked = [focus] + [clause for clause, marked, _ in clauses if marked and clause not in focus]
        asks = frozenset(kind for kind, pattern in ASK_KINDS.items() if any(pattern.search(c) for c in asked))
        plain = self.normalizer.plain(focus_raw)
        return _Prepared(key, pinyin_key(key), char_grams, pinyin_grams, focus, numbers, asks, plain)

    def _prepare_focus(self, prepared: _Prepared) -> _Prepared | None:
        """The asking clause of a long message, prepared as a question of its own."""
        focus = prepared.focus
        if focus == prepared.key or len(focus) < 4:
            return None
        return _Prepared(
            focus, pinyin_key(focus), gram_codes(focus), gram_codes(pinyin_key(focus)), focus, prepared.numbers,
            prepared.asks, prepared.plain,
        )

    def _rest_coverage(self, prepared: _Prepared, indices: list[int]) -> dict[int, float]:
        """How much of the message outside its asking clause each of these entries explains (0-1)."""
        rest = prepared.key.replace(prepared.focus, " ", 1)
        chars = self._chars.coverage_of(gram_codes(rest), indices)
        sounds = self._pinyin.coverage_of(gram_codes(pinyin_key(rest)), indices)
        return dict(zip(indices, np.maximum(chars, 0.98 * sounds).tolist(), strict=True))

    def _features(self, prepared: _Prepared) -> list[_Features]:
        """Evidence for each shortlisted entry: coverage, containment, fuzzy similarity, mismatches."""
        cov_chars, _ = self._chars.coverage(prepared.grams)
        cov_pinyin, pinyin_idf = self._pinyin.coverage(prepared.pgrams)
        unknown = self._pinyin.gram_ids(list(prepared.pgrams)) < 0
        units = np.fromiter(prepared.pgrams.values(), dtype=np.float64, count=len(prepared.pgrams))
        idf = np.fromiter((pinyin_idf[c] for c in prepared.pgrams), dtype=np.float64, count=len(prepared.pgrams))
        mass = float((idf * units).sum())
        novelty = float((idf * units)[unknown].sum()) / mass if mass else 0.0
        coverage = np.maximum(cov_chars, 0.98 * cov_pinyin)
        hits = np.flatnonzero(coverage)
        if len(hits) > self.shortlist:
            hits = hits[np.argpartition(-coverage[hits], self.shortlist - 1)[: self.shortlist]]
        top = hits.tolist()
        if not top:
            return []
        long_query = len(prepared.key) > 24
        # every question of every shortlisted entry, compared in a few batched RapidFuzz calls
        keys = [k for i in top for k in self._question_keys[i]]
        pinyin = [k for i in top for k in self._question_pinyin[i]]
        fuzzy = np.maximum(
            process.cdist([prepared.key], keys, scorer=fuzz.ratio)[0],
            0.98 * process.cdist([prepared.pkey], pinyin, scorer=fuzz.ratio)[0],
        )
        if prepared.focus != prepared.key:
            fuzzy = np.maximum(fuzzy, 0.95 * process.cdist([prepared.focus], keys, scorer=fuzz.ratio)[0])
            focus_pinyin = pinyin_key(prepared.focus)
            fuzzy = np.maximum(fuzzy, 0.9 * process.cdist([focus_pinyin], pinyin, scorer=fuzz.ratio)[0])
        if long_query:
            partial = 0.9 * process.cdist([prepared.key], keys, scorer=fuzz.partial_ratio)[0]
            fuzzy = np.maximum(fuzzy, np.where([len(k) >= 4 for k in keys], partial, 0.0))
        found: list[_Features] = []
        scope_terms = self._scope_terms_in(prepared)
        # containment of the closest questions of each entry, in one vectorised pass
        closest: list[list[int]] = []
        start = 0
        for index in top:
            n = len(self._question_keys[index])
            closest.append([start + p for p in np.argsort(-fuzzy[start : start + n])[:6].tolist()])
            start += n
        flat = [p for positions in closest for p in positions]
        measured = self._chars.containment(prepared.grams, [keys[p] for p in flat]).tolist()
        contains = dict(zip(flat, measured, strict=True))
        start = 0
        for index, positions in zip(top, closest, strict=True):
            n = len(self._question_keys[index])
            best_text = self._question_texts[index][0]
            best_rank = -1.0
            best_contain = 0.0
            for p in positions:
                rank = float(fuzzy[p]) + 40 * contains[p]
                if rank > best_rank:
                    best_rank, best_text = rank, self._question_texts[index][p - start]
                best_contain = max(best_contain, contains[p])
            scores = fuzzy[start : start + n]
            start += n
            entry_text = self._entry_text(index)
            found.append(
                _Features(
                    index=index,
                    question=best_text,
                    coverage=float(coverage[index]),
                    contain=best_contain,
                    fuzzy=float(scores.max()) / 100,
                    long_query=long_query,
                    novelty=novelty,
                    missing_number=any(not self._has_number(index, number) for number in prepared.numbers),
                    ask_mismatch=bool(prepared.asks - self._gives(index))
                    or any(m not in entry_text for m in MEASURES.findall(prepared.focus))
                    or any(word not in entry_text for word in re.findall(r"[a-z]{2,}", prepared.focus))
                    or any(
                        not NAMED_BY[noun].search(self._said[index])
                        for nouns in AFFILIATION.findall(prepared.focus)
                        for noun in nouns
                        if noun
                    ),
                    blocked=self._blocked_by(scope_terms, index),
                )
            )
        return found

    def _score(self, f: _Features) -> float:
        w = self.weights
        if f.long_query:
            score = 100 * (w.long_coverage * f.coverage + w.long_contain * f.contain + w.long_fuzzy * f.fuzzy)
        else:
            score = 100 * (w.coverage * f.coverage + w.contain * f.contain + w.fuzzy * f.fuzzy)
            score *= 1 - w.novelty * f.novelty
        if f.missing_number:
            score *= w.number_penalty
        if f.ask_mismatch:
            score *= w.ask_penalty
        if f.blocked:
            score = min(score * 0.6, self.thresholds.suggest - 1)
        return score

    @staticmethod
    def _veto(f: _Features) -> str:
        """Why this entry may not be given as a confident answer: a scope term, ASK_VETO, or ''."""
        return f.blocked or (ASK_VETO if f.ask_mismatch or f.missing_number else "")

    def _score_candidates(self, prepared: _Prepared) -> list[tuple[float, int, str, str]]:
        """(score, entry index, matched question text, veto) for the shortlist, best first."""
        best: dict[int, tuple[float, int, str, str]] = {}
        for f in self._features(prepared):
            best[f.index] = (self._score(f), f.index, f.question, self._veto(f))
        focus = self._prepare_focus(prepared)
        if focus is not None:
            # a long message is also judged by its asking clause alone, as a short question would be,
            # as long as the entry also explains the rest of the message (a generic clause such as
            # 采用了哪几种方式 must not pull in an entry about something else)
            # (the context is only worked out for entries the clause could still raise)
            by_clause = [(f, self.weights.focus * self._score(f)) for f in self._features(focus)]
            raisable = [(f, score) for f, score in by_clause if f.index not in best or score > best[f.index][0]]
            rest = self._rest_coverage(prepared, [f.index for f, _ in raisable]) if raisable else {}
            for f, alone in raisable:
                score = min(1.0, self.weights.focus_context + rest[f.index]) * alone
                if f.index not in best or score > best[f.index][0]:
                    best[f.index] = (score, f.index, f.question, self._veto(f))
        scored = sorted(best.values(), key=lambda s: (-s[0], s[1]))
        return scored

    # ----------------------------------------------------------------------------------------------

    def match(self, question: str) -> MatchResult:
        """Match one question; never raises on any text."""
        folded = self.normalizer.fold(question or "")
        kind = detect_smalltalk(folded) if len(folded) <= 40 else ""
        if kind:
            return MatchResult(question=question, status=Status.SMALLTALK, score=100.0, smalltalk=kind)
        prepared = self._prepare(question or "")
        if not prepared.key:
            return MatchResult(question=question, status=Status.NO_MATCH)
        scored = self._score_candidates(prepared)
        if not scored:
            return MatchResult(question=question, status=Status.NO_MATCH)
        t = self.thresholds
        best_score, best_index, _, veto = scored[0]
        second = scored[1][0] if len(scored) > 1 else 0.0
        candidates = tuple(
            Candidate(self._entries[i], round(min(s, 100.0), 1), text)
            for s, i, text, _ in scored[: t.candidates]
            if s >= t.suggest and s >= best_score - 15
        )
        best = self._entries[best_index]
        score = round(min(best_score, 100.0), 1)
        lead = best_score - second
        confident = (best_score >= t.answer and (lead >= t.lead or best_score >= t.sure)) or (
            best_score >= t.answer_alone and lead >= t.lead_alone
        )
        if confident and not veto:
            return MatchResult(question, Status.ANSWERED, best, score, candidates[:1])
        if veto and veto != ASK_VETO:
            near = tuple(c for c in candidates if c.entry.id != best.id)
            return MatchResult(question, Status.NO_MATCH, None, score, near, out_of_scope=veto)
        if candidates:
            return MatchResult(question, Status.AMBIGUOUS, None, score, candidates)
        near = tuple(Candidate(self._entries[i], round(s, 1), text) for s, i, text, _ in scored[: t.candidates])
        return MatchResult(question, Status.NO_MATCH, None, score, near, out_of_scope=veto if veto != ASK_VETO else "")
