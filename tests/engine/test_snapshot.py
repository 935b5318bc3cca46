"""The compiled snapshot: reused while the base is unchanged, rebuilt on any change, never served corrupt;
answers from it are the answers from the YAML; a reload swaps bases atomically while questions are answered."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from bot.cli import main
from bot.engine import snapshot
from bot.engine.matching import Matcher
from bot.engine.service import KnowledgeService
from bot.engine.snapshot import fingerprint, open_knowledge
from bot.knowledge.load import load_knowledge
from bot.knowledge.problems import KnowledgeError
from bot.knowledge.table import EntryTable
from tests.conftest import KNOWLEDGE, MINI_TOPIC


def folders(cache: Path) -> list[Path]:
    return sorted(p for p in cache.iterdir() if p.is_dir() and not p.name.startswith("."))


def test_unchanged_base_is_opened_from_its_snapshot(
    make_kb: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache = make_kb(), tmp_path / "cache"
    first = open_knowledge(root, cache_dir=cache)
    assert isinstance(first.entries, EntryTable)
    [folder] = folders(cache)
    assert folder.name == fingerprint(root) and (folder / "meta.json").exists()

    def no_yaml(directory: object) -> None:
        raise AssertionError("the YAML was read although the snapshot is current")

    monkeypatch.setattr(snapshot, "load_knowledge", no_yaml)
    again = open_knowledge(root, cache_dir=cache)
    assert [e.id for e in again.entries] == ["high-tech", "social-work"]
    assert again.by_id["high-tech"] == load_knowledge(root).by_id["high-tech"]
    assert "social-work" in again.by_id and "nope" not in again.by_id
    assert again.index_of("social-work") == 1 and again.index_of("nope") is None
    assert again.topics == ("测试",) and len(again.entries_of("测试")) == 2


def test_snapshot_entries_equal_the_yaml(make_kb: Callable[..., Path], tmp_path: Path) -> None:
    root = make_kb()
    from_yaml = load_knowledge(root)
    compiled = open_knowledge(root, cache_dir=tmp_path / "cache")
    assert tuple(compiled.entries) == from_yaml.entries
    assert compiled.entries[:1] == from_yaml.entries[:1] and compiled.entries[-1] == from_yaml.entries[-1]
    assert dict(compiled.sources) == dict(from_yaml.sources)
    assert (compiled.synonyms, compiled.scope, compiled.extras) == (
        from_yaml.synonyms, from_yaml.scope, from_yaml.extras
    )


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / "topic.yaml").write_text(
            MINI_TOPIC.replace("交城有国家级高新技术企业40户。", "交城有国家级高新技术企业41户。"), encoding="utf-8"
        ),
        lambda root: (root / "sources" / "mini.md").write_text(
            (root / "sources" / "mini.md").read_text(encoding="utf-8") + "\n补充一段。\n", encoding="utf-8"
        ),
        lambda root: (root / "synonyms.yaml").write_text("synonyms:\n  - [高企, 高新技术企业]\n", encoding="utf-8"),
    ],
    ids=["topic file edited", "source edited", "file added"],
)
def test_any_change_to_any_file_rebuilds(
    make_kb: Callable[..., Path], tmp_path: Path, change: Callable[[Path], object]
) -> None:
    root, cache = make_kb(), tmp_path / "cache"
    open_knowledge(root, cache_dir=cache)
    before = fingerprint(root)
    change(root)
    assert fingerprint(root) != before
    kb = open_knowledge(root, cache_dir=cache)
    assert [p.name for p in folders(cache)] == [fingerprint(root)]  # rebuilt; the old snapshot is gone
    assert tuple(kb.entries) == load_knowledge(root).entries and kb.synonyms == load_knowledge(root).synonyms


@pytest.mark.parametrize("damage", ["truncate", "flip", "meta", "delete"])
def test_corrupt_snapshot_is_detected_and_rebuilt(
    make_kb: Callable[..., Path], tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    root, cache = make_kb(), tmp_path / "cache"
    open_knowledge(root, cache_dir=cache)
    [folder] = folders(cache)
    target = folder / "entry_answer.npy"
    if damage == "truncate":
        target.write_bytes(target.read_bytes()[:-4])
    elif damage == "flip":
        data = bytearray((folder / "strings.bin").read_bytes())
        data[5] ^= 0xFF
        (folder / "strings.bin").write_bytes(bytes(data))
    elif damage == "meta":
        (folder / "meta.json").write_text("{not json", encoding="utf-8")
    else:
        target.unlink()
    with caplog.at_level(logging.WARNING, logger="bot.engine.snapshot"):
        kb = open_knowledge(root, cache_dir=cache)
    assert "not used" in caplog.text
    assert tuple(kb.entries) == load_knowledge(root).entries  # served from a fresh build, not the damage
    open_knowledge(root, cache_dir=cache)  # and the rebuilt snapshot is good again
    assert snapshot._read(folder, root, folder.name).entries[0].id == "high-tech"


def test_invalid_base_is_never_served_from_an_old_snapshot(make_kb: Callable[..., Path], tmp_path: Path) -> None:
    root, cache = make_kb(), tmp_path / "cache"
    open_knowledge(root, cache_dir=cache)
    (root / "topic.yaml").write_text(MINI_TOPIC.replace("quote: 全县8个", "quote: 全县9个"), encoding="utf-8")
    with pytest.raises(KnowledgeError, match="quote not found"):
        open_knowledge(root, cache_dir=cache)


def test_validate_reads_the_yaml_not_the_snapshot(make_kb: Callable[..., Path], tmp_path: Path) -> None:
    root = make_kb()
    open_knowledge(root)  # the default cache, beside the base
    assert (root / ".cache").is_dir()
    (root / "topic.yaml").write_text(MINI_TOPIC.replace("quote: 全县8个", "quote: 全县9个"), encoding="utf-8")
    assert main(["validate", "--knowledge", str(root)]) == 1


@pytest.mark.slow
def test_large_base_is_compiled_in_a_child_process(
    make_kb: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "SEPARATE_BUILD_BYTES", 0)  # every base counts as large
    root, cache = make_kb(), tmp_path / "cache"

    def not_here(directory: object) -> None:
        raise AssertionError("the YAML was read in the serving process")

    monkeypatch.setattr(snapshot, "load_knowledge", not_here)
    kb = open_knowledge(root, cache_dir=cache)
    assert [e.id for e in kb.entries] == ["high-tech", "social-work"] and folders(cache)
    (root / "topic.yaml").write_text(MINI_TOPIC.replace("quote: 全县8个", "quote: 全县9个"), encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        open_knowledge(root, cache_dir=cache)
    assert any("quote not found" in p.message and p.file == "knowledge/topic.yaml" for p in info.value.problems)


def test_unwritable_cache_still_serves(make_kb: Callable[..., Path], tmp_path: Path) -> None:
    root = make_kb()
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    kb = open_knowledge(root, cache_dir=blocker / "cache")
    assert Matcher(kb).match("交城有多少户高新技术企业").entry.id == "high-tech"  # type: ignore[union-attr]


def test_shipped_base_answers_the_same_from_snapshot_and_yaml(tmp_path: Path) -> None:
    from_yaml = Matcher(load_knowledge(KNOWLEDGE))
    compiled = Matcher(open_knowledge(KNOWLEDGE, cache_dir=tmp_path / "cache"))
    for question in ["交城有多少户高新技术企业", "养老院有多少床位", "回家山在哪", "今天天气怎么样", "磁湖"]:
        a, b = from_yaml.match(question), compiled.match(question)
        assert (a.status, a.entry, a.score, a.candidates) == (b.status, b.entry, b.score, b.candidates)


def test_postings_are_read_in_runs_only_when_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A small base's postings are mapped whole; a large one's are read a run at a time; both answer alike."""
    from bot.engine.index import FileArray

    mapped = open_knowledge(KNOWLEDGE, cache_dir=tmp_path / "cache")
    monkeypatch.setattr(snapshot, "_MAPPED_WHOLE", 0)  # every postings file counts as large
    in_runs = open_knowledge(KNOWLEDGE, cache_dir=tmp_path / "cache")
    indexes = [kb.compiled.chars for kb in (mapped, in_runs)]  # type: ignore[union-attr]
    assert isinstance(indexes[0].postings, np.ndarray) and isinstance(indexes[1].postings, FileArray)
    a_matcher, b_matcher = Matcher(mapped), Matcher(in_runs)
    for question in ["交城有多少户高新技术企业", "想问问咱县有多少家企业跟高校、科研院所结成了合作联盟", "磁湖"]:
        a, b = a_matcher.match(question), b_matcher.match(question)
        assert (a.status, a.entry, a.score, a.candidates) == (b.status, b.entry, b.score, b.candidates)


def test_many_quotes_against_one_large_source_are_verified(make_kb: Callable[..., Path]) -> None:
    paragraphs = [f"第{i}段：交城县第{i}号项目进展顺利，投资{i * 7}万元。" for i in range(3000)]
    source = "---\ntitle: 大资料\n---\n\n" + "\n\n".join(paragraphs) + "\n"
    entries = "".join(
        f"  - id: big-{i}\n    questions: [第{i}号项目投资多少号{i}]\n    answer: 投资{i * 7}万元。\n"
        f"    quote: 交城县第{i}号项目进展顺利，投资{i * 7}万元\n"
        for i in range(0, 3000, 3)
    )
    wrong = "  - id: big-wrong\n    questions: [不存在的项目]\n    answer: 无。\n    quote: 交城县第5号项目进展缓慢\n"
    root = make_kb({"sources/big.md": source, "big.yaml": "topic: 大\nsource: big\nentries:\n" + entries + wrong})
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    assert [(p.file, p.line) for p in info.value.problems if "quote not found" in p.message] == [
        ("knowledge/big.yaml", 3 + 4 * 1000 + 4)
    ]


def test_reload_swaps_atomically_while_questions_are_answered(make_kb: Callable[..., Path], tmp_path: Path) -> None:
    root = make_kb()
    service = KnowledgeService(root, cache_dir=tmp_path / "cache")
    old = service.current
    seen: list[tuple[int, str]] = []
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            loaded = service.current  # one base per question, as the bot does
            result = loaded.matcher.match("交城有多少户高新技术企业")
            assert result.entry is not None and result.entry in loaded.kb.entries
            seen.append((id(loaded), result.entry.answer))

    askers = [threading.Thread(target=ask) for _ in range(2)]
    for thread in askers:
        thread.start()
    (root / "topic.yaml").write_text(
        MINI_TOPIC.replace("交城有国家级高新技术企业40户。", "交城有国家级高新技术企业四十户。"), encoding="utf-8"
    )
    result = service.reload()
    for _ in range(5000):  # until the askers have answered from the new base (bounded, in case they died)
        if len(seen) >= 5 and seen[-1][0] == id(service.current):
            break
        time.sleep(0.002)
    stop.set()
    for thread in askers:
        thread.join()
    assert any(base == id(service.current) for base, _ in seen)  # the new base answered once swapped in
    assert result.ok and result.entries == 2 and result.seconds >= 0
    assert service.current is not old
    answers = {id(old): "交城有国家级高新技术企业40户。", id(service.current): "交城有国家级高新技术企业四十户。"}
    assert all(answer == answers[base] for base, answer in seen)  # never a mix of two bases


def test_failed_reload_keeps_the_old_base(make_kb: Callable[..., Path], tmp_path: Path) -> None:
    root = make_kb()
    service = KnowledgeService(root, cache_dir=tmp_path / "cache")
    old = service.current
    (root / "topic.yaml").write_text("topic: [", encoding="utf-8")
    result = service.reload()
    assert not result.ok and result.problems and result.entries == 2
    assert service.current is old


def test_string_table_and_id_map_round_trip() -> None:
    from bot.knowledge.table import StringTableBuilder

    builder = StringTableBuilder()
    numbers = builder.add_all(["", "交城", "abc", "交城", "𠀀 rare"])
    table = builder.build()
    assert numbers == [0, 1, 2, 1, 3] and len(table) == 4
    assert table.many(numbers) == ["", "交城", "abc", "交城", "𠀀 rare"]
    assert isinstance(table.offsets, np.ndarray)
