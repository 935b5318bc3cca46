"""Synthetic knowledge bases built from the release's own vocabulary, so entries are hard to tell apart.

Each synthetic entry has 5 questions made of words of the release plus question words, an answer, and
a quote that is verbatim in its source (so the base passes validation like the real one). Where the
quotes come from is the base's *shape*:

- ``one``: one large source (a paragraph of release words per entry: 100,000 entries make a source of
  about 9 MB), each entry quoting its own paragraph;
- ``many``: one small source per 50 entries (2,000 sources for 100,000 entries);
- ``release``: every entry quotes a span of the real release (the shape of the earlier benchmarks).
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import yaml

from ...knowledge.load import load_knowledge
from ...language import ZH
from ...language.text import Normalizer

QUESTION_TAILS = ("有多少", "是多少", "是什么", "怎么样", "有哪些", "有几个", "是哪年", "进展如何", "情况咋样", "")
QUESTION_HEADS = ("{county}", "咱县", "全县", "县里", "", "请问", "听说")  # {county}: the place's short name
CHUNK = 1000  # entries per topic file
PER_SOURCE = 50  # entries per source in the "many" shape
SHAPES = ("one", "many", "release")


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
    shape: str = "release",
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Write a knowledge directory with the real base plus ``size`` synthetic entries; return it."""
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {', '.join(SHAPES)}")
    real = load_knowledge(real_knowledge)
    heads = tuple(h.format(county=ZH.short_name(real.place.county)) for h in QUESTION_HEADS)
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
    paragraphs: list[str] = []  # of the source being written ("one", "many")

    def write_source(name: str, title: str) -> None:
        nonlocal paragraphs
        body = "\n\n".join(paragraphs)
        (target / "sources" / f"{name}.md").write_text(f"---\ntitle: {title}\n---\n\n{body}\n", encoding="utf-8")
        paragraphs = []

    def quote_for(number: int) -> tuple[str, str]:
        """(source id, quote) of a synthetic entry; its paragraph is added to the source being written."""
        if shape == "release":
            return source.id, rng.choice(quotes)
        words = rng.sample(vocabulary, 8)
        paragraphs.append(f"第{number + 1}条：{''.join(words[:3])}，{''.join(words[3:6])}，{''.join(words[6:])}。")
        quote = "".join(words[:3]) + "，" + "".join(words[3:6])
        if shape == "one":
            return "synthetic-archive", quote
        return f"synthetic-{number // PER_SOURCE:05d}", quote

    def flush() -> None:
        nonlocal entries, file_index
        if not entries:
            return
        topic_source = entries[0]["source"]
        for entry in entries:
            if entry["source"] == topic_source:
                del entry["source"]  # named once, at the top of the file
        doc = {"topic": f"合成话题{file_index:04d}", "source": topic_source, "entries": entries}
        text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1000)
        (target / f"zz-synthetic-{file_index:04d}.yaml").write_text(text, encoding="utf-8")
        file_index += 1
        entries = []

    for number in range(size):
        core = rng.sample(vocabulary, 3)
        questions: list[str] = []
        while len(questions) < 5:
            words = [*core[:2], rng.choice(vocabulary)] if len(questions) else core
            rng.shuffle(words)
            question = rng.choice(heads) + "".join(words[: rng.choice((2, 3))]) + rng.choice(QUESTION_TAILS)
            key = normalize(question)
            if key not in seen and len(key) >= 4:
                seen.add(key)
                questions.append(question)
        source_id, quote = quote_for(number)
        entries.append(
            {
                "id": f"syn-{number:07d}",
                "source": source_id,
                "questions": questions,
                "answer": "".join(rng.sample(vocabulary, 6)) + "。",
                "quote": quote,
            }
        )
        if shape == "many" and (number + 1) % PER_SOURCE == 0:
            write_source(source_id, f"合成资料{number // PER_SOURCE:05d}")
        if len(entries) == CHUNK:
            flush()
        if progress is not None:
            progress(1)
    flush()
    if shape == "many" and paragraphs:
        write_source(f"synthetic-{(size - 1) // PER_SOURCE:05d}", f"合成资料{(size - 1) // PER_SOURCE:05d}")
    if shape == "one":
        write_source("synthetic-archive", "合成资料汇编")
    return target
