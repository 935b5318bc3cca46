"""One measurement in a fresh process, so that peak memory and start-up belong to one method and one base.

``python -m bot.evaluation.bench.worker --knowledge DIR --method engine --questions FILE [--cold]`` prints one JSON
object. The engine opens the base as the bot does (:func:`bot.engine.snapshot.open_knowledge`): ``--cold``
removes the base's snapshot first, so the run reads and validates the YAML, builds the indexes and
writes the snapshot; without it the snapshot of an earlier run is mapped.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # before the heavy imports: start-up counts them

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from ...engine.lexicon import noun_lexicon  # noqa: E402
from ...engine.snapshot import open_knowledge  # noqa: E402
from ..quality import evaluate, load_labelled_set  # noqa: E402
from .methods import build_answerer  # noqa: E402


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
    knowledge: Path,
    method: str,
    questions: Path,
    *,
    threshold: float,
    sample: int,
    quality: bool,
    cache: Path | None = None,
    cold: bool = False,
) -> dict[str, object]:
    if cold and cache is not None:
        shutil.rmtree(cache, ignore_errors=True)
    began = time.perf_counter()
    kb = open_knowledge(knowledge, cache_dir=cache)
    loaded = time.perf_counter()
    answerer = build_answerer(method, kb)
    answerer.threshold = threshold
    indexed = time.perf_counter()
    labelled = load_labelled_set(questions)
    asked = [q for q, _ in labelled.in_scope] + list(labelled.out_of_scope)
    answerer.match(asked[0])
    first = time.perf_counter()
    if sample and len(asked) > sample:
        step = len(asked) / sample
        asked = [asked[int(i * step)] for i in range(sample)]
    for question in asked[:5]:  # warm caches
        answerer.match(question)
    # the engine works out what each entry states and loads its lexicons in a background thread at start: the
    # per-question times are those of a bot that has been up a second or two, not of one competing with that thread
    if answerer.settle is not None:
        answerer.settle()
    else:
        noun_lexicon()  # (as the engine's thread would have loaded it: the baselines' memory is comparable)
    times = []
    for question in asked:
        begin = time.perf_counter()
        answerer.match(question)
        times.append(time.perf_counter() - begin)
    times.sort()
    result: dict[str, object] = {
        "method": method,
        "cold": cold,
        "entries": len(kb.entries),
        "imports_s": round(began - STARTED, 3),
        "load_s": round(loaded - began, 3),
        "index_s": round(indexed - loaded, 3),
        "start_s": round(first - STARTED, 3),  # process start to the first answer
        "p50_ms": round(statistics.median(times) * 1000, 3),
        "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))] * 1000, 3),
        "questions_timed": len(times),
        "peak_mb": round(peak_memory_mb(), 1),
        # a large base is compiled in a child process (bot.engine.snapshot): its peak, when there was one
        "build_peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
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
    parser.add_argument("--cache-dir", type=Path, default=None, help="where the base's snapshot is kept")
    parser.add_argument("--cold", action="store_true", help="remove the snapshot first")
    args = parser.parse_args(argv)
    result = measure(
        args.knowledge, args.method, args.questions, threshold=args.threshold, sample=args.sample,
        quality=args.quality, cache=args.cache_dir, cold=args.cold,
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
