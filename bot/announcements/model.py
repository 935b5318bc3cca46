"""Scheduled announcements: the model, the ``announcements.yaml`` loader and the schedule arithmetic.

Pure core: no Telegram and no storage here. The Announcer (``bot/announcements/delivery.py``) schedules and sends what
this module describes. :func:`load_announcements` is registered with the knowledge loader (:data:`ANNOUNCEMENTS`,
:mod:`bot.knowledge.extras`), so a bad ``announcements.yaml`` is reported (``file:line: message``) by
``python -m bot validate`` and by /reload exactly like a bad topic file, and never replaces a good one; a
base's announcements are ``kb.extras.get(ANNOUNCEMENTS)``.

File format (see ``knowledge/README.md``)::

    announcements:
      - id: heating-notice             # a-z, 0-9 and '-'
        text: |                        # the message, plain text, up to 4,000 characters
          ……                           # (up to 4,000 as Telegram counts: an emoji outside the BMP is 2)
        at: 2026-12-01 09:00           # once, Beijing time (Asia/Shanghai) unless an offset is given
        targets: all                   # or {tags: [城关镇]} or {chats: [-1001234567890]} (or both)
        pin: false                     # optional: pin it where the bot may
      - id: weekly-tip
        text: ……
        repeat: 每周一 09:00            # or 每天 / 工作日 / 每月1日 …, see RULE_HELP
        from: 2026-12-01               # optional: first day of the repeat
        until: 2027-03-31              # optional: last day of the repeat
        targets: {tags: [城关镇, 夏家营镇]}
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .. import messages
from ..knowledge.extras import ExtraFile, register_file
from ..knowledge.model import ID_PATTERN
from ..knowledge.problems import Problem
from ..knowledge.yamlread import YamlReader, read_text
from ..limits import telegram_length

__all__ = [
    "ANNOUNCEMENTS",
    "ANNOUNCEMENT_TZ",
    "MAX_TEXT",
    "Announcement",
    "RepeatRule",
    "Targets",
    "load_announcements",
    "normalize_tag",
    "parse_rule",
    "run_id",
]

ANNOUNCEMENT_TZ = ZoneInfo("Asia/Shanghai")
MAX_TEXT = 4000  # UTF-16 units, as Telegram counts (an emoji is 2); Telegram allows 4,096, the header needs some
FILE_NAME = "announcements.yaml"
FIELDS = {"id", "text", "at", "repeat", "from", "until", "targets", "pin"}
RULE_HELP = "每天 09:00, 工作日 09:00, 每周一 09:00, 每周一三五 09:00, 每月1日 09:00 (or daily 09:00, weekly mon 09:00)"
MAX_ID = 32  # the id travels in button data, which Telegram limits to 64 bytes

_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_EN_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_TIME = r"(?P<h>\d{1,2})[:：](?P<m>\d{2})"


@dataclass(frozen=True)
class RepeatRule:
    """When a repeating announcement is due: on matching days, at ``at`` local time."""

    kind: str  # "daily", "weekly" (weekdays set) or "monthly" (day of month)
    at: time
    weekdays: frozenset[int] = frozenset()  # 0 = Monday
    day: int = 0
    text: str = ""

    def matches(self, day: date) -> bool:
        if self.kind == "daily":
            return True
        if self.kind == "weekly":
            return day.weekday() in self.weekdays
        last = calendar.monthrange(day.year, day.month)[1]
        return day.day == min(self.day, last)  # 每月31日 falls on the last day of shorter months


def parse_rule(text: str) -> RepeatRule | None:
    """Parse a repeat rule such as ``每周一 09:00`` or ``daily 9:00``; None if it is not one."""
    raw = unicodedata.normalize("NFKC", text).strip()
    lowered = re.sub(r"\s+", " ", raw.lower())
    match = re.fullmatch(r"(?P<what>.+?) ?" + _TIME, lowered)
    if match is None:
        return None
    hour, minute = int(match["h"]), int(match["m"])
    if hour > 23 or minute > 59:
        return None
    at = time(hour, minute)
    what = match["what"].strip()
    if what in ("每天", "每日", "daily", "every day"):
        return RepeatRule("daily", at, text=raw)
    if what in ("工作日", "每个工作日", "weekdays", "workdays"):
        return RepeatRule("weekly", at, frozenset(range(5)), text=raw)
    weekly = re.fullmatch(r"(?:每周|每星期|每礼拜)([一二三四五六日天七、,， ]+)", what)
    if weekly:
        days = {_WEEKDAYS[ch] for ch in weekly.group(1) if ch in _WEEKDAYS}
        return RepeatRule("weekly", at, frozenset(days), text=raw) if days else None
    english = re.fullmatch(r"weekly ((?:mon|tue|wed|thu|fri|sat|sun)(?:[ ,]+(?:mon|tue|wed|thu|fri|sat|sun))*)", what)
    if english:
        days = {_EN_WEEKDAYS[d] for d in re.split(r"[ ,]+", english.group(1))}
        return RepeatRule("weekly", at, frozenset(days), text=raw)
    monthly = re.fullmatch(r"(?:每月|每个月) ?(\d{1,2}) ?[日号]|monthly (\d{1,2})", what)
    if monthly:
        day = int(monthly.group(1) or monthly.group(2))
        return RepeatRule("monthly", at, day=day, text=raw) if 1 <= day <= 31 else None
    return None


@dataclass(frozen=True)
class Targets:
    """Who gets an announcement: every subscribed group, or those with a tag, or listed chat ids."""

    all: bool = False
    tags: tuple[str, ...] = ()
    chats: tuple[int, ...] = ()

    def describe(self) -> str:
        """Who it goes to, in Chinese for the admins (全部订阅群 / 标签 城关镇 / 群 -100…)."""
        if self.all:
            return messages.TARGETS_ALL
        parts = []
        if self.tags:
            parts.append(messages.TARGETS_TAGS.format(tags="、".join(self.tags)))
        if self.chats:
            parts.append(messages.TARGETS_CHATS.format(chats="、".join(str(c) for c in self.chats)))
        return "；".join(parts)

    def to_json(self) -> dict[str, object]:
        return {"all": self.all, "tags": list(self.tags), "chats": list(self.chats)}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Targets:
        tags = data.get("tags") or []
        chats = data.get("chats") or []
        assert isinstance(tags, list) and isinstance(chats, list)
        return cls(bool(data.get("all")), tuple(str(t) for t in tags), tuple(int(str(c)) for c in chats))


@dataclass(frozen=True)
class Announcement:
    """One entry of announcements.yaml: sent once at ``at``, or at every occurrence of ``repeat``."""

    id: str
    text: str
    targets: Targets
    file: str
    line: int
    at: datetime | None = None
    repeat: RepeatRule | None = None
    start: date | None = None
    until: date | None = None
    pin: bool = False

    def describe_schedule(self) -> str:
        if self.at is not None:
            return self.at.astimezone(ANNOUNCEMENT_TZ).strftime("%Y-%m-%d %H:%M")
        assert self.repeat is not None
        span = ""
        if self.start or self.until:
            span = f"（{self.start or '…'} 至 {self.until or '…'}）"
        return self.repeat.text + span

    def _occurrence(self, day: date) -> datetime | None:
        assert self.repeat is not None
        if (self.start and day < self.start) or (self.until and day > self.until) or not self.repeat.matches(day):
            return None
        return datetime.combine(day, self.repeat.at, ANNOUNCEMENT_TZ)

    def next_after(self, moment: datetime) -> datetime | None:
        """The first time this is due strictly after ``moment``; None when it never is again."""
        if self.at is not None:
            return self.at if self.at > moment else None
        local = moment.astimezone(ANNOUNCEMENT_TZ).date()
        for offset in range(0, 370):
            when = self._occurrence(local + timedelta(days=offset))
            if when is not None and when > moment:
                return when
        return None

    def last_due(self, moment: datetime) -> datetime | None:
        """The latest time this was due at or before ``moment``; None if it never was."""
        if self.at is not None:
            return self.at if self.at <= moment else None
        local = moment.astimezone(ANNOUNCEMENT_TZ).date()
        for offset in range(0, 370):
            when = self._occurrence(local - timedelta(days=offset))
            if when is not None and when <= moment:
                return when
        return None


def run_id(announcement_id: str, due: datetime) -> str:
    """The ledger id of one occurrence of a scheduled announcement: ``<id>@<local time>``."""
    return f"{announcement_id}@{due.astimezone(ANNOUNCEMENT_TZ):%Y-%m-%dT%H:%M}"


def normalize_tag(tag: str) -> str:
    """A group tag as stored and compared: width-folded, without a leading '#', lower case."""
    return unicodedata.normalize("NFKC", tag).strip().lstrip("#＃").strip().lower()


# --------------------------------------------------------------------------------------------------
# loading


def _parse_datetime(text: str) -> datetime | None:
    cleaned = unicodedata.normalize("NFKC", text).strip().replace("/", "-")
    cleaned = re.sub(r"(\d)[点時时](\d)", r"\1:\2", cleaned)
    cleaned = re.sub(r"(?<=[ T])(\d):", r"0\1:", cleaned)  # 9:00 → 09:00
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    if cleaned.count(":") == 0:
        return None  # a date alone is not a time to send at
    parsed = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=ANNOUNCEMENT_TZ)
    try:  # a time that cannot be shown in Beijing time or as a timestamp (9999-12-31 23:59-12:00) cannot be sent
        parsed.astimezone(ANNOUNCEMENT_TZ)
        parsed.timestamp()
    except (OverflowError, ValueError, OSError):
        return None
    return parsed


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(unicodedata.normalize("NFKC", text).strip().replace("/", "-"))
    except ValueError:
        return None


def _read_targets(reader: YamlReader, node: Node | None) -> Targets | None:
    hint = "write 'targets: all', or 'targets: {tags: [城关镇]}', or 'targets: {chats: [-1001234567890]}'"
    if node is None:
        return None
    if isinstance(node, ScalarNode):
        if str(node.value).strip().lower() in ("all", "全部", "所有"):
            return Targets(all=True)
        reader.problem(node, f"targets '{node.value}' is not understood; {hint}")
        return None
    if isinstance(node, SequenceNode):
        reader.problem(node, f"targets must be 'all' or a mapping; {hint}")
        return None
    fields = reader.mapping(node, "targets") or {}
    reader.unknown_fields(fields, {"tags", "chats"}, "targets")
    tags = [normalize_tag(t) for t, _ in reader.text_list(fields.get("tags", (None, None))[1], "targets.tags")]
    chats: list[int] = []
    for value, item in reader.text_list(fields.get("chats", (None, None))[1], "targets.chats"):
        if re.fullmatch(r"-?\d+", value):
            chats.append(int(value))
        else:
            reader.problem(item, f"chat id '{value}' must be a number such as -1001234567890 (see /groups)")
    if not tags and not chats:
        if isinstance(node, MappingNode) and not reader.problems:
            reader.problem(node, f"targets names no tags and no chats; {hint}")
        return None
    return Targets(tags=tuple(dict.fromkeys(t for t in tags if t)), chats=tuple(dict.fromkeys(chats)))


def _read_announcement(reader: YamlReader, node: Node) -> Announcement | None:
    fields = reader.mapping(node, "an announcement")
    if fields is None:
        return None
    before = len(reader.problems)
    reader.unknown_fields(fields, FIELDS, "an announcement")

    def get(name: str) -> Node | None:
        return fields[name][1] if name in fields else None

    for required in ("id", "text", "targets"):
        if required not in fields:
            reader.problem(node, f"announcement is missing '{required}:'")
    ident = reader.text(get("id"), "id")
    if ident and not ID_PATTERN.match(ident):
        reader.problem(get("id"), f"id '{ident}' may use only lowercase a-z, 0-9 and '-' (e.g. heating-notice)")
    elif len(ident) > MAX_ID:
        reader.problem(get("id"), f"id '{ident}' is longer than {MAX_ID} characters; shorten it")
    text = reader.text(get("text"), "text")
    length = telegram_length(text)
    if length > MAX_TEXT:
        reader.problem(get("text"), f"text is {length} long as Telegram counts (an emoji counts 2); at most "
                                    f"{MAX_TEXT} fit in a message, shorten it")
    at: datetime | None = None
    rule: RepeatRule | None = None
    if "at" in fields and "repeat" in fields:
        reader.problem(fields["repeat"][0], "use either 'at:' (once) or 'repeat:' (again and again), not both")
    elif "at" not in fields and "repeat" not in fields:
        reader.problem(node, "announcement needs 'at: 2026-12-01 09:00' (once) or 'repeat: 每周一 09:00'")
    if "at" in fields:
        raw = reader.text(get("at"), "at")
        at = _parse_datetime(raw) if raw else None
        if raw and at is None:
            reader.problem(get("at"), f"at '{raw}' is not a date and time; write it like 2026-12-01 09:00")
    if "repeat" in fields:
        raw = reader.text(get("repeat"), "repeat")
        rule = parse_rule(raw) if raw else None
        if raw and rule is None:
            reader.problem(get("repeat"), f"repeat '{raw}' is not understood; examples: {RULE_HELP}")
    bounds: dict[str, date | None] = {"from": None, "until": None}
    for name in bounds:
        if name in fields:
            raw = reader.text(get(name), name)
            bounds[name] = _parse_date(raw) if raw else None
            if raw and bounds[name] is None:
                reader.problem(get(name), f"{name} '{raw}' is not a date; write it like 2026-12-01")
            elif "at" in fields:
                reader.problem(fields[name][0], f"'{name}:' only goes with 'repeat:'; remove it or use repeat")
    start, until = bounds["from"], bounds["until"]
    if start and until and until < start:
        reader.problem(get("until"), f"until {until} is before from {start}")
    pin = False
    if "pin" in fields:
        raw = reader.text(get("pin"), "pin").lower()
        if raw in ("true", "yes", "on", "是", "置顶"):
            pin = True
        elif raw not in ("false", "no", "off", "否", "不置顶"):
            reader.problem(get("pin"), f"pin '{raw}' must be true or false")
    targets = _read_targets(reader, get("targets"))
    if len(reader.problems) > before or targets is None:
        return None
    return Announcement(
        id=ident, text=text, targets=targets, file=reader.file, line=node.start_mark.line + 1,
        at=at, repeat=rule, start=start, until=until, pin=pin,
    )


def load_announcements(path: Path, name: str, problems: list[Problem]) -> tuple[Announcement, ...]:
    """Read announcements.yaml (``name`` is how it is shown in problems); a missing file means none."""
    if not path.exists():
        return ()
    reader = YamlReader(name)
    text = read_text(path, name, problems)
    if text is None:
        return ()
    node = reader.compose(text)
    found: list[Announcement] = []
    if node is not None:
        fields = reader.mapping(node, FILE_NAME) or {}
        reader.unknown_fields(fields, {"announcements"}, FILE_NAME)
        items = fields.get("announcements", (None, None))[1]
        if isinstance(items, ScalarNode) and items.tag == "tag:yaml.org,2002:null":
            items = None
        if items is not None and not isinstance(items, SequenceNode):
            reader.problem(items, "announcements must be a list: each one starts with '- id: ...'")
        elif items is not None:
            seen: dict[str, int] = {}
            for item in items.value:
                announcement = _read_announcement(reader, item)
                if announcement is None:
                    continue
                first = seen.get(announcement.id)
                if first is not None:
                    reader.problem(item, f"duplicate id '{announcement.id}' (first used on line {first})")
                    continue
                seen[announcement.id] = announcement.line
                found.append(announcement)
    problems.extend(reader.problems)
    return tuple(found)


# every base loaded once this module is imported reads announcements.yaml with the loader above
ANNOUNCEMENTS: ExtraFile[tuple[Announcement, ...]] = register_file(ExtraFile(FILE_NAME, load_announcements, ()))
