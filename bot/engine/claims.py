"""Claims a resident checks: "是不是60户吧", "是2023年授予的对吧", "这是郭强讲的对吧".

A claim is a figure, a year, a rank or a name (scope.yaml's people, bodies and places) said in a message that
checks rather than asks. The engine answers what the claim is about (the claim asked again as a question:
"是多少户", "哪年授予的", "是谁讲的") and then says whether the release states what was claimed: the reply
confirms it, says it holds roughly, or says that the release says otherwise, before giving the release's fact.

Part of the core: no Telegram here. The patterns and words come from the language data (``claims``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache

from ..knowledge.model import Entry
from ..language import ZH, Vocabulary, alternation
from ..language.text import Normalizer, bigrams, chinese_numerals_to_digits, positions, shares_as_percent
from .analyse import EXCLUSIVE, another_value_stated, unit_class
from .lexicon import segment

__all__ = [
    "Claim",
    "ClaimedValue",
    "Verdict",
    "claimed_values",
    "figure_for",
    "judge_claim",
    "place_areas",
    "presenter_claimed",
    "states_another_year",
    "states_places",
    "value_said",
    "without_claim",
]

_PATTERNS = ZH.patterns("claims")
# what may follow a place claimed (甲县吧), and not a longer name that holds it (太原理工大学)
_PLACE_ENDS = ZH.pattern("claim_place_ends")
_DIRECTION = ZH.pattern("claim_directions")  # the direction a place is claimed in (北边挨着某地)
_ASKING: dict[str, str] = {str(k): str(v) for k, v in ZH.table("claim_asking").items()}
_CHECK_WORDS = re.compile(alternation(ZH.words("claim_check_words"), escape=False) + "|" + ZH.source("hearsay"))
_ROUGH = re.compile(alternation(ZH.words("claim_rough")))
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|《[^》]*》")
_CLAUSES = re.compile(r"[，,。；;！!？?\s]+")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_ORDINALS = re.compile(r"第[\d一二三四五六七八九十]+")
_NUMERALS = {c: str(i) for i, c in enumerate("零一二三四五六七八九十")}
_FIRST = ZH.pattern("first")  # 率先, 首批, 居首: first
_RANK_AREAS = ZH.words("claim_rank_areas")
_RANK_SOURCE = ZH.source("claims.rank")
_TITLES = alternation(sorted(ZH.words("person_titles"), key=len, reverse=True))
# a title with the body it belongs to (县委书记, 县委副书记), claimed right after 是 (是县委书记吧)
_PRESENTING = alternation((*ZH.words("speech_verbs"), *ZH.words("claimed_presenting")))
# a name claimed as who presented: 是 and a title before it, a title and a verb of presenting after it (是王向前
#副县长讲的), or the verb before it (介绍的是副县长郭强)
_PRESENTER_BEFORE = re.compile("是(?:" + _TITLES + ")?$")
_PRESENTER_AFTER = re.compile("(?:" + _TITLES + ")?(?:" + _PRESENTING + ")")
_PRESENTED_BEFORE = re.compile("(?:" + _PRESENTING + ")的?是(?:" + _TITLES + ")?$")
_TITLE_JOINED = ZH.source("claim_title_joined")  # 县委书记兼县长: two titles claimed as one
_ONE_TITLE = r"(?:县委|市委|省委|县|市|省)?(?:" + _TITLES + r")"
_TITLE_SOURCE = (
    r"(?<=是)(?:(?:{home})的?)?" + _ONE_TITLE + r"(?:(?:" + _TITLE_JOINED + r")" + _ONE_TITLE + r")*"
    r"(?=[吧吗呢啊?？，,。!！]|$|讲|说|" + _PRESENTING + ")"
)


@lru_cache(maxsize=8)
def _title_pattern(home: tuple[str, ...]) -> re.Pattern[str]:
    """A title claimed right after 是, with the deployment's own county before it or not (是某某县委书记吗)."""
    return re.compile(_TITLE_SOURCE.replace("{home}", alternation(home) if home else "(?!)"))
_CONTEXT_BEFORE = re.compile("(?:" + alternation(ZH.words("claim_context_before"), escape=False) + ")$")
_CONTEXT_AFTER = re.compile("^(?:" + alternation(ZH.words("claim_context_after")) + ")")
_FIGURE_CONTEXT = re.compile("(?:" + alternation(ZH.words("claim_figure_context_before")) + ")$")
_SAME_UNITS = {form: forms[0] for forms in ZH.groups("claim_same_units") for form in forms}
_UNIT_FORMS = re.compile(alternation(sorted(_SAME_UNITS, key=len, reverse=True)))
_BELOW = ZH.words("claim_below")
_ABOVE = ZH.words("claim_above")
_ASKING_WORD = ZH.question_pattern("asking")
# a Chinese numeral of one character (一个小村子, 四张名片, 二元体制): a word, not a figure claimed
_LONE_NUMERAL = re.compile(
    r"(?<![第零〇一二两三四五六七八九十百千万亿点\d])[一二两三四五六七八九十](?![零〇一二两三四五六七八九十百千万亿点])"
)
_KEPT = "\ue000"


def _digits(message: str) -> str:
    """The message with its numerals as digits, except lone ones (kept as a mark that is not a digit)."""
    return chinese_numerals_to_digits(_LONE_NUMERAL.sub(_KEPT, shares_as_percent(message)))


class Verdict(StrEnum):
    HOLDS = "holds"
    ROUGHLY = "roughly"  # a rough figure (接近一千张) within a tenth of the release's (985张)
    DIFFERS = "differs"


@dataclass(frozen=True)
class ClaimedValue:
    """One value a message claims: as typed (digits for numerals), its kind, the words that ask for it, and
    the clause of the message it stands in."""

    said: str
    kind: str  # figure | year | rank | name | title | role (a title claimed of a person named)
    asking: str
    clause: str
    start: int


@dataclass(frozen=True)
class Claim:
    """A checked claim: what was said, and what the release says to it."""

    said: str
    verdict: Verdict

    @property
    def holds(self) -> bool:
        return self.verdict is not Verdict.DIFFERS


def _ordinal(text: str) -> str:
    """The number of an ordinal as digits (第二 and 第2 alike; up to 十; 率先 and 首个 are first)."""
    if _FIRST.search(text) and not _ORDINALS.search(text):
        return "1"
    found = _ORDINALS.search(text)
    digits = found.group(0)[1:] if found else ""
    return "".join(_NUMERALS.get(c, c) for c in digits)


def _clause_around(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in _CLAUSES.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in _CLAUSES.finditer(text, end)), len(text))
    return text[left:right]


def place_areas(vocab: Vocabulary) -> tuple[str, ...]:
    """The deployment's own area a rank may be claimed for (its city's short name), beside 全市 and the like."""
    return (ZH.short_name(vocab.place.city),) if vocab.place.city else ()


@cache
def _rank_pattern(areas: tuple[str, ...]) -> re.Pattern[str]:
    """The rank pattern of the language data with its areas filled in."""
    return re.compile(_RANK_SOURCE.replace("{areas}", alternation(areas)))


def claimed_values(
    message: str,
    names: Iterable[str],
    areas: tuple[str, ...] = (),
    home: tuple[str, ...] = (),
    places: Iterable[str] = (),
) -> list[ClaimedValue]:
    """The values a checking message claims, the last said first (the claim is what the check is put to:
    "发明专利全市第二，高企全市第一，是不是这样" checks the last); words in quotation marks are names, not claims.
    ``areas``: the deployment's own area names a rank may be claimed for, beside 全市 and the like; ``home``: its
    county's names, which may stand before a title claimed (是某某县委书记吗); ``places``: other places, claimed
    of the county when its name comes before them in the clause (某县北边挨着某地吧), not asked about
    (某地有多少企业)."""
    patterns = {**_PATTERNS, "rank": _rank_pattern((*_RANK_AREAS, *areas))}
    text = _QUOTED.sub(lambda m: "　" * len(m.group(0)), _digits(message))
    found: list[ClaimedValue] = []
    for name in names:
        at = text.rfind(name) if name else -1
        if at >= 0:
            end = at + len(name)
            found.append(ClaimedValue(name, "name", _ASKING["name"], _clause_around(text, at, end), at))
    for place in places:
        at = text.rfind(place) if place else -1
        if at < 0 or any(v.start <= at < v.start + len(v.said) for v in found):
            continue
        clause = _clause_around(text, at, at + len(place))
        if _place_ends(text, at + len(place)) and any(h in clause[: max(0, clause.find(place))] for h in home):
            found.append(ClaimedValue(place, "place", _ASKING["place"], clause, at))
    named = [v.said for v in found if v.kind == "name"]
    for match in _title_pattern(tuple(home)).finditer(text):
        clause = _clause_around(text, match.start(), match.end())
        # (the county's short name taken off: 某某县长 is 县长, 某某县委书记 is 县委书记)
        said = match.group(0)
        title = next((said[len(n) :].lstrip("的") for n in sorted(home, key=len) if said.startswith(n)), said)
        before = re.split(r"[，,。；;？?！!]", text[max(0, match.start() - 8) : match.start()])[-1]
        if any(name in before for name in named):  # (刘大鹏现在是县长吧: a word or two may stand between)
            # a title claimed of a person named (刘大鹏是县委书记吧): checked against the title that person has
            found.append(ClaimedValue(title, "role", _ASKING["role"], clause, match.start()))
        elif not named:
            # a title claimed for whoever the message is about (开场讲话的是县委书记吧): read as who it was
            found.append(ClaimedValue(title, "title", _ASKING["name"], clause, match.start()))
    for kind in ("year", "rank", "figure"):
        for match in patterns[kind].finditer(text):
            said = match.group(0)
            if kind == "figure" and not (match.group(1) or re.search(r"[万亿]", said)):
                continue  # a number without a unit names no measure (300多口人: 口 is not a unit of the release)
            before, after = text[max(0, match.start() - 2) : match.start()], text[match.end() : match.end() + 2]
            framed = _CONTEXT_BEFORE.search(before) or _CONTEXT_AFTER.match(after)
            if (kind == "year" and framed) or (kind == "figure" and _FIGURE_CONTEXT.search(before)):
                continue  # 比2022年高了吧, 2022年以来: the claim is about something else
            if any(f.start <= match.start() < f.start + len(f.said) for f in found):
                continue  # 2023年 is a year, not a figure counted in 年
            asking = _ASKING[kind].format(unit=match.group(1) or "" if kind == "figure" else "")
            if kind == "rank":  # shown as said: 全市第一, not 全市第1
                said = re.sub(
                    r"\d+",
                    lambda d: "零一二三四五六七八九十"[int(d.group(0))] if int(d.group(0)) <= 10 else d.group(0),
                    said,
                )
            clause = _clause_around(text, match.start(), match.end())
            if _ASKING_WORD.search(clause.replace(said, "")):
                continue  # 2022年以来投了多少钱: a figure the question is put in, not one it checks
            found.append(ClaimedValue(said, kind, asking, clause, match.start()))
    return sorted(found, key=lambda v: -v.start)


def states_another_year(number: str, entry: Entry) -> bool:
    """Whether a bare number checked (是哪年评的 2023？) is a year and the entry states a year (2024年): the number
    is then a year claimed, and another than the entry's."""
    year = _PATTERNS["year"]
    return year.fullmatch(f"{number}年") is not None and year.search(entry.answer + entry.quote) is not None


def value_said(value: str, message: str, entry: Entry | None) -> str:
    """Another value claimed (国际 of 国际领先吗), with the word after it in the message when the entry's answer
    says that word after its own value (国内领先): "不对，发布材料说的不是国际领先"."""
    answer = entry.answer if entry is not None else ""
    at = message.find(value)
    if at >= 0 and value.isdigit():  # a year as said: 2023年以来, 2023年
        year = _YEAR_SAID.match(message, at + len(value))
        return value + year.group(0) if year else value
    after = message[at + len(value) : at + len(value) + 2] if at >= 0 else ""
    others = [v for group in EXCLUSIVE if value in group for v in group if v != value]
    return value + after if len(after) == 2 and any(v + after in answer for v in others) else value


def presenter_claimed(value: ClaimedValue) -> bool:
    """Whether a name is claimed as who presented something ("是王向前副县长回答的吧"): a claim to check even
    when the message is answered, since the answer may be about the person named rather than the topic."""
    if value.kind != "name":
        return False
    # 是王向前副县长讲, 是副县长王向前答: 是 and a title may come before the name; a title, then a verb of saying after
    clause, name = value.clause, value.said
    return any(
        _PRESENTER_BEFORE.search(clause, 0, at)
        and (
            _PRESENTER_AFTER.match(clause, at + len(name))
            # (not of an order: 第一个发言的是崔维廷吧 claims a place in the order, which the order's entry checks)
            or (_PRESENTED_BEFORE.search(clause, 0, at) is not None and not _ORDINALS.search(clause))
        )
        for at in positions(name, clause)
    )


def without_claim(message: str, value: ClaimedValue) -> str:
    """The message with the claimed value asked for instead, and its words of checking left out."""
    said = value.said
    if value.kind == "name":  # 王向前副县长, 副县长王向前 → 谁: the title goes with the name
        found = re.search("(?:" + _TITLES + ")?" + re.escape(said) + "(?:" + _TITLES + ")?", message)
        said = found.group(0) if found else said
    text = _digits(message).replace(said, value.asking, 1)
    text = _CHECK_WORDS.sub("", text).strip().rstrip(",，").strip() or text
    return chinese_numerals_to_digits(text.replace(_KEPT, "一")) if _KEPT in text else text


def _figures(clause: str) -> list[tuple[float, str]]:
    return [
        (float(n.group(0)), _unit(m.group(0)))
        for m in _PATTERNS["figure"].finditer(clause)
        if (n := _DIGITS.search(m.group(0))) is not None
    ]


def _of_the_thing(clause: str, figures: list[float], unit: str, words: set[str]) -> list[float]:
    """Of a clause's figures in one unit, those whose counted noun (the words right after the figure: 99个行政村,
    109个农村养老服务设施) shares words with the claim's, when some do and some do not (设施是99个 is not of 99个
    行政村); else all of them."""
    counted = [
        (float(n.group(0)), bigrams(clause[m.end() : m.end() + 8]))
        for m in _PATTERNS["figure"].finditer(clause)
        if (n := _DIGITS.search(m.group(0))) is not None and _same_unit(unit, _unit(m.group(0)))
    ]
    named = [n for n, after in counted if after & words]
    return named if named and len(named) < len(counted) else figures


def _unit(figure: str) -> str:
    """A figure's unit without its number and rough words (180多亿 → 亿, 5.4万立方米 → 万立方米; 10亿元 is 10亿)."""
    unit = re.sub(r"[\d.余多]|个(?=[余多]?[万亿])", "", figure).removesuffix("元")
    return _UNIT_FORMS.sub(lambda m: _SAME_UNITS[m.group(0)], unit)


_YEAR_SAID = ZH.pattern("claim_year_said")  # the words after a year's digits that say it (年以来)
_MAGNITUDES: dict[str, int] = ZH.table("numerals.big")  # a unit's magnitude (万吨, 亿元 once 元 is dropped)


def _is_sum(unit: str) -> bool:
    """Whether a figure's unit is money (亿, 万: 3.6亿元 is 3.6亿 once 元 is dropped)."""
    return unit in ("", "万", "亿") or unit.endswith(("万元", "亿元"))


def _same_unit(claimed: str, stated: str) -> bool:
    """Whether a claimed unit is the stated one: written alike (万方 is 万立方米), said shorter (5.4万 of
    5.4万立方米), or a measure word of the same kind of thing (50家 of 40户)."""
    if not claimed:
        return False
    return stated.startswith(claimed) or (
        len(claimed) == len(stated) == 1 and bool(unit_class(claimed)) and unit_class(claimed) == unit_class(stated)
    )


def states_places(entry: Entry, places: Iterable[str], claimed: str) -> bool:
    """Whether the entry names other places than the one claimed (东邻甲县、乙县…): it says where, so a place it
    does not name, or names in another direction, is not where it says."""
    said = entry.answer + "。" + entry.quote
    return any(_names_place(said, p) for p in places if p and p != claimed)


def _place_ends(text: str, end: int) -> bool:
    """Whether a place named up to ``end`` ends there (甲县吧, 甲县、乙县), not a longer name that holds it
    (太原理工大学, 复合肥)."""
    return end == len(text) or _PLACE_ENDS.match(text, end) is not None


def _names_place(text: str, place: str) -> bool:
    """Whether the text names the place as a word of its own (甲县、乙县), not inside another (复合肥 holds 合肥)."""
    return any(_place_ends(text, at + len(place)) for at in positions(place, text))


def _judge_place(value: ClaimedValue, said_text: str) -> Verdict:
    """A place claimed holds when the entry names it, in the direction the claim gives if it gives one (某县东边挨着
    石楼吧 of 西靠石楼 does not hold)."""
    if not _names_place(said_text, value.said):
        return Verdict.DIFFERS
    direction = _DIRECTION.findall(value.clause[: max(0, value.clause.find(value.said))])
    if not direction:
        return Verdict.HOLDS
    clauses = [c for c in re.split(r"[，,。；;]", said_text) if value.said in c]
    return Verdict.HOLDS if any(direction[-1] in c for c in clauses) else Verdict.DIFFERS


def judge_claim(value: ClaimedValue, entry: Entry, normalizer: Normalizer, vocab: Vocabulary) -> Claim | None:
    """What the entry says to the claimed value: a year or a name holds when the entry says it; a rank and a
    figure as :func:`_judge_rank` and :func:`_judge_figure` compare them; None when the entry gives no figure
    in the claim's unit (the reply then gives the fact without a verdict)."""
    said_text = said_digits(entry, normalizer)
    if value.kind == "rank":
        return Claim(value.said, _judge_rank(value, said_text, place_areas(vocab)))
    if value.kind == "figure":
        verdict = _judge_figure(value, said_text)
        low, high = _bounds(value)
        shown = f"{low[0]}{value.said}" if low[1] else f"{value.said}{high[0]}" if high[1] else value.said
        return Claim(shown, verdict) if verdict is not None else None
    if value.kind == "place":
        return Claim(value.said, _judge_place(value, said_text))
    if value.kind in ("title", "role"):  # 县长 is not 副县长; 县委书记兼县长 holds only if both do
        titles = [t for t in re.split(_TITLE_JOINED, value.said) if t]
        stated = all(re.search("(?<!副)" + re.escape(t), said_text) is not None for t in titles)
        return Claim(value.said, Verdict.HOLDS if stated else Verdict.DIFFERS)
    if value.kind == "year":
        return Claim(value.said, _judge_year(value, said_text))
    return Claim(value.said, Verdict.HOLDS if value.said in said_text else Verdict.DIFFERS)


_EVENT_ASPECT = frozenset(ZH.words("claim_event_aspect"))


def _judge_year(value: ClaimedValue, said_text: str) -> Verdict:
    """A year holds when the entry states it, and the event the claim dates is not one the entry dates by another
    year (2015年开始试种 of 2012年起试种，2015年开始推广: 试种 is dated 2012). Each year of the entry dates the words
    after it, up to the next year."""
    if value.said not in said_text:
        return Verdict.DIFFERS
    years = list(_PATTERNS["year"].finditer(said_text))
    dated: dict[str, str] = {}
    for at, found in enumerate(years):
        end = years[at + 1].start() if at + 1 < len(years) else len(said_text)
        dated[found.group(0)] = dated.get(found.group(0), "") + said_text[found.end() : end]
    if len(dated) < 2:
        return Verdict.HOLDS
    event = value.clause.replace(value.said, " ")
    words = [w for w in segment(event) if len(w) >= 2 and w not in _EVENT_ASPECT and not w.isdigit()]
    own = dated.get(value.said, "")
    others = [text for year, text in dated.items() if year != value.said]
    another = any(w not in own and any(w in text for text in others) for w in words)
    return Verdict.DIFFERS if another else Verdict.HOLDS


def _judge_rank(value: ClaimedValue, said_text: str, areas: tuple[str, ...]) -> Verdict:
    """A rank holds when the entry states it for the same area (全市第一 is not 全省第一); 率先 and 首批 are first;
    a rank without an area (第二批) is any ordinal the entry states."""
    rank = _rank_pattern((*_RANK_AREAS, *areas))
    claimed = rank.search(value.said)
    area = (claimed.group(1) or "") if claimed else ""
    if not area:
        ordinals = {_ordinal(m) for m in _ORDINALS.findall(said_text)} | ({"1"} if _FIRST.search(said_text) else set())
        return Verdict.HOLDS if _ordinal(value.said) in ordinals else Verdict.DIFFERS
    stated = {(m.group(1), _ordinal(m.group(0))) for m in rank.finditer(said_text)}
    stated |= {(a, "1") for a in _RANK_AREAS if re.search(a + "(?:" + _FIRST.pattern + ")", said_text)}
    return Verdict.HOLDS if (area, _ordinal(value.said)) in stated else Verdict.DIFFERS


def _bounds(value: ClaimedValue) -> tuple[tuple[str, int], tuple[str, int]]:
    """The bound word before and after a claimed figure (不到 1000张, 100张 以上), each with -1 (fewer than),
    1 (more than) or 0 (none)."""
    at = value.clause.find(value.said)
    before, after = value.clause[: max(0, at)], value.clause[at + len(value.said) :] if at >= 0 else ""
    low = next(((w, -1) for w in _BELOW if before.endswith(w)), None) or next(
        ((w, 1) for w in _ABOVE if before.endswith(w)), ("", 0)
    )
    high = next(((w, -1) for w in _BELOW if after.startswith(w)), None) or next(
        ((w, 1) for w in _ABOVE if after.startswith(w)), ("", 0)
    )
    return low, high


def _judge_figure(value: ClaimedValue, said_text: str) -> Verdict | None:
    """A figure is compared with the figure the entry gives for the same thing: among the entry's clauses that
    state a figure in the same unit, those that share most words with the claim's own clause (410张 of
    护理型床位, not 985张 of 床位 in general); None when no clause states one in that unit.

    不到1000张 holds for 985张, 超过10亿 does not for 10亿; 一百多个 holds for 175个 (more than 100, fewer than
    200), 40多户 for 45户; a claim that is the release's figure rounded (181亿 for 181.16亿) or within a tenth
    of it, said roughly (接近一千张), holds roughly."""
    number = _DIGITS.search(value.said)
    if number is None:
        return None
    claimed, unit = float(number.group(0)), _unit(value.said)
    words = bigrams(value.clause.replace(value.said, ""))
    same_unit = [
        (c, _of_the_thing(c, f, unit, words))
        for c in _CLAUSES.split(said_text)
        if (f := [n for n, u in _figures(c) if _same_unit(unit, u)])
    ]
    if not same_unit and unit[:1] in _MAGNITUDES:
        # the same unit with another magnitude (3亿吨 of 300万吨): the stated figure in the claim's magnitude
        scale, base = _MAGNITUDES[unit[0]], unit[1:]
        same_unit = [
            (c, f)
            for c in _CLAUSES.split(said_text)
            if (f := [n * _MAGNITUDES[u[0]] / scale for n, u in _figures(c) if u[:1] in _MAGNITUDES and u[1:] == base])
        ]
    if not same_unit:
        return None
    best = max(len(words & bigrams(c)) for c, _ in same_unit)
    stated = [n for c, f in same_unit if len(words & bigrams(c)) == best for n in f]
    (_, before), (_, after) = _bounds(value)
    if before or after:  # 不到1000张 is fewer; 70%以上 includes 70%
        bound, inclusive = before or after, not before
        held = any((n - claimed) * bound > 0 or (inclusive and n == claimed) for n in stated)
        return Verdict.HOLDS if held else Verdict.DIFFERS
    if re.search(r"\d(?:多|余)", value.said):  # 一百多: more than 100, fewer than 200; 180多: 180-190
        digits = str(int(claimed))
        step = 10 ** (len(digits) - len(digits.rstrip("0")))
        if any(claimed < n < claimed + step for n in stated):
            return Verdict.HOLDS
        return Verdict.ROUGHLY if any(abs(n - claimed) <= 0.1 * max(n, claimed) for n in stated) else Verdict.DIFFERS
    if claimed in stated:
        return Verdict.HOLDS
    rounded = any(round(n, len(number.group(0).partition(".")[2])) == claimed for n in stated)
    near = any(abs(n - claimed) <= 0.1 * max(n, claimed) for n in stated)
    if rounded or (_ROUGH.search(value.clause) and near):
        return Verdict.ROUGHLY
    return Verdict.DIFFERS


_ITEMS = re.compile(r"[，,。；;！!？?\s、：:]+")


def said_digits(entry: Entry, normalizer: Normalizer) -> str:
    """What an entry says (its answer, then its quote), folded with numerals as digits: the text figures are found
    in, and their positions counted from."""
    return chinese_numerals_to_digits(normalizer.fold(f"{entry.answer}。{entry.quote}"))


def _unit_figures(text: str, *, sums: bool, shares: bool = False) -> list[re.Match[str]]:
    """The figures of ``text`` said with a unit or a magnitude (40户, 3.6亿), only sums of money when ``sums``,
    only shares (8.5%) when ``shares``."""
    found = [m for m in _PATTERNS["figure"].finditer(text) if m.group(1) or re.search(r"[万亿]", m.group(0))]
    if shares:
        return [m for m in found if _unit(m.group(0)).startswith("%")]
    return [m for m in found if _is_sum(_unit(m.group(0)))] if sums else found


def figure_for(
    thing: str, entry: Entry, normalizer: Normalizer, *, other: str = "", sums: bool = False, shares: bool = False
) -> tuple[float, str, str, int] | None:
    """The figure the entry states for a thing: its value, unit, words as written (40户) and where it stands in
    the entry's text. The clause or list item that shares most of the thing's own words (those ``other``, the
    thing it is compared with, does not have: 招引 of 招引项目 beside 开工项目) is taken, and in it the figure
    nearest those words (109个 of 农村养老服务设施 in "99个行政村已经建成109个农村养老服务设施"); None when no
    item with a figure shares any of them. ``sums``: only sums of money count (投资 compared with 投资); ``shares``:
    only shares (growths compared: 增速, 哪个快)."""
    said_text = said_digits(entry, normalizer)
    words = bigrams(chinese_numerals_to_digits(normalizer.fold(thing)))
    own = (words - bigrams(chinese_numerals_to_digits(normalizer.fold(other)))) or words
    best: tuple[int, int, int, str] | None = None  # own words shared, all words shared, where, the item
    at = 0
    for item in _ITEMS.split(said_text):
        start = said_text.find(item, at)
        at = start + len(item)
        # 省级专精特新企业 has no figure in 国家级专精特新小巨人企业1户: the item states another value of its kind
        if shares:
            figured = bool(_unit_figures(item, sums=sums, shares=True))
        else:
            figured = any(_is_sum(u) or not sums for _, u in _figures(item))
        if item and figured and not another_value_stated(thing, item):
            key = (len(own & bigrams(item)), len(words & bigrams(item)))
            if key[0] and (best is None or key > best[:2]):
                best = (*key, start, item)
    if best is None:
        # no item names the thing in its words (提档升级 of 投资3.6亿元对开发区主干道、河道进行整治提升): the entry's
        # one figure, when it states one only, is the thing's (the entry was matched to the thing asked alone)
        only = _unit_figures(said_text, sums=sums, shares=shares)
        if len({m.group(0) for m in only}) != 1 or (number := _DIGITS.search(only[0].group(0))) is None:
            return None
        return float(number.group(0)), _unit(only[0].group(0)), only[0].group(0), only[0].start()
    _, _, start, item = best
    places = [at for w in own for at in positions(w, item)]
    figures = _unit_figures(item, sums=sums, shares=shares)
    if not figures:
        return None
    match = min(figures, key=lambda m: min((abs(m.end() - p) for p in places), default=0))
    number = _DIGITS.search(match.group(0))
    if number is None:
        return None
    return float(number.group(0)), _unit(match.group(0)), match.group(0), start + match.start()
