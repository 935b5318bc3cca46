"""Checks of the entries read: each quote verbatim in its source, speakers, and checks across entries (keys, ids).

:func:`verify_quotes` reads each source once for the quotes of all its entries; :func:`cross_checks` fills in
every entry's matching keys (:class:`~bot.language.text.Normalizer`) and reports questions two entries share,
duplicate ids and related ids that do not exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import ahocorasick

from ..language import ZH
from ..language.text import Normalizer
from .derived import is_derived
from .model import Entry, Source, quote_key
from .problems import Problem

__all__ = ["cross_checks", "verify_quotes", "with_speakers"]


def verify_quotes(
    found: list[tuple[Entry, int]], sources: Mapping[str, Source], problems: list[Problem]
) -> list[Entry]:
    """The entries whose quote is verbatim in their source; a problem for each of the others.

    One pass over each source: the quotes of all its entries go into one Aho-Corasick automaton that
    reads the source's quote key once, so loading grows with the size of the sources plus the quotes,
    not with their product.
    """
    wanted: dict[str, set[str]] = {}
    keys: list[str] = []
    for entry, _line in found:
        key = quote_key(entry.quote)
        keys.append(key)
        if entry.source in sources:
            wanted.setdefault(entry.source, set()).add(key)
    present: dict[str, set[str]] = {}
    for source_id, quotes in wanted.items():
        present[source_id] = _present_in(quote_key(sources[source_id].text), quotes)
    kept: list[Entry] = []
    for (entry, line), key in zip(found, keys, strict=True):
        if entry.source not in sources:
            kept.append(entry)  # an unknown source is reported where it is named
            continue
        if key in present[entry.source]:
            crossed = sources[entry.source].crossed_label(key)
            if crossed:
                problems.append(
                    Problem(
                        entry.file,
                        line,
                        f"quote crosses a heading or caption ('{crossed}'): quote the body text alone, or the heading "
                        "alone",
                    )
                )
                continue
            kept.append(entry)
            continue
        source = sources[entry.source]
        problems.append(
            Problem(
                entry.file,
                line,
                f"quote not found in source '{entry.source}': copy it verbatim from {source.file} "
                "(a quote may not span a heading or caption)",
            )
        )
    return kept


def with_speakers(entries: list[Entry], sources: Mapping[str, Source], problems: list[Problem]) -> list[Entry]:
    """Entries whose section has a speaker (the source's ``speakers``) say who presented it, unless their answer
    already names them: "据县委副书记、县长某某介绍，…"."""
    out: list[Entry] = []
    for entry in entries:
        source = sources.get(entry.source)
        who = source.speakers.get(entry.section, "") if source is not None else ""
        if who and who[-2:] not in entry.answer:
            entry = replace(entry, answer=ZH.chars("speaker_prefix").format(speaker=who) + entry.answer)
        out.append(entry)
    for source in sources.values():
        for section in source.speakers:
            if source.sections and section not in source.sections:
                problems.append(
                    Problem(source.file, 1, f"speakers names section '{section}', which is not in sections")
                )
    return out


def _present_in(text: str, patterns: set[str]) -> set[str]:
    """Which of the patterns occur in the text, in one pass over the text."""
    patterns = {p for p in patterns if p}
    if not patterns:
        return set()
    if len(patterns) * len(text) <= 2_000_000:  # small: the built-in search is quicker than an automaton
        return {p for p in patterns if p in text}
    automaton = ahocorasick.Automaton()
    for pattern in patterns:
        automaton.add_word(pattern, pattern)
    automaton.make_automaton()
    seen: set[str] = set()
    for _end, pattern in automaton.iter(text):
        seen.add(pattern)
        if len(seen) == len(patterns):
            break
    return seen


def cross_checks(
    entries: list[Entry], synonyms: tuple[tuple[str, ...], ...], problems: list[Problem]
) -> list[Entry]:
    """Checks across entries; returns the entries with their matching keys filled in."""
    all_keys = iter(Normalizer(synonyms).normalize_many(q for e in entries for q in e.questions + e.keywords))
    owner: dict[str, tuple[Entry, int]] = {}
    keyed: list[Entry] = []
    for entry in entries:
        keyword_lines = (entry.line,) * len(entry.keywords)
        keys = tuple(next(all_keys) for _ in range(len(entry.questions) + len(entry.keywords)))
        keyed.append(replace(entry, keys=keys))
        for question, line, key in zip(
            entry.questions + entry.keywords, entry.question_lines + keyword_lines, keys, strict=True
        ):
            if not key:
                problems.append(Problem(entry.file, line, f"question '{question}' has no words left to match on"))
                continue
            first = owner.get(key)
            if first is None:
                owner[key] = (entry, line)
            elif first[0].id != entry.id and not (is_derived(first[0]) and is_derived(entry)):
                # (each source gives its own opening and headings, asked in the same words: both are offered)
                problems.append(
                    Problem(
                        entry.file,
                        line,
                        f"question or keyword '{question}' is also used by '{first[0].id}' "
                        f"({first[0].file}:{first[1]}); keep it in one entry only",
                    )
                )
    first_by_id: dict[str, Entry] = {}
    for entry in entries:
        other = first_by_id.get(entry.id)
        if other is not None:
            problems.append(
                Problem(entry.file, entry.line, f"duplicate id '{entry.id}' (first used at {other.file}:{other.line})")
            )
        else:
            first_by_id[entry.id] = entry
    for entry in entries:
        for related in entry.related:
            if related not in first_by_id:
                problems.append(Problem(entry.file, entry.line, f"related id '{related}' does not exist"))
            elif related == entry.id:
                problems.append(Problem(entry.file, entry.line, f"entry '{entry.id}' lists itself as related"))
    return keyed
