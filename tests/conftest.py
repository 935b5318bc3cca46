"""Shared fixtures: the shipped knowledge base, its matcher, and a factory for small broken bases."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.engine.matching import Matcher
from bot.knowledge.model import KnowledgeBase, load_knowledge

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"


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
