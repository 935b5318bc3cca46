"""Follow-ups that lean on the previous question: "那省级的呢", "这个目标是哪年定的", "它在哪个乡镇".

A follow-up read alone asks too little ("那省级的呢" names no subject) or points back ("它", "这个目标"). Read
with the previous question of the same person in the same chat, it is a question of its own: the other thing
takes the place of its kind in the previous question (国家级 → 省级) or stands before it (护理型 + 养老床位有多
少张), and a pointing word is replaced by what the previous question asked about. The chat keeps the
previous question for a few minutes; ``ask --json`` reads each line alone unless asked to read them as one
conversation.

Part of the core: no Telegram here. The patterns come from the language data (``follow_up``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

from ..knowledge.model import Entry
from ..language import ZH, Vocabulary
from .analyse import MEASURES, WHAT_KIND, named, names_nothing, salient_nouns, subject_of
from .checks import WHO
from .lexicon import noun_lexicon, segment, verb_like
from .runon import lean_on, of_another

__all__ = [
    "FOLLOW_UP_SECONDS",
    "as_person",
    "base_names",
    "leaning_on_things",
    "leaning_parts",
    "names_a_thing",
    "names_its_own",
    "points_at_person",
    "points_back",
    "resolved",
]

FOLLOW_UP_SECONDS = 300  # how long a chat keeps a person's previous question for a follow-up
_PATTERNS = ZH.patterns("follow_up")
_ASKING = ZH.question_pattern("mark")
_UNITS = ZH.pattern("run_on_units")  # measure words of an amount (亩, 人次, 万吨)
_LETTERS = re.compile("[A-Za-z]{2,}")
_KIND = re.compile("[级型类]的?$")


def points_back(current: str) -> bool:
    """Whether a message begins with a word that points back (它, 这个目标) or leaves its subject out (是全市
    第一吧, 搞啥方向): it leans on the previous question even when it could be answered alone."""
    current = current.strip()
    return _PATTERNS["pointing"].search(current) is not None or _elided(current)


def _elided(current: str) -> bool:
    """Whether a message leaves its subject out by its form: it begins with 是, 都, a coverb and a question word
    (在哪个部门), or a verb and a question word right after it (搞啥方向, 负责什么)."""
    if _PATTERNS["elided"].search(current) is not None:
        return True
    words = segment(current)
    return len(words) >= 2 and verb_like(words[0]) and _ASKING.match(current, len(words[0])) is not None


def names_its_own(current: str, vocab: Vocabulary, states: Callable[[str], bool]) -> bool:
    """Whether a message that leaves its subject out by its form (是不是每个村都通水泥路了) names one after all, a
    noun the answer it gets alone states (``states``): it is a question of its own. A pointing word (它, 这个目标)
    always leans on the previous question."""
    if _PATTERNS["pointing"].search(current.strip()):
        return False
    nouns = salient_nouns(current, vocab)
    return bool(nouns) and all(states(noun) for noun in nouns)


def resolved(previous: str, current: str, vocab: Vocabulary) -> list[str]:
    """The follow-up read with the previous question, the likeliest reading first; [] when it does not lean on
    it. A pointing word is replaced by what the previous question asked about; another thing alone takes
    the place of the word of its kind (国家级 → 省级), or of the previous subject (社工站 → 养老机构), or
    stands before it (护理型 + 养老床位有多少张)."""
    current, previous = current.strip(), previous.strip().rstrip("？?。！!")
    if not current or not previous:
        return []
    subject = subject_of(previous, vocab)
    pointing = _PATTERNS["pointing"].search(current)
    if pointing:
        noun = pointing.group("noun")
        if noun and noun in subject:
            subject = subject[: subject.index(noun) + len(noun)]  # ……锚定的目标 for 这个目标
        return [subject + current[pointing.end() :]] if len(subject) >= 2 else []
    # 是全市第一吧 after 有效发明专利有多少项; a message that names nothing (花了多少钱) asks it of the previous subject
    if _elided(current) or names_nothing(current, vocab):
        return [subject + current] if len(subject) >= 2 else []
    elliptical = _PATTERNS["elliptical"].fullmatch(current)
    if not elliptical or _ASKING.search(elliptical.group("other")):
        return []
    other = elliptical.group("other")
    readings = []
    # the word of the same kind in the previous question (国家级 for 省级)
    same = re.search(r"[\u4e00-\u9fff]{1,3}" + re.escape(other[-1]), previous)
    if same and same.group(0) != other and len(other) >= 2:
        readings.append(previous[: same.start()] + other + previous[same.end() :])
    if same is None:
        # in the place of the measure's thing (农村的呢 after 城镇居民人均可支配收入多少: 农村收入多少), or of the
        # first thing the previous question names (城乡融合呢 after 开发区介绍人是谁: 城乡融合介绍人是谁)
        nouns = salient_nouns(previous, vocab)
        swapped = previous.replace(nouns[0], other, 1) if nouns and other not in previous else ""
        readings.extend(r for r in (of_another(previous, other), swapped) if r)
    if len(subject) >= 2 and subject in previous and other not in subject and same is None:
        # (not when a word of its kind is there to replace: 省级 is not all of 国家级高新技术企业)
        readings.append(previous.replace(subject, other, 1))
    if same is None:
        # stood before the previous subject (护理型 + 养老床位有多少张); never beside a word of its own kind, which
        # would ask both (省级国家级高新技术企业) and be answered for the one the previous question named
        readings.append(other + previous)
    return readings


def only_another(current: str) -> bool:
    """Whether a message names only another thing (那省级的呢, 农村的呢, 铝土矿呢): it asks what the message before
    it asked, of that thing."""
    elliptical = _PATTERNS["elliptical"].fullmatch(current.strip())
    if elliptical is None or _ASKING.search(elliptical.group("other")):
        return False
    other = elliptical.group("other")
    if _PATTERNS["elliptical_year"].fullmatch(other):
        return True  # (2030年呢: what the part before asked of 2025年)
    words, nouns = segment(other), noun_lexicon()
    # a thing (铝土矿, 农村) or a kind of it (省级, 护理型), not begun by a verb (not 能开车上去吗, 是真的吗, 对吗)
    return not verb_like(words[0]) and (any(w in nouns for w in words) or _KIND.search(other) is not None)


def leaning_parts(parts: Sequence[str], answered: Sequence[bool], vocab: Vocabulary) -> dict[int, list[str]]:
    """The parts of one message that leave their subject out (社工站几个？都给老人帮些啥) or name only another thing
    (省级专精特新企业多少户 国家级的呢) after a part that was answered, each with its readings with that part's subject.
    Other parts that were answered are not read again; one that names only another thing is, and keeps its own
    answer when no reading is answered (农村客运呢 after 城乡公路投资多少)."""
    leaning: dict[int, list[str]] = {}
    for i in range(1, len(parts)):
        # (养老呢 after 开发区介绍人是谁？城乡融合呢: what the part before them all asks)
        other = only_another(parts[i])
        before = max((j for j in range(i) if not only_another(parts[j])), default=i - 1) if other else i - 1
        if answered[before] and (
            other or (not answered[i] and (points_back(parts[i]) or names_nothing(parts[i], vocab)))
        ):
            leaning[i] = resolved(parts[before], parts[i], vocab)
    return leaning


def leaning_on_things(
    parts: Sequence[str],
    alone: Sequence[bool],
    now: Sequence[bool],
    names: Callable[[], Collection[str]],
    fold: Callable[[str], str],
) -> dict[int, str]:
    """The parts of one message after an answered part that read with the thing that part names (煤炭储量多少 →
    煤炭产量多少): one answered alone that names no thing of its own (产量多少, 增长了多少; ``names``: the base's),
    and one still unanswered (乡镇社工站有几个，提供什么服务). ``alone``: which parts were answered alone; ``now``:
    which are answered after the follow-up readings."""
    leaning = (
        (i, lean_on(parts[i - 1], parts[i]))
        for i in range(1, len(parts))
        if not only_another(parts[i])  # (国家级小巨人有几家 省级的呢: leaning_parts reads it)
        and (
            (alone[i - 1] and (not now[i] or (alone[i] and not names_a_thing(fold(parts[i]), names()))))
            # (开发区投资多少 修了几条路: a part before that names a thing, answered or not)
            or (alone[i] and not names_a_thing(fold(parts[i]), names()) and names_a_thing(fold(parts[i - 1]), names()))
        )
    )
    return {i: leaned for i, leaned in leaning if leaned}


def base_names(entries: Sequence[Entry], fold: Callable[[str], str]) -> frozenset[str]:
    """A base's names for what its entries are about (their keywords, folded), less measures (产值, 总产能)."""
    names = (fold(keyword) for entry in entries for keyword in entry.keywords)
    return frozenset(n for n in names if len(n) >= 2 and not MEASURES.fullmatch(n))


def names_a_thing(part: str, names: Collection[str]) -> bool:
    """Whether a part of a message (folded) names a thing of its own, not only a measure or what is done to one
    (尿素多少, 前三季度产值是多少, 比GDP快吗; not 产量多少, 增长了多少, 修了多少公里, 用的啥模式): a noun besides
    its measures, question words and the kind a which-word asks for, a word in letters, a figure or a year, or one of
    the base's ``names`` for what its entries are about (集中办, a name no dictionary holds)."""
    if any(part[a:b] in names for a in range(len(part) - 1) for b in range(a + 2, min(len(part), a + 12) + 1)):
        return True
    # (用的啥模式: the noun a which-word asks for is the kind of answer, not a thing of its own)
    rest = WHAT_KIND.sub(" ", MEASURES.sub(" ", _UNITS.sub(" ", part)))
    lexicon = noun_lexicon()
    nouns = (rest[a : a + n] for n in (2, 3, 4) for a in range(len(rest) - n + 1))
    if _LETTERS.search(rest) or re.search(r"\d", rest):
        return True  # (比GDP快吗; 2030年底产能要突破多少: a year or a figure of its own)
    return any(noun in lexicon and named(noun) for noun in nouns)  # (not 一共, 全市)


_PERSON = ZH.pattern("person_pointing")  # 他, 她, 这位: a person named by the answer before


def points_at_person(asked: str, question: str) -> bool:
    """Whether ``question`` begins with 他, 她 or 这位 and ``asked``, before it, asks who."""
    return _PERSON.match(question.strip()) is not None and WHO.search(asked) is not None


def as_person(question: str, people: Sequence[str]) -> list[str]:
    """``question`` with its 他/她 replaced by the first of ``people`` (郭强是什么职务), or [] when there is none."""
    person = _PERSON.match(question.strip())
    return [people[0] + question.strip()[person.end() :]] if people and person else []
