"""``python -m bot bench``: answer quality against the baselines, then speed and memory by base size.

1. Quality on the dev questions for the engine, the naive RapidFuzz baseline and BM25 (thresholds of
   the baselines tuned on the same questions, which flatters them).
2. For the real base and synthetic bases of the requested sizes and source shapes (× 5 questions, from
   the release's own vocabulary): the engine started cold (no snapshot: YAML read and validated,
   indexes built, snapshot written) and warm (snapshot mapped), with start-up to the first answer,
   peak memory, p50/p99 per question and the engine's quality on the dev questions; the baselines on
   the first shape. Each cell is measured in a fresh process.
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

from ...knowledge.load import load_knowledge
from ..quality import evaluate, load_labelled_set
from .methods import METHODS, build_answerer, tune_threshold
from .synthetic import write_synthetic_base

GENERATOR_VERSION = "3"


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


def synthetic_base(size: int, knowledge: Path, cache: Path, shape: str = "one") -> Path:
    target = cache / f"synthetic-{shape}-{size}"
    marker = target / ".generated"
    if marker.exists() and marker.read_text() == GENERATOR_VERSION:
        return target
    with tqdm(total=size, desc=f"building {size:,} synthetic entries ({shape})", unit="entry", leave=False) as bar:
        write_synthetic_base(target, size, real_knowledge=knowledge, shape=shape, progress=bar.update)
    marker.write_text(GENERATOR_VERSION)
    return target


def run_worker(
    base: Path,
    method: str,
    questions: Path,
    *,
    threshold: float,
    sample: int,
    quality: bool,
    snapshots: Path,
    cold: bool = False,
) -> dict[str, Any]:
    command = [sys.executable, "-m", "bot.evaluation.bench.worker", "--knowledge", str(base), "--method", method,
               "--questions", str(questions), "--threshold", str(threshold), "--sample", str(sample),
               "--cache-dir", str(snapshots)]
    if quality:
        command.append("--quality")
    if cold:
        command.append("--cold")
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def scale_table(
    knowledge: Path,
    questions: Path,
    sizes: list[int],
    thresholds: dict[str, float],
    cache: Path,
    *,
    sample: int,
    shapes: list[str] | None = None,
    baselines_up_to: int = 100_000,
) -> list[dict[str, Any]]:
    """One row per run: the engine cold and warm for each base, the baselines on the first shape."""
    shapes = shapes or ["one", "many"]
    bases = [(0, "real", knowledge)] + [
        (size, shape, synthetic_base(size, knowledge, cache, shape)) for size in sizes for shape in shapes
    ]
    jobs: list[tuple[int, str, Path, str, bool]] = []
    for size, shape, base in bases:
        jobs += [(size, shape, base, "engine", True), (size, shape, base, "engine", False)]
        if shape in ("real", shapes[0]) and size <= baselines_up_to:
            jobs += [(size, shape, base, method, False) for method in METHODS if method != "engine"]
    rows: list[dict[str, Any]] = []
    for size, shape, base, method, cold in tqdm(jobs, desc="measuring", unit="run", leave=False):
        slow_baseline = method != "engine" and size >= 10_000
        result = run_worker(
            base, method, questions, threshold=thresholds.get(method, 0.0),
            sample=sample if slow_baseline else 0, quality=method == "engine" and not cold,
            snapshots=cache / "snapshots" / base.name, cold=cold,
        )
        result.update(synthetic=size, shape=shape)
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
    lines += ["", "Speed and scale (each row measured in a fresh process; synthetic entries × 5 questions; "
              "shape: one large source, or many small ones; start: process start to the first answer)", ""]
    lines.append("| entries | shape | method | start s | load s | index s | peak MB | p50 ms | p99 ms "
                 "| × faster than naive (p50) | engine correct / wrong / rejected |")
    lines.append("| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    naive_p50 = {row.get("synthetic", 0): row["p50_ms"] for row in report["scale"] if row["method"] == "naive"}
    for row in report["scale"]:
        name = row["method"]
        if name == "engine":
            name += " (cold)" if row.get("cold") else " (warm)"
        elif row["entries"] > 10_000:
            name += f" ({row['questions_timed']} q)"
        naive = naive_p50.get(row.get("synthetic", 0))
        warm_engine = row["method"] == "engine" and not row.get("cold")
        ratio = f"{naive / row['p50_ms']:.0f}×" if naive and warm_engine and row["p50_ms"] else ""
        quality = f"{row['correct']:.1%} / {row['wrong']:.1%} / {row['rejected']:.1%}" if "correct" in row else ""
        lines.append(
            f"| {row['entries']:,} | {row.get('shape', '')} | {name} | {row.get('start_s', 0):.2f} | "
            f"{row['load_s']:.2f} | {row['index_s']:.2f} | {row['peak_mb']:.0f} | {row['p50_ms']:.2f} | "
            f"{row['p99_ms']:.2f} | {ratio} | {quality} |"
        )
    return "\n".join(lines)


def plot(report: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4), dpi=120)
    series = [("engine", shape, style) for shape, style in (("one", "o-"), ("many", "D-"))]
    series += [("naive", "", "s--"), ("bm25", "", "^:")]
    for method, shape, style in series:
        rows = sorted(
            (r for r in report["scale"] if r["method"] == method and not r.get("cold")
             and (not shape or r.get("shape") in (shape, "real"))),
            key=lambda r: r["entries"],
        )
        if rows:
            label = f"{method} p50" + (f" ({shape} source{'s' if shape == 'many' else ''})" if shape else "")
            ax.plot([r["entries"] for r in rows], [r["p50_ms"] for r in rows], style, label=label)
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
    shapes: list[str] | None = None,
    json_path: Path | None = None,
    plot_path: Path | None = None,
    markdown_path: Path | None = None,
) -> dict[str, Any]:
    started = time.time()
    labelled = load_labelled_set(questions)
    quality, thresholds = quality_table(knowledge, questions)
    scale = scale_table(knowledge, questions, sizes, thresholds, cache, sample=sample, shapes=shapes)
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
