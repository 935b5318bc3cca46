"""Synthetic knowledge bases built from the release's own vocabulary, so entries are hard to tell apart.

Each synthetic entry has 5 questions made of words of the release plus question words, an answer, and
a quote that is a real span of the release (so the base passes validation like the real one).
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import yaml

from ..knowledge import load_knowledge
from ..text import Normalizer

QUESTION_TAILS = ("有多少", "是多少", "是什么", "怎么样", "有哪些", "有几个", "是哪年", "进展如何", "情况咋样", "")
QUESTION_HEADS = ("交城", "咱县", "全县", "县里", "", "请问", "听说")
CHUNK = 1000  # entries per topic file


def release_vocabulary(source_text: str) -> list[str]:
    """Words of the release (jieba segmentation), two characters or more, most frequent first."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    words: dict[str, int] = {}
    for word in jieba.lcut(source_text):
        if len(word) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", word):
            words[word] = words.get(word, 0) + 1
    return sorted(words, key=lambda w: (-words[w], w))


def _quotes(source_text: str) -> list[str]:
    spans: list[str] = []
    for sentence in re.split(r"[。；;]", source_text):
        sentence = sentence.strip()
        for part in sentence.split(","):
            part = part.strip()
            if 6 <= len(part) <= 40 and "\n" not in part:
                spans.append(part)
    return spans


def write_synthetic_base(
    target: Path,
    size: int,
    *,
    real_knowledge: Path,
    seed: int = 20241129,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Write a knowledge directory with the real base plus ``size`` synthetic entries; return it."""
    real = load_knowledge(real_knowledge)
    normalize = Normalizer(real.synonyms).normalize
    source = next(iter(real.sources.values()))
    vocabulary = release_vocabulary(source.text)
    quotes = _quotes(source.text)
    rng = random.Random(seed)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(real_knowledge, target)
    seen: set[str] = {k for e in real.entries for k in e.keys}
    entries: list[dict[str, object]] = []
    file_index = 0

    def flush() -> None:
        nonlocal entries, file_index
        if not entries:
            return
        doc = {"topic": f"合成话题{file_index:03d}", "source": source.id, "entries": entries}
        text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1000)
        (target / f"zz-synthetic-{file_index:03d}.yaml").write_text(text, encoding="utf-8")
        file_index += 1
        entries = []

    for number in range(size):
        core = rng.sample(vocabulary, 3)
        questions: list[str] = []
        while len(questions) < 5:
            words = [*core[:2], rng.choice(vocabulary)] if len(questions) else core
            rng.shuffle(words)
            question = rng.choice(QUESTION_HEADS) + "".join(words[: rng.choice((2, 3))]) + rng.choice(QUESTION_TAILS)
            key = normalize(question)
            if key not in seen and len(key) >= 4:
                seen.add(key)
                questions.append(question)
        entries.append(
            {
                "id": f"syn-{number:06d}",
                "questions": questions,
                "answer": "".join(rng.sample(vocabulary, 6)) + "。",
                "quote": rng.choice(quotes),
            }
        )
        if len(entries) == CHUNK:
            flush()
        if progress is not None:
            progress(1)
    flush()
    return target
