"""The core of teaching: line-exact YAML edits, the validated and recorded editor, grouping of questions."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.engine.matching import Matcher
from bot.engine.service import KnowledgeService, Loaded
from bot.engine.validate import check_self_retrieval
from bot.knowledge.load import load_knowledge
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.problems import Problem
from bot.settings import Thresholds
from bot.storage import Storage
from bot.teaching.kbedit import KnowledgeEditor
from bot.teaching.learning import group_signals, note_pick, refresh_proposals
from bot.teaching.store import Signal
from bot.teaching.yamledit import EditError, add_question, revert
from tests.conftest import KNOWLEDGE, MINI_TOPIC

COMMENTED = """\
# 测试话题：注释、引号、空行和顺序都要原样保留
topic: 测试   # 行尾注释
source: mini
section: 第一节
entries:
  - id: high-tech
    questions:
      - "交城有多少户高新技术企业？"
      - '高企有几家'    # 单引号
    answer: 交城有国家级高新技术企业40户。
    quote: 交城县拥有国家级高新技术企业40户

  # 下面这条讲社工站
  - id: social-work
    questions: [交城有几个乡镇社工站？, 社工站]
    answer: 全县8个乡镇社工站挂牌成立。
    quote: 全县8个乡镇社工站挂牌成立
"""


def _inserted(before: str, after: str) -> list[str]:
    """The lines ``after`` has that ``before`` lacks, asserting nothing else differs."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    i = 0
    while i < len(old) and old[i] == new[i]:
        i += 1
    extra = len(new) - len(old)
    assert new[: i] + new[i + extra :] == old
    return new[i : i + extra]


def test_a_block_question_is_one_new_line_and_every_other_byte_is_kept() -> None:
    after, hunk = add_question(COMMENTED, "high-tech", "高企多少家")
    assert _inserted(COMMENTED, after) == ["      - 高企多少家\n"]
    assert after.index("高企多少家") > after.index("'高企有几家'    # 单引号")
    assert revert(after, hunk) == COMMENTED


def test_a_flow_list_gets_the_question_before_its_bracket() -> None:
    after, hunk = add_question(COMMENTED, "social-work", "社工站有几个, 在哪")
    assert '    questions: [交城有几个乡镇社工站？, 社工站, "社工站有几个, 在哪"]\n' in after
    assert len(after.splitlines()) == len(COMMENTED.splitlines())
    assert revert(after, hunk) == COMMENTED


@pytest.mark.parametrize("question", ["注意: 冒号", "#号开头", "- 像列表", "yes", "123", "'引号'", "a: b # c"])
def test_awkward_questions_are_quoted_so_they_load_back_as_written(
    question: str, make_kb: Callable[..., Path]
) -> None:
    after, _ = add_question(MINI_TOPIC, "social-work", question)
    root = make_kb(topic=after)
    assert load_knowledge(root).by_id["social-work"].questions[-1] == question


def test_crlf_files_and_a_last_line_without_a_break_are_kept() -> None:
    text = COMMENTED.replace("\n", "\r\n")
    after, hunk = add_question(text, "high-tech", "高企多少家")
    assert _inserted(text, after) == ["      - 高企多少家\r\n"]
    assert revert(after, hunk) == text
    bare = "entries:\n  - id: a\n    questions:\n      - 甲"
    after, hunk = add_question(bare, "a", "乙")
    assert after == "entries:\n  - id: a\n    questions:\n      - 甲\n      - 乙"
    assert revert(after, hunk) == bare


def test_an_unknown_entry_or_an_empty_question_is_an_error() -> None:
    with pytest.raises(EditError):
        add_question(COMMENTED, "no-such-entry", "问题")
    with pytest.raises(EditError):
        add_question(COMMENTED, "high-tech", "  \n ")
    with pytest.raises(EditError):
        revert(COMMENTED, add_question(COMMENTED, "high-tech", "高企多少家")[1])  # not in this text


# --------------------------------------------------------------------------------------------------
# the editor: validation, atomic write, history, undo, git


@pytest.fixture
def editor(make_kb: Callable[..., Path], storage: Storage) -> KnowledgeEditor:
    return KnowledgeEditor(KnowledgeService(make_kb(topic=COMMENTED)), storage)


def test_an_edit_is_validated_written_swapped_in_and_recorded(editor: KnowledgeEditor) -> None:
    path = Path(editor.knowledge.directory) / "topic.yaml"
    base_before = editor.knowledge.current.base_hash
    result = editor.add_question("high-tech", "高新企业总共多少户", actor="cli:staff")
    assert result.ok, result.text
    assert _inserted(COMMENTED, path.read_text(encoding="utf-8")) == ["      - 高新企业总共多少户\n"]
    assert editor.knowledge.current.kb.by_id["high-tech"].questions[-1] == "高新企业总共多少户"
    assert editor.knowledge.current.matcher.match("高新企业总共多少户").entry.id == "high-tech"  # type: ignore[union-attr]
    (change,) = editor.storage.changes()
    assert (change.actor, change.action, change.file, change.entry_id, change.question) == (
        "cli:staff", "add_question", "topic.yaml", "high-tech", "高新企业总共多少户")
    assert '"added": ["      - 高新企业总共多少户\\n"]' in change.hunk and '"line": 10' in change.hunk
    assert change.base_before == base_before and change.base_after == editor.knowledge.current.base_hash
    assert not list(path.parent.glob(".topic.yaml.*"))  # no temporary file left behind


def test_conflicts_and_invalid_bases_are_refused_with_nothing_written(editor: KnowledgeEditor) -> None:
    path = Path(editor.knowledge.directory) / "topic.yaml"
    result = editor.add_question("high-tech", "社工站", actor="cli:staff")
    assert not result.ok and "另一个条目“交城有几个乡镇社工站？”的问法" in result.text
    result = editor.add_question("high-tech", "高企有几家？", actor="cli:staff")
    assert not result.ok and "已经是条目“交城有多少户高新技术企业？”的问法" in result.text
    result = editor.add_question("nope", "问题", actor="cli:staff")
    assert not result.ok and "没有条目 nope" in result.text
    assert path.read_text(encoding="utf-8") == COMMENTED
    assert editor.storage.changes() == []


def test_a_question_the_entry_would_still_not_answer_is_refused(editor: KnowledgeEditor) -> None:
    path = Path(editor.knowledge.directory) / "topic.yaml"
    result = editor.add_question("high-tech", "你好", actor="cli:staff")  # small talk, never an entry's answer
    assert not result.ok and "通不过检查" in result.text
    assert path.read_text(encoding="utf-8") == COMMENTED


def test_an_edit_that_leaves_a_neighbours_question_ambiguous_is_refused(
    make_kb: Callable[..., Path], tmp_path: Path
) -> None:
    # no score is sure enough to answer without a lead: a near twin of another entry's question on this entry
    # leaves that question between the two (the new question itself is answered by its entry)
    root = make_kb(topic=COMMENTED)
    storage = Storage(tmp_path / "bot.sqlite3")
    editor = KnowledgeEditor(KnowledgeService(root, thresholds=Thresholds(sure=101.0)), storage)
    result = editor.add_question("high-tech", "交城有几个乡镇社工站点", actor="cli:staff")
    assert not result.ok and "通不过检查" in result.text
    assert [p.message for p in result.problems] == [
        "question '交城有几个乡镇社工站？' of 'social-work' is ambiguous between social-work, high-tech; "
        "reword it to be specific"]
    assert (root / "topic.yaml").read_text(encoding="utf-8") == COMMENTED
    assert editor.knowledge.current.kb.by_id["high-tech"].questions == ("交城有多少户高新技术企业？", "高企有几家")
    storage.close()


@pytest.mark.slow  # checks every question of the shipped base twice
def test_the_engine_an_edit_swaps_in_answers_as_one_loaded_afresh(tmp_path: Path) -> None:
    """The shipped base, edited: every question of it gets from the engine the edit built and swapped in the
    reply a matcher built from the written folder gives; undone, the base is the one loaded afresh again."""
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root, ignore=shutil.ignore_patterns(".cache", ".git"))
    storage = Storage(tmp_path / "bot.sqlite3")
    editor = KnowledgeEditor(KnowledgeService(root), storage, git=False)
    editor.knowledge.reload = None  # type: ignore[assignment,method-assign]  # an edit never builds a second time
    result = editor.add_question("elder-beds", "养老院总共几张床位", actor="cli:staff")
    assert result.ok, result.text
    served = editor.knowledge.current
    fresh = Matcher(load_knowledge(root), thresholds=served.matcher.thresholds)
    assert list(served.kb.entries) == list(fresh.kb.entries)
    questions = [q for entry in fresh.kb.entries for q in entry.questions]
    assert [served.matcher.match(q) for q in questions] == [fresh.match(q) for q in questions]
    result = editor.undo(actor="cli:staff")
    assert result.ok, result.text
    served = editor.knowledge.current
    assert list(served.kb.entries) == list(load_knowledge(KNOWLEDGE).entries)
    assert served.files == dict(KnowledgeService(KNOWLEDGE).current.files)
    assert served.matcher.match("养老院总共几张床位") == Matcher(load_knowledge(KNOWLEDGE)).match("养老院总共几张床位")
    storage.close()


# a second topic file, written on disk after the bot loaded the base
RANKING = """\
topic: 排名
source: mini
section: 第一节
entries:
  - id: high-tech-rank
    questions:
      - 高新技术企业总量全市排第几？
    answer: 交城县国家级高新技术企业总量全市第一。
    quote: 总量全市第一
"""


def test_another_file_changed_on_disk_means_every_question_is_checked_and_it_is_served(
    editor: KnowledgeEditor, monkeypatch: pytest.MonkeyPatch
) -> None:
    full: list[int] = []

    def every_question(kb: KnowledgeBase, matcher: Matcher) -> list[Problem]:
        full.append(len(kb.entries))
        return check_self_retrieval(kb, matcher)

    monkeypatch.setattr("bot.teaching.kbedit.check_self_retrieval", every_question)
    root = Path(editor.knowledge.directory)
    (root / "ranking.yaml").write_text(RANKING, encoding="utf-8")
    result = editor.add_question("high-tech", "高新企业总共多少户", actor="cli:staff")
    assert result.ok, result.text
    assert full == [3]  # not only the entries near the edit: the hand edit is checked as well
    assert "high-tech-rank" in editor.knowledge.current.kb.by_id  # served as a reload would have
    assert editor.knowledge.current.files == dict(KnowledgeService(root).current.files)


def test_a_file_written_while_the_edit_is_checked_is_loaded_with_it(
    editor: KnowledgeEditor, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = Path(editor.knowledge.directory)
    build = editor.knowledge.build

    def build_then_someone_writes(changes: dict[str, bytes]) -> Loaded:
        built = build(changes)
        (root / "ranking.yaml").write_text(RANKING, encoding="utf-8")
        return built

    monkeypatch.setattr(editor.knowledge, "build", build_then_someone_writes)
    result = editor.add_question("high-tech", "高新企业总共多少户", actor="cli:staff")
    assert result.ok, result.text
    served = editor.knowledge.current.kb
    assert "高新企业总共多少户" in served.by_id["high-tech"].questions and "high-tech-rank" in served.by_id
    assert editor.knowledge.current.files == dict(KnowledgeService(root).current.files)


def test_a_file_changed_since_load_is_refused_and_kept(editor: KnowledgeEditor) -> None:
    path = Path(editor.knowledge.directory) / "topic.yaml"
    path.write_text(COMMENTED + "# 手工加的\n", encoding="utf-8")
    result = editor.add_question("high-tech", "高新企业总共多少户", actor="cli:staff")
    assert not result.ok and "被改过了" in result.text
    assert path.read_text(encoding="utf-8") == COMMENTED + "# 手工加的\n"


def test_undo_restores_the_bytes_and_refuses_when_the_file_moved_on(editor: KnowledgeEditor) -> None:
    path = Path(editor.knowledge.directory) / "topic.yaml"
    assert editor.add_question("high-tech", "高新企业总共多少户", actor="cli:a").ok
    assert editor.add_question("social-work", "社工站建了几个", actor="cli:b").ok
    result = editor.undo(actor="cli:c")
    assert result.ok, result.text
    assert "社工站建了几个" not in path.read_text(encoding="utf-8")
    assert "社工站建了几个" not in editor.knowledge.current.kb.by_id["social-work"].questions
    assert editor.undo(actor="cli:c").ok
    assert path.read_text(encoding="utf-8") == COMMENTED
    assert editor.undo(actor="cli:c").text == "没有可以撤销的修改。"
    assert editor.add_question("high-tech", "高新企业总共多少户", actor="cli:a").ok
    path.write_text(path.read_text(encoding="utf-8") + "# 别人改的\n", encoding="utf-8")
    result = editor.undo(actor="cli:c")
    assert not result.ok and "又被改过了" in result.text
    assert path.read_text(encoding="utf-8").endswith("# 别人改的\n")
    actions = [(c.action, c.reverts) for c in editor.storage.changes()]
    assert actions == [("add_question", None), ("undo", 1), ("undo", 2), ("add_question", None),
                       ("add_question", None)]


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          capture_output=True, text=True, check=True).stdout


def test_in_a_git_repository_each_change_is_committed(editor: KnowledgeEditor) -> None:
    folder = Path(editor.knowledge.directory)
    _git(folder, "init", "-q")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-qm", "start")
    assert editor.add_question("high-tech", "高新企业总共多少户", actor="telegram:777").ok
    assert editor.undo(actor="telegram:777").ok
    log = _git(folder, "log", "--format=%s")
    assert log.splitlines()[:2] == [
        "知识库：撤销修改 #1，条目 high-tech 去掉问法“高新企业总共多少户”（telegram:777）",
        "知识库：条目 high-tech 加问法“高新企业总共多少户”（telegram:777，修改 #1）",
    ]
    assert _git(folder, "status", "--porcelain") == ""
    assert all(c.git_commit for c in editor.storage.changes())


# --------------------------------------------------------------------------------------------------
# learning: grouping and the likely entry


def _signal(text: str, status: str = "no_match", *, picked: str | None = None, kind: str | None = None,
            entry_id: str | None = None, ts: float = 1.0) -> Signal:
    return Signal(ts, text, status, entry_id, (), picked, kind)


def test_near_identical_questions_are_one_group_with_a_count(matcher: Matcher) -> None:
    signals = [
        _signal("养老院的饭菜怎么样"), _signal("养老院的饭菜怎么样？"), _signal("請問養老院的飯菜怎麼樣"),
        _signal("养老院饭菜怎么样呢"), _signal("交城的房价多少"),
        _signal("省级的中心有几个", "ambiguous", picked="tech-provincial-innovation-centers", kind="ambiguous"),
        _signal("省级的中心有几个啊", "ambiguous"),
        _signal("随便问问", "ambiguous"),  # an ambiguous question nobody picked from teaches nothing
        _signal("我的身份证号是110101199003071234"),  # private data never becomes a proposal
    ]
    groups = {g.question: g for g in group_signals(signals, matcher)}
    assert set(groups) == {"养老院的饭菜怎么样", "交城的房价多少", "省级的中心有几个"}
    assert groups["养老院的饭菜怎么样"].asked == 4
    assert groups["省级的中心有几个"].asked == 2
    assert groups["省级的中心有几个"].likely()[0] == "tech-provincial-innovation-centers"
    assert groups["交城的房价多少"].likely() == (None, "")


def test_picks_are_labels_only_after_an_offer(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "bot.sqlite3")
    loaded = KnowledgeService(KNOWLEDGE).current
    storage.log_question(user_id=1, chat_type="private", text="省级的中心有几个", status="ambiguous", entry_id=None,
                         score=50, suggestions=["tech-provincial-innovation-centers", "tech-doctoral-innovation-center"])
    assert note_pick(storage, loaded.kb, 2, "tech-provincial-innovation-centers") == ""  # someone else's tap
    assert note_pick(storage, loaded.kb, 1, "elder-beds") == ""  # not one of the offered entries
    assert note_pick(storage, loaded.kb, 1, "tech-provincial-innovation-centers") == "ambiguous"
    (proposal,) = refresh_proposals(storage, loaded)
    assert (proposal.question, proposal.entry_id, proposal.asked) == (
        "省级的中心有几个", "tech-provincial-innovation-centers", 1)
    assert "tech-doctoral-innovation-center" in proposal.choices
    storage.close()


def test_a_partly_answered_question_proposes_the_closest_entry(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "bot.sqlite3")
    loaded = KnowledgeService(KNOWLEDGE).current
    result = loaded.matcher.match("养老床位一张多少钱")
    assert str(result.status) == "partial" and result.entry is not None
    for user in (1, 2):
        storage.log_question(user_id=user, chat_type="private", text="养老床位一张多少钱", status="partial",
                             entry_id=result.entry.id, score=result.score, suggestions=[])
    (proposal,) = refresh_proposals(storage, loaded)
    assert (proposal.entry_id, proposal.asked, proposal.reason) == (result.entry.id, 2, "机器人答了这一条最接近的内容")
    again = refresh_proposals(storage, loaded)
    assert [(p.id, p.rev) for p in again] == [(proposal.id, proposal.rev)]  # nothing new: buttons stay valid
    storage.close()
