"""Text normalisation for matching: one pass, done once per string, before any comparison.

``Normalizer.normalize`` turns what a resident types into a *key*: full/half width folded (NFKC),
traditional characters made simplified (OpenCC), lower case, punctuation, emoji and control characters
dropped, filler words removed, Chinese numerals written as digits the way the release writes them
(二十九户 → 29户, 一千二百万吨 → 1200万吨, 百分之七十 → 70%), and synonyms replaced by the first word
of their group. ``pinyin_key`` maps every Chinese character of a key to its toneless syllable, so that
homophones typed with a pinyin keyboard (设工站 for 社工站) compare equal.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import opencc

from . import ZH
from .datacache import cached_parse, package_file

__all__ = [
    "MAX_INPUT_CHARS",
    "Normalizer",
    "bigrams",
    "chinese_numerals_to_digits",
    "pinyin_key",
    "positions",
    "quoted_terms",
    "shares_as_percent",
]

MAX_INPUT_CHARS = 2000  # longer messages are cut: nobody's question needs more
MAX_KEY_CHARS = 300

# Words that carry no meaning for matching (bot/language/zh.yaml). Longest first is applied automatically.
FILLERS = ZH.words("fillers")

_CN_DIGITS: dict[str, int] = ZH.table("numerals.digits")
_CN_UNITS: dict[str, int] = ZH.table("numerals.units")
_CN_BIG: dict[str, int] = ZH.table("numerals.big")
_NUM_CHARS = "".join(_CN_DIGITS) + "".join(_CN_UNITS)
_MEASURE = ZH.chars("numeral_measures")
# A run of Chinese numerals (optionally with 点 and decimals), e.g. 二十九, 一千二百, 二点七八.
_PERCENT, _POINT = ZH.chars("numerals.percent"), ZH.chars("numerals.point")
_NUMERAL_RUN = re.compile(rf"({_PERCENT})?([{_NUM_CHARS}]+(?:{_POINT}[{_NUM_CHARS}]+)?)")
_FRACTION = re.compile(rf"([{_NUM_CHARS}]+){ZH.chars('numerals.fraction')}([{_NUM_CHARS}]+)")
_SHARES: dict[str, str] = {str(k): str(v) for k, v in ZH.table("numerals.shares").items()}
_SHARE_WORDS = re.compile("|".join(map(re.escape, _SHARES))) if _SHARES else None
# a 几 left after the synonym groups asks a count as 多少 does (几镇 as 多少镇, as the groups make 几个 多少)
_COUNT_ASK, _COUNT_ASK_AS = ZH.pattern("count_ask"), ZH.source("count_ask_as")

_t2s = opencc.OpenCC("t2s")


def _cn_int(run: str) -> int | None:
    """Value of a run of Chinese numerals below 10,000 (十五 → 15, 三百零二 → 302, 二零二四 → 2024)."""
    if all(ch in _CN_DIGITS for ch in run):  # digit by digit: 二零二四
        if len(run) == 1:
            return _CN_DIGITS[run]
        if {_CN_DIGITS[ch] for ch in run} == {1}:  # 唯一一个, 一一对应: words, not the number 11
            return None
        return int("".join(str(_CN_DIGITS[ch]) for ch in run))
    total, current = 0, 0
    for ch in run:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
        else:
            return None
    return total + current


def chinese_numerals_to_digits(text: str) -> str:
    """Write Chinese numerals as digits, keeping 万/亿 as units like the release does.

    Single numerals are converted only before a measure word (三个, 两条), so words such as 一体化,
    统一 or 四创 keep their meaning; runs of two or more (二十九, 三百) are always converted.
    """

    def replace(match: re.Match[str]) -> str:
        percent, run = match.group(1), match.group(2)
        start, end = match.span()
        nxt = text[end] if end < len(text) else ""
        integer, _, decimals = run.partition(_POINT)
        if len(integer) == 1 and not decimals and not percent:
            if not nxt or nxt not in _MEASURE:
                return match.group(0)
            if _CN_UNITS.get(integer, 0) >= 100 or (_CN_UNITS.get(integer) == 10 and nxt in _CN_BIG):
                return match.group(0)
        value = _cn_int(integer)
        if value is None:
            return match.group(0)
        digits = str(value)
        if decimals:
            digits += "." + "".join(str(_CN_DIGITS.get(ch, "")) for ch in decimals if ch in _CN_DIGITS)
        if percent:
            return digits + "%"
        _ = start
        return digits

    return _NUMERAL_RUN.sub(replace, text)


def shares_as_percent(text: str) -> str:
    """A share said as a fraction or in words written as a percentage (四分之三 → 75%, 一半 → 50%)."""
    if _SHARE_WORDS is not None:
        text = _SHARE_WORDS.sub(lambda m: _SHARES[m.group(0)], text)
    return _FRACTION.sub(_fraction, text)


def _fraction(match: re.Match[str]) -> str:
    """四分之三 → 75%, 三分之一 → 33.3%; as typed when a numeral is not a number."""
    whole, part = _cn_int(match.group(1)), _cn_int(match.group(2))
    if not whole or part is None or part > whole:
        return match.group(0)
    return f"{round(100 * part / whole, 1):g}%"


_PINYIN_FORMAT = 1  # of the cache file


def _bare(reading: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c))


def _parse_pinyin(data: bytes) -> tuple[dict[int, str], dict[str, str], dict[int, str]]:
    """pypinyin's table of readings (character code → its readings, the usual first) as three tables: each
    character → one private-use character standing for its toneless syllable; each toneless syllable → that
    symbol; each character → its first reading with its tone mark."""
    first = {int(code): readings.split(",")[0] for code, readings in json.loads(data).items()}
    syllables: dict[str, str] = {}
    table: dict[int, str] = {}
    for code, reading in first.items():
        bare = _bare(reading)
        symbol = syllables.get(bare)
        if symbol is None:
            symbol = syllables[bare] = chr(0xE000 + len(syllables))
        table[code] = symbol
    return table, syllables, first


def _pinyin_tables() -> tuple[dict[int, str], dict[str, str], dict[int, str]]:
    """The tables of :func:`_parse_pinyin`, read from pypinyin's data file (without importing pypinyin, whose
    phrase dictionary the engine does not use) and kept in a cache file."""
    value = cached_parse(
        package_file("pypinyin", "pinyin_dict.json"),
        "pinyin",
        _PINYIN_FORMAT,
        _parse_pinyin,
        lambda v: isinstance(v, tuple) and len(v) == 3 and all(isinstance(t, dict) and t for t in v),
    )
    return value[0], value[1], value[2]


_PINYIN_TABLE, _SYLLABLES, FIRST_READINGS = _pinyin_tables()
# spellings people type for syllables the dictionary lists under another first reading (谁 shui/shei;
# ü typed as v: 绿 lv, 女 nv)
for _typed, _listed in (("shei", "shui"), ("lv", "lu"), ("nv", "nu"), ("lve", "lue"), ("nve", "nue")):
    if _listed in _SYLLABLES:
        _SYLLABLES.setdefault(_typed, _SYLLABLES[_listed])
_LATIN_RUN = re.compile(r"[a-z]{2,}")


@lru_cache(maxsize=4096)
def syllables_of(run: str, shortest: int = 1) -> str | None:
    """Letters as pinyin syllables (fewest syllables wins: xian is 先, not 西安), or None if they are not pinyin.

    ``shortest`` is the fewest letters a syllable may have (2 rules out the lone a, o, e, n of English words).
    """
    best: list[list[str] | None] = [None] * (len(run) + 1)
    best[0] = []
    for end in range(1, len(run) + 1):
        for size in range(shortest, min(6, end) + 1):
            before = best[end - size]
            symbol = _SYLLABLES.get(run[end - size : end])
            if before is not None and symbol is not None:
                candidate = [*before, symbol]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    found = best[len(run)]
    return "".join(found) if found else None


def is_pinyin_word(word: str) -> bool:
    """Whether letters read as pinyin syllables of two letters or more (nation is not na-ti-o-n); a lone
    syllable (a, e) counts only as a word of its own."""
    return syllables_of(word, 1 if len(word) <= 2 else 2) is not None


def pinyin_key(key: str) -> str:
    """The key with every Chinese character, and pinyin typed in letters (gaoxin), as symbols of their syllables."""
    key = key.translate(_PINYIN_TABLE)
    if _LATIN_RUN.search(key) is None:
        return key
    return _LATIN_RUN.sub(lambda m: syllables_of(m.group(0)) or m.group(0), key)


# Characters a key keeps (CJK, ASCII letters and digits, . % +); everything else separates words.
_DROPPED = re.compile(r"[^\u4e00-\u9fff\u3400-\u4dbfa-z0-9.%+]+")
# a dot or plus survives only between digits/letters (4.25, 1+3+x)
_LONE_MARK = re.compile(r"(?<![0-9a-z])[.+]|[.+](?![0-9a-z])")


# words of letters written apart (high-tech, high tech) are one word for synonyms (hightech → 高新技术)
_JOINED_LATIN = re.compile(r"(?<=[a-z]) +(?=[a-z])")
# The same, keeping line breaks, for many texts joined by them.
_DROPPED_LINES = re.compile(r"[^\u4e00-\u9fff\u3400-\u4dbfa-z0-9.%+\n]+")


def _kept(folded: str) -> str:
    return _LONE_MARK.sub(" ", _DROPPED.sub(" ", chinese_numerals_to_digits(folded)))


@lru_cache(maxsize=8192)
def _fold(text: str) -> str:
    """:meth:`Normalizer.fold`, kept for the texts seen last (a message is folded by many steps of matching)."""
    return str(_t2s.convert(unicodedata.normalize("NFKC", text))).lower()


class Normalizer:
    """Turns text into a matching key; built once with the synonym groups of a knowledge base."""

    def __init__(self, synonyms: Iterable[Iterable[str]] = (), *, fillers: Iterable[str] = FILLERS) -> None:
        self._fillers = tuple(sorted({self.fold(f) for f in fillers}, key=len, reverse=True))
        self._filler_re = re.compile("|".join(re.escape(f) for f in self._fillers)) if self._fillers else None
        replacements: dict[str, str] = {}
        for group in synonyms:
            folded = [self._base(term) for term in group]
            folded = [t for t in folded if t]
            if len(folded) < 2:
                continue
            canonical = folded[0]
            # the canonical word maps to itself, so that a longer official word is never cut up
            # by a shorter everyday one inside it (床位 stays 床位, not 床位位)
            replacements.setdefault(canonical, canonical)
            for term in folded[1:]:
                replacements.setdefault(term, canonical)
        self._synonyms = replacements
        self._synonym_re = (
            re.compile("|".join(re.escape(t) for t in sorted(replacements, key=len, reverse=True)))
            if replacements
            else None
        )
        self._cache = lru_cache(maxsize=4096)(self._normalize)
        self._plain_cache = lru_cache(maxsize=4096)(self._base)  # (the checks ask the same texts again and again)

    @staticmethod
    def fold(text: str) -> str:
        """Width, script and case folding only."""
        return _fold(text[:MAX_INPUT_CHARS])

    def _base(self, text: str) -> str:
        """Folded, numerals as digits, only kept characters; no filler or synonym handling."""
        return _kept(self.fold(text)).replace(" ", "")

    def _normalize(self, text: str) -> str:
        return self._finish(self.fold(text))

    def _finish(self, folded: str) -> str:
        kept = _JOINED_LATIN.sub("", _kept(folded))
        if self._synonym_re is not None:
            kept = self._synonym_re.sub(lambda m: self._synonyms[m.group(0)], kept)
        return self._strip_fillers(_COUNT_ASK.sub(_COUNT_ASK_AS, kept))

    def normalize(self, text: str) -> str:
        """The matching key of ``text`` (may be empty)."""
        return self._cache(text[:MAX_INPUT_CHARS])

    def normalize_many(self, texts: Iterable[str], *, chunk: int = 5_000) -> list[str]:
        """Keys of many texts at once (one OpenCC call per ``chunk`` texts: loading large bases is dominated by
        it; a bounded chunk keeps each call, which holds the interpreter lock, short while others answer)."""
        items = [t[:MAX_INPUT_CHARS].replace("\n", " ").replace("\r", " ") for t in texts]
        keys: list[str] = []
        for start in range(0, len(items), chunk):
            keys += self._normalize_lines(items[start : start + chunk])
        return keys

    def _normalize_lines(self, items: list[str]) -> list[str]:
        if not items:
            return []
        joined = unicodedata.normalize("NFKC", "\n".join(items))
        folded = str(_t2s.convert(joined)).lower()
        # the same steps as _finish, run over all texts at once; no pattern spans a line break
        kept = _JOINED_LATIN.sub("", _LONE_MARK.sub(" ", _DROPPED_LINES.sub(" ", chinese_numerals_to_digits(folded))))
        if self._synonym_re is not None:
            kept = self._synonym_re.sub(lambda m: self._synonyms[m.group(0)], kept)
        lines = _COUNT_ASK.sub(_COUNT_ASK_AS, kept).split("\n")
        if len(lines) != len(items):  # a conversion changed the line count: fall back, one by one
            return [self._normalize(t) for t in items]
        return [self._strip_fillers(line) for line in lines]

    def _strip_fillers(self, kept: str) -> str:
        if self._filler_re is not None:
            stripped = self._filler_re.sub(" ", kept)
            if stripped.strip():
                kept = stripped
        return kept.replace(" ", "")[:MAX_KEY_CHARS]

    def plain(self, text: str) -> str:
        """Folded text with numerals as digits and only kept characters: no synonyms, no fillers."""
        return self._plain_cache(text[:MAX_INPUT_CHARS])

    def canonical_term(self, term: str) -> str:
        """The key of a single term (synonyms applied, fillers kept)."""
        key = self._base(term)
        if self._synonym_re is not None:
            key = self._synonym_re.sub(lambda m: self._synonyms[m.group(0)], key)
        return _COUNT_ASK.sub(_COUNT_ASK_AS, key)


def positions(word: str, text: str) -> list[int]:
    """Where ``word`` stands in ``text``, each place after the last one's end (as ``re.finditer`` of the word
    would find them, without compiling a pattern per word: a dynamic pattern evicts the ones compiled for every
    question from ``re``'s cache)."""
    found: list[int] = []
    if not word:
        return found
    at = text.find(word)
    while at >= 0:
        found.append(at)
        at = text.find(word, at + len(word))
    return found


def bigrams(text: str) -> set[str]:
    """The text's pairs of neighbouring characters (养老院 → 养老, 老院): the words of a key, compared by pairs."""
    return {text[i : i + 2] for i in range(len(text) - 1)}


@lru_cache(maxsize=4)
def _quoted_pattern(longest: int) -> re.Pattern[str]:
    return re.compile(r"[“‘\"「『]([^“”‘’\"「」『』]{2," + str(longest) + r"})[”’\"」』]")


def quoted_terms(text: str, longest: int) -> list[str]:
    """The words a message puts in quotation marks (“管理创新”, 「宜居」), each of two to ``longest`` characters."""
    return _quoted_pattern(longest).findall(text)


class SlottedPattern:
    """A pattern from data with one slot for a literal (``(?<![\\d.]){number}万(张|户)``), searched for any value of
    the slot without compiling a pattern per value: the value is found with ``str.find`` and the parts before and
    after it are matched there. Compiling a pattern with a CJK range takes 2-3 ms, a search of this a few µs.

    The part before the slot may only look behind (it matches no characters) and neither part before the slot
    holds a group, so ``search`` gives what ``re.search`` of the filled-in pattern gives, with the same groups.
    """

    def __init__(self, source: str, slot: str) -> None:
        head, tail = source.split(slot)
        self._head, self._tail = re.compile(head), re.compile(tail)
        if self._head.groups or self._head.match("") is None:
            raise ValueError(f"the part before {slot} must be a lookbehind without groups: {head!r}")

    def search(self, text: str, value: str) -> re.Match[str] | None:
        """The first place ``value`` stands with the pattern around it: the match of the part after the slot."""
        pos = 0
        while value and (at := text.find(value, pos)) >= 0:
            if self._head.match(text, at) is not None and (found := self._tail.match(text, at + len(value))):
                return found
            pos = at + 1
        return None
