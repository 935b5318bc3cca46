"""The command line for staff on the server: learn list|add|ignore, history, undo (issue 11)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from bot.storage import Storage
from tests.conftest import MINI_TOPIC

# the shared mini topic, with a comment and a quoted question that an edit must keep
TOPIC = "# 测试话题（注释要保留）\n" + MINI_TOPIC.replace("      - 高企有几家\n", "      - '高企有几家'   # 引号要保留\n")


@pytest.fixture
def setup(make_kb: Callable[..., Path], tmp_path: Path) -> tuple[Path, Path, Path]:
    """(config file, knowledge folder, database) with two residents' questions the base does not answer."""
    root = make_kb(topic=TOPIC)
    database = tmp_path / "bot.sqlite3"
    storage = Storage(database)
    for user, text in ((1, "国家认定的科技厂一共几家"), (2, "国家认定的科技厂一共几家？"), (3, "交城县城有几条街")):
        storage.log_question(user_id=user, chat_type="private", text=text, status="no_match", entry_id=None,
                             score=20, suggestions=["high-tech"])
    storage.close()
    config = tmp_path / "config.yaml"
    config.write_text(f"knowledge_dir: {root}\ndatabase: {database}\n", encoding="utf-8")
    return config, root, database


def test_learn_list_add_ignore_history_and_undo(setup: tuple[Path, Path, Path],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    config, root, _ = setup
    cfg = ["--config", str(config)]
    assert main(["learn", "list", *cfg]) == 0
    listing = capsys.readouterr().out
    assert "建议 #1 · 问了 2 次" in listing and "国家认定的科技厂一共几家（1 次）" in listing
    assert "建议 #2 · 问了 1 次" in listing and "交城县城有几条街" in listing
    assert "<b>" not in listing  # plain text on the terminal
    assert "· high-tech（交城有多少户高新技术企业？）" in listing  # the id `learn add` takes, beside the question

    assert main(["learn", "add", "high-tech", "国家认定的科技厂一共几家", *cfg]) == 0
    assert "已把“国家认定的科技厂一共几家”加为条目“交城有多少户高新技术企业？”的问法（topic.yaml 第 10 行）" in capsys.readouterr().out
    text = (root / "topic.yaml").read_text(encoding="utf-8")
    assert text == TOPIC.replace("   # 引号要保留\n", "   # 引号要保留\n      - 国家认定的科技厂一共几家\n")
    assert main(["ask", "--knowledge", str(root), "国家认定的科技厂一共几家"]) == 0
    assert "40户" in capsys.readouterr().out

    assert main(["learn", "ignore", "2", *cfg]) == 0
    assert "已忽略建议 #2" in capsys.readouterr().out
    assert main(["learn", "list", *cfg]) == 0
    assert "暂时没有建议" in capsys.readouterr().out  # #1 was added (and is answered now), #2 ignored
    assert main(["learn", "ignore", "2", *cfg]) == 1
    assert main(["learn", "ignore", "99", *cfg]) == 1
    capsys.readouterr()

    assert main(["history", *cfg]) == 0
    history = capsys.readouterr().out
    assert "#1" in history and "命令行" in history and "给“交城有多少户高新技术企业？”加问法“国家认定的科技厂一共几家”（topic.yaml 第 10 行）" in history
    assert main(["undo", *cfg]) == 0
    assert "已撤销修改 #1：从条目“交城有多少户高新技术企业？”去掉了问法“国家认定的科技厂一共几家”" in capsys.readouterr().out
    assert (root / "topic.yaml").read_text(encoding="utf-8") == TOPIC
    assert main(["learn", "list", *cfg]) == 0
    assert "建议 #1" in capsys.readouterr().out  # the proposal is open again
    assert main(["undo", *cfg]) == 1
    assert "没有可以撤销的修改" in capsys.readouterr().err


def test_learn_add_refuses_a_question_of_another_entry(setup: tuple[Path, Path, Path],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    config, root, database = setup
    assert main(["learn", "add", "high-tech", "社工站", "--config", str(config)]) == 1
    assert "已经是另一个条目“交城有几个乡镇社工站？”的问法" in capsys.readouterr().err
    assert (root / "topic.yaml").read_text(encoding="utf-8") == TOPIC
    storage = Storage(database)
    assert storage.changes() == []
    storage.close()
    assert main(["learn", "add", "no-such-entry", "问题", "--config", str(config)]) == 1
    assert "没有条目 no-such-entry" in capsys.readouterr().err
