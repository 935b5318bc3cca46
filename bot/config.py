"""Deployment configuration: one YAML file (see config.example.yaml), environment overrides, validation.

Errors say which key is wrong and how to fix it; :class:`ConfigError` carries them all. The secrets
(token, webhook secret, pseudonym key) are never part of ``repr`` or any message, not even when they
are written wrongly (a list, a mapping).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .settings import Thresholds

__all__ = [
    "AnnouncementSettings",
    "Config",
    "ConfigError",
    "GroupSettings",
    "PrivacySettings",
    "RateLimits",
    "TelegramSettings",
    "load_config",
]

TOKEN_ENV = "TELEGRAM_BOT_TOKEN"
WEBHOOK_SECRET_ENV = "TELEGRAM_WEBHOOK_SECRET"
PSEUDONYM_KEY_ENV = "BOT_PSEUDONYM_KEY"
LOG_LEVEL_ENV = "BOT_LOG_LEVEL"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
# Telegram accepts 1-256 of these characters as a webhook secret; we ask for at least 16
WEBHOOK_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{16,256}")
MIN_PSEUDONYM_KEY = 32
DEFAULT_API = "https://api.telegram.org/bot"


class ConfigError(Exception):
    """The configuration is invalid; the message lists every problem with its fix."""


@dataclass(frozen=True)
class TelegramSettings:
    token: str = field(default="", repr=False)
    api_base_url: str = DEFAULT_API
    mode: str = "polling"  # or "webhook"
    webhook_url: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_path: str = "telegram"
    webhook_secret: str = field(default="", repr=False)
    poll_interval: float = 0.0
    bot_username: str = ""
    concurrent_chats: int = 32  # chats handled at the same time (one chat's updates always in order)


@dataclass(frozen=True)
class GroupSettings:
    auto_mode_default: bool = False  # answer ordinary group messages (confident answers only)
    repeat_window_minutes: float = 5.0  # same question again within this window: point to the earlier answer


@dataclass(frozen=True)
class RateLimits:
    per_user_per_minute: int = 8  # questions one person may ask per minute
    commands_per_minute: int = 20  # commands (/topics, /start …) one person may send per minute
    buttons_per_minute: int = 30  # button presses (callback queries) one person may make per minute
    group_commands_per_minute: int = 5  # of those, in groups (whose 20 messages a minute everyone shares)
    inline_per_minute: int = 60  # inline queries (@bot 问题, one per pause in typing) per person per minute
    group_messages_per_minute: int = 20  # Telegram's limit for one group
    overall_per_second: int = 30  # Telegram's overall limit


@dataclass(frozen=True)
class AnnouncementSettings:
    # a scheduled announcement missed while the bot was down is still sent on start within this many
    # minutes of its time; later than that it is recorded as missed and the admins are told
    missed_grace_minutes: float = 60.0


@dataclass(frozen=True)
class PrivacySettings:
    # keys the user-id pseudonyms; empty: a key file beside the database, created on first run
    pseudonym_key: str = field(default="", repr=False)
    # residents' questions (and the questions under 👍/👎 and in proposals) older than this many days are
    # reduced to counts: their texts and pseudonyms are deleted (see Storage.forget_old_texts)
    question_retention_days: float = 90.0


@dataclass(frozen=True)
class Config:
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    admins: tuple[int, ...] = ()
    knowledge_dir: str = "knowledge"
    knowledge_cache: str = ""  # compiled snapshots of the base (bot/engine/snapshot.py); empty: <knowledge_dir>/.cache
    # /reload asks an admin to confirm when a knowledge file changed less than this many seconds ago (it may
    # be half-written) or when entries would disappear
    knowledge_settle_seconds: float = 5.0
    database: str = "data/bot.sqlite3"
    timezone: str = "Asia/Shanghai"
    groups: GroupSettings = field(default_factory=GroupSettings)
    rate_limits: RateLimits = field(default_factory=RateLimits)
    thresholds: Thresholds = field(default_factory=Thresholds)
    announcements: AnnouncementSettings = field(default_factory=AnnouncementSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    log_level: str = "INFO"  # DEBUG also logs updates' texts (private numbers masked)
    source_path: str = ""

    @property
    def has_token(self) -> bool:
        return bool(self.telegram.token)


def _section(data: dict[str, Any], name: str, problems: list[str]) -> dict[str, Any]:
    value = data.get(name) or {}
    if not isinstance(value, dict):
        problems.append(f"'{name}' must be a mapping of 'key: value' lines")
        return {}
    return value


def _typed(section: dict[str, Any], key: str, kind: type, default: Any, where: str, problems: list[str]) -> Any:
    if key not in section or section[key] is None:
        return default
    value = section[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if kind is int and isinstance(value, bool):
        problems.append(f"'{where}.{key}' must be a whole number, not {value!r}")
        return default
    if not isinstance(value, kind):
        problems.append(f"'{where}.{key}' must be {kind.__name__}, not {value!r}")
        return default
    return value


def _secret(section: dict[str, Any], key: str, where: str, problems: list[str]) -> str:
    """A secret written as text; anything else is a problem that does not show the value."""
    value = section.get(key)
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        problems.append(f"'{where}.{key}' must be text on one line, in quotes (the value is not shown here)")
        return ""
    return value.strip()


def load_config(path: str | Path | None, *, environ: dict[str, str] | None = None) -> Config:
    """Read the config file (optional) and the environment; raise ConfigError listing every problem."""
    env = dict(os.environ if environ is None else environ)
    data: dict[str, Any] = {}
    problems: list[str] = []
    source = ""
    if path is not None:
        file = Path(path)
        if not file.exists():
            raise ConfigError(f"config file {file} not found; copy config.example.yaml to {file} and edit it")
        try:
            loaded = yaml.safe_load(file.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f":{mark.line + 1}" if mark is not None else ""
            raise ConfigError(f"{file}{where}: YAML syntax error; check indentation, colons and quotes") from None
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ConfigError(f"{file}: the config must be a mapping of 'key: value' lines")
        data = loaded
        source = str(file)
    known = {"telegram", "admins", "knowledge_dir", "knowledge_cache", "knowledge_settle_seconds", "database",
             "timezone", "groups",
             "rate_limits", "thresholds", "announcements", "privacy", "log_level"}
    for key in data:
        if key not in known:
            problems.append(f"unknown key '{key}'; known keys: {', '.join(sorted(known))}")
    tg = _section(data, "telegram", problems)
    webhook = tg.get("webhook") or {}
    if not isinstance(webhook, dict):
        problems.append("'telegram.webhook' must be a mapping")
        webhook = {}
    token = env.get(TOKEN_ENV) or _secret(tg, "token", "telegram", problems)
    mode = _typed(tg, "mode", str, "polling", "telegram", problems)
    if mode not in ("polling", "webhook"):
        problems.append(f"'telegram.mode' must be 'polling' or 'webhook', not {mode!r}")
    telegram = TelegramSettings(
        token=token.strip(),
        api_base_url=_typed(tg, "api_base_url", str, DEFAULT_API, "telegram", problems).rstrip("/"),
        mode=mode,
        webhook_url=_typed(webhook, "url", str, "", "telegram.webhook", problems),
        webhook_listen=_typed(webhook, "listen", str, "127.0.0.1", "telegram.webhook", problems),
        webhook_port=_typed(webhook, "port", int, 8443, "telegram.webhook", problems),
        webhook_path=_typed(webhook, "path", str, "telegram", "telegram.webhook", problems),
        webhook_secret=(env.get(WEBHOOK_SECRET_ENV) or _secret(webhook, "secret_token", "telegram.webhook", problems)),
        poll_interval=_typed(tg, "poll_interval", float, 0.0, "telegram", problems),
        bot_username=_typed(tg, "bot_username", str, "", "telegram", problems).lstrip("@"),
        concurrent_chats=_typed(tg, "concurrent_chats", int, 32, "telegram", problems),
    )
    if telegram.webhook_secret and not WEBHOOK_SECRET_RE.fullmatch(telegram.webhook_secret):
        problems.append(
            "'telegram.webhook.secret_token' (or TELEGRAM_WEBHOOK_SECRET) must be 16-256 characters of A-Z, a-z, "
            "0-9, _ and - (the value is not shown here); or leave it empty and the bot makes one and keeps it"
        )
    if telegram.concurrent_chats < 1:
        problems.append("'telegram.concurrent_chats' must be 1 or more")
    if mode == "webhook" and not telegram.webhook_url:
        problems.append("'telegram.webhook.url' is required when telegram.mode is webhook (the public HTTPS URL)")
    admins_raw = data.get("admins") or []
    admins: list[int] = []
    if not isinstance(admins_raw, list):
        problems.append("'admins' must be a list of Telegram user ids, e.g. admins: [123456789]")
    else:
        for item in admins_raw:
            if isinstance(item, int) and not isinstance(item, bool):
                admins.append(item)
            elif isinstance(item, str) and item.strip().lstrip("-").isdigit():
                admins.append(int(item))
            else:
                problems.append(f"'admins' must hold numeric Telegram user ids; {item!r} is not one")
    env_admins = env.get("BOT_ADMINS", "")
    for item in env_admins.replace(",", " ").split():
        if item.lstrip("-").isdigit():
            admins.append(int(item))
    groups_raw = _section(data, "groups", problems)
    limits_raw = _section(data, "rate_limits", problems)
    groups = GroupSettings(
        auto_mode_default=_typed(groups_raw, "auto_mode_default", bool, False, "groups", problems),
        repeat_window_minutes=_typed(groups_raw, "repeat_window_minutes", float, 5.0, "groups", problems),
    )
    limits = RateLimits(
        per_user_per_minute=_typed(limits_raw, "per_user_per_minute", int, 8, "rate_limits", problems),
        commands_per_minute=_typed(limits_raw, "commands_per_minute", int, 20, "rate_limits", problems),
        buttons_per_minute=_typed(limits_raw, "buttons_per_minute", int, 30, "rate_limits", problems),
        group_commands_per_minute=_typed(limits_raw, "group_commands_per_minute", int, 5, "rate_limits", problems),
        inline_per_minute=_typed(limits_raw, "inline_per_minute", int, 60, "rate_limits", problems),
        group_messages_per_minute=_typed(limits_raw, "group_messages_per_minute", int, 20, "rate_limits", problems),
        overall_per_second=_typed(limits_raw, "overall_per_second", int, 30, "rate_limits", problems),
    )
    announcements_raw = _section(data, "announcements", problems)
    for name in announcements_raw:
        if name != "missed_grace_minutes":
            problems.append(f"unknown key 'announcements.{name}'; known: missed_grace_minutes")
    announcements = AnnouncementSettings(
        missed_grace_minutes=_typed(announcements_raw, "missed_grace_minutes", float, 60.0, "announcements", problems)
    )
    if announcements.missed_grace_minutes < 0:
        problems.append("'announcements.missed_grace_minutes' must be 0 or more")
    privacy_raw = _section(data, "privacy", problems)
    for name in privacy_raw:
        if name not in ("pseudonym_key", "question_retention_days"):
            problems.append(f"unknown key 'privacy.{name}'; known: pseudonym_key, question_retention_days")
    privacy = PrivacySettings(
        pseudonym_key=env.get(PSEUDONYM_KEY_ENV) or _secret(privacy_raw, "pseudonym_key", "privacy", problems),
        question_retention_days=_typed(privacy_raw, "question_retention_days", float, 90.0, "privacy", problems),
    )
    if privacy.question_retention_days <= 0:
        problems.append("'privacy.question_retention_days' must be more than 0 (days; e.g. 90)")
    if privacy.pseudonym_key and len(privacy.pseudonym_key) < MIN_PSEUDONYM_KEY:
        problems.append(
            f"'privacy.pseudonym_key' (or {PSEUDONYM_KEY_ENV}) must be at least {MIN_PSEUDONYM_KEY} characters, e.g. "
            "from: python -c 'import secrets; print(secrets.token_urlsafe(32))'; or leave it empty for a key file"
        )
    log_level = (env.get(LOG_LEVEL_ENV) or _typed(data, "log_level", str, "INFO", "config", problems)).upper()
    if log_level not in LOG_LEVELS:
        problems.append(f"'log_level' must be one of {', '.join(LOG_LEVELS)}")
        log_level = "INFO"
    thresholds_raw = _section(data, "thresholds", problems)
    defaults = Thresholds()
    names = ("answer", "lead", "sure", "answer_alone", "lead_alone", "suggest", "partial")
    thresholds = Thresholds(
        **{name: _typed(thresholds_raw, name, float, getattr(defaults, name), "thresholds", problems) for name in names}
    )
    for name in thresholds_raw:
        if name not in names:
            problems.append(f"unknown key 'thresholds.{name}'; known: {', '.join(names)}")
    settle = _typed(data, "knowledge_settle_seconds", float, 5.0, "config", problems)
    if settle < 0:
        problems.append("'knowledge_settle_seconds' must be 0 or more (seconds; e.g. 5)")
    timezone = _typed(data, "timezone", str, "Asia/Shanghai", "config", problems)
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(timezone)
    except Exception:
        problems.append(f"'timezone' {timezone!r} is not a known time zone (e.g. Asia/Shanghai)")
    if problems:
        where = source or "configuration"
        raise ConfigError(f"{where}: " + f"\n{where}: ".join(problems))
    return Config(
        telegram=telegram,
        admins=tuple(dict.fromkeys(admins)),
        knowledge_dir=_typed(data, "knowledge_dir", str, "knowledge", "config", []),
        knowledge_cache=_typed(data, "knowledge_cache", str, "", "config", []),
        knowledge_settle_seconds=settle,
        database=_typed(data, "database", str, "data/bot.sqlite3", "config", []),
        timezone=timezone,
        groups=groups,
        rate_limits=limits,
        thresholds=thresholds,
        announcements=announcements,
        privacy=privacy,
        log_level=log_level,
        source_path=source,
    )
