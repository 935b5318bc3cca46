"""End to end (issue 11): the real `python -m bot run` process against the fake Bot API on 127.0.0.1.

A resident's ambiguous question and tap become a proposal; the admin accepts it with ✅; the base is
reloaded and the same question is answered.
"""

from __future__ import annotations

import itertools
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ADMIN, KNOWLEDGE
from tests.fake_bot_api import FakeBotApi
from tests.test_e2e import TOKEN, _interrupt, _polling_config, _start
from tests.tg_fakes import BOT_USER

pytestmark = pytest.mark.slow  # a real bot process against a local Bot API

RESIDENT = 4242
QUESTION = "省级的中心有几个"
ENTRY = "tech-provincial-innovation-centers"
_ids = itertools.count(1)


def _message(user: int, text: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": next(_ids) + 500, "date": int(time.time()), "text": text,
        "chat": {"id": user, "type": "private"}, "from": {"id": user, "is_bot": False, "first_name": "x"},
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": next(_ids), "message": message}


def _press(user: int, data: str) -> dict[str, Any]:
    message = {"message_id": next(_ids) + 500, "date": int(time.time()), "text": "…",
               "chat": {"id": user, "type": "private"}, "from": BOT_USER}
    query = {"id": str(next(_ids)), "from": {"id": user, "is_bot": False, "first_name": "x"},
             "chat_instance": "ci", "data": data, "message": message}
    return {"update_id": next(_ids), "callback_query": query}


def _buttons(params: dict[str, Any]) -> dict[str, str]:
    markup = params.get("reply_markup") or {}
    return {b["text"]: b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row}


def _to(api: FakeBotApi, chat: int, needle: str) -> list[dict[str, Any]]:
    return [p for p in api.sent_to(lambda c: c == chat) if needle in str(p.get("text", ""))]


def _edited(api: FakeBotApi, needle: str) -> bool:
    return any(name == "editMessageText" and needle in str(p.get("text", "")) for name, p in list(api.calls))


def test_a_proposal_accepted_in_the_running_bot_is_answered_next_time(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge, ignore=shutil.ignore_patterns(".tmp-*"))  # (a snapshot being written)
    before = (knowledge / "tech.yaml").read_text(encoding="utf-8")
    api = FakeBotApi(TOKEN).start()
    config = _polling_config(tmp_path, api.base_url, knowledge=knowledge, admins=str(ADMIN))
    process = _start(config)
    try:
        api.wait_for("getUpdates", timeout=60)
        api.push_update(_message(RESIDENT, QUESTION))
        api.wait_until(lambda: bool(_to(api, RESIDENT, "您是想问")), timeout=60)
        offered = _buttons(_to(api, RESIDENT, "您是想问")[0])
        assert f"a|{ENTRY}" in offered.values()
        api.push_update(_press(RESIDENT, f"a|{ENTRY}"))
        api.wait_until(lambda: bool(_to(api, RESIDENT, "交城县拥有省级技术创新中心<b>2个</b>")), timeout=60)

        api.push_update(_message(ADMIN, "/suggestions"))
        api.wait_until(lambda: bool(_to(api, ADMIN, "💡")), timeout=60)
        card = _to(api, ADMIN, "💡")[0]
        assert QUESTION in card["text"] and "交城县有几个省级技术创新中心？" in card["text"]
        assert ENTRY not in card["text"]  # the entry by its standard question (issue 21)
        api.push_update(_press(ADMIN, _buttons(card)["✅ 加为该条目的问法"]))
        api.wait_until(lambda: _edited(api, "已把“省级的中心有几个”加为条目"), timeout=60)

        answered_before = len(_to(api, RESIDENT, "交城县拥有省级技术创新中心<b>2个</b>"))
        api.push_update(_message(RESIDENT, QUESTION))
        api.wait_until(lambda: len(_to(api, RESIDENT, "交城县拥有省级技术创新中心<b>2个</b>")) > answered_before,
                       timeout=60)
        assert len(_to(api, RESIDENT, "您是想问")) == 1  # answered this time, not offered choices
    finally:
        output = _interrupt(process)
        api.stop()
    assert process.returncode == 0, output
    after = (knowledge / "tech.yaml").read_text(encoding="utf-8")
    assert after.replace("      - 省级的中心有几个\n", "", 1) == before
