"""The inbox table on its own (bot/tg/inbox.py): one connection shared by the event loop's worker threads."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from bot.storage import Storage
from bot.tg.inbox import Inbox


def test_reads_and_writes_from_two_threads_never_meet_mid_transaction(tmp_path: Path) -> None:
    """Issue 19: reads on the shared connection outside its lock made concurrent writes fail ("database is
    locked": a read left open on the connection while another connection, the question log's, committed)
    and the bot answer without the inbox. A writer and a reader thread on one inbox, another connection
    writing beside them, for half a second: no error."""
    Storage(tmp_path / "bot.sqlite3").close()  # the schema
    inbox = Inbox(tmp_path / "bot.sqlite3")
    other = Inbox(tmp_path / "bot.sqlite3")  # another connection to the same database
    inbox.admit([(-n, "{}" + " " * 200) for n in range(1, 2001)])  # unfinished rows: each read takes a while
    errors: list[str] = []
    until = time.monotonic() + 0.5

    def write(on: Inbox, first: int) -> None:
        update_id = first
        while time.monotonic() < until:
            update_id += 1
            try:
                on.admit([(update_id, "{}")])
                on.mark(update_id, "done")
            except Exception as exc:
                errors.append(f"write: {exc}")

    def read() -> None:
        while time.monotonic() < until:
            try:
                inbox.counts()
                inbox.unfinished()
                inbox.status(1)
                inbox.attempts(1)
            except Exception as exc:
                errors.append(f"read: {exc}")

    threads = [threading.Thread(target=write, args=(inbox, 0)), threading.Thread(target=read),
               threading.Thread(target=write, args=(other, 10_000_000))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    inbox.close()
    other.close()
    assert errors == [], f"{len(errors)} errors, first: {errors[0]}"
