"""Configuration: the example loads, mistakes get a clear message, the token comes from env or file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from tests.conftest import ROOT


def test_example_config_loads_with_defaults() -> None:
    config = load_config(ROOT / "config.example.yaml", environ={})
    assert config.telegram.mode == "polling" and config.timezone == "Asia/Shanghai"
    assert not config.has_token and config.admins == ()


def test_environment_token_wins_and_is_hidden_from_repr(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text('telegram:\n  token: "from-file"\nadmins: [1, "2"]\n', encoding="utf-8")
    config = load_config(path, environ={"TELEGRAM_BOT_TOKEN": "from-env", "BOT_ADMINS": "3"})
    assert config.telegram.token == "from-env" and config.admins == (1, 2, 3)
    assert "from-env" not in repr(config)


def test_mistakes_are_listed_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("telegram:\n  mode: push\nadmins: [abc]\ntimezone: Mars/Base\ncolour: red\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={})
    text = str(info.value)
    assert "'telegram.mode' must be 'polling' or 'webhook'" in text
    assert "'admins' must hold numeric Telegram user ids" in text
    assert "not a known time zone" in text and "unknown key 'colour'" in text


@pytest.mark.slow
def test_run_without_token_exits_2_with_the_fix(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(ROOT / "config.example.yaml")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in proc.stderr and "BotFather" in proc.stderr


@pytest.mark.slow
def test_bad_config_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("telegram: [\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2 and "YAML syntax error" in proc.stderr


def test_thresholds_can_be_tuned_and_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("thresholds:\n  answer: 60\n  lead: 5\n", encoding="utf-8")
    config = load_config(path, environ={})
    assert config.thresholds.answer == 60.0 and config.thresholds.lead == 5.0 and config.thresholds.sure == 88.0
    path.write_text("thresholds:\n  answr: 60\n  lead: high\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={})
    assert "unknown key 'thresholds.answr'" in str(info.value) and "'thresholds.lead' must be float" in str(info.value)


@pytest.mark.slow
@pytest.mark.parametrize(
    "written",
    ['\n    - "123456:AAE-list-token-secret"', '\n    main: "123456:AAE-map-token-secret"'],
    ids=["list", "mapping"],
)
def test_a_token_written_as_a_list_or_mapping_is_rejected_without_echoing_it(tmp_path: Path, written: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(f"telegram:\n  token:{written}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={})
    assert "'telegram.token' must be text" in str(info.value)
    assert "token-secret" not in str(info.value) and "123456" not in str(info.value)
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(path)],
        cwd=ROOT, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2 and "'telegram.token' must be text" in proc.stderr
    assert "token-secret" not in proc.stdout + proc.stderr


def test_a_weak_or_malformed_webhook_secret_is_rejected_without_echoing_it(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    for secret in ("short", "has spaces and é in it 1234567890", ["a", "list"]):
        path.write_text(
            "telegram:\n  mode: webhook\n  webhook:\n    url: https://bot.example.cn/telegram\n"
            f"    secret_token: {secret!r}\n".replace("'", '"'),
            encoding="utf-8",
        )
        with pytest.raises(ConfigError) as info:
            load_config(path, environ={})
        assert "'telegram.webhook.secret_token'" in str(info.value)
        assert "short" not in str(info.value) and "spaces" not in str(info.value) and "list" not in str(info.value)
    good = "A" * 20 + "_-09"
    config = load_config(path, environ={"TELEGRAM_WEBHOOK_SECRET": good})
    assert config.telegram.webhook_secret == good and good not in repr(config)


def test_pseudonym_key_and_log_level(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text('privacy:\n  pseudonym_key: "too-short"\nlog_level: chatty\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={})
    assert "'privacy.pseudonym_key'" in str(info.value) and "too-short" not in str(info.value)
    assert "'log_level' must be one of" in str(info.value)
    key = "k" * 40
    config = load_config(path, environ={"BOT_PSEUDONYM_KEY": key, "BOT_LOG_LEVEL": "debug"})
    assert config.privacy.pseudonym_key == key and key not in repr(config) and config.log_level == "DEBUG"
