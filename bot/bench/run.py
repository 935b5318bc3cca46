"""``python -m bot bench``: answer quality against the baselines, then speed and memory by base size.

1. Quality on the dev questions for the engine, the naive RapidFuzz baseline and BM25 (thresholds of
   the baselines tuned on the same questions, which flatters them).
2. For the real base and synthetic bases of the requested sizes (× 5 questions, from the release's own
   vocabulary): load + index time, peak memory, p50/p99 per question for each method, each measured
   in a fresh process; the engine's quality on the dev questions at every size.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ..knowledge import load_knowledge
from ..quality import evaluate, load_labelled_set
from .methods import METHODS, build_answerer, tune_threshold
from .synthetic import write_synthetic_base

GENERATOR_VERSION = "2"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def quality_table(knowledge: Path, questions: Path) -> tuple[list[dict[str, Any]], dict[str, float]]:
    kb = load_knowledge(knowledge)
    labelled = load_labelled_set(questions)
    rows: list[dict[str, Any]] = []
    thresholds: dict[str, float] = {}
    for name in METHODS:
        answerer = build_answerer(name, kb)
        if name != "engine":
            answerer.threshold = thresholds[name] = tune_threshold(answerer, labelled.in_scope, labelled.out_of_scope)
        report = evaluate(answerer.match, labelled)
        rows.append(
            {
                "method": name,
                "threshold": thresholds.get(name),
                "correct": round(report.correct_rate, 4),
                "wrong": round(report.wrong_rate, 4),
                "rejected": round(report.rejected_rate, 4),
            }
        )
    return rows, thresholds


def synthetic_base(size: int, knowledge: Path, cache: Path) -> Path:
    target = cache / f"synthetic-{size}"
    marker = target / ".generated"
    if marker.exists() and marker.read_text() == GENERATOR_VERSION:
        return target
    with tqdm(total=size, desc=f"building {size:,} synthetic entries", unit="entry", leave=False) as bar:
        write_synthetic_base(target, size, real_knowledge=knowledge, progress=bar.update)
    marker.write_text(GENERATOR_VERSION)
    return target


def run_worker(
    base: Path, method: str, questions: Path, *, threshold: float, sample: int, quality: bool
) -> dict[str, Any]:
    command = [sys.executable, "-m", "bot.bench.worker", "--knowledge", str(base), "--method", method,
               "--questions", str(questions), "--threshold", str(threshold), "--sample", str(sample)]
    if quality:
        command.append("--quality")
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def scale_table(
    knowledge: Path, questions: Path, sizes: list[int], thresholds: dict[str, float], cache: Path, *, sample: int
) -> list[dict[str, Any]]:
    bases = [(0, knowledge)] + [(size, synthetic_base(size, knowledge, cache)) for size in sizes]
    rows: list[dict[str, Any]] = []
    jobs = [(size, base, method) for size, base in bases for method in METHODS]
    for size, base, method in tqdm(jobs, desc="measuring", unit="run", leave=False):
        slow_baseline = method != "engine" and size >= 10_000
        result = run_worker(
            base, method, questions, threshold=thresholds.get(method, 0.0),
            sample=sample if slow_baseline else 0, quality=method == "engine",
        )
        result["synthetic"] = size
        rows.append(result)
    return rows


def format_tables(report: dict[str, Any]) -> str:
    lines = [f"Machine: {report['machine']}", "", "Answer quality on the dev questions "
             f"({report['questions']['in_scope']} in scope, {report['questions']['out_of_scope']} out of scope)", ""]
    lines.append("| method | correct answered | wrong answered | out-of-scope rejected |")
    lines.append("| --- | ---: | ---: | ---: |")
    for row in report["quality"]:
        name = row["method"] + (f" (threshold {row['threshold']:.1f})" if row["threshold"] is not None else "")
        lines.append(f"| {name} | {row['correct']:.1%} | {row['wrong']:.1%} | {row['rejected']:.1%} |")
    lines += ["", "Speed and scale (each cell measured in a fresh process; synthetic entries × 5 questions)", ""]
    lines.append("| entries | method | load s | index s | peak MB | p50 ms | p99 ms | × faster than naive (p50) "
                 "| engine correct / wrong / rejected |")
    lines.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    by_size: dict[int, dict[str, dict[str, Any]]] = {}
    for row in report["scale"]:
        by_size.setdefault(row["entries"], {})[row["method"]] = row
    for entries, methods in sorted(by_size.items()):
        naive = methods.get("naive")
        for name, row in methods.items():
            ratio = f"{naive['p50_ms'] / row['p50_ms']:.0f}×" if naive and name == "engine" and row["p50_ms"] else ""
            quality = (f"{row['correct']:.1%} / {row['wrong']:.1%} / {row['rejected']:.1%}" if "correct" in row else "")
            timed = f" ({row['questions_timed']} q)" if name != "engine" and entries > 10_000 else ""
            lines.append(f"| {entries:,} | {name}{timed} | {row['load_s']:.2f} | {row['index_s']:.2f} | "
                         f"{row['peak_mb']:.0f} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | {ratio} | {quality} |")
    return "\n".join(lines)


def plot(report: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4), dpi=120)
    for method, style in (("engine", "o-"), ("naive", "s--"), ("bm25", "^:")):
        rows = sorted((r for r in report["scale"] if r["method"] == method), key=lambda r: r["entries"])
        if rows:
            ax.plot([r["entries"] for r in rows], [r["p50_ms"] for r in rows], style, label=f"{method} p50")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("knowledge-base entries (log)")
    ax.set_ylabel("time per question, ms (log)")
    ax.set_title("Time per question vs knowledge-base size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def run(
    *,
    knowledge: Path,
    questions: Path,
    sizes: list[int],
    cache: Path,
    sample: int = 60,
    json_path: Path | None = None,
    plot_path: Path | None = None,
    markdown_path: Path | None = None,
) -> dict[str, Any]:
    started = time.time()
    labelled = load_labelled_set(questions)
    quality, thresholds = quality_table(knowledge, questions)
    scale = scale_table(knowledge, questions, sizes, thresholds, cache, sample=sample)
    report: dict[str, Any] = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d", time.localtime(started)),
        "questions": {"in_scope": len(labelled.in_scope), "out_of_scope": len(labelled.out_of_scope)},
        "quality": quality,
        "scale": scale,
        "seconds": round(time.time() - started, 1),
    }
    text = format_tables(report)
    print(text)
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    if plot_path is not None:
        plot(report, plot_path)
    if markdown_path is not None:
        markdown_path.parent.mkdir(parents=True, exist_ok=True)
        markdown_path.write_text(text + "\n", encoding="utf-8")
    return report
