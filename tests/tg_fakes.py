"""Test doubles for Telegram: a BaseRequest that records every Bot API call and answers it locally, and
factories for real Update objects. No network, no mocks of the handlers' insides."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot, Update
from telegram.request import BaseRequest, RequestData

from bot.limits import MESSAGE_LIMIT, telegram_length

BOT_ID = 5550001
BOT_USERNAME = "jiaocheng_qa_bot"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "交城问答", "username": BOT_USERNAME}  # as messages name it
# what getMe answers: the bot and what BotFather set for it (the fakes here and in fake_bot_api answer the same)
BOT_ME = {**BOT_USER, "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": True}


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class RecordingRequest(BaseRequest):
    """Answers Bot API calls like Telegram would, and keeps them in ``calls``; like Telegram, it refuses a
    message longer than 4,096 UTF-16 units as shown (call recorded as ``<method>!failed``)."""

    calls: list[Call] = field(default_factory=list)
    chat_member_status: str = "member"
    fail_methods: dict[str, tuple[int, str]] = field(default_factory=dict)
    # per chat: error payloads returned by sendMessage to that chat, one per call, before it succeeds
    chat_errors: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    # sendMessage to these chats never returns (a request in flight when the process dies)
    hang_chats: set[int] = field(default_factory=set)
    # per chat: exceptions sendMessage raises, one per call, before it succeeds (e.g. a dropped connection)
    chat_exceptions: dict[int, list[Exception]] = field(default_factory=dict)
    # methods answered with this "result" instead (e.g. valid JSON of the wrong shape)
    results: dict[str, Any] = field(default_factory=dict)
    # what the next getUpdates returns (raw JSON items, as Telegram sends them)
    updates: list[Any] = field(default_factory=list)
    _ids: Any = field(default_factory=lambda: itertools.count(1000))

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data is not None else {}
        chat_id = int(params["chat_id"]) if str(params.get("chat_id", "x")).lstrip("-").isdigit() else None
        if name == "sendMessage" and chat_id in self.hang_chats:
            await asyncio.Event().wait()
        if name == "sendMessage" and self.chat_exceptions.get(chat_id):  # type: ignore[arg-type]
            self.calls.append(Call("sendMessage!failed", params))
            raise self.chat_exceptions[chat_id].pop(0)  # type: ignore[index]
        if name == "getUpdates" and self.updates:
            batch, self.updates = self.updates, []
            self.calls.append(Call(name, params))
            return 200, json.dumps({"ok": True, "result": batch}).encode()
        text = str(params.get("text", params.get("message_text", "")))
        if name in ("sendMessage", "editMessageText") and telegram_length(
            text, html_text=params.get("parse_mode") == "HTML"
        ) > MESSAGE_LIMIT:  # Telegram counts UTF-16 units of the text as shown
            self.calls.append(Call(f"{name}!failed", params))
            return 400, json.dumps({"ok": False, "error_code": 400,
                                    "description": "Bad Request: message is too long"}).encode()
        if name == "sendMessage" and self.chat_errors.get(chat_id):  # type: ignore[arg-type]
            self.calls.append(Call("sendMessage!failed", params))
            error = self.chat_errors[chat_id].pop(0)  # type: ignore[index]
            return int(error["error_code"]), json.dumps({"ok": False, **error}).encode()
        self.calls.append(Call(name, params))
        if name in self.fail_methods:
            code, description = self.fail_methods[name]
            return code, json.dumps({"ok": False, "error_code": code, "description": description}).encode()
        result = self.results[name] if name in self.results else self._result(name, params)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _result(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return BOT_ME
        if name in ("sendMessage", "editMessageText", "sendPhoto"):
            chat_id = params.get("chat_id", 1)
            return {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if int(chat_id) > 0 else "supergroup"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
        if name == "getChatMember":
            member: dict[str, Any] = {"status": self.chat_member_status,
                                      "user": {"id": params.get("user_id", 1), "is_bot": False, "first_name": "x"}}
            if self.chat_member_status == "administrator":
                rights = ("can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
                          "can_manage_video_chats", "can_restrict_members", "can_promote_members",
                          "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
                          "can_delete_stories")
                member.update(dict.fromkeys(rights, False))
            return member
        if name == "getUpdates":
            return []
        return True

    # helpers for assertions
    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == method]

    def last_text(self) -> str:
        texts = self.sent()
        assert texts, f"no sendMessage; calls: {[c.method for c in self.calls]}"
        return str(texts[-1]["text"])

    def clear(self) -> None:
        self.calls.clear()


_update_ids = itertools.count(1)
_message_ids = itertools.count(1)


def user(user_id: int = 42, name: str = "居民") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": name}


def chat(chat_id: int = 42, kind: str = "private") -> dict[str, Any]:
    data: dict[str, Any] = {"id": chat_id, "type": kind}
    if kind != "private":
        data["title"] = "交城居民群"
    return data


def message_update(
    bot: Bot,
    text: str,
    *,
    chat_id: int = 42,
    chat_type: str = "private",
    user_id: int = 42,
    entities: list[dict[str, Any]] | None = None,
    reply_to: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> Update:
    message: dict[str, Any] = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": chat(chat_id, chat_type),
        "from": user(user_id),
        "text": text,
        **(extra or {}),
    }
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    if entities:
        message["entities"] = entities
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    return Update.de_json({"update_id": next(_update_ids), "message": message}, bot)


def mention_update(bot: Bot, question: str, **kwargs: Any) -> Update:
    mention = f"@{BOT_USERNAME}"
    text = f"{mention} {question}"
    entity = {"type": "mention", "offset": 0, "length": len(mention)}
    return message_update(bot, text, entities=[entity], **kwargs)


def callback_update(bot: Bot, data: str, *, user_id: int = 42, chat_id: int = 42,
                    reply_to: dict[str, Any] | None = None, on: dict[str, Any] | None = None) -> Update:
    """A button press on a message of the bot (which answered ``reply_to``, if given); ``on``: the bot's message
    as sent (its ``message_id``, ``text`` and ``reply_markup``, e.g. a recorded sendMessage with an id)."""
    message: dict[str, Any] = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": chat(chat_id, "private" if chat_id > 0 else "supergroup"),
        "from": BOT_USER,
        "text": "您是想问：",
    }
    if on is not None:
        message.update({k: on[k] for k in ("message_id", "text", "reply_markup") if k in on})
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    query = {"id": str(next(_update_ids)), "from": user(user_id), "chat_instance": "ci", "data": data,
             "message": message}
    return Update.de_json({"update_id": next(_update_ids), "callback_query": query}, bot)


def my_chat_member_update(
    bot: Bot, *, chat_id: int = -100123, old: str = "left", new: str = "member", by: int = 42
) -> Update:
    """The bot's own membership in a group changed (added, removed)."""
    def member(status: str) -> dict[str, Any]:
        data: dict[str, Any] = {"status": status, "user": BOT_USER}
        if status == "kicked":
            data["until_date"] = 0
        return data

    change = {
        "chat": chat(chat_id, "supergroup"),
        "from": user(by),
        "date": int(time.time()),
        "old_chat_member": member(old),
        "new_chat_member": member(new),
    }
    return Update.de_json({"update_id": next(_update_ids), "my_chat_member": change}, bot)


def inline_update(bot: Bot, text: str, *, user_id: int = 42) -> Update:
    query = {"id": str(next(_update_ids)), "from": user(user_id), "query": text, "offset": ""}
    return Update.de_json({"update_id": next(_update_ids), "inline_query": query}, bot)
