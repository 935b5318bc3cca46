"""The benchmark keeps working: a small run (1,000 synthetic entries) from the command line. No timing is
asserted; the numbers are reported, not tested."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot.bench.synthetic import write_synthetic_base
from bot.knowledge import load_knowledge
from tests.conftest import KNOWLEDGE, ROOT


def test_synthetic_base_is_valid_and_sized(tmp_path: Path) -> None:
    base = write_synthetic_base(tmp_path / "syn", 250, real_knowledge=KNOWLEDGE)
    kb = load_knowledge(base)
    synthetic = [e for e in kb.entries if e.id.startswith("syn-")]
    assert len(synthetic) == 250 and all(len(e.questions) == 5 for e in synthetic)
    source = kb.sources["jiaocheng-release"].text
    assert all(e.quote in source for e in synthetic)


def test_bench_smoke_run_writes_report_and_plot(tmp_path: Path) -> None:
    report_path, plot_path = tmp_path / "bench.json", tmp_path / "bench.png"
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "bench", "--sizes", "1000", "--cache", str(tmp_path / "cache"),
         "--json", str(report_path), "--plot", str(plot_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "| engine |" in proc.stdout and "| naive (threshold" in proc.stdout
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert {row["method"] for row in report["quality"]} == {"engine", "naive", "bm25"}
    sizes = {(row["entries"], row["method"]) for row in report["scale"]}
    assert len(sizes) == 6 and max(n for n, _ in sizes) == len(load_knowledge(KNOWLEDGE).entries) + 1000
    engine = next(row for row in report["quality"] if row["method"] == "engine")
    naive = next(row for row in report["quality"] if row["method"] == "naive")
    assert engine["correct"] > naive["correct"] and engine["wrong"] < naive["wrong"]
    assert plot_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
