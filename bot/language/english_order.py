"""English phrases put in Chinese order (the phrase owned after its owner, the thing asked after what it is
asked of), for :class:`bot.language.english.EnglishReader`. Part of the core: no Telegram here.
"""

from __future__ import annotations

__all__ = [
    "ARTICLE", "ASKED_AFTER", "AUXILIARY", "LETTERS", "NOUN", "OTHER", "OWNER", "POSSESSIVE", "VERB", "chinese_order",
]

_OWNED_BEFORE = "的"  # what joins an owner to the thing it owns, in Chinese order

NOUN, OWNER, ARTICLE, OTHER, LETTERS, VERB = "noun", "owner", "article", "other", "letters", "verb"
_JOINED, ASKED_AFTER = "joined", "asked after"  # 的 between an owner and the thing owned; "what is"
POSSESSIVE = "possessive"  # a noun typed with 's: it names the owner of the phrase after it, not part of it
AUXILIARY = "auxiliary"  # do, does, did after an asked phrase: the clause it begins is what the phrase is asked of
_IN_NOUN_PHRASE = (NOUN, ARTICLE, LETTERS, _JOINED)  # (a word the lexicon does not know may describe the thing)


def chinese_order(
    units: list[tuple[str, str]], counting: tuple[str, ...], asking: tuple[str, ...] = ()
) -> list[tuple[str, str]]:
    """The phrases in Chinese order: an asked phrase after the clause it is asked of (:func:`_asked_at_the_end`),
    each owner after its owned (:func:`_owned_after_owner`), then each "what is" after the phrase of nouns that
    follows it (入住率是什么)."""
    units = _owned_after_owner(_asked_at_the_end(units, asking), counting)
    at = 0
    while at < len(units):
        if units[at][1] != ASKED_AFTER:
            at += 1
            continue
        end = at + 1  # (what describes the thing may come before it: the current occupancy rate)
        while end < len(units) and units[end][1] not in (VERB, OWNER, ASKED_AFTER):
            end += 1
        while end > at + 1 and units[end - 1][1] not in (NOUN, _JOINED):
            end -= 1
        if any(kind == NOUN for _, kind in units[at + 1 : end]):
            units[at:end] = [*units[at + 1 : end], units[at]]
        at = end
    return units


def _asked_at_the_end(units: list[tuple[str, str]], asking: tuple[str, ...]) -> list[tuple[str, str]]:
    """English asks first and Chinese last: "how many beds do the institutions have" is 养老机构有多少床位. A phrase
    that starts with a question word (the Chinese of ``asking``: 多少, 什么, 哪) and names things, then an auxiliary
    (do, does, did) and a clause that names a thing, becomes the clause and the phrase."""
    for at, (_, kind) in enumerate(units):
        if kind != AUXILIARY or at == 0:
            continue
        start = at - 1
        while start > 0 and units[start][1] in _IN_NOUN_PHRASE and not units[start][0].startswith(asking):
            start -= 1
        asked, clause = units[start:at], units[at + 1 :]
        if (
            asking
            and asked[0][0].startswith(asking)
            and any(kind == NOUN for _, kind in asked)
            and any(kind == NOUN for _, kind in clause)
            and not any(kind == LETTERS for _, kind in clause)  # (a word not read may be what the clause is about)
        ):
            return [*units[:start], *clause, *asked]
    return units


def _owned_after_owner(units: list[tuple[str, str]], counting: tuple[str, ...]) -> list[tuple[str, str]]:
    """The phrases in Chinese order: a noun phrase, an owner word (of) and a noun phrase, "the export value of the
    fertilizer products", become the second, 的 and the first (硝基复合肥产品的出口额); each phrase is a run of
    nouns (with words left in letters among them) that names at least one noun. The phrase before the owner word
    begins at its article (the revision of …, not "company led the revision of …"); the one after it ends at its
    last noun (a word in letters after it is more likely what is done than a thing)."""
    units = list(units)
    at = 0
    while at < len(units):
        if units[at][1] != OWNER:
            at += 1
            continue
        start = at
        while start > 0 and units[start - 1][1] in _IN_NOUN_PHRASE:
            start -= 1
            if units[start][1] == ARTICLE:
                break
        end = at + 1
        while end < len(units) and units[end][1] in (*_IN_NOUN_PHRASE, POSSESSIVE):  # (of the county's products)
            end += 1
        while end > at + 1 and units[end - 1][1] != NOUN:
            end -= 1
        owned, owner = units[start:at], units[at + 1 : end]
        counted = start > 0 and units[start - 1][0].endswith(counting) if counting else False
        if counted or not any(kind == NOUN for _, kind in owned) or not any(kind == NOUN for _, kind in owner):
            at += 1
            continue
        units[start:end] = [*owner, (_OWNED_BEFORE, _JOINED), *owned]
        at = start + len(owner) + 1 + len(owned)
    return units
