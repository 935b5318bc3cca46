"""The deployment's place: which county the bot serves, the areas above it, the release it answers from.

It is read from ``place.yaml`` in the knowledge folder (:func:`bot.knowledge.load_knowledge`), so the next
county needs a new file, not new code. A base without one gets :data:`NEUTRAL`: wording that names no
county. Every resident- and admin-facing text that names the place, and every check about places (the
home county, the bigger areas a total may be asked for), reads it.

Part of the core: no Telegram here.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NEUTRAL", "Place", "short_name"]

_SUFFIXES = ("自治县", "县", "区", "市", "省", "旗")


def short_name(full: str) -> str:
    """A place's name without its administrative suffix (平遥县 → 平遥, 晋中市 → 晋中); a name of two
    characters keeps it (沁县 stays 沁县)."""
    for suffix in _SUFFIXES:
        if full.endswith(suffix) and len(full) - len(suffix) >= 2:
            return full[: -len(suffix)]
    return full


@dataclass(frozen=True)
class Place:
    """Where the bot is deployed, as the knowledge folder's ``place.yaml`` says."""

    name: str = "县情问答"  # the bot's name, in its greeting and menus
    county: str = ""  # the home county (平遥县); '' for a base that names none
    city: str = ""  # the city above it (晋中市)
    province: str = ""  # the province above that (…省)
    event: str = ""  # what the release reports, in full (…系列新闻发布会平遥县专场)
    event_short: str = ""  # the same, short (平遥县高质量发展发布会)
    topics: tuple[str, ...] = ()  # what the welcome lists ('' → the topic files' names)
    examples: tuple[str, ...] = ()  # /start's example questions, as residents would type them
    file: str = ""  # where it was read from ('' for the neutral place)

    @property
    def short(self) -> str:
        return short_name(self.county) if self.county else ""

    @property
    def home_names(self) -> tuple[str, ...]:
        """How the home county is named: in full and short (平遥县, 平遥)."""
        return tuple(dict.fromkeys(n for n in (self.county, self.short) if n))

    def about(self) -> str:
        """What the bot answers from, short: the event, or the release."""
        return self.event_short or (f"{self.county}的发布材料" if self.county else "发布材料")

    def source_of_answers(self) -> str:
        """What the bot answers from, in full."""
        return self.event or self.about()


NEUTRAL = Place()
