"""Words: the general language's, from jieba's dictionary (segmentation, nouns and verbs), and a base's own for
the pinyin reader.

jieba's own tokenizer is not loaded: its prefix dictionary takes 0.5 s and 60 MB. The dictionary file is read
without importing jieba (``datacache``) and parsed once into a cache file: a MARISA trie of its words (the
marisa-trie library) with each word's count and word class in arrays by the trie's key ids. Loading that takes
about a millisecond and 3 MB, against 0.35 s and 60 MB for a Python dict of the same words; ``segment`` is
jieba's own dynamic programme without its HMM, reading the words that start at each character from the trie in
one call.

Part of the core: no Telegram here.
"""

from __future__ import annotations

import math
import threading
from array import array
from collections.abc import Container
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import metadata

import marisa_trie

from ..knowledge.model import KnowledgeBase
from ..language import ZH
from ..language.datacache import cached_parse, package_file
from ..language.ime import PinyinReader

__all__ = [
    "counties_in", "load_lexicons", "noun_lexicon", "nouns_in", "one_character_noun", "pinyin_reader", "segment",
    "verb_like",
]

_COUNTY_SUFFIXES = ZH.chars("county_suffixes")
_READER_TEXT_LIMIT = 5_000  # above this many entries the pinyin reader learns the base's words from keywords only


# Nouns of the general language (jieba's dictionary, tagged from a large corpus): a word the entry does
# not state matters when it names a thing (员工, 主任, 注册资本, 用途), not when it is a verb or adverb
# of the asking (好奇, 属实, 已经, 合计).
_NOUN_TAGS = frozenset({"n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "j"})
_VERB_TAGS = frozenset({"v", "vn"})


_LEXICON_LOCK = threading.Lock()


def noun_lexicon() -> Container[str]:
    """Nouns of two characters or more in jieba's dictionary (loaded once, by whichever thread comes first)."""
    with _LEXICON_LOCK:
        return _lexicons()[0]


def one_character_noun(character: str) -> bool:
    """Whether jieba's dictionary tags this one character a noun (镁, 煤, 铁), not a verb or measure (没, 张)."""
    with _LEXICON_LOCK:
        nouns = _lexicons()[2]
    return character in nouns


def verb_like(word: str) -> bool:
    """Whether jieba's dictionary tags the word a verb (成立, 召开, 当选), and never a noun."""
    with _LEXICON_LOCK:
        verbs = _lexicons()[1]
    return word in verbs


_DICTIONARY_FORMAT = 5  # of the cache file
_NOUN, _VERB, _ONE_NOUN = 1, 2, 3  # a word's class in the dictionary's class table (0: neither; 3: a noun of one
# character, which noun_lexicon leaves out)
try:
    _MARISA_VERSION = metadata.version("marisa-trie")
except metadata.PackageNotFoundError:  # pragma: no cover - installed some other way
    _MARISA_VERSION = "?"


class _WordClass:
    """The dictionary's words of one class (nouns, verbs), two characters or more: ``word in nouns``."""

    def __init__(self, dictionary: _Dictionary, kind: int) -> None:
        self._ids = dictionary.words.get
        self._classes = dictionary.classes
        self._kind = kind

    def __contains__(self, word: object) -> bool:
        at = self._ids(word) if isinstance(word, str) else None
        return at is not None and self._classes[at] == self._kind


@dataclass(frozen=True)
class _Dictionary:
    """jieba's dictionary as this engine uses it: each word's count for segmentation, and its nouns and verbs."""

    words: marisa_trie.Trie  # every word of a count above 0; its key id indexes the arrays below
    counts: array[int]
    classes: bytes  # _NOUN, _VERB or 0 per word
    log_total: float
    longest: int


def _parse_dictionary(data: bytes) -> tuple[bytes, bytes, bytes, int]:
    """jieba's dict.txt ("word count tag" per line) as a trie of its words (its bytes), each word's count and
    class by key id (bytes of an array of 64-bit counts, and one byte per word), and the longest word's length."""
    counts: dict[str, int] = {}
    tags: dict[str, str] = {}
    for line in data.decode("utf-8").splitlines():
        word, _, rest = line.partition(" ")
        count, _, tag = rest.partition(" ")
        if word and count.isdigit():
            counts[word] = counts.get(word, 0) + int(count)
            tags[word] = tag
    words = [w for w, c in counts.items() if c > 0]
    trie = marisa_trie.Trie(words)
    by_id = array("Q", bytes(8 * len(trie)))
    classes = bytearray(len(trie))
    for word in words:
        at = trie.key_id(word)
        by_id[at] = counts[word]
        if len(word) >= 2:
            classes[at] = _NOUN if tags[word] in _NOUN_TAGS else _VERB if tags[word] in _VERB_TAGS else 0
        elif tags[word] == "n":
            classes[at] = _ONE_NOUN
    return trie.tobytes(), by_id.tobytes(), bytes(classes), max(map(len, words))


@cache
def _dictionary() -> _Dictionary:
    """jieba's dictionary, parsed once per version and kept in a cache file (the parse takes ~1.5 s, reading
    the cache ~1 ms), the way jieba keeps its own prefix dictionary.

    The engine segments with the dictionary itself rather than through jieba's tokenizer, whose prefix
    dictionary takes another 0.5 s and 60 MB to load; ``segment`` is jieba's own dynamic programme.
    """
    trie_bytes, count_bytes, classes, longest = cached_parse(
        package_file("jieba", "dict.txt"),
        f"dictionary-marisa{_MARISA_VERSION}",  # (a trie's bytes are read by the library version that wrote them)
        _DICTIONARY_FORMAT,
        _parse_dictionary,
        lambda v: (
            isinstance(v, tuple)
            and len(v) == 4
            and all(isinstance(b, bytes) for b in v[:3])
            and len(v[1]) == 8 * len(v[2]) > 0
            and isinstance(v[3], int)
        ),
    )
    words = marisa_trie.Trie().frombytes(trie_bytes)
    counts = array("Q")
    counts.frombytes(count_bytes)
    if len(words) != len(counts):
        raise ValueError("the dictionary's cache file does not match its trie")
    return _Dictionary(words, counts, classes, math.log(sum(counts)), longest)


@cache
def _lexicons() -> tuple[_WordClass, _WordClass, _WordClass]:
    dictionary = _dictionary()
    return _WordClass(dictionary, _NOUN), _WordClass(dictionary, _VERB), _WordClass(dictionary, _ONE_NOUN)


def segment(text: str) -> list[str]:
    """The words of ``text`` as jieba cuts it without its HMM: of every way to cut it into dictionary words,
    the likeliest (a character the dictionary does not hold stands alone)."""
    with _LEXICON_LOCK:
        dictionary = _dictionary()
    words_at, counts = dictionary.words.iter_prefixes_with_ids, dictionary.counts
    longest, log_total = dictionary.longest, dictionary.log_total
    log = math.log
    n = len(text)
    route: list[tuple[float, int]] = [(0.0, 0)] * (n + 1)
    for start in range(n - 1, -1, -1):
        best: tuple[float, int] | None = None
        for word, at in words_at(text[start : start + longest]):  # shortest first, as the loop over ends was
            end = start + len(word)
            candidate = (log(counts[at]) - log_total + route[end][0], end)
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
    """Counties and cities named in ``text`` as jieba's dictionary knows them (娄烦县, 平遥县, 大同市)."""
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
