"""The command line: ask (text and JSON, one or many), chat, and the default command."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main, run_chat
from bot.engine.matching import Matcher
from bot.knowledge.model import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent


def test_ask_prints_answer_then_citation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "交城有几个乡镇社工站"]) == 0
    out = capsys.readouterr().out
    assert "8个乡镇社工站" in out
    assert "来源：《多维驱动 高质量发展行稳致远》 · 养老优化" in out and "原文：“" in out


def test_ask_json_one_object(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "省级专精特新企业有多少户"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"question", "status", "answer", "entry_id", "score", "citation", "suggestions"}
    assert data["entry_id"] == "tech-provincial-specialized"
    assert set(data["citation"]) == {"source", "title", "section", "quote"}


@pytest.mark.slow
def test_ask_json_stdin_keeps_order_and_blank_lines() -> None:
    questions = "交城有多少家高新技术企业\n\n明天天气怎么样\n你好\n"
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "-"],
        input=questions, capture_output=True, text=True, cwd=ROOT, check=True, timeout=60,
    )
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["question"] for r in rows] == ["交城有多少家高新技术企业", "", "明天天气怎么样", "你好"]
    assert [r["status"] for r in rows] == ["answered", "no_match", "no_match", "smalltalk"]
    assert rows[1]["answer"] == "" and rows[1]["citation"] is None


def test_ask_with_a_broken_knowledge_dir_explains_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--knowledge", str(tmp_path / "missing"), "高企"]) == 1
    assert "knowledge directory not found" in capsys.readouterr().err


def test_chat_answers_and_picks_a_suggestion_by_number(kb: KnowledgeBase, matcher: Matcher) -> None:
    out = io.StringIO()
    run_chat(matcher, kb, io.StringIO("你好\n省级的中心有几个\n1\n退出\n没读到这里\n"), out)
    text = out.getvalue()
    assert "您好！我是交城问答机器人" in text
    assert "您是想问：" in text
    after_pick = text.split("请回复序号")[1]
    assert "来源：《多维驱动 高质量发展行稳致远》" in after_pick


@pytest.mark.slow
def test_no_command_runs_the_terminal_chat_and_says_how_to_configure_a_token() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot"], input="交城县长是谁\n", capture_output=True, text=True, cwd=ROOT,
        check=True, timeout=60,
    )
    assert "TELEGRAM_BOT_TOKEN" in proc.stdout and "刘大鹏" in proc.stdout


def test_a_database_path_that_cannot_be_opened_is_one_clear_line(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(f'telegram:\n  token: "123:ABC"\ndatabase: {blocker / "bot.sqlite3"}\n', encoding="utf-8")
    for command in (["run"], ["stats"]):
        assert main([*command, "--config", str(config)]) == 2
        err = capsys.readouterr().err
        assert f"cannot open the database {blocker / 'bot.sqlite3'}" in err and "writable file path" in err
        assert "Traceback" not in err


def test_ask_prints_a_comparison_before_its_parts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "国家级高新技术企业和硝基复合肥企业哪个多"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("国家级高新技术企业（40户）比硝基复合肥企业（33户）多。\n")
    assert "40户" in out and "33户" in out
