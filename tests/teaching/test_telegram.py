"""Admins teach the bot from Telegram (issue 11), driven through real Updates and Application.process_update."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot import messages
from bot.config import Config, GroupSettings, RateLimits
from bot.storage import Storage
from bot.teaching.store import ChangeRecord
from bot.teaching.yamledit import Hunk
from tests.conftest import ADMIN
from tests.tg_fakes import BOT_USER, RecordingRequest, callback_update, message_update, user

RESIDENT = 42
AMBIGUOUS = "省级的中心有几个"  # the engine offers three entries for it
PICKED = "tech-provincial-innovation-centers"
NOT_COVERED = "交城县委书记是谁"  # no_match, and no entry near it
HEADER = "# 科技创新话题（这行注释必须原样保留）\n"


@pytest.fixture
def knowledge_dir(knowledge_dir: Path) -> Path:
    """The copied base, its tech.yaml with comments and a quoted question, as people write."""
    tech = knowledge_dir / "tech.yaml"
    text = tech.read_text(encoding="utf-8")
    text = text.replace("      - 咱县省级技术创新中心有几个\n", "      - '咱县省级技术创新中心有几个'   # 引号和注释都要保留\n")
    tech.write_text(HEADER + text, encoding="utf-8")
    return knowledge_dir


@pytest.fixture
def bot_config(bot_config: Config) -> Config:
    """Admins teach in bursts: 50 messages a minute per person, groups as configured by default."""
    return replace(bot_config, groups=GroupSettings(), rate_limits=RateLimits(per_user_per_minute=50))


def _buttons(params: dict[str, Any]) -> dict[str, str]:
    """Button text → callback data of a sent message."""
    markup = params.get("reply_markup") or {}
    return {b["text"]: b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row}


async def _ask(app: Any, request: RecordingRequest, text: str, *, user_id: int = RESIDENT) -> dict[str, Any]:
    await app.process_update(message_update(app.bot, text, chat_id=user_id, user_id=user_id))
    return request.sent()[-1]


async def _ambiguous_then_pick(app: Any, request: RecordingRequest, *, user_id: int = RESIDENT) -> None:
    reply = await _ask(app, request, AMBIGUOUS, user_id=user_id)
    assert reply["text"].startswith(messages.AMBIGUOUS_INTRO + "\n1. ")
    data = [d for d in _buttons(reply).values() if d == f"a|{PICKED}"]
    assert data, _buttons(reply)
    await app.process_update(callback_update(app.bot, data[0], user_id=user_id, chat_id=user_id))


async def _cards(app: Any, request: RecordingRequest) -> list[dict[str, Any]]:
    """The proposal messages /suggestions sends to the admin."""
    request.clear()
    await app.process_update(message_update(app.bot, "/suggestions", chat_id=ADMIN, user_id=ADMIN))
    return [p for p in request.sent() if "💡" in p["text"]]


async def _press(app: Any, request: RecordingRequest, data: str, *, user_id: int = ADMIN,
                 chat_id: int | None = None) -> None:
    request.clear()
    await app.process_update(callback_update(app.bot, data, user_id=user_id, chat_id=chat_id or user_id))


def _typing_before(request: RecordingRequest, method: str) -> bool:
    """Whether the admin's chat was shown "typing…" before the first ``method`` call."""
    names = [c.method for c in request.calls]
    typing = [i for i, c in enumerate(request.calls)
              if c.method == "sendChatAction" and c.params["action"] == "typing" and int(c.params["chat_id"]) == ADMIN]
    return bool(typing) and method in names and typing[0] < names.index(method)


def _alert(request: RecordingRequest) -> str:
    return str(request.sent("answerCallbackQuery")[-1].get("text", ""))


@pytest.mark.slow
async def test_a_pick_becomes_a_proposal_and_accepting_it_adds_the_question_keeping_the_file(
    bot_app: Any, knowledge_dir: Path, storage: Storage
) -> None:
    app, request = bot_app
    before = (knowledge_dir / "tech.yaml").read_bytes()
    await _ambiguous_then_pick(app, request)
    await _ambiguous_then_pick(app, request, user_id=43)
    cards = await _cards(app, request)
    assert len(cards) == 1
    card = cards[0]
    assert AMBIGUOUS in card["text"] and "问了 2 次" in card["text"]
    assert "交城县有几个省级技术创新中心？" in card["text"] and PICKED not in card["text"]  # canonical, not the id
    assert "交城县拥有省级技术创新中心2个。" in card["text"]  # its answer
    assert "居民在候选里选了这一条 2 次" in card["text"]
    assert "tech-provincial" not in card["text"]  # a card names entries by their standard questions, not ids
    buttons = _buttons(card)
    assert set(buttons) == {messages.BUTTON_TEACH_ADD, messages.BUTTON_TEACH_OTHER, messages.BUTTON_TEACH_IGNORE}
    assert all(len(d.encode()) <= 64 for d in buttons.values())

    await _press(app, request, buttons[messages.BUTTON_TEACH_ADD])
    assert _alert(request) == messages.TEACH_WORKING
    assert _typing_before(request, "editMessageText")  # the seconds of saving show as "typing…"
    done = request.sent("editMessageText")[-1]["text"]
    assert "已把“省级的中心有几个”加为条目“交城县有几个省级技术创新中心？”的问法" in done
    assert "tech-provincial" not in done

    after = (knowledge_dir / "tech.yaml").read_bytes()
    old_lines, new_lines = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(new_lines) == len(old_lines) + 1
    added = [i for i, line in enumerate(new_lines) if line == "      - 省级的中心有几个\n".encode()]
    assert len(added) == 1
    assert new_lines[: added[0]] + new_lines[added[0] + 1 :] == old_lines  # every other byte as it was
    assert old_lines[added[0] - 1].decode().strip() == "- 我想了解一下，交城县现在建成几个省级技术创新中心"
    assert after.startswith(HEADER.encode())
    assert "      - '咱县省级技术创新中心有几个'   # 引号和注释都要保留\n".encode() in after

    reply = await _ask(app, request, AMBIGUOUS)
    assert "交城县拥有省级技术创新中心<b>2个</b>" in reply["text"] and "📄 出处" in reply["text"]  # answered now
    assert await _cards(app, request) == []
    (change,) = storage.changes()
    assert (change.actor, change.action, change.file, change.entry_id) == (
        f"telegram:{ADMIN}", "add_question", "tech.yaml", PICKED)
    assert change.base_before != change.base_after


@pytest.mark.slow
async def test_other_entry_offers_the_next_candidates_and_an_old_button_goes_stale(
    bot_app: Any, knowledge_dir: Path
) -> None:
    app, request = bot_app
    await _ambiguous_then_pick(app, request)
    (card,) = await _cards(app, request)
    old_add = _buttons(card)[messages.BUTTON_TEACH_ADD]
    await _press(app, request, _buttons(card)[messages.BUTTON_TEACH_OTHER])
    choose = request.sent("editMessageText")[-1]
    choices = _buttons(choose)
    assert any("研发中心" in c for c in choices)  # the engine's next candidates
    assert messages.BUTTON_TEACH_SEARCH in choices and messages.BUTTON_TEACH_BACK in choices
    assert all(len(d.encode()) <= 64 for d in choices.values())
    other = next(d for t, d in choices.items() if "研发中心" in t)
    await _press(app, request, other)
    card = request.sent("editMessageText")[-1]
    assert "“交城县有多少个省级企业技术研发中心？”" in card["text"] and "管理员选的" in card["text"]

    before = (knowledge_dir / "tech.yaml").read_bytes()
    await _press(app, request, old_add)  # the ✅ shown before the entry changed
    assert _alert(request) == messages.TEACH_STALE
    assert (knowledge_dir / "tech.yaml").read_bytes() == before

    await _press(app, request, _buttons(card)[messages.BUTTON_TEACH_ADD])
    assert "加为条目“交城县有多少个省级企业技术研发中心？”的问法" in request.sent("editMessageText")[-1]["text"]
    assert "      - 省级的中心有几个\n" in (knowledge_dir / "tech.yaml").read_text(encoding="utf-8")


async def test_ignore_is_for_good(bot_app: Any, knowledge_dir: Path) -> None:
    app, request = bot_app
    await _ambiguous_then_pick(app, request)
    (card,) = await _cards(app, request)
    await _press(app, request, _buttons(card)[messages.BUTTON_TEACH_IGNORE])
    assert "已忽略建议" in request.sent("editMessageText")[-1]["text"]
    await _ambiguous_then_pick(app, request, user_id=44)  # asked again, picked again
    assert await _cards(app, request) == []
    assert messages.SUGGESTIONS_NONE in request.last_text()


async def test_a_question_of_another_entry_is_refused_and_nothing_changes(
    bot_app: Any, knowledge_dir: Path, storage: Storage
) -> None:
    app, request = bot_app
    taken = "交城县有几个省级技术创新中心？"  # the canonical question of tech-provincial-innovation-centers
    proposal = storage.save_proposal("k", question=taken, texts=[(taken, 1)], asked=1, last_asked=0,
                                     entry_id="tech-provincial-enterprise-rd-centers", reason="", choices=[])
    files = {p.name: p.read_bytes() for p in knowledge_dir.glob("*.yaml")}
    await _press(app, request, f"L|ok|{proposal.id}|{proposal.rev}")
    refusal = request.last_text()
    assert "没有保存" in refusal and "已经是另一个条目“交城县有几个省级技术创新中心？”的问法" in refusal
    assert {p.name: p.read_bytes() for p in knowledge_dir.glob("*.yaml")} == files
    assert storage.changes() == []
    assert storage.proposal(proposal.id).status == "open"  # type: ignore[union-attr]


@pytest.mark.slow
async def test_a_file_changed_on_disk_since_load_is_refused(bot_app: Any, knowledge_dir: Path) -> None:
    app, request = bot_app
    await _ambiguous_then_pick(app, request)
    (card,) = await _cards(app, request)
    tech = knowledge_dir / "tech.yaml"
    hand_edited = tech.read_bytes() + "# 同事刚刚手工加的一行注释\n".encode()
    tech.write_bytes(hand_edited)
    await _press(app, request, _buttons(card)[messages.BUTTON_TEACH_ADD])
    assert "tech.yaml 在机器人加载之后被改过了" in request.last_text() and "/reload" in request.last_text()
    assert tech.read_bytes() == hand_edited  # the colleague's edit is not lost
    request.clear()
    await app.process_update(message_update(app.bot, "/reload", chat_id=ADMIN, user_id=ADMIN))
    await _press(app, request, _buttons(card)[messages.BUTTON_TEACH_ADD])  # after /reload it goes through
    assert "已把“省级的中心有几个”加为条目" in request.sent("editMessageText")[-1]["text"]
    assert tech.read_bytes().endswith("# 同事刚刚手工加的一行注释\n".encode())


@pytest.mark.slow
async def test_undo_names_its_edit_restores_the_file_byte_for_byte_and_history_lists_both(
    bot_app: Any, knowledge_dir: Path, storage: Storage
) -> None:
    """Issue 19, row 16 too: /undo names the edit its button undoes; a second press never reverts another edit."""
    app, request = bot_app
    before, elderly = (knowledge_dir / "tech.yaml").read_bytes(), (knowledge_dir / "elderly.yaml").read_bytes()
    await _ambiguous_then_pick(app, request)
    (card,) = await _cards(app, request)
    await _press(app, request, _buttons(card)[messages.BUTTON_TEACH_ADD])  # edit #1, from Telegram
    with_first = (knowledge_dir / "tech.yaml").read_bytes()
    assert with_first != before
    editor = app.bot_data["services"].editor  # edit #2, from the server (python -m bot learn add)
    second = await asyncio.to_thread(editor.add_question, "elder-beds", "养老机构的床位总共有多少个", actor="cli:staff")
    assert second.ok, second.text
    request.clear()
    await app.process_update(message_update(app.bot, "/undo", chat_id=ADMIN, user_id=ADMIN))
    named = request.sent()[-1]
    assert "要撤销的是修改 #2" in named["text"] and "养老机构的床位总共有多少个" in named["text"]
    (undo,) = _buttons(named).values()
    await _press(app, request, undo)
    assert "已撤销修改 #2" in request.last_text()
    await _press(app, request, undo)  # a double tap, or a second admin with the same card
    assert "修改 #2 已经撤销过了" in request.last_text()
    assert (knowledge_dir / "tech.yaml").read_bytes() == with_first  # edit #1 untouched
    assert (knowledge_dir / "elderly.yaml").read_bytes() == elderly
    request.clear()
    await app.process_update(message_update(app.bot, "/undo 1", chat_id=ADMIN, user_id=ADMIN))
    assert "已撤销修改 #1" in request.last_text()
    assert _typing_before(request, "sendMessage")
    assert (knowledge_dir / "tech.yaml").read_bytes() == before
    reply = await _ask(app, request, AMBIGUOUS)
    assert reply["text"].startswith(messages.AMBIGUOUS_INTRO + "\n1. ")  # the base is the old one again
    request.clear()
    await app.process_update(message_update(app.bot, "/history", chat_id=ADMIN, user_id=ADMIN))
    history = request.last_text()
    assert "撤销 #1" in history and "已撤销（#4）" in history and "撤销 #2" in history and "已撤销（#3）" in history
    assert "居民：" in history and "命令行 staff" in history  # the admin by the Telegram first name (issue 21)
    assert len(await _cards(app, request)) == 1  # the proposal is open again
    request.clear()
    await app.process_update(message_update(app.bot, "/undo", chat_id=ADMIN, user_id=ADMIN))
    assert request.last_text() == messages.UNDO_NOTHING


async def test_residents_groups_and_forged_buttons_are_refused(
    bot_app: Any, knowledge_dir: Path, storage: Storage
) -> None:
    app, request = bot_app
    await _ambiguous_then_pick(app, request)
    (card,) = await _cards(app, request)
    add = _buttons(card)[messages.BUTTON_TEACH_ADD]
    files = {p.name: p.read_bytes() for p in knowledge_dir.glob("*.yaml")}
    for command in ("/suggestions", "/history", "/undo"):
        request.clear()
        await app.process_update(message_update(app.bot, command, chat_id=RESIDENT, user_id=RESIDENT))
        assert request.last_text() == messages.NOT_ADMIN
        request.clear()
        await app.process_update(message_update(app.bot, command, chat_id=-100123, chat_type="supergroup",
                                                user_id=ADMIN))
        assert request.last_text() == messages.ADMIN_PRIVATE_ONLY
    await _press(app, request, add, user_id=RESIDENT)
    assert _alert(request) == messages.NOT_ADMIN
    await _press(app, request, add, chat_id=-100123)  # an admin, but in a group
    assert _alert(request) == messages.ADMIN_PRIVATE_ONLY
    for forged, answer in (
        ("L|ok|99999|0", messages.TEACH_GONE),
        ("L|ok|x|0", messages.TEACH_BAD_BUTTON),
        ("L|ok|²|0", messages.TEACH_BAD_BUTTON),  # isdigit() takes it, int() does not
        ("L|ok", messages.TEACH_BAD_BUTTON),
        (add.rsplit("|", 1)[0] + "|7", messages.TEACH_STALE),
        (add.replace("|ok|", "|to|") + "|9", messages.TEACH_STALE),
        (add.replace("|ok|", "|rm|"), messages.TEACH_BAD_BUTTON),
    ):
        await _press(app, request, forged)
        assert _alert(request) == answer, forged
        assert request.sent() == [] and request.sent("editMessageText") == []
    assert {p.name: p.read_bytes() for p in knowledge_dir.glob("*.yaml")} == files
    assert storage.changes() == []


async def test_a_question_without_a_likely_entry_offers_the_search_by_typing(bot_app: Any, storage: Storage) -> None:
    app, request = bot_app
    reply = await _ask(app, request, NOT_COVERED)
    assert "抱歉" in reply["text"]  # no_match
    cards = await _cards(app, request)
    card = next(c for c in cards if NOT_COVERED in c["text"])
    assert "还没有合适的条目" in card["text"]
    buttons = _buttons(card)
    assert set(buttons) == {messages.BUTTON_TEACH_FIND, messages.BUTTON_TEACH_IGNORE}
    await _press(app, request, buttons[messages.BUTTON_TEACH_FIND])
    choose = request.sent("editMessageText")[-1]
    assert "没有找到接近的条目" in choose["text"]  # nothing near: the search is what is left
    await _press(app, request, _buttons(choose)[messages.BUTTON_TEACH_SEARCH])
    prompt = request.sent()[-1]
    assert prompt["text"].startswith("🔍 建议 #") and prompt["reply_markup"]["force_reply"] is True

    request.clear()
    reply_to = {"message_id": 900, "date": 0, "chat": {"id": ADMIN, "type": "private"}, "from": BOT_USER,
                "text": prompt["text"]}
    await app.process_update(message_update(app.bot, "床位", chat_id=ADMIN, user_id=ADMIN, reply_to=reply_to))
    (found,) = request.sent()
    assert "“床位”找到" in found["text"]
    results = _buttons(found)
    beds = next(d for t, d in results.items() if "床位" in t)
    await _press(app, request, beds)
    card = request.sent("editMessageText")[-1]
    assert "建议加到条目" in card["text"] and "管理员选的" in card["text"]

    # the same reply from a resident, or an admin's reply to an ordinary answer, is just a question
    request.clear()
    await app.process_update(message_update(app.bot, "床位", chat_id=RESIDENT, user_id=RESIDENT, reply_to=reply_to))
    assert "床位" in request.last_text() and "找到" not in request.last_text()
    other = {**reply_to, "text": "交城县有几个乡镇社工站？"}
    request.clear()
    await app.process_update(message_update(app.bot, "社工站有几个", chat_id=ADMIN, user_id=ADMIN, reply_to=other))
    assert "8个乡镇社工站" in request.last_text()


async def test_thumbs_down_then_a_related_question_proposes_that_entry(bot_app: Any, storage: Storage) -> None:
    app, request = bot_app
    reply = await _ask(app, request, "咱县养老床位有多少张")
    assert "985张" in reply["text"]
    related = [d for t, d in _buttons(reply).items() if d.startswith("a|")]
    assert related
    await app.process_update(callback_update(app.bot, "f|-|elder-beds"))
    await app.process_update(callback_update(app.bot, related[0]))
    cards = await _cards(app, request)
    (card,) = [c for c in cards if "咱县养老床位有多少张" in c["text"]]
    corrected = app.bot_data["services"].knowledge.current.kb.by_id[related[0].split("|")[1]]
    assert f"“{corrected.canonical_question}”" in card["text"] and "居民点 👎 后改看了这一条 1 次" in card["text"]


async def test_browsing_topics_is_not_a_signal(bot_app: Any) -> None:
    app, request = bot_app
    await _ask(app, request, "咱县养老床位有多少张")  # answered; no 👎
    await app.process_update(callback_update(app.bot, "a|elder-social-work-stations"))
    assert await _cards(app, request) == []


async def test_unanswered_gains_buttons_that_open_the_proposal(bot_app: Any) -> None:
    app, request = bot_app
    await _ambiguous_then_pick(app, request)
    await _ask(app, request, NOT_COVERED)
    request.clear()
    await app.process_update(message_update(app.bot, "/unanswered", chat_id=ADMIN, user_id=ADMIN))
    listing = request.sent()[-1]
    buttons = _buttons(listing)
    assert any(NOT_COVERED in t for t in buttons) and all(d.startswith("L|show|") for d in buttons.values())
    await _press(app, request, next(iter(buttons.values())))
    card = request.sent()[-1]
    assert "💡" in card["text"] and _buttons(card)


async def test_a_card_too_old_to_edit_gets_its_result_as_a_new_message(bot_app: Any) -> None:
    app, request = bot_app
    await _ambiguous_then_pick(app, request)
    (card,) = await _cards(app, request)
    request.fail_methods["editMessageText"] = (400, "Bad Request: message can't be edited")
    await _press(app, request, _buttons(card)[messages.BUTTON_TEACH_IGNORE])
    assert "已忽略建议" in request.last_text()



# issue 21: the history a clerk reads
async def test_history_names_admins_shows_standard_questions_and_no_hashes(bot_app: Any, storage: Storage) -> None:
    app, request = bot_app
    for actor, entry, question in ((f"telegram:{ADMIN}", PICKED, "省级的中心有几个"),
                                   ("telegram:5550006789", "elder-beds", "养老床位一共几张")):
        hunk = Hunk(line=10, removed=(), added=(f"      - {question}\n",))  # as the editor records it (kept quick)
        storage.record_change(ChangeRecord(
            ts=time.time(), actor=actor, action="add_question", file="tech.yaml", entry_id=entry, question=question,
            hunk=hunk.to_json(), file_before="9f2c" * 16, file_after="4be1" * 16, base_before="0d5a" * 16,
            base_after="c37e" * 16, git_commit="a1b2c3d4e5f6a7b8",
        ))
    request.clear()
    await app.process_update(message_update(app.bot, "/history", chat_id=ADMIN, user_id=ADMIN,
                                            extra={"from": user(ADMIN, "王会计")}))
    history = request.last_text()
    assert "#1 " in history and "王会计：给“交城县有几个省级技术创新中心？”加问法“省级的中心有几个”" in history
    assert "管理员（尾号 6789）：给“" in history  # an admin never seen by name: a short number, not the whole id
    assert str(ADMIN) not in history and "5550006789" not in history
    assert not re.search(r"[0-9a-f]{8,}", history) and PICKED not in history and "elder-beds" not in history
