"""What a question asks: its clauses, the clause that asks, the kind of information asked for, the
numbers it names, the thing it counts, and the parts of a message that asks several things.

Pure functions over text (and the normaliser of a knowledge base); nothing here knows the entries.
:mod:`bot.engine.decide` checks an entry against this analysis; :mod:`bot.engine.retrieve` finds the entries.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..language import ZH, Vocabulary, alternation
from ..language.text import MAX_INPUT_CHARS, Normalizer, chinese_numerals_to_digits, pinyin_key, positions
from .index import gram_codes
from .lexicon import noun_lexicon, nouns_in, segment, verb_like
from .runon import run_on_readings

__all__ = [
    "ASK_KINDS",
    "EXCLUSIVE",
    "HEARSAY",
    "WHAT_KIND",
    "Analysis",
    "analyse",
    "another_value_stated",
    "asking_parts",
    "counted_class",
    "detect_smalltalk",
    "unit_class",
    "value_of_no_kind_stated",
]


# --------------------------------------------------------------------------------------------------
# Small talk

def _smalltalk_pattern(kind: str) -> re.Pattern[str]:
    """The message is only words of this kind of small talk (repeated, unless said once: 你是谁)."""
    repeat = "" if kind in ZH.words("smalltalk_once") else "+"
    return re.compile(f"^(?:({alternation(ZH.words(f'smalltalk.{kind}'))}){repeat})$")


_SMALLTALK_RE = tuple((kind, _smalltalk_pattern(kind)) for kind in ("greeting", "thanks", "identity", "bye"))
_PARTICLES_AFTER = "[" + ZH.chars("smalltalk_particles") + "]+$"
_SMALLTALK_STRIP = re.compile(r"[\s\W_]+|" + _PARTICLES_AFTER)


def detect_smalltalk(folded: str) -> str:
    """The kind of small talk in an already folded text, or '' if it is a real question."""
    core = _SMALLTALK_STRIP.sub("", folded)
    core = re.sub(_PARTICLES_AFTER, "", core)
    if not core:
        return ""
    for kind, pattern in _SMALLTALK_RE:
        if pattern.match(core):
            return kind
    return ""


# --------------------------------------------------------------------------------------------------
# What is asked

_CLAUSE_SPLIT = re.compile(r"[，,。!！?？;；:：、\n\r\t ]+|(?<![0-9０-９])[.．](?![0-9０-９])")
QUESTION_MARK = ZH.question_pattern("mark")
_BEFORE_QUESTION_WORD = re.compile("(?:" + "|".join(ZH.words("before_question_word")) + ")+$")
_LIST_JOINERS = ZH.pattern("list_joiners")
_COUNTY_SUFFIXES = ZH.chars("county_suffixes")
# Kinds of information a question asks for; an entry can give it only if its own questions ask for it too.
ASK_KINDS: dict[str, re.Pattern[str]] = ZH.patterns("ask_kinds")
# "Which university/unit/country ...": the entry's own answer or quote must name that kind of thing.
AFFILIATION = ZH.pattern("affiliation")
NAMED_BY: dict[str, re.Pattern[str]] = ZH.patterns("named_by")

# Measures a question may ask about; the entry must talk about the same one (产值 is not 产能).
MEASURES = ZH.pattern("measures")

# Asking for examples: a few items of a list are the answer (举几个例子, 比如, 说几个)
EXAMPLES = ZH.pattern("examples")


# --------------------------------------------------------------------------------------------------
# The thing counted: "多少员工" counts people, "几家" counts organisations; an entry stating 40户 counts firms.

_UNIT_CLASSES: dict[str, str] = ZH.classes("unit_classes")
# Nouns that say what is counted when no measure word does ("多少员工" → people).
_COUNTED_NOUNS: dict[str, str] = ZH.classes("counted_nouns")
_PERSON_ENDS = frozenset(ZH.chars("person_ends"))
PLACE_ENDS = frozenset(ZH.chars("place_ends"))  # 社工站, 卫生院: the last character of a word for a place
COUNTED = ZH.pattern("counted")  # 多少张床位, 几个乡镇: the measure word asked and the noun after it
# a pronoun begins the resident's own story (是多少我听人说), not the thing asked about
_STORY = ZH.pattern("story")


EXCLUSIVE = ZH.groups("exclusive_values")  # values of one kind (国家级, 省级 …) that exclude each other
WHAT_KIND = ZH.pattern("what_kind")  # 啥模式, 什么服务: a which-word and the kind of thing it asks for
_VALUE_CLAIMED = re.compile("(?:" + alternation(ZH.words("claim_value_before"), escape=False) + ")$")  # 是国家级


def another_value_stated(asked: str, said: str) -> str:
    """The one value of a kind (省级) that ``asked`` names where ``said`` states only another of its kind (国家级),
    or '' (values of one kind exclude each other: zh.yaml's ``exclusive_values``)."""
    for group in EXCLUSIVE:
        named = [v for v in group if v in asked]
        if len(named) == 1 and named[0] not in said and any(v in said for v in group if v != named[0]):
            return named[0]
    return ""


def value_of_no_kind_stated(asked: str, said: str) -> str:
    """The one value of a kind that ``asked`` claims of a thing (是国家级文保单位吧), as a word of its own (not 农村
    of 农业农村部), where ``said`` states no value of its kind at all, or ''."""
    words = set(segment(asked))
    for group in EXCLUSIVE:
        named = [v for v in group if v in words]
        claimed = len(named) == 1 and any(_VALUE_CLAIMED.search(asked, 0, at) for at in positions(named[0], asked))
        # (a level is also stated by its word alone before a designation: 国家外贸转型升级基地 is 国家级)
        if claimed and not any(v in said or (v.endswith("级") and len(v) > 2 and v[:-1] in said) for v in group):
            return named[0]
    return ""


def unit_class(unit: str) -> str:
    """The class of a measure word (户 → org, 名 → person), or '' when it says nothing."""
    return _UNIT_CLASSES.get(unit, "")


def counted_class(focus: str) -> str:
    """What a counting question counts (org, person, bed, money ...), or '' when it does not say."""
    for match in COUNTED.finditer(focus):
        if match.start() and focus[match.start() - 1] == "第":
            continue  # 第几场 asks which one in order, not how many
        unit, noun = match.group(1) or "", _STORY.split(match.group(2))[0]
        head = noun[:4]
        if unit_class(unit) not in ("", "person") and unit != "个":
            kind = unit_class(unit)  # the measure word says it: 几家, 多少张, 多少项 (a count of things)
            return "" if kind in ("thing", "time") else kind
        for size in (4, 3, 2, 1):
            kind = _COUNTED_NOUNS.get(head[:size], "") if len(head) >= size else ""
            if kind and not (size >= 2 and _modifies(noun, size)):
                return kind
        inside = next((k for w, k in _COUNTED_NOUNS.items() if len(w) >= 2 and w in head), "")
        if inside:
            return inside
        if "人" in head[:3]:
            return "person"
        first = segment(noun)[0] if noun else ""
        if len(first) >= 3 and first[-1] in _PERSON_ENDS:  # 护理员, 志愿者, 技术员: a word for people
            return "person"
        # 社工, 村医, 护工, 学员: a two-character word for people, unless a place follows (社工站) or another
        # noun (博士创新中心 counts centres)
        person_word = len(head) >= 2 and head[1] in _PERSON_ENDS
        if person_word and (len(head) == 2 or head[2] not in PLACE_ENDS) and not _modifies(noun, 2):
            return "person"
        kind = unit_class(unit)
        if kind and kind not in ("thing", "time"):
            return kind
    return ""


def _modifies(noun: str, size: int) -> bool:
    """Whether the word of ``size`` characters that begins ``noun`` modifies a noun right after it (博士创新中心)."""
    rest = noun[size:]
    if not rest:
        return False
    lexicon = noun_lexicon()
    words = segment(rest)
    if words[0] in lexicon:
        return True
    # a verbal noun then a noun: 创新中心
    return len(words) > 1 and len(words[0]) >= 2 and verb_like(words[0]) and words[1] in lexicon




_INTERROGATIVE = ZH.question_pattern("interrogative")


_MEASURE_FIRST = "^(?:" + "|".join(ZH.chars("measure_first")) + ")"


def asked_nouns(text: str, vocab: Vocabulary) -> list[str]:
    """The nouns right beside a question word: the thing asked for (多少员工, 主任是谁, 用途是什么)."""
    found: list[str] = []
    for match in _INTERROGATIVE.finditer(text):
        before = text[max(0, match.start() - 4) : match.start()]
        after = text[match.end() : match.end() + 4]
        nouns_before = salient_nouns(_BEFORE_QUESTION_WORD.sub("", before), vocab)
        nouns_after = salient_nouns(re.sub(_MEASURE_FIRST, "", after), vocab)
        if nouns_before and before.rstrip("是的有叫为在").endswith(nouns_before[-1]):
            found.append(nouns_before[-1])
        if nouns_after and re.sub(_MEASURE_FIRST, "", after).startswith(nouns_after[0]):
            found.append(nouns_after[0])
        elif narrowed := _narrowed_noun(re.sub(_MEASURE_FIRST, "", text[match.end() : match.end() + 8]), vocab):
            found.append(narrowed)
    return list(dict.fromkeys(found))


_WORD_RUN = re.compile("^[\u4e00-\u9fff]+")


def _narrowed_noun(after: str, vocab: Vocabulary) -> str:
    """The noun asked for after the frame words of asking that narrow it (什么特色小吃: 小吃), the words after the
    question word up to the first that is not a Chinese character; else ''."""
    run = _WORD_RUN.match(after)
    if not run:
        return ""
    rest = vocab.frame.sub(" ", run.group(0)).lstrip()
    nouns = salient_nouns(rest, vocab)
    return nouns[0] if nouns and rest != run.group(0) and rest.startswith(nouns[0]) else ""


def salient_nouns(text: str, vocab: Vocabulary) -> list[str]:
    """The nouns that say what a clause is about (品种, 员工, 作者), without the frame of asking or areas."""
    return nouns_in(vocab.bigger_areas.sub(" ", vocab.frame.sub(" ", text)))


@dataclass
class Analysis:
    """One question, prepared for retrieval and for judging whether an entry answers it."""

    key: str  # the normalised question
    pkey: str  # its pinyin key
    grams: dict[int, float]
    pgrams: dict[int, float]
    focus: str  # the clause that asks the question (long messages), else the whole key
    numbers: tuple[str, ...]  # numbers the resident wrote (digits, after normalisation)
    asks: frozenset[str]  # kinds of information asked for that an entry may not have (price, names, ...)
    plain: str  # folded asking clause without synonyms or fillers, for scope terms
    counted: str = ""  # what a counting question counts (person, org, bed ...), or ''
    areas: tuple[str, ...] = ()  # areas bigger than the county named in the asking clause
    checks: bool = False  # a statement put as a question ("是500万？", "是不是"): a yes/no check of a figure
    message: str = ""  # the whole message as typed (folded, digits, clauses joined by ，): what it restates

    @property
    def pfocus(self) -> str:
        return pinyin_key(self.focus)

    def focused(self) -> Analysis | None:
        """The asking clause of a long message, prepared as a question of its own."""
        if self.focus == self.key or len(self.focus) < 4:
            return None
        return Analysis(
            self.focus, pinyin_key(self.focus), gram_codes(self.focus), gram_codes(pinyin_key(self.focus)),
            self.focus, self.numbers, self.asks, self.plain, self.counted, self.areas, self.checks, self.message,
        )


def _clauses(normalizer: Normalizer, question: str) -> list[tuple[str, bool, str]]:
    """(key, asks something, as typed) for each clause of a message."""
    raw = [c for c in _CLAUSE_SPLIT.split(question[:MAX_INPUT_CHARS]) if c.strip()]
    clauses = [(normalizer.normalize(c), bool(QUESTION_MARK.search(normalizer.fold(c))), c) for c in raw]
    return [(k, asking, text) for k, asking, text in clauses if k]


# a yes/no check of a figure: as typed (a question mark alone will do), or in the normalised clause
HEARSAY = ZH.pattern("hearsay")  # 听说, 有人讲, 我舅舅说: what follows was heard, a claim
_HEARD_OF = ZH.pattern("heard_of_something")  # 有个什么5G平台: something heard of, not asked
_CHECK = re.compile(ZH.question_pattern("check").pattern + "|" + HEARSAY.pattern)
_ALTERNATIVES = ZH.pattern("alternatives")
# a statement with a question mark ("是500万？") checks a figure; "占了多少？" asks one
_CLAUSE_MARKS = re.compile(r"[，,。!！?？;；:：\n]+")
_STATED_CHECK = ZH.pattern("stated_check")
_STATED_FIGURE = ZH.pattern("stated_figure")
_ASKING_WORD = ZH.question_pattern("asking")
_YES_NO = ZH.question_pattern("yes_no")


# voice input runs on without punctuation: after a question word, a pronoun starts the resident's own
# story ("总产能是多少我听人说很多"), which is a clause of its own
_RUN_ON = ZH.pattern("run_on")
_STORY_CLAUSE = ZH.pattern("story_clause")
_HEARD_VIA = ZH.pattern("heard_via")
_CLAUSES_KEPT = re.compile(r"[^，,。!！?？;；\s]+[，,。!！?？;；\s]*")  # each clause with the marks after it


def punctuate_run_ons(text: str) -> str:
    """A comma where a voice-input run-on turns from the question to the resident's story."""
    return _RUN_ON.sub(lambda m: m.group(0) + "，", text)


def without_story(text: str, vocab: Vocabulary) -> str:
    """The message without clauses that are only the resident's story and name nothing ("我听人说很多你给我说说"),
    when another clause asks: they cannot be matched, and they dilute the question."""
    clauses = _CLAUSES_KEPT.findall(text)
    if len(clauses) < 2:
        return text
    story = [
        bool(_STORY_CLAUSE.match(c)) and not QUESTION_MARK.search(c) and not salient_nouns(c, vocab) for c in clauses
    ]
    if all(story) or not any(story):
        return text
    return "".join(c for c, s in zip(clauses, story, strict=True) if not s)


def _states_something(clause: str) -> bool:
    """Whether a clause put with a question mark states something to check: a figure (是500万？) or a predicate
    (被评为省级了？), not only names things (养老床位总数和入住率？ asks of each)."""
    return bool(re.search(r"\d", chinese_numerals_to_digits(clause))) or any(
        verb_like(w) for w in segment(clause)
    )


def analyse(normalizer: Normalizer, question: str, vocab: Vocabulary, *, focus_clause: str | None = None) -> Analysis:
    """Work out what ``question`` asks. ``focus_clause`` names the asking clause (a part of a compound)."""
    question = _HEARD_VIA.sub("", question)  # 我舅在电话里说……: how the resident heard it is not what is asked
    key = normalizer.normalize(question)
    clauses = _clauses(normalizer, question)
    focus = key
    focus_raw = question
    char_grams: dict[int, float] = {}
    pinyin_grams: dict[int, float] = {}
    tail_checks = False
    # (a short message is read whole, unless it begins with the resident's story: 我在外地读书 某县人口多不多)
    told = len(clauses) > 1 and not clauses[0][1] and clauses[-1][1] and bool(_STORY_CLAUSE.match(clauses[0][2]))
    if focus_clause is not None or ((len(key) > 16 or told) and len(clauses) > 1):
        if focus_clause is not None:
            focus_raw = focus_clause
            focus = normalizer.normalize(focus_clause) or key
        else:
            asking = [i for i, (_, marked, _) in enumerate(clauses) if marked]
            focus_index = asking[-1] if asking else len(clauses) - 1
            focus, focus_raw = clauses[focus_index][0], clauses[focus_index][2]
            # the asking clause only asks of the clause before it: a short one (是真的吗), or one that names nothing,
            # no figure, and asks for nothing of its own (是这么回事不, 帮忙check一下): a check of that clause
            asks_nothing = not re.search(r"\d", focus) and not _ASKING_WORD.search(focus_raw)
            if focus_index > 0 and (len(focus) < 6 or (asks_nothing and not salient_nouns(focus_raw, vocab))):
                tail_checks = asks_nothing
                focus = clauses[focus_index - 1][0] + focus
                focus_raw = clauses[focus_index - 1][2] + focus_raw
        for clause, _, _ in clauses:
            weight = 1.0 if clause in focus else 0.5
            for table, text in ((char_grams, clause), (pinyin_grams, pinyin_key(clause))):
                for gram, unit in gram_codes(text).items():
                    table[gram] = max(table.get(gram, 0.0), unit * weight)
        if not clauses:
            char_grams, pinyin_grams = gram_codes(key), gram_codes(pinyin_key(key))
    else:
        char_grams, pinyin_grams = gram_codes(key), gram_codes(pinyin_key(key))
    # what is asked, which numbers and places are named: judged on the asking clause of a long message
    numbers = tuple(dict.fromkeys(re.findall(r"\d+(?:\.\d+)?", focus)))
    # (every clause that asks something counts: "污水处理厂在哪儿，日处理能力多少" asks two things)
    asked = [focus]
    if focus_clause is None:
        asked += [clause for clause, marked, _ in clauses if marked and clause not in focus]
    plain = normalizer.plain(focus_raw)
    asked.append(plain)  # as typed too: synonyms write 哪几个 as 什么
    asks = frozenset(kind for kind, pattern in ASK_KINDS.items() if any(pattern.search(c) for c in asked))
    if EXAMPLES.search(normalizer.plain(question[:MAX_INPUT_CHARS])):
        # "举几个例子", "比如": some of a list answers it; not a count, not the rest of the list
        asks = (asks - {"count", "rest"}) | {"examples"}
    counted = counted_class(plain) if "count" in asks else ""  # as typed: synonyms fold 几户 into 多少
    areas = tuple(dict.fromkeys(m.group(0) for m in vocab.bigger_areas.finditer(plain)))
    raw = normalizer.fold(focus_raw).strip()
    folded = normalizer.fold(question[:MAX_INPUT_CHARS])  # the whole message, as typed
    checks = bool(
        tail_checks
        or _CHECK.search(raw)
        or _YES_NO.search(focus)
        or (_STATED_CHECK.search(raw) and not _ASKING_WORD.search(raw) and _states_something(raw))
        # two figures offered, one of them the release's ("5.4万 还是 4.5万 立方", "第四场还是第五场")
        or _ALTERNATIVES.search(chinese_numerals_to_digits(folded)) is not None
        # a figure put as a question in a clause of its own ("……能到多少 听说是一千二百万吨？？")
        or any(
            not _ASKING_WORD.search(c) and re.search(r"\d", chinese_numerals_to_digits(c))
            for c in _STATED_FIGURE.findall(folded)
        )
        # a figure heard in a clause before, then asked for (我舅舅说修了一百多公里，文章里到底说的多少)
        or (
            bool(asks & {"count", "money"})
            and any(
                HEARSAY.search(c) and not _ASKING_WORD.search(c) and re.search(r"\d", chinese_numerals_to_digits(c))
                for c in _CLAUSE_MARKS.split(folded)
                if c and c not in raw
            )
        )
    )
    clauses_typed = _CLAUSE_MARKS.split(question[:MAX_INPUT_CHARS])
    message = "，".join(p for p in (chinese_numerals_to_digits(normalizer.plain(c)) for c in clauses_typed) if p)
    return Analysis(
        key, pinyin_key(key), char_grams, pinyin_grams, focus, numbers, asks, plain, counted, areas, checks, message
    )


# --------------------------------------------------------------------------------------------------
# Messages that ask several things

_JOINERS = ZH.pattern("joiners")


_ENDS_ASKING = re.compile(r"([^，,。!！?？;；:：\s]+?)\s*[?？]")  # a clause that a question mark ends
_PART_SPLIT = re.compile(r"[，,。!！?？;；:：\n\r\t ]+|(?<![0-9０-９])[.．](?![0-9０-９])")
_DISTRIBUTED_LIST = ZH.pattern("distributed_list")
_DISTRIBUTIVE = ZH.pattern("distributive")
_PARTICLES = ZH.pattern("particles")
_YES_NO_TAIL = ZH.pattern("yes_no_tail")
_SUBJECT_FRAME = ZH.pattern("subject_frame")


def subject_of(key: str, vocab: Vocabulary) -> str:
    """What an asking clause names of its own (有多少品种 → 品种), without frame words, particles and figures."""
    asked = _SUBJECT_FRAME.sub("", _YES_NO_TAIL.sub("", key))
    rest = _PARTICLES.sub("", _INTERROGATIVE.sub("", vocab.frame.sub("", asked)))
    return re.sub(r"[\d.%]", "", rest)


_NAMES_NOTHING = ZH.pattern("names_nothing")
_HOME_FRAME = ZH.words("home_frame")
_COUNT_ASKED = ZH.pattern("names_nothing_counted")


def named(key: str) -> str:
    """What a message names besides its question words, particles and the words that name nothing (花了多少钱
    names nothing: ""; 尿素多少: 尿素)."""
    rest = _NAMES_NOTHING.sub("", _PARTICLES.sub("", _INTERROGATIVE.sub("", key)))
    for name in _HOME_FRAME:
        rest = rest.replace(name, "")
    return re.sub(r"[^\w%]|_", "", rest)  # a figure names what it checks (是不是42.41%)


def names_nothing(key: str, vocab: Vocabulary) -> bool:
    """Whether a message only asks (花了多少钱, 是谁, 一共投了多少): nothing it names could pick an entry. The
    county's own name (某县有多大) and a figure (是不是42.41%) name something."""
    rest = named(key)
    if not rest:
        return True
    # the county's own name is a subject (某县有多大, 某县在哪), but not of a count of nothing (某县有多少)
    for name in vocab.home_names:
        rest = rest.replace(name, "")
    return not rest and _COUNT_ASKED.search(key) is not None


def _says_enough(key: str) -> bool:
    """Whether an asking clause that names no thing of its own still says what it asks in words of its own
    (又是谁作的主要情况介绍: four characters or more besides its question words and particles), as "有多少" and
    "是真的吗" do not: a question of its own, not one more ask of the part before."""
    return len(re.sub(r"[\d.%]", "", _PARTICLES.sub("", _INTERROGATIVE.sub("", key)))) >= 4


def _has_subject(key: str, vocab: Vocabulary) -> bool:
    """Whether an asking clause names something of its own (有多少品种), not only asks (有多少, 是真的吗)."""
    return len(subject_of(key, vocab)) >= 2


_LIST_JOIN = ZH.pattern("list_join")


_SECOND_MEASURE = ZH.pattern("second_measure")  # 企业多少户总产能: the measure after the count is asked too
_ASKED_MEASURE = ZH.chars("asked_measure")
_BARE_MEASURE = ZH.pattern("bare_measure")

_ANOTHER_YEAR = re.compile("^(?:那么|那)?(?:" + ZH.source("follow_up.elliptical_year") + ")的?(?:呢|吗)[?？。！!]*$")

Pick = Callable[[Sequence[tuple[str, ...]]], tuple[str, ...]]  # which reading of asks run together to keep


def _asks_joined(normalizer: Normalizer, clause: str, pick: Pick) -> list[str]:
    """A clause that joins questions with 、 or 和 ("研发人数多少、引进人才多少名"), or runs them together with
    nothing between ("标准地出让了多少亩人才公寓接待了多少人次"), as its questions.

    Only when every joined piece asks something of its own: a list of things asked about together
    (王向前、郭强分别讲了什么, 国内和国际市场占有率) stays one clause.
    """
    pieces = _LIST_JOIN.split(clause)
    if len(pieces) >= 2 and all(QUESTION_MARK.search(normalizer.fold(p)) and len(p.strip()) >= 3 for p in pieces):
        return [asked for p in pieces for asked in _run_together(normalizer, p, pick)]
    asks = _run_together(normalizer, clause, pick)
    if len(asks) >= 2:
        return asks
    # "企业多少户总产能": a measure named after a count, with nothing asking it, is asked too
    folded = normalizer.fold(clause)  # 多少戶 counts as 多少户 (same length: positions hold)
    measure = _SECOND_MEASURE.search(folded) if len(folded) == len(clause) else None
    if measure is not None:
        return [clause[: measure.start(2)], _ASKED_MEASURE.format(measure=clause[measure.start(2) : measure.end(2)])]
    return [clause]


def _run_together(normalizer: Normalizer, clause: str, pick: Pick) -> list[str]:
    """The asks of a clause that runs them together, as ``pick`` reads it best; the clause alone when it asks one."""
    readings = run_on_readings(clause, normalizer.fold(clause))
    return list(pick(readings)) if readings else [clause]


def _first_reading(readings: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    return readings[0]


# a comparison of two things: 甲和乙，哪个（的）X更多
_WHICH_MORE = ZH.pattern("which_more")


def asking_parts(normalizer: Normalizer, question: str, vocab: Vocabulary, pick: Pick = _first_reading) -> list[str]:
    """The clauses of a message that each ask something of their own (two or more: a compound question).
    ``pick`` chooses where asks run together without a mark part (:func:`~bot.engine.runon.best_reading`).

    A clause that asks nothing is context and joins the part after it; a short asking clause
    ("是真的吗", "有多少") joins the part before it. One part (or none) means a single question.
    """
    compared = _WHICH_MORE.match(normalizer.fold(question[:MAX_INPUT_CHARS]).strip())
    if compared:
        # "平川和山区，哪边的行政村更多": the release's figure for each, which the resident compares
        a, b, measure = (compared.group(g).strip() for g in ("a", "b", "measure"))
        return [ZH.chars("compared_part").format(thing=t, measure=measure) for t in (a, b)]
    # (a list 王向前、郭强 stays in its clause: 分别 may ask the same of each)
    raw = [
        piece
        for c in _PART_SPLIT.split(_JOINERS.sub("，", question[:MAX_INPUT_CHARS]))
        if c.strip()
        for piece in _asks_joined(normalizer, c, pick)
    ]
    parts: list[str] = []
    ended = {m.group(1).strip() for m in _ENDS_ASKING.finditer(question[:MAX_INPUT_CHARS])}
    context = ""
    pending: list[str] = []  # the context clauses since the last part, one by one
    for at, clause in enumerate(raw):
        bare = _BARE_MEASURE.match(normalizer.fold(clause).strip()) if at else None
        if bare and QUESTION_MARK.search(normalizer.fold(raw[at - 1])):
            clause = _ASKED_MEASURE.format(measure=bare.group(1))  # 养老机构多少个 入住率: the rate is asked too
        key = normalizer.normalize(clause)
        if not key:
            continue
        folded = normalizer.fold(clause)  # 幾 asks as 几 does
        # (a clause that names a thing and ends in a question mark after a question asks the same of it:
        # 国家级小巨人企业有几户？省级专精特新？)
        marked = bool(parts) and clause.strip() in ended and _has_subject(key, vocab) and not re.search(r"\d", key)
        heard = bool(HEARSAY.search(folded) and _HEARD_OF.search(folded)) and not folded.rstrip().endswith(("？", "?"))
        if (not QUESTION_MARK.search(folded) or heard) and not marked:  # (听说社区有个什么5G平台，能帮老人干啥)
            context += clause + "，"
            pending.append(clause)
            continue
        if _DISTRIBUTIVE.match(folded.strip()) and not _has_subject(key, vocab) and len(pending) >= 2:
            # "2025年的目标，十五末的需求预测，各是多少": each thing listed before is asked
            parts += [f"{item.strip()}{_DISTRIBUTIVE.sub('', clause.strip(), count=1)}" for item in pending]
            context, pending = "", []
            continue
        pending = []
        listed = _DISTRIBUTED_LIST.match(folded.strip())
        items = [i for i in _LIST_JOINERS.split(listed.group(1)) if len(i.strip()) >= 2] if listed else []
        if len(items) >= 2:
            # "王向前、郭强分别讲了哪方面": the same question of each
            parts += [f"{context}{item.strip()}{listed.group(2)}" for item in items]  # type: ignore[union-attr]
            context = ""
            continue
        another_year = _ANOTHER_YEAR.match(folded.strip()) is not None  # (2030年呢: asks of that year)
        if parts and not _has_subject(key, vocab) and not _says_enough(key) and not another_year:
            parts[-1] += "，" + clause  # "有多少", "是真的吗": about the part before
            continue
        parts.append(context + clause)
        context = ""
    if context and parts:
        parts[-1] += "，" + context.rstrip("，")
    if not parts and len(pending) >= 2 and all(_keyword_ask(normalizer, c, vocab) for c in pending):
        # a message of keywords alone, clause by clause (2025年新增产能目标 2030年底产能和产值目标): each clause
        # names a thing of its own and asks of it
        return pending
    return parts


def _keyword_ask(normalizer: Normalizer, clause: str, vocab: Vocabulary) -> bool:
    """Whether a clause that asks nothing in words names a thing to be asked of (four characters or more), and
    checks nothing (是2021年以来投的吧 checks what the clause before it states)."""
    key, folded = normalizer.normalize(clause), normalizer.fold(clause)
    return len(key) >= 4 and _has_subject(key, vocab) and not _CHECK.search(folded) and not _YES_NO.search(key)


_SENTENCE_ENDS = re.compile(r"(?<=[。！!？?；;])")


def last_clause(text: str) -> str:
    """The last clause of what a message asks (……说咱县在全市第一，我也没听全 → 我也没听全)."""
    return re.split(r"[，,]", text.strip())[-1].strip()


def sentences(message: str) -> list[str]:
    """The sentences of a message, each with the mark that ends it (。！？；)."""
    return [s for s in _SENTENCE_ENDS.split(message) if s.strip()]


_ASKING_CLAUSE_MARKS = re.compile(r"[，,、]")


def asking_clauses(message: str) -> tuple[str, int]:
    """The clauses of a long message that ask, with the clause before each as its context ("……孩子在外地打工，
    听说县里有社工站，社工站有几个啊？" → "听说县里有社工站，社工站有几个啊？"), and how many sentences of the
    message ask (at most two are kept); ('', 0) when no clause asks."""
    kept: list[str] = []
    said = sentences(message)
    # when the resident puts question marks, a sentence ended by a full stop tells (我没记清楚有啥设施。)
    marked = any(s.rstrip().endswith(("？", "?")) for s in said)
    for at, sentence in enumerate(said):
        # (the last sentence left unpunctuated still asks: ……几个乡镇社工站？那个三帮四查是帮老人做些甚)
        open_end = at == len(said) - 1 and not sentence.rstrip().endswith(("。", ".", "！", "!"))
        if marked and not sentence.rstrip().endswith(("？", "?")) and not open_end:
            continue
        clauses = [c for c in _ASKING_CLAUSE_MARKS.split(sentence) if c.strip()]
        asking = [i for i, c in enumerate(clauses) if QUESTION_MARK.search(c)]
        if asking:
            kept.append("，".join(clauses[max(0, asking[0] - 1) :]))
    return "".join(kept[-2:]), len(kept[-2:])
