"""The deployment's place: which county the bot serves, the areas above it, the release it answers from.

It is read from ``place.yaml`` in the knowledge folder (:func:`bot.knowledge.load.load_knowledge`), so the next
county needs a new file, not new code. A base without one gets :data:`NEUTRAL`: wording that names no
county. Every resident- and admin-facing text that names the place, and every check about places (the
home county, the bigger areas a total may be asked for), reads it.

Part of the core: no Telegram here.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NEUTRAL", "Place"]


@dataclass(frozen=True)
class Place:
    """Where the bot is deployed, as the knowledge folder's ``place.yaml`` says."""

    name: str = ""  # the bot's name, in its greeting and menus ('' → messages.NEUTRAL_NAME)
    county: str = ""  # the home county (平遥县); '' for a base that names none
    city: str = ""  # the city above it (晋中市)
    province: str = ""  # the province above that (…省)
    event: str = ""  # what the release reports, in full (…系列新闻发布会平遥县专场)
    event_short: str = ""  # the same, short (平遥县高质量发展发布会)
    topics: tuple[str, ...] = ()  # what the welcome lists ('' → the topic files' names)
    examples: tuple[str, ...] = ()  # /start's example questions, as residents would type them
    file: str = ""  # where it was read from ('' for the neutral place)


NEUTRAL = Place()
