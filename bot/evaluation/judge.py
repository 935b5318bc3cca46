"""Judge ``ask --json`` output against a fresh question set labelled with facts from the release.

Fresh sets (``tests/data/fresh_*.yaml``) are written by people who saw only the release, so they
cannot name knowledge-base entries. Each in-scope question instead lists short ``facts`` copied from
the release that a right answer must contain (``parts``: one list per asked part of a compound
question); out-of-scope questions carry a ``kind`` (``unmentioned``, ``near_miss``, ``elsewhere``).

Outcomes, as the held-out judge counts them:

- in scope: *right* when the status is ``answered`` and the answer states every fact; *wrong* when it
  is ``answered`` and does not; otherwise *declined* (``partial``, ``ambiguous``, ``no_match``), which
  is safe but not an answer.
- out of scope: *declined as it should be* unless the status is ``answered``.

The judge reads JSON objects, so it measures any build of the engine the same way (``python -m bot
judge SET --answers FILE`` scores the output of an older build).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..language.text import Normalizer, chinese_numerals_to_digits

__all__ = ["FreshItem", "SetReport", "judge_set", "load_fresh_set", "states_facts"]

_DROP = re.compile(r"[^\u4e00-\u9fff\u3400-\u4dbfa-z0-9.%]+")


def _fold(text: str) -> str:
    """Script, width, numerals and punctuation folded, so 四十户 and “40户” compare equal."""
    return _DROP.sub("", chinese_numerals_to_digits(Normalizer.fold(text)))


@dataclass(frozen=True)
class FreshItem:
    question: str
    group: str  # in_scope, noisy, out_of_scope
    parts: tuple[tuple[str, ...], ...] = ()  # facts per asked part (one part for a simple question)
    kind: str = ""  # out of scope: unmentioned, near_miss, elsewhere; in scope: compound or ''
    entry_id: str = ""  # dev sets name the expected entry instead of facts

    @property
    def in_scope(self) -> bool:
        return self.group != "out_of_scope"


def load_fresh_set(path: str | Path) -> list[FreshItem]:
    """Read a labelled set: fresh sets (facts) and the dev set (entry ids) alike."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    items: list[FreshItem] = []
    for group in ("in_scope", "noisy"):
        for raw in data.get(group) or ():
            if "parts" in raw:
                parts = tuple(tuple(str(f) for f in part) for part in raw["parts"])
                items.append(FreshItem(str(raw["q"]), group, parts, "compound" if len(parts) > 1 else ""))
            elif "facts" in raw:
                items.append(FreshItem(str(raw["q"]), group, (tuple(str(f) for f in raw["facts"]),)))
            else:
                items.append(FreshItem(str(raw["q"]), group, entry_id=str(raw["id"])))
    for raw in data.get("out_of_scope") or ():
        if isinstance(raw, str):
            items.append(FreshItem(raw, "out_of_scope", kind="unlabelled"))
        else:
            items.append(FreshItem(str(raw["q"]), "out_of_scope", kind=str(raw.get("kind", "unlabelled"))))
    return items


@dataclass
class SetReport:
    counts: Counter[str] = field(default_factory=Counter)
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (group, question, what happened)

    def rate(self, good: str, total: str) -> float:
        return self.counts[good] / self.counts[total] if self.counts[total] else 0.0

    def figures(self) -> dict[str, float]:
        return {
            "right": self.rate("in:right", "in"),
            "wrong": self.rate("in:wrong", "in"),
            "noisy_right": self.rate("noisy:right", "noisy"),
            "noisy_wrong": self.rate("noisy:wrong", "noisy"),
            "compound_right": self.rate("compound:right", "compound"),
            "oos_declined": self.rate("oos:declined", "oos"),
            **{
                f"oos_{kind}": self.rate(f"oos_{kind}:declined", f"oos_{kind}")
                for kind in ("unmentioned", "near_miss", "elsewhere")
                if self.counts[f"oos_{kind}"]
            },
        }

    def summary(self) -> str:
        c = self.counts
        lines = [
            f"in scope  right {c['in:right']}/{c['in']} ({self.rate('in:right', 'in'):.1%})"
            f"  wrong {c['in:wrong']} ({self.rate('in:wrong', 'in'):.1%})"
            f"  compound right {c['compound:right']}/{c['compound']}",
        ]
        if c["noisy"]:
            lines.append(
                f"noisy     right {c['noisy:right']}/{c['noisy']} ({self.rate('noisy:right', 'noisy'):.1%})"
                f"  wrong {c['noisy:wrong']} ({self.rate('noisy:wrong', 'noisy'):.1%})"
            )
        kinds = "  ".join(
            f"{kind} {c[f'oos_{kind}:declined']}/{c[f'oos_{kind}']}"
            for kind in ("unmentioned", "near_miss", "elsewhere", "unlabelled")
            if c[f"oos_{kind}"]
        )
        declined = f"{c['oos:declined']}/{c['oos']} ({self.rate('oos:declined', 'oos'):.1%})"
        lines.append(f"out of scope declined {declined}  {kinds}")
        return "\n".join(lines)


def states_facts(answer: str, facts: Iterable[str]) -> bool:
    """Whether an answer states every fact (script, width, numerals and punctuation folded)."""
    folded = _fold(answer)
    return all(_fold(fact) in folded for fact in facts)


def _stated(reply: Mapping[str, Any], *, with_quote: bool) -> str:
    """What a reply states: its answer, and with ``with_quote`` the verbatim quotes it cites as well."""
    text = str(reply.get("answer", ""))
    if with_quote:
        citations = [reply.get("citation")] + [p.get("citation") for p in reply.get("parts") or ()]
        text += "".join(str(c.get("quote", "")) for c in citations if c)
    return text


def judge_one(item: FreshItem, reply: Mapping[str, Any], *, with_quote: bool = False) -> str:
    """'right', 'wrong' or 'declined' for an in-scope item; 'declined' or 'answered' out of scope."""
    answered = reply.get("status") == "answered"
    if not item.in_scope:
        return "answered" if answered else "declined"
    if not answered:
        return "declined"
    if item.entry_id:
        ids = {reply.get("entry_id")} | {p.get("entry_id") for p in reply.get("parts") or ()}
        return "right" if item.entry_id in ids else "wrong"
    text = _stated(reply, with_quote=with_quote)
    return "right" if all(states_facts(text, part) for part in item.parts) else "wrong"


def judge_set(
    items: Iterable[FreshItem], ask: Callable[[str], Mapping[str, Any]], *, with_quote: bool = False
) -> SetReport:
    """Ask every question and count the outcomes by group and kind (facts in the answer, or in its quote too)."""
    report = SetReport()
    for item in items:
        reply = ask(item.question)
        outcome = judge_one(item, reply, with_quote=with_quote)
        offered = [s.get("entry_id") for s in reply.get("suggestions") or ()]
        what = f"{reply.get('status')} {reply.get('entry_id') or offered}"
        if item.in_scope:
            group = "noisy" if item.group == "noisy" else "in"
            report.counts[group] += 1
            report.counts[f"{group}:{outcome}"] += 1
            if item.kind == "compound":
                report.counts["compound"] += 1
                report.counts[f"compound:{outcome}"] += 1
            if outcome != "right":
                expected = item.entry_id or " | ".join("、".join(p) for p in item.parts)
                report.misses.append((f"{group}:{outcome}", item.question, f"{what}  expected {expected}"))
        else:
            report.counts["oos"] += 1
            report.counts[f"oos_{item.kind}"] += 1
            if outcome == "declined":
                report.counts["oos:declined"] += 1
                report.counts[f"oos_{item.kind}:declined"] += 1
            else:
                report.misses.append((f"oos:{item.kind}", item.question, what))
    return report
