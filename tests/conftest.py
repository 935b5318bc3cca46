"""Shared fixtures: the shipped knowledge base, its matcher, a factory for small broken bases, and the Telegram bot
(a copy of the shipped base to edit, its database, the Application with a recording request)."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.config import Config, GroupSettings, RateLimits, TelegramSettings
from bot.engine.matching import Matcher
from bot.engine.service import KnowledgeService
from bot.knowledge.load import load_knowledge
from bot.knowledge.model import KnowledgeBase
from bot.storage import Storage
from bot.tg.app import build_application
from tests.tg_fakes import RecordingRequest

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
ADMIN = 777  # the Telegram user id of the admin in every test bot's config


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge(KNOWLEDGE)


@pytest.fixture(scope="session")
def matcher(kb: KnowledgeBase) -> Matcher:
    return Matcher(kb)


MINI_SOURCE = """---
title: 测试材料
sections:
  - 第一节
---
交城县拥有国家级高新技术企业40户、总量全市第一。
全县8个乡镇社工站挂牌成立。
"""

MINI_TOPIC = """\
topic: 测试
source: mini
section: 第一节
entries:
  - id: high-tech
    questions:
      - 交城有多少户高新技术企业？
      - 高企有几家
    answer: 交城有国家级高新技术企业40户。
    quote: 交城县拥有国家级高新技术企业40户
  - id: social-work
    questions:
      - 交城有几个乡镇社工站？
      - 社工站
    answer: 全县8个乡镇社工站挂牌成立。
    quote: 全县8个乡镇社工站挂牌成立
"""


@pytest.fixture
def make_kb(tmp_path: Path) -> Callable[..., Path]:
    """Write a small knowledge directory; keyword arguments replace or add files (name → text)."""

    def make(files: dict[str, str] | None = None, *, topic: str = MINI_TOPIC) -> Path:
        root = tmp_path / "knowledge"
        if root.exists():
            shutil.rmtree(root)
        (root / "sources").mkdir(parents=True)
        (root / "sources" / "mini.md").write_text(MINI_SOURCE, encoding="utf-8")
        (root / "topic.yaml").write_text(topic, encoding="utf-8")
        for name, text in (files or {}).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return make


# A small base of four unrelated facts, for unit tests of the engine's stages (retrieve, decide, fit):
# what a test asserts follows from these few lines, not from the shipped release.
SMALL_SOURCE = """---
title: 小县发布材料
sections:
  - 民生
---
全县拥有国家级高新技术企业40户。
全县8个乡镇社工站挂牌成立。
全县养老机构共有床位985张。
县城污水处理厂日处理能力达到5.4万立方米。
"""

SMALL_TOPIC = """\
topic: 民生
source: small
section: 民生
entries:
  - id: high-tech
    questions:
      - 有多少户高新技术企业？
      - 高企有几家
    answer: 全县有国家级高新技术企业40户。
    quote: 全县拥有国家级高新技术企业40户
  - id: social-work
    questions:
      - 有几个乡镇社工站？
      - 社工站挂牌了多少个
    answer: 全县8个乡镇社工站挂牌成立。
    quote: 全县8个乡镇社工站挂牌成立
  - id: beds
    questions:
      - 养老机构有多少张床位？
      - 养老院床位数
    answer: 全县养老机构共有床位985张。
    quote: 全县养老机构共有床位985张
  - id: sewage
    questions:
      - 污水处理厂一天能处理多少污水？
    answer: 县城污水处理厂日处理能力达到5.4万立方米。
    quote: 县城污水处理厂日处理能力达到5.4万立方米
"""


@pytest.fixture(scope="session")
def small_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The small base (four entries; 太原 is another place), read once per run."""
    root = tmp_path_factory.mktemp("small") / "knowledge"
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "small.md").write_text(SMALL_SOURCE, encoding="utf-8")
    (root / "topic.yaml").write_text(SMALL_TOPIC, encoding="utf-8")
    (root / "scope.yaml").write_text("other_places: [太原]\n", encoding="utf-8")
    return load_knowledge(root)


@pytest.fixture(scope="session")
def small_matcher(small_kb: KnowledgeBase) -> Matcher:
    return Matcher(small_kb)


# ---- the Telegram bot ---------------------------------------------------------------------------


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Path:
    """A copy of the shipped base (with its snapshot) that a test may edit; a snapshot another process is writing
    at that moment (a .tmp- folder that is renamed or removed under the copy) is left out."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target, ignore=shutil.ignore_patterns(".tmp-*"))
    return target


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[Storage]:
    """The bot's database, in the test's folder."""
    store = Storage(tmp_path / "bot.sqlite3")
    yield store
    store.close()


@pytest.fixture
def bot_config(knowledge_dir: Path) -> Config:
    """The config of ``bot_app``: one admin, the copied base; a module overrides it for other limits."""
    return Config(
        telegram=TelegramSettings(token="123:TEST"),
        admins=(ADMIN,),
        knowledge_dir=str(knowledge_dir),
        knowledge_settle_seconds=0.0,
        groups=GroupSettings(repeat_window_minutes=5),
        rate_limits=RateLimits(per_user_per_minute=5),
    )


@pytest.fixture
async def bot_app(
    bot_config: Config, storage: Storage, request: pytest.FixtureRequest
) -> AsyncIterator[tuple[Any, RecordingRequest]]:
    """The bot and the request that records its Bot API calls; /reload swaps in files written a moment ago
    unless a test asks for a settle time (an indirect parameter, in seconds)."""
    settle = getattr(request, "param", None)
    config = bot_config if settle is None else replace(bot_config, knowledge_settle_seconds=settle)
    recording = RecordingRequest()
    app = build_application(
        config, KnowledgeService(config.knowledge_dir), storage, request=recording, rate_limit=False
    )
    await app.initialize()
    recording.clear()
    yield app, recording
    await app.shutdown()


def assert_parts_state(result: Any, facts: list[str]) -> None:
    """A compound reply: answered, one part per fact, each answered by an entry whose answer states its fact."""
    assert result.status.value == "answered" and len(result.parts) == len(facts), result
    for part, fact in zip(result.parts, facts, strict=True):
        assert part.status.value == "answered" and part.entry is not None and fact in part.entry.answer, part
