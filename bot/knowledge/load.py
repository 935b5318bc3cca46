"""Load and validate a knowledge folder into a :class:`~bot.knowledge.model.KnowledgeBase`.

Every problem found is reported as a :class:`~bot.knowledge.problems.Problem` carrying the file and line, so an
admin can fix it; :func:`load_knowledge` raises :class:`~bot.knowledge.problems.KnowledgeError` with the
complete list and never returns a half-loaded base. The folder's layout is described in :mod:`bot.knowledge.model`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from types import MappingProxyType

from yaml.nodes import SequenceNode

from ..language import ZH
from ..language.text import Normalizer
from ..place import NEUTRAL, Place
from .derived import derived_entries
from .extras import Extras, read_extras
from .model import Entry, EntryTuple, KnowledgeBase, Scope, Source, quote_key
from .problems import KnowledgeError, Problem
from .sources import load_sources
from .topics import load_topic, topic_files
from .verify import cross_checks, verify_quotes, with_speakers
from .yamlread import YamlReader, read_text, shown_name

__all__ = ["PLACE_FIELDS", "knowledge_files", "load_knowledge", "load_settings", "with_common_synonyms"]

PLACE_FIELDS = {"name", "county", "city", "province", "event", "event_short", "topics", "examples"}


def _load_term_groups(directory: Path, problems: list[Problem]) -> tuple[tuple[str, ...], ...]:
    path = directory / "synonyms.yaml"
    if not path.exists():
        return ()
    name = shown_name(path, directory)
    reader = YamlReader(name)
    text = read_text(path, name, problems)
    node = reader.compose(text) if text is not None else None
    groups: list[tuple[str, ...]] = []
    if node is not None:
        fields = reader.mapping(node, "synonyms.yaml") or {}
        reader.unknown_fields(fields, {"synonyms"}, "synonyms.yaml")
        seen: dict[str, int] = {}
        if "synonyms" in fields:
            group_nodes = fields["synonyms"][1]
            if not isinstance(group_nodes, SequenceNode):
                reader.problem(group_nodes, "synonyms must be a list of groups, e.g. - [养老机构, 养老院]")
            else:
                for group_node in group_nodes.value:
                    terms = [t for t, _ in reader.text_list(group_node, "a synonym group")]
                    if isinstance(group_node, SequenceNode) and len(terms) < 2:
                        reader.problem(group_node, "a synonym group needs at least two words")
                        continue
                    for term in terms:
                        line = group_node.start_mark.line + 1
                        if term in seen and seen[term] != line:
                            reader.problem(
                                group_node, f"'{term}' is already in the group on line {seen[term]}; merge the groups"
                            )
                        seen[term] = line
                    if len(terms) >= 2:
                        groups.append(tuple(terms))
    problems.extend(reader.problems)
    return tuple(groups)


def with_common_synonyms(
    own: tuple[tuple[str, ...], ...], common: tuple[tuple[str, ...], ...] | None = None
) -> tuple[tuple[str, ...], ...]:
    """A base's synonym groups with the language's own (zh.yaml's ``common_synonyms``: question words, the report
    as a text, everyday nouns), which a curator need not write again. The base's file wins: a word it already
    groups stays where the base put it, and a common group whose first word the base groups lends the base's
    group its other words."""
    common = ZH.groups("common_synonyms") if common is None else common
    groups = [list(g) for g in own]
    group_of = {term: i for i, g in enumerate(groups) for term in g}
    for common_group in common:
        head = common_group[0]
        free = [t for t in common_group if t not in group_of]
        if head in group_of:
            home = group_of[head]
            groups[home].extend(free)
        elif head in free and len(free) >= 2:
            home = len(groups)
            groups.append(free)
        else:
            continue
        group_of.update((t, home) for t in free)
    return tuple(tuple(g) for g in groups)


def _load_scope(directory: Path, problems: list[Problem]) -> Scope:
    path = directory / "scope.yaml"
    if not path.exists():
        return Scope()
    reader = YamlReader(shown_name(path, directory))
    text = read_text(path, reader.file, problems)
    node = reader.compose(text) if text is not None else None
    scope = Scope()
    if node is not None:
        fields = reader.mapping(node, "scope.yaml") or {}
        reader.unknown_fields(fields, {"other_places", "not_covered", "names"}, "scope.yaml")
        places = [t for t, _ in reader.text_list(fields.get("other_places", (None, None))[1], "other_places")]
        covered = [t for t, _ in reader.text_list(fields.get("not_covered", (None, None))[1], "not_covered")]
        names = [t for t, _ in reader.text_list(fields.get("names", (None, None))[1], "names")]
        scope = Scope(other_places=tuple(places), not_covered=tuple(covered), names=tuple(names))
    problems.extend(reader.problems)
    return scope


def _load_place(directory: Path, problems: list[Problem]) -> Place:
    """The deployment's place (``place.yaml``); the neutral place when the file is absent."""
    path = directory / "place.yaml"
    if not path.exists():
        return NEUTRAL
    reader = YamlReader(shown_name(path, directory))
    text = read_text(path, reader.file, problems)
    node = reader.compose(text) if text is not None else None
    place = NEUTRAL
    if node is not None:
        fields = reader.mapping(node, "place.yaml") or {}
        reader.unknown_fields(fields, PLACE_FIELDS, "place.yaml")

        def value(name: str) -> str:
            return reader.text(fields[name][1], name) if name in fields else ""

        def values(name: str) -> tuple[str, ...]:
            return tuple(t for t, _ in reader.text_list(fields.get(name, (None, None))[1], name))

        for name, suffixes in (("county", "县区市旗"), ("city", "市州盟"), ("province", "省市区")):
            given = value(name)
            if given and given[-1] not in suffixes:
                reader.problem(fields[name][1], f"{name} '{given}' must be the full name, ending in one of {suffixes}")
        if "county" not in fields:
            reader.problem(node, "place.yaml needs 'county:', the county's full name (ending in 县, 区 or 市)")
        place = Place(
            name=value("name"),
            county=value("county"),
            city=value("city"),
            province=value("province"),
            event=value("event"),
            event_short=value("event_short"),
            topics=values("topics"),
            examples=values("examples"),
            file=reader.file,
        )
    problems.extend(reader.problems)
    return place


def load_knowledge(directory: str | Path, *, unread: Collection[str] = ()) -> KnowledgeBase:
    """Load and validate a knowledge directory; raise KnowledgeError listing every problem.

    ``unread`` names registered files (:mod:`bot.knowledge.extras`) left unread: the bot answers questions while
    announcements.yaml has problems; ``validate`` reads every file."""
    root = Path(directory)
    problems: list[Problem] = []
    if not root.is_dir():
        raise KnowledgeError([Problem(str(root), 1, "knowledge directory not found; pass --knowledge DIR")])
    sources = load_sources(root, problems)
    scope = _load_scope(root, problems)
    synonyms = with_common_synonyms(_load_term_groups(root, problems))
    read: list[tuple[Entry, int]] = []
    files = list(topic_files(root))
    if not files:
        problems.append(Problem(str(root), 1, "no topic files (*.yaml) found"))
    for path in files:
        read.extend(load_topic(path, root, sources, problems))
    quoted = with_speakers(verify_quotes(read, sources, problems), sources, problems)
    entries = cross_checks(quoted + _derived(quoted, sources, scope, synonyms), synonyms, problems)
    del read
    extras = read_extras(root, problems, unread=unread)
    place = _load_place(root, problems)
    if problems:
        raise KnowledgeError(problems)
    by_id = {e.id: e for e in entries}
    return KnowledgeBase(
        directory=str(root),
        entries=EntryTuple(entries),
        sources=MappingProxyType(sources),
        synonyms=synonyms,
        scope=scope,
        by_id=MappingProxyType(by_id),
        extras=extras,
        place=place,
    )


def _derived(
    entries: list[Entry], sources: Mapping[str, Source], scope: Scope, synonyms: tuple[tuple[str, ...], ...]
) -> list[Entry]:
    """The entries each source's own text gives (headings, opening, ending, speakers: :mod:`bot.knowledge.derived`)."""
    normalizer = Normalizer(synonyms)
    taken = set(normalizer.normalize_many(q for e in entries for q in e.questions + e.keywords))
    quoted = [quote_key(e.quote) for e in entries]
    return derived_entries(
        sources,
        scope.names,
        lambda q: normalizer.normalize(q) in taken,
        {e.id for e in entries},
        lambda quote: any(quote_key(quote) in q for q in quoted),
    )


def load_settings(
    directory: str | Path, *, unread: Collection[str] = ()
) -> tuple[tuple[tuple[str, ...], ...], Scope, Extras, Place]:
    """The small files of a base (synonyms, scope, the registered files, place), read and checked as
    :func:`load_knowledge` reads them; used beside a compiled snapshot, which holds the entries and sources."""
    root = Path(directory)
    problems: list[Problem] = []
    scope = _load_scope(root, problems)
    synonyms = with_common_synonyms(_load_term_groups(root, problems))
    extras = read_extras(root, problems, unread=unread)
    place = _load_place(root, problems)
    if problems:
        raise KnowledgeError(problems)
    return synonyms, scope, extras, place


def knowledge_files(directory: str | Path) -> list[Path]:
    """Every file :func:`load_knowledge` reads (sources, topic files and the special files), sorted."""
    root = Path(directory)
    found = [*root.glob("*.yaml"), *root.glob("*.yml"), *(root / "sources").glob("*.md")]
    return sorted(p for p in found if p.is_file())
