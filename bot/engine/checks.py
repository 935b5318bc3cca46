"""Answerability checks: does an entry state what was asked?

Each check is a small named function registered here with the gap kinds it finds (:class:`~bot.engine.gaps.GapKind`),
in the order they run: :func:`find_gaps` runs them all for one question and one entry; an empty result means
the entry answers the question. A few checks find nothing of their own and amend what earlier ones found
(a name given in quotation marks, examples given by a list, a rank checked for a bigger area).

The words and patterns they use come from the language data (:mod:`bot.language`); what an entry states
comes from :class:`~bot.engine.facts.EntryFacts`. Part of the core: no Telegram here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from ..language import ZH
from ..language.text import SlottedPattern, pinyin_key
from .analyse import (
    AFFILIATION,
    COUNTED,
    MEASURES,
    NAMED_BY,
    PLACE_ENDS,
    Analysis,
    another_value_stated,
    salient_nouns,
)
from .facts import COUNTED_GROUP, INSTANCE_NAMES, LIST_SEPARATORS, EntryFacts, same_areas
from .gaps import Gap, GapKind
from .lexicon import counties_in, noun_lexicon, segment, verb_like

__all__ = ["CHECKS", "WHO", "WHO_FRAME", "Asked", "Check", "check", "find_gaps", "numbered_phrases"]

# a name asked of a company, body or place (那家企业叫什么): a quoted slogan in the answer does not name it
_ORG_NAMED = ZH.pattern("org_named")
_WHICH_NOUN = ZH.pattern("which_noun")  # the noun a which-question asks about (哪几条路)
_WHICH_NUMBERED = ZH.pattern("which_numbered")  # which numbered group (哪3批)
# "哪个镇", "哪家公司", "哪个部委": the entry must name one of these, and one the question does not already name;
# and asked after it: 第三方公司是哪家, 那个镇叫什么
_INSTANCE_ASKED = ZH.pattern("instance_asked")
_INSTANCE_ASKED_AFTER = ZH.pattern("instance_asked_after")
_PERIOD = ZH.pattern("period")  # periods a figure is stated for: 全年 is not 前三季度
# English words of the asking itself, which residents mix in ("how many", "vs", "per"): not a subject
_ENGLISH_FRAME = frozenset(ZH.words("english_frame"))
# the character right after 多少/几 when it is neither a measure word nor money, people or age (多少煤)
_COUNTED_THING = ZH.pattern("counted_thing")
WHO = ZH.pattern("who")  # 谁, 哪位: a question of who
# 比X高多少 (not 比例, 比重, nor 跟X比 where X comes first)
_COMPARED_WITH = ZH.pattern("compared_with")
_COMPARED_FIRST = ZH.pattern("compared_first")
_RANK_CHECKED = ZH.pattern("rank_checked")
_WHEN_EVENT = ZH.pattern("when_event")
_LIGHT_VERBS = ZH.chars("light_verbs")  # 弄完, 搞好: a light verb names no event
# a past year's figure is not a target's (去年的产值 is not 到2030年力争的产值)
_PAST = ZH.pattern("past")
_HAS_IT = ZH.pattern("has_it_asked")
_PAST_COMPARED = ZH.pattern("past_compared")
_TARGET = ZH.pattern("target")
_NOW = ZH.pattern("now")
_STATED_NOW = ZH.pattern("stated_now")
_ORDINAL = ZH.pattern("ordinal")
_FIRST = ZH.pattern("first")  # 第一个 is 率先, 首批, 居首
_QUOTED_NAME = ZH.pattern("quoted_name")
_SHARE_ASKED = ZH.pattern("share_asked")
# words of asking who (哪位领导在发布会上介绍): not the topic the person is asked about
WHO_FRAME = frozenset(ZH.words("who_frame"))


# verbs that name one event, each read as any of its group (评为, 授予, 认定 of an honour)
_SAME_EVENT = {verb: group for group in ZH.groups("same_event") for verb in group}


@lru_cache(maxsize=1024)
def _event_asked(message: str) -> str:
    """The event a when-question dates (哪年成立的 → 成立; 始建于哪年 → 始建), or '' (each candidate asks again)."""
    for clause in message.split("，"):
        match = _WHEN_EVENT.search(clause)
        if match:
            verb = match.group(1) or match.group(2)
            if verb and verb_like(verb) and verb[0] not in _LIGHT_VERBS:
                return verb
    return ""


def _one_of_a_list(analysis: Analysis, noun: str) -> bool:
    """Whether the noun ends the asking clause only because a list mark cut it there ("哪些国家、行业标准": 国家
    is one kind of standard, as the whole message shows, not a country asked about)."""
    in_message = {n for found in AFFILIATION.findall(analysis.message) for n in found}
    return analysis.focus.endswith(noun) and noun not in in_message


@dataclass
class Asked:
    """One question against one entry, as the checks see it; each check adds what it finds to ``found``."""

    analysis: Analysis
    index: int
    blocked: str  # the out-of-scope term that rules the entry out, or ''
    text: str  # the entry's matching text (normalised)
    said: str  # its answer and quote, as the index holds them
    ungrounded_min: int  # unexplained nouns that make a gap (Thresholds.ungrounded)
    found: list[Gap] = field(default_factory=list)

    def has(self, *kinds: GapKind) -> bool:
        return any(g.kind in kinds for g in self.found)

    def drop(self, *kinds: GapKind) -> None:
        self.found[:] = [g for g in self.found if g.kind not in kinds]


@dataclass(frozen=True)
class Check:
    """One answerability check: its name (the function's), the gap kinds it finds, and what it does."""

    name: str
    kinds: tuple[GapKind, ...]
    run: Callable[[EntryFacts, Asked], None]


CHECKS: list[Check] = []  # in the order they run: some read or amend what earlier ones found


def check(*kinds: GapKind) -> Callable[[Callable[[EntryFacts, Asked], None]], Callable[[EntryFacts, Asked], None]]:
    """Register a check that finds gaps of these kinds (an empty list: it only amends what others found)."""

    def register(run: Callable[[EntryFacts, Asked], None]) -> Callable[[EntryFacts, Asked], None]:
        CHECKS.append(Check(run.__name__, kinds, run))
        return run

    return register


def find_gaps(
    facts: EntryFacts, analysis: Analysis, index: int, scope_terms: tuple[str, ...], *, ungrounded_min: int
) -> tuple[Gap, ...]:
    """Everything asked that the entry does not state (empty: the entry answers the question)."""
    asked = Asked(
        analysis,
        index,
        facts.blocked_by(scope_terms, index),
        facts.entry_text(index),
        facts.said(index),
        ungrounded_min,
    )
    for registered in CHECKS:
        registered.run(facts, asked)
    return tuple(asked.found)


# --------------------------------------------------------------------------------------------------
# The checks, in the order they run


@check(GapKind.SCOPE)
def another_subject(f: EntryFacts, q: Asked) -> None:
    """Another place, a subject the release never covers, a name (scope.yaml) the entry does not mention."""
    if q.blocked:
        q.found.append(Gap(GapKind.SCOPE, q.blocked))


@check(*(k for k in GapKind if k.startswith("ask:") and k not in (GapKind.ASK_KIND, GapKind.ASK_MEASURE)))
def kinds_asked(f: EntryFacts, q: Asked) -> None:
    """A kind of information asked for (价格, 名单, 哪年, 谁 …) that the entry does not give."""
    analysis, index = q.analysis, q.index
    given = f.gives(index) - f.disclaimed(analysis, index)
    if given & {"purpose", "reason"}:
        given |= {"purpose", "reason"}  # what a thing serves answers 为啥要 (why do it), as a reason does 为了啥
    q.found += [Gap(GapKind(f"ask:{kind}")) for kind in sorted(analysis.asks - given - {"examples"})]


_PER_UNIT_MONEY = re.compile(r"(\d+(?:\.\d+)?(?:余|多)?(?:万|亿)?元)/")
_NOT_PRICE = ZH.pattern("not_price")


@check(GapKind.ASK_PRICE)
def yield_is_no_price(f: EntryFacts, q: Asked) -> None:
    """一亩地多少钱 of 产出强度350万元/亩: money per unit that the entry names as what the unit yields (产出, 税收,
    投资) is not what it costs."""
    if "price" not in q.analysis.asks or q.has(GapKind.ASK_PRICE) or _NOT_PRICE.search(q.analysis.plain):
        return
    said = f.answer(q.index)  # as written: the folded text has lost the / of 万元/亩
    figures = list(_PER_UNIT_MONEY.finditer(said))
    if figures and all(_NOT_PRICE.search(said[max(0, m.start() - 6) : m.start()]) for m in figures):
        q.found.append(Gap(GapKind.ASK_PRICE))


@check()
def name_in_quotes(f: EntryFacts, q: Asked) -> None:
    """The name of a strategy, card, product or service (叫什么): a quoted term the answer gives and the question
    does not already hold names it; the name of a company or body needs its own words."""
    if q.has(GapKind.ASK_NAMES) and not _ORG_NAMED.search(q.analysis.plain):
        quoted = _QUOTED_NAME.findall(f.answer(q.index))
        if any(f.plain(text) not in q.analysis.message for text in quoted):
            q.drop(GapKind.ASK_NAMES)


@check()
def examples_from_a_list(f: EntryFacts, q: Asked) -> None:
    """Examples asked (比如, 举几个): a list the answer gives is enough, whatever kind of things it names."""
    if "examples" in q.analysis.asks and LIST_SEPARATORS.search(f.answer(q.index)):
        q.drop(GapKind.ASK_ORG, GapKind.ASK_NAMES, GapKind.ASK_WHICH, GapKind.ASK_PLACES)


@check(GapKind.ASK_WHICH)
def group_not_listed(f: EntryFacts, q: Asked) -> None:
    """"那20所学校是哪20所": a group the answer counts (20所) and does not list in full."""
    analysis = q.analysis
    if (
        analysis.asks & {"which", "places", "names", "rest"}
        and "examples" not in analysis.asks
        and not any(g.kind.startswith("ask:") for g in q.found)
    ):
        raw = f.answer_digits(q.index)
        # items listed with 、 or 和, or each in its own quotation marks (“签约一批”…“开工一批”)
        listed = max(len(LIST_SEPARATORS.findall(raw)) + 1, raw.count("“"))
        asked = _WHICH_NOUN.search(analysis.plain)
        for match in COUNTED_GROUP.finditer(raw):
            number = match.group(1)
            window = raw[max(0, match.start() - 8) : match.end() + 8]
            wanted = _WHICH_NUMBERED.search(analysis.plain)  # 哪3批: that group, not another the answer counts
            if wanted:
                named = number == wanted.group(1)
            else:
                named = number in analysis.numbers or (asked is not None and asked.group(1)[0] in window)
            if named and float(number) >= 3 and listed < float(number):
                q.found.append(Gap(GapKind.ASK_WHICH, number))
                break


@check(GapKind.ASK_MEASURE)
def measure_not_stated(f: EntryFacts, q: Asked) -> None:
    """A measure asked (产值, 产能, 入住率) that the entry never names."""
    q.found += [
        Gap(GapKind.ASK_MEASURE, m)
        for m in MEASURES.findall(q.analysis.focus)
        if m not in q.text and pinyin_key(m) not in f.pinyin_text(q.index)
    ]


_BELONGS = ZH.table("belongs_to")
_ASKED_OF_NAME = SlottedPattern("{name}" + _BELONGS["asked"], "{name}")  # 陈某院士是哪个单位的


@check(GapKind.ASK_NAMES)
def affiliation_not_named(f: EntryFacts, q: Asked) -> None:
    """Which university, unit, country …: the entry's answer or quote must name that kind of thing, and for a
    person or body the question names (陈某院士是哪个单位的), one that belongs to it."""
    focus = q.analysis.focus
    asked = [noun for nouns in AFFILIATION.findall(focus) for noun in nouns if noun]
    if not asked:
        return
    named = [n for n in f.names_in(focus) if n in q.said and _ASKED_OF_NAME.search(focus, n)]
    q.found += [
        Gap(GapKind.ASK_NAMES, noun)
        for noun in asked
        if not _one_of_a_list(q.analysis, noun)
        and (not NAMED_BY[noun].search(q.said) or (named and not any(_belongs(q.said, n, noun) for n in named)))
    ]


def _belongs(said: str, name: str, noun: str) -> bool:
    """Whether the entry states a unit of the kind asked right beside the name (中国工程院院士陈某, 陈某（某大学）)."""
    unit, at = f"(?:{NAMED_BY[noun].pattern}){_BELONGS['unit_end']}", re.escape(name)
    return re.search(f"{unit}{_BELONGS['before']}{at}|{at}{_BELONGS['after']}{unit}", said) is not None


@check(GapKind.ASK_MEASURE)
def word_in_letters(f: EntryFacts, q: Asked) -> None:
    """A word in letters that is neither pinyin nor a synonym of a word of the base, asked about (CT多少钱,
    wifi有没有): not stated; English around the question (写个course paper关于…) is not what is asked."""
    q.found += [
        Gap(GapKind.ASK_MEASURE, word)
        for word in re.findall(r"[a-z]{2,}", q.analysis.focus)  # after synonyms: university is 高校 there
        if word not in q.text
        and pinyin_key(word) == word
        and word not in _ENGLISH_FRAME
        and f.asked_beside(q.analysis.plain, word)
    ]


@check(GapKind.NUMBER)
def number_not_stated(f: EntryFacts, q: Asked) -> None:
    """A number the question names that the entry does not state (nor corrects: 是不是500张)."""
    q.found += [
        Gap(GapKind.NUMBER, n)
        for n in q.analysis.numbers
        if not f.has_number(q.index, n) and not f.corrects(q.analysis, q.index, n)
    ]


@check(GapKind.NUMBER)
def ordinal_not_stated(f: EntryFacts, q: Asked) -> None:
    """An ordinal (第三场) the entry does not state."""
    text, analysis = q.text, q.analysis
    q.found += [
        Gap(GapKind.NUMBER, f"第{n}")
        for n in _ORDINAL.findall(analysis.focus)
        if f"第{n}" not in text
        and not (n == "1" and _FIRST.search(text))  # 第一个 is 率先, 首批, 居首
        and not (analysis.checks and _ORDINAL.search(text))  # 是不是第三场: answered with 第5场
    ]


@check(GapKind.COUNTED)
def counts_another_thing(f: EntryFacts, q: Asked) -> None:
    """It counts another thing than the entry counts (people where the entry counts firms)."""
    if q.analysis.counted and not f.counts(q.index, q.analysis.counted):
        q.found.append(Gap(GapKind.COUNTED, q.analysis.counted))


@check(GapKind.COUNTED)
def counts_what_the_noun_names(f: EntryFacts, q: Asked) -> None:
    """几个乡镇 where the entry's figures count 乡镇社工站 and 乡镇卫生院: the noun asked only names what the entry
    counts, as a modifier of a word for a place or body; the entry never counts the thing itself."""
    if q.has(GapKind.COUNTED) or q.analysis.checks:
        return
    unit, noun = _counted_after_unit(q.analysis.message)
    if len(noun) < 2:
        return
    after = _after_figure(f.said_as_typed(q.index), unit + noun)
    # 几个乡镇社工站, or 社工站有几个，乡镇的: the message names what the entry counts
    if after and all(_names_a_place(rest) and rest[:2] not in q.analysis.message for rest in after):
        q.found.append(Gap(GapKind.COUNTED, noun))


@check(GapKind.COUNTED)
def counted_thing_never_named(f: EntryFacts, q: Asked) -> None:
    """多少家企业 where the entry counts substations: the thing counted right after its measure word, which the
    entry never names."""
    if q.has(GapKind.COUNTED) or q.analysis.checks:
        return
    noun = _counted_after_unit(q.analysis.focus)[1]
    if len(noun) >= 2 and noun in noun_lexicon() and not f.mentions(q.index, noun):
        q.found.append(Gap(GapKind.COUNTED, noun))


def _counted_after_unit(text: str) -> tuple[str, str]:
    """The measure word a count is asked with and the word right after it (几所高中 → 所, 高中), or ('', '') when the
    count has no measure word or nothing after it."""
    asked = COUNTED.search(text)
    if asked is None or not asked.group(1) or len(asked.group(2)) < 2:
        return "", ""
    return asked.group(1), segment(asked.group(2))[0]


_RUN_AFTER = re.compile(r"[\u4e00-\u9fff]{0,6}")


def _after_figure(said: str, counted: str) -> list[str]:
    """The Chinese characters (up to 6) after each figure that counts ``counted`` (3个乡镇社工站 → 社工站), found
    from left to right as ``re.finditer`` would; no pattern is compiled for the words of one question."""
    found, pos = [], 0
    while (at := said.find(counted, pos)) >= 0:
        if at > pos and said[at - 1].isdecimal():  # the figure's last digit, not inside the run before
            run = _RUN_AFTER.match(said, at + len(counted))
            assert run is not None  # it matches nothing at worst
            found.append(run.group())
            pos = run.end()
        else:
            pos = at + 1
    return found


def _names_a_place(words: str) -> bool:
    """Whether text after a noun goes on with a word for a place or body (社工站, 卫生院), which it modifies."""
    first = segment(words)[0] if words else ""
    return not verb_like(first) and any(ch in PLACE_ENDS for ch in words[:3])


@check(GapKind.PART)
def part_of_a_figure(f: EntryFacts, q: Asked) -> None:
    """A figure the question states, asked how much of it is one part, which the entry does not give."""
    part = f.part_asked(q.analysis, q.index)
    if part:
        q.found.append(Gap(GapKind.PART, part))


_MEASURE_OWNER = re.compile(r"([\u4e00-\u9fff]{2,12})的(?:" + MEASURES.pattern + ")")  # the whole run before 的


@check(GapKind.PART)
def measure_of_another_thing(f: EntryFacts, q: Asked) -> None:
    """某型床位的入住率 where the entry states the rate of all of them: the thing a measure is asked of, named right
    before its 的, must be named by what the entry says (its answer or quote, not its questions)."""
    if q.has(GapKind.PART):
        return
    for match in _MEASURE_OWNER.finditer(q.analysis.plain):
        owner = match.group(1)
        # (a count, 户数 or 人数, names how the thing is measured, not a thing of its own)
        nouns = [n for n in salient_nouns(owner, f.vocabulary) if n not in f.vocabulary.home_names and n[-1] != "数"]
        if any(not f.says(q.index, n) for n in nouns):
            q.found.append(Gap(GapKind.PART, owner))
            return


@lru_cache(maxsize=64)
def _modified(noun: str) -> re.Pattern[str]:
    """The words a question puts right before the kind of thing it asks the name of (第三方 of 第三方公司)."""
    return re.compile(r"(?<![哪啥么甚个家所座])([\u4e00-\u9fff]{2,3})" + re.escape(noun))


@check(GapKind.ASK_NAMES)
def instance_not_named(f: EntryFacts, q: Asked) -> None:
    """哪个镇, 哪家公司: a named thing the question does not name already (市级专业镇 is not the name of a town),
    as the release writes it (synonyms would turn 投资公司 into 投资企业)."""
    plain = q.analysis.plain
    said = f.said_as_typed(q.index)
    for noun in (*_INSTANCE_ASKED.findall(plain), *_INSTANCE_ASKED_AFTER.findall(plain)):
        instances = [n for n in INSTANCE_NAMES[noun].findall(said) if n[-4:] not in plain]
        # 第三方公司叫啥 of an entry that says 委托第三方公司 and names 开发区投资公司: the one asked is told
        # only by the words the question gives it, and those do not name it
        kind = _modified(noun).search(plain.replace("的" + noun, noun))
        if kind and kind.group(0) in said:
            instances = [n for n in instances if kind.group(1) in n and not n.endswith(kind.group(0))]
        if not instances:
            q.found.append(Gap(GapKind.ASK_NAMES, noun))
            break


@check(GapKind.ASK_MEASURE)
def counted_thing_not_named(f: EntryFacts, q: Asked) -> None:
    """多少煤: the thing counted, which the entry never names."""
    asking = q.analysis.message  # as typed, clause by clause: 是多少？备课要用 asks no 备
    for match in _COUNTED_THING.finditer(asking):
        thing = match.group(1)
        if f.vocabulary.frame.match(asking, match.start(1)):
            continue  # 几，具体是多少: the frame of asking, not a thing
        if "\u4e00" <= thing <= "\u9fff" and not f.mentions(q.index, thing):
            q.found.append(Gap(GapKind.ASK_MEASURE, thing))
            break


@check(GapKind.AREA)
def bigger_area(f: EntryFacts, q: Asked) -> None:
    """A total or rank asked for a bigger area (全国, 全省, 全市) than the entry states one for."""
    analysis, vocab = q.analysis, f.vocabulary
    share = bool(_SHARE_ASKED.search(analysis.focus))
    # a rate asked with 什么 and nothing else (what is the forest coverage rate of …) asks a figure too
    figure = analysis.asks & {"count", "money", "area"} or (share and not analysis.asks)
    if analysis.areas and figure and "rank" not in analysis.asks:
        raw_answer = f.answer_digits(q.index)
        for area in analysis.areas:
            number = r"(?<!第)\d+(?:\.\d+)?" if share else r"(?<!第)\d+(?:\.\d+)?(?!%|\d|\.)"
            # a figure stated for that area comes after the area's name in the same clause
            after = [
                clause[clause.index(a) :]
                for clause in re.split(r"[，。；;]", raw_answer)
                for a in same_areas(vocab, area)
                if a in clause
            ]
            if not any(re.search(number, c) for c in after):
                q.found.append(Gap(GapKind.AREA, area))
                break
    elif analysis.areas and analysis.asks & {"rank", "which", "names", "places"} and not any(
        a in q.text for area in analysis.areas for a in same_areas(vocab, area)
    ):
        q.found.append(Gap(GapKind.AREA, analysis.areas[0]))


@check(GapKind.AREA)
def counted_for_a_bigger_area(f: EntryFacts, q: Asked) -> None:
    """某县有几所大学 where the entry counts 全国30余所高校 (the universities across the country its firms work
    with): a count the entry states for a bigger area than the county is not the county's own, when the question
    asks the county's and names nothing else the count is of (跟企业合作的高校有几所 asks the entry's own)."""
    analysis = q.analysis
    if analysis.areas or analysis.checks or "count" not in analysis.asks:
        return
    asked = COUNTED.search(analysis.message)
    if asked is None or not asked.group(1) or asked.group(1) == "个":
        return  # (个 counts anything: 两个变电站 and 30个村 alike)
    unit, counted = asked.group(1), asked.group(2)
    if [n for n in salient_nouns(analysis.message, f.vocabulary) if n not in counted]:
        return
    raw = f.answer_digits(q.index)
    figures = list(re.finditer(r"(?<![\d.])\d+(?:\.\d+)?(?:余|多)?" + re.escape(unit), raw))
    if figures and all(f.vocabulary.bigger_areas.search(raw[max(0, m.start() - 3) : m.start()]) for m in figures):
        # the reply says the county's own count is what the release does not give
        q.found.append(Gap(GapKind.AREA, f.vocabulary.place.county or "本县"))


@check(GapKind.ASK_NAMES)
def thing_asked_of_a_set_never_named(f: EntryFacts, q: Asked) -> None:
    """有没有某某大学 (among the 30余所高校): whether a set holds a thing the entry never names, nor the base (it may
    or may not; the release does not say)."""
    for match in _HAS_IT.finditer(q.analysis.message):
        words = [w for w in segment(match.group(1)) if len(w) >= 2]
        thing = words[0] if words else ""
        if thing and not f.mentions(q.index, thing) and not f.known_to_base(thing):
            q.found.append(Gap(GapKind.ASK_NAMES, thing))
            return


@check(GapKind.PERIOD)
def past_or_now_against_a_target(f: EntryFacts, q: Asked) -> None:
    """去年的 / 现在的 figure is not a target's or a forecast's (到“十五”末将达1200万吨)."""
    plain = q.analysis.plain
    past = _PAST.search(plain) or _NOW.search(plain)
    answer = f.answer(q.index)
    if past and _TARGET.search(answer) and not _PAST.search(q.text) and not _STATED_NOW.search(answer):
        q.found.append(Gap(GapKind.PERIOD, past.group(0)))


@check(GapKind.PERIOD)
def another_period(f: EntryFacts, q: Asked) -> None:
    """A period (全年, 去年) other than the one the entry's figure is stated for (前三季度), or a figure asked for a
    past period or a whole year that the entry gives for no period at all (近百亿元 is not 去年全年的产值)."""
    focus, figure = q.analysis.focus, q.analysis.asks & {"count", "money"} and not q.analysis.checks
    periods = set(_PERIOD.findall(focus))
    # 比上年增长多少 compares with the past year: a growth the entry states answers it (增长8.5%)
    past = {
        m.group(0)
        for m in _PAST.finditer(focus)
        if figure and not (_PAST_COMPARED.search(focus[: m.start()]) and "compare" in f.gives(q.index))
    }
    if periods or past:
        stated = set(_PERIOD.findall(q.text))
        if (stated and periods and not periods & stated) or any(p not in q.text for p in past):
            q.found.append(Gap(GapKind.PERIOD, "、".join(sorted(periods | past))))
        elif not stated and "全年" in periods and figure:
            q.found.append(Gap(GapKind.PERIOD, "全年"))


@check(GapKind.ASK_PERSON)
def who_on_another_topic(f: EntryFacts, q: Asked) -> None:
    """Who presented, said or heads something: the entry must name that topic, not only a person."""
    analysis = q.analysis
    if "person" in analysis.asks and not q.has(GapKind.ASK_PERSON):
        topics = [
            n for n in salient_nouns(analysis.message, f.vocabulary)
            if n not in WHO_FRAME and f.known_to_base(n)
        ]
        if topics and not any(f.mentions(q.index, n) for n in topics):
            q.found.append(Gap(GapKind.ASK_PERSON, "、".join(topics[:2])))


@check(GapKind.COMPARE)
def compared_with_another(f: EntryFacts, q: Asked) -> None:
    """比磷酸二铵高多少: the thing compared with must be what the entry compares with (尿素)."""
    message = q.analysis.message
    for match in _COMPARED_WITH.finditer(message):
        if _COMPARED_FIRST.search(message[: match.start()]):
            continue  # 跟扩区前比是高了: the thing compared with came first
        nouns = salient_nouns(match.group(1), f.vocabulary)
        if not nouns:
            continue  # 比上年增长: a time compared with, not a thing the entry must name
        other = nouns[-1]
        if len(other) >= 2 and not f.mentions(q.index, other):
            q.found.append(Gap(GapKind.COMPARE, other))
            break


@check(GapKind.VALUE)
def another_value(f: EntryFacts, q: Asked) -> None:
    """省级 asked of an entry that states only 国家级 (or 县城 of one about 农村): values of one kind exclude each
    other, so the entry's figure is for something else."""
    if q.has(GapKind.SCOPE):
        return
    value = another_value_stated(q.analysis.plain, f.said_as_typed(q.index))
    if value:
        q.found.append(Gap(GapKind.VALUE, value))


_NUMBERED_PHRASE = ZH.pattern("numbered_phrase")
_NUMBER = "[一二三四五六七八九十\\d]"


@lru_cache(maxsize=1024)
def numbered_phrases(plain: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The phrases of numbers a message leaves open (几化几改), each with the pattern of it filled in (三化三改)."""
    phrases = [m.group(0) for m in _NUMBERED_PHRASE.finditer(plain) if "几" in m.group(0)]
    return tuple(
        (p, re.compile("".join(_NUMBER if ch == "几" or ch in "一二三四五六七八九十" or ch.isdigit() else re.escape(ch)
                               for ch in p)))
        for p in phrases
    )


@check(GapKind.SCOPE)
def numbered_phrase_not_stated(f: EntryFacts, q: Asked) -> None:
    """开发区的改革叫几化几改: an entry that never states a phrase of that shape (三化三改) does not answer it."""
    if q.blocked or q.has(GapKind.SCOPE):
        return
    said = f.said_as_typed(q.index)
    for phrase, filled in numbered_phrases(q.analysis.message):
        if not filled.search(said):
            q.found.append(Gap(GapKind.SCOPE, phrase))
            return


_RELATIVE_TO_EVENT = ZH.pattern("relative_to_event")


@check(GapKind.SCOPE)
def event_never_named(f: EntryFacts, q: Asked) -> None:
    """扩容之前是多少 of an entry that never names 扩容: a figure before or after an event the entry does not name
    is another figure than the one it states."""
    if q.blocked or q.has(GapKind.SCOPE):
        return
    for found in _RELATIVE_TO_EVENT.finditer(q.analysis.plain):
        if verb_like(found.group(1)) and not f.mentions(q.index, found.group(1)):
            q.found.append(Gap(GapKind.SCOPE, found.group(0)))
            return


@check(GapKind.SCOPE)
def another_county(f: EntryFacts, q: Asked) -> None:
    """娄烦县, 阳曲县: a county or city the release never names is another place."""
    if q.blocked:
        return
    for place in counties_in(q.analysis.plain):
        home = place in f.vocabulary.home or f.named_elsewhere(place)
        if not home and not f.mentions(q.index, place):
            q.found.append(Gap(GapKind.SCOPE, place))
            break


@check(GapKind.ASK_WHEN)
def when_of_another_event(f: EntryFacts, q: Asked) -> None:
    """哪年成立的, 什么时候召开的: the date of that event, which the entry must state (the year an honour was
    given is not the year the body that gave it was founded)."""
    if "when" in q.analysis.asks and not q.has(GapKind.ASK_WHEN):
        if "since" in q.analysis.asks and not q.has(GapKind.ASK_SINCE):
            return  # 从哪年算起: the start the entry states (2022年以来) is the answer, 算起 no event of its own
        event = _event_asked(q.analysis.message)
        # (an honour 评为 is the one 授予 or 认定: the verbs of one event, `same_event` in zh.yaml)
        if event and not any(f.mentions(q.index, verb) for verb in _SAME_EVENT.get(event, (event,))):
            q.found.append(Gap(GapKind.ASK_WHEN, event))


@check(GapKind.ASK_PERSON, GapKind.WORDS)
def unexplained_nouns(f: EntryFacts, q: Asked) -> None:
    """Nouns of the asking clause that neither the entry nor the base states (员工, 注册资本); a role the base
    never names, asked who (主持人是谁), is a person the release does not give."""
    words = f.ungrounded(q.analysis, q.index)
    if words and WHO.search(q.analysis.focus):
        q.found.append(Gap(GapKind.ASK_PERSON, "、".join(words)))
    elif len(words) >= q.ungrounded_min:
        q.found.append(Gap(GapKind.WORDS, "、".join(words)))


@check()
def rank_checked_for_a_bigger_area(f: EntryFacts, q: Asked) -> None:
    """"是不是全省第一": a rank checked for a bigger area is answered with the rank the release gives (总量全市第一),
    which corrects it; the release says nothing of the province."""
    analysis = q.analysis
    if q.has(GapKind.SCOPE, GapKind.AREA) and analysis.checks and _RANK_CHECKED.search(analysis.message):
        areas = [g.detail for g in q.found if g.kind in (GapKind.SCOPE, GapKind.AREA)]
        vocab = f.vocabulary
        bigger = all(vocab.bigger_areas.fullmatch(a) for a in areas)
        if bigger and vocab.stated_rank.search(f.answer_digits(q.index)):
            q.drop(GapKind.SCOPE, GapKind.AREA)
