"""Checks of a figure asked against an entry's figures: the thing counted, a part of a whole, the name of one
of a kind, a bigger area, a period. Part of the core: no Telegram here.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ...language import ZH
from ...language.text import pinyin_key, positions
from ..analyse import (
    COUNTED,
    MEASURES,
    PLACE_ENDS,
    QUESTION_MARK,
    salient_nouns,
    unit_class,
)
from ..facts import INSTANCE_NAMES, SHARE_ASKED, EntryFacts, same_areas
from ..gaps import Gap, GapKind
from ..lexicon import noun_lexicon, segment, verb_like
from .registry import Asked, check

# "哪个镇", "哪家公司", "哪个部委": the entry must name one of these, and one the question does not already name;
# and asked after it: 第三方公司是哪家, 那个镇叫什么
_INSTANCE_ASKED = ZH.pattern("instance_asked")
_INSTANCE_ASKED_AFTER = ZH.pattern("instance_asked_after")
_PERIOD = ZH.pattern("period")  # periods a figure is stated for: 全年 is not 前三季度
# the character right after 多少/几 when it is neither a measure word nor money, people or age (多少煤)
_COUNTED_THING = ZH.pattern("counted_thing")
# a past year's figure is not a target's (去年的产值 is not 到2030年力争的产值)
_PAST = ZH.pattern("past")
_HAS_IT = ZH.pattern("has_it_asked")
_PAST_COMPARED = ZH.pattern("past_compared")
_TARGET = ZH.pattern("target")
_NOW = ZH.pattern("now")
_STATED_NOW = ZH.pattern("stated_now")


@check(GapKind.COUNTED)
def counts_another_thing(f: EntryFacts, q: Asked) -> None:
    """It counts another thing than the entry counts (people where the entry counts firms)."""
    if q.analysis.counted and not f.counts(q.index, q.analysis.counted):
        q.found.append(Gap(GapKind.COUNTED, q.analysis.counted))
        return
    # 多少个行政村 of an entry whose only figure is a share (通村率100%): a number of things asked with a measure
    # word is no share
    unit, noun = _counted_after_unit(q.analysis.message)
    if (
        unit
        and unit_class(unit) not in ("", "share", "time")
        and unit_class(noun) != "share"  # (多少个百分点 asks a share)
        and f.units(q.index) == {"share"}
    ):
        q.found.append(Gap(GapKind.COUNTED, unit + noun))


_TAKING_PART = ZH.pattern("taking_part")  # 出席, 参加, 发言: what makes people the ones counted at an event


@check(GapKind.COUNTED)
def people_counted_by_what_they_do(f: EntryFacts, q: Asked) -> None:
    """几个人出席 where the entry counts the county's 常住人口: people counted by taking part in something (出席,
    参加, 发言) are those the entry says took part; an entry that never names the taking part counts other people."""
    if q.analysis.counted != "person" or q.has(GapKind.COUNTED):
        return
    doing = [m.group(0) for m in _TAKING_PART.finditer(q.analysis.plain)]
    missing = [w for w in doing if not f.mentions(q.index, w)]
    if missing:
        q.found.append(Gap(GapKind.COUNTED, missing[0]))


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


@lru_cache(maxsize=256)
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


# a list the answer gives in full (no 等) and a count right after it (甲县、乙县、丙县划出9个)
_LIST_COUNTED = re.compile(
    r"((?:[\u4e00-\u9fff]{2,6}、)+[\u4e00-\u9fff]{2,6}?)(?!等)([\u4e00-\u9fff]{0,2}?)(\d+(?:个|户|家|所|座|处|项|名|人))"
)
_TOTAL_ASKED = ZH.pattern("total_asked")  # 一共, 总共, 总数: the whole count asked
_INCREMENT = ZH.pattern("increment")  # 新增, 升级: a figure that counts only what was added
_THESE = ZH.pattern("these")  # 这些, 那些, 等: things named as examples of the group counted


@check(GapKind.PART)
def count_of_one_listed(f: EntryFacts, q: Asked) -> None:
    """从甲县划过来几个乡镇 of 从甲县、乙县、丙县划出9个边远乡镇: a count the answer gives for a list of things, asked
    of some of them, is not theirs."""
    if "count" not in q.analysis.asks or q.has(GapKind.PART):
        return
    # the clauses that ask, as typed (a story's 我老家在丙县 names no part asked; 、 joins, a comma parts)
    message = "，".join(c for c in q.analysis.message.split("，") if QUESTION_MARK.search(c))
    if _THESE.search(message):
        return
    for match in _LIST_COUNTED.finditer(f.answer_digits(q.index)):
        if "等" in match.group(0):
            continue
        items = [item[-3:] for item in match.group(1).split("、")]  # (高端型 named by 高端, 甲县 by 甲县)
        named = [item for item in items if item[-2:] in message or (len(item) == 3 and item[:2] in message)]
        if named and len(named) < len(items):
            q.found.append(Gap(GapKind.PART, match.group(3)))
            return


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


_NOT_MODIFYING = "哪啥么甚个家所座"  # before the words put before a noun: they ask which one (哪家第三方公司)


def _modified(noun: str, plain: str) -> tuple[str, str] | None:
    """The words a question puts right before the kind of thing it asks the name of (第三方 of 第三方公司): the
    first two or three Chinese characters (three when they can be) right before the noun, and they with the noun."""
    found: tuple[int, int] | None = None  # (start, -width) of the first
    for at in positions(noun, plain):
        for width in (3, 2):
            start = at - width
            words = plain[start:at]
            if start < 0 or not all("\u4e00" <= c <= "\u9fff" for c in words):
                continue
            if start and plain[start - 1] in _NOT_MODIFYING:
                continue
            if found is None or (start, -width) < found:
                found = (start, -width)
    if found is None:
        return None
    start, width = found[0], -found[1]
    return plain[start : start + width], plain[start : start + width] + noun


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
        kind = _modified(noun, plain.replace("的" + noun, noun))
        if kind and kind[1] in said:
            instances = [n for n in instances if kind[0] in n and not n.endswith(kind[1])]
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
    share = bool(SHARE_ASKED.search(analysis.focus))
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


@check(GapKind.AREA)
def counted_in_a_part(f: EntryFacts, q: Asked) -> None:
    """某县一共多少个行政村 where the entry counts 山区62个行政村: every figure the entry gives of the thing asked is
    one part's (a place or group named right before the figure, 山区, 平川), which the message does not name; the
    whole (全县99个行政村) is another entry's."""
    analysis = q.analysis
    if analysis.checks or "count" not in analysis.asks:
        return
    unit, noun = _counted_after_unit(analysis.message)
    if not unit or len(noun) < 2:
        return
    said = f.said_as_typed(q.index)
    parts = [_part_before(said, at) for at in _figures_before(said, unit + noun)]
    vocab, sound = f.vocabulary, pinyin_key(analysis.message)
    if parts and all(
        part
        and pinyin_key(part) not in sound  # (平穿 typed for 平川 names it)
        and not part.startswith("全")
        and part not in vocab.home_names
        for part in parts
    ):
        q.found.append(Gap(GapKind.AREA, noun))


_WHOLE = tuple(ZH.words("county_whole"))  # 全县: the county as a whole
_COUNTY_PART = ZH.pattern("county_part")  # 开发区, 乡镇: a part of the county


@check(GapKind.AREA)
def whole_asked_of_a_part(f: EntryFacts, q: Asked) -> None:
    """全县招商引资多少项目 where the entry gives 开发区近三年共招引项目23个: a figure asked of the county as a whole
    (全县) that the entry's answer states only of a part of it (a zone, a township) the message does not name, and
    never of the county."""
    analysis, home = q.analysis, f.vocabulary.home_names
    whole = (*_WHOLE, *("全" + name for name in home))
    if analysis.checks or not analysis.asks & {"count", "money"} or not any(w in analysis.message for w in whole):
        return
    said = f.said_as_typed(q.index)
    if any(name in said for name in (*whole, *home)):
        return
    parts = [m.group(0) for m in _COUNTY_PART.finditer(said)]
    if parts and not any(part in analysis.message for part in parts):
        q.found.append(Gap(GapKind.AREA, whole[0]))


_PLACE_PART = ZH.pattern("county_place_part")  # 县城, 开发区: a place within the county


@check(GapKind.AREA)
def part_asked_of_the_whole(f: EntryFacts, q: Asked) -> None:
    """县城常住人口多少 where the entry gives the county's 常住人口95313人: a figure asked of a place within the county
    (县城, 开发区) that the entry's answer states of the whole county and never of that place."""
    analysis, home = q.analysis, f.vocabulary.home_names
    if not analysis.asks & {"count", "money", "area", "per"} and not analysis.checks:
        return
    parts = [m.group(0) for m in _PLACE_PART.finditer(analysis.plain)]
    if not parts or any(f.mentions(q.index, part) for part in parts):
        return
    said = f.said_as_typed(q.index)
    # (the county's own name before 县城 names the county's town: 某县城 is 某县 + 县城, not the county)
    rest = _PLACE_PART.sub(" ", analysis.plain)
    if any(w in said for w in (*_WHOLE, *home)) and not any(w in rest for w in _WHOLE):
        q.found.append(Gap(GapKind.AREA, parts[0]))


def _figures_before(said: str, counted: str) -> list[int]:
    """Where each figure that counts ``counted`` begins (62 of 山区62个行政村, 300 of 300余个)."""
    found, pos = [], 0
    while (at := said.find(counted, pos)) >= 0:
        pos, start = at + 1, at
        while start and said[start - 1] in "余多":
            start -= 1
        while start and (said[start - 1].isdecimal() or said[start - 1] == "."):
            start -= 1
        if start < at and said[start].isdecimal():
            found.append(start)
    return found


def _part_before(said: str, at: int) -> str:
    """The noun right before a figure (山区 of 山区62个), or '' when a verb or nothing stands there (建成109个)."""
    run = _RUN_BEFORE.search(said, 0, at)
    if run is None or any(ch.isdecimal() for ch in said[max(0, run.start() - 2) : run.start()]):
        return ""  # (10个乡镇卫生院 after 20所农村中小学校: the word before is the last item's)
    last = segment(run.group(1))[-1]
    return last if len(last) >= 2 and last in noun_lexicon() and not verb_like(last) else ""


_RUN_BEFORE = re.compile(r"([\u4e00-\u9fff]{2,8}?)的?$")


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


@check(GapKind.TOTAL)
def total_of_what_was_added(f: EntryFacts, q: Asked) -> None:
    """开发区一共有多少户高新技术企业 where the entry gives 新增10户, 检测中心一共能检测多少项 where it gives the 56项
    upgraded: a total asked where every figure the entry gives in the measure word asked counts only what was added
    or upgraded (a clause that says 新增, 升级)."""
    analysis = q.analysis
    message = analysis.message
    if analysis.checks or "count" not in analysis.asks or not _TOTAL_ASKED.search(message):
        return
    asked = COUNTED.search(message)
    if asked is None or not asked.group(1) or _INCREMENT.search(message):
        return
    raw = f.answer_digits(q.index)
    figures = list(re.finditer(r"(?<![\d.])\d+(?:\.\d+)?(?:余|多)?" + re.escape(asked.group(1)), raw))
    breaks = re.compile(r"[，,。；;]")
    clauses = [breaks.split(raw[: m.start()])[-1] + breaks.split(raw[m.start() :])[0] for m in figures]
    if clauses and all(_INCREMENT.search(c) for c in clauses):
        q.found.append(Gap(GapKind.TOTAL, asked.group(1) + asked.group(2)))
