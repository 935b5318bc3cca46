"""Read English typed in a question as Chinese ("How many beds in elderly care?" → 多少床位养老), from data.

``en.yaml`` beside this file maps English words and phrases to Chinese; the deployment adds its places (read in
pinyin: a county 某某县 is known by its pinyin) and the English words of its synonym groups. The reader
replaces the English it knows, the longest phrase first, whole words only, and leaves every other word as typed,
so pinyin still goes to the pinyin reader and an unknown English word asked about stays a detail not stated.

English and pinyin share some spellings (an, men, long, you): a word that also reads as pinyin is taken as
English only when it does not stand next to a word that is pinyin and nothing else (``shegongzhan you ji ge``
stays pinyin, ``how many beds`` is English).

Part of the core: no Telegram here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extractOne

from . import ZH
from .english_order import (
    ARTICLE,
    ASKED_AFTER,
    AUXILIARY,
    LETTERS,
    NOUN,
    OTHER,
    OWNER,
    POSSESSIVE,
    VERB,
    chinese_order,
)
from .text import FIRST_READINGS, is_pinyin_word

__all__ = ["EnglishReader", "lemma_forms", "load_rows", "name_rows", "place_rows", "word_senses"]

# a word in letters with an optional possessive (county's, counties'); ü as typed in Lüliang
_TOKEN = re.compile(r"[a-zü]+(?:['’]s\b|(?<=s)['’](?![a-z]))?")
# what may stand between two words of one phrase: spaces and hyphens (high-tech, high - tech)
_JOINER = re.compile(r"[\s\-]+")
# R&D, Q&A: the ampersand between letters is "and"
_AMPERSAND = re.compile(r"(?<=[a-z])\s*&\s*(?=[a-z])")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster
_END = ""  # the trie key that holds a phrase's Chinese (no word is empty)


_YEARS_GROUP = "years"  # phrases with digits in them: read by pattern, before the words
_MAGNITUDES_GROUP = "magnitudes"  # a number's English magnitude (3 million), written the Chinese way (300万)
_ORDER_GROUP = "order"  # how English orders a phrase, as Chinese would not (the X of Y: Y的X): lists, not rows
_SENSES_GROUP = "senses"  # a word whose Chinese depends on what its clause names (hold: 召开 a conference, 占 a market)
_NOT_ROWS = (_YEARS_GROUP, _MAGNITUDES_GROUP, _ORDER_GROUP, _SENSES_GROUP)
_GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])")  # 1,000 and 2,780,000: digits grouped by commas
# the Chinese magnitudes a number is written with (zh.yaml's big numerals), the largest first
_CHINESE_MAGNITUDES = sorted(((Decimal(v), k) for k, v in ZH.table("numerals.big").items()), reverse=True)
_WAN = Decimal(10000)
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)"
_TENS = "十"
_DIGIT = re.compile(r"\d")
_DIGITS_ZH = "零一二三四五六七八九"


@cache
def _load_groups() -> dict[str, dict[str, Any]]:
    """``en.yaml`` as written, read once (the rows and the year phrases both come from it; not to be changed)."""
    text = resources.files(__package__).joinpath("en.yaml").read_text(encoding="utf-8")
    return dict(yaml.load(text, Loader=_YAML_LOADER))


def _numeral(number: int) -> str:
    """1-99 as a Chinese numeral (14 → 十四, 20 → 二十)."""
    tens, ones = divmod(number, 10)
    head = ("" if tens == 1 else _DIGITS_ZH[tens]) + _TENS if tens else ""
    return head + (_DIGITS_ZH[ones] if ones or not tens else "")


def year_patterns() -> list[tuple[re.Pattern[str], str]]:
    """``en.yaml``'s year phrases as (pattern, Chinese with {year} or {nth} for the digits), the longest first."""
    table = _load_groups().get(_YEARS_GROUP) or {}
    found = []
    for english, chinese in sorted(table.items(), key=lambda row: -len(str(row[0]))):
        words = [re.escape(w) for w in _JOINER.split(str(english).lower().strip())]
        source = r"[\s\-]+".join(words).replace(r"\{year\}", r"((?:19|20)\d{2})").replace(r"\{nth\}", _ORDINAL)
        found.append((re.compile(r"\b" + source + r"\b"), str(chinese)))
    return found


def magnitude_pattern() -> tuple[re.Pattern[str], dict[str, Decimal]] | None:
    """``en.yaml``'s magnitudes (million: 1000000) as a pattern of a number said with one, and their values."""
    table = _load_groups().get(_MAGNITUDES_GROUP) or {}
    values = {" ".join(_JOINER.split(str(k).lower().strip())): Decimal(str(v)) for k, v in table.items()}
    if not values:
        return None
    words = sorted(values, key=len, reverse=True)  # hundred million before million
    names = "|".join(r"[\s\-]+".join(re.escape(w) for w in word.split()) + "s?" for word in words)
    # (the space after it goes too: 300万 tons reads 300万吨, as the release writes it)
    return re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(" + names + r")\b *"), values


def chinese_amount(value: Decimal) -> str:
    """A number the way the release writes it: 3000000 → 300万, 2780000000 → 27.8亿, 5000 → 5000."""
    for size, name in _CHINESE_MAGNITUDES:
        if value >= size:
            return _plain(value / size) + name
    return _plain(value)


def _plain(value: Decimal) -> str:
    """A decimal without trailing zeros after its point (27.80 → 27.8, 300 → 300)."""
    written = f"{value:f}"
    return written.rstrip("0").rstrip(".") if "." in written else written


def _grouped(digits: str) -> str:
    """Digits grouped by commas, as Chinese writes the number (1,000 → 1000, 10,000 → 1万, 2,780,000 → 278万)."""
    value = Decimal(digits.replace(",", ""))
    return chinese_amount(value) if value >= _WAN else _plain(value)


def _read_magnitudes(text: str, magnitudes: tuple[re.Pattern[str], dict[str, Decimal]] | None) -> str:
    """Numbers with English magnitudes in Chinese ones (3 million tons → 300万 tons, 1,000 beds → 1000 beds): an
    English million is a hundred 万, and a billion ten 亿, so the words cannot be read one by one."""
    if not _DIGIT.search(text):
        return text
    # (grouped digits of 10,000 or more are written the Chinese way too: per 10,000 people is 每1万人)
    text = _GROUPED.sub(lambda m: _grouped(m.group(0)), text)
    if magnitudes is None:
        return text
    pattern, values = magnitudes

    def chinese(match: re.Match[str]) -> str:
        word = " ".join(_JOINER.split(match.group(2)))
        word = word if word in values else word[:-1]  # the plural
        return chinese_amount(Decimal(match.group(1)) * values[word])

    return pattern.sub(chinese, text)


def _read_years(text: str, patterns: list[tuple[re.Pattern[str], str]]) -> str:
    if not _DIGIT.search(text):
        return text  # no year, no ordinal
    for pattern, chinese in patterns:
        def chinese_for(match: re.Match[str], chinese: str = chinese) -> str:
            said = match.group(1)
            return chinese.replace("{year}", said).replace("{nth}", _numeral(int(said)) if int(said) < 100 else said)

        text = pattern.sub(chinese_for, text)
    return text


def word_order() -> dict[str, list[str]]:
    """``en.yaml``'s word-order lists: ``owners`` (of), ``determiners`` (the, which), ``noun_groups``,
    ``asked_after`` (what is) and ``counting`` (多少)."""
    table = _load_groups().get(_ORDER_GROUP) or {}
    return {str(k): [str(w).lower() for w in (v or [])] for k, v in table.items()}


def word_senses() -> dict[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """``en.yaml``'s senses: {phrase: ((Chinese, the words of the clause that choose it), …)}, the default last."""
    table = _load_groups().get(_SENSES_GROUP) or {}
    return {
        tuple(_JOINER.split(str(english).lower().strip())): tuple(
            (str(sense[0]), tuple(str(w) for w in sense[1:])) for sense in senses
        )
        for english, senses in table.items()
    }


def grouped_phrases(kind: str) -> frozenset[str]:
    """The phrases of the groups of ``en.yaml`` that word_order lists under ``kind`` (noun_groups, verb_groups)."""
    groups = _load_groups()
    return frozenset(
        " ".join(_JOINER.split(str(english).lower().strip()))
        for group in word_order().get(kind, [])
        for english in (groups.get(group) or {})
    )


def load_rows() -> dict[str, str]:
    """``en.yaml`` as one table {english phrase: chinese}; a phrase in two groups is an error in the data."""
    rows: dict[str, str] = {}
    for group, table in _load_groups().items():
        if group in _NOT_ROWS:
            continue
        for english, chinese in table.items():
            key = " ".join(_JOINER.split(str(english).lower().strip()))
            if key in rows:
                raise ValueError(f"en.yaml: '{key}' is in two rows (group {group})")
            rows[key] = "" if chinese is None else str(chinese)
    return rows


def _readings(char: str) -> list[str]:
    """The toneless pinyin of a character's first reading, with ü typed both as v and u (吕 → lv, lu)."""
    listed = FIRST_READINGS.get(ord(char))
    if not listed:
        return []
    first = unicodedata.normalize("NFD", listed).replace("u\u0308", "v")
    bare = "".join(c for c in first if not unicodedata.combining(c))
    return list(dict.fromkeys((bare, bare.replace("v", "u"))))


def place_rows(names: Iterable[str]) -> dict[str, str]:
    """Each Chinese place name by its pinyin, joined (婺源 → wuyuan: 婺源); the first name listed keeps a shared
    spelling. Names of fewer than two characters, or with other characters than Chinese, are left out."""
    rows: dict[str, str] = {}
    for name in names:
        if len(name) < 2 or not all(_CJK.match(c) for c in name):
            continue
        spellings = [""]
        for char in name:
            spellings = [s + r for s in spellings for r in _readings(char)]
        for spelling in spellings:
            if spelling:
                rows.setdefault(spelling, name)
    return rows


def name_rows(names: Iterable[str]) -> dict[str, str]:
    """Each Chinese name of a person or body by its pinyin, joined and, for a name of two to four characters, as a
    surname and a given name (刘大鹏 → liudapeng, liu dapeng), as English writes a Chinese person's name."""
    names = list(names)
    rows = place_rows(names)
    for name in names:
        if not 2 <= len(name) <= 4 or not all(_CJK.match(c) for c in name):
            continue
        givens = [""]
        for char in name[1:]:
            givens = [g + r for g in givens for r in _readings(char)]
        for surname in _readings(name[0]):
            for given in givens:
                if surname and given:
                    rows.setdefault(f"{surname} {given}", name)
    return rows


def lemma_forms(word: str) -> list[str]:
    """The forms a word may be listed under, in order: as typed, without a possessive, singular (ies → y,
    es, s), without a verb ending (ed, d, ing)."""
    word = word.replace("’", "'").replace("ü", "v")
    if word.endswith("'s"):
        word = word[:-2]
    elif word.endswith("'"):
        word = word[:-1]
    forms = [word]
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    if word.endswith("es") and len(word) > 3:
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss") and len(word) > 2:
        forms.append(word[:-1])
    if word.endswith("ed") and len(word) > 4:
        forms += [word[:-2], word[:-1]]
    if word.endswith("ing") and len(word) > 5:
        forms += [word[:-3], word[:-3] + "e"]
    return forms


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    typed: str  # as typed (folded), possessive stripped
    forms: tuple[str, ...]  # the forms the lexicon may list it under (lemma_forms)
    pinyin: bool  # the letters also read as pinyin
    possessive: bool = False  # typed with 's or s' (the county's): it owns what follows


_EMBEDDED = re.compile(r"^ +([\u4e00-\u9fff][\u4e00-\u9fff\d]*) +$")
_CLAUSE = ZH.question_pattern("mark", suffix="|[啊呀呢吧嘛]$")


_SPELLED_FROM = 4  # a word this long or longer may be a slip of the finger for a word of the lexicon
_SPELLED_TWICE = 8  # and from this long, two slips


class EnglishReader:
    """English words → Chinese, with one lexicon (``en.yaml`` plus a deployment's rows). Build once; reads
    are thread-safe."""

    def __init__(
        self,
        rows: Mapping[str, str],
        *,
        nouns: Iterable[str] = (),
        owners: Iterable[str] = (),
        articles: Iterable[str] = (),
        asked_after: Iterable[str] = (),
        counting: Iterable[str] = (),
        verbs: Iterable[str] = (),
        auxiliaries: Iterable[str] = (),
        asking: Iterable[str] = (),
        exact: Iterable[str] = (),
    ) -> None:
        """``rows``: English phrase → Chinese; ``nouns``: the phrases that name things (a phrase of them before
        one of ``owners``, "the research direction of the workstation", is put after the thing that owns it, as
        Chinese puts it: 工作站的研究方向), unless the Chinese before it is one of ``counting`` (多少户老人);
        a phrase of nouns starts at one of ``articles`` (the, a, which); the phrases of ``asked_after`` go after
        the phrase that follows them, up to its last noun and before any of ``verbs`` ("what is the current rate"
        → 目前入住率是什么); a phrase that starts with one of ``asking`` (多少, 什么) before one of ``auxiliaries``
        (do, does) goes after the clause they begin ("how many beds do institutions have" → 机构有多少床位); the
        words of ``exact`` (names in pinyin) are read only as typed, never as what a slip was meant to be."""
        self._rows = {tuple(k.split()): v for k, v in rows.items() if k}
        self._nouns = frozenset(tuple(k.split()) for k in nouns)
        self._owners = frozenset(tuple(k.split()) for k in owners)
        self._articles = frozenset(tuple(k.split()) for k in articles)
        self._asked_after = frozenset(tuple(k.split()) for k in asked_after)
        self._verbs = frozenset(tuple(k.split()) for k in verbs)
        self._counting = tuple(counting)
        self._senses = word_senses()
        self._sense_words = frozenset(w for key in self._senses for w in key)
        self._auxiliaries = frozenset(tuple(k.split()) for k in auxiliaries)
        self._asking = tuple(asking)
        self._years = year_patterns()
        self._magnitudes = magnitude_pattern()
        self._read_kept = lru_cache(maxsize=1024)(self._read)
        # the words of the lexicon's phrases, for a word typed with a slip of the finger (invnetion, coverge)
        exact_words = {w for phrase in exact for w in phrase.split()}
        self._words = frozenset(w for key in self._rows for w in key if w not in exact_words)
        self._spelled = sorted(w for w in self._words if len(w) >= _SPELLED_FROM)
        self._respelled = lru_cache(maxsize=4096)(self._respell)
        # the phrases as a trie of words: a typed word walks to every form it may be listed under
        self._trie: dict[str, Any] = {}
        for key, chinese in self._rows.items():
            node = self._trie
            for word in key:
                node = node.setdefault(word, {})
            node[_END] = (chinese, self._kind(key), key)

    def _kind(self, key: tuple[str, ...]) -> str:
        """What a phrase is for word order: a noun, an owner word (of), an article, or another word."""
        if key in self._owners:
            return OWNER
        if key in self._articles:
            return ARTICLE
        if key in self._asked_after:
            return ASKED_AFTER
        if key in self._verbs:
            return VERB
        if key in self._auxiliaries:
            return AUXILIARY
        return NOUN if key in self._nouns else OTHER

    @classmethod
    def for_place(
        cls,
        places: Iterable[str] = (),
        synonyms: Iterable[Iterable[str]] = (),
        names: Iterable[str] = (),
    ) -> EnglishReader:
        """``en.yaml`` with a deployment's places (its own first: its county, city and province, then other
        places it names) read in pinyin, and the English words of its synonym groups (each read as the
        group's first word, when that word is Chinese), and the people and bodies it names (``names``: 刘大鹏 as
        liu dapeng). ``en.yaml`` wins a spelling they share, and a place wins one with a name."""
        rows = load_rows()
        nouns = set(grouped_phrases("noun_groups"))
        named = name_rows(names)
        for spelling, name in [*place_rows(places).items(), *named.items()]:
            if spelling not in rows:
                rows[spelling] = name
                nouns.add(spelling)
        for group in synonyms:
            terms = [str(t).lower() for t in group]
            if not terms or not _CJK.search(terms[0]):
                continue
            for term in terms[1:]:
                words = _JOINER.split(term)
                if not re.fullmatch(r"[a-z]+(?:[ \-][a-z]+)*", term):
                    continue
                # a plural or other form of a phrase the lexicon has is read as the lexicon says (patents is
                # 发明专利 as patent is, whatever group the synonyms put it in)
                if not any(" ".join([*words[:-1], form]) in rows for form in lemma_forms(words[-1])):
                    rows[" ".join(words)] = terms[0]
                    nouns.add(" ".join(words))  # (a synonym group names a thing of the base)
        order = word_order()
        return cls(
            rows,
            nouns=nouns,
            owners=order.get("owners", []),
            articles=order.get("determiners", []),
            asked_after=order.get("asked_after", []),
            counting=order.get("counting", []),
            verbs=grouped_phrases("verb_groups"),
            auxiliaries=order.get("auxiliaries", []),
            asking=order.get("asking", []),
            exact=named,
        )

    def knows(self, phrase: str) -> bool:
        """Whether the lexicon has this phrase (as listed: lowercase, base form)."""
        return tuple(phrase.lower().split()) in self._rows

    def _phrases_at(self, tokens: list[_Token], start: int) -> list[tuple[int, tuple[str, str, tuple[str, ...]]]]:
        """Every phrase that starts at ``tokens[start]``: (how many words, (its Chinese, its kind, its row)), the
        longest first."""
        found: dict[int, tuple[str, str, tuple[str, ...]]] = {}
        frontier: list[dict[str, Any]] = [self._trie]
        for at in range(start, len(tokens)):
            frontier = [node[f] for node in frontier for f in tokens[at].forms if f in node]
            if not frontier:
                break
            for node in frontier:
                if _END in node:
                    found.setdefault(at - start + 1, node[_END])
        return sorted(found.items(), reverse=True)

    def read(self, text: str) -> str:
        """``text`` (folded: lowercase) with the English it knows written in Chinese; other words as typed.
        Returns ``text`` itself when nothing was read. (One message is read by the comparisons, the matcher and
        the claims alike: the readings of the messages seen last are kept.)"""
        if not re.search(r"[a-zü]{2}", text):
            return text
        return self._read_kept(text)

    def _read(self, text: str) -> str:
        original = text
        spaced = _AMPERSAND.sub(" and ", text)
        text = _read_years(_read_magnitudes(spaced, self._magnitudes), self._years)
        out: list[str] = []
        at = 0
        changed = False
        stretches = self._stretches(text)
        reads = [self._read_stretch(stretch) for stretch in stretches]
        # a word of several senses is read by the whole message (holds 90% of the international market: 占): the
        # stretches that hold one are read again, with the others' reading
        several = [any(f in self._sense_words for t in stretch for f in t.forms) for stretch in stretches]
        if any(several):
            context = text + "".join(r for r in reads if r is not None)
            reads = [
                self._read_stretch(st, context) if again else r
                for st, r, again in zip(stretches, reads, several, strict=True)
            ]
        for stretch, read in zip(stretches, reads, strict=True):
            if read is None:
                continue
            between = text[at : stretch[0].start]
            embedded = _EMBEDDED.match(between) if changed else None
            if embedded and not _CLAUSE.search(embedded.group(1)):
                # a Chinese term inside an English sentence (how many 硝基复合肥 companies): its spaces were the
                # English's, and in Chinese they would cut the question in two; a clause of its own that asks
                # (capacity 占全国百分之几啊 market share) keeps them
                between = embedded.group(1)
            out += [between, read]
            at = stretch[-1].end
            # a frame word and the Chinese typed after it that says the same (ranking第几 → 排名第几, not 排名第几第几)
            after = at + len(text[at:]) - len(text[at:].lstrip(" "))
            said = next((n for n in (3, 2) if len(read) >= n and text.startswith(read[-n:], after)), 0)
            if said:
                at = after + said
            changed = True
        if not changed:
            return text if text != spaced else original  # a year read is a change; an ampersand alone is not
        out.append(text[at:])
        return "".join(out)

    def _stretches(self, text: str) -> list[list[_Token]]:
        """Runs of words with only spaces or hyphens between them (a phrase never spans other characters)."""
        stretches: list[list[_Token]] = []
        for match in _TOKEN.finditer(text):
            forms = tuple(lemma_forms(match.group(0)))
            pinyin = is_pinyin_word(forms[0])
            if not pinyin and not any(f in self._words for f in forms):
                forms += self._respelled(forms[0])
            possessive = match.group(0).endswith(("'s", "’s", "'", "’"))
            token = _Token(match.start(), match.end(), forms[0], forms, pinyin, possessive)
            last = stretches[-1][-1] if stretches else None
            if last is not None and _JOINER.fullmatch(text[last.end : token.start]):
                stretches[-1].append(token)
            else:
                stretches.append([token])
        return stretches

    def _respell(self, word: str) -> tuple[str, ...]:
        """The one word of the lexicon a word it does not know was meant to be, one slip away (two for a long
        word): invnetion → invention, coverge → coverage; () for none, or for a short word."""
        if len(word) < _SPELLED_FROM:
            return ()
        limit = 1 if len(word) < _SPELLED_TWICE else 2
        found = extractOne(word, self._spelled, scorer=Levenshtein.distance, score_cutoff=limit)
        if found is None:
            return ()
        # a letter typed for another in a short word often spells another word (heating, not heading): only
        # letters left out or typed twice are slips there
        if len(word) < _SPELLED_TWICE and any(op.tag == "replace" for op in Levenshtein.editops(word, found[0])):
            return ()
        return tuple(lemma_forms(found[0]))

    def _sense(self, key: tuple[str, ...], around: list[str]) -> str:
        """A word's Chinese for the clause it stands in: the first sense one of whose words the Chinese of the
        other phrases holds (hold a conference: 召开; hold a share of the market: 占), else the last sense."""
        context = "".join(around)
        senses = self._senses[key]
        return next((chinese for chinese, words in senses if any(w in context for w in words)), senses[-1][0])

    def _read_stretch(self, tokens: list[_Token], context: str = "") -> str | None:
        """The stretch with the phrases it knows in Chinese, or None when it reads none (or is pinyin); ``context``,
        the message and its reading, chooses the sense of a word that has several."""
        if all(len(t.typed) < 2 for t in tokens):
            return None  # lone letters (3A级, B超) are not words
        found: list[tuple[int, int]] = []  # (start, length) of each phrase taken
        chinese: dict[tuple[int, int], tuple[str, str, tuple[str, ...]]] = {}  # (its Chinese, its kind, its row)
        for start in range(len(tokens)):
            for size, read in self._phrases_at(tokens, start):
                chinese[(start, size)] = read
        taken = [False] * len(tokens)
        for start, size in sorted(chinese, key=lambda c: (-c[1], c[0])):  # the longest phrase first, then leftmost
            if not any(taken[start : start + size]):
                found.append((start, size))
                taken[start : start + size] = [True] * size
        # a phrase whose every word also reads as pinyin is pinyin when a word beside it is pinyin and nothing
        # else (yanglao chuangwei you duoshao): dropping it may make its own words such neighbours, so repeat
        while True:
            covered = [False] * len(tokens)
            for start, size in found:
                covered[start : start + size] = [True] * size

            pinyin_only = [not c and t.pinyin for c, t in zip(covered, tokens, strict=True)] + [False]
            kept = [
                (start, size)
                for start, size in found
                if not (
                    all(t.pinyin for t in tokens[start : start + size])
                    and ((start > 0 and pinyin_only[start - 1]) or pinyin_only[start + size])
                )
            ]
            if len(kept) == len(found):
                break
            found = kept
        if not found:
            return None
        starts = dict(found)
        units: list[tuple[str, str]] = []  # (text, kind): a phrase read, or a word left in letters
        i = 0
        while i < len(tokens):
            if i in starts:
                size = starts[i]
                text, kind, key = chinese[(i, size)]
                if key in self._senses:
                    text = self._sense(key, [context, *(chinese[(a, b)][0] for a, b in found if a != i)])
                # (a possessive ends its phrase: the county's number of patents is 县 专利的数量, not 专利的县数量)
                units.append((text, POSSESSIVE if tokens[i + size - 1].possessive and kind == NOUN else kind))
                i += size
            else:
                units.append((tokens[i].typed, LETTERS))
                i += 1
        pieces = [(text, kind == LETTERS) for text, kind in chinese_order(units, self._counting, self._asking)]
        # Chinese read together (多少床位); words left in letters keep a space from their neighbours
        joined = ""
        previous: bool | None = None  # whether the last piece was letters
        for piece, letters in pieces:
            if not piece:
                continue
            if previous is not None and (letters or previous):
                joined += " "
            joined += piece
            previous = letters
        return joined
