"""Turn a MatchResult into what people read: plain text (terminal chat, CLI) and JSON (``ask --json``).

The Telegram adapter renders HTML from the same pieces (:func:`citation_of`, :mod:`bot.messages`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from .. import messages
from ..knowledge.model import Entry, KnowledgeBase, quote_key
from ..place import Place
from ..privacy.mask import excerpt
from .gaps import GapKind
from .matching import Gap, MatchResult, Status

__all__ = [
    "Citation",
    "citation_of",
    "describe_gaps",
    "example_questions",
    "out_of_scope_text",
    "place_words",
    "refusal_text",
    "render_text",
    "smalltalk_text",
    "to_json",
]


@dataclass(frozen=True)
class Citation:
    source: str
    title: str
    section: str
    quote: str


def citation_of(kb: KnowledgeBase, entry: Entry) -> Citation:
    source = kb.source_of(entry)
    return Citation(source=source.id, title=source.title, section=entry.section, quote=entry.quote)


_TERM_KINDS = frozenset({"words", "ask:kind", "ask:measure", "qualifier"})  # gaps told by the term asked (“入住率”)


def describe_gaps(gaps: tuple[Gap, ...], kb: KnowledgeBase | None = None) -> str:
    """What the release does not state of what was asked, in words a resident reads. A term the release does
    state, of something else (入住率 of all institutions, asked of 护理型床位), is not said to be missing from it:
    only from the thing asked about (``kb``: its sources are looked in)."""
    said: list[str] = []
    terms = [g.detail for g in gaps if g.kind in _TERM_KINDS and g.detail]
    # (the sources are read only when a gap is told by its term)
    sources = "\n".join(_fold(s.text) for s in kb.sources.values()) if kb is not None and terms else ""
    told = {kind for g in gaps for kind in messages.GAP_SAYS_ALSO.get(g.kind, ())}
    for gap in gaps:
        if gap.kind in told:
            continue  # 价格 says 金额 and 按人、按月 too
        if gap.kind in _TERM_KINDS and gap.detail and sources and _fold(gap.detail) in sources:
            text = messages.GAP_STATED_OF_ANOTHER.format(detail=gap.detail)
        elif gap.kind == "counted":
            text = messages.GAP_KINDS["counted"].format(detail=messages.COUNTED_WHAT.get(gap.detail, "这个数"))
        elif gap.detail or "{detail}" not in messages.GAP_KINDS[gap.kind]:
            text = messages.GAP_KINDS[gap.kind].format(detail=gap.detail)
        else:
            continue  # a kind told by its detail, without one: the generic text says it
        if text not in said:
            said.append(text)
    return "、".join(said[:2]) or messages.GAP_GENERIC


def _listed(items: tuple[str, ...], last: str) -> str:
    """科技创新、城乡融合和养老服务 (``last`` joins the last two)."""
    return "、".join(items[:-1]) + last + items[-1] if len(items) > 1 else "".join(items)


def example_questions(kb: KnowledgeBase) -> tuple[str, ...]:
    """The example questions shown to residents: the place file's, else the first entries' standard questions."""
    return kb.place.examples or tuple(e.canonical_question for e in kb.entries[:3])


def place_words(kb: KnowledgeBase) -> dict[str, str]:
    """The values a text that names the deployment is filled with (see :mod:`bot.messages`)."""
    place = kb.place
    covered = place.topics or kb.topics[:5]
    examples = example_questions(kb)
    about = place.event_short or (
        messages.ABOUT_COUNTY.format(county=place.county) if place.county else messages.ABOUT_NEUTRAL
    )
    return {
        "name": place.name or messages.NEUTRAL_NAME,
        "county": place.county,
        "about": about,
        "event": place.event or about,
        "topics": _listed(covered, "和") or "发布材料里的数字和做法",
        "topic_list": "、".join(covered) or "发布材料里",
        "example": examples[0] if examples else "",
    }


def smalltalk_text(kind: str, kb: KnowledgeBase) -> str:
    """The reply to small talk, naming the deployment."""
    template = messages.SMALLTALK.get(kind, messages.SMALLTALK["greeting"])
    return template.format(**place_words(kb))


def out_of_scope_text(term: str, place: Place) -> str:
    """Why a question about another place or subject is not answered."""
    if place.county:
        return messages.NO_MATCH_OUT_OF_SCOPE.format(county=place.county, term=term)
    return messages.NO_MATCH_OUT_OF_SCOPE_NEUTRAL.format(term=term)


def _fold(term: str) -> str:
    return unicodedata.normalize("NFKC", term).strip().lower()


def refusal_text(term: str, kb: KnowledgeBase) -> str:
    """Why a question naming ``term`` is declined: another place (scope.yaml's other_places) or a subject the
    release does not cover (not_covered, and anything else the matcher blocked on)."""
    if _fold(term) in {_fold(p) for p in kb.scope.other_places}:
        if kb.place.county:
            return messages.REFUSE_OTHER_PLACE.format(county=kb.place.county, term=term)
        return messages.REFUSE_OTHER_PLACE_NEUTRAL.format(term=term)
    return messages.REFUSE_NOT_COVERED.format(term=term)


def partial_intro(result: MatchResult, kb: KnowledgeBase | None = None) -> str:
    """The first words of a partial reply: what the release does not state, then that the closest fact follows."""
    return messages.REFUSE_PARTIAL.format(missing=describe_gaps(result.gaps, kb))


def _part_text(result: MatchResult, kb: KnowledgeBase, *, part: bool = False) -> str:
    """The reply to one question or one part of a message (``part``: the older wording), without the citation."""
    if result.status is Status.ANSWERED and result.entry is not None:
        return claim_verdict(result) + result.entry.answer
    if result.status is Status.PARTIAL and result.entry is not None:
        if not part:
            return partial_intro(result, kb) + result.entry.answer
        return messages.PARTIAL.format(missing=describe_gaps(result.gaps, kb)) + result.entry.answer
    if result.status is Status.SMALLTALK:
        return smalltalk_text(result.smalltalk, kb)
    if result.status is Status.AMBIGUOUS:
        return messages.PART_AMBIGUOUS
    if result.out_of_scope:
        return out_of_scope_text(result.out_of_scope, kb.place)
    return messages.PART_NOT_COVERED


def claim_verdict(result: MatchResult) -> str:
    """What the reply says first to a message that checks a claim: that it holds, or that the release says
    otherwise (the answer that follows gives the release's fact); '' when nothing is checked."""
    if result.claim is None:
        return ""
    return messages.CLAIM_VERDICTS[str(result.claim.verdict)].format(said=result.claim.said)


def cited(result: MatchResult) -> bool:
    """Whether the reply states a fact of an entry (and so carries its citation)."""
    return result.entry is not None and result.status in (Status.ANSWERED, Status.PARTIAL)


def part_heading(part: MatchResult) -> str:
    """A part's heading: the last words of what the resident asked (at most 15 characters, private numbers
    masked), so a story told before the question is never echoed back in full."""
    return messages.PART_HEADING.format(question=excerpt(part.question))


def comparison_line(result: MatchResult) -> str:
    """The two compared figures in one sentence, and a line break (A和B哪个多); '' when nothing is compared."""
    return result.comparison.text + "\n" if result.comparison is not None else ""


def answer_text(result: MatchResult, kb: KnowledgeBase) -> str:
    """The answer a resident gets: answered, partial, compound and smalltalk results; '' otherwise."""
    if result.compound:
        return comparison_line(result) + "\n".join(
            part_heading(part) + _part_text(part, kb, part=True)
            for part in result.parts
        )
    if cited(result) or result.status is Status.SMALLTALK:
        return comparison_line(result) + _part_text(result, kb)
    return ""


def _in_own_words(text: str, entry: Entry | None) -> str:
    """The reply with the release's own words (原文) after it, as the chat shows them under every answer.

    A curated answer says the fact plainly (全县农村客运通村率达到100%); the quote is what the release
    says (农村客运通村率100%). Whoever reads the JSON alone gets both, as a resident does in a chat; a quote
    the answer already contains word for word is not repeated.
    """
    if entry is None or not entry.quote:
        return text
    if quote_key(entry.quote) in quote_key(text):
        return text
    return text + "\n" + messages.CITATION_QUOTE.format(quote=entry.quote)


def _json_answer(result: MatchResult, kb: KnowledgeBase) -> str:
    if result.compound:
        return comparison_line(result) + "\n".join(
            part_heading(part)
            + _in_own_words(_part_text(part, kb, part=True), part.entry if cited(part) else None)
            for part in result.parts
        )
    return _in_own_words(answer_text(result, kb), result.entry if cited(result) else None)


def _json_part(part: MatchResult, kb: KnowledgeBase) -> dict[str, Any]:
    entry = part.entry if cited(part) else None
    return {
        "question": part.question,
        "status": str(part.status),
        "answer": _in_own_words(_part_text(part, kb, part=True), entry),
        "entry_id": entry.id if entry is not None else None,
        "citation": citation_of(kb, entry).__dict__ if entry is not None else None,
    }


def to_json(result: MatchResult, kb: KnowledgeBase) -> dict[str, Any]:
    """The JSON object of ``ask --json``."""
    entry = result.entry if cited(result) else None
    citation = citation_of(kb, entry).__dict__ if entry is not None else None
    suggestions = (
        [{"entry_id": c.entry.id, "question": c.entry.canonical_question, "score": c.score} for c in result.candidates]
        if result.status in (Status.AMBIGUOUS, Status.NO_MATCH)
        else []
    )
    reply: dict[str, Any] = {
        "question": result.question,
        "status": str(result.status),
        "answer": _json_answer(result, kb),
        "entry_id": entry.id if entry is not None else None,
        "score": round(float(result.score), 1),
        "citation": citation,
        "suggestions": suggestions,
    }
    if result.compound:
        reply["parts"] = [_json_part(part, kb) for part in result.parts]
    if result.comparison is not None:
        reply["comparison"] = result.comparison.text
    if result.claim is not None:
        reply["claim"] = {"said": result.claim.said, "verdict": str(result.claim.verdict)}
    return reply


def render_citation_text(citation: Citation) -> str:
    head = messages.CITATION_SOURCE.format(title=citation.title)
    if citation.section:
        head += messages.CITATION_SECTION.format(section=citation.section)
    return head + "\n" + messages.CITATION_QUOTE.format(quote=citation.quote)


def render_text(result: MatchResult, kb: KnowledgeBase) -> str:
    """The reply as plain text, the same content the Telegram bot sends."""
    if result.status is Status.SMALLTALK:
        return answer_text(result, kb)
    if result.compound:
        blocks = []
        for part in result.parts:
            heading = part_heading(part)
            block = heading + "\n" + _part_text(part, kb, part=True)
            if cited(part) and part.entry is not None:
                block += "\n" + render_citation_text(citation_of(kb, part.entry))
            blocks.append(block)
        return comparison_line(result) + "\n\n".join(blocks)
    if cited(result) and result.entry is not None:
        text = comparison_line(result) + _part_text(result, kb)
        text += "\n\n" + render_citation_text(citation_of(kb, result.entry))
        return text + ("\n" + messages.PARTIAL_HINT if result.status is Status.PARTIAL else "")
    if result.status is Status.AMBIGUOUS:
        lines = [messages.AMBIGUOUS_INTRO]
        lines += [f"{i}. {c.entry.canonical_question}" for i, c in enumerate(result.candidates, 1)]
        lines.append(messages.AMBIGUOUS_HINT)
        return "\n".join(lines)
    return fallback_text(result, kb)


def fallback_text(result: MatchResult, kb: KnowledgeBase) -> str:
    """What to say when nothing in the release answers the question, with a way forward."""
    if not (result.question or "").strip():
        return messages.EMPTY_QUESTION.format(**place_words(kb))
    if result.out_of_scope:
        return refusal_text(result.out_of_scope, kb) + "\n" + messages.NO_MATCH_HINT
    if any(g.kind is GapKind.SUBJECT for g in result.gaps):
        return messages.NO_SUBJECT.format(**place_words(kb))
    return messages.REFUSE_NOT_FOUND + "\n" + messages.NO_MATCH_HINT
