"""How long an admin's edit takes against a plain question, as the command line runs them.

``python -m bot.evaluation.editspeed [--knowledge DIR] [--rounds N]`` copies the base to a scratch folder (the
shipped one is never touched), then times, round after round in the same run, ``python -m bot ask Q``,
``python -m bot learn add ENTRY Q`` and ``python -m bot undo`` (each a fresh process, as an admin on the server
runs them) and prints each run and the medians. An edit should cost at most a second more than a question.
``--repo DIR`` runs another checkout's code (``python -m bot`` from that folder), to compare two versions.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["main", "measure"]

REPOSITORY = Path(__file__).resolve().parents[2]
DEFAULT_KNOWLEDGE = REPOSITORY / "knowledge"
DEFAULT_ENTRY = "elder-beds"  # an entry of the shipped base, and a wording it does not have yet
DEFAULT_QUESTION = "养老院总共几张床位"


def _timed(command: list[str], repo: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=repo)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[2:])} failed: {(done.stderr or done.stdout).strip()}")
    return seconds


def measure(
    knowledge: Path, *, entry: str, question: str, rounds: int, repo: Path = REPOSITORY
) -> dict[str, list[float]]:
    """Seconds of each ``ask``, ``learn add`` and ``undo`` run, in the order they ran."""
    times: dict[str, list[float]] = {"ask": [], "learn add": [], "undo": []}
    with tempfile.TemporaryDirectory(prefix="editspeed-") as scratch:
        root = Path(scratch) / "knowledge"
        shutil.copytree(knowledge, root, ignore=shutil.ignore_patterns(".cache", ".git"))
        data = Path(scratch) / "data"
        data.mkdir(mode=0o700)
        config = Path(scratch) / "config.yaml"
        config.write_text(f"knowledge_dir: {root}\ndatabase: {data / 'bot.sqlite3'}\n", encoding="utf-8")
        bot = [sys.executable, "-m", "bot"]
        ask = [*bot, "ask", "--knowledge", str(root), question]
        _timed(ask, repo)  # the first start compiles the snapshot; every later one maps it
        for _ in range(rounds):
            times["ask"].append(_timed(ask, repo))
            times["learn add"].append(_timed([*bot, "learn", "add", "--config", str(config), entry, question], repo))
            times["undo"].append(_timed([*bot, "undo", "--config", str(config)], repo))
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--knowledge", type=Path, default=DEFAULT_KNOWLEDGE, help="the base (copied, not changed)")
    parser.add_argument("--entry", default=DEFAULT_ENTRY, help="the entry a question is added to")
    parser.add_argument("--question", default=DEFAULT_QUESTION, help="the question asked, added and taken back")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of ask, learn add, undo")
    parser.add_argument("--repo", type=Path, default=REPOSITORY, help="the checkout whose code runs")
    args = parser.parse_args(argv)
    times = measure(args.knowledge.resolve(), entry=args.entry, question=args.question, rounds=args.rounds,
                    repo=args.repo.resolve())
    for name, runs in times.items():
        print(f"{name:10} median {statistics.median(runs):5.2f} s   runs " + " ".join(f"{t:.2f}" for t in runs))
    ask = statistics.median(times["ask"])
    for name in ("learn add", "undo"):
        print(f"{name} − ask: {statistics.median(times[name]) - ask:+.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
