"""Read pinyin typed in letters as Chinese, the way an input method would ("yanglao chuangwei duoshao zhang").

Residents sometimes type a question in pinyin when their phone's input method is off. Matching on sound
alone finds the topic, but the question words (duoshao, shei, ji hu) and the nouns the answerability
checks look for stay letters. This module turns a run of pinyin into the likeliest Chinese words: a
dynamic programme over the syllables picks the segmentation with the longest, most common words, from
jieba's dictionary and, weighted far above it, the words of the knowledge base itself (so ``gaoqi`` is
高企 and ``shegongzhan`` 社工站). Letters that are not pinyin (platform, OK) are left as they are.

Pure core: no Telegram, no I/O beyond jieba's packaged dictionary.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from importlib import resources

from . import ZH
from .text import FIRST_READINGS, is_pinyin_word, pinyin_key, syllables_of

__all__ = ["PinyinReader"]

# pinyin runs separated only by spaces or apostrophes are read together (zuo zhe → 作者)
_PINYIN_STRETCH = re.compile(r"[a-z]+(?:[\s']+[a-z]+)*")
_MIN_FREQUENCY = 200  # jieba words rarer than this are not guessed from sound alone
_DOMAIN_BONUS = 12.0  # a word of the knowledge base beats any general word of the same sound
_KB_WORD_BONUS = 8.0  # a general word that the knowledge base uses


# English words that happen to spell pinyin (an, he, me, long, hang ...) are read as English only when
# they are not next to other pinyin; these are never pinyin in a resident's message
_NOT_PINYIN = frozenset(ZH.words("not_pinyin"))
_MEASURE_WORDS = ZH.chars("pinyin_measures")
_MEASURES = {pinyin_key(c): c for c in reversed(_MEASURE_WORDS)}  # the first listed wins a shared sound
_AFTER_COUNT = re.compile("(" + "|".join(ZH.words("pinyin_count_words")) + ")(.)")
# the words of asking: di ji is 第几 in a question, whatever else shares its sound (地基, 低级)
_ASKING_WORDS = ZH.words("pinyin_asking_words")


class PinyinReader:
    """Pinyin in letters → Chinese, with the vocabulary of one knowledge base. Built on first use."""

    def __init__(self, vocabulary: Callable[[], tuple[Iterable[str], Iterable[str]]]) -> None:
        """``vocabulary`` gives the base's own words and its texts when the reader is first built."""
        self._source = vocabulary
        self._lock = threading.Lock()
        self._words: dict[str, tuple[float, str]] | None = None  # sound key → (score, word)
        self._initials: dict[str, str] | None = None  # kfq → 开发区: the base's words by their initials (one word)
        self._longest = 1

    def _build(self) -> dict[str, tuple[float, str]]:
        domain_words, texts = self._source()
        domain = [w for w in domain_words if w and all("\u4e00" <= c <= "\u9fff" for c in w)]
        general: dict[str, int] = {}
        text = resources.files("jieba").joinpath("dict.txt").read_text(encoding="utf-8")
        for line in text.splitlines():
            word, _, rest = line.partition(" ")
            freq = rest.partition(" ")[0]
            if 1 <= len(word) <= 4 and freq.isdigit() and int(freq) >= _MIN_FREQUENCY:
                general[word] = int(freq)
        used = set()
        for passage in texts:
            for size in (2, 3, 4):
                for at in range(len(passage) - size + 1):
                    piece = passage[at : at + size]
                    if piece in general:
                        used.add(piece)
        words: dict[str, tuple[float, str]] = {}

        def offer(word: str, score: float) -> None:
            key = pinyin_key(word)
            if len(key) != len(word):
                return
            if key not in words or words[key][0] < score:
                words[key] = (score, word)

        for word, count in general.items():
            offer(word, math.log(count) + (_KB_WORD_BONUS if word in used else 0.0))
        for word in domain:
            offer(word, _DOMAIN_BONUS + math.log(1000) + len(word))
        for word in _ASKING_WORDS:
            offer(word, _DOMAIN_BONUS + math.log(1000) + len(word) + 1)
        self._longest = max((len(k) for k in words), default=1)
        return words

    def _vocabulary(self) -> dict[str, tuple[float, str]]:
        with self._lock:
            if self._words is None:
                self._words = self._build()
            return self._words

    def _by_initials(self) -> dict[str, str]:
        """The base's words by their initials: from its own words alone, without the general dictionary."""
        with self._lock:
            if self._initials is None:
                self._initials = _by_initials(self._source()[0])
            return self._initials

    def warm(self) -> None:
        """Build the vocabulary now (a background thread calls this so no question waits for it)."""
        self._vocabulary()

    def read(self, text: str) -> str:
        """``text`` with every stretch of pinyin in letters written in Chinese (other letters kept)."""
        if not re.search(r"[a-z]{2}", text):
            return text
        return _PINYIN_STRETCH.sub(self._read_stretch, text)

    def _read_stretch(self, match: re.Match[str]) -> str:
        """Words of a stretch that are pinyin, read in groups; others (how, many, OK) kept as typed."""
        pieces = re.split(r"([\s']+)", match.group(0))
        out: list[str] = []
        group: list[str] = []  # consecutive pinyin words

        def flush() -> None:
            if group:
                sounds = "".join(syllables_of(w) or "" for w in group)
                read = self._read_sounds(sounds) if len(sounds) >= 2 else None
                out.append(read if read is not None else " ".join(group))
                group.clear()

        for piece in pieces:
            if not piece or piece.isspace() or piece.strip() == "'" or set(piece) <= {" ", "'"}:
                continue
            if is_pinyin_word(piece) and piece not in _NOT_PINYIN:
                group.append(piece)
            elif piece in self._by_initials():  # kfq, zjtx: a word of the base typed by its initials
                flush()
                out.append(self._by_initials()[piece])
            else:
                flush()
                out.append(piece)
        flush()
        return " ".join(out)

    def _read_sounds(self, sounds: str) -> str | None:
        words = self._vocabulary()
        best: list[tuple[float, list[str]] | None] = [None] * (len(sounds) + 1)
        best[0] = (0.0, [])
        for end in range(1, len(sounds) + 1):
            for size in range(1, min(self._longest, end) + 1):
                before = best[end - size]
                found = words.get(sounds[end - size : end])
                if before is None or found is None:
                    continue
                # longer words first (an input method's habit), then the commoner and the base's own
                score = before[0] + found[0] + 6.0 * size * size
                if best[end] is None or score > best[end][0]:  # type: ignore[index]
                    best[end] = (score, [*before[1], found[1]])
        done = best[len(sounds)]
        if done is None:
            return None
        read = "".join(done[1])
        # after 多少/几 comes a measure word: 多少zhang is 多少张, not 多少长
        return _AFTER_COUNT.sub(lambda m: m.group(1) + _MEASURES.get(pinyin_key(m.group(2)), m.group(2)), read)


def _initials(word: str) -> str:
    """The first letter of each character's pinyin (开发区 → kfq; 专 is z, as typed), or '' when a character has
    none or starts with a vowel (安, 二: initials of such words read as English or pinyin)."""
    letters = []
    for char in word:
        reading = FIRST_READINGS.get(ord(char), "")
        first = unicodedata.normalize("NFD", reading[:1])[:1]  # (é → e)
        if not first or first in _VOWELS:
            return ""
        letters.append(first)
    return "".join(letters)


_VOWELS = frozenset("aeiouv")


def _by_initials(words: Iterable[str]) -> dict[str, str]:
    """The base's words of 3 to 6 characters by their initials, only those initials that one word has."""
    found: dict[str, set[str]] = {}
    for word in words:
        if 3 <= len(word) <= 6:
            key = _initials(word)
            if key:
                found.setdefault(key, set()).add(word)
    return {key: next(iter(held)) for key, held in found.items() if len(held) == 1}
