"""Learning from traffic: residents' signals become proposals an admin accepts with one tap.

Signals (all already in the question log, plus the ``picks`` table):

- an ``ambiguous`` reply, then a tap on one of the offered questions: that entry is the likely one;
- 👎 on an answer, then a tap on one of its related questions: the tapped entry is the likely one;
- ``no_match`` and ``partial`` questions (a partial reply's closest entry is a candidate).

Near-identical questions (the same normalised form, or very close by the engine's own similarity:
RapidFuzz ratio of the normalised and pinyin keys) are grouped, so one proposal covers them all with
a count of how often they were asked. A proposal is kept in SQLite under its key, so ✖ (ignore)
holds for good and buttons carry only its number. Questions the current base answers are dropped.

No Telegram here: the adapters render keyboards from :class:`bot.teaching.store.ProposalRecord`.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from html import escape

from rapidfuzz import fuzz, process

from .. import messages
from ..engine.matching import Matcher, Status
from ..engine.service import Loaded
from ..knowledge.model import Entry, KnowledgeBase
from ..language.text import pinyin_key
from ..privacy.mask import contains_private_data
from ..reports.texts import clip, standard_question
from ..storage import Storage
from .kbedit import describe_actor
from .store import ChangeRecord, ProposalRecord, Signal
from .yamledit import Hunk, clean_question

__all__ = [
    "Group",
    "group_signals",
    "history_html",
    "note_pick",
    "proposal_html",
    "refresh_proposals",
    "search_entries",
]

SIMILAR = 90.0  # RapidFuzz ratio (0-100) of two normalised questions that count as the same question
PICK_WINDOW = 30 * 60  # a tap counts as a pick for the person's last question asked this long before
SIGNAL_DAYS = 90  # proposals come from the questions of this many days
MAX_CHOICES = 5
_MASK = "＊"  # privacy.mask_private_data writes this over ID-card and mobile numbers


@dataclass
class Group:
    """Near-identical questions residents asked, and what they tell about the entry they want."""

    key: str
    texts: Counter[str] = field(default_factory=Counter)
    asked: int = 0
    last_asked: float = 0.0
    picks: Counter[str] = field(default_factory=Counter)  # entry id → picks after an ambiguous reply
    corrections: Counter[str] = field(default_factory=Counter)  # entry id → taps after a 👎
    partial: Counter[str] = field(default_factory=Counter)  # entry id → partial replies' closest entry
    near: Counter[str] = field(default_factory=Counter)  # entry ids the engine suggested
    teaches: bool = False  # a signal worth a proposal (a pick, a correction, no_match, partial)

    @property
    def question(self) -> str:
        """The representative question: the most asked wording (the shorter on a tie)."""
        return min(self.texts.items(), key=lambda item: (-item[1], len(item[0]), item[0]))[0]

    def likely(self) -> tuple[str | None, str]:
        """The likely entry and why: residents' picks first, then 👎 corrections, then a partial reply."""
        for counter, reason in ((self.picks, messages.REASON_PICKED), (self.corrections, messages.REASON_CORRECTED)):
            if counter:
                entry, count = counter.most_common(1)[0]
                return entry, reason.format(count=count)
        if self.partial:
            return self.partial.most_common(1)[0][0], messages.REASON_PARTIAL
        return None, ""


def _similar(key: str, keys: list[str], pinyins: list[str]) -> int | None:
    if not keys:
        return None
    found = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=SIMILAR)
    if found is not None:
        return int(found[2])
    found = process.extractOne(pinyin_key(key), pinyins, scorer=fuzz.ratio, score_cutoff=SIMILAR)
    return int(found[2]) if found is not None else None


def group_signals(signals: list[Signal], matcher: Matcher, *, seeds: tuple[str, ...] = ()) -> list[Group]:
    """Group the logged questions by their normalised form (or a very close one); ``seeds`` are keys of
    existing proposals, so that a question close to one joins it (and an ignored one stays ignored)."""
    groups: list[Group] = [Group(seed) for seed in seeds]
    keys = [g.key for g in groups]
    pinyins = [pinyin_key(k) for k in keys]
    by_key = {k: i for i, k in enumerate(keys)}
    for signal in signals:
        text = clean_question(signal.text)
        if not text or _MASK in text or contains_private_data(text):
            continue
        key = matcher.normalizer.normalize(text)
        if not key:
            continue
        index = by_key.get(key)
        if index is None:
            index = _similar(key, keys, pinyins)
        if index is None:
            index = len(groups)
            groups.append(Group(key))
            keys.append(key)
            pinyins.append(pinyin_key(key))
        by_key[key] = index
        group = groups[index]
        group.texts[text] += 1
        group.asked += 1
        group.last_asked = max(group.last_asked, signal.ts)
        group.near.update(signal.suggestions)
        if signal.picked and signal.pick_kind == "thumbs_down":
            group.corrections[signal.picked] += 1
            group.teaches = True
        elif signal.picked:
            group.picks[signal.picked] += 1
            group.teaches = True
        if signal.status == "partial" and signal.entry_id:
            group.partial[signal.entry_id] += 1
        if signal.status in ("no_match", "partial"):
            group.teaches = True
    return [g for g in groups if g.asked and g.teaches]


def refresh_proposals(storage: Storage, loaded: Loaded, *, now: float | None = None) -> list[ProposalRecord]:
    """Bring the proposals up to date with the question log; the open ones, the most asked first."""
    now = time.time() if now is None else now
    kb, matcher = loaded.kb, loaded.matcher
    known = storage.proposals(statuses=("open", "ignored"))
    groups = group_signals(storage.learning_signals(since=now - SIGNAL_DAYS * 86400), matcher,
                           seeds=tuple(p.key for p in known))
    status = {p.key: p.status for p in known}
    groups.sort(key=lambda g: (-g.asked, -g.last_asked))  # new proposals are numbered the way they are shown
    for group in groups:
        if status.get(group.key) == "ignored":
            continue
        result = matcher.match(group.question)
        entry_id, reason = group.likely()
        if entry_id is not None and entry_id not in kb.by_id:
            entry_id, reason = None, ""
        answered = result.entry.id if result.status is Status.ANSWERED and result.entry is not None else None
        # answered now (learnt, or edited by hand) is done, unless residents said it is the wrong entry (👎)
        if result.status is Status.SMALLTALK or (answered is not None and entry_id in (None, answered)):
            if status.get(group.key) == "open":
                found = storage.proposal_by_key(group.key)
                if found is not None:
                    storage.set_proposal_status(found.id, "answered", expect="open")
            continue
        if entry_id is None and result.status is Status.PARTIAL and result.entry is not None:
            entry_id, reason = result.entry.id, messages.REASON_PARTIAL
        choices = _choices(kb, group, [c.entry.id for c in result.candidates], entry_id)
        storage.save_proposal(
            group.key, question=group.question, texts=group.texts.most_common(10), asked=group.asked,
            last_asked=group.last_asked, entry_id=entry_id, reason=reason, choices=choices,
        )
    return storage.proposals()


def _choices(kb: KnowledgeBase, group: Group, engine: list[str], likely: str | None) -> list[str]:
    """The entries 🔁 offers: what residents picked, then the engine's candidates now, then its earlier ones."""
    ordered = [e for e, _ in (group.picks + group.corrections + group.partial).most_common()]
    ordered += engine
    ordered += [e for e, _ in group.near.most_common()]
    return [e for e in dict.fromkeys(ordered) if e != likely and e in kb.by_id][:MAX_CHOICES]


def note_pick(storage: Storage, kb: KnowledgeBase, user_id: int, entry_id: str, *, now: float | None = None) -> str:
    """A resident tapped an entry's question: record it as a label for their last question, if it is one.

    Returns the kind recorded ('ambiguous' or 'thumbs_down'), or '' when the tap says nothing
    (browsing /topics, a related question after a good answer).
    """
    now = time.time() if now is None else now
    last = storage.last_question(user_id, since=now - PICK_WINDOW)
    if last is None or last.entry_id == entry_id:
        return ""
    if last.status in ("ambiguous", "partial", "no_match") and entry_id in last.suggestions:
        storage.record_pick(last.id, entry_id, "ambiguous")
        return "ambiguous"
    if last.status == "answered" and last.entry_id is not None and storage.voted_down(
        user_id, last.entry_id, since=last.ts
    ):
        answered = kb.by_id.get(last.entry_id)
        if answered is not None and (entry_id in answered.related or entry_id in last.suggestions):
            storage.record_pick(last.id, entry_id, "thumbs_down")
            return "thumbs_down"
    return ""


def search_entries(loaded: Loaded, query: str, *, limit: int = 6) -> list[Entry]:
    """Entries an admin may mean by ``query``: the engine's own answer and candidates, then text matches."""
    kb, matcher = loaded.kb, loaded.matcher
    found: list[Entry] = []
    result = matcher.match(query)
    if result.entry is not None:
        found.append(result.entry)
    found += [c.entry for c in result.candidates]
    key = matcher.normalizer.normalize(query) or query.strip().lower()
    if key:
        for entry in kb.entries:
            haystack = " ".join((entry.id, *entry.keys, matcher.normalizer.normalize(entry.answer)))
            if key in haystack:
                found.append(entry)
    return list(dict.fromkeys(found))[:limit]


# --------------------------------------------------------------------------------------------------
# text for admins (HTML, escaped; the command line strips the tags)


def proposal_html(proposal: ProposalRecord, kb: KnowledgeBase, *, choices: bool = False, ids: bool = False) -> str:
    """A proposal as an admin reads it: the questions, how often, the proposed entry and its answer. Entries are
    named by their standard questions; with ``ids`` (the command line, where ``learn add`` takes an entry's id)
    also by their ids, and with ``choices`` the other entries 🔁 would offer are listed (the terminal has no
    buttons)."""
    lines = [messages.PROPOSAL_HEAD.format(id=proposal.id, asked=proposal.asked), messages.PROPOSAL_ASKED]
    lines += [messages.PROPOSAL_TEXT.format(text=escape(text), count=count) for text, count in proposal.texts[:5]]
    if len(proposal.texts) > 5:
        lines.append("· …")
    entry = kb.by_id.get(proposal.entry_id) if proposal.entry_id else None
    if entry is not None:
        why = escape(proposal.reason or messages.REASON_ENGINE)
        canonical, answer = escape(entry.canonical_question), escape(entry.answer)
        lines.append(messages.PROPOSAL_ENTRY.format(entry=escape(entry.id), why=why, canonical=canonical, answer=answer)
                     if ids else messages.PROPOSAL_ENTRY_NAMED.format(why=why, canonical=canonical, answer=answer))
    elif proposal.entry_id:  # gone from the base: its id is all there is to name it by
        lines.append(messages.PROPOSAL_ENTRY_GONE.format(entry=escape(proposal.entry_id)))
    else:
        lines.append(messages.PROPOSAL_NO_ENTRY)
    if choices:
        offered = [kb.by_id[c] for c in proposal.choices if c in kb.by_id]
        if offered:
            lines.append(messages.PROPOSAL_CHOICES)
            lines += [messages.PROPOSAL_CHOICE.format(entry=escape(e.id), canonical=escape(e.canonical_question))
                      if ids else messages.PROPOSAL_CHOICE_NAMED.format(canonical=escape(e.canonical_question))
                      for e in offered]
    return "\n".join(lines)


def history_html(changes: list[ChangeRecord], tz: tzinfo | None = None, *,
                 names: Mapping[int, str] | None = None, kb: KnowledgeBase | None = None) -> str:
    """The recent edits, newest first, numbered: when, who (by name, from ``names``), which standard question
    (from ``kb``; the entry id without it) got or lost which wording, and where."""
    if not changes:
        return messages.HISTORY_NONE
    lines = [messages.HISTORY_TITLE]
    for change in changes:
        when = datetime.fromtimestamp(change.ts, tz).strftime("%m-%d %H:%M")
        common = dict(id=change.id, when=when, actor=escape(describe_actor(change.actor, names)),
                      file=escape(change.file), entry=escape(clip(standard_question(kb, change.entry_id), 30)),
                      question=escape(clip(change.question)))
        if change.action == "undo":
            lines.append(messages.HISTORY_UNDO.format(reverts=change.reverts, **common))
        else:
            hunk = Hunk.from_json(change.hunk)
            undone = messages.HISTORY_UNDONE.format(id=change.undone_by) if change.undone_by else ""
            lines.append(messages.HISTORY_ADD.format(line=hunk.line + len(hunk.added) - 1, undone=undone, **common))
    lines.append(messages.HISTORY_FOOTER)
    return "\n".join(lines)
