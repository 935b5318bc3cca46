"""announcements.yaml: parsing, validation with file:line, and the schedule arithmetic (no Telegram)."""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from bot.announcements.model import ANNOUNCEMENT_TZ, ANNOUNCEMENTS, parse_rule, run_id
from bot.cli import cmd_validate
from bot.knowledge.load import load_knowledge
from bot.knowledge.problems import KnowledgeError
from bot.storage import Storage
from tests.conftest import KNOWLEDGE, ROOT

TZ = ANNOUNCEMENT_TZ


def knowledge_with(tmp_path: Path, announcements: str) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    (target / "announcements.yaml").write_text(announcements, encoding="utf-8")
    return target


GOOD = """\
announcements:
  - id: heating-notice
    text: |
      各位居民：供暖从明天开始。
      有问题请拨打12345。
    at: 2026-12-01 09:00
    targets: all
    pin: true
  - id: weekly-tip
    text: 每周一提醒
    repeat: 每周一 9:00
    from: 2026-12-01
    until: 2027-01-31
    targets:
      tags: [城关镇, ＃夏家营镇]
      chats: [-1001234567890]
"""


def test_good_file_loads_with_times_in_beijing_time(tmp_path: Path) -> None:
    kb = load_knowledge(knowledge_with(tmp_path, GOOD))
    heating, weekly = kb.extras.get(ANNOUNCEMENTS)
    assert heating.at == datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
    assert heating.text == "各位居民：供暖从明天开始。\n有问题请拨打12345。"
    assert heating.pin and heating.targets.all
    assert heating.line == 2 and heating.file.endswith("announcements.yaml")
    assert weekly.repeat is not None and weekly.repeat.weekdays == {0}
    assert weekly.targets.tags == ("城关镇", "夏家营镇") and weekly.targets.chats == (-1001234567890,)
    assert weekly.start == date(2026, 12, 1) and weekly.until == date(2027, 1, 31)


def test_the_shipped_file_is_valid_and_schedules_nothing() -> None:
    assert load_knowledge(KNOWLEDGE).extras.get(ANNOUNCEMENTS) == ()


BAD = """\
announcements:
  - id: ok-one
    text: 正常
    at: 2026-12-01 09:00
    targets: all
  - id: no-time
    text: 没有时间
    targets: all
  - id: both
    text: 两个都有
    at: 2026-12-01 09:00
    repeat: 每天 09:00
    targets: all
  - id: bad-at
    text: x
    at: 明天上午
    targets: all
  - id: bad-rule
    text: x
    repeat: 每周八 09:00
    targets: all
  - id: bad-targets
    text: x
    at: 2026-12-01 09:00
    targets: 大家
  - id: ok-one
    text: 重复的编号
    at: 2026-12-02 09:00
    targets: {chats: [群一]}
    colour: red
"""


def test_bad_file_reports_every_problem_with_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(knowledge_with(tmp_path, BAD))
    problems = {(p.line, p.message.split(" ")[0]) for p in caught.value.problems}
    text = "\n".join(str(p) for p in caught.value.problems)
    assert all(p.file.endswith("announcements.yaml") for p in caught.value.problems)
    assert (6, "announcement") in problems and "needs 'at:" in text  # no time at all
    assert (12, "use") in problems  # at and repeat together
    assert (16, "at") in problems and "2026-12-01 09:00" in text  # the fix shows the format
    assert (20, "repeat") in problems and "每周一 09:00" in text
    assert (25, "targets") in problems
    assert (29, "chat") in problems  # 群一 is not a chat id
    assert (30, "unknown") in problems  # colour


def test_a_file_left_unread_gives_no_announcements_and_no_problems(tmp_path: Path) -> None:
    kb = load_knowledge(knowledge_with(tmp_path, BAD), unread={ANNOUNCEMENTS.name})
    assert kb.extras.get(ANNOUNCEMENTS) == () and len(kb.entries) > 0


def test_without_the_feature_the_file_is_not_read_as_a_topic_file() -> None:
    code = (
        "import sys; from bot.knowledge.load import load_knowledge; kb = load_knowledge(sys.argv[1]); "
        "print(len(kb.topics), 'bot.announcements.model' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(KNOWLEDGE)], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    assert done.stdout.split()[1] == "False" and int(done.stdout.split()[0]) > 0


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(knowledge_with(tmp_path, "announcements:\n  - id: x\n    text: [unclosed\n"))
    assert any("YAML syntax error" in p.message and p.line >= 3 for p in caught.value.problems)


@pytest.mark.slow
def test_validate_command_reports_a_bad_announcements_file(tmp_path: Path) -> None:
    directory = knowledge_with(tmp_path, BAD)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "validate", "--knowledge", str(directory)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 1
    assert "knowledge/announcements.yaml:20: repeat '每周八 09:00' is not understood" in done.stdout


@pytest.mark.parametrize(
    ("rule", "weekdays", "hour"),
    [
        ("每天 07:30", set(range(7)), 7),
        ("工作日 18:00", {0, 1, 2, 3, 4}, 18),
        ("每周一三五 9:00", {0, 2, 4}, 9),
        ("每周日 20:00", {6}, 20),
        ("weekly mon,fri 08:15", {0, 4}, 8),
    ],
)
def test_weekly_rules(rule: str, weekdays: set[int], hour: int) -> None:
    parsed = parse_rule(rule)
    assert parsed is not None and parsed.at.hour == hour
    week = [date(2026, 11, 30 + i) if i < 1 else date(2026, 12, i) for i in range(7)]  # Mon 11-30 … Sun 12-06
    assert {d.weekday() for d in week if parsed.matches(d)} == weekdays


@pytest.mark.parametrize("rule", ["每周 09:00", "每天", "每月0日 09:00", "每天 24:00", "明天 09:00", ""])
def test_rules_that_are_not_rules(rule: str) -> None:
    assert parse_rule(rule) is None


def test_monthly_rule_falls_on_the_last_day_of_short_months(tmp_path: Path) -> None:
    yaml_text = "announcements:\n  - id: m\n    text: x\n    repeat: 每月31日 10:00\n    targets: all\n"
    (monthly,) = load_knowledge(knowledge_with(tmp_path, yaml_text)).extras.get(ANNOUNCEMENTS)
    after = datetime(2027, 2, 1, tzinfo=TZ)
    assert monthly.next_after(after) == datetime(2027, 2, 28, 10, 0, tzinfo=TZ)
    assert monthly.last_due(after) == datetime(2027, 1, 31, 10, 0, tzinfo=TZ)


def test_next_and_last_occurrence_respect_from_and_until(tmp_path: Path) -> None:
    _, weekly = load_knowledge(knowledge_with(tmp_path, GOOD)).extras.get(ANNOUNCEMENTS)
    # 2026-11-30 is a Monday, but the repeat starts on 12-01: the first one is Monday 12-07
    assert weekly.next_after(datetime(2026, 11, 29, tzinfo=TZ)) == datetime(2026, 12, 7, 9, 0, tzinfo=TZ)
    assert weekly.last_due(datetime(2026, 12, 7, 8, 59, tzinfo=TZ)) is None
    assert weekly.last_due(datetime(2026, 12, 7, 9, 0, tzinfo=TZ)) == datetime(2026, 12, 7, 9, 0, tzinfo=TZ)
    # the last Monday before until (Sunday 2027-01-31) is 01-25; nothing after it
    assert weekly.next_after(datetime(2027, 1, 25, 9, 0, tzinfo=TZ)) is None
    assert run_id("weekly-tip", datetime(2026, 12, 7, 1, 0, tzinfo=ANNOUNCEMENT_TZ)) == "weekly-tip@2026-12-07T01:00"


@pytest.mark.slow
def test_announce_list_shows_schedule_and_recipients(tmp_path: Path) -> None:
    directory = knowledge_with(tmp_path, GOOD)
    database = tmp_path / "bot.sqlite3"
    storage = Storage(database)
    storage.subscribe(-1001, title="城关镇居民群", tags=["城关镇"])
    storage.subscribe(-1002, title="庞泉沟群", tags=[])
    storage.close()
    config = tmp_path / "config.yaml"
    config.write_text(f"database: {database}\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "announce", "--list", "--knowledge", str(directory), "--config", str(config)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "heating-notice" in out and "2026-12-01 09:00" in out
    assert "全部订阅群 → 2 个群：城关镇居民群、庞泉沟群" in out
    assert "标签 城关镇、夏家营镇；群 -1001234567890 → 1 个群：城关镇居民群" in out
    assert "-1001234567890" in out and "没有订阅" in out  # a listed chat that never subscribed


def test_the_example_in_the_admin_guide_is_valid(tmp_path: Path) -> None:
    guide = (KNOWLEDGE / "README.md").read_text(encoding="utf-8")
    section = guide[guide.index("### 定时发"):]
    example = section[section.index("```yaml\n") + 8:section.index("\n```", section.index("```yaml"))]
    kb = load_knowledge(knowledge_with(tmp_path, example))
    assert [a.id for a in kb.extras.get(ANNOUNCEMENTS)] == ["heating-notice", "weekly-reminder"]
    assert kb.extras.get(ANNOUNCEMENTS)[1].targets.chats == (-1001234567890,)


def test_duplicate_ids_are_reported_with_the_first_line(tmp_path: Path) -> None:
    text = "announcements:\n" + "  - id: same\n    text: x\n    at: 2026-12-01 09:00\n    targets: all\n" * 2
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(knowledge_with(tmp_path, text))
    assert [str(p).split("/")[-1] for p in caught.value.problems] == [
        "announcements.yaml:6: duplicate id 'same' (first used on line 2)"
    ]



# issue 19, rows 7 and 10: validate refuses what cannot be sent, with file:line
def test_times_that_cannot_be_converted_and_texts_too_long_for_telegram_are_refused(tmp_path: Path) -> None:
    directory = knowledge_with(tmp_path, (
        "announcements:\n"
        "  - id: far\n    text: 很远\n    at: 9999-12-31 23:59-12:00\n    targets: all\n"
        "  - id: early\n    text: 很早\n    at: 0001-01-01 00:00+14:00\n    targets: all\n"
        "  - id: emoji\n    text: " + "😀" * 2001 + "\n    at: 2027-01-01 09:00\n    targets: all\n"
        "  - id: fits\n    text: " + "😀" * 2000 + "\n    at: 2027-01-01 09:00\n    targets: all\n"
    ))
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory)
    found = sorted((p.line, p.message) for p in caught.value.problems)
    assert [line for line, _ in found] == [4, 8, 11]
    assert "at '9999-12-31 23:59-12:00' is not a date and time" in found[0][1]
    assert "at '0001-01-01 00:00+14:00' is not a date and time" in found[1][1]
    assert "text is 4002 long as Telegram counts" in found[2][1]
    out, err = io.StringIO(), io.StringIO()
    assert cmd_validate(argparse.Namespace(knowledge=str(directory)), out, err) == 1
    assert "knowledge/announcements.yaml:4: at '9999-12-31 23:59-12:00'" in out.getvalue()
