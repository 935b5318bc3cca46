"""Answerability checks: does an entry state what was asked?

Each check is a small named function registered here with the gap kinds it finds (:class:`~bot.engine.gaps.GapKind`),
in the order they run: :func:`find_gaps` runs them all for one question and one entry; an empty result means
the entry answers the question. A few checks find nothing of their own and amend what earlier ones found
(a name given in quotation marks, examples given by a list, a rank checked for a bigger area).

The words and patterns they use come from the language data (:mod:`bot.language`); what an entry states
comes from :class:`~bot.engine.facts.EntryFacts`. Part of the core: no Telegram here.
"""

from __future__ import annotations

from . import asked, figures, topics  # noqa: F401  (each registers its checks as it is imported, in this order)
from .registry import CHECKS, Asked, Check, check, find_gaps

WHO = topics.WHO  # 谁, 哪位: a question of who
WHO_FRAME = topics.WHO_FRAME  # words of asking who (哪位领导在发布会上介绍): not the topic asked about
numbered_phrases = topics.numbered_phrases

__all__ = ["CHECKS", "WHO", "WHO_FRAME", "Asked", "Check", "check", "find_gaps", "numbered_phrases"]
