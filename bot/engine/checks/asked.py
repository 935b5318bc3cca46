"""Checks of the kind of information asked (a price, a name, a list, which one, a measure, a number, an
ordinal) against what an entry states. Part of the core: no Telegram here.
"""

from __future__ import annotations

import re

from ...language import ZH
from ...language.text import SlottedPattern, pinyin_key, positions
from ..analyse import (
    AFFILIATION,
    ASK_KINDS,
    MEASURES,
    NAMED_BY,
    Analysis,
    salient_nouns,
)
from ..facts import COUNTED_GROUP, LIST_SEPARATORS, EntryFacts
from ..gaps import Gap, GapKind
from .registry import Asked, check

# a name asked of a company, body or place (那家企业叫什么): a quoted slogan in the answer does not name it
_ORG_NAMED = ZH.pattern("org_named")
_WHICH_NOUN = ZH.pattern("which_noun")  # the noun a which-question asks about (哪几条路)
_WHICH_NUMBERED = ZH.pattern("which_numbered")  # which numbered group (哪3批)
# English words of the asking itself, which residents mix in ("how many", "vs", "per"): not a subject
_ENGLISH_FRAME = frozenset(ZH.words("english_frame"))
_ORDINAL = ZH.pattern("ordinal")
_FIRST = ZH.pattern("first")  # 第一个 is 率先, 首批, 居首
_QUOTED_NAME = ZH.pattern("quoted_name")
_EXPLAINED_BY_REASON = ZH.pattern("explained_by_reason")
_EXPLAIN_ASKED = ASK_KINDS["explain"]
_EXPLAINS_AFTER = ZH.pattern("explains_after")
_EXPLAIN_FRAME = ZH.pattern("explain_frame")
_NAME_ASKED_OF = ZH.pattern("name_asked_of")
_NAME_LONGEST = 12  # characters a name may run before or between the asked words
_PARTICLE = ZH.pattern("particles")  # (的, 在, 是 … end a name read backwards)


def _one_of_a_list(analysis: Analysis, noun: str) -> bool:
    """Whether the noun ends the asking clause only because a list mark cut it there ("哪些国家、行业标准": 国家
    is one kind of standard, as the whole message shows, not a country asked about)."""
    in_message = {n for found in AFFILIATION.findall(analysis.message) for n in found}
    return analysis.focus.endswith(noun) and noun not in in_message



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
    if "reason" in given and _EXPLAINED_BY_REASON.search(analysis.focus):
        given |= {"explain"}  # (为什么叫这个名: 是因为……)
    if "person" in given and "person" in analysis.asks:
        given |= {"names"}  # a person's name asked (主持人叫啥名): the person the answer names
    q.found += [Gap(GapKind(f"ask:{kind}")) for kind in sorted(analysis.asks - given - {"examples"})]


@check(GapKind.ASK_EXPLAIN)
def another_thing_explained(f: EntryFacts, q: Asked) -> None:
    """专精特新小巨人是啥意思 of an entry that counts 专精特新小巨人企业1户 and explains another thing after a colon:
    the thing asked to be explained, where the answer writes it, must be followed by what explains it (：, 是指, 即,
    （…）), or the entry's own questions must ask what it means."""
    analysis = q.analysis
    if "explain" not in analysis.asks or q.has(GapKind.ASK_EXPLAIN):
        return
    asked = _EXPLAIN_ASKED.search(analysis.plain)
    if asked is None or analysis.plain[asked.end() :].strip("的了吗呢啊呀"):
        return  # (为什么叫这个名: the thing asked of comes after; 是因为 explains it)
    thing = _EXPLAIN_FRAME.sub("", analysis.plain[: asked.start()])
    thing = thing.strip("“”\"'「」《》 ")
    answer = f.answer_unquoted(q.index)
    if len(thing) < 2 or thing not in answer or f.asks_of(q.index, thing, "explain"):
        return
    after = (answer[at + len(thing) : at + len(thing) + 16] for at in positions(thing, answer))
    if not any(_EXPLAINS_AFTER.search(text) for text in after):
        q.found.append(Gap(GapKind.ASK_EXPLAIN, thing))


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
def name_longer_than_asked(f: EntryFacts, q: Asked) -> None:
    """The full name of a thing asked by its words (那个绿电项目全名叫啥): an answer that writes a longer name
    holding the question's word for it and ending in the same noun (综合低碳智慧能源绿电支撑项目) names it."""
    if not q.has(GapKind.ASK_NAMES) or _ORG_NAMED.search(q.analysis.plain):
        return
    asked = _NAME_ASKED_OF.search(q.analysis.plain)
    if asked is None:
        return
    words = _PARTICLE.split(asked.group(1))[-1]  # 那个绿电项目 → 绿电项目
    if len(words) < 4:
        return
    head, modifier = words[-2:], words[:-2]  # 绿电项目: the noun 项目, named 绿电 (省级博士创新中心: by 省级博士创新)
    said = f.said_as_typed(q.index)
    for start in positions(modifier, said):
        end = said.find(head, start + len(modifier), start + len(modifier) + _NAME_LONGEST)
        if end < 0:
            continue
        name_start = start
        while (
            name_start > 0
            and "\u4e00" <= said[name_start - 1] <= "\u9fff"
            and not _PARTICLE.fullmatch(said[name_start - 1])
            and start - name_start < _NAME_LONGEST
        ):
            name_start -= 1
        name = said[name_start : end + 2]
        for home in f.vocabulary.home_names:  # a name starts after the county's (某县储能电站 names no station)
            name = name.rsplit(home, 1)[-1]
        if len(name) >= len(words) + 3 and name not in q.analysis.plain:
            q.drop(GapKind.ASK_NAMES)
            return


@check()
def examples_from_a_list(f: EntryFacts, q: Asked) -> None:
    """Examples asked (比如, 举几个): a list the answer gives is enough, whatever kind of things it names."""
    if "examples" in q.analysis.asks and LIST_SEPARATORS.search(f.answer(q.index)):
        q.drop(GapKind.ASK_ORG, GapKind.ASK_NAMES, GapKind.ASK_WHICH, GapKind.ASK_PLACES)


@check()
def rest_of_a_list_named(f: EntryFacts, q: Asked) -> None:
    """除了院士工作站还有啥: the rest of a list the message names an item of, where the entry's answer lists that
    item and others (the others the release gives are the answer, its 等 saying there are more)."""
    if not q.has(GapKind.ASK_REST):
        return
    answer, message = f.answer(q.index), q.analysis.message
    named = [n for n in salient_nouns(q.analysis.focus, f.vocabulary) if n in f.plain(answer)]
    # the list that holds a thing named: the items around its 、 (the first is the end of its clause), and one the
    # message does not name is the rest
    for clause in re.split(r"[，,。；;：:]", answer):
        pieces = []
        for piece in clause.split("、"):
            pieces.append(piece.split("等")[0])
            if "等" in piece:
                break  # 中庄、代家庄等3个村……、完善的基础设施: 等 ends the list (another begins after it)
        items = [pieces[0][-6:], *pieces[1:]]
        if len(pieces) < 2 or not any(n in f.plain(item) for n in named for item in items):
            continue
        if any(len(item) >= 2 and f.plain(item)[-2:] not in message for item in items):
            q.drop(GapKind.ASK_REST)
            return


def _counts(raw: str, match: re.Match[str], noun: str) -> bool:
    """Whether the group counted at ``match`` (20所) may be of the noun asked: the words right after it name what
    it counts (9个边远乡镇 counts towns, not the counties named before it); a group with none after it (学校20所)
    is of the words around it."""
    counted = re.match(r"[\u4e00-\u9fff]+", raw[match.end() : match.end() + 6])
    if counted:
        return noun in counted.group(0)
    return noun in raw[max(0, match.start() - 8) : match.end() + 8]


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
            wanted = _WHICH_NUMBERED.search(analysis.plain)  # 哪3批: that group, not another the answer counts
            if wanted:
                named = number == wanted.group(1)
            else:
                named = number in analysis.numbers or (asked is not None and _counts(raw, match, asked.group(1)[0]))
            if named and float(number) >= 3 and listed < float(number):
                q.found.append(Gap(GapKind.ASK_WHICH, number))
                break


# a measure an entry states in other words (增长32.1% states the 增幅): patterns searched in its answer and quote
_STATED_AS = {m: re.compile("|".join(forms)) for m, forms in ZH.table("measure_stated_as").items()}


@check(GapKind.ASK_MEASURE)
def measure_not_stated(f: EntryFacts, q: Asked) -> None:
    """A measure asked (产值, 产能, 入住率) that the entry never names, in its own word or another form of it
    (增长32.1% states the 增幅: ``measure_stated_as`` in zh.yaml)."""
    q.found += [
        Gap(GapKind.ASK_MEASURE, m)
        for m in MEASURES.findall(q.analysis.focus)
        if m not in q.text
        and pinyin_key(m) not in f.pinyin_text(q.index)
        and not (m in _STATED_AS and _STATED_AS[m].search(f.said_as_typed(q.index)))
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
    text, analysis = q.said, q.analysis  # (what it states: a question written for it may ask of another, 是第一场吗)
    q.found += [
        Gap(GapKind.NUMBER, f"第{n}")
        for n in _ORDINAL.findall(analysis.focus)
        if f"第{n}" not in text
        and not (n == "1" and _FIRST.search(text))  # 第一个 is 率先, 首批, 居首
        and not (analysis.checks and (_ORDINAL.search(text) or _FIRST.search(text)))  # 是不是第三场: with 第5场
    ]
