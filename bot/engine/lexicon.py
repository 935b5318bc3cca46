"""Words: the general language's, from jieba's dictionary (segmentation, nouns and verbs), and a base's own for
the pinyin reader.

jieba's own tokenizer is not loaded: its prefix dictionary takes 0.5 s and 60 MB. The dictionary file is read
without importing jieba (``datacache``), parsed once into a cache file, and loaded in a background thread at
start; ``segment`` is jieba's own dynamic programme without its HMM.

Part of the core: no Telegram here.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from functools import cache, lru_cache

from ..knowledge.model import KnowledgeBase
from ..language import ZH
from ..language.datacache import cached_parse, package_file
from ..language.ime import PinyinReader

__all__ = ["counties_in", "load_lexicons", "noun_lexicon", "nouns_in", "pinyin_reader", "segment", "verb_like"]

_COUNTY_SUFFIXES = ZH.chars("county_suffixes")
_READER_TEXT_LIMIT = 5_000  # above this many entries the pinyin reader learns the base's words from keywords only


# Nouns of the general language (jieba's dictionary, tagged from a large corpus): a word the entry does
# not state matters when it names a thing (员工, 主任, 注册资本, 用途), not when it is a verb or adverb
# of the asking (好奇, 属实, 已经, 合计).
_NOUN_TAGS = frozenset({"n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "j"})
_VERB_TAGS = frozenset({"v", "vn"})


_LEXICON_LOCK = threading.Lock()


def noun_lexicon() -> frozenset[str]:
    """Nouns of two characters or more in jieba's dictionary (loaded once, by whichever thread comes first)."""
    with _LEXICON_LOCK:
        return _lexicons()[0]


def verb_like(word: str) -> bool:
    """Whether jieba's dictionary tags the word a verb (成立, 召开, 当选), and never a noun."""
    with _LEXICON_LOCK:
        nouns, verbs = _lexicons()
    return word in verbs and word not in nouns


_DICTIONARY_FORMAT = 2  # of the cache file


@dataclass(frozen=True)
class _Dictionary:
    """jieba's dictionary as this engine uses it: word frequencies for segmentation, and its nouns and verbs."""

    freq: dict[str, int]  # every word with its frequency
    log_total: float
    longest: int
    nouns: frozenset[str]
    verbs: frozenset[str]


def _parse_dictionary(data: bytes) -> tuple[list[str], list[int], list[int], list[int]]:
    """jieba's dict.txt ("word count tag" per line) as its words, their counts, and which are nouns and verbs."""
    counts: dict[str, int] = {}
    tags: dict[str, str] = {}
    for line in data.decode("utf-8").splitlines():
        word, _, rest = line.partition(" ")
        count, _, tag = rest.partition(" ")
        if word and count.isdigit():
            counts[word] = counts.get(word, 0) + int(count)
            tags[word] = tag
    words = [w for w, c in counts.items() if c > 0]
    freqs = [counts[w] for w in words]
    noun_at = [i for i, w in enumerate(words) if len(w) >= 2 and tags[w] in _NOUN_TAGS]
    verb_at = [i for i, w in enumerate(words) if len(w) >= 2 and tags[w] in _VERB_TAGS]
    return words, freqs, noun_at, verb_at


@cache
def _dictionary() -> _Dictionary:
    """jieba's dictionary, parsed once per version and kept in a cache file (the parse takes ~0.7 s, reading
    the cache ~0.2 s), the way jieba keeps its own prefix dictionary.

    The engine segments with the dictionary itself rather than through jieba's tokenizer, whose prefix
    dictionary takes another 0.5 s and 60 MB to load; ``segment`` is jieba's own dynamic programme.
    """
    words, freqs, noun_at, verb_at = cached_parse(
        package_file("jieba", "dict.txt"),
        "dictionary",
        _DICTIONARY_FORMAT,
        _parse_dictionary,
        lambda v: isinstance(v, tuple)
        and len(v) == 4
        and len(v[0]) == len(v[1])
        and all(isinstance(i, int) for i in v[2][:1] + v[3][:1]),
    )
    nouns = frozenset(words[i] for i in noun_at)  # the same string objects as the frequency table's
    verbs = frozenset(words[i] for i in verb_at) - nouns
    return _Dictionary(dict(zip(words, freqs, strict=True)), math.log(sum(freqs)), max(map(len, words)), nouns, verbs)


def _lexicons() -> tuple[frozenset[str], frozenset[str]]:
    dictionary = _dictionary()
    return dictionary.nouns, dictionary.verbs


def segment(text: str) -> list[str]:
    """The words of ``text`` as jieba cuts it without its HMM: of every way to cut it into dictionary words,
    the likeliest (a character the dictionary does not hold stands alone)."""
    with _LEXICON_LOCK:
        dictionary = _dictionary()
    freq, longest, log_total = dictionary.freq, dictionary.longest, dictionary.log_total
    log = math.log
    n = len(text)
    route: list[tuple[float, int]] = [(0.0, 0)] * (n + 1)
    for start in range(n - 1, -1, -1):
        best: tuple[float, int] | None = None
        for end in range(start + 1, min(n, start + longest) + 1):
            count = freq.get(text[start:end])
            if count is not None:
                candidate = (log(count) - log_total + route[end][0], end)
                if best is None or candidate >= best:
                    best = candidate
        route[start] = best if best is not None else (route[start + 1][0] - log_total, start + 1)
    words = []
    at = 0
    while at < n:
        end = route[at][1]
        words.append(text[at:end])
        at = end
    return words


def nouns_in(text: str) -> list[str]:
    """The nouns of the general language inside ``text``, as jieba segments it (用什么词形容 has no 词形)."""
    return list(_nouns_in(text))


@lru_cache(maxsize=4096)
def _nouns_in(text: str) -> tuple[str, ...]:  # the checks ask again for each candidate entry
    lexicon = noun_lexicon()
    return tuple(w for w in segment(text) if w in lexicon)


@lru_cache(maxsize=1024)
def counties_in(text: str) -> tuple[str, ...]:
    """Counties and cities named in ``text`` as jieba's dictionary knows them (娄烦县, 文水县, 大同市)."""
    if not any(ch in _COUNTY_SUFFIXES for ch in text[2:]):
        return ()  # no word of three characters or more can end in a suffix: nothing to cut
    return tuple(w for w in segment(text) if len(w) >= 3 and w[-1] in _COUNTY_SUFFIXES)


def load_lexicons() -> None:
    """Load the general-language dictionary now (~0.1 s from its cache; a background thread does this)."""
    with _LEXICON_LOCK:
        _dictionary()


def pinyin_reader(kb: KnowledgeBase) -> PinyinReader:
    """A pinyin reader that knows the base's own words: synonyms and names, and for a base of ordinary
    size its keywords, questions and answers too. Read when the reader is first built (in the background),
    not here: a base of 100,000 entries must not be walked entry by entry at start-up."""

    def vocabulary() -> tuple[list[str], list[str]]:
        domain = [*(t for group in kb.synonyms for t in group), *kb.scope.names]
        entries = kb.entries
        if len(entries) > _READER_TEXT_LIMIT:
            return domain, []
        domain += [k for e in entries for k in e.keywords]
        return domain, [t for e in entries for t in (*e.questions, e.answer)]

    return PinyinReader(vocabulary)
