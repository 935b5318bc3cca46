"""Command line: ``python -m bot COMMAND``.

Commands: ask, validate, chat, run, stats, unanswered, announce, learn (list, add, ignore), history, undo, and
the evaluation tools bench, judge and fit.

With no command, the terminal chat runs (the Telegram bot needs a token; see README).
"""

from __future__ import annotations

import argparse
import json
import logging
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from . import messages
from .announcements.model import ANNOUNCEMENTS
from .config import Config, ConfigError, load_config
from .engine.matching import Matcher, MatchResult, Status
from .engine.render import place_words, render_text, to_json
from .engine.service import KnowledgeService, open_for_answers
from .engine.validate import check_base
from .knowledge.load import load_knowledge
from .knowledge.model import KnowledgeBase
from .knowledge.problems import KnowledgeError
from .privacy.redact import install_log_redaction, redact
from .reports.texts import schedule_text, stats_text, unanswered_text
from .storage import Storage

DEFAULT_KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _default_knowledge() -> str:
    here = Path("knowledge")
    return str(here if here.is_dir() else DEFAULT_KNOWLEDGE)


def _report_problems(exc: KnowledgeError, err: TextIO) -> None:
    print(f"知识库有 {len(exc.problems)} 处错误，未加载 / knowledge base not loaded:", file=err)
    for problem in exc.problems:
        print(problem, file=err)


def _load(directory: str, err: TextIO) -> KnowledgeBase | None:
    """The base from its compiled snapshot when its files are unchanged (validated from the YAML otherwise)."""
    try:
        kb, announcement_problems = open_for_answers(directory)
    except KnowledgeError as exc:
        _report_problems(exc, err)
        return None
    for problem in announcement_problems:  # the questions are answered all the same
        print(f"{problem} (announcements not loaded)", file=err)
    return kb


def cmd_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Validate the knowledge directory: exit 0 if valid, else print file:line problems and exit 1."""
    try:
        kb = load_knowledge(args.knowledge)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=out)
        out.flush()
        print(f"{len(exc.problems)} problem(s) found", file=err)
        return EXIT_PROBLEMS
    problems, warnings = check_base(kb)
    for problem in (*problems, *warnings):
        print(problem, file=out)
    out.flush()  # the count goes to stderr: it must not land inside the last problem line
    if problems:
        print(f"{len(problems)} problem(s) found", file=err)
        return EXIT_PROBLEMS
    questions = sum(len(e.questions) for e in kb.entries)
    print(
        f"OK: {len(kb.entries)} entries, {questions} questions, {len(kb.topics)} topics, "
        f"{len(kb.sources)} source(s), {len(kb.synonyms)} synonym groups, "
        f"{len(kb.extras.get(ANNOUNCEMENTS))} scheduled announcement(s)"
        + (f", {len(warnings)} warning(s)" if warnings else ""),
        file=out,
    )
    return EXIT_OK


def _ask_lines(args: argparse.Namespace, stdin: TextIO) -> list[str]:
    if args.question == ["-"]:
        return [line.rstrip("\r\n") for line in stdin]
    return [" ".join(args.question)]


def cmd_ask(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    """Answer questions; --json prints one JSON object per question."""
    kb = _load(args.knowledge, err)
    if kb is None:
        return EXIT_PROBLEMS
    matcher = Matcher(kb)
    if args.question == ["-"]:
        previous: str | None = None
        for line in stdin:
            if args.follow_ups:  # the lines are one conversation: a line may lean on the one before
                result = matcher.match_after(line.rstrip("\r\n"), previous)
                previous = result.asked if result.status is not Status.SMALLTALK else previous
            else:
                result = matcher.match(line.rstrip("\r\n"))
            _print_answer(result, kb, args.json, out, separator=True)
            out.flush()
        return EXIT_OK
    _print_answer(matcher.match(" ".join(args.question)), kb, args.json, out, separator=False)
    return EXIT_OK


def _print_answer(result: MatchResult, kb: KnowledgeBase, as_json: bool, out: TextIO, *, separator: bool) -> None:
    if as_json:
        print(json.dumps(to_json(result, kb), ensure_ascii=False), file=out)
        return
    if separator:
        print(f"问：{result.question}", file=out)
    print(render_text(result, kb), file=out)
    if separator:
        print("", file=out)


def run_chat(matcher: Matcher, kb: KnowledgeBase, stdin: TextIO, out: TextIO, *, banner: str = "") -> int:
    """The interactive terminal chat: the same replies the bot gives; numbers pick a suggestion."""
    print(messages.CHAT_WELCOME.format(**place_words(kb)), file=out)
    if banner:
        print(banner, file=out)
    interactive = stdin.isatty()
    last: MatchResult | None = None
    while True:
        if interactive:
            out.write(messages.CHAT_PROMPT)
            out.flush()
        line = stdin.readline()
        if not line:
            break
        text = line.strip()
        if text.lower() in messages.CHAT_EXIT_WORDS:
            break
        if not text:
            continue
        if last is not None and last.status is Status.AMBIGUOUS and text.isdigit():
            pick = int(text)
            if 1 <= pick <= len(last.candidates):
                entry = last.candidates[pick - 1].entry
                text = entry.canonical_question
                result = MatchResult(text, Status.ANSWERED, entry, last.candidates[pick - 1].score)
                print(render_text(result, kb) + "\n", file=out)
                last = result
                continue
        # a follow-up ("那省级的呢") is read with the previous question
        previous = last.asked if last is not None and last.status is not Status.SMALLTALK else None
        last = matcher.match_after(text, previous)
        print(render_text(last, kb) + "\n", file=out)
    return EXIT_OK


def cmd_chat(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    kb = _load(args.knowledge, err)
    if kb is None:
        return EXIT_PROBLEMS
    return run_chat(Matcher(kb), kb, stdin, out, banner=getattr(args, "banner", ""))


def _config(args: argparse.Namespace, err: TextIO) -> Config | None:
    path = args.config
    if path is None and Path("config.yaml").exists():
        path = "config.yaml"
    try:
        return load_config(path)
    except ConfigError as exc:
        print(redact(f"配置有误 / configuration error:\n{exc}"), file=err)
        return None


def cmd_run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the Telegram bot (long polling or webhook, from config)."""
    config = _config(args, err)
    if config is None:
        return EXIT_USAGE
    if not config.has_token:
        print(
            "没有配置 Telegram 机器人令牌 / no bot token configured.\n"
            "在 BotFather 创建机器人后，把令牌写进 config.yaml 的 telegram.token，"
            "或设置环境变量 TELEGRAM_BOT_TOKEN，然后再运行 python -m bot run。",
            file=err,
        )
        return EXIT_USAGE
    # first, before anything can log: every log line and traceback from here on has the secrets cut out
    install_log_redaction(config.telegram.token, config.telegram.webhook_secret, config.privacy.pseudonym_key,
                          level=getattr(logging, config.log_level))
    knowledge_dir = args.knowledge if args.knowledge_given else config.knowledge_dir
    try:  # loaded once, here, so that a bad base stops start-up with its file:line list
        knowledge = KnowledgeService(
            knowledge_dir, thresholds=config.thresholds, cache_dir=config.knowledge_cache or None
        )
    except KnowledgeError as exc:
        _report_problems(exc, err)
        return EXIT_USAGE
    storage = open_storage(config, err)
    if storage is None:
        return EXIT_USAGE
    from .tg.app import StartupError, run

    try:
        return run(config, knowledge, storage=storage)
    except StartupError as exc:
        print(redact(str(exc)), file=err)
        return EXIT_USAGE
    except Exception:  # the traceback goes through the redacting log filter, not straight to stderr
        logging.getLogger(__name__).critical("the bot stopped on an unexpected error", exc_info=True)
        return EXIT_PROBLEMS


def open_storage(config: Config, err: TextIO) -> Storage | None:
    """The configured database, or None after one clear line saying why it cannot be opened."""
    try:
        return Storage(config.database, timezone=config.timezone, pseudonym_key=config.privacy.pseudonym_key)
    except (OSError, sqlite3.Error, RuntimeError) as exc:
        print(
            redact(f"数据库打不开 / cannot open the database {config.database}: {exc}\n")
            + "把配置里的 database 改成一个可写的文件路径（例如 data/bot.sqlite3）/ "
            "set 'database' in the config to a writable file path (e.g. data/bot.sqlite3)",
            file=err,
        )
        return None


def _print_report(args: argparse.Namespace, out: TextIO, err: TextIO, render: Callable[..., str]) -> int:
    """A report as /stats or /unanswered shows it: entries by their standard questions (by id if the base
    cannot be read, after its problems)."""
    config = _config(args, err)
    if config is None:
        return EXIT_USAGE
    kb = _load(args.knowledge if args.knowledge_given else config.knowledge_dir, err)
    storage = open_storage(config, err)
    if storage is None:
        return EXIT_USAGE
    try:
        print(_plain(render(storage, kb=kb)), file=out)
    finally:
        storage.close()
    return EXIT_OK


def cmd_stats(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print the admin statistics (same as /stats)."""
    return _print_report(args, out, err, stats_text)


def cmd_unanswered(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print recent unanswered and 👎 questions (same as /unanswered)."""
    return _print_report(args, out, err, unanswered_text)


def _plain(html_text: str) -> str:
    import html
    import re

    return html.unescape(re.sub(r"</?(b|i|pre|blockquote|code)>", "", html_text))


def cmd_announce(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """List the scheduled announcements, who gets them, and the recent broadcasts."""
    config = _config(args, err)
    if config is None:
        return EXIT_USAGE
    kb = _load(args.knowledge if args.knowledge_given else config.knowledge_dir, err)
    if kb is None:
        return EXIT_PROBLEMS
    storage = open_storage(config, err)
    if storage is None:
        return EXIT_USAGE
    try:
        print(_plain(schedule_text(kb.extras.get(ANNOUNCEMENTS), storage)), file=out)
    finally:
        storage.close()
    return EXIT_OK


def _cli_actor() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli:"


def cmd_learn(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``learn list|add|ignore``, ``history`` and ``undo``: teach the bot from the server (issue 11)."""
    from .teaching.kbedit import KnowledgeEditor
    from .teaching.learning import history_html, proposal_html, refresh_proposals

    config = _config(args, err)
    if config is None:
        return EXIT_USAGE
    try:
        knowledge = KnowledgeService(args.knowledge if args.knowledge_given else config.knowledge_dir,
                                     thresholds=config.thresholds)
    except KnowledgeError as exc:
        _report_problems(exc, err)
        return EXIT_PROBLEMS
    storage = Storage(config.database, timezone=config.timezone, pseudonym_key=config.privacy.pseudonym_key)
    try:
        editor = KnowledgeEditor(knowledge, storage)
        if args.command == "history":
            print(_plain(history_html(storage.changes(limit=args.limit), storage.tz, names=storage.admin_names(),
                                      kb=knowledge.current.kb)), file=out)
            return EXIT_OK
        if args.command == "undo":
            result = editor.undo(actor=_cli_actor(), change_id=args.change)
        elif args.action == "list":
            proposals = refresh_proposals(storage, knowledge.current)
            if not proposals:
                print(messages.SUGGESTIONS_NONE, file=out)
            for proposal in proposals:
                print(_plain(proposal_html(proposal, knowledge.current.kb, choices=True, ids=True)) + "\n", file=out)
            if proposals:
                print(messages.LEARN_LIST_HINT, file=out)
            return EXIT_OK
        elif args.action == "ignore":
            found = storage.proposal(args.number)
            if found is None or not storage.set_proposal_status(args.number, "ignored", expect="open"):
                print(messages.TEACH_GONE if found is None else messages.TEACH_STALE, file=err)
                return EXIT_PROBLEMS
            print(messages.TEACH_IGNORED.format(id=found.id, question=found.question), file=out)
            return EXIT_OK
        else:  # add: a question that is an open proposal's closes it
            key = knowledge.current.matcher.normalizer.normalize(args.question)
            open_one = storage.proposal_by_key(key) if key else None
            result = editor.add_question(
                args.entry_id, args.question, actor=_cli_actor(),
                proposal_id=open_one.id if open_one is not None and open_one.status == "open" else None,
            )
        print(result.text, file=out if result.ok else err)
        return EXIT_OK if result.ok else EXIT_PROBLEMS
    finally:
        storage.close()


def cmd_bench(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the benchmarks (quality against baselines; speed and memory by base size)."""
    try:
        from .evaluation.bench.run import run
    except ImportError as exc:
        print(f"the benchmark needs the bench extra: pip install -e '.[bench]' ({exc})", file=err)
        return EXIT_USAGE
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    run(
        knowledge=Path(args.knowledge),
        questions=Path(args.questions),
        sizes=sizes,
        cache=Path(args.cache),
        sample=args.sample,
        shapes=[s.strip() for s in args.shapes.split(",") if s.strip()],
        json_path=Path(args.json_out) if args.json_out else None,
        plot_path=Path(args.plot) if args.plot else None,
        markdown_path=Path(args.markdown) if args.markdown else None,
    )
    return EXIT_OK


def cmd_judge(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Score labelled question sets through the same JSON replies as ``ask --json``."""
    from .evaluation.judge import judge_set, load_fresh_set

    answers: dict[str, dict[str, object]] = {}
    if args.answers:
        for line in Path(args.answers).read_text(encoding="utf-8").splitlines():
            if line.strip():
                reply = json.loads(line)
                answers[str(reply["question"])] = reply
    kb = None if args.answers else _load(args.knowledge, err)
    if kb is None and not args.answers:
        return EXIT_PROBLEMS
    matcher = Matcher(kb) if kb is not None else None

    def ask(question: str) -> dict[str, object]:
        if matcher is None or kb is None:
            return answers.get(question, {"status": "no_match"})
        return to_json(matcher.match(question), kb)

    for path in args.sets:
        report = judge_set(load_fresh_set(path), ask, with_quote=args.with_quote)
        print(f"== {path}", file=out)
        print(report.summary(), file=out)
        if args.misses:
            for group, question, what in report.misses:
                print(f"  [{group}] {question}  →  {what}", file=out)
    return EXIT_OK


def cmd_fit(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Fit the decision thresholds on labelled sets; print the operating point and leave-one-set-out figures."""
    from .evaluation.fit import describe, fit

    kb = _load(args.knowledge, err)
    if kb is None:
        return EXIT_PROBLEMS
    if args.learn:
        from .evaluation.learn import DEFAULT_MODEL, learn
        from .evaluation.learn import describe as describe_learned

        report = learn(
            kb,
            [Path(p) for p in args.sets],
            max_wrong=args.max_wrong,
            max_oos=args.max_oos,
            held_out=not args.no_held_out,
            progress=lambda line: print(line, file=err),
        )
        print(describe_learned(report), file=out)
        target = Path(args.out) if args.out else DEFAULT_MODEL
        report.model.save(target)
        print(f"written: {target}", file=out)
        return EXIT_OK
    max_wrong = 0.01 if args.max_wrong is None else args.max_wrong
    max_oos = 0.05 if args.max_oos is None else args.max_oos
    print(describe(fit(kb, [Path(p) for p in args.sets], max_wrong=max_wrong, max_oos=max_oos)), file=out)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jiaocheng-bot", description="县情问答：根据发布材料回答问题，并注明出处。")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--knowledge", default=None, metavar="DIR", help="knowledge directory")
    common.add_argument("--config", default=None, metavar="FILE", help="config file (default: config.yaml if present)")
    sub = parser.add_subparsers(dest="command")
    ask = sub.add_parser("ask", parents=[common], help="answer a question ('-' reads one per line from stdin)")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument(
        "--follow-ups",
        action="store_true",
        help="with '-': the lines are one conversation (那省级的呢 leans on the line before)",
    )
    ask.add_argument("question", nargs="+", help="the question, or '-' for stdin")
    sub.add_parser("validate", parents=[common], help="check the knowledge base; print file:line problems")
    sub.add_parser("chat", parents=[common], help="chat in the terminal")
    sub.add_parser("run", parents=[common], help="run the Telegram bot (needs a token)")
    sub.add_parser("stats", parents=[common], help="print usage statistics")
    sub.add_parser("unanswered", parents=[common], help="print recent unanswered and 👎 questions")
    announce = sub.add_parser("announce", parents=[common], help="scheduled announcements and recent broadcasts")
    announce.add_argument("--list", action="store_true", help="list them (the default)")
    learn = sub.add_parser("learn", parents=[common], help="proposals from residents' questions; add a question")
    learn_sub = learn.add_subparsers(dest="action", required=True)
    # the options again after the action (learn list --config FILE), without defaults that would hide earlier ones
    inner = argparse.ArgumentParser(add_help=False)
    inner.add_argument("--knowledge", default=argparse.SUPPRESS, metavar="DIR", help="knowledge directory")
    inner.add_argument("--config", default=argparse.SUPPRESS, metavar="FILE", help="config file")
    learn_sub.add_parser("list", parents=[inner], help="the open proposals, the most asked first")
    learn_add = learn_sub.add_parser("add", parents=[inner], help="add a question to an entry (validated, recorded)")
    learn_add.add_argument("entry_id", help="the entry's id, e.g. elder-beds")
    learn_add.add_argument("question", help="the question, in quotes")
    learn_ignore = learn_sub.add_parser("ignore", parents=[inner], help="never propose this one again")
    learn_ignore.add_argument("number", type=int, help="the proposal's number (#N in learn list)")
    history = sub.add_parser("history", parents=[common], help="the recent edits of the knowledge base")
    history.add_argument("--limit", type=int, default=20, help="how many (default 20)")
    undo = sub.add_parser("undo", parents=[common], help="revert edit N, or the newest edit not undone yet")
    undo.add_argument("change", nargs="?", type=int, default=None, help="the edit's number (see history)")
    bench = sub.add_parser("bench", parents=[common], help="benchmarks: quality vs baselines, speed by size")
    bench.add_argument("--sizes", default="1000,10000,100000", help="synthetic base sizes, comma-separated")
    bench.add_argument("--shapes", default="one,many",
                       help="synthetic source shapes: one (one large source), many (a source per 50 entries)")
    bench.add_argument("--questions", default="tests/data/dev_questions.yaml", help="labelled questions")
    bench.add_argument("--cache", default="data/bench", help="where synthetic bases are kept")
    bench.add_argument("--sample", type=int, default=60, help="questions timed for slow baselines at ≥10k")
    bench.add_argument("--json", dest="json_out", default=None, metavar="FILE", help="write the report as JSON")
    bench.add_argument("--plot", default=None, metavar="PNG", help="write the time-per-question plot")
    bench.add_argument("--markdown", default=None, metavar="FILE", help="write the tables as Markdown")
    judge = sub.add_parser("judge", parents=[common], help="score labelled question sets (answer quality)")
    judge.add_argument("sets", nargs="+", help="labelled sets (tests/data/*.yaml)")
    judge.add_argument("--answers", default=None, metavar="FILE", help="score these ask --json lines instead")
    judge.add_argument("--misses", action="store_true", help="list every question not handled right")
    judge.add_argument(
        "--with-quote", action="store_true", help="a fact may be stated in the cited quote too, not only the answer"
    )
    fit_cmd = sub.add_parser("fit", parents=[common], help="fit the answer thresholds on labelled sets")
    fit_cmd.add_argument("sets", nargs="+", help="labelled sets (tests/data/*.yaml)")
    fit_cmd.add_argument("--max-wrong", type=float, default=None,
                         help="share of in-scope answered wrongly allowed (thresholds: 0.01; --learn: the hand-set's)")
    fit_cmd.add_argument("--max-oos", type=float, default=None,
                         help="share of out-of-scope answered allowed (thresholds: 0.05; --learn: the hand-set's)")
    fit_cmd.add_argument("--learn", action="store_true",
                         help="fit the learned answer decision (a model file) instead of the thresholds")
    fit_cmd.add_argument("--no-held-out", action="store_true", help="--learn: skip the leave-one-set-out figures")
    fit_cmd.add_argument("--out", default=None, metavar="FILE",
                         help="--learn: write the model here (default data/decision.json)")
    parser.add_argument("--knowledge", default=None, metavar="DIR", help=argparse.SUPPRESS)
    parser.add_argument("--config", default=None, metavar="FILE", help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.knowledge_given = args.knowledge is not None
    if args.knowledge is None:
        args.knowledge = _default_knowledge()
    out, err, stdin = sys.stdout, sys.stderr, sys.stdin
    if args.command == "run":
        return cmd_run(args, out, err)
    if args.command == "stats":
        return cmd_stats(args, out, err)
    if args.command == "unanswered":
        return cmd_unanswered(args, out, err)
    if args.command == "bench":
        return cmd_bench(args, out, err)
    if args.command == "announce":
        return cmd_announce(args, out, err)
    if args.command in ("learn", "history", "undo"):
        return cmd_learn(args, out, err)
    if args.command == "judge":
        return cmd_judge(args, out, err)
    if args.command == "fit":
        return cmd_fit(args, out, err)
    if args.command is None:
        config = _config(args, err)
        if config is None:
            return EXIT_USAGE
        if config.has_token:
            return cmd_run(args, out, err)
    if args.command == "ask":
        return cmd_ask(args, out, err, stdin)
    if args.command == "validate":
        return cmd_validate(args, out, err)
    if args.command == "chat":
        return cmd_chat(args, out, err, stdin)
    args.banner = messages.CHAT_NO_TOKEN
    return cmd_chat(args, out, err, stdin)
