"""The benchmark keeps working: a small run (1,000 synthetic entries) from the command line. No timing is
asserted; the numbers are reported, not tested."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.evaluation.bench.methods import METHODS, build_answerer, tune_threshold
from bot.evaluation.bench.synthetic import write_synthetic_base
from bot.evaluation.bench.worker import measure
from bot.knowledge.load import load_knowledge
from tests.conftest import KNOWLEDGE, ROOT


@pytest.mark.slow
def test_synthetic_base_is_valid_and_sized(tmp_path: Path) -> None:
    base = write_synthetic_base(tmp_path / "syn", 250, real_knowledge=KNOWLEDGE)
    kb = load_knowledge(base)
    synthetic = [e for e in kb.entries if e.id.startswith("syn-")]
    assert len(synthetic) == 250 and all(len(e.questions) == 5 for e in synthetic)
    source = kb.sources["jiaocheng-release"].text
    assert all(e.quote in source for e in synthetic)


def test_synthetic_shapes_one_large_source_or_many_small(tmp_path: Path) -> None:
    one = load_knowledge(write_synthetic_base(tmp_path / "one", 120, real_knowledge=KNOWLEDGE, shape="one"))
    many = load_knowledge(write_synthetic_base(tmp_path / "many", 120, real_knowledge=KNOWLEDGE, shape="many"))
    assert {e.source for e in one.entries if e.id.startswith("syn-")} == {"synthetic-archive"}
    assert len({e.source for e in many.entries if e.id.startswith("syn-")}) == 3  # 50 entries a source
    assert all(e.quote in many.sources[e.source].text for e in many.entries if e.id.startswith("syn-"))


def test_each_method_finds_the_entry_and_a_tuned_threshold_declines_the_rest(make_kb: Callable[..., Path]) -> None:
    kb = load_knowledge(make_kb())  # two entries: high-tech, social-work
    for name in METHODS:
        answerer = build_answerer(name, kb)
        entry, score = answerer.best("交城有多少户高新技术企业")
        assert entry is not None and entry.id == "high-tech" and score > 0, name
    naive = build_answerer("naive", kb)
    naive.threshold = tune_threshold(naive, [("交城的高新技术企业有多少户", "high-tech")], ["明天天气怎么样"])
    assert naive.best("明天天气怎么样")[1] < naive.threshold <= naive.best("交城的高新技术企业有多少户")[1]
    assert naive.match("明天天气怎么样").entry is None
    assert naive.match("交城的高新技术企业有多少户").entry is not None


def test_the_worker_measures_a_method_on_a_base_in_process(make_kb: Callable[..., Path], tmp_path: Path) -> None:
    questions = tmp_path / "questions.yaml"
    questions.write_text(
        "in_scope:\n  - {q: 交城的高新技术企业有多少户, id: high-tech}\n  - {q: 乡镇社工站有几个, id: social-work}\n"
        "out_of_scope:\n  - 明天天气怎么样\n",
        encoding="utf-8",
    )
    cache = tmp_path / "cache"
    row = measure(make_kb(), "engine", questions, threshold=0.0, sample=0, quality=True, cache=cache, cold=True)
    assert row["method"] == "engine" and row["cold"] is True and row["entries"] == 2
    assert row["questions_timed"] == 3 and row["correct"] == 1.0 and row["rejected"] == 1.0
    assert any(cache.iterdir())  # a cold run writes the snapshot the next run maps


@pytest.mark.slow
def test_bench_smoke_run_writes_report_and_plot(tmp_path: Path) -> None:
    report_path, plot_path = tmp_path / "bench.json", tmp_path / "bench.png"
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "bench", "--sizes", "1000", "--cache", str(tmp_path / "cache"),
         "--json", str(report_path), "--plot", str(plot_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "| engine |" in proc.stdout and "| naive (threshold" in proc.stdout
    assert "engine (cold)" in proc.stdout and "engine (warm)" in proc.stdout
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert {row["method"] for row in report["quality"]} == {"engine", "naive", "bm25"}
    runs = {(row["entries"], row["shape"], row["method"], row["cold"]) for row in report["scale"]}
    real = len(load_knowledge(KNOWLEDGE).entries)
    # the real base and each shape: the engine cold and warm; the baselines on the real base and the first shape
    assert len(runs) == 10 and max(n for n, *_ in runs) == real + 1000
    assert {(shape, cold) for n, shape, method, cold in runs if method == "engine" and n > real} == {
        ("one", True), ("one", False), ("many", True), ("many", False)
    }
    warm = [row for row in report["scale"] if row["method"] == "engine" and not row["cold"]]
    assert all("correct" in row and row["start_s"] > 0 and row["peak_mb"] > 0 for row in warm)
    engine = next(row for row in report["quality"] if row["method"] == "engine")
    naive = next(row for row in report["quality"] if row["method"] == "naive")
    assert engine["correct"] > naive["correct"] and engine["wrong"] < naive["wrong"]
    assert plot_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
