"""Checks of what a question is about against what an entry is about: who spoke on it, what it is compared
with, a value of a kind, a phrase of numbers, an event, another county, when, and nouns nobody explains.
Part of the core: no Telegram here.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ...language import ZH, alternation
from ...language.text import positions
from ..analyse import (
    HEARSAY,
    MEASURES,
    QUESTION_MARK,
    another_value_stated,
    salient_nouns,
    subject_of,
    value_of_no_kind_stated,
)
from ..facts import EntryFacts
from ..gaps import Gap, GapKind
from ..lexicon import counties_in, noun_lexicon, nouns_in, one_character_noun, segment, verb_like
from ..runon import MEASURE_AT_END
from .registry import Asked, check

WHO = ZH.pattern("who")  # 谁, 哪位: a question of who
# 比X高多少 (not 比例, 比重, nor 跟X比 where X comes first)
_COMPARED_WITH = ZH.pattern("compared_with")
_COMPARED_FIRST = ZH.pattern("compared_first")
_RANK_CHECKED = ZH.pattern("rank_checked")
_WHEN_EVENT = ZH.pattern("when_event")
_LIGHT_VERBS = ZH.chars("light_verbs")  # 弄完, 搞好: a light verb names no event
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



@check(GapKind.ASK_PERSON)
def who_on_another_topic(f: EntryFacts, q: Asked) -> None:
    """Who presented, said or heads something: the entry must name that topic, not only a person."""
    analysis = q.analysis
    if "person" in analysis.asks and not q.has(GapKind.ASK_PERSON):
        topics = [
            n for n in salient_nouns(analysis.message, f.vocabulary)
            if n not in WHO_FRAME and f.known_to_base(n)
        ]
        # (or one the person presented, though the entry does not say it: 李刚's section holds 铝镁)
        if topics and not any(f.mentions(q.index, n) or f.presented_on(q.index, n) for n in topics):
            q.found.append(Gap(GapKind.ASK_PERSON, "、".join(topics[:2])))


_WHO_DID = {verb: group for group in ZH.groups("who_did") for verb in group}
_DOINGS = "(" + "|".join(sorted(_WHO_DID, key=len, reverse=True)) + ")"
_DID_ASKED = re.compile("谁(?:来|给|在)?" + _DOINGS + "|" + _DOINGS + "[^，。？?\\d]{0,6}?的?(?:是谁|是哪位)")


@check(GapKind.ASK_PERSON)
def who_did_another_thing(f: EntryFacts, q: Asked) -> None:
    """发布会谁主讲的 of the host's entry (赵凤昌主持): who did something is answered by an entry that says that doing,
    in one of its words (主讲: 介绍, 发言 …), not another (主持)."""
    if q.has(GapKind.ASK_PERSON):
        return
    asked = _DID_ASKED.search(q.analysis.plain)
    if asked is None:
        return
    said = f.said_as_typed(q.index)
    if not any(verb in said for verb in _WHO_DID[asked.group(1) or asked.group(2)]):
        q.found.append(Gap(GapKind.ASK_PERSON, asked.group(1) or asked.group(2)))


_MEASURED_UNIT = re.compile("(?:" + ZH.source("run_on_units") + ")$")
_ONE_CHARACTER_KEY = 12  # the longest message (normalised) that one character may be all the subject of


@check(GapKind.ASK_KIND)
def one_character_never_named(f: EntryFacts, q: Asked) -> None:
    """某县有啥树: a message whose subject is one character (树, 煤, 菌) is about that thing; an entry that never
    names it (某县有什么矿's entry) does not answer, however like its questions the rest of the message is."""
    if len(q.analysis.key) > _ONE_CHARACTER_KEY:
        return  # (a longer message names more than one character)
    # (the measure and the unit it ends in are what is asked of it: 某县镁产量多少, 铝产能多少万吨)
    subject = MEASURE_AT_END.sub("", _MEASURED_UNIT.sub("", subject_of(q.analysis.key, f.vocabulary)))
    if len(subject) != 1 or not "\u4e00" <= subject <= "\u9fff":
        return
    # a noun the base states is meant as typed (镁 is not a typo of 煤); another character may be a homophone typo
    meant = one_character_noun(subject) and f.character_known_to_base(subject)
    if not f.writes(q.index, subject) and (meant or not f.mentions(q.index, subject)):
        q.found.append(Gap(GapKind.ASK_KIND, subject))


_ROLE_ASKED = ZH.pattern("role_asked")
_DOER = ZH.chars("role_doer")  # 人: 主持人 is who 主持


@check(GapKind.ASK_PERSON)
def role_never_named(f: EntryFacts, q: Asked) -> None:
    """义望合金老板是谁: a role asked who holds it, which the entry's answer never names (nor the verb of a doer in
    人: 主持人 is who 主持), is a person the entry does not give; a name it gives is someone else's."""
    if q.has(GapKind.ASK_PERSON):
        return
    focus = q.analysis.focus
    for match in _ROLE_ASKED.finditer(focus):
        role = match.group("role")
        if role not in segment(focus):
            continue  # (发布会长文章: no 会长)
        doing = role[: -len(_DOER)] if role.endswith(_DOER) and len(role) > 2 else role
        if not f.says(q.index, role) and not f.says(q.index, doing):
            q.found.append(Gap(GapKind.ASK_PERSON, role))
            return


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
    value = another_value_stated(*_values_read(f, q))
    if value:
        q.found.append(Gap(GapKind.VALUE, value))


def _values_read(f: EntryFacts, q: Asked) -> tuple[str, str]:
    """The asking clause and the entry's answer as values are read in them: without the county's own name, which is
    no value (某县城乡 names no 县城)."""
    home = f.vocabulary.home_name
    return home.sub(" ", q.analysis.plain), home.sub(" ", f.said_as_typed(q.index))


@check(GapKind.ASK_KIND)
def claimed_value_of_no_kind_stated(f: EntryFacts, q: Asked) -> None:
    """国家级 claimed (……是国家级文保单位吧) of an entry that states no value of its kind (where a site is, not its
    level): it cannot say whether the claim holds, so it does not answer the check; the entry that states 省级 does,
    with its verdict."""
    if not q.analysis.checks or q.has(GapKind.SCOPE, GapKind.VALUE):
        return
    value = value_of_no_kind_stated(*_values_read(f, q))
    if value:
        q.found.append(Gap(GapKind.ASK_KIND, value))


_COPULA = ZH.pattern("claim_copula")  # 是: what a claim says of its subject comes after it
_SUBJECT_LONGEST = 8  # characters of a claim's subject (a longer one is a story's clause, not a thing named)


@check(GapKind.ASK_KIND)
def claim_of_another_subject(f: EntryFacts, q: Asked) -> None:
    """A claim says something of its subject (环境创建战略是要打造转型蹚路先行区吧): an entry that states what is
    claimed (转型蹚路先行区) but not the subject's nouns (环境; it holds the card of another strategy) cannot say
    whether the claim holds of that subject. Only a short subject (a thing named, not a story) and nouns some
    entry's answer states (frame, hearsay and areas aside)."""
    if not q.analysis.checks or q.has(GapKind.SCOPE):
        return
    plain, vocab = q.analysis.plain, f.vocabulary
    copula = _COPULA.search(plain)
    if copula is None:
        return
    heard = [m.end() for m in HEARSAY.finditer(plain, 0, copula.start())]  # (过年回家听说|老家: what was heard)
    subject = vocab.bigger_areas.sub(" ", vocab.frame.sub(" ", plain[heard[-1] if heard else 0 : copula.start()]))
    subject = subject.strip()
    if not subject or len(subject) > _SUBJECT_LONGEST:
        return
    claimed = vocab.frame.sub(" ", plain[copula.end() :])
    if not any(len(w) >= 2 and f.says(q.index, w) for w in segment(claimed)):
        return  # (the entry does not state what is claimed: other checks judge it)
    missing = _noun_not_stated(f, q, subject)
    if missing:
        q.found.append(Gap(GapKind.ASK_KIND, missing))


def _noun_not_stated(f: EntryFacts, q: Asked, text: str) -> str:
    """The first noun of ``text`` that some entry's answer states and this entry does not mention, or ''."""
    return next((n for n in nouns_in(text) if f.said_by_some(n) and not f.mentions(q.index, n)), "")


# 县长说的, 副县长讲: a title, then a verb of saying; what they said follows
_SAID_BY_PRESENTER = re.compile(f"(?:{alternation(ZH.words('person_titles'))})(?:{ZH.source('said_by_presenter')})")


@check(GapKind.ASK_KIND)
def what_a_presenter_said_of_a_thing(f: EntryFacts, q: Asked) -> None:
    """刘县长说的那个目标是挺进啥: what a presenter said of a thing is asked, and the thing (目标) is what the entry's
    answer must state; the entry about the presenter (who they are, what they presented) names the person, not it."""
    said = _SAID_BY_PRESENTER.search(q.analysis.plain)
    if said is None:
        return
    content = f.vocabulary.frame.sub(" ", q.analysis.plain[said.end() :])
    missing = _noun_not_stated(f, q, content)
    if missing:
        q.found.append(Gap(GapKind.ASK_KIND, missing))


_NUMBERED_PHRASE = ZH.pattern("numbered_phrase")
_NUMBER = "[一二三四五六七八九十\\d]"


@lru_cache(maxsize=1024)
def numbered_phrases(plain: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The phrases of numbers a message leaves open (几化几改), each with the pattern of it filled in (三化三改)."""
    phrases = [m.group(0) for m in _NUMBERED_PHRASE.finditer(plain)]  # (the pattern leaves every number open)
    return tuple((p, re.compile("".join(_NUMBER if ch == "几" else re.escape(ch) for ch in p))) for p in phrases)


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


@check(GapKind.ASK_KIND)
def subject_named_before(f: EntryFacts, q: Asked) -> None:
    """在某市排第几 after 省级专精特新企业29户: an asking clause that names nothing of its own asks of what the clause
    right before it names; an entry that does not state those words of the base answers the same question of
    another thing (某产品出口额在某市排第几)."""
    analysis, vocab = q.analysis, f.vocabulary
    # (its subject, areas left out, is no more than the frame of asking: 排第 of 在某市排第几)
    if salient_nouns(analysis.plain, vocab) or len(subject_of(vocab.bigger_areas.sub("", analysis.plain), vocab)) > 2:
        return
    at = analysis.message.rfind(analysis.plain) if analysis.plain else -1
    before = analysis.message[:at].rstrip("，").rsplit("，", 1)[-1] if at > 0 else ""  # (the clause right before)
    nouns = [n for n in salient_nouns(before, vocab) if n not in vocab.home_names and f.known_to_base(n)]
    if nouns and not all(f.mentions(q.index, n) for n in nouns):
        q.found.append(Gap(GapKind.ASK_KIND, "、".join(nouns)))


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


_WHERE_OR_SIZE = frozenset(ZH.words("county_itself_asks"))
_ATTRIBUTES = tuple(ZH.words("county_attributes"))  # 总面积, 人口, 地处: what the county itself has
_WHOLE_COUNTY = tuple(ZH.words("county_whole"))  # 全县: the county as a whole


@check(GapKind.SUBJECT)
def county_itself_asked(f: EntryFacts, q: Asked) -> None:
    """某县在哪, 某县有多大: a message whose only subject is the county itself is about the county as a whole; an
    entry whose answer never names the county (某镇的三个村) says nothing of it."""
    home = f.vocabulary.home_names
    plain = q.analysis.plain
    if not q.analysis.asks <= _WHERE_OR_SIZE or not any(name in plain for name in home):
        return  # (谁写的, 第几场: asked of the report, which the frame words take out)
    if not QUESTION_MARK.search(plain):
        return  # (the county's name alone asks nothing)
    if len(subject_of(q.analysis.key, f.vocabulary)) >= 2:
        return
    for name in sorted(home, key=len, reverse=True):
        plain = plain.replace(name, " ")
    if any(len(n) >= 2 for n in nouns_in(plain)):
        return
    # the county itself is the subject where its name is followed by what it does (某县位于…), not by a thing
    # of its own (某县硝基复合肥总产能…, 某县的…)
    said = f.said_as_typed(q.index)
    nouns = noun_lexicon()
    taken: set[int] = set()  # (某某县, not 某某 of it: the longest name at a place)
    for name in sorted((*home, *_WHOLE_COUNTY), key=len, reverse=True):  # (全县国土总面积: the county too)
        for start in positions(name, said):
            if start in taken:
                continue
            end = start + len(name)
            taken.update(range(start, end))
            after = said[end : end + 8]
            first = segment(after)[0] if after else ""
            if (first and first != "的" and first not in nouns) or any(a in after[:6] for a in _ATTRIBUTES):
                return  # (某县总面积: the county's own size is the county itself)
    q.found.append(Gap(GapKind.SUBJECT))


@lru_cache(maxsize=1024)
def _qualified_asks(message: str, home: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...], bool, bool], ...]:
    """Each noun right before a question word (the thing asked for, or whose it is: 机构有多少张床位), the words
    of the phrase it ends (nearest last) and whether it is asked for with the nearest joined to it without 的,
    clause by clause as typed: 户籍人口有多少 → (人口, (户籍,), True); 白云岩的可采储量是多少 → (可采储量, (白云岩,),
    False)."""
    lexicon = noun_lexicon()
    found: list[tuple[str, tuple[str, ...], bool, bool]] = []
    for clause in message.split("，"):
        words = _joined_singles(segment(clause))
        for at, word in enumerate(words):
            thing = word in lexicon or (_CJK(word) and verb_like(word))  # a noun, or a verb only: 产能, 支出
            if at == 0 or len(word) < 2 or not thing or word in _ASKING_TAIL:
                continue  # (not 一共 of 一共有多少)
            rest = "".join(words[at + 1 :]).replace(_MARK, "")
            asking = _ASKED_AFTER.match(rest)
            if not asking or (word not in lexicon and rest.startswith("的")):
                continue  # (开场介绍的是谁: a verb with 的 says who did it, it is no thing asked for)
            after = segment(_COUNT_FIRST.sub("", rest[asking.end() :]))[:1]
            # 对果子有啥作用 asks 作用, of 果子; 开发区有哪四个优势 asks 优势, of the zone: the word is whose it is
            owner = bool(after) and len(after[0]) >= 2 and (after[0] in lexicon or verb_like(after[0]))
            before: list[str] = []
            joined = True  # no 的 between this word and the next of the phrase
            for prior in reversed(words[:at]):
                if prior == "的":
                    joined = False
                    continue  # (白云岩的可采储量)
                if prior in home:
                    break  # (报道总结某县经济开发区: the county's name begins what is asked of it)
                if prior not in lexicon and not _SINGLES.fullmatch(prior):
                    if len(prior) < 2 or not joined or not _CJK(prior):
                        break
                    prior += _MARK  # a word of a compound that is not a noun (服务 of 养老服务机构)
                before.insert(0, prior)
                joined = True
            found.append((word, tuple(before), words[at - 1] != "的" and not owner, owner))
    return tuple(found)


def _joined_singles(words: list[str]) -> list[str]:
    """The words with each run of three or four characters the dictionary cut one by one joined (普 惠 性 → 普惠性:
    a word of the release the general dictionary does not hold); the joined word is told apart by its mark."""
    out: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1 and "\u4e00" <= word <= "\u9fff" and word not in _PARTICLES:
            run.append(word)
            continue
        if 3 <= len(run) <= 4:
            out.append("".join(run) + _MARK)
        else:
            out.extend(run)
        run = []
        if word:
            out.append(word)
    return out


_MARK = "\u2060"  # (a word joiner: no text holds it)
_SINGLES = re.compile(f"[\u4e00-\u9fff]{{3,4}}{_MARK}")
_CJK = re.compile("^[\u4e00-\u9fff]+$").match
_PARTICLES = frozenset(ZH.chars("word_breaks"))  # (的, 和, 吗 …: never part of a word cut one by one)
_KIND_ENDS = frozenset(ZH.chars("measure_first"))  # 类, 种, 样 …: 安全类项目 narrows no more than 安全 does
_COUNT_FIRST = re.compile("^[一二两三四五六七八九十几\\d]*(?:" + "|".join(ZH.chars("measure_first")) + ")")
_ASKING_TAIL = (*ZH.words("listed_tail"), *ZH.words("before_question_word"))  # 一共, 分别, 是 …
_ASKED_AFTER = ZH.question_pattern(
    "interrogative", prefix="^(?:" + "|".join(_ASKING_TAIL) + ")*"
)  # the noun is the thing asked for: right before a question word (人口有多少, 储量是多少)


@check(GapKind.QUALIFIER)
def narrower_than_stated(f: EntryFacts, q: Asked) -> None:
    """户籍人口有多少 of an entry that states only 人口 (常住): a noun asked for, narrowed by a word the entry does
    not state, is another thing than the entry's figure is for. The narrowing word counts when no entry of the
    base states it (nor a word that sounds like it), or when another entry states it narrowing that noun
    (可采储量 of coal, asked of 白云岩; 白云岩储量, asked of coal)."""
    if q.found:
        return
    vocab = f.vocabulary
    for word, before, compound, owner in _qualified_asks(q.analysis.message, vocab.home_names):
        narrowing = list(before)
        if not f.mentions(q.index, word):
            compound = True  # (the part of the word the entry does not state)
            stated = next((word[i:] for i in range(1, len(word) - 1) if f.mentions(q.index, word[i:])), "")
            if not stated:
                if not owner and MEASURES.fullmatch(word) and f.stated_by_another(word, q.index):
                    # 煤炭的地质储量是多少 of the coal output entry: the thing asked for, which other entries state
                    q.found.append(Gap(GapKind.ASK_MEASURE, word))
                    return
                continue
            narrowing, word = [*narrowing, word[: len(word) - len(stated)]], stated
        # each word of the phrase with the word it narrows: the nearest narrows the noun asked for (户籍 of 人口),
        # a farther one the word after it (普惠性 of 养老, in 普惠性养老机构的入住率)
        if not narrowing:
            continue
        narrowed = [*narrowing[1:], word]
        for far, (term, noun) in enumerate(reversed(list(zip(narrowing, narrowed, strict=True)))):
            joined = term.endswith(_MARK)
            term, noun = term.rstrip(_MARK), noun.rstrip(_MARK)
            if (
                len(term) < 2 or f.mentions(q.index, term) or verb_like(term) or term in vocab.home_names
                or (term[-1] in _KIND_ENDS and len(term) > 2 and f.mentions(q.index, term[:-1]))  # 安全类 of 安全
                or vocab.frame.fullmatch(term) or vocab.bigger_areas.fullmatch(term) or counties_in(term)
                or f.named_elsewhere(term)
            ):
                continue
            if (not far and compound and not joined and not f.heard_in_base(term)) or any(
                f.narrows_elsewhere(term, n, q.index) for n in dict.fromkeys((noun, word))
            ):
                q.found.append(Gap(GapKind.QUALIFIER, term + word))
                return
