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

from .knowledge import Entry
from .language import ZH, Vocabulary, alternation
from .text import Normalizer, chinese_numerals_to_digits

__all__ = [
    "Claim",
    "ClaimedValue",
    "Verdict",
    "claimed_values",
    "figure_for",
    "judge_claim",
    "presenter_claimed",
    "without_claim",
]

_PATTERNS = ZH.patterns("claims")
_ASKING: dict[str, str] = {str(k): str(v) for k, v in ZH.table("claim_asking").items()}
_CHECK_WORDS = re.compile(alternation(ZH.words("claim_check_words"), escape=False))
_ROUGH = re.compile(alternation(ZH.words("claim_rough")))
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|《[^》]*》")
_CLAUSES = re.compile(r"[，,。；;！!？?\s]+")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_ORDINALS = re.compile(r"第[\d一二三四五六七八九十]+")
_NUMERALS = {c: str(i) for i, c in enumerate("零一二三四五六七八九十")}
_FIRST = ZH.pattern("first")  # 率先, 首批, 居首: first
_RANK_AREAS = ZH.words("claim_rank_areas")
_TITLES = alternation(sorted(ZH.words("person_titles"), key=len, reverse=True))
_PRESENTING = alternation(ZH.words("speech_verbs"))
_ASKING_WORD = ZH.question_pattern("asking")
# a Chinese numeral of one character (一个小村子, 四张名片, 二元体制): a word, not a figure claimed
_LONE_NUMERAL = re.compile(
    r"(?<![第零〇一二两三四五六七八九十百千万亿点\d])[一二两三四五六七八九十](?![零〇一二两三四五六七八九十百千万亿点])"
)
_KEPT = "\ue000"


def _digits(message: str) -> str:
    """The message with its numerals as digits, except lone ones (kept as a mark that is not a digit)."""
    return chinese_numerals_to_digits(_LONE_NUMERAL.sub(_KEPT, message))


class Verdict(StrEnum):
    HOLDS = "holds"
    ROUGHLY = "roughly"  # a rough figure (接近一千张) within a tenth of the release's (985张)
    DIFFERS = "differs"


@dataclass(frozen=True)
class ClaimedValue:
    """One value a message claims: as typed (digits for numerals), its kind, the words that ask for it, and
    the clause of the message it stands in."""

    said: str
    kind: str  # figure | year | rank | name
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


def claimed_values(message: str, names: Iterable[str]) -> list[ClaimedValue]:
    """The values a checking message claims, the last said first (the claim is what the check is put to:
    "发明专利全市第二，高企全市第一，是不是这样" checks the last); words in quotation marks are names, not claims."""
    text = _QUOTED.sub(lambda m: "　" * len(m.group(0)), _digits(message))
    found: list[ClaimedValue] = []
    for name in names:
        at = text.rfind(name) if name else -1
        if at >= 0:
            end = at + len(name)
            found.append(ClaimedValue(name, "name", _ASKING["name"], _clause_around(text, at, end), at))
    for kind in ("year", "rank", "figure"):
        for match in _PATTERNS[kind].finditer(text):
            said = match.group(0)
            if kind == "figure" and not re.search(r"\D", said):
                continue  # a bare number names no measure (交城2030年 is a year; 3 alone is nothing)
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


def presenter_claimed(value: ClaimedValue) -> bool:
    """Whether a name is claimed as who presented something ("是王向前副县长回答的吧"): a claim to check even
    when the message is answered, since the answer may be about the person named rather than the topic."""
    if value.kind != "name":
        return False
    pattern = "是" + re.escape(value.said) + "(?:" + _TITLES + ")?(?:" + _PRESENTING + ")"
    return re.search(pattern, value.clause) is not None


def without_claim(message: str, value: ClaimedValue) -> str:
    """The message with the claimed value asked for instead, and its words of checking left out."""
    said = value.said
    if value.kind == "name":  # 王向前副县长 → 谁: the title goes with the name
        found = re.search(re.escape(said) + "(?:" + _TITLES + ")?", message)
        said = found.group(0) if found else said
    text = _digits(message).replace(said, value.asking, 1)
    text = _CHECK_WORDS.sub("", text).strip() or text
    return chinese_numerals_to_digits(text.replace(_KEPT, "一")) if _KEPT in text else text


def _figures(clause: str) -> list[tuple[float, str]]:
    return [
        (float(n.group(0)), _unit(m.group(0)))
        for m in _PATTERNS["figure"].finditer(clause)
        if (n := _DIGITS.search(m.group(0))) is not None
    ]


def _unit(figure: str) -> str:
    """A figure's unit without its number and rough words (180多亿 → 亿, 5.4万立方米 → 万立方米)."""
    return re.sub(r"[\d.余多个]", "", figure)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def judge_claim(value: ClaimedValue, entry: Entry, normalizer: Normalizer, vocab: Vocabulary) -> Claim:
    """What the entry says to the claimed value: a year or a name holds when the entry says it; a rank and a
    figure as :func:`_judge_rank` and :func:`_judge_figure` compare them."""
    said_text = chinese_numerals_to_digits(normalizer.fold(f"{entry.answer}。{entry.quote}"))
    if value.kind == "rank":
        return Claim(value.said, _judge_rank(value, said_text))
    if value.kind == "figure":
        return Claim(value.said, _judge_figure(value, said_text))
    return Claim(value.said, Verdict.HOLDS if value.said in said_text else Verdict.DIFFERS)


def _judge_rank(value: ClaimedValue, said_text: str) -> Verdict:
    """A rank holds when the entry states it for the same area (全市第一 is not 全省第一); 率先 and 首批 are first."""
    claimed = _PATTERNS["rank"].search(value.said)
    stated = {(m.group(1), _ordinal(m.group(0))) for m in _PATTERNS["rank"].finditer(said_text)}
    stated |= {(area, "1") for area in _RANK_AREAS if re.search(area + "(?:" + _FIRST.pattern + ")", said_text)}
    wanted = (claimed.group(1) if claimed else "", _ordinal(value.said))
    return Verdict.HOLDS if wanted in stated else Verdict.DIFFERS


def _judge_figure(value: ClaimedValue, said_text: str) -> Verdict:
    """A figure is compared with the figure the entry gives for the same thing: among the entry's clauses that
    state a figure in the same unit, those that share most words with the claim's own clause (410张 of
    护理型床位, not 985张 of 床位 in general). A rough claim (一百八十多亿) holds roughly within a tenth."""
    number = _DIGITS.search(value.said)
    if number is None:
        return Verdict.DIFFERS
    claimed, unit = float(number.group(0)), _unit(value.said)
    words = _bigrams(value.clause.replace(value.said, ""))
    clauses = [(c, _figures(c)) for c in _CLAUSES.split(said_text)]
    same_unit = [(c, f) for c, f in clauses if any(u == unit for _, u in f)] or [(c, f) for c, f in clauses if f]
    if not same_unit:
        return Verdict.DIFFERS
    best = max(len(words & _bigrams(c)) for c, _ in same_unit)
    stated = [n for c, f in same_unit if len(words & _bigrams(c)) == best for n, _ in f]
    if claimed in stated:
        return Verdict.HOLDS
    if _ROUGH.search(value.clause) and any(abs(n - claimed) <= 0.1 * max(n, claimed) for n in stated):
        return Verdict.ROUGHLY
    return Verdict.DIFFERS


_ITEMS = re.compile(r"[，,。；;！!？?\s、：:]+")


def figure_for(thing: str, entry: Entry, normalizer: Normalizer) -> tuple[float, str, str] | None:
    """The figure the entry states for a thing (its value, unit and words as written: 40户), from the clause or
    list item that shares most words with it; None when no clause with a figure shares any."""
    said_text = chinese_numerals_to_digits(normalizer.fold(f"{entry.answer}。{entry.quote}"))
    words = _bigrams(chinese_numerals_to_digits(normalizer.fold(thing)))
    best: tuple[int, str] | None = None
    for clause in _ITEMS.split(said_text):
        if _figures(clause):
            shared = len(words & _bigrams(clause))
            if shared and (best is None or shared > best[0]):
                best = (shared, clause)
    if best is None:
        return None
    match = next(m for m in _PATTERNS["figure"].finditer(best[1]) if re.search(r"\D", m.group(0)))
    number = _DIGITS.search(match.group(0))
    return (float(number.group(0)), _unit(match.group(0)), match.group(0)) if number else None
