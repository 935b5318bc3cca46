"""One measurement in a fresh process, so that peak memory belongs to one method and one base.

``python -m bot.bench.worker --knowledge DIR --method engine --questions FILE`` prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

from ..knowledge import load_knowledge
from ..quality import evaluate, load_labelled_set
from .methods import build_answerer


def peak_memory_mb() -> float:
    """This process's peak resident memory. VmHWM starts afresh at exec; ru_maxrss would include the
    parent's memory at fork time."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(
    knowledge: Path, method: str, questions: Path, *, threshold: float, sample: int, quality: bool
) -> dict[str, object]:
    started = time.perf_counter()
    kb = load_knowledge(knowledge)
    loaded = time.perf_counter()
    answerer = build_answerer(method, kb)
    answerer.threshold = threshold
    indexed = time.perf_counter()
    labelled = load_labelled_set(questions)
    asked = [q for q, _ in labelled.in_scope] + list(labelled.out_of_scope)
    if sample and len(asked) > sample:
        step = len(asked) / sample
        asked = [asked[int(i * step)] for i in range(sample)]
    for question in asked[:5]:  # warm caches
        answerer.match(question)
    times = []
    for question in asked:
        begin = time.perf_counter()
        answerer.match(question)
        times.append(time.perf_counter() - begin)
    times.sort()
    result: dict[str, object] = {
        "method": method,
        "entries": len(kb.entries),
        "load_s": round(loaded - started, 3),
        "index_s": round(indexed - loaded, 3),
        "p50_ms": round(statistics.median(times) * 1000, 3),
        "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))] * 1000, 3),
        "questions_timed": len(times),
        "peak_mb": round(peak_memory_mb(), 1),
    }
    if quality:
        report = evaluate(answerer.match, labelled)
        result["correct"] = round(report.correct_rate, 4)
        result["wrong"] = round(report.wrong_rate, 4)
        result["rejected"] = round(report.rejected_rate, 4)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--knowledge", type=Path, required=True)
    parser.add_argument("--method", required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--threshold", type=float, default=0.0)
    parser.add_argument("--sample", type=int, default=0)
    parser.add_argument("--quality", action="store_true")
    args = parser.parse_args(argv)
    result = measure(
        args.knowledge, args.method, args.questions, threshold=args.threshold, sample=args.sample, quality=args.quality
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
