"""Decide: does an entry answer what was asked, and how sure is the engine?

Answerability is checked against the :class:`~bot.analyse.Analysis` of the question. An entry that is
on the topic may still not state what is asked; each such *gap* names what is missing:

- ``scope``: the question names another place, a subject the release never covers, or a named
  company/person/project (``scope.yaml``) that the entry does not mention;
- ``ask:<kind>``: it asks for a kind of information (price, names, date, a day, a procedure, a
  contact, a person, what a name means, the rest of a list, a plan, a comparison, a rank, an area,
  money) that the entry does not give;
- ``counted``: it counts another thing than the entry counts (people where the entry counts firms);
- ``area``: it asks a total for a bigger area (全国, 全省, 全市) than the entry states one for;
- ``number``: it names a number (or an ordinal, 第一场) the entry does not state;
- ``words``: words of the asking clause that carry information are nowhere in the entry.

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
from enum import StrEnum
from functools import lru_cache

from rapidfuzz import fuzz

from .analyse import (
    AFFILIATION,
    ASK_KINDS,
    MEASURES,
    NAMED_BY,
    Analysis,
    asked_nouns,
    counted_class,
    counties_in,
    salient_nouns,
    unit_class,
    verb_like,
)
from .knowledge import Entry, KnowledgeBase, quote_key
from .language import ZH, Vocabulary
from .retrieve import Evidence, Retriever
from .text import Normalizer, chinese_numerals_to_digits, pinyin_key

__all__ = ["Decider", "Gap", "GapKind", "Scored", "Thresholds", "Weights"]


@dataclass(frozen=True)
class Thresholds:
    """Where scores turn into statuses (fitted on the labelled sets; the bot's config may override them)."""

    answer: float = 50.0  # at or above (with a clear lead): answered
    lead: float = 4.0  # the best must beat the runner-up by this much to be answered
    sure: float = 88.0  # at or above this the lead is not required (near-exact match)
    answer_alone: float = 44.0  # a lower score is enough when no other entry comes close...
    lead_alone: float = 8.0  # ...that is, when the runner-up is this far behind
    suggest: float = 40.0  # at or above: ambiguous with candidates; below: no_match
    partial: float = 55.0  # a detail is missing but the entry, ungapped, scores this: partial
    ungrounded: int = 1  # unexplained nouns of the asking clause that make a gap
    candidates: int = 3  # at most this many suggestions


@dataclass(frozen=True)
class Weights:
    """How the evidence adds up to a score (short questions; long messages)."""

    coverage: float = 0.4
    contain: float = 0.1
    fuzzy: float = 0.5
    long_coverage: float = 0.5
    long_contain: float = 0.3
    long_fuzzy: float = 0.2
    gap_penalty: float = 0.6  # an entry that does not state what is asked
    number_penalty: float = 0.7  # the question names a number the entry does not have
    list_boost: float = 1.3  # the question names two or more items of a list the entry's answer gives
    unexplained_penalty: float = 0.85  # the thing asked for is a noun no entry of the base states
    focus: float = 0.95  # a long message's asking clause, scored alone, counts this much
    focus_context: float = 0.7  # ... times this plus the entry's coverage of the rest of the message (at most 1)
    novelty: float = 0.3  # short questions: how much words unknown to the whole base count against a match


class GapKind(StrEnum):
    """What kind of thing an entry does not state of what was asked (each has its message in bot.messages)."""

    SCOPE = "scope"  # another place, a subject the release never covers, a name the entry does not mention
    WORDS = "words"  # nouns of the asking clause that no entry of the base states
    COUNTED = "counted"  # it counts another thing than the entry counts
    AREA = "area"  # a total for a bigger area than the entry states one for
    NUMBER = "number"  # a number or ordinal the entry does not state
    PART = "part"  # one part of a figure the entry gives only as a total
    PERIOD = "period"  # a period (去年, 全年) other than the one the entry's figure is for
    COMPARE = "compare"  # a comparison with another thing than the entry compares with
    ASK_KIND = "ask:kind"  # the kind of thing asked for (啥体制), which other candidates name and this one not
    ASK_MEASURE = "ask:measure"  # a measure (产值, 人口) or a thing counted that the entry never names
    ASK_PRICE = "ask:price"
    ASK_PROCEDURE = "ask:procedure"
    ASK_NAMES = "ask:names"
    ASK_PLACES = "ask:places"
    ASK_MOST = "ask:most"
    ASK_ORG = "ask:org"
    ASK_PLAN = "ask:plan"
    ASK_COMPARE = "ask:compare"
    ASK_RANK = "ask:rank"
    ASK_AREA = "ask:area"
    ASK_AGE = "ask:age"
    ASK_WHICH = "ask:which"
    ASK_WHEN = "ask:when"
    ASK_DAY = "ask:day"
    ASK_MONTH = "ask:month"
    ASK_CONTACT = "ask:contact"
    ASK_PERSON = "ask:person"
    ASK_EXPLAIN = "ask:explain"
    ASK_REST = "ask:rest"
    ASK_MONEY = "ask:money"
    ASK_REASON = "ask:reason"
    ASK_PER = "ask:per"
    ASK_COUNT = "ask:count"


@dataclass(frozen=True)
class Gap:
    """What an entry does not state of what was asked."""

    kind: GapKind  # a plain string is taken as its kind (an unknown one raises ValueError)
    detail: str = ""  # the term, the number or the words

    def __post_init__(self) -> None:
        if not isinstance(self.kind, GapKind):
            object.__setattr__(self, "kind", GapKind(self.kind))


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


# What an entry's answer must contain to give each kind of information, besides its own questions asking it.
ANSWER_GIVES: dict[str, re.Pattern[str]] = {
    "plan": re.compile(r"将|计划|力争|目标|预计|下1步|明年|规划|打造|建成|建设成|争创|创建"),
    "compare": re.compile(r"增长|同比|比上年|较上年|提高|下降|翻番|第1|领先|高于|居首|首位|持平|相比|以前|之前|前的"),
    "rank": re.compile(r"第\d|第一|首位|居首|领先|第二|首批|首个|首家|首届|率先"),
    "area": re.compile(r"面积|平方|公顷|\d亩"),
    "when": re.compile(r"\d{4}年|\d+月|以来|季度|近3年|3年来|明年|近期|近日|年底|年末|末"),
    "day": re.compile(r"\d+月\d+日|\d+日|\d+号"),
    "month": re.compile(r"\d+月|年底|年末|年初|月底|月初"),
    "age": re.compile(r"\d+岁"),
    "money": re.compile(r"元"),
    "per": re.compile(r"每|人均|户均|年均|日均|月均|/"),
    "reason": re.compile(r"因为|由于|原因|所以|因此|得益于|为了|凭借|依托|依靠|通过|从而"),
    "count": re.compile(r"\d|[一二两三四五六七八九十百千万亿]"),
}
# names, places and people the answer states in its own words (quotation marks survive only here)
_RAW_ANSWER_GIVES: dict[str, re.Pattern[str]] = {
    "names": re.compile(r"《|公司|集团|大学|学院|协会|研究院|有限"),
    "org": re.compile(
        r"[\u4e00-\u9fff]{2,}(?:公司|集团|合金|有限|厂|材料|化工|能源|科技|实业|股份|中心|医院|学院|大学|研究院|科学院"
        r"|协会|工作站)|[A-Za-z]{3,}"
    ),
    "price": re.compile(r"元/|元每|/[吨亩人月天晚]"),
    "explain": re.compile(r"[：:]|是指|即|也就是|分别是|包括"),  # a definition, or the parts of a name
    "places": re.compile(r"[村镇乡山]|社区|小区|华府|中心|园区|公司|协会|学会|委员会|政府|[部厅局](?![分门长])"),
    "person": re.compile(r"县长|书记|主任|院士|局长|经理|董事长|作者|记者"),
}
# the items of a list in an answer, split as typed (plain text keeps no punctuation)
_ITEM_SPLIT = re.compile(r"[、，,。；：:“”《》（）()]|(?<=[\u4e00-\u9fff])(?:和|及|与)(?=[\u4e00-\u9fff])|等")
# a name asked of a company, body or place (那家企业叫什么): a quoted slogan in the answer does not name it
_ORG_NAMED = re.compile(r"(?:企业|公司|机构|单位|厂|学校|医院|小区|社区|部门|协会|村|镇)[^，。？]{0,6}(?:叫|名)")
_LIST_SEPARATORS = re.compile(r"、|”“|[\u4e00-\u9fff”\d](?:和|与|及|以及)[\u4e00-\u9fff“\d]")
# a group the answer counts (28个项目, 20所学校) and the noun a which-question asks about (哪几条路)
_COUNTED_GROUP = re.compile(r"(?<![\d.])(\d+)(?:多|余)?[个所条家项座户位名张处]")
_WHICH_NOUN = re.compile(r"(?:哪些|哪几|哪\d+|分别是哪)[个条所家项座户位名张处种样]?([\u4e00-\u9fff]{1,2})")
_CAVEAT = re.compile(r"没有(?:具体|说明|列出|写明|注明|展开|提到|介绍|给出)|未(?:注明|说明|提及|列出)|只介绍了|只说")
_CAVEAT_CLAUSE = re.compile(r"(?:没有|未)[^。；;，,]*")
_DISCLAIMS: dict[str, re.Pattern[str]] = {
    "org": re.compile(r"哪一?家|哪个|单位|企业"),
    "which": re.compile(r"哪些|列出|名单|具体是"),
    "names": re.compile(r"名称|名字|叫什么"),
    "explain": re.compile(r"分别指|含义|意思|展开|解释|具体内容"),
    "day": re.compile(r"日期|哪天|几号"),
    "person": re.compile(r"谁|哪位|姓名|发言人"),
    "money": re.compile(r"金额|多少钱|投资"),
    "per": re.compile(r"标准|每人|每月|每户|人均"),
}
# kinds only the answer itself can give (an entry's questions asking for them prove nothing)
_ANSWER_ONLY = frozenset({"money", "count", "rank", "area"})
_UNITS = r"个企业|个公司|人次|平方公里|平方米|立方米|立方|公里|[户家所座处人名位张床亩吨元次场期轮届项件条类种个%方]"
# a figure and its measure word (第5场 is an ordinal, not a count of 场), and with what follows it
_FIGURE = re.compile(rf"(?<![第\d.])(\d+(?:\.\d+)?)(?:余|多)?(?:万|亿)?({_UNITS})")
_NUMBER_WITH_UNIT = re.compile(_FIGURE.pattern + r"([\u4e00-\u9fff]{0,4})")
# one part of a figure alone: 单独, 其中, 不算 (not 算不算), 光 at the start of a clause (光日间照料中心)
_ALONE = re.compile(
    r"单独|单是|光是|单单|这1项|其中的?(?!\d)|(?<!算)不算|不包括|不含|除去|刨去|扣除|(?:^|，)光(?=[\u4e00-\u9fff]{2})"
)
_SUM = re.compile(r"(?<![第\d.])(\d+(?:\.\d+)?)(?:余|多)?[万亿](?![\d元吨人户个家张亩项件条平立公方次所座处名位])")
# the measure word of what a 多少/几 asks for (几个, 多少万元), when it has one
_ASKED_UNIT = re.compile(rf"(?:多少|几)(?:万|亿)?({_UNITS})")
# "哪个镇", "哪家公司", "哪个部委": the entry must name one of these, and one the question does not already name
_INSTANCE_ASKED = re.compile(
    r"(?:哪1?[个家所座款]?|什么)(乡镇|镇|公司|企业|部委|部门|大学|高校|协会|医院|城市|省份|app|APP|软件|平台|小程序|公众号)"
)
# ... and asked after it: 第三方公司是哪家, 那个镇叫什么
_INSTANCE_ASKED_AFTER = re.compile(
    r"(乡镇|镇|公司|企业|部委|部门|大学|高校|协会|医院|城市|省份)(?:是|叫|为)?(?:哪1?[个家所座]|什么名|啥名|叫什么|叫啥)"
)
_INSTANCE_NAMES: dict[str, re.Pattern[str]] = {
    # kinds a question names (什么职务, 哪个成语, 举几个例子) that an entry grounds with an instance of them
    **dict.fromkeys(("职务", "职位", "官职", "头衔"), re.compile(r"县长|书记|常委|主任|局长|院士|记者")),
    **dict.fromkeys(("成语", "四字词", "四字词语"), re.compile(r"“[\u4e00-\u9fff]{4}”")),
    "例子": re.compile(r"[\u4e00-\u9fff]{2,}、[\u4e00-\u9fff]{2,}"),
    **dict.fromkeys(("镇", "乡镇"), re.compile(r"[\u4e00-\u9fff]{2,4}(?:镇|乡)")),
    "公司": re.compile(r"[\u4e00-\u9fff]{2,12}(?:公司|集团|厂)"),
    "企业": re.compile(r"[\u4e00-\u9fff]{2,12}(?:公司|集团|厂|合金|装备|化工|能源|材料|科技)"),
    "部委": re.compile(r"[\u4e00-\u9fff]{2,10}(?:部|委|厅|局|署|办|会)"),
    "部门": re.compile(r"[\u4e00-\u9fff]{2,10}(?:部|委|厅|局|署|办|会|所|中心)"),
    **dict.fromkeys(("大学", "高校"), re.compile(r"[\u4e00-\u9fff]{2,10}(?:大学|学院)")),
    "协会": re.compile(r"[\u4e00-\u9fff]{2,10}(?:协会|学会|联合会)"),
    "医院": re.compile(r"[\u4e00-\u9fff]{2,10}医院"),
    "城市": re.compile(r"[\u4e00-\u9fff]{2,4}[市省]"),
    "省份": re.compile(r"[\u4e00-\u9fff]{2,4}省"),
    **dict.fromkeys(
        ("app", "APP", "软件", "小程序", "公众号", "平台"),
        re.compile(r"[\u4e00-\u9fffA-Za-z]{2,10}(?:APP|app|App|软件|小程序|公众号|平台|网)"),
    ),
}
# periods a figure is stated for: 全年 is not 前三季度
_PERIOD = re.compile(r"全年|上半年|下半年|前[3三]季度|[1一]季度|每月|每年|月均|年均|日均|每天")
# English words of the asking itself, which residents mix in ("how many", "vs", "per"): not a subject
_ENGLISH_FRAME = frozenset(ZH.words("english_frame"))
# the character right after 多少/几 when it is neither a measure word nor money, people or age (多少煤)
_COUNTED_THING = re.compile(
    r"(?:多少|几)([^\d\s，个户家所座处人名位张床亩吨元块次场期轮届项件条类种方米年月日天号岁分钱成倍批样回起只台辆斤%"
    r"万亿千百十多少几啥么呢吗吧啊呀哪来了啦哇是都还就也])"
)
_WHO = re.compile(r"谁|哪位")
# 比X高多少 (not 比例, 比重, nor 跟X比 where X comes first)
_COMPARED_WITH = re.compile(
    r"(?<![跟和与同对相])比(?![例重较率])([\u4e00-\u9fff]{2,8}?)的?(?:高|低|多|少|大|小|强|弱|好|快|慢|贵|便宜|提高|增加)"
)
_RANK_CHECKED = re.compile(r"第[\d一二三四五六七八九十]|首位|唯一|最多|最大")


@lru_cache(maxsize=1024)
def _asked_by_clause(message: str, vocab: Vocabulary) -> tuple[str, ...]:
    """The nouns asked for, clause by clause of the message as typed (each candidate entry asks again)."""
    return tuple(dict.fromkeys(noun for clause in message.split("，") for noun in asked_nouns(clause, vocab)))


_WHEN_WORD = r"(?:哪1?年|什么时候|啥时候|何时|哪[1一]?天|几月|哪个月|几号)"
_WHEN_EVENT = re.compile(
    r"([\u4e00-\u9fff]{2})于" + _WHEN_WORD
    + r"|" + _WHEN_WORD + r"(?:开始|就|才|正式|被|首次|第1次|起|以来)?([\u4e00-\u9fff]{2})"
)


@lru_cache(maxsize=1024)
def _event_asked(message: str) -> str:
    """The event a when-question dates (哪年成立的 → 成立; 始建于哪年 → 始建), or '' (each candidate asks again)."""
    for clause in message.split("，"):
        match = _WHEN_EVENT.search(clause)
        if match:
            verb = match.group(1) or match.group(2)
            if verb and verb_like(verb) and verb[0] not in "弄搞做办干整":  # 弄完: a light verb names no event
                return verb
    return ""


_WHAT_KIND = re.compile(r"(?:什么|啥|甚)([\u4e00-\u9fff]{2,4})")
_KIND_WHAT = re.compile(r"([\u4e00-\u9fff]{2,4})(?:是|叫)(?:什么|啥|甚)")
# a past year's figure is not a target's (去年的产值 is not 到2030年力争的产值)
_PAST = re.compile(r"去年|前年|上年|往年|上1年")
_TARGET = re.compile(r"力争|目标|到20\d\d年|预计|计划|将达|末")
_NOW = re.compile(r"现在|目前|当前|如今|眼下")
_STATED_NOW = re.compile(r"目前|现有|现在|已经|已[^经]|累计|拥有|达到|共有|截至")
_ORDINAL = re.compile(r"第(\d+)")
# a question word right beside a word (CT多少钱, 有没有wifi, 是什么level)
_ASKING_NEAR = ZH.question_pattern("near")
# words of asking who (哪位领导在发布会上介绍): not the topic the person is asked about
_WHO_FRAME = frozenset(ZH.words("who_frame"))
_FIRST = re.compile(r"率先|首[批个家届位次]|居首|首位|第1|最早|领先")
def _same_areas(vocab: Vocabulary, term: str) -> tuple[str, ...]:
    """The names of the area ``term`` names (全市, 晋中, 晋中市 …): a question names one, the entry another."""
    return next((group for group in vocab.area_groups if term in group), (term,))


def _one_of_a_list(analysis: Analysis, noun: str) -> bool:
    """Whether the noun ends the asking clause only because a list mark cut it there ("哪些国家、行业标准": 国家
    is one kind of standard, as the whole message shows, not a country asked about)."""
    in_message = {n for found in AFFILIATION.findall(analysis.message) for n in found}
    return analysis.focus.endswith(noun) and noun not in in_message


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
        self._retriever = retriever
        self._entries: Sequence[Entry] = kb.entries
        self._plain_cache: dict[int, str] = {}
        self._typed_cache: dict[int, str] = {}
        self._keys_cache: dict[int, tuple[str, str]] = {}
        self._gives_cache: dict[int, frozenset[str]] = {}
        self._units_cache: dict[int, frozenset[str]] = {}
        self._pinyin_cache: dict[int, str] = {}
        self._section_cache: dict[int, str] = {}
        self._digits_cache: dict[int, str] = {}
        self._agree_cache: dict[tuple[int, int], bool] = {}
        self._caveat_cache: dict[int, list[tuple[str, frozenset[str]]]] = {}
        self._items_cache: dict[int, tuple[str, ...]] = {}
        self._kb = kb
        self._vocab = Vocabulary.for_place(kb.place)
        self._other_places = self._scope_terms((*kb.scope.other_places, *kb.scope.names))
        self._not_covered = self._scope_terms(kb.scope.not_covered)
        self._names = kb.scope.names
        # names of three characters or more are also recognised when typed with homophones (刘大朋)
        self._name_sounds = tuple(
            (name, pinyin_key(name)) for name in self._scope_terms(kb.scope.names) if len(name) >= 3
        )

    @property
    def vocabulary(self) -> Vocabulary:
        """The language with this base's place added."""
        return self._vocab

    def warm(self, limit: int = 5_000) -> None:
        """Work out what each entry states now, for a base of up to ``limit`` entries (~0.1 s for the county's
        own), so that the first questions do not each pay for it; a larger base fills these as it is asked."""
        if len(self._entries) > limit:
            return
        for index in range(len(self._entries)):
            self.gives(index)
            self._plain_text(index)
            self._said_as_typed(index)
            self._answer_digits(index)
            self._pinyin_text(index)
            self._units(index)
            self._caveats(index)
            self._keys(index)

    # ----------------------------------------------------------------------------------------------
    # What an entry states

    def _scope_terms(self, terms: Iterable[str]) -> tuple[str, ...]:
        """Scope terms as they appear in normalised keys and as typed (both are checked)."""
        normalizer = self._normalizer
        keys = {normalizer.canonical_term(t) for t in terms} | {normalizer.plain(t) for t in terms}
        return tuple(sorted((k for k in keys if k), key=len, reverse=True))

    def _plain_text(self, index: int) -> str:
        """Everything the entry says as typed (synonyms may have rewritten a term in the keys)."""
        plain = self._plain_cache.get(index)
        if plain is None:
            entry = self._entries[index]
            pieces = (*entry.questions, *entry.keywords, entry.answer, entry.quote)
            plain = self._plain_cache[index] = " ".join(self._normalizer.plain(p) for p in pieces)
        return plain

    def _said_as_typed(self, index: int) -> str:
        """The entry's answer and quote, folded but without synonyms (公司 stays 公司)."""
        typed = self._typed_cache.get(index)
        if typed is None:
            entry = self._entries[index]
            typed = self._normalizer.plain(entry.answer) + "\n" + self._normalizer.plain(entry.quote)
            self._typed_cache[index] = typed
        return typed

    def _answer_digits(self, index: int) -> str:
        """The entry's answer as written, with Chinese numerals as digits (punctuation kept)."""
        text = self._digits_cache.get(index)
        if text is None:
            text = self._digits_cache[index] = chinese_numerals_to_digits(self._entries[index].answer)
        return text

    def mentions(self, index: int, word: str) -> bool:
        """Whether the entry states the word: normalised, as typed, or by sound (a homophone typo)."""
        return (
            word in self._retriever.entry_text(index)
            or word in self._plain_text(index)
            or pinyin_key(word) in self._pinyin_text(index)
        )

    def _pinyin_text(self, index: int) -> str:
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
        keys = self._retriever.question_keys[index]
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
        if len(_LIST_SEPARATORS.findall(raw_answer)) >= 1:  # the answer lists things: it says which
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

    def _disclaimed(self, analysis: Analysis, index: int) -> frozenset[str]:
        """Kinds the entry's caveats disclaim for this question: all of a caveat about the whole entry, and
        a caveat about one topic (one part, one company) only when the question names that topic."""
        out: set[str] = set()
        for topic, kinds in self._caveats(index):
            if len(topic) < 2 or any(topic[i : i + 2] in analysis.message for i in range(len(topic) - 1)):
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

    def _units(self, index: int) -> frozenset[str]:
        """Classes of the things the entry's answer and quote count (org, person, bed, money ...)."""
        units = self._units_cache.get(index)
        if units is None:
            said = self._retriever.said[index]
            found = set()
            for _, unit, noun in _NUMBER_WITH_UNIT.findall(said):
                kind = counted_class(f"多少{unit}{noun}")
                found.add(kind or unit_class(unit))
            units = self._units_cache[index] = frozenset(k for k in found if k)
        return units

    def _corrects(self, analysis: Analysis, index: int, number: str) -> bool:
        """A yes/no check of a figure ("是不是500张") that the entry states otherwise, for the same kind of thing."""
        if not analysis.checks:
            return False
        unit = re.search(rf"(?<![\d.]){re.escape(number)}(?:余|多)?(?:万|亿)?({_UNITS})", analysis.focus)
        kind = unit_class(unit.group(1)) if unit else ""
        if not kind and re.search(rf"(?<![\d.]){re.escape(number)}(?:余|多)?[万亿](?!\d)", analysis.focus):
            kind = "money"  # 是不是500多万: a sum of money said without 元
        return bool(kind) and kind not in ("time",) and kind in self._units(index)

    def _part_asked(self, analysis: Analysis, index: int) -> str:
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
            raw = self._answer_digits(index)
            sums = re.findall(r"\d+(?:\.\d+)?(?:余|多)?(?:万|亿)?元", raw)
            if len(sums) == 1 and _LIST_SEPARATORS.search(raw):
                return str(sums[0])
        if _ALONE.search(analysis.message) and "money" not in analysis.asks:
            # "幸福小屋单独有几个": one count the entry gives for several kinds of thing together (日间照料中心、
            # 幸福小屋80个) is not one kind's
            raw = self._answer_digits(index)
            counts = _COUNTED_GROUP.findall(raw)
            if len(counts) == 1 and re.search(r"[、和与及][^，。、]{1,12}?" + re.escape(counts[0]), raw):
                return str(counts[0])
        stated = [(n, unit_class(u) or "thing") for n, u in _FIGURE.findall(analysis.message) if float(n) > 2]
        stated += [(n, "money") for n in _SUM.findall(analysis.message)]  # 3.6亿里: a sum without 元
        # "一百八十多亿是多少": an approximate figure asks for the exact one, which is not the same figure
        rough = set(re.findall(r"(?<![第\d.])(\d+(?:\.\d+)?)(?:多|来|[^\d，]{0,3}(?:左右|上下))", analysis.message))
        if not stated:
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
            for n, u in _FIGURE.findall(self._retriever.said[index])
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
            return "" if not parts else "、".join(n for n, _ in stated)
        return "、".join(n for n, _ in stated)

    def _counts(self, index: int, counted: str) -> bool:
        """Whether the entry states a number of this kind of thing (个 and 项 count organisations too)."""
        units = self._units(index)
        return counted in units or (counted == "org" and "thing" in units)

    # ----------------------------------------------------------------------------------------------
    # Answerability

    def scope_terms_in(self, analysis: Analysis) -> tuple[str, ...]:
        """The out-of-scope terms a question names (as normalised, or as typed)."""
        return tuple(
            term
            for term in (*self._other_places, *self._not_covered)
            if term in analysis.focus or term in analysis.plain
        ) + tuple(name for name, sound in self._name_sounds if sound in analysis.pfocus and name not in analysis.plain)

    def _blocked_by(self, terms: tuple[str, ...], index: int) -> str:
        """The first of the question's out-of-scope terms that the entry does not mention, or ''."""
        if not terms:
            return ""
        text = self._retriever.entry_text(index)
        # (吕梁全市 is 全市 in a release about one county of 吕梁)
        missing = [
            term for term in terms if term not in text and not any(a in text for a in _same_areas(self._vocab, term))
        ]
        if not missing:
            return ""
        plain = self._plain_text(index)
        section = self._section_text(index)
        # a speaker or author named with a topic they spoke on (崔维廷讲的公路) is not another subject
        return next((term for term in missing if term not in plain and term not in section), "")

    def _named_elsewhere(self, place: str) -> bool:
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
        pattern = _INSTANCE_NAMES.get(noun)
        if pattern is None:
            return False
        entry = self._entries[index]  # as written too: a quoted phrase keeps its quotation marks only there
        return any(pattern.search(text) for text in (self._said_as_typed(index), entry.answer, entry.quote))

    @staticmethod
    def _asked_beside(plain: str, word: str) -> bool:
        """Whether a question word stands right beside ``word`` in the clause as typed (CT多少钱, CT吗)."""
        at = plain.find(word)
        return at < 0 or bool(_ASKING_NEAR.search(plain[max(0, at - 3) : at + len(word) + 4]))

    def known_to_base(self, word: str) -> bool:
        """Whether some entry states the word: every bigram of it is in the base's index."""
        codes = [(ord(a) << 21) | ord(b) for a, b in itertools.pairwise(word)]
        return bool(codes) and bool((self._retriever.chars.gram_ids(codes) >= 0).all())

    def gaps(self, analysis: Analysis, index: int, scope_terms: tuple[str, ...]) -> tuple[Gap, ...]:
        """Everything asked that the entry does not state (empty: the entry answers the question)."""
        found: list[Gap] = []
        blocked = self._blocked_by(scope_terms, index)
        if blocked:
            found.append(Gap(GapKind.SCOPE, blocked))
        text = self._retriever.entry_text(index)
        said = self._retriever.said[index]
        given = self.gives(index) - self._disclaimed(analysis, index)
        found += [Gap(GapKind(f"ask:{kind}")) for kind in sorted(analysis.asks - given - {"examples"})]
        if "ask:names" in {g.kind for g in found} and not _ORG_NAMED.search(analysis.plain):
            # the name of a strategy, card, product or service (叫什么): a quoted term the answer gives and the
            # question does not already hold names it; the name of a company or body needs its own words
            quoted = re.findall(r"[“《]([^”》]{2,20})[”》]", self._entries[index].answer)
            if any(self._normalizer.plain(q) not in analysis.message for q in quoted):
                found = [g for g in found if g.kind != "ask:names"]
        if "examples" in analysis.asks and _LIST_SEPARATORS.search(self._entries[index].answer):
            # examples asked (比如, 举几个): a list the answer gives is enough, whatever kind of things it names
            found = [g for g in found if g.kind not in ("ask:org", "ask:names", "ask:which", "ask:places")]
        if (
            analysis.asks & {"which", "places", "names", "rest"}
            and "examples" not in analysis.asks
            and not any(g.kind.startswith("ask:") for g in found)
        ):
            # "那20所学校是哪20所": a group the answer counts (20所) and does not list in full
            raw = self._answer_digits(index)
            # items listed with 、 or 和, or each in its own quotation marks (“签约一批”…“开工一批”)
            listed = max(len(_LIST_SEPARATORS.findall(raw)) + 1, raw.count("“"))
            asked = _WHICH_NOUN.search(analysis.plain)
            for match in _COUNTED_GROUP.finditer(raw):
                number = match.group(1)
                window = raw[max(0, match.start() - 8) : match.end() + 8]
                wanted = re.search(r"哪(\d+)", analysis.plain)  # 哪3批: that group, not another the answer counts
                if wanted:
                    named = number == wanted.group(1)
                else:
                    named = number in analysis.numbers or (asked is not None and asked.group(1)[0] in window)
                if named and float(number) >= 3 and listed < float(number):
                    found.append(Gap(GapKind.ASK_WHICH, number))
                    break
        found += [
            Gap(GapKind.ASK_MEASURE, m)
            for m in MEASURES.findall(analysis.focus)
            if m not in text and pinyin_key(m) not in self._pinyin_text(index)
        ]
        found += [
            Gap(GapKind.ASK_NAMES, noun)
            for nouns in AFFILIATION.findall(analysis.focus)
            for noun in nouns
            if noun and not NAMED_BY[noun].search(said) and not _one_of_a_list(analysis, noun)
        ]
        # a word in letters that is neither pinyin nor a synonym of a word of the base, asked about (CT多少钱,
        # wifi有没有): not stated; English around the question (写个course paper关于…) is not what is asked
        found += [
            Gap(GapKind.ASK_MEASURE, word)
            for word in re.findall(r"[a-z]{2,}", analysis.focus)  # after synonyms: university is 高校 there
            if word not in text
            and pinyin_key(word) == word
            and word not in _ENGLISH_FRAME
            and self._asked_beside(analysis.plain, word)
        ]
        found += [
            Gap(GapKind.NUMBER, n)
            for n in analysis.numbers
            if not self.has_number(index, n) and not self._corrects(analysis, index, n)
        ]
        found += [
            Gap(GapKind.NUMBER, f"第{n}")
            for n in _ORDINAL.findall(analysis.focus)
            if f"第{n}" not in text
            and not (n == "1" and _FIRST.search(text))  # 第一个 is 率先, 首批, 居首
            and not (analysis.checks and re.search(r"第\d+", text))  # 是不是第三场: answered with 第5场
        ]
        if analysis.counted and not self._counts(index, analysis.counted):
            found.append(Gap(GapKind.COUNTED, analysis.counted))
        part = self._part_asked(analysis, index)
        if part:
            found.append(Gap(GapKind.PART, part))
        for noun in (*_INSTANCE_ASKED.findall(analysis.plain), *_INSTANCE_ASKED_AFTER.findall(analysis.plain)):
            # a named thing the question does not name already (市级专业镇 is not the name of a town), as
            # the release writes it (synonyms would turn 投资公司 into 投资企业)
            instances = _INSTANCE_NAMES[noun].findall(self._said_as_typed(index))
            if not [n for n in instances if n[-4:] not in analysis.plain]:
                found.append(Gap(GapKind.ASK_NAMES, noun))
                break
        asking = analysis.message  # as typed, clause by clause: 是多少？备课要用 asks no 备
        for match in _COUNTED_THING.finditer(asking):  # 多少煤: a thing the entry never names
            thing = match.group(1)
            if self._vocab.frame.match(asking, match.start(1)):
                continue  # 几，具体是多少: the frame of asking, not a thing
            if "\u4e00" <= thing <= "\u9fff" and not self.mentions(index, thing):
                found.append(Gap(GapKind.ASK_MEASURE, thing))
                break
        if analysis.areas and analysis.asks & {"count", "money", "area"} and "rank" not in analysis.asks:
            raw_answer = self._answer_digits(index)
            share = bool(re.search(r"占|成|份额|比例|比重|%|率", analysis.focus))
            for area in analysis.areas:
                number = r"(?<!第)\d+(?:\.\d+)?" if share else r"(?<!第)\d+(?:\.\d+)?(?!%|\d|\.)"
                # a figure stated for that area comes after the area's name in the same clause
                after = [
                    clause[clause.index(a) :]
                    for clause in re.split(r"[，。；;]", raw_answer)
                    for a in _same_areas(self._vocab, area)
                    if a in clause
                ]
                if not any(re.search(number, c) for c in after):
                    found.append(Gap(GapKind.AREA, area))
                    break
        elif analysis.areas and analysis.asks & {"rank", "which", "names", "places"} and not any(
            a in text for area in analysis.areas for a in _same_areas(self._vocab, area)
        ):
            found.append(Gap(GapKind.AREA, analysis.areas[0]))
        past = _PAST.search(analysis.plain) or _NOW.search(analysis.plain)
        answer = self._entries[index].answer
        if past and _TARGET.search(answer) and not _PAST.search(text) and not _STATED_NOW.search(answer):
            # 去年的 / 现在的 figure is not a target's or a forecast's (到“十五”末将达1200万吨)
            found.append(Gap(GapKind.PERIOD, past.group(0)))
        periods = set(_PERIOD.findall(analysis.focus))
        if periods:
            stated = set(_PERIOD.findall(text))
            if stated and not periods & stated:
                found.append(Gap(GapKind.PERIOD, "、".join(sorted(periods))))
        if "person" in analysis.asks and not any(g.kind == "ask:person" for g in found):
            # who presented, said or heads something: the entry must name that topic, not only a person
            topics = [
                n for n in salient_nouns(analysis.message, self._vocab)
                if n not in _WHO_FRAME and self.known_to_base(n)
            ]
            if topics and not any(self.mentions(index, n) for n in topics):
                found.append(Gap(GapKind.ASK_PERSON, "、".join(topics[:2])))
        for match in _COMPARED_WITH.finditer(analysis.message):
            # 比磷酸二铵高多少: the thing compared with must be what the entry compares with (尿素)
            if re.search(r"[跟和与同][^，]{0,10}$", analysis.message[: match.start()]):
                continue  # 跟扩区前比是高了: the thing compared with came first
            nouns = salient_nouns(match.group(1), self._vocab)
            other = nouns[-1] if nouns else match.group(1)
            if len(other) >= 2 and not self.mentions(index, other):
                found.append(Gap(GapKind.COMPARE, other))
                break
        if not blocked:
            for place in counties_in(analysis.plain):
                # 娄烦县, 阳曲县: a county or city the release never names is another place
                home = place in self._vocab.home or self._named_elsewhere(place)
                if not home and not self.mentions(index, place):
                    found.append(Gap(GapKind.SCOPE, place))
                    break
        if "when" in analysis.asks and not any(g.kind == "ask:when" for g in found):
            # 哪年成立的, 什么时候召开的: the date of that event, which the entry must state (the year an
            # honour was given is not the year the body that gave it was founded)
            event = _event_asked(analysis.message)
            if event and not self.mentions(index, event):
                found.append(Gap(GapKind.ASK_WHEN, event))
        words = self.ungrounded(analysis, index)
        if words and _WHO.search(analysis.focus):
            # "主持人是谁", "厅长是谁": a role the base never names is a person the release does not give
            found.append(Gap(GapKind.ASK_PERSON, "、".join(words)))
        elif len(words) >= self.thresholds.ungrounded:
            found.append(Gap(GapKind.WORDS, "、".join(words)))
        areas_gaps = any(g.kind in ("scope", "area") for g in found)
        if areas_gaps and analysis.checks and _RANK_CHECKED.search(analysis.message):
            # "是不是全省第一": a rank checked for a bigger area is answered with the rank the release gives
            # (总量全市第一), which corrects it; the release says nothing of the province
            areas = [g.detail for g in found if g.kind in ("scope", "area")]
            vocab = self._vocab
            bigger = all(vocab.bigger_areas.fullmatch(a) for a in areas)
            if bigger and vocab.stated_rank.search(self._answer_digits(index)):
                found = [g for g in found if g.kind not in ("scope", "area")]
        return tuple(found)

    # ----------------------------------------------------------------------------------------------
    # Scores

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
        some candidate names is the thing asked for, and an entry that never names it does not answer.
        """
        kinds = []
        for match in _WHAT_KIND.finditer(analysis.plain):
            nouns = salient_nouns(match.group(1), self._vocab)
            if nouns and match.group(1).startswith(nouns[0]):
                kinds.append(nouns[0])
        for match in _KIND_WHAT.finditer(analysis.plain):  # 目标是啥
            nouns = salient_nouns(match.group(1), self._vocab)
            if nouns and match.group(1).endswith(nouns[-1]):
                kinds.append(nouns[-1])
        if not kinds:
            return ()
        indices = list(indices)
        return tuple(k for k in kinds if any(k in self._said_as_typed(i) for i in indices))

    def scored(
        self,
        evidence: Evidence,
        analysis: Analysis,
        scope_terms: tuple[str, ...],
        factor: float = 1.0,
        contested: tuple[str, ...] = (),
    ) -> Scored:
        base = factor * self.base_score(evidence)
        gaps = self.gaps(analysis, evidence.index, scope_terms)
        missing = [k for k in contested if not self.mentions(evidence.index, k)] if contested else []
        if missing:
            gaps += (Gap(GapKind.ASK_KIND, "、".join(missing)),)
        # unexplained nouns are weak evidence on their own (the general lexicon is noisy): they lower the
        # score, and so the confidence, without ruling the entry out
        unexplained = [g for g in gaps if g.kind == "words"]
        gaps = tuple(g for g in gaps if g.kind != "words")
        score = self.score(base, gaps) * (self.weights.unexplained_penalty if unexplained else 1.0)
        return Scored(score, evidence.index, evidence.question, gaps, base)

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
            source = self._kb.source_of(a)
            x, y = source.span_of(a.quote), source.span_of(b.quote)
            found = False
            if x is not None and y is not None:
                shared = min(x[1], y[1]) - max(x[0], y[0])
                found = shared >= max(4, min(x[1] - x[0], y[1] - y[0]) // 2)
            found = found or self._restates(first, other) or self._restates(other, first)
            if len(self._agree_cache) >= 50_000:
                self._agree_cache.clear()
            self._agree_cache[pair] = found
        return found

    def concurs(self, analysis: Analysis, first: int, other: int) -> bool:
        """Whether ``other`` gives the same reply as ``first``: it cites the same passage or restates it, or,
        asked who, it names the same people and bodies (刘大鹏 in his own entry and in the topic he presented)."""
        if self.agree(first, other):
            return True
        if "person" not in analysis.asks:
            return False
        # only when the best entry explains the whole question: 开发区管委会主任是谁 names a role the
        # presenter's entry never mentions, and two entries naming 王向前 do not make him its head
        topics = [n for n in salient_nouns(analysis.message, self._vocab) if n not in _WHO_FRAME]
        if not all(self.mentions(first, n) for n in topics):
            return False
        named = [n for n in self._names if n in self._entries[first].answer]
        return bool(named) and all(n in self._entries[other].answer for n in named)

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

    def confident(self, score: float, second: float) -> bool:
        t = self.thresholds
        lead = score - second
        return (score >= t.answer and (lead >= t.lead or score >= t.sure)) or (
            score >= t.answer_alone and lead >= t.lead_alone
        )

